"""Draw the README's architecture section from the import-linter layers in ``pyproject.toml``.

    python tools/architecture.py          # rewrite the section between the README markers
    python tools/architecture.py --check  # exit 1 when the README is out of date

The layers are the contract ``lint-imports`` checks (``tests/test_architecture.py``); the
modules listed under each layer are read from the package, so the picture cannot drift from
the code.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "infra_review"
README = ROOT / "README.md"
START, END = "<!-- architecture:start -->", "<!-- architecture:end -->"

#: What each layer holds, in a line.
ROLES = {
    "cli": "infra-review scan | rules | report | lab | train | state",
    "training": "exercises, hidden answer keys, scoring, trainee progress",
    "views": "plotly figures and ipywidgets from a review (never read files)",
    "report": "JSON contract, SARIF 2.1.0, JUnit, Markdown, table, HTML report, docs/rules.md",
    "review": "engine → ReviewResult, suppressions, baseline, decision store, notebook workspace",
    "rules": "leaves: each reads the graph, facts and analyses, never another rule",
    "pipeline": "load_repo: read → link formats → derive runtime edges → freeze",
    "analysis": "pure functions over the graph: links, network, exposure, SPOF, blast, IAM, cost",
    "loaders": "safe walk, decoding, isolated parsers, parse cache; one module per format",
    "graph": "ResourceGraph: the MultiDiGraph facade (u → v: u depends on v), frozen after load",
    "model": "Resource, Unresolved, Finding, coercion, environments, kind tables, persona, facts",
}


def layers() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    for contract in config["tool"]["importlinter"]["contracts"]:
        if contract["type"] == "layers":
            return [layer.removeprefix("infra_review.") for layer in contract["layers"]]
    msg = "no layers contract in pyproject.toml"
    raise SystemExit(msg)


def _members(layer: str) -> str:
    path = PKG / layer
    if not path.is_dir():
        return f"{layer}.py"
    names = sorted(
        p.stem if p.is_file() else p.name + "/"
        for p in path.iterdir()
        if (p.suffix == ".py" and p.stem != "__init__") or (p.is_dir() and (p / "__init__.py").exists())
    )
    return f"{layer}/  " + " ".join(names)


def section() -> str:
    lines = [
        START,
        "```",
        "infra_review/          (top: may import everything below it; below: never imports above)",
    ]
    for layer in layers():
        lines.append(f"  {_members(layer)}")
        lines.append(f"      └ {ROLES.get(layer, '')}")
    lines += [
        "notebooks/  data/examples/  data/training/  tests/  bench/  tools/  docs/",
        "```",
        "",
        "Imports flow one way, top to bottom, and `lint-imports` (run by `make test`) checks it:",
        "the layers above, no import cycle between sibling modules or packages, and no rule module",
        "importing another. `infra-review scan` never imports plotly, ipywidgets or Jupyter.",
        "[docs/model.md](docs/model.md) says where a new loader, rule, analysis or view goes.",
        END,
    ]
    return "\n".join(lines)


def render(text: str) -> str:
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    return head + section() + tail


def main(argv: list[str]) -> int:
    text = README.read_text(encoding="utf-8")
    new = render(text)
    if "--check" in argv:
        if new != text:
            print("README architecture section is out of date: python tools/architecture.py")
            return 1
        return 0
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
