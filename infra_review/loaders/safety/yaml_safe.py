"""Safe YAML loading for untrusted repositories (UNTRUSTED_INPUT.md §2–3).

``load_documents(text, rel_path)`` returns every document of a (multi-document) YAML stream as
plain Python values, with line numbers, and never raises:

- libyaml (``yaml.CSafeLoader``) composes the node tree when present, the pure-Python
  ``SafeLoader`` otherwise; values are constructed here, not by PyYAML, so that
- aliases are checked before expansion: an id-memoised expanded-size count with a cycle guard
  rejects a document whose expansion exceeds :data:`ALIAS_BUDGET` nodes (billion laughs,
  recursive anchors) with ``ALIAS_LIMIT``;
- nesting deeper than :data:`MAX_DEPTH` gives ``DEPTH_LIMIT`` (a ``RecursionError`` never escapes);
- a broken document does not lose its siblings: the stream is re-read one ``---`` chunk at a time
  and the failure is reported as ``PARTIAL`` with the document index;
- duplicate mapping keys are reported (``DUPLICATE_KEY`` with the line: a later key can hide an
  earlier ``privileged: true``) and recorded on the document (:attr:`YamlDoc.duplicates`);
- tags outside the YAML core schema (``!!python/object/apply`` …) are rejected; local tags
  (``!reset``, ``!override`` in Compose) keep the plain value;
- timestamps stay strings, merge keys (``<<``) are applied.

Messages never contain file content (quoted snippets in PyYAML messages are masked).

>>> docs, diags = load_documents("a: 1\\n---\\nb: [x, y]\\n", "f.yaml")
>>> [d.value for d in docs], [d.line for d in docs], diags
([{'a': 1}, {'b': ['x', 'y']}], [1, 3], [])
>>> docs[1].lines["b"], docs[1].lines["b[1]"]
(3, 3)
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from infra_review.model import Diagnostic, DiagnosticCode

__all__ = ["ALIAS_BUDGET", "MAX_DEPTH", "YamlDoc", "load_documents", "path_join"]

#: Maximum number of nodes a document may expand to once aliases are followed.
ALIAS_BUDGET = 1_000_000
#: Maximum nesting depth of a document (real manifests, even CRD schemas, stay well below).
MAX_DEPTH = 200
#: Maximum number of per-path line entries kept per document (large documents keep the first).
MAX_LINE_ENTRIES = 200_000

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
HAS_LIBYAML = _Loader is not yaml.SafeLoader

_T = "tag:yaml.org,2002:"
_BOOL = {"yes": True, "true": True, "on": True, "no": False, "false": False, "off": False}
_DOC_START = re.compile(r"^---(?:[ \t]|$)")
_DOC_END = re.compile(r"^\.\.\.[ \t]*$")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


@dataclass(slots=True)
class YamlDoc:
    """One document: its value, 1-based start/end line, its index in the stream, line map.

    ``lines`` maps attribute paths (``spec.containers[0].image``) to 1-based lines; the empty
    path is the document itself.  ``duplicates`` maps the path of each duplicated key to the
    values it was given, in order (the last one wins in ``value``).
    """

    value: Any
    line: int
    end_line: int
    index: int
    lines: dict[str, int] = field(default_factory=dict)
    duplicates: dict[str, list[Any]] = field(default_factory=dict)


class _Reject(Exception):
    def __init__(self, code: DiagnosticCode, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.code, self.line, self.column, self.message = code, line, column, message


def path_join(base: str, key: str | int) -> str:
    """Attribute path of a child: ``path_join("spec", "x") == "spec.x"``; ints index lists.

    >>> path_join("", "a"), path_join("a", 0), path_join("a[0]", "b")
    ('a', 'a[0]', 'a[0].b')
    """
    if isinstance(key, int):
        return f"{base}[{key}]"
    return f"{base}.{key}" if base else str(key)


def _mask(text: str) -> str:
    """A parser message with quoted snippets (file content) masked, first line only."""
    first = str(text or "").strip().splitlines()[0] if str(text or "").strip() else "invalid YAML"
    return _QUOTED.sub("'…'", first)[:200]


def _check_expansion(root: Node) -> None:
    """Iterative, id-memoised expanded size and cycle check (raises :class:`_Reject`)."""
    size: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        nid = id(node)
        if done:
            on_stack.discard(nid)
            total = 1
            for child in _children(node):
                total += size[id(child)]
                if total > ALIAS_BUDGET:
                    break
            size[nid] = total
            if total > ALIAS_BUDGET:
                m = node.start_mark
                raise _Reject(
                    DiagnosticCode.ALIAS_LIMIT,
                    m.line + 1,
                    m.column + 1,
                    f"document expands to more than {ALIAS_BUDGET:,} nodes through aliases",
                )
            continue
        if nid in size:
            continue
        if nid in on_stack:
            m = node.start_mark
            raise _Reject(DiagnosticCode.ALIAS_LIMIT, m.line + 1, m.column + 1, "recursive alias (cycle)")
        on_stack.add(nid)
        stack.append((node, True))
        for child in _children(node):
            cid = id(child)
            if cid in on_stack:
                m = child.start_mark
                raise _Reject(DiagnosticCode.ALIAS_LIMIT, m.line + 1, m.column + 1, "recursive alias (cycle)")
            if cid not in size:
                stack.append((child, False))


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        out: list[Node] = []
        for k, v in node.value:
            out.append(k)
            out.append(v)
        return out
    return []


class _Builder:
    """Turns a checked node tree into plain values, recording lines and duplicate keys."""

    def __init__(self) -> None:
        self.lines: dict[str, int] = {}
        self.duplicates: dict[str, list[Any]] = {}
        self.dup_lines: list[tuple[str, int, int]] = []

    def build(self, node: Node, path: str = "", depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            m = node.start_mark
            raise _Reject(
                DiagnosticCode.DEPTH_LIMIT, m.line + 1, m.column + 1, f"nesting deeper than {MAX_DEPTH}"
            )
        if len(self.lines) < MAX_LINE_ENTRIES:
            self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, ScalarNode):
            return self._scalar(node)
        if isinstance(node, SequenceNode):
            self._tag_ok(node, "seq")
            return [self.build(child, path_join(path, i), depth + 1) for i, child in enumerate(node.value)]
        if isinstance(node, MappingNode):
            self._tag_ok(node, "map")
            return self._mapping(node, path, depth)
        m = node.start_mark  # pragma: no cover - PyYAML only has three node kinds
        raise _Reject(DiagnosticCode.PARSE_ERROR, m.line + 1, m.column + 1, "unknown node type")

    def _mapping(self, node: MappingNode, path: str, depth: int) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        merged: dict[Any, Any] = {}
        for knode, vnode in node.value:
            if knode.tag == _T + "merge":
                for src in vnode.value if isinstance(vnode, SequenceNode) else [vnode]:
                    val = self.build(src, path, depth + 1)
                    if isinstance(val, dict):
                        for k, v in val.items():
                            merged.setdefault(k, v)
                continue
            key = (
                self.build(knode, "", depth + 1) if not isinstance(knode, ScalarNode) else self._scalar(knode)
            )
            if isinstance(key, (dict, list)):
                key = str(key)
            kpath = path_join(path, str(key))
            if len(self.lines) < MAX_LINE_ENTRIES:
                self.lines.setdefault(kpath, knode.start_mark.line + 1)  # the key's line
            value = self.build(vnode, kpath, depth + 1)
            if key in out:
                self.duplicates.setdefault(kpath, [out[key]]).append(value)
                self.dup_lines.append((kpath, knode.start_mark.line + 1, knode.start_mark.column + 1))
                if len(self.lines) < MAX_LINE_ENTRIES:
                    self.lines[kpath] = knode.start_mark.line + 1
            out[key] = value
        for k, v in merged.items():
            out.setdefault(k, v)
        return out

    @staticmethod
    def _tag_ok(node: Node, kind: str) -> None:
        tag = node.tag or ""
        if tag in (_T + kind, _T + "omap", _T + "pairs", _T + "set") or tag.startswith("!"):
            return
        m = node.start_mark
        raise _Reject(DiagnosticCode.UNSUPPORTED, m.line + 1, m.column + 1, "unsupported YAML tag rejected")

    @staticmethod
    def _scalar(node: ScalarNode) -> Any:
        tag, text = node.tag or "", node.value
        if tag.startswith("!") or tag in (_T + "str", _T + "timestamp", _T + "binary"):
            return text
        if tag == _T + "null":
            return None
        if tag == _T + "bool":
            return _BOOL.get(text.lower(), bool(text))
        if tag == _T + "int":
            return _int(text)
        if tag == _T + "float":
            return _float(text)
        if tag == _T + "value":
            return text
        m = node.start_mark
        raise _Reject(DiagnosticCode.UNSUPPORTED, m.line + 1, m.column + 1, "unsupported YAML tag rejected")


def _int(text: str) -> int | str:
    t = text.replace("_", "")
    sign = -1 if t.startswith("-") else 1
    t = t.lstrip("+-")
    try:
        if t.startswith("0b"):
            return sign * int(t[2:], 2)
        if t.startswith("0x"):
            return sign * int(t[2:], 16)
        if t.startswith("0o"):
            return sign * int(t[2:], 8)
        if len(t) > 1 and t.startswith("0"):
            return sign * int(t, 8)
        if ":" in t:  # sexagesimal (YAML 1.1)
            total = 0
            for part in t.split(":"):
                total = total * 60 + int(part)
            return sign * total
        if len(t) > 4000:
            return text
        return sign * int(t)
    except ValueError:
        return text


def _float(text: str) -> float | str:
    t = text.replace("_", "").lower()
    if t in (".inf", "+.inf"):
        return math.inf
    if t == "-.inf":
        return -math.inf
    if t == ".nan":
        return math.nan
    try:
        return float(t)
    except ValueError:
        return text


def _split_chunks(text: str) -> list[tuple[int, str]]:
    """Split a stream on ``---`` / ``...`` markers: ``[(first_line_offset, chunk_text)]``."""
    chunks: list[tuple[int, str]] = []
    cur: list[str] = []
    start = 0
    for i, line in enumerate(text.split("\n")):
        if _DOC_START.match(line):
            if any(s.strip() and not s.lstrip().startswith("#") for s in cur):
                chunks.append((start, "\n".join(cur)))
            # keep the content after '---' on the same line (e.g. '--- !tag' or '--- {a: 1}')
            cur, start = [" " * 3 + line[3:]], i
            continue
        if _DOC_END.match(line):
            if any(s.strip() and not s.lstrip().startswith("#") for s in cur):
                chunks.append((start, "\n".join(cur)))
            cur, start = [], i + 1
            continue
        cur.append(line)
    if any(s.strip() and not s.lstrip().startswith("#") for s in cur):
        chunks.append((start, "\n".join(cur)))
    return chunks


def _error_diag(exc: BaseException, rel_path: str, line_offset: int, index: int | None) -> Diagnostic:
    where = f"document {index}: " if index is not None else ""
    if isinstance(exc, _Reject):
        return Diagnostic(exc.code, rel_path, exc.line + line_offset, exc.column, where + exc.message)
    if isinstance(exc, RecursionError):
        return Diagnostic(
            DiagnosticCode.DEPTH_LIMIT, rel_path, line_offset + 1, 0, where + "nesting too deep"
        )
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + line_offset) if mark else 0
        col = (mark.column + 1) if mark else 0
        problem = _mask(exc.problem or exc.context or "")
        code = DiagnosticCode.DEPTH_LIMIT if "depth" in problem.lower() else DiagnosticCode.PARSE_ERROR
        return Diagnostic(code, rel_path, line, col, f"{where}{type(exc).__name__}: {problem}")
    if isinstance(exc, MemoryError):
        return Diagnostic(
            DiagnosticCode.RESOURCE_LIMIT, rel_path, line_offset + 1, 0, where + "out of memory"
        )
    return Diagnostic(
        DiagnosticCode.PARSE_ERROR, rel_path, line_offset + 1, 0, f"{where}{type(exc).__name__}"
    )


def _convert(node: Node, index: int, line_offset: int, rel_path: str) -> tuple[YamlDoc, list[Diagnostic]]:
    _check_expansion(node)
    b = _Builder()
    value = b.build(node)
    diags = [
        Diagnostic(
            DiagnosticCode.DUPLICATE_KEY,
            rel_path,
            line + line_offset,
            col,
            f"document {index}: duplicate key {path!r}; the last value wins",
        )
        for path, line, col in b.dup_lines
    ]
    lines = {p: ln + line_offset for p, ln in b.lines.items()}
    doc = YamlDoc(
        value,
        node.start_mark.line + 1 + line_offset,
        max(node.end_mark.line + line_offset, node.start_mark.line + 1 + line_offset),
        index,
        lines,
        b.duplicates,
    )
    return doc, diags


def _load_stream(
    text: str, rel_path: str, line_offset: int, base_index: int
) -> tuple[list[YamlDoc], list[Diagnostic]]:
    """Load one stream; raises on the first error (after converting earlier documents)."""
    docs: list[YamlDoc] = []
    diags: list[Diagnostic] = []
    for i, node in enumerate(yaml.compose_all(text, Loader=_Loader)):
        if node is None or (
            isinstance(node, ScalarNode) and node.tag == _T + "null" and not node.value.strip()
        ):
            continue  # an empty document ("---" followed by nothing)
        doc, d = _convert(node, base_index + i, line_offset, rel_path)
        docs.append(doc)
        diags.extend(d)
    return docs, diags


#: What a hostile or malformed YAML stream can raise while it is composed (each becomes a diagnostic).
_LOAD_ERRORS = (yaml.YAMLError, _Reject, RecursionError, MemoryError, ValueError, TypeError, OverflowError)

def load_documents(text: str, rel_path: str) -> tuple[list[YamlDoc], list[Diagnostic]]:
    """Every loadable document of ``text`` and the diagnostics; never raises.

    When the stream fails as a whole, each ``---`` chunk is loaded on its own; the failing
    chunks give their own diagnostic (PARSE_ERROR, ALIAS_LIMIT, DEPTH_LIMIT, UNSUPPORTED) plus a
    ``PARTIAL`` diagnostic naming the document index, and the others are kept.
    """
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    try:
        return _load_stream(text, rel_path, 0, 0)
    except _LOAD_ERRORS as exc:
        first_error = exc
    chunks = _split_chunks(text)
    docs: list[YamlDoc] = []
    diags: list[Diagnostic] = []
    if len(chunks) <= 1:
        return [], [_error_diag(first_error, rel_path, 0, None)]
    for idx, (offset, chunk) in enumerate(chunks):
        try:
            got, d = _load_stream(chunk, rel_path, offset, idx)
        except _LOAD_ERRORS as exc:
            diags.append(_error_diag(exc, rel_path, offset, idx))
            diags.append(
                Diagnostic(
                    DiagnosticCode.PARTIAL, rel_path, offset + 1, 0, f"document {idx} skipped; others kept"
                )
            )
            continue
        for doc in got:
            doc.index = idx
        docs.extend(got)
        diags.extend(d)
    return docs, diags
