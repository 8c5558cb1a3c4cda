#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: dsm_user
short_description: Manage a local DSM user and its roles
description:
  - Creates, updates or deletes a local user of VMware Data Services Manager with C(/provider/users).
  - Directory (LDAPS) users and groups get their roles from M(vcdops.platform.dsm_role_binding) instead.
  - Only a C(DSM_ADMIN) may manage users. The administrator created at deployment cannot be deleted.
version_added: 0.1.0
author: vcdops platform team (@vcdops)
extends_documentation_fragment:
  - vcdops.platform.dsm
attributes:
  check_mode:
    support: full
    description: Reports what would change and writes nothing.
  diff_mode:
    support: full
    description: Shows the owned fields before and after.
notes:
  - The body of C(/provider/users) is modelled as C({email, roles[]}) (assumption A32, docs/assumptions.md).
  - DSM never returns passwords, so a password is set on creation and again only with O(update_password=always).
options:
  email:
    description: E-mail of the user (its login name).
    type: str
    required: true
  roles:
    description: DSM roles. Required with O(state=present).
    type: list
    elements: str
    choices: [DSM_ADMIN, DSM_USER, OBJECT_STORE_ADMIN]
  password:
    description: Password (8-20 characters, upper and lower case, a digit and one of C(?!@#$%^&*_+)). Required to create.
    type: str
  update_password:
    description: V(on_create) sets the password only for a new user; V(always) sets it on every run (reported as a change).
    type: str
    choices: [on_create, always]
    default: on_create
  state:
    description: Whether the user should exist.
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: The account VCD uses to reach DSM
  vcdops.platform.dsm_user:
    email: vcd-integration@example.com
    roles: [DSM_ADMIN]
    password: "{{ vault_dsm_vcd_password }}"
"""

RETURN = r"""
user:
  description: The user (C(email), C(roles)).
  returned: always
  type: dict
"""

from urllib.parse import quote

from ansible_collections.vcdops.platform.plugins.module_utils.dsm.module import DsmResource, InputError
from ansible_collections.vcdops.platform.plugins.module_utils.dsm.validate import email, password


class User(DsmResource):
    result_key = "user"
    options = dict(
        email=dict(type="str", required=True),
        roles=dict(type="list", elements="str", choices=["DSM_ADMIN", "DSM_USER", "OBJECT_STORE_ADMIN"]),
        password=dict(type="str", no_log=True),
        update_password=dict(type="str", default="on_create", choices=["on_create", "always"], no_log=False),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module_kwargs = dict(required_if=[("state", "present", ("roles",))])

    @property
    def path(self):
        return "/provider/users/%s" % quote(self.params["email"], safe="@")

    def validate(self):
        p = self.params
        email(p["email"], "DSM user")
        if p["password"] is not None:
            password(p["password"], "the password of DSM user %s" % p["email"])

    def read(self):
        return self.client.provider_get(self.path, ok_missing=True)

    def view(self, current):
        return {"email": current.get("email"), "roles": sorted(current.get("roles") or [])}

    def desired(self, current):
        want = {"email": self.params["email"], "roles": sorted(self.params["roles"])}
        if current is None and not self.params["password"]:
            raise InputError("DSM user %s does not exist: a password is needed to create it" % self.params["email"])
        if current is not None and self.params["update_password"] == "always" and self.params["password"]:
            want["password"] = "(set again)"
        return want

    def create(self, want):
        self.client.provider_write("POST", "/provider/users", {"email": want["email"], "roles": want["roles"],
                                                               "password": self.params["password"]},
                                   what="create DSM user %s" % want["email"])

    def update(self, current, want, changes):
        body = {"roles": want["roles"]}
        if "password" in changes:
            body["password"] = self.params["password"]
        self.client.provider_write("PUT", self.path, body, what="update DSM user %s" % want["email"])

    def delete(self, current):
        self.client.provider_write("DELETE", self.path, what="delete DSM user %s" % self.params["email"])


def main():
    User().run()


if __name__ == "__main__":
    main()
