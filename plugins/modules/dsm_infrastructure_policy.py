#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: dsm_infrastructure_policy
short_description: Manage a DSM infrastructure policy
description:
  - Creates, updates or deletes an C(InfrastructurePolicy) of VMware Data Services Manager
    (C(/apis/infrastructure.dataservices.vmware.com/v1alpha1/infrastructurepolicies), cluster-scoped) - where
    database VMs run (vSphere placements), which port groups and IP pools they use, which storage policies and
    VM classes are allowed.
  - Policies belong to the infrastructure administrator - log in with O(dsm_auth=vsphere).
  - Once DSE is connected to DSM, VCD discovers the policies and M(vcdops.platform.vcd_dsm_publish) offers them
    to tenants. A per-tenant policy (its own port group and IP pool) isolates a tenant's databases.
  - DSM reports the policy C(Ready) only when its IP pools and VM classes exist; the module waits for that.
version_added: 0.1.0
author: vcdops platform team (@vcdops)
extends_documentation_fragment:
  - vcdops.platform.dsm
  - vcdops.platform.dsm.wait
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
  enabled:
    description: Whether the policy can be used.
    type: bool
    default: true
  placements:
    description: vSphere placements. Required with O(state=present).
    type: list
    elements: dict
    suboptions:
      datacenter:
        description: Datacenter.
        type: str
        required: true
      cluster:
        description: Cluster.
        type: str
        required: true
      folder:
        description: VM folder.
        type: str
      resource_pool:
        description: Resource pool.
        type: str
      port_groups:
        description: Port groups of the database VMs.
        type: list
        elements: str
        default: []
  ip_pools:
    description: IP pools and the port groups they serve.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: IP pool name (M(vcdops.platform.dsm_ip_pool)).
        type: str
        required: true
      port_groups:
        description: Port groups, each with C(datacenter) and C(name).
        type: list
        elements: dict
        default: []
  storage_policies:
    description: vSphere storage policies allowed for databases. Required with O(state=present).
    type: list
    elements: str
  vm_classes:
    description: VM classes allowed. Required with O(state=present).
    type: list
    elements: str
  state:
    description: Whether the policy should exist.
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: Policy for tenant databases in AZ 1
  vcdops.platform.dsm_infrastructure_policy:
    name: dsm-policy-small
    placements:
      - {datacenter: dc-az1, cluster: cl-db, port_groups: [pg-dsm]}
    ip_pools:
      - {name: dsm-pool-01, port_groups: [{datacenter: dc-az1, name: pg-dsm}]}
    storage_policies: [vSAN Default Storage Policy]
    vm_classes: [small, medium]
"""

RETURN = r"""
infrastructure_policy:
  description: The policy as the module manages it.
  returned: always
  type: dict
"""

from ansible_collections.vcdops.platform.plugins.module_utils.dsm.client import INFRA
from ansible_collections.vcdops.platform.plugins.module_utils.dsm.module import InputError, K8sResource
from ansible_collections.vcdops.platform.plugins.module_utils.dsm.validate import k8s_name


class Policy(K8sResource):
    result_key = "infrastructure_policy"
    group, plural, kind = INFRA, "infrastructurepolicies", "InfrastructurePolicy"
    options = dict(
        name=dict(type="str", required=True),
        enabled=dict(type="bool", default=True),
        placements=dict(type="list", elements="dict", options=dict(
            datacenter=dict(type="str", required=True), cluster=dict(type="str", required=True),
            folder=dict(type="str"), resource_pool=dict(type="str"),
            port_groups=dict(type="list", elements="str", default=[]))),
        ip_pools=dict(type="list", elements="dict", default=[], options=dict(
            name=dict(type="str", required=True), port_groups=dict(type="list", elements="dict", default=[]))),
        storage_policies=dict(type="list", elements="str"),
        vm_classes=dict(type="list", elements="str"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module_kwargs = dict(required_if=[("state", "present", ("placements", "storage_policies", "vm_classes"))])

    def validate(self):
        p = self.params
        k8s_name(p["name"], "infrastructure policy name")
        if p["state"] != "present":
            return
        if not p["placements"] or not p["storage_policies"] or not p["vm_classes"]:
            raise InputError("infrastructure policy %s needs placements, storage_policies and vm_classes" % p["name"])
        for pool in p["ip_pools"]:
            for pg in pool["port_groups"]:
                if not pg.get("datacenter") or not pg.get("name"):
                    raise InputError("infrastructure policy %s: every port group of IP pool %s needs datacenter and "
                                     "name" % (p["name"], pool["name"]))

    def desired_spec(self):
        p = self.params
        placements = []
        for pl in p["placements"]:
            item = {"datacenter": pl["datacenter"], "cluster": pl["cluster"], "portGroups": list(pl["port_groups"])}
            if pl.get("folder"):
                item["folder"] = pl["folder"]
            if pl.get("resource_pool"):
                item["resourcePool"] = pl["resource_pool"]
            placements.append(item)
        return {
            "enabled": p["enabled"], "placements": placements,
            "ipRanges": [{"poolName": r["name"], "portGroups": [{"datacenter": g["datacenter"], "name": g["name"]}
                                                                for g in r["port_groups"]]} for r in p["ip_pools"]],
            "storagePolicies": list(p["storage_policies"]),
            "vmClasses": [{"name": n} for n in p["vm_classes"]],
        }


def main():
    Policy().run()


if __name__ == "__main__":
    main()
