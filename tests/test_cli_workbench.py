"""The workbench commands: report and lab argument handling (the full report runs in tests/browser)."""

from __future__ import annotations

from pathlib import Path

from infra_review.cli import main
from infra_review.cli.lab import lab_command
from infra_review.cli.report import REPORT_NOTEBOOKS, notebooks_dir


def test_report_and_lab_reject_an_unusable_path(tmp_path, capsys):
    missing = str(tmp_path / "nope")
    assert main(["report", missing, "-o", str(tmp_path / "r.html")]) == 2
    assert main(["lab", missing]) == 2
    err = capsys.readouterr().err
    assert err.count("not a directory") == 2


def test_report_rejects_unknown_notebooks(tmp_path, capsys):
    assert main(["report", str(tmp_path), "--notebooks", "00_start_here,nope"]) == 2
    assert "unknown notebook(s): nope" in capsys.readouterr().err


def test_every_review_notebook_exists():
    nb_dir = notebooks_dir()
    assert all((nb_dir / f"{n}.ipynb").is_file() for n in REPORT_NOTEBOOKS)
    assert {p.stem for p in nb_dir.glob("*.ipynb")} - set(REPORT_NOTEBOOKS) <= {"training"}


def test_lab_listens_on_loopback_with_a_token():
    cmd = lab_command(Path("/x/notebooks"), 9999, "s3cret", open_browser=False)
    assert "--ServerApp.ip=127.0.0.1" in cmd
    assert "--IdentityProvider.token=s3cret" in cmd
    assert "--no-browser" in cmd
    assert "--ServerApp.root_dir=/x/notebooks" in cmd
