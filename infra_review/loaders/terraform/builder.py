"""Terraform loader: ``.tf``, ``.tf.json``, ``.tfvars``, ``.tfvars.json`` and plan JSON.

This module is the format module the repository loader calls (see
:mod:`infra_review.loaders.formats`); the work is done by the modules of this package.
Two phases (see :mod:`infra_review.loaders.base`):

``parse_file(rel_path, text, kind)`` (implemented in :mod:`~infra_review.loaders.terraform.parse`)
    Runs in a worker.  ``.tf``/``.tfvars`` go through python-hcl2 8.x (``hcl2.parses``), whose
    IR gives the block structure and line numbers (``_meta``); the source text of every
    attribute expression is then parsed by :mod:`.expr` into a picklable tuple AST.
    ``.tf.json`` uses :mod:`json` (strings are templates, parsed by the same module).  The result
    (``ParsedFile.data``) is ``{"blocks": [block, ...]}`` where a block is
    ``{"type", "labels", "line", "end_line", "attrs": {name: {"expr", "line", "end_line"}},
    "blocks": [...]}``; tfvars give ``{"attrs": {...}}``; plan JSON is handled by
    :mod:`.plan`.  Syntax errors become ``PARSE_ERROR`` with line/column and a message built
    from the token *type* only (lark messages embed file text and are never used);
    ``RecursionError``/``VisitError`` become ``DEPTH_LIMIT``.  Nothing here raises.

``build(files, rg, read_text=None)``
    Main process.  A module is a directory.  **Root modules** are the directories holding
    ``.tf``/``.tf.json`` that no other directory calls as a local module (plus, for call
    cycles, any directory not reachable from a root).  Each root is expanded: every block
    becomes a :class:`~infra_review.model.Resource`, ``count``/``for_each`` become instances,
    local modules are expanded recursively at each call, and references become edges.
    :mod:`.modules` collects the blocks of each directory and finds the roots, :mod:`.scope`
    and :mod:`.resolve` give expressions their values, :mod:`.expand` expands
    ``count``/``for_each`` and module calls, :mod:`.edges` turns references into edges,
    :mod:`.body` evaluates block bodies and :mod:`.emit` emits the nodes; :mod:`.state` holds
    what the build accumulates.

Addressing
----------
* One root: plain Terraform addresses (``aws_subnet.public[0]``,
  ``module.vpc.aws_subnet.public[0]``, ``data.aws_iam_policy_document.p``, ``var.region``,
  ``module.vpc.var.cidr``, ``local.env``, ``output.vpc_id``, ``provider.aws.west``,
  ``terraform``, ``import.<to>``, ``moved.<from>``).
* Several roots (``envs/prod`` and ``envs/dev``, or ``examples/*`` calling ``../..``): every
  address of a root below the top is prefixed with ``<root dir>//``
  (``envs/prod//aws_instance.web``, ``envs/prod//provider.aws``); a root at the top of the
  repository keeps plain addresses (``//`` never occurs in a Terraform address, so they stay
  unique).  ``meta["root"]`` holds the root directory (``.`` at the top) in every case and
  ``Resource.module`` stays the Terraform module path (``module.vpc``).
  ``Resource.provider`` is the provider key inside the root (``aws``, ``aws.west``) and
  ``meta["provider_address"]`` the address of that provider node, so
  ``rg.get(r.meta.get("provider_address", "provider." + r.provider))`` works in both cases.
* Instances carry ``meta`` ``base_address``, ``name``, ``count.index`` or ``each.key``,
  ``expanded``.  Unknown ``count``/``for_each``: one node at the base address with
  ``meta["expanded"] = False``.  **Zero instances** (``count = var.create ? 1 : 0`` with
  ``create = false``, or an empty ``for_each``): the declaration stays visible as one node at
  the base address with ``block="disabled"`` and ``meta`` ``instances=0``,
  ``declared_block`` (``resource``/``data``/``module``) — so rules, which look at
  ``resource``/``data`` blocks, never report objects that are not created.
* Remote module sources (registry, ``git::``, ``github.com/``, http(s), ``s3::``, ``gcs::``,
  ``hg::``) are never fetched: the call node ``module.x`` plus ``unresolved:module.x`` (block
  ``synthetic``, kind ``unresolved``, attrs ``source``/``reason``), a ``MODULE_UNRESOLVED``
  diagnostic, and references to its outputs are ``Unresolved`` with that ref.  Local sources
  that leave the root or point at a directory with no parsed Terraform files get
  ``MODULE_UNRESOLVED`` and an ``unresolved:`` node too.  A module calling itself (directly
  or through others) and nesting deeper than :data:`MAX_MODULE_DEPTH` are cut the same way.
* A module that declares its own ``provider`` block (legacy style) keeps it: its resources
  get ``meta["provider_address"] = "module.x.provider.aws"``.
* ``override.tf``/``*_override.tf`` files are merged into the blocks they override (their
  attributes replace, their nested blocks replace those of the same type).

Attributes
----------
``attrs`` hold evaluated, plain values (see :mod:`.evaluate`): nested blocks are lists of
dicts (a labelled nested block such as ``provisioner "local-exec"`` carries ``_labels``),
dynamic blocks are expanded into that list when their ``for_each`` is known (else the list
holds an ``Unresolved``).  The ``count``/``for_each``/``provider`` meta-arguments are not
attributes (instances carry ``meta`` ``count.index``/``each.key``, the provider is
``Resource.provider``); ``depends_on`` stays as a list of address strings, ``lifecycle`` as a
nested block whose ``ignore_changes``/``replace_triggered_by`` keep their text.
In ``.tf.json`` (no provider schema at hand) an object or list of objects whose keys are all
snake_case is read as nested block(s), unless the attribute is a known map (``tags``,
``labels``, ``dimensions``, ``variables``, ...) or an input of a module call.
``variable`` nodes hold ``default``, ``type`` (text), ``description``, ``sensitive`` and the
resolved ``value`` (``meta["value_source"]``: ``tfvars:<file>``, ``default``, ``module call``
or ``unset``); ``local``/``output`` nodes hold ``value``; module call nodes hold ``source``,
``version``, their inputs and ``providers``; the ``terraform`` node holds
``required_version``, ``required_providers`` (a dict), ``backend`` (``[{"_labels": ["s3"],
...}]``) and ``backend_type``.

Variables come from, lowest to highest precedence: the default, ``terraform.tfvars``,
``terraform.tfvars.json``, then ``*.auto.tfvars``/``*.auto.tfvars.json`` in lexical order
(root module directory only; other ``*.tfvars`` files need ``-var-file`` and are not applied).
``rg.repo["terraform"]`` records ``roots``, ``root_prefixes`` (whether addresses carry a root
prefix) and ``var_files`` (``applied`` / ``not_applied``).

``templatefile``/``file`` read files only through the optional ``read_text(rel_path) ->
str | None`` callable given to :func:`build` (the repository loader provides one confined to
the reviewed root); paths are resolved like Terraform (relative to the root module) and any
path leaving the reviewed root is ``Unresolved`` without a read.

Budgets (hostile repositories): one ``count``/``for_each`` expands to at most
:data:`MAX_INSTANCES` instances and a build to :data:`MAX_TOTAL_INSTANCES` (beyond: an
unexpanded node plus ``EVAL_WARNING``/``BUDGET_EXCEEDED``); ``for`` expressions share a step
budget; a variable/local/output value whose expanded size or depth explodes (locals doubling
each other) becomes ``Unresolved``.  Evaluation problems (cycles, bad ``count``) are
``EVAL_WARNING`` diagnostics with file:line.  The build never changes the recursion limit.

Edges (``u → v``: u depends on v): ``ref`` with ``attr`` (the attribute path, e.g.
``subnet_id``, ``ingress[0].cidr_blocks``, ``ingress[*].cidr_blocks`` for dynamic blocks) to
every resource/data node the value ultimately references and to the var/local/output/module
nodes written in the expression; ``depends_on``; ``module`` from a module call node to the
nodes of its instance.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from infra_review.graph import ResourceGraph
from infra_review.loaders.base import ParsedFile
from infra_review.loaders.terraform.body import BodyEvaluator
from infra_review.loaders.terraform.edges import EdgeRecorder
from infra_review.loaders.terraform.emit import Emitter
from infra_review.loaders.terraform.modules import collect_modules, find_roots
from infra_review.loaders.terraform.parse import parse_file
from infra_review.loaders.terraform.plan import build_plans
from infra_review.loaders.terraform.resolve import ValueResolver
from infra_review.loaders.terraform.scope import Instance, Root
from infra_review.loaders.terraform.state import (
    MAX_INSTANCES,
    MAX_MODULE_DEPTH,
    MAX_TOTAL_INSTANCES,
    BuildState,
)
from infra_review.model import Diagnostic

__all__ = [
    "MAX_INSTANCES",
    "MAX_MODULE_DEPTH",
    "MAX_TOTAL_INSTANCES",
    "build",
    "iter_blocks",
    "parse_file",
]


def build(
    files: list[ParsedFile],
    rg: ResourceGraph,
    read_text: Callable[[str], str | None] | None = None,
    list_files: Callable[[], Iterable[str]] | None = None,
) -> list[Diagnostic]:
    """Add every Terraform block of ``files`` to ``rg``; return the diagnostics met.

    ``read_text(rel_path)`` (optional) returns the text of a file under the reviewed root for
    ``templatefile``/``file``, or None; without it those calls stay ``Unresolved``.
    ``list_files()`` (optional) gives the root-relative paths of the files under the root (the
    confined walk's files) for ``fileset``; without it ``fileset`` stays ``Unresolved``.

    >>> pf = parse_file("main.tf", 'resource "aws_subnet" "a" {\\n  count = 2\\n  cidr_block = '
    ...                 'cidrsubnet("10.0.0.0/16", 8, count.index)\\n}\\n', "terraform")
    >>> rg = ResourceGraph()
    >>> build([pf], rg)
    []
    >>> [(r.address, r.attrs["cidr_block"], r.line) for r in rg.resources()]
    [('aws_subnet.a[0]', '10.0.0.0/24', 1), ('aws_subnet.a[1]', '10.0.1.0/24', 1)]
    """
    # Nearly everything the build allocates (resources, attrs, graph dicts) stays alive, so
    # the cyclic collector would only re-walk a growing heap: ~30 % of the build on 10,000
    # resources.  It is paused for the build and switched back on (when it was on) after.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _build(files, rg, read_text, list_files)
    finally:
        if was_enabled:
            gc.enable()


def _build(
    files: list[ParsedFile],
    rg: ResourceGraph,
    read_text: Callable[[str], str | None] | None,
    list_files: Callable[[], Iterable[str]] | None = None,
) -> list[Diagnostic]:
    state = BuildState(rg, read_text, list_files)
    state.mods, state.all_var_files = collect_modules(files, state.warn)
    values = ValueResolver(state)
    edges = EdgeRecorder(state, values)
    emitter = Emitter(state, values, edges, BodyEvaluator(state, edges))
    roots = find_roots(state.mods)
    multi = len(roots) > 1
    queue = [
        Instance(
            state.mods[d],
            Root(d, f"{d}//" if multi and d else ""),
            "",
            None,
            None,
            None,
            {},
            0,
            resolver=values,
        )
        for d in roots
    ]
    # iterative breadth-first expansion of module instances
    i = 0
    while i < len(queue):
        inst = queue[i]
        i += 1
        try:
            queue.extend(emitter.emit_instance(inst))
        except RecursionError:
            first = inst.mdef.files[0] if inst.mdef.files else inst.mdef.dir
            state.warn((first, 0), "expressions too deeply nested to evaluate in this module")
    plans = [pf for pf in files if pf.kind == "terraform_plan" and pf.data is not None]
    state.flush()
    if plans:
        state.diags.extend(build_plans(plans, rg))
    tf = rg.repo.setdefault("terraform", {})
    tf["roots"] = [d or "." for d in roots]
    tf["root_prefixes"] = multi
    applied = [p for d in roots for p, _ in state.mods[d].tfvars]
    # other *.tfvars need -var-file: listed so a reviewer knows which values were not used
    tf["var_files"] = {"applied": applied, "not_applied": sorted(set(state.all_var_files) - set(applied))}
    return state.diags


def iter_blocks(pf: ParsedFile) -> Iterator[dict[str, Any]]:
    """The top-level blocks of a parsed Terraform file (helper for tools and tests)."""
    if isinstance(pf.data, dict):
        yield from pf.data.get("blocks", ())
