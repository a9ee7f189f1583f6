"""Compose secrets: service ``secrets:`` lists are names, a committed secret file is a leak."""

from __future__ import annotations

SECRET = "compose:app/compose.yaml/secret:db-password"


def test_secret_names_are_not_secrets_but_committed_file_is(scanned):
    _, run = scanned("compose_secret_file")
    assert run.errors == []
    hits = [f for f in run.findings if f.rule_id == "RED003" and f.status.name == "FAIL"]
    assert [(f.address, f.attribute) for f in hits] == [(SECRET, "file")]
    assert "app/secrets/db-password.txt" in hits[0].message
    assert "7hQ2x9vL" not in hits[0].message
