# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection options of the vSphere modules, with environment fallbacks (doc fragment vcdops.platform.vsphere)."""

from __future__ import annotations

from ansible.module_utils.basic import env_fallback


def _env(*names):
    return (env_fallback, list(names))


VSPHERE_SPEC = dict(
    vsphere_host=dict(type="str", fallback=_env("VSPHERE_HOST", "VMWARE_HOST")),
    vsphere_port=dict(type="int", fallback=_env("VSPHERE_PORT", "VMWARE_PORT")),
    vsphere_username=dict(type="str", aliases=["vsphere_user"],
                          fallback=_env("VSPHERE_USER", "VSPHERE_USERNAME", "VMWARE_USER")),
    vsphere_password=dict(type="str", no_log=True, fallback=_env("VSPHERE_PASSWORD", "VMWARE_PASSWORD")),
    vsphere_validate_certs=dict(type="bool", default=True, fallback=_env("VSPHERE_VALIDATE_CERTS")),
    vsphere_ca_path=dict(type="path", fallback=_env("VSPHERE_CA_PATH")),
    vsphere_timeout=dict(type="int", default=60, fallback=_env("VSPHERE_TIMEOUT")),
)


def vsphere_argument_spec(**extra):
    spec = dict(VSPHERE_SPEC)
    spec.update(extra)
    return spec
