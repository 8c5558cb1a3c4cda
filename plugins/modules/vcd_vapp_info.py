#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vcd_vapp_info
short_description: List the vApps of an organization VDC with their VMs and guest properties
description:
  - Lists the vApps of O(vdc) (query service), optionally by name or name prefix, with each VM's power
    state, IP address and guest properties.
  - Guest properties whose key matches O(secret_keys) are masked unless O(show_secrets=true); run a
    task that shows secrets with C(no_log).
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
  org:
    description: Organization of the VDC.
    type: str
    required: true
  vdc:
    description: Organization VDC.
    type: str
    required: true
  name:
    description: Only the vApp with this name.
    type: str
  prefix:
    description: Only vApps whose name starts with this.
    type: str
  properties:
    description: Read the VMs' guest properties.
    type: bool
    default: true
  secret_keys:
    description: Regular expressions; guest properties whose key matches one are secrets.
    type: list
    elements: str
    default: ["(?i)token", "(?i)password", "(?i)secret"]
  show_secrets:
    description: Return secret guest properties unmasked.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: CSE server vApps
  vcdops.platform.vcd_vapp_info:
    org: solutions-org
    vdc: solutions-vdc
    prefix: cse-server
  register: servers
"""

RETURN = r"""
vapps:
  description: The vApps (name, id, href, description, status, powered_on, vms).
  returned: always
  type: list
  elements: dict
"""

import re

from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import InfoModule, InputError
from ansible_collections.vcdops.platform.plugins.module_utils.vcd import cse_vapps, orgs


class VAppInfo(InfoModule):
    result_key = "vapps"
    options = dict(
        org=dict(type="str", required=True),
        vdc=dict(type="str", required=True),
        name=dict(type="str"),
        prefix=dict(type="str"),
        properties=dict(type="bool", default=True),
        secret_keys=dict(type="list", elements="str", default=["(?i)token", "(?i)password", "(?i)secret"], no_log=False),
        show_secrets=dict(type="bool", default=False),
    )
    module_kwargs = dict(mutually_exclusive=[("name", "prefix")])

    def items(self):
        p = self.params
        try:
            secret = [re.compile(x) for x in p["secret_keys"]]
        except re.error as exc:
            raise InputError("secret_keys: %s" % exc)
        vdc = orgs.require_vdc(self.client, p["org"], p["vdc"])[1]
        out = []
        for rec in cse_vapps.list_vapps(self.client, vdc, prefix=p["prefix"], name=p["name"]):
            if p["name"] and rec.get("name") != p["name"]:
                continue
            vapp = cse_vapps.describe(self.client, rec, with_properties=p["properties"])
            vapp.pop("_raw", None)
            if not p["show_secrets"]:
                for vm in vapp["vms"]:
                    vm["properties"] = {k: ("********" if v and any(s.search(k) for s in secret) else v)
                                        for k, v in (vm.get("properties") or {}).items()}
            out.append(vapp)
        return out


def main():
    VAppInfo().run()


if __name__ == "__main__":
    main()
