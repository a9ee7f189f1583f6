"""The graph is finished at load: derive the runtime edges, freeze, and every analysis only reads.

Each bundled example is loaded twice: once left open (the network model derives the runtime
edges on first use) and once derived and frozen up front, as the load pipeline does.  The
analyses must give the same answers on both and must not write to the frozen one.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from infra_review.analysis.blast import blast_radius, impact_graph, rank_spofs
from infra_review.analysis.coverage_monitoring import alarm_coverage
from infra_review.analysis.iam import policy_documents
from infra_review.analysis.links import link
from infra_review.analysis.network import network_model, network_raw
from infra_review.analysis.runtime_edges import is_derived
from infra_review.analysis.spof import find_spofs, runtime_topology
from infra_review.graph import FrozenGraphError, ResourceGraph
from infra_review.loaders.repo import read_repo
from infra_review.model import Resource, Unresolved
from infra_review.pipeline import load_repo

EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "examples"
NAMES = sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir())


def _load(name: str) -> ResourceGraph:
    """Read and linked, runtime edges not derived, open: the graph a hand-built test has."""
    return read_repo(EXAMPLES / name, cache=False, isolate=False, finish=link).graph


@cache
def frozen(name: str) -> ResourceGraph:
    """Loaded, runtime edges derived, frozen: what the load pipeline hands to the review."""
    rg = load_repo(EXAMPLES / name, cache=False, isolate=False).graph
    assert rg.frozen
    assert is_derived(rg)
    return rg


def _edges(rg: ResourceGraph) -> list[tuple[str, str, str]]:
    return sorted((e.source, e.target, e.kind) for e in rg.edges())


def _answers(rg: ResourceGraph) -> dict[str, object]:
    m = network_model(rg)
    spofs = find_spofs(rg)
    hit = sorted({s.address for s in spofs if s.address in rg})[:10]
    return {
        "model": m,
        "spofs": spofs,
        "ranked": rank_spofs(rg),
        "blast": [blast_radius(rg, a) for a in hit],
        "topology": sorted(tuple(sorted(e)) for e in runtime_topology(rg).edges()),
        "coverage": alarm_coverage(rg),
        "policies": policy_documents(rg),
    }


@pytest.mark.parametrize("name", NAMES)
def test_frozen_graph_gives_the_same_answers_without_writes(name):
    rg = frozen(name)
    assert rg.frozen
    assert is_derived(rg)
    edges = _edges(rg)
    got = _answers(rg)
    assert _edges(rg) == edges  # nothing was added while the analyses ran
    assert got["model"].exposures or name == "hardened-aws"
    assert got == _answers(_load(name))  # open graph: derived lazily by the network model


@pytest.mark.parametrize("name", NAMES)
def test_open_graph_gets_the_same_runtime_edges(name):
    open_rg = _load(name)
    if open_rg.frozen:
        pytest.skip("the load pipeline already derives and freezes")
    network_model(open_rg)
    assert is_derived(open_rg)
    assert _edges(open_rg) == _edges(frozen(name))


def test_frozen_graph_refuses_writes_and_memoises():
    rg = frozen("three-tier-aws")
    with pytest.raises(FrozenGraphError):
        rg.add(Resource("aws_instance.late", "aws_instance"))
    assert network_model(rg) is network_model(rg)
    assert network_raw(rg) is network_raw(rg)
    assert impact_graph(rg) is impact_graph(rg)


def _tiny() -> ResourceGraph:
    rg = ResourceGraph()
    rg.add(Resource("aws_subnet.a", "aws_subnet"))
    sub = Unresolved("aws_subnet.a.id", refs=("aws_subnet.a",))
    rg.add(Resource("aws_instance.x", "aws_instance", attrs={"subnet_id": sub}))
    return rg


def test_frozen_before_derivation_is_an_error():
    rg = _tiny()
    rg.freeze()
    with pytest.raises(FrozenGraphError, match="derive"):
        network_model(rg)


def test_open_graph_rederives_after_a_write():
    rg = _tiny()
    assert network_model(rg).placement == {"aws_instance.x": ("aws_subnet.a",)}
    assert is_derived(rg)
    sub = Unresolved("aws_subnet.a.id", refs=("aws_subnet.a",))
    rg.add(Resource("aws_instance.y", "aws_instance", attrs={"subnet_id": sub}))
    assert not is_derived(rg)  # the write invalidated the derivation and every memo
    assert "aws_instance.y" in network_model(rg).placement
    assert rg.has_edge("aws_instance.y", "aws_subnet.a", "in_subnet")
