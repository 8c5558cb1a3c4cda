#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ose_cloudian_info
short_description: Check the Cloudian HyperStore admin connection that Object Storage Extension will use
description:
  - Logs in to the Cloudian HyperStore Admin API (Basic authentication) and returns its version,
    storage policies and groups, so that a wrong admin password or an unreachable Cloudian fails
    before OSE is configured.
version_added: 0.1.0
author: vcdops platform team (@vcdops)
extends_documentation_fragment:
  - vcdops.platform.cloudian
attributes:
  check_mode:
    support: full
    description: Only reads, so it runs the same in check mode.
  diff_mode:
    support: none
    description: Nothing is changed, so there is no diff.
options:
  groups:
    description: Also list the groups (C(GET /group/list)).
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Check the Cloudian admin credentials
  vcdops.platform.ose_cloudian_info:
    cloudian_url: https://hyperstore.az1.example.com:19443
    cloudian_password: "{{ vault_cloudian_admin_password }}"
"""

RETURN = r"""
version:
  description: HyperStore version.
  returned: success
  type: str
policies:
  description: Storage policies (C(GET /bppolicy/listpolicy)).
  returned: success
  type: list
  elements: dict
groups:
  description: Groups, with O(groups).
  returned: success
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.vcdops.platform.plugins.module_utils.cloudian.client import CloudianClient, CloudianError
from ansible_collections.vcdops.platform.plugins.module_utils.cloudian.spec import cloudian_argument_spec


def main():
    module = AnsibleModule(argument_spec=cloudian_argument_spec(groups=dict(type="bool", default=False)),
                           supports_check_mode=True)
    p = module.params
    try:
        client = CloudianClient(p["cloudian_url"], p["cloudian_username"], p["cloudian_password"],
                                validate_certs=p["cloudian_validate_certs"], ca_path=p["cloudian_ca_path"],
                                request_timeout=p["cloudian_request_timeout"])
        version = client.version()
        policies = client.get("/bppolicy/listpolicy") or []
        groups = (client.get("/group/list") or []) if p["groups"] else []
    except CloudianError as exc:
        module.fail_json(msg=exc.message)
    module.exit_json(changed=False, version=version, policies=policies, groups=groups)


if __name__ == "__main__":
    main()
