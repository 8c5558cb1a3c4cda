#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vcd_rde_type
short_description: Register a Runtime Defined Entity type, its schema and its behavior access controls
description:
  - Creates, updates or deletes an RDE entity type (C(/cloudapi/1.0.0/entityTypes), provider only).
  - "VCD creates the rights C(<vendor>:<nss>: View), C(Modify), C(Full Access), C(Administrator View),
    C(Administrator Full access) and the rights bundle C(<vendor>:<nss> Entitlement) with the type."
  - O(behavior_acls) are merged into the type's behavior access controls (VCD replaces the whole list
    on write, so the module reads it first). Without an access control a behavior cannot run.
  - The interfaces of an existing type cannot change; publish a new version instead.
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
notes:
  - The schema is a JSON schema, draft-04 (assumption A12 in docs/assumptions.md).
options:
  vendor:
    description: Vendor part of the type id.
    type: str
    required: true
  nss:
    description: Namespace part of the type id.
    type: str
    required: true
  version:
    description: Semantic version (C(x.y.z)).
    type: str
    required: true
  name:
    description: Display name. Defaults to O(nss) when the type is created.
    type: str
  description:
    description: Description.
    type: str
  interfaces:
    description: Interfaces the type implements, as URNs or C(vendor:nss:version).
    type: list
    elements: str
    default: []
  schema:
    description: JSON schema of the entities. Mutually exclusive with O(schema_file).
    type: dict
  schema_file:
    description: A file with the JSON schema.
    type: path
  hooks:
    description: Hooks (C(PostCreate), C(PostUpdate), C(PreDelete), C(PostDelete)) mapped to behavior ids.
    type: dict
  behavior_acls:
    description: Access levels needed to run behaviors of the type.
    type: list
    elements: dict
    default: []
    suboptions:
      behavior:
        description: Behavior name or id (C(urn:vcloud:behavior-interface:...)).
        type: str
        required: true
      access_level:
        description: Access level an entity user needs.
        type: str
        choices: [ReadOnly, ReadWrite, FullControl]
        required: true
  state:
    description: Whether the type should exist.
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: CAPVCD cluster type
  vcdops.platform.vcd_rde_type:
    vendor: vmware
    nss: capvcdCluster
    version: 1.3.0
    name: CAPVCD Cluster
    interfaces: ["vmware:k8s:1.0.0"]
    schema_file: files/capvcd-1.3.0.json
    behavior_acls:
      - behavior: urn:vcloud:behavior-interface:getFullEntity:cse:capvcd:1.0.0
        access_level: FullControl
"""

RETURN = r"""
type:
  description: The entity type as the module manages it.
  returned: always
  type: dict
  contains:
    id:
      description: URN of the type.
      type: str
    behavior_acls:
      description: Behavior access controls (behavior id and access level).
      type: list
      elements: dict
