#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vcd_rde_interface
short_description: Register a Runtime Defined Entity interface and its behaviors
description:
  - Creates, renames or deletes an RDE interface (C(/cloudapi/1.0.0/interfaces), provider only) and adds
    the behaviors it should have.
  - VCD refuses to add a behavior to an interface that an entity type already uses, so declare the
    behaviors before any type uses the interface. Behaviors are only ever added, never removed.
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
  vendor:
    description: Vendor part of the interface id.
    type: str
    required: true
  nss:
    description: Namespace part of the interface id.
    type: str
    required: true
  version:
    description: Semantic version (C(x.y.z)).
    type: str
    required: true
  name:
    description: Display name. Defaults to O(nss) when the interface is created.
    type: str
  behaviors:
    description: Behaviors the interface must have.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: Behavior name.
        type: str
        required: true
      execution:
        description: "How the behavior runs, for example C({type: noop, id: getFullEntity})."
        type: dict
        required: true
      description:
        description: Description.
        type: str
  state:
    description: Whether the interface should exist.
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: CSE's interface with its getFullEntity behavior
  vcdops.platform.vcd_rde_interface:
    vendor: cse
    nss: capvcd
    version: 1.0.0
    name: cseInterface
    behaviors:
      - name: getFullEntity
        execution: {type: noop, id: getFullEntity}
"""

RETURN = r"""
interface:
  description: The interface as the module manages it.
  returned: always
  type: dict
  contains:
    id:
      description: URN of the interface.
      type: str
    behaviors:
      description: Its behaviors (name, id, execution).
      type: list
      elements: dict
"""

import re

from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import InputError, ResourceModule
from ansible_collections.vcdops.platform.plugins.module_utils.vcd import rde

API = "/cloudapi/1.0.0/interfaces"
SEMVER = re.compile(r"^\d+\.\d+\.\d+$")


class Interface(ResourceModule):
    result_key = "interface"
    options = dict(
        vendor=dict(type="str", required=True),
        nss=dict(type="str", required=True),
        version=dict(type="str", required=True),
        name=dict(type="str"),
        behaviors=dict(type="list", elements="dict", default=[], options=dict(
            name=dict(type="str", required=True),
            execution=dict(type="dict", required=True),
            description=dict(type="str"))),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )

    @property
    def urn(self):
        p = self.params
        return rde.interface_urn(p["vendor"], p["nss"], p["version"])

    def validate(self):
        if not SEMVER.match(self.params["version"]):
            raise InputError("version %r is not x.y.z" % self.params["version"])
        for b in self.params["behaviors"]:
            if not (b["execution"] or {}).get("type"):
                raise InputError("behavior %s: execution needs a type (noop, WebHook, MQTT, VRO, AWSLambda, Activity)"
                                 % b["name"])

    def read(self):
        obj = self.client.get_or_none("%s/%s" % (API, self.urn))
        if obj is None:
            return None
        obj["_behaviors"] = self.client.list("%s/%s/behaviors" % (API, self.urn))
        return obj

    def view(self, current):
        return dict(id=current["id"], name=current.get("name"), vendor=current.get("vendor"), nss=current.get("nss"),
                    version=current.get("version"),
                    behaviors=sorted(({"name": b["name"], "id": b.get("id"), "execution": b.get("execution") or {}}
                                      for b in current.get("_behaviors") or []), key=lambda b: b["name"]))

    def desired(self, current):
        p = self.params
        have = {b["name"]: b for b in (self.view(current)["behaviors"] if current else [])}
        wanted = dict(have)
        for b in p["behaviors"]:
            if b["name"] not in have:
                wanted[b["name"]] = {"name": b["name"], "id": None, "execution": b["execution"]}
        return dict(name=p["name"] or (None if current else p["nss"]), vendor=p["vendor"], nss=p["nss"],
                    version=p["version"], behaviors=sorted(wanted.values(), key=lambda b: b["name"]))

    def _add_behaviors(self, have):
        for b in self.params["behaviors"]:
            if b["name"] in have:
                continue
            body = {"name": b["name"], "execution": b["execution"]}
            if b.get("description"):
                body["description"] = b["description"]
            self.client.write("POST", "%s/%s/behaviors" % (API, self.urn), body,
                              what="add behavior %s to interface %s" % (b["name"], self.urn))

    def create(self, want):
        p = self.params
        self.client.create(API, {"name": want["name"], "vendor": p["vendor"], "nss": p["nss"], "version": p["version"]},
                           "interface %s" % self.urn, find=lambda: self.client.get_or_none("%s/%s" % (API, self.urn)))
        self._add_behaviors(set())

    def update(self, current, want, changes):
        if "name" in changes:
            body = {k: current[k] for k in ("name", "vendor", "nss", "version") if k in current}
            body["name"] = want["name"]
            self.client.write("PUT", "%s/%s" % (API, self.urn), body, what="rename interface %s" % self.urn)
        if "behaviors" in changes:
            self._add_behaviors({b["name"] for b in current.get("_behaviors") or []})

    def delete(self, current):
        self.client.write("DELETE", "%s/%s" % (API, self.urn), what="delete interface %s" % self.urn)


def main():
    Interface().run()


if __name__ == "__main__":
    main()
