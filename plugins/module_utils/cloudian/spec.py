# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection options of the Cloudian HyperStore Admin API (with environment fallbacks)."""

from __future__ import annotations

from ansible.module_utils.basic import env_fallback


def _env(*names):
    return (env_fallback, list(names))


CLOUDIAN_SPEC = dict(
    cloudian_url=dict(type="str", fallback=_env("CLOUDIAN_ADMIN_URL")),
    cloudian_username=dict(type="str", default="sysadmin", fallback=_env("CLOUDIAN_ADMIN_USER")),
    cloudian_password=dict(type="str", no_log=True, fallback=_env("CLOUDIAN_ADMIN_PASSWORD")),
    cloudian_validate_certs=dict(type="bool", default=True, fallback=_env("CLOUDIAN_VALIDATE_CERTS")),
    cloudian_ca_path=dict(type="path", fallback=_env("CLOUDIAN_CA_PATH")),
    cloudian_request_timeout=dict(type="int", default=30, fallback=_env("CLOUDIAN_REQUEST_TIMEOUT")),
)


def cloudian_argument_spec(**extra):
    spec = dict(CLOUDIAN_SPEC)
    spec.update(extra)
    return spec
