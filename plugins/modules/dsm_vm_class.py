#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: dsm_vm_class
short_description: Manage a DSM VM class
description:
  - Creates, updates or deletes a C(VMClass) of VMware Data Services Manager
    (C(/apis/infrastructure.dataservices.vmware.com/v1alpha1/vmclasses), cluster-scoped), the size of database VMs.
    DSM ships C(small), C(medium) and C(large).
  - VM classes belong to the infrastructure administrator - log in with O(dsm_auth=vsphere).
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
notes:
  - Memory is a quantity in GiB (assumption A34, docs/assumptions.md).
options:
  name:
    description: VM class name.
    type: str
    required: true
  cpu:
    description: vCPUs. Required with O(state=present).
    type: int
  memory_gb:
    description: Memory in GiB. Required with O(state=present).
    type: int
  description:
    description: Description.
    type: str
  state:
    description: Whether the VM class should exist.
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: A VM class for small tenant databases
  vcdops.platform.dsm_vm_class:
    name: tenant-small
    cpu: 2
    memory_gb: 8
"""

RETURN = r"""
vm_class:
  description: The VM class as the module manages it.
  returned: always
  type: dict
"""

from ansible_collections.vcdops.platform.plugins.module_utils.dsm.client import INFRA
from ansible_collections.vcdops.platform.plugins.module_utils.dsm.module import InputError, K8sResource
from ansible_collections.vcdops.platform.plugins.module_utils.dsm.validate import k8s_name


class VmClass(K8sResource):
    result_key = "vm_class"
    group, plural, kind = INFRA, "vmclasses", "VMClass"
    options = dict(
        name=dict(type="str", required=True),
        cpu=dict(type="int"),
        memory_gb=dict(type="int"),
        description=dict(type="str"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module_kwargs = dict(required_if=[("state", "present", ("cpu", "memory_gb"))])

    def validate(self):
        p = self.params
        k8s_name(p["name"], "VM class name")
        if p["state"] == "present" and (p["cpu"] < 1 or p["memory_gb"] < 1):
            raise InputError("VM class %s: cpu and memory_gb must be at least 1" % p["name"])

    def desired_spec(self):
        p = self.params
        return {"description": p["description"], "requests": {"cpu": p["cpu"], "memory": "%dGi" % p["memory_gb"]}}


def main():
    VmClass().run()


if __name__ == "__main__":
    main()
