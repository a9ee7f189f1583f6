"""The Terraform function library of the static evaluator (``merge``, ``cidrsubnet``, ...).

Each function takes evaluated arguments.  Unless it is listed in :data:`TOLERANT`, the
evaluator calls it only when no argument holds an unknown; a tolerant function decides itself,
raising :class:`~.value.UnknownArgument` when the unknown parts matter or returning a
:class:`~.value.PartialResult`.  Definite errors raise :class:`~.value.EvalError` (or a
``ValueError``/``TypeError``...), which the evaluator turns into an ``Unresolved`` naming the
function.  :data:`FILE_FUNCTIONS` read files and are evaluated by the evaluator itself.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import json
import math
import posixpath
import re
import urllib.parse
from collections.abc import Callable, Iterable
from typing import Any

from infra_review.loaders.terraform.value import (
    EvalError,
    PartialResult,
    UnknownArgument,
    equal,
    has_unknown,
    norm_num,
    render_json,
    to_bool,
    to_num,
    to_str,
)
from infra_review.model import Unresolved

__all__ = ["FILE_FUNCTIONS", "FUNCTIONS", "TOLERANT", "glob_match"]


# -- functions ----------------------------------------------------------------------------------
def _need(v: Any) -> Any:
    if has_unknown(v):
        raise UnknownArgument
    return v


def _f_merge(*maps: Any) -> Any:
    out: dict[str, Any] = {}
    for m in maps:
        if m is None:
            continue
        if isinstance(m, Unresolved):
            raise UnknownArgument
        if not isinstance(m, dict):
            msg = "merge arguments must be maps or objects"
            raise EvalError(msg)
        out.update(m)
    return out


def _f_concat(*lists: Any) -> Any:
    out: list[Any] = []
    for x in lists:
        if isinstance(x, Unresolved):
            raise UnknownArgument
        if not isinstance(x, list):
            msg = "concat arguments must be lists"
            raise EvalError(msg)
        out.extend(x)
    return out


def _f_flatten(x: Any) -> Any:
    if isinstance(x, Unresolved):
        raise UnknownArgument
    if not isinstance(x, list):
        msg = "flatten needs a list"
        raise EvalError(msg)
    out: list[Any] = []
    stack: list[Any] = [iter(x)]
    while stack:
        for item in stack[-1]:
            if isinstance(item, Unresolved):
                raise UnknownArgument
            if isinstance(item, list):
                stack.append(iter(item))
                break
            out.append(item)
        else:
            stack.pop()
    return out


def _f_length(x: Any) -> Any:
    if isinstance(x, Unresolved):
        raise UnknownArgument
    if isinstance(x, str):
        return len(x)
    if isinstance(x, list | dict):
        return len(x)
    msg = "length needs a collection or string"
    raise EvalError(msg)


def _f_lookup(m: Any, key: Any, *default: Any) -> Any:
    if isinstance(m, Unresolved) or has_unknown(key):
        raise UnknownArgument
    if not isinstance(m, dict):
        msg = "lookup needs a map"
        raise EvalError(msg)
    k = to_str(key)
    if k in m:
        return m[k]
    if default:
        return default[0]
    msg = "lookup: key not found"
    raise EvalError(msg)


def _f_element(lst: Any, idx: Any) -> Any:
    if isinstance(lst, Unresolved) or has_unknown(idx):
        raise UnknownArgument
    if not isinstance(lst, list) or not lst:
        msg = "element needs a non-empty list"
        raise EvalError(msg)
    return lst[int(to_num(idx)) % len(lst)]


def _f_keys(m: Any) -> Any:
    if isinstance(m, Unresolved):
        raise UnknownArgument
    if not isinstance(m, dict):
        msg = "keys needs a map"
        raise EvalError(msg)
    return sorted(m)


def _f_values(m: Any) -> Any:
    if isinstance(m, Unresolved):
        raise UnknownArgument
    if not isinstance(m, dict):
        msg = "values needs a map"
        raise EvalError(msg)
    return [m[k] for k in sorted(m)]


def _f_zipmap(ks: Any, vs: Any) -> Any:
    if has_unknown(ks) or isinstance(vs, Unresolved):
        raise UnknownArgument
    if not isinstance(ks, list) or not isinstance(vs, list) or len(ks) != len(vs):
        msg = "zipmap needs two lists of the same length"
        raise EvalError(msg)
    return {to_str(k): v for k, v in zip(ks, vs, strict=True)}


def _f_tolist(x: Any) -> Any:
    if isinstance(x, Unresolved):
        raise UnknownArgument
    if isinstance(x, list):
        return list(x)
    msg = "tolist needs a list or set"
    raise EvalError(msg)


def _f_tomap(x: Any) -> Any:
    if isinstance(x, Unresolved):
        raise UnknownArgument
    if isinstance(x, dict):
        return dict(x)
    msg = "tomap needs a map or object"
    raise EvalError(msg)


def _sort_key(v: Any) -> tuple[int, Any]:
    if isinstance(v, bool):
        return (0, v)
    if isinstance(v, int | float):
        return (1, v)
    if isinstance(v, str):
        return (2, v)
    return (3, json.dumps(v, sort_keys=True, default=str))


def _dedup(items: Iterable[Any]) -> list[Any]:
    out: list[Any] = []
    seen: set[str] = set()
    for it in items:
        k = json.dumps(it, sort_keys=True, default=str)
        if k not in seen:
            seen.add(k)
            out.append(it)
    return out


def _f_toset(x: Any) -> Any:
    _need(x)
    if not isinstance(x, list):
        msg = "toset needs a list"
        raise EvalError(msg)
    items = _dedup(x)
    if all(isinstance(i, str) for i in items):
        return sorted(items)
    return items


def _f_tostring(x: Any) -> Any:
    if x is None:
        return None
    return to_str(x)


def _f_tonumber(x: Any) -> Any:
    if x is None:
        return None
    return to_num(x)


def _f_tobool(x: Any) -> Any:
    if x is None:
        return None
    return to_bool(x)


_FMT = re.compile(r"%(?:%|([-+ #0]*)(\d+)?(?:\.(\d+))?([vsdfqtbeEgGxXo]))")


def _f_format(fmt: Any, *args: Any) -> str:
    if not isinstance(fmt, str):
        msg = "format needs a string"
        raise EvalError(msg)
    it = iter(args)

    def rep(m: re.Match[str]) -> str:
        if m.group(0) == "%%":
            return "%"
        flags, width, prec, verb = m.group(1) or "", m.group(2), m.group(3), m.group(4)
        try:
            v = next(it)
        except StopIteration:
            msg = "format: too few arguments"
            raise EvalError(msg) from None
        if verb in ("v", "s"):
            s = to_str(v) if not isinstance(v, list | dict) else json.dumps(v)
        elif verb == "q":
            s = json.dumps(to_str(v))
        elif verb == "t":
            s = "true" if to_bool(v) else "false"
        elif verb == "d":
            s = str(int(to_num(v)))
        elif verb in "xXob":
            s = format(int(to_num(v)), verb)
        else:
            p = int(prec) if prec is not None else 6
            s = format(float(to_num(v)), f".{p}{verb}")
        if width:
            w = min(int(width), 4096)
            s = s.ljust(w) if "-" in flags else s.rjust(w, "0" if "0" in flags and verb not in "sqv" else " ")
        return s

    return _FMT.sub(rep, fmt)


def _f_formatlist(fmt: Any, *args: Any) -> list[str]:
    n = max((len(a) for a in args if isinstance(a, list)), default=1)
    return [_f_format(fmt, *[a[i] if isinstance(a, list) else a for a in args]) for i in range(n)]


def _f_join(sep: Any, *lists: Any) -> str:
    items: list[Any] = []
    for lst in lists:
        if not isinstance(lst, list):
            msg = "join needs lists"
            raise EvalError(msg)
        items.extend(lst)
    return to_str(sep).join(to_str(i) for i in items)


def _f_split(sep: Any, s: Any) -> list[str]:
    return to_str(s).split(to_str(sep)) if to_str(sep) else list(to_str(s))


def _f_replace(s: Any, old: Any, new: Any) -> str:
    s, old, new = to_str(s), to_str(old), to_str(new)
    if len(old) > 1 and old.startswith("/") and old.endswith("/"):
        pattern = old[1:-1]
        repl = re.sub(r"\$\{?(\w+)\}?", r"\\g<\1>", new)
        return re.sub(pattern, repl, s)
    return s.replace(old, new)


def _f_contains(lst: Any, v: Any) -> bool:
    if not isinstance(lst, list):
        msg = "contains needs a list"
        raise EvalError(msg)
    return any(equal(x, v) for x in lst)


def _f_coalesce(*args: Any) -> Any:
    for a in args:
        if isinstance(a, Unresolved):
            raise UnknownArgument
        if a is not None and a != "":
            return a
    msg = "coalesce: no non-null argument"
    raise EvalError(msg)


def _f_coalescelist(*args: Any) -> Any:
    for a in args:
        if isinstance(a, Unresolved):
            raise UnknownArgument
        if isinstance(a, list) and a:
            return a
    return []


def _f_compact(lst: Any) -> list[Any]:
    _need(lst)
    return [x for x in lst if x is not None and x != ""]


def _f_distinct(lst: Any) -> list[Any]:
    return _dedup(lst)


#: Longest slice of an unknown list expanded into unknown elements.
_MAX_UNKNOWN_SLICE = 1024


def _f_slice(lst: Any, a: Any, b: Any) -> Any:
    """``slice``; an unknown list with known bounds gives ``b - a`` unknown elements (what it
    is whenever it does not fail: ``slice(data.x.names, 0, 3)`` has three elements)."""
    if has_unknown([a, b]):
        raise UnknownArgument
    i, j = int(to_num(a)), int(to_num(b))
    if isinstance(lst, Unresolved):
        if not 0 <= i <= j or j - i > _MAX_UNKNOWN_SLICE:
            raise UnknownArgument
        return [Unresolved(f"{lst.expr}[{k}]", lst.refs, lst.reason) for k in range(i, j)]
    if not isinstance(lst, list) or not 0 <= i <= j <= len(lst):
        msg = "slice: index out of range"
        raise EvalError(msg)
    return lst[i:j]


def _f_legacy_map(*args: Any) -> Any:
    """Terraform <= 0.14 ``map(k1, v1, k2, v2, ...)`` (removed in 0.15; old code still uses it)."""
    if len(args) % 2:
        msg = "map needs an even number of arguments (key, value, ...)"
        raise EvalError(msg)
    keys = args[0::2]
    if any(isinstance(k, Unresolved) for k in keys):
        raise UnknownArgument
    return {to_str(k): v for k, v in zip(keys, args[1::2], strict=True)}


def _f_legacy_list(*args: Any) -> Any:
    """Terraform <= 0.14 ``list(a, b, ...)`` (removed in 0.15)."""
    return list(args)


def _f_one(lst: Any) -> Any:
    if isinstance(lst, Unresolved):
        raise UnknownArgument
    if not isinstance(lst, list) or len(lst) > 1:
        msg = "one needs a list of at most one element"
        raise EvalError(msg)
    return lst[0] if lst else None


def _f_range(*args: Any) -> list[Any]:
    nums = [to_num(a) for a in args]
    if len(nums) == 1:
        start, stop, step = 0, nums[0], 1
    elif len(nums) == 2:
        start, stop, step = nums[0], nums[1], 1 if nums[1] >= nums[0] else -1
    else:
        start, stop, step = nums
    if step == 0 or abs((stop - start) / step) > 1024:
        msg = "range too large"
        raise EvalError(msg)
    out = []
    x = start
    while (step > 0 and x < stop) or (step < 0 and x > stop):
        out.append(norm_num(x))
        x += step
    return out


def _f_cidrsubnet(prefix: Any, newbits: Any, netnum: Any) -> str:
    net = ipaddress.ip_network(to_str(prefix), strict=False)
    nb, nn = int(to_num(newbits)), int(to_num(netnum))
    new_prefix = net.prefixlen + nb
    if new_prefix > net.max_prefixlen or nn < 0 or nn >= 2**nb:
        msg = "cidrsubnet: not enough address space"
        raise EvalError(msg)
    base = int(net.network_address) + (nn << (net.max_prefixlen - new_prefix))
    return str(ipaddress.ip_network((base, new_prefix)))


def _f_cidrsubnets(prefix: Any, *newbits: Any) -> list[str]:
    net = ipaddress.ip_network(to_str(prefix), strict=False)
    cur = int(net.network_address)
    out = []
    for nb in newbits:
        plen = net.prefixlen + int(to_num(nb))
        size = 1 << (net.max_prefixlen - plen)
        cur = (cur + size - 1) // size * size
        sub = ipaddress.ip_network((cur, plen))
        if not sub.subnet_of(net):  # type: ignore[arg-type]
            msg = "cidrsubnets: not enough address space"
            raise EvalError(msg)
        out.append(str(sub))
        cur += size
    return out


def _f_cidrhost(prefix: Any, hostnum: Any) -> str:
    net = ipaddress.ip_network(to_str(prefix), strict=False)
    n = int(to_num(hostnum))
    if n < 0:
        n += net.num_addresses
    if not 0 <= n < net.num_addresses:
        msg = "cidrhost: host number out of range"
        raise EvalError(msg)
    return str(net.network_address + n)


def _f_cidrnetmask(prefix: Any) -> str:
    return str(ipaddress.ip_network(to_str(prefix), strict=False).netmask)


def _f_jsonencode(v: Any) -> Any:
    if has_unknown(v):
        return PartialResult(render_json(v), "jsonencode() of a partially known value")
    return json.dumps(v, separators=(",", ":"), ensure_ascii=False)


def _f_jsondecode(s: Any) -> Any:
    try:
        return json.loads(to_str(s))
    except RecursionError:
        msg = "jsondecode: too deeply nested"
        raise EvalError(msg) from None


def _f_yamlencode(v: Any) -> Any:
    import yaml  # PyYAML is loaded only when a configuration calls yamlencode/yamldecode

    return yaml.safe_dump(v, sort_keys=False)


def _f_yamldecode(s: Any) -> Any:
    import yaml  # see _f_yamlencode

    try:
        return yaml.safe_load(to_str(s))
    except yaml.YAMLError:
        msg = "yamldecode: invalid YAML"
        raise EvalError(msg) from None


def _minmax(fn: Callable[..., Any]) -> Callable[..., Any]:
    def f(*args: Any) -> Any:
        if not args:
            msg = "needs at least one argument"
            raise EvalError(msg)
        return fn(to_num(a) for a in args)

    return f


def _f_sort(lst: Any) -> list[str]:
    return sorted(to_str(x) for x in lst)


def _f_setunion(*sets: Any) -> list[Any]:
    return _f_toset([x for s in sets for x in s])


def _f_setintersection(first: Any, *rest: Any) -> list[Any]:
    return _f_toset([x for x in first if all(any(equal(x, y) for y in r) for r in rest)])


def _f_setsubtract(a: Any, b: Any) -> list[Any]:
    return _f_toset([x for x in a if not any(equal(x, y) for y in b)])


def _f_setproduct(*sets: Any) -> list[Any]:
    out: list[list[Any]] = [[]]
    for s in sets:
        out = [[*p, x] for p in out for x in s]
        if len(out) > 100000:
            msg = "setproduct too large"
            raise EvalError(msg)
    return out


def _f_chunklist(lst: Any, n: Any) -> list[Any]:
    k = int(to_num(n))
    if k <= 0:
        return [lst]
    return [lst[i : i + k] for i in range(0, len(lst), k)]


def _f_regex(pattern: Any, s: Any) -> Any:
    m = re.search(to_str(pattern), to_str(s))
    if not m:
        msg = "regex: no match"
        raise EvalError(msg)
    if m.groupdict():
        return m.groupdict()
    if m.groups():
        return list(m.groups())
    return m.group(0)


def _f_regexall(pattern: Any, s: Any) -> list[Any]:
    rx = re.compile(to_str(pattern))
    out: list[Any] = []
    for m in rx.finditer(to_str(s)):
        out.append(m.groupdict() or (list(m.groups()) if m.groups() else m.group(0)))
    return out


def _f_substr(s: Any, off: Any, length: Any) -> str:
    t, o, n = to_str(s), int(to_num(off)), int(to_num(length))
    if o < 0:
        o += len(t)
    return t[o:] if n == -1 else t[o : o + n]


def _f_title(s: Any) -> str:
    return re.sub(r"\b([a-z])", lambda m: m.group(1).upper(), to_str(s))


def _f_transpose(m: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for k in sorted(m):
        for v in m[k]:
            out.setdefault(to_str(v), []).append(k)
    return out


def _f_base64encode(s: Any) -> str:
    return base64.b64encode(to_str(s).encode()).decode()


def _f_base64decode(s: Any) -> str:
    return base64.b64decode(to_str(s)).decode("utf-8")


def _f_index(lst: Any, v: Any) -> int:
    for i, x in enumerate(lst):
        if equal(x, v):
            return i
    msg = "index: value not found"
    raise EvalError(msg)


def _f_matchkeys(values: Any, keys: Any, search: Any) -> list[Any]:
    return [v for v, k in zip(values, keys, strict=False) if any(equal(k, s) for s in search)]


def _f_trim(s: Any, chars: Any) -> str:
    return to_str(s).strip(to_str(chars))


def _f_strcontains(s: Any, sub: Any) -> bool:
    return to_str(sub) in to_str(s)


def _f_alltrue(lst: Any) -> bool:
    return all(to_bool(x) for x in lst)


def _f_anytrue(lst: Any) -> bool:
    return any(to_bool(x) for x in lst)


def _f_sum(lst: Any) -> Any:
    if not lst:
        msg = "sum of an empty list"
        raise EvalError(msg)
    return norm_num(sum(to_num(x) for x in lst))


def _f_type_ctor(*_args: Any) -> Any:
    raise UnknownArgument


# -- paths --------------------------------------------------------------------------------------
def _f_pathexpand(p: Any) -> Any:
    s = to_str(p)
    if s == "~" or s.startswith("~/"):
        return PartialResult(f"pathexpand({json.dumps(s)})", "home directory depends on where Terraform runs")
    return s


def _f_abspath(p: Any) -> Any:
    s = to_str(p)
    if s.startswith("/"):
        return posixpath.normpath(s)
    return PartialResult(f"abspath({json.dumps(s)})", "absolute path depends on where Terraform runs")


def _f_dirname(p: Any) -> str:
    """Go's ``filepath.Dir``: everything but the last element, cleaned (``"."`` when empty)."""
    s = to_str(p)
    head = s[: s.rfind("/") + 1] if "/" in s else ""
    return posixpath.normpath(head) if head else "."


