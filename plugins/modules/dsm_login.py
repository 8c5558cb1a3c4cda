#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: dsm_login
short_description: Log in to VMware Data Services Manager once and return the session token
description:
  - Logs in with C(POST /provider/session) (DSM users) or C(POST /provider/plugin/session-using-vc-credentials)
    (vCenter users, who act as infrastructure administrators) and returns the JWT DSM sends in the
    C(Authorization) response header.
  - Pass the token to other DSM modules as O(dsm_access_token) (for example through C(module_defaults)) so
    that a play logs in only once. Run this task with C(no_log) set to C(true) - the token is a secret.
  - In check mode, a DSM that does not answer yet (the appliance is deployed by the same run) gives a warning
    and no token; the other DSM modules then do the same.
version_added: 0.1.0
author: vcdops platform team (@vcdops)
extends_documentation_fragment:
  - vcdops.platform.dsm
attributes:
  check_mode:
    support: full
    description: Logging in changes nothing, so it also runs in check mode.
  diff_mode:
    support: none
    description: Not supported.
options: {}
"""

EXAMPLES = r"""
- name: Log in as the infrastructure administrator
  vcdops.platform.dsm_login:
    dsm_host: dsm.az1.example.com
    dsm_auth: vsphere
    dsm_username: administrator@vsphere.local
    dsm_password: "{{ vault_vsphere_password }}"
  register: dsm_infra_session
  no_log: true
"""

RETURN = r"""
access_token:
  description: The bearer token of the new session (empty in check mode when DSM does not answer).
  returned: success
  type: str
user:
  description: The logged-in user.
  returned: success
  type: str
roles:
  description: The DSM roles of the session (C(INFRA_ADMIN), C(DSM_ADMIN), C(DSM_USER) ...).
  returned: success
  type: list
  elements: str
"""

from ansible_collections.vcdops.platform.plugins.module_utils.dsm.client import DsmError, DsmUnreachable
from ansible_collections.vcdops.platform.plugins.module_utils.dsm.module import DsmInfo


class Login(DsmInfo):
    options = {}

    def run(self):
        try:
            client = self.client
        except DsmUnreachable as exc:
            if self.module.check_mode:
                self.module.warn("check mode: %s; assuming an earlier task of this run deploys the appliance" % exc)
                self.module.exit_json(changed=False, access_token="", user=self.params.get("dsm_username"), roles=[])
            self.fail(str(exc))
        except DsmError as exc:
            self.fail(str(exc))
        self.module.exit_json(changed=False, access_token=client.access_token, user=client.user, roles=client.roles)


def main():
    Login().run()


if __name__ == "__main__":
    main()
