#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vcd_vdc_compute_policy_info
short_description: List VDC compute policies, or those of one organization VDC
description:
  - Without O(vdc), lists the provider's VDC compute policies (optionally by name), each with the VDCs
    that offer it. With O(org) and O(vdc), lists the policies that VDC offers.
version_added: 0.1.0
author: vcdops platform team (@vcdops)
extends_documentation_fragment:
  - vcdops.platform.vcd
attributes:
  check_mode:
    support: full
    description: Reads only; the same as a normal run.
  diff_mode:
    support: none
    description: Not applicable, nothing changes.
options:
  name:
    description: Only the policy with this name.
    type: str
  org:
    description: Organization of O(vdc).
    type: str
  vdc:
    description: Organization VDC whose policies to list.
    type: str
"""

EXAMPLES = r"""
- name: Policies of a tenant VDC
  vcdops.platform.vcd_vdc_compute_policy_info:
    org: tenant-a
    vdc: tenant-a-vdc
"""

RETURN = r"""
policies:
  description: The policies (id, name, description, cpuCount, memory, vdcs).
  returned: always
  type: list
  elements: dict
"""

from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import InfoModule
from ansible_collections.vcdops.platform.plugins.module_utils.vcd import orgs

API = "/cloudapi/2.0.0/vdcComputePolicies"


class ComputePolicyInfo(InfoModule):
    result_key = "policies"
    options = dict(name=dict(type="str"), org=dict(type="str"), vdc=dict(type="str"))
    module_kwargs = dict(required_together=[("org", "vdc")])

    def items(self):
        p = self.params
        if p["vdc"]:
            vdc = orgs.require_vdc(self.client, p["org"], p["vdc"])[1]
            found = self.client.list("/cloudapi/1.0.0/vdcs/%s/computePolicies" % vdc["id"])
            return [x for x in found if not p["name"] or x["name"] == p["name"]]
        found = self.client.find(API, name=p["name"]) if p["name"] else self.client.list(API)
        for policy in found:
            policy["vdcs"] = sorted("%s" % v.get("name") for v in self.client.get("%s/%s/vdcs" % (API, policy["id"])) or [])
        return found


def main():
    ComputePolicyInfo().run()


if __name__ == "__main__":
    main()
