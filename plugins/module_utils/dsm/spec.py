# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection options of the DSM modules, with environment fallbacks (doc fragment vcdops.platform.dsm)."""

from __future__ import annotations

from ansible.module_utils.basic import env_fallback


def _env(*names):
    return (env_fallback, list(names))


DSM_SPEC = dict(
    dsm_host=dict(type="str", fallback=_env("DSM_HOST")),
    dsm_username=dict(type="str", aliases=["dsm_user"], fallback=_env("DSM_USERNAME", "DSM_USER")),
    dsm_password=dict(type="str", no_log=True, fallback=_env("DSM_PASSWORD")),
    dsm_auth=dict(type="str", default="local", choices=["local", "vsphere"], fallback=_env("DSM_AUTH")),
    dsm_access_token=dict(type="str", no_log=True, fallback=_env("DSM_ACCESS_TOKEN")),
    dsm_validate_certs=dict(type="bool", default=True, fallback=_env("DSM_VALIDATE_CERTS")),
    dsm_ca_path=dict(type="path", fallback=_env("DSM_CA_PATH")),
    dsm_request_timeout=dict(type="int", default=60, fallback=_env("DSM_REQUEST_TIMEOUT")),
    dsm_retries=dict(type="int", default=5, fallback=_env("DSM_RETRIES")),
)

WAIT_SPEC = dict(
    wait=dict(type="bool", default=True),
    wait_timeout=dict(type="int", default=600),
)


def dsm_argument_spec(**extra):
    spec = dict(DSM_SPEC)
    spec.update(extra)
    return spec
