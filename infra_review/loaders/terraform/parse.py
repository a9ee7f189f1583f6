"""Parse phase of the Terraform loader: one file → plain, picklable blocks (runs in a worker).

``.tf``/``.tfvars`` go through python-hcl2 8.x (``hcl2.parses``): its IR gives the block
structure and the line numbers (``_meta``), and the source text of every attribute expression is
parsed by :mod:`~infra_review.loaders.terraform.expr` into a tuple AST.  ``.tf.json``/``.tfvars.json``
use :mod:`json`.  Plan JSON goes to :mod:`~infra_review.loaders.terraform.plan`.  See
:mod:`~infra_review.loaders.terraform.builder` for the data shape; nothing here raises.

>>> pf = parse_file("main.tf", 'resource "aws_s3_bucket" "b" {\\n  bucket = "logs"\\n}\\n', "terraform")
>>> blk = pf.data["blocks"][0]
>>> blk["type"], blk["labels"], blk["line"], blk["end_line"], blk["attrs"]["bucket"]["expr"]
('resource', ['aws_s3_bucket', 'b'], 1, 3, ('lit', 'logs'))
"""

from __future__ import annotations

import functools
import gc
import json
import re
from typing import Any

from infra_review.loaders.base import ParsedFile, json_object
from infra_review.loaders.terraform.expr import HCLSyntaxError, Node, parse_expr, parse_template
from infra_review.model import Diagnostic, DiagnosticCode, FileStatus

__all__ = ["parse_file"]

_HCL_KINDS = ("terraform", "tfvars")
_JSON_KINDS = ("terraform_json", "tfvars_json")


#: Expressions up to this many characters are memoised (see :func:`_parse_expr`).
EXPR_MEMO_MAX_CHARS = 512


@functools.lru_cache(maxsize=8192)
def _parse_expr_memo(src: str) -> Node:
    return parse_expr(src)


def _parse_expr(src: str) -> Node:
    """:func:`~infra_review.loaders.terraform.expr.parse_expr`, memoised for short expressions.

    The AST is made of tuples and immutable leaves only, so sharing it is safe; the same
    short expressions (``var.name``, ``aws_vpc.main.id``, ``true``) recur across files and
    module copies.  Errors are not memoised (``lru_cache`` does not cache exceptions).

    >>> _parse_expr("var.a") is _parse_expr("var.a")
    True
    """
    if len(src) > EXPR_MEMO_MAX_CHARS:
        return parse_expr(src)
    return _parse_expr_memo(src)


#: Files up to this many characters are parsed with the cyclic collector paused (see below).
GC_PAUSE_MAX_CHARS = 512 * 1024


def parse_file(rel_path: str, text: str, kind: str = "terraform") -> ParsedFile:
    """Parse one Terraform-family file into plain data; never raises.

    python-hcl2/lark allocate a tree of small objects per file, so the cyclic collector runs
    over and over during a parse (about a third of the parse time).  For files up to
    :data:`GC_PAUSE_MAX_CHARS` it is paused for the parse and the youngest generation (all
    that the parse allocated) is collected once afterwards, which frees the parser's cycles
    so peak memory stays as before.
    """
    if len(text) > GC_PAUSE_MAX_CHARS or not gc.isenabled():
        return _parse_file(rel_path, text, kind)
    gc.disable()
    try:
        return _parse_file(rel_path, text, kind)
    finally:
        gc.enable()
        gc.collect(0)


def _parse_file(rel_path: str, text: str, kind: str) -> ParsedFile:
    pf = ParsedFile(path=rel_path, kind=kind)
    if text.startswith("\ufeff"):  # the repository loader strips it; stay safe when called directly
        text = text[1:]
    try:
        if kind in _HCL_KINDS:
            _parse_hcl(pf, text)
        elif kind in _JSON_KINDS:
            _parse_json(pf, text)
        elif kind == "terraform_plan":
            from infra_review.loaders.terraform.plan import parse_plan

            parse_plan(pf, text)
        else:
            pf.status = FileStatus.SKIPPED
            pf.diagnostics.append(
                Diagnostic(DiagnosticCode.UNSUPPORTED, rel_path, 0, 0, f"not a Terraform kind: {kind[:40]}")
            )
    except RecursionError:
        pf.status, pf.data = FileStatus.FAILED, None
        pf.diagnostics.append(
            Diagnostic(DiagnosticCode.DEPTH_LIMIT, rel_path, 0, 0, "nesting too deep to parse")
        )
    except Exception as e:
        pf.status, pf.data = FileStatus.FAILED, None
        pf.diagnostics.append(
            Diagnostic(DiagnosticCode.PARSE_ERROR, rel_path, 0, 0, f"parser failed: {type(e).__name__}")
        )
    return pf


