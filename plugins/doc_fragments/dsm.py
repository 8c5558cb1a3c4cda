# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  dsm_host:
    description:
      - VMware Data Services Manager appliance, as host name, C(host:port) or URL.
      - If not set, the environment variable E(DSM_HOST) is used.
    type: str
  dsm_username:
    description:
      - With O(dsm_auth=local), the e-mail of a DSM user (the administrator created at deployment, for example).
      - With O(dsm_auth=vsphere), a vCenter user; DSM makes it an infrastructure administrator (C(INFRA_ADMIN)).
      - If not set, the environment variable E(DSM_USERNAME) is used.
    type: str
    aliases: [dsm_user]
  dsm_password:
    description:
      - Password of O(dsm_username).
      - If not set, the environment variable E(DSM_PASSWORD) is used.
    type: str
  dsm_auth:
    description:
      - V(local) logs in with C(POST /provider/session) (DSM users, C(DSM_ADMIN) or C(DSM_USER)).
      - V(vsphere) logs in with C(POST /provider/plugin/session-using-vc-credentials) (C(INFRA_ADMIN), who owns
        IP pools, infrastructure policies and VM classes).
      - If not set, the environment variable E(DSM_AUTH) is used.
    type: str
    choices: [local, vsphere]
    default: local
  dsm_access_token:
    description:
      - A token from M(vcdops.platform.dsm_login), so that a play logs in once.
      - If not set, the environment variable E(DSM_ACCESS_TOKEN) is used.
    type: str
  dsm_validate_certs:
    description:
      - Verify the TLS certificate of DSM.
      - If not set, the environment variable E(DSM_VALIDATE_CERTS) is used.
    type: bool
    default: true
  dsm_ca_path:
    description:
      - PEM file with the CA certificate(s) to trust for DSM.
      - If not set, the environment variable E(DSM_CA_PATH) is used.
    type: path
  dsm_request_timeout:
    description:
      - Seconds to wait for one HTTP answer of DSM.
      - If not set, the environment variable E(DSM_REQUEST_TIMEOUT) is used.
    type: int
    default: 60
  dsm_retries:
    description:
      - How often an idempotent request is retried on 429, 502, 503, 504 and connection resets. A POST is never
        repeated blindly; when its answer is lost the module reads the object instead.
      - If not set, the environment variable E(DSM_RETRIES) is used.
    type: int
    default: 5
notes:
  - All DSM modules belong to the action group C(group/vcdops.platform.dsm) for O(ignore:module_defaults).
  - DSM 2.x REST and Kubernetes-style APIs; names the public record leaves open are modelled and listed in
    C(docs/assumptions.md) (A22-A38).
"""

    WAIT = r"""
options:
  wait:
    description: Wait until the object reports C(Ready) (its C(status.conditions)).
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait for C(Ready).
    type: int
    default: 600
"""
