# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  ose_url:
    description:
      - Address of the Object Storage Extension API, normally its load-balancer FQDN (C(https://ose.example.com)).
      - OSE authenticates with the VCD session of the VCD connection options.
      - If not set, the environment variable E(OSE_URL) is used.
    type: str
  ose_validate_certs:
    description:
      - Verify the TLS certificate of OSE.
      - If not set, the environment variable E(OSE_VALIDATE_CERTS) is used.
    type: bool
    default: true
  ose_ca_path:
    description:
      - PEM file with the CA certificate(s) to trust for OSE.
      - If not set, the environment variable E(OSE_CA_PATH) is used.
    type: path
notes:
  - The OSE API modules belong to the action group C(group/vcdops.platform.ose).
"""
