#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vcd_org_info
short_description: List VMware Cloud Director organizations
description:
  - Reads organizations from C(/cloudapi/1.0.0/orgs), every page, optionally only the named ones.
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
  names:
    description: Only these organizations. All when omitted.
    type: list
    elements: str
"""

EXAMPLES = r"""
- name: Read the solutions org
  vcdops.platform.vcd_org_info:
    names: [solutions-org]
  register: found
"""

RETURN = r"""
orgs:
  description: The organizations.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: URN.
      type: str
    name:
      description: Name.
      type: str
    full_name:
      description: Display name.
      type: str
    enabled:
      description: Whether it is enabled.
      type: bool
    vdc_count:
      description: Number of VDCs.
      type: int
    catalog_count:
      description: Number of catalogs.
      type: int
"""

from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import InfoModule
from ansible_collections.vcdops.platform.plugins.module_utils.vcd import orgs


class OrgInfo(InfoModule):
    result_key = "orgs"
    options = dict(names=dict(type="list", elements="str"))

    def items(self):
        names = self.params["names"]
        found = self.client.list(orgs.ORGS)
        if names is not None:
            found = [o for o in found if o["name"] in set(names)]
        return [dict(id=o["id"], name=o["name"], full_name=o.get("displayName"), enabled=o.get("isEnabled"),
                     vdc_count=o.get("orgVdcCount"), catalog_count=o.get("catalogCount")) for o in found]


def main():
    OrgInfo().run()


if __name__ == "__main__":
    main()
