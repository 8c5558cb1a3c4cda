#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vcd_amqp_settings
short_description: Converge VMware Cloud Director's AMQP broker settings and test them
description:
  - Reads C(GET /api/admin/extension/settings/amqp) and, when a setting differs, writes the whole
    C(AmqpSettings) with C(PUT) (system administrator only).
  - Before writing, the new settings are checked with VCD's own test call
    (C(POST /api/admin/extension/settings/amqp/action/test), answer C(AmqpSettingsTest)), so that a
    wrong host, port, virtual host, exchange, user or password fails the task B(before) anything is
    changed. The test runs only when something is about to change, never on a run that changes
    nothing (a second run sends no request but the read), and never in check mode (it is a C(POST)).
  - The reference design has one highly available RabbitMQ per AZ, integrated with the local VCD; App
    Launchpad in HA needs it (its own direct exchange lives in the same virtual host).
  - VCD never returns the password, so it cannot be compared. It is sent with every write, and
    O(update_password=always) forces a write (and a test) to set it.
version_added: 0.1.0
author: vcdops platform team (@vcdops)
extends_documentation_fragment:
  - vcdops.platform.vcd
attributes:
  check_mode:
    support: full
    description: Reports what would change; the broker test is not run in check mode.
  diff_mode:
    support: full
    description: Shows the settings before and after (never the password).
notes:
  - The exchange is created on the broker by hand (topic, durable), as VMware documents; this module does
    not talk to RabbitMQ itself.
  - AMQP is deprecated in VCD 10.6.
options:
  host:
    description: Broker host name or IP address, as VCD cells reach it.
    type: str
    required: true
  port:
    description: Broker port, usually V(5671) with TLS and V(5672) without.
    type: int
    default: 5671
  use_ssl:
    description: Connect with TLS (recommended by the reference design).
    type: bool
    default: true
  ssl_accept_all:
    description:
      - Accept any broker certificate. When V(false), VCD must trust the broker certificate.
    type: bool
    default: false
  vhost:
    description: Virtual host.
    type: str
    default: /
  exchange:
    description: Exchange VCD publishes to (topic, durable, created beforehand).
    type: str
    default: systemExchange
  prefix:
    description: Prefix of VCD's queue and routing names.
    type: str
    default: vcd
  username:
    description: Broker user.
    type: str
    required: true
  password:
    description:
      - Password of O(username). Required to change the settings (VCD keeps the stored password
        when none is sent, but the test then runs with the stored one).
    type: str
  update_password:
    description:
      - V(on_change) sends the password only when another setting changes (the password cannot be
        read back, so it is not compared).
      - V(always) writes (and tests) the settings on every run, to set a new password.
    type: str
    choices: [on_change, always]
    default: on_change
  test:
    description:
      - Test the new settings with VCD's test call before writing them, and fail without writing when
        VCD cannot connect. Only runs when something changes.
    type: bool
    default: true
"""

EXAMPLES = r"""
- name: VCD uses the AZ's RabbitMQ
  vcdops.platform.vcd_amqp_settings:
    host: rabbitmq.az1.example.com
    port: 5671
    use_ssl: true
    vhost: vcd
    exchange: systemExchange
    username: vcd
    password: "{{ vault_amqp_password }}"
"""

RETURN = r"""
amqp:
  description: The AMQP settings (never the password).
  returned: always
  type: dict
  contains:
    host:
      description: Broker host.
      type: str
    port:
      description: Broker port.
      type: int
    username:
      description: Broker user.
      type: str
    vhost:
      description: Virtual host.
      type: str
    exchange:
      description: Exchange.
      type: str
    use_ssl:
      description: Whether TLS is used.
      type: bool
    ssl_accept_all:
      description: Whether any broker certificate is accepted.
      type: bool
    prefix:
      description: Queue and routing prefix.
      type: str
tested:
  description: Whether VCD's broker test ran (and passed) in this run.
  returned: always
  type: bool
"""

from ansible_collections.vcdops.platform.plugins.module_utils.alp import amqp
from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import InputError, ResourceModule


class AmqpSettings(ResourceModule):
    result_key = "amqp"
    options = dict(
        host=dict(type="str", required=True),
        port=dict(type="int", default=5671),
        use_ssl=dict(type="bool", default=True),
        ssl_accept_all=dict(type="bool", default=False),
        vhost=dict(type="str", default="/"),
        exchange=dict(type="str", default="systemExchange"),
        prefix=dict(type="str", default="vcd"),
        username=dict(type="str", required=True),
        password=dict(type="str", no_log=True),
        update_password=dict(type="str", default="on_change", choices=["on_change", "always"], no_log=False),
        test=dict(type="bool", default=True),
    )

    def __init__(self, module=None):
        super().__init__(module)
        self.tested = False

    def validate(self):
        p = self.params
        if not p["host"] or not p["host"].strip():
            raise InputError("host must not be empty")
        if not 0 < p["port"] < 65536:
            raise InputError("port must be between 1 and 65535 (got %s)" % p["port"])
        if not p["username"]:
            raise InputError("username must not be empty")
        if not p["vhost"] or not p["exchange"]:
            raise InputError("vhost and exchange must not be empty")
        if p["update_password"] == "always" and not p["password"]:
            raise InputError("update_password=always needs password")
        if p["ssl_accept_all"] and not p["use_ssl"]:
            self.module.warn("ssl_accept_all has no effect without use_ssl")

    def read(self):
        return amqp.read(self.client)

    def view(self, current):
        out = amqp.view(current)
        # the password cannot be read back: "always" makes it a change of its own
        out["password"] = "(stored)"
        return out

    def desired(self, current):
        p = self.params
        want = {option: p[option] for option, _key in amqp.FIELDS}
        if p["update_password"] == "always":
            want["password"] = "(new)"
        return want

    def update(self, current, want, changes):
        p = self.params
        settings = amqp.body(current, want, p["password"])
        if p["test"]:
            if not amqp.test(self.client, settings):
                raise InputError(
                    "VCD's AMQP test failed for %s, exchange %s: VCD could not connect to the broker or log in "
                    "with these settings (check host, port, TLS, vhost, exchange, user and password); the "
                    "settings were not changed" % (amqp.describe(settings), settings.get("amqpExchange")))
            self.tested = True
        amqp.put(self.client, settings)

    def returned(self, obj):
        return amqp.view(obj) if obj else {}

    def _converge(self):
        result = super()._converge()
        result["tested"] = self.tested
        # the password placeholder is only there to make update_password=always a change
        result.get(self.result_key, {}).pop("password", None)
        for side in ("before", "after"):
            shown = (result.get("diff") or {}).get(side)
            if isinstance(shown, dict):
                shown.pop("password", None)
                if side == "after" and self.params["update_password"] == "always":
                    shown["password_updated"] = True
        return result


def main():
    AmqpSettings().run()


if __name__ == "__main__":
    main()
