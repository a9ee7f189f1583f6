"""Repository layout: Terraform roots, the anchor of repository-level findings, backends, literal ids.

Repository-level findings (no state backend, a tracked state file, no drift detection) are
attached to a stable *anchor* (:func:`repo_anchor`): the root module's ``terraform`` block when
there is one, else the first root ``provider`` block, else the first root resource (by file and
line), else the synthetic address ``repo:.`` (kind ``repository``) located at the repository root.

>>> is_example_root("examples/complete"), is_example_root("envs/prod")
(True, False)
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import PurePosixPath
from typing import Any, TypeVar

from infra_review.graph import ResourceGraph
from infra_review.model import Resource, SourceLocation, Unresolved
from infra_review.model.coerce import tri

__all__ = [
    "backend_of",
    "drift_detection_evidence",
    "file_resource",
    "in_root",
    "is_example_root",
    "literal_ids",
    "literal_ids_index",
    "repo_anchor",
    "root_terraform_blocks",
    "terraform_roots",
    "walk_leaves",
    "walk_strings",
]

T = TypeVar("T")


def terraform_roots(rg: ResourceGraph) -> list[str]:
    """The root-module directories of the repository (``meta["root"]``; ``"."`` first)."""
    return list(rg.memo(_roots))


def _roots(rg: ResourceGraph) -> tuple[str, ...]:
    roots = {
        str(r.meta.get("root", "."))
        for r in rg.all()
        if r.format in ("terraform", "plan") and r.block != "synthetic"
    }
    return tuple(sorted(roots, key=lambda d: (d != ".", d)))


_NON_DEPLOYED = frozenset({"examples", "example", "test", "tests", "testdata", "fixtures", "test-fixtures"})


def is_example_root(root: str) -> bool:
    """True for roots under ``examples/``, ``test/``, ``fixtures/``…: usage samples, not deployed stacks.

    >>> is_example_root("examples/complete"), is_example_root("envs/prod"), is_example_root(".")
    (True, False, False)
    """
    return any(part in _NON_DEPLOYED for part in root.split("/"))


def in_root(r: Resource, root: str | None) -> bool:
    """True when ``r`` belongs to root directory ``root`` (any root when ``None``)."""
    return root is None or str(r.meta.get("root", ".")) == root


def repo_anchor(rg: ResourceGraph, root: str | None = None) -> Resource:
    """The stable node repository-level findings attach to (see the module docstring).

    With ``root``, the anchor of that root-module directory; without, the anchor of the
    top-level root (``"."``, else the first root in path order).
    """
    if root is None:
        roots = terraform_roots(rg)
        root = roots[0] if roots else None
    return rg.memo(_anchor, root)


def _anchor(rg: ResourceGraph, root: str | None) -> Resource:
    anchor: Resource | None = None
    tf = root_terraform_blocks(rg, root)
    if tf:
        anchor = tf[0]
    if anchor is None:
        provs = sorted(
            (r for r in rg.resources(block="provider") if not r.module and in_root(r, root)), key=_loc_key
        )
        anchor = provs[0] if provs else None
    if anchor is None:
        res = sorted(
            (r for r in rg.resources() if not r.module and r.format == "terraform" and in_root(r, root)),
            key=_loc_key,
        )
        anchor = res[0] if res else None
    if anchor is None:
        anchor = Resource(
            "repo:.",
            "repository",
            block="synthetic",
            format="synthetic",
            meta={"name": "repo"},
            source=SourceLocation("."),
        )
    return anchor


def file_resource(path: str) -> Resource:
    """A synthetic resource standing for one repository file (``file:<path>``)."""
    return Resource(
        f"file:{path}",
        "file",
        block="synthetic",
        format="synthetic",
        meta={"name": PurePosixPath(path).name},
        source=SourceLocation(path),
    )


def _loc_key(r: Resource) -> tuple[str, int, str]:
    return (r.file, r.line, r.address)


def root_terraform_blocks(rg: ResourceGraph, root: str | None = None) -> list[Resource]:
    """The ``terraform`` blocks of the root module(s) (of one root directory when given), in file order."""
    return sorted(
        (r for r in rg.resources(block="terraform") if not r.module and in_root(r, root)), key=_loc_key
    )


def _labelled(value: Any) -> list[tuple[str, Any]]:
    """``backend "s3" {...}`` in any of the shapes a normaliser may give → [(label, body)]."""
    out: list[tuple[str, Any]] = []
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, Unresolved):
            out.append(("", item))
        elif isinstance(item, Mapping):
            labels = item.get("_labels")
            if isinstance(labels, list | tuple) and labels:
                out.append((str(labels[0]), {k: v for k, v in item.items() if k != "_labels"}))
            elif "type" in item and isinstance(item["type"], str):
                out.append((item["type"], {k: v for k, v in item.items() if k != "type"}))
            elif "__label__" in item:
                out.append((str(item["__label__"]), {k: v for k, v in item.items() if k != "__label__"}))
            elif len(item) == 1 and isinstance(next(iter(item.values())), Mapping | list):
                label, body = next(iter(item.items()))
                if isinstance(body, list) and body and isinstance(body[0], Mapping):
                    body = body[0]
                out.append((str(label), body))
            else:
                out.append(("", item))
        elif isinstance(item, str):
            out.append((item, {}))
    return out


def backend_of(rg: ResourceGraph, root: str | None = None) -> tuple[str, Mapping[str, Any], Resource] | None:
    """``(type, config, terraform_block)`` of a root's backend (``cloud`` → type ``cloud``)."""
    for tf in root_terraform_blocks(rg, root):
        for key in ("backend", "cloud"):
            if key not in tf.attrs or tf.attrs[key] is None:
                continue
            if key == "cloud":
                body = tf.attrs[key]
                body = body[0] if isinstance(body, list) and body else body
                return "cloud", body if isinstance(body, Mapping) else {}, tf
            for label, body in _labelled(tf.attrs[key]):
                return label, body if isinstance(body, Mapping) else {}, tf
        btype = tf.meta.get("backend_type") if isinstance(tf.meta, Mapping) else None
        if isinstance(btype, str):
            return btype, tf.meta.get("backend", {}) or {}, tf
    return None


