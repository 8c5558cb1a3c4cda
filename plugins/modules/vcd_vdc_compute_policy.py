#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vcd_vdc_compute_policy
short_description: Manage a VM sizing policy and the organization VDCs that offer it
description:
  - Creates, updates or deletes a VDC compute policy of type C(VdcVmPolicy)
    (C(/cloudapi/2.0.0/vdcComputePolicies)) with vCPU count, memory, vCPU speed and cores per socket.
  - O(vdcs) are added in bulk - one read of all VDCs, one read of the policy's VDCs and one call that
    adds every missing VDC. Removal (O(vdcs_mode=replace) or V(remove)) writes the policy list of each
    VDC that loses it.
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
  name:
    description: Policy name.
    type: str
    required: true
  description:
    description: Description.
    type: str
  cpu_count:
    description: Number of vCPUs.
    type: int
  memory_mb:
    description: Memory in MB.
    type: int
  cpu_speed_mhz:
    description: vCPU speed in MHz.
    type: int
  cores_per_socket:
    description: Cores per socket; O(cpu_count) must be a multiple of it.
    type: int
  vdcs:
    description:
      - Organization VDCs that offer the policy, each as C(org/vdc) or C({org, vdc}). Omit to leave the
        VDCs alone.
    type: list
    elements: raw
  vdcs_mode:
    description: V(add) adds O(vdcs); V(replace) makes them the exact list; V(remove) takes the policy away from them.
    type: str
    choices: [add, replace, remove]
    default: add
  state:
    description: Whether the policy should exist. A policy that VDCs still use cannot be deleted.
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: TKG small, offered by the CSE tenants' VDCs
  vcdops.platform.vcd_vdc_compute_policy:
    name: TKG small
    description: Small VM sizing policy for a Kubernetes cluster node (2 CPU, 4GB memory)
    cpu_count: 2
    memory_mb: 4048
    vdcs: [tenant-a/tenant-a-vdc, tenant-b/tenant-b-vdc]
"""

RETURN = r"""
policy:
  description: The policy as the module manages it.
  returned: always
  type: dict
  contains:
    id:
      description: URN of the policy.
      type: str
    vdcs:
      description: The VDCs that offer it, as C(org/vdc).
      type: list
      elements: str
