#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vcd_org
short_description: Manage a VMware Cloud Director organization
description:
  - Creates, updates or deletes an organization with C(/cloudapi/1.0.0/orgs) and sets its general
    and lease settings with C(/api/admin/org/<id>/settings).
  - A solutions organization (reference design) is provider-owned, can publish catalogs and has
    leases of 0 (never expire); those are the values of the lease options in the C(solutions_org) role.
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
  name:
    description: Organization name (letters, digits and C(_-.!'(),$), at most 128 characters).
    type: str
    required: true
  full_name:
    description: Display name. Defaults to O(name) on create.
    type: str
  description:
    description: Description.
    type: str
  enabled:
    description: Whether the organization is enabled.
    type: bool
    default: true
  can_publish_catalogs:
    description: Whether the organization may publish (share) catalogs to other organizations.
    type: bool
  deployment_lease_seconds:
    description: vApp runtime lease in seconds, V(0) for never.
    type: int
  storage_lease_seconds:
    description: vApp storage lease in seconds, V(0) for never.
    type: int
  template_storage_lease_seconds:
    description: vApp template storage lease in seconds, V(0) for never.
    type: int
  force:
    description:
      - With O(state=absent), also delete everything the organization holds (VDCs, catalogs, vApps).
    type: bool
    default: false
  state:
    description: Whether the organization should exist.
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: Solutions organization
  vcdops.platform.vcd_org:
    name: solutions-org
    full_name: Solutions organization
    can_publish_catalogs: true
    deployment_lease_seconds: 0
    storage_lease_seconds: 0
    template_storage_lease_seconds: 0
"""

RETURN = r"""
org:
  description: The organization as the module manages it.
  returned: always
  type: dict
  contains:
    id:
      description: URN of the organization.
      type: str
    name:
      description: Name.
      type: str
"""

import re

from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import InputError, ResourceModule
from ansible_collections.vcdops.platform.plugins.module_utils.vcd import orgs
from ansible_collections.vcdops.platform.plugins.module_utils.vcd.client import uuid_of

NAME_RE = re.compile(r"^[a-zA-Z0-9_\-.!'(),$]{1,128}$")
SETTINGS_TYPE = "application/vnd.vmware.admin.orgSettings+json"


class Org(ResourceModule):
    result_key = "org"
    options = dict(
        name=dict(type="str", required=True),
        full_name=dict(type="str"),
        description=dict(type="str"),
        enabled=dict(type="bool", default=True),
        can_publish_catalogs=dict(type="bool"),
        deployment_lease_seconds=dict(type="int"),
        storage_lease_seconds=dict(type="int"),
        template_storage_lease_seconds=dict(type="int"),
        force=dict(type="bool", default=False),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )

    def validate(self):
        if not NAME_RE.match(self.params["name"]):
            raise InputError("org name %r is not valid: use letters, digits and _-.!'(),$ (at most 128)"
                             % self.params["name"])
        for key in ("deployment_lease_seconds", "storage_lease_seconds", "template_storage_lease_seconds"):
            if (self.params[key] or 0) < 0:
                raise InputError("%s must be 0 (never) or a positive number of seconds" % key)

    def read(self):
        org = orgs.find_org(self.client, self.params["name"])
        if org is None:
            return None
        org["_settings"] = self.client.get("/api/admin/org/%s/settings" % uuid_of(org["id"]), legacy=True)
        return org

    def view(self, current):
        settings = current.get("_settings") or {}
        general = settings.get("orgGeneralSettings") or {}
        vapp = settings.get("vAppLeaseSettings") or {}
        tmpl = settings.get("vAppTemplateLeaseSettings") or {}
        return dict(
            id=current["id"], name=current["name"], full_name=current.get("displayName"),
            description=current.get("description") or "", enabled=current.get("isEnabled"),
            can_publish_catalogs=general.get("canPublishCatalogs"),
            deployment_lease_seconds=vapp.get("deploymentLeaseSeconds"),
            storage_lease_seconds=vapp.get("storageLeaseSeconds"),
            template_storage_lease_seconds=tmpl.get("storageLeaseSeconds"),
        )

    def desired(self, current):
        p = self.params
        want = dict(name=p["name"], full_name=p["full_name"], description=p["description"], enabled=p["enabled"],
                    can_publish_catalogs=p["can_publish_catalogs"],
                    deployment_lease_seconds=p["deployment_lease_seconds"],
                    storage_lease_seconds=p["storage_lease_seconds"],
                    template_storage_lease_seconds=p["template_storage_lease_seconds"])
        if current is None and want["full_name"] is None:
            want["full_name"] = p["name"]
        return want

    def create(self, want):
        body = {"name": want["name"], "displayName": want["full_name"], "description": want["description"] or "",
                "isEnabled": want["enabled"]}
        org = self.client.create(orgs.ORGS, body, "org %s" % want["name"],
                                 find=lambda: orgs.find_org(self.client, want["name"]))
        org["_settings"] = self.client.get("/api/admin/org/%s/settings" % uuid_of(org["id"]), legacy=True)
        rest = {k: v for k, v in want.items() if k not in ("name", "full_name", "description", "enabled")}
        if any(v is not None for v in rest.values()):
            self._put_settings(org, rest)

    def update(self, current, want, changes):
        core = {"full_name", "description", "enabled"} & set(changes)
        if core:
            body = {"id": current["id"], "name": current["name"],
                    "displayName": want["full_name"] if want["full_name"] is not None else current.get("displayName"),
                    "description": want["description"] if want["description"] is not None else current.get("description", ""),
                    "isEnabled": want["enabled"]}
            self.client.write("PUT", "%s/%s" % (orgs.ORGS, current["id"]), body, what="update org %s" % current["name"])
        if set(changes) - core - {"name"}:
            self._put_settings(current, changes)

    def _put_settings(self, org, values):
        settings = dict(org.get("_settings") or {})
        general = dict(settings.get("orgGeneralSettings") or {})
        vapp = dict(settings.get("vAppLeaseSettings") or {})
        tmpl = dict(settings.get("vAppTemplateLeaseSettings") or {})
        if values.get("can_publish_catalogs") is not None:
            general["canPublishCatalogs"] = values["can_publish_catalogs"]
            # without it VCD ignores canPublishCatalogs
            general["useServerBootSequence"] = True
        if values.get("deployment_lease_seconds") is not None:
            vapp["deploymentLeaseSeconds"] = values["deployment_lease_seconds"]
        if values.get("storage_lease_seconds") is not None:
            vapp["storageLeaseSeconds"] = values["storage_lease_seconds"]
            vapp["deleteOnStorageLeaseExpiration"] = False
        if values.get("template_storage_lease_seconds") is not None:
            tmpl["storageLeaseSeconds"] = values["template_storage_lease_seconds"]
            tmpl["deleteOnStorageLeaseExpiration"] = False
        settings.update(orgGeneralSettings=general, vAppLeaseSettings=vapp, vAppTemplateLeaseSettings=tmpl)
        self.client.write("PUT", "/api/admin/org/%s/settings" % uuid_of(org["id"]), settings, legacy=True,
                          content_type=SETTINGS_TYPE, what="update the settings of org %s" % org["name"])

    def delete(self, current):
        path = "%s/%s" % (orgs.ORGS, current["id"])
        if self.params["force"]:
            path += "?force=true&recursive=true"
        self.client.write("DELETE", path, what="delete org %s" % current["name"])


def main():
    Org().run()


if __name__ == "__main__":
    main()
