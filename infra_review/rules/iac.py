"""Rules of the ``iac`` area: modules, state, variables, outputs, tagging and drift (IAC001–IAC014).

Repository-level findings (no state backend, a tracked state file, no drift detection) are
attached to a stable *anchor*: the root module's ``terraform`` block when there is one, else
the first root ``provider`` block, else the first root resource (by file and line), else the
synthetic address ``repo:.`` (kind ``repository``) located at the repository root.  A finding
about one file (a tracked ``terraform.tfstate``) is attached to the anchor too, with the file's
path as the finding's ``attribute`` (so each file has its own fingerprint) and as its location,
so that ``file:line`` always points at the file concerned.

Catalog corrections (RULES.md draft → what the provider/Terraform docs say):

- IAC005: the S3 backend's ``dynamodb_table`` is deprecated in favour of ``use_lockfile``
  (Terraform ≥ 1.10); both count as locking, the deprecated one with an info note.  The
  ``azurerm``, ``gcs``, ``consul``, ``pg``, ``kubernetes`` and ``remote``/``cloud`` backends lock
  natively and are not flagged; ``http`` needs ``lock_address``.
- IAC012: provider ``default_tags`` do not reach instances launched by an ASG, so
  ``propagate_at_launch = false`` really drops the tag (AWS provider docs on ``default_tags``).
"""

from __future__ import annotations

import json
import posixpath
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from pathlib import PurePosixPath
from typing import Any

from infra_review.analysis.repo_layout import (
    backend_of,
    drift_detection_evidence,
    in_root,
    is_example_root,
    literal_ids_index,
    repo_anchor,
    root_terraform_blocks,
    terraform_roots,
    walk_leaves,
    walk_strings,
)
from infra_review.analysis.secrets import is_secret_key, scan_value
from infra_review.analysis.storage import bucket_public_access_block, bucket_versioning, linked
from infra_review.analysis.tags import (
    DEFAULT_REQUIRED_TAGS,
    effective_tags,
    is_taggable,
    missing_keys,
)
from infra_review.graph import ResourceGraph
from infra_review.model import Area, Resource, Severity, SourceLocation, Status, Unresolved
from infra_review.model.coerce import first_block, tri
from infra_review.rules._registry import Hit, guided_evidence, rule

__all__ = ["classify_module_source"]

# What the repository has for drift detection, shown with the guided question on drift.
guided_evidence("Q-IAC-DRIFT")(drift_detection_evidence)


def _dedupe_by_location(items: Iterable[Resource]) -> Iterator[Resource]:
    """One resource per declaration (a module expanded at two calls declares its variables once)."""
    seen: set[tuple[str, int, str]] = set()
    for r in sorted(items, key=lambda r: (r.module.count("."), r.address)):
        key = (r.file, r.line, r.name) if r.file else ("", 0, r.address)
        if key in seen:
            continue
        seen.add(key)
        yield r


# -- IAC001 module pinning -------------------------------------------------------------------

_REGISTRY = re.compile(r"^(?:[a-z0-9.-]+\.[a-z]{2,}/)?[A-Za-z0-9_-]+/[A-Za-z0-9_-]+/[A-Za-z0-9_-]+(//.*)?$")
_GIT_PREFIX = re.compile(r"^(git::|git@|github\.com/|bitbucket\.org/|ssh://git@)")
_BRANCH_REFS = frozenset({"main", "master", "develop", "development", "dev", "trunk", "head", "latest"})


def classify_module_source(source: str) -> str:
    """``local``, ``registry``, ``git``, ``hg``, ``archive`` or ``other``.

    >>> [classify_module_source(s) for s in ("./m", "terraform-aws-modules/vpc/aws",
    ...   "git::https://x.org/m.git?ref=v1", "github.com/o/r", "s3::https://b/m.zip")]
    ['local', 'registry', 'git', 'git', 'archive']
    """
    s = source.strip()
    if s.startswith(("./", "../")) or s in (".", ".."):
        return "local"
    if s.startswith("hg::"):
        return "hg"
    if _GIT_PREFIX.match(s) or s.endswith(".git") or ".git?" in s or ".git//" in s:
        return "git"
    if s.startswith(("s3::", "gcs::")) or re.search(r"\.(zip|tar\.gz|tgz|tar\.bz2|tar\.xz)(\?|$)", s):
        return "archive"
    if _REGISTRY.match(s):
        return "registry"
    return "other"


