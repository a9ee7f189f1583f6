"""Time every rule, and the whole review, over a generated repository.

Usage: ``python bench/bench_rules.py [--resources 10000] [--keep DIR] [--top 15]``

Generates a repository with ``bench/gen_repo.py`` (N managed resource instances across local
modules, ``count`` and ``for_each``), loads it, then runs :func:`infra_review.review.review`
with every registered rule and prints

* a table of the slowest rules (seconds each, from ``ReviewResult.timings``, in run order so a
  rule that first builds a shared analysis — the network model, SPOFs — carries its cost);
* the framework time: the whole review minus the rules (finding construction, environment
  marker, de-duplication, inline suppressions, sorting);
* the total against the target (all rules together < 5 s on 10,000 resources), as wall time
  and as this process's CPU time (the steadier figure on a shared, loaded machine).

A second review on the same graph is timed too ("warm": analyses memoised on the graph, ``rg.memo``).
Load time is printed but is not part of the target.  Not a test: numbers only.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_repo import generate

from infra_review.pipeline import load_repo
from infra_review.review.engine import review

TARGET_S = 5.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--resources", type=int, default=10_000)
    ap.add_argument("--keep", type=Path, help="generate into this directory and keep it")
    ap.add_argument("--top", type=int, default=15, help="rows of the per-rule table (0: all)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        out = args.keep or Path(tmp) / "repo"
        t0 = time.perf_counter()
        if not (out / "main.tf").exists():
            generate(out, args.resources)
        t1 = time.perf_counter()
        rg = load_repo(out, cache=False).graph
        t2 = time.perf_counter()
        managed = sum(1 for r in rg.resources() if r.block == "resource")
        print(
            f"generated in {t1 - t0:.2f} s; loaded {len(rg)} nodes ({managed} managed resources, "
            f"{rg.g.number_of_edges()} edges) in {t2 - t1:.2f} s"
        )

        start, cpu0 = time.perf_counter(), time.process_time()
        run = review(rg)
        total, cpu = time.perf_counter() - start, time.process_time() - cpu0
        rules_s = sum(run.timings.values())
        start = time.perf_counter()
        review(rg)
        warm = time.perf_counter() - start

        rows = sorted(run.timings.items(), key=lambda kv: -kv[1])
        if args.top:
            rows = rows[: args.top]
        print()
        print("| Rule | Seconds | Share |")
        print("| --- | ---: | ---: |")
        for rule_id, secs in rows:
            print(f"| {rule_id} | {secs:.3f} | {100 * secs / total:.1f} % |")
        rest = len(run.timings) - len(rows)
        if rest > 0:
            other = rules_s - sum(s for _, s in rows)
            print(f"| {rest} other rules | {other:.3f} | {100 * other / total:.1f} % |")
        print(f"| framework | {total - rules_s:.3f} | {100 * (total - rules_s) / total:.1f} % |")
        print(f"| **total** | **{total:.3f}** | |")
        print()
        print(
            f"{len(run.timings)} rules, {len(run.findings)} findings, {len(run.errors)} rule errors; "
            f"ALL RULES: {total:.2f} s wall, {cpu:.2f} s CPU (target < {TARGET_S:.0f} s) "
            f"{'OK' if total < TARGET_S else 'OVER'}; second run on the same graph {warm:.2f} s"
        )
        for err in run.errors:
            print(f"  rule error {err.rule_id}: {err.message}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
