"""``.tf.json``/``.tfvars.json`` (:mod:`json`) into the same plain blocks as HCL.

Strings are templates (parsed by :mod:`~infra_review.loaders.terraform.expr`); an object or
list of objects whose keys are all snake_case is read as nested block(s), unless the attribute
is a known map (``tags``, ``labels``, ...) or an input of a module call.  Line numbers are
found by locating keys in the text.
"""

from __future__ import annotations

import bisect
import json
import re
from typing import Any

from infra_review.loaders.base import ParsedFile, json_object
from infra_review.loaders.terraform.expr import HCLSyntaxError, Node, parse_expr, parse_template
from infra_review.model import Diagnostic, DiagnosticCode

__all__ = ["parse_json"]


#: Attributes whose JSON object value is a map, never a nested block.
_MAP_ATTRS = frozenset(
    {
        "tags",
        "tags_all",
        "labels",
        "annotations",
        "variables",
        "triggers",
        "environment_variables",
        "default",
        "value",
        "parameters",
        "metadata",
        "selector",
        "node_selector",
        "data",
        "binary_data",
        "string_data",
        "dimensions",
        "stage_variables",
        "request_parameters",
        "request_templates",
        "response_parameters",
        "response_templates",
        "docker_labels",
        "log_options",
        "resource_labels",
        "user_labels",
        "common_labels",
        "options",
        "properties",
        "attributes",
        "context",
        "settings",
        "providers",
        "headers",
        "extra_args",
    }
)
_SNAKE = re.compile(r"^[a-z_][a-z0-9_]*$")
_LABEL_DEPTH = {
    "resource": 2,
    "data": 2,
    "ephemeral": 2,
    "module": 1,
    "variable": 1,
    "output": 1,
    "provider": 1,
    "locals": 0,
    "terraform": 0,
    "import": 0,
    "moved": 0,
    "check": 1,
    "removed": 0,
}
#: Attributes of .tf.json that hold a bare expression (no ${...} needed), per Terraform's JSON syntax.
_JSON_EXPR_ATTRS: dict[str, frozenset[str]] = {
    "resource": frozenset({"depends_on", "provider"}),
    "data": frozenset({"depends_on", "provider"}),
    "ephemeral": frozenset({"depends_on", "provider"}),
    "module": frozenset({"depends_on"}),
    "output": frozenset({"depends_on"}),
    "variable": frozenset({"type"}),
    "import": frozenset({"to", "provider"}),
    "moved": frozenset({"from", "to"}),
}


