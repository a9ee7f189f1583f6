"""Change review of real changes to the three-tier example, committed with dulwich (issue 14).

Each test commits the example (possibly adjusted into a clean base), commits one change on
top, and reviews ``base → head`` through the public entry point
(:func:`infra_review.review.change.review_change`).
"""

from __future__ import annotations

import json

import pytest

from infra_review.cli import main
from infra_review.model import Severity
from infra_review.report.diff_json import diff_document
from infra_review.report.diff_markdown import MAX_CHARS, to_diff_markdown
from infra_review.report.diff_table import render_diff_table
from infra_review.review.change import review_change, review_dirs

FAST = {"cache": False, "isolate": False}


def _edit(files: dict[str, bytes], path: str, old: str, new: str) -> dict[str, bytes]:
    text = files[path].decode()
    assert old in text, f"{old!r} not in {path}"
    return {**files, path: text.replace(old, new, 1).encode()}


def _two_commits(make_repo, base: dict[str, bytes], head: dict[str, bytes]):
    g = make_repo()
    first = g.commit(base, "base")
    second = g.commit(head, "head")
    return g, first, second


def _review(make_repo, base, head):
    g, first, second = _two_commits(make_repo, base, head)
    return review_change(g.path, first, second, **FAST)


BASTION = """
resource "aws_security_group" "bastion" {
  name   = "bastion"
  vpc_id = module.network.vpc_id

  ingress {
    description = "SSH from anywhere"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_instance" "bastion" {
  ami                         = "ami-0123456789abcdef0"
  instance_type               = "t3.micro"
  subnet_id                   = module.network.public_subnet_ids[0]
  associate_public_ip_address = true
  vpc_security_group_ids      = [aws_security_group.bastion.id]
}
"""


def test_opening_a_port_to_the_world(make_repo, example_files):
    head = {**example_files, "bastion.tf": BASTION.encode()}
    run = _review(make_repo, example_files, head)
    r = run.review
    opened = [e for e in r.exposures if e.change == "opened"]
    assert [(e.target, e.ports_added) for e in opened] == [("aws_instance.bastion", "22")]
    causes = dict(opened[0].cause)
    assert "aws_instance.bastion" in causes
    assert "aws_security_group.bastion" in causes
    assert {c.address for c in r.resources if c.change == "added"} == {
        "aws_instance.bastion",
        "aws_security_group.bastion",
    }
    new = {(f.rule_id, f.address) for f in r.findings.new_failing()}
    assert any(a == "aws_security_group.bastion" for _, a in new), new
    assert not r.findings.fixed
    assert any("newly reachable" in q for q in r.questions)
    assert main(["diff", str(run.base.path), "--base", run.base.commit, "--head", run.head.commit,
                 "--no-cache", "--fail-on", "none"]) == 0  # fmt: skip


def test_widening_an_existing_path(make_repo, example_files):
    marker = '    description = "Admin UI"'
    rdp = (
        '    description = "RDP"\n    from_port   = 3389\n    to_port     = 3389\n    protocol    = "tcp"\n'
        '    cidr_blocks = ["0.0.0.0/0"]\n  }\n\n  ingress {\n' + marker
    )
    head = _edit(example_files, "compute.tf", marker, rdp)
    run = _review(make_repo, example_files, head)
    r = run.review
    assert [(e.change, e.target, e.ports_added) for e in r.exposures] == [
        ("widened", "aws_instance.admin", "3389")
    ]
    # new exposure fails the check even when no new finding reaches --fail-on
    assert not r.findings.new_failing(Severity.CRITICAL)
    argv = ["diff", run.base.path, "--base", run.base.commit, "--head", run.head.commit, "--no-cache"]
    assert main([*argv, "--fail-on", "critical"]) == 1
    assert main([*argv, "--fail-on", "none"]) == 0
    (sg,) = [c for c in r.resources if c.address == "aws_security_group.admin"]
    assert sg.change == "changed"
    assert {a.path for a in sg.attrs} >= {"ingress[1].from_port", "ingress[1].to_port"}
    assert all(a.path.startswith("ingress[1]") for a in sg.attrs)  # the blocks after it did not "change"


def _private_data_subnets(files: dict[str, bytes]) -> dict[str, bytes]:
    data = "  subnet_id      = aws_subnet.data[count.index].id\n  route_table_id = "
    return _edit(
        files,
        "modules/network/main.tf",
        data + "aws_route_table.public.id",
        data + "aws_route_table.private[0].id",
    )