def _f_basename(p: Any) -> str:
    """Go's ``filepath.Base``: the last element, trailing slashes removed."""
    s = to_str(p)
    if not s:
        return "."
    s = s.rstrip("/")
    return s.rsplit("/", 1)[-1] if s else "/"


def glob_match(pattern: str) -> re.Pattern[str]:
    """A regex for ``fileset``'s glob: ``*`` and ``?`` stay within one path element, ``**``
    crosses elements, ``{a,b}`` alternatives, ``[...]`` classes."""
    out: list[str] = []
    i, depth = 0, 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = pattern.find("]", i + 1)
            if j < 0:
                msg = "fileset(): unterminated [ in pattern"
                raise EvalError(msg)
            body = pattern[i + 1 : j]
            out.append(
                "[" + ("^" + body[1:] if body.startswith(("!", "^")) else body).replace("\\", "\\\\") + "]"
            )
            i = j + 1
            continue
        elif c == "{":
            out.append("(?:")
            depth += 1
        elif c == "}" and depth:
            out.append(")")
            depth -= 1
        elif c == "," and depth:
            out.append("|")
        elif c == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        else:
            out.append(re.escape(c))
        i += 1
    if depth:
        msg = "fileset(): unterminated { in pattern"
        raise EvalError(msg)
    return re.compile("".join(out))


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "merge": _f_merge,
    "concat": _f_concat,
    "flatten": _f_flatten,
    "length": _f_length,
    "lookup": _f_lookup,
    "element": _f_element,
    "keys": _f_keys,
    "values": _f_values,
    "zipmap": _f_zipmap,
    "tolist": _f_tolist,
    "toset": _f_toset,
    "tomap": _f_tomap,
    "map": _f_legacy_map,
    "list": _f_legacy_list,
    "tostring": _f_tostring,
    "tonumber": _f_tonumber,
    "tobool": _f_tobool,
    "format": _f_format,
    "formatlist": _f_formatlist,
    "join": _f_join,
    "split": _f_split,
    "upper": lambda s: to_str(s).upper(),
    "lower": lambda s: to_str(s).lower(),
    "title": _f_title,
    "replace": _f_replace,
    "contains": _f_contains,
    "distinct": _f_distinct,
    "coalesce": _f_coalesce,
    "coalescelist": _f_coalescelist,
    "compact": _f_compact,
    "cidrsubnet": _f_cidrsubnet,
    "cidrsubnets": _f_cidrsubnets,
    "cidrhost": _f_cidrhost,
    "cidrnetmask": _f_cidrnetmask,
    "jsonencode": _f_jsonencode,
    "jsondecode": _f_jsondecode,
    "yamlencode": _f_yamlencode,
    "yamldecode": _f_yamldecode,
    "min": _minmax(min),
    "max": _minmax(max),
    "abs": lambda x: abs(to_num(x)),
    "ceil": lambda x: math.ceil(to_num(x)),
    "floor": lambda x: math.floor(to_num(x)),
    "pow": lambda a, b: norm_num(to_num(a) ** to_num(b)),
    "signum": lambda x: (to_num(x) > 0) - (to_num(x) < 0),
    "parseint": lambda s, b: int(to_str(s), int(to_num(b))),
    "range": _f_range,
    "slice": _f_slice,
    "startswith": lambda s, p: to_str(s).startswith(to_str(p)),
    "endswith": lambda s, p: to_str(s).endswith(to_str(p)),
    "strcontains": _f_strcontains,
    "trimprefix": lambda s, p: to_str(s).removeprefix(to_str(p)),
    "trimsuffix": lambda s, p: to_str(s).removesuffix(to_str(p)),
    "trimspace": lambda s: to_str(s).strip(),
    "trim": _f_trim,
    "chomp": lambda s: to_str(s).rstrip("\r\n"),
    "substr": _f_substr,
    "strrev": lambda s: to_str(s)[::-1],
    "one": _f_one,
    "alltrue": _f_alltrue,
    "anytrue": _f_anytrue,
    "sort": _f_sort,
    "reverse": lambda lst: list(reversed(lst)),
    "setunion": _f_setunion,
    "setintersection": _f_setintersection,
    "setsubtract": _f_setsubtract,
    "setproduct": _f_setproduct,
    "chunklist": _f_chunklist,
    "regex": _f_regex,
    "regexall": _f_regexall,
    "base64encode": _f_base64encode,
    "base64decode": _f_base64decode,
    "index": _f_index,
    "matchkeys": _f_matchkeys,
    "transpose": _f_transpose,
    "sum": _f_sum,
    "md5": lambda s: hashlib.md5(to_str(s).encode(), usedforsecurity=False).hexdigest(),
    "sha1": lambda s: hashlib.sha1(to_str(s).encode(), usedforsecurity=False).hexdigest(),
    "sha256": lambda s: hashlib.sha256(to_str(s).encode()).hexdigest(),
    "sha512": lambda s: hashlib.sha512(to_str(s).encode()).hexdigest(),
    "base64sha256": lambda s: base64.b64encode(hashlib.sha256(to_str(s).encode()).digest()).decode(),
    "urlencode": lambda s: urllib.parse.quote(to_str(s), safe="-_.~"),
    "indent": lambda n, s: to_str(s).replace("\n", "\n" + " " * int(to_num(n))),
    "nonsensitive": lambda x: x,
    "sensitive": lambda x: x,
    "type": _f_type_ctor,
    "pathexpand": _f_pathexpand,
    "abspath": _f_abspath,
    "dirname": _f_dirname,
    "basename": _f_basename,
}

#: Functions that read a file under the reviewed root (through ``Context.read_file``).
FILE_FUNCTIONS = frozenset(
    {"file", "templatefile", "fileexists", "filebase64", "filemd5", "filesha1", "filesha256", "filesha512"}
)

#: Functions that accept partially unknown arguments and decide themselves.
TOLERANT = frozenset(
    {
        "merge",
        "concat",
        "flatten",
        "length",
        "lookup",
        "element",
        "keys",
        "values",
        "zipmap",
        "tolist",
        "tomap",
        "jsonencode",
        "coalesce",
        "coalescelist",
        "slice",
        "one",
        "nonsensitive",
        "sensitive",
    }
)