@rule(
    "IAC001",
    area=Area.IAC,
    severity=Severity.MEDIUM,
    title="Module source not pinned to a version",
    checkov=("CKV_TF_1", "CKV_TF_2"),
)
def module_source_not_pinned(rg: ResourceGraph) -> Iterator[Hit]:
    """A remote module is used without a fixed version.

    Git sources need ``?ref=`` (a tag or commit, not a branch such as ``main``); registry
    sources need a ``version`` constraint (one without an upper bound, ``>= 1.0``, is low).
    Local paths are part of the repository and need no pin; archives (``s3::``, ``.zip`` URLs)
    carry their version in the URL and are not judged.

    Why it matters
    --------------
    An unpinned module changes under you: the next ``terraform init`` pulls whatever the
    branch or the latest release holds, so two runs of the same commit can build different
    infrastructure, and a compromised upstream flows straight into production.

    Remediation
    -----------
    Pin git sources to a tag or commit (``?ref=v5.1.2`` or a SHA) and give registry modules a
    ``version`` (``~> 5.1``); bump it deliberately.

    Example
    -------
    .. code-block:: hcl

        module "vpc" {
          source  = "terraform-aws-modules/vpc/aws"
          version = "~> 5.1"
        }
    """
    for mod in _dedupe_by_location(rg.resources(block="module")):
        source = mod.attrs.get("source")
        if isinstance(source, Unresolved):
            yield Hit(mod, "module source is not a literal", "source", Status.UNKNOWN)
            continue
        if not isinstance(source, str):
            continue
        kind = classify_module_source(source)
        if kind == "registry":
            version = mod.attrs.get("version")
            if version is None or (isinstance(version, str) and not version.strip()):
                yield Hit(
                    mod, "registry module has no `version` constraint", "source", evidence={"source": source}
                )
            elif isinstance(version, Unresolved):
                yield Hit(mod, "module `version` is not known statically", "version", Status.UNKNOWN)
            elif isinstance(version, str) and re.fullmatch(r"\s*>=?\s*[\w.\-]+\s*", version):
                yield Hit(
                    mod,
                    f"registry module version `{version.strip()}` has no upper bound",
                    "version",
                    severity=Severity.LOW,
                    evidence={"source": source, "version": version},
                )
        elif kind in ("git", "hg"):
            key = "ref" if kind == "git" else "rev"
            m = re.search(rf"[?&]{key}=([^&]+)", source)
            if not m:
                yield Hit(
                    mod,
                    f"{kind} module source has no `?{key}=` pin",
                    "source",
                    evidence={"source": _strip_credentials(source)},
                )
            elif m.group(1).lower() in _BRANCH_REFS:
                yield Hit(
                    mod,
                    f"{kind} module source is pinned to branch `{m.group(1)}`, not a tag or commit",
                    "source",
                    evidence={"source": _strip_credentials(source)},
                )


def _strip_credentials(url: str) -> str:
    return re.sub(r"//[^/@\s]+@", "//***@", url)


# -- IAC002 copy-paste -----------------------------------------------------------------------

_IGNORED_FOR_HASH = frozenset(
    {
        "tags",
        "tags_all",
        "name",
        "name_prefix",
        "bucket",
        "identifier",
        "description",
        "labels",
        "cidr_block",
        "availability_zone",
    }
)


def _norm_value(v: Any) -> Any:
    if isinstance(v, Unresolved):
        return "<ref>"
    if isinstance(v, Mapping):
        return {str(k): _norm_value(x) for k, x in v.items() if str(k) not in _IGNORED_FOR_HASH}
    if isinstance(v, list | tuple):
        return [_norm_value(x) for x in v]
    return v


_MAX_COPIES = 10


@rule(
    "IAC002",
    area=Area.IAC,
    severity=Severity.LOW,
    title="Copy-pasted resource blocks across root directories",
)
def copy_pasted_resources(rg: ResourceGraph) -> Iterator[Hit]:
    """Three or more resource blocks of the same type with the same attributes live in two or more
    directories.

    Attributes are compared after dropping names, tags and descriptions, with every reference
    replaced by a placeholder; blocks with fewer than three remaining attributes are too small
    to call a copy.  Resources created by module calls are the cure, not the disease, and are
    not counted.

    Why it matters
    --------------
    Environments built by copying blocks drift apart: a fix lands in one copy and not the
    others, and reviewers cannot tell intended differences from accidents.

    Remediation
    -----------
    Move the repeated blocks into a module and call it from each environment with the
    differences as inputs.

    Example
    -------
    .. code-block:: hcl

        module "app" {
          source        = "../../modules/app"
          instance_type = var.instance_type
        }
    """
    clusters: dict[tuple[str, str], list[Resource]] = defaultdict(list)
    seen: set[tuple[str, int]] = set()
    for r in rg.resources(block="resource"):
        if r.module or r.format != "terraform" or not r.file:
            continue
        key_loc = (r.file, r.line)
        if key_loc in seen:  # count/for_each instances of one block
            continue
        seen.add(key_loc)
        norm = _norm_value(dict(r.attrs))
        if len(norm) < 3:
            continue
        digest = json.dumps(norm, sort_keys=True, default=str)
        clusters[(r.kind, digest)].append(r)
    for (kind, _), members in clusters.items():
        dirs = {str(PurePosixPath(m.file).parent) for m in members}
        if len(members) >= 3 and len(dirs) >= 2:
            # evidence is shared by every member: capped, or a repository with many environment
            # directories gets members x copies entries in its report
            others = sorted(m.address for m in members)[:_MAX_COPIES]
            copies = [f"{o.address} ({o.file}:{o.line})" for o in members[:_MAX_COPIES]]
            ev = {
                "copies": copies,
                "directories": sorted(dirs)[:_MAX_COPIES],
                "cluster": others,
                "total_copies": len(members),
                "total_directories": len(dirs),
            }
            for m in members:
                yield Hit(
                    m,
                    f"{kind} block repeated {len(members)} times across {len(dirs)} directories",
                    evidence=ev,
                )


# -- IAC003 module structure -----------------------------------------------------------------

_ACCOUNT_ARN = re.compile(r"arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{12}:")
_REGION = re.compile(
    r"^(us|eu|ap|sa|ca|me|af|il|mx)-(north|south|east|west|central|northeast|southeast|"
    r"northwest|southwest)-\d$"
)


