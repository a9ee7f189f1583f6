"""Reuse the real-browser fixtures (``browser``, ``lab_server``, ``shots``) of ``tests/browser``."""

from __future__ import annotations

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "_infra_review_browser_fixtures", Path(__file__).resolve().parents[1] / "browser" / "conftest.py"
)
assert _spec is not None
assert _spec.loader is not None
_mod = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_mod)

browser = _mod.browser
lab_server = _mod.lab_server
shots = _mod.shots
