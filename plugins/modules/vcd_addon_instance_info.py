#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vcd_addon_instance_info
short_description: List the instances of Solution Add-Ons
description:
  - Lists add-on instances (C(vmware:solutions_add_on_instance:1.0.0)) with their add-on, status, inputs
    (values of secure inputs masked) and publication scope.
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
  addon:
    description: Only instances of this add-on (entity name or manifest name).
    type: str
  name:
    description: Only the instance of this name.
    type: str
"""

EXAMPLES = r"""
- name: Where the Data Solutions extension is published
  vcdops.platform.vcd_addon_instance_info:
    addon: ds
  register: ds_instances
"""

RETURN = r"""
instances:
  description: The instances.
  returned: always
  type: list
  elements: dict
  sample:
    - id: urn:vcloud:entity:vmware:solutions_add_on_instance:0c1d...
      name: ds-instance
      addon: vmware.ds-1.4.0-23376809
      status: READY
      properties: {delete-previous-uiplugin-versions: true}
      tenants: [tenant-a]
      all_tenants: false
"""

from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import InfoModule
from ansible_collections.vcdops.platform.plugins.module_utils.vcd import addons
from ansible_collections.vcdops.platform.plugins.module_utils.vcd.client import VcdNotFound
from ansible_collections.vcdops.platform.plugins.module_utils.vcd.rde import Rde


class InstanceInfo(InfoModule):
    result_key = "instances"
    options = dict(
        addon=dict(type="str"),
        name=dict(type="str"),
    )

    def items(self):
        rde = Rde(self.client)
        p = self.params
        all_addons = dict((e["id"], e) for e in addons.list_addons(rde, include_builtin=True))
        addon_id = None
        if p["addon"]:
            addon = addons.find_addon(rde, p["addon"])
            if addon is None:
                raise VcdNotFound("add-on %s is not installed" % p["addon"])
            addon_id = addon["id"]
        out = []
        for inst in addons.list_instances(rde, addon_id, p["name"]):
            addon = all_addons.get(((inst.get("entity") or {}).get("prototype"))) or {}
            manifest = (addon.get("entity") or {}).get("manifest") or {}
            secure = [i["name"] for i in manifest.get("inputs") or [] if i.get("secure")]
            view = addons.instance_view(inst, secure)
            view["addon"] = addon.get("name")
            out.append(view)
        return sorted(out, key=lambda v: (v["addon"] or "", v["name"] or ""))


def main():
    InstanceInfo().run()


if __name__ == "__main__":
    main()
