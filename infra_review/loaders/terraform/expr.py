"""A small parser for HCL native-syntax expressions and templates, producing plain tuples.

python-hcl2 validates each file and gives the block structure with line numbers; the text of
every attribute expression is then parsed here into a picklable AST (nested tuples), so that the
parse phase can be cached and the build phase can evaluate expressions and extract references
without any parser object.  The same parser reads the ``${...}`` templates of ``.tf.json``.

AST nodes (first item is the tag):

===============================  ==========================================================
``("lit", value)``               number, bool, null or string literal
``("tpl", parts)``               template; parts are ``str`` or nodes, or directives
                                 ``("if", cond, then_parts, else_parts)`` /
                                 ``("for", key_var, val_var, coll, parts)``
``("var", name)``                a root name (``var``, ``aws_instance``, ``each``, ``x``)
``("attr", obj, name)``          ``obj.name``
``("index", obj, key)``          ``obj[key]``
``("splat", obj, ops)``          ``obj[*].a.b`` / ``obj.*.a``; ``ops`` are ``("attr", name)``
                                 or ``("index", node)``
``("call", name, args, expand)`` function call; ``expand`` is True for a final ``...``
``("tuple", items)``             ``[a, b]``
``("object", ((k, v), ...))``    ``{k = v}``; bare keys are ``("lit", "k")``
``("cond", c, t, f)``            ``c ? t : f``
``("binop", op, l, r)``          arithmetic, comparison, logic
``("unop", op, x)``              ``!x``, ``-x``
``("paren", x)``                 ``(x)`` (kept so that ``(k) = v`` object keys stay expressions)
``("for", kv, vv, coll, key, value, cond, group)``
                                 ``[for ...]`` (key is None) or ``{for ...}``
``("error", text, message)``     an expression this parser could not read
===============================  ==========================================================

>>> parse_expr("var.a[0].b")
('attr', ('index', ('attr', ('var', 'var'), 'a'), ('lit', 0)), 'b')
>>> parse_expr('"x-${var.env}"')
('tpl', ('x-', ('attr', ('var', 'var'), 'env')))
>>> to_text(parse_expr("merge(local.a, {b = 1})"))
'merge(local.a, {b = 1})'
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["HCLSyntaxError", "Node", "parse_expr", "parse_template", "to_text", "traversal"]

Node = tuple[Any, ...]


class HCLSyntaxError(ValueError):
    """An expression could not be parsed (message has a position, never the source text)."""


_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_WS = re.compile(r"(?:[ \t\r\n]+|#[^\n]*|//[^\n]*|/\*.*?\*/)+", re.S)
_HEREDOC = re.compile(r"<<(-?)([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n")
_OPS3 = ("...",)
_OPS2 = ("==", "!=", "<=", ">=", "&&", "||", "=>", "::")
_OPS1 = "+-*/%<>!?:.,[](){}="

_BINPREC = {
    "||": 1,
    "&&": 2,
    "==": 3,
    "!=": 3,
    "<": 4,
    ">": 4,
    "<=": 4,
    ">=": 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "/": 6,
    "%": 6,
}
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


class _Parser:
    """Recursive-descent parser over a string; tokens are lexed on demand."""

    def __init__(self, src: str) -> None:
        self.s = src
        self.i = 0

    # -- lexing -------------------------------------------------------------------------------
    def _skip(self) -> None:
        m = _WS.match(self.s, self.i)
        if m:
            self.i = m.end()

    def peek(self) -> str:
        """The next token's text ("" at the end), without consuming it."""
        self._skip()
        s, i = self.s, self.i
        if i >= len(s):
            return ""
        c = s[i]
        if c.isalpha() or c == "_":
            m = _IDENT.match(s, i)
            return m.group(0) if m else c
        if c.isdigit():
            m = _NUMBER.match(s, i)
            return m.group(0) if m else c
        if c == '"':
            return '"'
        if s.startswith("<<", i) and _HEREDOC.match(s, i):
            return "<<"
        if s.startswith("...", i):
            return "..."
        two = s[i : i + 2]
        if two in _OPS2:
            return two
        if c in _OPS1:
            return c
        return c

    def take(self, tok: str | None = None) -> str:
        t = self.peek()
        if tok is not None and t != tok:
            self.fail(f"expected {tok!r}, found {_describe(t)}")
        self.i += len(t)
        return t

    def accept(self, tok: str) -> bool:
        if self.peek() == tok:
            self.i += len(tok)
            return True
        return False

    def fail(self, what: str) -> None:
        line = self.s.count("\n", 0, self.i) + 1
        col = self.i - (self.s.rfind("\n", 0, self.i) + 1) + 1
        msg = f"{what} at expression line {line}, column {col}"
        raise HCLSyntaxError(msg)

    # -- expressions --------------------------------------------------------------------------
    def expr(self) -> Node:
        cond = self.binary(0)
        if self.peek() == "?":
            self.take("?")
            t = self.expr()
            self.take(":")
            f = self.expr()
            return ("cond", cond, t, f)
        return cond

    def binary(self, min_prec: int) -> Node:
        left = self.unary()
        while True:
            op = self.peek()
            prec = _BINPREC.get(op)
            if prec is None or prec <= min_prec:
                return left
            self.take()
            right = self.binary(prec)
            left = ("binop", op, left, right)

    def unary(self) -> Node:
        t = self.peek()
        if t in ("!", "-"):
            self.take()
            x = self.unary()
            if t == "-" and x[0] == "lit" and isinstance(x[1], int | float) and not isinstance(x[1], bool):
                return ("lit", -x[1])
            return ("unop", t, x)
        return self.postfix(self.primary())

    def postfix(self, node: Node) -> Node:
        while True:
            t = self.peek()
            if t == ".":
                self.take()
                nt = self.peek()
                if nt == "*":
                    self.take()
                    node = ("splat", node, tuple(self._splat_ops(legacy=True)))
                    continue
                if nt and nt[0].isdigit():
                    # legacy index: a.0
                    self.take()
                    node = ("index", node, ("lit", int(nt.split(".")[0])))
                    continue
                name = self.take()
                if not _IDENT.fullmatch(name):
                    self.fail(f"expected attribute name, found {_describe(name)}")
                node = ("attr", node, name)
            elif t == "[":
                self.take()
                if self.peek() == "*":
                    self.take()
                    self.take("]")
                    node = ("splat", node, tuple(self._splat_ops(legacy=False)))
                    continue
                key = self.expr()
                self.take("]")
                node = ("index", node, key)
            else:
                return node

    def _splat_ops(self, legacy: bool) -> list[Node]:
        ops: list[Node] = []
        while True:
            t = self.peek()
            if t == ".":
                save = self.i
                self.take()
                nt = self.peek()
                if not _IDENT.fullmatch(nt or "-"):
                    self.i = save
                    return ops
                self.take()
                ops.append(("attr", nt))
            elif t == "[" and not legacy:
                self.take()
                if self.peek() == "*":
                    # a splat inside a splat: each element's own [*] with the remaining steps
                    self.take()
                    self.take("]")
                    ops.append(("splat", tuple(self._splat_ops(legacy=False))))
                    return ops
                key = self.expr()
                self.take("]")
                ops.append(("index", key))
            else:
                return ops

    def primary(self) -> Node:
        t = self.peek()
        if not t:
            self.fail("unexpected end of expression")
        c = t[0]
        if c.isdigit():
            self.take()
            v = float(t) if any(ch in t for ch in ".eE") else int(t)
            if isinstance(v, float) and v.is_integer() and abs(v) < 2**53:
                v = int(v)
            return ("lit", v)
        if t == '"':
            self.i += 1
            return _simplify(self.template('"'))
        if t == "<<":
            return self.heredoc()
        if t == "(":
            self.take()
            e = self.expr()
            self.take(")")
            return ("paren", e)
        if t == "[":
            return self.tuple_or_for()
        if t == "{":
            return self.object_or_for()
        if c.isalpha() or c == "_":
            self.take()
            if t == "true":
                return ("lit", True)
            if t == "false":
                return ("lit", False)
            if t == "null":
                return ("lit", None)
            if self.peek() == "::":
                # provider-defined function: provider::aws::arn_parse(...)
                name = t
                while self.accept("::"):
                    name += "::" + self.take()
                return self.call(name)
            if self.peek() == "(":
                return self.call(t)
            return ("var", t)
        self.fail(f"unexpected {_describe(t)}")
        raise AssertionError  # pragma: no cover

    def call(self, name: str) -> Node:
        self.take("(")
        args: list[Node] = []
        expand = False
        while self.peek() != ")":
            args.append(self.expr())
            if self.accept("..."):
                expand = True
            if not self.accept(","):
                break
        self.take(")")
        return ("call", name, tuple(args), expand)

    def tuple_or_for(self) -> Node:
        self.take("[")
        if self.peek() == "for":
            save = self.i
            self.take()
            nt = self.peek()
            if _IDENT.fullmatch(nt or "-") and nt not in ("in",):
                return self.for_expr(close="]")
            self.i = save
        items: list[Node] = []
        while self.peek() != "]":
            items.append(self.expr())
            if not self.accept(","):
                break
        self.take("]")
        return ("tuple", tuple(items))

    def object_or_for(self) -> Node:
        self.take("{")
        if self.peek() == "for":
            save = self.i
            self.take()
            after = self.i
            nt = self.peek()
            if _IDENT.fullmatch(nt or "-"):
                self.take()
                if self.peek() in (",", "in"):
                    self.i = after
                    return self.for_expr(close="}")
            self.i = save
        items: list[tuple[Node, Node]] = []
        while self.peek() != "}":
            key = self.expr()
            if key[0] == "var":
                key = ("lit", key[1])
            t = self.take()
            if t not in ("=", ":"):
                self.fail(f"expected '=' or ':' in object, found {_describe(t)}")
            val = self.expr()
            items.append((key, val))
            self.accept(",")
        self.take("}")
        return ("object", tuple(items))

    def for_expr(self, close: str) -> Node:
        first = self.take()
        kvar: str | None = None
        vvar = first
        if self.accept(","):
            kvar, vvar = first, self.take()
        self.take("in")
        coll = self.expr()
        self.take(":")
        key: Node | None = None
        if close == "}":
            key = self.expr()
            self.take("=>")
        value = self.expr()
        group = bool(close == "}" and self.accept("..."))
        cond: Node | None = None
        if self.peek() == "if":
            self.take()
            cond = self.expr()
        self.take(close)
        return ("for", kvar, vvar, coll, key, value, cond, group)

    # -- templates ----------------------------------------------------------------------------
    def template(self, end: str | None, *, heredoc: bool = False) -> Node:
        """Parse template parts until ``end`` (``'"'``) or the end of input (heredocs)."""
        parts, stop = self._tparts(end, heredoc, stops=())
        if stop is not None:
            self.fail(f"unexpected template directive {stop!r}")
        return ("tpl", tuple(parts))

    def _tparts(self, end: str | None, heredoc: bool, stops: tuple[str, ...]) -> tuple[list[Any], str | None]:
        s = self.s
        parts: list[Any] = []
        buf: list[str] = []

        def flush() -> None:
            if buf:
                text = "".join(buf)
                if text:
                    parts.append(text)
                buf.clear()

        while True:
            if self.i >= len(s):
                if end is None:
                    flush()
                    return parts, None
                self.fail("unterminated string")
            c = s[self.i]
            if end is not None and c == end:
                self.i += 1
                flush()
                return parts, None
            if c == "\\" and not heredoc:
                nxt = s[self.i + 1 : self.i + 2]
                if nxt in _ESCAPES:
                    buf.append(_ESCAPES[nxt])
                    self.i += 2
                elif nxt == "u" or nxt == "U":
                    n = 4 if nxt == "u" else 8
                    hexd = s[self.i + 2 : self.i + 2 + n]
                    try:
                        buf.append(chr(int(hexd, 16)))
                    except ValueError:
                        self.fail("bad unicode escape")
                    self.i += 2 + n
                else:
                    buf.append(c)
                    self.i += 1
                continue
            if c in "$%" and s.startswith(c + c + "{", self.i):
                buf.append(c + "{")
                self.i += 3
                continue
            if c == "$" and s.startswith("${", self.i):
                self.i += 2
                strip_left = s.startswith("~", self.i)
                if strip_left:
                    self.i += 1
                    if buf:
                        buf[:] = ["".join(buf).rstrip()]
                flush()
                e = self.expr()
                self._skip()
                strip_right = s.startswith("~", self.i)
                if strip_right:
                    self.i += 1
                self.take("}")
                parts.append(e)
                if strip_right:
                    while self.i < len(s) and s[self.i] in " \t\r\n":
                        self.i += 1
                continue
            if c == "%" and s.startswith("%{", self.i):
                self.i += 2
                if s.startswith("~", self.i):
                    self.i += 1
                    if buf:
                        buf[:] = ["".join(buf).rstrip()]
                flush()
                kw = self.take()
                if kw in stops:
                    self._directive_end()
                    return parts, kw
                if kw == "if":
                    cond = self.expr()
                    self._directive_end()
                    then, stop = self._tparts(end, heredoc, ("else", "endif"))
                    other: list[Any] = []
                    if stop == "else":
                        other, stop = self._tparts(end, heredoc, ("endif",))
                    if stop != "endif":
                        self.fail("unterminated %{if}")
                    parts.append(("if", cond, tuple(then), tuple(other)))
                elif kw == "for":
                    a = self.take()
                    kvar, vvar = None, a
                    if self.accept(","):
                        kvar, vvar = a, self.take()
                    self.take("in")
                    coll = self.expr()
                    self._directive_end()
                    body, stop = self._tparts(end, heredoc, ("endfor",))
                    if stop != "endfor":
                        self.fail("unterminated %{for}")
                    parts.append(("for", kvar, vvar, coll, tuple(body)))
                else:
                    self.fail(f"unknown template directive {_describe(kw)}")
                continue
            buf.append(c)
            self.i += 1

    def _directive_end(self) -> None:
        self._skip()
        strip = self.s.startswith("~", self.i)
        if strip:
            self.i += 1
        self.take("}")
        if strip:
            while self.i < len(self.s) and self.s[self.i] in " \t\r\n":
                self.i += 1

    def heredoc(self) -> Node:
        self._skip()
        m = _HEREDOC.match(self.s, self.i)
        if not m:
            self.fail("bad heredoc")
            raise AssertionError  # pragma: no cover
        indent, marker = m.group(1) == "-", m.group(2)
        body_start = m.end()
        end_re = re.compile(r"^[ \t]*" + re.escape(marker) + r"[ \t]*$", re.M)
        em = end_re.search(self.s, body_start)
        if not em:
            self.fail("unterminated heredoc")
            raise AssertionError  # pragma: no cover
        body = self.s[body_start : em.start()]
        if indent:
            lines = body.split("\n")
            widths = [len(ln) - len(ln.lstrip(" \t")) for ln in lines if ln.strip()]
            cut = min(widths) if widths else 0
            body = "\n".join(ln[cut:] for ln in lines)
        self.i = em.end()
        sub = _Parser(body)
        return _simplify(sub.template(None, heredoc=True))


