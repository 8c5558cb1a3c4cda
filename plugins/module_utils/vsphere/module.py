# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module flow (common/flow.py) for vSphere modules: connection options and client."""

from __future__ import annotations

import copy

from ansible.module_utils.basic import AnsibleModule

from .client import VsphereClient, VsphereError
from .ova import OvaError
from .spec import vsphere_argument_spec


def vsphere_client(params, task_timeout=1800):
    return VsphereClient(
        host=params.get("vsphere_host"), username=params.get("vsphere_username"),
        password=params.get("vsphere_password"), port=params.get("vsphere_port"),
        validate_certs=params.get("vsphere_validate_certs", True), ca_path=params.get("vsphere_ca_path"),
        timeout=params.get("vsphere_timeout") or 60, task_timeout=task_timeout)


class VsphereMixin:
    """Mix in before a flow class: builds the AnsibleModule from ``options`` + the vSphere options
    (+ ``extra_specs``) and turns vSphere/OVA errors into clear failures."""

    extra_specs = ()

    def __init__(self, module=None):
        if module is None:
            spec = vsphere_argument_spec(**copy.deepcopy(self.options))
            for extra in self.extra_specs:
                spec.update(copy.deepcopy(extra))
            module = AnsibleModule(argument_spec=spec, supports_check_mode=True, **self.module_kwargs)
        super().__init__(module)
        self._vsphere = None

    @property
    def vsphere(self):
        if self._vsphere is None:
            self._vsphere = vsphere_client(self.params).connect()
        return self._vsphere

    def run(self):
        try:
            super().run()
        except (VsphereError, OvaError) as exc:
            self.fail(str(exc))
        finally:
            if self._vsphere is not None:
                self._vsphere.disconnect()
