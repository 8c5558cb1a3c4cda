#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vcd_org_vdc_network
short_description: Manage a routed or isolated organization VDC network
description:
  - Creates, updates or deletes an organization VDC network (C(/cloudapi/1.0.0/orgVdcNetworks)), routed
    through an NSX-T edge gateway (V(NAT_ROUTED)) or isolated, with static IP pools and DNS.
  - The addresses are checked before anything is written. The gateway lies in the subnet, every
    pool lies in the subnet, no pool overlaps another or holds the gateway.
version_added: 0.1.0
author: vcdops platform team (@vcdops)
extends_documentation_fragment:
  - vcdops.platform.vcd
attributes:
  check_mode:
    support: full
    description: Reports what would change and writes nothing.
  diff_mode:
    support: full
    description: Shows the owned fields before and after.
options:
  org:
    description: Organization.
    type: str
    required: true
  vdc:
    description: Organization VDC that owns the network.
    type: str
    required: true
  name:
    description: Network name.
    type: str
    required: true
  description:
    description: Description.
    type: str
  network_type:
    description: V(NAT_ROUTED) (through O(edge_gateway)) or V(ISOLATED).
    type: str
    choices: [NAT_ROUTED, ISOLATED]
    default: NAT_ROUTED
  edge_gateway:
    description: Edge gateway the routed network connects to. Required for V(NAT_ROUTED).
    type: str
  gateway_cidr:
    description: Gateway address with the prefix length, for example V(192.168.10.1/24).
    type: str
  dns1:
    description: First DNS server.
    type: str
  dns2:
    description: Second DNS server.
    type: str
  dns_suffix:
    description: DNS suffix (a domain name).
    type: str
  static_pools:
    description: Static IP pools handed out to VMs.
    type: list
    elements: dict
    suboptions:
      start:
        description: First address of the pool.
        type: str
        required: true
      end:
        description: Last address of the pool.
        type: str
        required: true
  state:
    description: Whether the network should exist.
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: Routed solutions network with a static pool
  vcdops.platform.vcd_org_vdc_network:
    org: solutions-org
    vdc: solutions-vdc
    name: solutions-routed
    edge_gateway: solutions-edge
    gateway_cidr: 192.168.10.1/24
    dns1: 10.0.0.53
    dns_suffix: solutions.example.com
    static_pools:
      - start: 192.168.10.10
        end: 192.168.10.100
"""

RETURN = r"""
network:
  description: The network as the module manages it.
  returned: always
  type: dict