@rule(
    "IAC003",
    area=Area.IAC,
    severity=Severity.LOW,
    title="Module not reusable or root not version-constrained",
)
def module_structure(rg: ResourceGraph) -> Iterator[Hit]:
    """A child module configures a provider or hardcodes a region/account ARN; or the root lacks version
    constraints.

    Flags a ``provider`` block inside a called module, a literal region or a literal ARN with
    an account id in a module's resources, and a root module whose ``terraform`` block has no
    ``required_version`` or no ``required_providers``.

    Why it matters
    --------------
    A module with its own provider configuration cannot be used with ``for_each``/``count``,
    cannot be pointed at another region or account, and cannot be removed cleanly. Without
    version constraints, the next ``terraform init`` may pick a provider major version that
    changes behaviour.

    Remediation
    -----------
    Let the root configure providers and pass aliases through ``providers = {...}``; take
    region/account-specific values as variables; declare ``required_version`` and
    ``required_providers`` with bounded versions in the root.

    Example
    -------
    .. code-block:: hcl

        terraform {
          required_version = ">= 1.6, < 2.0"
          required_providers {
            aws = { source = "hashicorp/aws", version = "~> 5.0" }
          }
        }
    """
    for prov in _dedupe_by_location(r for r in rg.resources(block="provider") if r.module):
        call = rg.get(prov.module)  # reported at the module call, located at the provider block
        yield Hit(
            call or prov,
            f"provider `{prov.attrs.get('alias') or prov.kind}` configured inside child module "
            f"`{prov.module}`",
            "provider",
            evidence={"provider": prov.address},
            location=prov.source,
        )
    flagged: set[tuple[str, int]] = set()
    for r in rg.resources(block="resource"):
        if not r.module or (r.file, r.line) in flagged:
            continue
        for path, value in walk_strings(r.attrs):
            if ("arn:" in value and _ACCOUNT_ARN.search(value)) or (
                path.endswith("region") and path.split(".")[-1] == "region" and _REGION.match(value)
            ):
                if _is_from_variable(rg, r, path):
                    continue
                flagged.add((r.file, r.line))
                what = "ARN with a literal account id" if _ACCOUNT_ARN.search(value) else "literal region"
                yield Hit(
                    r, f"module resource hardcodes a {what} in `{path}`", path, evidence={"module": r.module}
                )
                break
    for root in terraform_roots(rg):
        if not _has_root_terraform(rg, root):
            continue
        attrs: dict[str, Any] = {}
        for tf in root_terraform_blocks(rg, root):
            for k, v in tf.attrs.items():
                attrs.setdefault(k, v)
        missing = [k for k in ("required_version", "required_providers") if attrs.get(k) in (None, [], {})]
        if missing:
            yield Hit(
                repo_anchor(rg, root),
                f"root module `{root}` does not declare {' or '.join(f'`{m}`' for m in missing)}",
                missing[0],
                evidence={"missing": missing},
            )


def _is_from_variable(rg: ResourceGraph, r: Resource, path: str) -> bool:
    """True when the value at ``path`` came from a variable/local (the loader resolved it)."""
    for dep, data in rg.dependencies(r.address, kinds={"ref"}):
        attr = str(data.get("attr", ""))
        if (
            dep.block in ("variable", "local")
            and attr
            and (path == attr or path.startswith((attr + ".", attr + "[")))
        ):
            return True
    return False


# -- IAC004 / IAC005 state -----------------------------------------------------------------------

_NATIVE_LOCKING = frozenset({"azurerm", "gcs", "consul", "pg", "kubernetes", "remote", "cloud", "oss", "cos"})


def _has_root_terraform(rg: ResourceGraph, root: str | None = None) -> bool:
    return any(
        not r.module and r.format in ("terraform", "plan") and in_root(r, root)
        for r in rg.resources(block="resource")
    )


@rule("IAC004", area=Area.IAC, severity=Severity.HIGH, title="No remote state backend")
def no_remote_backend(rg: ResourceGraph) -> Iterator[Hit]:
    """The root module has no ``backend``/``cloud`` block, or uses ``backend "local"``.

    Each root module that declares resources is judged (a repository that is itself a reusable
    module has no backend by design); roots under ``examples/``, ``test(s)/`` or
    ``fixtures/`` are usage samples and are skipped.

    Why it matters
    --------------
    Local state lives on one laptop: it is lost with it, cannot be shared or locked, and holds
    every secret of the stack in plain text outside any access control.

    Remediation
    -----------
    Configure a remote backend with locking and encryption (S3 with ``use_lockfile``,
    ``azurerm``, ``gcs``, or HCP Terraform) and migrate with ``terraform init -migrate-state``.

    Example
    -------
    .. code-block:: hcl

        terraform {
          backend "s3" {
            bucket       = "acme-tfstate"
            key          = "app/prod.tfstate"
            region       = "eu-west-1"
            encrypt      = true
            use_lockfile = true
          }
        }
    """
    for root in terraform_roots(rg):
        if not _has_root_terraform(rg, root) or is_example_root(root):
            continue
        be = backend_of(rg, root)
        if be is None:
            yield Hit(
                repo_anchor(rg, root),
                f"root module `{root}` has no `backend` or `cloud` block (state is local)",
                "backend",
            )
        elif be[0] == "local":
            yield Hit(be[2], 'root module uses `backend "local"`', "backend")
        elif not be[0]:
            yield Hit(be[2], "backend type is not known statically", "backend", Status.UNKNOWN)


@rule("IAC005", area=Area.IAC, severity=Severity.MEDIUM, title="State backend without locking or encryption")
def backend_locking_encryption(rg: ResourceGraph) -> Iterator[Hit]:
    """The S3 backend lacks locking (``use_lockfile``/``dynamodb_table``) or ``encrypt = true``; the
    in-repo state bucket lacks versioning or a public access block.

    A partial backend configuration (values passed with ``-backend-config``, a
    ``*.tfbackend`` file in the repository) gives UNKNOWN for what it may supply.  The HTTP
    backend needs ``lock_address``.  ``dynamodb_table`` is deprecated: it counts as locking,
    with a note.

    Why it matters
    --------------
    Without locking, two concurrent applies corrupt the state; without encryption the state —
    which holds every generated password — sits in plain text; without versioning a bad write
    cannot be rolled back.

    Remediation
    -----------
    Set ``use_lockfile = true`` and ``encrypt = true`` (optionally ``kms_key_id``); give the
    state bucket versioning and an all-true ``aws_s3_bucket_public_access_block``.

    Example
    -------
    .. code-block:: hcl

        backend "s3" {
          bucket = "acme-tfstate"  key = "prod.tfstate"  region = "eu-west-1"
          encrypt = true  use_lockfile = true
        }
    """
    for root in terraform_roots(rg):
        be = backend_of(rg, root)
        if be is not None:
            yield from _check_backend(rg, *be)


