"""Port-set algebra for security-group, NACL, NSG and firewall rules.

A :class:`PortSet` is a normalised union of ``(protocol, low, high)`` intervals with protocol
``tcp``, ``udp`` or ``icmp`` (ICMP has no ports: it is stored as ``("icmp", 0, 0)``).  The
all-traffic protocol (``-1`` / ``all``) expands to every TCP and UDP port plus ICMP.  Sets are
immutable and hashable; ``&``, ``|`` and ``-`` are intersection, union and difference.
``uncertain`` marks a set built from a value that was not statically known (it is kept
through every operation so that a rule can answer UNKNOWN instead of PASS).

>>> web = PortSet.tcp(443) | PortSet.tcp(80)
>>> str(web)
'80, 443'
>>> str(PortSet.parse("tcp", 0, 1024) & web)
'80, 443'
>>> str(PortSet.parse("-1", 0, 0))
'all'
>>> 22 in PortSet.parse("6", 20, 25), 22 in web
(True, False)
>>> str(PortSet.ALL - PortSet.tcp(22))
'tcp 0-21, 23-65535; udp 0-65535; icmp'
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from infra_review.model.coerce import as_int

__all__ = ["ADMIN_PORTS", "DATA_PORTS", "PortSet", "normalize_protocol"]

MAX_PORT = 65535

_PROTO_ALIASES = {
    "-1": "all",
    "all": "all",
    "*": "all",
    "any": "all",
    "6": "tcp",
    "tcp": "tcp",
    "17": "udp",
    "udp": "udp",
    "1": "icmp",
    "icmp": "icmp",
    "58": "icmp",
    "icmpv6": "icmp",
    "icmp6": "icmp",
}


def normalize_protocol(value: Any) -> str | None:
    """``"tcp"``, ``"udp"``, ``"icmp"`` or ``"all"``; ``None`` for anything else.

    >>> normalize_protocol(-1), normalize_protocol("TCP"), normalize_protocol("6"), normalize_protocol("esp")
    ('all', 'tcp', 'tcp', None)
    """
    if isinstance(value, bool) or value is None:
        return None
    return _PROTO_ALIASES.get(str(value).strip().lower())


@dataclass(frozen=True, slots=True)
class PortSet:
    """An immutable union of protocol/port intervals (see the module docstring)."""

    ranges: tuple[tuple[str, int, int], ...] = ()
    uncertain: bool = False

    EMPTY: ClassVar[PortSet]
    ALL: ClassVar[PortSet]

    # -- construction -----------------------------------------------------------------------
    @classmethod
    def of(cls, ranges: Iterable[tuple[str, int, int]], uncertain: bool = False) -> PortSet:
        """Normalise ``ranges`` (merge overlapping/adjacent intervals, clamp to 0–65535)."""
        by_proto: dict[str, list[tuple[int, int]]] = {}
        for proto, lo, hi in ranges:
            if proto == "icmp":
                by_proto.setdefault("icmp", []).append((0, 0))
                continue
            lo, hi = max(0, int(lo)), min(MAX_PORT, int(hi))
            if lo > hi:
                continue
            by_proto.setdefault(proto, []).append((lo, hi))
        out: list[tuple[str, int, int]] = []
        for proto in ("tcp", "udp", "icmp"):
            spans = sorted(by_proto.get(proto, ()))
            merged: list[list[int]] = []
            for lo, hi in spans:
                if merged and lo <= merged[-1][1] + 1:
                    merged[-1][1] = max(merged[-1][1], hi)
                else:
                    merged.append([lo, hi])
            out.extend((proto, lo, hi) for lo, hi in merged)
        return cls(tuple(out), uncertain)

    @classmethod
    def tcp(cls, low: int, high: int | None = None) -> PortSet:
        """TCP ports ``low``–``high`` (one port when ``high`` is omitted)."""
        return cls.of([("tcp", low, low if high is None else high)])

    @classmethod
    def parse(cls, protocol: Any, from_port: Any = None, to_port: Any = None) -> PortSet:
        """Build a set from an AWS-style rule: protocol (name or number) and a port range.

        Unknown protocols or ports give an *uncertain* set covering what they could be.

        >>> PortSet.parse("tcp", 22, 22).ranges
        (('tcp', 22, 22),)
        >>> PortSet.parse("tcp", None, None).uncertain
        True
        """
        proto = normalize_protocol(protocol)
        if proto is None:
            if protocol is None or not isinstance(protocol, (str, int)) or isinstance(protocol, bool):
                return cls.of(cls.ALL.ranges, uncertain=True)
            # another IP protocol number (esp, gre, ...): no TCP/UDP ports
            return cls.EMPTY
        if proto == "all":
            return cls.ALL
        if proto == "icmp":
            return cls.of([("icmp", 0, 0)])
        lo, hi = as_int(from_port), as_int(to_port)
        if lo is None or hi is None:
            return cls.of([(proto, 0, MAX_PORT)], uncertain=True)
        if lo == -1 or hi == -1:
            lo, hi = 0, MAX_PORT
        return cls.of([(proto, lo, hi)])

    @classmethod
    def parse_ranges(cls, protocol: Any, ranges: Iterable[Any]) -> PortSet:
        """From port strings such as ``"22"``, ``"8000-8080"`` or ``"*"`` (Azure NSG / GCP).

        >>> str(PortSet.parse_ranges("Tcp", ["22", "8000-8002"]))
        '22, 8000-8002'
        >>> str(PortSet.parse_ranges("tcp", []))
        '0-65535'
        """
        proto = normalize_protocol(protocol)
        if proto is None:
            return cls.of(cls.ALL.ranges, uncertain=True)
        protos = ("tcp", "udp", "icmp") if proto == "all" else (proto,)
        items = list(ranges)
        if not items:
            items = ["*"]
        out: list[tuple[str, int, int]] = []
        uncertain = False
        for item in items:
            text = str(item).strip()
            if text in ("*", "", "any", "Any"):
                out.extend((p, 0, MAX_PORT) for p in protos)
                continue
            lo_s, _, hi_s = text.partition("-")
            lo, hi = as_int(lo_s), as_int(hi_s or lo_s)
            if lo is None or hi is None:
                uncertain = True
                out.extend((p, 0, MAX_PORT) for p in protos)
                continue
            out.extend((p, lo, hi) for p in protos)
        return cls.of(out, uncertain)

    # -- algebra ----------------------------------------------------------------------------
    def __or__(self, other: PortSet) -> PortSet:
        return PortSet.of(self.ranges + other.ranges, self.uncertain or other.uncertain)

    def __and__(self, other: PortSet) -> PortSet:
        out: list[tuple[str, int, int]] = []
        for p1, lo1, hi1 in self.ranges:
            for p2, lo2, hi2 in other.ranges:
                if p1 == p2 and lo1 <= hi2 and lo2 <= hi1:
                    out.append((p1, max(lo1, lo2), min(hi1, hi2)))
        return PortSet.of(out, self.uncertain or other.uncertain)

    def __sub__(self, other: PortSet) -> PortSet:
        out: list[tuple[str, int, int]] = []
        for proto, lo, hi in self.ranges:
            pieces = [(lo, hi)]
            for p2, lo2, hi2 in other.ranges:
                if p2 != proto:
                    continue
                nxt: list[tuple[int, int]] = []
                for a, b in pieces:
                    if hi2 < a or lo2 > b:
                        nxt.append((a, b))
                        continue
                    if proto == "icmp":
                        continue
                    if a < lo2:
                        nxt.append((a, lo2 - 1))
                    if b > hi2:
                        nxt.append((hi2 + 1, b))
                pieces = nxt
            out.extend((proto, a, b) for a, b in pieces)
        return PortSet.of(out, self.uncertain or other.uncertain)

    def __bool__(self) -> bool:
        return bool(self.ranges)

    def __contains__(self, port: object) -> bool:
        if isinstance(port, tuple):
            proto, number = port
        else:
            proto, number = "tcp", port
        return any(p == proto and lo <= int(number) <= hi for p, lo, hi in self.ranges)  # type: ignore[call-overload]

    def __iter__(self) -> Iterator[tuple[str, int, int]]:
        return iter(self.ranges)

    def overlaps(self, ports: Iterable[int], proto: str = "tcp") -> list[int]:
        """The given ports (of ``proto``) that are in the set, in order.

        >>> PortSet.tcp(0, 1024).overlaps([22, 3389, 443])
        [22, 443]
        """
        return [p for p in ports if (proto, p) in self]

    def size(self, proto: str = "tcp") -> int:
        """How many ports of ``proto`` the set holds."""
        return sum(hi - lo + 1 for p, lo, hi in self.ranges if p == proto)

    @property
    def is_all(self) -> bool:
        """True when every TCP and UDP port is included."""
        return self.size("tcp") == MAX_PORT + 1 and self.size("udp") == MAX_PORT + 1

    def certain(self) -> PortSet:
        """The same intervals without the uncertain flag."""
        return PortSet(self.ranges, False)

    # -- display ----------------------------------------------------------------------------
    def label(self) -> str:
        """Short human text: ``"443"``, ``"80, 443"``, ``"udp 53"``, ``"all"``, ``"none"``."""
        if not self.ranges:
            return "none"
        if self.is_all and any(p == "icmp" for p, _, _ in self.ranges):
            return "all"
        parts: list[str] = []
        for proto in ("tcp", "udp", "icmp"):
            spans = [(lo, hi) for p, lo, hi in self.ranges if p == proto]
            if not spans:
                continue
            if proto == "icmp":
                parts.append("icmp")
                continue
            text = ", ".join(str(lo) if lo == hi else f"{lo}-{hi}" for lo, hi in spans)
            parts.append(
                text if proto == "tcp" and len(parts) == 0 and self._only("tcp") else f"{proto} {text}"
            )
        return "; ".join(parts)

    def _only(self, proto: str) -> bool:
        return all(p == proto for p, _, _ in self.ranges)

    def __str__(self) -> str:
        return self.label() + (" (uncertain)" if self.uncertain else "")

    def to_list(self) -> list[dict[str, Any]]:
        """JSON-friendly form: ``[{"protocol": "tcp", "from": 443, "to": 443}]``."""
        return [{"protocol": p, "from": lo, "to": hi} for p, lo, hi in self.ranges]


PortSet.EMPTY = PortSet(())
PortSet.ALL = PortSet.of([("tcp", 0, MAX_PORT), ("udp", 0, MAX_PORT), ("icmp", 0, 0)])

#: Administrative ports (SSH, RDP, WinRM).
ADMIN_PORTS: tuple[int, ...] = (22, 3389, 5985, 5986)
#: Ports of databases, caches, search and cluster control planes (RULES.md NET007).
DATA_PORTS: tuple[int, ...] = (3306, 5432, 1433, 1521, 6379, 11211, 27017, 9200, 2379, 6443)
