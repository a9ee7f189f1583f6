"""Rules of the containers area (CTR001–CTR017): images, secrets, probes, limits, PSS, NetworkPolicy.

Dockerfile rules read the stage nodes of :mod:`infra_review.loaders.dockerfile`, Kubernetes rules
the objects of :mod:`infra_review.loaders.kubernetes` (through :mod:`infra_review.analysis.k8s`),
Terraform rules the normalised attributes of the Terraform loader (``container_definitions`` is
JSON text when the loader could render ``jsonencode``; otherwise the rule answers UNKNOWN).

The helpers at the top are shared with :mod:`infra_review.rules.deployment`.

>>> is_root_user("0:0"), is_root_user("app"), is_root_user(None)
(True, False, True)
>>> image_problem("nginx"), image_problem("nginx:latest"), image_problem("nginx:1.27")
('no tag (implies latest)', 'tag latest', '')
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Any

from infra_review.analysis import k8s
from infra_review.analysis.links import CLUSTER_MODULES
from infra_review.analysis.resource_blocks import block_of, blocks, json_list, loc, ref_targets
from infra_review.analysis.secrets import is_secret_key, scan_text, scan_value
from infra_review.graph import ResourceGraph
from infra_review.loaders.dockerfile import parse_image_ref
from infra_review.loaders.kubernetes import TEMPLATED
from infra_review.model import Area, Resource, Severity, SourceLocation, Status, Unresolved
from infra_review.model.coerce import as_int, as_list, first_block, is_true
from infra_review.rules._registry import Hit, rule

__all__ = [
    "image_is_templated",
    "image_problem",
    "is_root_user",
    "stage_chain",
]

SYSTEM_NAMESPACES = frozenset({"kube-system", "kube-public", "kube-node-lease"})


def is_root_user(user: Any) -> bool:
    """True when a Dockerfile ``USER`` value (or its absence) means root."""
    if user is None:
        return True
    u = str(user).strip()
    name = u.split(":", 1)[0]
    return name in ("", "root", "0")


_TEMPLATED = re.compile(r"\$\{|\$\(|\{\{|^\$[A-Za-z_]|<[A-Z_]+>")


def image_is_templated(image: str) -> bool:
    return bool(_TEMPLATED.search(image))


def image_problem(image: str) -> str:
    """``'tag latest'``, ``'no tag (implies latest)'`` or ``''`` for a pinned reference."""
    ref = parse_image_ref(image)
    if ref["digest"]:
        return ""
    if ref["tag"] is None:
        return "no tag (implies latest)"
    if ref["tag"].lower() == "latest":
        return "tag latest"
    return ""


def stage_chain(stage: Resource, stages_by_index: Mapping[int, Resource]) -> Iterator[Resource]:
    """The stage and the stages it is built ``FROM`` (alias chain), nearest first."""
    seen: set[int | None] = set()
    cur: Resource | None = stage
    while cur is not None and (index := as_int(cur.attrs.get("index"))) not in seen:
        seen.add(index)
        yield cur
        parent = cur.attrs.get("from_stage")
        cur = stages_by_index.get(parent) if isinstance(parent, int) else None


def _entries(stage: Resource, key: str) -> list[Mapping[str, Any]]:
    """The mapping entries of a Dockerfile node's list attribute (``runs``, ``copies``, ...);
    anything else there (a string, ``None``, an unresolved value) is skipped, never raised on."""
    return [e for e in as_list(stage.attrs.get(key)) if isinstance(e, Mapping)]


def _line(item: Mapping[str, Any] | Any) -> int:
    """The ``line`` of an entry, ``0`` when absent or not a number."""
    return (as_int(item.get("line")) or 0) if isinstance(item, Mapping) else 0


def _stages_of(rg: ResourceGraph) -> dict[str, dict[int, Resource]]:
    """Dockerfile path → stage index → stage node."""
    out: dict[str, dict[int, Resource]] = defaultdict(dict)
    for r in rg.resources("dockerfile", "dockerfile:stage"):
        index = as_int(r.attrs.get("index", 0))
        if index is not None:
            out[str(r.meta.get("dockerfile"))][index] = r
    return out


def _base_stage(rg: ResourceGraph, stage: Resource) -> Resource:
    """The stage whose external image the given stage is ultimately built FROM."""
    chain = list(stage_chain(stage, _stages_of(rg).get(str(stage.meta.get("dockerfile")), {})))
    return chain[-1]


def _image_str(stage: Resource) -> str:
    img = first_block(stage.attrs.get("image"))
    repo = str(img.get("repository") or "")
    if img.get("tag"):
        repo += f":{img['tag']}"
    if img.get("digest"):
        repo += f"@{img['digest']}"
    return repo


# -- CTR001 ---------------------------------------------------------------------------------------
_MINIMAL = re.compile(
    r"distroless|(^|/)cgr\.dev/chainguard/|chainguard/|alpine|-slim(\b|-|$)|(^|/)ubi\d*-micro|ubi\d*/ubi-micro|"
    r"(^|/)scratch$|-micro(:|$)",
    re.IGNORECASE,
)


@rule("CTR001", area=Area.CONTAINERS, severity=Severity.MEDIUM, title="Final image not on a minimal base")
def minimal_base_image(rg: ResourceGraph) -> Iterator[Hit]:
    """The final stage of a Dockerfile is built on a full distribution image.

    Allowed bases: ``scratch``, distroless (``gcr.io/distroless/*``), Chainguard
    (``cgr.dev/chainguard/*``), anything ``alpine``, ``*-slim`` tags, ``ubi*-micro``.  A final
    stage ``FROM <earlier stage>`` is judged by the image that stage chain starts from.  A base
    given by an ``ARG`` without a default is UNKNOWN.

    Why it matters
    --------------
    Every package in the base image is attack surface and scanner noise: full ``ubuntu`` or
    ``python:3.12`` images carry compilers, shells and hundreds of CVEs the service never uses.

    Remediation
    -----------
    Build in a full image, then ``COPY --from=build`` the artefact into a distroless, Chainguard,
    ``-slim`` or ``alpine`` final stage.

    Example
    -------
    .. code-block:: dockerfile

        FROM python:3.12 AS build
        FROM python:3.12-slim
        COPY --from=build /app /app
    """
    for stage in rg.resources("dockerfile"):
        base = _base_stage(rg, stage)
        if base.attrs.get("scratch"):
            continue
        if not base.attrs.get("image_resolved", True):
            yield Hit(
                stage,
                "final base image is set by a build ARG without a default",
                "FROM",
                Status.UNKNOWN,
                location=loc(stage, line=base.line),
            )
            continue
        image = _image_str(base)
        if _MINIMAL.search(image):
            continue
        yield Hit(
            stage,
            f"final stage is based on {image}, not a minimal image (distroless, alpine, -slim, scratch)",
            "FROM",
            evidence={"image": image},
            location=loc(stage, line=base.line),
        )


# -- CTR002 ---------------------------------------------------------------------------------------
def _image_hits(res: Resource, image: Any, attribute: str, location: SourceLocation | None) -> Iterator[Hit]:
    if not isinstance(image, str) or not image.strip():
        return
    if image_is_templated(image):
        yield Hit(
            res,
            "image reference is templated; its tag cannot be checked",
            attribute,
            Status.UNKNOWN,
            evidence={"image": image},
            location=location,
        )
        return
    problem = image_problem(image)
    if problem:
        yield Hit(
            res,
            f"image {image}: {problem}; the running version can change under you",
            attribute,
            evidence={"image": image},
            location=location,
        )
    elif not parse_image_ref(image)["digest"]:
        yield Hit(
            res,
            f"image {image} is pinned by tag only, not by digest",
            attribute,
            evidence={"image": image},
            severity=Severity.INFO,
            location=location,
        )


@rule(
    "CTR002",
    area=Area.CONTAINERS,
    severity=Severity.MEDIUM,
    title="Image tag latest or missing",
    checkov=("CKV_DOCKER_7", "CKV_K8S_14", "CKV_K8S_43"),
)
def image_tag_pinned(rg: ResourceGraph) -> Iterator[Hit]:
    """A ``FROM`` line, Kubernetes container or Compose service uses ``:latest`` or no tag.

    An image pinned by tag but not by digest is reported at ``info`` severity.  An image whose
    tag is set by a Kustomization ``images`` entry (``newTag``/``digest``) counts as pinned.  Helm
    ``values.yaml`` images are checked too; an empty ``tag`` there means the chart's
    ``appVersion`` and is not reported.  Stages built
    ``FROM`` an earlier stage and ``scratch`` are skipped; templated references are UNKNOWN.

    Why it matters
    --------------
    ``latest`` (or no tag) makes builds and rollouts non-reproducible: two nodes can run
    different code, and a rollback re-pulls the same moving tag.

    Remediation
    -----------
    Pin a version tag, ideally with the digest: ``nginx:1.27.2@sha256:…``; let a bot (Renovate,
    Dependabot) bump it.

    Example
    -------
    .. code-block:: yaml

        image: ghcr.io/acme/api:1.4.2@sha256:3b1f…
    """
    for stage in rg.resources("dockerfile", "dockerfile:stage"):
        if stage.attrs.get("scratch") or stage.attrs.get("from_stage") is not None:
            continue
        if not stage.attrs.get("image_resolved", True):
            yield Hit(
                stage,
                "base image is set by a build ARG without a default",
                "FROM",
                Status.UNKNOWN,
                location=loc(stage),
            )
            continue
        yield from _image_hits(stage, _image_str(stage), "FROM", loc(stage))
    overrides = kustomize_image_overrides(rg)
    for w in k8s.workloads(rg):
        for c, path, line in k8s.containers(w, init=True):
            image = c.get("image")
            if isinstance(image, str) and parse_image_ref(image)["repository"] in overrides:
                pinned = overrides[parse_image_ref(image)["repository"]]
                if pinned:
                    continue  # the tag/digest is set by a Kustomization ``images`` entry
            yield from _image_hits(w, image, f"{path}.image", loc(w, line=line))
    for hv in rg.resources("helm:values"):
        for img in _entries(hv, "images"):
            tag = img.get("tag")
            where = loc(hv, line=_line(img))
            if isinstance(img.get("image"), str):
                yield from _image_hits(hv, img["image"], str(img.get("path", "image")), where)
            elif tag is not None and str(tag).lower() == "latest" and not img.get("digest"):
                yield Hit(
                    hv,
                    f"chart value {img.get('path')} uses tag latest",
                    f"{img.get('path')}.tag",
                    evidence={"repository": img.get("repository")},
                    location=where,
                )
    for svc in rg.resources("compose:service"):
        if isinstance(svc.attrs.get("build"), Mapping):
            continue  # built locally; the Dockerfile's FROM is checked instead
        yield from _image_hits(svc, svc.attrs.get("image"), "image", loc(svc, "image"))


def kustomize_image_overrides(rg: ResourceGraph) -> dict[str, bool]:
    """Image names rewritten by a Kustomization ``images`` entry → pinned (tag not latest, or digest)."""
    out: dict[str, bool] = {}
    for kz in rg.resources("k8s:Kustomization"):
        for entry in as_list(kz.attrs.get("images")):
            if not isinstance(entry, Mapping) or not isinstance(entry.get("name"), str):
                continue
            tag, digest = entry.get("newTag"), entry.get("digest")
            pinned = bool(digest) or (tag not in (None, "") and str(tag).lower() != "latest")
            out[entry["name"]] = out.get(entry["name"], False) or pinned
    return out


# -- CTR003 ---------------------------------------------------------------------------------------
_INSTALL = re.compile(r"\b(apt-get|apt|apk|yum|dnf|microdnf|zypper)\b[^;&|\n]*\b(install|add)\b([^;&|\n]*)")
_TOOLCHAIN = re.compile(
    r"(^|\s)(gcc|g\+\+|clang|build-essential|make|cmake|musl-dev|[\w.+-]+-dev|[\w.+-]+-devel|"
    r"golang|openjdk-\d+-jdk|maven|rust|cargo)(\s|$|=)"
)
_BUILD = re.compile(
    r"\bgo build\b|\bmvn\b|\bgradle\b|\./gradlew\b|\bcargo build\b|\bdotnet (publish|build)\b|"
    r"\bnpm run build\b|\byarn (run )?build\b|\bpnpm (run )?build\b|\bmake\b(?!dir)"
)
_NPM_FULL = re.compile(r"\bnpm (ci|install|i)\b(?![^;&|\n]*(--omit[= ]dev|--production|--only[= ]prod))")


@rule("CTR003", area=Area.CONTAINERS, severity=Severity.LOW, title="Single-stage build ships its toolchain")
def multi_stage_build(rg: ResourceGraph) -> Iterator[Hit]:
    """A single-stage Dockerfile installs a toolchain or builds the application in place.

    Signals: installing ``gcc``, ``build-essential``, ``make``, ``*-dev`` packages, or running
    ``go build``, ``mvn``, ``gradle``, ``cargo build``, ``npm run build``, ``npm ci`` without
    ``--omit=dev``.

    Why it matters
    --------------
    Compilers, dev headers and dev dependencies end up in the runtime image: larger pulls,
    slower cold starts and far more to patch and to exploit.

    Remediation
    -----------
    Split into a build stage and a minimal final stage that only copies the artefact.

    Example
    -------
    .. code-block:: dockerfile

        FROM golang:1.22 AS build
        RUN go build -o /out/app ./cmd/app
        FROM gcr.io/distroless/static:nonroot
        COPY --from=build /out/app /app
    """
    for stage in rg.resources("dockerfile"):
        if stage.meta.get("stage_count", 1) != 1:
            continue
        for run in _entries(stage, "runs"):
            cmd = str(run.get("command", ""))
            why = ""
            for m in _INSTALL.finditer(cmd):
                tm = _TOOLCHAIN.search(" " + m.group(3) + " ")
                if tm:
                    why = f"installs {tm.group(2)}"
                    break
            if not why:
                bm = _BUILD.search(cmd) or _NPM_FULL.search(cmd)
                if bm:
                    why = f"runs {bm.group(0).strip()}"
            if why:
                yield Hit(
                    stage,
                    f"single-stage build {why}; the toolchain stays in the runtime image",
                    "RUN",
                    location=loc(stage, line=_line(run)),
                )
                break


# -- CTR004 ---------------------------------------------------------------------------------------
@rule(
    "CTR004",
    area=Area.CONTAINERS,
    severity=Severity.LOW,
    title="Final stage copies the whole context",
    checkov=("CKV_DOCKER_11",),
)
def final_stage_context(rg: ResourceGraph) -> Iterator[Hit]:
    """The final stage ``COPY . .`` without a ``.dockerignore``, or is ``FROM`` a builder stage.

    Why it matters
    --------------
    Copying the whole build context drags ``.git``, ``.env`` files, local credentials and test
    data into the image.  A final stage built ``FROM`` the builder keeps the entire toolchain.

    Remediation
    -----------
    Add a ``.dockerignore`` (``.git``, ``.env*``, ``*.pem``, ``node_modules``) and copy only what
    runs; start the final stage from a minimal image and ``COPY --from=build`` the artefact.

    Example
    -------
    .. code-block:: dockerfile

        FROM node:22-slim
        COPY package.json package-lock.json ./
        COPY dist/ ./dist/
    """
    for stage in rg.resources("dockerfile"):
        frm = stage.attrs.get("from_stage")
        if isinstance(frm, int) and stage.meta.get("stage_count", 1) > 1:
            yield Hit(
                stage,
                "final stage is FROM an earlier (builder) stage and keeps its toolchain",
                "FROM",
                location=loc(stage),
            )
            continue
        if stage.meta.get("dockerignore") is not None:
            continue
        for cp in _entries(stage, "copies"):
            if cp.get("from") or cp.get("heredoc"):
                continue
            if any(str(s).rstrip("/") in (".", "./", "") for s in cp.get("sources") or []):
                yield Hit(
                    stage,
                    f"{cp.get('instruction', 'COPY')} of the whole build context without a .dockerignore",
                    cp.get("instruction", "COPY"),
                    location=loc(stage, line=_line(cp)),
                )
                break


# -- CTR005 ---------------------------------------------------------------------------------------
_SECRET_FILES = re.compile(
    r"(^|/)(\.env(\.[\w.-]+)?|id_rsa|id_dsa|id_ecdsa|id_ed25519|\.npmrc|\.pypirc|\.netrc|\.git-credentials|"
    r"credentials|\.dockercfg|config\.json|[\w.-]*\.pem|[\w.-]*\.key|[\w.-]*\.p12|[\w.-]*\.pfx|[\w.-]*\.jks|"
    r"kubeconfig|service-account[\w.-]*\.json|\.ssh/?[\w.-]*|\.aws/[\w.-]*)$",
    re.IGNORECASE,
)
_SECRET_FILE_OK = re.compile(
    r"\.env\.(example|sample|template|dist)$|\.pub$|(^|/)package(-lock)?\.json$", re.I
)
_TLS_BYPASS = re.compile(
    r"curl\b[^;&|\n]*\s(-k|--insecure)\b|wget\b[^;&|\n]*--no-check-certificate|"
    r"NODE_TLS_REJECT_UNAUTHORIZED\s*=\s*['\"]?0|PYTHONHTTPSVERIFY\s*=\s*['\"]?0|"
    r"--trusted-host\b|PIP_TRUSTED_HOST|sslVerify\s+false|strict-ssl\s+false|GIT_SSL_NO_VERIFY",
    re.IGNORECASE,
)
_TOKEN_KINDS_SKIP = ("keyword", "high_entropy_hex", "high_entropy_base64")
_VAR_REF = re.compile(r"^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$")


def _token_match(text: str) -> Any:
    m = scan_value("", text)
    return m if m is not None and m.kind not in _TOKEN_KINDS_SKIP else None


@rule(
    "CTR005",
    area=Area.CONTAINERS,
    severity=Severity.CRITICAL,
    title="Secret baked into an image",
    checkov=("CKV_SECRET_2", "CKV2_DOCKER_1"),
    no_env_downgrade=True,
)
def dockerfile_secrets(rg: ResourceGraph) -> Iterator[Hit]:
    """A Dockerfile bakes a secret into an image layer or its history.

    Flagged: ``ENV``/``ARG`` with a secret-like name and a literal value; ``ENV`` with a
    secret-like name set from a build ``ARG`` (it persists in the image); a known token format
    (``AKIA…``, ``-----BEGIN … PRIVATE KEY-----``, ``ghp_…``, ``xox?-…``) in any instruction;
    ``COPY``/``ADD`` of ``.env``, ``id_rsa``, ``*.pem``, ``*.key``, ``.npmrc``, ``.aws/``…;
    and disabled TLS verification (``curl -k``, ``--no-check-certificate``,
    ``NODE_TLS_REJECT_UNAUTHORIZED=0``) at high severity.  Values are never shown.

    Why it matters
    --------------
    Every layer and ``docker history`` is readable by anyone who can pull the image; a secret in
    an ``ENV``, ``ARG`` or copied file is leaked to every registry, cache and node it reaches.

    Remediation
    -----------
    Pass build secrets with ``RUN --mount=type=secret,id=…`` and runtime secrets from a secret
    store at start-up; keep key files out of the build context with ``.dockerignore``.

    Example
    -------
    .. code-block:: dockerfile

        RUN --mount=type=secret,id=npm,target=/root/.npmrc npm ci --omit=dev
    """
    for stage in rg.resources("dockerfile", "dockerfile:stage"):
        start = stage.line
        for section in ("env", "args"):
            for key, item in first_block(stage.attrs.get(section)).items():
                if not isinstance(item, Mapping) or _line(item) < start:
                    continue  # inherited from an earlier stage: reported there
                m = scan_value(str(key), item.get("value"))
                what = "ENV" if section == "env" else "ARG"
                if m is not None:
                    yield Hit(
                        stage,
                        f"{what} {key} holds a literal secret ({m.kind}, {m.redacted})",
                        f"{what}.{key}",
                        evidence={"kind": m.kind},
                        location=loc(stage, line=_line(item)),
                    )
                    continue
                arg = _VAR_REF.match(str(item.get("value") or ""))
                args = first_block(stage.attrs.get("args"))
                declared = set(args) | set(stage.meta.get("global_args") or {})
                if section == "env" and arg and arg.group(1) in declared and is_secret_key(str(key)):
                    yield Hit(
                        stage,
                        f"ENV {key} copies the build argument {arg.group(1)} into the image configuration",
                        f"ENV.{key}",
                        location=loc(stage, line=_line(item)),
                    )
        for ins in _entries(stage, "instructions"):
            if ins.get("instruction") in ("ENV", "ARG"):
                continue
            m = _token_match(str(ins.get("args", "")))
            if m is not None:
                yield Hit(
                    stage,
                    f"{ins.get('instruction')} contains a {m.description} ({m.redacted})",
                    str(ins.get("instruction")),
                    evidence={"kind": m.kind},
                    location=loc(stage, line=_line(ins)),
                )
        for run in _entries(stage, "runs"):
            if run.get("heredoc"):
                m = _token_match(str(run.get("command", "")))
                if m is not None:
                    yield Hit(
                        stage,
                        f"RUN heredoc contains a {m.description} ({m.redacted})",
                        "RUN",
                        evidence={"kind": m.kind},
                        location=loc(stage, line=_line(run)),
                    )
            tls = _TLS_BYPASS.search(str(run.get("command", "")))
            if tls:
                yield Hit(
                    stage,
                    "RUN disables TLS certificate verification",
                    "RUN",
                    severity=Severity.HIGH,
                    location=loc(stage, line=_line(run)),
                )
        for cp in _entries(stage, "copies"):
            if cp.get("from"):
                continue
            for src in cp.get("sources") or []:
                s = str(src).rstrip("/")
                if _SECRET_FILES.search(s) and not _SECRET_FILE_OK.search(s):
                    yield Hit(
                        stage,
                        f"{cp.get('instruction')} copies a secret-bearing file ({s.rsplit('/', 1)[-1]})",
                        str(cp.get("instruction")),
                        location=loc(stage, line=_line(cp)),
                    )
                    break


# -- CTR006 ---------------------------------------------------------------------------------------
@rule(
    "CTR006",
    area=Area.CONTAINERS,
    severity=Severity.HIGH,
    title="Secret in a manifest or its environment",
    checkov=("CKV_K8S_35",),
    no_env_downgrade=True,
)
def k8s_secrets(rg: ResourceGraph) -> Iterator[Hit]:
    """A Kubernetes container env, ConfigMap, committed ``Secret`` or Compose env holds a secret.

    Flagged: ``env[].value`` literal under a secret-like name (or a known token format);
    ``kind: Secret`` committed with non-empty ``data``/``stringData`` (use SealedSecrets, SOPS,
    External Secrets); a ConfigMap key that is secret-like with a literal value; a Compose
    ``environment`` secret (medium: usually local development).  ``valueFrom.secretKeyRef`` is
    reported as an informational PASS (mounting the secret as a file is preferable).

    Why it matters
    --------------
    Manifests live in git and in the cluster's etcd; a literal secret there is readable by
    anyone with repository or ``get`` access and cannot be rotated without a commit.

    Remediation
    -----------
    Reference a Secret (``valueFrom.secretKeyRef``) produced by External Secrets, Sealed Secrets
    or the CSI secret store driver; never commit Secret manifests with data.

    Example
    -------
    .. code-block:: yaml

        env:
        - name: DB_PASSWORD
          valueFrom: {secretKeyRef: {name: db, key: password}}
    """
    for w in k8s.workloads(rg):
        for c, path, line in k8s.containers(w, init=True):
            for i, e in enumerate(c.get("env") or []):
                if not isinstance(e, Mapping):
                    continue
                name = str(e.get("name", ""))
                epath = f"{path}.env[{i}]"
                if "value" in e:
                    m = scan_value(name, e.get("value") if isinstance(e.get("value"), str) else None)
                    if m is not None:
                        yield Hit(
                            w,
                            f"container {c.get('name')} env {name} is a literal secret ({m.redacted})",
                            f"{epath}.value",
                            evidence={"kind": m.kind},
                            location=loc(w, f"{epath}.value", line),
                        )
                elif isinstance(k8s.get_path(e, "valueFrom.secretKeyRef"), Mapping):
                    yield Hit(
                        w,
                        f"container {c.get('name')} env {name} comes from a Secret (a mounted file is "
                        "preferable)",
                        f"{epath}.valueFrom",
                        Status.PASS,
                        severity=Severity.INFO,
                        location=loc(w, epath, line),
                    )
    for s in rg.resources("k8s:Secret"):
        keys: list[str] = []
        for section in ("data", "stringData"):
            values = s.attrs.get(section)
            if isinstance(values, Mapping):
                keys += [str(k) for k, v in values.items() if v not in (None, "", TEMPLATED)]
            elif values not in (None, "", TEMPLATED):
                keys.append(f"({section})")
        if keys and s.attrs.get("type") != "kubernetes.io/service-account-token":
            yield Hit(
                s,
                f"Secret committed with {len(keys)} data value(s); values are in git",
                "data",
                location=loc(s, "data") or loc(s, "stringData"),
                evidence={"keys": sorted(keys)[:20]},
            )
    for cm in rg.resources("k8s:ConfigMap"):
        data = cm.attrs.get("data")
        if isinstance(data, Mapping):
            for k, v in data.items():
                m = scan_value(str(k), v) if "\n" not in str(v) else _token_match(str(v))
                if m is not None:
                    yield Hit(
                        cm,
                        f"ConfigMap key {k} holds a secret ({m.redacted})",
                        f"data.{k}",
                        evidence={"kind": m.kind},
                        location=loc(cm, f"data.{k}"),
                    )
    for svc in rg.resources("compose:service"):
        env = svc.attrs.get("environment")
        for k, v in env.items() if isinstance(env, Mapping) else ():
            m = scan_value(str(k), v if isinstance(v, str) else None)
            if m is not None:
                yield Hit(
                    svc,
                    f"environment {k} is a literal secret ({m.redacted})",
                    f"environment.{k}",
                    severity=Severity.MEDIUM,
                    evidence={"kind": m.kind},
                    location=loc(svc, f"environment.{k}"),
                )


# -- CTR007 ---------------------------------------------------------------------------------------
@rule(
    "CTR007",
    area=Area.CONTAINERS,
    severity=Severity.HIGH,
    title="Secret in ECS/Lambda environment or user_data",
    checkov=("CKV_AWS_45", "CKV_AWS_46"),
    no_env_downgrade=True,
)
def terraform_runtime_secrets(rg: ResourceGraph) -> Iterator[Hit]:
    """A secret reaches a container or function as a plain environment value in Terraform.

    Checked: ``aws_ecs_task_definition.container_definitions[].environment`` (use
    ``secrets[].valueFrom``), ``aws_lambda_function.environment.variables`` and ``user_data`` of
    instances and launch templates.  ``container_definitions`` that could not be rendered is
    UNKNOWN.

    Why it matters
    --------------
    Task-definition and Lambda environments are readable in plain text by anyone with
    ``Describe*``/``GetFunctionConfiguration`` and are kept in every revision; user data is
    readable from the instance metadata service by every process on the host.

    Remediation
    -----------
    Reference Secrets Manager or SSM SecureString values: ``secrets = [{name, valueFrom}]`` in
    the container definition, and fetch at start-up in Lambda and user data.

    Example
    -------
    .. code-block:: hcl

        secrets = [{ name = "DB_PASSWORD", valueFrom = aws_secretsmanager_secret.db.arn }]
    """
    for td in rg.resources("aws_ecs_task_definition"):
        defs = json_list(td.attrs.get("container_definitions"))
        if isinstance(defs, Unresolved):
            yield Hit(
                td,
                "container_definitions is not statically known; environment not checked",
                "container_definitions",
                Status.UNKNOWN,
            )
            continue
        for i, cdef in enumerate(defs or []):
            if not isinstance(cdef, Mapping):
                continue
            for j, env in enumerate(cdef.get("environment") or []):
                if not isinstance(env, Mapping):
                    continue
                m = scan_value(str(env.get("name", "")), env.get("value"))
                if m is not None:
                    yield Hit(
                        td,
                        f"container {cdef.get('name', i)} environment {env.get('name')} is a literal "
                        f"secret ({m.redacted}); use secrets[].valueFrom",
                        f"container_definitions[{i}].environment[{j}].value",
                        evidence={"kind": m.kind},
                    )
    for fn in rg.resources("aws_lambda_function"):
        for i, env in enumerate(blocks(fn, "environment")):
            variables = env.get("variables")
            if not isinstance(variables, Mapping):
                continue
            for k, v in variables.items():
                m = scan_value(str(k), v)
                if m is not None:
                    yield Hit(
                        fn,
                        f"environment variable {k} is a literal secret ({m.redacted})",
                        f"environment[{i}].variables.{k}",
                        evidence={"kind": m.kind},
                    )
                elif isinstance(v, Unresolved) and is_secret_key(str(k)):
                    yield Hit(
                        fn,
                        f"environment variable {k} receives a secret from {_short_expr(v)}; Lambda "
                        "environment variables are plain text in the console and API",
                        f"environment[{i}].variables.{k}",
                        evidence={"refs": list(v.refs)[:10]},
                    )
    for res in rg.resources("aws_instance", "aws_launch_template", "aws_launch_configuration"):
        ud = res.attrs.get("user_data")
        text = ud.expr if isinstance(ud, Unresolved) else ud
        if isinstance(text, str):
            found = scan_text(text)
            if found:
                _, m = found[0]
                yield Hit(
                    res,
                    f"user_data contains a secret ({m.kind}, {m.redacted}); "
                    "it is readable from instance metadata",
                    "user_data",
                    evidence={"kind": m.kind, "count": len(found)},
                )
                continue
        secret_vars = sorted(
            r.address
            for r, data in rg.dependencies(res.address, kinds={"ref"})
            if str(data.get("attr", "")).startswith("user_data")
            and r.block in ("variable", "local")
            and (is_secret_key(r.name) or r.attrs.get("sensitive") is True)
        )
        if secret_vars:
            yield Hit(
                res,
                f"user_data renders {', '.join(secret_vars[:3])}; it is readable from instance metadata",
                "user_data",
                evidence={"variables": secret_vars},
            )


def _short_expr(value: Unresolved) -> str:
    expr = value.expr if len(value.expr) <= 60 else value.expr[:57] + "..."
    return expr if not value.refs else ", ".join(value.refs[:2])


# -- CTR008 ---------------------------------------------------------------------------------------
_NO_PROBES = frozenset({"k8s:Job", "k8s:CronJob"})


@rule(
    "CTR008",
    area=Area.CONTAINERS,
    severity=Severity.MEDIUM,
    title="Container without readiness/liveness probe",
    checkov=("CKV_K8S_9", "CKV_K8S_8"),
)
def k8s_probes(rg: ResourceGraph) -> Iterator[Hit]:
    """A long-running container has no ``readinessProbe`` (medium) or no ``livenessProbe`` (low).

    Jobs, CronJobs and bare Pods with ``restartPolicy: Never``/``OnFailure`` run to completion and
    are skipped; init containers are not probed.

    Why it matters
    --------------
    Without a readiness probe traffic reaches pods before they can serve and during shutdown;
    without a liveness probe a deadlocked process is never restarted.

    Remediation
    -----------
    Add an HTTP/TCP/gRPC ``readinessProbe`` on the serving port and a cheaper ``livenessProbe``
    (plus a ``startupProbe`` for slow starters).

    Example
    -------
    .. code-block:: yaml

        readinessProbe: {httpGet: {path: /ready, port: 8080}, periodSeconds: 5}
        livenessProbe: {httpGet: {path: /healthz, port: 8080}, periodSeconds: 10}
    """
    for w in k8s.workloads(rg):
        if w.kind in _NO_PROBES:
            continue
        if w.kind == "k8s:Pod" and k8s.pod_spec(w).get("restartPolicy") in ("Never", "OnFailure"):
            continue  # a run-to-completion pod
        for c, path, line in k8s.containers(w):
            if not isinstance(c.get("readinessProbe"), Mapping):
                yield Hit(
                    w,
                    f"container {c.get('name')} has no readinessProbe",
                    f"{path}.readinessProbe",
                    location=loc(w, line=line),
                )
            if not isinstance(c.get("livenessProbe"), Mapping):
                yield Hit(
                    w,
                    f"container {c.get('name')} has no livenessProbe",
                    f"{path}.livenessProbe",
                    severity=Severity.LOW,
                    location=loc(w, line=line),
                )


# -- CTR009 ---------------------------------------------------------------------------------------
def _workload_has_probes(w: Resource) -> bool:
    return any(
        isinstance(c.get("readinessProbe"), Mapping) or isinstance(c.get("livenessProbe"), Mapping)
        for c, _, _ in k8s.containers(w)
    )


@rule(
    "CTR009",
    area=Area.CONTAINERS,
    severity=Severity.LOW,
    title="Dockerfile without HEALTHCHECK",
    checkov=("CKV_DOCKER_2",),
)
def dockerfile_healthcheck(rg: ResourceGraph) -> Iterator[Hit]:
    """The final stage has no ``HEALTHCHECK`` (or ``HEALTHCHECK NONE``).

    Reported at ``info`` when a Kubernetes workload running this image (``runs_image`` edge)
    has probes — Kubernetes ignores ``HEALTHCHECK``, so the probes are what count there.

    Why it matters
    --------------
    Docker, Compose and ECS use the image's health check to restart or replace a hung
    container and to gate ``depends_on: service_healthy``.

    Remediation
    -----------
    Add a ``HEALTHCHECK`` that exercises the service (an exec-form binary in distroless
    images), or rely on orchestrator probes and say so.

    Example
    -------
    .. code-block:: dockerfile

        HEALTHCHECK --interval=30s --timeout=3s CMD ["/app", "healthcheck"]
    """
    for stage in rg.resources("dockerfile"):
        hc = stage.attrs.get("healthcheck")
        if isinstance(hc, Mapping) and not hc.get("none"):
            continue
        runners = [r for r, _ in rg.dependents(stage.address, kinds={"runs_image"}) if k8s.is_workload(r)]
        probed = [r.address for r in runners if _workload_has_probes(r)]
        what = "HEALTHCHECK NONE" if isinstance(hc, Mapping) else "no HEALTHCHECK"
        if probed:
            yield Hit(
                stage,
                f"{what}; the Kubernetes workload running this image has probes",
                "HEALTHCHECK",
                severity=Severity.INFO,
                evidence={"workloads": probed},
            )
        else:
            yield Hit(stage, f"{what} in the final stage", "HEALTHCHECK", location=loc(stage))


# -- CTR010 ---------------------------------------------------------------------------------------
@rule(
    "CTR010",
    area=Area.CONTAINERS,
    severity=Severity.MEDIUM,
    title="Load-balanced targets without health checks",
    checkov=("CKV_AWS_261", "CKV2_AWS_15"),
)
def terraform_health_checks(rg: ResourceGraph) -> Iterator[Hit]:
    """Target groups, ASGs and ECS containers that are not health-checked properly.

    Flagged: ``aws_lb_target_group`` without a ``health_check`` block or with ``enabled =
    false``; an ASG with target groups whose ``health_check_type`` is not ``ELB``; an ECS task
    definition container without ``healthCheck`` whose service has no load balancer.

    Why it matters
    --------------
    The default check (``/`` on the traffic port) rarely reflects readiness, an EC2-type ASG
    health check only sees a running VM, and an ECS task without any check is never replaced
    when the process hangs.

    Remediation
    -----------
    Give every target group an explicit ``health_check`` on a real health endpoint, set
    ``health_check_type = "ELB"`` on ASGs behind a load balancer, and define ``healthCheck`` in
    container definitions.

    Example
    -------
    .. code-block:: hcl

        health_check { path = "/healthz"  matcher = "200"  healthy_threshold = 2 }
    """
    for tg in rg.resources("aws_lb_target_group", "aws_alb_target_group"):
        if tg.attrs.get("target_type") == "lambda":
            continue
        hcs = blocks(tg, "health_check")
        if not hcs and not isinstance(tg.attrs.get("health_check"), Unresolved):
            yield Hit(
                tg,
                "target group has no health_check block (defaults to / on the traffic port)",
                "health_check",
            )
        elif hcs and hcs[0].get("enabled") is False:
            yield Hit(tg, "target group health check is disabled", "health_check[0].enabled")
    attached: set[str] = set()
    for att in rg.resources("aws_autoscaling_attachment"):
        for t in ref_targets(att.attrs.get("autoscaling_group_name")):
            attached.add(t)
    for asg in rg.resources("aws_autoscaling_group"):
        tgs = asg.attrs.get("target_group_arns")
        has_tg = bool(tgs) or asg.address in attached
        if not has_tg:
            continue
        hct = asg.attrs.get("health_check_type")
        if isinstance(hct, Unresolved):
            yield Hit(asg, "health_check_type is not statically known", "health_check_type", Status.UNKNOWN)
        elif str(hct or "EC2").upper() != "ELB":
            yield Hit(
                asg,
                f"ASG behind a load balancer uses health_check_type {hct or 'EC2 (default)'}, not ELB",
                "health_check_type",
            )
    for td in rg.resources("aws_ecs_task_definition"):
        services = rg.referrers(td.address, "aws_ecs_service")
        if any(blocks(s, "load_balancer") for s in services):
            continue
        defs = json_list(td.attrs.get("container_definitions"))
        if isinstance(defs, Unresolved):
            yield Hit(
                td,
                "container_definitions is not statically known; healthCheck not checked",
                "container_definitions",
                Status.UNKNOWN,
            )
            continue
        for i, cdef in enumerate(defs or []):
            if isinstance(cdef, Mapping) and cdef.get("essential", True) and not cdef.get("healthCheck"):
                yield Hit(
                    td,
                    f"container {cdef.get('name', i)} has no healthCheck and no load balancer checks it",
                    f"container_definitions[{i}].healthCheck",
                )
                break


# -- CTR011 ---------------------------------------------------------------------------------------
def _limit_ranges(rg: ResourceGraph) -> set[str]:
    out = set()
    for lr in rg.resources("k8s:LimitRange"):
        for lim in k8s.get_path(lr.attrs, "spec.limits") or []:
            if (
                isinstance(lim, Mapping)
                and lim.get("type", "Container") == "Container"
                and (lim.get("default") or lim.get("defaultRequest"))
            ):
                out.add(k8s.namespace_of(lr))
    return out


@rule(
    "CTR011",
    area=Area.CONTAINERS,
    severity=Severity.HIGH,
    title="Container without requests and limits",
    checkov=("CKV_K8S_10", "CKV_K8S_11", "CKV_K8S_12", "CKV_K8S_13"),
)
def k8s_resources(rg: ResourceGraph) -> Iterator[Hit]:
    """A container lacks ``requests.cpu``/``requests.memory``/``limits.memory`` or ``limits.cpu``.

    Missing requests or memory limit is high, a missing CPU limit is low.

    One level lower when the namespace has a ``LimitRange`` with container defaults.

    Why it matters
    --------------
    Without requests the scheduler packs pods blindly; without a memory limit one leaking pod
    takes the node (and its neighbours) down with it through the OOM killer.

    Remediation
    -----------
    Set requests from observed usage and a memory limit; add a namespace ``LimitRange`` as a
    safety net.

    Example
    -------
    .. code-block:: yaml

        resources:
          requests: {cpu: 100m, memory: 256Mi}
          limits: {memory: 512Mi}
    """
    ranged = _limit_ranges(rg)
    for w in k8s.workloads(rg):
        lower = k8s.namespace_of(w) in ranged
        for c, path, line in k8s.containers(w, init=True):
            res = c.get("resources") if isinstance(c.get("resources"), Mapping) else {}
            req = res.get("requests") if isinstance(res.get("requests"), Mapping) else {}
            lim = res.get("limits") if isinstance(res.get("limits"), Mapping) else {}
            missing_high = [
                n
                for n, ok in (
                    ("requests.cpu", "cpu" in req),
                    ("requests.memory", "memory" in req or "memory" in lim),
                    ("limits.memory", "memory" in lim),
                )
                if not ok
            ]
            missing_low = [] if "cpu" in lim else ["limits.cpu"]
            if not missing_high and not missing_low:
                continue
            sev = Severity.HIGH if missing_high else Severity.LOW
            if lower:
                sev = sev.lowered()
            note = " (namespace LimitRange supplies defaults)" if lower else ""
            yield Hit(
                w,
                f"container {c.get('name')} lacks {', '.join(missing_high + missing_low)}{note}",
                f"{path}.resources",
                severity=sev,
                evidence={"missing": missing_high + missing_low},
                location=loc(w, line=line),
            )


# -- CTR012 ---------------------------------------------------------------------------------------
@rule("CTR012", area=Area.CONTAINERS, severity=Severity.MEDIUM, title="ECS task without CPU/memory sizing")
def ecs_task_sizing(rg: ResourceGraph) -> Iterator[Hit]:
    """An ECS task definition has no task ``cpu``/``memory`` and a container has no memory setting.

    Fargate needs task-level ``cpu`` and ``memory``; on EC2, each container needs ``memory``
    or ``memoryReservation`` unless the task sets ``memory``.

    Why it matters
    --------------
    Unsized tasks are placed blindly and can starve or OOM-kill their neighbours on the
    container instance.

    Remediation
    -----------
    Set task ``cpu``/``memory`` and per-container ``memoryReservation`` (soft) and ``memory`` (hard).

    Example
    -------
    .. code-block:: hcl

        cpu    = 512
        memory = 1024
    """
    for td in rg.resources("aws_ecs_task_definition"):
        cpu, mem = td.attrs.get("cpu"), td.attrs.get("memory")
        compat = td.attrs.get("requires_compatibilities")
        fargate = isinstance(compat, list) and any(str(c).upper() == "FARGATE" for c in compat)
        if fargate:
            missing = [n for n, v in (("cpu", cpu), ("memory", mem)) if v in (None, "")]
            if missing:
                yield Hit(td, f"Fargate task definition without task {' and '.join(missing)}", missing[0])
            continue
        if mem not in (None, ""):
            continue
        defs = json_list(td.attrs.get("container_definitions"))
        if isinstance(defs, Unresolved):
            yield Hit(
                td,
                "no task memory and container_definitions is not statically known",
                "memory",
                Status.UNKNOWN,
            )
            continue
        for i, cdef in enumerate(defs or []):
            if (
                isinstance(cdef, Mapping)
                and cdef.get("memory") is None
                and cdef.get("memoryReservation") is None
            ):
                yield Hit(
                    td,
                    f"container {cdef.get('name', i)} has no memory/memoryReservation and the task no memory",
                    f"container_definitions[{i}].memory",
                )
                break


# -- CTR013 ---------------------------------------------------------------------------------------
_ENFORCE = "pod-security.kubernetes.io/enforce"


def _workload_namespaces(rg: ResourceGraph) -> dict[str, list[Resource]]:
    out: dict[str, list[Resource]] = defaultdict(list)
    for w in k8s.workloads(rg):
        ns = k8s.namespace_of(w)
        if ns not in SYSTEM_NAMESPACES:
            out[ns].append(w)
    return out


def _namespace_objects(rg: ResourceGraph) -> dict[str, Resource]:
    """Namespace name → the object declaring it: a manifest, else a Terraform ``kubernetes_namespace``."""
    out: dict[str, Resource] = {}
    for n in rg.resources("kubernetes_namespace", "kubernetes_namespace_v1"):
        name = block_of(n, "metadata").get("name")
        if isinstance(name, str):
            out[name] = n
    out.update({str(n.meta.get("name")): n for n in rg.resources("k8s:Namespace")})
    return out


def _namespace_labels(obj: Resource) -> Any:
    if obj.block == "k8s":
        return k8s.get_path(obj.attrs, "metadata.labels") or {}
    return block_of(obj, "metadata").get("labels") or {}


@rule(
    "CTR013", area=Area.CONTAINERS, severity=Severity.HIGH, title="Namespace without Pod Security Standards"
)
def pod_security_admission(rg: ResourceGraph) -> Iterator[Hit]:
    """A namespace running workloads does not enforce a Pod Security Standard.

    FAIL when its ``Namespace`` object (a manifest, or a Terraform ``kubernetes_namespace``)
    lacks the label ``pod-security.kubernetes.io/enforce`` or sets it to ``privileged``; UNKNOWN
    (on its first workload) when the namespace is not defined in the repository; FAIL for any
    ``PodSecurityPolicy`` (removed in Kubernetes 1.25).

    Why it matters
    --------------
    Pod Security Admission is the built-in guard against privileged pods, host namespaces and
    root containers; without ``enforce`` any workload with create rights can escape to the node.

    Remediation
    -----------
    Label each application namespace ``pod-security.kubernetes.io/enforce: restricted`` (or
    ``baseline``), pinned with ``enforce-version``; migrate PodSecurityPolicies to PSA or a
    policy engine (Kyverno, Gatekeeper).

    Example
    -------
    .. code-block:: yaml

        metadata:
          labels:
            pod-security.kubernetes.io/enforce: restricted
    """
    objects = _namespace_objects(rg)
    for ns, ws in sorted(_workload_namespaces(rg).items()):
        obj = objects.get(ns)
        if obj is None:
            first = sorted(ws, key=lambda r: r.address)[0]
            yield Hit(
                first,
                f"namespace {ns} is not defined in the repository; its Pod Security labels are unknown",
                "metadata.namespace",
                Status.UNKNOWN,
                evidence={"namespace": ns},
            )
            continue
        labels = _namespace_labels(obj)
        if isinstance(labels, Unresolved):
            yield Hit(
                obj, f"labels of namespace {ns} are not statically known", "metadata.labels", Status.UNKNOWN
            )
            continue
        level = labels.get(_ENFORCE) if isinstance(labels, Mapping) else None
        if isinstance(level, Unresolved):
            yield Hit(
                obj,
                f"{_ENFORCE} of namespace {ns} is not statically known",
                "metadata.labels",
                Status.UNKNOWN,
            )
        elif level is None:
            yield Hit(
                obj,
                f"namespace {ns} runs {len(ws)} workload(s) without {_ENFORCE}",
                f"metadata.labels.{_ENFORCE}",
                location=loc(obj, "metadata"),
            )
        elif str(level) == "privileged":
            yield Hit(
                obj,
                f"namespace {ns} enforces the privileged level (no restriction)",
                f"metadata.labels.{_ENFORCE}",
                location=loc(obj, f"metadata.labels.{_ENFORCE}"),
            )
    for psp in rg.resources("k8s:PodSecurityPolicy"):
        yield Hit(psp, "PodSecurityPolicy was removed in Kubernetes 1.25; it enforces nothing", "kind")


# -- CTR014 ---------------------------------------------------------------------------------------
_SOCKETS = re.compile(r"(docker|containerd|crio|cri-dockerd)\.sock$|^/var/run/docker\b|^/run/containerd\b")


def _dup_insecure(w: Resource, path: str, insecure: Any) -> bool:
    vals = (w.meta.get("duplicate_keys") or {}).get(path) or []
    return insecure in vals


@rule(
    "CTR014",
    area=Area.CONTAINERS,
    severity=Severity.HIGH,
    title="Container security context not restricted",
    checkov=(
        "CKV_K8S_16",
        "CKV_K8S_17",
        "CKV_K8S_18",
        "CKV_K8S_19",
        "CKV_K8S_20",
        "CKV_K8S_22",
        "CKV_K8S_23",
        "CKV_K8S_27",
        "CKV_K8S_31",
        "CKV_K8S_37",
    ),
)
def k8s_security_context(rg: ResourceGraph) -> Iterator[Hit]:
    """A pod or container misses the Pod Security Standards *restricted* settings.

    Per container (pod-level fields count where Kubernetes inherits them): ``privileged``,
    ``hostNetwork``/``hostPID``/``hostIPC``, a ``docker.sock``/``containerd.sock`` hostPath
    (critical); any other ``hostPath`` volume (forbidden by the *baseline* standard),
    ``allowPrivilegeEscalation`` not ``false``, ``runAsNonRoot`` not ``true`` (or
    ``runAsUser: 0``), ``capabilities.drop`` without ``ALL``, ``seccompProfile`` not
    ``RuntimeDefault``/``Localhost``, ``readOnlyRootFilesystem`` not ``true`` (high).  A
    duplicated key that once said ``privileged: true`` counts as privileged.

    Why it matters
    --------------
    Each of these is a step from a compromised process to the node: privileged containers and
    host namespaces are the node; root plus writable filesystem plus capabilities make
    container escapes and persistence easy.

    Remediation
    -----------
    Set a restricted ``securityContext`` on every pod and container; drop all capabilities and
    add back only what is needed.

    Example
    -------
    .. code-block:: yaml

        securityContext:
          runAsNonRoot: true
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          capabilities: {drop: [ALL]}
          seccompProfile: {type: RuntimeDefault}
    """
    for w in k8s.workloads(rg):
        spec = k8s.pod_spec(w)
        pod_sc = spec.get("securityContext") if isinstance(spec.get("securityContext"), Mapping) else {}
        spec_path = k8s.POD_SPEC_PATHS.get(w.kind, "spec")
        pod_crit = [
            f
            for f in ("hostNetwork", "hostPID", "hostIPC")
            if is_true(spec.get(f)) or _dup_insecure(w, f"{spec_path}.{f}", True)
        ]
        pod_high: list[str] = []
        for i, vol in enumerate(spec.get("volumes") or []):
            hp = k8s.get_path(vol, "hostPath.path") if isinstance(vol, Mapping) else None
            if isinstance(hp, str) and _SOCKETS.search(hp.rstrip("/")):
                pod_crit.append(f"volumes[{i}] mounts the container runtime socket")
            elif hp is not None:
                pod_high.append(f"volumes[{i}] is a hostPath volume")
        for c, path, line in k8s.containers(w, init=True):
            sc = c.get("securityContext") if isinstance(c.get("securityContext"), Mapping) else {}
            crit = list(pod_crit)
            high: list[str] = list(pod_high)
            if is_true(sc.get("privileged")) or _dup_insecure(w, f"{path}.securityContext.privileged", True):
                crit.append("privileged")
            if sc.get("allowPrivilegeEscalation") is not False or _dup_insecure(
                w, f"{path}.securityContext.allowPrivilegeEscalation", True
            ):
                high.append("allowPrivilegeEscalation not false")
            non_root = sc.get("runAsNonRoot", pod_sc.get("runAsNonRoot"))
            user = sc.get("runAsUser", pod_sc.get("runAsUser"))
            if user == 0:
                high.append("runAsUser 0")
            elif non_root is not True:
                high.append("runAsNonRoot not true")
            caps = k8s.get_path(sc, "capabilities.drop") or []
            if not any(str(x).upper() == "ALL" for x in as_list(caps)):
                high.append("capabilities.drop lacks ALL")
            added = [str(x).upper() for x in as_list(k8s.get_path(sc, "capabilities.add"))]
            if any(a in ("SYS_ADMIN", "NET_ADMIN", "ALL", "SYS_PTRACE", "SYS_MODULE") for a in added):
                crit.append(f"adds capabilities {', '.join(sorted(set(added)))}")
            seccomp = k8s.get_path(sc, "seccompProfile.type") or k8s.get_path(pod_sc, "seccompProfile.type")
            if seccomp not in ("RuntimeDefault", "Localhost"):
                high.append("seccompProfile not RuntimeDefault")
            if sc.get("readOnlyRootFilesystem") is not True:
                high.append("readOnlyRootFilesystem not true")
            problems = crit + high
            if problems:
                yield Hit(
                    w,
                    f"container {c.get('name')}: {'; '.join(problems)}",
                    f"{path}.securityContext",
                    severity=Severity.CRITICAL if crit else None,
                    evidence={"problems": problems},
                    location=loc(w, line=line),
                )


# -- CTR015 ---------------------------------------------------------------------------------------
_NONROOT_BASE = re.compile(r":nonroot\b|-nonroot\b|(^|/)cgr\.dev/chainguard/", re.IGNORECASE)


@rule(
    "CTR015",
    area=Area.CONTAINERS,
    severity=Severity.MEDIUM,
    title="Image runs as root",
    checkov=("CKV_DOCKER_3", "CKV_DOCKER_8"),
)
def dockerfile_user(rg: ResourceGraph) -> Iterator[Hit]:
    """The final stage has no ``USER`` or its last ``USER`` is root (``root``, ``0``).

    Bases that default to a non-root user (distroless ``:nonroot``, Chainguard) pass without
    ``USER``.  A ``USER`` given by an unknown variable is UNKNOWN.

    Why it matters
    --------------
    A root process turns any container escape or writable host mount into root on the node,
    and Kubernetes ``runAsNonRoot`` rejects the image at runtime.

    Remediation
    -----------
    Create an unprivileged user and switch to it (numeric UID so ``runAsNonRoot`` can verify).

    Example
    -------
    .. code-block:: dockerfile

        RUN useradd --uid 10001 --no-create-home app
        USER 10001
    """
    for stage in rg.resources("dockerfile"):
        user = stage.attrs.get("user")
        if isinstance(user, str) and "$" in user:
            yield Hit(
                stage,
                "USER is set from a variable; cannot tell whether it is root",
                "USER",
                Status.UNKNOWN,
                location=loc(stage, line=as_int(stage.attrs.get("user_line")) or 0),
            )
            continue
        if user is None:
            base = _base_stage(rg, stage)
            if _NONROOT_BASE.search(_image_str(base)):
                continue
            yield Hit(
                stage, "final stage has no USER; the container runs as root", "USER", location=loc(stage)
            )
        elif is_root_user(user):
            yield Hit(
                stage,
                f"last USER is {user} (root)",
                "USER",
                location=loc(stage, line=as_int(stage.attrs.get("user_line")) or 0),
            )


# -- CTR016 ---------------------------------------------------------------------------------------
_OTHER_POLICIES = (
    "k8s:CiliumNetworkPolicy",
    "k8s:CiliumClusterwideNetworkPolicy",
    "k8s:GlobalNetworkPolicy",
    "k8s:AuthorizationPolicy",
)


def _governs_ingress(np: Resource) -> bool:
    """True when the policy isolates ingress (``policyTypes`` absent defaults to Ingress)."""
    types = as_list(k8s.get_path(np.attrs, "spec.policyTypes"))
    return not types or "Ingress" in [str(t) for t in types]


def _is_default_deny(np: Resource) -> bool:
    spec = np.attrs.get("spec") if isinstance(np.attrs.get("spec"), Mapping) else {}
    sel = spec.get("podSelector")
    if sel is None or (isinstance(sel, Mapping) and (sel.get("matchLabels") or sel.get("matchExpressions"))):
        return False
    types = [str(t) for t in as_list(spec.get("policyTypes"))]
    if "Ingress" not in types and types:
        return False
    return not spec.get("ingress")


@rule(
    "CTR016",
    area=Area.CONTAINERS,
    severity=Severity.HIGH,
    title="Namespace without default-deny NetworkPolicy",
    checkov=("CKV2_K8S_6",),
)
def network_policy_coverage(rg: ResourceGraph) -> Iterator[Hit]:
    """A namespace with workloads has no default-deny ingress NetworkPolicy, or a pod no policy at all.

    Default deny: ``podSelector: {}``, ``policyTypes`` containing ``Ingress`` (or absent), and no
    ``ingress`` rules.  Without one, the Namespace object (when defined here) fails, and every
    workload whose pods no ingress NetworkPolicy selects fails too (an ``Egress``-only policy leaves
    ingress open).  Cilium/Calico/Istio policies in
    the namespace make the result UNKNOWN (they are not evaluated).

    Why it matters
    --------------
    Kubernetes networking is flat by default: any compromised pod can reach every other pod
    and database in the cluster.

    Remediation
    -----------
    Add a default-deny policy per namespace, then allow the flows each workload needs.

    Example
    -------
    .. code-block:: yaml

        kind: NetworkPolicy
        metadata: {name: default-deny}
        spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
    """
    objects = _namespace_objects(rg)
    policies: dict[str, list[Resource]] = defaultdict(list)
    for np in rg.resources("k8s:NetworkPolicy"):
        policies[k8s.namespace_of(np)].append(np)
    others = {k8s.namespace_of(r) for r in rg.resources(*_OTHER_POLICIES)}
    for ns, ws in sorted(_workload_namespaces(rg).items()):
        nps = policies.get(ns, [])
        if any(_is_default_deny(np) for np in nps):
            continue
        status = Status.UNKNOWN if ns in others else Status.FAIL
        obj = objects.get(ns)
        if obj is not None:
            yield Hit(
                obj,
                f"namespace {ns} has no default-deny NetworkPolicy",
                "NetworkPolicy",
                status,
                location=loc(obj),
            )
        ingress_nps = [np for np in nps if _governs_ingress(np)]
        for w in ws:
            labels = k8s.pod_labels(w)
            if not any(
                k8s.match_label_selector(k8s.get_path(np.attrs, "spec.podSelector") or {}, labels)
                for np in ingress_nps
            ):
                yield Hit(
                    w,
                    f"pods of {w.meta.get('name')} are selected by no ingress NetworkPolicy "
                    "(all traffic allowed)",
                    "spec.template.metadata.labels",
                    status,
                    location=loc(w),
                )


def _network_policy_cfg(values: Any) -> bool | None:
    """``enableNetworkPolicy`` in vpc-cni configuration values (``None`` when not known)."""
    if isinstance(values, Unresolved):
        return None
    try:
        cfg = json.loads(values) if isinstance(values, str) else (values or {})
    except ValueError:
        cfg = {}
    return isinstance(cfg, Mapping) and str(cfg.get("enableNetworkPolicy", "")).lower() == "true"


def _module_network_policy(rg: ResourceGraph, engines: list[Resource]) -> Iterator[Hit]:
    """CTR017 for calls of the well-known cluster modules (never fetched, judged by their inputs)."""
    for m in rg.resources(block="module"):
        src = str(m.attrs.get("source") or m.meta.get("source") or "")
        if not CLUSTER_MODULES.search(src):
            continue
        if "eks" in src.lower():
            if engines:
                continue
            addons = m.attrs.get("cluster_addons", m.attrs.get("addons"))
            if isinstance(addons, Unresolved):
                yield Hit(m, "cluster add-ons are not statically known", "cluster_addons", Status.UNKNOWN)
                continue
            cni = addons.get("vpc-cni") if isinstance(addons, Mapping) else None
            ok = _network_policy_cfg(cni.get("configuration_values")) if isinstance(cni, Mapping) else False
            if ok is None:
                yield Hit(
                    m,
                    "vpc-cni configuration_values are not statically known",
                    "cluster_addons",
                    Status.UNKNOWN,
                )
            elif not ok:
                yield Hit(
                    m,
                    "EKS module without a vpc-cni add-on setting enableNetworkPolicy: NetworkPolicies "
                    "are not enforced",
                    "cluster_addons",
                )
        elif "kubernetes-engine" in src.lower():
            if "autopilot" in src.lower() or m.attrs.get("datapath_provider") == "ADVANCED_DATAPATH":
                continue
            np = m.attrs.get("network_policy")
            if isinstance(np, Unresolved):
                yield Hit(m, "network_policy input is not statically known", "network_policy", Status.UNKNOWN)
            elif not is_true(np):
                yield Hit(m, "GKE module without network_policy = true or Dataplane V2", "network_policy")
        else:
            pol = m.attrs.get("network_policy")
            if isinstance(pol, Unresolved):
                yield Hit(m, "network_policy input is not statically known", "network_policy", Status.UNKNOWN)
            elif not pol:
                yield Hit(m, "AKS module without network_policy", "network_policy")


# -- CTR017 ---------------------------------------------------------------------------------------
_POLICY_CHARTS = re.compile(r"calico|tigera|cilium|antrea", re.IGNORECASE)


def _refers_to(value: Any, cluster: Resource) -> bool:
    if cluster.address in ref_targets(value):
        return True
    name = cluster.attrs.get("name")
    return isinstance(value, str) and isinstance(name, str) and value == name


@rule(
    "CTR017",
    area=Area.CONTAINERS,
    severity=Severity.MEDIUM,
    title="Cluster does not enforce NetworkPolicies",
    checkov=("CKV_GCP_12", "CKV_AZURE_7"),
)
def network_policy_enforcement(rg: ResourceGraph) -> Iterator[Hit]:
    """The Terraform-defined cluster has no NetworkPolicy enforcement.

    EKS: a ``vpc-cni`` ``aws_eks_addon`` whose ``configuration_values`` set
    ``enableNetworkPolicy: "true"``, or a Calico/Cilium/Antrea ``helm_release``; EKS Auto Mode
    (``compute_config.enabled``) needs the ``kube-system/amazon-vpc-cni`` ConfigMap with
    ``enable-network-policy-controller: "true"`` in the manifests.  GKE:
    ``network_policy { enabled = true }``, ``datapath_provider = "ADVANCED_DATAPATH"`` or
    Autopilot.  AKS: ``network_profile.network_policy`` set (or the Cilium data plane).  Calls of
    the well-known modules (``terraform-aws-modules/eks``: ``cluster_addons``/``addons``
    ``vpc-cni.configuration_values``; ``terraform-google-modules/kubernetes-engine``:
    ``network_policy``/``datapath_provider``; ``Azure/aks``: ``network_policy``) are judged by
    their inputs.

    Why it matters
    --------------
    NetworkPolicy objects are accepted by the API server but do nothing unless the network
    plugin enforces them: every CTR016 policy would be silently ignored.

    Remediation
    -----------
    Enable the VPC CNI network policy agent (or install Calico/Cilium) on EKS, Dataplane V2 on
    GKE, and a network policy engine on AKS.

    Example
    -------
    .. code-block:: hcl

        resource "aws_eks_addon" "vpc_cni" {
          cluster_name         = aws_eks_cluster.main.name
          addon_name           = "vpc-cni"
          configuration_values = jsonencode({ enableNetworkPolicy = "true" })
        }
    """
    engines = [
        h
        for h in rg.resources("helm_release")
        if _POLICY_CHARTS.search(str(h.attrs.get("chart", "")) + str(h.attrs.get("name", "")))
    ]
    auto_mode_enabled = any(
        str(k8s.get_path(cm.attrs, "data.enable-network-policy-controller")).lower() == "true"
        for cm in rg.resources("k8s:ConfigMap")
        if cm.meta.get("name") == "amazon-vpc-cni" and k8s.namespace_of(cm) == "kube-system"
    )
    for cluster in rg.resources("aws_eks_cluster"):
        if engines:
            continue
        if is_true(block_of(cluster, "compute_config").get("enabled")):
            # EKS Auto Mode: the network policy controller is switched on by a ConfigMap.
            if not auto_mode_enabled:
                yield Hit(
                    cluster,
                    "EKS Auto Mode cluster without the amazon-vpc-cni ConfigMap setting "
                    "enable-network-policy-controller: NetworkPolicies are not enforced",
                    "compute_config",
                )
            continue
        addons = [
            a
            for a in rg.resources("aws_eks_addon")
            if str(a.attrs.get("addon_name", "")) == "vpc-cni"
            and _refers_to(a.attrs.get("cluster_name"), cluster)
        ]
        if not addons:
            yield Hit(
                cluster,
                "no vpc-cni addon with enableNetworkPolicy and no Calico/Cilium: NetworkPolicies "
                "are not enforced",
                "aws_eks_addon.vpc-cni",
            )
            continue
        values = addons[0].attrs.get("configuration_values")
        if isinstance(values, Unresolved):
            yield Hit(
                cluster,
                "vpc-cni configuration_values are not statically known",
                "configuration_values",
                Status.UNKNOWN,
            )
            continue
        try:
            cfg = json.loads(values) if isinstance(values, str) else (values or {})
        except ValueError:
            cfg = {}
        if not (isinstance(cfg, Mapping) and str(cfg.get("enableNetworkPolicy", "")).lower() == "true"):
            yield Hit(
                cluster,
                "vpc-cni addon does not set enableNetworkPolicy: NetworkPolicies are not enforced",
                "configuration_values",
            )
    yield from _module_network_policy(rg, engines)
    for gke in rg.resources("google_container_cluster"):
        if (
            is_true(gke.attrs.get("enable_autopilot"))
            or gke.attrs.get("datapath_provider") == "ADVANCED_DATAPATH"
        ):
            continue
        np = block_of(gke, "network_policy")
        enabled = np.get("enabled")
        if isinstance(enabled, Unresolved):
            yield Hit(gke, "network_policy.enabled is not statically known", "network_policy", Status.UNKNOWN)
        elif not is_true(enabled):
            yield Hit(gke, "GKE cluster without network_policy enabled or Dataplane V2", "network_policy")
    for aks in rg.resources("azurerm_kubernetes_cluster"):
        prof = block_of(aks, "network_profile")
        pol = prof.get("network_policy")
        if isinstance(pol, Unresolved):
            yield Hit(
                aks,
                "network_profile.network_policy is not statically known",
                "network_profile",
                Status.UNKNOWN,
            )
        elif not pol and prof.get("network_data_plane") != "cilium":
            yield Hit(aks, "AKS cluster without network_profile.network_policy", "network_profile")