def _simplify(node: Node) -> Node:
    parts = node[1]
    if not parts:
        return ("lit", "")
    if len(parts) == 1 and isinstance(parts[0], str):
        return ("lit", parts[0])
    return node


def _describe(tok: str) -> str:
    if not tok:
        return "end of expression"
    if tok in _OPS2 or tok in _OPS3 or (len(tok) == 1 and tok in _OPS1):
        return repr(tok)
    if tok in ("for", "in", "if", "true", "false", "null"):
        return repr(tok)
    if _IDENT.fullmatch(tok):
        return "an identifier"  # never echo file content
    return "a literal"


def parse_expr(src: str) -> Node:
    """Parse one HCL expression; raise :class:`HCLSyntaxError` (RecursionError when too deep)."""
    p = _Parser(src)
    node = p.expr()
    if p.peek():
        p.fail(f"unexpected {_describe(p.peek())} after expression")
    return node


def parse_template(src: str) -> Node:
    """Parse a template string as found in ``.tf.json`` (no surrounding quotes, escapes done)."""
    p = _Parser(src)
    return _simplify(p.template(None, heredoc=True))


def traversal(node: Node) -> tuple[str, list[Any]] | None:
    """Split ``a.b[0].c`` into the root name and its static steps (``str`` or literal key).

    Returns None when the node is not a root traversal.  Steps stop at the first dynamic index.

    >>> traversal(parse_expr('aws_subnet.a["x"].id'))
    ('aws_subnet', ['a', ('x',), 'id'])
    """
    steps: list[Any] = []
    n = node
    while True:
        tag = n[0]
        if tag == "var":
            steps.reverse()
            return n[1], steps
        if tag == "attr":
            steps.append(n[2])
            n = n[1]
        elif tag == "index":
            key = n[2]
            if key[0] == "lit" and isinstance(key[1], str | int) and not isinstance(key[1], bool):
                steps.append((key[1],))
            else:
                steps.clear()  # a dynamic index: keep only the prefix before it
                steps.append(None)
            n = n[1]
        elif tag == "splat":
            steps.clear()
            steps.append(None)
            n = n[1]
        elif tag == "paren":
            n = n[1]
        else:
            return None


