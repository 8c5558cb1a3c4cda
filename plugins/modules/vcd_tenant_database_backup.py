#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vcd_tenant_database_backup
short_description: Take an on-demand backup of a tenant database instance
description:
  - Asks for an on-demand backup of a tenant database instance (into its backup location) and waits until it is
    listed; idempotent by backup name.
  - Lists of backups are returned by M(vcdops.platform.vcd_tenant_database_info).
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
  - On-demand backups are modelled (A29, A37) as C(entity.spec.onDemandBackups) of the instance entity.
options:
  name:
    description: Instance name.
    type: str
    required: true
  backup_name:
    description: Name of the on-demand backup; a backup of that name that exists already is not taken again.
    type: str
    required: true
  wait:
    description: Wait until the backup is listed.
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait.
    type: int
    default: 900
  org:
    description:
      - Tenant organization; needed when a provider (System login) acts in the tenant's org.
      - A tenant user's login or API token works in its own org and needs no O(org).
    type: str
"""

EXAMPLES = r"""
- name: Backup before the upgrade
  vcdops.platform.vcd_tenant_database_backup:
    vcd_org: tenant-a
    name: shop
    backup_name: before-upgrade
"""

RETURN = r"""
backup:
  description: The backup (name, time, location, size_bytes).
  returned: always
  type: dict
"""

from ansible_collections.vcdops.platform.plugins.module_utils.dbaas.modules import VcdBackup


def main():
    VcdBackup().run()


if __name__ == "__main__":
    main()