def _syntax_message(e: Exception) -> tuple[int, int, str]:
    """Line, column and a one-line message built from token types only (no file text)."""
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

    line = int(getattr(e, "line", 0) or 0)
    col = int(getattr(e, "column", 0) or 0)
    if isinstance(e, UnexpectedToken):
        tok = e.token
        ttype = str(getattr(tok, "type", "") or "")
        value = str(getattr(tok, "value", "") or "")
        expected = sorted(str(x) for x in (e.expected or ()))
        if ttype == "$END":
            what = "unexpected end of file (unclosed block, bracket or string?)"
        elif value.lstrip().startswith("<<"):
            what = "unterminated heredoc (end marker missing, indented without <<-, or followed by spaces)"
        elif ttype == "STRING_CHARS":
            what = "unexpected text (unterminated string or stray characters?)"
        else:
            what = f"unexpected token {ttype[:40]}"
        if expected and ttype != "$END":
            what += "; expected one of " + ", ".join(x[:30] for x in expected[:6])
        elif expected:
            what += "; expected " + ", ".join(x[:30] for x in expected[:4])
        return line, col, "syntax error: " + what
    if isinstance(e, UnexpectedCharacters):
        return line, col, "syntax error: unexpected character"
    if isinstance(e, UnexpectedEOF):
        return line, col, "syntax error: unexpected end of file"
    return line, col, "syntax error"


#: Files whose lark tree is at most this deep skip python-hcl2's IR transform (see below).
TREE_FAST_MAX_DEPTH = 150


