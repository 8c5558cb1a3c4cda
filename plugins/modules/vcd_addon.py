#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vcd_addon
short_description: Install a Solution Add-On in VCD from its ISO file
description:
  - Reads C(manifest.yaml), C(eula.txt), the icon and C(certificate.pem) from the root of the ISO (UDF)
    with pycdlib, before anything is written; an ISO that lacks one of them fails with the name of what
    is missing.
  - Trusts the add-on's certificate in the certificate library when it is not there yet (alias
    C(addon.<iso>_<RFC3339>)), uploads the ISO as catalog media into the landing zone's catalog with
    the chunked transfer protocol (progress in the result) and creates and resolves the add-on entity
    (C(vmware:solutions_add_on:1.0.0), named C(<vendor>.<name>-<version>)).
  - Idempotent by the manifest's vendor, name and version - an add-on that is present is never uploaded
    again; media already in the catalog under the same name is reused.
  - O(state=absent) removes the add-on entity (refused while it has instances) and, with
    O(remove_media=true), its catalog media.
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
requirements:
  - pycdlib
notes:
  - The EULA is accepted when an instance is created (M(vcdops.platform.vcd_addon_instance)); the add-on
    records who installed it (C(origin.acceptedBy), C(origin.acceptedOn)).
options:
  iso:
    description: Path of the add-on ISO on the controller. Required with O(state=present).
    type: path
  name:
    description:
      - The add-on's entity name, C(<vendor>.<name>-<version>). Taken from the ISO's manifest when O(iso) is
        given; needed with O(state=absent) when O(iso) is not.
    type: str
  catalog:
    description: Catalog for the ISO media. By default the landing zone's default catalog.
    type: str
  org:
    description: Org of O(catalog). By default the landing zone's org.
    type: str
  media_name:
    description: Name of the catalog media item. By default the ISO's file name.
    type: str
  trust_certificate:
    description: Add the add-on's C(certificate.pem) to the certificate library when it is not trusted yet.
    type: bool
    default: true
  chunk_size_mb:
    description: Size of each upload chunk in MiB.
    type: int
    default: 16
  remove_media:
    description: With O(state=absent), also delete the ISO media from the catalog.
    type: bool
    default: false
  state:
    description: Whether the add-on should be installed.
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: Data Solutions extension add-on
  vcdops.platform.vcd_addon:
    iso: /srv/isos/vmware-vcd-ds-1.4.0-23376809.iso
  register: dse_addon

- name: Show the upload
  ansible.builtin.debug:
    var: dse_addon.transfer.progress
"""

RETURN = r"""
addon:
  description: The add-on.
  returned: always
  type: dict
  sample:
    id: urn:vcloud:entity:vmware:solutions_add_on:5d2c...
    name: vmware.ds-1.4.0-23376809
    vendor: vmware
    addon_name: ds
    version: 1.4.0-23376809
    status: READY
    catalog_item_id: urn:vcloud:catalogitem:9a1e...
    certificate_trusted: true
transfer:
  description: The ISO upload (bytes, chunks, seconds, files and progress lines); empty when nothing was uploaded.
  returned: when the ISO was uploaded
  type: dict
certificate:
  description: The certificate library item that was added.
  returned: when the certificate was added
  type: dict
