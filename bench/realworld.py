"""Scan every repository under DIR as a new user would, and print what a reviewer meets.

    python bench/realworld.py /work/corpus                 # table on stdout
    python bench/realworld.py /work/corpus --sample out.csv --per-repo 12 --seed 1

Per repository: files and coverage (parsed / partial / failed / skipped for a problem), the
share of attribute values left ``Unresolved``, ``count``/``for_each`` left unexpanded, rule
errors, findings by severity, load and review seconds.  ``--sample`` writes a CSV of randomly
sampled high/critical FAIL findings (file:line, rule, message) with empty ``verdict`` and
``note`` columns, to be judged by reading the code; ``--judged CSV`` prints the precision of a
judged sample.  The repositories are public ones fetched outside the project; none of their
files is ever committed (``bench/corpus.md`` lists them).
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from infra_review.model import Severity, Status, Unresolved
from infra_review.pipeline import load_repo
from infra_review.review import review


def _values(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for v in value.values():
            yield from _values(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _values(v)
    else:
        yield value


def unresolved_share(rg: Any) -> float:
    """Unresolved leaves / all leaves of managed resources' attributes."""
    total = unknown = 0
    for res in rg.resources():
        for leaf in _values(res.attrs):
            total += 1
            unknown += isinstance(leaf, Unresolved)
    return unknown / total if total else 0.0


def scan(repo: Path) -> dict[str, Any]:
    t0 = time.perf_counter()
    result = load_repo(repo, cache=False)
    t1 = time.perf_counter()
    run = review(result.graph)
    t2 = time.perf_counter()
    rg = result.graph
    c = result.coverage
    fails = [f for f in run.findings if f.status is Status.FAIL and not f.suppressed]
    sev = Counter(f.severity.label for f in fails)
    return {
        "repo": repo.name,
        "files": c["files_total"],
        "parsed": c["parsed"],
        "partial": c["partial"],
        "failed": c["failed"],
        "problems": c["problems"],
        "resources": sum(1 for _ in rg.resources()),
        "unresolved": unresolved_share(rg),
        "unexpanded": sum(1 for r in rg.resources() if r.meta and r.meta.get("expanded") is False),
        "rule_errors": len(run.errors),
        "errors": [f"{e.rule_id}:{e.message}" for e in run.errors],
        "critical": sev["critical"],
        "high": sev["high"],
        "medium": sev["medium"],
        "low": sev["low"],
        "load_s": t1 - t0,
        "review_s": t2 - t1,
        "findings": fails,
        "partial_files": [f"{r.path} ({r.reason})" for r in result.problems],
    }


def table(rows: list[dict[str, Any]]) -> str:
    head = (
        "| repository | files | parsed | partial | failed | problems | resources | unresolved | "
        "unexpanded | rule errors | critical | high | medium | low | load s | review s |"
    )
    out = [head, "|" + "---|" * 16]
    for r in rows:
        out.append(
            f"| {r['repo']} | {r['files']} | {r['parsed']} | {r['partial']} | {r['failed']} | "
            f"{r['problems']} | {r['resources']} | {r['unresolved']:.1%} | {r['unexpanded']} | "
            f"{r['rule_errors']} | {r['critical']} | {r['high']} | {r['medium']} | {r['low']} | "
            f"{r['load_s']:.1f} | {r['review_s']:.1f} |"
        )
    return "\n".join(out)


def sample(rows: list[dict[str, Any]], dest: Path, per_repo: int, seed: int) -> int:
    rnd = random.Random(seed)
    picked = []
    for r in rows:
        high = [f for f in r["findings"] if f.severity >= Severity.HIGH]
        rnd.shuffle(high)
        picked += [(r["repo"], f) for f in high[:per_repo]]
    with dest.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["repo", "rule", "severity", "file", "line", "address", "message", "verdict", "note"])
        for repo, f in picked:
            w.writerow([repo, f.rule_id, f.severity.label, f.file, f.line, f.address, f.message, "", ""])
    return len(picked)


def precision(judged: Path) -> str:
    rows = list(csv.DictReader(judged.open(encoding="utf-8")))
    decided = [r for r in rows if r["verdict"] in {"true", "false"}]
    true = sum(r["verdict"] == "true" for r in decided)
    share = true / len(decided) if decided else 0.0
    return f"{true}/{len(decided)} sampled high/critical findings true ({share:.1%})"


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir", type=Path)
    ap.add_argument("--sample", type=Path)
    ap.add_argument("--per-repo", type=int, default=12)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--judged", type=Path)
    ap.add_argument("--dump", type=Path, help="write every finding per repository (to compare two versions)")
    args = ap.parse_args(argv)
    if args.judged:
        print(precision(args.judged))
        return 0
    rows = []
    for repo in sorted(p for p in args.dir.iterdir() if p.is_dir()):
        print(f"scanning {repo.name}", file=sys.stderr, flush=True)
        rows.append(scan(repo))
    print(table(rows))
    for r in rows:
        for e in r["errors"]:
            print(f"rule error in {r['repo']}: {e}")
        for p in r["partial_files"]:
            print(f"coverage problem in {r['repo']}: {p}")
    if args.dump:
        args.dump.mkdir(parents=True, exist_ok=True)
        for r in rows:
            lines = sorted(
                f"{f.severity.label}\t{f.fingerprint}\t{f.file}:{f.line}" for f in r["findings"]
            )
            (args.dump / f"{r['repo']}.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    if args.sample:
        n = sample(rows, args.sample, args.per_repo, args.seed)
        print(f"\n{n} high/critical findings sampled into {args.sample}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
