"""Every address an EXPECTED.md names exists in the graph the project's loader builds."""

from __future__ import annotations

from pathlib import Path

import pytest
from _examples_helpers import EXAMPLES, parse_expected

repo_loader = pytest.importorskip("infra_review.pipeline")

EXPECTED_FILES = sorted(EXAMPLES.glob("*/EXPECTED.md"))


@pytest.fixture(scope="module")
def loaded() -> dict[str, object]:
    return {}


def _graph(cache: dict[str, object], root: Path):  # type: ignore[no-untyped-def]
    if root.name not in cache:
        cache[root.name] = repo_loader.load_repo(root, cache=False)
    return cache[root.name]


@pytest.mark.parametrize("path", EXPECTED_FILES, ids=[p.parent.name for p in EXPECTED_FILES])
def test_expected_addresses_in_loaded_graph(path: Path, loaded: dict[str, object]) -> None:
    res = _graph(loaded, path.parent)
    exp = parse_expected(path)
    addrs = {r["Address"] for r in exp.findings + exp.spofs}
    for row in exp.paths:
        addrs.update(h.strip() for h in row["Path"].split("→"))
    addrs.discard("INTERNET")
    missing = sorted(a for a in addrs if res.graph.get(a) is None)
    assert missing == []


@pytest.mark.parametrize("path", EXPECTED_FILES, ids=[p.parent.name for p in EXPECTED_FILES])
def test_examples_load_cleanly(path: Path, loaded: dict[str, object]) -> None:
    """No parse failures; the only diagnostics are the remote modules left unfetched."""
    res = _graph(loaded, path.parent)
    codes = {d.code.value for d in res.diagnostics}
    assert codes <= {"MODULE_UNRESOLVED"}, [(d.code, d.file, d.line) for d in res.diagnostics]
    assert all(f.status.value != "failed" for f in res.files)
