"""Azure and GCP internet exposure (RULES.md §9, "Azure" and "GCP").

Azure: a VM is exposed when a NIC ``ip_configuration`` carries a ``public_ip_address_id`` and
the NSGs on the NIC and on its subnet (both must allow, priorities ascending, first match
wins) admit ``*``/``Internet``/``0.0.0.0/0``.  GCP: an instance is exposed when a
``network_interface`` has an ``access_config`` and an enabled INGRESS firewall of its network
with a world ``source_ranges`` targets it (by tag, by service account, or everything).
The merged NSG / firewall rules are also returned as :class:`~infra_review.analysis.net_types.SGRule`
for NET007.

>>> from infra_review.graph import ResourceGraph
>>> from infra_review.model import Resource, Unresolved as U
>>> rg = ResourceGraph()
>>> rg.add(Resource("google_compute_network.n", "google_compute_network"))
>>> rg.add(Resource("google_compute_firewall.ssh", "google_compute_firewall", attrs={
...     "network": U("google_compute_network.n.name", ("google_compute_network.n",)),
...     "source_ranges": ["0.0.0.0/0"], "allow": [{"protocol": "tcp", "ports": ["22"]}]}))
>>> rg.add(Resource("google_compute_instance.vm", "google_compute_instance", attrs={
...     "network_interface": [{"network": U("google_compute_network.n.id", ("google_compute_network.n",)),
...                            "access_config": [{}]}]}))
>>> from infra_review.analysis.network import network_model
>>> [p.text() for p in network_model(rg).exposures]
['INTERNET → google_compute_network.n → google_compute_instance.vm:22']
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from infra_review.analysis.net_attrs import block, refs_of, resolve, targets
from infra_review.analysis.net_ports import PortSet
from infra_review.analysis.net_types import ExposurePath, NetworkModel, SGRule, first_match_ports
from infra_review.graph import INTERNET, ResourceGraph
from infra_review.model import Resource, Unresolved
from infra_review.model.coerce import as_list, tri

__all__ = ["azure_nsg_rules", "cloud_exposures", "gcp_firewall_rules"]

_AZ_WORLD = frozenset({"*", "internet", "0.0.0.0/0", "0.0.0.0", "any", "::/0"})
_AZ_VMS = ("azurerm_linux_virtual_machine", "azurerm_windows_virtual_machine", "azurerm_virtual_machine")


def azure_nsg_rules(rg: ResourceGraph) -> dict[str, list[SGRule]]:
    """Inbound/outbound NSG rules per NSG (inline ``security_rule`` and ``azurerm_network_security_rule``)."""
    out: dict[str, list[SGRule]] = defaultdict(list)

    def add(nsg: str, rule: Mapping[str, Any], origin: str, attribute: str) -> None:
        direction = "ingress" if str(rule.get("direction", "Inbound")).lower() == "inbound" else "egress"
        ranges: list[Any] = []
        if "destination_port_range" in rule:
            ranges.append(rule["destination_port_range"])
        ranges.extend(as_list(rule.get("destination_port_ranges")))
        ports = PortSet.parse_ranges(
            rule.get("protocol", "*"), [r for r in ranges if not isinstance(r, Unresolved)]
        )
        if any(isinstance(r, Unresolved) for r in ranges):
            ports = PortSet(ports.ranges, True)
        sources = as_list(rule.get("source_address_prefix")) + as_list(rule.get("source_address_prefixes"))
        prio = rule.get("priority")
        prio_i = prio if isinstance(prio, int) else 4096
        action = str(rule.get("access", "Allow")).lower()
        for src in sources or ["*"]:
            if isinstance(src, Unresolved):
                kind, text = "unknown", src.expr
            else:
                text = str(src)
                kind = "world" if text.lower() in _AZ_WORLD else "cidr"
            out[nsg].append(
                SGRule(
                    nsg,
                    direction,
                    ports,
                    kind,
                    text,
                    origin,
                    attribute,
                    str(rule.get("description", "") or ""),
                    action,
                    prio_i,
                )
            )

    for res in rg.resources("azurerm_network_security_group"):
        out.setdefault(res.address, [])
        for i, rule in enumerate(block(res.attrs, "security_rule")):
            add(res.address, rule, res.address, f"security_rule[{i}]")
    for res in rg.resources("azurerm_network_security_rule"):
        nsgs = targets(
            rg,
            res,
            ["network_security_group_name", "network_security_group_id"],
            {"azurerm_network_security_group"},
        )
        for nsg in nsgs:
            add(nsg, res.attrs, res.address, "")
    return dict(out)


def gcp_firewall_rules(rg: ResourceGraph) -> dict[str, list[SGRule]]:
    """Rules per ``google_compute_firewall`` (``allow`` and ``deny`` blocks, world sources)."""
    out: dict[str, list[SGRule]] = {}
    for res in rg.resources("google_compute_firewall"):
        a = res.attrs
        if tri(a.get("disabled"), False) is True:
            out[res.address] = []
            continue
        direction = "egress" if str(a.get("direction", "INGRESS")).upper() == "EGRESS" else "ingress"
        prio = a.get("priority") if isinstance(a.get("priority"), int) else 1000
        sources = a.get("source_ranges")
        srcs: list[tuple[str, str]] = []
        if isinstance(sources, Unresolved):
            srcs = [("unknown", sources.expr)]
        elif isinstance(sources, list):
            for s in sources:
                if isinstance(s, Unresolved):
                    srcs.append(("unknown", s.expr))
                else:
                    srcs.append(("world" if str(s) in ("0.0.0.0/0", "::/0") else "cidr", str(s)))
        elif direction == "ingress" and not a.get("source_tags") and not a.get("source_service_accounts"):
            srcs = [("world", "0.0.0.0/0")]  # GCP default when no source is given
        rules: list[SGRule] = []
        for action in ("allow", "deny"):
            for i, blk in enumerate(block(a, action)):
                ports = blk.get("ports")
                port_list = [p for p in as_list(ports) if not isinstance(p, Unresolved)]
                ps = PortSet.parse_ranges(blk.get("protocol", "all"), port_list)
                if isinstance(ports, Unresolved) or any(isinstance(p, Unresolved) for p in as_list(ports)):
                    ps = PortSet(ps.ranges, True)
                for kind, text in srcs:
                    rules.append(
                        SGRule(
                            res.address,
                            direction,
                            ps,
                            kind,
                            text,
                            res.address,
                            f"{action}[{i}]",
                            str(a.get("description", "") or ""),
                            action,
                            prio,
                        )
                    )
        out[res.address] = rules
    return out


def cloud_exposures(rg: ResourceGraph, m: NetworkModel) -> list[ExposurePath]:
    """Azure and GCP exposure paths; also stores their merged rules in ``m.sg_rules``."""
    paths: list[ExposurePath] = []
    nsg_rules = azure_nsg_rules(rg)
    fw_rules = gcp_firewall_rules(rg)
    m.sg_rules.update(nsg_rules)
    m.sg_rules.update(fw_rules)
    if nsg_rules or any(rg.resources(*_AZ_VMS)):
        paths.extend(_azure(rg, m, nsg_rules))
    if fw_rules or any(rg.resources("google_compute_instance")):
        paths.extend(_gcp(rg, m, fw_rules))
    return paths


def _azure(rg: ResourceGraph, m: NetworkModel, nsg_rules: dict[str, list[SGRule]]) -> list[ExposurePath]:
    nic_nsg: dict[str, list[str]] = defaultdict(list)
    subnet_nsg: dict[str, list[str]] = defaultdict(list)
    for res in rg.resources("azurerm_network_interface_security_group_association"):
        nsg = targets(rg, res, ["network_security_group_id"], {"azurerm_network_security_group"})
        for nic in targets(rg, res, ["network_interface_id"], {"azurerm_network_interface"}):
            nic_nsg[nic].extend(nsg)
    for res in rg.resources("azurerm_subnet_network_security_group_association"):
        nsg = targets(rg, res, ["network_security_group_id"], {"azurerm_network_security_group"})
        for sub in targets(rg, res, ["subnet_id"], {"azurerm_subnet"}):
            subnet_nsg[sub].extend(nsg)
    nic_vm: dict[str, str] = {}
    for vm in rg.resources(*_AZ_VMS):
        for nic in targets(rg, vm, ["network_interface_ids"], {"azurerm_network_interface"}):
            nic_vm[nic] = vm.address
    out: list[ExposurePath] = []
    for nic in rg.resources("azurerm_network_interface"):
        for cfg in block(nic.attrs, "ip_configuration"):
            pips = [p for ref in refs_of(cfg.get("public_ip_address_id")) for p in resolve(rg, ref)]
            if not pips:
                continue
            subs = [s for ref in refs_of(cfg.get("subnet_id")) for s in resolve(rg, ref)]
            vm = nic_vm.get(nic.address, nic.address)
            m.sgs[vm] = tuple(
                dict.fromkeys(
                    [
                        *m.sgs.get(vm, ()),
                        *nic_nsg.get(nic.address, ()),
                        *(n for s in subs for n in subnet_nsg.get(s, ())),
                    ]
                )
            )
            m.placement.setdefault(vm, tuple(subs))
            layers = [nic_nsg.get(nic.address, [])] + [subnet_nsg.get(s, []) for s in subs]
            layers = [lay for lay in layers if lay]
            if not layers:
                continue  # Standard-SKU public IPs are closed without an NSG
            ports = PortSet.ALL
            for lay in layers:
                lp = PortSet.EMPTY
                for nsg in lay:
                    lp = lp | first_match_ports(nsg_rules.get(nsg, []))
                ports = ports & lp
            if ports:
                nodes = (INTERNET, pips[0], nic.address) + ((vm,) if vm != nic.address else ())
                out.append(
                    ExposurePath(
                        vm,
                        nodes,
                        tuple([""] * (len(nodes) - 1) + [ports.label()]),
                        ports,
                        1,
                        "azure",
                        False,
                        "uncertain" if ports.uncertain else "certain",
                    )
                )
    return out


def _gcp(rg: ResourceGraph, m: NetworkModel, fw_rules: dict[str, list[SGRule]]) -> list[ExposurePath]:
    by_network: dict[str, list[Resource]] = defaultdict(list)
    for fw in rg.resources("google_compute_firewall"):
        for net in targets(rg, fw, ["network"], {"google_compute_network"}):
            by_network[net].append(fw)
    out: list[ExposurePath] = []
    for vm in rg.resources("google_compute_instance"):
        tags = vm.attrs.get("tags")
        vm_tags = {t for t in tags if isinstance(t, str)} if isinstance(tags, list) else set()
        sas = {
            e
            for sa in block(vm.attrs, "service_account")
            for e in as_list(sa.get("email"))
            if isinstance(e, str)
        }
        for ni in block(vm.attrs, "network_interface"):
            if not block(ni, "access_config") and not isinstance(ni.get("access_config"), Unresolved):
                continue
            nets = [n for ref in refs_of(ni.get("network")) for n in resolve(rg, ref)]
            for sref in refs_of(ni.get("subnetwork")):
                for sub in resolve(rg, sref):
                    snode = rg.get(sub)
                    if snode is not None:
                        nets.extend(targets(rg, snode, ["network"], {"google_compute_network"}))
            for net in dict.fromkeys(nets):
                applicable: list[SGRule] = []
                fws = []
                for fw in by_network.get(net, []):
                    tt = fw.attrs.get("target_tags")
                    tsa = fw.attrs.get("target_service_accounts")
                    if isinstance(tt, list) and tt and not (vm_tags & {t for t in tt if isinstance(t, str)}):
                        continue
                    if isinstance(tsa, list) and tsa and not (sas & {t for t in tsa if isinstance(t, str)}):
                        continue
                    applicable.extend(fw_rules.get(fw.address, []))
                    fws.append(fw.address)
                m.sgs[vm.address] = tuple(dict.fromkeys([*m.sgs.get(vm.address, ()), *fws]))
                ports = first_match_ports(applicable)
                if ports:
                    out.append(
                        ExposurePath(
                            vm.address,
                            (INTERNET, net, vm.address),
                            ("", "", ports.label()),
                            ports,
                            1,
                            "gcp",
                            False,
                            "uncertain" if ports.uncertain else "certain",
                        )
                    )
                    break
    return out
