# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection options of the OSE REST API modules (with environment fallbacks).

OSE authenticates with the VCD session token, so its modules also take the VCD
connection options (``vcd_argument_spec``); ``ose_url`` is the address of the OSE
load balancer (or of one node).
"""

from __future__ import annotations

from ansible.module_utils.basic import env_fallback

from ..common.argspec import vcd_argument_spec

OSE_SPEC = dict(
    ose_url=dict(type="str", fallback=(env_fallback, ["OSE_URL"])),
    ose_validate_certs=dict(type="bool", default=True, fallback=(env_fallback, ["OSE_VALIDATE_CERTS"])),
    ose_ca_path=dict(type="path", fallback=(env_fallback, ["OSE_CA_PATH"])),
)


def ose_argument_spec(**extra):
    spec = vcd_argument_spec(**OSE_SPEC)
    spec.update(extra)
    return spec
