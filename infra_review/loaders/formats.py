"""File-kind detection and the format registry (kind → loader module, imported lazily).

Detection works on the file *name* first; only ``.json``/``.yaml``/``.yml`` files whose name
says nothing need a cheap sniff of their decoded text (a regular expression, never a parse):

>>> detect_by_name("modules/vpc/main.tf")
'terraform'
>>> detect_by_name("prod.auto.tfvars.json"), detect_by_name("svc/Dockerfile.prod")
('tfvars_json', 'dockerfile')
>>> detect_by_name("deploy/app.yaml") is SNIFF, detect_by_name("README.md") is None
(True, True)
>>> sniff_kind('apiVersion: v1\\nkind: Service\\n', "svc.yaml")
'kubernetes'
>>> sniff_kind('{"format_version": "1.2", "planned_values": {}}', "plan.json")
'terraform_plan'

The registry maps each kind to the module that parses it.  Modules are imported only when a
file of that kind is met; a module that does not exist yet leaves those files SKIPPED
("no loader for <kind> yet").  Tests inject their own modules with :func:`register_format`.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Final

__all__ = [
    "DEFAULT_BUILD_ORDER",
    "FORMAT_MODULES",
    "IGNORED_DIRS",
    "NON_IAC_JSON",
    "PARSER_DISTRIBUTIONS",
    "SIZE_CLASSES",
    "SNIFF",
    "Limits",
    "detect_by_name",
    "format_module",
    "module_for_kind",
    "parser_version",
    "register_format",
    "size_cap",
    "sniff_kind",
]

#: kind → module that provides ``parse_file`` and ``build`` for it.
FORMAT_MODULES: dict[str, str] = {
    "terraform": "infra_review.loaders.terraform.builder",
    "terraform_json": "infra_review.loaders.terraform.builder",
    "tfvars": "infra_review.loaders.terraform.builder",
    "tfvars_json": "infra_review.loaders.terraform.builder",
    "terraform_plan": "infra_review.loaders.terraform.builder",
    "kubernetes": "infra_review.loaders.kubernetes",
    "helm_values": "infra_review.loaders.kubernetes",
    "dockerfile": "infra_review.loaders.dockerfile",
    "dockerignore": "infra_review.loaders.dockerfile",
    "compose": "infra_review.loaders.compose",
    "cloudformation": "infra_review.loaders.cloudformation.build",
}

#: The order in which per-format ``build`` runs (modules not listed run after, sorted).
DEFAULT_BUILD_ORDER: tuple[str, ...] = (
    "infra_review.loaders.terraform.builder",
    "infra_review.loaders.kubernetes",
    "infra_review.loaders.dockerfile",
    "infra_review.loaders.compose",
)

#: Directory names never descended into (recorded once each in coverage).
IGNORED_DIRS: frozenset[str] = frozenset(
    {".git", ".terraform", "node_modules", ".venv", ".hg", ".svn", ".terragrunt-cache", "__pycache__"}
)

#: JSON files that are never IaC (decided by name, never opened).
NON_IAC_JSON: frozenset[str] = frozenset(
    {
        "package.json",
        "package-lock.json",
        "composer.json",
        "composer.lock",
        "tsconfig.json",
        "jsconfig.json",
        ".eslintrc.json",
        ".prettierrc.json",
        "renovate.json",
        ".renovaterc.json",
        "lerna.json",
        "deno.json",
        "bower.json",
        "appsettings.json",
        ".devcontainer.json",
        "devcontainer.json",
        "launch.json",
        "settings.json",
        "extensions.json",
        "cdk.json",
        "cdk.context.json",
    }
)

#: Marker returned by :func:`detect_by_name` for JSON/YAML whose kind needs a sniff.
SNIFF: Final = "<sniff>"

MiB = 1024 * 1024

#: Size class of each kind (the cap is chosen by class).
SIZE_CLASSES: dict[str, str] = {
    "terraform": "hcl",
    "tfvars": "hcl",
    "terraform_json": "data",
    "tfvars_json": "data",
    "terraform_plan": "data",
    "kubernetes": "data",
    "helm_values": "data",
    "compose": "data",
    SNIFF: "data",
    "dockerfile": "dockerfile",
    "dockerignore": "dockerfile",
    "terragrunt": "hcl",
    "bicep": "hcl",
    "cloudformation": "data",
}


@dataclass(frozen=True, slots=True)
class Limits:
    """Caps applied to every load (see UNTRUSTED_INPUT.md §3).

    >>> Limits().hcl_bytes == 1024 * 1024
    True
    """

    hcl_bytes: int = 1 * MiB
    data_bytes: int = 5 * MiB
    dockerfile_bytes: int = 1 * MiB
    #: Total bytes of IaC files read in one load; files beyond it get BUDGET_EXCEEDED.
    repo_budget_bytes: int = 200 * MiB
    #: Wall-clock seconds one file may take to parse in a worker.
    timeout_s: float = 10.0
    #: Seconds a worker may take to import a format module (``import hcl2`` is slow).
    import_timeout_s: float = 120.0
    #: Address-space limit of each worker process (``RLIMIT_AS``).
    worker_memory_bytes: int = 1536 * MiB


def size_cap(kind: str, limits: Limits) -> int:
    """The largest size in bytes a file of ``kind`` may have.

    >>> size_cap("terraform", Limits()), size_cap("kubernetes", Limits()) // MiB
    (1048576, 5)
    """
    cls = SIZE_CLASSES.get(kind, "data")
    if cls == "hcl":
        return limits.hcl_bytes
    if cls == "dockerfile":
        return limits.dockerfile_bytes
    return limits.data_bytes


_COMPOSE_RE = re.compile(r"^(docker-)?compose[\w.-]*\.ya?ml$", re.IGNORECASE)


def detect_by_name(rel_path: str) -> str | None:
    """The kind a file's name implies, :data:`SNIFF` when its text must decide, else ``None``.

    Helm templates are handled by the walker (it knows where charts are).

    >>> [detect_by_name(p) for p in ("a.tf.json", "x.tfvars", "Containerfile", "api.Dockerfile")]
    ['terraform_json', 'tfvars', 'dockerfile', 'dockerfile']
    >>> detect_by_name("docker-compose.override.yml"), detect_by_name(".dockerignore")
    ('compose', 'dockerignore')
    >>> detect_by_name("package-lock.json") is None
    True
    """
    name = rel_path.rsplit("/", 1)[-1]
    low = name.lower()
    if low.endswith(".tf"):
        return "terraform"
    if low.endswith(".tf.json"):
        return "terraform_json"
    if low.endswith(".tfvars"):
        return "tfvars"
    if low.endswith(".tfvars.json"):
        return "tfvars_json"
    if name in {"Dockerfile", "Containerfile"} or low in {"dockerfile", "containerfile"}:
        return "dockerfile"
    if low.startswith(("dockerfile.", "containerfile.")) or low.endswith((".dockerfile", ".containerfile")):
        return "dockerfile"
    if low == ".dockerignore" or low.endswith(".dockerignore"):
        return "dockerignore"
    if _COMPOSE_RE.match(name):
        return "compose"
    if low == "terragrunt.hcl" or low.endswith(".bicep"):
        return "terragrunt" if low == "terragrunt.hcl" else "bicep"  # recorded: no loader yet
    if low.endswith((".yaml", ".yml")):
        return SNIFF
    if low.endswith(".json"):
        return None if low in NON_IAC_JSON else SNIFF
    return None


# Kubernetes: a top-level (column 0) `apiVersion:` and `kind:` in YAML, or both keys in JSON.
_K8S_API_RE = re.compile(r"^(?:-\s+)?[\"']?apiVersion[\"']?\s*:", re.MULTILINE)
_K8S_KIND_RE = re.compile(r"^(?:-\s+)?[\"']?kind[\"']?\s*:\s*[\"']?[A-Z]", re.MULTILINE)
_JSON_API_RE = re.compile(r"\"apiVersion\"\s*:")
_JSON_KIND_RE = re.compile(r"\"kind\"\s*:\s*\"[A-Z]")
_PLAN_FORMAT_RE = re.compile(r"\"format_version\"\s*:")
_PLAN_BODY_RE = re.compile(r"\"(?:planned_values|resource_changes)\"\s*:")
_CFN_RE = re.compile(r"^[\"']?AWSTemplateFormatVersion[\"']?\s*:", re.MULTILINE)
_CFN_JSON_RE = re.compile(r"\"AWSTemplateFormatVersion\"\s*:|\"Type\"\s*:\s*\"AWS::[A-Za-z0-9]+::")
_CFN_TYPE_RE = re.compile(r"^\s+Type:\s*[\"']?AWS::[A-Za-z0-9]+::", re.MULTILINE)
_CFN_RESOURCES_RE = re.compile(r"^Resources\s*:", re.MULTILINE)
_SNIFF_WINDOW = 256 * 1024


def sniff_kind(text: str, rel_path: str) -> str | None:
    """Decide the kind of a JSON/YAML file from a cheap look at its text (no parse).

    >>> sniff_kind('[{"apiVersion": "apps/v1", "kind": "Deployment"}]', "d.json")
    'kubernetes'
    >>> sniff_kind("name: ci\\non: push\\n", ".github/workflows/ci.yml") is None
    True

    CloudFormation (YAML or JSON, SAM, CDK output) is recognised by its content:

    >>> sniff_kind("Resources:\\n  Bucket:\\n    Type: AWS::S3::Bucket\\n", "stack.yaml")
    'cloudformation'

    """
    window = text if len(text) <= _SNIFF_WINDOW else text[:_SNIFF_WINDOW]
    if rel_path.lower().endswith(".json"):
        head = window.lstrip()[:1]
        if head == "{" and _PLAN_FORMAT_RE.search(window) and _PLAN_BODY_RE.search(window):
            return "terraform_plan"
        if head in {"{", "["} and _JSON_API_RE.search(window) and _JSON_KIND_RE.search(window):
            return "kubernetes"
        if head == "{" and _CFN_JSON_RE.search(window):
            return "cloudformation"
        return None
    if _K8S_API_RE.search(window) and _K8S_KIND_RE.search(window):
        return "kubernetes"
    if _CFN_RE.search(window) or (_CFN_RESOURCES_RE.search(window) and _CFN_TYPE_RE.search(window)):
        return "cloudformation"
    return None


def register_format(kind: str, module: str) -> str | None:
    """Map ``kind`` to ``module`` (tests inject fake loaders this way); returns the old mapping.

    >>> old = register_format("terraform", "my_tests.fake_terraform")
    >>> module_for_kind("terraform")
    'my_tests.fake_terraform'
    >>> register_format("terraform", old) == "my_tests.fake_terraform"
    True
    """
    old = FORMAT_MODULES.get(kind)
    FORMAT_MODULES[kind] = module
    return old


def module_for_kind(kind: str) -> str | None:
    """The module name registered for ``kind``."""
    return FORMAT_MODULES.get(kind)


_MISSING: set[str] = set()
_LOCK = threading.Lock()


def format_module(name: str) -> ModuleType | None:
    """Import a format module; ``None`` when *that exact module* does not exist (yet).

    An ImportError raised from inside the module (a missing dependency of it) is not hidden.

    >>> format_module("infra_review.loaders.no_such_format") is None
    True
    """
    with _LOCK:
        try:
            return importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name or (exc.name and name.startswith(exc.name + ".")):
                _MISSING.add(name)
                return None
            raise


#: Distributions whose version changes what a parse returns (part of every cache key).
PARSER_DISTRIBUTIONS: tuple[str, ...] = ("python-hcl2", "lark", "PyYAML")
_DIST_VERSIONS: str | None = None
_CODE_HASHES: dict[str, tuple[tuple[tuple[str, int, int], ...], str]] = {}


def _dist_versions() -> str:
    global _DIST_VERSIONS
    if _DIST_VERSIONS is None:
        from importlib import metadata

        parts = []
        for dist in PARSER_DISTRIBUTIONS:
            try:
                parts.append(f"{dist}={metadata.version(dist)}")
            except metadata.PackageNotFoundError:
                parts.append(f"{dist}=-")
        _DIST_VERSIONS = ",".join(parts)
    return _DIST_VERSIONS


_IMPORT_RE = re.compile(
    r"^[ \t]*(?:from[ \t]+([\w.]+)[ \t]+import[ \t]+(\([^)]*\)|[^\n]+)|import[ \t]+([\w.]+))",
    re.MULTILINE,
)


def source_files(module: ModuleType) -> list[Path]:
    """The module's file and the files of its own package that it imports (transitively).

    Found by reading import statements (also those inside functions), without importing
    anything: a format module's output depends on its helpers (``terraform/builder.py`` uses
    ``parse.py``, ``expr.py``, ``evaluate.py``, ``emit.py`` ...) and on the model, not on the
    rest of the package, so editing ``repo.py`` does not invalidate every cached parse.
    """
    top = module.__name__.split(".", 1)[0]
    first = getattr(module, "__file__", None)
    if not first:
        return []
    spec = importlib.util.find_spec(top) if "." in module.__name__ else None
    roots = [Path(p) for p in (spec.submodule_search_locations or [])] if spec else []

    def locate(name: str) -> Path | None:
        parts = name.split(".")
        if parts[0] != top or not roots:
            return None
        for root in roots:
            base = root.joinpath(*parts[1:])
            for cand in (base.with_suffix(".py"), base / "__init__.py"):
                if cand.is_file():
                    return cand
        return None

    seen: dict[str, Path] = {module.__name__: Path(first)}
    stack = [module.__name__]
    while stack:
        name = stack.pop()
        try:
            text = seen[name].read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        package = name.rsplit(".", 1)[0] if seen[name].name != "__init__.py" else name
        for m in _IMPORT_RE.finditer(text):
            base, names, plain = m.group(1), m.group(2), m.group(3)
            targets = []
            if plain:
                targets.append(plain)
            else:
                if base.startswith("."):
                    up = len(base) - len(base.lstrip("."))
                    pkg = package.rsplit(".", up - 1)[0] if up > 1 else package
                    base = f"{pkg}.{base.lstrip('.')}".rstrip(".")
                targets.append(base)
                for item in names.strip("() \t").split(","):
                    word = item.split("#", 1)[0].split(" as ", 1)[0].strip()
                    if word.isidentifier():
                        targets.append(f"{base}.{word}")
            for target in targets:
                if target in seen:
                    continue
                path = locate(target)
                if path is not None:
                    seen[target] = path
                    stack.append(target)
    return sorted(set(seen.values()))


def _code_hash(module: ModuleType) -> str:
    """sha256 of the sources :func:`source_files` lists.

    Recomputed only when a file's size or mtime changed, so a developer editing a loader never
    gets stale cached results (and the workers are restarted, see ``isolation``).
    """
    try:
        files = source_files(module)
        sig = tuple((str(p), st.st_mtime_ns, st.st_size) for p in files for st in [p.stat()])
    except (OSError, TypeError):
        return "-"
    if not files:
        return "-"
    key = module.__name__
    cached = _CODE_HASHES.get(key)
    if cached and cached[0] == sig:
        return cached[1]
    h = hashlib.sha256()
    for p in files:
        try:
            h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
        except OSError:
            h.update(p.name.encode() + b"\0?\0")
    digest = h.hexdigest()[:16]
    _CODE_HASHES[key] = (sig, digest)
    return digest


def parser_version(module: ModuleType | None) -> str:
    """The cache-key version of a format module.

    Its ``PARSER_VERSION`` (``"0"`` when it defines none), a hash of its source directory and
    the versions of the parsing libraries: a result cached by other code is never reused.
    """
    if module is None:
        return "0"
    own = str(getattr(module, "PARSER_VERSION", "0"))
    return f"{own}|{_code_hash(module)}|{_dist_versions()}"
