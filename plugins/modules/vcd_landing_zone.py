#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vcd_landing_zone
short_description: Manage the Solution Add-On landing zone of a VCD
description:
  - Converges the landing zone, the C(vmware:solutions_organization:1.0.0) entity named
    C(Solutions Organization) that tells Solution Add-Ons where to run - the solutions org, its
    catalog(s), VDC(s), networks, storage and compute policies.
  - There is exactly one landing zone per VCD. The module creates it (and resolves it) when absent and
    otherwise updates the one that exists (read with its ETag, written with C(If-Match); a 412 re-reads
    and re-applies).
  - Every name is looked up before anything is written; the first item of each list is the default.
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
notes:
  - Needs VCD 10.4.1 (API 37.1) or newer and a system administrator.
options:
  org:
    description: The solutions organization. Required with O(state=present).
    type: str
  catalogs:
    description: Catalogs of O(org) that receive add-on ISOs; the first is the default.
    type: list
    elements: str
    default: []
  vdcs:
    description: VDCs of O(org) where add-ons run; the first is the default.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: VDC name.
        type: str
        required: true
      networks:
        description: Org VDC networks of the VDC; the first is the default.
        type: list
        elements: str
        default: []
      storage_policies:
        description: Storage policies of the VDC; the first is the default.
        type: list
        elements: str
        default: []
      compute_policies:
        description: Compute (sizing) policies of the VDC; the first is the default.
        type: list
        elements: str
        default: [System Default]
  state:
    description: Whether the landing zone should exist.
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: Landing zone in the solutions organization
  vcdops.platform.vcd_landing_zone:
    org: solutions-org
    catalogs: [solution-add-ons]
    vdcs:
      - name: solutions-vdc
        networks: [solutions-routed]
        storage_policies: [gold]
        compute_policies: [System Default]
"""

RETURN = r"""
landing_zone:
  description: The landing zone, by names (ids under C(entity)).
  returned: always
  type: dict
  sample:
    org: solutions-org
    catalogs: [solution-add-ons]
    vdcs:
      - name: solutions-vdc
        networks: [solutions-routed]
        storage_policies: [gold]
        compute_policies: [System Default]
    state: RESOLVED
