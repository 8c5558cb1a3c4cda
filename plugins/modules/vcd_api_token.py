#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vcd_api_token
short_description: Ensure an API token of the logged-in user
description:
  - Makes sure the user the module logs in as (O(vcd_username) in O(vcd_org)) has an API token named
    O(name) (C(/oauth/<provider|tenant/org>/register), then the C(jwt-bearer) grant; api-reference §1.2).
  - VCD shows a token's value only once, when it is made. An existing token is never re-created unless
    O(rotate=true), or O(known_token) is given and no longer logs in while O(rotate_if_invalid=true).
  - RV(token) is returned only when the token was made by this run (RV(created)); run the task with
    C(no_log) - the value is a secret. RV(known_token_valid) says whether O(known_token) logs in.
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
  name:
    description: Token name (the OAuth client name).
    type: str
    required: true
  known_token:
    description: The token's value as last seen (for example in an appliance's guest properties); it is checked.
    type: str
  rotate:
    description: Delete the token and make a new one.
    type: bool
    default: false
  rotate_if_invalid:
    description: Make a new token when O(known_token) does not log in, or when the token exists but O(known_token) is not given.
    type: bool
    default: false
  state:
    description: Whether the token should exist.
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: API token of the CSE service account
  vcdops.platform.vcd_api_token:
    vcd_host: "{{ vcd_host }}"
    vcd_username: cse_admin
    vcd_password: "{{ vault_cse_admin_password }}"
    name: cse-server
  register: cse_token
  no_log: true
"""

RETURN = r"""
token:
  description: The new API token (a refresh token).
  returned: when RV(created)
  type: str
known_token_valid:
  description: Whether O(known_token) logs in.
  returned: when O(known_token) is given and the token exists
  type: bool
id:
  description: URN of the token.
  returned: when it exists
  type: str
created:
  description: Whether a token was made by this run.
  returned: always
  type: bool
"""

from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import _Base
from ansible_collections.vcdops.platform.plugins.module_utils.vcd.client import VcdError, fiql

TOKENS = "/cloudapi/1.0.0/tokens"


class ApiToken(_Base):
    options = dict(
        name=dict(type="str", required=True),
        known_token=dict(type="str", no_log=True),
        rotate=dict(type="bool", default=False),
        rotate_if_invalid=dict(type="bool", default=False),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )

    def _find(self):
        c = self.client
        flt, enc = fiql(name=self.params["name"])
        user = c.user or c.username
        found = [t for t in c.list(TOKENS, filter=flt, encoded=enc)
                 if t.get("name") == self.params["name"] and (t.get("owner") or {}).get("name") in (user, None)]
        return found[0] if found else None

    def _works(self, token):
        c = self.client
        resp = c._send("POST", "/oauth/%s/token" % c.oauth_context, auth=False, headers={"Accept": "application/json"},
                       data={"grant_type": "refresh_token", "refresh_token": token})
        return resp.status_code == 200

    def _make(self):
        c = self.client
        resp = c.request("POST", "/oauth/%s/register" % c.oauth_context, json={"client_name": self.params["name"]},
                         headers={"Accept": "application/json"}, what="register API token %s" % self.params["name"])
        client_id = resp.json()["client_id"]
        resp = c._send("POST", "/oauth/%s/token" % c.oauth_context, auth=False, headers={"Accept": "application/json"},
                       data={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": c.access_token,
                             "client_id": client_id})
        c._raise_for(resp, "POST", "/oauth/%s/token" % c.oauth_context, "mint API token %s" % self.params["name"])
        return client_id, resp.json()["refresh_token"]

    def _delete(self, token):
        self.client.write("DELETE", "%s/%s" % (TOKENS, token["id"]), what="delete API token %s" % self.params["name"])

    def run(self):
        p = self.params
        result = {"changed": False, "created": False}
        try:
            current = self._find()
            before = {"name": p["name"], "exists": current is not None}
            if p["state"] == "absent":
                if current is not None:
                    result["changed"] = True
                    if not self.module.check_mode:
                        self._delete(current)
                after = {"name": p["name"], "exists": False}
            else:
                remake = current is None or p["rotate"]
                if current is not None and not p["rotate"]:
                    valid = bool(p["known_token"]) and self._works(p["known_token"])
                    if p["known_token"]:
                        result["known_token_valid"] = valid
                    if not valid and p["rotate_if_invalid"]:
                        remake = True
                if remake:
                    result["changed"] = True
                    if not self.module.check_mode:
                        if current is not None:
                            self._delete(current)
                        client_id, token = self._make()
                        result.update(created=True, token=token, id="urn:vcloud:token:%s" % client_id)
                elif current is not None:
                    result["id"] = current["id"]
                after = {"name": p["name"], "exists": True, "new_value": remake}
            if self.module._diff and result["changed"]:
                result["diff"] = {"before": before, "after": after}
        except VcdError as exc:
            self.fail(str(exc))
        self.module.exit_json(**result)


def main():
    ApiToken().run()


if __name__ == "__main__":
    main()
