"""Shared findings for the report tests: a small graph, three test-only rules, suppressions."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from infra_review.graph import ResourceGraph
from infra_review.loaders.repo import LoadResult
from infra_review.model import Area, FileRecord, FileStatus, Resource, Severity, SourceLocation, Status
from infra_review.model.facts import RepoFacts
from infra_review.review.baseline import Baseline
from infra_review.review.engine import review
from infra_review.rules import Hit, rule

DOC = """{summary}

Why it matters
--------------
Open ports get scanned.

Remediation
-----------
Restrict ``cidr_blocks`` to the VPN range.

Example
-------
.. code-block:: hcl

    cidr_blocks = ["10.0.0.0/8"]
"""


def _doc(fn, summary):
    fn.__doc__ = DOC.format(summary=summary)
    return fn


def _open(rg):
    for r in rg.resources("aws_security_group"):
        yield Hit(
            r,
            f"ingress[0] allows 22 from 0.0.0.0/0 on {r.name}",
            "ingress[0].cidr_blocks",
            evidence={"ports": [22], "password": "hunter2-should-not-leak"},
        )


def _unknown(rg):
    for r in rg.resources("aws_db_instance"):
        yield Hit(r, "publicly_accessible is var.public", "publicly_accessible", status=Status.UNKNOWN)
        yield Hit(r, "storage_encrypted = true", "storage_encrypted", status=Status.PASS)


def _red(rg):
    for r in rg.resources("aws_s3_bucket"):
        yield Hit(r, "bucket ACL is public-read", "acl")


def _boom(rg):
    raise RuntimeError("boom")
    yield  # pragma: no cover


RULES = [
    rule(
        "TST401",
        area=Area.NETWORK_SECURITY,
        severity=Severity.CRITICAL,
        title="SSH open to the world",
        checkov=["CKV_AWS_24"],
        register=False,
    )(_doc(_open, "Ingress allows SSH from anywhere.")).rule,
    rule("TST402", area=Area.BACKUP, severity=Severity.MEDIUM, title="Maybe public DB", register=False)(
        _doc(_unknown, "Database may be public.")
    ).rule,
    rule(
        "TST403",
        area=Area.RED_FLAGS,
        severity=Severity.HIGH,
        title="Public bucket",
        no_env_downgrade=True,
        register=False,
    )(_doc(_red, "Bucket is public.")).rule,
    rule("TST404", area=Area.COST, severity=Severity.LOW, title="Crashes", register=False)(
        _doc(_boom, "Always crashes.")
    ).rule,
]

TF = """\
resource "aws_security_group" "web" {
  name = "web"
}

# infra-review:ignore=TST401 jump host, CIDR is the office VPN
resource "aws_security_group" "jump" {
}

resource "aws_security_group" "legacy" {
}

resource "aws_db_instance" "main" {
}

resource "aws_s3_bucket" "site<script>|x" {
}
"""


@pytest.fixture
def review_run(tmp_path):
    root = tmp_path / "repo"
    (root / "net work").mkdir(parents=True)
    (root / "net work" / "main.tf").write_text(TF)
    data = TF.encode()
    rg = ResourceGraph()
    rg.repo["root"] = str(root)
    rg.files.append(
        FileRecord(
            "net work/main.tf",
            "terraform",
            FileStatus.PARSED,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
        )
    )
    lines = TF.splitlines()
    for kind, name in (
        ("aws_security_group", "web"),
        ("aws_security_group", "jump"),
        ("aws_security_group", "legacy"),
        ("aws_db_instance", "main"),
        ("aws_s3_bucket", "site<script>|x"),
    ):
        line = next(i for i, text in enumerate(lines, 1) if f'"{name}"' in text)
        rg.add(Resource(f"{kind}.{name}", kind, source=SourceLocation("net work/main.tf", line, line + 2)))
    rg.facts = RepoFacts(str(root), ("net work/main.tf",), {"net work/main.tf": TF})
    first = review(rg, rules=RULES)
    legacy = [f for f in first.findings if f.address == "aws_security_group.legacy"]
    loaded = LoadResult(rg, rg.files, [], {}, Path(root))
    return review(loaded, rules=RULES, baseline=Baseline.from_findings(legacy))
