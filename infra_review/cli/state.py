"""``infra-review state``: list, export and import review decisions (the SQLite review store).

    infra-review state list
    infra-review state export PATH -o review.json --markdown review.md
    infra-review state import review.json

A review is keyed by repository (git ``origin`` URL, else the checkout path) and commit, as in
the notebooks.  Exports are what a team commits next to the reviewed code; importing one
merges its decisions (idempotent) into the local database.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from infra_review.loaders.gitinfo import read_git_info
from infra_review.model.persona import checklist, load_persona
from infra_review.review.state import ReviewStore, dumps

__all__ = ["configure", "run"]


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", default="", help="review database (default: $INFRA_REVIEW_DB or ~/.local/share/...)"
    )
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("list", help="every review in the database")
    exp = sub.add_parser("export", help="export the review of a repository at its current commit")
    exp.add_argument("path", help="the reviewed repository")
    exp.add_argument("-o", "--output", default="", help="JSON file (default: stdout)")
    exp.add_argument("--markdown", default="", help="also write a Markdown record here")
    imp = sub.add_parser("import", help="merge an exported review into the database")
    imp.add_argument("file", help="a review.json written by 'state export' or the sign-off notebook")


def run(args: argparse.Namespace) -> int:
    store = ReviewStore(args.db or None)
    if args.action == "list":
        rows = store.reviews()
        if not rows:
            print(f"no reviews in {store.path}")
        for r in rows:
            print(
                f"{r['id']:>4}  {r['repo']}  @ {r['revision'][:12]}  {r['decisions']} decision(s)  "
                f"since {r['created_at']}"
            )
        return 0
    if args.action == "export":
        root = Path(args.path).expanduser()
        if not root.is_dir():
            print(f"infra-review state: {args.path}: not a directory", file=sys.stderr)
            return 2
        git = read_git_info(str(root))
        repo = str(git.get("origin") or root.resolve())
        revision = str(git.get("head_commit") or "worktree")
        known = {(r["repo"], r["revision"]) for r in store.reviews()}
        if (repo, revision) not in known:
            print(f"infra-review state: no review of {repo} @ {revision} in {store.path}", file=sys.stderr)
            return 2
        rid = store.open_review(repo, revision)
        text = dumps(store.export_json(rid)) + "\n"
        if args.output:
            Path(args.output).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        if args.markdown:
            titles = {i.key: f"{i.section}: {i.text}" for i in checklist(load_persona())}
            Path(args.markdown).write_text(store.export_markdown(rid, titles), encoding="utf-8")
        return 0
    try:
        data = json.loads(Path(args.file).read_text(encoding="utf-8"))
        rid = store.import_json(data)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(
            f"infra-review state: cannot import {args.file}: {type(exc).__name__}: {str(exc)[:200]}",
            file=sys.stderr,
        )
        return 2
    print(f"imported into review {rid} ({data['repo']} @ {str(data['revision'])[:12]}) in {store.path}")
    return 0
