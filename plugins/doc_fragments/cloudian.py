# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  cloudian_url:
    description:
      - Address of the Cloudian HyperStore Admin API (C(https://hyperstore.example.com:19443)).
      - If not set, the environment variable E(CLOUDIAN_ADMIN_URL) is used.
    type: str
  cloudian_username:
    description:
      - Admin API user.
      - If not set, the environment variable E(CLOUDIAN_ADMIN_USER) is used.
    type: str
    default: sysadmin
  cloudian_password:
    description:
      - Password of O(cloudian_username).
      - If not set, the environment variable E(CLOUDIAN_ADMIN_PASSWORD) is used.
    type: str
  cloudian_validate_certs:
    description:
      - Verify the TLS certificate of the Admin API.
      - If not set, the environment variable E(CLOUDIAN_VALIDATE_CERTS) is used.
    type: bool
    default: true
  cloudian_ca_path:
    description:
      - PEM file with the CA certificate(s) to trust for the Admin API.
      - If not set, the environment variable E(CLOUDIAN_CA_PATH) is used.
    type: path
  cloudian_request_timeout:
    description:
      - Seconds to wait for one answer.
      - If not set, the environment variable E(CLOUDIAN_REQUEST_TIMEOUT) is used.
    type: int
    default: 30
"""
