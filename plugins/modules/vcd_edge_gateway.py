#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vcd_edge_gateway
short_description: Manage an NSX-T edge gateway of an organization VDC
description:
  - Creates, updates or deletes an NSX-T edge gateway (C(/cloudapi/1.0.0/edgeGateways)) connected to a
    provider gateway (an external network backed by a Tier-0 router or a VRF).
  - In the reference design the solutions org's edge gateway connects to a dedicated T0 or VRF.
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
    description: Organization VDC that owns the edge gateway.
    type: str
    required: true
  name:
    description: Edge gateway name.
    type: str
    required: true
  description:
    description: Description.
    type: str
  external_network:
    description: Name of the provider gateway (T0 or VRF backed external network). Required to create.
    type: str
  primary_ip:
    description: The edge's primary address on the uplink; must lie in an IP range of the provider gateway.
    type: str
  ip_ranges:
    description: Further addresses of the provider gateway to allocate to the edge (for NAT).
    type: list
    elements: dict
    suboptions:
      start:
        description: First address.
        type: str
        required: true
      end:
        description: Last address.
        type: str
        required: true
  dedicated:
    description: Whether the edge gateway uses the provider gateway exclusively (dedicated T0/VRF).
    type: bool
    default: false
  edge_cluster:
    description: NSX-T edge cluster name. By default VCD picks the VDC's edge cluster.
    type: str
  state:
    description: Whether the edge gateway should exist.
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: Edge gateway on a dedicated Tier-0
  vcdops.platform.vcd_edge_gateway:
    org: solutions-org
    vdc: solutions-vdc
    name: solutions-edge
    external_network: t0-solutions
    primary_ip: 172.16.1.10
    dedicated: true
"""

RETURN = r"""
edge_gateway:
  description: The edge gateway as the module manages it.
  returned: always
  type: dict
