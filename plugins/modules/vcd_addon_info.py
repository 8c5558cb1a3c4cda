#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vcd_addon_info
short_description: List the Solution Add-Ons installed in VCD
description:
  - Lists the add-on entities (C(vmware:solutions_add_on:1.0.0)) with their manifest's vendor, name, version
    and inputs, their catalog media and the names of their instances.
  - VCD's built-in add-ons (landing zone, solutions agent, autoscale) are hidden unless O(include_builtin=true).
version_added: 0.1.0
author: vcdops platform team (@vcdops)
extends_documentation_fragment:
  - vcdops.platform.vcd
attributes:
  check_mode:
    support: full
    description: Reads only; runs in check mode too.
  diff_mode:
    support: none
    description: Reads only; there is nothing to show.
options:
  name:
    description: Only this add-on (entity name C(<vendor>.<name>-<version>) or manifest name).
    type: str
  include_builtin:
    description: Also list VCD's built-in add-ons.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Installed add-ons
  vcdops.platform.vcd_addon_info:
  register: installed
"""

RETURN = r"""
addons:
  description: The add-ons.
  returned: always
  type: list
  elements: dict
  sample:
    - id: urn:vcloud:entity:vmware:solutions_add_on:5d2c...
      name: vmware.ds-1.4.0-23376809
      vendor: vmware
      addon_name: ds
      version: 1.4.0-23376809
      status: READY
      instances: [ds-instance]
"""

from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import InfoModule
from ansible_collections.vcdops.platform.plugins.module_utils.vcd import addons
from ansible_collections.vcdops.platform.plugins.module_utils.vcd.rde import Rde


class AddonInfo(InfoModule):
    result_key = "addons"
    options = dict(
        name=dict(type="str"),
        include_builtin=dict(type="bool", default=False),
    )

    def items(self):
        rde = Rde(self.client)
        p = self.params
        found = addons.list_addons(rde, p["include_builtin"])
        if p["name"]:
            found = [e for e in found if e.get("name") == p["name"]
                     or ((e.get("entity") or {}).get("manifest") or {}).get("name") == p["name"]]
        by_addon = {}
        for inst in addons.list_instances(rde):
            view = addons.instance_view(inst)
            by_addon.setdefault(view["addon_id"], []).append(view["name"])
        out = []
        for entity in sorted(found, key=lambda e: e.get("name") or ""):
            view = addons.addon_view(entity)
            view["instances"] = sorted(by_addon.get(entity["id"], []))
            out.append(view)
        return out


def main():
    AddonInfo().run()


if __name__ == "__main__":
    main()
