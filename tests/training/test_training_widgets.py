"""Training session and widgets: findings hidden until submit, the form's buttons, recording."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra_review.training.session import TrainingSession, feedback_html
from infra_review.training.store import TrainingStore
from infra_review.training.widgets import QuietHTML, SuspicionForm, score_scripted

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def ex01() -> TrainingSession:
    return TrainingSession.open("01-public-bucket-open-ssh")


def _fresh(session: TrainingSession, **kw) -> TrainingSession:
    """A new session sharing the loaded workspace (loading is the slow part)."""
    return TrainingSession(session.exercise, session.full, **kw)


def test_findings_hidden_until_submit(ex01) -> None:
    s = _fresh(ex01)
    assert ex01.full.findings, "the exercise has findings to hide"
    assert not s.revealed
    assert s.workspace.findings == []
    assert s.workspace.active() == []
    assert s.workspace.graph is s.full.graph
    assert "hidden" in s.findings_html()
    s.submit([])
    assert s.revealed
    assert s.workspace is s.full
    assert "What the tool found" in s.findings_html()
    assert _fresh(ex01, show_findings=True).workspace is ex01.full


def test_form_add_remove_submit_records(ex01, tmp_path) -> None:
    db = tmp_path / "r.sqlite"
    s = _fresh(ex01, trainee="ana", db=str(db))
    form = SuspicionForm(s)
    assert "aws_security_group.cms" in form.resource.options
    assert form.resource.options[-1] == "(repository)"
    # incomplete entries are refused with a message, not an exception
    form.add_button.click()
    assert "pick a resource" in form.status.value
    form.resource.value = "aws_security_group.cms"
    form.add_button.click()
    assert "area" in form.status.value
    assert s.suspicions == []
    form.area.value = "network_security"
    form.note.value = "ssh open"
    form.add_button.click()
    form.resource.value = "aws_vpc.main"
    form.area.value = "cost"
    form.add_button.click()
    form.resource.value = "aws_s3_bucket_versioning.media"
    form.area.value = "backup"
    form.add()
    assert [s_.resource for s_ in s.suspicions] == [
        "aws_security_group.cms",
        "aws_vpc.main",
        "aws_s3_bucket_versioning.media",
    ]
    assert len(form.listing.options) == 3
    assert form.note.value == ""
    form.listing.value = 1
    form.remove_button.click()
    assert [s_.resource for s_ in s.suspicions] == [
        "aws_security_group.cms",
        "aws_s3_bucket_versioning.media",
    ]
    # before submitting, nothing of the key is in any widget
    key = ex01.exercise.answer_key()
    assert not any(f.title in repr(form.widget) or f.title in form.results.value for f in key.flaws)
    form.submit_button.click()
    res = s.result
    assert res is not None
    assert [f.flaw.id for f in res.found] == ["ssh-open-to-world"]
    assert len(res.false_alarms) == 1
    assert "recorded for ana" in form.status.value
    # feedback for every missed flaw, with the rule's documentation; the widget repr hides it
    for fr in res.missed:
        assert fr.flaw.title.replace("&", "&amp;") in form.results.value
    assert "Remediation" in form.results.value
    assert "What the tool found" in form.results.value
    assert repr(form.results) == "QuietHTML()"
    assert not any(f.title in repr(form.widget) for f in key.flaws)
    rows = TrainingStore(db).results()
    assert [(r.trainee, r.exercise, r.attempts, r.latest_percent) for r in rows] == [
        ("ana", key.exercise, 1, res.percent)
    ]
    assert TrainingStore(db).submissions("ana")[0].suspicions[0]["note"] == "ssh open"


def test_demo_mode_scripted_submission_not_recorded(ex01, tmp_path, capsys) -> None:
    db = tmp_path / "r.sqlite"
    s = _fresh(ex01, db=str(db))
    res = score_scripted(s, [{"resource": "aws_instance.cms", "area": "monitoring", "note": ""}])
    out = capsys.readouterr().out
    assert res is not None
    assert res.summary_line() in out
    assert [f.flaw.id for f in res.found] == ["no-alarms"]
    assert TrainingStore(db).results() == []
    # a named trainee practises with the form: the scripted answer is ignored
    s2 = _fresh(ex01, trainee="bo", db=str(db))
    assert score_scripted(s2, [{"resource": "aws_instance.cms", "area": "monitoring"}]) is None
    assert s2.result is None
    assert not s2.revealed


def test_feedback_html_escapes_and_covers_missed(ex01) -> None:
    s = _fresh(ex01)
    res = s.submit([{"resource": "aws_instance.cms", "area": "spof", "note": "<script>x</script>"}])
    html = feedback_html(res)
    assert "<script>x" not in html
    assert html.count("Why it matters") + html.count("In this exercise") >= len(res.missed)


def test_free_practice_on_a_repository_without_key(tmp_path) -> None:
    s = TrainingSession.open("", repo=ROOT / "data" / "examples" / "hardened-aws")
    assert s.exercise is None
    assert not s.has_key
    assert s.summary().startswith("free practice on hardened-aws")
    form = SuspicionForm(s)
    form.resource.value = form.resource.options[0]
    form.area.value = "iac"
    form.add()
    form.submit_button.click()
    assert "no answer key" in form.status.value
    # an exercise's repo/ selects the exercise
    ex = TrainingSession.open("", repo=ROOT / "data" / "training" / "02-hardcoded-secrets" / "repo")
    assert ex.exercise is not None
    assert ex.exercise.name == "02-hardcoded-secrets"


def test_quiet_html_repr() -> None:
    assert repr(QuietHTML(value="secret")) == "QuietHTML()"


def test_topology_and_explorer_hide_rule_ids_until_revealed(ex01) -> None:
    import json
    import re

    from infra_review.training.widgets import spof_explorer, topology_figure

    rule_id = re.compile(r"\b(?:IAC|CTR|DEP|NET|MON|BAK|COST|RED|SPOF)\d{2,3}\b")
    s = _fresh(ex01)
    blind = json.dumps(topology_figure(s).to_plotly_json(), default=str)
    assert "blast score" in blind
    assert not rule_id.search(blind)
    box = spof_explorer(s)
    pick, _info, fig = box.children
    assert pick.options[0][0].startswith("SPOF: ")
    pick.value = pick.options[-1][1]  # refresh keeps the redaction
    assert not rule_id.search(json.dumps(fig.to_plotly_json(), default=str))
    shown = json.dumps(topology_figure(_fresh(ex01, show_findings=True)).to_plotly_json(), default=str)
    assert "SPOF03" in shown


def test_draft_survives_a_new_session(ex01, tmp_path) -> None:
    """Suspicions marked but not submitted are back after a kernel restart (a new session)."""
    db = str(tmp_path / "r.sqlite")
    s = _fresh(ex01, trainee="ana", db=db)
    s.add("aws_security_group.cms", "network_security", "ssh")
    s.add("aws_instance.cms", "monitoring", "no alarm")
    s.remove(0)
    again = _fresh(ex01, trainee="ana", db=db)
    assert again.restore_draft() == 1
    assert again.suspicions[0].note == "no alarm"
    form = SuspicionForm(again)
    assert len(form.listing.options) == 1
    # other trainees and anonymous demo sessions keep no drafts
    assert _fresh(ex01, trainee="bo", db=db).restore_draft() == 0
    anon = _fresh(ex01, db=db)
    anon.add("aws_vpc.main", "spof", "")
    assert anon.restore_draft() == 0
    assert TrainingStore(db).results() == []
