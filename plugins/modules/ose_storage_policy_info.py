#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ose_storage_policy_info
short_description: List the storage policies, regions and Kubernetes backup settings of Object Storage Extension
description:
  - Returns the storage policies, the regions and the Kubernetes backup (Velero) settings of one OSE.
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
options: {}
notes:
  - The list paths are modelled (docs/assumptions.md, A42 and A44).
"""

EXAMPLES = r"""
- name: What OSE offers
  vcdops.platform.ose_storage_policy_info:
    ose_url: https://ose.az1.example.com
  register: ose_offer
"""

RETURN = r"""
policies:
  description: Storage policies (C(name), C(replicas) or C(ec_k)/C(ec_m), C(data_centers), C(region), C(visible_tenants)).
  returned: always
  type: list
  elements: dict
regions:
  description: Regions (C(name), C(endpoint), C(data_centers)).
  returned: always
  type: list
  elements: dict
backup_settings:
  description: Kubernetes backup settings.
  returned: always
  type: dict
"""

from ansible_collections.vcdops.platform.plugins.module_utils.ose.base import OseModule
from ansible_collections.vcdops.platform.plugins.module_utils.ose.views import (
    BACKUP_SETTINGS, backup_view, policy_view, region_view)


class PolicyInfo(OseModule):
    def converge(self):
        return {"changed": False,
                "policies": [policy_view(p) for p in self.ose.items("/storage-policies", what="list storage policies")],
                "regions": [region_view(r) for r in self.ose.items("/regions", what="list regions")],
                "backup_settings": backup_view(self.ose.get(BACKUP_SETTINGS, what="read the backup settings") or {})}


def main():
    PolicyInfo().run()


if __name__ == "__main__":
    main()
