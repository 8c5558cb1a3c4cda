#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vcd_user
short_description: Manage a local user of an organization
description:
  - Creates, updates or deletes a local user (C(/cloudapi/1.0.0/users)) of O(org) with one role.
  - The password is write-only; by default it is set when the user is created
    (O(update_password=on_create)). V(always) sets it on every run, which always reports a change.
  - A session opened with an API token cannot manage users (VCD refuses it).
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
    description: Organization of the user.
    type: str
    default: System
  name:
    description: User name.
    type: str
    required: true
  password:
    description: Password (needed to create the user).
    type: str
  update_password:
    description: When to write O(password).
    type: str
    choices: [on_create, always]
    default: on_create
  role:
    description: Name of the user's role (an org role, or a global role published to the org).
    type: str
  full_name:
    description: Full name.
    type: str
  description:
    description: Description.
    type: str
  email:
    description: E-mail address.
    type: str
  enabled:
    description: Whether the user may log in.
    type: bool
  state:
    description: Whether the user should exist.
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: CSE service account
  vcdops.platform.vcd_user:
    name: cse_admin
    password: "{{ vault_cse_admin_password }}"
    role: CSE Admin Role
"""

RETURN = r"""
user:
  description: The user as the module manages it (never the password).
  returned: always
  type: dict
"""

from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import InputError, ResourceModule
from ansible_collections.vcdops.platform.plugins.module_utils.vcd import orgs, rights
from ansible_collections.vcdops.platform.plugins.module_utils.vcd.client import VcdNotFound

API = "/cloudapi/1.0.0/users"


class User(ResourceModule):
    result_key = "user"
    options = dict(
        org=dict(type="str", default="System"),
        name=dict(type="str", required=True),
        password=dict(type="str", no_log=True),
        update_password=dict(type="str", default="on_create", choices=["on_create", "always"], no_log=False),
        role=dict(type="str"),
        full_name=dict(type="str"),
        description=dict(type="str"),
        email=dict(type="str"),
        enabled=dict(type="bool"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )

    def _org(self):
        if self.params["org"].lower() == "system":
            return None
        if not hasattr(self, "_org_obj"):
            self._org_obj = orgs.require_org(self.client, self.params["org"])
        return self._org_obj

    def _ctx(self):
        org = self._org()
        if org:
            self.client.set_tenant(org["id"], org["name"])

    def read(self):
        self._ctx()
        found = [u for u in self.client.find(API, username=self.params["name"]) if u.get("username") == self.params["name"]]
        return found[0] if found else None

    def view(self, current):
        roles = current.get("roleEntityRefs") or []
        return dict(id=current.get("id"), name=current.get("username"), role=roles[0].get("name") if roles else None,
                    full_name=current.get("fullName") or "", description=current.get("description") or "",
                    email=current.get("email") or "", enabled=current.get("enabled", True))

    def desired(self, current):
        p = self.params
        if current is None and not p["password"]:
            raise InputError("password is required to create user %s" % p["name"])
        if current is None and not p["role"]:
            raise InputError("role is required to create user %s" % p["name"])
        want = dict(name=p["name"], role=p["role"], full_name=p["full_name"], description=p["description"],
                    email=p["email"], enabled=p["enabled"])
        if p["update_password"] == "always" and current is not None and p["password"]:
            want["password"] = "(new password)"
        return want

    def _role_ref(self, name):
        role = rights.find_role(self.client, name, self._org())
        if role is None:
            raise VcdNotFound("role %s does not exist in org %s" % (name, self.params["org"]))
        return {"name": role["name"], "id": role["id"]}

    def create(self, want):
        p = self.params
        body = {"username": p["name"], "password": p["password"], "roleEntityRefs": [self._role_ref(p["role"])],
                "fullName": p["full_name"] or "", "description": p["description"] or "", "email": p["email"] or "",
                "enabled": p["enabled"] is not False, "providerType": "LOCAL"}
        self._ctx()
        self.client.create(API, body, "user %s" % p["name"], find=self.read)

    def update(self, current, want, changes):
        p = self.params
        body = {k: v for k, v in current.items() if k not in ("password",)}
        if "role" in changes:
            body["roleEntityRefs"] = [self._role_ref(p["role"])]
        for opt, key in (("full_name", "fullName"), ("description", "description"), ("email", "email"),
                         ("enabled", "enabled")):
            if opt in changes:
                body[key] = want[opt]
        if "password" in changes:
            body["password"] = p["password"]
        self._ctx()
        self.client.write("PUT", "%s/%s" % (API, current["id"]), body, what="update user %s" % p["name"])

    def delete(self, current):
        self._ctx()
        self.client.write("DELETE", "%s/%s" % (API, current["id"]), what="delete user %s" % current["username"])


def main():
    User().run()


if __name__ == "__main__":
    main()
