"""Static evaluation of a CloudFormation template: Parameters, Mappings, Conditions, intrinsics.

Values known without deploying are computed (parameter defaults or values from a parameters
file, ``Fn::FindInMap``, ``Fn::Sub``/``Join``/``Select``/``Split``/``If``/``Cidr``/``Base64``,
condition functions).  Everything else becomes :class:`~infra_review.model.Unresolved`:
``Ref``/``Fn::GetAtt`` to a resource keep the resource's graph address in ``refs`` (so analyses
follow them and the builder draws ``ref`` edges), pseudo parameters (``AWS::Region``,
``AWS::AccountId`` …) are unresolved unless given, and so is ``Fn::ImportValue``.
``Ref: AWS::NoValue`` removes the key or list item it stands for.

>>> ev = Evaluator({"Parameters": {"Env": {"Type": "String", "Default": "prod"}},
...                 "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]}}},
...                addresses={"Vpc": "cfn:t.yaml#Vpc"})
>>> ev.value({"Fn::Sub": "${Env}-${Vpc}"})
Unresolved(expr='prod-${Vpc}', refs=('cfn:t.yaml#Vpc',), reason='known at deploy time')
>>> ev.condition("IsProd"), ev.value({"Fn::If": ["IsProd", 3, 1]})
(True, 3)
>>> ev.value({"Fn::Select": [1, {"Fn::Cidr": ["10.0.0.0/16", 3, 8]}]})
'10.0.1.0/24'
"""

from __future__ import annotations

import ipaddress
import json
import re
import shlex
import tomllib
from collections.abc import Mapping
from typing import Any

from infra_review.model import Diagnostic, DiagnosticCode, Unresolved

__all__ = [
    "NO_VALUE",
    "PSEUDO_PARAMETERS",
    "Evaluator",
    "Exports",
    "parse_parameter_file",
    "parse_stack_tags",
]

#: Pseudo parameters CloudFormation defines (all unresolved unless the caller gives a value).
PSEUDO_PARAMETERS = frozenset(
    {
        "AWS::AccountId",
        "AWS::NotificationARNs",
        "AWS::NoValue",
        "AWS::Partition",
        "AWS::Region",
        "AWS::StackId",
        "AWS::StackName",
        "AWS::URLSuffix",
    }
)


class _NoValue:
    """``Ref: AWS::NoValue``: the key or item is removed."""

    def __repr__(self) -> str:
        return "NO_VALUE"


NO_VALUE: Any = _NoValue()
_SUB_RE = re.compile(r"\$\{([^}]*)\}")
_LIST_TYPES = ("List<", "CommaDelimitedList")
#: Longest text kept in the expression of an unresolved ``Fn::Sub``/``Fn::Join`` (user data).
_TEXT_LIMIT = 64 * 1024


def parse_parameter_file(text: str) -> dict[str, Any]:
    """Parameter values from a CLI (``[{ParameterKey, ParameterValue}]``) or CodePipeline
    (``{"Parameters": {...}}``) JSON file, or a plain ``{name: value}`` object.

    >>> parse_parameter_file('[{"ParameterKey": "Env", "ParameterValue": "prod"}]')
    {'Env': 'prod'}
    >>> parse_parameter_file('{"Parameters": {"Env": "dev"}, "Tags": {}}')
    {'Env': 'dev'}
    """
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return {}
    if isinstance(data, list):
        return {
            str(p["ParameterKey"]): p.get("ParameterValue")
            for p in data
            if isinstance(p, dict) and "ParameterKey" in p
        }
    if isinstance(data, dict):
        inner = data.get("Parameters", data)
        if isinstance(inner, dict):
            return {str(k): v for k, v in inner.items() if not isinstance(v, (dict, list))}
    return {}


def _key_values(value: Any) -> dict[str, str]:
    """``'A=1 B="two words"'`` or ``["A=1", "B=2"]`` → ``{A: 1, B: "two words"}``."""
    items: list[str] = []
    if isinstance(value, str):
        try:
            items = shlex.split(value)
        except ValueError:
            return {}
    elif isinstance(value, list):
        items = [str(v) for v in value]
    return {k: v for k, _, v in (i.partition("=") for i in items) if k}


