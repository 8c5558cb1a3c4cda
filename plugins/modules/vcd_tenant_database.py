#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vcd_tenant_database
short_description: Manage a tenant database instance (Postgres or MySQL) in VCD through DSE and DSM
description:
  - Creates, changes (scale up storage, VM class, topology; version upgrade) or deletes a tenant database instance
    of the VMware Cloud Director extension for Data Solutions with Data Services Manager, as a tenant does from
    Data Solutions > Instances.
  - Every choice is checked before any change against what the tenant is offered (the allowed releases, the
    published infrastructure policies with their VM classes, the published backup locations); a request DSM
    refuses (scale down, downgrade, engine change) fails before any change.
  - Waits for readiness and returns host, port, database, user, connection string, password and CA certificate,
    and the generated DSM manifest.
  - A run killed while creating leaves one instance; the next run finishes it instead of creating another.
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
  - Modelled contract (A37, see docs/tenant-database.md) - the instance is a C(vmware:dsInstance) entity in the tenant's
    org, turned into a DSM cluster by the DSM Consumption Operator, which reports status and connection back.
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
  org:
    description:
      - Tenant organization; needed when a provider (System login) acts in the tenant's org.
      - A tenant user's login or API token works in its own org and needs no O(org).
    type: str
"""

EXAMPLES = r"""
- name: A Postgres database for the shop
  vcdops.platform.vcd_tenant_database:
    vcd_org: tenant-a
    name: shop
    engine: postgres
    version: "16"
    infrastructure_policy: dsm-policy-small
    vm_class: small
    storage_gb: 20
    backup_location: dsm-backups
  register: shop

- name: Restore the latest backup of shop into shop-restored
  vcdops.platform.vcd_tenant_database:
    vcd_org: tenant-a
    name: shop-restored
    engine: postgres
    version: "16"
    infrastructure_policy: dsm-policy-small
    vm_class: small
    storage_gb: 20
    restore_from:
      instance: shop
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

from ansible_collections.vcdops.platform.plugins.module_utils.dbaas.modules import VcdInstance


def main():
    VcdInstance().run()


if __name__ == "__main__":
    main()
