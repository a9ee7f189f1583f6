"""Red flag: over-permissive IAM in AWS, GCP, Azure and Kubernetes RBAC (RED007)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from infra_review.analysis.iam import (
    ADMIN_MANAGED_POLICIES,
    azure_role_definitions,
    gcp_bindings,
    managed_policy_attachments,
    policy_documents,
)
from infra_review.analysis.iam import (
    assess as assess_policy,
)
from infra_review.analysis.storage import GCP_DATA_SCOPES, GCP_PUBLIC_MEMBERS
from infra_review.graph import ResourceGraph
from infra_review.model import Area, Severity, Status, Unresolved
from infra_review.rules._registry import Hit, rule

__all__: list[str] = []


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
        if b.scope in GCP_DATA_SCOPES:
            continue  # public data: RED006
        role = b.role
        public = [m for m in b.members if isinstance(m, str) and m in GCP_PUBLIC_MEMBERS]
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
