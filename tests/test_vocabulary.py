"""The shared vocabulary pinned: coercion, environment classification, kind tables, area titles."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from infra_review.model import Resource, Unresolved
from infra_review.model.coerce import as_int, is_true, tri
from infra_review.model.environment import classify


def test_coercion_answers_once_for_everyone():
    assert tri("yes") is True
    assert tri("no") is False
    assert tri("maybe") is None
    assert as_int("3.0") == 3
    assert as_int("3") == 3
    assert as_int(3.0) == 3
    assert as_int("3.5") is None
    assert as_int(True) is None
    assert as_int("") is None
    assert is_true("yes")
    assert not is_true(None)
    assert not is_true(Unresolved("var.x"))


unknowns = st.builds(Unresolved, st.text(min_size=1, max_size=20))


@given(unknowns, st.one_of(st.none(), st.booleans()))
def test_an_unknown_value_never_becomes_known(value, default):
    assert tri(value, default=default) is None
    assert as_int(value) is None
    assert is_true(value) is False


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_integers_round_trip_through_every_spelling(n):
    assert as_int(n) == as_int(str(n)) == as_int(float(n)) == as_int(f"{n}.0") == n


def _env(address: str, **attrs) -> str:
    module = ".".join(address.split("//")[-1].split(".")[:2]) if "module." in address else ""
    return classify(Resource(address, address.rsplit(".", 2)[-2], attrs=attrs, module=module)).tier


def test_environments_mean_the_same_everywhere():
    assert _env("aws_db_instance.main", tags={"Environment": "staging"}) == "preprod"
    assert _env("aws_db_instance.main", tags={"env": "demo"}) == "nonprod"
    assert _env("aws_db_instance.main", tags={"env": "prod-eu"}) == "prod"
    assert _env("aws_db_instance.main", tags={"env": "non-prod"}) == "nonprod"
    assert _env("aws_db_instance.demo_db") == "nonprod"
    assert _env("aws_db_instance.main") == "unknown"
    # the root that instantiates a module decides for the module's resources
    assert _env("envs/dev//module.app.aws_db_instance.main") == "nonprod"
    assert _env("envs/prod//module.app.aws_db_instance.main") == "prod"
    # the resource's own tag wins over its root
    assert _env("envs/dev//module.app.aws_db_instance.main", tags={"env": "production"}) == "prod"
    assert classify(Resource("aws_s3_bucket.b", "aws_s3_bucket"), {"Environment": "sandbox"}).why == (
        "provider default_tag Environment=sandbox"
    )


def test_area_titles_come_from_the_persona():
    from infra_review.model import Area
    from infra_review.model.persona import AREA_OF_SECTION

    assert set(AREA_OF_SECTION.values()) == {a for a in Area if a is not Area.SPOF}
