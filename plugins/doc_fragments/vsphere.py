# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  vsphere_host:
    description:
      - vCenter Server, as host name, C(host:port) or URL.
      - If not set, the environment variable E(VSPHERE_HOST) is used.
    type: str
  vsphere_port:
    description:
      - Port of vCenter when O(vsphere_host) does not give one (443 by default).
      - If not set, the environment variable E(VSPHERE_PORT) is used.
    type: int
  vsphere_username:
    description:
      - vCenter user.
      - If not set, the environment variable E(VSPHERE_USER) is used.
    type: str
    aliases: [vsphere_user]
  vsphere_password:
    description:
      - Password of O(vsphere_username).
      - If not set, the environment variable E(VSPHERE_PASSWORD) is used.
    type: str
  vsphere_validate_certs:
    description:
      - Verify the TLS certificate of vCenter (and of the hosts the OVA is uploaded to).
      - If not set, the environment variable E(VSPHERE_VALIDATE_CERTS) is used.
    type: bool
    default: true
  vsphere_ca_path:
    description:
      - PEM file with the CA certificate(s) to trust for vCenter.
      - If not set, the environment variable E(VSPHERE_CA_PATH) is used.
    type: path
  vsphere_timeout:
    description:
      - Seconds to wait for one answer of vCenter.
      - If not set, the environment variable E(VSPHERE_TIMEOUT) is used.
    type: int
    default: 60
requirements:
  - pyvmomi >= 8.0.1
notes:
  - All vSphere modules belong to the action group C(group/vcdops.platform.vsphere) for O(ignore:module_defaults).
"""
