#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: dsm_directory
short_description: Configure the directory service (LDAPS) of DSM
description:
  - Sets, updates or removes the LDAPS directory of VMware Data Services Manager, so that directory users and
    groups can log in to DSM and to the databases (with M(vcdops.platform.dsm_role_binding) for their roles).
  - Only C(ldaps://) URLs are accepted; the CA certificate of the directory is checked before any write.
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
  - The directory settings are modelled (assumption A31, docs/assumptions.md) as C(GET|PUT|DELETE
    /provider/directory-service) with C(url), C(bindDn), C(bindPassword) (write-only), C(userBaseDn),
    C(groupBaseDn) and C(rootCa).
options:
  url:
    description: Directory URL, C(ldaps://host[:port]). Required with O(state=present).
    type: str
  bind_dn:
    description: DN DSM binds with. Required with O(state=present).
    type: str
  bind_password:
    description: Password of O(bind_dn). Needed the first time.
    type: str
  user_base_dn:
    description: Where users are searched. Required with O(state=present).
    type: str
  group_base_dn:
    description: Where groups are searched.
    type: str
  ca_certificate:
    description: PEM CA certificate of the directory.
    type: str
  update_password:
    description: V(on_create) sends the password only when no directory is configured; V(always) on every run.
    type: str
    choices: [on_create, always]
    default: on_create
  state:
    description: Whether DSM should use a directory.
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: Directory of the provider
  vcdops.platform.dsm_directory:
    url: ldaps://ldap.example.com
    bind_dn: cn=dsm,ou=services,dc=example,dc=com
    bind_password: "{{ vault_ldap_bind_password }}"
    user_base_dn: ou=people,dc=example,dc=com
    group_base_dn: ou=groups,dc=example,dc=com
    ca_certificate: "{{ lookup('file', 'ldap-ca.pem') }}"
"""

RETURN = r"""
directory:
  description: The directory settings (no password).
  returned: always
  type: dict
"""

from ansible_collections.vcdops.platform.plugins.module_utils.dsm.module import DsmResource, InputError
from ansible_collections.vcdops.platform.plugins.module_utils.dsm.validate import pem_certificates

PATH = "/provider/directory-service"


class Directory(DsmResource):
    result_key = "directory"
    options = dict(
        url=dict(type="str"),
        bind_dn=dict(type="str"),
        bind_password=dict(type="str", no_log=True),
        user_base_dn=dict(type="str"),
        group_base_dn=dict(type="str"),
        ca_certificate=dict(type="str"),
        update_password=dict(type="str", default="on_create", choices=["on_create", "always"], no_log=False),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module_kwargs = dict(required_if=[("state", "present", ("url", "bind_dn", "user_base_dn"))])

    def validate(self):
        p = self.params
        if p["state"] != "present":
            return
        if not p["url"].startswith("ldaps://"):
            raise InputError("directory url %r must start with ldaps:// (DSM talks to directories over TLS only)"
                             % p["url"])
        self._ca = pem_certificates(p["ca_certificate"], "the directory ca_certificate") if p["ca_certificate"] else ""

    def read(self):
        return self.client.provider_get(PATH, ok_missing=True)

    def view(self, current):
        cur = current
        return {"url": cur.get("url"), "bind_dn": cur.get("bindDn"), "user_base_dn": cur.get("userBaseDn"),
                "group_base_dn": cur.get("groupBaseDn") or "", "ca_certificate": cur.get("rootCa") or ""}

    def desired(self, current):
        p = self.params
        if current is None and not p["bind_password"]:
            raise InputError("no directory is configured yet: bind_password is needed")
        want = {"url": p["url"], "bind_dn": p["bind_dn"], "user_base_dn": p["user_base_dn"],
                "group_base_dn": p["group_base_dn"] or "", "ca_certificate": self._ca}
        if current is not None and p["update_password"] == "always" and p["bind_password"]:
            want["bind_password"] = "(set again)"
        return want

    def _put(self, want, with_password):
        body = {"url": want["url"], "bindDn": want["bind_dn"], "userBaseDn": want["user_base_dn"],
                "groupBaseDn": want["group_base_dn"], "rootCa": want["ca_certificate"]}
        if with_password:
            body["bindPassword"] = self.params["bind_password"]
        self.client.provider_write("PUT", PATH, body, what="configure the directory service")

    def create(self, want):
        self._put(want, True)

    def update(self, current, want, changes):
        self._put(want, "bind_password" in changes)

    def delete(self, current):
        self.client.provider_write("DELETE", PATH, what="remove the directory service")


def main():
    Directory().run()


if __name__ == "__main__":
    main()
