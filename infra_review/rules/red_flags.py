"""Red flags (RED001–RED010): meta-rules that group area findings, floor their severity and add checks.

Red flags produce their own findings.  Where RULES.md §8 says a flag aggregates other areas
(CTR005–007 into RED003, BAK001 into RED005, SPOF rules into RED009, MON006/MON009 as flag
conditions), the other rules are called through the registry (``RULES[...]``) at run time, or
the analyses they are built on are imported lazily; a rule that is not registered simply
contributes nothing.  Nothing here imports another rule module's internals.

Repository-level findings use :func:`infra_review.rules.iac.repo_anchor` (the root
``terraform`` block, else a root provider or resource, else ``repo:.``); a finding about one
file (an untracked ``.tf``, a committed ``.env``) is attached to the anchor with the file's path
as ``attribute`` and location.

Secrets are never put in a message or evidence: values are shown through
:func:`infra_review.analysis.secrets.redact` (at most a 4-character prefix and the length).

Catalog corrections (RULES.md draft → provider docs):

- RED006: new S3 buckets get Block Public Access and ``BucketOwnerEnforced`` by default since
  April 2023, but a bucket created earlier, imported, or with an explicit
  ``aws_s3_bucket_public_access_block`` set to ``false`` is not covered; the bucket-level
  resource's four arguments default to ``false``.  A bucket with no complete public access
  block (and no ``aws_s3_account_public_access_block``) is reported as **high**; a public
  ACL or policy that the block does not neutralise is **critical**.
- RED006 Azure: ``allow_nested_items_to_be_public`` defaults to ``true`` in the azurerm
  provider (Azure's own default is false); a container is anonymous-readable only with
  ``container_access_type`` ``blob``/``container`` on such an account.  An Azure SQL
  firewall rule ``0.0.0.0``–``0.0.0.0`` is the "Allow Azure services" switch: any tenant's
  Azure resources, reported as medium.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from infra_review.analysis.iam import (
    ADMIN_MANAGED_POLICIES,
    azure_role_definitions,
    gcp_bindings,
    json_template_text,
    managed_policy_attachments,
    parse_policy_json,
    policy_documents,
    statements_from_document_block,
)
from infra_review.analysis.iam import (
    assess as assess_policy,
)
from infra_review.analysis.iam import (
    assess_statement as _assess_statement,
)
from infra_review.analysis.secrets import (
    SecretMatch,
    is_placeholder,
    iter_secrets,
    redact,
    scan_text,
    scan_value,
    shannon_entropy,
)
from infra_review.graph import ResourceGraph
from infra_review.model import Area, Resource, Severity, SourceLocation, Status, Unresolved
from infra_review.rules._registry import RULES, Hit, rule
from infra_review.rules.iac import (
    _first_block,
    _tri,
    drift_detection_evidence,
    literal_ids_index,
    read_repo_text,
    repo_anchor,
    repo_paths,
)

__all__ = [
    "bucket_public_access_block",
    "bucket_versioning",
    "linked",
    "secret_findings",
]


# -- helpers ---------------------------------------------------------------------------------


def _run_rule(rg: ResourceGraph, rule_id: str) -> list[Hit] | None:
    """FAIL/UNKNOWN hits of a registered rule, or ``None`` when it is not registered."""
    r = RULES.get(rule_id)
    if r is None:
        return None
    key = f"red.rule.{rule_id}"
    cached = rg.cache.get(key)
    if cached is None:
        cached = [h for h in r(rg) if h.status in (Status.FAIL, Status.UNKNOWN)]
        rg.cache[key] = cached
    return list(cached)


def _addresses_of(res: Resource) -> set[str]:
    out = {res.address}
    base = res.meta.get("base_address") if isinstance(res.meta, Mapping) else None
    if isinstance(base, str):
        out.add(base)
    return out


# Split S3 bucket resources whose ``id`` *is* the bucket name: a reference to their id is a
# reference to the bucket.  terraform-aws-modules/s3-bucket chains
# ``bucket = local.attach_policy ? aws_s3_bucket_policy.this[0].id : aws_s3_bucket.this[0].id``
# on its public access block and ownership controls.
_BUCKET_ALIASES = frozenset(
    {
        "aws_s3_bucket_policy",
        "aws_s3_bucket_public_access_block",
        "aws_s3_bucket_ownership_controls",
        "aws_s3_bucket_acl",
        "aws_s3_bucket_versioning",
        "aws_s3_bucket_server_side_encryption_configuration",
        "aws_s3_bucket_logging",
    }
)


def _through_bucket_aliases(rg: ResourceGraph, targets: set[str], attr: str) -> set[str]:
    """``targets`` plus the buckets that bucket-alias resources among them point at."""
    if attr != "bucket":
        return targets
    out = set(targets)
    todo = list(targets)
    seen: set[str] = set()
    while todo:
        a = todo.pop()
        if a in seen or len(seen) > 16:
            continue
        seen.add(a)
        alias = rg.get(a)
        if alias is None or alias.kind not in _BUCKET_ALIASES:
            continue
        v = alias.attrs.get("bucket")
        nxt: set[str] = set(v.refs) if isinstance(v, Unresolved) and v.refs else set()
        if not nxt:
            nxt = {
                dep.address
                for dep, data in rg.dependencies(a, kinds={"ref"})
                if str(data.get("attr", "")).split(".")[0].split("[")[0] == "bucket"
            }
        for n in nxt - out:
            out.add(n)
            todo.append(n)
    return out


def linked(
    rg: ResourceGraph, target: Resource, kinds: Iterable[str], attr: str = "bucket", name_attr: str = "bucket"
) -> list[Resource]:
    """Resources of ``kinds`` whose ``attr`` points at ``target``.

    Followed, in order: ``ref`` edges recorded on ``attr``, the ``refs`` of an
    :class:`Unresolved` value, and — only as a fallback for literal values — equality with
    ``target.attrs[name_attr]`` (a bucket written by name).
    """
    kinds = tuple(kinds)
    key = f"red.linked.{attr}.{name_attr}.{','.join(kinds)}"
    index = rg.cache.get(key)
    if index is None:
        index = defaultdict(list)
        names: dict[str, list[str]] = defaultdict(list)
        for t in rg.resources():
            n = t.attrs.get(name_attr)
            if isinstance(n, str):
                names[n].append(t.address)
        for res in rg.resources(*kinds):
            targets: set[str] = set()
            v = res.attrs.get(attr)
            if isinstance(v, Unresolved) and v.refs:
                targets |= set(v.refs)  # exact (instance) addresses: the most precise link
            else:
                for dep, data in rg.dependencies(res.address, kinds={"ref"}):
                    if str(data.get("attr", "")).split(".")[0].split("[")[0] == attr:
                        targets.add(dep.address)
                if isinstance(v, str):
                    targets |= set(names.get(v, ()))
            for t in _through_bucket_aliases(rg, targets, attr):
                index[t].append(res)
        rg.cache[key] = index
    seen: dict[str, Resource] = {}
    for a in _addresses_of(target):
        for r in index.get(a, ()):
            seen.setdefault(r.address, r)
    return list(seen.values())


_PAB_FLAGS = ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")


def _pab_flags(res: Resource) -> dict[str, bool | None]:
    out: dict[str, bool | None] = {}
    for f in _PAB_FLAGS:
        v = res.attrs.get(f)
        out[f] = None if isinstance(v, Unresolved) else bool(_tri(v)) if v is not None else False
    return out


def bucket_public_access_block(
    rg: ResourceGraph, bucket: Resource
) -> tuple[bool | None, dict[str, bool | None]]:
    """Is the bucket covered by an all-true public access block?  ``(covered, flags)``.

    ``covered`` is True (bucket- or account-level block with all four flags true), False,
    or None (a flag is unknown).  ``flags`` are the effective per-flag values (a flag is
    true when either level sets it).
    """
    flags: dict[str, bool | None] = dict.fromkeys(_PAB_FLAGS, False)
    sources = [
        *linked(rg, bucket, ["aws_s3_bucket_public_access_block"]),
        *rg.resources("aws_s3_account_public_access_block"),
    ]
    for src in sources:
        for f, v in _pab_flags(src).items():
            if flags[f] is True:
                continue
            if v is True:
                flags[f] = True
            elif v is None:
                flags[f] = None
    if all(v is True for v in flags.values()):
        return True, flags
    if any(v is None for v in flags.values()):
        return None, flags
    return False, flags


def bucket_versioning(rg: ResourceGraph, bucket: Resource) -> bool | None:
    """Versioning of a bucket: legacy ``versioning{enabled}`` or ``aws_s3_bucket_versioning``."""
    for v in linked(rg, bucket, ["aws_s3_bucket_versioning"]):
        cfg = _first_block(v.attrs.get("versioning_configuration"))
        status = cfg.get("status")
        if isinstance(status, Unresolved) or isinstance(v.attrs.get("versioning_configuration"), Unresolved):
            return None
        if isinstance(status, str):
            return status.lower() == "enabled"
    legacy = bucket.attrs.get("versioning")
    if isinstance(legacy, Unresolved):
        return None
    blk = _first_block(legacy)
    enabled = blk.get("enabled")
    if isinstance(enabled, Unresolved):
        return None
    return _tri(enabled) is True


_PUBLIC_ACLS = {
    "public-read": "public read",
    "public-read-write": "public read/write",
    "authenticated-read": "any AWS account",
}
_PUBLIC_GRANTEE = re.compile(r"acs\.amazonaws\.com/groups/global/(AllUsers|AuthenticatedUsers)")


def _acl_grants(res: Resource, prefix: str = "") -> tuple[list[tuple[str, str]], bool]:
    """Public ACL grants of a bucket or ``aws_s3_bucket_acl``: ``([(attribute, what)], unknown)``."""
    found: list[tuple[str, str]] = []
    unknown = False
    acl = res.attrs.get("acl")
    if isinstance(acl, Unresolved):
        unknown = True
    elif isinstance(acl, str) and acl in _PUBLIC_ACLS:
        found.append((f"{prefix}acl", f'acl "{acl}" ({_PUBLIC_ACLS[acl]})'))
    grants: list[Any] = []
    for g in res.attrs.get("grant") or []:
        grants.append(("grant", g))
    acp = _first_block(res.attrs.get("access_control_policy"))
    for g in acp.get("grant") or []:
        grants.append(("access_control_policy.grant", g))
    for i, (path, g) in enumerate(grants):
        if isinstance(g, Unresolved):
            unknown = True
            continue
        if not isinstance(g, Mapping):
            continue
        grantee = _first_block(g.get("grantee")) or g
        uri = grantee.get("uri")
        if isinstance(uri, Unresolved):
            unknown = True
        elif isinstance(uri, str) and (m := _PUBLIC_GRANTEE.search(uri)):
            found.append((f"{prefix}{path}[{i}]", f"ACL grant to {m.group(1)}"))
    return found, unknown


def _policy_statements(rg: ResourceGraph, value: Any) -> tuple[list[Any], bool]:
    """Statements of a bucket-policy value (JSON, jsonencode, or a linked policy document)."""
    if isinstance(value, Unresolved) and json_template_text(value) is None:
        stmts: list[Any] = []
        docs = [rg.get(r) for r in value.refs]
        docs = [d for d in docs if d is not None and d.kind == "aws_iam_policy_document"]
        if not docs:
            return [], True
        for d in docs:
            parsed = statements_from_document_block(d.attrs)
            if isinstance(parsed, Unresolved):
                return [], True
            stmts.extend(parsed)
        return stmts, False
    parsed2 = parse_policy_json(value)
    if isinstance(parsed2, Unresolved):
        return [], True
    return list(parsed2), False


def _public_statements(rg: ResourceGraph, value: Any) -> tuple[list[Any], bool]:
    stmts, unknown = _policy_statements(rg, value)
    out = []
    for s in stmts:
        for issue in _assess_statement(s, "resource"):
            if issue.code == "public_principal":
                if issue.known:
                    out.append(s)
                else:
                    unknown = True
    return out, unknown


# -- RED001 manual changes -------------------------------------------------------------------

_SCRIPT = re.compile(r"(\.(sh|bash|ps1|py|mk)|(^|/)Makefile|\.md)$")
_TF_IMPORT = re.compile(r"\bterraform\s+import\b")


@rule("RED001", area=Area.RED_FLAGS, severity=Severity.MEDIUM, title="Signs of manual infrastructure changes")
def manual_changes(rg: ResourceGraph) -> Iterator[Hit]:
    """Evidence that infrastructure was changed by hand: ``import`` blocks, ``terraform import`` in
    scripts, literal resource ids (flag at ≥5), drift hidden by ``ignore_changes``, no drift detection.

    Each ``import`` block is reported (info): the resource was created outside Terraform.
    When five or more literal resource ids (``vpc-…``, ``subnet-…``, ``sg-…``) are written in
    the configuration, every block holding one is flagged (medium).  ``ignore_changes`` on
    security-relevant attributes (IAC013), scripts running ``terraform import`` and the drift
    detection evidence (IAC014) are attached as evidence.

    Why it matters
    --------------
    Click-ops changes are invisible to review, are reverted (or silently kept) by the next
    apply, and make the code a poor description of what actually runs.

    Remediation
    -----------
    Bring hand-made resources under Terraform with reviewed ``import`` blocks, replace literal
    ids with references or data sources, restrict console write access, and detect drift on a
    schedule.

    Example
    -------
    .. code-block:: hcl

        data "aws_vpc" "main" {
          tags = { Name = "main" }
        }
        vpc_id = data.aws_vpc.main.id   # not "vpc-0a1b2c3d"
    """
    scripts = []
    for p in repo_paths(rg):
        if _SCRIPT.search(p):
            text = read_repo_text(rg, p, limit=128 * 1024)
            if text and _TF_IMPORT.search(text):
                scripts.append(p)
    drift_hidden = [h.resource.address for h in (_run_rule(rg, "IAC013") or []) if h.status is Status.FAIL]
    context = {"terraform_import_scripts": sorted(scripts), "ignore_changes": sorted(set(drift_hidden))}
    for imp in rg.resources(block="import"):
        to = imp.attrs.get("to")
        target = None
        if isinstance(to, str):
            full = f"{imp.module}.{to}" if imp.module else to
            target = rg.get(full) or next(
                (r for r in rg.resources() if r.meta.get("base_address") == full), None
            )
        # reported on the imported resource when it is in the graph, located at the import block
        yield Hit(
            target or imp,
            f"resource {to if isinstance(to, str) else imp.address} was imported (created outside Terraform)",
            "import",
            severity=Severity.INFO,
            evidence={**context, "import_block": imp.address},
            location=imp.source,
        )
    holders: list[tuple[Resource, list[tuple[str, str]]]] = []
    seen: set[tuple[str, int]] = set()
    for addr, ids in literal_ids_index(rg).items():
        r = rg[addr]
        if (r.file, r.line) in seen:
            continue
        seen.add((r.file, r.line))
        holders.append((r, ids))
    total = sum(len(ids) for _, ids in holders)
    if total >= 5:
        for r, ids in holders:
            yield Hit(
                r,
                f"{len(ids)} literal resource id(s) of {total} in the configuration "
                "(objects created or looked up by hand)",
                ids[0][0],
                evidence={
                    **context,
                    "ids": [{"attribute": p, "id": v} for p, v in ids],
                    "total_literal_ids": total,
                },
            )


# -- RED002 version control ------------------------------------------------------------------

_GITIGNORE_NEEDS = {
    ".terraform/": re.compile(r"^\s*(\*\*/)?\.terraform(/\*{0,2})?\s*$", re.MULTILINE),
    "*.tfstate": re.compile(
        r"^\s*(\*\*/)?\*\.tfstate(\*|\.\*)?\s*$|^\s*(\*\*/)?\*\.tfstate\*?\s*$", re.MULTILINE
    ),
}


@rule(
    "RED002",
    area=Area.RED_FLAGS,
    severity=Severity.HIGH,
    title="Infrastructure code not under version control",
    no_env_downgrade=True,
)
def no_version_control(rg: ResourceGraph) -> Iterator[Hit]:
    """The repository is not a git work tree, ``.tf`` files are untracked, the lock file is untracked,
    ``.gitignore`` misses ``.terraform/``/``*.tfstate``, or state is tracked (IAC006).

    Uses the loader's git facts (``rg.repo["git"]``: ``is_repo``, ``tracked``), never git
    itself.  Untracked ``.tf`` files and an untracked ``.terraform.lock.hcl`` are reported
    per file (``file:<path>``); a missing ``.gitignore`` entry at ``.gitignore`` (or the
    repository anchor when there is none).

    Why it matters
    --------------
    Without version control there is no review, no history, no rollback and no way to tell
    who changed what; an untracked lock file lets each machine resolve different provider
    builds.

    Remediation
    -----------
    Keep all Terraform, the ``.terraform.lock.hcl`` files and CI definitions in git; ignore
    ``.terraform/`` and ``*.tfstate*``; review every change through pull requests.

    Example
    -------
    .. code-block:: text

        # .gitignore
        .terraform/
        *.tfstate
        *.tfstate.*
    """
    git = rg.repo.get("git")
    if not isinstance(git, Mapping) or not rg.repo:
        return
    anchor = repo_anchor(rg)
    tf_files = [p for p in repo_paths(rg) if p.endswith((".tf", ".tf.json"))]
    state_hits = [h for h in (_run_rule(rg, "IAC006") or []) if h.status is Status.FAIL]
    if not git.get("is_repo"):
        if not (tf_files or any(True for _ in rg.resources())):
            return
        # Only a .git directory directly under the root is read (never outside the root), so a
        # sub-directory of a repository looks the same as an unversioned tree: UNKNOWN, unless
        # something in the tree (a state file) makes it a definite problem.
        ev = {"git_note": str(git.get("note", "")), "state_files": [h.attribute for h in state_hits]}
        if state_hits:
            yield Hit(
                anchor,
                "no git work tree at the reviewed root, and state file(s) "
                f"{', '.join(f'`{h.attribute}`' for h in state_hits)} lie in the tree",
                "",
                evidence=ev,
                location=state_hits[0].location,
            )
        else:
            yield Hit(
                anchor,
                "no git work tree at the reviewed root: not under version control, or a "
                "sub-directory of a repository (check before sign-off)",
                "",
                Status.UNKNOWN,
                evidence=ev,
            )
        return
    tracked = git.get("tracked")
    if isinstance(tracked, list | tuple | set | frozenset):
        tset = set(tracked)
        for p in sorted(tf_files):
            if p not in tset:
                yield Hit(anchor, f"`{p}` is not tracked by git", p, location=SourceLocation(p))
        for p in sorted(repo_paths(rg)):
            if p.rsplit("/", 1)[-1] == ".terraform.lock.hcl" and p not in tset:
                yield Hit(
                    anchor,
                    f"dependency lock file `{p}` is not tracked by git",
                    p,
                    severity=Severity.MEDIUM,
                    location=SourceLocation(p),
                )
    if tf_files:
        text = read_repo_text(rg, ".gitignore", limit=64 * 1024) if ".gitignore" in repo_paths(rg) else None
        missing = [k for k, rx in _GITIGNORE_NEEDS.items() if not (text and rx.search(text))]
        if missing:
            yield Hit(
                anchor,
                f"`.gitignore` does not ignore {', '.join(f'`{m}`' for m in missing)}",
                ".gitignore",
                severity=Severity.LOW,
                evidence={"missing": missing},
                location=SourceLocation(".gitignore") if text is not None else None,
            )
    for h in state_hits:
        yield Hit(
            h.resource,
            f"IAC006: {h.message}",
            h.attribute,
            h.status,
            dict(h.evidence),
            Severity.CRITICAL,
            h.location,
        )


# -- RED003 hardcoded secrets --------------------------------------------------------------------

#: Attributes where a secret (even one from a variable) ends up readable in plain text.
_PLAIN_SINKS = re.compile(
    r"^(user_data|user_data_base64|custom_data|metadata_startup_script|container_definitions|"
    r"environment|tags|labels|description|metadata|app_settings|template_body|"
    r"inline|command|args|parameters)($|[.\[])"
)
_SKIP_BLOCKS = frozenset({"synthetic", "output", "moved", "import", "terraform"})
_ENCRYPTED_KINDS = frozenset({"k8s:SealedSecret", "k8s:ExternalSecret", "k8s:SecretProviderClass"})


def _value_sources(rg: ResourceGraph, res: Resource) -> list[tuple[str, Resource]]:
    """``(attr_path, var_or_local)`` for attributes whose value came from a variable/local."""
    out = []
    for dep, data in rg.dependencies(res.address, kinds={"ref"}):
        if dep.block in ("variable", "local"):
            out.append((str(data.get("attr", "")), dep))
    return out


def _from_source(path: str, sources: list[tuple[str, Resource]]) -> Resource | None:
    for attr, dep in sources:
        if attr and (path == attr or path.startswith((attr + ".", attr + "["))):
            return dep
    return None


def _variable_value(v: Resource) -> list[tuple[str, Any, SourceLocation | None, str]]:
    """``(attr, value, location, origin)`` of a variable: its default and its tfvars value."""
    out: list[tuple[str, Any, SourceLocation | None, str]] = []
    if "default" in v.attrs:
        out.append(("default", v.attrs["default"], None, "default"))
    meta = v.meta if isinstance(v.meta, Mapping) else {}
    for key in ("value", "tfvars_value"):
        if key in meta:
            src = meta.get("value_source") or meta.get("value_file") or meta.get("tfvars_file") or ""
            if isinstance(src, str):
                src = src.removeprefix("tfvars:")
            loc = None
            if isinstance(src, str) and src and src not in ("default", "tfvars_missing"):
                line = meta.get("value_line", 0)
                loc = SourceLocation(src.split(":")[0], int(line) if isinstance(line, int) else 0)
            if "default" in v.attrs and meta[key] == v.attrs["default"] and loc is None:
                continue
            out.append(("value", meta[key], loc, str(src or "tfvars")))
            break
    if "value" in v.attrs and not any(a == "value" for a, *_ in out):
        src = meta.get("value_source")
        loc = None
        origin = "value"
        if isinstance(src, str) and src.startswith("tfvars:"):
            origin = src.removeprefix("tfvars:")
            loc = SourceLocation(origin.split(":")[0], int(meta.get("value_line", 0) or 0))
        elif isinstance(src, str) and src:
            origin = src
        if not ("default" in v.attrs and v.attrs["default"] == v.attrs["value"] and loc is None):
            out.append(("value", v.attrs["value"], loc, origin))
    return out


def secret_findings(
    rg: ResourceGraph,
) -> list[tuple[Resource, str, SecretMatch, dict[str, Any], SourceLocation | None]]:
    """Every hardcoded secret in the graph: ``(resource, attribute, match, evidence, location)``.

    Variables and locals are judged under their own name (``db_password = "..."``); a
    resource attribute whose value came from a variable/local is not repeated at the
    resource, unless the attribute is a plain-text sink (``user_data``, ``environment``,
    ``tags``...) — then the resource is reported too, naming the variable.  Memoised.
    """
    cached = rg.cache.get("red.secrets")
    if cached is not None:
        return list(cached)
    out: list[tuple[Resource, str, SecretMatch, dict[str, Any], SourceLocation | None]] = []
    secret_vars: dict[str, SecretMatch] = {}
    # Every *.tfvars file is scanned as text too: -var-file files (envs/prod.tfvars) are not
    # auto-loaded, so their values never reach a variable node; the scan also gives line numbers.
    tfvars_hits: dict[tuple[str, str], tuple[int, SecretMatch]] = {}
    for p in repo_paths(rg):
        if p.endswith((".tfvars", ".tfvars.json")):
            text = read_repo_text(rg, p, limit=512 * 1024)
            for line, m in scan_text(text or ""):
                tfvars_hits.setdefault((p, m.key), (line, m))
    used: set[tuple[str, str]] = set()
    for v in rg.resources(block=("variable", "local")):
        values = (
            _variable_value(v)
            if v.block == "variable"
            else [("value", v.attrs.get("value", dict(v.attrs)), None, "local")]
        )
        for attr, value, loc, origin in values:
            if isinstance(value, str):
                m = scan_value(v.name, value)
                found = [(attr, m)] if m else []
            else:
                found = list(iter_secrets(value, attr))
            for path, m in found:
                secret_vars.setdefault(v.address, m)
                if loc is not None and (loc.file, v.name) in tfvars_hits:
                    used.add((loc.file, v.name))
                    loc = SourceLocation(loc.file, tfvars_hits[(loc.file, v.name)][0])
                out.append((v, path, m, {"origin": origin, **m.to_dict()}, loc))
                break
            if v.address in secret_vars:
                break
    for res in rg.resources(block=None):
        if res.block in _SKIP_BLOCKS or res.block in ("variable", "local"):
            continue
        if res.block == "dockerfile" or res.kind in _ENCRYPTED_KINDS:
            continue  # Dockerfiles: CTR005 reads instructions precisely; sealed secrets are ciphertext
        found = list(iter_secrets(dict(res.attrs)))
        is_ssm = res.kind == "aws_ssm_parameter"
        if not found and not secret_vars and not is_ssm:
            continue
        sources = _value_sources(rg, res)
        reported_paths: set[str] = set()
        for path, m in found:
            src = _from_source(path, sources)
            if src is not None:
                if src.address in secret_vars and _PLAIN_SINKS.match(path):
                    out.append(
                        (
                            res,
                            path,
                            secret_vars[src.address],
                            {"via": src.address, **secret_vars[src.address].to_dict()},
                            None,
                        )
                    )
                    reported_paths.add(path)
                continue
            out.append((res, path, m, m.to_dict(), None))
            reported_paths.add(path)
        if res.kind == "aws_ssm_parameter" and "value" not in reported_paths:
            ptype, value = res.attrs.get("type"), res.attrs.get("value")
            if ptype == "SecureString" and isinstance(value, str) and not is_placeholder(value):
                src = _from_source("value", sources)
                if src is None:
                    m2 = SecretMatch(
                        "keyword",
                        "value",
                        redact(value),
                        len(value),
                        0.0,
                        "literal value of a SecureString parameter",
                    )
                    out.append((res, "value", m2, m2.to_dict(), None))
                    reported_paths.add("value")
                elif src.address in secret_vars:
                    pass  # reported at the variable
        # a secret variable flowing into a plain-text sink the walk could not see (unknown value)
        for attr, dep in sources:
            if (
                dep.address in secret_vars
                and _PLAIN_SINKS.match(attr)
                and not any(p == attr or p.startswith((attr + ".", attr + "[")) for p in reported_paths)
            ):
                out.append(
                    (
                        res,
                        attr,
                        secret_vars[dep.address],
                        {"via": dep.address, **secret_vars[dep.address].to_dict()},
                        None,
                    )
                )
                reported_paths.add(attr)
    # Helm values keep only images/settings in the graph; literal credentials in them
    # (``auth.password``, a config file in ``hub.extraConfig`` setting a password) are found
    # by scanning the file as text, each reported at its line on the chart's values node.
    for hv in rg.resources("helm:values"):
        vfile = hv.source.file if hv.source is not None else ""
        if not vfile:
            continue
        for line, m in scan_text(read_repo_text(rg, vfile, limit=512 * 1024) or ""):
            ev = {"origin": vfile, **m.to_dict()}
            out.append((hv, f"{vfile}:{m.key}", m, ev, SourceLocation(vfile, line)))
    anchor = repo_anchor(rg)
    for (p, key), (line, m) in sorted(tfvars_hits.items(), key=lambda kv: (kv[0][0], kv[1][0])):
        if (p, key) in used:
            continue
        out.append((anchor, f"{p}:{key}", m, {"origin": p, **m.to_dict()}, SourceLocation(p, line)))
    rg.cache["red.secrets"] = tuple(out)
    return out


def _what(m: SecretMatch) -> str:
    if m.kind == "keyword":
        return "SecureString parameter value" if "SecureString" in m.description else "secret"
    return m.description or m.kind


_SECRET_FILES = re.compile(
    r"(^|/)(\.env(\.[\w-]+)?|id_rsa|id_dsa|id_ecdsa|id_ed25519|[^/]+\.pem|[^/]+\.p12|"
    r"[^/]+\.pfx|[^/]+\.key|\.npmrc|\.pypirc|credentials(\.json)?|[^/]*service[-_]account[^/]*"
    r"\.json)$"
)
_SECRET_FILE_OK = re.compile(r"(\.example|\.sample|\.template|\.dist|\.tpl)$|(^|/)\.env\.example$")


@rule(
    "RED003",
    area=Area.RED_FLAGS,
    severity=Severity.CRITICAL,
    title="Hardcoded secrets or credentials",
    checkov=("CKV_AWS_41", "CKV_AWS_45", "CKV_AWS_46", "CKV_SECRET_2", "CKV_SECRET_6"),
    no_env_downgrade=True,
)
def hardcoded_secrets(rg: ResourceGraph) -> Iterator[Hit]:
    """A secret is written in the repository: provider keys, literal passwords/tokens, secret variable
    defaults or tfvars values, SecureString parameter values, secrets in container environments
    (CTR005–007; a committed ``kind: Secret`` counts when its decoded values hold a credential —
    operator bundles commit Secrets of plain configuration), literal credentials in Helm values
    files, committed key files and committed files behind Compose ``secrets: {name: {file: ...}}``.

    Detection (:mod:`infra_review.analysis.secrets`): known token formats (AWS key ids, PEM
    private keys, GitHub/Slack/Stripe/Google tokens), literal values under secret-like keys
    (``password``, ``secret``, ``token``, ``api_key``…; placeholders such as ``${...}``,
    ``<REPLACE>`` and ARNs are not secrets, ``changeme`` is) and high entropy (detect-secrets
    thresholds).  A secret in ``terraform.tfvars`` is reported at the variable, located in the
    tfvars file.  Committed ``.env``, ``*.pem``, ``id_rsa``… files are read only to confirm a
    secret (their text is scanned; nothing is shown).  Values are redacted everywhere.

    Why it matters
    --------------
    A secret in git is in every clone, fork, CI cache and backup, forever; rotating it is the
    only fix. Leaked cloud keys are exploited within minutes of a public push.

    Remediation
    -----------
    Remove the value, rotate it, and read it at apply time from a secret store:
    ``manage_master_user_password = true`` for RDS, ``aws_secretsmanager_secret`` /
    SSM ``SecureString`` written outside Terraform, ``ephemeral`` values (Terraform ≥ 1.10),
    ``secrets[].valueFrom`` in ECS, ``secretKeyRef`` in Kubernetes.

    Example
    -------
    .. code-block:: hcl

        resource "aws_db_instance" "main" {
          manage_master_user_password = true   # not password = "..."
        }
    """
    seen: set[tuple[str, str]] = set()
    for res, path, m, ev, loc in secret_findings(rg):
        key = (res.address, path)
        if key in seen:
            continue
        seen.add(key)
        if "via" in ev:
            msg = f"secret from `{ev['via']}` ends up in plain text in `{path}`: {m.redacted}"
        elif res.block == "variable":
            where = loc.file if loc is not None else str(ev.get("origin", path))
            msg = f"variable `{res.name}` holds a hardcoded {_what(m)} ({where}): {m.redacted}"
        else:
            msg = f"hardcoded {_what(m)} in `{path}`: {m.redacted}"
        yield Hit(res, msg, path, evidence=ev, location=loc)
    own_addresses = {a for a, _ in seen}
    for rid in ("CTR005", "CTR006", "CTR007"):
        for h in _run_rule(rg, rid) or []:
            key = (h.resource.address, h.attribute)
            if key in seen or h.status is not Status.FAIL:
                continue
            if h.resource.address in own_addresses and h.resource.block != "dockerfile":
                continue  # already reported from the same object by the scan above
            if h.resource.kind == "k8s:Secret" and not _k8s_secret_has_credential(rg, h.resource):
                continue  # committed Secret of plain configuration: CTR006 reports it, not a credential
            seen.add(key)
            yield Hit(
                h.resource,
                f"{rid}: {h.message}",
                h.attribute,
                h.status,
                {"via_rule": rid, **dict(h.evidence)},
                Severity.CRITICAL,
                h.location,
            )
    yield from _compose_secret_files(rg)
    for p in sorted(repo_paths(rg)):
        if not _SECRET_FILES.search(p) or _SECRET_FILE_OK.search(p):
            continue
        text = read_repo_text(rg, p, limit=256 * 1024)
        if text is None:
            continue
        found = scan_text(text)
        if found:
            line, m = found[0]
            yield Hit(
                repo_anchor(rg),
                f"committed file `{p}` holds {len(found)} secret(s) "
                f"({m.description or m.kind}: {m.redacted})",
                p,
                evidence={"count": len(found), "first": m.to_dict()},
                location=SourceLocation(p, line),
            )


_B64 = re.compile(r"^[A-Za-z0-9+/]{8,}={0,2}$")
_YAML_KV = re.compile(r"^(?P<indent>\s+)(?P<key>[\w.-]+):\s*(?P<val>\S.*?)\s*$")
_TYPED_SECRETS = frozenset(
    {
        "kubernetes.io/dockerconfigjson",
        "kubernetes.io/dockercfg",
        "kubernetes.io/tls",
        "kubernetes.io/basic-auth",
    }
)


def _k8s_secret_has_credential(rg: ResourceGraph, secret: Resource) -> bool:
    """Does a committed ``kind: Secret`` hold a credential, not just configuration?

    The loader keeps no Secret values, so the manifest is read again: ``data`` values are
    base64-decoded, every value is judged by key (``SESSION_SECRET: ...``), token formats,
    credentials in URLs and ``KEY=value`` lines of embedded files.  Typed Secrets (TLS,
    docker config, basic-auth) always hold one.  kube-prometheus commits Secrets holding
    ``grafana.ini`` time zones and Alertmanager routing without receivers: not credentials.
    Unreadable manifests count as holding one (no false reassurance).
    """
    import base64
    import binascii

    if secret.attrs.get("type") in _TYPED_SECRETS:
        return True
    src = secret.source
    text = read_repo_text(rg, src.file, limit=1024 * 1024) if src is not None and src.file else None
    if text is None:
        return True
    lines = text.splitlines()
    start = max((src.line or 1) - 1, 0) if src is not None else 0
    while start > 0 and lines[start - 1].strip() != "---":
        start -= 1  # the document may begin above the resource's reported line
    doc: list[str] = []
    for ln in lines[start:]:
        if ln.strip() == "---" and doc:
            break
        doc.append(ln)
    # `data` values are base64 by definition: judge them decoded below, not by entropy here
    if any(not m.kind.startswith("high_entropy") for _, m in scan_text("\n".join(doc))):
        return True
    for ln in doc:
        m = _YAML_KV.match(ln)
        if not m:
            continue
        val = m.group("val").strip("\"'")
        if not _B64.match(val):
            continue
        try:
            decoded = base64.b64decode(val, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            continue
        if scan_value(m.group("key"), decoded) is not None or scan_text(decoded):
            return True
    return False


def _compose_secret_files(rg: ResourceGraph) -> Iterator[Hit]:
    """Top-level Compose ``secrets: {name: {file: ...}}`` whose file is committed with a value.

    Compose secrets are the right mechanism, but a secret file committed next to the compose
    file (docker/awesome-compose's ``db/password.txt`` pattern) puts the value in git anyway.
    """
    paths = set(repo_paths(rg))
    for sec in rg.resources("compose:secret"):
        f = sec.attrs.get("file")
        cfile = sec.meta.get("compose_file") if isinstance(sec.meta, Mapping) else None
        if not isinstance(f, str) or not f.strip() or f.startswith(("/", "~", "$")):
            continue
        base = posixpath.dirname(cfile) if isinstance(cfile, str) else ""
        rel = posixpath.normpath(posixpath.join(base, f))
        if rel.startswith("../") or rel not in paths or _SECRET_FILE_OK.search(rel):
            continue
        text = (read_repo_text(rg, rel, limit=64 * 1024) or "").strip()
        if not text or is_placeholder(text):
            continue
        m = SecretMatch(
            "committed_secret_file",
            str(sec.meta.get("name", sec.name)),
            redact(text),
            len(text),
            round(shannon_entropy(text), 2),
            "Compose secret file committed to the repository",
        )
        yield Hit(
            sec,
            f"Compose secret `{m.key}` reads committed file `{rel}`: {m.redacted}",
            "file",
            evidence={"path": rel, **m.to_dict()},
        )


# -- RED004 monitoring ---------------------------------------------------------------------------

_COMPUTE_DATA = frozenset(
    {
        "aws_instance",
        "aws_autoscaling_group",
        "aws_ecs_service",
        "aws_eks_node_group",
        "aws_lambda_function",
        "aws_db_instance",
        "aws_rds_cluster",
        "aws_elasticache_cluster",
        "aws_elasticache_replication_group",
        "aws_dynamodb_table",
        "aws_opensearch_domain",
        "aws_elasticsearch_domain",
        "aws_redshift_cluster",
        "aws_msk_cluster",
        "aws_docdb_cluster",
        "aws_mq_broker",
        "aws_efs_file_system",
    }
)


def _is_prod(rg: ResourceGraph, res: Resource) -> bool:
    from infra_review.review.engine import environment_marker

    return not environment_marker(res, rg)


@rule(
    "RED004",
    area=Area.RED_FLAGS,
    severity=Severity.HIGH,
    title="Production compute or data without monitoring",
)
def missing_monitoring(rg: ResourceGraph) -> Iterator[Hit]:
    """Production compute/data resources have no alarm, and monitoring is weak overall: no alarm at all,
    alarm coverage below 50%, or alarms that notify nobody (MON006).

    Coverage comes from :func:`infra_review.analysis.coverage_monitoring.alarm_coverage`
    (alarm dimensions matched to resources).  When the overall condition holds, every
    unmonitored production compute/data resource is reported; one whose coverage depends on
    an alarm with unknown dimensions is UNKNOWN.

    Why it matters
    --------------
    Without alarms an outage is reported by customers. A database filling its disk, a worker
    group stuck at zero, a cache evicting everything — all are visible in metrics hours before
    they become incidents.

    Remediation
    -----------
    Give every production compute and data resource CPU/memory/storage/error alarms that
    notify an on-call channel (``alarm_actions`` → SNS → pager).

    Example
    -------
    .. code-block:: hcl

        resource "aws_cloudwatch_metric_alarm" "db_storage" {
          namespace     = "AWS/RDS"
          metric_name   = "FreeStorageSpace"
          dimensions    = { DBInstanceIdentifier = aws_db_instance.main.identifier }
          alarm_actions = [aws_sns_topic.oncall.arn]
          ...
        }
    """
    from infra_review.analysis.coverage_monitoring import alarm_coverage

    cov = alarm_coverage(rg)
    candidates = [r for r in rg.resources(*sorted(_COMPUTE_DATA)) if r.block == "resource"]
    if not candidates:
        return
    silent = [h.resource.address for h in (_run_rule(rg, "MON006") or []) if h.status is Status.FAIL]
    n_alarms = len(cov.alarms)
    reasons = []
    if n_alarms == 0:
        reasons.append("no alarms at all")
    if cov.ratio is not None and cov.ratio < 0.5:
        reasons.append(f"alarm coverage {cov.ratio:.0%} (< 50%)")
    if silent:
        reasons.append(f"{len(silent)} alarm(s) notify nobody (MON006)")
    if not reasons:
        return
    uncovered = set(cov.unmonitored)
    unknown = dict(cov.unknown)
    ev = {"reasons": reasons, "coverage": cov.ratio, "alarms": n_alarms, "silent_alarms": sorted(silent)}
    for r in candidates:
        if r.address in cov.monitored or not _is_prod(rg, r):
            continue
        if r.address in unknown:
            yield Hit(
                r,
                "no alarm found; an alarm with unknown dimensions may cover it",
                "",
                Status.UNKNOWN,
                evidence={**ev, "maybe": unknown[r.address]},
            )
        elif r.address in uncovered or (r.kind not in _monitored_kinds() and not _alarm_refers_to(rg, r)):
            yield Hit(r, f"production {r.kind} has no alarm ({'; '.join(reasons)})", "", evidence=ev)


_ALARM_KINDS = ("aws_cloudwatch_metric_alarm", "aws_cloudwatch_composite_alarm")


def _alarm_refers_to(rg: ResourceGraph, res: Resource) -> bool:
    """For kinds the coverage analysis does not match: does any alarm reference the resource?"""
    targets = {res.address, str(res.meta.get("base_address", res.address))}
    return any(t in rg and rg.referrers(t, *_ALARM_KINDS) for t in targets)


def _monitored_kinds() -> frozenset[str]:
    from infra_review.analysis.coverage_monitoring import MONITORED_KINDS

    return frozenset(MONITORED_KINDS)


# -- RED005 backups --------------------------------------------------------------------------


def _backup_plan_covers(rg: ResourceGraph, res: Resource) -> bool | None:
    sels = list(rg.resources("aws_backup_selection"))
    if not sels:
        return False
    unknown = False
    for s in sels:
        resources = s.attrs.get("resources")
        if isinstance(resources, Unresolved):
            if res.address in resources.refs or _addresses_of(res) & set(resources.refs):
                return True
            unknown = True
        elif isinstance(resources, list):
            for x in resources:
                if isinstance(x, Unresolved):
                    if _addresses_of(res) & set(x.refs):
                        return True
                elif x == "*" or (isinstance(x, str) and x.endswith(":*")):
                    return True
        if rg.has_edge(s.address, res.address, "ref"):
            return True
        if s.attrs.get("selection_tag") or s.attrs.get("condition"):
            unknown = True
    return None if unknown else False


@rule("RED005", area=Area.RED_FLAGS, severity=Severity.HIGH, title="Production data store without backups")
def no_backups(rg: ResourceGraph) -> Iterator[Hit]:
    """A production data store has no automated backups (BAK001 fails) and no AWS Backup plan selects it.

    Aggregates BAK001 findings through the registry; a store selected by an
    ``aws_backup_selection`` (by reference or ``*``) is covered; tag-based selections give
    UNKNOWN.  Rules of the backup area own the details (PITR, cross-region copies).

    Why it matters
    --------------
    Without a backup, a bad migration, a ransomware encryption or a ``terraform destroy``
    is permanent data loss.

    Remediation
    -----------
    Enable automated backups (RDS ``backup_retention_period`` ≥ 7, ElastiCache
    ``snapshot_retention_limit``, DynamoDB PITR) and add the store to an ``aws_backup_plan``
    with a cross-region copy.

    Example
    -------
    .. code-block:: hcl

        resource "aws_db_instance" "main" {
          backup_retention_period = 14
        }
    """
    hits = _run_rule(rg, "BAK001")
    if not hits:
        return
    seen: set[str] = set()
    for h in hits:
        r = h.resource
        if r.address in seen or h.status is not Status.FAIL or not _is_prod(rg, r):
            continue
        seen.add(r.address)
        covered = _backup_plan_covers(rg, r)
        if covered is True:
            continue
        status = Status.UNKNOWN if covered is None else Status.FAIL
        yield Hit(
            r,
            f"no automated backups and no backup plan ({h.message})",
            h.attribute,
            status,
            {"via_rule": "BAK001", "backup_plans": [p.address for p in rg.resources("aws_backup_plan")]},
        )


# -- RED006 public storage / databases -------------------------------------------------------------

_PUBLIC_DB_KINDS = (
    "aws_db_instance",
    "aws_rds_cluster_instance",
    "aws_redshift_cluster",
    "aws_dms_replication_instance",
    "aws_mq_broker",
    "aws_docdb_cluster_instance",
)
_GCP_PUBLIC = frozenset({"allUsers", "allAuthenticatedUsers"})
_GCP_DATA_SCOPES = frozenset({"bucket", "dataset", "table"})
_AZ_FIREWALL = (
    "azurerm_mssql_firewall_rule",
    "azurerm_sql_firewall_rule",
    "azurerm_postgresql_firewall_rule",
    "azurerm_mysql_firewall_rule",
    "azurerm_mariadb_firewall_rule",
    "azurerm_postgresql_flexible_server_firewall_rule",
    "azurerm_mysql_flexible_server_firewall_rule",
    "azurerm_synapse_firewall_rule",
    "azurerm_redis_firewall_rule",
    "azurerm_cosmosdb_account",
)


def _s3_public(rg: ResourceGraph, bucket: Resource) -> Iterator[Hit]:
    covered, flags = bucket_public_access_block(rg, bucket)
    acls: list[tuple[str, str]] = []
    unknown_parts: list[str] = []
    own, unk = _acl_grants(bucket)
    acls += own
    if unk:
        unknown_parts.append("acl")
    for acl_res in linked(rg, bucket, ["aws_s3_bucket_acl"]):
        found, unk = _acl_grants(acl_res, f"{acl_res.address}.")
        acls += found
        if unk:
            unknown_parts.append(acl_res.address)
    policies: list[tuple[str, Any]] = []
    if bucket.attrs.get("policy") is not None:
        policies.append(("policy", bucket.attrs["policy"]))
    for pol in linked(rg, bucket, ["aws_s3_bucket_policy"]):
        if pol.attrs.get("policy") is not None:
            policies.append((f"{pol.address}.policy", pol.attrs["policy"]))
    public_stmts: list[tuple[str, Any]] = []
    for where, value in policies:
        stmts, unk = _public_statements(rg, value)
        public_stmts += [(where, s) for s in stmts]
        if unk:
            unknown_parts.append(where)
    # BucketOwnerEnforced disables ACLs altogether (S3 object ownership docs)
    enforced = any(
        _first_block(oc.attrs.get("rule")).get("object_ownership") == "BucketOwnerEnforced"
        for oc in linked(rg, bucket, ["aws_s3_bucket_ownership_controls"])
    )
    acl_blocked = enforced or flags["ignore_public_acls"] is True or flags["block_public_acls"] is True
    policy_blocked = flags["restrict_public_buckets"] is True or flags["block_public_policy"] is True
    reasons: list[str] = []
    attribute = ""
    ev: dict[str, Any] = {"public_access_block": flags}
    if acls and not acl_blocked:
        reasons += [what for _, what in acls]
        attribute = acls[0][0]
        ev["acl"] = [{"attribute": a, "grant": w} for a, w in acls]
    if public_stmts and not policy_blocked:
        reasons.append('bucket policy allows Principal "*" without a Condition')
        attribute = attribute or public_stmts[0][0]
        ev["statements"] = [s.to_evidence() for _, s in public_stmts]
    if reasons:
        blocked_unknown = any(v is None for v in flags.values())
        yield Hit(
            bucket,
            f"S3 bucket is public: {'; '.join(reasons)}",
            attribute,
            Status.UNKNOWN if blocked_unknown else Status.FAIL,
            evidence=ev,
        )
        return
    if covered is True:
        return
    if (covered is None or unknown_parts) and covered is None:
        yield Hit(
            bucket,
            "public access block flags are not known statically",
            "public_access_block",
            Status.UNKNOWN,
            evidence={**ev, "unknown": unknown_parts},
        )
        return
    off = [f for f, v in flags.items() if v is not True]
    has_pab = bool(linked(rg, bucket, ["aws_s3_bucket_public_access_block"]))
    msg = (
        f"public access block leaves {', '.join(off)} off"
        if has_pab
        else "no aws_s3_bucket_public_access_block and no account-level block"
    )
    yield Hit(bucket, msg, "public_access_block", severity=Severity.HIGH, evidence={**ev, "off": off})


def _bigquery_public(rg: ResourceGraph) -> Iterator[Hit]:
    """Inline ``access`` blocks of ``google_bigquery_dataset`` and ``google_bigquery_dataset_access``
    granting ``allUsers``/``allAuthenticatedUsers`` (``special_group`` or ``iam_member``)."""
    for ds in rg.resources("google_bigquery_dataset", "google_bigquery_dataset_access"):
        if ds.kind == "google_bigquery_dataset":
            entries = ds.attrs.get("access")
            entries = entries if isinstance(entries, list) else [entries] if entries is not None else []
            attr = "access"
        else:
            entries, attr = [dict(ds.attrs)], "special_group"
        unknown = False
        for entry in entries:
            if isinstance(entry, Unresolved):
                unknown = True
                continue
            if not isinstance(entry, Mapping):
                continue
            who = [entry.get("special_group"), entry.get("iam_member")]
            public = [w for w in who if isinstance(w, str) and w in _GCP_PUBLIC]
            unknown = unknown or any(isinstance(w, Unresolved) for w in who)
            if public:
                role = entry.get("role")
                yield Hit(
                    ds,
                    f"BigQuery dataset access{' ' + role if isinstance(role, str) else ''} granted to "
                    f"{', '.join(public)}",
                    attr,
                    evidence={"role": role if isinstance(role, str) else None, "members": public},
                )
                break
        else:
            if unknown:
                yield Hit(ds, "dataset access entries not known statically", attr, Status.UNKNOWN)


def _cloud_sql_public(res: Resource) -> Iterator[Hit]:
    settings = res.attrs.get("settings")
    if isinstance(settings, Unresolved):
        yield Hit(res, "Cloud SQL settings not known statically", "settings", Status.UNKNOWN)
        return
    for i, s in enumerate(settings or []):
        if not isinstance(s, Mapping):
            continue
        for j, ipc in enumerate(s.get("ip_configuration") or []):
            if not isinstance(ipc, Mapping) or _tri(ipc.get("ipv4_enabled")) is False:
                continue
            for k, net in enumerate(ipc.get("authorized_networks") or []):
                if not isinstance(net, Mapping):
                    continue
                v = net.get("value")
                path = f"settings[{i}].ip_configuration[{j}].authorized_networks[{k}].value"
                if isinstance(v, Unresolved):
                    yield Hit(res, "authorized network not known statically", path, Status.UNKNOWN)
                elif v in ("0.0.0.0/0", "::/0"):
                    yield Hit(
                        res,
                        f"Cloud SQL instance accepts connections from {v}",
                        path,
                        evidence={"authorized_network": v},
                    )
                    return


@rule(
    "RED006",
    area=Area.RED_FLAGS,
    severity=Severity.CRITICAL,
    title="Public storage bucket or database",
    checkov=(
        "CKV2_AWS_6",
        "CKV_AWS_53",
        "CKV_AWS_54",
        "CKV_AWS_55",
        "CKV_AWS_56",
        "CKV_AWS_57",
        "CKV_AWS_20",
        "CKV_AWS_70",
        "CKV_AWS_17",
        "CKV_GCP_28",
        "CKV_GCP_11",
        "CKV_AZURE_34",
        "CKV_AZURE_11",
    ),
    no_env_downgrade=True,
)
def public_data(rg: ResourceGraph) -> Iterator[Hit]:
    """Data is reachable by anyone: a public S3 bucket (ACL or policy not neutralised by an all-true public
    access block, or no block at all), a publicly accessible database, a public GCS bucket or Cloud SQL
    network, a public Azure container or an all-open SQL firewall.

    S3, both styles: legacy ``acl``/``grant``/``policy`` on ``aws_s3_bucket``, and the v5
    split resources ``aws_s3_bucket_acl`` / ``aws_s3_bucket_policy`` /
    ``aws_s3_bucket_public_access_block`` linked by ``bucket`` (followed by reference, not by
    name).  ``ignore_public_acls``/``block_public_acls`` (or ``aws_s3_bucket_ownership_controls``
    with ``BucketOwnerEnforced``) neutralise ACL grants, ``restrict_public_buckets``/
    ``block_public_policy`` public policies.
    Databases: ``publicly_accessible = true`` (RDS, Aurora instances, Redshift, DMS, MQ).
    GCP: ``google_storage_bucket_iam_*``/``data.google_iam_policy`` granting ``allUsers`` or
    ``allAuthenticatedUsers`` (unless the bucket enforces ``public_access_prevention``), legacy
    ACL entities, buckets without uniform bucket-level access (medium), BigQuery datasets and
    tables shared with ``allUsers``/``allAuthenticatedUsers`` (``access`` blocks,
    ``google_bigquery_dataset_access``, ``*_iam_*``), Cloud SQL ``authorized_networks``
    ``0.0.0.0/0``.  Azure: ``azurerm_storage_container``
    ``container_access_type`` ``blob``/``container`` on an account that allows public nested
    items; SQL/PostgreSQL/MySQL firewall rules ``0.0.0.0``–``255.255.255.255``.

    Why it matters
    --------------
    Public buckets and databases are the most common cause of mass data leaks; scanners find
    them within hours, and the data is copied before anyone notices.

    Remediation
    -----------
    Add an all-true ``aws_s3_bucket_public_access_block`` (and an account-level one), serve
    public content through CloudFront with origin access control, set
    ``publicly_accessible = false``, ``public_access_prevention = "enforced"``,
    ``allow_nested_items_to_be_public = false`` and private endpoints.

    Example
    -------
    .. code-block:: hcl

        resource "aws_s3_bucket_public_access_block" "uploads" {
          bucket                  = aws_s3_bucket.uploads.id
          block_public_acls       = true
          block_public_policy     = true
          ignore_public_acls      = true
          restrict_public_buckets = true
        }
    """
    for b in rg.resources("aws_s3_bucket"):
        if b.block == "resource":
            yield from _s3_public(rg, b)
    for db in rg.resources(*_PUBLIC_DB_KINDS):
        v = db.attrs.get("publicly_accessible")
        if isinstance(v, Unresolved):
            yield Hit(
                db, "`publicly_accessible` is not known statically", "publicly_accessible", Status.UNKNOWN
            )
        elif _tri(v) is True:
            yield Hit(db, f"{db.kind} is `publicly_accessible = true`", "publicly_accessible")
    # GCP
    enforced: dict[str, bool | None] = {}
    for gb in rg.resources("google_storage_bucket"):
        pap = gb.attrs.get("public_access_prevention")
        enforced[gb.address] = None if isinstance(pap, Unresolved) else pap == "enforced"
        ubla = gb.attrs.get("uniform_bucket_level_access")
        if enforced[gb.address] is True:
            continue
        if isinstance(ubla, Unresolved):
            yield Hit(
                gb,
                "`uniform_bucket_level_access` is not known statically",
                "uniform_bucket_level_access",
                Status.UNKNOWN,
            )
        elif _tri(ubla) is not True:
            yield Hit(
                gb,
                "bucket without uniform bucket-level access: object ACLs can make objects public",
                "uniform_bucket_level_access",
                severity=Severity.MEDIUM,
            )
    for bnd in gcp_bindings(rg):
        unused_policy = bnd.resource.block == "data" and bnd.scope == "unknown"
        if bnd.scope not in _GCP_DATA_SCOPES and not unused_policy:
            continue
        public = [m for m in bnd.members if isinstance(m, str) and m in _GCP_PUBLIC]
        unknown = any(isinstance(m, Unresolved) for m in bnd.members)
        if not public and not unknown:
            continue
        if bnd.scope == "unknown" and not public:
            continue
        targets = linked(rg, bnd.resource, ["google_storage_bucket"], attr="bucket", name_attr="name")
        bucket_refs = bnd.resource.attrs.get("bucket")
        prevention = [
            enforced.get(a) for a in (bucket_refs.refs if isinstance(bucket_refs, Unresolved) else ())
        ]
        del targets
        if prevention and all(p is True for p in prevention):
            continue
        if public:
            what = {"dataset": "BigQuery dataset", "table": "BigQuery table"}.get(bnd.scope, "GCS bucket")
            yield Hit(
                bnd.resource,
                f"{what} role {bnd.role} granted to {', '.join(public)}",
                bnd.attribute,
                evidence={
                    "role": bnd.role if isinstance(bnd.role, str) else str(bnd.role),
                    "members": public,
                },
            )
        else:
            yield Hit(bnd.resource, "bucket IAM members not known statically", bnd.attribute, Status.UNKNOWN)
    for acl in rg.resources(
        "google_storage_bucket_acl",
        "google_storage_default_object_acl",
        "google_storage_bucket_access_control",
        "google_storage_default_object_access_control",
        "google_storage_object_access_control",
        "google_storage_object_acl",
    ):
        entities = acl.attrs.get("role_entity") or [acl.attrs.get("entity")]
        hits = [
            e
            for e in entities
            if isinstance(e, str) and re.search(r"(^|:)(allUsers|allAuthenticatedUsers)$", e)
        ]
        if hits:
            yield Hit(
                acl,
                f"GCS ACL grants {', '.join(hits)}",
                "role_entity" if "role_entity" in acl.attrs else "entity",
            )
    yield from _bigquery_public(rg)
    for sql in rg.resources("google_sql_database_instance"):
        yield from _cloud_sql_public(sql)
    # Azure
    accounts_public: dict[str, bool | None] = {}
    for acct in rg.resources("azurerm_storage_account"):
        v = acct.attrs.get("allow_nested_items_to_be_public")
        accounts_public[acct.address] = None if isinstance(v, Unresolved) else (_tri(v) is not False)
    for c in rg.resources("azurerm_storage_container"):
        t = c.attrs.get("container_access_type", "private")
        if isinstance(t, Unresolved):
            yield Hit(
                c, "`container_access_type` is not known statically", "container_access_type", Status.UNKNOWN
            )
            continue
        if t not in ("blob", "container"):
            continue
        accts = list(
            linked(rg, c, ["azurerm_storage_account"], attr="storage_account_name", name_attr="name")
            + linked(rg, c, ["azurerm_storage_account"], attr="storage_account_id")
        )
        refs: set[str] = set()
        for k in ("storage_account_name", "storage_account_id"):
            v = c.attrs.get(k)
            if isinstance(v, Unresolved):
                refs |= set(v.refs)
        states = [accounts_public.get(a) for a in refs if a in accounts_public] or [
            accounts_public.get(a.address) for a in accts
        ]
        if states and all(s is False for s in states):
            continue
        status = Status.FAIL if states and any(s is True for s in states) else Status.UNKNOWN
        yield Hit(
            c,
            f"container allows anonymous {'listing and ' if t == 'container' else ''}reads "
            f'(`container_access_type = "{t}"`)',
            "container_access_type",
            status,
        )
    for fw in rg.resources(*_AZ_FIREWALL):
        if fw.kind == "azurerm_cosmosdb_account":
            continue
        start, end = fw.attrs.get("start_ip_address"), fw.attrs.get("end_ip_address")
        if isinstance(start, Unresolved) or isinstance(end, Unresolved):
            yield Hit(fw, "firewall range not known statically", "start_ip_address", Status.UNKNOWN)
        elif start == "0.0.0.0" and end == "255.255.255.255":
            yield Hit(
                fw,
                "database firewall allows every IPv4 address (0.0.0.0–255.255.255.255)",
                "start_ip_address",
            )
        elif start == "0.0.0.0" and end == "0.0.0.0":
            yield Hit(
                fw,
                '"Allow Azure services" rule: any Azure tenant\'s resources can connect',
                "start_ip_address",
                severity=Severity.MEDIUM,
            )


# -- RED007 permissive IAM -------------------------------------------------------------------------

_S3_POLICY_KINDS = frozenset({"aws_s3_bucket", "aws_s3_bucket_policy"})


@rule(
    "RED007",
    area=Area.RED_FLAGS,
    severity=Severity.CRITICAL,
    title="Overly permissive IAM policy",
    checkov=(
        "CKV_AWS_1",
        "CKV_AWS_62",
        "CKV_AWS_49",
        "CKV_AWS_63",
        "CKV_AWS_355",
        "CKV_AWS_286",
        "CKV_AWS_274",
        "CKV_AWS_60",
        "CKV2_AWS_40",
        "CKV_GCP_117",
        "CKV_AZURE_39",
        "CKV_K8S_49",
    ),
)
def permissive_iam(rg: ResourceGraph) -> Iterator[Hit]:
    """An IAM grant far beyond least privilege: ``Action "*"`` on ``Resource "*"``, ``service:*`` on ``*``,
    ``Allow`` + ``NotAction``, privilege-escalation actions on ``*``, a trust policy open to ``Principal
    "*"``, ``AdministratorAccess`` attached, GCP ``roles/owner``/``roles/editor`` or public members,
    Azure ``*`` role actions, Kubernetes ``*``/``*`` roles and ``cluster-admin`` bindings.

    Policies are read from ``data.aws_iam_policy_document`` statements, ``jsonencode(...)``
    values and JSON strings/heredocs (:mod:`infra_review.analysis.iam`); a policy built from
    a document is reported once, at the document, with its consumers in the evidence.  Each
    offending statement is its own finding, with the statement as evidence.  Public S3 bucket
    policies belong to RED006; other resource policies (SQS, SNS, KMS, ECR, Secrets Manager)
    open to ``Principal "*"`` without a ``Condition`` and ``aws_lambda_permission`` with
    ``principal = "*"`` and no source are reported here.  A policy whose text is not known
    statically is UNKNOWN.

    Why it matters
    --------------
    An over-broad grant turns any compromise of the principal — a leaked CI token, an SSRF
    on an instance — into control of the whole account; escalation actions let a narrow
    role make itself administrator.

    Remediation
    -----------
    Grant the specific actions on the specific ARNs the workload needs (IAM Access Analyzer
    policy generation helps); replace ``NotAction`` with explicit lists; constrain trust
    policies with ``Condition`` (``aws:PrincipalOrgID``, OIDC ``sub``).

    Example
    -------
    .. code-block:: hcl

        statement {
          actions   = ["s3:GetObject"]
          resources = ["${aws_s3_bucket.assets.arn}/*"]
        }
    """
    for doc in policy_documents(rg):
        res = doc.resource or rg.get(doc.address)
        if res is None:
            continue
        s3_only = res.kind in _S3_POLICY_KINDS or (
            doc.used_by and all((rg.get(a) or res).kind in _S3_POLICY_KINDS for a, _ in doc.used_by)
        )
        if doc.unknown:
            yield Hit(
                res,
                f"policy `{doc.attribute}` is not known statically ({doc.unknown})",
                doc.attribute,
                Status.UNKNOWN,
            )
            continue
        for stmt, issues in assess_policy(doc):
            issues = [i for i in issues if not (s3_only and i.code == "public_principal")]
            if not issues:
                continue
            known = [i for i in issues if i.known]
            use = known or issues
            sev = max(i.severity for i in use)
            where = f"{doc.attribute}.{stmt.path}" if doc.attribute == "statement" else stmt.path
            where = stmt.path if stmt.path.startswith(doc.attribute) else where
            ev: dict[str, Any] = {
                "statement": stmt.to_evidence(),
                "policy_kind": doc.kind,
                "issues": [i.code for i in use],
            }
            if doc.used_by:
                ev["used_by"] = [f"{a}.{at}" for a, at in doc.used_by]
            yield Hit(
                res,
                "; ".join(i.message for i in use),
                where,
                Status.FAIL if known else Status.UNKNOWN,
                ev,
                sev,
            )
    for res, attr, arn in managed_policy_attachments(rg):
        if isinstance(arn, Unresolved):
            if any((rg.get(r) or res).kind == "aws_iam_policy" for r in arn.refs):
                continue  # a customer policy: assessed where it is written
            if not arn.refs:
                yield Hit(res, "attached policy ARN is not known statically", attr, Status.UNKNOWN)
            continue
        if not isinstance(arn, str):
            continue
        name = arn.rsplit("/", 1)[-1]
        if ":aws:policy/" in arn and name in ADMIN_MANAGED_POLICIES:
            yield Hit(
                res,
                f"AWS managed policy `{name}` attached",
                attr,
                severity=ADMIN_MANAGED_POLICIES[name],
                evidence={"policy_arn": arn},
            )
    for perm in rg.resources("aws_lambda_permission"):
        principal = perm.attrs.get("principal")
        scoped = any(perm.attrs.get(k) for k in ("source_arn", "source_account", "principal_org_id"))
        if principal == "*" and not scoped:
            yield Hit(
                perm,
                'Lambda permission lets any principal ("*") invoke the function',
                "principal",
                severity=Severity.HIGH,
                evidence={"action": str(perm.attrs.get("action", ""))},
            )
    yield from _gcp_azure_iam(rg)
    yield from _k8s_rbac(rg)


def _gcp_azure_iam(rg: ResourceGraph) -> Iterator[Hit]:
    for b in gcp_bindings(rg):
        if b.scope in _GCP_DATA_SCOPES:
            continue  # public data: RED006
        role = b.role
        public = [m for m in b.members if isinstance(m, str) and m in _GCP_PUBLIC]
        if isinstance(role, Unresolved):
            if public:
                yield Hit(
                    b.resource, f"unknown role granted to {', '.join(public)}", b.attribute, Status.UNKNOWN
                )
            continue
        if public:
            yield Hit(
                b.resource,
                f"{role} granted to {', '.join(public)} at {b.scope} level",
                b.attribute,
                evidence={"role": role, "members": public, "scope": b.scope},
            )
        elif role in ("roles/owner", "roles/editor"):
            sev = Severity.CRITICAL if b.scope in ("organization", "folder") else Severity.HIGH
            members = [str(m) for m in b.members]
            yield Hit(
                b.resource,
                f"primitive role {role} granted at {b.scope} level to {', '.join(members)}",
                b.attribute,
                severity=sev,
                evidence={"role": role, "members": members, "scope": b.scope},
            )
    for d in azure_role_definitions(rg):
        acts = [a for a in d.members if isinstance(a, str)]
        if any(isinstance(a, Unresolved) for a in d.members) and not acts:
            yield Hit(d.resource, "role actions not known statically", d.attribute, Status.UNKNOWN)
        elif "*" in acts:
            yield Hit(
                d.resource, 'custom role allows every action ("*")', d.attribute, evidence={"actions": acts}
            )
        elif any(a.lower() in ("microsoft.authorization/*", "microsoft.authorization/*/write") for a in acts):
            yield Hit(
                d.resource,
                "custom role can manage role assignments (Microsoft.Authorization/*)",
                d.attribute,
                severity=Severity.HIGH,
                evidence={"actions": acts},
            )
    for ra in rg.resources("azurerm_role_assignment"):
        name, scope = ra.attrs.get("role_definition_name"), ra.attrs.get("scope")
        if (
            name in ("Owner", "User Access Administrator")
            and isinstance(scope, str)
            and (
                re.fullmatch(r"/subscriptions/[^/]+/?", scope) or "managementGroups" in scope or scope == "/"
            )
        ):
            yield Hit(
                ra,
                f"`{name}` assigned at subscription/management-group scope",
                "role_definition_name",
                severity=Severity.HIGH,
                evidence={"scope": scope},
            )


def _k8s_rbac(rg: ResourceGraph) -> Iterator[Hit]:
    for role in rg.resources("k8s:ClusterRole", "k8s:Role"):
        for i, r in enumerate(role.attrs.get("rules") or []):
            if not isinstance(r, Mapping):
                continue
            verbs, resources = r.get("verbs") or [], r.get("resources") or []
            if "*" in verbs and "*" in resources:
                sev = Severity.CRITICAL if role.kind == "k8s:ClusterRole" else Severity.HIGH
                yield Hit(
                    role,
                    f"{role.kind.split(':')[1]} grants every verb on every resource",
                    f"rules[{i}]",
                    severity=sev,
                    evidence={"rule": {k: r.get(k) for k in ("apiGroups", "resources", "verbs")}},
                )
                break
    for b in rg.resources("k8s:ClusterRoleBinding", "k8s:RoleBinding"):
        ref = b.attrs.get("roleRef") or {}
        if isinstance(ref, Mapping) and ref.get("name") == "cluster-admin":
            subjects = [s for s in b.attrs.get("subjects") or [] if isinstance(s, Mapping)]
            names = [f"{s.get('kind')}/{s.get('name')}" for s in subjects]
            if any(s.get("name") == "system:masters" for s in subjects) and len(subjects) == 1:
                continue
            yield Hit(
                b,
                f"cluster-admin bound to {', '.join(names) or 'subjects'}",
                "roleRef",
                severity=Severity.HIGH if b.kind == "k8s:RoleBinding" else Severity.CRITICAL,
                evidence={"subjects": names},
            )


# -- RED008 container limits -------------------------------------------------------------------------


def _namespace_has_memory_default(rg: ResourceGraph, ns: str) -> bool:
    for lr in rg.resources("k8s:LimitRange"):
        if str(lr.meta.get("namespace", "default")) != ns:
            continue
        for lim in (lr.attrs.get("spec") or {}).get("limits") or []:
            if (
                isinstance(lim, Mapping)
                and lim.get("type") == "Container"
                and ((lim.get("default") or {}).get("memory") or (lim.get("max") or {}).get("memory"))
            ):
                return True
    return False


def _ecs_containers(td: Resource) -> tuple[list[Mapping[str, Any]] | None, bool]:
    import json

    cd = td.attrs.get("container_definitions")
    if isinstance(cd, Unresolved):
        text = cd.expr.strip()
        if not text.startswith("["):
            return None, True
        try:
            data = json.loads(text)
        except ValueError:
            return None, True
    elif isinstance(cd, str):
        try:
            data = json.loads(cd)
        except ValueError:
            return None, True
    elif isinstance(cd, list):
        data = cd
    else:
        return None, False
    return [c for c in data if isinstance(c, Mapping)], False


@rule(
    "RED008",
    area=Area.RED_FLAGS,
    severity=Severity.HIGH,
    title="Containers without memory limits",
    checkov=("CKV_K8S_11", "CKV_K8S_13"),
)
def no_container_limits(rg: ResourceGraph) -> Iterator[Hit]:
    """A container can use unbounded memory: a Kubernetes container without ``resources.limits.memory``, an
    ECS task without task or container memory, a Compose service without a memory limit.

    High when the namespace has no ``LimitRange`` supplying a default memory limit, medium
    when one does (the default may not fit); Compose services are low (usually local development).
    Mirrors CTR011/CTR012, computed here from the graph so the flag stands on its own.

    Why it matters
    --------------
    One leaking container takes the whole node down with it (the kernel OOM-kills whatever
    it picks), and the scheduler cannot place pods sensibly without requests and limits.

    Remediation
    -----------
    Set ``resources.requests`` and ``resources.limits.memory`` on every container (and a
    namespace ``LimitRange`` as a safety net); give ECS tasks ``memory``.

    Example
    -------
    .. code-block:: yaml

        resources:
          requests: { cpu: 100m, memory: 256Mi }
          limits:   { memory: 512Mi }
    """
    from infra_review.analysis.k8s import containers, namespace_of, workloads

    for w in workloads(rg):
        ns = namespace_of(w)
        has_default = _namespace_has_memory_default(rg, ns)
        for c, path, line in containers(w):
            res = c.get("resources")
            limits = res.get("limits") if isinstance(res, Mapping) else None
            mem = limits.get("memory") if isinstance(limits, Mapping) else None
            if mem:
                continue
            name = c.get("name", "?")
            yield Hit(
                w,
                f"container `{name}` has no memory limit"
                + (" (namespace LimitRange sets a default)" if has_default else ""),
                f"{path}.resources.limits.memory",
                severity=Severity.MEDIUM if has_default else None,
                location=SourceLocation(w.file, line) if w.file else None,
            )
            break
    for td in rg.resources("aws_ecs_task_definition"):
        task_mem = td.attrs.get("memory")
        if task_mem not in (None, ""):
            continue
        ctrs, unknown = _ecs_containers(td)
        if unknown:
            yield Hit(
                td, "container definitions not known statically", "container_definitions", Status.UNKNOWN
            )
            continue
        for i, c in enumerate(ctrs or []):
            if c.get("memory") in (None, "") and c.get("memoryReservation") in (None, ""):
                yield Hit(
                    td,
                    f"task has no `memory` and container `{c.get('name', i)}` sets neither memory "
                    "nor memoryReservation",
                    f"container_definitions[{i}].memory",
                )
                break
    for svc in rg.resources("compose:service"):
        a = svc.attrs
        deploy = a.get("deploy") if isinstance(a.get("deploy"), Mapping) else {}
        lim = ((deploy.get("resources") or {}).get("limits") or {}) if isinstance(deploy, Mapping) else {}
        if a.get("mem_limit") or (isinstance(lim, Mapping) and lim.get("memory")):
            continue
        yield Hit(
            svc,
            "Compose service has no memory limit (`deploy.resources.limits.memory`/`mem_limit`)",
            "deploy.resources.limits.memory",
            severity=Severity.LOW,
        )


# -- RED009 SPOFs ranked ---------------------------------------------------------------------------


@rule(
    "RED009",
    area=Area.RED_FLAGS,
    severity=Severity.HIGH,
    title="Single points of failure, ranked by blast radius",
    checkov=("CKV_AWS_157", "CKV2_AWS_50"),
)
def spofs_ranked(rg: ResourceGraph) -> Iterator[Hit]:
    """Every single point of failure found by the SPOF analyses (RULES.md §10), one finding per resource,
    ranked by blast radius.

    Uses :func:`infra_review.analysis.blast.rank_spofs` (score = Σ tier weight × prod
    multiplier over what fails with the node); structural singletons reported as info by
    SPOF08 are left out.  The evidence carries the rank, the score, the SPOF rules and the
    blast radius (counts by tier/type, AZs, entry points, data stores hit).

    Why it matters
    --------------
    A single instance, NAT gateway or database takes everything that depends on it down when
    it fails; ranking by blast radius shows which one to fix first.

    Remediation
    -----------
    Spread each tier over at least two AZs: Multi-AZ databases, replication groups with
    automatic failover, ASGs with ``min_size`` ≥ 2, one NAT gateway per AZ.

    Example
    -------
    .. code-block:: hcl

        resource "aws_db_instance" "main" {
          multi_az = true
        }
    """
    from infra_review.analysis.blast import rank_spofs
    from infra_review.analysis.spof import find_spofs

    spofs = [s for s in find_spofs(rg) if s.status == "FAIL" and s.severity is not Severity.INFO]
    ranked = rank_spofs(rg, spofs)
    by_addr: dict[str, list[Any]] = defaultdict(list)
    order: list[str] = []
    for r in ranked:
        if r.address not in by_addr:
            order.append(r.address)
        by_addr[r.address].append(r)
    total = len(order)
    for rank, addr in enumerate(order, 1):
        entries = by_addr[addr]
        res = rg.get(addr)
        if res is None:
            continue
        top = entries[0]
        br = top.blast
        rules = sorted({e.rule_id for e in entries})
        msgs = "; ".join(f"{e.rule_id}: {e.spof.message}" for e in entries)
        yield Hit(
            res,
            f"SPOF #{rank} of {total} (blast score {top.score}, {len(br.down)} resources down): {msgs}",
            entries[0].spof.attribute,
            evidence={
                "rank": rank,
                "of": total,
                "score": top.score,
                "spof_rules": rules,
                "blast": {
                    "down": len(br.down),
                    "by_tier": dict(br.by_tier),
                    "by_type": dict(br.by_type),
                    "azs": list(br.azs),
                    "entry_points": list(br.entry_points),
                    "data_stores": list(br.data_stores),
                    "prod": br.prod,
                },
            },
        )


# -- RED010 documentation ------------------------------------------------------------------------

_README = re.compile(r"(^|/)readme(\.(md|rst|txt|adoc))?$", re.IGNORECASE)


def _module_dir(call: Resource) -> str | None:
    src = call.attrs.get("source")
    if not isinstance(src, str) or not src.startswith(("./", "../")) or not call.file:
        return None
    import posixpath

    base = posixpath.dirname(call.file)
    return posixpath.normpath(posixpath.join(base, src))


@rule("RED010", area=Area.RED_FLAGS, severity=Severity.MEDIUM, title="No documentation or runbooks")
def no_documentation(rg: ResourceGraph) -> Iterator[Hit]:
    """No root README, a local module directory without a README, no runbooks (``docs/runbooks``,
    ``runbooks/``, ``*runbook*``), or more than half of the alarms without a runbook link (MON009).

    Repository-level gaps are reported at the repository anchor; a module without a README at
    its (first) module call.

    Why it matters
    --------------
    Without documentation the on-call engineer reverse-engineers the system during the
    outage; a module without a README is copied instead of reused.

    Remediation
    -----------
    Add a README per root and module (``terraform-docs`` generates inputs/outputs), a
    ``docs/runbooks/`` folder with one page per alert, and a runbook URL in each alarm
    description.

    Example
    -------
    .. code-block:: text

        README.md
        docs/runbooks/db-storage-low.md
        modules/network/README.md
    """
    if not rg.repo:
        return
    paths = repo_paths(rg)
    anchor = repo_anchor(rg)
    if not rg.repo.get("has_readme", any(_README.search(p) and "/" not in p for p in paths)):
        yield Hit(anchor, "repository has no root README", "")
    by_dir: dict[str, list[str]] = {}
    for p in set(paths):
        by_dir.setdefault(posixpath.dirname(p), []).append(p)
    seen_dirs: set[str] = set()
    for call in sorted(rg.resources(block="module"), key=lambda r: (r.module.count("."), r.address)):
        d = _module_dir(call)
        if d is None or d in seen_dirs or d in (".", ""):
            continue
        seen_dirs.add(d)
        in_dir = by_dir.get(d, [])  # files directly in d
        if not any(p.endswith((".tf", ".tf.json")) for p in in_dir):
            continue  # not in the repository (MODULE_UNRESOLVED says so): nothing to document
        if not any(_README.search(p) for p in in_dir):
            yield Hit(call, f"local module `{d}` has no README", "source", evidence={"module_dir": d})
    no_runbooks = not any(re.search(r"(^|/)runbooks?(/|$)|runbook", p, re.IGNORECASE) for p in paths)
    if no_runbooks and any(True for _ in rg.resources(block="resource")):
        yield Hit(
            anchor, "no runbooks in the repository (docs/runbooks, runbooks/)", "", severity=Severity.LOW
        )
    mon9 = _run_rule(rg, "MON009")
    alarms = list(
        rg.resources("aws_cloudwatch_metric_alarm", "aws_cloudwatch_composite_alarm", "k8s:PrometheusRule")
    )
    if mon9 and alarms:
        bad = {h.resource.address for h in mon9 if h.status is Status.FAIL}
        if len(bad) * 2 > len(alarms):
            yield Hit(
                anchor,
                f"{len(bad)} of {len(alarms)} alarms link no runbook (MON009)",
                "",
                evidence={"alarms_without_runbook": sorted(bad)},
            )


_ = (drift_detection_evidence,)