def test_moving_a_database_into_a_public_subnet(make_repo, example_files):
    base = _private_data_subnets(example_files)
    head = _edit(
        base,
        "data.tf",
        'name       = "${local.name}-db"\n  subnet_ids = module.network.data_subnet_ids',
        'name       = "${local.name}-db"\n  subnet_ids = module.network.public_subnet_ids',
    )
    r = _review(make_repo, base, head).review
    opened = {e.target: e for e in r.exposures if e.change == "opened"}
    assert "aws_db_instance.main" in opened
    assert opened["aws_db_instance.main"].ports_added == "5432"
    assert "aws_db_subnet_group.main" in dict(opened["aws_db_instance.main"].cause)
    assert [c.address for c in r.resources] == ["aws_db_subnet_group.main"]
    assert r.findings.new_failing()  # a data store in a public subnet is a finding


def test_removing_nat_gateways_introduces_a_spof(make_repo, example_files):
    base = _edit(example_files, "main.tf", "single_nat_gateway = true", "single_nat_gateway = false")
    r = _review(make_repo, base, example_files).review
    assert [(s.change, s.rule_id, s.address) for s in r.spofs if s.rule_id == "SPOF02"] == [
        ("introduced", "SPOF02", "module.network.aws_nat_gateway.main[0]")
    ]
    removed = {c.address for c in r.resources if c.change == "removed"}
    assert {"module.network.aws_nat_gateway.main[1]", "module.network.aws_nat_gateway.main[2]"} <= removed
    assert r.cost_delta is not None
    assert r.cost_delta < 0
    nat = {c.address: c for c in r.cost}["module.network.aws_nat_gateway.main[1]"]
    assert nat.after is None
    assert nat.delta < 0
    blast = {b.address: b for b in r.blast}
    assert "module.network.aws_nat_gateway.main[1]" in blast
    assert blast["module.network.aws_nat_gateway.main[1]"].after is None
    assert any("SPOF02" in f.rule_id for f in r.findings.new)
    assert any("single point of failure" in q for q in r.questions)


def test_rename_with_a_moved_block_is_a_move(make_repo, example_files):
    head = {}
    for path, data in example_files.items():
        text = data.decode(errors="surrogateescape")
        if path.endswith(".tf"):
            text = text.replace("aws_security_group.db.", "aws_security_group.database.")
            text = text.replace(
                'resource "aws_security_group" "db"', 'resource "aws_security_group" "database"'
            )
        head[path] = text.encode(errors="surrogateescape")
    head["moved.tf"] = b"moved {\n  from = aws_security_group.db\n  to   = aws_security_group.database\n}\n"
    r = _review(make_repo, example_files, head).review
    moved = [c for c in r.resources if c.change == "moved"]
    assert [(c.old_address, c.address, c.matched_by) for c in moved] == [
        ("aws_security_group.db", "aws_security_group.database", "moved")
    ]
    assert not [c for c in r.resources if c.change in ("added", "removed")]
    assert not r.exposures  # the DB's path did not open and close
    assert not r.findings.new
    assert not r.findings.fixed
    assert r.moves == {"aws_security_group.db": "aws_security_group.database"}


SECRET = "Zq8vN2rT5wXy7KpL0aBcDeFgH"


def test_a_committed_secret_is_redacted_everywhere(make_repo, example_files):
    head = _edit(example_files, "data.tf", "password = var.db_password", f'password = "{SECRET}"')
    run = _review(make_repo, example_files, head)
    (db,) = [c for c in run.review.resources if c.address == "aws_db_instance.main"]
    (pw,) = [a for a in db.attrs if a.path == "password"]
    assert "redacted" in str(pw.new)
    outputs = [
        json.dumps(diff_document(run)),
        to_diff_markdown(run),
        render_diff_table(run),
    ]
    for text in outputs:
        assert SECRET not in text
        assert SECRET[4:] not in text
    assert any(f.rule_id for f in run.review.findings.new)  # a hard-coded secret is flagged


def test_head_defaults_to_the_working_tree(make_repo, example_files):
    g = make_repo()
    first = g.commit(example_files)
    g.checkout({**example_files, "bastion.tf": BASTION.encode()})
    run = review_change(g.path, first, **FAST)
    assert run.head.commit == ""
    assert any(e.target == "aws_instance.bastion" for e in run.review.new_exposure)
    base_tree = run.base.load.root
    assert (base_tree / "README.md").is_file()  # kept while the run is in use (facts read lazily)
    assert run.base.load.graph.facts.text("README.md") == example_files["README.md"].decode()
    run.close()
    assert not base_tree.exists()
    assert g.path.exists()  # the working tree is never deleted


