"""Time ``infra-review scan`` on generated repositories, cold (empty cache) and warm.

For each size (default 1,000 and 10,000 resources) this generates a repository with
``bench/gen_repo.py``, then runs the scan twice in fresh processes with a fresh cache
directory: *cold* (nothing cached: every file is parsed in the worker pool) and *warm*
(unchanged repository: nothing is parsed).  Each run reports the wall time of the whole
process (interpreter start to exit), the split between loading, rules and JSON rendering,
and peak memory: the scanning process's own peak RSS and the largest worker's
(``resource.getrusage`` of self and of the reaped children).  When ``checkov`` is on PATH it
is timed on the same repository for comparison (it is never installed by this script).

Usage::

    python bench/run.py                 # 1,000 and 10,000 resources
    python bench/run.py --sizes 1000    # one size
    python bench/run.py --keep DIR      # keep generated repositories in DIR

Prints a Markdown table for the README.  Targets on a 2-core machine: 1,000 resources cold
< 10 s, warm < 2 s, peak memory < 1 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from gen_repo import generate  # noqa: E402

TARGETS = {"cold_s": 10.0, "warm_s": 2.0, "memory_mb": 1024.0}

# Runs inside a fresh interpreter: the same steps as ``infra-review scan --format json``.
_CHILD = r"""
import json, os, resource, sys, time
t0 = time.perf_counter()
from infra_review.pipeline import load_repo
t1 = time.perf_counter()
result = load_repo(sys.argv[1])
t2 = time.perf_counter()
from infra_review.report.json_contract import render_json  # imports the rules, as before in this step
from infra_review.review.engine import review
reviewed = review(result)
t3 = time.perf_counter()
text = render_json(reviewed)
with open(os.devnull, "w") as fh:
    fh.write(text)
t4 = time.perf_counter()
from infra_review.loaders.safety.isolation import shutdown_pools
shutdown_pools()  # reap the workers so that RUSAGE_CHILDREN covers them
kb = 1 if sys.platform != "darwin" else 1 / 1024
print(json.dumps({
    "import_s": t1 - t0, "load_s": t2 - t1, "rules_s": t3 - t2, "render_s": t4 - t3,
    "self_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * kb / 1024,
    "worker_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * kb / 1024,
    "timings": result.timings, "stats": result.stats,
    "resources": sum(1 for _ in result.graph.resources()),
    "files": result.coverage["files_total"], "parsed_files": result.coverage["parsed"],
    "complete": result.complete, "findings": len(reviewed.findings),
}))
"""


def run_scan(repo: Path, cache_dir: Path) -> dict:
    """One scan in a fresh process; returns its measurements."""
    env = {**os.environ, "INFRA_REVIEW_CACHE": str(cache_dir)}
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, str(repo)], env=env, capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        msg = f"scan failed ({proc.returncode}): {proc.stderr[-2000:]}"
        raise RuntimeError(msg)
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["wall_s"] = wall
    return out


def run_cli(repo: Path, cache_dir: Path) -> float:
    """Wall time of the real ``infra-review scan PATH --format json`` (what a user runs)."""
    env = {**os.environ, "INFRA_REVIEW_CACHE": str(cache_dir)}
    with tempfile.TemporaryDirectory(prefix="infra-review-bench-out-") as out_dir:
        cmd = [sys.executable, "-m", "infra_review", "scan", str(repo), "--format", "json"]
        cmd += ["--output", str(Path(out_dir) / "scan.json"), "--fail-on", "none"]
        start = time.perf_counter()
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - start
    if proc.returncode != 0:
        msg = f"infra-review scan failed ({proc.returncode}): {proc.stderr[-2000:]}"
        raise RuntimeError(msg)
    return wall


def run_checkov(repo: Path) -> dict | None:
    """Time checkov on the same repository when it is installed (never installs it)."""
    exe = shutil.which("checkov")
    if not exe:
        return None
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run(
        [exe, "-d", str(repo), "--framework", "terraform", "--quiet", "--compact", "-o", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"wall_s": wall, "rss_mb": max(after, before) / 1024, "returncode": proc.returncode}


def main() -> int:
    parser = argparse.ArgumentParser(description="Benchmark infra-review scan (cold and warm).")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--keep", type=Path, default=None, help="directory for generated repositories")
    parser.add_argument("--no-checkov", action="store_true", help="skip the checkov comparison")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="infra-review-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    try:
        for size in args.sizes:
            repo = work / f"synthetic-{size}"
            info = generate(repo, size)
            cache_dir = Path(tempfile.mkdtemp(prefix="infra-review-bench-cache-"))
            try:
                cold = run_scan(repo, cache_dir)
                warm = run_scan(repo, cache_dir)
                warm["cli_s"] = run_cli(repo, cache_dir)
            finally:
                shutil.rmtree(cache_dir, ignore_errors=True)
            checkov = None if args.no_checkov else run_checkov(repo)
            rows.append((size, info, cold, warm, checkov))
            print(
                f"# {size}: cold {cold['wall_s']:.2f} s, warm {warm['wall_s']:.2f} s "
                f"(CLI {warm['cli_s']:.2f} s), {cold['resources']} resources",
                file=sys.stderr,
            )
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)

    cpu = os.cpu_count()
    system = f"{platform.system()} {platform.machine()}"
    print(f"Measured on {system}, {cpu} cores, Python {platform.python_version()}")
    print("(`bench/run.py`; wall = whole process; memory = peak RSS of the scan process / largest worker)\n")
    print(
        "| Resources (files) | Run | Wall (s) | Load (s) | of which parse | of which build | Rules (s) "
        "| JSON (s) | Files parsed | Scan RSS (MB) | Worker RSS (MB) |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for _size, info, cold, warm, checkov in rows:
        label = f"{cold['resources']:,} ({info['files']})"
        for name, m in (("cold", cold), ("warm", warm)):
            t = m["timings"]
            print(
                f"| {label} | {name} | {m['wall_s']:.2f} | {m['load_s']:.2f} | {t['parse']:.2f} "
                f"| {t['build']:.2f} | {m['rules_s']:.2f} | {m['render_s']:.2f} "
                f"| {m['stats'].get('parsed', 0)} | {m['self_rss_mb']:.0f} | {m['worker_rss_mb']:.0f} |"
            )
        print(f"| {label} | warm, `infra-review scan` CLI | {warm['cli_s']:.2f} | | | | | | | | |")
        if checkov:
            print(f"| {label} | checkov | {checkov['wall_s']:.2f} | | | | | | | {checkov['rss_mb']:.0f} | |")
    if not any(r[4] for r in rows) and not args.no_checkov:
        print("\n(checkov not on PATH: no comparison)")
    for size, _info, cold, warm, _ in rows:
        if size == 1000:
            peak = cold["self_rss_mb"] + cold["worker_rss_mb"] * max(1, cold["stats"].get("workers", 1))
            verdict = [
                f"cold {cold['wall_s']:.1f} s {'<' if cold['wall_s'] < TARGETS['cold_s'] else '>='} 10 s",
                f"warm {warm['wall_s']:.1f} s {'<' if warm['wall_s'] < TARGETS['warm_s'] else '>='} 2 s",
                f"memory ≤ {peak:.0f} MB {'<' if peak < TARGETS['memory_mb'] else '>='} 1 GB",
            ]
            print("\nTargets at 1,000 resources: " + "; ".join(verdict))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
