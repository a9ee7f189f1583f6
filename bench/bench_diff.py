"""Time a change review of two generated ~1,000-resource commits (issue 14 target: < 3 s warm).

Usage: ``python bench/bench_diff.py [--resources 1000] [--keep DIR]``

Generates a repository with ``bench/gen_repo.py``, commits it with dulwich (no ``git``), commits
a change on top (one service's security group opened to the world on 22, one service module
removed, one resource renamed with a ``moved`` block), then runs
:func:`infra_review.review.change.review_change` twice against a private parse cache:
**cold** (nothing cached) and **warm** (both trees' files already parsed: the "cached base"
case of a pull request, whose base was reviewed before).  Prints seconds per phase.  Not a
test: numbers only.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dulwich import porcelain
from gen_repo import generate


def _commit(repo: Path, message: str) -> str:
    porcelain.add(str(repo), paths=[str(p) for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts])
    for gone in porcelain.status(str(repo)).unstaged:
        porcelain.remove(str(repo), paths=[str(repo / gone.decode())], cached=True)
    who = b"bench <bench@example.com>"
    sha = porcelain.commit(str(repo), message=message.encode(), author=who, committer=who)
    return sha.decode() if isinstance(sha, bytes) else str(sha)


def _change(repo: Path) -> None:
    svc = repo / "services" / "svc-0001" / "main.tf"
    text = svc.read_text()
    ssh = 'ingress {\n    from_port = 22\n    to_port = 22\n    protocol = "tcp"\n'
    ssh += '    cidr_blocks = ["0.0.0.0/0"]\n  }\n'
    svc.write_text(text.replace('dynamic "ingress" {', ssh + '\n  dynamic "ingress" {', 1))
    calls = repo / "services.tf"
    blocks = calls.read_text().split("\nmodule ")
    calls.write_text("\nmodule ".join(blocks[:-1]) + "\n")  # the last service module is removed
    for p in (repo / "services" / blocks[-1].split('"')[1].replace("svc_", "svc-")).glob("*"):
        p.unlink()
    root = repo / "main.tf"  # the ALB's log bucket renamed, with a moved block
    root.write_text(root.read_text().replace('"aws_s3_bucket" "alb_logs"', '"aws_s3_bucket" "lb_logs"')
                    .replace("aws_s3_bucket.alb_logs.", "aws_s3_bucket.lb_logs."))  # fmt: skip
    moved = "moved {\n  from = aws_s3_bucket.alb_logs\n  to   = aws_s3_bucket.lb_logs\n}\n"
    (repo / "moved.tf").write_text(moved)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--resources", type=int, default=1000)
    ap.add_argument("--keep", type=Path, help="generate into this directory and keep it")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["INFRA_REVIEW_CACHE"] = str(Path(tmp) / "cache")
        from infra_review.review.change import review_change  # after the cache is pointed away

        repo = args.keep or Path(tmp) / "repo"
        info = generate(repo, args.resources)
        porcelain.init(str(repo))
        base = _commit(repo, "base")
        _change(repo)
        head = _commit(repo, "head")
        print(f"{info['resources']} resources, {info['files']} files; base {base[:10]}, head {head[:10]}")
        for label in ("cold", "warm"):
            t0 = time.perf_counter()
            run = review_change(repo, base, head)
            total = time.perf_counter() - t0
            lb, lh = run.base.load, run.head.load
            load = sum(x.timings.get("total", 0.0) for x in (lb, lh) if x is not None)
            c = run.review.counts()
            print(
                f"{label}: {total:.2f} s (load both ≈ {load:.2f} s); resources +{c['resources_added']} "
                f"-{c['resources_removed']} ~{c['resources_changed']} moved {c['resources_moved']}; exposure "
                f"opened {c['exposure_opened']} widened {c['exposure_widened']}; findings new "
                f"{c['findings_new']} fixed {c['findings_fixed']}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