def _check_backend(rg: ResourceGraph, btype: str, cfg: Mapping[str, Any], tf: Resource) -> Iterator[Hit]:
    partial_files = [p for p in rg.facts.paths if p.endswith((".tfbackend", "backend.hcl", "backend.conf"))]
    if btype == "http":
        if not cfg.get("lock_address"):
            yield Hit(
                tf,
                "http backend has no `lock_address` (no state locking)",
                "backend.lock_address",
                Status.UNKNOWN if partial_files else Status.FAIL,
            )
        return
    if btype != "s3":
        return
    lockfile = cfg.get("use_lockfile")
    ddb = cfg.get("dynamodb_table")
    if isinstance(lockfile, Unresolved) or isinstance(ddb, Unresolved):
        yield Hit(tf, "S3 backend locking is not known statically", "backend.use_lockfile", Status.UNKNOWN)
    elif tri(lockfile) is not True and not ddb:
        status = Status.UNKNOWN if partial_files else Status.FAIL
        yield Hit(
            tf,
            "S3 backend has no state locking (`use_lockfile = true`)",
            "backend.use_lockfile",
            status,
            evidence={"partial_config_files": partial_files} if partial_files else {},
        )
    enc = cfg.get("encrypt")
    if isinstance(enc, Unresolved):
        yield Hit(tf, "S3 backend `encrypt` is not known statically", "backend.encrypt", Status.UNKNOWN)
    elif tri(enc) is not True:
        status = Status.UNKNOWN if partial_files and enc is None else Status.FAIL
        yield Hit(tf, "S3 backend does not set `encrypt = true`", "backend.encrypt", status)
    bucket_name = cfg.get("bucket")
    if not isinstance(bucket_name, str):
        return

    for b in rg.resources("aws_s3_bucket"):
        if b.attrs.get("bucket") != bucket_name:
            continue
        ver = bucket_versioning(rg, b)
        if ver is None:
            yield Hit(b, "state bucket versioning is not known statically", "versioning", Status.UNKNOWN)
        elif not ver:
            yield Hit(b, "state bucket has no versioning (a bad state write cannot be undone)", "versioning")
        pab, _ = bucket_public_access_block(rg, b)
        if pab is False:
            yield Hit(b, "state bucket has no all-true public access block", "public_access_block")


# -- IAC006 tracked state --------------------------------------------------------------------

_STATE_FILE = re.compile(r"(^|/)(terraform\.tfstate\.d/.*|[^/]*\.tfstate(\.backup|\.\d+\.backup)?)$")


@rule(
    "IAC006",
    area=Area.IAC,
    severity=Severity.CRITICAL,
    title="Terraform state file tracked in git",
    no_env_downgrade=True,
)
def state_file_tracked(rg: ResourceGraph) -> Iterator[Hit]:
    """A ``*.tfstate`` / ``*.tfstate.backup`` file is tracked by git (or sits in a tree that is not a git
    repository).

    Uses the loader's repository facts (``rg.repo["git"]["tracked"]`` and ``rg.facts.paths``);
    git itself is never run.  Each state file is reported at ``file:<path>``.

    Why it matters
    --------------
    State holds every attribute of every resource, including generated passwords, private
    keys and connection strings, in plain text; committed, it is in every clone and in the
    history forever.

    Remediation
    -----------
    Move state to a remote backend, ``git rm --cached`` the file, add ``*.tfstate*`` to
    ``.gitignore``, rotate every secret it contained and purge it from history.

    Example
    -------
    .. code-block:: text

        # .gitignore
        *.tfstate
        *.tfstate.*
        .terraform/
    """
    git = rg.repo.get("git") or {}
    tracked = git.get("tracked") if isinstance(git, Mapping) else None
    is_repo = bool(git.get("is_repo")) if isinstance(git, Mapping) else False
    states = sorted(p for p in rg.facts.paths if _STATE_FILE.search(p))
    tracked_set = set(tracked) if isinstance(tracked, list | tuple | set | frozenset) else None
    anchor = repo_anchor(rg)
    for p in states:
        loc = SourceLocation(p)
        if is_repo and tracked_set is not None:
            if p in tracked_set:
                yield Hit(
                    anchor, f"state file `{p}` is tracked in git", p, evidence={"path": p}, location=loc
                )
        elif is_repo:
            yield Hit(
                anchor,
                f"state file `{p}` is in the work tree; tracking status unknown",
                p,
                Status.UNKNOWN,
                evidence={"path": p},
                location=loc,
            )
        else:
            yield Hit(
                anchor,
                f"state file `{p}` is in a tree that is not under version control",
                p,
                severity=Severity.HIGH,
                evidence={"path": p},
                location=loc,
            )


# -- IAC007 / IAC008 variables ---------------------------------------------------------------

_CONSTRAINED = re.compile(
    r"(^|_)(env|environment|stage|region|cidr|cidrs|cidr_block|port|ports|instance_type|"
    r"instance_class|node_type)($|_)",
    re.IGNORECASE,
)


def _variables(rg: ResourceGraph) -> Iterator[Resource]:
    yield from _dedupe_by_location(rg.resources(block="variable"))


