#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vcd_catalog_info
short_description: List the catalogs of an organization with their sharing
description:
  - Reads the catalogs of an organization with one query (C(/api/query?type=adminCatalog)),
    and for each one whether it is published.
version_added: 0.1.0
author: vcdops platform team (@vcdops)
extends_documentation_fragment:
  - vcdops.platform.vcd
attributes:
  check_mode:
    support: full
    description: Only reads, so it runs the same in check mode.
  diff_mode:
    support: none
    description: Nothing is changed, so there is no diff.
options:
  org:
    description: Organization.
    type: str
    required: true
  names:
    description: Only these catalogs. All when omitted.
    type: list
    elements: str
"""

EXAMPLES = r"""
- name: Catalogs of the solutions org
  vcdops.platform.vcd_catalog_info:
    org: solutions-org
  register: catalogs
"""

RETURN = r"""
catalogs:
  description: The catalogs.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Name.
      type: str
    published:
      description: Whether the catalog is published to all organizations.
      type: bool
"""

from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import InfoModule
from ansible_collections.vcdops.platform.plugins.module_utils.vcd import orgs
from ansible_collections.vcdops.platform.plugins.module_utils.vcd.client import fiql


class CatalogInfo(InfoModule):
    result_key = "catalogs"
    options = dict(org=dict(type="str", required=True), names=dict(type="list", elements="str"))

    def items(self):
        org = orgs.require_org(self.client, self.params["org"])
        flt = fiql(orgName=self.params["org"])[0]
        records = self.client.query("adminCatalog", filter=flt)
        names = self.params["names"]
        result = []
        for rec in records:
            if names is not None and rec.get("name") not in names:
                continue
            result.append(dict(name=rec.get("name"), href=rec.get("href"), org=org["name"],
                               published=bool(rec.get("isPublished")), description=rec.get("description") or ""))
        return sorted(result, key=lambda r: r["name"])


def main():
    CatalogInfo().run()


if __name__ == "__main__":
    main()
