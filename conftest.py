"""Repo-root pytest configuration: nbval hardening (checked against nbval 0.11.x).

Rich outputs (plotly JSON, HTML, JavaScript) carry per-run ids and embed library templates, so
they are never compared; ``text/plain``, stdout/stderr and errors still are.  Pin ``nbval<0.12``:
this patches a private class.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import nbval.plugin as _nbp

_VOLATILE = ("application/vnd.plotly.v1+json", "text/html", "application/javascript")
_orig_init = _nbp.IPyNbFile.__init__


def _init(self, *args, **kwargs):  # type: ignore[no-untyped-def]
    _orig_init(self, *args, **kwargs)
    self.skip_compare = (*tuple(self.skip_compare), *_VOLATILE)


_nbp.IPyNbFile.__init__ = _init


def pytest_configure(config):  # type: ignore[no-untyped-def]
    # --nbval-sanitize-with is resolved relative to the CWD; make it work from any directory.
    p = getattr(config.option, "nbval_sanitize_with", None)
    if p and not Path(p).exists():
        config.option.nbval_sanitize_with = str(config.rootpath / p)
    # Keep Jupyter/IPython state inside the workspace, never in $HOME.
    root = Path(config.rootpath)
    for var, sub in (
        ("JUPYTER_CONFIG_DIR", ".jupyter/config"),
        ("JUPYTER_DATA_DIR", ".jupyter/data"),
        ("JUPYTER_RUNTIME_DIR", ".jupyter/runtime"),
        ("IPYTHONDIR", ".jupyter/ipython"),
    ):
        os.environ.setdefault(var, str(root / sub))
    # Tests and nbval kernels never touch a reviewer's real review database, and notebooks
    # always review their default example (not whatever INFRA_REVIEW_REPO a shell exported).
    os.environ["INFRA_REVIEW_DB"] = str(Path(tempfile.mkdtemp(prefix="infra-review-test-")) / "reviews.sqlite")
    os.environ.pop("INFRA_REVIEW_REPO", None)
    os.environ.pop("INFRA_REVIEW_REVIEWER", None)


# The jupytext sources of the notebooks are not modules; nbval runs the .ipynb files.
collect_ignore_glob = ["notebooks/*.py", "tools/*.py", "bench/*.py"]