@rule("IAC007", area=Area.IAC, severity=Severity.LOW, title="Variable without description or type")
def variable_undocumented(rg: ResourceGraph) -> Iterator[Hit]:
    """A ``variable`` block has no ``description`` or no ``type``.

    Why it matters
    --------------
    Callers guess what an undocumented variable means; an untyped one accepts anything and
    fails late, deep inside a resource, instead of at the module boundary.

    Remediation
    -----------
    Give every variable a ``description`` and the narrowest ``type`` (``object({...})`` over
    ``any``).

    Example
    -------
    .. code-block:: hcl

        variable "instance_type" {
          description = "EC2 instance type of the web tier"
          type        = string
        }
    """
    for v in _variables(rg):
        missing = [k for k in ("description", "type") if k not in v.attrs or v.attrs[k] in (None, "")]
        if missing:
            yield Hit(v, f"variable `{v.name}` has no {' and no '.join(missing)}", missing[0])


@rule("IAC008", area=Area.IAC, severity=Severity.LOW, title="Variable without validation or sensitive flag")
def variable_unvalidated(rg: ResourceGraph) -> Iterator[Hit]:
    """A constrained-domain variable (``*env*``, ``*region*``, ``*cidr*``, ``*port*``, ``*instance_type*``)
    has no ``validation``; a secret-like variable is not ``sensitive`` (medium).

    Why it matters
    --------------
    ``environment = "prdo"`` or an overlapping CIDR is accepted and applied; a password
    variable without ``sensitive = true`` is printed in every plan and CI log.

    Remediation
    -----------
    Add ``validation { condition = ... }`` blocks for constrained values, and
    ``sensitive = true`` to secret inputs.

    Example
    -------
    .. code-block:: hcl

        variable "environment" {
          type = string
          validation {
            condition     = contains(["dev", "staging", "prod"], var.environment)
            error_message = "environment must be dev, staging or prod"
          }
        }
    """
    for v in _variables(rg):
        name = v.name
        if is_secret_key(name):
            sens = v.attrs.get("sensitive")
            if isinstance(sens, Unresolved):
                yield Hit(
                    v,
                    f"`sensitive` of variable `{name}` is not known statically",
                    "sensitive",
                    Status.UNKNOWN,
                )
            elif tri(sens) is not True:
                yield Hit(
                    v,
                    f"secret-like variable `{name}` is not marked `sensitive = true`",
                    "sensitive",
                    severity=Severity.MEDIUM,
                )
            continue
        if _CONSTRAINED.search(name) and not v.attrs.get("validation"):
            yield Hit(
                v, f"variable `{name}` has a constrained domain but no `validation` block", "validation"
            )


# -- IAC009 outputs ----------------------------------------------------------------------------

_SECRET_OUTPUT_ATTR = re.compile(
    r"\.(password|master_password|secret|secret_string|private_key\w*|auth_token|"
    r"token|access_key|secret_access_key|ses_smtp_password_v4|result|"
    r"connection_string\w*|primary_access_key|secondary_access_key|"
    r"primary_connection_string|client_secret|kube_config\w*|key_material)\b"
)
_SECRET_OUTPUT_KINDS = (
    "random_password",
    "tls_private_key",
    "aws_iam_access_key",
    "aws_db_instance",
    "aws_rds_cluster",
    "aws_elasticache_replication_group",
    "aws_secretsmanager_secret_version",
    "azurerm_storage_account",
    "azurerm_kubernetes_cluster",
    "google_service_account_key",
    "aws_iam_user_login_profile",
)


def _output_secret_source(rg: ResourceGraph, out: Resource) -> str:

    value = out.attrs.get("value")
    text = value.expr if isinstance(value, Unresolved) else value
    if isinstance(text, str):
        m0 = scan_value(out.name, text.strip('"'))
        if m0 is not None and m0.kind != "keyword":
            return f"{m0.description or m0.kind} in the value"
    for dep, _ in rg.dependencies(out.address, kinds={"ref"}):
        if dep.block == "variable" and (is_secret_key(dep.name) or tri(dep.attrs.get("sensitive")) is True):
            return f"{dep.address}"
    if isinstance(value, Unresolved):
        m = _SECRET_OUTPUT_ATTR.search(value.expr)
        if m:
            attr = m.group(1)
            for ref in value.refs:
                res = rg.get(ref)
                kind = res.kind if res else ref.split(".")[0]
                if attr == "result" and kind != "random_password":
                    continue
                if kind in _SECRET_OUTPUT_KINDS or attr not in ("result",):
                    return f"{ref}.{attr}"
    if isinstance(value, str) and is_secret_key(out.name) and value:
        return f"literal value of `{out.name}`"
    return ""


@rule("IAC009", area=Area.IAC, severity=Severity.LOW, title="Output without description or sensitive flag")
def output_undocumented(rg: ResourceGraph) -> Iterator[Hit]:
    """An ``output`` has no ``description``; an output of a secret attribute is not ``sensitive`` (medium).

    Why it matters
    --------------
    Outputs are the interface other stacks consume: without a description nobody knows what
    they promise. A non-sensitive output of a password is printed after every apply and kept
    readable by anyone who can read the state's outputs.

    Remediation
    -----------
    Describe every output; mark outputs of passwords, keys and tokens ``sensitive = true``
    (better: do not output secrets at all, publish a Secrets Manager ARN).

    Example
    -------
    .. code-block:: hcl

        output "db_secret_arn" {
          description = "ARN of the Secrets Manager secret holding the DB credentials"
          value       = aws_db_instance.main.master_user_secret[0].secret_arn
        }
    """
    for out in _dedupe_by_location(rg.resources(block="output")):
        src = _output_secret_source(rg, out)
        sens = out.attrs.get("sensitive")
        if src and tri(sens) is not True:
            status = Status.UNKNOWN if isinstance(sens, Unresolved) else Status.FAIL
            yield Hit(
                out,
                f"output `{out.name}` exposes a secret ({src}) without `sensitive = true`",
                "sensitive",
                status,
                severity=Severity.MEDIUM,
                evidence={"source": src},
            )
        elif not out.attrs.get("description"):
            yield Hit(out, f"output `{out.name}` has no description", "description")


