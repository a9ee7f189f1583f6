"""Red flag: hardcoded secrets in code, variables, files and manifests (RED003).

Secrets are never put in a message or evidence: values are shown through
:func:`infra_review.analysis.secrets.redact` (at most a 4-character prefix and the length).
"""

from __future__ import annotations

import base64
import binascii
import posixpath
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from infra_review.analysis.repo_layout import repo_anchor
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
from infra_review.model import Area, Resource, Severity, SourceLocation, Status
from infra_review.rules._registry import Hit, rule

__all__ = ["secret_findings"]


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
    return list(rg.memo(_all_secret_findings))


_SecretFinding = tuple[Resource, str, SecretMatch, dict[str, Any], SourceLocation | None]


def _all_secret_findings(rg: ResourceGraph) -> tuple[_SecretFinding, ...]:
    # Every *.tfvars file is scanned as text too: -var-file files (envs/prod.tfvars) are not
    # auto-loaded, so their values never reach a variable node; the scan also gives line numbers.
    tfvars_hits: dict[tuple[str, str], tuple[int, SecretMatch]] = {}
    for p in rg.facts.paths:
        if p.endswith((".tfvars", ".tfvars.json")):
            text = rg.facts.text(p, limit=512 * 1024)
            for line, m in scan_text(text or ""):
                tfvars_hits.setdefault((p, m.key), (line, m))
    used: set[tuple[str, str]] = set()
    out, secret_vars = _variable_secrets(rg, tfvars_hits, used)
    for res in rg.resources(block=None):
        if res.block in _SKIP_BLOCKS or res.block in ("variable", "local"):
            continue
        if res.block == "dockerfile" or res.kind in _ENCRYPTED_KINDS:
            continue  # Dockerfiles: CTR005 reads instructions precisely; sealed secrets are ciphertext
        out.extend(_resource_secrets(rg, res, secret_vars))
    # Helm values keep only images/settings in the graph; literal credentials in them
    # (``auth.password``, a config file in ``hub.extraConfig`` setting a password) are found
    # by scanning the file as text, each reported at its line on the chart's values node.
    for hv in rg.resources("helm:values"):
        vfile = hv.source.file if hv.source is not None else ""
        if not vfile:
            continue
        for line, m in scan_text(rg.facts.text(vfile, limit=512 * 1024) or ""):
            ev = {"origin": vfile, **m.to_dict()}
            out.append((hv, f"{vfile}:{m.key}", m, ev, SourceLocation(vfile, line)))
    anchor = repo_anchor(rg)
    for (p, key), (line, m) in sorted(tfvars_hits.items(), key=lambda kv: (kv[0][0], kv[1][0])):
        if (p, key) in used:
            continue
        out.append((anchor, f"{p}:{key}", m, {"origin": p, **m.to_dict()}, SourceLocation(p, line)))
    return tuple(out)


def _variable_secrets(
    rg: ResourceGraph,
    tfvars_hits: Mapping[tuple[str, str], tuple[int, SecretMatch]],
    used: set[tuple[str, str]],
) -> tuple[list[_SecretFinding], dict[str, SecretMatch]]:
    """Secrets held by variables and locals (one per variable), and the secret variables by address."""
    out: list[_SecretFinding] = []
    secret_vars: dict[str, SecretMatch] = {}
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
    return out, secret_vars


def _resource_secrets(
    rg: ResourceGraph, res: Resource, secret_vars: Mapping[str, SecretMatch]
) -> list[_SecretFinding]:
    """Secrets written in ``res``'s attributes, and secret variables flowing into its plain-text sinks."""
    out: list[_SecretFinding] = []
    found = list(iter_secrets(dict(res.attrs)))
    is_ssm = res.kind == "aws_ssm_parameter"
    if not found and not secret_vars and not is_ssm:
        return out
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
    aggregates=("CTR005", "CTR006", "CTR007"),
)
def hardcoded_secrets(rg: ResourceGraph, upstream: Mapping[str, Sequence[Hit]]) -> Iterator[Hit]:
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
        for h in upstream[rid]:
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
    for p in sorted(rg.facts.paths):
        if not _SECRET_FILES.search(p) or _SECRET_FILE_OK.search(p):
            continue
        text = rg.facts.text(p, limit=256 * 1024)
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

    if secret.attrs.get("type") in _TYPED_SECRETS:
        return True
    src = secret.source
    text = rg.facts.text(src.file, limit=1024 * 1024) if src is not None and src.file else None
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
    paths = set(rg.facts.paths)
    for sec in rg.resources("compose:secret"):
        f = sec.attrs.get("file")
        cfile = sec.meta.get("compose_file") if isinstance(sec.meta, Mapping) else None
        if not isinstance(f, str) or not f.strip() or f.startswith(("/", "~", "$")):
            continue
        base = posixpath.dirname(cfile) if isinstance(cfile, str) else ""
        rel = posixpath.normpath(posixpath.join(base, f))
        if rel.startswith("../") or rel not in paths or _SECRET_FILE_OK.search(rel):
            continue
        text = (rg.facts.text(rel, limit=64 * 1024) or "").strip()
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
