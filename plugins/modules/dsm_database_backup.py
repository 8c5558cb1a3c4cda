#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: dsm_database_backup
short_description: Take an on-demand backup of a DSM database cluster
description:
  - Asks DSM for an on-demand backup of a cluster and waits until C(status.backups) lists it; idempotent by name.
version_added: 0.2.0
author: vcdops platform team (@vcdops)
extends_documentation_fragment:
  - vcdops.platform.dsm
attributes:
  check_mode:
    support: full
    description: Reports what would change and writes nothing.
  diff_mode:
    support: full
    description: Shows the owned fields before and after.
notes:
  - Modelled (A29) as the annotation C(dsm.vmware.com/backup-request) on the cluster.
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
  namespace:
    description: DSM namespace (always C(default) in DSM 2.0/2.1).
    type: str
    default: default
"""

EXAMPLES = r"""
- name: Backup before the upgrade
  vcdops.platform.dsm_database_backup:
    name: shop
    backup_name: before-upgrade
"""

RETURN = r"""
backup:
  description: The backup (name, time, location, size_bytes).
  returned: always
  type: dict
"""

from ansible_collections.vcdops.platform.plugins.module_utils.dbaas.modules import DsmBackup


def main():
    DsmBackup().run()


if __name__ == "__main__":
    main()
