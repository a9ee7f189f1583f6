"""Golden outputs: scan JSON and SARIF of every bundled example and exercise stay as committed.

A refactor keeps them byte-identical; a bug fix that changes them rewrites them with
``python tools/golden.py`` and names the fix in its commit message.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("golden_tool", ROOT / "tools" / "golden.py")
assert _spec is not None
assert _spec.loader is not None
golden = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(golden)


@pytest.mark.parametrize("path", golden.targets(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_golden_outputs(path: Path) -> None:
    for name, text in golden.outputs(path).items():
        expected = (golden.GOLDEN / name).read_text(encoding="utf-8")
        assert text == expected, f"{name} changed: run tools/golden.py and read the diff"
