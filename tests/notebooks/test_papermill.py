"""Every review notebook also runs, unchanged, against the second bundled example (papermill)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import papermill as pm
import pytest

ROOT = Path(__file__).resolve().parents[2]
NB_DIR = ROOT / "notebooks"
SECOND = ROOT / "data" / "examples" / "hardened-aws"
NOTEBOOKS = sorted(p.stem for p in NB_DIR.glob("*.ipynb"))

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_on_second_example(tmp_path, name):
    out = tmp_path / f"{name}.out.ipynb"
    pm.execute_notebook(
        str(NB_DIR / f"{name}.ipynb"),
        str(out),
        parameters={"REPO": str(SECOND), "DB": str(tmp_path / "review.sqlite")},
        cwd=str(NB_DIR),
        kernel_name="python3",
        progress_bar=False,
    )
    nb = nbformat.read(out, as_version=4)
    text = "".join(
        o.get("text", "")
        if o.get("output_type") == "stream"
        else str(o.get("data", {}).get("text/plain", ""))
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
    )
    errors = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    assert not errors, errors[0].get("evalue")
    if name != "training":
        assert "hardened-aws" in text