"""

from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import InputError, ResourceModule
from ansible_collections.vcdops.platform.plugins.module_utils.vcd import addons, orgs
from ansible_collections.vcdops.platform.plugins.module_utils.vcd.client import VcdNotFound, uuid_of
from ansible_collections.vcdops.platform.plugins.module_utils.vcd.rde import Rde

NETWORKS = "/cloudapi/1.0.0/orgVdcNetworks"
STORAGE = "/cloudapi/1.0.0/orgVdcStoragePolicies"
COMPUTE = "/cloudapi/2.0.0/vdcs/%s/computePolicies"


def _names(items):
    return [i.get("name") for i in items or []]


class LandingZone(ResourceModule):
    result_key = "landing_zone"
    options = dict(
        org=dict(type="str"),
        catalogs=dict(type="list", elements="str", default=[]),
        vdcs=dict(type="list", elements="dict", default=[], options=dict(
            name=dict(type="str", required=True),
            networks=dict(type="list", elements="str", default=[]),
            storage_policies=dict(type="list", elements="str", default=[]),
            compute_policies=dict(type="list", elements="str", default=["System Default"]),
        )),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module_kwargs = dict(required_if=[("state", "present", ("org",))])

    def validate(self):
        p = self.params
        if p["state"] == "absent":
            return
        if not p["catalogs"]:
            raise InputError("a landing zone needs at least one catalog in catalogs")
        if not p["vdcs"]:
            raise InputError("a landing zone needs at least one VDC in vdcs")
        for vdc in p["vdcs"]:
            for key in ("networks", "storage_policies", "compute_policies"):
                if len(set(vdc[key])) != len(vdc[key]):
                    raise InputError("VDC %s lists a name twice in %s" % (vdc["name"], key))

    @property
    def rde(self):
        return Rde(self.client)

    def read(self):
        return addons.landing_zone(self.rde)

    def view(self, current):
        entity = current
        body = entity.get("entity") or {}
        vdcs = []
        for vdc in body.get("vdcs") or []:
            vdcs.append(dict(name=vdc.get("name"), networks=_names(vdc.get("networks")),
                             storage_policies=_names(vdc.get("storagePolicies")),
                             compute_policies=_names(vdc.get("computePolicies"))))
        return dict(org=body.get("name"), catalogs=_names(body.get("catalogs")), vdcs=vdcs,
                    state=entity.get("entityState") or entity.get("state"))

    def returned(self, obj):
        entity = obj
        out = self.view(entity)
        out.update(id=entity.get("id"), entity=entity.get("entity"))
        return out

    def desired(self, current):
        p = self.params
        # every name is looked up now, so that check mode (a preflight) finds a wrong one
        self._lz = self._entity(dict(org=p["org"], catalogs=p["catalogs"], vdcs=p["vdcs"]))
        return dict(org=p["org"], catalogs=list(p["catalogs"]), state="RESOLVED",
                    vdcs=[dict(name=v["name"], networks=list(v["networks"]), storage_policies=list(v["storage_policies"]),
                               compute_policies=list(v["compute_policies"])) for v in p["vdcs"]])

    # -------------------------------------------------------------- lookups
    def _entity(self, want):
        c = self.client
        org = orgs.require_org(c, want["org"])
        admin = orgs.admin_org(c, org["id"])
        refs = dict((r.get("name"), r) for r in (admin.get("catalogs") or {}).get("catalogReference") or [])
        missing = [n for n in want["catalogs"] if n not in refs]
        catalogs = [dict(id="urn:vcloud:catalog:%s" % uuid_of(refs[n].get("id") or refs[n].get("href")), name=n,
                         capabilities=[]) for n in want["catalogs"] if n in refs]
        vdcs = []
        for index, v in enumerate(want["vdcs"]):
            vdc = orgs.require_vdc(c, want["org"], v["name"])[1]
            vdcs.append(dict(id=vdc["id"], name=vdc["name"], isDefault=index == 0, capabilities=[],
                             networks=self._pick(c.list(NETWORKS, filter="ownerRef.id==%s" % vdc["id"], page_size=32),
                                                 v["networks"], "network", vdc),
                             storagePolicies=self._pick(c.list(STORAGE, filter="orgVdcRef.id==%s" % vdc["id"]),
                                                        v["storage_policies"], "storage policy", vdc),
                             computePolicies=self._pick(c.list(COMPUTE % vdc["id"]), v["compute_policies"],
                                                        "compute policy", vdc)))
        if missing:
            # checked last, so that a wrong network or policy name fails first: a catalog may be created by
            # an earlier task of the same run (check mode then warns)
            raise VcdNotFound("catalog %s does not exist in org %s" % (", ".join(missing), want["org"]))
        return dict(id=org["id"], name=org["name"], catalogs=catalogs, vdcs=vdcs)

    @staticmethod
    def _pick(items, names, what, vdc):
        by_name = dict((i.get("name"), i) for i in items)
        missing = [n for n in names if n not in by_name]
        if missing:
            # the VDC exists, the name does not: a wrong input
            raise InputError("%s %s does not exist in VDC %s (it has: %s)" % (
                what, ", ".join(missing), vdc["name"], ", ".join(sorted(by_name)) or "none"))
        return [dict(id=by_name[n]["id"], name=n, isDefault=index == 0, capabilities=[])
                for index, n in enumerate(names)]

    def create(self, want):
        self.rde.create(addons.type_id(addons.LZ_TYPE), addons.LZ_NAME, self._lz, find=self.read)

    def update(self, current, want, changes):
        entity = self._lz

        def change(obj):
            obj["entity"] = entity
            obj["name"] = obj.get("name") or addons.LZ_NAME
            return obj
        self.rde.update(current["id"], change, what="update the landing zone")

    def delete(self, current):
        state = current.get("entityState") or current.get("state")
        if state == "PRE_CREATED":
            # a PRE_CREATED entity cannot be deleted: resolve it first
            self.rde.resolve(current["id"])
        self.rde.delete(current["id"])


def main():
    LandingZone().run()


if __name__ == "__main__":
    main()
