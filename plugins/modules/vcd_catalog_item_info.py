#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vcd_catalog_item_info
short_description: List the items of a catalog
description:
  - Lists the vApp templates and media of a catalog (query service), optionally one by name.
version_added: 0.1.0
author: vcdops platform team (@vcdops)
extends_documentation_fragment:
  - vcdops.platform.vcd
attributes:
  check_mode:
    support: full
    description: Reads only; the same as a normal run.
  diff_mode:
    support: none
    description: Not applicable, nothing changes.
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
    description: Only the item with this name.
    type: str
"""

EXAMPLES = r"""
- name: TKG templates on offer
  vcdops.platform.vcd_catalog_item_info:
    org: solutions-org
    catalog: cse-tkg-templates
  register: templates
"""

RETURN = r"""
items:
  description: The items (id, name, entity_type, entity_href, status).
  returned: always
  type: list
  elements: dict
"""

from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import InfoModule
from ansible_collections.vcdops.platform.plugins.module_utils.vcd import orgs, transfer
from ansible_collections.vcdops.platform.plugins.module_utils.vcd.client import VcdNotFound, uuid_of


class CatalogItemInfo(InfoModule):
    options = dict(org=dict(type="str", required=True), catalog=dict(type="str", required=True),
                   name=dict(type="str"))

    def items(self):
        p = self.params
        org = orgs.require_org(self.client, p["org"])
        admin = orgs.admin_org(self.client, org["id"])
        ref = next((r for r in (admin.get("catalogs") or {}).get("catalogReference") or []
                    if r.get("name") == p["catalog"]), None)
        if ref is None:
            raise VcdNotFound("catalog %s does not exist in org %s" % (p["catalog"], p["org"]))
        cat_uuid = uuid_of(ref.get("id") or ref.get("href"))
        equals = {"name": p["name"]} if p["name"] else {}
        out = []
        for rec in transfer._query(self.client, "adminCatalogItem", **equals):
            if uuid_of(rec.get("catalog")) != cat_uuid:
                continue
            out.append({"id": "urn:vcloud:catalogitem:%s" % uuid_of(rec.get("href")), "name": rec.get("name"),
                        "href": rec.get("href"), "entity_type": rec.get("entityType"),
                        "entity_href": rec.get("entity"), "status": rec.get("status")})
        return sorted(out, key=lambda x: x["name"])


def main():
    CatalogItemInfo().run()


if __name__ == "__main__":
    main()
