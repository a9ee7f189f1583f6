"""What every format loader hands back for one file, and the per-file parse contract.

Loading has two phases:

1. **parse** (per file, in a worker process, cached by content hash): each format module
   exposes ``parse_file(rel_path: str, text: str) -> ParsedFile``.  ``ParsedFile.data`` is
   plain picklable data (dicts, lists, strings, numbers, model dataclasses) — never parser
   objects — so it can cross a process boundary and be cached.
2. **build** (once per repository, in the main process): each format module exposes
   ``build(files: list[ParsedFile], rg: ResourceGraph) -> list[Diagnostic]``, which adds
   :class:`~infra_review.model.Resource` nodes and edges to the graph (module expansion,
   variable resolution, cross-file references happen here).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from infra_review.model import Diagnostic, FileStatus

__all__ = ["ParsedFile"]


@dataclass(slots=True)
class ParsedFile:
    """The parse-phase result for one file.  ``status`` is PARSED, PARTIAL or FAILED."""

    path: str  # relative to the reviewed root, POSIX separators
    #: terraform | terraform_json | tfvars | tfvars_json | terraform_plan | kubernetes | dockerfile |
    #: dockerignore | compose | helm_values
    kind: str
    status: FileStatus = FileStatus.PARSED
    data: Any = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    sha256: str = ""
    size: int = 0
