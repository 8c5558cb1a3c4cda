#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: dsm_database
short_description: Manage a Postgres or MySQL database cluster directly in DSM
description:
  - The tenant database lifecycle of M(vcdops.platform.vcd_tenant_database) directly against VMware Data Services
    Manager (for providers that use DSM without VCD), with the same options, checks and manifest.
  - Creates, scales up, upgrades or deletes a C(PostgresCluster) or C(MySQLCluster); checks the version against the
    C(Ready) data services releases and refuses scale down before any change; waits for C(Ready) and returns the
    connection (password from the cluster's secret, CA = the DSM CA of O(dsm_ca_path), assumption A38).
  - O(restore_from) creates the cluster with C(spec.basedOn) (assumptions A24, A25).
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
options:
  name:
    description:
      - Instance name (lower-case letters, digits and C(-), starting with a letter, at most 40 characters).
    type: str
    required: true
  state:
    description:
      - Whether the instance should exist.
      - V(absent) deletes it; O(keep_backups) says what happens to its backups.
    type: str
    choices: [present, absent]
    default: present
  engine:
    description: Database engine. Required to create an instance; it cannot change afterwards.
    type: str
    choices: [postgres, mysql]
  version:
    description:
      - Engine version, full (C(16.6+vmware.v2.2.0)) or short (C(16) or C(16.6), the newest matching release).
      - Checked against the allowed releases before any change; a newer version of an existing instance is an
        upgrade, an older one is refused.
    type: str
  infrastructure_policy:
    description: Infrastructure policy (it must be offered; it decides VM classes, storage policies and network).
    type: str
  vm_class:
    description: VM class; it must be allowed by the infrastructure policy. A smaller class than the current one is
      refused.
    type: str
  topology:
    description:
      - V(single) (1 node), V(ha) (3 nodes) or V(ha5) (5 nodes); Postgres C(replicas) 0/1/3, MySQL C(members) 1/3/5.
      - Scaling down is refused before any change.
    type: str
    choices: [single, ha, ha5]
  storage_gb:
    description: Storage in GiB. Growing is a day-2 change; shrinking is refused before any change.
    type: int
  storage_policy:
    description: vSphere storage policy (one of the infrastructure policy's).
    type: str
  backup_location:
    description: Backup location (it must be offered). Needed for backups and for a restore from this instance.
    type: str
  backup_retention_days:
    description: Days backups are kept (default 30 when O(backup_location) is set).
    type: int
  backup_schedules:
    description: Backup schedules (cron syntax).
    type: list
    elements: dict
    suboptions:
      name:
        description: Schedule name.
        type: str
        required: true
      type:
        description: Full or incremental backup.
        type: str
        choices: [full, incremental]
        default: full
      schedule:
        description: Cron expression, for example C(59 23 * * 6).
        type: str
        required: true
  database_options:
    description: Database parameters (string values), as the UI's database options.
    type: dict
  maintenance_window:
    description: Maintenance window.
    type: dict
    suboptions:
      start_day:
        description: Day of the week, for example C(SATURDAY).
        type: str
        required: true
      start_time:
        description: Start time, C(HH:MM).
        type: str
        required: true
      duration:
        description: Duration.
        type: str
        default: 6h0m0s
  restore_from:
    description:
      - Create the instance from a backup of another instance of the same tenant (only when it does not exist yet).
      - Without O(restore_from.backup) and O(restore_from.point_in_time), the latest backup is used.
      - A missing source or backup fails before any change.
    type: dict
    suboptions:
      instance:
        description: Source instance.
        type: str
        required: true
      backup:
        description: Name of the backup to restore.
        type: str
      point_in_time:
        description: Restore the latest backup taken at or before this time (C(YYYY-MM-DDTHH:MM:SSZ)).
        type: str
  keep_backups:
    description: With O(state=absent), keep the instance's backups (an archived instance) or remove them.
    type: bool
    default: true
  wait:
    description: Wait until the instance is ready with the wanted spec applied.
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
- name: A Postgres cluster
  vcdops.platform.dsm_database:
    dsm_host: dsm.example.com
    dsm_username: dba@example.com
    dsm_password: "{{ vault_dsm_dba_password }}"
    name: shop
    engine: postgres
    version: "16"
    infrastructure_policy: dsm-policy-small
    vm_class: small
    storage_gb: 20
"""

RETURN = r"""
database:
  description: The instance (nothing after a delete).
  returned: always
  type: dict
  contains:
    name:
      description: Instance name.
      type: str
    phase:
      description: Pending, Creating, Updating, Ready or Error.
      type: str
    ready:
      description: Whether the instance is ready.
      type: bool
    connection:
      description:
        - host, port, database, username, password, connection_string and ca_certificate (PEM).
        - The password is there when the caller has full control of the instance.
      type: dict
    backups:
      description: Backups (name, time, location, size_bytes).
      type: list
      elements: dict
    manifest:
      description: The DSM cluster manifest the instance stands for (what the Data Solutions UI shows).
      type: dict
"""

from ansible_collections.vcdops.platform.plugins.module_utils.dbaas.modules import DsmInstance


def main():
    DsmInstance().run()


if __name__ == "__main__":
    main()
