"""The architecture, checked rather than hoped for (issue 10).

* ``lint-imports`` (contracts in ``pyproject.toml``): layers, no cycles, rules are leaves.
* No function over 120 lines in ``loaders/``, ``analysis/``, ``rules/``.
* A function-level import of the package says why (``# lazy: ...``): only to keep heavy
  optional dependencies (plotly, Jupyter) out of the ``scan`` path, never to dodge a cycle.
* Rules never open files; the vocabulary has one implementation each.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "infra_review"


def _modules(*parts: str) -> list[Path]:
    roots = [PKG.joinpath(*p.split("/")) for p in parts] if parts else [PKG]
    return sorted(p for r in roots for p in (r.rglob("*.py") if r.is_dir() else [r]))


def _functions(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def test_import_contracts_hold():
    exe = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run(
        [str(exe), "--no-cache"], capture_output=True, text=True, cwd=PKG.parent, check=False
    )
    broken = proc.stdout[proc.stdout.find("Broken contracts") :] if proc.returncode else ""
    assert proc.returncode == 0, broken or proc.stdout[-3000:] + proc.stderr[-3000:]


@pytest.mark.parametrize("area", ["loaders", "analysis", "rules", "pipeline.py"])
def test_no_function_over_120_lines(area):
    long = []
    for path in _modules(area):
        for fn in _functions(ast.parse(path.read_text(encoding="utf-8"))):
            length = (fn.end_lineno or fn.lineno) - fn.lineno + 1
            if length > 120:
                long.append(f"{path.relative_to(PKG)}:{fn.lineno} {fn.name} ({length} lines)")
    assert not long, "\n".join(long)


def test_function_level_imports_of_the_package_say_why():
    unexplained = []
    for path in _modules():
        lines = path.read_text(encoding="utf-8").splitlines()
        tree = ast.parse("\n".join(lines))
        for fn in _functions(tree):
            for node in ast.walk(fn):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("infra_review"):
                    text = " ".join(lines[node.lineno - 1 : (node.end_lineno or node.lineno)])
                    if "# lazy:" not in text:
                        unexplained.append(f"{path.relative_to(PKG)}:{node.lineno} from {node.module}")
    assert not unexplained, "\n".join(unexplained)


_FILE_CALLS = {"open", "read_text", "read_bytes", "scandir", "listdir", "walk", "stat", "lstat"}


def test_rules_never_open_files():
    offenders = []
    for path in _modules("rules"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
                if name in _FILE_CALLS:
                    offenders.append(f"{path.relative_to(PKG)}:{node.lineno} {name}()")
    assert not offenders, "rules read the repository through rg.facts:\n" + "\n".join(offenders)


@pytest.mark.parametrize(
    ("names", "home"),
    [
        (
            {"tri", "_tri", "is_true", "as_int", "_int", "_as_int", "first_block", "_first_block"},
            "model/coerce.py",
        ),
        ({"environment_marker", "is_prod", "_is_prod", "is_nonprod", "_env_value"}, "model/environment.py"),
        ({"read_repo_text", "repo_paths"}, "model/facts.py"),
    ],
)
def test_one_implementation_of_the_vocabulary(names, home):
    elsewhere = []
    for path in _modules():
        rel = path.relative_to(PKG).as_posix()
        if rel == home or rel.startswith("loaders/safety/yaml_safe"):  # YAML scalar parsing is not coercion
            continue
        for fn in _functions(ast.parse(path.read_text(encoding="utf-8"))):
            if fn.name in names and fn.col_offset == 0:
                elsewhere.append(f"{rel}:{fn.lineno} {fn.name}")
    assert not elsewhere, f"defined outside {home}:\n" + "\n".join(elsewhere)


def test_kubernetes_kind_tables_live_in_the_model():
    for path in _modules():
        rel = path.relative_to(PKG).as_posix()
        if rel == "model/kinds.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            targets = [t.id for t in getattr(node, "targets", []) if isinstance(t, ast.Name)]
            if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                targets.append(node.target.id)
            assert not set(targets) & {"WORKLOAD_KINDS", "POD_SPEC_PATHS", "_K8S_WORKLOADS"}, rel


def test_readme_architecture_is_drawn_from_the_contract():
    import importlib.util

    tool_path = PKG.parent / "tools" / "architecture.py"
    spec = importlib.util.spec_from_file_location("architecture_tool", tool_path)
    assert spec is not None
    assert spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    text = tool.README.read_text(encoding="utf-8")
    assert tool.render(text) == text, "README architecture section is stale: python tools/architecture.py"
