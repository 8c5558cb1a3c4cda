#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vcd_certificate
short_description: Manage an item of the VCD certificate library
description:
  - Adds, updates or removes an item of the certificate library (C(/cloudapi/1.0.0/ssl/certificateLibrary)),
    found by its alias.
  - VCD lets only the alias and the description of an item change. When O(certificate) differs from the
    stored one, the item is deleted and added again (VCD refuses to delete an item that is in use).
  - Solution Add-Ons need their signing certificate in the library; M(vcdops.platform.vcd_addon) adds
    it by itself.
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
  alias:
    description: Alias of the item (at most 128 characters).
    type: str
    required: true
  certificate:
    description:
      - PEM encoded certificate (or chain). Required with O(state=present).
      - Compared with the stored certificate by content, white space ignored.
    type: str
  private_key:
    description: PEM encoded private key, for a certificate that VCD presents itself. Never returned by VCD.
    type: str
  private_key_passphrase:
    description: Passphrase of an encrypted O(private_key).
    type: str
  description:
    description: Description of the item.
    type: str
  state:
    description: Whether the item should exist.
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: Trust the signing certificate of an add-on
  vcdops.platform.vcd_certificate:
    alias: addon.vendor-signing
    certificate: "{{ lookup('ansible.builtin.file', 'vendor-signing.pem') }}"
    description: Signs the vendor's Solution Add-Ons
"""

RETURN = r"""
certificate:
  description: The library item as the module manages it (the private key is never returned).
  returned: always
  type: dict
  sample:
    id: urn:vcloud:certificateLibraryItem:6b9c...
    alias: addon.vendor-signing
    description: Signs the vendor's Solution Add-Ons
    certificate_sha256: 0f3c...
"""

import base64
import hashlib

from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import InputError, ResourceModule
from ansible_collections.vcdops.platform.plugins.module_utils.common.iso import pem_bodies
from ansible_collections.vcdops.platform.plugins.module_utils.vcd import addons


def fingerprint(pem):
    bodies = pem_bodies(pem)
    if not bodies:
        return None
    try:
        return hashlib.sha256(base64.b64decode(bodies[0])).hexdigest()
    except (ValueError, TypeError):
        return None


class Certificate(ResourceModule):
    result_key = "certificate"
    options = dict(
        alias=dict(type="str", required=True),
        certificate=dict(type="str"),
        private_key=dict(type="str", no_log=True),
        private_key_passphrase=dict(type="str", no_log=True),
        description=dict(type="str"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module_kwargs = dict(required_if=[("state", "present", ("certificate",))])

    def validate(self):
        p = self.params
        if len(p["alias"]) > 128:
            raise InputError("alias must be at most 128 characters, %s has %d" % (p["alias"], len(p["alias"])))
        if p["state"] == "present" and not pem_bodies(p["certificate"]):
            raise InputError("certificate of %s holds no PEM certificate (-----BEGIN CERTIFICATE-----)" % p["alias"])

    def read(self):
        return addons.find_certificate_alias(self.client, self.params["alias"])

    def view(self, current):
        item = current
        return dict(id=item.get("id"), alias=item.get("alias"), description=item.get("description") or "",
                    certificate_sha256=fingerprint(item.get("certificate")))

    def desired(self, current):
        p = self.params
        return dict(alias=p["alias"], description=p["description"], certificate_sha256=fingerprint(p["certificate"]))

    def create(self, want):
        p = self.params
        addons.add_certificate(self.client, p["alias"], p["certificate"], p["description"], p["private_key"],
                               p["private_key_passphrase"])

    def update(self, current, want, changes):
        if "certificate_sha256" in changes:
            # only alias and description may change: replace the item
            self.delete(current)
            self.create(want)
            return
        body = dict(id=current["id"], alias=current["alias"], certificate=current.get("certificate"),
                    description=want["description"])
        self.client.write("PUT", "%s/%s" % (addons.CERT_LIBRARY, current["id"]), body,
                          what="update certificate library item %s" % current["alias"])

    def delete(self, current):
        self.client.write("DELETE", "%s/%s" % (addons.CERT_LIBRARY, current["id"]),
                          what="delete certificate library item %s (VCD refuses while it is in use)" % current["alias"])


def main():
    Certificate().run()


if __name__ == "__main__":
    main()
