#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vcd_vapp
short_description: Manage a vApp made from a catalog template, its guest properties and its power state
description:
  - Creates a vApp in O(vdc) from the vApp template O(template) of O(catalog), bridged to the
    organization VDC network O(network) (IP mode C(POOL)), sets the guest properties (OVF product
    section properties) of its VMs, and powers it on or off. With O(state=absent) the vApp is powered
    off and deleted.
  - Guest properties are set before the first power-on. Changing them later updates the VMs in place;
    software that reads them at boot only sees them after a restart (O(restart_on_change)).
  - The template's licence agreements are accepted (assumption A10).
  - O(secret_properties) are merged into O(properties) and never shown in the result or the diff.
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
  org:
    description: Organization of the VDC.
    type: str
    required: true
  vdc:
    description: Organization VDC of the vApp.
    type: str
    required: true
  name:
    description: vApp name.
    type: str
    required: true
  description:
    description: Description.
    type: str
  catalog:
    description: Catalog holding the template (needed to create the vApp).
    type: str
  catalog_org:
    description: Organization of O(catalog); defaults to O(org).
    type: str
  template:
    description: Name of the vApp template (catalog item).
    type: str
  network:
    description: Organization VDC network the VMs connect to.
    type: str
  properties:
    description: Guest properties (key to value) of every VM.
    type: dict
    default: {}
  secret_properties:
    description: Guest properties whose values are secrets.
    type: dict
    default: {}
  power:
    description: Power state.
    type: str
    choices: ["on", "off"]
    default: "on"
  restart_on_change:
    description: Power a running vApp off and on again when its guest properties change.
    type: bool
    default: false
  state:
    description: Whether the vApp should exist.
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: An appliance with guest properties
  vcdops.platform.vcd_vapp:
    org: solutions-org
    vdc: solutions-vdc
    name: appliance-1
    catalog: appliances
    template: appliance-1.0
    network: solutions-routed
    properties:
      appliance.hostname: appliance-1
    secret_properties:
      appliance.token: "{{ vault_token }}"
"""

RETURN = r"""
vapp:
  description: The vApp (name, id, status, power, VMs with their IP and guest properties; secrets masked).
  returned: always
  type: dict
"""

from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import InputError, ResourceModule
from ansible_collections.vcdops.platform.plugins.module_utils.vcd import cse_vapps, orgs, transfer
from ansible_collections.vcdops.platform.plugins.module_utils.vcd.client import VcdNotFound

MASK = "********"


class VApp(ResourceModule):
    result_key = "vapp"
    options = dict(
        org=dict(type="str", required=True),
        vdc=dict(type="str", required=True),
        name=dict(type="str", required=True),
        description=dict(type="str"),
        catalog=dict(type="str"),
        catalog_org=dict(type="str"),
        template=dict(type="str"),
        network=dict(type="str"),
        properties=dict(type="dict", default={}),
        secret_properties=dict(type="dict", default={}, no_log=True),
        power=dict(type="str", default="on", choices=["on", "off"]),
        restart_on_change=dict(type="bool", default=False),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )

    def validate(self):
        overlap = set(self.params["properties"]) & set(self.params["secret_properties"])
        if overlap:
            raise InputError("properties and secret_properties both set %s" % ", ".join(sorted(overlap)))
        self.wanted_props = {k: "" if v is None else str(v) for k, v in self.params["properties"].items()}
        self.wanted_props.update({k: "" if v is None else str(v) for k, v in self.params["secret_properties"].items()})

    def _vdc(self):
        if not hasattr(self, "_vdc_obj"):
            self._vdc_obj = orgs.require_vdc(self.client, self.params["org"], self.params["vdc"])[1]
        return self._vdc_obj

    def read(self):
        found = cse_vapps.list_vapps(self.client, self._vdc(), name=self.params["name"])
        found = [r for r in found if r.get("name") == self.params["name"]]
        if not found:
            return None
        return cse_vapps.describe(self.client, found[0])

    def _mask(self, props):
        return {k: (MASK if k in self.params["secret_properties"] else v) for k, v in props.items()}

    def view(self, current):
        props = {}
        for vm in current["vms"]:
            props.update({k: v for k, v in (vm.get("properties") or {}).items() if k in self.wanted_props})
        return dict(id=current.get("id"), name=current["name"], description=current.get("description") or "",
                    power="on" if current.get("powered_on") else "off", properties=self._mask(props),
                    vms=[{"name": vm["name"], "ip": vm.get("ip"), "network": vm.get("network")} for vm in current["vms"]])

    def _secret_changed(self, obj):
        for vm in obj["vms"]:
            for key in self.params["secret_properties"]:
                if (vm.get("properties") or {}).get(key) != self.wanted_props[key]:
                    return True
        return False

    def desired(self, current):
        p = self.params
        props = self._mask(self.wanted_props)
        if current is not None and self._secret_changed(current):
            props = {k: ("%s (changed)" % MASK if k in p["secret_properties"] else v) for k, v in props.items()}
        want = dict(name=p["name"], description=p["description"], power=p["power"], properties=props)
        if current is None:
            for opt in ("catalog", "template", "network"):
                if not p[opt] and not (opt == "network"):
                    raise InputError("%s is required to create vApp %s" % (opt, p["name"]))
        return want

    def _template_href(self):
        p = self.params
        org = orgs.require_org(self.client, p["catalog_org"] or p["org"])
        admin = orgs.admin_org(self.client, org["id"])
        ref = next((r for r in (admin.get("catalogs") or {}).get("catalogReference") or []
                    if r.get("name") == p["catalog"]), None)
        if ref is None:
            raise VcdNotFound("catalog %s does not exist in org %s" % (p["catalog"], org["name"]))
        item = transfer.find_item(self.client, ref.get("id") or ref.get("href"), p["template"])
        if item is None or item.get("entity_type") != "vapptemplate":
            raise VcdNotFound("vApp template %s does not exist in catalog %s" % (p["template"], p["catalog"]))
        return item["entity_href"]

    def create(self, want):
        p = self.params
        vapp = cse_vapps.instantiate(self.client, self._vdc(), p["name"], self._template_href(), network=p["network"],
                                     description=p["description"] or "", power_on=False)
        for vm in cse_vapps.vms_of(vapp):
            cse_vapps.set_properties(self.client, vm, self.wanted_props)
        if p["power"] == "on":
            cse_vapps.power(self.client, cse_vapps.get(self.client, vapp["href"]), True)

    def update(self, current, want, changes):
        p = self.params
        raw = current["_raw"]
        restarted = False
        if "properties" in changes:
            for vm in cse_vapps.vms_of(raw):
                cse_vapps.set_properties(self.client, vm, self.wanted_props)
            if p["restart_on_change"] and current.get("powered_on") and p["power"] == "on":
                cse_vapps.power(self.client, raw, False)
                cse_vapps.power(self.client, cse_vapps.get(self.client, raw["href"]), True)
                restarted = True
        if "power" in changes and not restarted:
            cse_vapps.power(self.client, cse_vapps.get(self.client, raw["href"]), p["power"] == "on")
        if "description" in changes:
            self.warnings.append("the description of an existing vApp is not changed")

    def delete(self, current):
        cse_vapps.delete(self.client, current["_raw"])


def main():
    VApp().run()


if __name__ == "__main__":
    main()
