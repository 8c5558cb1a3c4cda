#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vcd_rde_entity_info
short_description: List Runtime Defined Entities of a type
description:
  - Lists the entities of a type (the version may be a prefix such as C(1)), optionally filtered by
    name, state or any C(entity.<path>) value (FIQL C(==)).
  - A provider sees only System entities unless O(org) names a tenant, whose context is then used.
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
  type:
    description: Entity type as C(vendor:nss:version) (version may be a prefix) or its URN.
    type: str
    required: true
  name:
    description: Only entities with this name.
    type: str
  org:
    description: Organization whose entities to list.
    type: str
    default: System
  filters:
    description: 'More C(field==value) filters, for example C({"entity.spec.solutionType": "x"}).'
    type: dict
    default: {}
"""

EXAMPLES = r"""
- name: The CSE server configuration
  vcdops.platform.vcd_rde_entity_info:
    type: vmware:VCDKEConfig:1
    name: vcdKeConfig
  register: cse_config
"""

RETURN = r"""
entities:
  description: The entities found.
  returned: always
  type: list
  elements: dict
"""

from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import InfoModule, InputError
from ansible_collections.vcdops.platform.plugins.module_utils.vcd import orgs, rde


class EntityInfo(InfoModule):
    result_key = "entities"
    options = dict(
        type=dict(type="str", required=True),
        name=dict(type="str"),
        org=dict(type="str", default="System"),
        filters=dict(type="dict", default={}),
    )

    def items(self):
        text = self.params["type"]
        parts = text.split(":")[3:] if text.startswith("urn:vcloud:type:") else text.split(":")
        if len(parts) != 3:
            raise InputError("type %r: give vendor:nss:version" % text)
        org = self.params["org"]
        if org and org.lower() != "system":
            o = orgs.require_org(self.client, org)
            self.client.set_tenant(o["id"], o["name"])
        equals = dict(self.params["filters"])
        if self.params["name"]:
            equals["name"] = self.params["name"]
        return rde.Rde(self.client).list(parts[0], parts[1], parts[2], **equals)


def main():
    EntityInfo().run()


if __name__ == "__main__":
    main()
