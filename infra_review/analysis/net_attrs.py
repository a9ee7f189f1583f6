"""Small helpers to read normalised attributes and follow references to graph nodes.

Loaders hand references over as :class:`~infra_review.model.Unresolved` values whose
``refs`` hold the ultimate resource addresses (``Unresolved("aws_subnet.a.id",
refs=("aws_subnet.a",))``).  These helpers collect those refs from any attribute value
(scalars, lists, dicts, nested blocks), map them onto graph nodes (an un-indexed reference to
a ``count``/``for_each`` resource means every instance).  Value coercion (``tri``, ``as_int``,
``as_list``) is :mod:`infra_review.model.coerce`.

>>> from infra_review.graph import ResourceGraph
>>> from infra_review.model import Resource, Unresolved
>>> rg = ResourceGraph()
>>> for i in range(2):
...     rg.add(Resource(f"aws_subnet.a[{i}]", "aws_subnet", meta={"base_address": "aws_subnet.a"}))
>>> refs_of([Unresolved("aws_subnet.a[*].id", refs=("aws_subnet.a",)), "subnet-123"])
['aws_subnet.a']
>>> resolve(rg, "aws_subnet.a")
['aws_subnet.a[0]', 'aws_subnet.a[1]']
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Any

from infra_review.graph import ResourceGraph
from infra_review.model import Resource, Unresolved

__all__ = [
    "attr_path",
    "block",
    "literal_strings",
    "refs_of",
    "resolve",
    "tags_of",
    "targets",
]


def refs_of(value: Any) -> list[str]:
    """Every graph address referenced anywhere inside ``value``, in first-seen order."""
    out: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Unresolved):
            out.extend(r for r in item.refs if r not in out)
        elif isinstance(item, Mapping):
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, (list, tuple)):
            stack.extend(reversed(item))
    return out


def literal_strings(value: Any) -> list[str]:
    """The plain (known) strings inside ``value`` (a scalar or a list of scalars)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [v for v in value if isinstance(v, str)]
    return []


def _instances(rg: ResourceGraph) -> dict[str, list[str]]:
    """The instances of every expanded (``count``/``for_each``) resource, by base address."""
    idx: dict[str, list[str]] = {}
    for res in rg.all():
        base = res.meta.get("base_address")
        if base and base != res.address:
            idx.setdefault(str(base), []).append(res.address)
    return idx


def resolve(rg: ResourceGraph, ref: str) -> list[str]:
    """Graph nodes meant by ``ref``: itself, or every instance of an expanded resource."""
    if ref in rg:
        return [ref]
    inst = rg.memo(_instances).get(ref)
    if inst:
        return list(inst)
    # "aws_subnet.a[0].id"-style leftovers: strip trailing attribute segments
    head = ref
    while "." in head:
        head = head.rsplit(".", 1)[0]
        if head in rg:
            return [head]
        inst = rg.memo(_instances).get(head)
        if inst:
            return list(inst)
    return []


def attr_path(attrs: Mapping[str, Any], path: str) -> list[Any]:
    """Values at a dotted path; nested blocks (lists of dicts) are walked element-wise.

    >>> attr_path({"vpc_config": [{"subnet_ids": ["a", "b"]}]}, "vpc_config.subnet_ids")
    [['a', 'b']]
    """
    if "." not in path and type(attrs) is dict:  # the common case: one top-level attribute
        return [attrs[path]] if path in attrs else []
    current: list[Any] = [attrs]
    for part in path.split("."):
        nxt: list[Any] = []
        for item in current:
            if isinstance(item, Mapping):
                if part in item:
                    nxt.append(item[part])
            elif isinstance(item, list):
                nxt.extend(el[part] for el in item if isinstance(el, Mapping) and part in el)
        current = nxt
    return current


@functools.lru_cache(maxsize=256)
def _heads(paths: tuple[str, ...]) -> frozenset[str]:
    """The top-level attribute names of dotted ``paths``."""
    return frozenset(p.split(".", 1)[0] for p in paths)


def targets(
    rg: ResourceGraph, res: Resource, paths: Iterable[str], kinds: Iterable[str] | None = None
) -> list[str]:
    """Graph nodes (of ``kinds``) referenced from the attribute ``paths`` of ``res``."""
    if type(paths) is tuple and type(res.attrs) is dict and res.attrs.keys().isdisjoint(_heads(paths)):
        return []  # none of the paths' top-level attributes is set: the common case
    wanted = set(kinds) if kinds is not None else None
    out: list[str] = []
    for path in paths:
        for value in attr_path(res.attrs, path):
            for ref in refs_of(value):
                for addr in resolve(rg, ref):
                    if addr in out or addr == res.address:
                        continue
                    if wanted is not None:
                        node = rg.get(addr)
                        if node is None or node.kind not in wanted:
                            continue
                    out.append(addr)
    return out


def block(attrs: Mapping[str, Any], name: str) -> list[Mapping[str, Any]]:
    """A nested block as a list of dicts (tolerating a single dict); unknown parts are dropped."""
    value = attrs.get(name)
    if isinstance(value, Mapping):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, Mapping)]
    return []


def tags_of(res: Resource) -> dict[str, str]:
    """Known string tags of a resource (``tags``, then ``tags_all``, Kubernetes labels excluded)."""
    out: dict[str, str] = {}
    for key in ("tags_all", "tags", "labels"):
        value = res.attrs.get(key)
        if isinstance(value, Mapping):
            out.update({str(k): str(v) for k, v in value.items() if isinstance(v, (str, int, float))})
    return out