"""

from ansible_collections.vcdops.platform.plugins.module_utils.common import checks
from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import InputError, ResourceModule
from ansible_collections.vcdops.platform.plugins.module_utils.vcd import orgs

EDGES = "/cloudapi/1.0.0/edgeGateways"
EXTERNAL = "/cloudapi/1.0.0/externalNetworks"


def _ranges_of(subnet):
    return sorted({"start": r["startAddress"], "end": r["endAddress"]}
                  for r in ((subnet.get("ipRanges") or {}).get("values") or []))


class EdgeGateway(ResourceModule):
    result_key = "edge_gateway"
    options = dict(
        org=dict(type="str", required=True),
        vdc=dict(type="str", required=True),
        name=dict(type="str", required=True),
        description=dict(type="str"),
        external_network=dict(type="str"),
        primary_ip=dict(type="str"),
        ip_ranges=dict(type="list", elements="dict", options=dict(
            start=dict(type="str", required=True), end=dict(type="str", required=True))),
        dedicated=dict(type="bool", default=False),
        edge_cluster=dict(type="str"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )

    def validate(self):
        p = self.params
        if p["primary_ip"]:
            checks.ip(p["primary_ip"], "primary_ip")
        for rng in p["ip_ranges"] or []:
            checks.ip(rng["start"], "ip_ranges start")
            checks.ip(rng["end"], "ip_ranges end")

    def _uplink(self):
        """The provider gateway and its first subnet, checked against the wanted addresses."""
        p = self.params
        ext = self.client.find_one(EXTERNAL, "provider gateway %s" % p["external_network"], name=p["external_network"])
        if ext is None:
            raise InputError("provider gateway (external network) %r does not exist" % p["external_network"])
        subnets = (ext.get("subnets") or {}).get("values") or []
        if not subnets:
            raise InputError("provider gateway %s has no subnet" % p["external_network"])
        subnet = subnets[0]
        gw_net = checks.interface("%s/%s" % (subnet["gateway"], subnet["prefixLength"]), "provider gateway subnet")[1]
        free = checks.ranges([{"start": r["startAddress"], "end": r["endAddress"]}
                              for r in ((subnet.get("ipRanges") or {}).get("values") or [])], gw_net, "provider range")
        wanted = list(p["ip_ranges"] or [])
        if p["primary_ip"]:
            wanted.append({"start": p["primary_ip"], "end": p["primary_ip"]})
        for rng in checks.ranges(wanted, gw_net, "edge address range"):
            if not any(rng.first >= f.first and rng.last <= f.last for f in free):
                raise InputError("edge addresses %s are not in the IP ranges of provider gateway %s"
                                 % (rng, p["external_network"]))
        return ext, subnet

    def read(self):
        p = self.params
        if p["state"] == "present" and p["external_network"]:
            self._ext = self._uplink()
        org, vdc = orgs.require_vdc(self.client, p["org"], p["vdc"])
        self._vdc = vdc
        return self.client.find_one(EDGES, "edge gateway %s" % p["name"], name=p["name"], **{"ownerRef.id": vdc["id"]})

    def view(self, current):
        uplinks = current.get("edgeGatewayUplinks") or [{}]
        uplink = uplinks[0]
        subnet = ((uplink.get("subnets") or {}).get("values") or [{}])[0]
        primary = subnet.get("primaryIp")
        ranges = [r for r in _ranges_of(subnet) if not (r["start"] == primary and r["end"] == primary)]
        cluster = ((current.get("edgeClusterConfig") or {}).get("primaryEdgeCluster") or {}).get("edgeClusterRef") or {}
        return dict(id=current.get("id"), name=current.get("name"), description=current.get("description") or "",
                    external_network=uplink.get("uplinkName"), primary_ip=primary, ip_ranges=ranges,
                    dedicated=bool(uplink.get("dedicated")), edge_cluster=cluster.get("name"))

    def desired(self, current):
        p = self.params
        want = dict(name=p["name"], description=p["description"], external_network=p["external_network"],
                    primary_ip=p["primary_ip"], dedicated=p["dedicated"], edge_cluster=p["edge_cluster"],
                    ip_ranges=sorted(dict(r) for r in p["ip_ranges"]) if p["ip_ranges"] is not None else None)
        if current is None and not p["external_network"]:
            raise InputError("external_network is needed to create edge gateway %s" % p["name"])
        return want

    def _body(self, want, base=None):
        ext, subnet = self._ext
        ranges = list(want["ip_ranges"] or [])
        primary = want["primary_ip"]
        if primary and not any(r["start"] == primary and r["end"] == primary for r in ranges):
            ranges.insert(0, {"start": primary, "end": primary})
        body = dict(base or {})
        body.update({
            "name": want["name"], "description": want["description"] or "",
            "ownerRef": {"id": self._vdc["id"], "name": self._vdc["name"]},
            "edgeGatewayUplinks": [{
                "uplinkId": ext["id"], "uplinkName": ext["name"], "dedicated": want["dedicated"],
                "subnets": {"values": [{
                    "gateway": subnet["gateway"], "prefixLength": subnet["prefixLength"], "enabled": True,
                    "primaryIp": primary,
                    "ipRanges": {"values": [{"startAddress": r["start"], "endAddress": r["end"]} for r in ranges]},
                }]},
            }],
        })
        if want["edge_cluster"]:
            cluster = self.client.find_one("/cloudapi/1.0.0/nsxTResources/edgeClusters", "edge cluster %s"
                                           % want["edge_cluster"], name=want["edge_cluster"],
                                           _context=self._vdc["id"])
            if cluster is None:
                raise InputError("NSX-T edge cluster %r is not available to VDC %s" % (want["edge_cluster"], self._vdc["name"]))
            body["edgeClusterConfig"] = {"primaryEdgeCluster": {"backingId": cluster["id"]}}
        return body

    def create(self, want):
        p = self.params
        self.client.create(EDGES, self._body(want), "edge gateway %s" % want["name"],
                           find=lambda: self.client.find_one(EDGES, "edge gateway", name=p["name"],
                                                             **{"ownerRef.id": self._vdc["id"]}))

    def update(self, current, want, changes):
        if not getattr(self, "_ext", None):
            self.params["external_network"] = current["edgeGatewayUplinks"][0]["uplinkName"]
            self._ext = self._uplink()
        have = self.view(current)
        full = {k: (want[k] if want.get(k) is not None else have.get(k)) for k in have}
        body = self._body(full, base={k: v for k, v in current.items() if k not in ("edgeGatewayUplinks",)})
        self.client.write("PUT", "%s/%s" % (EDGES, current["id"]), body, what="update edge gateway %s" % current["name"])

    def delete(self, current):
        self.client.write("DELETE", "%s/%s" % (EDGES, current["id"]), what="delete edge gateway %s" % current["name"])


def main():
    EdgeGateway().run()


if __name__ == "__main__":
    main()
