#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: alp_extension
short_description: Remove App Launchpad's extension registration from VCD (to switch from MQTT to AMQP)
description:
  - App Launchpad registers its extension with VCD itself, through C(alp connect)
    (M(vcdops.platform.alp_connect)). VMware documents that switching an installation from MQTT to
    AMQP needs App Launchpad's API filter and extension deleted first, then C(alp connect) run again
    without C(--mqtt); this module does the deletion.
  - With O(bus=mqtt) it removes the MQTT extension (C(/cloudapi/extensions/api), vendor C(vmware),
    name C(alp)); with O(bus=amqp) the AMQP API extension (C(/api/admin/extension/service), found with
    the query service type C(adminService)). An enabled extension is disabled first, as VCD requires.
version_added: 0.1.0
author: vcdops platform team (@vcdops)
extends_documentation_fragment:
  - vcdops.platform.vcd
attributes:
  check_mode:
    support: full
    description: Reports whether the registration would be removed and writes nothing.
  diff_mode:
    support: full
    description: Shows the registration before and after.
notes:
  - The extension's API filters go with it (the vendor name and version of ALP's extension are modelled,
    assumption A47 in docs/assumptions.md).
options:
  bus:
    description: Which registration to remove.
    type: str
    choices: [amqp, mqtt]
    required: true
  state:
    description: Only V(absent) is supported; App Launchpad creates its registration itself.
    type: str
    choices: [absent]
    default: absent
"""

EXAMPLES = r"""
- name: Drop the MQTT registration before reconnecting the nodes over AMQP
  vcdops.platform.alp_extension:
    bus: mqtt
    state: absent
"""

RETURN = r"""
extension:
  description: Always empty after the run (the registration is gone).
  returned: always
  type: dict
"""

from ansible_collections.vcdops.platform.plugins.module_utils.alp import hub
from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import ResourceModule
from ansible_collections.vcdops.platform.plugins.module_utils.vcd.client import uuid_of

SERVICE_TYPE = "application/vnd.vmware.admin.service+json"


class Extension(ResourceModule):
    result_key = "extension"
    options = dict(
        bus=dict(type="str", required=True, choices=["amqp", "mqtt"]),
        state=dict(type="str", default="absent", choices=["absent"]),
    )

    def read(self):
        if self.params["bus"] == "mqtt":
            return hub.find_mqtt_extension(self.client)
        return hub.find_amqp_extension(self.client)

    def view(self, current):
        return {"bus": self.params["bus"], "name": current.get("name"), "enabled": bool(current.get("enabled"))}

    def delete(self, current):
        c = self.client
        if self.params["bus"] == "mqtt":
            path = "%s/%s" % (hub.EXTERNAL_SERVICES, current["id"])
            if current.get("enabled"):
                keep = ("name", "vendor", "version", "priority", "authorizationEnabled", "description")
                body = {k: v for k, v in current.items() if k in keep}
                body["enabled"] = False
                c.write("PUT", path, body, what="disable the App Launchpad MQTT extension")
            c.write("DELETE", path, what="delete the App Launchpad MQTT extension")
            return
        path = "/api/admin/extension/service/%s" % uuid_of(current.get("href") or current.get("id"))
        if current.get("enabled"):
            body = c.get(path, legacy=True)
            body = {k: v for k, v in body.items() if k not in ("link", "href")}
            body["enabled"] = False
            c.write("PUT", path, body, legacy=True, content_type=SERVICE_TYPE,
                    what="disable the App Launchpad AMQP extension")
        c.write("DELETE", path, legacy=True, what="delete the App Launchpad AMQP extension")


def main():
    Extension().run()


if __name__ == "__main__":
    main()