def parse_samconfig(text: str, env: str = "default") -> tuple[dict[str, str], dict[str, str]]:
    """Parameter overrides and tags of ``samconfig.toml`` (``[<env>.deploy.parameters]``).

    ``parameter_overrides`` and ``tags`` are ``'A=1 B="two words"'`` strings or ``["A=1"]`` lists.
    """
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError):
        return {}, {}
    section = data.get(env) if isinstance(data.get(env), dict) else {}
    params: dict[str, str] = {}
    tags: dict[str, str] = {}
    for command in ("global", "deploy"):
        cmd = section.get(command) if isinstance(section.get(command), dict) else {}
        values = cmd.get("parameters") if isinstance(cmd.get("parameters"), dict) else {}
        params.update(_key_values(values.get("parameter_overrides")))
        tags.update(_key_values(values.get("tags")))
    return params, tags


def parse_stack_tags(text: str) -> dict[str, str]:
    """Stack tags of a CodePipeline template configuration (``{"Tags": {...}}``).

    CloudFormation copies stack tags onto every resource that supports tags.

    >>> parse_stack_tags('{"Parameters": {}, "Tags": {"owner": "web"}}')
    {'owner': 'web'}
    """
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return {}
    tags = data.get("Tags") if isinstance(data, dict) else None
    if isinstance(tags, dict):
        return {str(k): str(v) for k, v in tags.items() if isinstance(v, (str, int, float))}
    return {}


def _refs(value: Any) -> tuple[str, ...]:
    out: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Unresolved):
            out.extend(r for r in item.refs if r not in out)
        elif isinstance(item, Mapping):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return tuple(sorted(out))


def _unknown(expr: str, *parts: Any, reason: str = "known at deploy time", limit: int = 200) -> Unresolved:
    return Unresolved(expr[:limit], _refs(list(parts)), reason)


class Exports:
    """Exported outputs of the repository's templates, for ``Fn::ImportValue``.

    An export name that is not known statically (``!Sub "${AWS::StackName}-VpcId"``) is kept as a
    pattern (``*-VpcId``) and matches an import only when it is the one export that does.

    >>> ex = Exports(); ex.add(Unresolved("${AWS::StackName}-VpcId"), "vpc-1"); ex.add("shared-sg", "sg-1")
    >>> ex.lookup("network-VpcId"), ex.lookup("shared-sg"), ex.lookup("other")
    ('vpc-1', 'sg-1', None)
    """

    def __init__(self) -> None:
        self.exact: dict[str, Any] = {}
        self.patterns: list[tuple[re.Pattern[str], Any]] = []

    def add(self, name: Any, value: Any) -> None:
        if isinstance(name, str):
            self.exact.setdefault(name, value)
        elif isinstance(name, Unresolved) and "${" in name.expr:
            parts = re.split(r"\$\{[^}]*\}", name.expr)
            if any(parts):
                self.patterns.append((re.compile(".+".join(re.escape(p) for p in parts) + r"\Z"), value))

    def lookup(self, name: str) -> Any:
        if name in self.exact:
            return self.exact[name]
        hits = [value for pattern, value in self.patterns if pattern.match(name)]
        return hits[0] if len(hits) == 1 else None


