#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vcd_catalog_item
short_description: Upload an OVA (as a vApp template) or an ISO (as media) into a catalog
description:
  - Uploads O(file) into catalog O(catalog) of O(org) when no item named O(name) is there; an existing
    item is left alone unless O(force=true), which deletes and uploads it again.
  - OVA - the descriptor and every file it references are read from the archive before anything is
    written; then the upload follows VCD's protocol (api-reference §1.7) - create the item, wait for
    the upload links (they appear late), PUT the descriptor, wait for the disk links, PUT every file in
    chunks of O(chunk_size_mb) with C(Content-Range), touching the API between chunks so the session
    stays alive, then wait for VCD's task. On failure the half-made item is deleted.
  - The result reports the transfer (bytes, chunks, seconds and progress lines at every 10%).
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
  - A template with status 8 is taken as ready (assumption A9).
options:
  org:
    description: Organization that owns the catalog.
    type: str
    required: true
  catalog:
    description: Catalog name.
    type: str
    required: true
  name:
    description:
      - Item name. Defaults to the file name without C(.ova) for an OVA (so a TKG template is named
        after its OVA), and to the file name for an ISO.
    type: str
  file:
    description: Local OVA or ISO file. It must exist whenever O(state=present).
    type: path
  kind:
    description: V(ova) or V(iso); guessed from the file name when omitted.
    type: str
    choices: [ova, iso]
  description:
    description: Description.
    type: str
  chunk_size_mb:
    description: Size of each upload chunk in MiB.
    type: int
    default: 16
  upload_timeout:
    description: Seconds to wait for VCD to offer upload links.
    type: int
    default: 600
  force:
    description: Upload again even when the item exists.
    type: bool
    default: false
  state:
    description: Whether the item should exist.
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: CSE appliance OVA
  vcdops.platform.vcd_catalog_item:
    org: solutions-org
    catalog: cse
    file: /srv/ova/VMware_Cloud_Director_Container_Service_Extension-4.2.1.ova
"""

RETURN = r"""
item:
  description: The catalog item (id, name, entity, status, and the transfer when something was uploaded).
  returned: always
  type: dict
"""

import os

from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import InputError, ResourceModule
from ansible_collections.vcdops.platform.plugins.module_utils.vcd import orgs, transfer


def guess_kind(path):
    lower = str(path or "").lower()
    if lower.endswith(".ova"):
        return "ova"
    if lower.endswith(".iso"):
        return "iso"
    return None


def default_name(path, kind):
    base = os.path.basename(str(path))
    if kind == "ova" and base.lower().endswith(".ova"):
        return base[:-4]
    return base


class CatalogItem(ResourceModule):
    result_key = "item"
    options = dict(
        org=dict(type="str", required=True),
        catalog=dict(type="str", required=True),
        name=dict(type="str"),
        file=dict(type="path"),
        kind=dict(type="str", choices=["ova", "iso"]),
        description=dict(type="str"),
        chunk_size_mb=dict(type="int", default=16),
        upload_timeout=dict(type="int", default=600),
        force=dict(type="bool", default=False),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )

    def validate(self):
        p = self.params
        self.kind = p["kind"] or guess_kind(p["file"])
        if p["state"] == "present":
            if not p["file"]:
                raise InputError("file is required with state=present")
            if not os.path.isfile(p["file"]):
                raise InputError("file %s does not exist (or is not a file)" % p["file"])
            if self.kind is None:
                raise InputError("cannot tell whether %s is an OVA or an ISO: set kind" % p["file"])
            if self.kind == "ova":
                transfer.read_ova(p["file"])  # a broken OVA fails here, before any write
        if p["chunk_size_mb"] < 1:
            raise InputError("chunk_size_mb must be at least 1")
        self.name = p["name"] or (default_name(p["file"], self.kind) if p["file"] else None)
        if not self.name:
            raise InputError("name or file is required")

    def _catalog(self):
        if not hasattr(self, "_cat"):
            org = orgs.require_org(self.client, self.params["org"])
            admin = orgs.admin_org(self.client, org["id"])
            ref = next((r for r in (admin.get("catalogs") or {}).get("catalogReference") or []
                        if r.get("name") == self.params["catalog"]), None)
            if ref is None:
                from ansible_collections.vcdops.platform.plugins.module_utils.vcd.client import VcdNotFound
                raise VcdNotFound("catalog %s does not exist in org %s" % (self.params["catalog"], self.params["org"]))
            self._cat = transfer._catalog(self.client, ref.get("id") or ref.get("href"))
        return self._cat

    def read(self):
        item = transfer.find_item(self.client, self._catalog(), self.name)
        if item and self.params["force"] and self.params["state"] == "present" and not getattr(self, "_uploaded", False):
            item = dict(item, _force=True)
        return item

    def view(self, current):
        return dict(id=current.get("id"), name=current.get("name"), catalog=self.params["catalog"],
                    kind="ova" if current.get("entity_type") == "vapptemplate" else "iso",
                    status=current.get("status"), entity=current.get("entity_href"),
                    uploaded="forced again" if current.get("_force") else "yes")

    def desired(self, current):
        return dict(name=self.name, catalog=self.params["catalog"], kind=self.kind,
                    uploaded="yes" if current is None or not current.get("_force") else "yes (again)")

    def _upload(self):
        p = self.params
        kwargs = dict(name=self.name, description=p["description"] or "", chunk_size=p["chunk_size_mb"] * 1024 * 1024,
                      timeout=p["timeout"], link_timeout=p["upload_timeout"])
        if self.kind == "ova":
            self.transfer_result = transfer.upload_ova(self.client, self._catalog(), p["file"], **kwargs)
        else:
            self.transfer_result = transfer.upload_media(self.client, self._catalog(), p["file"], **kwargs)
        self._uploaded = True

    def create(self, want):
        self._upload()

    def update(self, current, want, changes):
        if current.get("_force"):
            transfer.delete_item(self.client, current)
            self._upload()

    def delete(self, current):
        transfer.delete_item(self.client, current)

    def returned(self, obj):
        out = self.view(obj) if obj else {}
        out.pop("uploaded", None)
        if getattr(self, "transfer_result", None):
            out["transfer"] = self.transfer_result["transfer"]
            out["size"] = self.transfer_result["size"]
        return out


def main():
    CatalogItem().run()


if __name__ == "__main__":
    main()
