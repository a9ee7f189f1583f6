"""Inline suppressions: infra-review:ignore and checkov:skip, reasons required, read from rg.facts."""

from __future__ import annotations

import hashlib
import os

import pytest

from infra_review.graph import ResourceGraph
from infra_review.loaders.safety.walk import confined_reader
from infra_review.model import Area, FileRecord, FileStatus, Resource, Severity, SourceLocation, Status
from infra_review.model.facts import RepoFacts
from infra_review.review.engine import review
from infra_review.review.suppressions import SourceReader, directives_for, parse_directives
from infra_review.rules import Hit, rule


def _body(rg):
    for r in rg.resources():
        loc = r.meta.get("hit_line")
        yield Hit(r, f"{r.name} is open", "ingress[0]", location=SourceLocation(r.file, loc) if loc else None)


_body.__doc__ = "Test.\n\nRemediation\n-----------\nClose it.\n"
NET = rule(
    "TST201",
    area=Area.NETWORK_SECURITY,
    severity=Severity.CRITICAL,
    title="open",
    checkov=["CKV_AWS_24", "CKV_SECRET_*"],
    register=False,
)(_body).rule
OTHER = rule("TST202", area=Area.IAC, severity=Severity.LOW, title="other", register=False)(
    lambda rg: (Hit(r, "other") for r in rg.resources())
)
OTHER = OTHER.rule

MAIN_TF = """\
# infra-review:ignore=TST201 office VPN range only, reviewed 2026-10
resource "aws_security_group" "above" {
  name = "a"
}

resource "aws_security_group" "trailing" { // infra-review:ignore=TST202,TST201 -- legacy, ticket OPS-12
  name = "b"
}

# infra-review:ignore=TST201
resource "aws_security_group" "noreason" {
}

# infra-review:ignore=TST201 not directly above: blank line follows

resource "aws_security_group" "gap" {
}

resource "aws_security_group" "ckv_inside" {
  #checkov:skip=CKV_AWS_24:bastion only
  name = "c"
}

resource "aws_security_group" "ckv_other_id" {
  #checkov:skip=CKV_AWS_99:unrelated check
}

resource "aws_security_group" "ckv_noreason" {
  #checkov:skip=CKV_AWS_24
}

resource "aws_security_group" "ckv_pattern" {
  # checkov:skip=CKV_SECRET_6: test fixture key, not real
}

# a normal comment
/* infra-review:ignore=TST201 block comment reason */
resource "aws_security_group" "blockcomment" {
}

resource "aws_security_group" "plain" {
  # infra-review:ignore=TST201 inside the block does not count for infra-review
}
"""

DOCKERFILE = """\
FROM python:3.12-slim
RUN pip install x
# infra-review:ignore=TST201 runs as root by design: init container
USER root
"""


def _lines_of(text, needle):
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def _block(text, name):
    start = _lines_of(text, f'"{name}"')
    lines = text.splitlines()
    end = next(i for i in range(start, len(lines) + 1) if lines[i - 1].startswith("}"))
    return start, end


@pytest.fixture
def repo(tmp_path):
    (tmp_path / "main.tf").write_text(MAIN_TF)
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "Dockerfile").write_text(DOCKERFILE)
    rg = ResourceGraph()
    rg.repo["root"] = str(tmp_path)
    # what the loader gathered: the text of the files it parsed
    rg.facts = RepoFacts(
        str(tmp_path), ("main.tf", "app/Dockerfile"), {"main.tf": MAIN_TF, "app/Dockerfile": DOCKERFILE}
    )
    for rel in ("main.tf", "app/Dockerfile"):
        data = (tmp_path / rel).read_bytes()
        rg.files.append(
            FileRecord(
                rel, "terraform", FileStatus.PARSED, size=len(data), sha256=hashlib.sha256(data).hexdigest()
            )
        )
    for name in (
        "above",
        "trailing",
        "noreason",
        "gap",
        "ckv_inside",
        "ckv_other_id",
        "ckv_noreason",
        "ckv_pattern",
        "blockcomment",
        "plain",
    ):
        start, end = _block(MAIN_TF, name)
        rg.add(
            Resource(
                f"aws_security_group.{name}",
                "aws_security_group",
                source=SourceLocation("main.tf", start, end),
            )
        )
    rg.add(
        Resource(
            "docker:app/Dockerfile#final",
            "dockerfile",
            block="dockerfile",
            source=SourceLocation("app/Dockerfile", 1, 4),
            meta={"name": "final", "hit_line": 4},
        )
    )
    return rg


def _by_addr(findings, rule_id="TST201"):
    return {f.address: f for f in findings if f.rule_id == rule_id}


def test_inline_and_checkov_suppressions(repo):
    fs = _by_addr(review(repo, rules=[NET, OTHER]))
    sup = {a for a, f in fs.items() if f.suppressed}
    assert sup == {
        "aws_security_group.above",
        "aws_security_group.trailing",
        "aws_security_group.ckv_inside",
        "aws_security_group.ckv_pattern",
        "aws_security_group.blockcomment",
        "docker:app/Dockerfile#final",
    }
    above = fs["aws_security_group.above"]
    assert above.suppression_reason == "office VPN range only, reviewed 2026-10"
    assert above.suppression_source == "inline:main.tf:1"
    assert fs["aws_security_group.trailing"].suppression_reason == "legacy, ticket OPS-12"
    ck = fs["aws_security_group.ckv_inside"]
    assert ck.suppression_source == f"checkov:main.tf:{_lines_of(MAIN_TF, 'CKV_AWS_24:bastion')}"
    assert ck.suppression_reason == "bastion only"
    assert fs["aws_security_group.blockcomment"].suppression_reason == "block comment reason"
    assert fs["docker:app/Dockerfile#final"].suppression_source == "inline:app/Dockerfile:3"
    # suppressed findings are kept, with status and severity unchanged
    assert above.status is Status.FAIL
    assert above.severity is Severity.CRITICAL


