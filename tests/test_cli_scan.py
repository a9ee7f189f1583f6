"""``infra-review scan``: the JSON contract, the table, exit codes, and a light import path."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from infra_review.cli import main
from infra_review.model import Area, Finding, Severity, Status
from infra_review.pipeline import load_repo
from infra_review.report.json_contract import SCHEMA_VERSION, finding_to_dict, scan_document
from infra_review.report.table import load_table, render_table
from infra_review.review.result import ReviewResult


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "Dockerfile").write_text("FROM python:3.12-slim\nUSER app\n")
    (root / "deploy.yaml").write_text(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: api\n  namespace: web\n"
    )
    (root / "README.md").write_text("# demo\n")
    (root / "bad.tf").write_bytes(b'name = "caf\xe9"\n')
    return root


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INFRA_REVIEW_CACHE", str(tmp_path / "cache"))


def test_json_contract(repo: Path, capsys):
    assert main(["scan", str(repo), "--format", "json", "--fail-on", "none"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) >= {
        "schema_version",
        "tool",
        "root",
        "coverage",
        "files",
        "diagnostics",
        "resources",
        "edges",
        "findings",
    }
    assert doc["schema_version"] == SCHEMA_VERSION
    assert doc["tool"]["name"] == "infra-review"
    assert doc["tool"]["version"]
    assert doc["root"] == str(repo.resolve())
    cov = doc["coverage"]
    assert set(cov) >= {"files_total", "parsed", "partial", "skipped", "failed", "by_reason"}
    assert cov["files_total"] == 4
    assert cov["failed"] == 1
    assert cov["complete"] is False
    assert [f["path"] for f in doc["files"]] == ["Dockerfile", "README.md", "bad.tf", "deploy.yaml"]
    for f in doc["files"]:
        assert set(f) >= {"path", "kind", "status", "diagnostics"}
    bad = next(f for f in doc["files"] if f["path"] == "bad.tf")
    assert bad["status"] == "failed"
    assert bad["diagnostics"][0]["code"] == "DECODE_ERROR"
    assert {"code", "file", "line", "column", "message"} <= set(doc["diagnostics"][0])
    for r in doc["resources"]:
        assert {"address", "kind", "file", "line", "module"} <= set(r)
    for e in doc["edges"]:
        assert {"source", "target", "kind"} <= set(e)
    assert isinstance(doc["findings"], list)
    addresses = [r["address"] for r in doc["resources"]]
    assert addresses == sorted(addresses)


def test_table_output_and_output_file(repo: Path, tmp_path: Path, capsys):
    out = tmp_path / "scan.txt"
    assert main(["scan", str(repo), "--format", "table", "--output", str(out), "--fail-on", "none"]) == 0
    assert capsys.readouterr().out == ""
    text = out.read_text()
    assert "Coverage: 4 files" in text
    assert "INCOMPLETE COVERAGE" in text
    assert "bad.tf" in text
    assert "DECODE_ERROR" in text


def test_unusable_path_exits_2_with_one_line(tmp_path: Path, capsys):
    assert main(["scan", str(tmp_path / "missing"), "--format", "json"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "no such directory" in err
    (tmp_path / "f").write_text("x")
    assert main(["scan", str(tmp_path / "f")]) == 2
    assert "not a directory" in capsys.readouterr().err


def test_strict_exits_2_on_incomplete_coverage(repo: Path, capsys):
    assert main(["scan", str(repo), "--format", "json", "--strict"]) == 2
    captured = capsys.readouterr()
    assert json.loads(captured.out)["coverage"]["failed"] == 1  # the document is still written
    assert "incomplete coverage" in captured.err


def test_scan_never_imports_plotly_widgets_or_jupyter(repo: Path, tmp_path: Path):
    out = tmp_path / "o.json"
    code = (
        "import sys\n"
        "from infra_review.cli import main\n"
        f"rc = main(['scan', {str(repo)!r}, '-f', 'json', '-o', {str(out)!r}, '--fail-on', 'none'])\n"
        f"rc2 = main(['scan', {str(repo)!r}, '-f', 'table', '-o', {str(out) + '.txt'!r},\n"
        "            '--fail-on', 'none'])\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'plotly', 'ipywidgets', 'jupyter', 'jupyter_client', 'jupyter_core', 'jupyterlab', "
        "'notebook', 'IPython', 'ipykernel', 'anywidget', 'nbformat', 'nbclient', 'papermill'})\n"
        "print(rc, rc2, heavy)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=False
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "0 0 []"
    assert json.loads(out.read_text())["coverage"]["files_total"] == 4


def test_console_script_entry(repo: Path):
    proc = subprocess.run(
        [sys.executable, "-m", "infra_review", "scan", str(repo), "--format", "json", "--fail-on", "none"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert json.loads(proc.stdout)["coverage"]["files_total"] == 4


def test_findings_in_the_document_and_the_table(repo: Path):
    result = load_repo(repo)
    finding = Finding(
        rule_id="CTR001",
        area=Area.CONTAINERS,
        severity=Severity.HIGH,
        status=Status.FAIL,
        address="docker:Dockerfile#final",
        message="image runs as root",
        file="Dockerfile",
        line=1,
        attribute="USER",
        evidence={"users": ("root",), "seen": {"a"}},
        remediation="Add USER.",
        title="Container runs as root",
    )
    doc = scan_document(result, [finding])
    item = doc["findings"][0]
    assert item == finding_to_dict(finding)
    assert set(item) >= {
        "rule_id", "area", "severity", "status", "address", "file", "line", "attribute", "message",
        "evidence", "remediation", "title", "suppressed", "suppression_reason", "fingerprint",
    }  # fmt: skip
    assert (item["severity"], item["status"], item["area"]) == ("high", "FAIL", "containers")
    json.dumps(doc)
    table = load_table(result, [finding])
    assert "Findings: 1 failing (1 high)" in table
    assert render_table(ReviewResult(result.graph, [finding], load=result)) == table
    assert "CTR001" in table


def test_fail_on(repo: Path, monkeypatch, capsys):
    from infra_review.cli import scan

    hit = Finding("NET001", Area.NETWORK_SECURITY, Severity.MEDIUM, Status.FAIL, "aws_sg.a", "open")
    monkeypatch.setattr(
        scan, "run_rules", lambda loaded, args: ReviewResult(loaded.graph, [hit], load=loaded)
    )
    assert main(["scan", str(repo), "--format", "json", "--fail-on", "medium"]) == 1
    assert main(["scan", str(repo), "--format", "json", "--fail-on", "high"]) == 0
    assert main(["scan", str(repo), "--format", "json", "--fail-on", "none"]) == 0
    capsys.readouterr()


def test_table_escapes_control_characters(tmp_path: Path):
    root = tmp_path / "r"
    root.mkdir()
    (root / "evil\x1b[2J.tf").write_bytes(b"\x00")
    text = load_table(load_repo(root))
    assert "\x1b" not in text
    assert "\\x1b[2J" in text


def test_output_to_a_device_or_symlink_is_written_in_place(repo: Path, tmp_path: Path):
    import os
    import stat

    target = tmp_path / "real.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    assert main(["scan", str(repo), "-f", "json", "-o", str(link), "--fail-on", "none"]) == 0
    assert link.is_symlink()
    assert json.loads(target.read_text())["coverage"]["files_total"] == 4
    dev = tmp_path / "null"
    try:
        os.mknod(dev, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a private /dev/null
    except (PermissionError, OSError):
        pytest.skip("cannot create a device node here")
    assert main(["scan", str(repo), "-f", "json", "-o", str(dev), "--fail-on", "none"]) == 0
    assert stat.S_ISCHR(dev.lstat().st_mode)  # never replaced by a regular file
    assert not list(tmp_path.glob(".*.tmp"))


def _crashing_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    from infra_review.rules import RULES, rule

    def crash(rg):
        raise IndexError("value from the repository")
        yield  # pragma: no cover

    crash.__doc__ = "Crashes on purpose.\n\nRemediation\n-----------\nNone.\n"
    made = rule("TST901", area=Area.CONTAINERS, severity=Severity.LOW, title="crash", register=False)
    monkeypatch.setitem(RULES, "TST901", made(crash).rule)


@pytest.mark.parametrize("fmt", ["table", "json", "markdown", "sarif"])
def test_strict_exits_2_on_a_rule_error_and_every_format_says_rule_failed(
    repo: Path, capsys, monkeypatch: pytest.MonkeyPatch, fmt: str
):
    (repo / "bad.tf").unlink()  # coverage is complete: only the rule fails
    _crashing_rule(monkeypatch)
    assert main(["scan", str(repo), "--format", fmt, "--select", "TST901,CTR", "--fail-on", "none"]) == 0
    out = capsys.readouterr().out
    assert "TST901" in out
    assert "value from the repository" not in out
    if fmt == "table":
        assert "!! INCOMPLETE REVIEW: 1 rule(s) failed to run" in out
    elif fmt == "markdown":
        assert "rule failed: TST901 (IndexError)" in out
    elif fmt == "json":
        doc = json.loads(out)
        assert (doc["coverage"]["complete"], doc["coverage"]["rule_errors"]) == (False, 1)
    else:
        assert json.loads(out)["runs"][0]["invocations"][0]["executionSuccessful"] is False
    rc = main(["scan", str(repo), "--format", fmt, "--select", "TST901,CTR", "--fail-on", "none", "--strict"])
    assert rc == 2
    assert "1 rule(s) failed to run: TST901" in capsys.readouterr().err
