"""Helpers for the bundled-example and training-exercise tests.

Everything here reads the example repositories with the parsers directly (``hcl2.loads``,
``yaml.safe_load_all``), so these tests do not depend on the project's loaders, which are
written in parallel.  The rule id list is copied from the design catalogue (tests must not
read the design folder).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import hcl2
import yaml

__all__ = [
    "AREAS",
    "EXAMPLES",
    "LEVELS",
    "RULE_IDS",
    "TRAINING",
    "Expected",
    "TfTree",
    "address_problem",
    "exercise_dirs",
    "iter_iac_files",
    "parse_expected",
    "tf_root",
    "unquote",
]

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "data" / "examples"
TRAINING = ROOT / "data" / "training"

RULE_IDS: frozenset[str] = frozenset(
    [f"IAC{i:03d}" for i in range(1, 15)]
    + [f"CTR{i:03d}" for i in range(1, 18)]
    + [f"DEP{i:03d}" for i in range(1, 12)]
    + [f"NET{i:03d}" for i in range(1, 24)]
    + [f"MON{i:03d}" for i in range(1, 11)]
    + [f"BAK{i:03d}" for i in range(1, 10)]
    + [f"COST{i:03d}" for i in range(1, 9)]
    + [f"RED{i:03d}" for i in range(1, 11)]
    + [f"SPOF{i:02d}" for i in range(1, 10)]
)

AREAS = frozenset(
    [
        "iac",
        "containers",
        "deployment",
        "network_security",
        "monitoring",
        "backup",
        "cost",
        "red_flags",
        "spof",
    ]
)
LEVELS = ("beginner", "intermediate", "advanced")

_PREFIX_AREA = {
    "IAC": "iac",
    "CTR": "containers",
    "DEP": "deployment",
    "NET": "network_security",
    "MON": "monitoring",
    "BAK": "backup",
    "COST": "cost",
    "RED": "red_flags",
    "SPOF": "spof",
}


def rule_area(rule_id: str) -> str:
    """The review area of a rule id (``NET007`` → ``network_security``)."""
    return _PREFIX_AREA[re.match(r"[A-Z]+", rule_id).group(0)]  # type: ignore[union-attr]


# --------------------------------------------------------------------------- files


def iter_iac_files(root: Path) -> list[Path]:
    """Every file under ``root`` that a loader would parse as IaC."""
    out = []
    for p in sorted(root.rglob("*")):
        if not p.is_file() or ".terraform" in p.parts:
            continue
        n = p.name
        if (
            n.endswith((".tf", ".tfvars", ".yaml", ".yml"))
            or n == "Dockerfile"
            or n.startswith("Dockerfile.")
        ):
            out.append(p)
    return out


def exercise_dirs() -> list[Path]:
    """Training exercise directories (``data/training/NN-name``)."""
    if not TRAINING.is_dir():
        return []
    return sorted(p for p in TRAINING.iterdir() if p.is_dir() and re.match(r"^\d\d-", p.name))


def unquote(s: Any) -> Any:
    """Strip the double quotes python-hcl2 8.x keeps on labels and strings."""
    if isinstance(s, str) and len(s) >= 2 and s[0] == '"' and s[-1] == '"':
        return s[1:-1]
    return s


# --------------------------------------------------------------------------- EXPECTED.md


@dataclass
class Expected:
    """The three tables of an EXPECTED.md."""

    findings: list[dict[str, str]] = field(default_factory=list)
    paths: list[dict[str, str]] = field(default_factory=list)
    spofs: list[dict[str, str]] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)


_SECTION_KEYS = {"Findings": "findings", "Exposure paths": "paths", "SPOFs": "spofs"}
_HEADERS = {
    "findings": ["Rule", "Address", "Area", "Flaw"],
    "paths": ["Target", "Path", "Ports"],
    "spofs": ["Rule", "Address", "Why"],
}


def _cells(line: str) -> list[str]:
    body = line.strip()[1:-1]
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", body)]


def parse_expected(path: Path) -> Expected:
    """Parse the ``## Findings`` / ``## Exposure paths`` / ``## SPOFs`` tables.

    Raises ``ValueError`` on a malformed table (wrong header, wrong cell count).
    """
    exp = Expected()
    section: str | None = None
    header: list[str] | None = None
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if line.startswith("## "):
            title = line[3:].strip()
            section = _SECTION_KEYS.get(title)
            header = None
            if section:
                exp.sections.append(section)
            continue
        if section is None or not line.startswith("|"):
            continue
        cells = _cells(line)
        if header is None:
            header = cells
            if header != _HEADERS[section]:
                msg = f"{path.name}:{n}: header {header} != {_HEADERS[section]}"
                raise ValueError(msg)
            continue
        if all(re.fullmatch(r":?-+:?", c) for c in cells):
            continue
        if len(cells) != len(header):
            msg = f"{path.name}:{n}: {len(cells)} cells, expected {len(header)}"
            raise ValueError(msg)
        getattr(exp, section).append(dict(zip(header, cells, strict=True)))
    return exp


# --------------------------------------------------------------------------- addresses

_TF_ADDR = re.compile(
    r"""^(?:module\.[A-Za-z_][\w-]*(?:\[(?:\d+|"[^"]*")\])?\.)*      # module path
        (?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z_][\w-]*(?:\[(?:\d+|"[^"]*")\])?$""",
    re.X,
)


@dataclass
class TfTree:
    """The parsed ``.tf`` files of one Terraform module directory, keyed by block."""

    dir: Path
    blocks: dict[str, dict[str, Any]] = field(default_factory=dict)  # "resource:type.name" -> body

    @classmethod
    def load(cls, d: Path) -> TfTree:
        t = cls(d)
        for f in sorted(d.glob("*.tf")):
            doc = hcl2.loads(f.read_text(encoding="utf-8-sig"))
            for kind in ("resource", "data"):
                for entry in doc.get(kind, []):
                    for typ, named in entry.items():
                        for name, body in named.items():
                            t.blocks[f"{kind}:{unquote(typ)}.{unquote(name)}"] = body
            for kind in ("variable", "output", "module", "provider"):
                for entry in doc.get(kind, []):
                    for name, body in entry.items():
                        key = unquote(name)
                        if kind == "provider":
                            alias = unquote(body.get("alias", "")) if isinstance(body, dict) else ""
                            key = f"{key}.{alias}" if alias else key
                        t.blocks[f"{kind}:{key}"] = body
            if doc.get("terraform"):
                t.blocks["terraform:"] = doc["terraform"][0]
            for entry in doc.get("locals", []):
                for name, body in entry.items():
                    t.blocks[f"local:{name}"] = body
        return t


@cache
def _tree(d: str) -> TfTree:
    return TfTree.load(Path(d))


def _split_tf(addr: str) -> list[str]:
    """Split on dots outside brackets/quotes."""
    parts, cur, depth, quote = [], "", 0, False
    for ch in addr:
        if ch == '"':
            quote = not quote
        if not quote and ch == "[":
            depth += 1
        if not quote and ch == "]":
            depth -= 1
        if ch == "." and depth == 0 and not quote:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return parts


def _strip_index(s: str) -> tuple[str, str | None]:
    m = re.fullmatch(r"([^\[]+)(?:\[(.+)\])?", s)
    assert m
    return m.group(1), m.group(2)


def tf_root(root: Path) -> Path:
    """The Terraform root module of an example: the directory itself or its ``terraform/``."""
    if not list(root.glob("*.tf")) and (root / "terraform").is_dir():
        return root / "terraform"
    return root


def _tf_problem(root: Path, addr: str) -> str | None:
    parts = _split_tf(addr)
    root = tf_root(root)
    d = root
    while len(parts) >= 2 and parts[0] == "module":
        name, _idx = _strip_index(parts[1])
        body = _tree(str(d)).blocks.get(f"module:{name}")
        if body is None:
            return f"no module block {name!r} in {d.relative_to(root) or '.'}"
        if len(parts) == 2:
            return None
        src = unquote(body.get("source", ""))
        if not src.startswith(("./", "../")):
            return f"module {name!r} is remote; cannot hold {addr}"
        d = (d / src).resolve()
        parts = parts[2:]
    t = _tree(str(d))
    if parts == ["terraform"]:
        return None if "terraform:" in t.blocks else "no terraform block"
    head = parts[0]
    if head in ("var", "output", "local"):
        kind = {"var": "variable", "output": "output", "local": "local"}[head]
        return None if f"{kind}:{parts[1]}" in t.blocks else f"no {kind} {parts[1]!r}"
    if head == "provider":
        key = ".".join(parts[1:])
        return None if f"provider:{key}" in t.blocks else f"no provider {key!r}"
    kind = "resource"
    if head == "data":
        kind, parts = "data", parts[1:]
    if len(parts) != 2:
        return f"cannot read address {addr!r}"
    name, idx = _strip_index(parts[1])
    body = t.blocks.get(f"{kind}:{parts[0]}.{name}")
    if body is None:
        return f"no {kind} {parts[0]}.{name} in {d.name}"
    if idx is not None and "count" not in body and "for_each" not in body:
        return f"{parts[0]}.{name} has an index but neither count nor for_each"
    if idx is None and ("count" in body or "for_each" in body):
        return f"{parts[0]}.{name} uses count/for_each; the address needs an index"
    return None


@cache
def _k8s_objects(root: str) -> frozenset[str]:
    out = set()
    for f in Path(root).rglob("*"):
        if f.suffix not in (".yaml", ".yml") or not f.is_file():
            continue
        for doc in yaml.safe_load_all(f.read_text(encoding="utf-8")):
            if not isinstance(doc, dict) or "kind" not in doc or "apiVersion" not in doc:
                continue
            api = str(doc["apiVersion"])
            group = api.split("/")[0] if "/" in api else "core"
            meta = doc.get("metadata") or {}
            ns = meta.get("namespace") or ("_cluster" if _cluster_scoped(doc["kind"]) else "default")
            out.add(f"k8s:{group}/{doc['kind']}/{ns}/{meta.get('name')}")
    return frozenset(out)


_CLUSTER_KINDS = {
    "Namespace",
    "ClusterRole",
    "ClusterRoleBinding",
    "PersistentVolume",
    "StorageClass",
    "CustomResourceDefinition",
    "PriorityClass",
    "IngressClass",
}


def _cluster_scoped(kind: str) -> bool:
    return kind in _CLUSTER_KINDS


def _docker_stages(path: Path) -> list[str]:
    stages = []
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\s*FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?", line, re.I)
        if m:
            stages.append(m.group(2) or str(len(stages)))
    return stages


_SAM_SUFFIX = r"(Role|LogGroup|Url|UrlPublicPermission|Permission\w*|\w*EventSourceMapping)$"


def _cfn_problem(root: Path, addr: str) -> str | None:
    """``cfn:<template>#<LogicalId>[/<LogicalId>|/<companion>]``: the template exists and the logical
    id is a resource key in it or in a template it nests."""
    template, _, ids = addr[4:].partition("#")
    f = root / template
    if not f.is_file():
        return f"no template {template}"
    texts = [p.read_text(encoding="utf-8") for p in sorted(f.parent.glob("*.y*ml"))]
    names = [part for part in ids.split("/") if part]
    if not names:
        return f"malformed cloudformation address {addr!r}"
    for name in names:
        # SAM-generated resources are named after the SAM resource (``FnRole``, ``FnLogGroup``, …)
        base = re.sub(_SAM_SUFFIX, "", name)
        if any(re.search(rf"(?m)^  ({re.escape(name)}|{re.escape(base)}):", t) for t in texts):
            return None
    return f"no resource {ids!r} in {template} or the templates beside it"


def address_problem(root: Path, addr: str) -> str | None:
    """Why ``addr`` names nothing in the example at ``root`` (None when it does)."""
    if addr == "INTERNET":
        return None
    if addr.startswith("k8s:"):
        if not re.fullmatch(r"k8s:[\w.-]+/[A-Za-z]+/[\w.-]+/[\w.-]+", addr):
            return f"malformed k8s address {addr!r}"
        return None if addr in _k8s_objects(str(root)) else f"no manifest object {addr}"
    if addr.startswith("docker:"):
        m = re.fullmatch(r"docker:([^#]+)#([\w.-]+)", addr)
        if not m:
            return f"malformed docker address {addr!r}"
        f = root / m.group(1)
        if not f.is_file():
            return f"no Dockerfile {m.group(1)}"
        stages = _docker_stages(f)
        if m.group(2) == "final" or m.group(2) in stages:
            return None
        return f"no stage {m.group(2)!r} in {m.group(1)} ({stages})"
    if addr.startswith("cfn:"):
        return _cfn_problem(root, addr)
    if addr.startswith("compose:"):
        m = re.fullmatch(r"compose:([^/].*)/([\w.-]+)", addr)
        if not m:
            return f"malformed compose address {addr!r}"
        f = root / m.group(1)
        if not f.is_file():
            return f"no compose file {m.group(1)}"
        doc = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        return None if m.group(2) in (doc.get("services") or {}) else f"no service {m.group(2)}"
    if addr in ("terraform",) or addr.startswith(("var.", "output.", "local.", "provider.")):
        return _tf_problem(root, addr)
    if addr.startswith("module.") and re.fullmatch(r"(module\.[\w-]+\.)*module\.[\w-]+", addr):
        return _tf_problem(root, addr)
    head = re.sub(r"^(module\.[\w-]+(\[[^\]]+\])?\.)*", "", addr)
    if head.startswith(("var.", "output.", "local.")) or head == "terraform":
        return _tf_problem(root, addr)
    if not _TF_ADDR.fullmatch(addr):
        return f"malformed Terraform address {addr!r}"
    return _tf_problem(root, addr)
