#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ose_tenants
short_description: Onboard VMware Cloud Director tenants to Object Storage Extension, in bulk
description:
  - Activates (or deactivates) a whole list of tenants (VCD organizations) in OSE and sets their
    region, storage policy, policy lock and storage quota.
  - Reads the VCD organization list and the OSE tenant list once (paged), then sends one
    C(PATCH /api/v1/core/tenants/{id}) per tenant that differs. Task count and list reads do not
    grow with the number of tenants.
  - Every tenant name, region and storage policy is checked before the first write.
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
  tenants:
    description: The tenants to converge. Tenants not listed are left as they are.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: VCD organization name.
        type: str
        required: true
      state:
        description: V(present) activates the tenant, V(absent) deactivates it (its data stays).
        type: str
        choices: [present, absent]
        default: present
      region:
        description: OSE region of the tenant. Unset leaves it as it is.
        type: str
      storage_policy:
        description: Storage policy of the tenant. Unset leaves it as it is.
        type: str
      storage_policy_locked:
        description: Whether the tenant may not change its storage policy. Unset leaves it as it is.
        type: bool
      quota_gb:
        description:
          - Hard storage quota in GiB, V(-1) for unlimited. Unset leaves it as it is.
          - Applied by OSE to the tenant's Cloudian group (modelled, see notes).
        type: int
notes:
  - Tenant activation through REST (C(PATCH /api/v1/core/tenants/{id}) with C(active)) is the modelled
    assumption A41.
  - The read-back of tenants (C(GET /api/v1/core/tenants), paged) and the quota field
    C(hlStorageQuotaKBytes) of the Tenant object are modelled (docs/assumptions.md, A42).
"""

EXAMPLES = r"""
- name: Onboard the tenants of this AZ
  vcdops.platform.ose_tenants:
    ose_url: https://ose.az1.example.com
    vcd_host: vcd.az1.example.com
    vcd_username: administrator
    vcd_password: "{{ vault_vcd_password }}"
    tenants:
      - name: tenant-a
        storage_policy: standard
        storage_policy_locked: true
        quota_gb: 500
      - name: tenant-old
        state: absent
"""

RETURN = r"""
tenants:
  description: The listed tenants as OSE holds them after the run (predicted in check mode).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Organization name.
      type: str
    active:
      description: Whether the tenant is onboarded.
      type: bool
    region:
      description: Region.
      type: str
    storage_policy:
      description: Storage policy.
      type: str
    storage_policy_locked:
      description: Whether the policy is locked.
      type: bool
    quota_gb:
      description: Hard quota in GiB, V(-1) for unlimited.
      type: int
changes:
  description: One entry per tenant that was (or in check mode would be) changed.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Tenant name.
      type: str
    action:
      description: V(activate), V(update) or V(deactivate).
      type: str
"""

from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import InputError
from ansible_collections.vcdops.platform.plugins.module_utils.ose.base import OseModule, bulk_result
from ansible_collections.vcdops.platform.plugins.module_utils.ose.views import KB_PER_GB, tenant_view as view
from ansible_collections.vcdops.platform.plugins.module_utils.vcd.client import uuid_of

FIELDS = ("active", "region", "storage_policy", "storage_policy_locked", "quota_gb")


def wanted(item):
    want = dict(name=item["name"], active=item.get("state", "present") != "absent", region=item.get("region"),
                storage_policy=item.get("storage_policy"), storage_policy_locked=item.get("storage_policy_locked"),
                quota_gb=item.get("quota_gb"))
    if not want["active"]:
        want.update(region=None, storage_policy=None, storage_policy_locked=None, quota_gb=None)
    return want


def plan(current, items):
    """(changes, before, after): current is {name: view}, items the wanted tenants."""
    changes, before, after = [], {}, {}
    for item in items:
        want = wanted(item)
        cur = current[item["name"]]
        new = dict(cur)
        new.update({k: v for k, v in want.items() if v is not None})
        before[item["name"]], after[item["name"]] = cur, new
        diff = {k: new[k] for k in FIELDS if new[k] != cur[k]}
        if diff:
            action = "deactivate" if cur["active"] and not new["active"] else (
                "activate" if new["active"] and not cur["active"] else "update")
            changes.append((item["name"], action, diff))
    return changes, before, after


def body_of(diff):
    body = {}
    names = {"active": "active", "region": "region", "storage_policy": "storagePolicy",
             "storage_policy_locked": "storagePolicyLocked"}
    for key, value in diff.items():
        if key == "quota_gb":
            body["hlStorageQuotaKBytes"] = -1 if value < 0 else value * KB_PER_GB
        else:
            body[names[key]] = value
    return body


class Tenants(OseModule):
    options = dict(
        tenants=dict(type="list", elements="dict", required=True, options=dict(
            name=dict(type="str", required=True),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            region=dict(type="str"),
            storage_policy=dict(type="str"),
            storage_policy_locked=dict(type="bool"),
            quota_gb=dict(type="int"),
        )),
    )

    def validate(self):
        seen = set()
        for item in self.params["tenants"]:
            if item["name"] in seen:
                raise InputError("tenant %s is listed twice" % item["name"])
            seen.add(item["name"])
            if item.get("quota_gb") is not None and item["quota_gb"] < -1:
                raise InputError("quota_gb of %s must be -1 (unlimited) or 0 and more" % item["name"])

    def converge(self):
        items = self.params["tenants"]
        orgs = {o["name"]: o for o in self.vcd.list("/cloudapi/1.0.0/orgs")}
        missing = [i["name"] for i in items if i["name"] not in orgs]
        if missing:
            raise InputError("these tenants are not VCD organizations: %s" % ", ".join(sorted(missing)))
        if any(i.get("storage_policy") for i in items):
            names = {p["name"] for p in self.ose.items("/storage-policies", what="list storage policies")}
            bad = sorted({i["storage_policy"] for i in items if i.get("storage_policy")} - names)
            if bad:
                raise InputError("storage policies not found in OSE: %s" % ", ".join(bad))
        if any(i.get("region") for i in items):
            names = {r["name"] for r in self.ose.items("/regions", what="list regions")}
            bad = sorted({i["region"] for i in items if i.get("region")} - names)
            if bad:
                raise InputError("regions not found in OSE: %s" % ", ".join(bad))
        by_id = {uuid_of(t["id"]): t for t in self.ose.items("/tenants", what="list tenants")}
        current = {}
        for item in items:
            oid = uuid_of(orgs[item["name"]]["id"])
            t = dict(by_id.get(oid) or {"active": False})
            t["name"] = item["name"]
            current[item["name"]] = view(t)
        changes, before, after = plan(current, items)

        def apply(change):
            name, diff = change[0], change[2]
            self.ose.write("PATCH", "/tenants/%s" % uuid_of(orgs[name]["id"]), body_of(diff),
                           what="onboard tenant %s" % name)

        def reread():
            fresh = {uuid_of(t["id"]): t for t in self.ose.items("/tenants", what="list tenants")}
            return [dict(view(fresh.get(uuid_of(orgs[i["name"]]["id"]), {})), name=i["name"]) for i in items]
        return bulk_result(self.module, changes, apply, before, after, "tenants", reread)


def main():
    Tenants().run()


if __name__ == "__main__":
    main()
