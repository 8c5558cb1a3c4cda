#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vcd_tenant_database_access
short_description: Converge who may use a tenant database instance
description:
  - Sets the access control of a tenant database instance to exactly O(grants) (users of the tenant org with
    read-only, read-write or full control), as the Access Control tab of the instance does; grants not listed are
    revoked.
  - The DSM side gives each granted user a database login C(<user>@<org>) with the matching privileges
    (read-only - SELECT; read-write - SELECT, INSERT, UPDATE, DELETE; full control - owner rights).
version_added: 0.2.0
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
  - Modelled (A31, A37) as RDE access controls on the instance entity; groups are not modelled.
options:
  name:
    description: Instance name.
    type: str
    required: true
  grants:
    description: The whole list of grants (an empty list revokes every grant).
    type: list
    elements: dict
    required: true
    suboptions:
      user:
        description: User name in the tenant org.
        type: str
        required: true
      level:
        description: Access level.
        type: str
        choices: [full_control, read_only, read_write]
        default: read_only
  wait:
    description: Wait until the database logins follow the grants.
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait.
    type: int
    default: 300
  org:
    description:
      - Tenant organization; needed when a provider (System login) acts in the tenant's org.
      - A tenant user's login or API token works in its own org and needs no O(org).
    type: str
"""

EXAMPLES = r"""
- name: Reporting reads, the app writes
  vcdops.platform.vcd_tenant_database_access:
    vcd_org: tenant-a
    name: shop
    grants:
      - {user: reporting, level: read_only}
      - {user: shop-app, level: read_write}
"""

RETURN = r"""
access:
  description: The grants after the run.
  returned: always
  type: dict
  contains:
    grants:
      description: Users and levels.
      type: list
      elements: dict
"""

from ansible_collections.vcdops.platform.plugins.module_utils.dbaas.modules import VcdAccess


def main():
    VcdAccess().run()


if __name__ == "__main__":
    main()
