"""RED010 asks for a README only in module directories that exist in the repository."""

from __future__ import annotations


def test_missing_module_dir_is_not_undocumented(scanned):
    loaded, run = scanned("module_dirs")
    assert run.errors == []
    assert any(d.code.name == "MODULE_UNRESOLVED" for d in loaded.diagnostics)
    hits = {f.message for f in run.findings if f.rule_id == "RED010" and f.status.name == "FAIL"}
    assert "local module `modules/present` has no README" in hits
    assert not any("modules/v4" in m for m in hits)
