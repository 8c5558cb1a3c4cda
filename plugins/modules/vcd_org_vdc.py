#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vcd_org_vdc
short_description: Manage an organization VDC backed by a provider VDC
description:
  - Creates an organization VDC with C(POST /api/admin/org/<id>/vdcsparams), reads it with
    C(/cloudapi/1.0.0/vdcs) and C(/api/admin/vdc/<id>), updates capacity, guarantees and storage
    policy limits in place, and deletes it (disable, then delete).
  - The reference design's solutions VDC uses the Flex model with guaranteed resources; the
    C(solutions_org) role sizes it from the number of CSE appliances and TKG templates.
  - Provider VDC, network pool and storage policies are looked up by name before anything is written,
    so a wrong name fails the task without a change.
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
  - Units are MHz and MB (assumption A5 in docs/assumptions.md).
  - Storage policies can be added only when the VDC is created; later, their limit, default flag and
    enabled flag are converged. A storage policy missing from O(storage_policies) is left alone.
options:
  org:
    description: Organization that owns the VDC.
    type: str
    required: true
  name:
    description: VDC name.
    type: str
    required: true
  description:
    description: Description.
    type: str
  provider_vdc:
    description: Name of the provider VDC. Required to create.
    type: str
  network_pool:
    description: Name of the network pool (Geneve for NSX-T). Required to create.
    type: str
  allocation_model:
    description: Allocation model. V(AllocationVApp) is pay-as-you-go.
    type: str
    choices: [Flex, AllocationVApp, AllocationPool, ReservationPool]
    default: Flex
  cpu_allocated_mhz:
    description: CPU allocation in MHz.
    type: int
  cpu_limit_mhz:
    description: CPU limit in MHz, V(0) for unlimited.
    type: int
  memory_allocated_mb:
    description: Memory allocation in MB.
    type: int
  memory_limit_mb:
    description: Memory limit in MB, V(0) for unlimited.
    type: int
  cpu_guaranteed_percent:
    description: Share of the CPU allocation that is guaranteed (reserved), 0 to 100.
    type: int
  memory_guaranteed_percent:
    description: Share of the memory allocation that is guaranteed (reserved), 0 to 100.
    type: int
  vcpu_speed_mhz:
    description: Speed of one vCPU in MHz (at least 256).
    type: int
  elastic:
    description: Flex only, whether the VDC is elastic. Required by VCD for Flex.
    type: bool
  include_memory_overhead:
    description: Flex only, whether VM memory overhead counts against the allocation.
    type: bool
  thin_provisioning:
    description: Thin-provision VM disks.
    type: bool
  fast_provisioning:
    description: Use fast provisioning (linked clones).
    type: bool
  vm_quota:
    description: Maximum number of VMs, V(0) for unlimited.
    type: int
  nic_quota:
    description: Maximum number of NICs, V(0) for unlimited.
    type: int
  network_quota:
    description: Maximum number of networks, V(0) for unlimited.
    type: int
  enabled:
    description: Whether the VDC is enabled.
    type: bool
    default: true
  storage_policies:
    description: Storage policies of the VDC (names of provider VDC storage policies). Required to create.
    type: list
    elements: dict
    suboptions:
      name:
        description: Storage policy name.
        type: str
        required: true
      limit_mb:
        description: Limit in MB, V(0) for unlimited.
        type: int
        default: 0
      default:
        description: Whether this is the default policy (exactly one must be).
        type: bool
        default: false
      enabled:
        description: Whether the policy is enabled.
        type: bool
        default: true
  force:
    description: With O(state=absent), also delete the VDC's vApps, networks and edge gateways.
    type: bool
    default: false
  state:
    description: Whether the VDC should exist.
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: Solutions VDC, Flex with guaranteed resources
  vcdops.platform.vcd_org_vdc:
    org: solutions-org
    name: solutions-vdc
    provider_vdc: pvdc-01
    network_pool: geneve-np-01
    allocation_model: Flex
    elastic: false
    include_memory_overhead: true
    cpu_allocated_mhz: 8000
    memory_allocated_mb: 8192
    cpu_guaranteed_percent: 100
    memory_guaranteed_percent: 100
    vcpu_speed_mhz: 2000
    storage_policies:
      - name: gold
        limit_mb: 143360
        default: true
"""

RETURN = r"""
vdc:
  description: The VDC as the module manages it.
  returned: always
  type: dict
  contains:
    id:
      description: URN of the VDC.
      type: str
    storage_policies:
      description: Storage policies with limits.
      type: list
      elements: dict
