#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: alp_connect
short_description: Connect an App Launchpad node to its VCD with C(alp connect), idempotently
description:
  - Runs on an App Launchpad node (an SSH host with the ALP package installed) the documented
    command C(alp connect --sa-user --sa-pass --url --admin-user --admin-pass [--mqtt]), which creates
    or adopts the System service account (role C(App-Launchpad-Service)), installs the UI plugin and
    registers the extension with VCD. Without C(--mqtt) App Launchpad uses AMQP and pulls VCD's AMQP
    broker configuration; MQTT allows only one node.
  - App Launchpad has no documented way to read its connection back (C(alp show) and C(alp status)
    are not public, assumption A47), so the module keeps its own record on the node, O(state_file), with
    the URL, the service account, the bus and a salted PBKDF2 hash of the service-account password
    (never the password). When the record matches, nothing runs. O(force) reruns the command, which
    the C(alp) role does when VCD no longer shows the registration.
  - The command line carries the passwords, as the vendor documents it; the module's output never does.
version_added: 0.1.0
author: vcdops platform team (@vcdops)
attributes:
  check_mode:
    support: full
    description: Reports whether C(alp connect) would run and runs nothing.
  diff_mode:
    support: full
    description: Shows the recorded connection (URL, service account, bus) before and after.
notes:
  - No other C(alp) verb or flag is used (assumption A47), in particular no AMQP flags; the node takes
    the broker from VCD.
  - This module runs on the node; it does not use the VCD connection options, so do not give it
    C(module_defaults) of the C(vcd) group.
options:
  url:
    description: URL of the local VCD, as the node reaches it (C(https://...)).
    type: str
    required: true
  admin_user:
    description: A system administrator, C(<user>@system).
    type: str
    required: true
  admin_password:
    description: Password of O(admin_user). Not compared (it is only used to connect).
    type: str
    required: true
  sa_user:
    description: The System user App Launchpad uses as its service account (created when missing).
    type: str
    required: true
  sa_password:
    description: Password of O(sa_user).
    type: str
    required: true
  bus:
    description: Message bus between VCD and App Launchpad. V(amqp) is required for more than one node.
    type: str
    choices: [amqp, mqtt]
    default: amqp
  force:
    description: Run C(alp connect) even when the record matches.
    type: bool
    default: false
  command:
    description: The C(alp) command.
    type: path
    default: alp
  state_file:
    description: Where the module keeps its record of the connection (mode 0600).
    type: path
    default: /var/lib/vcdops/alp-connect.json
"""

EXAMPLES = r"""
- name: Connect this node to the AZ's VCD over AMQP
  vcdops.platform.alp_connect:
    url: https://vcd.az1.example.com
    admin_user: administrator@system
    admin_password: "{{ vault_vcd_password }}"
    sa_user: alp-service
    sa_password: "{{ vault_alp_service_password }}"
    bus: amqp
"""

RETURN = r"""
connection:
  description: The recorded connection (no secrets).
  returned: always
  type: dict
  contains:
    url:
      description: VCD URL.
      type: str
    sa_user:
      description: Service account.
      type: str
    bus:
      description: V(amqp) or V(mqtt).
      type: str
stdout_lines:
  description: What C(alp connect) printed, when it ran.
  returned: when the command ran
  type: list
  elements: str
"""

import base64
import hashlib
import hmac
import json
import os

from ansible.module_utils.basic import AnsibleModule

ITERATIONS = 200000


def secret_record(secret, salt=None):
    salt = salt or os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", secret.encode("utf-8"), salt, ITERATIONS)
    return {"algorithm": "pbkdf2-sha256", "iterations": ITERATIONS, "salt": base64.b64encode(salt).decode(),
            "hash": base64.b64encode(digest).decode()}


def secret_matches(secret, record):
    if not isinstance(record, dict) or record.get("algorithm") != "pbkdf2-sha256":
        return False
    try:
        salt = base64.b64decode(record["salt"])
        digest = hashlib.pbkdf2_hmac("sha256", secret.encode("utf-8"), salt, int(record["iterations"]))
        return hmac.compare_digest(base64.b64encode(digest).decode(), record["hash"])
    except (KeyError, ValueError, TypeError):
        return False


def public(record):
    return {k: (record or {}).get(k) for k in ("url", "sa_user", "bus")}


def same(record, params):
    if not record or public(record) != public(params):
        return False
    return secret_matches(params["sa_password"], record.get("sa_password"))


def main():
    module = AnsibleModule(
        argument_spec=dict(
            url=dict(type="str", required=True),
            admin_user=dict(type="str", required=True),
            admin_password=dict(type="str", required=True, no_log=True),
            sa_user=dict(type="str", required=True),
            sa_password=dict(type="str", required=True, no_log=True),
            bus=dict(type="str", default="amqp", choices=["amqp", "mqtt"]),
            force=dict(type="bool", default=False),
            command=dict(type="path", default="alp"),
            state_file=dict(type="path", default="/var/lib/vcdops/alp-connect.json"),
        ),
        supports_check_mode=True,
    )
    p = module.params
    if not p["url"].startswith("https://"):
        module.fail_json(msg="url must be https://<VCD address> (got %s)" % p["url"])
    if "@" not in p["admin_user"] or p["admin_user"].rsplit("@", 1)[1].lower() != "system":
        module.fail_json(msg="admin_user must be a system administrator, <user>@system (got %s)" % p["admin_user"])
    record = None
    if os.path.exists(p["state_file"]):
        try:
            with open(p["state_file"]) as f:
                record = json.load(f)
        except (OSError, ValueError):
            record = None
    command = module.get_bin_path(p["command"]) if "/" not in p["command"] else p["command"]
    if not command or not os.path.exists(command):
        if module.check_mode:
            # the package task before this one would have installed it
            module.warn("check mode: %s is not installed yet; assuming the package task installs it" % p["command"])
            module.exit_json(changed=True, connection=public(p))
        module.fail_json(msg="the App Launchpad command %s is not installed on this node: install the ALP package first"
                         % p["command"])
    result = {"changed": False, "connection": public(record) if record else {}}
    if same(record, p) and not p["force"]:
        module.exit_json(**result)
    result.update(changed=True, connection=public(p))
    if module._diff:
        result["diff"] = {"before": public(record) if record else {}, "after": public(p)}
    if module.check_mode:
        module.exit_json(**result)
    argv = [command, "connect", "--sa-user", p["sa_user"], "--sa-pass", p["sa_password"], "--url", p["url"],
            "--admin-user", p["admin_user"], "--admin-pass", p["admin_password"]]
    if p["bus"] == "mqtt":
        argv.append("--mqtt")
    rc, out, err = module.run_command(argv)
    if rc != 0:
        module.fail_json(msg="alp connect to %s failed (rc=%s): %s" % (p["url"], rc, (err or out).strip()),
                         rc=rc, stdout=out, stderr=err)
    new = public(p)
    new["sa_password"] = secret_record(p["sa_password"])
    directory = os.path.dirname(p["state_file"])
    if directory and not os.path.isdir(directory):
        os.makedirs(directory, mode=0o700)
    tmp = p["state_file"] + ".tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(new, f, indent=2, sort_keys=True)
    os.replace(tmp, p["state_file"])
    result["stdout_lines"] = out.splitlines()
    module.exit_json(**result)


if __name__ == "__main__":
    main()
