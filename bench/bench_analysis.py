"""Time the network analyses and the segmentation map on a generated repository.

Usage: ``python bench/bench_analysis.py [--resources 10000] [--keep DIR]``

Generates a repository with ``bench/gen_repo.py`` (N managed resource instances across local
modules, ``count`` and ``for_each``), loads it, then prints the wall-clock time of

* all analyses together: runtime edges + network model (subnet classes, tiers, SG rules,
  exposure paths), SPOF01–SPOF09, blast radius of every SPOF and the ranking (targets < 5 s);
* the segmentation map build (target < 3 s), and the topology graph for reference.

Load time is printed too but is not part of the targets.  Not a test: numbers only.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_repo import generate

from infra_review.analysis.blast import rank_spofs
from infra_review.analysis.network import network_model
from infra_review.analysis.spof import find_spofs
from infra_review.pipeline import load_repo


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--resources", type=int, default=10_000)
    ap.add_argument("--keep", type=Path, help="generate into this directory and keep it")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        out = args.keep or Path(tmp) / "repo"
        t0 = time.perf_counter()
        generate(out, args.resources)
        t1 = time.perf_counter()
        result = load_repo(out, cache=False)
        rg = result.graph
        t2 = time.perf_counter()
        managed = sum(1 for r in rg.resources() if r.block == "resource")
        print(
            f"generated {args.resources} resources in {t1 - t0:.2f} s; loaded {len(rg)} nodes "
            f"({managed} managed resources, {rg.g.number_of_edges()} edges) in {t2 - t1:.2f} s"
        )

        t3 = time.perf_counter()
        m = network_model(rg)
        t4 = time.perf_counter()
        spofs = find_spofs(rg)
        t5 = time.perf_counter()
        ranked = rank_spofs(rg, spofs)
        t6 = time.perf_counter()
        total = t6 - t3
        print(
            f"network model: {t4 - t3:.2f} s ({len(m.subnets)} subnets, {len(m.exposures)} exposure paths, "
            f"{sum(len(v) for v in m.sg_rules.values())} SG rules, {len(m.flows)} flows)"
        )
        print(f"SPOF01-09:     {t5 - t4:.2f} s ({len(spofs)} SPOFs)")
        print(f"blast + rank:  {t6 - t5:.2f} s ({len(ranked)} ranked)")
        print(f"ALL ANALYSES:  {total:.2f} s  (target < 5 s) {'OK' if total < 5 else 'OVER'}")

        from infra_review.views.plots import segmentation_map, topology_graph

        t7 = time.perf_counter()
        fig = segmentation_map(rg)
        t8 = time.perf_counter()
        print(
            f"SEGMENTATION MAP: {t8 - t7:.2f} s  (target < 3 s) {'OK' if t8 - t7 < 3 else 'OVER'}; "
            f"{len(fig.data)} traces, {len(fig.layout.shapes)} shapes"
        )
        t9 = time.perf_counter()
        topology_graph(rg)
        print(f"topology graph: {time.perf_counter() - t9:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
