"""Red flags of how infrastructure changes: manual changes (RED001) and version control (RED002)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence

from infra_review.analysis.repo_layout import literal_ids_index, repo_anchor
from infra_review.graph import ResourceGraph
from infra_review.model import Area, Resource, Severity, SourceLocation, Status
from infra_review.rules._registry import Hit, rule

__all__: list[str] = []


# -- RED001 manual changes -------------------------------------------------------------------

_SCRIPT = re.compile(r"(\.(sh|bash|ps1|py|mk)|(^|/)Makefile|\.md)$")
_TF_IMPORT = re.compile(r"\bterraform\s+import\b")


@rule(
    "RED001",
    area=Area.RED_FLAGS,
    severity=Severity.MEDIUM,
    title="Signs of manual infrastructure changes",
    aggregates=("IAC013",),
)
def manual_changes(rg: ResourceGraph, upstream: Mapping[str, Sequence[Hit]]) -> Iterator[Hit]:
    """Evidence that infrastructure was changed by hand: ``import`` blocks, ``terraform import`` in
    scripts, literal resource ids (flag at ≥5), drift hidden by ``ignore_changes``, no drift detection.

    Each ``import`` block is reported (info): the resource was created outside Terraform.
    When five or more literal resource ids (``vpc-…``, ``subnet-…``, ``sg-…``) are written in
    the configuration, every block holding one is flagged (medium).  ``ignore_changes`` on
    security-relevant attributes (IAC013), scripts running ``terraform import`` and the drift
    detection evidence (IAC014) are attached as evidence.

    Why it matters
    --------------
    Click-ops changes are invisible to review, are reverted (or silently kept) by the next
    apply, and make the code a poor description of what actually runs.

    Remediation
    -----------
    Bring hand-made resources under Terraform with reviewed ``import`` blocks, replace literal
    ids with references or data sources, restrict console write access, and detect drift on a
    schedule.

    Example
    -------
    .. code-block:: hcl

        data "aws_vpc" "main" {
          tags = { Name = "main" }
        }
        vpc_id = data.aws_vpc.main.id   # not "vpc-0a1b2c3d"
    """
    scripts = []
    for p in rg.facts.paths:
        if _SCRIPT.search(p):
            text = rg.facts.text(p, limit=128 * 1024)
            if text and _TF_IMPORT.search(text):
                scripts.append(p)
    drift_hidden = [h.resource.address for h in upstream["IAC013"] if h.status is Status.FAIL]
    context = {"terraform_import_scripts": sorted(scripts), "ignore_changes": sorted(set(drift_hidden))}
    for imp in rg.resources(block="import"):
        to = imp.attrs.get("to")
        target = None
        if isinstance(to, str):
            full = f"{imp.module}.{to}" if imp.module else to
            target = rg.get(full) or next(
                (r for r in rg.resources() if r.meta.get("base_address") == full), None
            )
        # reported on the imported resource when it is in the graph, located at the import block
        yield Hit(
            target or imp,
            f"resource {to if isinstance(to, str) else imp.address} was imported (created outside Terraform)",
            "import",
            severity=Severity.INFO,
            evidence={**context, "import_block": imp.address},
            location=imp.source,
        )
    holders: list[tuple[Resource, list[tuple[str, str]]]] = []
    seen: set[tuple[str, int]] = set()
    for addr, ids in literal_ids_index(rg).items():
        r = rg[addr]
        if (r.file, r.line) in seen:
            continue
        seen.add((r.file, r.line))
        holders.append((r, ids))
    total = sum(len(ids) for _, ids in holders)
    if total >= 5:
        for r, ids in holders:
            yield Hit(
                r,
                f"{len(ids)} literal resource id(s) of {total} in the configuration "
                "(objects created or looked up by hand)",
                ids[0][0],
                evidence={
                    **context,
                    "ids": [{"attribute": p, "id": v} for p, v in ids],
                    "total_literal_ids": total,
                },
            )


# -- RED002 version control ------------------------------------------------------------------

_GITIGNORE_NEEDS = {
    ".terraform/": re.compile(r"^\s*(\*\*/)?\.terraform(/\*{0,2})?\s*$", re.MULTILINE),
    "*.tfstate": re.compile(
        r"^\s*(\*\*/)?\*\.tfstate(\*|\.\*)?\s*$|^\s*(\*\*/)?\*\.tfstate\*?\s*$", re.MULTILINE
    ),
}


@rule(
    "RED002",
    area=Area.RED_FLAGS,
    severity=Severity.HIGH,
    title="Infrastructure code not under version control",
    no_env_downgrade=True,
    aggregates=("IAC006",),
)
def no_version_control(rg: ResourceGraph, upstream: Mapping[str, Sequence[Hit]]) -> Iterator[Hit]:
    """The repository is not a git work tree, ``.tf`` files are untracked, the lock file is untracked,
    ``.gitignore`` misses ``.terraform/``/``*.tfstate``, or state is tracked (IAC006).

    Uses the loader's git facts (``rg.repo["git"]``: ``is_repo``, ``tracked``), never git
    itself.  Untracked ``.tf`` files and an untracked ``.terraform.lock.hcl`` are reported
    per file (``file:<path>``); a missing ``.gitignore`` entry at ``.gitignore`` (or the
    repository anchor when there is none).

    Why it matters
    --------------
    Without version control there is no review, no history, no rollback and no way to tell
    who changed what; an untracked lock file lets each machine resolve different provider
    builds.

    Remediation
    -----------
    Keep all Terraform, the ``.terraform.lock.hcl`` files and CI definitions in git; ignore
    ``.terraform/`` and ``*.tfstate*``; review every change through pull requests.

    Example
    -------
    .. code-block:: text

        # .gitignore
        .terraform/
        *.tfstate
        *.tfstate.*
    """
    git = rg.repo.get("git")
    if not isinstance(git, Mapping) or not rg.repo:
        return
    anchor = repo_anchor(rg)
    tf_files = [p for p in rg.facts.paths if p.endswith((".tf", ".tf.json"))]
    state_hits = [h for h in upstream["IAC006"] if h.status is Status.FAIL]
    if not git.get("is_repo"):
        if not (tf_files or any(True for _ in rg.resources())):
            return
        # Only a .git directory directly under the root is read (never outside the root), so a
        # sub-directory of a repository looks the same as an unversioned tree: UNKNOWN, unless
        # something in the tree (a state file) makes it a definite problem.
        ev = {"git_note": str(git.get("note", "")), "state_files": [h.attribute for h in state_hits]}
        if state_hits:
            yield Hit(
                anchor,
                "no git work tree at the reviewed root, and state file(s) "
                f"{', '.join(f'`{h.attribute}`' for h in state_hits)} lie in the tree",
                "",
                evidence=ev,
                location=state_hits[0].location,
            )
        else:
            yield Hit(
                anchor,
                "no git work tree at the reviewed root: not under version control, or a "
                "sub-directory of a repository (check before sign-off)",
                "",
                Status.UNKNOWN,
                evidence=ev,
            )
        return
    tracked = git.get("tracked")
    if isinstance(tracked, list | tuple | set | frozenset):
        tset = set(tracked)
        for p in sorted(tf_files):
            if p not in tset:
                yield Hit(anchor, f"`{p}` is not tracked by git", p, location=SourceLocation(p))
        for p in sorted(rg.facts.paths):
            if p.rsplit("/", 1)[-1] == ".terraform.lock.hcl" and p not in tset:
                yield Hit(
                    anchor,
                    f"dependency lock file `{p}` is not tracked by git",
                    p,
                    severity=Severity.MEDIUM,
                    location=SourceLocation(p),
                )
    if tf_files:
        text = rg.facts.text(".gitignore", limit=64 * 1024) if rg.facts.has(".gitignore") else None
        missing = [k for k, rx in _GITIGNORE_NEEDS.items() if not (text and rx.search(text))]
        if missing:
            yield Hit(
                anchor,
                f"`.gitignore` does not ignore {', '.join(f'`{m}`' for m in missing)}",
                ".gitignore",
                severity=Severity.LOW,
                evidence={"missing": missing},
                location=SourceLocation(".gitignore") if text is not None else None,
            )
    for h in state_hits:
        yield Hit(
            h.resource,
            f"IAC006: {h.message}",
            h.attribute,
            h.status,
            dict(h.evidence),
            Severity.CRITICAL,
            h.location,
        )
