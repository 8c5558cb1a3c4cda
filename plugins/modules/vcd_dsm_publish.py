#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vcd_dsm_publish
short_description: Publish DSM infrastructure policies, backup locations and DSM solutions to tenants, in bulk
description:
  - Converges, for a whole list of tenants at once, which of the infrastructure policies and backup locations VCD
    discovered from DSM each tenant may use, and to which tenants the DSM Postgres and DSM MySQL data solutions
    are published.
  - Reads are a fixed number of list reads whatever the number of tenants (orgs, the discovered items and their
    access controls, the DSE publication state); every real change is one write. A tenant removed from an item's
    list loses exactly that item.
  - Every tenant, policy, backup location and solution name is checked before any write.
  - With O(exclusive=true) (the default) the list is the whole truth - an org that is not listed loses what it
    holds. With O(exclusive=false) only the listed tenants are touched.
version_added: 0.1.0
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
  - Publishing a policy or backup location is a ReadOnly access control for the org on the entity VCD keeps for
    it (assumption A37, docs/assumptions.md). The DSM solutions are published with the DSE flow (rights bundle,
    ACL on the solution's and the operator's dsConfig).
  - Tenants must open a new API session to see what was published.
options:
  tenants:
    description: The tenants and what each gets.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: Organization name.
        type: str
        required: true
      policies:
        description: DSM infrastructure policies.
        type: list
        elements: str
        default: []
      backup_locations:
        description: DSM backup locations.
        type: list
        elements: str
        default: []
      solutions:
        description: DSM solutions - V(postgres), V(mysql) or their solution names.
        type: list
        elements: str
        default: []
  solution_names:
    description: Names of the data solutions for the DSM engines (C(postgres), C(mysql)), as in M(vcdops.platform.vcd_dsm_connection).
    type: dict
    default: {}
  exclusive:
    description: Whether orgs that are not in O(tenants) lose the policies, backup locations and DSM solutions they hold.
    type: bool
    default: true
"""

EXAMPLES = r"""
- name: The tenant matrix of this AZ
  vcdops.platform.vcd_dsm_publish:
    tenants:
      - {name: tenant-a, policies: [dsm-policy-small], backup_locations: [dsm-backups], solutions: [postgres, mysql]}
      - {name: tenant-b, policies: [dsm-policy-small], solutions: [postgres]}
"""

RETURN = r"""
tenants:
  description: What each tenant holds after the run (C(policies), C(backup_locations), C(solutions)).
  returned: always
  type: dict
operations:
  description: The writes done (or, in check mode, to do) - grants and revocations per org and item.
  returned: always
  type: list
  elements: dict
"""

from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import InputError, _Base
from ansible_collections.vcdops.platform.plugins.module_utils.dsm import integration
from ansible_collections.vcdops.platform.plugins.module_utils.vcd.client import VcdError, VcdNotFound


class Publish(_Base):
    options = dict(
        tenants=dict(type="list", elements="dict", required=True, options=dict(
            name=dict(type="str", required=True),
            policies=dict(type="list", elements="str", default=[]),
            backup_locations=dict(type="list", elements="str", default=[]),
            solutions=dict(type="list", elements="str", default=[]),
        )),
        solution_names=dict(type="dict", default={}),
        exclusive=dict(type="bool", default=True),
    )

    def validate(self):
        names = [t["name"] for t in self.params["tenants"]]
        twice = sorted(set(n for n in names if names.count(n) > 1))
        if twice:
            raise InputError("tenants lists %s more than once" % ", ".join(twice))
        integration.solution_names(self.params["solution_names"])

    def run(self):
        try:
            self.validate()
            result = self.converge()
        except InputError as exc:
            self.fail(str(exc))
        except VcdError as exc:
            self.fail(str(exc))
        for text in self.warnings:
            self.module.warn(text)
        self.module.exit_json(**result)

    def converge(self):
        p = self.params
        pub = integration.DsmPublication(self.client, p["solution_names"])
        try:
            pub.load(p["tenants"])
        except VcdNotFound as exc:
            if self.module.check_mode:
                self.warnings.append("check mode: %s; assuming earlier tasks install DSE and connect it to DSM" % exc)
                return dict(changed=bool(any(t["policies"] or t["backup_locations"] or t["solutions"]
                                             for t in p["tenants"])), tenants={}, operations=[])
            raise VcdNotFound("%s: is DSE installed and connected to DSM (vcdops.platform.vcd_dsm_connection)?" % exc)
        try:
            wanted = pub.resolve(p["tenants"])
        except integration.NotDiscovered as exc:
            if not self.module.check_mode:
                raise
            self.warnings.append("check mode: %s; assuming earlier tasks of this run create it" % exc)
            return dict(changed=True, tenants={}, operations=[])
        ops = pub.plan(wanted, p["exclusive"])
        before, after = pub.view(), pub.after(wanted, p["exclusive"])
        public = [dict((k, v) for k, v in op.items() if k not in ("acl", "license_key")) for op in ops]
        result = dict(changed=bool(ops), tenants=after if ops else before, operations=public)
        if ops and self.module._diff:
            touched = set(op.get("org") for op in ops if op.get("org"))
            for op in ops:
                touched.update((op.get("orgs") or {}).keys())
            result["diff"] = dict(before=dict((t, before.get(t, {})) for t in sorted(touched)),
                                  after=dict((t, after.get(t, {})) for t in sorted(touched)))
        if ops and not self.module.check_mode:
            pub.apply(ops)
        return result


def main():
    Publish().run()


if __name__ == "__main__":
    main()
