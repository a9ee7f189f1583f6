"""Red flag: no documentation or runbooks (RED010)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Mapping, Sequence

from infra_review.analysis.repo_layout import repo_anchor
from infra_review.graph import ResourceGraph
from infra_review.model import Area, Resource, Severity, Status
from infra_review.rules._registry import Hit, rule

__all__: list[str] = []


# -- RED010 documentation ------------------------------------------------------------------------

_README = re.compile(r"(^|/)readme(\.(md|rst|txt|adoc))?$", re.IGNORECASE)


def _module_dir(call: Resource) -> str | None:
    src = call.attrs.get("source")
    if not isinstance(src, str) or not src.startswith(("./", "../")) or not call.file:
        return None

    base = posixpath.dirname(call.file)
    return posixpath.normpath(posixpath.join(base, src))


@rule(
    "RED010",
    area=Area.RED_FLAGS,
    severity=Severity.MEDIUM,
    title="No documentation or runbooks",
    aggregates=("MON009",),
)
def no_documentation(rg: ResourceGraph, upstream: Mapping[str, Sequence[Hit]]) -> Iterator[Hit]:
    """No root README, a local module directory without a README, no runbooks (``docs/runbooks``,
    ``runbooks/``, ``*runbook*``), or more than half of the alarms without a runbook link (MON009).

    Repository-level gaps are reported at the repository anchor; a module without a README at
    its (first) module call.

    Why it matters
    --------------
    Without documentation the on-call engineer reverse-engineers the system during the
    outage; a module without a README is copied instead of reused.

    Remediation
    -----------
    Add a README per root and module (``terraform-docs`` generates inputs/outputs), a
    ``docs/runbooks/`` folder with one page per alert, and a runbook URL in each alarm
    description.

    Example
    -------
    .. code-block:: text

        README.md
        docs/runbooks/db-storage-low.md
        modules/network/README.md
    """
    if not rg.repo:
        return
    paths = rg.facts.paths
    anchor = repo_anchor(rg)
    if not rg.repo.get("has_readme", any(_README.search(p) and "/" not in p for p in paths)):
        yield Hit(anchor, "repository has no root README", "")
    by_dir: dict[str, list[str]] = {}
    for p in set(paths):
        by_dir.setdefault(posixpath.dirname(p), []).append(p)
    seen_dirs: set[str] = set()
    for call in sorted(rg.resources(block="module"), key=lambda r: (r.module.count("."), r.address)):
        d = _module_dir(call)
        if d is None or d in seen_dirs or d in (".", ""):
            continue
        seen_dirs.add(d)
        in_dir = by_dir.get(d, [])  # files directly in d
        if not any(p.endswith((".tf", ".tf.json")) for p in in_dir):
            continue  # not in the repository (MODULE_UNRESOLVED says so): nothing to document
        if not any(_README.search(p) for p in in_dir):
            yield Hit(call, f"local module `{d}` has no README", "source", evidence={"module_dir": d})
    no_runbooks = not any(re.search(r"(^|/)runbooks?(/|$)|runbook", p, re.IGNORECASE) for p in paths)
    if no_runbooks and any(True for _ in rg.resources(block="resource")):
        yield Hit(
            anchor, "no runbooks in the repository (docs/runbooks, runbooks/)", "", severity=Severity.LOW
        )
    mon9 = [h for h in upstream["MON009"] if h.status in (Status.FAIL, Status.UNKNOWN)]
    alarms = list(
        rg.resources("aws_cloudwatch_metric_alarm", "aws_cloudwatch_composite_alarm", "k8s:PrometheusRule")
    )
    if mon9 and alarms:
        bad = {h.resource.address for h in mon9 if h.status is Status.FAIL}
        if len(bad) * 2 > len(alarms):
            yield Hit(
                anchor,
                f"{len(bad)} of {len(alarms)} alarms link no runbook (MON009)",
                "",
                evidence={"alarms_without_runbook": sorted(bad)},
            )
