"""infra_review — a Jupyter review workbench for infrastructure-as-code.

Public API (imported lazily so that ``import infra_review`` stays cheap and never pulls in
plotly or Jupyter):

- ``load_repo(root) -> LoadResult``: walk a repository safely, parse every IaC file and build
  one :class:`~infra_review.graph.ResourceGraph` (``result.graph``) with a coverage record.
- ``review(rg) -> list[Finding]``: run the registered rules.
- ``Finding``, ``Resource``, ``Severity``, ``Area``, ``Status``: the model.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_LAZY = {
    "load_repo": "infra_review.pipeline",
    "LoadResult": "infra_review.loaders.repo",
    "review": "infra_review.review.engine",
    "ResourceGraph": "infra_review.graph",
    "Finding": "infra_review.model",
    "Resource": "infra_review.model",
    "Severity": "infra_review.model",
    "Area": "infra_review.model",
    "Status": "infra_review.model",
    "Unresolved": "infra_review.model",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    msg = f"module 'infra_review' has no attribute {name!r}"
    raise AttributeError(msg)