def test_two_directories_and_the_cli_contract(tmp_path, example_files, capsys):
    old, new = tmp_path / "old", tmp_path / "new"
    for root, files in ((old, example_files), (new, {**example_files, "bastion.tf": BASTION.encode()})):
        for rel, data in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(data)
    assert review_dirs(old, new, **FAST).review.new_exposure
    code = main(["diff", str(old), str(new), "--format", "json", "--no-cache"])
    assert code == 1  # new exposure and a new high finding
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema_version"] == "1.0"
    assert doc["kind"] == "change_review"
    assert doc["summary"]["new_exposure"] == 1
    assert doc["exposure"][0]["change"] == "opened"
    assert doc["exposure"][0]["new_nodes"][0] == "INTERNET"
    assert doc["exposure"][0]["new_nodes"][-1] == "aws_instance.bastion"
    assert "network_security" in doc["summary"]["areas_touched"]
    assert {"new", "fixed", "unchanged", "compared"} <= doc["findings"].keys()
    assert all("fingerprint" in f for f in doc["findings"]["new"])
    assert main(["diff", str(old), str(new), "--format", "sarif", "--no-cache", "--fail-on", "none"]) == 0
    sarif = json.loads(capsys.readouterr().out)
    results = sarif["runs"][0]["results"]
    assert len(results) == len([f for f in doc["findings"]["new"] if f["status"] != "PASS"])
    assert main(["diff", str(old), str(old), "--no-cache"]) == 0  # no change
    assert "resources: added: 0" in capsys.readouterr().out
    out = tmp_path / "comment.md"
    assert main(["diff", str(old), str(new), "--format", "markdown", "-o", str(out), "--no-cache"]) == 1
    assert out.read_text(encoding="utf-8").startswith("## infra-review change review")
    assert main(["--help"]) == 0
    assert "diff" in capsys.readouterr().out


def test_markdown_fits_a_pull_request_comment(make_repo, example_files):
    base = _edit(example_files, "main.tf", "single_nat_gateway = true", "single_nat_gateway = false")
    run = _review(make_repo, base, {**example_files, "bastion.tf": BASTION.encode()})
    text = to_diff_markdown(run)
    assert len(text) <= MAX_CHARS
    assert text.startswith("## infra-review change review")
    assert text.count("<details") == text.count("</details>")
    assert (
        "<details open><summary><b>New high findings" in text
        or "<details open><summary><b>New critical" in text
    )
    small = to_diff_markdown(run, max_chars=2500)
    assert len(small) <= 2500
    assert "Truncated" in small


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["diff"], "usage"),
        (["diff", "{repo}"], "--base REF is required"),
        (["diff", "{repo}", "--base", "nope"], "unknown ref"),
        (["diff", "{repo}", "{repo}", "--base", "main"], "--base/--head apply"),
        (["diff", "{repo}/missing", "--base", "main"], "not a directory"),
        (["diff", "{plain}", "--base", "main"], "not a git repository"),
    ],
)
def test_usage_errors_exit_2(make_repo, example_files, tmp_path, capsys, argv, message):
    g = make_repo()
    g.commit(example_files)
    (tmp_path / "plain").mkdir()
    args = [a.format(repo=g.path, plain=tmp_path / "plain") for a in argv]
    assert main(args) == 2
    assert message in capsys.readouterr().err


def test_hostile_commit_gives_diagnostics_not_a_crash(make_repo, example_files, tmp_path, capsys):
    outside = tmp_path / "outside.tf"
    outside.write_text('resource "aws_instance" "stolen" {}\n')
    g = make_repo()
    first = g.commit(example_files)
    g.commit({
        **example_files,
        "stolen.tf": (g.LINK, str(outside).encode()),
        "huge.tf": b"# " + b"x" * (2 * 1024 * 1024),
        "vendor/sub": (g.GITLINK, b"b" * 40),
    })  # fmt: skip
    code = main(["diff", str(g.path), "--base", first, "--head", "main", "--format", "json", "--no-cache"])
    assert code in (0, 1)
    doc = json.loads(capsys.readouterr().out)
    codes = {(d["code"], d["file"]) for d in doc["head"]["diagnostics"]}
    assert ("SYMLINK_SKIPPED", "stolen.tf") in codes
    assert ("TOO_LARGE", "huge.tf") in codes
    assert ("UNSUPPORTED", "vendor/sub") in codes
    assert doc["head"]["complete"] is False
    assert not any(c["address"] == "aws_instance.stolen" for c in doc["resources"])


def test_a_directory_inside_a_repository(make_repo, example_files):
    g = make_repo()
    inside = {f"infra/{k}": v for k, v in example_files.items()}
    first = g.commit({"app/main.py": b"print('hi')\n", **inside})
    second = g.commit({"app/main.py": b"print('hi')\n", **inside, "infra/bastion.tf": BASTION.encode()})
    (g.path / "infra").mkdir()
    with review_change(g.path / "infra", first, second, **FAST) as run:
        assert [e.target for e in run.review.new_exposure] == ["aws_instance.bastion"]
        assert run.base.complete
