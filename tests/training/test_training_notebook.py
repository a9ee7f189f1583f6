"""The training notebook never shows an answer key before submission, saved or live."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from infra_review.training.exercises import list_exercises

ROOT = Path(__file__).resolve().parents[2]
NB = ROOT / "notebooks" / "training.ipynb"


def _spoilers() -> dict[str, set[str]]:
    """Per exercise: flaw titles, the start of each explanation, and rule ids of the key."""
    out = {}
    for ex in list_exercises():
        s: set[str] = set()
        for f in ex.answer_key().flaws:
            s |= {f.title, f.why[:50], *f.rule_ids}
        out[ex.name] = s
    return out


def _outputs_text(nb) -> str:
    return "\n".join(json.dumps(c.get("outputs", [])) for c in nb.cells if c.cell_type == "code")


def _leaks(text: str, spoilers: set[str]) -> list[str]:
    found = []
    for s in spoilers:
        if re.fullmatch(r"[A-Z]+\d+", s):
            if re.search(rf"\b{s}\b", text):
                found.append(s)
        elif json.dumps(s)[1:-1] in text or s in text:
            found.append(s)
    return found


def test_saved_notebook_outputs_reveal_no_key() -> None:
    """The committed notebook (demo run of exercise 01 included) carries no key content."""
    nb = nbformat.read(NB, as_version=4)
    text = _outputs_text(nb)
    assert "found 1/6 flaws" in text  # the demo score line is there ...
    for name, spoilers in _spoilers().items():
        assert _leaks(text, spoilers) == [], name  # ... but none of the answers
    assert "widgets" not in nb.metadata


@pytest.mark.slow
@pytest.mark.parametrize("exercise", ["08-three-hop-exposure", "07-container-rollout"])
def test_live_run_before_submission_reveals_no_key(tmp_path, exercise) -> None:
    pm = pytest.importorskip("papermill")
    out = tmp_path / "training.out.ipynb"
    pm.execute_notebook(
        str(NB),
        str(out),
        parameters={"EXERCISE": exercise, "TRAINEE": "ana", "DB": str(tmp_path / "r.sqlite")},
        cwd=str(NB.parent),
        kernel_name="python3",
        progress_bar=False,
    )
    nb = nbformat.read(out, as_version=4)
    errors = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    assert not errors, errors[0].get("evalue")
    text = _outputs_text(nb) + json.dumps(nb.metadata.get("widgets", {}))
    assert f"{exercise} (" in text
    assert "practice mode: mark your suspicions" in text
    assert "automated findings are hidden" in text
    assert _leaks(text, _spoilers()[exercise]) == []