class _JsonLines:
    """Approximate line numbers for JSON keys (``json`` has no positions)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0]
        for m in re.finditer("\n", text):
            self.starts.append(m.end())

    def find(self, key: str, start: int) -> tuple[int, int]:
        pos = self.text.find(json.dumps(key, ensure_ascii=False), start)
        if pos < 0:
            pos = self.text.find(json.dumps(key), start)
        if pos < 0:
            return 0, start
        return bisect.bisect_right(self.starts, pos), pos

    def end_line(self, key_pos: int) -> int:
        """Line where the JSON value following the key at ``key_pos`` ends (0 when unsure)."""
        t = self.text
        i = t.find(":", key_pos + 1)
        if i < 0:
            return 0
        i += 1
        n = len(t)
        while i < n and t[i] in " \t\r\n":
            i += 1
        if i >= n or t[i] not in "{[":
            return bisect.bisect_right(self.starts, i)
        depth = 0
        in_str = False
        while i < n:
            c = t[i]
            if in_str:
                if c == "\\":
                    i += 1
                elif c == '"':
                    in_str = False
            elif c == '"':
                in_str = True
            elif c in "{[":
                depth += 1
            elif c in "}]":
                depth -= 1
                if depth == 0:
                    return bisect.bisect_right(self.starts, i)
            i += 1
        return 0


def parse_json(pf: ParsedFile, text: str) -> None:
    doc = json_object(pf, text)
    if doc is None:
        return
    lines = _JsonLines(text)
    if pf.kind == "tfvars_json":
        attrs = {}
        for k, v in doc.items():
            ln, _ = lines.find(k, 0)
            attrs[k] = {"expr": _json_literal(v), "line": ln, "end_line": ln}
        pf.data = {"attrs": attrs}
        return
    conv = _JsonConv(pf.path, lines)
    blocks: list[dict[str, Any]] = []
    for btype, val in doc.items():
        if btype.startswith("//"):
            continue
        depth = _LABEL_DEPTH.get(btype, 0)
        ln, pos = lines.find(btype, 0)
        conv.blocks_of(btype, val, depth, [], ln, pos, blocks)
    pf.diagnostics.extend(conv.diags)
    pf.data = {"blocks": blocks, "attrs": {}}


def _json_literal(v: Any) -> Node:
    stack: list[Any] = []

    # iterative conversion to ("lit"/"tuple"/"object") nodes
    def conv(x: Any) -> Node:
        if isinstance(x, dict):
            return ("object", tuple((("lit", k), conv(y)) for k, y in x.items()))
        if isinstance(x, list):
            return ("tuple", tuple(conv(y) for y in x))
        return ("lit", x)

    del stack
    return conv(v)


class _JsonConv:
    def __init__(self, path: str, lines: _JsonLines) -> None:
        self.path = path
        self.lines = lines
        self.diags: list[Diagnostic] = []

    def blocks_of(
        self,
        btype: str,
        val: Any,
        depth: int,
        labels: list[str],
        line: int,
        pos: int,
        out: list[dict[str, Any]],
    ) -> None:
        if depth > 0 and isinstance(val, dict):
            for k, v in val.items():
                ln, p = self.lines.find(k, pos)
                self.blocks_of(btype, v, depth - 1, [*labels, k], ln or line, p, out)
            return
        bodies = val if isinstance(val, list) else [val]
        for body in bodies:
            if not isinstance(body, dict):
                continue
            attrs, blocks = self.body(btype, body, line, pos)
            end = self.lines.end_line(pos) if line else 0
            out.append(
                {
                    "type": btype,
                    "labels": labels,
                    "line": line,
                    "end_line": max(end, line),
                    "attrs": attrs,
                    "blocks": blocks,
                }
            )

    def body(
        self, btype: str, body: dict[str, Any], line: int, pos: int
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        attrs: dict[str, Any] = {}
        blocks: list[dict[str, Any]] = []
        for k, v in body.items():
            if k == "//":
                continue
            ln, p = self.lines.find(k, pos)
            ln = ln or line
            if k == "dynamic" and isinstance(v, dict):
                for label, spec in v.items():
                    for sp in spec if isinstance(spec, list) else [spec]:
                        if isinstance(sp, dict):
                            a, b = self.body("dynamic", sp, ln, p)
                            if "content" in sp and not any(x["type"] == "content" for x in b):
                                ca, cb = (
                                    self.body("content", sp["content"], ln, p)
                                    if isinstance(sp["content"], dict)
                                    else ({}, [])
                                )
                                a.pop("content", None)
                                b.append(
                                    {
                                        "type": "content",
                                        "labels": [],
                                        "line": ln,
                                        "end_line": ln,
                                        "attrs": ca,
                                        "blocks": cb,
                                    }
                                )
                            blocks.append(
                                {
                                    "type": "dynamic",
                                    "labels": [label],
                                    "line": ln,
                                    "end_line": ln,
                                    "attrs": a,
                                    "blocks": b,
                                }
                            )
                continue
            if self._is_block(btype, k, v):
                items = v if isinstance(v, list) else [v]
                for it in items:
                    if (
                        k in ("provisioner", "backend")
                        and isinstance(it, dict)
                        and len(it) == 1
                        and isinstance(next(iter(it.values())), dict)
                    ):
                        label, inner = next(iter(it.items()))
                        a, b = self.body(k, inner, ln, p)
                        blocks.append(
                            {
                                "type": k,
                                "labels": [label],
                                "line": ln,
                                "end_line": ln,
                                "attrs": a,
                                "blocks": b,
                            }
                        )
                    elif isinstance(it, dict):
                        a, b = self.body(k, it, ln, p)
                        blocks.append(
                            {"type": k, "labels": [], "line": ln, "end_line": ln, "attrs": a, "blocks": b}
                        )
                continue
            attrs[k] = {"expr": self.value(k, v, btype), "line": ln, "end_line": ln}
        return attrs, blocks

    def _is_block(self, btype: str, key: str, v: Any) -> bool:
        if btype in ("locals", "variable", "output", "module") or key in _MAP_ATTRS:
            return False
        if key in (
            "lifecycle",
            "provisioner",
            "connection",
            "backend",
            "content",
            "default_tags",
            "required_providers",
        ):
            return key != "required_providers"
        if isinstance(v, dict):
            # without a provider schema: a block has snake_case argument names; a map attribute
            # (tags, labels, ...) is listed above or has keys like "Name", "app.kubernetes.io/x"
            return all(isinstance(k, str) and _SNAKE.match(k) for k in v)
        if isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            return all(isinstance(k, str) and _SNAKE.match(k) for x in v for k in x)
        return False

    def value(self, key: str, v: Any, btype: str) -> Node:
        try:
            if key in _JSON_EXPR_ATTRS.get(btype, ()):
                if isinstance(v, str):
                    return parse_expr(v)
                if isinstance(v, list) and all(isinstance(x, str) for x in v):
                    return ("tuple", tuple(parse_expr(x) for x in v))
            return self._val(v)
        except HCLSyntaxError as e:
            self.diags.append(
                Diagnostic(DiagnosticCode.EVAL_WARNING, self.path, 0, 0, f"expression not understood: {e}")
            )
            return ("error", str(v)[:200], "not understood")

    def _val(self, v: Any) -> Node:
        if isinstance(v, str):
            return parse_template(v) if ("${" in v or "%{" in v) else ("lit", v)
        if isinstance(v, dict):
            return ("object", tuple((("lit", k), self._val(x)) for k, x in v.items() if k != "//"))
        if isinstance(v, list):
            return ("tuple", tuple(self._val(x) for x in v))
        return ("lit", v)
