#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: alp_info
short_description: Report App Launchpad as one VCD sees it
description:
  - Read-only. Reports, for one AZ's VCD, what App Launchpad needs and what C(alp connect) left behind
    - VCD's AMQP broker settings (never the password);
    - the service organization C(AppLaunchpad) and its VDCs;
    - the service account (a System user) and whether it holds the role C(App-Launchpad-Service);
    - the App Launchpad UI plugin and the extension registration (AMQP API extension or MQTT extension);
    - the chart sources and the applications they offer, optionally with the tenants of each.
  - RV(registered) tells whether App Launchpad is connected to this VCD (plugin, enabled extension and,
    when O(service_account) is given, the account with its role), which the C(alp) role uses to decide
    whether the nodes must run C(alp connect) again.
version_added: 0.1.0
author: vcdops platform team (@vcdops)
extends_documentation_fragment:
  - vcdops.platform.vcd
attributes:
  check_mode:
    support: full
    description: Read-only; runs the same in check mode.
  diff_mode:
    support: none
    description: Not applicable.
options:
  service_account:
    description: Name of the System user App Launchpad uses as its service account.
    type: str
  service_org:
    description: Name of App Launchpad's service organization.
    type: str
    default: AppLaunchpad
  include_applications:
    description: Also list the chart sources and their applications.
    type: bool
    default: true
  include_tenants:
    description: Also list the tenants of every application that has some (one read per application).
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: What App Launchpad looks like in this AZ
  vcdops.platform.alp_info:
    service_account: alp-service
    include_tenants: true
  register: alp
"""

RETURN = r"""
registered:
  description: Whether App Launchpad is connected to this VCD.
  returned: always
  type: bool
amqp:
  description: VCD's AMQP settings (host, port, username, vhost, exchange, use_ssl, ssl_accept_all, prefix).
  returned: always
  type: dict
service_org:
  description: The service organization (C(exists), C(id), C(vdcs) with C(name) and C(allocation_model)).
  returned: always
  type: dict
service_account:
  description: The service account (C(exists), C(id), C(roles), C(has_service_role)), when O(service_account) is given.
  returned: always
  type: dict
ui_plugin:
  description: The App Launchpad UI plugin (C(id), C(version), C(enabled), C(status)), empty when absent.
  returned: always
  type: dict
extension:
  description: The extension registration (C(bus) V(amqp) or V(mqtt), C(id), C(name), C(enabled)), empty when absent.
  returned: always
  type: dict
sources:
  description: Chart sources (C(name), C(url), C(source_type), C(status)).
  returned: when O(include_applications=true)
  type: list
  elements: dict
applications:
  description: Applications (C(name), C(source), C(version), C(status), C(tenant_count), and C(tenants) with O(include_tenants=true)).
  returned: when O(include_applications=true)
  type: list
  elements: dict
"""

from ansible_collections.vcdops.platform.plugins.module_utils.alp import amqp, hub
from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import InputError, _Base
from ansible_collections.vcdops.platform.plugins.module_utils.vcd import orgs
from ansible_collections.vcdops.platform.plugins.module_utils.vcd.client import VcdError


class AlpInfo(_Base):
    options = dict(
        service_account=dict(type="str"),
        service_org=dict(type="str", default=hub.SERVICE_ORG),
        include_applications=dict(type="bool", default=True),
        include_tenants=dict(type="bool", default=False),
    )

    def gather(self):
        c, p = self.client, self.params
        out = {"amqp": amqp.view(amqp.read(c))}
        org = orgs.find_org(c, p["service_org"])
        out["service_org"] = {"name": p["service_org"], "exists": org is not None,
                              "id": org["id"] if org else None, "vdcs": []}
        if org is not None:
            out["service_org"]["vdcs"] = [{"name": v["name"], "id": v["id"], "allocation_model": v.get("allocationType")}
                                          for v in c.find(orgs.VDCS, **{"org.id": org["id"]})]
        out["service_account"] = {}
        if p["service_account"]:
            user = hub.find_user(c, p["service_account"])
            roles = sorted(r.get("name") for r in (user or {}).get("roleEntityRefs") or [])
            out["service_account"] = {"name": p["service_account"], "exists": user is not None,
                                      "id": user["id"] if user else None, "roles": roles,
                                      "has_service_role": hub.SERVICE_ROLE in roles}
        plugin = hub.find_ui_plugin(c)
        out["ui_plugin"] = {"id": plugin.get("id"), "version": plugin.get("version"), "enabled": plugin.get("enabled"),
                            "status": plugin.get("plugin_status")} if plugin else {}
        out["extension"] = hub.extension_view(c)
        out["registered"] = bool(plugin and plugin.get("enabled") is not False and out["extension"].get("enabled")
                                 and (not p["service_account"] or out["service_account"]["has_service_role"]))
        if p["include_applications"]:
            out["sources"] = [{"name": s["name"], "id": s["id"], "url": s.get("url"), "status": s.get("status"),
                               "source_type": hub.SOURCE_KINDS.get(s.get("sourceType"), s.get("sourceType"))}
                              for s in hub.list_sources(c)]
            apps = []
            for a in hub.list_apps(c):
                item = {"name": a["name"], "id": a["id"], "source": (a.get("contentSource") or {}).get("name"),
                        "version": a.get("version"), "status": a.get("status"), "tenant_count": a.get("tenantCount")}
                if p["include_tenants"]:
                    item["tenants"] = [] if a.get("tenantCount") == 0 else sorted(
                        t["name"] for t in hub.app_tenants(c, a["id"]))
                apps.append(item)
            out["applications"] = apps
        return out

    def run(self):
        try:
            out = self.gather()
        except (InputError, VcdError) as exc:
            self.fail(str(exc))
        self.module.exit_json(changed=False, **out)


def main():
    AlpInfo().run()


if __name__ == "__main__":
    main()
