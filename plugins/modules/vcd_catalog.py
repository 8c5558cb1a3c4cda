#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vcd_catalog
short_description: Manage a catalog and how it is shared with other organizations
description:
  - Creates, updates or deletes a catalog of an organization (legacy C(/api), following the org's
    C(add) link) and converges its sharing.
  - V(all) shares the catalog read-only with every organization, as VCD documents it - the access
    control list says C(IsSharedToEveryone=false) with C(EveryoneAccessLevel=ReadOnly) and the catalog is
    published. V(orgs) shares it read-only with the organizations in O(shared_orgs) only.
    V(none) removes all sharing.
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
  - The catalog path is taken from the org's C(add) link (assumption A8 in docs/assumptions.md).
options:
  org:
    description: Organization that owns the catalog.
    type: str
    required: true
  name:
    description: Catalog name.
    type: str
    required: true
  description:
    description: Description.
    type: str
  share:
    description: With whom the catalog is shared, read-only. Omit to leave sharing alone.
    type: str
    choices: [all, orgs, none]
  shared_orgs:
    description: Organizations that get read-only access, with O(share=orgs).
    type: list
    elements: str
    default: []
  force:
    description: With O(state=absent), also delete the catalog's items.
    type: bool
    default: false
  state:
    description: Whether the catalog should exist.
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: TKG template catalog, read-only for every tenant
  vcdops.platform.vcd_catalog:
    org: solutions-org
    name: tkg-templates
    share: all
"""

RETURN = r"""
catalog:
  description: The catalog as the module manages it.
  returned: always
  type: dict
"""

from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import InputError, ResourceModule
from ansible_collections.vcdops.platform.plugins.module_utils.vcd import orgs
from ansible_collections.vcdops.platform.plugins.module_utils.vcd.client import VcdNotFound, uuid_of

CATALOG_TYPE = "application/vnd.vmware.admin.catalog+json"
ACL_TYPE = "application/vnd.vmware.vcloud.controlAccess+json"
PUBLISH_TYPE = "application/vnd.vmware.admin.publishCatalogParams+json"


class Catalog(ResourceModule):
    result_key = "catalog"
    options = dict(
        org=dict(type="str", required=True),
        name=dict(type="str", required=True),
        description=dict(type="str"),
        share=dict(type="str", choices=["all", "orgs", "none"]),
        shared_orgs=dict(type="list", elements="str", default=[]),
        force=dict(type="bool", default=False),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )

    def validate(self):
        p = self.params
        if p["shared_orgs"] and p["share"] != "orgs":
            raise InputError("shared_orgs needs share: orgs")
        if p["share"] == "orgs" and not p["shared_orgs"]:
            raise InputError("share: orgs needs at least one organization in shared_orgs")

    def _find(self):
        org = orgs.require_org(self.client, self.params["org"])
        self._org = org
        admin = orgs.admin_org(self.client, org["id"])
        self._admin_org = admin
        for ref in (admin.get("catalogs") or {}).get("catalogReference") or []:
            if ref.get("name") == self.params["name"]:
                return ref
        return None

    def read(self):
        ref = self._find()
        if ref is None:
            return None
        uuid = uuid_of(ref.get("id") or ref.get("href"))
        catalog = self.client.get("/api/admin/catalog/%s" % uuid, legacy=True)
        self.client.set_tenant(self._org["id"], self._org["name"])
        try:
            catalog["_acl"] = self.client.get("/api/catalog/%s/controlAccess" % uuid, legacy=True)
        finally:
            self.client.set_tenant()
        catalog["_uuid"] = uuid
        return catalog

    def view(self, current):
        acl = current.get("_acl") or {}
        settings = (acl.get("accessSettings") or {}).get("accessSetting") or []
        org_names = sorted(s["subject"].get("name") or s["subject"].get("href") for s in settings
                           if "org" in str(s["subject"].get("type", "")) or "/org/" in s["subject"].get("href", ""))
        published = bool(current.get("isPublished"))
        if published and acl.get("everyoneAccessLevel") == "ReadOnly" and not acl.get("isSharedToEveryone"):
            share = "all"
        elif org_names and not published:
            share = "orgs"
        elif not published and not org_names and not acl.get("isSharedToEveryone"):
            share = "none"
        else:
            share = "other"
        return dict(id="urn:vcloud:current:%s" % current.get("_uuid"), name=current.get("name"),
                    description=current.get("description") or "", share=share,
                    shared_orgs=org_names if share == "orgs" else [])

    def desired(self, current):
        p = self.params
        return dict(name=p["name"], description=p["description"], share=p["share"],
                    shared_orgs=sorted(p["shared_orgs"]) if p["share"] else None)

    def create(self, want):
        c = self.client
        href = orgs.link(self._admin_org, "add", "catalog+json") or orgs.link(self._admin_org, "add", "catalog+xml")
        if not href:
            raise InputError("org %s offers no link to add a catalog: does this user have the right to create one?"
                             % self.params["org"])
        c.create(href, {"name": want["name"], "description": want["description"] or ""}, "catalog %s" % want["name"],
                 find=self._find, legacy=True, content_type=CATALOG_TYPE)
        if want["share"]:
            self._share(self.read(), want)

    def update(self, current, want, changes):
        if "description" in changes:
            body = {k: v for k, v in current.items() if not k.startswith("_") and k not in ("link", "tasks")}
            body["description"] = want["description"]
            self.client.write("PUT", "/api/admin/catalog/%s" % current["_uuid"], body, legacy=True,
                              content_type=CATALOG_TYPE, what="update catalog %s" % current["name"])
        if "share" in changes or "shared_orgs" in changes:
            self._share(current, want)

    def _share(self, catalog, want):
        c = self.client
        uuid = catalog["_uuid"]
        settings = []
        if want["share"] == "orgs":
            missing = []
            for name in want["shared_orgs"]:
                org = orgs.find_org(c, name)
                if org is None:
                    missing.append(name)
                    continue
                settings.append({"subject": {"href": c.url("/api/admin/org/%s" % uuid_of(org["id"])), "name": name,
                                             "type": "application/vnd.vmware.admin.organization+xml"},
                                 "accessLevel": "ReadOnly"})
            if missing:
                raise VcdNotFound("cannot share catalog %s with unknown orgs: %s" % (want["name"], ", ".join(missing)))
        acl = {"isSharedToEveryone": False, "everyoneAccessLevel": "ReadOnly" if want["share"] == "all" else None,
               "accessSettings": {"accessSetting": settings} if settings else None}
        acl = {k: v for k, v in acl.items() if v is not None}
        publish = want["share"] == "all"
        c.set_tenant(self._org["id"], self._org["name"])
        try:
            c.write("POST", "/api/catalog/%s/action/controlAccess" % uuid, acl, legacy=True, content_type=ACL_TYPE,
                    what="share catalog %s" % want["name"])
            if bool(catalog.get("isPublished")) != publish:
                c.write("POST", "/api/admin/catalog/%s/action/publish" % uuid, {"isPublished": publish}, legacy=True,
                        content_type=PUBLISH_TYPE, what="publish catalog %s" % want["name"])
        finally:
            c.set_tenant()

    def delete(self, current):
        path = "/api/admin/catalog/%s" % current["_uuid"]
        if self.params["force"]:
            path += "?recursive=true&force=true"
        self.client.write("DELETE", path, legacy=True, what="delete catalog %s" % current["name"])


def main():
    Catalog().run()


if __name__ == "__main__":
    main()
