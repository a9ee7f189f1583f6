"""PortSet algebra checked against a brute-force set model on random interval sets."""

from __future__ import annotations

import random

import pytest

from infra_review.analysis.net_ports import PortSet, normalize_protocol


def model(ps: PortSet) -> set[tuple[str, int]]:
    return {(p, n) for p, lo, hi in ps.ranges for n in range(lo, hi + 1)}


def rand_set(rng: random.Random) -> PortSet:
    spans = []
    for _ in range(rng.randint(0, 4)):
        lo = rng.randint(0, 60)
        spans.append((rng.choice(["tcp", "udp"]), lo, lo + rng.randint(0, 15)))
    return PortSet.of(spans)


@pytest.mark.parametrize("seed", range(40))
def test_algebra_matches_set_model(seed):
    rng = random.Random(seed)
    a, b = rand_set(rng), rand_set(rng)
    assert model(a | b) == model(a) | model(b)
    assert model(a & b) == model(a) & model(b)
    assert model(a - b) == model(a) - model(b)
    # normalised: sorted, non-overlapping, non-adjacent within a protocol
    for (p1, _, hi), (p2, lo, _) in zip((a | b).ranges, (a | b).ranges[1:], strict=False):
        assert p1 != p2 or lo > hi + 1


def test_parse_forms():
    assert PortSet.parse("-1", 0, 0).is_all
    assert PortSet.parse("tcp", 0, 65535).size("tcp") == 65536
    assert PortSet.parse("icmp", -1, -1).label() == "icmp"
    assert PortSet.parse("50").ranges == ()  # ESP: no ports
    assert PortSet.parse(None).uncertain
    assert (PortSet.parse("tcp", 22, 22) & PortSet.parse("tcp", None, None)).uncertain
    assert PortSet.parse_ranges("*", ["443"]).label() == "tcp 443; udp 443; icmp"
    assert normalize_protocol("17") == "udp"


def test_labels():
    assert PortSet.EMPTY.label() == "none"
    assert (PortSet.tcp(80) | PortSet.tcp(81) | PortSet.tcp(443)).label() == "80-81, 443"
    assert PortSet.of([("udp", 53, 53)]).label() == "udp 53"
    assert str(PortSet(PortSet.tcp(22).ranges, True)) == "22 (uncertain)"
