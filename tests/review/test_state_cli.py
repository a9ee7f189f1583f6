"""`infra-review state`: list, export and import review decisions from a terminal."""

from __future__ import annotations

import json

from infra_review.cli import main
from infra_review.review.state import ReviewStore
from infra_review.review.workspace import Workspace


def test_export_import_round_trip(tmp_path, capsys):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n')
    db_a, db_b = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    ws = Workspace.open(repo, db=db_a, reviewer="ana")
    ws.store.set_verdict(ws.review_id, "iac:0", "concern", note="copy-pasted modules", reviewer="ana")

    assert main(["state", "--db", str(db_a), "list"]) == 0
    assert "1 decision(s)" in capsys.readouterr().out

    out, md = tmp_path / "review.json", tmp_path / "review.md"
    assert main(["state", "--db", str(db_a), "export", str(repo), "-o", str(out), "--markdown", str(md)]) == 0
    exported = json.loads(out.read_text())
    assert exported["verdicts"]["iac:0"]["value"] == "concern"
    assert "IaC Best Practices: Terraform/CloudFormation/Pulumi modules are reusable" in md.read_text()

    assert main(["state", "--db", str(db_b), "import", str(out)]) == 0
    store = ReviewStore(db_b)
    rid = store.open_review(exported["repo"], exported["revision"])
    assert store.verdicts(rid)["iac:0"].note == "copy-pasted modules"


def test_export_of_an_unreviewed_repository_and_bad_import(tmp_path, capsys):
    (tmp_path / "repo").mkdir()
    db = str(tmp_path / "s.sqlite")
    assert main(["state", "--db", db, "export", str(tmp_path / "repo")]) == 2
    assert "no review of" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something else"}')
    assert main(["state", "--db", db, "import", str(bad)]) == 2
    assert "cannot import" in capsys.readouterr().err
