"""Build the committed notebooks from their jupytext sources and refresh their stored outputs.

``notebooks/*.py`` (py:percent) are the sources people edit and review; ``notebooks/*.ipynb``
are generated from them, executed once against the default example and stored **with text
outputs and execution counts** (nbval compares them on every test run) but without widget
state (5 MB of JavaScript per notebook otherwise).

    python tools/notebooks.py            # rebuild + execute every notebook
    python tools/notebooks.py 04_networking_security
    python tools/notebooks.py --check    # fail if a .ipynb's code differs from its .py source
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NB_DIR = ROOT / "notebooks"


def _sources(names: list[str]) -> list[Path]:
    if names:
        return [NB_DIR / f"{n.removesuffix('.py')}.py" for n in names]
    return sorted(p for p in NB_DIR.glob("*.py") if not p.name.startswith("_"))


def build(src: Path, *, execute: bool = True) -> Path:
    nb = jupytext.read(src)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata.pop("jupytext", None)
    for cell in nb.cells:
        cell.metadata.pop("lines_to_next_cell", None)
    out = src.with_suffix(".ipynb")
    if execute:
        env_db = Path(tempfile.mkdtemp(prefix="nb-build-")) / "review.sqlite"
        os.environ["INFRA_REVIEW_DB"] = str(env_db)
        os.environ.pop("INFRA_REVIEW_REPO", None)
        client = NotebookClient(
            nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NB_DIR)}}
        )
        client.execute()
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        for o in cell.get("outputs", []):
            o.get("metadata", {}).pop("execution", None)
    nbformat.write(nb, out)
    return out


def check(src: Path) -> list[str]:
    """Differences between a source and its committed notebook's cells (code and markdown)."""
    want = jupytext.read(src)
    have = nbformat.read(src.with_suffix(".ipynb"), as_version=4)
    a = [(c.cell_type, c.source.strip()) for c in want.cells]
    b = [(c.cell_type, c.source.strip()) for c in have.cells]
    return [] if a == b else [f"{src.name}: cells differ from {src.with_suffix('.ipynb').name}"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("names", nargs="*")
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--no-execute", action="store_true")
    args = ap.parse_args()
    if args.check:
        problems = [p for s in _sources(args.names) for p in check(s)]
        print("\n".join(problems) or "notebooks match their sources")
        return 1 if problems else 0
    for src in _sources(args.names):
        print(f"building {src.name}", flush=True)
        build(src, execute=not args.no_execute)
    return 0


if __name__ == "__main__":
    sys.exit(main())
