# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""VCD's AMQP broker settings (``/api/admin/extension/settings/amqp``), legacy API in JSON.

The JSON keys are the lowerCamelCase of the XML ``vmext:AmqpSettings`` elements.  The password is
write-only: VCD never returns it, so it cannot be compared.
"""

from __future__ import annotations

PATH = "/api/admin/extension/settings/amqp"
TEST_PATH = PATH + "/action/test"
SETTINGS_TYPE = "application/vnd.vmware.admin.amqpSettings+json"

# option name -> JSON key (the password is handled apart)
FIELDS = (
    ("host", "amqpHost"),
    ("port", "amqpPort"),
    ("username", "amqpUsername"),
    ("exchange", "amqpExchange"),
    ("vhost", "amqpVHost"),
    ("use_ssl", "amqpUseSSL"),
    ("ssl_accept_all", "amqpSslAcceptAll"),
    ("prefix", "amqpPrefix"),
)


def read(client):
    return client.get(PATH, legacy=True, what="the AMQP broker settings")


def view(settings):
    """The settings as module options (no password)."""
    out = {}
    for option, key in FIELDS:
        out[option] = (settings or {}).get(key)
    if out["port"] is not None:
        out["port"] = int(out["port"])
    return out


def body(current, want, password=None):
    """A full AmqpSettings body: the current values overlaid with ``want`` (option names)."""
    out = {key: (current or {}).get(key) for _option, key in FIELDS}
    for option, key in FIELDS:
        if want.get(option) is not None:
            out[key] = want[option]
    out["amqpPassword"] = password or None
    return out


def describe(settings_body):
    """``user@host:port vhost V`` for messages (never the password)."""
    return "%s@%s:%s vhost %s (%s)" % (
        settings_body.get("amqpUsername"), settings_body.get("amqpHost"), settings_body.get("amqpPort"),
        settings_body.get("amqpVHost"), "TLS" if settings_body.get("amqpUseSSL") else "no TLS")


def test(client, settings_body):
    """Run VCD's own broker test on ``settings_body``; returns True/False."""
    answer = client.write("POST", TEST_PATH, settings_body, legacy=True, content_type=SETTINGS_TYPE,
                          what="test the AMQP broker settings") or {}
    valid = answer.get("valid")
    if valid is None:
        valid = answer.get("Valid")
    return bool(valid)


def put(client, settings_body):
    return client.write("PUT", PATH, settings_body, legacy=True, content_type=SETTINGS_TYPE,
                        what="update the AMQP broker settings")
