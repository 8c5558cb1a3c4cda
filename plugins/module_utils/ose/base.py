# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The flow of the OSE REST API modules: bulk converge with list reads and one write per change.

parse + validate -> log in to VCD (one session) -> read the lists -> plan (one entry per change)
-> nothing to do: changed=False -> check mode: report the plan and diff, stop -> apply each change.
"""

from __future__ import annotations

import copy

from ansible.module_utils.basic import AnsibleModule

from ..common.flow import InputError, vcd_client
from ..vcd.client import VcdError
from .client import OseClient
from .spec import ose_argument_spec


class OseModule:
    options = {}
    module_kwargs = {}

    def __init__(self, module=None):
        self.module = module or AnsibleModule(argument_spec=ose_argument_spec(**copy.deepcopy(self.options)),
                                              supports_check_mode=True, **self.module_kwargs)
        self.params = self.module.params
        self._vcd = None
        self._ose = None

    @property
    def vcd(self):
        if self._vcd is None:
            self._vcd = vcd_client(self.params).connect()
        return self._vcd

    @property
    def ose(self):
        if self._ose is None:
            p = self.params
            self._ose = OseClient(p["ose_url"], self.vcd.access_token, validate_certs=p["ose_validate_certs"],
                                  ca_path=p["ose_ca_path"], request_timeout=p.get("request_timeout") or 60,
                                  retries=p.get("retries", 5))
        return self._ose

    def validate(self):
        """Check the inputs before any request; raise InputError."""

    def run(self):
        try:
            self.validate()
            result = self.converge()
        except InputError as exc:
            self.module.fail_json(msg=str(exc))
        except VcdError as exc:
            self.module.fail_json(msg=str(exc))
        self.module.exit_json(**result)

    def converge(self):
        raise NotImplementedError


def bulk_result(module, changes, apply, before, after, key, items):
    """Common ending of a bulk module: ``changes`` is a list of (name, action, payload)."""
    result = {"changed": bool(changes), "changes": [{"name": change[0], "action": change[1]} for change in changes]}
    if module._diff and changes:
        result["diff"] = {"before": before, "after": after}
    if changes and not module.check_mode:
        for change in changes:
            apply(change)
    result[key] = items() if (changes and not module.check_mode) else list(after.values())
    return result
