#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vcd_dse_solution_info
short_description: List the data solutions of the Data Solutions extension and where they are published
description:
  - Lists the data solutions (C(vmware:dsConfig) entities, by the name C(entity.spec.artifacts[0].name)) with
    their repository configuration (live values and defaults; registry passwords never returned).
  - With O(publication=true), adds the tenant orgs each solution is published to (the orgs with a ReadOnly
    ACL on its dsConfig), and those where the publication is incomplete (the operator or template ACLs, the
    rights bundle or, for Confluent Platform, the licence entity missing).
version_added: 0.1.0
author: vcdops platform team (@vcdops)
extends_documentation_fragment:
  - vcdops.platform.vcd
attributes:
  check_mode:
    support: full
    description: Reads only; runs in check mode too.
  diff_mode:
    support: none
    description: Reads only; there is nothing to show.
options:
  solutions:
    description: Only these solutions (by name). Unknown names fail.
    type: list
    elements: str
    default: []
  publication:
    description: Also read where each solution is published.
    type: bool
    default: true
"""

EXAMPLES = r"""
- name: Data solutions and their tenants
  vcdops.platform.vcd_dse_solution_info:
  register: dse_solutions
"""

RETURN = r"""
solutions:
  description: The data solutions.
  returned: always
  type: list
  elements: dict
  sample:
    - solution: VMware SQL with Postgres
      artifact_type: PackageRepository
      image: registry.example.com/postgres
      version: 1.10.0
      uses_defaults: true
      tenants: [tenant-a, tenant-b]
      partial: []
"""

from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import InfoModule
from ansible_collections.vcdops.platform.plugins.module_utils.vcd import dse
from ansible_collections.vcdops.platform.plugins.module_utils.vcd.rde import Rde


class SolutionInfo(InfoModule):
    result_key = "solutions"
    options = dict(
        solutions=dict(type="list", elements="str", default=[]),
        publication=dict(type="bool", default=True),
    )

    def items(self):
        p = self.params
        configs = dse.configs(Rde(self.client))
        names = p["solutions"] or sorted(configs)
        if p["solutions"]:
            dse.require(configs, names)
        pub = None
        if p["publication"] and configs:
            pub = dse.Publication(self.client).load([n for n in names if n != dse.DSO])
        out = []
        for name in names:
            view = dse.registry_view(configs[name])
            if pub is not None:
                holders = pub._holders(pub.acls[name]) if name in pub.acls else set()
                tenants, partial = [], []
                for org_uuid in holders:
                    org = pub.org_by_uuid.get(org_uuid)
                    if org is None:
                        continue
                    tenants.append(org["name"])
                    if name != dse.DSO and pub.state(name, org_uuid) == "partial":
                        partial.append(org["name"])
                view["tenants"] = sorted(tenants)
                view["partial"] = sorted(partial)
            out.append(view)
        return out


def main():
    SolutionInfo().run()


if __name__ == "__main__":
    main()
