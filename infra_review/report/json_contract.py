"""The JSON document of ``infra-review scan --format json``: a documented, stable contract.

Top-level keys (``SCHEMA_VERSION`` changes only when one is removed or changes meaning; new
keys may be added at any time):

``schema_version``
    ``"1.0"``.
``tool``
    ``{"name": "infra-review", "version": ...}``.
``root``
    Absolute path of the reviewed directory.
``git``
    ``{"is_repo", "head_commit", "branch"}`` read from ``.git`` without running git.
``coverage``
    ``{"files_total", "parsed", "partial", "skipped", "failed", "by_reason", "problems",
    "complete"}``: every path under the root is counted once (an ignored directory such as
    ``.git`` or ``.terraform`` is one entry; what is inside it is not listed).  ``problems``
    counts files that failed, were partly parsed, or were skipped for a problem (too large,
    unreadable, symlink out of the root, ...); ``complete`` is ``problems == 0``.  In a
    document rendered from a review (:func:`render_json`) ``coverage`` also has
    ``"rule_errors"`` (how many rules raised), and ``complete`` is false when any did: a rule
    that failed leaves part of the repository unreviewed, just as a file that failed does.
``files``
    ``[{"path", "kind", "status", "reason", "diagnostics"}]`` sorted by path.
``diagnostics``
    ``[{"code", "file", "line", "column", "message"}]``; messages never quote file content.
``resources``
    ``[{"address", "kind", "block", "file", "line", "module"}]`` sorted by address.
``edges``
    ``[{"source", "target", "kind"}]`` (plus ``"attr"`` for reference edges); ``source``
    depends on ``target``.
``findings``
    ``[{"rule_id", "area", "severity", "status", "address", "file", "line", "attribute",
    "message", "evidence", "remediation", "title", "suppressed", "suppression_reason",
    "fingerprint"}]``.
``review``
    ``{"rules", "errors", "complete", "baseline", "seconds"}``: the rules that ran, the ones
    that raised (``[{"rule_id", "error_type", "message", "hits_kept"}]``), whether every rule
    ran to the end, the baseline file applied (``null`` when none) and the rules' run time.
    Present when the document is rendered from a review (:func:`render_json`).

>>> to_jsonable({"a": (1, {2}), "b": Severity.HIGH})
{'a': [1, [2]], 'b': 'high'}
"""

from __future__ import annotations

import dataclasses
import enum
import json
import math
from collections.abc import Iterable, Mapping
from pathlib import PurePath
from typing import Any

from infra_review import __version__
from infra_review.loaders.repo import LoadResult
from infra_review.model import Finding, Severity, Unresolved
from infra_review.report.options import RenderOptions
from infra_review.review.engine import finding_to_dict
from infra_review.review.result import ReviewResult

__all__ = [
    "SCHEMA_VERSION",
    "TOOL_NAME",
    "finding_to_dict",
    "render_json",
    "review_block",
    "review_document",
    "scan_document",
    "to_jsonable",
]

SCHEMA_VERSION = "1.0"
TOOL_NAME = "infra-review"


def to_jsonable(value: Any, _depth: int = 0) -> Any:
    """Plain JSON types only: tuples/sets → lists, enums → values, ``Unresolved`` → ``${expr}``."""
    if _depth > 64:
        return "…"
    if isinstance(value, Severity):
        return value.label
    if isinstance(value, enum.Enum):
        return to_jsonable(value.value, _depth + 1)
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Unresolved):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v, _depth + 1) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        items = [to_jsonable(v, _depth + 1) for v in value]
        try:
            return sorted(items)
        except TypeError:
            return items
    if isinstance(value, list | tuple):
        return [to_jsonable(v, _depth + 1) for v in value]
    if isinstance(value, PurePath):
        return value.as_posix()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name), _depth + 1) for f in dataclasses.fields(value)}
    return str(value)


def scan_document(load_result: LoadResult, findings: Iterable[Finding] = ()) -> dict[str, Any]:
    """The whole JSON document for one load (and its findings, when rules ran)."""
    rg = load_result.graph
    git = rg.repo.get("git", {}) if isinstance(rg.repo, Mapping) else {}
    coverage = dict(load_result.coverage)
    coverage["complete"] = load_result.complete
    resources = []
    for res in sorted(rg.all(), key=lambda r: r.address):
        resources.append(
            {
                "address": res.address,
                "kind": res.kind,
                "block": res.block,
                "file": res.file,
                "line": res.line,
                "end_line": res.source.end_line if res.source else 0,
                "module": res.module,
            }
        )
    edges = []
    for e in rg.edges():
        item: dict[str, Any] = {"source": e.source, "target": e.target, "kind": e.kind}
        if "attr" in e.attrs:
            item["attr"] = str(e.attrs["attr"])
        edges.append(item)
    edges.sort(key=lambda d: (d["source"], d["target"], d["kind"], d.get("attr", "")))
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": TOOL_NAME, "version": __version__},
        "root": str(load_result.root),
        "git": {k: git.get(k) for k in ("is_repo", "head_commit", "branch")},
        "coverage": coverage,
        "files": [f.to_dict() for f in load_result.files],
        "diagnostics": [d.to_dict() for d in load_result.diagnostics],
        "resources": resources,
        "edges": edges,
        "findings": [finding_to_dict(f) for f in findings],
    }


def review_block(result: ReviewResult) -> dict[str, Any]:
    """The ``review`` object: rules run, rule errors, completeness, baseline, seconds."""
    return {
        "rules": result.rule_ids,
        "errors": [e.to_dict() for e in result.errors],
        "complete": result.complete,
        "baseline": result.baseline.path if result.baseline is not None else None,
        "seconds": round(result.seconds, 3),
    }


def review_document(result: ReviewResult) -> dict[str, Any]:
    """The whole JSON document of a review: :func:`scan_document` plus the ``review`` block."""
    if result.load is None:
        msg = "the JSON document needs the load result: review(load_repo(root)), not review(graph)"
        raise ValueError(msg)
    doc = scan_document(result.load, result.findings)
    doc["coverage"]["rule_errors"] = len(result.errors)
    doc["coverage"]["complete"] = result.load.complete and result.complete
    doc["review"] = review_block(result)
    return doc


def render_json(result: ReviewResult, options: RenderOptions | None = None) -> str:
    """``infra-review scan --format json``: :func:`review_document` as indented JSON text."""
    del options  # nothing to choose
    return json.dumps(review_document(result), indent=2, ensure_ascii=False) + "\n"
