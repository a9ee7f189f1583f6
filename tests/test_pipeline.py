"""The graph is finished at load and read-only afterwards (issue 10)."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from infra_review.graph import FrozenGraphError
from infra_review.model import Resource
from infra_review.pipeline import load_repo

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "examples" / "three-tier-aws"


@pytest.fixture(scope="module")
def loaded():
    return load_repo(EXAMPLE, cache=False)


def test_the_loaded_graph_refuses_every_write(loaded):
    rg = loaded.graph
    assert rg.frozen
    with pytest.raises(FrozenGraphError):
        rg.add(Resource("aws_instance.late", "aws_instance"))
    some = next(iter(rg.g.nodes))
    with pytest.raises(FrozenGraphError):
        rg.add_edge(some, some, "ref")
    with pytest.raises(nx.NetworkXError):  # networkx's own mutators are frozen too
        rg.g.add_edge(some, "elsewhere")


def test_runtime_and_crossformat_edges_exist_before_any_rule_runs(loaded):
    kinds = {e.kind for e in loaded.graph.edges()}
    assert {"in_subnet", "uses_sg", "sg_allows", "routes_via"} <= kinds


def test_every_analysis_runs_on_the_frozen_graph(loaded):
    from infra_review.analysis.blast import blast_radius
    from infra_review.analysis.network import network_model
    from infra_review.analysis.spof import find_spofs
    from infra_review.review import review

    rg = loaded.graph
    model = network_model(rg)
    assert model.exposures
    spofs = find_spofs(rg)
    assert spofs
    blast_radius(rg, spofs[0].address)
    run = review(rg)
    assert run.findings
    assert not run.errors
