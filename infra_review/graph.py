"""The resource graph: one ``networkx.MultiDiGraph`` for every IaC format, behind a typed facade.

Edge direction
--------------
**An edge ``u → v`` means "u depends on v"** (u references v: an instance references its
subnet, a Deployment references the Dockerfile its image is built from).  The blast radius of
``v`` — everything that fails when ``v`` fails — is therefore ``nx.ancestors(g, v)`` restricted
to runtime edges.

Every edge carries a ``kind``: ``ref`` (expression reference, with ``attr`` naming the
attribute path it was found in), ``depends_on``, ``module`` (module call → its resources), and
the derived runtime kinds ``in_subnet``, ``uses_sg``, ``sg_allows``, ``routes_via``,
``rt_assoc``, ``lb_targets``, ``protects``, ``encrypts``, ``assumes``, ``runs_image``,
``hosted_on``, ``selects``, ``builds``, ``binds``.

Synthetic nodes: ``INTERNET`` and ``unresolved:<what>`` (remote modules, unknown targets).

>>> from infra_review.model import Resource
>>> rg = ResourceGraph()
>>> rg.add(Resource("aws_subnet.a", "aws_subnet"))
>>> rg.add(Resource("aws_instance.web", "aws_instance", attrs={"instance_type": "t3.micro"}))
>>> rg.add_edge("aws_instance.web", "aws_subnet.a", "ref", attr="subnet_id")
>>> [r.address for r in rg.resources("aws_instance")]
['aws_instance.web']
>>> [r.address for r, _ in rg.dependencies("aws_instance.web")]
['aws_subnet.a']
>>> [r.address for r, _ in rg.dependents("aws_subnet.a", kinds={"ref"})]
['aws_instance.web']
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from typing import Any, TypeVar

import networkx as nx

from infra_review.model import Edge, FileRecord, Resource
from infra_review.model.errors import InfraReviewError
from infra_review.model.facts import RepoFacts

__all__ = ["INTERNET", "MANAGED_BLOCKS", "RUNTIME_EDGE_KINDS", "FrozenGraphError", "ResourceGraph"]

T = TypeVar("T")


class FrozenGraphError(InfraReviewError):
    """A write to a graph that the load pipeline has finished and frozen."""

INTERNET = "INTERNET"

#: Blocks that describe real infrastructure objects (what ``resources()`` yields by default).
MANAGED_BLOCKS = frozenset({"resource", "k8s", "dockerfile", "compose"})

#: Edge kinds that mean "fails together at runtime" (used for blast radius and SPOFs).
RUNTIME_EDGE_KINDS = frozenset(
    {
        "in_subnet",
        "uses_sg",
        "routes_via",
        "rt_assoc",
        "lb_targets",
        "protects",
        "encrypts",
        "assumes",
        "runs_image",
        "hosted_on",
        "selects",
        "attached",
        "uses_endpoint",
    }
)


class ResourceGraph:
    """Typed facade over a ``networkx.MultiDiGraph`` of :class:`Resource` nodes.

    An edge ``u → v`` means *u depends on v*; the blast radius of ``v`` is
    ``nx.ancestors(rg.g, v)`` over runtime edges.  Node key is ``Resource.address``; the
    resource itself is stored as node attribute ``resource``.  ``rg.g`` stays available for
    networkx algorithms.
    """

    def __init__(self) -> None:
        self.g: nx.MultiDiGraph = nx.MultiDiGraph()
        self._by_kind: dict[str, list[str]] = defaultdict(list)
        #: Coverage records of every file under the root (filled by the loader).
        self.files: list[FileRecord] = []
        #: Repository-level facts the loader gathered (root, git info, file list, ...).
        self.repo: dict[str, Any] = {}
        #: The files under the root and their text, read once through the loader's confined reader.
        self.facts: RepoFacts = RepoFacts()
        #: Analyses memoised by :meth:`memo`, keyed by (function, arguments).
        self._memo: dict[tuple[Callable[..., Any], tuple[Hashable, ...]], Any] = {}
        self._frozen = False

    # -- building ---------------------------------------------------------------------------
    @property
    def frozen(self) -> bool:
        """True once the load pipeline has finished the graph: no more nodes or edges."""
        return self._frozen

    def freeze(self) -> None:
        """Refuse every later write (``add``, ``add_edge``, and networkx's own mutators)."""
        self._frozen = True
        nx.freeze(self.g)

    def _check_writable(self) -> None:
        if self._frozen:
            msg = "the resource graph is finished at load and read-only; derive a new graph instead"
            raise FrozenGraphError(msg)

    def memo(self, fn: Callable[..., T], *args: Hashable) -> T:
        """``fn(self, *args)``, computed once per graph (analyses hang their results here).

        >>> rg = ResourceGraph()
        >>> calls = []
        >>> def count(g): calls.append(1); return len(g)
        >>> rg.memo(count), rg.memo(count), len(calls)
        (0, 0, 1)
        """
        key = (fn, args)
        try:
            return self._memo[key]  # type: ignore[no-any-return]
        except KeyError:
            value = self._memo[key] = fn(self, *args)
            return value

    def add(self, resource: Resource) -> None:
        """Add (or replace) a resource node."""
        self._check_writable()
        if resource.address not in self.g:
            self._by_kind[resource.kind].append(resource.address)
        elif self.g.nodes[resource.address]["resource"].kind != resource.kind:
            old = self.g.nodes[resource.address]["resource"].kind
            self._by_kind[old].remove(resource.address)
            self._by_kind[resource.kind].append(resource.address)
        self.g.add_node(resource.address, resource=resource)
        self._memo.clear()

    def add_edge(self, source: str, target: str, kind: str, **attrs: Any) -> None:
        """Add ``source → target`` (source depends on target).  Both nodes must exist."""
        self._check_writable()
        if source not in self.g or target not in self.g:
            missing = source if source not in self.g else target
            msg = f"edge {source} -> {target}: unknown node {missing!r}"
            raise KeyError(msg)
        # One edge per (kind, attrs): re-adding the same edge is a no-op, not a duplicate.
        if not attrs:
            key = kind
        elif len(attrs) == 1:  # the common ``attr=...`` edge: the same text as the general form
            ((name, value),) = attrs.items()
            key = f"{kind}|[({name!r}, {value!r})]"
        else:
            key = f"{kind}|{sorted(attrs.items())!r}"
        self.g.add_edge(source, target, key=key, kind=kind, **attrs)
        if self._memo:
            self._memo.clear()

    def has_edge(self, source: str, target: str, kind: str | None = None) -> bool:
        """True when ``source → target`` exists (of ``kind`` when given)."""
        data = self.g.get_edge_data(source, target)
        if not data:
            return False
        return kind is None or any(d.get("kind") == kind for d in data.values())

    # -- reading ----------------------------------------------------------------------------
    def __contains__(self, address: object) -> bool:
        return address in self.g

    def __len__(self) -> int:
        return self.g.number_of_nodes()

    def get(self, address: str) -> Resource | None:
        """The resource at ``address``, or ``None``."""
        node = self.g._node.get(address)  # the node dict itself: no view, no Mapping.get
        return None if node is None else node["resource"]

    def __getitem__(self, address: str) -> Resource:
        res = self.get(address)
        if res is None:
            raise KeyError(address)
        return res

    def all(self) -> Iterator[Resource]:
        """Every node, synthetic ones included."""
        for _, data in self.g.nodes(data=True):
            yield data["resource"]

    def resources(
        self, *kinds: str, block: str | Iterable[str] | None = MANAGED_BLOCKS
    ) -> Iterator[Resource]:
        """Resources of the given kinds (all kinds when none given), managed blocks only by default.

        Pass ``block="data"`` for data sources, ``block="variable"`` for variables, or
        ``block=None`` for every block type.
        """
        if block is None or isinstance(block, frozenset):
            blocks = block
        else:
            blocks = frozenset((block,)) if isinstance(block, str) else frozenset(block)
        nodes = self.g._node  # plain dict lookups: this runs once per resource per rule
        addresses: Iterable[str] = (
            [a for k in kinds for a in self._by_kind.get(k, ())] if kinds else list(nodes)
        )
        for addr in addresses:
            res: Resource = nodes[addr]["resource"]
            if blocks is None or res.block in blocks:
                yield res

    def provider_of(self, resource: Resource) -> Resource | None:
        """The provider configuration node a resource uses (region, ``default_tags``, alias).

        Uses the loader's ``meta["provider_address"]`` when present (module-declared providers,
        roots below the top whose addresses carry a ``<dir>//`` prefix), else
        ``provider.<key>``.
        """
        addr = resource.meta.get("provider_address") if resource.meta else None
        if addr:
            found = self.get(str(addr))
            if found is not None:
                return found
        return self.get("provider." + resource.provider) if resource.provider else None

    def kinds(self) -> dict[str, int]:
        """Count of nodes per kind."""
        return {k: len(v) for k, v in self._by_kind.items() if v}

    def edges(self, kinds: Iterable[str] | None = None) -> Iterator[Edge]:
        """Every edge (of the given kinds) as an :class:`Edge`."""
        wanted = set(kinds) if kinds is not None else None
        for u, v, data in self.g.edges(data=True):
            kind = data.get("kind", "ref")
            if wanted is None or kind in wanted:
                yield Edge(u, v, kind, {k: val for k, val in data.items() if k != "kind"})

    def dependencies(
        self, address: str, kinds: Iterable[str] | None = None
    ) -> Iterator[tuple[Resource, Mapping[str, Any]]]:
        """What ``address`` depends on (its successors), with the edge data."""
        wanted = set(kinds) if kinds is not None else None
        succ = self.g._succ.get(address) if isinstance(address, str) else None
        if succ is None:  # unknown node: keep networkx's own behaviour
            for _, v, data in self.g.out_edges(address, data=True):
                if wanted is None or data.get("kind") in wanted:
                    yield self.g.nodes[v]["resource"], data
            return
        nodes = self.g._node
        for v, keydict in list(succ.items()):
            for data in list(keydict.values()):
                if wanted is None or data.get("kind") in wanted:
                    yield nodes[v]["resource"], data

    def dependents(
        self, address: str, kinds: Iterable[str] | None = None
    ) -> Iterator[tuple[Resource, Mapping[str, Any]]]:
        """What depends on ``address`` (its predecessors), with the edge data."""
        wanted = set(kinds) if kinds is not None else None
        pred = self.g._pred.get(address) if isinstance(address, str) else None
        if pred is None:  # unknown node: keep networkx's own behaviour
            for u, _, data in self.g.in_edges(address, data=True):
                if wanted is None or data.get("kind") in wanted:
                    yield self.g.nodes[u]["resource"], data
            return
        nodes = self.g._node
        for u, keydict in list(pred.items()):
            for data in list(keydict.values()):
                if wanted is None or data.get("kind") in wanted:
                    yield nodes[u]["resource"], data

    def referrers(self, address: str, *kinds: str) -> list[Resource]:
        """Resources of ``kinds`` (any when empty) that reference ``address``, each once."""
        seen: dict[str, Resource] = {}
        for res, _ in self.dependents(address):
            if (not kinds or res.kind in kinds) and res.address not in seen:
                seen[res.address] = res
        return list(seen.values())

    def referenced(self, address: str, *kinds: str, attr: str | None = None) -> list[Resource]:
        """Resources of ``kinds`` that ``address`` references (optionally only from ``attr``)."""
        seen: dict[str, Resource] = {}
        for res, data in self.dependencies(address):
            if attr is not None and not str(data.get("attr", "")).startswith(attr):
                continue
            if (not kinds or res.kind in kinds) and res.address not in seen:
                seen[res.address] = res
        return list(seen.values())

    def runtime_view(self) -> nx.MultiDiGraph:
        """A read-only subgraph view keeping only runtime edges."""
        return nx.subgraph_view(
            self.g, filter_edge=lambda u, v, k: self.g.edges[u, v, k].get("kind") in RUNTIME_EDGE_KINDS
        )
