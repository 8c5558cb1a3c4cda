#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vcd_global_role
short_description: Manage a global role, its rights and the tenants it is published to
description:
  - Creates, updates or deletes a global role (C(/cloudapi/1.0.0/globalRoles)); once published, it appears as a read-only role in each tenant organization.
  - Rights are given by name; their ids are looked up in a few batched list reads, and an unknown
    right fails the task before any change.
  - Publishing converges the whole tenant list in bulk - one read of the current tenants, then at most
    one C(publish) and one C(unpublish) call carrying every organization that changes.
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
  name:
    description: Name of the global role.
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
  tenants:
    description: Names of the organizations the role is published to. Omit to leave publishing alone.
    type: list
    elements: str
  tenants_mode:
    description:
      - V(replace) publishes to exactly O(tenants); V(add) publishes to them as well; V(remove)
        unpublishes from them.
    type: str
    choices: [replace, add, remove]
    default: replace
  publish_all:
    description: Publish to every organization (V(true)), or stop doing so (V(false)).
    type: bool
  state:
    description: Whether the global role should exist.
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: Kubernetes Cluster Author, published to the CSE tenants
  vcdops.platform.vcd_global_role:
    name: Kubernetes Cluster Author
    description: Role to create Kubernetes clusters
    rights:
      - "API Tokens: Manage"
      - "vmware:capvcdCluster: View"
    tenants: [tenant-a, tenant-b]
"""

RETURN = r"""
global_role:
  description: The global role as the module manages it.
  returned: always
  type: dict
  contains:
    id:
      description: URN of the global role.
      type: str
    rights:
      description: Names of its rights.
      type: list
      elements: str
    tenants:
      description: Organizations it is published to.
      type: list
      elements: str
    publish_all:
      description: Whether it is published to every organization.
      type: bool
"""

from ansible_collections.vcdops.platform.plugins.module_utils.vcd import rights


class GlobalRole(rights.MappingModule):
    result_key = "global_role"
    kind = rights.GLOBAL_ROLES
    what = "global role"
    options = dict(rights.MAPPING_OPTIONS, **rights.PUBLISH_OPTIONS)


def main():
    GlobalRole().run()


if __name__ == "__main__":
    main()
