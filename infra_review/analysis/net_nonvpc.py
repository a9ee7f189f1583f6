"""Non-VPC exposure: resources the internet reaches without a VPC path.

Public S3 bucket ACLs and policies (unless a bucket or account public access block stops
them), EKS API endpoints open to ``0.0.0.0/0``, Lambda function URLs without auth, OpenSearch
domains without ``vpc_options``, CloudFront distributions and API Gateway endpoints.

>>> from infra_review.graph import ResourceGraph
>>> from infra_review.model import Resource
>>> rg = ResourceGraph()
>>> rg.add(Resource("aws_s3_bucket.site", "aws_s3_bucket", attrs={"acl": "public-read"}))
>>> [(e.address, e.kind) for e in nonvpc_exposures(rg)]
[('aws_s3_bucket.site', 's3_acl')]
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from infra_review.analysis.net_attrs import attr_path, block, refs_of, resolve, targets
from infra_review.analysis.net_kinds import WORLD_V4
from infra_review.analysis.net_types import NonVpcExposure
from infra_review.graph import ResourceGraph
from infra_review.model import Resource, Unresolved
from infra_review.model.coerce import tri

__all__ = ["nonvpc_exposures"]

_PUBLIC_ACLS = frozenset({"public-read", "public-read-write", "authenticated-read"})


def _policy_public(policy: Any) -> bool | None:
    """True when a JSON policy has an Allow for Principal "*" without a Condition."""
    if isinstance(policy, Unresolved):
        return None
    doc: Any = policy
    if isinstance(policy, str):
        try:
            doc = json.loads(policy)
        except ValueError:
            return None
    if not isinstance(doc, Mapping):
        return None
    stmts = doc.get("Statement", [])
    if isinstance(stmts, Mapping):
        stmts = [stmts]
    for st in stmts if isinstance(stmts, list) else []:
        if not isinstance(st, Mapping) or st.get("Effect") != "Allow" or st.get("Condition"):
            continue
        principal = st.get("Principal")
        if principal == "*" or (isinstance(principal, Mapping) and principal.get("AWS") in ("*", ["*"])):
            return True
    return False


def nonvpc_exposures(rg: ResourceGraph) -> list[NonVpcExposure]:
    """Resources reachable from the internet outside any VPC path (see the module docstring)."""
    out: list[NonVpcExposure] = []
    pab: dict[str, bool] = {}
    for res in rg.resources("aws_s3_bucket_public_access_block"):
        flags = [tri(res.attrs.get(k), False) for k in ("block_public_policy", "restrict_public_buckets")]
        acl_flags = [tri(res.attrs.get(k), False) for k in ("block_public_acls", "ignore_public_acls")]
        for b in targets(rg, res, ["bucket"], {"aws_s3_bucket"}):
            pab[b + "#policy"] = all(f is True for f in flags)
            pab[b + "#acl"] = all(f is True for f in acl_flags)
    account_block = any(
        all(
            tri(r.attrs.get(k), False) is True
            for k in ("block_public_policy", "restrict_public_buckets", "ignore_public_acls")
        )
        for r in rg.resources("aws_s3_account_public_access_block")
    )
    for res in rg.resources("aws_s3_bucket"):
        acl = res.attrs.get("acl")
        if (
            isinstance(acl, str)
            and acl in _PUBLIC_ACLS
            and not pab.get(res.address + "#acl")
            and not account_block
        ):
            out.append(NonVpcExposure(res.address, "s3_acl", f"bucket ACL {acl}"))
        if (
            _policy_public(res.attrs.get("policy"))
            and not pab.get(res.address + "#policy")
            and not account_block
        ):
            out.append(
                NonVpcExposure(
                    res.address, "s3_policy", 'bucket policy allows Principal "*" without a Condition'
                )
            )
    for res in rg.resources("aws_s3_bucket_acl"):
        acl = res.attrs.get("acl")
        for b in targets(rg, res, ["bucket"], {"aws_s3_bucket"}):
            if isinstance(acl, str) and acl in _PUBLIC_ACLS and not pab.get(b + "#acl") and not account_block:
                out.append(NonVpcExposure(b, "s3_acl", f"aws_s3_bucket_acl {acl}"))
    for res in rg.resources("aws_s3_bucket_policy"):
        pol = res.attrs.get("policy")
        public = _policy_public(pol)
        if public is None and isinstance(pol, Unresolved):
            for ref in refs_of(pol):
                for doc in resolve(rg, ref):
                    dnode = rg.get(doc)
                    if dnode is not None and dnode.kind == "aws_iam_policy_document":
                        public = _doc_public(dnode)
        for b in targets(rg, res, ["bucket"], {"aws_s3_bucket"}):
            if public and not pab.get(b + "#policy") and not account_block:
                out.append(
                    NonVpcExposure(b, "s3_policy", 'bucket policy allows Principal "*" without a Condition')
                )
    for res in rg.resources("aws_eks_cluster"):
        for vc in block(res.attrs, "vpc_config"):
            pub = tri(vc.get("endpoint_public_access"), True)
            cidrs = vc.get("public_access_cidrs", [WORLD_V4])
            world = isinstance(cidrs, list) and WORLD_V4 in cidrs
            if pub is True and world:
                out.append(
                    NonVpcExposure(res.address, "eks_endpoint", "EKS API endpoint public to 0.0.0.0/0")
                )
            elif pub is None or isinstance(cidrs, Unresolved):
                out.append(
                    NonVpcExposure(
                        res.address, "eks_endpoint", "EKS endpoint access not statically known", False
                    )
                )
        if not block(res.attrs, "vpc_config"):
            out.append(NonVpcExposure(res.address, "eks_endpoint", "EKS API endpoint public by default"))
    for res in rg.resources("aws_lambda_function_url"):
        auth = res.attrs.get("authorization_type")
        if auth == "NONE":
            fns = targets(rg, res, ["function_name"], {"aws_lambda_function"})
            out.append(
                NonVpcExposure(
                    fns[0] if fns else res.address, "lambda_url", "function URL with authorization_type NONE"
                )
            )
    for res in rg.resources("aws_opensearch_domain", "aws_elasticsearch_domain"):
        if not block(res.attrs, "vpc_options"):
            out.append(
                NonVpcExposure(
                    res.address, "opensearch_public", "domain has no vpc_options (public endpoint)"
                )
            )
    for res in rg.resources("aws_cloudfront_distribution"):
        out.append(NonVpcExposure(res.address, "cloudfront", "CloudFront distribution (internet edge)"))
    for res in rg.resources("aws_api_gateway_rest_api", "aws_apigatewayv2_api"):
        types = attr_path(res.attrs, "endpoint_configuration.types")
        if any(isinstance(t, list) and "PRIVATE" in t for t in types):
            continue
        out.append(NonVpcExposure(res.address, "api", "API Gateway endpoint (internet edge)"))
    return out


def _doc_public(doc: Resource) -> bool:
    for st in block(doc.attrs, "statement"):
        if str(st.get("effect", "Allow")) != "Allow" or st.get("condition"):
            continue
        for pr in block(st, "principals"):
            ids = pr.get("identifiers")
            if isinstance(ids, list) and "*" in ids:
                return True
    return False