"""

from ansible_collections.vcdops.platform.plugins.module_utils.common import iso as isolib
from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import InputError, ResourceModule
from ansible_collections.vcdops.platform.plugins.module_utils.vcd import addons, orgs, transfer
from ansible_collections.vcdops.platform.plugins.module_utils.vcd.client import VcdError, VcdNotFound, uuid_of
from ansible_collections.vcdops.platform.plugins.module_utils.vcd.rde import Rde


class Addon(ResourceModule):
    result_key = "addon"
    options = dict(
        iso=dict(type="path"),
        name=dict(type="str"),
        catalog=dict(type="str"),
        org=dict(type="str"),
        media_name=dict(type="str"),
        trust_certificate=dict(type="bool", default=True),
        chunk_size_mb=dict(type="int", default=16),
        remove_media=dict(type="bool", default=False),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module_kwargs = dict(required_if=[("state", "present", ("iso",))],
                         required_one_of=[("iso", "name")])

    def validate(self):
        p = self.params
        self.iso = None
        if p["iso"]:
            try:
                self.iso = isolib.read_addon_iso(p["iso"])
            except isolib.IsoError as exc:
                raise InputError(str(exc))
            name = isolib.addon_rde_name(self.iso["manifest"])
            if p["name"] and p["name"] != name:
                raise InputError("name %s does not match the ISO's manifest (%s)" % (p["name"], name))
            self.name = name
        else:
            self.name = p["name"]
        if p["chunk_size_mb"] < 1:
            raise InputError("chunk_size_mb must be at least 1")
        if p["org"] and not p["catalog"]:
            raise InputError("org needs catalog")

    @property
    def rde(self):
        return Rde(self.client)

    def read(self):
        found = self.rde.list(*addons.ADDON_TYPE, name=self.name)
        if len(found) > 1:
            raise VcdError("add-on %s is ambiguous: %d entities carry that name" % (self.name, len(found)))
        if not found:
            return None
        entity = dict(found[0])
        if self.iso is not None and self.params["trust_certificate"] and self.params["state"] == "present":
            self._items = addons.certificate_items(self.client)
            entity["_trusted"] = addons.trusted_item(self._items, self.iso["certificate"]) is not None
        return entity

    def view(self, current):
        entity = current
        out = addons.addon_view(entity)
        out.pop("inputs", None)
        for key in ("accepted_on", "accepted_by", "friendly_name", "id", "catalog_item_id"):
            out.pop(key, None)
        if "_trusted" in entity:
            out["certificate_trusted"] = entity["_trusted"]
        return out

    def desired(self, current):
        if self.iso is None:
            return dict(name=self.name)
        m = self.iso["manifest"]
        want = dict(name=self.name, vendor=m["vendor"], addon_name=m["name"], version=m["version"], state="RESOLVED")
        if self.params["trust_certificate"]:
            want["certificate_trusted"] = True
        return want

    # -------------------------------------------------------------- apply
    def _trust(self):
        items = getattr(self, "_items", None)
        if items is None:
            items = addons.certificate_items(self.client)
        if addons.trusted_item(items, self.iso["certificate"]) is not None:
            return
        alias = addons.addon_certificate_alias(self.iso["file_name"])
        item = addons.add_certificate(self.client, alias, self.iso["certificate"],
                                      "Signing certificate of Solution Add-On %s" % self.name)
        self.extra["certificate"] = dict(id=(item or {}).get("id"), alias=alias)

    def _catalog(self):
        p = self.params
        if p["catalog"]:
            org = orgs.require_org(self.client, p["org"]) if p["org"] else None
            if org is None:
                lz = addons.landing_zone(self.rde)
                if lz is None:
                    raise VcdNotFound("no landing zone: give org with catalog, or create the landing zone first")
                org = orgs.require_org(self.client, (lz.get("entity") or {}).get("name"))
            admin = orgs.admin_org(self.client, org["id"])
            for ref in (admin.get("catalogs") or {}).get("catalogReference") or []:
                if ref.get("name") == p["catalog"]:
                    return "urn:vcloud:catalog:%s" % uuid_of(ref.get("id") or ref.get("href"))
            raise VcdNotFound("catalog %s does not exist in org %s" % (p["catalog"], org["name"]))
        lz = addons.landing_zone(self.rde)
        if lz is None:
            raise VcdNotFound("VCD has no landing zone (vcdops.platform.vcd_landing_zone): it names the catalog "
                              "that receives add-on ISOs")
        catalogs = (lz.get("entity") or {}).get("catalogs") or []
        if not catalogs:
            raise VcdNotFound("the landing zone names no catalog")
        return catalogs[0]["id"]

    def create(self, want):
        if self.params["trust_certificate"]:
            self._trust()
        catalog = self._catalog()
        media_name = self.params["media_name"] or self.iso["file_name"]
        item = transfer.find_item(self.client, catalog, media_name)
        if item is not None and item.get("entity_type") not in (None, "media"):
            raise InputError("catalog item %s exists and is not ISO media (%s): set media_name"
                             % (media_name, item.get("entity_type")))
        if item is None:
            uploaded = transfer.upload_media(self.client, catalog, self.params["iso"], name=media_name,
                                             description="Solution Add-On %s" % self.name,
                                             chunk_size=self.params["chunk_size_mb"] * 1024 * 1024)
            self.extra["transfer"] = uploaded.get("transfer")
            item_id = uploaded["id"]
        else:
            item_id = item["id"]
        entity = addons.addon_entity(self.iso, item_id, self.client.user or self.params["vcd_username"])
        self.rde.create(addons.type_id(addons.ADDON_TYPE), self.name, entity, find=self._find_plain)

    def _find_plain(self):
        found = self.rde.list(*addons.ADDON_TYPE, name=self.name)
        return found[0] if found else None

    def returned(self, obj):
        entity = obj
        out = addons.addon_view(entity)
        out.pop("inputs", None)
        if "_trusted" in entity:
            out["certificate_trusted"] = entity["_trusted"]
        return out

    def update(self, current, want, changes):
        if changes.get("certificate_trusted"):
            self._trust()
        if "state" in changes:
            # a RESOLUTION_ERROR (for example an untrusted certificate): resolve again; fails with VCD's message
            self.rde.resolve(current["id"])
        other = set(changes) - set(["certificate_trusted", "state"])
        if other:
            raise InputError("add-on %s exists with other %s: remove it first" % (self.name, ", ".join(sorted(other))))

    def delete(self, current):
        instances = addons.list_instances(self.rde, current["id"])
        if instances:
            raise InputError("add-on %s still has instances (%s): delete them first (vcd_addon_instance state=absent)"
                             % (self.name, ", ".join(sorted(addons.instance_view(i)["name"] for i in instances))))
        item_id = ((current.get("entity") or {}).get("origin") or {}).get("catalogItemId")
        self.rde.delete(current["id"])
        if self.params["remove_media"] and item_id:
            transfer.delete_item(self.client, {"href": "/api/catalogItem/%s" % uuid_of(item_id), "name": item_id})

    def run(self):
        # the generic flow, plus the upload and certificate details
        self.extra = {}
        module = self.module
        exit_json = module.exit_json

        def exit_with_extra(**result):
            result.update(self.extra)
            exit_json(**result)
        module.exit_json = exit_with_extra
        super().run()


def main():
    Addon().run()


if __name__ == "__main__":
    main()
