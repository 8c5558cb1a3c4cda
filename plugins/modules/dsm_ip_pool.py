#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: dsm_ip_pool
short_description: Manage a DSM IP pool
description:
  - Creates, updates or deletes an C(IPPool) of VMware Data Services Manager
    (C(/apis/infrastructure.dataservices.vmware.com/v1alpha1/ippools), cluster-scoped), the addresses DSM gives
    to database VMs. Infrastructure policies refer to pools by name.
  - IP pools belong to the infrastructure administrator - log in with O(dsm_auth=vsphere) and vCenter credentials.
  - Every range is checked against the subnet (O(gateway)/O(prefix)) before DSM is contacted.
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
  - The plural C(ippools) is assumption A35 (docs/assumptions.md).
options:
  name:
    description: Pool name.
    type: str
    required: true
  gateway:
    description: Default gateway of the pool's subnet. Required with O(state=present).
    type: str
  prefix:
    description: Prefix length of the subnet (for example V(24)). Required with O(state=present).
    type: int
  addresses:
    description:
      - Address ranges C(first-last) (or single addresses) inside the subnet, not overlapping, without the
        gateway, the network and the broadcast address. Required with O(state=present).
    type: list
    elements: str
  state:
    description: Whether the pool should exist.
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: Addresses for database VMs
  vcdops.platform.dsm_ip_pool:
    dsm_host: dsm.az1.example.com
    dsm_auth: vsphere
    dsm_username: administrator@vsphere.local
    dsm_password: "{{ vault_vsphere_password }}"
    name: dsm-pool-01
    gateway: 10.20.30.1
    prefix: 24
    addresses: [10.20.30.100-10.20.30.199]
"""

RETURN = r"""
ip_pool:
  description: The pool as the module manages it.
  returned: always
  type: dict
  contains:
    name:
      description: Name.
      type: str
    spec:
      description: C(addresses), C(gateway), C(prefix).
      type: dict
    ready:
      description: Whether DSM reports the pool C(Ready).
      type: bool
"""

from ansible_collections.vcdops.platform.plugins.module_utils.dsm.client import INFRA
from ansible_collections.vcdops.platform.plugins.module_utils.dsm.module import K8sResource
from ansible_collections.vcdops.platform.plugins.module_utils.dsm.validate import ip_pool_ranges


class IpPool(K8sResource):
    result_key = "ip_pool"
    group, plural, kind = INFRA, "ippools", "IPPool"
    options = dict(
        name=dict(type="str", required=True),
        gateway=dict(type="str"),
        prefix=dict(type="int"),
        addresses=dict(type="list", elements="str"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module_kwargs = dict(required_if=[("state", "present", ("gateway", "prefix", "addresses"))])

    def validate(self):
        p = self.params
        if p["state"] == "present":
            self._ranges = ip_pool_ranges(p["gateway"], p["prefix"], p["addresses"], "IP pool %s" % p["name"])

    def desired_spec(self):
        return {"gateway": self.params["gateway"], "prefix": self.params["prefix"], "addresses": self._ranges}


def main():
    IpPool().run()


if __name__ == "__main__":
    main()