"""

from ansible_collections.vcdops.platform.plugins.module_utils.common import checks
from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import InputError, ResourceModule
from ansible_collections.vcdops.platform.plugins.module_utils.vcd import orgs

NETWORKS = "/cloudapi/1.0.0/orgVdcNetworks"
EDGES = "/cloudapi/1.0.0/edgeGateways"
# orgVdcNetworks pages hold at most 32 items
NET_PAGE = 32


class Network(ResourceModule):
    result_key = "network"
    options = dict(
        org=dict(type="str", required=True),
        vdc=dict(type="str", required=True),
        name=dict(type="str", required=True),
        description=dict(type="str"),
        network_type=dict(type="str", default="NAT_ROUTED", choices=["NAT_ROUTED", "ISOLATED"]),
        edge_gateway=dict(type="str"),
        gateway_cidr=dict(type="str"),
        dns1=dict(type="str"),
        dns2=dict(type="str"),
        dns_suffix=dict(type="str"),
        static_pools=dict(type="list", elements="dict", options=dict(
            start=dict(type="str", required=True), end=dict(type="str", required=True))),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module_kwargs = dict(required_if=[("state", "present", ("gateway_cidr",))])

    def validate(self):
        p = self.params
        if p["state"] == "absent":
            return
        gateway, net = checks.interface(p["gateway_cidr"], "gateway_cidr")
        checks.ranges(p["static_pools"], net, "static pool", exclude=gateway)
        for key in ("dns1", "dns2"):
            if p[key]:
                checks.ip(p[key], key)
        if p["dns_suffix"]:
            checks.fqdn(p["dns_suffix"], "dns_suffix")
        if p["network_type"] == "NAT_ROUTED" and not p["edge_gateway"]:
            raise InputError("a NAT_ROUTED network needs edge_gateway")

    def read(self):
        p = self.params
        org, vdc = orgs.require_vdc(self.client, p["org"], p["vdc"])
        self._vdc = vdc
        return self.client.find_one(NETWORKS, "network %s" % p["name"], page_size=NET_PAGE, name=p["name"],
                                    **{"ownerRef.id": vdc["id"]})

    def view(self, current):
        subnet = ((current.get("subnets") or {}).get("values") or [{}])[0]
        pools = sorted({"start": r["startAddress"], "end": r["endAddress"]}
                       for r in ((subnet.get("ipRanges") or {}).get("values") or []))
        router = ((current.get("connection") or {}).get("routerRef") or {}).get("name")
        gateway = subnet.get("gateway")
        return dict(id=current.get("id"), name=current.get("name"), description=current.get("description") or "",
                    network_type=current.get("networkType"), edge_gateway=router,
                    gateway_cidr="%s/%s" % (gateway, subnet.get("prefixLength")) if gateway else None,
                    dns1=subnet.get("dnsServer1") or None, dns2=subnet.get("dnsServer2") or None,
                    dns_suffix=subnet.get("dnsSuffix") or None, static_pools=pools)

    def desired(self, current):
        p = self.params
        want = {k: p[k] for k in ("name", "description", "network_type", "edge_gateway", "gateway_cidr",
                                  "dns1", "dns2", "dns_suffix")}
        if p["network_type"] == "ISOLATED":
            want["edge_gateway"] = None
        if p["static_pools"] is not None:
            want["static_pools"] = sorted(dict(r) for r in p["static_pools"])
        if current is not None:
            have = self.view(current)
            if have["gateway_cidr"] != p["gateway_cidr"]:
                raise InputError("network %s has gateway %s; changing the subnet is not possible, delete the network "
                                 "first" % (p["name"], have["gateway_cidr"]))
            if have["network_type"] != p["network_type"]:
                raise InputError("network %s is %s and cannot become %s" % (p["name"], have["network_type"],
                                                                            p["network_type"]))
        return want

    def _body(self, want, base=None):
        p = self.params
        gateway, prefix = want["gateway_cidr"].split("/")
        subnet = {"gateway": gateway, "prefixLength": int(prefix),
                  "ipRanges": {"values": [{"startAddress": r["start"], "endAddress": r["end"]}
                                          for r in want.get("static_pools") or []]}}
        for key, field in (("dns1", "dnsServer1"), ("dns2", "dnsServer2"), ("dns_suffix", "dnsSuffix")):
            if want.get(key):
                subnet[field] = want[key]
        body = dict(base or {})
        body.update({"name": want["name"], "description": want.get("description") or "",
                     "ownerRef": {"id": self._vdc["id"], "name": self._vdc["name"]},
                     "networkType": p["network_type"], "subnets": {"values": [subnet]}})
        if p["network_type"] == "NAT_ROUTED":
            edge = self.client.find_one(EDGES, "edge gateway %s" % want["edge_gateway"], name=want["edge_gateway"],
                                        **{"ownerRef.id": self._vdc["id"]})
            if edge is None:
                raise InputError("edge gateway %s does not exist in VDC %s" % (want["edge_gateway"], self._vdc["name"]))
            body["connection"] = {"routerRef": {"id": edge["id"], "name": edge["name"]}, "connectionType": "INTERNAL"}
        return body

    def create(self, want):
        p = self.params
        self.client.create(NETWORKS, self._body(want), "network %s" % want["name"],
                           find=lambda: self.client.find_one(NETWORKS, "network", page_size=NET_PAGE, name=p["name"],
                                                             **{"ownerRef.id": self._vdc["id"]}))

    def update(self, current, want, changes):
        have = self.view(current)
        full = {k: (want[k] if want.get(k) is not None else have.get(k)) for k in have}
        body = self._body(full, base={k: v for k, v in current.items() if k not in ("subnets", "connection")})
        self.client.write("PUT", "%s/%s" % (NETWORKS, current["id"]), body, what="update network %s" % current["name"])

    def delete(self, current):
        self.client.write("DELETE", "%s/%s" % (NETWORKS, current["id"]), what="delete network %s" % current["name"])


def main():
    Network().run()


if __name__ == "__main__":
    main()
