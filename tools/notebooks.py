"""Build the committed notebooks from their jupytext sources and refresh their stored outputs.

``notebooks/*.py`` (py:percent) are the sources people edit and review; ``notebooks/*.ipynb``
are generated from them, executed once against the default example and stored **with text
outputs and execution counts** (nbval compares them on every test run) but without widget
state (5 MB of JavaScript per notebook otherwise).

    python tools/notebooks.py            # regenerate the area notebooks, rebuild + execute every notebook
    python tools/notebooks.py 04_networking_security
    python tools/notebooks.py --check    # fail if a source or a .ipynb differs from what it is built from

The eight area notebooks (``01`` … ``08``) are the same notebook with a different ``AREA``
parameter: their sources are generated from ``notebooks/_area_template.py`` and
:data:`AREA_NOTEBOOKS` (edit those, not the generated ``.py`` files).  Their titles are the
persona's section titles.
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
TEMPLATE = NB_DIR / "_area_template.py"

#: The eight area notebooks: name, area, default example, the question the area answers, extra cells.
#: Each is generated from ``notebooks/_area_template.py``; the area is the notebook's ``AREA`` parameter.
AREA_NOTEBOOKS: tuple[tuple[str, str, str, str, str], ...] = (
    (
        '01_iac_practices',
        'iac',
        'three-tier-aws',
        "Is the infrastructure reproducible from this repository alone? Modules that are reused rather "
        "than copied, state that is remote and locked, variables that are typed, validated and described, "
        "outputs that other stacks can consume, tags that say who owns and pays for each resource, and a "
        "way to notice drift.",
        "",
    ),
    (
        '02_containers_orchestration',
        'containers',
        'k8s-platform',
        "Are the images small, pinned and free of secrets, and do the workloads declare how healthy "
        "looks, what they may consume and what they may talk to? This notebook follows each service from "
        "its Dockerfile through Compose and the Kubernetes manifests, on one graph.",
        "",
    ),
    (
        '03_deployment_rollout',
        'deployment',
        'k8s-platform',
        "Can a release go out without downtime and come back automatically when it goes wrong? Rollout "
        "strategies, automated rollback, database migrations, feature flags, disruption budgets and "
        "graceful shutdown.",
        "",
    ),
    (
        '04_networking_security',
        'network_security',
        'three-tier-aws',
        "Is the system segmented so that only what must face the internet does? Private subnets for "
        "compute, public entry points behind a CDN/WAF, minimal security-group rules, TLS everywhere, an "
        "admin path through a VPN or bastion, and distinct DMZ, app and data tiers.",
        "\n"
        "# %% [markdown]\n"
        "# ## Segmentation map and exposure paths\n"
        "#\n"
        "# The VPC by availability zone (columns) and subnet tier (rows), with the internet above it.\n"
        "# Red arrows are internet-exposure paths; badges count findings per resource. The\n"
        "# *Network segmentation* notebook lets you filter by VPC, tier and port.\n"
        "\n"
        "# %%\n"
        "wb.exposure_summary(ws)\n"
        "\n"
        "# %%\n"
        "wb.segmentation_figure(ws)\n",
    ),
    (
        '05_monitoring_reliability',
        'monitoring',
        'three-tier-aws',
        "Would anyone know when this breaks, and what to do? Alarm coverage per resource, APM and custom "
        "metrics, log aggregation, alert thresholds and routing, SLOs, runbooks and chaos practice.",
        "",
    ),
    (
        '06_backup_recovery',
        'backup',
        'three-tier-aws',
        "If data is lost or a region goes down, can it be recovered within the required time? Backup "
        "schedules, restore testing, point-in-time recovery, copies in another region, RTO/RPO and "
        "disaster-recovery procedures.",
        "",
    ),
    (
        '07_cost',
        'cost',
        'three-tier-aws',
        "Does the system pay only for what it needs? Right-sized and current-generation instances, "
        "reserved capacity for the steady baseline, spot for batch, auto-scaling, unused resources and "
        "cost-allocation tags \u2014 with an offline monthly estimate from the price table shipped in the "
        "package.",
        "\n"
        "# %% [markdown]\n"
        "# ## Monthly estimate (offline)\n"
        "#\n"
        "# On-demand list prices from the table shipped with infra_review; every line states its\n"
        "# assumption, and anything the table cannot price is listed as *not priced*, never counted as 0.\n"
        "\n"
        "# %%\n"
        "wb.cost_summary(ws)\n",
    ),
    (
        '08_red_flags',
        'red_flags',
        'three-tier-aws',
        "The persona's red flags: problems serious enough to stop a rollout. Each one here groups the "
        "findings of the areas behind it, with a severity floor.",
        "",
    ),
)


def area_source(name: str) -> str:
    """The generated jupytext source of one area notebook."""
    from infra_review.model import Area
    from infra_review.model.persona import AREA_OF_SECTION

    titles = {area: title for title, area in AREA_OF_SECTION.items()}
    for nb_name, area, example, intro, extra in AREA_NOTEBOOKS:
        if nb_name == name:
            return TEMPLATE.read_text(encoding="utf-8").format(
                title=titles[Area(area)], intro=intro, area=area, example=example, extra=extra
            )
    msg = f"{name} is not an area notebook"
    raise KeyError(msg)


def generate() -> list[Path]:
    """Write every area notebook's source from the template."""
    written = []
    for name, *_ in AREA_NOTEBOOKS:
        dest = NB_DIR / f"{name}.py"
        dest.write_text(area_source(name), encoding="utf-8")
        written.append(dest)
    return written


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
    """Differences between a source and its template, and its committed notebook's cells."""
    problems = []
    if src.stem in {name for name, *_ in AREA_NOTEBOOKS} and src.read_text(encoding="utf-8") != area_source(
        src.stem
    ):
        problems.append(f"{src.name}: differs from {TEMPLATE.name} (run tools/notebooks.py)")
    want = jupytext.read(src)
    have = nbformat.read(src.with_suffix(".ipynb"), as_version=4)
    a = [(c.cell_type, c.source.strip()) for c in want.cells]
    b = [(c.cell_type, c.source.strip()) for c in have.cells]
    if a != b:
        problems.append(f"{src.name}: cells differ from {src.with_suffix('.ipynb').name}")
    return problems


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
    generate()
    for src in _sources(args.names):
        print(f"building {src.name}", flush=True)
        build(src, execute=not args.no_execute)
    return 0


if __name__ == "__main__":
    sys.exit(main())