"""

import json
import re

from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import InputError, ResourceModule
from ansible_collections.vcdops.platform.plugins.module_utils.vcd import rde

API = "/cloudapi/1.0.0/entityTypes"
SEMVER = re.compile(r"^\d+\.\d+\.\d+$")
LEVEL = "urn:vcloud:accessLevel:%s"


def interface_id(text):
    text = str(text)
    if text.startswith("urn:"):
        return text
    parts = text.split(":")
    if len(parts) != 3:
        raise InputError("interface %r: give a URN or vendor:nss:version" % text)
    return rde.interface_urn(*parts)


class EntityType(ResourceModule):
    result_key = "type"
    options = dict(
        vendor=dict(type="str", required=True),
        nss=dict(type="str", required=True),
        version=dict(type="str", required=True),
        name=dict(type="str"),
        description=dict(type="str"),
        interfaces=dict(type="list", elements="str", default=[]),
        schema=dict(type="dict"),
        schema_file=dict(type="path"),
        hooks=dict(type="dict"),
        behavior_acls=dict(type="list", elements="dict", default=[], options=dict(
            behavior=dict(type="str", required=True),
            access_level=dict(type="str", required=True, choices=["ReadOnly", "ReadWrite", "FullControl"]))),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module_kwargs = dict(mutually_exclusive=[("schema", "schema_file")])

    @property
    def urn(self):
        p = self.params
        return rde.type_urn(p["vendor"], p["nss"], p["version"])

    def validate(self):
        p = self.params
        if not SEMVER.match(p["version"]):
            raise InputError("version %r is not x.y.z" % p["version"])
        self._interfaces = sorted(interface_id(i) for i in p["interfaces"])
        self._schema = p["schema"]
        if p["schema_file"]:
            try:
                with open(p["schema_file"]) as f:
                    self._schema = json.load(f)
            except (OSError, ValueError) as exc:
                raise InputError("schema_file %s cannot be read as JSON: %s" % (p["schema_file"], exc))

    def read(self):
        obj = self.client.get_or_none("%s/%s" % (API, self.urn))
        if obj is None:
            return None
        obj["_acls"] = self.client.list("%s/%s/behaviorAccessControls" % (API, self.urn))
        return obj

    def view(self, current):
        return dict(id=current["id"], name=current.get("name"), description=current.get("description") or "",
                    interfaces=sorted(current.get("interfaces") or []), schema=current.get("schema") or {},
                    hooks=current.get("hooks") or {},
                    behavior_acls=sorted(({"behavior": a["behaviorId"], "access_level": a["accessLevelId"].rsplit(":", 1)[-1]}
                                          for a in current.get("_acls") or []), key=lambda a: a["behavior"]))

    def _behavior_ids(self):
        """Behavior names -> ids; names are looked up among the type's and its interfaces' behaviors."""
        names = [a["behavior"] for a in self.params["behavior_acls"] if not a["behavior"].startswith("urn:")]
        found = {}
        if names:
            for iface in self._interfaces:
                for b in self.client.list("/cloudapi/1.0.0/interfaces/%s/behaviors" % iface):
                    found.setdefault(b["name"], b["id"])
        out = {}
        for a in self.params["behavior_acls"]:
            if a["behavior"].startswith("urn:"):
                out[a["behavior"]] = a["access_level"]
            elif a["behavior"] in found:
                out[found[a["behavior"]]] = a["access_level"]
            else:
                raise InputError("behavior %s is not a behavior of the interfaces %s" % (
                    a["behavior"], ", ".join(self._interfaces) or "(none)"))
        return out

    def desired(self, current):
        p = self.params
        if current is not None and sorted(current.get("interfaces") or []) != self._interfaces:
            raise InputError("type %s implements %s; its interfaces cannot change (publish a new version)" % (
                self.urn, ", ".join(sorted(current.get("interfaces") or [])) or "none"))
        acls = {a["behavior"]: a["access_level"] for a in (self.view(current)["behavior_acls"] if current else [])}
        acls.update(self._behavior_ids())
        return dict(name=p["name"] or (None if current else p["nss"]), description=p["description"],
                    interfaces=self._interfaces, schema=self._schema, hooks=p["hooks"],
                    behavior_acls=sorted(({"behavior": b, "access_level": lvl} for b, lvl in acls.items()),
                                         key=lambda a: a["behavior"]) if p["behavior_acls"] else None)

    def _put_acls(self, want):
        values = [{"behaviorId": a["behavior"], "accessLevelId": LEVEL % a["access_level"]} for a in want["behavior_acls"]]
        self.client.write("PUT", "%s/%s/behaviorAccessControls" % (API, self.urn), {"values": values},
                          what="set the behavior access controls of %s" % self.urn)

    def create(self, want):
        p = self.params
        body = {"name": want["name"], "vendor": p["vendor"], "nss": p["nss"], "version": p["version"],
                "description": want.get("description") or "", "interfaces": want["interfaces"],
                "schema": want.get("schema") or {}}
        if want.get("hooks"):
            body["hooks"] = want["hooks"]
        self.client.create(API, body, "entity type %s" % self.urn,
                           find=lambda: self.client.get_or_none("%s/%s" % (API, self.urn)))
        if want.get("behavior_acls"):
            self._put_acls(want)

    def update(self, current, want, changes):
        if set(changes) - {"behavior_acls"}:
            body = {k: v for k, v in current.items() if not k.startswith("_") and k not in ("readonly",)}
            for key in ("name", "description", "schema", "hooks"):
                if want.get(key) is not None:
                    body[key] = want[key]
            self.client.write("PUT", "%s/%s" % (API, self.urn), body, what="update entity type %s" % self.urn)
        if "behavior_acls" in changes:
            self._put_acls(want)

    def delete(self, current):
        self.client.write("DELETE", "%s/%s" % (API, self.urn), what="delete entity type %s" % self.urn)


def main():
    EntityType().run()


if __name__ == "__main__":
    main()