def test_reasonless_suppressions_are_not_honoured_and_say_so(repo):
    fs = _by_addr(review(repo, rules=[NET]))
    for name in ("noreason", "ckv_noreason"):
        f = fs[f"aws_security_group.{name}"]
        assert not f.suppressed
        assert "gives no reason" in f.evidence["suppression_ignored"]
    assert not fs["aws_security_group.gap"].suppressed
    assert not fs["aws_security_group.ckv_other_id"].suppressed
    assert not fs["aws_security_group.plain"].suppressed


def test_suppression_is_per_rule(repo):
    other = _by_addr(review(repo, rules=[NET, OTHER]), "TST202")
    assert {a for a, f in other.items() if f.suppressed} == {"aws_security_group.trailing"}


def test_suppressions_read_the_facts_not_the_disk(repo, tmp_path):
    (tmp_path / "main.tf").write_text("\n\n" + MAIN_TF)  # lines shifted since the load
    (tmp_path / "app" / "Dockerfile").unlink()
    fs = _by_addr(review(repo, rules=[NET]))
    assert fs["aws_security_group.above"].suppression_source == "inline:main.tf:1"
    assert fs["docker:app/Dockerfile#final"].suppressed


def test_reader_only_reads_parsed_files_inside_root(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    outside = tmp_path / "outside.tf"
    outside.write_text("# infra-review:ignore=TST201 from outside\n")
    (root / "link.tf").symlink_to(outside)
    (root / "ok.tf").write_text("x # infra-review\n")
    (root / "plain.tf").write_text("no marker here\n")
    (root / "skipped.tf").write_text("y\n")
    os.mkfifo(root / "fifo.tf")
    rg = ResourceGraph()
    rg.facts = RepoFacts(str(root), reader=confined_reader(str(root), cap=1024))
    rg.files += [
        FileRecord("link.tf", "terraform", FileStatus.PARSED),
        FileRecord("ok.tf", "terraform", FileStatus.PARSED),
        FileRecord("plain.tf", "terraform", FileStatus.PARSED),
        FileRecord("skipped.tf", "terraform", FileStatus.SKIPPED),
        FileRecord("fifo.tf", "terraform", FileStatus.PARSED),
        FileRecord("../outside.tf", "terraform", FileStatus.PARSED),
    ]
    reader = SourceReader(rg)
    assert reader.lines("ok.tf") == ["x # infra-review", ""]
    assert reader.lines("plain.tf") == []  # no marker: not decoded, nothing to find
    assert reader.lines("link.tf") is None
    assert reader.lines("skipped.tf") is None
    assert reader.lines("fifo.tf") is None
    assert reader.lines("../outside.tf") is None
    assert reader.lines("missing.tf") is None


def test_reader_size_cap_and_encoding(tmp_path):
    (tmp_path / "big.tf").write_bytes(b"# checkov" * 20)
    (tmp_path / "latin.tf").write_bytes(b"caf\xe9 # checkov\n")
    (tmp_path / "bom.tf").write_bytes(b"\xef\xbb\xbf# checkov\r\n# b\r\n")
    rg = ResourceGraph()
    rg.facts = RepoFacts(str(tmp_path), reader=confined_reader(str(tmp_path), cap=50))
    (tmp_path / "u16.tf").write_bytes("#infra-review:ignore=X\n".encode("utf-16"))
    rg.files += [
        FileRecord(p, "terraform", FileStatus.PARSED) for p in ("big.tf", "latin.tf", "bom.tf", "u16.tf")
    ]
    reader = SourceReader(rg)
    assert reader.lines("big.tf") is None
    assert reader.lines("latin.tf") is None
    assert reader.lines("bom.tf") == ["# checkov", "# b", ""]
    assert reader.lines("u16.tf") == ["#infra-review:ignore=X", ""]


def test_no_facts_means_no_inline_suppressions():
    rg = ResourceGraph()
    rg.add(Resource("aws_security_group.x", "aws_security_group", source=SourceLocation("main.tf", 2)))
    (f,) = review(rg, rules=[NET])
    assert not f.suppressed


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("# infra-review:ignore=NET007 reason", [("inline", ("NET007",), "reason")]),
        (
            "  // infra-review: ignore = net007 ,NET008: because",
            [("inline", ("NET007", "NET008"), "because")],
        ),
        ("#checkov:skip=CKV_AWS_24:why not", [("checkov", ("CKV_AWS_24",), "why not")]),
        ("#checkov:skip=CKV_AWS_24", [("checkov", ("CKV_AWS_24",), "")]),
        ("<!-- infra-review:ignore=NET007 html reason -->", [("inline", ("NET007",), "html reason")]),
        ('name = "infra-review:ignore=NET007 not a comment"', []),
        ("# ordinary comment", []),
    ],
)
def test_parse_directives(line, expected):
    assert [(d.kind, d.ids, d.reason) for d in parse_directives(line)] == expected


def test_directives_for_scope():
    lines = [
        "# infra-review:ignore=A1 r",
        "# more",
        "block {",
        "  #checkov:skip=CKV_X_1:r",
        "}",
        "# infra-review:ignore=B1 r",
    ]
    assert [(d.kind, d.line) for d in directives_for(lines, 3, 5)] == [("inline", 1), ("checkov", 4)]
    assert directives_for(lines, 99) == []
