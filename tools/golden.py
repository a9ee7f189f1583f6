"""Write (or check) the golden outputs: scan JSON and SARIF of every bundled example and exercise.

    python tools/golden.py          # rewrite tests/golden/ (then read the diff before committing)
    python tools/golden.py --check  # exit 1 and list the files that differ

Volatile values are normalised: the absolute root, the review's timing, the git facts of the
checkout.  Everything else must stay byte-identical across refactors; a change that alters a
golden file names the bug it fixes in its commit message.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
CLI = [sys.executable, "-m", "infra_review"]


def targets() -> list[Path]:
    """Every bundled example and training exercise."""
    dirs = sorted(p for p in (ROOT / "data" / "examples").iterdir() if p.is_dir())
    dirs += sorted(p for p in (ROOT / "data" / "training").iterdir() if p.is_dir())
    return dirs


def _scan(path: Path, fmt: str) -> str:
    proc = subprocess.run(
        [*CLI, "scan", str(path), "--format", fmt, "--fail-on", "none", "--no-cache"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if proc.returncode != 0:
        msg = f"scan {path} --format {fmt} exited {proc.returncode}: {proc.stderr[-2000:]}"
        raise RuntimeError(msg)
    return proc.stdout


def normalise_json(text: str) -> str:
    doc = json.loads(text)
    doc["root"] = "<root>"
    doc["git"] = "<git>"
    if isinstance(doc.get("review"), dict):
        doc["review"].pop("seconds", None)
    return json.dumps(doc, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def normalise_sarif(text: str) -> str:
    doc = json.loads(text)
    for run in doc.get("runs", []):
        run.pop("invocations", None)
        for loc in run.get("originalUriBaseIds", {}).values():
            loc["uri"] = "<root>"
    return json.dumps(doc, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def outputs(path: Path) -> dict[str, str]:
    """``{golden file name: normalised text}`` for one repository."""
    group = path.parent.name
    return {
        f"{group}-{path.name}.scan.json": normalise_json(_scan(path, "json")),
        f"{group}-{path.name}.sarif.json": normalise_sarif(_scan(path, "sarif")),
    }


def main(argv: list[str]) -> int:
    check = "--check" in argv
    GOLDEN.mkdir(parents=True, exist_ok=True)
    differ = []
    for path in targets():
        for name, text in outputs(path).items():
            dest = GOLDEN / name
            if check:
                if not dest.exists() or dest.read_text(encoding="utf-8") != text:
                    differ.append(name)
            else:
                dest.write_text(text, encoding="utf-8")
    for name in differ:
        print(f"differs: {name}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
