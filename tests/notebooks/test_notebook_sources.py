"""The committed notebooks are what their sources say: area notebooks come from one template.

The eight area notebooks differ only by their ``AREA`` parameter, default example, intro and
extra cells (``tools/notebooks.py`` ``AREA_NOTEBOOKS``); every ``.ipynb`` has the cells of its
jupytext source.  ``python tools/notebooks.py`` regenerates and re-executes them.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("notebooks_tool", ROOT / "tools" / "notebooks.py")
assert _spec is not None
assert _spec.loader is not None
tool = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tool)


@pytest.mark.parametrize("src", tool._sources([]), ids=lambda p: p.stem)
def test_notebook_matches_its_source(src: Path) -> None:
    assert tool.check(src) == []


def test_every_area_has_one_notebook_from_the_template() -> None:
    from infra_review.model import Area

    areas = [area for _, area, *_ in tool.AREA_NOTEBOOKS]
    assert sorted(areas) == sorted(a.value for a in Area if a is not Area.SPOF)
    for name, area, *_ in tool.AREA_NOTEBOOKS:
        text = (ROOT / "notebooks" / f"{name}.py").read_text(encoding="utf-8")
        assert f'AREA = "{area}"' in text
        assert "wb.area_summary(ws, AREA)" in text
        assert "wb.checklist_view(ws, AREA)" in text
