"""``infra-review report PATH -o review.html``: run the review notebooks headless, write one HTML report.

Each notebook is executed with papermill (parameters ``REPO``, ``DB``, ``REVIEWER``), then all
of them are rendered into a single self-contained HTML page (plotly.js inlined once) plus a
Markdown summary next to it (``review.md``).  Executed notebooks are kept in a work directory
for inspection; nothing is written into the reviewed repository.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from infra_review.report.html import render_report
from infra_review.report.markdown import render_markdown
from infra_review.report.options import RenderOptions
from infra_review.review.workspace import Workspace

__all__ = ["REPORT_NOTEBOOKS", "configure", "notebooks_dir", "run"]

#: Notebooks of a full review, in report order (training is not part of a review).
REPORT_NOTEBOOKS: tuple[str, ...] = (
    "00_start_here",
    "08_red_flags",
    "01_iac_practices",
    "02_containers_orchestration",
    "03_deployment_rollout",
    "04_networking_security",
    "10_network_segmentation",
    "11_spof_explorer",
    "05_monitoring_reliability",
    "06_backup_recovery",
    "07_cost",
    "99_sign_off",
)


def notebooks_dir() -> Path:
    """The ``notebooks/`` directory shipped with infra_review."""
    here = Path(__file__).resolve()
    for candidate in (here.parents[2] / "notebooks", here.parents[1] / "notebooks"):
        if (candidate / "00_start_here.ipynb").is_file():
            return candidate
    msg = "cannot find the infra_review notebooks (expected a 'notebooks/' directory next to the package)"
    raise FileNotFoundError(msg)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", help="repository to review")
    parser.add_argument(
        "-o", "--output", default="review.html", help="HTML report to write (default: %(default)s)"
    )
    parser.add_argument(
        "--db", default="", help="review database (default: $INFRA_REVIEW_DB or ~/.local/share/infra_review)"
    )
    parser.add_argument("--reviewer", default="", help="reviewer name recorded in the report")
    parser.add_argument(
        "--notebooks",
        default="",
        help="comma-separated subset of notebooks to run (default: the whole review)",
    )
    parser.add_argument("--timeout", type=int, default=600, help="per-cell timeout in seconds")
    parser.add_argument(
        "--workdir", default="", help="where executed notebooks are kept (default: a temp dir)"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    root = Path(args.path).expanduser()
    if not root.is_dir():
        print(f"infra-review report: {args.path}: not a directory", file=sys.stderr)
        return 2
    # lazy: papermill/nbformat pull in Jupyter; imported only when a report is rendered, so that
    # ``infra-review lab`` (which imports this module for notebooks_dir) stays light
    import nbformat
    import papermill as pm
    from tqdm import tqdm

    nb_dir = notebooks_dir()
    names = [n.strip() for n in args.notebooks.split(",") if n.strip()] or list(REPORT_NOTEBOOKS)
    unknown = [n for n in names if not (nb_dir / f"{n}.ipynb").is_file()]
    if unknown:
        print(f"infra-review report: unknown notebook(s): {', '.join(unknown)}", file=sys.stderr)
        return 2
    work = Path(args.workdir or tempfile.mkdtemp(prefix="infra-review-report-"))
    work.mkdir(parents=True, exist_ok=True)
    params = {"REPO": str(root.resolve()), "DB": args.db, "REVIEWER": args.reviewer}
    executed = []
    failed = []
    bar = tqdm(names, desc="review", unit="notebook", disable=args.quiet, file=sys.stderr)
    for name in bar:
        bar.set_postfix_str(name)
        out = work / f"{name}.ipynb"
        try:
            pm.execute_notebook(
                str(nb_dir / f"{name}.ipynb"),
                str(out),
                parameters=params,
                cwd=str(nb_dir),
                kernel_name="python3",
                progress_bar=False,
                execution_timeout=args.timeout,
                # the kernels' own start-up/shut-down log lines would bury the progress bar
                extra_arguments=["--IPKernelApp.log_level=ERROR"],
            )
        except pm.PapermillExecutionError as exc:
            failed.append(f"{name}: {exc.ename}: {exc.evalue}"[:300])
        nb = nbformat.read(out, as_version=4)
        executed.append((_title(nb, name), nb))
    subtitle = f"{root.resolve()}"
    if failed:
        subtitle += f" — {len(failed)} notebook(s) raised errors: see their sections"
    html_text = render_report(
        executed, title=f"Infrastructure review: {root.resolve().name}", subtitle=subtitle
    )
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(html_text, encoding="utf-8")
    md_path = output.with_suffix(".md")
    md_path.write_text(_markdown_summary(root, args.db), encoding="utf-8")
    print(f"wrote {output} ({output.stat().st_size // 1024} KiB) and {md_path}; executed notebooks in {work}")
    for line in failed:
        print(f"error in {line}", file=sys.stderr)
    return 1 if failed else 0


def _title(nb: object, default: str) -> str:
    for cell in getattr(nb, "cells", []):
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return default


def _markdown_summary(root: Path, db: str) -> str:
    ws = Workspace.open(root, db=db or None)
    text = render_markdown(ws.result, RenderOptions(coverage=True))
    return text + "\n" + ws.store.export_markdown(ws.review_id)