# -- IAC010 cross-stack references -------------------------------------------------------------

def _state_identity(btype: str, cfg: Mapping[str, Any], base_dir: str) -> tuple[str, ...] | None:
    """A comparable identity of a state location (``None`` when not statically known)."""
    def lit(*keys: str) -> tuple[str, ...] | None:
        vals = [cfg.get(k) for k in keys]
        if any(not isinstance(v, str) for v in vals):
            return None
        return (btype, *[str(v) for v in vals])

    if btype == "s3":
        return lit("bucket", "key")
    if btype == "gcs":
        return lit("bucket", "prefix") or lit("bucket")
    if btype == "azurerm":
        return lit("storage_account_name", "container_name", "key")
    if btype == "local":
        path = cfg.get("path", "terraform.tfstate")
        if not isinstance(path, str):
            return None
        return ("local", posixpath.normpath(posixpath.join(base_dir, path)))
    if btype in ("remote", "cloud"):
        ws = first_block(cfg.get("workspaces"))
        org, name = cfg.get("organization"), ws.get("name")
        if isinstance(org, str) and isinstance(name, str):
            return ("remote", org, name)
    return None


_REMOTE_OUTPUT = re.compile(r"\.outputs(?:\.([A-Za-z_][\w-]*)|\[\s*\"([^\"]+)\"\s*\])")


def remote_state_reads(rg: ResourceGraph) -> Iterator[tuple[Resource, str, Resource, str, str, bool]]:
    """``(consumer, attribute, remote_state_data, producer_root, output, declared)`` for reads of
    ``data.terraform_remote_state`` whose producer is a root module of this repository.

    The producer is the root whose backend has the same state location (S3 bucket+key, GCS
    bucket+prefix, azurerm account+container+key, a local path, an HCP workspace).
    """
    producers: dict[tuple[str, ...], str] = {}
    for root in terraform_roots(rg):
        be = backend_of(rg, root)
        btype, cfg = (be[0], be[1]) if be else ("local", {})
        ident = _state_identity(btype, cfg, root)
        if ident is not None:
            producers.setdefault(ident, root)
    outputs: dict[str, set[str]] = defaultdict(set)
    for o in rg.resources(block="output"):
        if not o.module:
            outputs[str(o.meta.get("root", "."))].add(o.name)
    for ds in rg.resources("terraform_remote_state", block="data"):
        backend, cfg = ds.attrs.get("backend"), ds.attrs.get("config")
        if not isinstance(backend, str) or not isinstance(cfg, Mapping):
            continue
        ident = _state_identity(backend, cfg, posixpath.dirname(ds.file) if ds.file else ".")
        producer = producers.get(ident) if ident is not None else None
        if producer is None:
            continue
        seen: set[tuple[str, str]] = set()
        for consumer, data in rg.dependents(ds.address, kinds={"ref"}):
            attr = str(data.get("attr", ""))
            for path, value in walk_leaves(consumer.attrs, Unresolved):
                if ds.address not in value.refs or not (
                    path == attr or path.startswith((attr + ".", attr + "["))
                ):
                    continue
                for m in _REMOTE_OUTPUT.finditer(value.expr):
                    name = m.group(1) or m.group(2)
                    if (consumer.address, name) in seen:
                        continue
                    seen.add((consumer.address, name))
                    yield consumer, path, ds, producer, name, name in outputs.get(producer, set())


@rule(
    "IAC010",
    area=Area.IAC,
    severity=Severity.LOW,
    title="Literal resource ids instead of cross-stack references",
)
def literal_resource_ids(rg: ResourceGraph) -> Iterator[Hit]:
    """A block hardcodes ids of other infrastructure (``vpc-…``, ``subnet-…``, ``sg-…``), or reads an
    undeclared remote-state output.

    Values that came from a variable or local are not counted here (the variable is the
    interface); the finding is on the block where the literal is written.  Also flagged: a read
    of ``data.terraform_remote_state.X.outputs.Y`` where X's state belongs to another root module
    of this repository (same backend location) that declares no output ``Y`` — the plan fails,
    or worse, a ``try()`` silently falls back.  (CloudFormation ``Fn::ImportValue`` checks wait
    for a CloudFormation loader.)

    Why it matters
    --------------
    A hardcoded id silently points at the wrong thing after the producer is rebuilt, and
    hides the dependency between stacks from every reviewer and tool.

    Remediation
    -----------
    Read the producer's outputs through ``terraform_remote_state``, an SSM parameter or a
    data source filtered by tags.

    Example
    -------
    .. code-block:: hcl

        data "terraform_remote_state" "network" {
          backend = "s3"
          config  = { bucket = "acme-tfstate", key = "network.tfstate", region = "eu-west-1" }
        }
        subnet_id = data.terraform_remote_state.network.outputs.private_subnet_ids[0]
    """
    index = literal_ids_index(rg)
    for r in _dedupe_by_location(rg[a] for a in index):
        ids = [(p, v) for p, v in index[r.address] if not _is_from_variable(rg, r, p)]
        if ids:
            yield Hit(
                r,
                f"hardcoded id(s) {', '.join(sorted({v for _, v in ids}))} in "
                f"{', '.join(sorted({p for p, _ in ids}))}",
                ids[0][0],
                evidence={"ids": [{"attribute": p, "id": v} for p, v in ids]},
            )
    for consumer, path, ds, producer, name, declared in remote_state_reads(rg):
        if not declared:
            yield Hit(
                consumer,
                f"reads output `{name}` of `{ds.address}`, which root `{producer}` does not declare",
                path,
                evidence={"remote_state": ds.address, "producer_root": producer, "output": name},
            )


