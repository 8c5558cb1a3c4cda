# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection argument specs with environment fallbacks, one per remote API.

Required connection values are checked by the client, not here, so that
``module_defaults`` and AWX credential injection keep working.
"""

from __future__ import annotations

from ansible.module_utils.basic import env_fallback


def _env(*names):
    return (env_fallback, list(names))


VCD_SPEC = dict(
    vcd_host=dict(type="str", fallback=_env("VCD_HOST")),
    vcd_org=dict(type="str", default="System", fallback=_env("VCD_ORG")),
    vcd_username=dict(type="str", aliases=["vcd_user"], fallback=_env("VCD_USER", "VCD_USERNAME")),
    vcd_password=dict(type="str", no_log=True, fallback=_env("VCD_PASSWORD")),
    vcd_api_token=dict(type="str", no_log=True, fallback=_env("VCD_API_TOKEN")),
    vcd_access_token=dict(type="str", no_log=True, fallback=_env("VCD_ACCESS_TOKEN")),
    vcd_api_version=dict(type="str", fallback=_env("VCD_API_VERSION")),
    validate_certs=dict(type="bool", default=True, fallback=_env("VCD_VALIDATE_CERTS")),
    ca_path=dict(type="path", fallback=_env("VCD_CA_PATH")),
    request_timeout=dict(type="int", default=60, fallback=_env("VCD_REQUEST_TIMEOUT")),
    retries=dict(type="int", default=5, fallback=_env("VCD_RETRIES")),
)

WAIT_SPEC = dict(
    timeout=dict(type="int", default=1800),
)


def vcd_argument_spec(**extra):
    spec = dict(VCD_SPEC)
    spec.update(WAIT_SPEC)
    spec.update(extra)
    return spec
