#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ose_storage_policies
short_description: Manage the Cloudian storage policies of Object Storage Extension, in bulk
description:
  - Creates missing storage policies with C(POST /api/v1/core/storage-policies) (replication or
    erasure coding, across one or more data centers for multi-site) and deletes the ones marked
    V(absent). One list read, one write per change.
  - A Cloudian storage policy cannot be changed in place, so a policy that exists with another scheme,
    region or data center list is reported as an error (create a new policy and move the tenants).
version_added: 0.1.0
author: vcdops platform team (@vcdops)
extends_documentation_fragment:
  - vcdops.platform.vcd
  - vcdops.platform.ose
attributes:
  check_mode:
    support: full
    description: Reports what would change and writes nothing.
  diff_mode:
    support: full
    description: Shows the owned fields before and after.
options:
  policies:
    description: The storage policies to converge. Policies not listed are left as they are.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: Policy name.
        type: str
        required: true
      state:
        description: Whether the policy should exist.
        type: str
        choices: [present, absent]
        default: present
      replicas:
        description: Number of replicas (replication scheme). Mutually exclusive with O(policies[].ec_k).
        type: int
      ec_k:
        description: Erasure coding data fragments (with O(policies[].ec_m)).
        type: int
      ec_m:
        description: Erasure coding parity fragments.
        type: int
      data_centers:
        description: Cloudian data centers the policy spans (more than one for multi-site replication).
        type: list
        elements: str
        default: []
      region:
        description: OSE region of the policy.
        type: str
        default: region-1
      visible_tenants:
        description: Tenants (organization names) that may use the policy; empty for all.
        type: list
        elements: str
        default: []
notes:
  - Policy creation through OSE (which creates the Cloudian policy) is the modelled assumption A46.
  - The policy list (C(GET /api/v1/core/storage-policies)) and C(DELETE /api/v1/core/storage-policies/{id})
    are modelled (docs/assumptions.md, A42).
"""

EXAMPLES = r"""
- name: Storage policies, one replicated across both sites
  vcdops.platform.ose_storage_policies:
    ose_url: https://ose.az1.example.com
    policies:
      - name: standard
        replicas: 3
        data_centers: [dc-az1]
      - name: multisite
        replicas: 2
        data_centers: [dc-az1, dc-az2]
"""

RETURN = r"""
policies:
  description: The listed policies that exist after the run.
  returned: always
  type: list
  elements: dict
changes:
  description: One entry per policy created or deleted (or that would be in check mode).
  returned: always
  type: list
  elements: dict
"""

from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import InputError
from ansible_collections.vcdops.platform.plugins.module_utils.ose.base import OseModule, bulk_result
from ansible_collections.vcdops.platform.plugins.module_utils.ose.views import policy_view as view


def body_of(item):
    dcs = list(item.get("data_centers") or [])
    body = {"name": item["name"], "region": item.get("region") or "region-1",
            "visibleTenants": list(item.get("visible_tenants") or [])}
    if item.get("replicas"):
        body["replicationScheme"] = {"replicas": item["replicas"], "dataCenters": dcs}
    else:
        body["ecScheme"] = {"k": item["ec_k"], "m": item["ec_m"], "dataCenters": dcs}
    return body


class Policies(OseModule):
    options = dict(
        policies=dict(type="list", elements="dict", required=True, options=dict(
            name=dict(type="str", required=True),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            replicas=dict(type="int"),
            ec_k=dict(type="int"),
            ec_m=dict(type="int"),
            data_centers=dict(type="list", elements="str", default=[]),
            region=dict(type="str", default="region-1"),
            visible_tenants=dict(type="list", elements="str", default=[]),
        )),
    )

    def validate(self):
        seen = set()
        for p in self.params["policies"]:
            if p["name"] in seen:
                raise InputError("storage policy %s is listed twice" % p["name"])
            seen.add(p["name"])
            if p["state"] == "absent":
                continue
            if bool(p.get("replicas")) == bool(p.get("ec_k") or p.get("ec_m")):
                raise InputError("storage policy %s: give either replicas or ec_k and ec_m" % p["name"])
            if p.get("replicas") is not None and not 1 <= p["replicas"] <= 6:
                raise InputError("storage policy %s: replicas must be 1 to 6" % p["name"])
            if (p.get("ec_k") or p.get("ec_m")) and not (p.get("ec_k", 0) or 0) > 0 < (p.get("ec_m", 0) or 0):
                raise InputError("storage policy %s: ec_k and ec_m must both be positive" % p["name"])

    def converge(self):
        items = self.params["policies"]
        existing = {p["name"]: p for p in self.ose.items("/storage-policies", what="list storage policies")}
        changes, before, after, problems = [], {}, {}, []
        for item in items:
            cur = existing.get(item["name"])
            if item["state"] == "absent":
                if cur:
                    before[item["name"]], after[item["name"]] = view(cur), {}
                    changes.append((item["name"], "delete", cur["id"]))
                continue
            want = view(body_of(item))
            if cur is None:
                before[item["name"]], after[item["name"]] = {}, want
                changes.append((item["name"], "create", body_of(item)))
                continue
            have = view(cur)
            before[item["name"]] = after[item["name"]] = have
            if have != want:
                problems.append("%s (has %s, wanted %s)" % (item["name"], {k: v for k, v in have.items() if v != want[k]},
                                                            {k: v for k, v in want.items() if v != have[k]}))
        if problems:
            raise InputError("storage policies cannot be changed in place; these differ: %s" % "; ".join(problems))

        def apply(change):
            name, action, payload = change
            if action == "create":
                self.ose.write("POST", "/storage-policies", payload, what="create storage policy %s" % name)
            else:
                self.ose.write("DELETE", "/storage-policies/%s" % payload, what="delete storage policy %s" % name)

        def reread():
            fresh = {p["name"]: p for p in self.ose.items("/storage-policies", what="list storage policies")}
            return [view(fresh[i["name"]]) for i in items if i["name"] in fresh]
        result = bulk_result(self.module, changes, apply, before, after, "policies", reread)
        if not result["changed"] or self.module.check_mode:
            result["policies"] = [p for p in result["policies"] if p]
        return result


def main():
    Policies().run()


if __name__ == "__main__":
    main()
