#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vcd_tenant_database_info
short_description: List a tenant's database instances
description:
  - Lists the tenant database instances of the org with status, connection information, backups and access.
version_added: 0.2.0
author: vcdops platform team (@vcdops)
extends_documentation_fragment:
  - vcdops.platform.vcd
attributes:
  check_mode:
    support: full
    description: Reads only.
  diff_mode:
    support: none
    description: Nothing changes.
options:
  name:
    description: Only this instance.
    type: str
  org:
    description:
      - Tenant organization; needed when a provider (System login) acts in the tenant's org.
      - A tenant user's login or API token works in its own org and needs no O(org).
    type: str
"""

EXAMPLES = r"""
- name: Instances of tenant-a
  vcdops.platform.vcd_tenant_database_info:
    vcd_org: tenant-a
  register: dbs
"""

RETURN = r"""
databases:
  description: The instances (as M(vcdops.platform.vcd_tenant_database) returns them).
  returned: always
  type: list
  elements: dict
"""

from ansible_collections.vcdops.platform.plugins.module_utils.dbaas.modules import VcdInfo


def main():
    VcdInfo().run()


if __name__ == "__main__":
    main()
