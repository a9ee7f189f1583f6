"""IAM policies normalised from every way Terraform can write them, and their risky grants.

Sources (AWS):

- ``data.aws_iam_policy_document`` ``statement`` blocks (``effect``, ``actions``,
  ``not_actions``, ``resources``, ``not_resources``, ``principals{type, identifiers}``,
  ``not_principals``, ``condition{test, variable, values}``), plus JSON in its
  ``source_policy_documents`` / ``override_policy_documents``;
- JSON strings, heredocs and ``jsonencode(...)`` values (a dict after normalisation) in
  ``aws_iam_policy.policy``, ``aws_iam_role_policy.policy``, ``aws_iam_user_policy.policy``,
  ``aws_iam_group_policy.policy``, ``aws_iam_role.inline_policy[].policy``,
  ``aws_iam_role.assume_role_policy`` (trust) and resource policies (``aws_s3_bucket_policy``,
  legacy ``aws_s3_bucket.policy``, SQS, SNS, KMS, ECR, Secrets Manager, OpenSearch, ...).
  A policy attribute that is an :class:`~infra_review.model.Unresolved` reference to a
  ``data.aws_iam_policy_document`` is *linked*: the statements are assessed once, at the
  document, and the document learns how it is used (``trust`` when it feeds an
  ``assume_role_policy``).  A JSON template with ``${...}`` interpolations keeps its structure:
  each interpolated string becomes an ``Unresolved`` leaf.
- managed-policy attachments (``aws_iam_*_policy_attachment.policy_arn``,
  ``aws_iam_role.managed_policy_arns``).

Azure (``azurerm_role_definition.permissions[].actions``, ``azurerm_role_assignment``) and GCP
(``google_{project,folder,organization,service_account,storage_bucket}_iam_{member,binding}``
and ``data.google_iam_policy`` bindings) are exposed as :class:`Binding` records.

>>> stmts = parse_policy_json('{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}')
>>> [i.code for i in assess_statement(stmts[0], "identity")]
['admin']
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from infra_review.graph import ResourceGraph
from infra_review.model import Resource, Severity, Unresolved

__all__ = [
    "ADMIN_MANAGED_POLICIES",
    "ESCALATION_ACTIONS",
    "Binding",
    "IamIssue",
    "PolicyDocument",
    "Principal",
    "Statement",
    "assess",
    "assess_statement",
    "azure_role_definitions",
    "gcp_bindings",
    "json_template_text",
    "managed_policy_attachments",
    "parse_policy_json",
    "policy_documents",
    "statements_from_document_block",
    "wildcard_matches",
]

#: Actions that let a principal raise its own privileges (Rhino Security Labs' list, IAM part).
ESCALATION_ACTIONS = (
    "iam:PassRole",
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:AttachUserPolicy",
    "iam:AttachGroupPolicy",
    "iam:AttachRolePolicy",
    "iam:PutUserPolicy",
    "iam:PutGroupPolicy",
    "iam:PutRolePolicy",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:UpdateAssumeRolePolicy",
    "iam:AddUserToGroup",
)

#: AWS managed policies that are (near) administrator, with the severity of attaching them.
ADMIN_MANAGED_POLICIES: Mapping[str, Severity] = {
    "AdministratorAccess": Severity.CRITICAL,
    "IAMFullAccess": Severity.HIGH,
    "PowerUserAccess": Severity.MEDIUM,
}

#: Attribute holding a policy, per resource kind, and what kind of policy it is.
POLICY_ATTRS: Mapping[str, tuple[tuple[str, str], ...]] = {
    "aws_iam_policy": (("policy", "identity"),),
    "aws_iam_role_policy": (("policy", "identity"),),
    "aws_iam_user_policy": (("policy", "identity"),),
    "aws_iam_group_policy": (("policy", "identity"),),
    "aws_ssoadmin_permission_set_inline_policy": (("inline_policy", "identity"),),
    "aws_iam_role": (("assume_role_policy", "trust"),),
    "aws_s3_bucket_policy": (("policy", "resource"),),
    "aws_s3_bucket": (("policy", "resource"),),
    "aws_sqs_queue_policy": (("policy", "resource"),),
    "aws_sqs_queue": (("policy", "resource"),),
    "aws_sns_topic_policy": (("policy", "resource"),),
    "aws_sns_topic": (("policy", "resource"),),
    "aws_kms_key": (("policy", "resource"),),
    "aws_kms_key_policy": (("policy", "resource"),),
    "aws_ecr_repository_policy": (("policy", "resource"),),
    "aws_secretsmanager_secret_policy": (("policy", "resource"),),
    "aws_secretsmanager_secret": (("policy", "resource"),),
    "aws_opensearch_domain_policy": (("access_policies", "resource"),),
    "aws_opensearch_domain": (("access_policies", "resource"),),
    "aws_elasticsearch_domain_policy": (("access_policies", "resource"),),
    "aws_elasticsearch_domain": (("access_policies", "resource"),),
    "aws_glacier_vault": (("access_policy", "resource"),),
    "aws_efs_file_system_policy": (("policy", "resource"),),
    "aws_lambda_layer_version_permission": (),
}

_ATTACHMENT_KINDS = (
    "aws_iam_role_policy_attachment",
    "aws_iam_user_policy_attachment",
    "aws_iam_group_policy_attachment",
    "aws_iam_policy_attachment",
)


@dataclass(frozen=True, slots=True)
class Principal:
    """``type`` is ``AWS``/``Service``/``Federated``/``CanonicalUser``/``*``."""

    type: str | Unresolved
    identifiers: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Statement:
    """One normalised policy statement.  ``None`` means the element is absent.

    List elements are tuples whose items may be :class:`Unresolved`; a whole element may be
    ``Unresolved`` when the list itself is unknown.
    """

    effect: Any = "Allow"
    actions: Any = None
    not_actions: Any = None
    resources: Any = None
    not_resources: Any = None
    principals: Any = None  # tuple[Principal, ...] | Unresolved | None
    not_principals: Any = None
    condition: Any = None  # truthy when present; Unresolved when unknown
    sid: str = ""
    path: str = ""  # attribute path inside the resource: "statement[0]", "policy.Statement[1]"

    def to_evidence(self) -> dict[str, Any]:
        """A JSON-friendly view of the statement (unknowns as ``${expr}``)."""

        def show(v: Any) -> Any:
            if v is None:
                return None
            if isinstance(v, Unresolved):
                return str(v)
            if isinstance(v, Principal):
                return {"type": show(v.type), "identifiers": [show(i) for i in v.identifiers]}
            if isinstance(v, tuple | list):
                return [show(i) for i in v]
            return v

        out = {
            "Sid": self.sid or None,
            "Effect": show(self.effect),
            "Action": show(self.actions),
            "NotAction": show(self.not_actions),
            "Resource": show(self.resources),
            "NotResource": show(self.not_resources),
            "Principal": show(self.principals),
            "NotPrincipal": show(self.not_principals),
            "Condition": "present"
            if self.condition and not isinstance(self.condition, Unresolved)
            else show(self.condition),
        }
        return {k: v for k, v in out.items() if v is not None}


@dataclass(frozen=True, slots=True)
class PolicyDocument:
    """A policy written at ``address``/``attribute``; ``kind`` is identity / trust / resource.

    ``statements`` is empty and ``unknown`` says why when the policy could not be read.
    ``used_by`` lists ``(address, attribute)`` of resources consuming a policy-document data
    source.
    """

    address: str
    attribute: str
    kind: str
    statements: tuple[Statement, ...] = ()
    unknown: str = ""
    used_by: tuple[tuple[str, str], ...] = ()
    resource: Resource | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class IamIssue:
    """A risky grant in one statement.  ``known`` is False when it hinges on an unknown value."""

    code: str  # admin | service_wildcard | not_action | escalation | public_principal | wildcard_action
    severity: Severity
    message: str
    known: bool = True


@dataclass(frozen=True, slots=True)
class Binding:
    """A role granted to members (GCP/Azure), at ``address``/``attribute``."""

    resource: Resource
    attribute: str
    role: Any
    members: tuple[Any, ...]
    scope: str = ""  # project | folder | organization | bucket | service_account | subscription | ...


# -- parsing -----------------------------------------------------------------------------------


def _as_tuple(v: Any) -> Any:
    if v is None or isinstance(v, Unresolved):
        return v
    if isinstance(v, list | tuple):
        return tuple(v)
    return (v,)


def _template_to_json(expr: str) -> Any:
    """Parse a JSON template whose ``${...}`` parts are unknown; those become ``Unresolved``."""
    parts: list[str] = []
    holes: dict[str, str] = {}
    i = 0
    while i < len(expr):
        j = expr.find("${", i)
        if j < 0:
            parts.append(expr[i:])
            break
        parts.append(expr[i:j])
        depth, k = 0, j + 1
        while k < len(expr):
            if expr[k] == "{":
                depth += 1
            elif expr[k] == "}":
                depth -= 1
                if depth == 0:
                    break
            k += 1
        token = f"__IR_HOLE_{len(holes)}__"
        holes[token] = expr[j + 2 : k]
        parts.append(token)
        i = k + 1
    data = json.loads("".join(parts))

    def back(v: Any) -> Any:
        if isinstance(v, str) and "__IR_HOLE_" in v:
            inner = re.sub(r"__IR_HOLE_\d+__", lambda m: "${" + holes[m.group(0)] + "}", v)
            return Unresolved(inner.removeprefix("${").removesuffix("}") if v in holes else inner)
        if isinstance(v, dict):
            return {k: back(x) for k, x in v.items()}
        if isinstance(v, list):
            return [back(x) for x in v]
        return v

    return back(data)


def _as_tuple_json(v: Any) -> Any:
    return (v,) if isinstance(v, Unresolved) else _as_tuple(v)


def _principals_from_json(p: Any) -> Any:
    if p is None or isinstance(p, Unresolved):
        return p
    if isinstance(p, str):
        return (Principal("*" if p == "*" else "AWS", (p,)),)
    if isinstance(p, Mapping):
        return tuple(
            Principal(str(k), _as_tuple(v) if not isinstance(v, Unresolved) else (v,)) for k, v in p.items()
        )
    return Unresolved(str(p), reason="unexpected principal shape")


def _statement_from_json(s: Mapping[str, Any], path: str) -> Statement:
    def g(*names: str) -> Any:
        for n in names:
            if n in s:
                return s[n]
        return None

    return Statement(
        effect=g("Effect", "effect") or "Allow",
        actions=_as_tuple_json(g("Action", "action")),
        not_actions=_as_tuple_json(g("NotAction", "notAction")),
        resources=_as_tuple_json(g("Resource", "resource")),
        not_resources=_as_tuple_json(g("NotResource")),
        principals=_principals_from_json(g("Principal", "principal")),
        not_principals=_principals_from_json(g("NotPrincipal")),
        condition=g("Condition", "condition"),
        sid=str(g("Sid", "sid") or ""),
        path=path,
    )


def json_template_text(u: Unresolved) -> str | None:
    """The JSON-object text of a partially known value (``jsonencode``/heredoc template), or ``None``.

    The loader renders such values as their JSON text with ``${...}`` for unknown parts; a
    template string may come quoted (``"{\n  \"Version\": ...}"``).

    >>> json_template_text(Unresolved('"{\\"a\\": \\"${x}\\"}"'))
    '{"a": "${x}"}'
    >>> json_template_text(Unresolved("data.aws_iam_policy_document.p.json")) is None
    True
    """
    expr = u.expr.strip()
    if expr.startswith('"') and expr.endswith('"'):
        try:
            inner = json.loads(expr)
        except ValueError:
            inner = expr[1:-1]
        expr = inner.strip() if isinstance(inner, str) else ""
    return expr if expr.startswith(("{", "[")) else None


def parse_policy_json(value: Any, path: str = "") -> list[Statement] | Unresolved:
    """Statements of a policy given as a JSON string, a dict (``jsonencode``) or a template.

    Returns an :class:`Unresolved` when the value cannot be read.

    >>> parse_policy_json({"Statement": [{"Effect": "Deny", "Action": ["s3:*"], "Resource": "*"}]})[0].effect
    'Deny'
    >>> s = parse_policy_json(Unresolved('{"Statement":[{"Effect":"Allow","Action":"s3:GetObject",'
    ...                                   '"Resource":"${aws_s3_bucket.b.arn}/*"}]}'))
    >>> s[0].resources
    (Unresolved(expr='${aws_s3_bucket.b.arn}/*', refs=(), reason=''),)
    """
    data: Any = value
    if isinstance(value, Unresolved):
        expr = json_template_text(value)
        if expr is None:
            return value
        try:
            data = _template_to_json(expr)
        except (ValueError, RecursionError):
            return value
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return Unresolved("", reason="empty policy")
        try:
            data = json.loads(text)
        except ValueError:
            if "${" in text:
                try:
                    data = _template_to_json(text)
                except (ValueError, RecursionError):
                    return Unresolved(text[:40], reason="policy is not valid JSON")
            else:
                return Unresolved(text[:40], reason="policy is not valid JSON")
        except RecursionError:
            return Unresolved("", reason="policy nested too deeply")
    if not isinstance(data, Mapping):
        return Unresolved(str(data)[:40], reason="policy is not a JSON object")
    stmts = data.get("Statement", data.get("statement"))
    base = f"{path}.Statement" if path else "Statement"
    if stmts is None:
        return []
    if isinstance(stmts, Unresolved):
        return stmts
    if isinstance(stmts, Mapping):
        return [_statement_from_json(stmts, base)]
    if not isinstance(stmts, list | tuple):
        return Unresolved(str(stmts)[:40], reason="Statement is not a list")
    out: list[Statement] = []
    for i, s in enumerate(stmts):
        if isinstance(s, Mapping):
            out.append(_statement_from_json(s, f"{base}[{i}]"))
        else:
            out.append(Statement(effect=Unresolved(str(s)), path=f"{base}[{i}]"))
    return out


def statements_from_document_block(attrs: Mapping[str, Any]) -> list[Statement] | Unresolved:
    """Statements of a ``data.aws_iam_policy_document`` (its ``statement`` blocks)."""
    blocks = attrs.get("statement", [])
    if isinstance(blocks, Unresolved):
        return blocks
    out: list[Statement] = []
    for i, b in enumerate(blocks or []):
        if isinstance(b, Unresolved):
            out.append(
                Statement(effect=Unresolved(b.expr, b.refs, "dynamic statement"), path=f"statement[{i}]")
            )
            continue
        if not isinstance(b, Mapping):
            continue

        def principals(key: str, b: Mapping[str, Any] = b) -> Any:
            ps = b.get(key)
            if ps is None:
                return None
            if isinstance(ps, Unresolved):
                return ps
            res = []
            for p in ps:
                if isinstance(p, Unresolved):
                    return p
                res.append(Principal(p.get("type", "AWS"), _as_tuple(p.get("identifiers", ())) or ()))
            return tuple(res)

        cond = b.get("condition")
        out.append(
            Statement(
                effect=b.get("effect", "Allow"),
                actions=_as_tuple(b.get("actions")),
                not_actions=_as_tuple(b.get("not_actions")),
                resources=_as_tuple(b.get("resources")),
                not_resources=_as_tuple(b.get("not_resources")),
                principals=principals("principals"),
                not_principals=principals("not_principals"),
                condition=cond if cond else None,
                sid=str(b.get("sid") or ""),
                path=f"statement[{i}]",
            )
        )
    for key in ("source_policy_documents", "override_policy_documents"):
        docs = attrs.get(key)
        if isinstance(docs, list):
            for j, d in enumerate(docs):
                parsed = parse_policy_json(d, f"{key}[{j}]")
                if isinstance(parsed, list):
                    out.extend(parsed)
    return out


# -- collecting ------------------------------------------------------------------------------


def _policy_doc_refs(v: Unresolved, rg: ResourceGraph) -> list[str]:
    return [
        r
        for r in v.refs
        if (res := rg.get(r)) is not None and res.kind == "aws_iam_policy_document" and res.block == "data"
    ]


def policy_documents(rg: ResourceGraph) -> list[PolicyDocument]:
    """Every IAM policy written in the graph, normalised (computed once per graph).

    Policies that merely reference a ``data.aws_iam_policy_document`` are not repeated: the
    document is listed once, with ``used_by`` and a ``kind`` from its use.
    """
    return list(rg.memo(_policy_documents))


def _policy_documents(rg: ResourceGraph) -> tuple[PolicyDocument, ...]:
    docs: list[PolicyDocument] = []
    uses: dict[str, list[tuple[str, str, str]]] = {}
    for kind, specs in POLICY_ATTRS.items():
        for res in rg.resources(kind):
            candidates: list[tuple[str, Any, str]] = []
            for attr, pkind in specs:
                if attr in res.attrs and res.attrs[attr] is not None:
                    candidates.append((attr, res.attrs[attr], pkind))
            if kind == "aws_iam_role":
                inline = res.attrs.get("inline_policy")
                if isinstance(inline, list):
                    for i, blk in enumerate(inline):
                        if isinstance(blk, Mapping) and blk.get("policy") is not None:
                            candidates.append((f"inline_policy[{i}].policy", blk["policy"], "identity"))
            for attr, value, pkind in candidates:
                if isinstance(value, Unresolved) and json_template_text(value) is None:
                    linked = _policy_doc_refs(value, rg)
                    if linked:
                        for d in linked:
                            uses.setdefault(d, []).append((res.address, attr, pkind))
                        continue
                parsed = parse_policy_json(value, attr)
                if isinstance(parsed, Unresolved):
                    docs.append(
                        PolicyDocument(
                            res.address,
                            attr,
                            pkind,
                            (),
                            parsed.reason or f"policy value {parsed} is not known statically",
                            resource=res,
                        )
                    )
                else:
                    docs.append(PolicyDocument(res.address, attr, pkind, tuple(parsed), resource=res))
    for res in rg.resources("aws_iam_policy_document", block="data"):
        used = uses.get(res.address, [])
        kinds = {k for _, _, k in used}
        pkind = "trust" if "trust" in kinds else ("resource" if "resource" in kinds else "identity")
        parsed = statements_from_document_block(res.attrs)
        users = tuple((a, at) for a, at, _ in used)
        if isinstance(parsed, Unresolved):
            docs.append(
                PolicyDocument(
                    res.address, "statement", pkind, (), "statements are not known statically", users, res
                )
            )
        else:
            docs.append(PolicyDocument(res.address, "statement", pkind, tuple(parsed), "", users, res))
    return tuple(docs)


# -- assessing -------------------------------------------------------------------------------


def _items(v: Any) -> tuple[list[str], bool]:
    """Known string items of a list element, and whether any part is unknown."""
    if v is None:
        return [], False
    if isinstance(v, Unresolved):
        return [], True
    known = [str(x) for x in v if not isinstance(x, Unresolved)]
    return known, len(known) != len(v)


def _matches(pattern: str, action: str) -> bool:
    return fnmatch.fnmatchcase(action.lower(), pattern.lower())


def _is_constructed(u: Unresolved) -> bool:
    """True for a template with literal text around its unknown parts (``arn:...:${x}:root``): never ``*``."""
    expr = u.expr.strip().strip('"')
    if "${" not in expr:
        return False
    outside = re.sub(r"\$\{[^}]*\}", "", expr)
    return bool(outside.strip())


def _is_public_principal(principals: Any) -> bool | None:
    if principals is None:
        return False
    if isinstance(principals, Unresolved):
        return None
    unknown = False
    for p in principals:
        ptype = p.type
        if isinstance(ptype, Unresolved):
            unknown = True
            continue
        if ptype not in ("*", "AWS"):
            continue
        for ident in p.identifiers:
            if isinstance(ident, Unresolved):
                if not _is_constructed(ident):
                    unknown = True
            elif ident == "*" or ptype == "*":
                return True
    return None if unknown else False


def assess_statement(stmt: Statement, kind: str = "identity") -> list[IamIssue]:
    """Risky grants in one statement (only ``Allow`` statements grant anything).

    ``kind``: ``identity`` (attached to a principal), ``trust`` (``assume_role_policy``) or
    ``resource`` (bucket/queue/key policy).  Issues whose decision hinges on an unknown value
    come back with ``known=False``.

    >>> s = Statement(actions=("iam:*",), resources=("*",))
    >>> [(i.code, i.severity.label) for i in assess_statement(s)]
    [('service_wildcard', 'critical')]
    >>> assess_statement(Statement(effect="Deny", actions=("*",), resources=("*",)))
    []
    """
    issues: list[IamIssue] = []
    effect = stmt.effect
    effect_unknown = isinstance(effect, Unresolved)
    if not effect_unknown and str(effect).lower() != "allow":
        return issues
    actions, act_unknown = _items(stmt.actions)
    resources, res_unknown = _items(stmt.resources)
    all_resources = "*" in resources or (kind != "identity" and stmt.resources is None)
    res_maybe_all = all_resources or res_unknown
    known = not effect_unknown

    # Public principal (trust and resource policies).
    if kind in ("trust", "resource"):
        public = _is_public_principal(stmt.principals)
        cond = stmt.condition
        if public is not False and not (cond and not isinstance(cond, Unresolved)):
            sev = Severity.CRITICAL if kind == "trust" else Severity.HIGH
            what = (
                "anyone can assume this role"
                if kind == "trust"
                else 'anyone (Principal "*") is granted access'
            )
            issues.append(
                IamIssue(
                    "public_principal",
                    sev,
                    f'Allow with Principal "*" and no Condition: {what}',
                    known and public is True and not isinstance(cond, Unresolved),
                )
            )

    if stmt.not_actions is not None:
        issues.append(
            IamIssue(
                "not_action",
                Severity.HIGH,
                "Allow with NotAction grants every action except the listed ones",
                known,
            )
        )

    admin_actions = [a for a in actions if a in ("*", "*:*")]
    if admin_actions and res_maybe_all:
        issues.append(
            IamIssue(
                "admin",
                Severity.CRITICAL,
                'Allow of action "*" on resource "*" (full administrator)',
                known and all_resources,
            )
        )
        return issues
    if admin_actions:
        issues.append(
            IamIssue(
                "wildcard_action", Severity.HIGH, 'Allow of every action ("*") on the listed resources', known
            )
        )
    svc = [a for a in actions if re.fullmatch(r"[A-Za-z0-9-]+:\*", a)]
    if svc and res_maybe_all:
        iam = any(a.lower().startswith(("iam:", "sts:", "organizations:")) for a in svc)
        issues.append(
            IamIssue(
                "service_wildcard",
                Severity.CRITICAL if iam else Severity.HIGH,
                f'Allow of {", ".join(sorted(svc))} on resource "*"',
                known and all_resources,
            )
        )
    esc = sorted({e for e in ESCALATION_ACTIONS for a in actions if _matches(a, e)})
    if esc and res_maybe_all and not svc and not admin_actions:
        issues.append(
            IamIssue(
                "escalation",
                Severity.HIGH,
                f'privilege-escalation action(s) {", ".join(esc)} on resource "*"',
                known and all_resources,
            )
        )
    if act_unknown and res_maybe_all and not issues:
        issues.append(
            IamIssue(
                "unknown_actions", Severity.HIGH, 'actions are not known statically (resource "*")', False
            )
        )
    return issues


def assess(doc: PolicyDocument) -> list[tuple[Statement, list[IamIssue]]]:
    """Each statement of ``doc`` that has issues, with them."""
    out = []
    for s in doc.statements:
        issues = assess_statement(s, doc.kind)
        if issues:
            out.append((s, issues))
    return out


def managed_policy_attachments(rg: ResourceGraph) -> list[tuple[Resource, str, Any]]:
    """``(resource, attribute, policy_arn)`` for every managed-policy attachment."""
    out: list[tuple[Resource, str, Any]] = []
    for res in rg.resources(*_ATTACHMENT_KINDS):
        if "policy_arn" in res.attrs:
            out.append((res, "policy_arn", res.attrs["policy_arn"]))
    for res in rg.resources("aws_ssoadmin_managed_policy_attachment"):
        if "managed_policy_arn" in res.attrs:
            out.append((res, "managed_policy_arn", res.attrs["managed_policy_arn"]))
    list_kinds = {
        "aws_iam_role": "managed_policy_arns",
        "aws_iam_role_policy_attachments_exclusive": "policy_arns",
        "aws_iam_user_policy_attachments_exclusive": "policy_arns",
        "aws_iam_group_policy_attachments_exclusive": "policy_arns",
        "aws_ssoadmin_managed_policy_attachments_exclusive": "managed_policy_arns",
    }
    for res in rg.resources(*list_kinds):
        attr = list_kinds[res.kind]
        arns = res.attrs.get(attr)
        if isinstance(arns, Unresolved):
            out.append((res, attr, arns))
        elif isinstance(arns, list | tuple):
            out.extend((res, f"{attr}[{i}]", a) for i, a in enumerate(arns))
    return out


_GCP_SCOPES = {
    "google_project_iam_member": "project",
    "google_project_iam_binding": "project",
    "google_folder_iam_member": "folder",
    "google_folder_iam_binding": "folder",
    "google_organization_iam_member": "organization",
    "google_organization_iam_binding": "organization",
    "google_service_account_iam_member": "service_account",
    "google_service_account_iam_binding": "service_account",
    "google_storage_bucket_iam_member": "bucket",
    "google_storage_bucket_iam_binding": "bucket",
    "google_bigquery_dataset_iam_member": "dataset",
    "google_bigquery_dataset_iam_binding": "dataset",
    "google_bigquery_table_iam_member": "table",
    "google_bigquery_table_iam_binding": "table",
}
_GCP_POLICY_SCOPES = {
    "google_project_iam_policy": "project",
    "google_folder_iam_policy": "folder",
    "google_organization_iam_policy": "organization",
    "google_service_account_iam_policy": "service_account",
    "google_storage_bucket_iam_policy": "bucket",
    "google_bigquery_dataset_iam_policy": "dataset",
    "google_bigquery_table_iam_policy": "table",
}


def gcp_bindings(rg: ResourceGraph) -> list[Binding]:
    """GCP role grants from ``*_iam_member``/``*_iam_binding`` and ``data.google_iam_policy``.

    A ``data.google_iam_policy`` binding is reported at the data source, with the scope of the
    ``*_iam_policy`` resource that uses it (``unknown`` when unused).
    """
    out: list[Binding] = []
    for kind, scope in _GCP_SCOPES.items():
        for res in rg.resources(kind):
            if kind.endswith("_member"):
                m = res.attrs.get("member")
                members: tuple[Any, ...] = (m,) if m is not None else ()
                attr = "member"
            else:
                ms = res.attrs.get("members")
                members = (ms,) if isinstance(ms, Unresolved) else tuple(ms or ())
                attr = "members"
            out.append(Binding(res, attr, res.attrs.get("role"), members, scope))
    used_scope: dict[str, str] = {}
    for kind, scope in _GCP_POLICY_SCOPES.items():
        for res in rg.resources(kind):
            pd = res.attrs.get("policy_data")
            if isinstance(pd, Unresolved):
                for r in pd.refs:
                    used_scope[r] = scope
            elif pd is not None:
                parsed = pd
                if isinstance(pd, str):
                    try:
                        parsed = json.loads(pd)
                    except ValueError:
                        parsed = None
                if isinstance(parsed, Mapping):
                    for i, b in enumerate(parsed.get("bindings", []) or []):
                        if isinstance(b, Mapping):
                            out.append(
                                Binding(
                                    res,
                                    f"policy_data.bindings[{i}]",
                                    b.get("role"),
                                    tuple(b.get("members") or ()),
                                    scope,
                                )
                            )
    for res in rg.resources("google_iam_policy", block="data"):
        blocks = res.attrs.get("binding", [])
        if isinstance(blocks, Unresolved):
            out.append(Binding(res, "binding", blocks, (blocks,), used_scope.get(res.address, "unknown")))
            continue
        for i, b in enumerate(blocks or []):
            if not isinstance(b, Mapping):
                continue
            ms = b.get("members")
            members = (ms,) if isinstance(ms, Unresolved) else tuple(ms or ())
            out.append(
                Binding(
                    res,
                    f"binding[{i}].members",
                    b.get("role"),
                    members,
                    used_scope.get(res.address, "unknown"),
                )
            )
    return out


def azure_role_definitions(rg: ResourceGraph) -> list[Binding]:
    """Azure custom role definitions as bindings whose ``members`` are the permitted actions."""
    out: list[Binding] = []
    for res in rg.resources("azurerm_role_definition"):
        perms = res.attrs.get("permissions", [])
        if isinstance(perms, Unresolved):
            out.append(Binding(res, "permissions", res.attrs.get("name"), (perms,), "role_definition"))
            continue
        for i, p in enumerate(perms or []):
            if not isinstance(p, Mapping):
                continue
            acts = p.get("actions")
            actions = (acts,) if isinstance(acts, Unresolved) else tuple(acts or ())
            out.append(
                Binding(res, f"permissions[{i}].actions", res.attrs.get("name"), actions, "role_definition")
            )
    return out


def wildcard_matches(patterns: Iterable[str], targets: Sequence[str]) -> list[str]:
    """Targets matched by any IAM-style wildcard pattern (case-insensitive)."""
    pats = list(patterns)
    return [t for t in targets if any(_matches(p, t) for p in pats)]
