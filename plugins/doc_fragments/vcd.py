# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  vcd_host:
    description:
      - VMware Cloud Director host name, C(host:port) or URL.
      - If not set, the environment variable E(VCD_HOST) is used.
    type: str
  vcd_org:
    description:
      - Organization to log in to. V(System) logs in as a provider.
      - If not set, the environment variable E(VCD_ORG) is used.
    type: str
    default: System
  vcd_username:
    description:
      - User name (without C(@org)).
      - If not set, the environment variable E(VCD_USER) is used.
    type: str
    aliases: [vcd_user]
  vcd_password:
    description:
      - Password of O(vcd_username).
      - If not set, the environment variable E(VCD_PASSWORD) is used.
    type: str
  vcd_api_token:
    description:
      - API token (refresh token) to log in with instead of a password.
      - If not set, the environment variable E(VCD_API_TOKEN) is used.
    type: str
  vcd_access_token:
    description:
      - An access token from M(vcdops.platform.vcd_login), so that a play logs in only once.
      - When set, no other credentials are needed.
      - If not set, the environment variable E(VCD_ACCESS_TOKEN) is used.
    type: str
  vcd_api_version:
    description:
      - API version to use. By default the highest version offered by VCD between 37.0 and 39.1.
      - If not set, the environment variable E(VCD_API_VERSION) is used.
    type: str
  validate_certs:
    description:
      - Verify the TLS certificate of VCD.
      - If not set, the environment variable E(VCD_VALIDATE_CERTS) is used.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file with the CA certificate(s) to trust for VCD.
      - If not set, the environment variable E(VCD_CA_PATH) is used.
    type: path
  request_timeout:
    description:
      - Seconds to wait for one HTTP answer.
      - If not set, the environment variable E(VCD_REQUEST_TIMEOUT) is used.
    type: int
    default: 60
  retries:
    description:
      - How often an idempotent request is retried on 429, 502, 503, 504 and connection resets
        (honouring C(Retry-After)). A POST is re-sent only after 429 or 503; when the answer to a
        POST is lost the module reads again instead of posting twice.
      - If not set, the environment variable E(VCD_RETRIES) is used.
    type: int
    default: 5
  timeout:
    description:
      - Seconds to wait for VCD tasks started by the module.
    type: int
    default: 1800
notes:
  - All VCD modules belong to the action group C(group/vcdops.platform.vcd) for O(ignore:module_defaults).
"""