# -- unparsing ---------------------------------------------------------------------------------
def _lit_text(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    return str(v)


def _tpl_text(parts: tuple[Any, ...]) -> str:
    out = []
    for p in parts:
        if isinstance(p, str):
            out.append(p.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("${", "$${"))
        elif p[0] == "if":
            out.append("%{if " + to_text(p[1]) + "}" + _tpl_text(p[2]))
            if p[3]:
                out.append("%{else}" + _tpl_text(p[3]))
            out.append("%{endif}")
        elif p[0] == "for" and len(p) == 5:
            head = f"{p[1]}, {p[2]}" if p[1] else p[2]
            out.append("%{for " + head + " in " + to_text(p[3]) + "}" + _tpl_text(p[4]) + "%{endfor}")
        else:
            out.append("${" + to_text(p) + "}")
    return "".join(out)


def _splat_ops_text(ops: tuple[Node, ...]) -> str:
    out = []
    for op in ops:
        if op[0] == "attr":
            out.append(f".{op[1]}")
        elif op[0] == "splat":
            out.append(f"[*]{_splat_ops_text(op[1])}")
        else:
            out.append(f"[{to_text(op[1])}]")
    return "".join(out)


def to_text(node: Node, _depth: int = 0) -> str:
    """Render an AST back to HCL expression text (normalised spacing)."""
    tag = node[0]
    if tag == "lit":
        return _lit_text(node[1])
    if tag == "tpl":
        return '"' + _tpl_text(node[1]) + '"'
    if tag == "var":
        return str(node[1])
    if tag == "attr":
        return f"{to_text(node[1])}.{node[2]}"
    if tag == "index":
        return f"{to_text(node[1])}[{to_text(node[2])}]"
    if tag == "splat":
        return f"{to_text(node[1])}[*]{_splat_ops_text(node[2])}"
    if tag == "call":
        args = ", ".join(to_text(a) for a in node[2])
        return f"{node[1]}({args}{'...' if node[3] else ''})"
    if tag == "tuple":
        return "[" + ", ".join(to_text(a) for a in node[1]) + "]"
    if tag == "object":
        items = ", ".join(f"{_key_text(k)} = {to_text(v)}" for k, v in node[1])
        return "{" + items + "}"
    if tag == "cond":
        return f"{to_text(node[1])} ? {to_text(node[2])} : {to_text(node[3])}"
    if tag == "binop":
        return f"{to_text(node[2])} {node[1]} {to_text(node[3])}"
    if tag == "unop":
        return f"{node[1]}{to_text(node[2])}"
    if tag == "paren":
        return f"({to_text(node[1])})"
    if tag == "for":
        _, kv, vv, coll, key, value, cond, group = node
        head = f"for {kv + ', ' if kv else ''}{vv} in {to_text(coll)} : "
        tail = f" if {to_text(cond)}" if cond is not None else ""
        if key is None:
            return f"[{head}{to_text(value)}{tail}]"
        return f"{{{head}{to_text(key)} => {to_text(value)}{'...' if group else ''}{tail}}}"
    if tag == "error":
        return str(node[1])
    return "?"


def _key_text(k: Node) -> str:
    if k[0] == "lit" and isinstance(k[1], str) and _IDENT.fullmatch(k[1]):
        return k[1]
    return to_text(k)
