#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vsphere_vm_info
short_description: Read a VM of vCenter with its vApp (OVF) properties
description:
  - Reads a virtual machine by name - power state, guest IP, CPU, memory, datastores, networks, the product of
    its OVF and its vApp properties (password properties masked) - for example the DSM appliance.
version_added: 0.1.0
author: vcdops platform team (@vcdops)
extends_documentation_fragment:
  - vcdops.platform.vsphere
attributes:
  check_mode:
    support: full
    description: Reads only, so it also runs in check mode.
  diff_mode:
    support: none
    description: Not supported.
options:
  name:
    description: VM name.
    type: str
    required: true
  datacenter:
    description: Datacenter to look in; all of vCenter when omitted.
    type: str
"""

EXAMPLES = r"""
- name: Read the DSM appliance
  vcdops.platform.vsphere_vm_info:
    vsphere_host: vcenter.az1.example.com
    vsphere_username: administrator@vsphere.local
    vsphere_password: "{{ vault_vsphere_password }}"
    name: dsm-az1
  register: dsm_vm
"""

RETURN = r"""
exists:
  description: Whether the VM exists.
  returned: always
  type: bool
vm:
  description: C(name), C(moid), C(uuid), C(power_state), C(guest_ip), C(num_cpu), C(memory_mb), C(datastores),
    C(networks), C(product) and C(properties) (by key; password properties as C(********)).
  returned: when the VM exists
  type: dict
"""

from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import InfoModule
from ansible_collections.vcdops.platform.plugins.module_utils.vsphere.module import VsphereMixin


class VmInfo(VsphereMixin, InfoModule):
    options = dict(name=dict(type="str", required=True), datacenter=dict(type="str"))

    def items(self):
        vs = self.vsphere
        dc = vs.datacenter(self.params["datacenter"]) if self.params["datacenter"] else None
        vm = vs.find_vm(self.params["name"], dc)
        if vm is None:
            return None
        out = vs.vm_summary(vm)
        out["product"] = vs.product(vm)
        props = vs.vapp_properties(vm)
        out["properties"] = dict((k, "********" if v["type"] == "password" and v["value"] else v["value"])
                                 for k, v in sorted(props.items()))
        return out

    def run(self):
        from ansible_collections.vcdops.platform.plugins.module_utils.vsphere.client import VsphereError
        from ansible_collections.vcdops.platform.plugins.module_utils.vsphere.ova import OvaError
        try:
            vm = self.items()
        except (VsphereError, OvaError) as exc:
            self.fail(str(exc))
        finally:
            if self._vsphere is not None:
                self._vsphere.disconnect()
        if vm is None:
            self.module.exit_json(changed=False, exists=False)
        self.module.exit_json(changed=False, exists=True, vm=vm)


def main():
    VmInfo().run()


if __name__ == "__main__":
    main()