# -- IAC011 / IAC012 tagging -----------------------------------------------------------------------

TAG_ALIASES: Mapping[str, tuple[str, ...]] = {
    "environment": ("env", "stage"),
    "owner": ("team", "owner_email", "maintainer"),
    "cost-center": ("costcentre", "cost_centre", "costcode", "cost-code", "billing", "billing-code"),
}


def required_tags(rg: ResourceGraph) -> tuple[str, ...]:
    """Required tag keys: ``rg.repo["required_tags"]`` when the loader/config sets it, else the default."""
    cfg = rg.repo.get("required_tags")
    if isinstance(cfg, list | tuple) and all(isinstance(k, str) for k in cfg) and cfg:
        return tuple(cfg)
    return DEFAULT_REQUIRED_TAGS


@rule("IAC011", area=Area.IAC, severity=Severity.MEDIUM, title="Resource lacks required tags")
def missing_required_tags(rg: ResourceGraph) -> Iterator[Hit]:
    """Effective tags (resource ``tags`` ∪ the provider alias's ``default_tags``) lack a required key.

    Required keys default to ``owner``, ``environment`` and ``cost-center`` (compared without
    case or separators; ``env``/``stage``, ``team`` and ``cost_centre`` are accepted
    spellings).  Kubernetes workloads are checked on ``metadata.labels``.  When a missing key
    could come from an unknown ``tags``/``default_tags`` value, the result is UNKNOWN.

    Why it matters
    --------------
    Untagged resources cannot be attributed to a team or a cost centre, are missed by
    tag-based backup, patching and alerting policies, and turn every incident and every bill
    into archaeology.

    Remediation
    -----------
    Set the required keys once in the provider's ``default_tags`` and override per resource
    only where needed.

    Example
    -------
    .. code-block:: hcl

        provider "aws" {
          default_tags {
            tags = { owner = "payments", environment = "prod", cost-center = "cc-1234" }
          }
        }
    """
    req = required_tags(rg)
    for r in rg.resources():
        if r.block == "k8s":
            if r.kind not in ("k8s:Deployment", "k8s:StatefulSet", "k8s:DaemonSet", "k8s:CronJob", "k8s:Job"):
                continue
        elif not is_taggable(r):
            continue
        if r.meta.get("expanded") is False and not r.attrs:
            continue
        et = effective_tags(rg, r)
        missing = missing_keys(et, req, TAG_ALIASES)
        if not missing:
            continue
        attr = (
            "metadata.labels" if r.block == "k8s" else ("labels" if r.kind.startswith("google_") else "tags")
        )
        if et.is_unknown:
            yield Hit(
                r,
                f"required tag(s) {', '.join(missing)} may come from values not known statically",
                attr,
                Status.UNKNOWN,
                evidence={"missing": missing, "unknown": list(et.unknown)},
            )
        else:
            yield Hit(
                r,
                f"missing required tag(s): {', '.join(missing)}",
                attr,
                evidence={"missing": missing, "effective_tags": sorted(et.tags)},
            )


@rule(
    "IAC012",
    area=Area.IAC,
    severity=Severity.LOW,
    title="Tags not propagated to launched instances",
    checkov=("CKV_AWS_153",),
)
def tags_not_propagated(rg: ResourceGraph) -> Iterator[Hit]:
    """An ASG ``tag`` has ``propagate_at_launch = false``, or a launch template has no
    ``tag_specifications`` for instances and volumes.

    Why it matters
    --------------
    Instances and volumes launched by an Auto Scaling group only get the tags propagated to
    them; provider ``default_tags`` do not reach them. Untagged instances escape cost
    allocation and tag-based policies.

    Remediation
    -----------
    Set ``propagate_at_launch = true`` on ASG tags and give launch templates
    ``tag_specifications`` for ``instance`` and ``volume``.

    Example
    -------
    .. code-block:: hcl

        tag_specifications {
          resource_type = "instance"
          tags          = { owner = "payments" }
        }
    """
    for asg in rg.resources("aws_autoscaling_group"):
        bad: list[str] = []
        unknown = False
        for i, t in enumerate(asg.attrs.get("tag") or []):
            if isinstance(t, Unresolved):
                unknown = True
                continue
            if not isinstance(t, Mapping):
                continue
            p = t.get("propagate_at_launch")
            if isinstance(p, Unresolved):
                unknown = True
            elif tri(p) is False:
                bad.append(f"tag[{i}]")
        if bad:
            yield Hit(
                asg,
                f"ASG tag(s) {', '.join(bad)} set `propagate_at_launch = false`",
                f"{bad[0]}.propagate_at_launch",
            )
        elif unknown:
            yield Hit(asg, "ASG tag propagation is not known statically", "tag", Status.UNKNOWN)
    for lt in rg.resources("aws_launch_template"):
        specs = lt.attrs.get("tag_specifications")
        if isinstance(specs, Unresolved) or (
            isinstance(specs, list) and any(isinstance(s, Unresolved) for s in specs)
        ):
            yield Hit(
                lt,
                "launch template `tag_specifications` not known statically",
                "tag_specifications",
                Status.UNKNOWN,
            )
            continue
        types = set()
        unknown = False
        for s in specs or []:
            if isinstance(s, Mapping):
                rt = s.get("resource_type")
                if isinstance(rt, Unresolved):
                    unknown = True
                elif isinstance(rt, str):
                    types.add(rt)
        missing = [t for t in ("instance", "volume") if t not in types]
        if missing and unknown:
            yield Hit(
                lt,
                "launch template `tag_specifications` not known statically",
                "tag_specifications",
                Status.UNKNOWN,
            )
        elif missing:
            yield Hit(
                lt,
                f"launch template has no `tag_specifications` for {' and '.join(missing)}",
                "tag_specifications",
                evidence={"missing": missing},
            )


