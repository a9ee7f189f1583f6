"""``infra-review train``: practise reviewing on exercises with planted flaws.

    infra-review train list                                   # exercises, beginner first
    infra-review train show EXERCISE                          # briefing + nameable addresses
    infra-review train score EXERCISE --submission FILE [--trainee NAME] [--db PATH]
    infra-review train results [--trainee NAME] [--exercise EXERCISE]   # a trainer's cohort view
    infra-review train key EXERCISE                           # trainers: decode the answer key
    infra-review train encode-key KEY.yaml EXERCISE_DIR       # authors: store a new key

Every subcommand takes ``--format text|json``.  A submission file is YAML or JSON: a list of
``{resource, area, note}`` (or a mapping with ``suspicions`` and optionally ``trainee``).
``score`` records the result for the trainee in the review database (``--db``, else
``$INFRA_REVIEW_DB``) when a trainee is named.  Exit codes: 0 ok, 2 usage error or unusable
input.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path
from typing import Any

import yaml

from infra_review.pipeline import load_repo
from infra_review.training import exercises as exm
from infra_review.training.keys import AREAS, write_key
from infra_review.training.scoring import load_submission, score
from infra_review.training.store import TrainingStore

__all__ = ["configure", "run"]


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION")
    sub.required = True

    def add(name: str, text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=text, description=text)
        p.add_argument("--format", choices=("text", "json"), default="text")
        return p

    add("list", "list the exercises")
    p = add("show", "show an exercise's briefing and the addresses a submission can name")
    p.add_argument("exercise", help="exercise name or unique prefix (e.g. 01)")
    p = add("score", "score a submission and show feedback for every missed flaw")
    p.add_argument("exercise")
    p.add_argument("--submission", "-s", required=True, metavar="FILE", help="YAML/JSON list of suspicions")
    p.add_argument("--trainee", "-t", default="", help="record the result for this trainee")
    p.add_argument("--db", default="", help="review database (default $INFRA_REVIEW_DB)")
    p = add("results", "trainer's view: best and latest score per trainee and exercise")
    p.add_argument("--trainee", default=None)
    p.add_argument("--exercise", default=None)
    p.add_argument("--db", default="")
    p = add("key", "decode an exercise's answer key (for trainers: spoils the exercise)")
    p.add_argument("exercise")
    p = add("encode-key", "store a plain YAML/JSON answer key as EXERCISE_DIR/answers.key (for authors)")
    p.add_argument("source", metavar="KEY.yaml")
    p.add_argument("exercise_dir", metavar="EXERCISE_DIR")


def _err(msg: str) -> int:
    print(f"infra-review train: {msg}", file=sys.stderr)
    return 2


def _out(args: argparse.Namespace, data: Any, text: str) -> int:
    print(json.dumps(data, indent=2, sort_keys=True) if args.format == "json" else text)
    return 0


def _wrap(text: str, indent: str = "      ") -> str:
    return "\n".join(
        textwrap.fill(par, 96, initial_indent=indent, subsequent_indent=indent)
        for par in text.split("\n\n")
        if par.strip()
    )


def feedback_text(result: Any) -> str:
    """The text report of a :class:`~infra_review.training.scoring.ScoreResult`."""
    fb = result.to_dict()["feedback"]
    lines = [result.summary_line(), ""]
    if fb["found"]:
        lines.append(f"Found ({len(fb['found'])}):")
        for f in fb["found"]:
            area = (
                "" if f["area_ok"] else f" (you said {f['your_suspicion']['area']}; the key says {f['area']})"
            )
            by = "guided: a human judgement" if f["detected_by"] == "guided" else f["detected_by"]
            lines.append(f"  + [{f['severity']}] {f['title']} — {by}{area}")
        lines.append("")
    if fb["missed"]:
        lines.append(f"Missed ({len(fb['missed'])}):")
        for f in fb["missed"]:
            by = (
                "guided (no rule decides this)"
                if f["detected_by"] == "guided"
                else f"{f['detected_by']} {f['rule_title']}"
            )
            lines.append(f"  - [{f['severity']}] {f['title']} ({f['area']}; {by})")
            lines.append(f"    resources: {', '.join(f['resources'])}")
            lines.append(f"    in this exercise:\n{_wrap(f['why'])}")
            if f["why_it_matters"] and f["why_it_matters"] != f["why"]:
                lines.append(f"    why it matters:\n{_wrap(f['why_it_matters'])}")
            if f["remediation"]:
                lines.append(f"    remediation:\n{_wrap(f['remediation'])}")
        lines.append("")
    if result.false_alarms:
        lines.append(f"False alarms ({len(result.false_alarms)}, {result.penalty:g} point(s) off):")
        lines += [f"  ? {s.resource} [{s.area}] {s.note}" for s in result.false_alarms]
        lines.append("")
    if result.duplicates:
        lines.append(
            f"Repeated ({len(result.duplicates)}, no penalty): "
            + ", ".join(s.resource for s in result.duplicates)
        )
    return "\n".join(lines).rstrip()


def run(args: argparse.Namespace) -> int:
    try:
        if args.action == "list":
            exs = exm.list_exercises()
            rows = [e.summary() for e in exs]
            text = "\n".join(f"{r['exercise']:<28} {r['level']:<13} {r['title']} ({r['size']})" for r in rows)
            return _out(args, rows, text or f"no exercises under {exm.exercises_root()}")
        if args.action == "encode-key":
            return _encode(args)
        if args.action == "results":
            return _results(args)
        ex = exm.find_exercise(args.exercise)
        if args.action == "show":
            choices = exm.resource_choices(load_repo(ex.repo).graph)
            data = ex.summary() | {"briefing": ex.briefing, "repo": str(ex.repo), "resources": choices}
            text = (
                f"{ex.briefing.rstrip()}\n\nRepository: {ex.repo}\nAddresses you can name:\n"
                + "\n".join(f"  {a}" for a in choices)
                + "\n\nSubmission (YAML): a list of\n  - {resource: ADDRESS, area: AREA, note: WHY}\n"
                + f"areas: {', '.join(AREAS)}\n"
                + f"then: infra-review train score {ex.name} --submission FILE --trainee NAME"
            )
            return _out(args, data, text)
        if args.action == "key":
            key = ex.answer_key()
            text = "\n".join(
                f"{f.id:<28} [{f.severity}] {f.area:<16} {f.detected_by:<7} {f.title}\n"
                f"{'':<29}{', '.join(f.resources)}"
                for f in key.flaws
            )
            return _out(args, key.to_dict(), text)
        if args.action == "score":
            return _score(args, ex)
    except (LookupError, FileNotFoundError, ValueError, OSError) as exc:
        return _err(str(exc))
    return _err(f"unknown action {args.action!r}")


def _score(args: argparse.Namespace, ex: Any) -> int:
    suspicions, meta = load_submission(args.submission)
    if meta.get("exercise") and str(meta["exercise"]) != ex.name:
        return _err(f"the submission is for {meta['exercise']!r}, not {ex.name!r}")
    trainee = args.trainee or str(meta.get("trainee") or "")
    result = score(ex.answer_key(), suspicions)
    data = result.to_dict()
    note = ""
    if trainee:
        store = TrainingStore(args.db or None)
        rec = store.record(
            trainee, ex.name, [s.to_dict() for s in suspicions], result.to_dict(feedback=False)
        )
        data["recorded"] = {
            "trainee": trainee,
            "id": rec.id,
            "submitted_at": rec.submitted_at,
            "db": str(store.path),
        }
        note = f"\nrecorded for {trainee} in {store.path}"
    else:
        note = "\nnot recorded (name a trainee with --trainee to keep progress)"
    return _out(args, data, feedback_text(result) + note)


def _results(args: argparse.Namespace) -> int:
    store = TrainingStore(args.db or None)
    rows = store.results(trainee=args.trainee, exercise=args.exercise)
    head = (
        f"{'trainee':<16} {'exercise':<28} {'tries':>5} {'best':>7} {'latest':>7}"
        "  found/missed/false  latest at"
    )
    text = "\n".join(
        [head]
        + [
            f"{r.trainee[:16]:<16} {r.exercise:<28} {r.attempts:>5} "
            f"{r.best_percent:>6.1f}% {r.latest_percent:>6.1f}%"
            f"  {r.latest_found:>5}/{r.latest_missed}/{r.latest_false_alarms:<6}  {r.latest_at}"
            for r in rows
        ]
    )
    return _out(
        args, [r.to_dict() for r in rows], text if rows else f"no submissions recorded in {store.path}"
    )


def _encode(args: argparse.Namespace) -> int:
    data = yaml.safe_load(Path(args.source).read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        return _err(f"{args.source}: an answer key is a mapping (exercise, level, flaws)")
    target = Path(args.exercise_dir)
    if data.get("exercise") != target.name:
        return _err(f"key is for {data.get('exercise')!r} but the folder is {target.name!r}")
    path = write_key(target, data)
    return _out(
        args, {"written": str(path)}, f"wrote {path}; delete {args.source} so it does not spoil the exercise"
    )
