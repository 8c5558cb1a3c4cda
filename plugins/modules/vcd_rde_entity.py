#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vcd_rde_entity
short_description: Ensure the contents of a Runtime Defined Entity
description:
  - Creates, updates or deletes one RDE, found by type and name (or by O(entity_id)).
  - Create answers with a task; the module reads the new entity's id from it and resolves the entity.
  - Update reads the entity with its C(ETag), applies O(contents) and writes it with C(If-Match);
    when someone else changed it meanwhile (C(412)), it reads again and re-applies, up to 5 times.
  - With O(merge=true) O(contents) is merged into the current contents (dictionaries key by key) and
    keys the module does not name are kept; otherwise the contents are replaced.
  - The diff shows the contents field by field.
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
  - VCD answers C(400) when deleting an entity that was never resolved (assumption A13).
options:
  type:
    description: Entity type as C(vendor:nss:version) or its URN.
    type: str
    required: true
  name:
    description: Entity name. Names are not unique in VCD; with O(unique=true) two matches are an error.
    type: str
    required: true
  entity_id:
    description: URN of the entity, when known (then O(name) is only written).
    type: str
  org:
    description:
      - Organization the entity lives in. A provider sees only System entities unless it acts in a
        tenant's context, which this option sets.
    type: str
    default: System
  contents:
    description: The entity's contents (C(entity)).
    type: dict
  merge:
    description: Merge O(contents) into the current contents instead of replacing them.
    type: bool
    default: false
  external_id:
    description: External id.
    type: str
  resolve:
    description: Resolve the entity after creating or changing it; a schema mismatch then fails the task.
    type: bool
    default: true
  unique:
    description: Fail when more than one entity of the type has O(name).
    type: bool
    default: true
  state:
    description: Whether the entity should exist.
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: A landing zone style singleton
  vcdops.platform.vcd_rde_entity:
    type: vmware:solutions_organization:1.0.0
    name: Solutions Organization
    contents: "{{ landing_zone }}"
"""

RETURN = r"""
entity:
  description: The entity (id, name, state, contents).
  returned: always
  type: dict
"""

import copy
import time

from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import InputError, ResourceModule
from ansible_collections.vcdops.platform.plugins.module_utils.vcd import orgs, rde
from ansible_collections.vcdops.platform.plugins.module_utils.vcd.client import VcdError

RETRIES_412 = 5


def parse_type(text):
    text = str(text)
    if text.startswith("urn:vcloud:type:"):
        parts = text.split(":")[3:]
    else:
        parts = text.split(":")
    if len(parts) != 3:
        raise InputError("type %r: give vendor:nss:version or urn:vcloud:type:vendor:nss:version" % text)
    return parts


def deep_merge(current, want):
    out = copy.deepcopy(current or {})
    for key, value in (want or {}).items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def update_entity(client, entity_id, change, what, retries=RETRIES_412):
    """Rde.update with up to ``retries`` rounds of 412 (each round re-reads and re-applies)."""
    api = rde.Rde(client)
    for attempt in range(retries):
        try:
            return api.update(entity_id, change, what=what)
        except VcdError as exc:
            if "412" not in str(exc) or attempt == retries - 1:
                raise
            time.sleep(0.2 * (attempt + 1))
    return None


class Entity(ResourceModule):
    result_key = "entity"
    options = dict(
        type=dict(type="str", required=True),
        name=dict(type="str", required=True),
        entity_id=dict(type="str"),
        org=dict(type="str", default="System"),
        contents=dict(type="dict"),
        merge=dict(type="bool", default=False),
        external_id=dict(type="str"),
        resolve=dict(type="bool", default=True),
        unique=dict(type="bool", default=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )

    def validate(self):
        self.vendor, self.nss, self.version = parse_type(self.params["type"])
        if self.params["state"] == "present" and self.params["contents"] is None and not self.params["entity_id"]:
            raise InputError("contents is required to create an entity")

    def _tenant(self):
        org = self.params["org"]
        if org and org.lower() != "system":
            o = orgs.require_org(self.client, org)
            self.client.set_tenant(o["id"], o["name"])

    def read(self):
        api = rde.Rde(self.client)
        self._tenant()
        if self.params["entity_id"]:
            try:
                return api.get(self.params["entity_id"])[0]
            except VcdError:
                return None
        found = api.list(self.vendor, self.nss, self.version, name=self.params["name"])
        found = [e for e in found if e.get("entityType") == rde.type_urn(self.vendor, self.nss, self.version)]
        if len(found) > 1 and self.params["unique"]:
            raise InputError("%d entities of %s are named %s; give entity_id" % (
                len(found), self.params["type"], self.params["name"]))
        return found[0] if found else None

    def view(self, current):
        return dict(id=current.get("id"), name=current.get("name"), state=current.get("entityState") or current.get("state"),
                    external_id=current.get("externalId"), contents=current.get("entity") or {})

    def desired(self, current):
        p = self.params
        contents = p["contents"]
        if contents is not None and p["merge"] and current is not None:
            contents = deep_merge(current.get("entity"), contents)
        want = dict(name=p["name"], external_id=p["external_id"], contents=contents)
        if p["resolve"] and current is not None and (current.get("entityState") or current.get("state")) != "RESOLVED":
            want["state"] = "RESOLVED"
        return want

    def create(self, want):
        api = rde.Rde(self.client)
        type_id = rde.type_urn(self.vendor, self.nss, self.version)
        self.created = api.create(type_id, want["name"], want["contents"], external_id=want.get("external_id"),
                                  resolve=self.params["resolve"], find=self._find)

    def _find(self):
        try:
            return self.read()
        except InputError:
            return None

    def update(self, current, want, changes):
        def change(entity):
            if want.get("contents") is not None:
                entity["entity"] = want["contents"]
            entity["name"] = want["name"]
            if want.get("external_id") is not None:
                entity["externalId"] = want["external_id"]
            return entity
        if set(changes) - {"state"}:
            update_entity(self.client, current["id"], change, "update entity %s" % current["id"])
        if self.params["resolve"]:
            state = rde.Rde(self.client).get(current["id"])[0]
            if (state.get("entityState") or state.get("state")) != "RESOLVED":
                rde.Rde(self.client).resolve(current["id"])

    def delete(self, current):
        rde.Rde(self.client).delete(current["id"])


def main():
    Entity().run()


if __name__ == "__main__":
    main()
