"""Every review notebook also runs, unchanged, against the other bundled examples (papermill):
the hardened Terraform twin and the CloudFormation twin."""

from __future__ import annotations

from pathlib import Path

import nbformat
import papermill as pm
import pytest

ROOT = Path(__file__).resolve().parents[2]
NB_DIR = ROOT / "notebooks"
EXAMPLES = ("hardened-aws", "three-tier-cfn")
NOTEBOOKS = sorted(p.stem for p in NB_DIR.glob("*.ipynb"))

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("example", EXAMPLES)
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_on_other_examples(tmp_path, name, example):
    out = tmp_path / f"{name}.out.ipynb"
    pm.execute_notebook(
        str(NB_DIR / f"{name}.ipynb"),
        str(out),
        parameters={"REPO": str(ROOT / "data" / "examples" / example), "DB": str(tmp_path / "review.sqlite")},
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
        assert example in text
