#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vcd_rights_info
short_description: Look up rights, and the rights and tenants of bundles, global roles and roles
description:
  - With O(names), returns the id of each right (batched lookups); an unknown right is an error.
  - With O(rights_bundle), O(global_role) or O(role), returns that object's rights and (bundles,
    global roles) the organizations it is published to.
version_added: 0.1.0
author: vcdops platform team (@vcdops)
extends_documentation_fragment:
  - vcdops.platform.vcd
attributes:
  check_mode:
    support: full
    description: Reads only; the same as a normal run.
  diff_mode:
    support: none
    description: Not applicable, nothing changes.
options:
  names:
    description: Names of rights to look up.
    type: list
    elements: str
  rights_bundle:
    description: Name of a rights bundle.
    type: str
  global_role:
    description: Name of a global role.
    type: str
  role:
    description: Name of a role of O(org).
    type: str
  org:
    description: Organization of O(role).
    type: str
    default: System
"""

EXAMPLES = r"""
- name: Rights of the CSE tenants' bundle
  vcdops.platform.vcd_rights_info:
    rights_bundle: Kubernetes Clusters Rights Bundle
  register: bundle
"""

RETURN = r"""
rights:
  description: Rights found, by name (id as value).
  returned: always
  type: dict
object:
  description: The bundle or role asked for, with C(rights) and C(tenants); empty when absent.
  returned: when O(rights_bundle), O(global_role) or O(role) is given
  type: dict
"""

from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import InfoModule, InputError
from ansible_collections.vcdops.platform.plugins.module_utils.vcd import orgs, rights
from ansible_collections.vcdops.platform.plugins.module_utils.vcd.client import VcdError


class RightsInfo(InfoModule):
    options = dict(
        names=dict(type="list", elements="str"),
        rights_bundle=dict(type="str"),
        global_role=dict(type="str"),
        role=dict(type="str"),
        org=dict(type="str", default="System"),
    )
    module_kwargs = dict(mutually_exclusive=[("rights_bundle", "global_role", "role")])

    def run(self):
        p = self.params
        result = {"changed": False, "rights": {}}
        try:
            if p["names"]:
                result["rights"] = rights.right_ids(self.client, p["names"])
            kind, name, org = None, None, None
            if p["rights_bundle"]:
                kind, name = rights.BUNDLES, p["rights_bundle"]
            elif p["global_role"]:
                kind, name = rights.GLOBAL_ROLES, p["global_role"]
            elif p["role"]:
                kind, name = rights.ROLES, p["role"]
                if p["org"].lower() != "system":
                    org = orgs.require_org(self.client, p["org"])
            if kind:
                obj = rights._one(self.client, kind, name, "object", org)
                result["object"] = {}
                if obj:
                    found = rights.rights_of(self.client, kind, obj["id"], org)
                    result["object"] = dict(obj, rights=sorted(found))
                    result["rights"].update(found)
                    if kind != rights.ROLES:
                        result["object"]["tenants"] = sorted(rights.tenants_of(self.client, kind, obj["id"]))
        except (InputError, VcdError) as exc:
            self.fail(str(exc))
        self.module.exit_json(**result)


def main():
    RightsInfo().run()


if __name__ == "__main__":
    main()
