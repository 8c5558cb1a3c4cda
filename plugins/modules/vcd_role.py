#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vcd_role
short_description: Manage a role of an organization and its rights
description:
  - Creates, updates or deletes a role of one organization (C(/cloudapi/1.0.0/roles), in the tenant
    context of O(org) when it is not V(System)).
  - Rights are given by name; an unknown right fails the task before any change.
  - A session opened with an API token cannot change roles (VCD refuses it).
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
options:
  org:
    description: Organization of the role.
    type: str
    default: System
  name:
    description: Name of the role.
    type: str
    required: true
  description:
    description: Description.
    type: str
  rights:
    description: Names of the rights. Omit to leave the rights alone.
    type: list
    elements: str
  rights_mode:
    description: V(replace) makes O(rights) the exact set; V(add) only adds missing ones.
    type: str
    choices: [replace, add]
    default: replace
  state:
    description: Whether the role should exist.
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: CSE Admin Role in System
  vcdops.platform.vcd_role:
    name: CSE Admin Role
    description: Used for administrative purposes
    rights:
      - "API Tokens: Manage"
      - "vmware:VCDKEConfig: Administrator Full access"
"""

RETURN = r"""
role:
  description: The role as the module manages it.
  returned: always
  type: dict
  contains:
    id:
      description: URN of the role.
      type: str
    rights:
      description: Names of its rights.
      type: list
      elements: str
"""

from ansible_collections.vcdops.platform.plugins.module_utils.vcd import orgs, rights


class Role(rights.MappingModule):
    result_key = "role"
    kind = rights.ROLES
    what = "role"
    publishable = False
    options = dict(rights.MAPPING_OPTIONS, org=dict(type="str", default="System"))

    def org(self):
        name = self.params["org"]
        if not name or name.lower() == "system":
            return None
        if not hasattr(self, "_org"):
            self._org = orgs.require_org(self.client, name)
        return self._org


def main():
    Role().run()


if __name__ == "__main__":
    main()
