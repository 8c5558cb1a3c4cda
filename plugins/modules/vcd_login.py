#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vcd_login
short_description: Log in to VMware Cloud Director once and return an access token
description:
  - Negotiates the API version and logs in with a password or an API token.
  - Returns an access token and the negotiated API version, to be passed to other modules as
    O(vcd_access_token) and O(vcd_api_version) (for example through C(module_defaults)), so that a
    play logs in only once.
  - Run this task with C(no_log=true), because the token it returns is a secret.
version_added: 0.1.0
author: vcdops platform team (@vcdops)
extends_documentation_fragment:
  - vcdops.platform.vcd
attributes:
  check_mode:
    support: full
    description: Logging in changes nothing, so it also runs in check mode.
  diff_mode:
    support: none
    description: Nothing is changed, so there is no diff.
options: {}
"""

EXAMPLES = r"""
- name: Log in once
  vcdops.platform.vcd_login:
    vcd_host: vcd.example.com
    vcd_username: administrator
    vcd_password: "{{ vault_vcd_password }}"
  register: vcd_session
  no_log: true

- name: Use the session
  vcdops.platform.vcd_org_info:
    vcd_host: vcd.example.com
    vcd_access_token: "{{ vcd_session.access_token }}"
    vcd_api_version: "{{ vcd_session.api_version }}"
"""

RETURN = r"""
access_token:
  description: The bearer token of the new session.
  returned: success
  type: str
api_version:
  description: The negotiated API version.
  returned: success
  type: str
  sample: "39.0"
user:
  description: The logged-in user name.
  returned: success
  type: str
org_id:
  description: URN of the org logged in to.
  returned: success
  type: str
"""

from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import _Base
from ansible_collections.vcdops.platform.plugins.module_utils.vcd.client import VcdError


class Login(_Base):
    def run(self):
        try:
            client = self.client
        except VcdError as exc:
            self.fail(str(exc))
        self.module.exit_json(changed=False, access_token=client.access_token, api_version=client.api_version,
                              user=client.user, org_id=client.org_id)


def main():
    Login().run()


if __name__ == "__main__":
    main()