"""

from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import InputError, ResourceModule
from ansible_collections.vcdops.platform.plugins.module_utils.vcd import orgs
from ansible_collections.vcdops.platform.plugins.module_utils.vcd.client import uuid_of

VDC_TYPE = "application/vnd.vmware.admin.vdc+json"
PARAMS_TYPE = "application/vnd.vmware.admin.createVdcParams+json"
PROFILE_TYPE = "application/vnd.vmware.admin.vdcStorageProfile+json"
CAPACITY = ("cpu_allocated_mhz", "cpu_limit_mhz", "memory_allocated_mb", "memory_limit_mb")


def _percent(fraction):
    return None if fraction is None else int(round(float(fraction) * 100))


def _fraction(percent):
    return None if percent is None else round(percent / 100.0, 2)


class OrgVdc(ResourceModule):
    result_key = "vdc"
    options = dict(
        org=dict(type="str", required=True),
        name=dict(type="str", required=True),
        description=dict(type="str"),
        provider_vdc=dict(type="str"),
        network_pool=dict(type="str"),
        allocation_model=dict(type="str", default="Flex",
                              choices=["Flex", "AllocationVApp", "AllocationPool", "ReservationPool"]),
        cpu_allocated_mhz=dict(type="int"),
        cpu_limit_mhz=dict(type="int"),
        memory_allocated_mb=dict(type="int"),
        memory_limit_mb=dict(type="int"),
        cpu_guaranteed_percent=dict(type="int"),
        memory_guaranteed_percent=dict(type="int"),
        vcpu_speed_mhz=dict(type="int"),
        elastic=dict(type="bool"),
        include_memory_overhead=dict(type="bool"),
        thin_provisioning=dict(type="bool"),
        fast_provisioning=dict(type="bool"),
        vm_quota=dict(type="int"),
        nic_quota=dict(type="int"),
        network_quota=dict(type="int"),
        enabled=dict(type="bool", default=True),
        storage_policies=dict(type="list", elements="dict", options=dict(
            name=dict(type="str", required=True),
            limit_mb=dict(type="int", default=0),
            default=dict(type="bool", default=False),
            enabled=dict(type="bool", default=True),
        )),
        force=dict(type="bool", default=False),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )

    def validate(self):
        p = self.params
        if p["state"] == "absent":
            return
        for key in CAPACITY + ("vm_quota", "nic_quota", "network_quota"):
            if p[key] is not None and p[key] < 0:
                raise InputError("%s must not be negative (got %s)" % (key, p[key]))
        for key in ("cpu_guaranteed_percent", "memory_guaranteed_percent"):
            if p[key] is not None and not 0 <= p[key] <= 100:
                raise InputError("%s must be between 0 and 100 (got %s)" % (key, p[key]))
        if p["vcpu_speed_mhz"] is not None and p["vcpu_speed_mhz"] < 256:
            raise InputError("vcpu_speed_mhz must be at least 256 (got %s)" % p["vcpu_speed_mhz"])
        for alloc, limit in (("cpu_allocated_mhz", "cpu_limit_mhz"), ("memory_allocated_mb", "memory_limit_mb")):
            if p[alloc] and p[limit] and p[limit] < p[alloc]:
                raise InputError("%s (%s) is below %s (%s)" % (limit, p[limit], alloc, p[alloc]))
        policies = p["storage_policies"] or []
        names = [sp["name"] for sp in policies]
        if len(set(names)) != len(names):
            raise InputError("storage_policies lists a policy twice: %s" % ", ".join(names))
        if policies and sum(1 for sp in policies if sp["default"]) != 1:
            raise InputError("exactly one of storage_policies must have default: true")
        for sp in policies:
            if sp["limit_mb"] < 0:
                raise InputError("storage policy %s: limit_mb must not be negative" % sp["name"])

    # ------------------------------------------------------------- lookups
    def _provider_refs(self):
        """Provider VDC, network pool and storage policy hrefs; fails on unknown names."""
        p, c = self.params, self.client
        missing = []
        if not p["provider_vdc"] or not p["network_pool"] or not p["storage_policies"]:
            raise InputError("provider_vdc, network_pool and storage_policies are needed to create VDC %s" % p["name"])
        pvdc = c.find_one("/cloudapi/1.0.0/providerVdcs", "provider VDC %s" % p["provider_vdc"], name=p["provider_vdc"])
        pool = c.find_one("/cloudapi/1.0.0/networkPools/networkPoolSummaries", "network pool %s" % p["network_pool"],
                          name=p["network_pool"])
        if pvdc is None:
            missing.append("provider VDC %r" % p["provider_vdc"])
        if pool is None:
            missing.append("network pool %r" % p["network_pool"])
        profiles = {}
        if pvdc is not None:
            for sp in c.find("/cloudapi/1.0.0/pvdcStoragePolicies", **{"providerVdcRef.id": pvdc["id"]}):
                profiles[sp["name"]] = sp
            for sp in p["storage_policies"]:
                if sp["name"] not in profiles:
                    missing.append("storage policy %r in provider VDC %s (it has: %s)"
                                   % (sp["name"], p["provider_vdc"], ", ".join(sorted(profiles)) or "none"))
        if missing:
            raise InputError("cannot create VDC %s: unknown %s" % (p["name"], "; ".join(missing)))
        return pvdc, pool, profiles

    def read(self):
        p = self.params
        if p["state"] == "present" and p["provider_vdc"]:
            # provider-side names are checked first, so that a wrong name fails
            # before any write, even in check mode where the org may not exist yet
            self._refs = self._provider_refs()
        org, vdc = orgs.find_vdc(self.client, p["org"], p["name"])
        if vdc is None:
            return None
        admin = self.client.get("/api/admin/vdc/%s" % uuid_of(vdc["id"]), legacy=True)
        admin["_org"] = org
        admin["_id"] = vdc["id"]
        admin["_policies"] = self.client.find("/cloudapi/1.0.0/orgVdcStoragePolicies", **{"orgVdcRef.id": vdc["id"]})
        return admin

    def view(self, current):
        cap = current.get("computeCapacity") or {}
        cpu, mem = cap.get("cpu") or {}, cap.get("memory") or {}
        policies = sorted(({"name": sp["name"], "limit_mb": sp.get("storageLimitMb", 0),
                            "default": bool(sp.get("isDefaultStoragePolicy")), "enabled": bool(sp.get("isEnabled"))}
                           for sp in current.get("_policies") or []), key=lambda sp: sp["name"])
        return dict(
            id=current.get("_id"), name=current.get("name"), description=current.get("description") or "",
            allocation_model=current.get("allocationModel"),
            provider_vdc=(current.get("providerVdcReference") or {}).get("name"),
            network_pool=(current.get("networkPoolReference") or {}).get("name"),
            cpu_allocated_mhz=cpu.get("allocated"), cpu_limit_mhz=cpu.get("limit"),
            memory_allocated_mb=mem.get("allocated"), memory_limit_mb=mem.get("limit"),
            cpu_guaranteed_percent=_percent(current.get("resourceGuaranteedCpu")),
            memory_guaranteed_percent=_percent(current.get("resourceGuaranteedMemory")),
            vcpu_speed_mhz=current.get("vCpuInMhz"), elastic=current.get("isElastic"),
            include_memory_overhead=current.get("includeMemoryOverhead"),
            thin_provisioning=current.get("isThinProvision"), fast_provisioning=current.get("usesFastProvisioning"),
            vm_quota=current.get("vmQuota"), nic_quota=current.get("nicQuota"), network_quota=current.get("networkQuota"),
            enabled=current.get("isEnabled"), storage_policies=policies,
        )

    def desired(self, current):
        p = self.params
        want = {k: p[k] for k in ("name", "description", "allocation_model", "provider_vdc", "network_pool") + CAPACITY
                + ("cpu_guaranteed_percent", "memory_guaranteed_percent", "vcpu_speed_mhz", "elastic",
                   "include_memory_overhead", "thin_provisioning", "fast_provisioning", "vm_quota", "nic_quota",
                   "network_quota", "enabled")}
        if p["storage_policies"] is not None:
            given = {sp["name"]: dict(sp) for sp in p["storage_policies"]}
            if current is not None:
                have = {sp["name"]: sp for sp in self.view(current)["storage_policies"]}
                added = sorted(set(given) - set(have))
                if added:
                    raise InputError("VDC %s exists; adding storage policies (%s) to it is not supported, "
                                     "add them in VCD or recreate the VDC" % (p["name"], ", ".join(added)))
                # policies not listed are left alone
                for name, sp in have.items():
                    given.setdefault(name, dict(sp))
            want["storage_policies"] = sorted(given.values(), key=lambda sp: sp["name"])
        if current is not None:
            # the model and the backing cannot change after creation
            for key in ("allocation_model", "provider_vdc", "network_pool"):
                have = self.view(current)[key]
                if want[key] is not None and have is not None and want[key] != have:
                    raise InputError("VDC %s: %s is %s and cannot change to %s" % (p["name"], key, have, want[key]))
                want[key] = None
        return want

    def create(self, want):
        c = self.client
        pvdc, pool, profiles = self._refs
        org = orgs.require_org(c, self.params["org"])
        model = want["allocation_model"]
        body = {
            "name": want["name"], "description": want["description"] or "", "allocationModel": model,
            "computeCapacity": {
                "cpu": {"units": "MHz", "allocated": want["cpu_allocated_mhz"] or 0, "limit": want["cpu_limit_mhz"] or 0},
                "memory": {"units": "MB", "allocated": want["memory_allocated_mb"] or 0,
                           "limit": want["memory_limit_mb"] or 0},
            },
            "nicQuota": want["nic_quota"] or 0, "networkQuota": want["network_quota"] or 0,
            "vmQuota": want["vm_quota"] or 0, "isEnabled": want["enabled"],
            "vdcStorageProfile": [{
                "enabled": sp["enabled"], "units": "MB", "limit": sp["limit_mb"], "default": sp["default"],
                "providerVdcStorageProfile": {"href": c.url("/api/admin/pvdcStorageProfile/%s"
                                                            % uuid_of(profiles[sp["name"]]["id"]))},
            } for sp in want["storage_policies"]],
            "resourceGuaranteedMemory": _fraction(want["memory_guaranteed_percent"]),
            "resourceGuaranteedCpu": _fraction(want["cpu_guaranteed_percent"]),
            "vCpuInMhz": want["vcpu_speed_mhz"],
            "isThinProvision": want["thin_provisioning"],
            "networkPoolReference": {"href": c.url("/api/admin/extension/networkPool/%s" % uuid_of(pool["id"]))},
            "providerVdcReference": {"href": c.url("/api/admin/providervdc/%s" % uuid_of(pvdc["id"]))},
            "usesFastProvisioning": want["fast_provisioning"],
        }
        if model == "Flex":
            body["isElastic"] = bool(want["elastic"])
            body["includeMemoryOverhead"] = True if want["include_memory_overhead"] is None else want["include_memory_overhead"]
        body = {k: v for k, v in body.items() if v is not None}
        c.create("/api/admin/org/%s/vdcsparams" % uuid_of(org["id"]), body, "VDC %s" % want["name"],
                 find=lambda: orgs.find_vdc(c, self.params["org"], want["name"])[1], legacy=True,
                 content_type=PARAMS_TYPE)

    def update(self, current, want, changes):
        c = self.client
        uuid = uuid_of(current["_id"])
        policies = changes.pop("storage_policies", None)
        if changes:
            body = {k: v for k, v in current.items() if not k.startswith("_") and k not in ("link", "tasks")}
            cap = body.setdefault("computeCapacity", {})
            mapping = {"cpu_allocated_mhz": ("cpu", "allocated"), "cpu_limit_mhz": ("cpu", "limit"),
                       "memory_allocated_mb": ("memory", "allocated"), "memory_limit_mb": ("memory", "limit")}
            for key, (res, field) in mapping.items():
                if key in changes:
                    cap.setdefault(res, {})[field] = changes[key]
            simple = {"description": "description", "vcpu_speed_mhz": "vCpuInMhz", "elastic": "isElastic",
                      "include_memory_overhead": "includeMemoryOverhead", "thin_provisioning": "isThinProvision",
                      "fast_provisioning": "usesFastProvisioning", "vm_quota": "vmQuota", "nic_quota": "nicQuota",
                      "network_quota": "networkQuota", "enabled": "isEnabled"}
            for key, field in simple.items():
                if key in changes:
                    body[field] = changes[key]
            if "cpu_guaranteed_percent" in changes:
                body["resourceGuaranteedCpu"] = _fraction(changes["cpu_guaranteed_percent"])
            if "memory_guaranteed_percent" in changes:
                body["resourceGuaranteedMemory"] = _fraction(changes["memory_guaranteed_percent"])
            c.write("PUT", "/api/admin/vdc/%s" % uuid, body, legacy=True, content_type=VDC_TYPE,
                    what="update VDC %s" % current["name"])
        if policies:
            have = {sp["name"]: sp for sp in current["_policies"]}
            for sp in policies:
                old = have[sp["name"]]
                if (old.get("storageLimitMb"), bool(old.get("isDefaultStoragePolicy")), bool(old.get("isEnabled"))) == (
                        sp["limit_mb"], sp["default"], sp["enabled"]):
                    continue
                path = "/api/admin/vdcStorageProfile/%s" % uuid_of(old["id"])
                body = c.get(path, legacy=True)
                body = {k: v for k, v in body.items() if k not in ("link", "tasks")}
                body.update(limit=sp["limit_mb"], default=sp["default"], enabled=sp["enabled"], units="MB")
                c.write("PUT", path, body, legacy=True, content_type=PROFILE_TYPE,
                        what="update storage policy %s of VDC %s" % (sp["name"], current["name"]))

    def delete(self, current):
        c = self.client
        uuid = uuid_of(current["_id"])
        if current.get("isEnabled"):
            c.write("POST", "/api/admin/vdc/%s/action/disable" % uuid, legacy=True, what="disable VDC %s" % current["name"])
        path = "/api/admin/vdc/%s" % uuid
        if self.params["force"]:
            path += "?force=true&recursive=true"
        c.write("DELETE", path, legacy=True, what="delete VDC %s" % current["name"])


def main():
    OrgVdc().run()


if __name__ == "__main__":
    main()
