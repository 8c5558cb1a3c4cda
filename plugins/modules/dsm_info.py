#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: dsm_info
short_description: Read releases, infrastructure policies, VM classes, IP pools and backup locations of DSM
description:
  - Reads what VMware Data Services Manager offers - the database versions allowed by its C(Ready) releases
    (C(dataservicesreleases)), its infrastructure policies, VM classes, IP pools and backup locations.
version_added: 0.1.0
author: vcdops platform team (@vcdops)
extends_documentation_fragment:
  - vcdops.platform.dsm
attributes:
  check_mode:
    support: full
    description: Reads only, so it also runs in check mode.
  diff_mode:
    support: none
    description: Not supported.
options:
  gather:
    description: What to read.
    type: list
    elements: str
    choices: [releases, infrastructure_policies, vm_classes, ip_pools, backup_locations]
    default: [releases, infrastructure_policies, vm_classes, backup_locations]
"""

EXAMPLES = r"""
- name: Which Postgres versions can tenants have?
  vcdops.platform.dsm_info:
    gather: [releases]
  register: dsm_facts

- name: Show them
  ansible.builtin.debug:
    msg: "{{ dsm_facts.allowed_versions.postgres }}"
"""

RETURN = r"""
releases:
  description: Releases with C(name), C(version), C(ready), C(postgres_versions) and C(mysql_versions).
  returned: when gathered
  type: list
  elements: dict
allowed_versions:
  description: Database versions of the C(Ready) releases, per engine (C(postgres), C(mysql)).
  returned: when releases are gathered
  type: dict
infrastructure_policies:
  description: Policies with C(name), C(enabled), C(ready), C(vm_classes), C(storage_policies), C(ip_pools).
  returned: when gathered
  type: list
  elements: dict
vm_classes:
  description: VM classes with C(name), C(cpu), C(memory) and C(ready).
  returned: when gathered
  type: list
  elements: dict
ip_pools:
  description: IP pools with C(name), C(gateway), C(prefix), C(addresses) and C(ready).
  returned: when gathered
  type: list
  elements: dict
backup_locations:
  description: Backup locations with C(name) (and C(bucket), C(endpoint) when DSM gives them).
  returned: when gathered
  type: list
  elements: dict
"""

from ansible_collections.vcdops.platform.plugins.module_utils.dsm.client import INFRA, INTERNAL, ready
from ansible_collections.vcdops.platform.plugins.module_utils.dsm.module import DsmInfo

ENGINES = {"vmware-sql-postgres": "postgres", "vmware-sql-mysql": "mysql"}


class Info(DsmInfo):
    options = dict(gather=dict(type="list", elements="str",
                               choices=["releases", "infrastructure_policies", "vm_classes", "ip_pools",
                                        "backup_locations"],
                               default=["releases", "infrastructure_policies", "vm_classes", "backup_locations"]))

    def run(self):
        from ansible_collections.vcdops.platform.plugins.module_utils.dsm.client import DsmError
        try:
            out = self.gather()
        except DsmError as exc:
            self.fail(str(exc))
        self.module.exit_json(changed=False, **out)

    def gather(self):
        c, want, out = self.client, self.params["gather"], {}
        if "releases" in want:
            releases, allowed = [], {"postgres": [], "mysql": []}
            for r in c.list(INTERNAL, "dataservicesreleases"):
                versions = {ENGINES.get(s.get("name"), s.get("name")): list(s.get("supportedVersions") or [])
                            for s in (r.get("spec") or {}).get("services") or []}
                item = {"name": r["metadata"]["name"], "version": (r.get("spec") or {}).get("version"),
                        "ready": ready(r), "postgres_versions": versions.get("postgres", []),
                        "mysql_versions": versions.get("mysql", [])}
                releases.append(item)
                if item["ready"]:
                    for engine in allowed:
                        allowed[engine] += [v for v in versions.get(engine, []) if v not in allowed[engine]]
            out["releases"], out["allowed_versions"] = releases, allowed
        if "infrastructure_policies" in want:
            out["infrastructure_policies"] = [{
                "name": p["metadata"]["name"], "enabled": (p.get("spec") or {}).get("enabled", True), "ready": ready(p),
                "vm_classes": [v.get("name") for v in (p.get("spec") or {}).get("vmClasses") or []],
                "storage_policies": (p.get("spec") or {}).get("storagePolicies") or [],
                "ip_pools": [r.get("poolName") for r in (p.get("spec") or {}).get("ipRanges") or []]}
                for p in c.list(INFRA, "infrastructurepolicies")]
        if "vm_classes" in want:
            out["vm_classes"] = [{"name": v["metadata"]["name"], "ready": ready(v),
                                  "cpu": ((v.get("spec") or {}).get("requests") or {}).get("cpu"),
                                  "memory": ((v.get("spec") or {}).get("requests") or {}).get("memory")}
                                 for v in c.list(INFRA, "vmclasses")]
        if "ip_pools" in want:
            out["ip_pools"] = [{"name": p["metadata"]["name"], "ready": ready(p), **{
                k: (p.get("spec") or {}).get(k) for k in ("gateway", "prefix", "addresses")}}
                for p in c.list(INFRA, "ippools")]
        if "backup_locations" in want:
            out["backup_locations"] = [{k: v for k, v in s.items() if k in ("name", "bucket", "endpoint")}
                                       for s in c.provider_pages("/provider/s3storages")]
        return out


def main():
    Info().run()


if __name__ == "__main__":
    main()