def walk_leaves(value: Any, leaf: type[T], path: str = "") -> Iterator[tuple[str, T]]:
    """``(attribute_path, leaf)`` of every ``leaf``-typed value inside ``value`` (mappings and lists walked).

    >>> list(walk_leaves({"a": ["x", 1], "b": {"c": "y"}}, str))
    [('b.c', 'y'), ('a[0]', 'x')]
    """
    stack: list[tuple[str, Any]] = [(path, value)]
    while stack:
        p, v = stack.pop()
        if isinstance(v, leaf):
            yield p, v
        elif isinstance(v, Mapping):
            stack.extend((f"{p}.{k}" if p else str(k), x) for k, x in v.items())
        elif isinstance(v, list | tuple):
            stack.extend((f"{p}[{i}]", x) for i, x in enumerate(v))


def walk_strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """``(attribute_path, text)`` of every string inside ``value`` (mappings and lists walked)."""
    return walk_leaves(value, str, path)


_LITERAL_ID = re.compile(
    r"^(vpc|subnet|sg|rtb|igw|nat|eni|vol|snap|eipalloc|tgw|pcx|vpce|acl|lt|i|db|cluster)-"
    r"[0-9a-f]{8}([0-9a-f]{9})?$"
)


def literal_ids(res: Resource) -> list[tuple[str, str]]:
    """``(attribute_path, id)`` for literal AWS resource ids in the attributes (AMIs excluded)."""
    out = []
    for path, value in walk_strings(res.attrs):
        if "-" in value and _LITERAL_ID.match(value.strip()):
            out.append((path, value.strip()))
    return sorted(out)


def literal_ids_index(rg: ResourceGraph) -> dict[str, list[tuple[str, str]]]:
    """:func:`literal_ids` of every Terraform resource/data block that has any (memoised)."""
    return rg.memo(_literal_ids_index)


def _literal_ids_index(rg: ResourceGraph) -> dict[str, list[tuple[str, str]]]:
    out = {}
    for r in rg.resources(block=("resource", "data")):
        if r.format in ("terraform", "plan"):
            ids = literal_ids(r)
            if ids:
                out[r.address] = ids
    return out


_CI_FILES = re.compile(
    r"^(\.github/workflows/[^/]+\.ya?ml|\.gitlab-ci\.ya?ml|\.gitlab/.*\.ya?ml|Jenkinsfile.*|"
    r"azure-pipelines\.ya?ml|\.circleci/config\.ya?ml|bitbucket-pipelines\.ya?ml|"
    r"\.buildkite/.*\.ya?ml|atlantis\.ya?ml|\.spacelift/.*|env0\.ya?ml|\.drone\.ya?ml)$"
)
_SCHEDULE = re.compile(
    r"(^|\s)(schedule:|cron:|- cron|triggers:\s*\n\s*cron|pipelines:\s*\n\s*custom|"
    r"\bperiodic\b|when:\s*schedule|CI_PIPELINE_SOURCE\s*==\s*[\"']schedule)",
    re.MULTILINE,
)
_DRIFT_CMD = re.compile(
    r"terraform\s+plan\b[^\n]*(-detailed-exitcode|-refresh-only)|"
    r"terraform\s+apply\s+-refresh-only|driftctl|terraform-drift|tfdrift|drift[-_]detect",
    re.IGNORECASE,
)


def drift_detection_evidence(rg: ResourceGraph) -> dict[str, Any]:
    """What the repository has for drift detection: CI files, scheduled drift jobs, AWS Config."""
    loader_ci = rg.repo.get("ci_files")
    ci = sorted(
        {p for p in rg.facts.paths if _CI_FILES.match(p)}
        | set(loader_ci if isinstance(loader_ci, list) else ())
    )
    scheduled: list[str] = []
    drift_jobs: list[str] = []
    for p in ci:
        text = rg.facts.text(p, limit=256 * 1024)
        if text is None:
            continue
        has_drift = bool(_DRIFT_CMD.search(text))
        if has_drift:
            drift_jobs.append(p)
            if _SCHEDULE.search(text):
                scheduled.append(p)
    recorders = [r.address for r in rg.resources("aws_config_configuration_recorder")]
    enabled = []
    for st in rg.resources("aws_config_configuration_recorder_status"):
        if tri(st.attrs.get("is_enabled")) is True:
            enabled.append(st.address)
    return {
        "ci_files": ci,
        "drift_jobs": drift_jobs,
        "scheduled_drift_jobs": scheduled,
        "config_recorders": recorders,
        "config_recorders_enabled": enabled,
    }