# -- IAC013 / IAC014 drift ---------------------------------------------------------------------------

_DRIFT_SENSITIVE = re.compile(
    r"^(ingress|egress|policy|assume_role_policy|inline_policy|.*security_group.*|"
    r"cidr_blocks|publicly_accessible|acl|grant|.*_policy_arns?|"
    r"network_acl.*|route)$"
)


def _ignore_changes(res: Resource) -> Any:
    lc = res.attrs.get("lifecycle")
    if isinstance(lc, Unresolved):
        return lc
    block = first_block(lc)
    if "ignore_changes" in block:
        return block["ignore_changes"]
    meta_lc = res.meta.get("lifecycle") if isinstance(res.meta, Mapping) else None
    if isinstance(meta_lc, Mapping):
        return meta_lc.get("ignore_changes")
    return None


# Legacy inline arguments of ``aws_s3_bucket`` taken over by split resources (AWS provider v4+):
# ignoring the inline argument while the split resource manages it is the provider's documented
# pattern (terraform-aws-modules/s3-bucket does it); drift still shows on the split resource.
_S3_SPLIT = {
    "acl": "aws_s3_bucket_acl",
    "grant": "aws_s3_bucket_acl",
    "policy": "aws_s3_bucket_policy",
}


def _managed_elsewhere(rg: ResourceGraph, res: Resource, attr: str) -> bool:
    split = _S3_SPLIT.get(attr) if res.kind == "aws_s3_bucket" else None
    if split is None:
        return False

    return bool(linked(rg, res, [split]))


def _name(v: Any) -> str:
    text = v.expr if isinstance(v, Unresolved) else str(v)
    return text.strip().removeprefix("${").removesuffix("}").strip()


@rule("IAC013", area=Area.IAC, severity=Severity.MEDIUM, title="Drift hidden by lifecycle.ignore_changes")
def drift_ignored(rg: ResourceGraph) -> Iterator[Hit]:
    """``lifecycle { ignore_changes = all }``, or ``ignore_changes`` on security-relevant attributes
    (``ingress``, ``egress``, ``policy``, ``*security_group*``...).

    Why it matters
    --------------
    ``ignore_changes`` tells Terraform to stop seeing manual edits. On rules and policies it
    means a console change that opens a port or widens a policy is never reported nor
    reverted.

    Remediation
    -----------
    Remove the ignore, or narrow it to attributes genuinely managed elsewhere (``desired_count``
    under autoscaling, ``tags`` written by an external tagger), with a comment why.

    Example
    -------
    .. code-block:: hcl

        lifecycle {
          ignore_changes = [desired_count]  # managed by application autoscaling
        }
    """
    for r in rg.resources(block="resource"):
        ic = _ignore_changes(r)
        if ic is None:
            continue
        items = ic if isinstance(ic, list | tuple) else [ic]
        names = [_name(x) for x in items]
        if any(n == "all" for n in names):
            yield Hit(
                r, "`lifecycle.ignore_changes = all`: every drift is hidden", "lifecycle.ignore_changes"
            )
            continue
        hidden = [n for n in names if _DRIFT_SENSITIVE.match(n.split(".")[0].split("[")[0])]
        hidden = [n for n in hidden if not _managed_elsewhere(rg, r, n.split(".")[0].split("[")[0])]
        if hidden:
            yield Hit(
                r,
                f"`ignore_changes` hides drift of security-relevant {', '.join(hidden)}",
                "lifecycle.ignore_changes",
                evidence={"ignored": names},
            )


@rule("IAC014", area=Area.IAC, severity=Severity.LOW, title="No drift detection")
def no_drift_detection(rg: ResourceGraph) -> Iterator[Hit]:
    """Neither a scheduled CI drift check (``terraform plan -detailed-exitcode`` / ``-refresh-only``) nor
    an enabled AWS Config recorder exists.

    CI definitions (``.github/workflows``, ``.gitlab-ci.yml``, Jenkins, Azure Pipelines,
    CircleCI, Bitbucket, Buildkite, Atlantis) are read as text, without executing anything;
    the evidence lists what was found.  A drift command in CI without a schedule is UNKNOWN
    (it may be triggered elsewhere).

    Why it matters
    --------------
    Without drift detection, console changes accumulate unseen until the next apply reverts
    — or, with ``ignore_changes``, silently keeps — them, usually during an incident.

    Remediation
    -----------
    Run ``terraform plan -detailed-exitcode -lock=false`` nightly in CI and alert on exit
    code 2; enable AWS Config (``aws_config_configuration_recorder`` + ``_status``).

    Example
    -------
    .. code-block:: yaml

        on: { schedule: [{ cron: "0 5 * * *" }] }
        jobs:
          drift:
            steps:
              - run: terraform plan -detailed-exitcode -lock=false
    """
    if not _has_root_terraform(rg):
        return
    ev = drift_detection_evidence(rg)
    if ev["scheduled_drift_jobs"] or ev["config_recorders_enabled"]:
        return
    anchor = repo_anchor(rg)
    if ev["drift_jobs"] or ev["config_recorders"]:
        yield Hit(
            anchor, "drift checks exist but none is scheduled or enabled", "", Status.UNKNOWN, evidence=ev
        )
    else:
        yield Hit(anchor, "no scheduled drift detection in CI and no AWS Config recorder", "", evidence=ev)
