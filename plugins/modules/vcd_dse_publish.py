#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vcd_dse_publish
short_description: Publish data solutions to tenants, in bulk
description:
  - Converges, in one task, which tenant orgs get which data solutions of the Data Solutions extension. For
    every solution listed in O(publications), the tenants listed are exactly those that have it afterwards.
    Solutions not listed are left alone.
  - Publishing a solution to an org does what VCD's UI does - the rights bundle
    C(vmware:dataSolutionsRightsBundle) is published to the org; the org gets a ReadOnly ACL on the
    solution's C(vmware:dsConfig) entity (this ACL is what "published" means), on the dsConfig of
    V(VCD Data Solutions) (the operator) and on every instance template of the solution's type;
    V(Confluent Platform) also gets a C(vmware:dsOrgConfig) entity with the org's licence.
  - Unpublishing is asymmetric, as in VCD - only the solution's own ACL (and Confluent's licence entity) is
    removed. The operator and template ACLs and the rights bundle stay, because other solutions of the org
    may need them.
  - Reads everything with a fixed number of list reads whatever the number of tenants, then writes once per
    real change, one after the other (parallel publishing risks database conflicts in VCD). The rights
    bundle is published to every new org with one call. A publication that was left half done is completed.
  - Unknown solution names and unknown tenants fail before anything is written.
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
    details: The diff shows, per tenant whose publications change, the data solutions before and after.
notes:
  - Tenant users see a newly published solution only in API sessions opened after the publication.
  - Tenant users also need a role that combines C(vmware:dataSolutionsRightsBundle) with the Kubernetes
    cluster rights.
  - Solution names are read from VCD, never from a fixed list, so the module also publishes solutions added
    later (such as DSM Postgres and MySQL).
options:
  publications:
    description: The data solutions to converge and who gets them.
    type: list
    elements: dict
    required: true
    suboptions:
      solution:
        description: The solution's name (C(entity.spec.artifacts[0].name) of its dsConfig), for example
          V(VMware SQL with Postgres).
        type: str
        required: true
      tenants:
        description:
          - Tenant org names that get the solution; an empty list unpublishes it from everyone.
          - V(all) (alone) means every org VCD has now except System.
        type: list
        elements: str
        default: []
      license_type:
        description: Licence of V(Confluent Platform) for the orgs that get it newly.
        type: str
        choices: [With License, No License]
        default: No License
      license_key:
        description: Confluent licence key, with O(publications[].license_type=With License).
        type: str
"""

EXAMPLES = r"""
- name: Data solutions for the tenants of this AZ
  vcdops.platform.vcd_dse_publish:
    publications:
      - solution: VMware SQL with Postgres
        tenants: [tenant-a, tenant-b]
      - solution: VMware SQL with MySQL
        tenants: [tenant-a]
      - solution: Confluent Platform
        tenants: [tenant-a]
        license_type: With License
        license_key: "{{ vault_confluent_license }}"
      - solution: MongoDB
        tenants: []
"""

RETURN = r"""
publications:
  description: Per solution, the tenants that have it after the run.
  returned: always
  type: dict
  sample:
    VMware SQL with Postgres: [tenant-a, tenant-b]
    VMware SQL with MySQL: [tenant-a]
operations:
  description: The writes the run made (or, in check mode, would make), in order.
  returned: always
  type: list
  elements: dict
  sample:
    - {op: bundle, orgs: {tenant-b: "urn:vcloud:org:..."}}
    - {op: grant, "on": VMware SQL with Postgres, org: tenant-b}
    - {op: revoke, "on": MongoDB, org: tenant-c}
"""

from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import InputError, _Base
from ansible_collections.vcdops.platform.plugins.module_utils.vcd import dse
from ansible_collections.vcdops.platform.plugins.module_utils.vcd.client import VcdError, VcdNotFound


class Publish(_Base):
    options = dict(
        publications=dict(type="list", elements="dict", required=True, options=dict(
            solution=dict(type="str", required=True),
            tenants=dict(type="list", elements="str", default=[]),
            license_type=dict(type="str", default="No License", choices=list(dse.LICENSE_TYPES)),
            license_key=dict(type="str", no_log=True),
        )),
    )

    def validate(self):
        names = [p["solution"] for p in self.params["publications"]]
        twice = sorted(set(n for n in names if names.count(n) > 1))
        if twice:
            raise InputError("publications lists %s more than once" % ", ".join(twice))
        for pub in self.params["publications"]:
            tenants = pub["tenants"]
            if any(str(t).lower() == "all" for t in tenants) and len(tenants) > 1:
                raise InputError("%s: tenants 'all' stands alone" % pub["solution"])
            if pub["solution"] == dse.DSO:
                raise InputError("%s (the operator) cannot be published alone: publish the solutions that need it"
                                 % dse.DSO)
            if pub["license_key"] and pub["solution"] != dse.CONFLUENT:
                raise InputError("license_key is for %s only, not %s" % (dse.CONFLUENT, pub["solution"]))
            if pub["license_type"] == "With License" and pub["solution"] == dse.CONFLUENT and not pub["license_key"] \
                    and tenants:
                raise InputError("%s with license_type 'With License' needs license_key" % dse.CONFLUENT)

    def run(self):
        try:
            self.validate()
            result = self.converge()
        except InputError as exc:
            self.fail(str(exc))
        except VcdError as exc:
            self.fail(str(exc))
        if self.warnings:
            result["warnings"] = self.warnings
        self.module.exit_json(**result)

    def converge(self):
        pubs = self.params["publications"]
        pub = dse.Publication(self.client)
        try:
            pub.load([p["solution"] for p in pubs])
        except VcdNotFound as exc:
            if hasattr(pub, "orgs") and all(not p["tenants"] for p in pubs):
                # nothing installed, nothing wanted: nothing to unpublish
                for p in pubs:
                    pub.resolve_tenants(p["tenants"])
                return dict(changed=False, publications=dict((p["solution"], []) for p in pubs), operations=[])
            if self.module.check_mode and hasattr(pub, "orgs"):
                # check mode before the extension is installed: an earlier task would install it
                for p in pubs:
                    pub.resolve_tenants(p["tenants"])  # unknown tenants still fail
                self.warnings.append("check mode: %s; assuming an earlier task would install it" % exc)
                return dict(changed=True, publications={}, operations=[])
            raise
        wanted = [dict(solution=p["solution"], tenants=pub.resolve_tenants(p["tenants"]),
                       license_type=p["license_type"], license_key=p["license_key"]) for p in pubs]
        ops = pub.plan(wanted)
        before_all = pub.tenant_view()
        after_all = pub.after_view(wanted)
        publications = dict((w["solution"], sorted(o["name"] for o in w["tenants"].values())) for w in wanted)
        result = dict(changed=bool(ops), publications=publications, operations=dse.public_ops(ops))
        if not ops:
            return result
        if self.module._diff:
            tenants = sorted(set(before_all) | set(after_all))
            touched = set(op.get("org") for op in ops if op.get("org"))
            for op in ops:
                touched.update((op.get("orgs") or {}).keys())
            changed = [t for t in tenants if before_all.get(t, []) != after_all.get(t, []) or t in touched]
            result["diff"] = dict(before=dict((t, before_all.get(t, [])) for t in changed),
                                  after=dict((t, after_all.get(t, [])) for t in changed))
        if not self.module.check_mode:
            pub.apply(ops)
        return result


def main():
    Publish().run()


if __name__ == "__main__":
    main()
