"""Container registries (NET022–NET023), rules of the Networking & Security area."""

from __future__ import annotations

from collections.abc import Iterator
from fnmatch import fnmatchcase

from infra_review.graph import ResourceGraph
from infra_review.model import Area, Severity, Status, Unresolved
from infra_review.model.coerce import as_list, first_block, tri
from infra_review.rules._registry import Hit, rule

NET = Area.NETWORK_SECURITY


@rule("NET022", area=NET, severity=Severity.LOW, title="ECR repository tags are mutable")
def ecr_mutable_tags(rg: ResourceGraph) -> Iterator[Hit]:
    """An ``aws_ecr_repository`` whose ``image_tag_mutability`` is not ``IMMUTABLE`` (or
    ``IMMUTABLE_WITH_EXCLUSION``); the default is ``MUTABLE``.

    Why it matters
    --------------
    With mutable tags, pushing ``v1.4.2`` again silently replaces what every deployment of
    ``v1.4.2`` runs: a compromised CI job or a mistaken push changes production without any
    change in the manifests, and rollbacks may not restore what ran before.

    Remediation
    -----------
    Set ``image_tag_mutability = "IMMUTABLE"`` and deploy by digest or by unique tags.

    Example
    -------
    .. code-block:: hcl

        resource "aws_ecr_repository" "api" {
          name                 = "api"
          image_tag_mutability = "IMMUTABLE"
        }
    """
    for r in rg.resources("aws_ecr_repository"):
        v = r.attrs.get("image_tag_mutability", "MUTABLE")
        if isinstance(v, Unresolved):
            yield Hit(
                r,
                f"`image_tag_mutability` is not known statically ({v.expr})",
                "image_tag_mutability",
                Status.UNKNOWN,
            )
        elif str(v).upper() not in ("IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION"):
            yield Hit(
                r,
                f"image tags can be overwritten ({v})",
                "image_tag_mutability",
                evidence={"image_tag_mutability": v},
            )


def _registry_scans(rg: ResourceGraph) -> list[str] | None:
    """Repository filters (wildcards) scanned on push or continuously by a registry scanning
    configuration; ``None`` when one exists but is not known statically."""
    filters: list[str] = []
    for cfg in rg.resources("aws_ecr_registry_scanning_configuration"):
        rules = cfg.attrs.get("rule")
        if isinstance(rules, Unresolved):
            return None
        for r in as_list(rules):
            if isinstance(r, Unresolved):
                return None
            freq = r.get("scan_frequency") if isinstance(r, dict) else None
            if isinstance(freq, Unresolved):
                return None
            if freq not in ("SCAN_ON_PUSH", "CONTINUOUS_SCAN"):
                continue
            for f in as_list(r.get("repository_filter")):
                value = f.get("filter") if isinstance(f, dict) else f
                if isinstance(value, Unresolved):
                    return None
                if isinstance(value, str):
                    filters.append(value)
    return filters


@rule("NET023", area=NET, severity=Severity.MEDIUM, title="ECR images not scanned on push")
def ecr_scan_on_push(rg: ResourceGraph) -> Iterator[Hit]:
    """An ``aws_ecr_repository`` without ``image_scanning_configuration { scan_on_push = true }``
    that no ``aws_ecr_registry_scanning_configuration`` rule (``SCAN_ON_PUSH`` or
    ``CONTINUOUS_SCAN``, repository filter matching the repository name) scans either.

    Why it matters
    --------------
    Unscanned images reach the cluster with known-vulnerable packages and nobody is told; a scan
    at push time is the cheapest place to catch a critical CVE before it is deployed.

    Remediation
    -----------
    Set ``scan_on_push = true`` on the repository, or configure registry-wide enhanced scanning.

    Example
    -------
    .. code-block:: hcl

        resource "aws_ecr_repository" "api" {
          name = "api"
          image_scanning_configuration {
            scan_on_push = true
          }
        }
    """
    registry = _registry_scans(rg)
    for r in rg.resources("aws_ecr_repository"):
        v = first_block(r.attrs.get("image_scanning_configuration")).get("scan_on_push")
        name = r.attrs.get("name")
        if tri(v) is True:
            continue
        if registry and isinstance(name, str) and any(fnmatchcase(name, f) for f in registry):
            continue
        if isinstance(v, Unresolved) or registry is None or (registry and not isinstance(name, str)):
            yield Hit(
                r,
                "scanning on push is not known statically",
                "image_scanning_configuration.scan_on_push",
                Status.UNKNOWN,
            )
        else:
            yield Hit(r, "images are not scanned on push", "image_scanning_configuration.scan_on_push")
