#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ose_tenant_info
short_description: List the tenants of Object Storage Extension and their storage groups
description:
  - Returns every tenant OSE knows (VCD organizations) with its onboarding state, region, storage
    policy and quota, and the storage tenants (Cloudian groups) of
    C(GET /api/v1/core/storage-tenants).
version_added: 0.1.0
author: vcdops platform team (@vcdops)
extends_documentation_fragment:
  - vcdops.platform.vcd
  - vcdops.platform.ose
attributes:
  check_mode:
    support: full
    description: Only reads, so it runs the same in check mode.
  diff_mode:
    support: none
    description: Nothing is changed, so there is no diff.
options:
  names:
    description: Only these tenants (organization names). All when empty.
    type: list
    elements: str
    default: []
notes:
  - The tenant list C(GET /api/v1/core/tenants) is modelled (docs/assumptions.md, A42).
"""

EXAMPLES = r"""
- name: Onboarded tenants
  vcdops.platform.ose_tenant_info:
    ose_url: https://ose.az1.example.com
  register: ose_tenants
"""

RETURN = r"""
tenants:
  description: The tenants.
  returned: always
  type: list
  elements: dict
storage_tenants:
  description: The storage tenants (C(groupId), C(groupName), C(active)).
  returned: always
  type: list
  elements: dict
"""

from ansible_collections.vcdops.platform.plugins.module_utils.ose.base import OseModule


class TenantInfo(OseModule):
    options = dict(names=dict(type="list", elements="str", default=[]))

    def converge(self):
        names = set(self.params["names"])
        tenants = []
        for t in self.ose.items("/tenants", what="list tenants"):
            if names and t.get("name") not in names:
                continue
            kb = t.get("hlStorageQuotaKBytes")
            tenants.append(dict(id=t.get("id"), name=t.get("name"), active=bool(t.get("active")),
                                region=t.get("region"), storage_policy=t.get("storagePolicy"),
                                storage_policy_locked=bool(t.get("storagePolicyLocked")),
                                quota_gb=-1 if kb is None or int(kb) < 0 else int(kb) // (1024 * 1024)))
        groups = (self.ose.get("/storage-tenants", what="list storage tenants") or {}).get("items") or []
        if names:
            groups = [g for g in groups if g.get("groupName") in names]
        return {"changed": False, "tenants": tenants, "storage_tenants": groups}


def main():
    TenantInfo().run()


if __name__ == "__main__":
    main()
