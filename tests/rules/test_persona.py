"""Persona coverage: every bullet of every area and every red flag maps to a rule or a question."""

from __future__ import annotations

from infra_review.model import Area
from infra_review.model.persona import (
    AREA_OF_SECTION,
    MAPPING,
    PENDING,
    bullets_for,
    checklist,
    load_persona,
    parse_persona,
)
from infra_review.rules import GUIDED, RULES


def test_persona_parses_all_areas_and_red_flags():
    p = load_persona()
    assert p.title == "Infrastructure Persona"
    assert [s.title for s in p.sections] == list(AREA_OF_SECTION)
    counts = {s.title: len(s.bullets) for s in p.sections}
    assert counts == {
        "IaC Best Practices": 6,
        "Container & Orchestration": 7,
        "Deployment & Rollout": 6,
        "Networking & Security": 6,
        "Monitoring & Reliability": 7,
        "Backup & Recovery": 6,
        "Cost Optimization": 6,
        "Red Flags": 10,
    }
    assert len(p.principles) == 4
    assert p.red_flags[0] == "Manual infrastructure changes"
    assert {s.area for s in p.sections} == set(Area) - {Area.SPOF}


def test_parse_persona_keeps_text_exactly():
    text = ("# T\n\n## Key Review Areas\n\n### IaC Best Practices\n\n- A  **b** (c)\n* d\n\n"
            "## Red Flags\n- e\n")
    p = parse_persona(text)
    assert p.bullets == [("IaC Best Practices", "A  **b** (c)"), ("IaC Best Practices", "d"),
                         ("Red Flags", "e")]


def test_no_bullet_without_a_rule_or_guided_question():
    unmapped = [f"{s}: {b}" for s, b in load_persona().bullets if not MAPPING.get(b)]
    assert not unmapped, "persona bullets with no rule or guided question:\n" + "\n".join(unmapped)


def test_mapping_has_no_stale_keys():
    bullets = {b for _, b in load_persona().bullets}
    stale = sorted(set(MAPPING) - bullets)
    assert not stale, f"MAPPING keys that are not persona bullets (typo?): {stale}"


def test_every_mapped_rule_exists_or_is_visibly_pending():
    mapped = {i for ids in MAPPING.values() for i in ids if not i.startswith("Q-")}
    missing = sorted(mapped - set(RULES) - set(PENDING))
    assert not missing, f"mapped rule ids that are neither registered nor in persona.PENDING: {missing}"


def test_pending_list_is_not_stale():
    done = sorted(set(PENDING) & set(RULES))
    assert not done, f"these ids are registered now; remove them from persona.PENDING: {done}"
    mapped = {i for ids in MAPPING.values() for i in ids}
    assert set(PENDING) <= mapped, "persona.PENDING lists ids the mapping does not use"


def test_every_mapped_guided_question_exists_and_serves_a_bullet():
    mapped = {i for ids in MAPPING.values() for i in ids if i.startswith("Q-")}
    assert mapped - set(GUIDED) == set(), f"unknown guided questions: {sorted(mapped - set(GUIDED))}"
    unused = sorted(set(GUIDED) - mapped)
    assert not unused, f"guided questions that serve no persona bullet: {unused}"


def test_every_registered_rule_serves_a_bullet():
    orphans = sorted(rid for rid in RULES if not bullets_for(rid))
    assert not orphans, (
        "registered rules that serve no persona bullet; add them to infra_review/model/persona.py MAPPING "
        f"under the bullet they check: {orphans}"
    )


def test_checklist_order_keys_and_split():
    items = checklist()
    assert len(items) == 54
    assert len({i.key for i in items}) == 54
    first_red = next(i for i in items if i.area == Area.RED_FLAGS)
    assert (first_red.key, first_red.text) == ("red_flags:0", "Manual infrastructure changes")
    slo = next(i for i in items if i.text == "SLI/SLO/SLA definitions")
    assert slo.rule_ids == ("MON008",)
    assert slo.guided_ids == ("Q-MON-SLO",)


def test_bullets_for_is_the_reverse_mapping():
    assert bullets_for("IAC011") == (
        "Proper resource tagging (cost, owner, environment)",
        "Cost allocation tags",
    )
    assert bullets_for("NOPE") == ()
