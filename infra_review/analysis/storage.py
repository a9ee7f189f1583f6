"""Object storage: which configuration resources belong to a bucket, its public access block, versioning.

Since AWS provider v4 a bucket's settings live in split resources
(``aws_s3_bucket_versioning``, ``aws_s3_bucket_public_access_block``, …) that name the bucket
by reference or by its literal name; :func:`linked` and :func:`bucket_split_resources` find them.

>>> rg = ResourceGraph()
>>> rg.add(Resource("aws_s3_bucket.b", "aws_s3_bucket", attrs={"bucket": "logs"}))
>>> rg.add(Resource("aws_s3_bucket_versioning.v", "aws_s3_bucket_versioning",
...                 attrs={"bucket": "logs", "versioning_configuration": [{"status": "Enabled"}]}))
>>> [r.address for r in linked(rg, rg["aws_s3_bucket.b"], ["aws_s3_bucket_versioning"])]
['aws_s3_bucket_versioning.v']
>>> bucket_versioning(rg, rg["aws_s3_bucket.b"]), bucket_public_access_block(rg, rg["aws_s3_bucket.b"])[0]
(True, False)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from infra_review.analysis.net_attrs import refs_of, resolve
from infra_review.graph import ResourceGraph
from infra_review.model import Resource, Unresolved
from infra_review.model.coerce import first_block, tri

__all__ = [
    "GCP_DATA_SCOPES",
    "GCP_PUBLIC_MEMBERS",
    "addresses_of",
    "bucket_public_access_block",
    "bucket_split_resources",
    "bucket_versioning",
    "linked",
]

#: IAM members meaning "anyone" in GCP.
GCP_PUBLIC_MEMBERS = frozenset({"allUsers", "allAuthenticatedUsers"})
#: GCP IAM binding scopes that hold data (a public binding there is public data).
GCP_DATA_SCOPES = frozenset({"bucket", "dataset", "table"})


def addresses_of(res: Resource) -> set[str]:
    """``res``'s address and, for a ``count``/``for_each`` instance, its base address."""
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
    index = rg.memo(_linked_index, tuple(kinds), attr, name_attr)
    seen: dict[str, Resource] = {}
    for a in addresses_of(target):
        for r in index.get(a, ()):
            seen.setdefault(r.address, r)
    return list(seen.values())


def _linked_index(
    rg: ResourceGraph, kinds: tuple[str, ...], attr: str, name_attr: str
) -> dict[str, list[Resource]]:
    """Target address → resources of ``kinds`` whose ``attr`` points at it (see :func:`linked`)."""
    index: dict[str, list[Resource]] = defaultdict(list)
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
    return index


_PAB_FLAGS = ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")


def _pab_flags(res: Resource) -> dict[str, bool | None]:
    out: dict[str, bool | None] = {}
    for f in _PAB_FLAGS:
        v = res.attrs.get(f)
        out[f] = None if isinstance(v, Unresolved) else bool(tri(v)) if v is not None else False
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
        cfg = first_block(v.attrs.get("versioning_configuration"))
        status = cfg.get("status")
        if isinstance(status, Unresolved) or isinstance(v.attrs.get("versioning_configuration"), Unresolved):
            return None
        if isinstance(status, str):
            return status.lower() == "enabled"
    legacy = bucket.attrs.get("versioning")
    if isinstance(legacy, Unresolved):
        return None
    blk = first_block(legacy)
    enabled = blk.get("enabled")
    if isinstance(enabled, Unresolved):
        return None
    return tri(enabled) is True


def _split_index(rg: ResourceGraph, kind: str) -> dict[str, list[Resource]]:
    """Split S3 configuration resources of ``kind`` by the bucket they name (address or name)."""
    idx: dict[str, list[Resource]] = defaultdict(list)
    for r in rg.resources(kind):
        if r.block != "resource":
            continue
        value = r.attrs.get("bucket")
        for addr in {a for ref in refs_of(value) for a in resolve(rg, ref)}:
            idx[addr].append(r)
        if isinstance(value, str):
            idx["name:" + value].append(r)
    return idx


def bucket_split_resources(rg: ResourceGraph, b: Resource, kind: str) -> list[Resource]:
    """Managed split S3 configuration resources of ``kind`` whose ``bucket`` names bucket ``b``.

    Unlike :func:`linked`, only a reference or the literal name counts (no alias chains).
    """
    idx = rg.memo(_split_index, kind)
    out = list(idx.get(b.address, ()))
    name = b.attrs.get("bucket")
    if isinstance(name, str):
        out += [r for r in idx.get("name:" + name, ()) if r not in out]
    return out
