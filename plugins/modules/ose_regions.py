#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ose_regions
short_description: Manage the regions of a multi-site Object Storage Extension, in bulk
description:
  - Adds the remote regions of a multi-site OSE (Cloudian) with their OSE endpoint and data
    centers, updates their endpoint or data centers, and dismisses the ones marked V(absent).
  - Dismissing a region deactivates its tenants (OSE behaviour), which the module says in a warning.
  - One list read, one write per change.
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
  regions:
    description: The regions to converge. Regions not listed are left as they are.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: Region name.
        type: str
        required: true
      endpoint:
        description: OSE endpoint of the region (C(https://...)); required for a remote region.
        type: str
      data_centers:
        description: Cloudian data centers of the region. Unset leaves them as they are.
        type: list
        elements: str
      state:
        description: Whether the region should exist.
        type: str
        choices: [present, absent]
        default: present
notes:
  - The regions API (C(GET|POST /api/v1/core/regions), C(PUT|DELETE /api/v1/core/regions/{name})) is
    modelled (docs/assumptions.md, A42); the documented UI flow is Add Region, remote endpoint, Validate.
"""

EXAMPLES = r"""
- name: Make each AZ's OSE know the other site
  vcdops.platform.ose_regions:
    ose_url: https://ose.az1.example.com
    regions:
      - name: region-az2
        endpoint: https://ose.az2.example.com
        data_centers: [dc-az2]
"""

RETURN = r"""
regions:
  description: The listed regions after the run.
  returned: always
  type: list
  elements: dict
changes:
  description: One entry per region added, updated or dismissed (or that would be in check mode).
  returned: always
  type: list
  elements: dict
"""

from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import InputError
from ansible_collections.vcdops.platform.plugins.module_utils.ose.base import OseModule, bulk_result
from ansible_collections.vcdops.platform.plugins.module_utils.ose.views import region_view as view


class Regions(OseModule):
    options = dict(
        regions=dict(type="list", elements="dict", required=True, options=dict(
            name=dict(type="str", required=True),
            endpoint=dict(type="str"),
            data_centers=dict(type="list", elements="str"),
            state=dict(type="str", default="present", choices=["present", "absent"]),
        )),
    )

    def validate(self):
        for r in self.params["regions"]:
            if r.get("endpoint") and not r["endpoint"].startswith("https://"):
                raise InputError("region %s: endpoint must be an https:// URL" % r["name"])

    def converge(self):
        items = self.params["regions"]
        existing = {r["name"]: r for r in self.ose.items("/regions", what="list regions")}
        changes, before, after = [], {}, {}
        for item in items:
            cur = existing.get(item["name"])
            if item["state"] == "absent":
                if cur is not None:
                    if cur.get("local"):
                        raise InputError("region %s is the local region and cannot be dismissed" % item["name"])
                    before[item["name"]], after[item["name"]] = view(cur), {}
                    changes.append((item["name"], "dismiss", None))
                continue
            if cur is None:
                if not item.get("endpoint"):
                    raise InputError("region %s does not exist: give its endpoint to add it" % item["name"])
                want = dict(name=item["name"], endpoint=item["endpoint"], data_centers=item.get("data_centers") or [])
                before[item["name"]], after[item["name"]] = {}, want
                changes.append((item["name"], "add", {"name": item["name"], "endpoint": item["endpoint"],
                                                      "dataCenters": want["data_centers"]}))
                continue
            have = view(cur)
            want = dict(have)
            if item.get("endpoint"):
                want["endpoint"] = item["endpoint"]
            if item.get("data_centers") is not None:
                want["data_centers"] = item["data_centers"]
            before[item["name"]], after[item["name"]] = have, want
            if want != have:
                changes.append((item["name"], "update", {"name": item["name"], "endpoint": want["endpoint"],
                                                         "dataCenters": want["data_centers"]}))
        if any(change[1] == "dismiss" for change in changes):
            self.module.warn("dismissing a region deactivates its tenants")

        def apply(change):
            name, action, body = change
            if action == "add":
                self.ose.write("POST", "/regions", body, what="add region %s" % name)
            elif action == "update":
                self.ose.write("PUT", "/regions/%s" % name, body, what="update region %s" % name)
            else:
                self.ose.write("DELETE", "/regions/%s" % name, what="dismiss region %s" % name)

        def reread():
            fresh = {r["name"]: r for r in self.ose.items("/regions", what="list regions")}
            return [view(fresh[i["name"]]) for i in items if i["name"] in fresh]
        result = bulk_result(self.module, changes, apply, before, after, "regions", reread)
        result["regions"] = [r for r in result["regions"] if r]
        return result


def main():
    Regions().run()


if __name__ == "__main__":
    main()
