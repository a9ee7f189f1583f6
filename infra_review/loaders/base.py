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

import json
from dataclasses import dataclass, field
from typing import Any

from infra_review.model import Diagnostic, DiagnosticCode, FileStatus

__all__ = ["ParsedFile", "json_object"]


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


def json_object(
    pf: ParsedFile, text: str, not_object: str = "top level is not a JSON object"
) -> dict[str, Any] | None:
    """``text`` parsed as a JSON object; on failure ``pf`` is marked FAILED with a PARSE_ERROR.

    >>> pf = ParsedFile("x.tf.json", "terraform_json")
    >>> json_object(pf, "[1]"), pf.status.value, pf.diagnostics[0].message
    (None, 'failed', 'top level is not a JSON object')
    """
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        pf.status, pf.data = FileStatus.FAILED, None
        pf.diagnostics.append(
            Diagnostic(DiagnosticCode.PARSE_ERROR, pf.path, e.lineno, e.colno, f"invalid JSON: {e.msg[:80]}")
        )
        return None
    if not isinstance(doc, dict):
        pf.status, pf.data = FileStatus.FAILED, None
        pf.diagnostics.append(Diagnostic(DiagnosticCode.PARSE_ERROR, pf.path, 1, 1, not_object))
        return None
    return doc