class Evaluator:
    """Evaluates the values of one template.

    ``addresses`` maps logical ids of resources to graph addresses; ``given`` holds parameter
    values from a parameters file; ``pseudo`` the known pseudo parameters.
    """

    def __init__(
        self,
        template: Mapping[str, Any],
        *,
        addresses: Mapping[str, str] | None = None,
        given: Mapping[str, Any] | None = None,
        pseudo: Mapping[str, Any] | None = None,
        file: str = "",
        exports: Exports | None = None,
    ) -> None:
        self.template = template
        self.addresses = dict(addresses or {})
        self.given = dict(given or {})
        self.pseudo = dict(pseudo or {})
        self.file = file
        self.diagnostics: list[Diagnostic] = []
        params = template.get("Parameters")
        self.params: dict[str, Any] = params if isinstance(params, dict) else {}
        mappings = template.get("Mappings")
        self.mappings: dict[str, Any] = mappings if isinstance(mappings, dict) else {}
        conds = template.get("Conditions")
        self.conditions: dict[str, Any] = conds if isinstance(conds, dict) else {}
        self._cond_memo: dict[str, bool | None] = {}
        self._cond_stack: set[str] = set()
        self._param_memo: dict[str, Any] = {}
        self._warned: set[str] = set()
        #: outputs of nested stacks by the stack's logical id (``!GetAtt Stack.Outputs.X``)
        self.stack_outputs: dict[str, dict[str, Any]] = {}
        #: ``Outputs``/``Export`` of the other templates of the repository (``Fn::ImportValue``)
        self.exports = exports if exports is not None else Exports()

    # -- diagnostics ----------------------------------------------------------------------
    def _warn(self, key: str, message: str) -> None:
        if key not in self._warned and len(self._warned) < 200:
            self._warned.add(key)
            self.diagnostics.append(Diagnostic(DiagnosticCode.EVAL_WARNING, self.file, message=message))

    # -- parameters and references ------------------------------------------------------------
    def parameter(self, name: str) -> Any:
        """The value of parameter ``name`` (given, default, or unresolved)."""
        if name in self._param_memo:
            return self._param_memo[name]
        decl = self.params.get(name)
        decl = decl if isinstance(decl, dict) else {}
        if name in self.given:
            raw, source = self.given[name], "parameters file"
        elif "Default" in decl:
            raw, source = decl["Default"], "default"
        else:
            raw, source = None, ""
        ptype = str(decl.get("Type", "String"))
        if not source:
            value: Any = Unresolved(name, (), "parameter without default or value")
        elif ptype.startswith("AWS::SSM::Parameter::Value"):
            value = Unresolved(name, (), f"SSM parameter {str(raw)[:80]}")
        elif ptype.startswith(_LIST_TYPES) and isinstance(raw, str):
            value = [p.strip() for p in raw.split(",")] if raw else []
        elif ptype == "Number" and isinstance(raw, str):
            try:
                value = int(raw) if raw.strip().lstrip("-").isdigit() else float(raw)
            except ValueError:
                value = raw
        else:
            value = raw
        self._param_memo[name] = value
        return value

    def ref(self, name: Any) -> Any:
        """``Ref: name``."""
        if not isinstance(name, str):
            return _unknown(f"Ref {self.value(name)!s}", self.value(name))
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in self.pseudo:
            return self.pseudo[name]
        if name in PSEUDO_PARAMETERS:
            return Unresolved(name, (), "pseudo parameter")
        if name in self.params:
            return self.parameter(name)
        if name in self.addresses:
            return Unresolved(name, (self.addresses[name],), "resource id known at deploy time")
        self._warn("ref:" + name, f"Ref to undeclared name {name[:80]!r}")
        return Unresolved(name, (), "undeclared name")

    def get_att(self, arg: Any) -> Any:
        """``Fn::GetAtt: [logical_id, attribute]``."""
        if isinstance(arg, str):
            arg = arg.split(".", 1)
        if not isinstance(arg, list) or len(arg) != 2:
            return _unknown("GetAtt", reason="malformed Fn::GetAtt")
        logical, attr = arg[0], self.value(arg[1])
        expr = f"{logical}.{attr}"
        outputs = self.stack_outputs.get(logical) if isinstance(logical, str) else None
        name = attr[len("Outputs.") :] if isinstance(attr, str) and attr.startswith("Outputs.") else None
        if outputs is not None and name in outputs:
            return outputs[name]
        if isinstance(logical, str) and logical in self.addresses:
            return Unresolved(expr, (self.addresses[logical],), "attribute known at deploy time")
        self._warn("getatt:" + str(logical), f"Fn::GetAtt of undeclared resource {str(logical)[:80]!r}")
        return Unresolved(expr, (), "undeclared resource")

    # -- conditions ---------------------------------------------------------------------
    def condition(self, name: Any) -> bool | None:
        """The truth of a named condition: ``True``/``False``, ``None`` when unknown."""
        if not isinstance(name, str):
            return None
        if name in self._cond_memo:
            return self._cond_memo[name]
        if name not in self.conditions:
            self._warn("cond:" + name, f"undeclared condition {name[:80]!r}")
            return None
        if name in self._cond_stack:
            self._warn("cycle:" + name, f"condition {name[:80]!r} refers to itself")
            return None
        self._cond_stack.add(name)
        try:
            result = self.truth(self.conditions[name])
        finally:
            self._cond_stack.discard(name)
        self._cond_memo[name] = result
        return result

    def truth(self, expr: Any) -> bool | None:
        """A condition expression as ``True``/``False``/``None``."""
        if isinstance(expr, bool):
            return expr
        if isinstance(expr, str):
            return {"true": True, "false": False}.get(expr.lower())
        if not isinstance(expr, dict) or len(expr) != 1:
            return None
        ((fn, arg),) = expr.items()
        args = arg if isinstance(arg, list) else [arg]
        if fn == "Condition":
            return self.condition(arg)
        if fn == "Fn::Equals" and len(args) == 2:
            a, b = self.value(args[0]), self.value(args[1])
            if isinstance(a, Unresolved) or isinstance(b, Unresolved):
                return None
            return str(a) == str(b) if not isinstance(a, (list, dict)) else a == b
        if fn == "Fn::Not" and len(args) == 1:
            t = self.truth(args[0])
            return None if t is None else not t
        if fn in ("Fn::And", "Fn::Or"):
            vals = [self.truth(a) for a in args]
            if fn == "Fn::And":
                return False if False in vals else (None if None in vals else True)
            return True if True in vals else (None if None in vals else False)
        if fn == "Fn::If":
            return self.truth(self.value(expr))
        return None

    # -- values -------------------------------------------------------------------------
    def value(self, v: Any) -> Any:
        """``v`` with every intrinsic function evaluated (``NO_VALUE`` entries removed)."""
        if isinstance(v, list):
            items = [self.value(x) for x in v]
            return [x for x in items if x is not NO_VALUE]
        if not isinstance(v, dict):
            return v
        if len(v) == 1:
            ((k, arg),) = v.items()
            if k == "Ref" or (isinstance(k, str) and k.startswith("Fn::")):
                return self._function(k, arg)
        out = {}
        for k, x in v.items():
            val = self.value(x)
            if val is not NO_VALUE:
                out[k] = val
        return out

    def _function(self, fn: str, arg: Any) -> Any:
        handler = _FUNCTIONS.get(fn)
        if handler is None:
            return _unknown(fn, self.value(arg), reason=f"{fn} is not evaluated statically")
        return handler(self, arg)

    def _if(self, arg: Any) -> Any:
        if not isinstance(arg, list) or len(arg) != 3:
            return _unknown("Fn::If", reason="malformed Fn::If")
        t = self.condition(arg[0])
        if t is True:
            return self.value(arg[1])
        if t is False:
            return self.value(arg[2])
        a, b = self.value(arg[1]), self.value(arg[2])
        return _unknown(f"If {arg[0]}", a, b, reason="condition unknown")

    def _sub(self, arg: Any) -> Any:
        if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], dict):
            text, local = arg[0], {k: self.value(x) for k, x in arg[1].items()}
        else:
            text, local = arg, {}
        if not isinstance(text, str):
            return _unknown("Fn::Sub", reason="malformed Fn::Sub")
        parts: list[Any] = []
        pos = 0
        for m in _SUB_RE.finditer(text):
            parts.append(text[pos : m.start()])
            name = m.group(1).strip()
            if name.startswith("!"):
                parts.append("${" + name[1:] + "}")
            elif name in local:
                parts.append(local[name])
            elif "." in name and name.split(".", 1)[0] not in self.params:
                parts.append(self.get_att(name.split(".", 1)))
            else:
                parts.append(self.ref(name))
            pos = m.end()
        parts.append(text[pos:])
        if all(isinstance(p, (str, int, float)) and not isinstance(p, bool) for p in parts):
            return "".join(str(p) for p in parts)
        # the known parts substituted, the unknown ones written ${expr}: rules read the text
        return _unknown("".join(str(p) for p in parts), parts, limit=_TEXT_LIMIT)

    def _join(self, arg: Any) -> Any:
        if not isinstance(arg, list) or len(arg) != 2:
            return _unknown("Fn::Join", reason="malformed Fn::Join")
        sep, items = self.value(arg[0]), self.value(arg[1])
        if (
            isinstance(items, list)
            and isinstance(sep, str)
            and all(isinstance(p, (str, int, float)) and not isinstance(p, bool) for p in items)
        ):
            return sep.join(str(p) for p in items)
        shown = [str(p) for p in items] if isinstance(items, list) else [str(items)]
        return _unknown(str(sep).join(shown), items, limit=_TEXT_LIMIT)

    def _select(self, arg: Any) -> Any:
        if not isinstance(arg, list) or len(arg) != 2:
            return _unknown("Fn::Select", reason="malformed Fn::Select")
        idx, items = self.value(arg[0]), self.value(arg[1])
        try:
            i = int(idx)
        except (TypeError, ValueError):
            return _unknown(f"Select {idx}", items)
        if isinstance(items, list) and 0 <= i < len(items):
            return items[i]
        return _unknown(f"Select({i}, {items!s})", items)

    def _split(self, arg: Any) -> Any:
        if not isinstance(arg, list) or len(arg) != 2:
            return _unknown("Fn::Split", reason="malformed Fn::Split")
        sep, text = self.value(arg[0]), self.value(arg[1])
        if isinstance(sep, str) and sep and isinstance(text, str):
            return text.split(sep)
        return _unknown(f"Split {text!s}", text)

    def _find_in_map(self, arg: Any) -> Any:
        if not isinstance(arg, list) or len(arg) < 3:
            return _unknown("Fn::FindInMap", reason="malformed Fn::FindInMap")
        keys = [self.value(a) for a in arg[:3]]
        default = arg[3].get("DefaultValue") if len(arg) > 3 and isinstance(arg[3], dict) else None
        if any(not isinstance(k, (str, int)) for k in keys):
            return _unknown(f"FindInMap {keys!s}", *keys, reason="map key unknown")
        cur: Any = self.mappings
        for k in keys:
            cur = cur.get(str(k), cur.get(k)) if isinstance(cur, dict) else None
        if cur is None:
            if default is not None:
                return self.value(default)
            self._warn(f"map:{keys}", f"Fn::FindInMap found no entry for {keys!s}"[:200])
            return _unknown(f"FindInMap {keys!s}", reason="no such map entry")
        return self.value(cur)

    def _get_azs(self, arg: Any) -> Any:
        region = self.value(arg) or self.ref("AWS::Region")
        return _unknown(f"GetAZs {region!s}", reason="availability zones of the account")

    def _cidr(self, arg: Any) -> Any:
        if not isinstance(arg, list) or len(arg) != 3:
            return _unknown("Fn::Cidr", reason="malformed Fn::Cidr")
        block, count, bits = (self.value(a) for a in arg)
        try:
            net = ipaddress.ip_network(str(block), strict=False)
            n, b = int(count), int(bits)
            prefix = net.max_prefixlen - b
            if not 0 < n <= 256 or prefix < net.prefixlen:
                raise ValueError
            subnets = net.subnets(new_prefix=prefix)
            return [str(next(subnets)) for _ in range(n)]
        except (ValueError, TypeError, StopIteration):
            return _unknown(f"Cidr {block!s}", block, count, bits)

    def _base64(self, arg: Any) -> Any:
        return self.value(arg)  # rules read the decoded text, as for Terraform's base64encode()

    def _import_value(self, arg: Any) -> Any:
        name = self.value(arg)
        if isinstance(name, str):
            found = self.exports.lookup(name)
            if found is not None:
                return found
        return _unknown(f"ImportValue {name!s}", name, reason="export of another stack")

    def _to_json(self, arg: Any) -> Any:
        val = self.value(arg)
        if _refs([val]) or isinstance(val, Unresolved):
            return _unknown("ToJsonString", val)
        return json.dumps(val, separators=(",", ":"))

    def _length(self, arg: Any) -> Any:
        val = self.value(arg)
        return len(val) if isinstance(val, list) else _unknown("Length", val)


def _truth_fn(name: str) -> Any:
    def run(ev: Evaluator, arg: Any) -> Any:
        t = ev.truth({name: arg})
        return t if t is not None else _unknown(name, reason="condition unknown")

    return run


_FUNCTIONS: dict[str, Any] = {
    "Ref": Evaluator.ref,
    "Fn::GetAtt": Evaluator.get_att,
    "Fn::If": Evaluator._if,
    "Fn::Sub": Evaluator._sub,
    "Fn::Join": Evaluator._join,
    "Fn::Select": Evaluator._select,
    "Fn::Split": Evaluator._split,
    "Fn::FindInMap": Evaluator._find_in_map,
    "Fn::GetAZs": Evaluator._get_azs,
    "Fn::Cidr": Evaluator._cidr,
    "Fn::Base64": Evaluator._base64,
    "Fn::ImportValue": Evaluator._import_value,
    "Fn::ToJsonString": Evaluator._to_json,
    "Fn::Length": Evaluator._length,
    "Fn::Equals": _truth_fn("Fn::Equals"),
    "Fn::And": _truth_fn("Fn::And"),
    "Fn::Or": _truth_fn("Fn::Or"),
    "Fn::Not": _truth_fn("Fn::Not"),
}
