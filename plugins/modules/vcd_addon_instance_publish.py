#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vcd_addon_instance_publish
short_description: Publish a Solution Add-On instance to tenants
description:
  - Sets the scope of an add-on instance - the whole list of tenant orgs, or all tenants - with one
    invocation of the instance's C(invoke) behaviour (C(publish instance)), and reads the scope back from
    C(entity.scope).
  - The list converges as a whole, whatever its length - orgs not listed lose the instance.
    O(state=absent) unpublishes the instance from every tenant.
  - Every tenant name is checked against VCD (one list of orgs) before anything is written.
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
  - Users of a tenant see the add-on only in API sessions opened after the publication.
options:
  instance:
    description: Name of the add-on instance.
    type: str
    required: true
  addon:
    description: The instance's add-on (entity name or manifest name), when several add-ons have an instance of that name.
    type: str
  tenants:
    description:
      - Tenant org names that get the instance. V(all) (alone) publishes it to all tenants, now and future.
    type: list
    elements: str
    default: []
  state:
    description: V(present) publishes to exactly O(tenants); V(absent) unpublishes from every tenant.
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: Data Solutions extension for the tenants that use it
  vcdops.platform.vcd_addon_instance_publish:
    instance: ds-instance
    tenants: [tenant-a, tenant-b]

- name: For every tenant
  vcdops.platform.vcd_addon_instance_publish:
    instance: ds-instance
    tenants: all
"""

RETURN = r"""
publication:
  description: The instance's scope.
  returned: always
  type: dict
  sample:
    instance: ds-instance
    tenants: [tenant-a, tenant-b]
    all_tenants: false
"""

from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import InputError, ResourceModule
from ansible_collections.vcdops.platform.plugins.module_utils.vcd import addons, rights
from ansible_collections.vcdops.platform.plugins.module_utils.vcd.client import VcdError, VcdNotFound
from ansible_collections.vcdops.platform.plugins.module_utils.vcd.rde import Rde


class Publish(ResourceModule):
    result_key = "publication"
    options = dict(
        instance=dict(type="str", required=True),
        addon=dict(type="str"),
        tenants=dict(type="list", elements="str", default=[]),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )

    def validate(self):
        tenants = self.params["tenants"]
        self.all = any(str(t).lower() == "all" for t in tenants)
        if self.all and len(tenants) > 1:
            raise InputError("tenants: 'all' stands alone; it cannot be mixed with org names")
        if len(set(tenants)) != len(tenants):
            raise InputError("tenants lists an org twice")

    @property
    def rde(self):
        return Rde(self.client)

    def read(self):
        p = self.params
        addon_id = None
        if p["addon"]:
            addon = addons.find_addon(self.rde, p["addon"])
            if addon is None:
                raise VcdNotFound("add-on %s is not installed" % p["addon"])
            addon_id = addon["id"]
        found = addons.list_instances(self.rde, addon_id, p["instance"])
        if len(found) > 1:
            raise VcdError("add-on instance %s is ambiguous (%d instances): set addon" % (p["instance"], len(found)))
        if not found:
            raise VcdNotFound("add-on instance %s does not exist" % p["instance"])
        return found[0]

    def view(self, current):
        entity = current
        v = addons.instance_view(entity)
        return dict(instance=v["name"], tenants=[] if v["all_tenants"] else v["tenants"], all_tenants=v["all_tenants"])

    def desired(self, current):
        p = self.params
        if p["state"] == "absent":
            return dict(instance=p["instance"], tenants=[], all_tenants=False)
        if self.all:
            return dict(instance=p["instance"], tenants=[], all_tenants=True)
        if p["tenants"]:
            rights.org_ids(self.client, p["tenants"])  # every name must exist, before any write
        return dict(instance=p["instance"], tenants=sorted(p["tenants"]), all_tenants=False)

    def create(self, want):  # pragma: no cover - read() fails when the instance is missing
        raise VcdNotFound("add-on instance %s does not exist" % want["instance"])

    def update(self, current, want, changes):
        addons.publish_instance(self.rde, current, want["tenants"], want["all_tenants"])

    def delete(self, current):  # pragma: no cover - state=absent is an update to an empty scope
        raise VcdError("unpublish goes through update")

    def _converge(self):
        # state=absent means "published to nobody": an update, not a deletion
        state = self.params["state"]
        self.params["state"] = "present"
        try:
            self._absent = state == "absent"
            if self._absent:
                self.params["tenants"] = []
                self.all = False
                try:
                    self.read()
                except VcdNotFound:
                    # no instance (or no add-on): published to nobody already
                    return {"changed": False, self.result_key: {}}
            return super()._converge()
        finally:
            self.params["state"] = state


def main():
    Publish().run()


if __name__ == "__main__":
    main()
