"""Decode a CloudFormation template (YAML with short-form tags, or JSON) into plain values.

Safety first: the text always goes through :func:`infra_review.loaders.safety.yaml_safe.load_documents`
(alias budget, depth limit, duplicate keys, masked messages, never raises).  That loader keeps the
plain value of local tags (``!Ref X`` → ``"X"``), so when the text contains a ``!`` the node tree
is composed a second time (no construction, libyaml when present) only to learn *where* the
CloudFormation tags are; each tagged value is then wrapped into its long form
(``{"Ref": "X"}``, ``{"Fn::GetAtt": ["A", "Arn"]}``).  The second pass walks a tree the safe
loader already accepted, so it is bounded by the same limits.

>>> y = "Resources:\\n  Sg:\\n    Type: AWS::EC2::SecurityGroup\\n    Properties:\\n"
>>> t = decode(y + "      VpcId: !Ref Vpc\\n      Name: !Sub '${AWS::StackName}-sg'\\n", "t.yaml")
>>> t.template["Resources"]["Sg"]["Properties"]
{'VpcId': {'Ref': 'Vpc'}, 'Name': {'Fn::Sub': '${AWS::StackName}-sg'}}
>>> t.lines["Resources.Sg"], t.lines["Resources.Sg.Properties.VpcId"], t.diagnostics
(2, 5, [])
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from infra_review.loaders.safety.yaml_safe import load_documents
from infra_review.model import Diagnostic, DiagnosticCode

__all__ = ["FN_TAGS", "Decoded", "decode", "long_form"]

#: Short-form tags and the long-form key each stands for.
FN_TAGS: dict[str, str] = {
    "!Ref": "Ref",
    "!Condition": "Condition",
    **{
        f"!{n}": f"Fn::{n}"
        for n in (
            "GetAtt",
            "Sub",
            "Join",
            "If",
            "Select",
            "Split",
            "FindInMap",
            "ImportValue",
            "Base64",
            "Cidr",
            "GetAZs",
            "Equals",
            "And",
            "Or",
            "Not",
            "Transform",
            "ToJsonString",
            "Length",
            "ForEach",
        )
    },
}

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FATAL = frozenset(
    {
        DiagnosticCode.PARSE_ERROR,
        DiagnosticCode.ALIAS_LIMIT,
        DiagnosticCode.DEPTH_LIMIT,
        DiagnosticCode.UNSUPPORTED,
        DiagnosticCode.RESOURCE_LIMIT,
    }
)


@dataclass(slots=True)
class Decoded:
    """A decoded template: its top-level mapping (``None`` when unusable), lines, diagnostics.

    ``lines`` maps dotted paths (``Resources.Sg.Properties.VpcId``) to 1-based lines.
    """

    template: dict[str, Any] | None
    lines: dict[str, int] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def long_form(tag: str, value: Any) -> Any:
    """The long form of a short-form tagged value.

    >>> long_form("!GetAtt", "Db.Endpoint.Address"), long_form("!Ref", "X")
    ({'Fn::GetAtt': ['Db', 'Endpoint.Address']}, {'Ref': 'X'})
    """
    key = FN_TAGS[tag]
    if key == "Fn::GetAtt" and isinstance(value, str):
        head, _, rest = value.partition(".")
        value = [head, rest]
    return {key: value}


_Site = tuple[tuple[Any, ...], str, int]


def _tag_sites(root: Node) -> list[_Site]:
    """``(path, tag, line)`` of every locally tagged node (iterative; aliases visited where used)."""
    out: list[_Site] = []
    stack: list[tuple[Node, tuple[Any, ...]]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        tag = node.tag or ""
        if tag.startswith("!"):
            out.append((path, tag, node.start_mark.line + 1))
        if isinstance(node, SequenceNode):
            stack.extend((child, (*path, i)) for i, child in enumerate(node.value))
        elif isinstance(node, MappingNode):
            last: dict[str, Node] = {}
            for knode, vnode in node.value:  # the last duplicate wins, as in the safe loader
                if isinstance(knode, ScalarNode) and knode.tag != "tag:yaml.org,2002:merge":
                    last[knode.value] = vnode
            stack.extend((v, (*path, k)) for k, v in last.items())
    return out


def _child_key(container: dict[Any, Any], key: str) -> Any:
    if key in container:
        return key
    for k in container:
        if str(k) == key or (isinstance(k, bool) and key.lower() in {"true", "false", "yes", "no"}):
            return k
    return None


def _apply_tags(value: Any, sites: list[_Site], rel_path: str) -> tuple[Any, list[Diagnostic]]:
    diags: list[Diagnostic] = []
    unknown: dict[str, int] = {}
    for path, tag, line in sorted(sites, key=lambda s: -len(s[0])):  # innermost first
        if tag not in FN_TAGS:
            unknown[tag] = min(line, unknown.get(tag, line))
            continue
        if not path:
            value = long_form(tag, value)
            continue
        parent = value
        ok = True
        for step in path[:-1]:
            if isinstance(parent, dict):
                k = _child_key(parent, str(step))
                parent = parent.get(k) if k is not None else None
            elif isinstance(parent, list) and isinstance(step, int) and step < len(parent):
                parent = parent[step]
            else:
                ok = False
                break
        last = path[-1]
        if ok and isinstance(parent, dict):
            k = _child_key(parent, str(last))
            if k is not None:
                parent[k] = long_form(tag, parent[k])
        elif ok and isinstance(parent, list) and isinstance(last, int) and last < len(parent):
            parent[last] = long_form(tag, parent[last])
    for tag, line in sorted(unknown.items()):
        diags.append(
            Diagnostic(
                DiagnosticCode.UNSUPPORTED,
                rel_path,
                line,
                message=f"unknown YAML tag {tag[:40]} kept as its plain value",
            )
        )
    return value, diags


_JSON_KEY = re.compile(r'^\s*"([^"\\]+)"\s*:', re.MULTILINE)


def _json_fallback(text: str, rel_path: str) -> Decoded:
    """Strict JSON (PyYAML refused the text): values from :mod:`json`, lines of resources by search."""
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        line = getattr(exc, "lineno", 0)
        msg = getattr(exc, "msg", "nesting too deep")[:80]
        return Decoded(
            None, {}, [Diagnostic(DiagnosticCode.PARSE_ERROR, rel_path, line, 0, f"invalid JSON: {msg}")]
        )
    if not isinstance(value, dict):
        return Decoded(
            None, {}, [Diagnostic(DiagnosticCode.PARSE_ERROR, rel_path, 1, 1, "top level is not an object")]
        )
    lines: dict[str, int] = {"": 1}
    resources = value.get("Resources")
    if isinstance(resources, dict):
        names = set(resources)
        for m in _JSON_KEY.finditer(text):
            if m.group(1) in names:
                lines.setdefault(f"Resources.{m.group(1)}", text.count("\n", 0, m.start()) + 1)
    return Decoded(value, lines, [])


def decode(text: str, rel_path: str) -> Decoded:
    """Decode ``text``; never raises.  Failures give ``template=None`` and coded diagnostics."""
    docs, diags = load_documents(text, rel_path)
    fatal = [d for d in diags if d.code in _FATAL]
    if not docs:
        if rel_path.lower().endswith(".json") and not any(
            d.code in (DiagnosticCode.ALIAS_LIMIT, DiagnosticCode.DEPTH_LIMIT) for d in diags
        ):
            fb = _json_fallback(text, rel_path)
            if fb.template is not None:
                return fb
        return Decoded(
            None, {}, diags or [Diagnostic(DiagnosticCode.PARSE_ERROR, rel_path, 1, 0, "empty template")]
        )
    doc = docs[0]
    if not isinstance(doc.value, dict):
        diags.append(
            Diagnostic(DiagnosticCode.PARSE_ERROR, rel_path, doc.line, 0, "top level is not a mapping")
        )
        return Decoded(None, {}, diags)
    value: Any = doc.value
    if "!" in text and not fatal:
        try:
            root = yaml.compose(text.lstrip("\ufeff"), Loader=_Loader)
        except (yaml.YAMLError, RecursionError, MemoryError, ValueError):  # pragma: no cover - accepted above
            root = None
        if root is not None:
            value, tag_diags = _apply_tags(value, _tag_sites(root), rel_path)
            diags.extend(tag_diags)
    return Decoded(value, dict(doc.lines), diags)
