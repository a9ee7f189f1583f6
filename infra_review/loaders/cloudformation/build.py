"""CloudFormation (and SAM, and CDK ``cdk.out``) templates into the resource graph.

Parse phase (:func:`parse_file`, in a worker): :func:`~.decode.decode` the YAML/JSON text
(short-form tags, safe-loader limits) and keep the template with a trimmed path → line map.

Build phase (:func:`build`): per template, expand SAM resources (:mod:`.sam`), read a parameters
file beside it (:data:`PARAMETER_FILES`), evaluate every resource's properties
(:class:`~.evaluate.Evaluator`) and map them into the rules' vocabulary (:mod:`.mapping`).

Addresses: ``cfn:<template path>#<LogicalId>`` (``cfn:stack/network.yaml#PublicSubnet1``): unique
across templates, stable while the logical id is, and never confused with a Terraform address.
``kind`` is the mapped type (``aws_security_group``) or, for unmapped types, the CloudFormation
type itself (``AWS::SSM::Document``); ``format`` is ``cloudformation``; ``meta`` holds
``name``/``logical_id``, ``cfn_type``, ``template``, ``lines`` (property → line), ``condition``
and ``condition_value``, ``sam_origin``/``sam_type`` for resources SAM would create, and
``cdk_path`` (``aws:cdk:path`` metadata), ``suppressions`` (``Metadata`` ``checkov.skip``,
``cfn_nag.rules_to_suppress``, ``infra_review.ignore`` as ``[{source, id, reason}]``), and
``nested_in`` (the nested-stack resource) for resources of a nested template.  A resource whose
``Condition`` is false is kept with ``block="disabled"``.  Edges: ``ref`` (``Ref``,
``Fn::GetAtt``, ``${…}`` in ``Fn::Sub``; edge attr = the attribute it came from), ``depends_on``
(``DependsOn``) and ``module`` (nested-stack resource → the resources of its template).

>>> pf = parse_file("t.yaml", "Resources:\\n  Vpc:\\n    Type: AWS::EC2::VPC\\n    Properties:\\n"
...                 "      CidrBlock: 10.0.0.0/16\\n  Sn:\\n    Type: AWS::EC2::Subnet\\n"
...                 "    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24}\\n")
>>> rg = ResourceGraph(); _ = build([pf], rg)
>>> sn = rg["cfn:t.yaml#Sn"]
>>> sn.kind, sn.line, sn.meta["cfn_type"], rg.has_edge("cfn:t.yaml#Sn", "cfn:t.yaml#Vpc", "ref")
('aws_subnet', 6, 'AWS::EC2::Subnet', True)
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from infra_review.graph import ResourceGraph
from infra_review.loaders.base import ParsedFile
from infra_review.loaders.cloudformation.decode import decode
from infra_review.loaders.cloudformation.evaluate import (
    Evaluator,
    Exports,
    parse_parameter_file,
    parse_samconfig,
    parse_stack_tags,
)
from infra_review.loaders.cloudformation.mapping import companions, to_attrs
from infra_review.loaders.cloudformation.sam import SAM_TRANSFORM, expand
from infra_review.model import Diagnostic, DiagnosticCode, FileStatus, Resource, SourceLocation, Unresolved

__all__ = [
    "PARAMETER_FILES",
    "PARSER_VERSION",
    "address_for",
    "build",
    "index_lines",
    "metadata_suppressions",
    "parse_file",
]

PARSER_VERSION = "1"

#: Parameter files looked for beside ``<dir>/<stem>.<ext>``, first found wins (then ``samconfig.toml``).
PARAMETER_FILES: tuple[str, ...] = (
    "{stem}.parameters.json",
    "{stem}-parameters.json",
    "{stem}.params.json",
    "parameters/{stem}.json",
    "params/{stem}.json",
    "parameters.json",
    "params.json",
)


def address_for(template: str, logical_id: str) -> str:
    """``cfn:<template path>#<LogicalId>``.

    >>> address_for("stacks/app.yaml", "WebSG")
    'cfn:stacks/app.yaml#WebSG'
    """
    return f"cfn:{template}#{logical_id}"


def index_lines(lines: Mapping[str, int]) -> dict[str, dict[str, Any]]:
    """Per resource: its line, last line and top-level property lines, in one pass.

    >>> index_lines({"Resources.A": 2, "Resources.A.Properties.P": 4, "Resources.A.Properties.P[0].Q": 5})
    {'A': {'line': 2, 'end': 5, 'props': {'P': 4}}}
    """
    out: dict[str, dict[str, Any]] = {}
    for path, line in lines.items():
        if not path.startswith("Resources."):
            continue
        parts = path.split(".", 3)
        entry = out.setdefault(parts[1].split("[", 1)[0], {"line": 0, "end": 0, "props": {}})
        if len(parts) == 2:
            entry["line"] = line
        entry["end"] = max(entry["end"], line)
        if len(parts) == 4 and parts[2] == "Properties" and "." not in parts[3] and "[" not in parts[3]:
            entry["props"][parts[3]] = line
    return out


#: Where CloudFormation users write suppressions in a resource's ``Metadata``: section → (list key,
#: reason key).
_SUPPRESSION_KEYS = {
    "checkov": ("skip", "comment"),
    "cfn_nag": ("rules_to_suppress", "reason"),
    "infra_review": ("ignore", "reason"),
}


def metadata_suppressions(metadata: Mapping[str, Any]) -> list[dict[str, str]]:
    """Suppressions written in a resource's ``Metadata`` (Checkov, cfn_nag, our own), normalised.

    >>> got = metadata_suppressions({"checkov": {"skip": [{"id": "CKV_AWS_24", "comment": "VPN only"}]},
    ...                              "infra_review": {"ignore": [{"id": "NET007", "reason": "bastion"}]}})
    >>> [(s["source"], s["id"], s["reason"]) for s in got]
    [('checkov', 'CKV_AWS_24', 'VPN only'), ('infra_review', 'NET007', 'bastion')]
    """
    out: list[dict[str, str]] = []
    for source, (list_key, reason_key) in _SUPPRESSION_KEYS.items():
        section = metadata.get(source)
        items = section.get(list_key) if isinstance(section, dict) else None
        for item in items if isinstance(items, list) else ():
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                reason = item.get(reason_key)
                out.append(
                    {"source": source, "id": item["id"], "reason": reason if isinstance(reason, str) else ""}
                )
    return out


def parse_file(rel_path: str, text: str, kind: str = "cloudformation") -> ParsedFile:
    """Decode one template; never raises."""
    pf = ParsedFile(rel_path, kind)
    dec = decode(text, rel_path)
    pf.diagnostics.extend(dec.diagnostics)
    if dec.template is None:
        pf.status = FileStatus.FAILED
        return pf
    resources = dec.template.get("Resources")
    if not isinstance(resources, dict):
        pf.diagnostics.append(
            Diagnostic(DiagnosticCode.PARSE_ERROR, rel_path, 1, 0, "template without a Resources mapping")
        )
        pf.status = FileStatus.PARTIAL
    pf.data = {"template": dec.template, "lines": index_lines(dec.lines)}
    return pf


def _parameter_values(
    path: str, read_text: Callable[[str], str | None] | None
) -> tuple[dict[str, Any], dict[str, str], str]:
    """Parameter values, stack tags and the path of the parameters file beside ``path``."""
    if read_text is None:
        return {}, {}, ""
    folder, name = posixpath.split(path)
    stem = name.rsplit(".", 1)[0]
    for pattern in PARAMETER_FILES:
        cand = posixpath.join(folder, pattern.format(stem=stem))
        if cand == path:
            continue
        text = read_text(cand)
        if text:
            values, tags = parse_parameter_file(text), parse_stack_tags(text)
            if values or tags:
                return values, tags, cand
    samconfig = posixpath.join(folder, "samconfig.toml")
    text = read_text(samconfig)
    if text:
        values, tags = parse_samconfig(text)
        if values or tags:
            return dict(values), tags, samconfig
    return {}, {}, ""


def _refs(value: Any) -> Iterator[str]:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Unresolved):
            yield from item.refs
        elif isinstance(item, Mapping):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)


def _resources(
    path: str,
    address: str,
    logical: str,
    entry: Mapping[str, Any],
    ev: Evaluator,
    lines: Mapping[str, dict[str, Any]],
    extra_meta: Mapping[str, Any],
    stack_tags: Mapping[str, str],
) -> list[Resource]:
    """The resource for one template entry, then its companion resources (see ``mapping``)."""
    cfn_type = str(entry.get("Type", ""))
    sam = entry.get("__sam__") if isinstance(entry.get("__sam__"), dict) else None
    located = str(sam["origin"]) if sam else logical
    where = lines.get(located) or {"line": 0, "end": 0, "props": {}}
    line = where["line"]
    props_raw = entry.get("Properties")
    props = ev.value(props_raw) if isinstance(props_raw, dict) else {}
    kind, attrs = to_attrs(cfn_type, props if isinstance(props, dict) else {}, entry, stack_tags)
    condition = entry.get("Condition")
    cond_value = ev.condition(condition) if isinstance(condition, str) else None
    prop_lines = dict(where["props"]) if not sam else {}
    meta: dict[str, Any] = {
        "name": logical,
        "logical_id": logical,
        "cfn_type": cfn_type,
        "template": path,
        "lines": prop_lines,
        **extra_meta,
    }
    if isinstance(condition, str):
        meta["condition"], meta["condition_value"] = condition, cond_value
    if sam:
        meta["sam_origin"], meta["sam_type"] = sam["origin"], sam["type"]
    metadata = entry.get("Metadata")
    if isinstance(metadata, dict):
        if isinstance(metadata.get("aws:cdk:path"), str):
            meta["cdk_path"] = metadata["aws:cdk:path"]
        suppressions = metadata_suppressions(metadata)
        if suppressions:
            meta["suppressions"] = suppressions
    for attr in ("DeletionPolicy", "UpdateReplacePolicy"):
        if isinstance(entry.get(attr), str):
            meta[attr[0].lower() + attr[1:]] = entry[attr]
    source = SourceLocation(path, line, max(line, where["end"]))
    block = "disabled" if cond_value is False else "resource"
    parent = Unresolved(logical, (address,), "resource id known at deploy time")
    extra = companions(cfn_type, attrs, parent)
    main = Resource(address, kind, block, attrs, source, provider="aws", format="cloudformation", meta=meta)
    out = [main]
    for suffix, ckind, cattrs in extra:
        cmeta = {**meta, "name": f"{logical}/{suffix}", "companion_of": address, "lines": {}}
        out.append(
            Resource(
                f"{address}/{suffix}",
                ckind,
                block,
                cattrs,
                source,
                provider="aws",
                format="cloudformation",
                meta=cmeta,
            )
        )
    return out


def _depends_on(entry: Mapping[str, Any]) -> list[str]:
    dep = entry.get("DependsOn")
    if isinstance(dep, str):
        return [dep]
    return [d for d in dep if isinstance(d, str)] if isinstance(dep, list) else []


_REMOTE = ("http://", "https://", "s3://")


def _imports(pf: ParsedFile) -> bool:
    """Whether the template uses ``Fn::ImportValue`` anywhere."""
    stack = [(pf.data or {}).get("template")]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "Fn::ImportValue" in item:
                return True
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


class _Build:
    """One ``build`` call: templates in dependency order, nested stacks expanded in their parents."""

    def __init__(
        self, files: list[ParsedFile], rg: ResourceGraph, read_text: Callable[[str], str | None] | None
    ):
        self.by_path = {pf.path: pf for pf in files}
        self.rg = rg
        self.read_text = read_text
        self.diags: list[Diagnostic] = []
        self.exports = Exports()
        #: nested-stack address → addresses of the resources of its template
        self.members: dict[str, list[str]] = {}
        self.pending: list[tuple[ParsedFile, dict[str, Any], dict[str, str], dict[str, list[Resource]]]] = []

    def child_path(self, parent: str, entry: Mapping[str, Any]) -> str | None:
        """The repository path of a nested stack's local template (``None`` when remote/unknown)."""
        if entry.get("Type") != "AWS::CloudFormation::Stack":
            return None
        props = entry.get("Properties")
        url = props.get("TemplateURL") if isinstance(props, dict) else None
        if not isinstance(url, str) or url.startswith(_REMOTE):
            return None
        return posixpath.normpath(posixpath.join(posixpath.dirname(parent), url))

    def nested_paths(self) -> set[str]:
        out: set[str] = set()
        for pf in self.by_path.values():
            resources = ((pf.data or {}).get("template") or {}).get("Resources")
            for entry in resources.values() if isinstance(resources, dict) else ():
                child = self.child_path(pf.path, entry) if isinstance(entry, dict) else None
                if child in self.by_path and child != pf.path:
                    out.add(child)
        return out

    def run(self) -> list[Diagnostic]:
        nested = self.nested_paths()
        # templates that import values are built after those that do not (exports known first)
        tops = sorted(
            (p for p in self.by_path if p not in nested), key=lambda p: (_imports(self.by_path[p]), p)
        )
        for path in tops:
            given, tags, params_file = _parameter_values(path, self.read_text)
            ev = self.template(self.by_path[path], "", given, tags, (path,), params_file)
            self.export(self.by_path[path], ev)
        for pending in self.pending:
            self.edges(*pending)
        for stack, members in self.members.items():
            for member in members:
                if stack in self.rg and member in self.rg:
                    self.rg.add_edge(stack, member, "module")
        unreached = nested - {
            str(r.meta.get("template")) for r in self.rg.all() if r.format == "cloudformation"
        }
        for path in sorted(unreached):
            self.diags.append(
                Diagnostic(
                    DiagnosticCode.MODULE_UNRESOLVED,
                    path,
                    1,
                    0,
                    "nested stack template reached only through a cycle; not loaded",
                )
            )
        return self.diags

    def _entries(self, pf: ParsedFile, template: Mapping[str, Any]) -> dict[str, Any]:
        resources = template.get("Resources")
        if not isinstance(resources, dict):
            return {}
        transform = template.get("Transform")
        sam_types = any(
            isinstance(v, dict) and str(v.get("Type", "")).startswith("AWS::Serverless::")
            for v in resources.values()
        )  # SAM resources are expanded even when the Transform line is missing (it would not deploy)
        if sam_types or SAM_TRANSFORM in (transform if isinstance(transform, list) else [transform]):
            resources, sam_diags = expand(resources, template.get("Globals"), pf.path)
            self.diags.extend(sam_diags)
        lines = (pf.data or {}).get("lines") or {}
        entries = {
            str(k): v for k, v in resources.items() if isinstance(v, dict) and isinstance(v.get("Type"), str)
        }
        for k in resources:
            if str(k) not in entries:
                line = (lines.get(str(k)) or {}).get("line", 0)
                self.diags.append(
                    Diagnostic(
                        DiagnosticCode.EVAL_WARNING,
                        pf.path,
                        line,
                        0,
                        f"resource {str(k)[:80]!r} has no Type; skipped",
                    )
                )
        return entries

    def template(
        self,
        pf: ParsedFile,
        prefix: str,
        given: Mapping[str, Any],
        stack_tags: Mapping[str, str],
        chain: tuple[str, ...],
        params_file: str = "",
    ) -> Evaluator:
        """Build one template instance; ``prefix`` is ``""`` for a top template, else the address
        of the nested-stack resource followed by ``/``."""
        template = (pf.data or {}).get("template") or {}
        lines = (pf.data or {}).get("lines") or {}
        entries = self._entries(pf, template)
        addresses = {k: (f"{prefix}{k}" if prefix else address_for(pf.path, k)) for k in entries}
        ev = Evaluator(template, addresses=addresses, given=given, file=pf.path, exports=self.exports)
        extra: dict[str, Any] = {"parameters_file": params_file} if params_file else {}
        if prefix:
            extra["nested_in"] = prefix[:-1]
        for logical, entry in entries.items():
            child = self.child_path(pf.path, entry)
            if child is not None:
                ev.stack_outputs[logical] = self.nested(
                    pf, entry, child, addresses[logical], ev, stack_tags, chain
                )
        made: dict[str, list[Resource]] = {}
        for logical, entry in entries.items():
            made[logical] = _resources(
                pf.path, addresses[logical], logical, entry, ev, lines, extra, stack_tags
            )
            for node in made[logical]:
                self.rg.add(node)
        if prefix:
            self.members[prefix[:-1]] = list(addresses.values())
        self.pending.append((pf, entries, addresses, made))  # edges once every node exists
        self.diags.extend(ev.diagnostics)
        return ev

    def export(self, pf: ParsedFile, ev: Evaluator) -> None:
        """Record the template's exported outputs."""
        outputs = ((pf.data or {}).get("template") or {}).get("Outputs")
        for out in outputs.values() if isinstance(outputs, dict) else ():
            export = out.get("Export") if isinstance(out, dict) else None
            if isinstance(export, dict) and "Name" in export and "Value" in out:
                self.exports.add(ev.value(export["Name"]), ev.value(out["Value"]))

    def nested(
        self,
        pf: ParsedFile,
        entry: Mapping[str, Any],
        child: str,
        address: str,
        ev: Evaluator,
        stack_tags: Mapping[str, str],
        chain: tuple[str, ...],
    ) -> dict[str, Any]:
        """Expand a nested stack (its parameters evaluated in the parent); returns its outputs."""
        if child in chain:
            self.diags.append(
                Diagnostic(
                    DiagnosticCode.EVAL_WARNING,
                    pf.path,
                    0,
                    0,
                    f"cyclic nested stack {child[:120]!r}; not expanded",
                )
            )
            return {}
        child_pf = self.by_path.get(child)
        if child_pf is None:
            self.diags.append(
                Diagnostic(
                    DiagnosticCode.MODULE_UNRESOLVED,
                    pf.path,
                    0,
                    0,
                    f"nested stack template {child[:120]!r} not found",
                )
            )
            return {}
        props = entry.get("Properties") if isinstance(entry.get("Properties"), dict) else {}
        params = ev.value(props.get("Parameters")) if isinstance(props.get("Parameters"), dict) else {}
        child_ev = self.template(
            child_pf, address + "/", params if isinstance(params, dict) else {}, stack_tags, (*chain, child)
        )
        outputs = ((child_pf.data or {}).get("template") or {}).get("Outputs")
        result: dict[str, Any] = {}
        for name, out in outputs.items() if isinstance(outputs, dict) else ():
            if isinstance(out, dict) and "Value" in out:
                result[str(name)] = child_ev.value(out["Value"])
        return result

    def edges(
        self,
        pf: ParsedFile,
        entries: Mapping[str, Any],
        addresses: Mapping[str, str],
        made: Mapping[str, list[Resource]],
    ) -> None:
        for logical, entry in entries.items():
            for node in made[logical]:
                for attr, value in node.attrs.items():
                    for target in _refs(value):
                        if target != node.address and target in self.rg:
                            self.rg.add_edge(node.address, target, "ref", attr=attr)
            for dep in _depends_on(entry):
                if dep in addresses:
                    self.rg.add_edge(addresses[logical], addresses[dep], "depends_on", attr="depends_on")
                else:
                    line = made[logical][0].line
                    msg = f"DependsOn names an undeclared resource {dep[:80]!r}"
                    self.diags.append(Diagnostic(DiagnosticCode.EVAL_WARNING, pf.path, line, 0, msg))


def build(
    files: list[ParsedFile], rg: ResourceGraph, read_text: Callable[[str], str | None] | None = None
) -> list[Diagnostic]:
    """Add every template's resources and their ``ref``/``depends_on`` edges.

    A template that another one nests (``AWS::CloudFormation::Stack`` with a local
    ``TemplateURL``) is built only inside its parent, at ``<stack address>/<LogicalId>``, with the
    parent's ``Parameters`` and its ``Outputs`` readable through ``!GetAtt Stack.Outputs.X``.
    """
    return _Build(files, rg, read_text).run()
