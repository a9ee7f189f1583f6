"""Shared pieces of the plotly views: escaping, colours, findings lookup, hover text, grouping.

Every string that comes from the reviewed repository goes through :func:`esc` before it
reaches a figure (labels, hover text, annotations): plotly renders a subset of HTML in text,
so a resource named ``<script>`` must stay text.

>>> esc("<b>x</b>")
'&lt;b&gt;x&lt;/b&gt;'
>>> short("module.network.aws_subnet.public[0]")
'subnet.public[0]'
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from infra_review.graph import ResourceGraph
from infra_review.model import Finding, Resource, Severity, Status

__all__ = [
    "CLASS_FILL",
    "SEVERITY_COLOUR",
    "TIER_COLOUR",
    "esc",
    "findings_index",
    "group_key",
    "hover",
    "kind_symbol",
    "short",
    "worst",
]

TIER_COLOUR = {"edge": "#e8842c", "app": "#3f7fd9", "data": "#3a9a5b", "": "#7f8c8d"}
CLASS_FILL = {
    "public": "rgba(253, 226, 196, 0.75)",
    "private-egress": "rgba(214, 230, 252, 0.75)",
    "isolated": "rgba(221, 240, 222, 0.8)",
    "unknown": "rgba(230, 230, 230, 0.7)",
}
CLASS_LINE = {"public": "#d9822b", "private-egress": "#4a7fc1", "isolated": "#3a9a5b", "unknown": "#999999"}
SEVERITY_COLOUR = {
    Severity.CRITICAL: "#7b1fa2",
    Severity.HIGH: "#d32f2f",
    Severity.MEDIUM: "#f57c00",
    Severity.LOW: "#fbc02d",
    Severity.INFO: "#90a4ae",
}
_MAX_TEXT = 120


def esc(value: Any, limit: int = _MAX_TEXT) -> str:
    """HTML-escape (and truncate) a repository string for plotly text."""
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return html.escape(text, quote=False)  # plotly shows &quot; literally; quotes are harmless in text


_ABBREV = {
    "autoscaling_group": "asg",
    "elasticache_replication_group": "redis_rg",
    "elasticache_cluster": "cache",
    "db_instance": "db",
    "rds_cluster": "aurora",
    "rds_cluster_instance": "aurora_inst",
    "vpc_endpoint": "vpce",
    "nat_gateway": "nat",
    "internet_gateway": "igw",
    "route_table": "rtb",
    "lb_target_group": "tg",
    "security_group": "sg",
    "db_subnet_group": "db_subnets",
    "elasticache_subnet_group": "cache_subnets",
    "cloudfront_distribution": "cloudfront",
    "lambda_function": "lambda",
    "eks_node_group": "nodegroup",
    "ecs_service": "ecs",
}


def short(address: str, abbreviate: bool = False) -> str:
    """A compact label: drop module prefixes and the provider prefix of the type.

    CloudFormation addresses keep their logical id (the last one of a nested stack when
    abbreviated).

    >>> short("aws_autoscaling_group.web", abbreviate=True)
    'asg.web'
    >>> short("cfn:stack.yaml#Network/PublicSubnetA"), short("cfn:stack.yaml#Network/PublicSubnetA", True)
    ('Network/PublicSubnetA', 'PublicSubnetA')
    """
    if address.startswith("cfn:") and "#" in address:
        logical = address.split("#", 1)[1]
        return logical.rsplit("/", 1)[-1] if abbreviate else logical
    tail = address
    while tail.startswith("module.") and tail.count(".") >= 2:
        tail = tail.split(".", 2)[2]
    if tail.startswith("k8s:"):
        parts = tail.split("/")
        return f"{parts[1] if len(parts) > 1 else tail}/{parts[-1]}"
    kind, _, name = tail.partition(".")
    for prefix in ("aws_", "azurerm_", "google_"):
        if kind.startswith(prefix):
            kind = kind[len(prefix) :]
            break
    if abbreviate:
        kind = _ABBREV.get(kind, kind)
    return f"{kind}.{name}" if name else kind


def findings_index(findings: Iterable[Finding] | None) -> dict[str, list[Finding]]:
    """FAIL/UNKNOWN findings per address (suppressed ones left out)."""
    out: dict[str, list[Finding]] = defaultdict(list)
    for f in findings or ():
        if f.suppressed or f.status == Status.PASS:
            continue
        out[f.address].append(f)
    return out


def worst(findings: Sequence[Finding]) -> Severity | None:
    """Highest severity among FAIL findings (UNKNOWN counts as INFO)."""
    sev = [f.severity if f.status == Status.FAIL else Severity.INFO for f in findings]
    return max(sev) if sev else None


def hover(
    rg: ResourceGraph,
    address: str,
    findings: Mapping[str, list[Finding]],
    extra: Sequence[str] = (),
    members: Sequence[str] = (),
) -> str:
    """Hover text: address, kind, file:line, extra lines, findings (all escaped)."""
    res = rg.get(address)
    lines = [f"<b>{esc(address)}</b>"]
    if res is not None:
        lines.append(esc(res.kind))
        if res.source is not None and res.source.file:
            lines.append(esc(f"{res.source.file}:{res.source.line}" if res.source.line else res.source.file))
    if len(members) > 1:
        lines.append(
            f"{len(members)} instances: "
            + esc(", ".join(short(m) for m in members[:4]) + (" …" if len(members) > 4 else ""))
        )
    lines.extend(extra)
    fs = [f for m in (members or [address]) for f in findings.get(m, ())]
    if fs:
        lines.append(f"<b>{len(fs)} finding(s)</b>")
        for f in sorted(fs, key=lambda f: (-int(f.severity), f.rule_id))[:6]:
            lines.append(f"{esc(f.rule_id)} {esc(f.severity.label)}: {esc(f.message, 80)}")
        if len(fs) > 6:
            lines.append(f"… {len(fs) - 6} more")
    return "<br>".join(lines)


def group_key(res: Resource) -> str:
    """The ``count``/``for_each`` base address (instances of one block collapse into one marker)."""
    base = res.meta.get("base_address")
    return str(base) if base else res.address


_SYMBOLS = [
    (("aws_lb", "aws_alb", "aws_elb", "azurerm_lb", "azurerm_application_gateway"), "diamond"),
    (("aws_nat_gateway", "azurerm_nat_gateway", "google_compute_router_nat"), "square"),
    (("aws_internet_gateway",), "hexagon2"),
    (
        (
            "aws_autoscaling_group",
            "aws_ecs_service",
            "aws_eks_node_group",
            "azurerm_linux_virtual_machine_scale_set",
        ),
        "circle-dot",
    ),
    (
        (
            "aws_db_instance",
            "aws_rds_cluster",
            "aws_rds_cluster_instance",
            "google_sql_database_instance",
            "azurerm_postgresql_flexible_server",
            "azurerm_mssql_server",
        ),
        "star",
    ),
    (
        (
            "aws_elasticache_cluster",
            "aws_elasticache_replication_group",
            "azurerm_redis_cache",
            "google_redis_instance",
        ),
        "hexagon",
    ),
    (
        ("aws_s3_bucket", "google_storage_bucket", "azurerm_storage_account", "aws_efs_file_system"),
        "square-open",
    ),
    (("aws_lambda_function",), "triangle-up"),
    (("aws_cloudfront_distribution", "aws_api_gateway_rest_api", "aws_apigatewayv2_api"), "diamond-wide"),
    (("k8s:Service", "k8s:Ingress"), "diamond"),
    (("k8s:NetworkPolicy",), "shield" if False else "cross"),
]


def kind_symbol(kind: str) -> str:
    """Marker symbol for a resource type."""
    for kinds, sym in _SYMBOLS:
        if kind in kinds:
            return sym
    return "circle"