def _tree_within(tree: Any, limit: int) -> bool:
    """True when no branch of the lark tree is deeper than ``limit`` (iterative)."""
    from lark import Tree

    stack: list[tuple[Any, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return False
        for child in node.children:
            if type(child) is Tree:
                stack.append((child, depth + 1))
    return True


def _parse_hcl(pf: ParsedFile, text: str) -> None:
    """python-hcl2 parses; blocks and attribute source spans are read from its tree.

    python-hcl2's ``parses`` is ``parses_to_tree`` (lark) followed by a transform into its
    IR, which is about a third of the time and which this loader only reads block structure
    and source positions from (the IR nodes carry the lark nodes' ``meta``).  So the raw lark
    tree is walked directly (:class:`_TreeWalker`) when the transform could not have failed:
    the tree is at most :data:`TREE_FAST_MAX_DEPTH` deep (the recursive transform hits the
    recursion limit only far deeper) and the text has no template directive (``%{``, which the
    transform assembles and may reject).  Anything else takes the full transform path, so
    the outcome is the same either way.
    """
    import hcl2
    from lark.exceptions import UnexpectedInput, VisitError

    try:
        tree = hcl2.parses_to_tree(text)
        if "%{" not in text and _tree_within(tree, TREE_FAST_MAX_DEPTH):
            walker: _IRWalker = _TreeWalker(pf.path, text)
            try:
                result = walker.body(tree.children[0]) if tree.children else ({}, [])
            except Exception:  # any surprise: the IR path decides, as before
                pass
            else:
                _finish_hcl(pf, walker, result)
                return
        ir = hcl2.transform(tree)
    except UnexpectedInput as e:
        line, col, msg = _syntax_message(e)
        pf.status, pf.data = FileStatus.FAILED, None
        pf.diagnostics.append(Diagnostic(DiagnosticCode.PARSE_ERROR, pf.path, line, col, msg))
        return
    except RecursionError:
        pf.status, pf.data = FileStatus.FAILED, None
        pf.diagnostics.append(
            Diagnostic(DiagnosticCode.DEPTH_LIMIT, pf.path, 0, 0, "nesting too deep to parse")
        )
        return
    except VisitError as e:
        pf.status, pf.data = FileStatus.FAILED, None
        code = (
            DiagnosticCode.DEPTH_LIMIT
            if isinstance(e.orig_exc, RecursionError) or True
            else DiagnosticCode.PARSE_ERROR
        )
        pf.diagnostics.append(Diagnostic(code, pf.path, 0, 0, "nesting too deep to parse"))
        return
    walker = _IRWalker(pf.path, text)
    body = ir.children[0] if getattr(ir, "children", None) else None
    _finish_hcl(pf, walker, walker.body(body) if body is not None else ({}, []))


def _finish_hcl(
    pf: ParsedFile, walker: _IRWalker, result: tuple[dict[str, Any], list[dict[str, Any]]]
) -> None:
    attrs, blocks = result
    pf.diagnostics.extend(walker.diags)
    if pf.kind == "tfvars":
        pf.data = {"attrs": attrs}
    else:
        pf.data = {"blocks": blocks, "attrs": attrs}
    if walker.failed_exprs:
        pf.status = FileStatus.PARTIAL


class _IRWalker:
    """Turns the python-hcl2 IR into plain blocks; expressions re-parsed from source slices."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.diags: list[Diagnostic] = []
        self.failed_exprs = 0

    def body(self, body: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        from hcl2.rules.base import AttributeRule, BlockRule

        attrs: dict[str, Any] = {}
        blocks: list[dict[str, Any]] = []
        for child in getattr(body, "children", None) or ():
            if isinstance(child, AttributeRule):
                name = str(child.identifier.children[0].value)
                m = child._meta
                expr_rule = child.expression
                em = expr_rule._meta
                src = self.text[em.start_pos : em.end_pos]
                node = self.expr(src, m.line)
                if name in attrs:
                    self.diags.append(
                        Diagnostic(
                            DiagnosticCode.DUPLICATE_KEY,
                            self.path,
                            m.line,
                            m.column,
                            f"attribute {name[:60]!r} set twice; the last one is used",
                        )
                    )
                attrs[name] = {"expr": node, "line": m.line, "end_line": m.end_line}
            elif isinstance(child, BlockRule):
                m = child._meta
                labels_ir = child.labels
                btype = str(labels_ir[0].children[0].value)
                labels = [self.label(lab) for lab in labels_ir[1:]]
                battrs, bblocks = self.body(child.body)
                blocks.append(
                    {
                        "type": btype,
                        "labels": labels,
                        "line": m.line,
                        "end_line": m.end_line,
                        "attrs": battrs,
                        "blocks": bblocks,
                    }
                )
        return attrs, blocks

    def label(self, lab: Any) -> str:
        m = lab._meta
        return _label_text(self.text[m.start_pos : m.end_pos])

    def expr(self, src: str, line: int) -> Node:
        try:
            return _parse_expr(src)
        except HCLSyntaxError as e:
            self.failed_exprs += 1
            self.diags.append(
                Diagnostic(DiagnosticCode.EVAL_WARNING, self.path, line, 0, f"expression not understood: {e}")
            )
            return ("error", src[:200], "not understood")
        except RecursionError:
            self.failed_exprs += 1
            self.diags.append(
                Diagnostic(DiagnosticCode.DEPTH_LIMIT, self.path, line, 0, "expression nested too deeply")
            )
            return ("error", "<deeply nested expression>", "too deeply nested")


class _Fallback(Exception):
    """The lark tree has a shape the fast walker does not mirror: use the IR transform."""


class _TreeWalker(_IRWalker):
    """:class:`_IRWalker` over python-hcl2's raw lark tree (no IR transform).

    Mirrors what the IR gives :class:`_IRWalker`: an attribute is ``name EQ expression``
    (a keyword or literal name such as ``in`` becomes its token text); a block's labels are
    all its non-token children but the last (the body), where a keyword/literal label takes
    the block's own position, exactly as python-hcl2's transformer builds them.
    """

    def body(self, body: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        from lark import Token, Tree

        attrs: dict[str, Any] = {}
        blocks: list[dict[str, Any]] = []
        for child in body.children:
            if type(child) is not Tree:
                raise _Fallback
            data = child.data
            if data == "attribute":
                kids = child.children
                if len(kids) != 3 or type(kids[0]) is not Tree or type(kids[2]) is not Tree:
                    raise _Fallback
                name = str(kids[0].children[0].value)
                m = child.meta
                em = kids[2].meta
                src = self.text[em.start_pos : em.end_pos]
                node = self.expr(src, m.line)
                if name in attrs:
                    self.diags.append(
                        Diagnostic(
                            DiagnosticCode.DUPLICATE_KEY,
                            self.path,
                            m.line,
                            m.column,
                            f"attribute {name[:60]!r} set twice; the last one is used",
                        )
                    )
                attrs[name] = {"expr": node, "line": m.line, "end_line": m.end_line}
            elif data == "block":
                m = child.meta
                parts = [c for c in child.children if not isinstance(c, Token)]
                if len(parts) < 2 or type(parts[-1]) is not Tree or parts[-1].data != "body":
                    raise _Fallback
                *label_trees, body_tree = parts
                btype = str(label_trees[0].children[0].value)
                labels = [
                    self.label(child if lab.data in ("keyword", "literal_value") else lab)
                    for lab in label_trees[1:]
                ]
                battrs, bblocks = self.body(body_tree)
                blocks.append(
                    {
                        "type": btype,
                        "labels": labels,
                        "line": m.line,
                        "end_line": m.end_line,
                        "attrs": battrs,
                        "blocks": bblocks,
                    }
                )
            elif data != "new_line_or_comment":
                raise _Fallback
        return attrs, blocks

    def label(self, lab: Any) -> str:
        m = lab.meta
        return _label_text(self.text[m.start_pos : m.end_pos])


def _label_text(src: str) -> str:
    """A block label's value: a quoted label unescaped (its raw text if it is a template)."""
    if src.startswith('"'):
        try:
            node = _parse_expr(src)
        except (HCLSyntaxError, RecursionError):
            return src.strip('"')
        if node[0] == "lit" and isinstance(node[1], str):
            return node[1]
        return src.strip('"')
    return src.strip()


# -- .tf.json ----------------------------------------------------------------------------------
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
        import bisect

        return bisect.bisect_right(self.starts, pos), pos

    def end_line(self, key_pos: int) -> int:
        """Line where the JSON value following the key at ``key_pos`` ends (0 when unsure)."""
        import bisect

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


def _parse_json(pf: ParsedFile, text: str) -> None:
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
