"""IAM users (NET020–NET021), rules of the Networking & Security area.

Humans and machines should reach AWS through roles (SSO, OIDC federation, instance profiles):
long-lived user keys and administrator users are what a reviewer flags first.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from infra_review.analysis.iam import assess, policy_documents
from infra_review.graph import ResourceGraph
from infra_review.model import Area, Severity, Status, Unresolved
from infra_review.rules._registry import Hit, rule

NET = Area.NETWORK_SECURITY
_ADMIN_POLICIES = frozenset({"AdministratorAccess"})


@rule("NET020", area=NET, severity=Severity.MEDIUM, title="IAM user with a long-lived access key")
def user_access_keys(rg: ResourceGraph) -> Iterator[Hit]:
    """An ``aws_iam_access_key`` that is active (``status`` absent or ``Active``).

    Why it matters
    --------------
    An access key never expires on its own: it ends up in CI variables, laptops and logs, and a
    leaked key works from anywhere until someone notices and deletes it.  When Terraform creates
    it, the secret is also written to the state file.

    Remediation
    -----------
    Use roles instead: OIDC federation for CI (GitHub Actions, GitLab), IAM Identity Center for
    people, instance profiles or IRSA for workloads.  If a key is unavoidable, rotate it and
    encrypt the secret with ``pgp_key``.

    Example
    -------
    .. code-block:: hcl

        resource "aws_iam_role" "ci" {
          assume_role_policy = data.aws_iam_policy_document.github_oidc.json
        }
    """
    for k in rg.resources("aws_iam_access_key"):
        status = k.attrs.get("status", "Active")
        if isinstance(status, Unresolved):
            yield Hit(k, f"`status` is not known statically ({status.expr})", "status", Status.UNKNOWN)
        elif str(status).lower() == "active":
            user = k.attrs.get("user")
            who = user.expr if isinstance(user, Unresolved) else str(user)
            yield Hit(k, f"active access key for IAM user {who}", "user", evidence={"user": who})


def _admin_docs(rg: ResourceGraph) -> dict[str, bool]:
    """Address of a policy-holding resource (or document data source) → ``True`` when it grants
    administrator, ``False`` when it may (the grant or the whole policy hinges on an unknown
    value); absent when it does not."""
    out: dict[str, bool] = {}
    for doc in policy_documents(rg):
        if doc.unknown:
            flags = [False]
        else:
            flags = [i.known for _, issues in assess(doc) for i in issues if i.code == "admin"]
        if flags:
            for addr in (doc.address, *(a for a, _ in doc.used_by)):
                out[addr] = out.get(addr, False) or any(flags)
    return out


def _ref_admin(rg: ResourceGraph, ref: str, admin: dict[str, bool]) -> bool | None:
    if ref in admin:
        return True if admin[ref] else None
    res = rg.get(ref)
    if res is None or res.kind != "aws_iam_policy":
        return None  # a module output, a variable's source: not known here
    if res.block != "data":
        return False  # a policy written in the repository without an admin grant
    for attr in ("arn", "name"):
        value = res.attrs.get(attr)
        if isinstance(value, str):
            return value.rsplit("/", 1)[-1] in _ADMIN_POLICIES
    return None


def _arn_admin(rg: ResourceGraph, arn: Any, admin: dict[str, bool]) -> bool | None:
    """Whether an attached policy ARN is administrator (``None`` when unknown)."""
    if isinstance(arn, Unresolved):
        verdicts = [_ref_admin(rg, r, admin) for r in arn.refs]
        if True in verdicts:
            return True
        return False if verdicts and None not in verdicts else None
    if isinstance(arn, str):
        return ":aws:policy/" in arn and arn.rsplit("/", 1)[-1] in _ADMIN_POLICIES
    return False


def _user_policy_hits(rg: ResourceGraph, admin: dict[str, bool]) -> Iterator[Hit]:
    for p in rg.resources("aws_iam_user_policy"):
        policy = p.attrs.get("policy")
        flag = admin.get(p.address)
        if flag is None and isinstance(policy, Unresolved):
            flag = next((admin[r] for r in policy.refs if r in admin), None)
        if flag is True:
            yield Hit(p, 'inline user policy allows "*" on "*" (administrator)', "policy")
        elif flag is False:
            yield Hit(
                p, "inline user policy may grant administrator (unknown values)", "policy", Status.UNKNOWN
            )
    for a in rg.resources("aws_iam_user_policy_attachment", "aws_iam_policy_attachment"):
        if a.kind == "aws_iam_policy_attachment" and not a.attrs.get("users"):
            continue
        verdict = _arn_admin(rg, a.attrs.get("policy_arn"), admin)
        if verdict is True:
            yield Hit(a, "administrator policy attached to an IAM user", "policy_arn")
        elif verdict is None:
            yield Hit(a, "attached policy ARN is not known statically", "policy_arn", Status.UNKNOWN)


@rule("NET021", area=NET, severity=Severity.HIGH, title="IAM user with administrator permissions")
def admin_users(rg: ResourceGraph) -> Iterator[Hit]:
    """An IAM user given administrator rights directly: an ``aws_iam_user_policy`` allowing
    ``*`` on ``*``, or an ``aws_iam_user_policy_attachment`` (or ``aws_iam_policy_attachment``
    with ``users``) of ``AdministratorAccess`` or of a customer policy allowing ``*`` on ``*``.
    The policy itself is also reported by RED007; this rule names the user grant.

    Why it matters
    --------------
    An administrator user is a standing, password- or key-protected path to the whole account,
    outside the role-assumption trail (no session names, no MFA condition unless added by
    hand).  Compromising one person's credentials compromises everything.

    Remediation
    -----------
    Give people roles through IAM Identity Center with MFA, grant administrator only through a
    role assumed on demand, and give users least-privilege groups.

    Example
    -------
    .. code-block:: hcl

        resource "aws_iam_group_policy_attachment" "readonly" {
          group      = aws_iam_group.developers.name
          policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
        }
    """
    yield from _user_policy_hits(rg, rg.memo(_admin_docs))
