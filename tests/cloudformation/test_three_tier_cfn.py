"""data/examples/three-tier-cfn: every EXPECTED.md row fires; exposure paths and SPOFs match the
Terraform twin (three-tier-aws) hop for hop."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from infra_review.analysis.network import network_model
from infra_review.model import Severity, Status
from infra_review.pipeline import load_repo
from infra_review.review import review

EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "examples"
CFN = EXAMPLES / "three-tier-cfn"
TF = EXAMPLES / "three-tier-aws"
P = "cfn:shopfront.yaml#"

#: Terraform twin address → CloudFormation address (the nodes exposure paths and SPOFs use).
TWIN = {
    "module.network.aws_internet_gateway.main": "NetworkStack/InternetGateway",
    "module.network.aws_route_table.public": "NetworkStack/PublicRouteTable",
    "module.network.aws_subnet.public[0]": "NetworkStack/PublicSubnetA",
    "module.network.aws_subnet.data[0]": "NetworkStack/DataSubnetA",
    "module.network.aws_nat_gateway.main[0]": "NetworkStack/NatGateway",
    "aws_lb.web": "WebLoadBalancer",
    "aws_lb_target_group.web": "WebTargetGroup",
    "aws_autoscaling_group.web": "WebAutoScalingGroup",
    "aws_autoscaling_group.worker": "WorkerAutoScalingGroup",
    "aws_instance.admin": "AdminInstance",
    "aws_db_instance.main": "Database",
    "aws_elasticache_cluster.sessions": "SessionCache",
}


def _table(section: str) -> list[dict[str, str]]:
    text = (CFN / "EXPECTED.md").read_text(encoding="utf-8")
    body = text.split(f"## {section}", 1)[1].split("\n## ", 1)[0]
    rows = [ln for ln in body.splitlines() if ln.startswith("|")]
    head = [c.strip() for c in rows[0].strip("|").split("|")]
    return [dict(zip(head, (c.strip() for c in r.strip("|").split("|")), strict=True)) for r in rows[2:]]


@cache
def _load(root: Path):  # type: ignore[no-untyped-def]
    return load_repo(root, cache=False)


@cache
def _fails() -> dict[tuple[str, str], object]:
    run = review(_load(CFN).graph)
    assert run.errors == [] or not run.errors
    return {(f.rule_id, f.address): f for f in run.findings if f.status == Status.FAIL}


def test_loads_cleanly() -> None:
    res = _load(CFN)
    assert res.diagnostics == []
    files = {f.path: (f.kind, f.status.value) for f in res.files}
    assert files["shopfront.yaml"] == ("cloudformation", "parsed")
    db = res.graph[P + "Database"]
    assert (db.kind, db.line, db.meta["cfn_type"]) == ("aws_db_instance", 303, "AWS::RDS::DBInstance")
    assert db.attrs["password"] == "Shopfront-Prod-2023!"  # from shopfront.parameters.json
    assert db.attrs["tags"]["cost-center"] == "cc-4127"  # stack tags
    replica = res.graph[P + "DatabaseReadReplica"]
    assert replica.block == "disabled"
    assert replica.meta["condition"] == "CreateReadReplica"
    assert res.graph[P + "AlarmsHighPriority"].block == "resource"  # IsProd with Environment=prod
    fn = res.graph[P + "OrderReportFunction"]
    assert fn.kind == "aws_lambda_function"
    assert fn.meta["sam_type"] == "AWS::Serverless::Function"
    assert res.graph[P + "OrderReportFunctionRole"].line == fn.line


@pytest.mark.parametrize(
    "row", _table("Findings"), ids=lambda r: f"{r['Rule']}-{r['Address'].split('#')[-1]}"
)
def test_expected_finding_fires(row: dict[str, str]) -> None:
    assert (row["Rule"], row["Address"]) in _fails()


def test_no_unlisted_high_or_critical() -> None:
    listed = {(r["Rule"], r["Address"]) for r in _table("Findings")}
    extra = sorted(k for k, f in _fails().items() if k not in listed and f.severity >= Severity.HIGH)  # type: ignore[attr-defined]
    assert extra == []


def test_findings_keep_the_template_location() -> None:
    f = _fails()[("NET007", P + "AdminSecurityGroup")]
    assert (f.file, f.line) == ("shopfront.yaml", 221)  # type: ignore[attr-defined]


def _paths(root: Path, rename: dict[str, str]) -> dict[str, tuple[tuple[str, ...], frozenset[int]]]:
    model = network_model(_load(root).graph)
    out = {}
    for p in model.exposures:
        ports = frozenset(x for _proto, lo, hi in p.ports.ranges for x in range(lo, hi + 1))
        out[rename.get(p.target, p.target)] = (tuple(rename.get(n, n) for n in p.nodes), ports)
    return out


def test_exposure_paths_equal_the_terraform_twin() -> None:
    cfn = _paths(CFN, {P + v: v for v in TWIN.values()})
    tf = _paths(TF, TWIN)
    assert cfn == tf


def test_exposure_paths_match_the_answer_sheet() -> None:
    got = _paths(CFN, {})
    for row in _table("Exposure paths"):
        nodes, ports = got[row["Target"]]
        assert nodes == tuple(h.strip() for h in row["Path"].split("→"))
        assert ports == {int(p) for p in row["Ports"].split(",")}


def test_spofs_equal_the_terraform_twin() -> None:
    def spofs(root: Path, rename: dict[str, str]) -> set[tuple[str, str]]:
        run = review(_load(root).graph, select=["spof"])
        return {
            (f.rule_id, rename.get(f.address, f.address)) for f in run.findings if f.status == Status.FAIL
        }

    assert spofs(CFN, {P + v: v for v in TWIN.values()}) == spofs(TF, TWIN)
    sheet = {(r["Rule"], r["Address"]) for r in _table("SPOFs")}
    assert sheet == {(r, a) for r, a in _fails() if r.startswith("SPOF")}


def test_answer_sheet_addresses_exist() -> None:
    graph = _load(CFN).graph
    addrs = {r["Address"] for r in _table("Findings") + _table("SPOFs")}
    for row in _table("Exposure paths"):
        addrs |= {h.strip() for h in row["Path"].split("→")} - {"INTERNET"}
    assert sorted(a for a in addrs if a not in graph) == []
    assert all(re.fullmatch(r"cfn:shopfront\.yaml#(NetworkStack/)?[A-Za-z0-9]+", a) for a in addrs)


def test_network_is_a_nested_stack() -> None:
    graph = _load(CFN).graph
    subnet = graph[P + "NetworkStack/PublicSubnetA"]
    assert (subnet.file, subnet.meta["nested_in"]) == ("network.yaml", P + "NetworkStack")
    assert subnet.attrs["cidr_block"] == "10.20.0.0/24"  # VpcCidr wired from the parent, !Cidr, !FindInMap
    assert subnet.attrs["availability_zone"] == "eu-west-1a"
    assert "cfn:network.yaml#Vpc" not in graph
    admin = graph[P + "AdminInstance"]
    assert graph.has_edge(P + "AdminInstance", P + "NetworkStack/PublicSubnetA", "ref")  # through Outputs
    assert admin.attrs["subnet_id"].refs == (P + "NetworkStack/PublicSubnetA",)