"""

from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import InputError, ResourceModule
from ansible_collections.vcdops.platform.plugins.module_utils.vcd.client import VcdNotFound, uuid_of

API = "/cloudapi/2.0.0/vdcComputePolicies"
REFS_TYPE = "application/vnd.vmware.vcloud.vdcComputePolicyReferences+json"
SIZING = (("cpu_count", "cpuCount"), ("memory_mb", "memory"), ("cpu_speed_mhz", "cpuSpeed"),
          ("cores_per_socket", "coresPerSocket"))


def vdc_key(item):
    if isinstance(item, dict):
        org, vdc = item.get("org"), item.get("vdc") or item.get("name")
    else:
        org, dummy, vdc = str(item).partition("/")
    if not org or not vdc:
        raise InputError("VDC %r: give org/vdc or {org: ..., vdc: ...}" % (item,))
    return "%s/%s" % (org, vdc)


class ComputePolicy(ResourceModule):
    result_key = "policy"
    options = dict(
        name=dict(type="str", required=True),
        description=dict(type="str"),
        cpu_count=dict(type="int"),
        memory_mb=dict(type="int"),
        cpu_speed_mhz=dict(type="int"),
        cores_per_socket=dict(type="int"),
        vdcs=dict(type="list", elements="raw"),
        vdcs_mode=dict(type="str", default="add", choices=["add", "replace", "remove"]),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )

    def validate(self):
        p = self.params
        for opt, dummy in SIZING:
            if p[opt] is not None and p[opt] < 1:
                raise InputError("%s must be a positive number, not %s" % (opt, p[opt]))
        if p["cores_per_socket"] and p["cpu_count"] and p["cpu_count"] % p["cores_per_socket"]:
            raise InputError("cpu_count %s is not a multiple of cores_per_socket %s" % (p["cpu_count"], p["cores_per_socket"]))
        self._wanted_vdcs = sorted({vdc_key(v) for v in p["vdcs"]}) if p["vdcs"] is not None else None

    def _all_vdcs(self):
        if not hasattr(self, "_vdc_index"):
            self._vdc_index = {"%s/%s" % ((v.get("org") or {}).get("name"), v["name"]): v["id"]
                               for v in self.client.list("/cloudapi/1.0.0/vdcs")}
        return self._vdc_index

    def read(self):
        found = self.client.find_one(API, "compute policy %s" % self.params["name"], name=self.params["name"])
        if found is None:
            return None
        vdcs = self.client.get("%s/%s/vdcs" % (API, found["id"])) or []
        by_id = {v: k for k, v in self._all_vdcs().items()}
        found["_vdcs"] = sorted(by_id.get(v["id"], v.get("name")) for v in vdcs)
        return found

    def view(self, current):
        out = dict(id=current.get("id"), name=current.get("name"), description=current.get("description") or "",
                   vdcs=list(current.get("_vdcs") or []))
        for opt, key in SIZING:
            out[opt] = current.get(key)
        return out

    def desired(self, current):
        p = self.params
        want = dict(name=p["name"], description=p["description"])
        for opt, dummy in SIZING:
            want[opt] = p[opt]
        if self._wanted_vdcs is not None:
            missing = [k for k in self._wanted_vdcs if k not in self._all_vdcs()]
            if missing and p["vdcs_mode"] != "remove":
                raise VcdNotFound("organization VDCs not found: %s" % ", ".join(missing))
            cur = set((current or {}).get("_vdcs") or [])
            wanted = set(self._wanted_vdcs)
            want["vdcs"] = sorted(cur | wanted if p["vdcs_mode"] == "add" else
                                  wanted if p["vdcs_mode"] == "replace" else cur - wanted)
        return want

    def _body(self, want, current=None):
        body = {k: v for k, v in (current or {}).items() if not k.startswith("_")}
        body.update({"name": want["name"], "policyType": "VdcVmPolicy"})
        if want.get("description") is not None:
            body["description"] = want["description"]
        for opt, key in SIZING:
            if want.get(opt) is not None:
                body[key] = want[opt]
        for key in ("isSizingOnly", "hasSizingInfo", "isAutoGenerated"):
            body.pop(key, None)
        return body

    def _set_vdcs(self, policy_id, before, after):
        index = self._all_vdcs()
        added = [k for k in after if k not in before]
        removed = [k for k in before if k not in after]
        if added:
            self.client.write("POST", "%s/%s/vdcs" % (API, policy_id), [{"id": index[k]} for k in added],
                              what="add compute policy %s to %d VDCs" % (self.params["name"], len(added)))
        for key in removed:
            path = "/api/admin/vdc/%s/computePolicies" % uuid_of(index[key])
            refs = self.client.get(path, legacy=True, what="compute policies of VDC %s" % key)
            refs["vdcComputePolicyReference"] = [r for r in refs.get("vdcComputePolicyReference") or []
                                                 if uuid_of(r.get("id") or r.get("href")) != uuid_of(policy_id)]
            self.client.write("PUT", path, refs, legacy=True, content_type=REFS_TYPE,
                              what="remove compute policy %s from VDC %s" % (self.params["name"], key))

    def create(self, want):
        created = self.client.create(API, self._body(want), "compute policy %s" % want["name"],
                                     find=lambda: self.client.find_one(API, "compute policy", name=want["name"]))
        if want.get("vdcs"):
            self._set_vdcs(created["id"], [], want["vdcs"])

    def update(self, current, want, changes):
        if set(changes) - {"vdcs"}:
            self.client.write("PUT", "%s/%s" % (API, current["id"]), self._body(want, current),
                              what="update compute policy %s" % current["name"])
        if "vdcs" in changes:
            self._set_vdcs(current["id"], current.get("_vdcs") or [], want["vdcs"])

    def delete(self, current):
        self.client.write("DELETE", "%s/%s" % (API, current["id"]), what="delete compute policy %s" % current["name"])


def main():
    ComputePolicy().run()


if __name__ == "__main__":
    main()
