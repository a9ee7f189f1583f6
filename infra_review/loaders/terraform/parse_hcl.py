"""``.tf``/``.tfvars`` through python-hcl2 8.x: block structure and positions from its tree or IR.

The source text of every attribute expression is parsed by :mod:`~infra_review.loaders.terraform.expr`
into a tuple AST (short expressions memoised).  Syntax errors become ``PARSE_ERROR`` with
line/column and a message built from token *types* only (lark messages embed file text);
``RecursionError``/``VisitError`` become ``DEPTH_LIMIT``.

python-hcl2 and lark are imported inside the functions that use them: importing the Terraform
loader for its build phase (main process) does not load the parser.
"""

from __future__ import annotations

import functools
from typing import Any

from infra_review.loaders.base import ParsedFile
from infra_review.loaders.terraform.expr import HCLSyntaxError, Node, parse_expr
from infra_review.model import Diagnostic, DiagnosticCode, FileStatus

__all__ = ["EXPR_MEMO_MAX_CHARS", "TREE_FAST_MAX_DEPTH", "parse_hcl"]


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


def _syntax_message(e: Exception) -> tuple[int, int, str]:
    """Line, column and a one-line message built from token types only (no file text)."""
    # lark/python-hcl2 are imported where used: the build phase never loads the parser
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


def parse_hcl(pf: ParsedFile, text: str) -> None:
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
                self._set_attr(attrs, name, node, m)
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

    def _set_attr(self, attrs: dict[str, Any], name: str, node: Node, m: Any) -> None:
        """Record attribute ``name`` (the last one wins, a repeated one gets a DUPLICATE_KEY)."""
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
                self._set_attr(attrs, name, node, m)
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
