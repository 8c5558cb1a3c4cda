#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ose_configure
short_description: Configure an Object Storage Extension node through the ose command
description:
  - Runs on an OSE node and configures it with the documented C(ose) verbs only - C(ose db set),
    C(ose director set) (answering the certificate trust prompt), C(ose cert import),
    C(ose cloudian admin|console|s3 set), C(ose platforms enable cloudian), C(ose endpoint set),
    C(ose args set), C(ose ui install) - then C(ose service restart) when something changed.
  - Idempotent - the C(ose) command has no verb that prints the configuration (the configuration
    file is not an interface, A40), so the module keeps a fingerprint (salted SHA-256, no secret in
    clear) of what it applied in O(state_file) and reads C(ose config validate); a step runs again
    when its values differ or when its row is not C(Valid).
  - When nothing changed but the node does not answer C(OPTIONS /api/v1/core) with 200, the service
    is restarted.
  - Secrets are passed as C(--secret) arguments, which the module never returns or logs.
version_added: 0.1.0
author: vcdops platform team (@vcdops)
attributes:
  check_mode:
    support: full
    description: Reports which steps would run (and whether the service would restart) and runs nothing.
  diff_mode:
    support: full
    description: Shows the steps already in sync before and the steps that run after.
options:
  database:
    description: C(ose db set).
    type: dict
    required: true
    suboptions:
      url:
        description: JDBC URL, C(jdbc:postgresql://host:5432/database).
        type: str
        required: true
      user:
        description: Database user.
        type: str
        required: true
      password:
        description: Its password.
        type: str
        required: true
  director:
    description: C(ose director set).
    type: dict
    required: true
    suboptions:
      url:
        description: VCD URL.
        type: str
        required: true
      user:
        description: VCD system administrator, C(user@system).
        type: str
        required: true
      password:
        description: Its password.
        type: str
        required: true
      trust_certificate:
        description: Answer V(y) when C(ose) asks whether to trust the VCD certificate.
        type: bool
        default: false
  certificate:
    description: C(ose cert import) of a PKCS#12 file already on the node.
    type: dict
    required: true
    suboptions:
      path:
        description: Path of the file on the node.
        type: path
        required: true
      password:
        description: Its password.
        type: str
        required: true
  cloudian:
    description: C(ose cloudian admin|console|s3 set) and C(ose platforms enable cloudian).
    type: dict
    required: true
    suboptions:
      admin:
        description: Admin API (port 19443).
        type: dict
        required: true
        suboptions:
          url:
            description: URL.
            type: str
            required: true
          user:
            description: User.
            type: str
            default: sysadmin
          password:
            description: Password.
            type: str
            required: true
          force:
            description: Pass C(--force) (skip the password complexity check).
            type: bool
            default: false
      console:
        description: Management console (CMC, port 8443).
        type: dict
        required: true
        suboptions:
          url:
            description: URL.
            type: str
            required: true
          user:
            description: User.
            type: str
            required: true
          password:
            description: Password.
            type: str
            required: true
      s3:
        description: S3 / IAM endpoint (port 16443).
        type: dict
        required: true
        suboptions:
          url:
            description: URL.
            type: str
            required: true
          user:
            description: User.
            type: str
            required: true
          password:
            description: Password.
            type: str
            required: true
  endpoints:
    description: C(ose endpoint set), one per region.
    type: list
    elements: dict
    default: []
    suboptions:
      region:
        description: Region.
        type: str
        required: true
      url:
        description: OSE endpoint URL of the region.
        type: str
        required: true
  args:
    description: C(ose args set -k -v) properties (JVM arguments and OSE properties).
    type: dict
    default: {}
  ui_install:
    description: Run C(ose ui install) (once).
    type: bool
    default: true
  restart:
    description: Run C(ose service restart) after a change (or when the node does not answer).
    type: bool
    default: true
  health_url:
    description: What the node must answer with 200 to C(OPTIONS) after a restart.
    type: str
    default: https://127.0.0.1/api/v1/core
  health_timeout:
    description: Seconds to wait for O(health_url) after a restart.
    type: int
    default: 120
  ose_command:
    description: The C(ose) command.
    type: path
    default: /usr/bin/ose
  state_file:
    description: Where the module keeps its fingerprints.
    type: path
    default: /var/lib/vcdops/ose-configure.json
notes:
  - C(ose cloudian console|s3 set) flags and C(ose platforms enable cloudian) are the modelled assumption A39.
  - C(ose compat) and the configuration file are not used (A40).
"""

EXAMPLES = r"""
- name: Configure the node
  vcdops.platform.ose_configure:
    database: {url: "jdbc:postgresql://pg.example.com:5432/ose", user: ose, password: "{{ vault_ose_db_password }}"}
    director: {url: "https://vcd.example.com", user: administrator@system, password: "{{ vault_vcd_password }}"}
    certificate: {path: /opt/vmware/voss/ose.p12, password: "{{ vault_ose_p12_password }}"}
    cloudian:
      admin: {url: "https://hs.example.com:19443", password: "{{ vault_cloudian_admin_password }}"}
      console: {url: "https://hs.example.com:8443", user: admin, password: "{{ vault_cloudian_console_password }}"}
      s3: {url: "https://s3.hs.example.com:16443", user: admin, password: "{{ vault_cloudian_console_password }}"}
    endpoints:
      - {region: region-1, url: "https://ose.example.com"}
"""

RETURN = r"""
steps:
  description: The C(ose) steps that ran (or would run in check mode), without their arguments.
  returned: always
  type: list
  elements: str
validate:
  description: The rows of C(ose config validate) after the run.
  returned: always
  type: dict
restarted:
  description: Whether the service was restarted.
  returned: always
  type: bool
"""

import hashlib
import json
import os
import time
import urllib.error

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.urls import ConnectionError as UrlConnectionError, open_url

ROW_STEPS = {"Database": ["db"], "Certificate": ["cert"], "Cloud Director": ["director"],
             "Platform": ["cloudian_console", "platform"], "Admin": ["cloudian_admin", "platform"],
             "S3": ["cloudian_s3"], "OSE Endpoint": ["endpoints"]}


def cred(default_user=None, force=False):
    opts = dict(url=dict(type="str", required=True),
                user=dict(type="str", default=default_user) if default_user else dict(type="str", required=True),
                password=dict(type="str", required=True, no_log=True))
    if force:
        opts["force"] = dict(type="bool", default=False)
    return opts


def argument_spec():
    return dict(
        database=dict(type="dict", required=True, options=cred()),
        director=dict(type="dict", required=True, options=dict(
            url=dict(type="str", required=True), user=dict(type="str", required=True),
            password=dict(type="str", required=True, no_log=True), trust_certificate=dict(type="bool", default=False))),
        certificate=dict(type="dict", required=True, options=dict(
            path=dict(type="path", required=True), password=dict(type="str", required=True, no_log=True))),
        cloudian=dict(type="dict", required=True, options=dict(
            admin=dict(type="dict", required=True, options=cred("sysadmin", force=True)),
            console=dict(type="dict", required=True, options=cred()),
            s3=dict(type="dict", required=True, options=cred()))),
        endpoints=dict(type="list", elements="dict", default=[], options=dict(
            region=dict(type="str", required=True), url=dict(type="str", required=True))),
        args=dict(type="dict", default={}),
        ui_install=dict(type="bool", default=True),
        restart=dict(type="bool", default=True),
        health_url=dict(type="str", default="https://127.0.0.1/api/v1/core"),
        health_timeout=dict(type="int", default=120),
        ose_command=dict(type="path", default="/usr/bin/ose"),
        state_file=dict(type="path", default="/var/lib/vcdops/ose-configure.json"),
    )


class Configure:
    def __init__(self, module):
        self.module = module
        self.p = module.params
        self.state = self._load()

    def _load(self):
        try:
            with open(self.p["state_file"]) as f:
                return json.load(f)
        except (OSError, ValueError):
            return {}

    def _save(self):
        os.makedirs(os.path.dirname(self.p["state_file"]), mode=0o700, exist_ok=True)
        tmp = self.p["state_file"] + ".tmp"
        with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
            json.dump(self.state, f, indent=2, sort_keys=True)
        os.replace(tmp, self.p["state_file"])

    def fingerprint(self, values):
        salt = self.state.get("salt")
        if not salt:
            salt = self.state["salt"] = os.urandom(16).hex()
        return hashlib.sha256((salt + json.dumps(values, sort_keys=True)).encode()).hexdigest()

    def ose(self, *args, data=None, what=None):
        rc, out, err = self.module.run_command([self.p["ose_command"]] + list(args), data=data,
                                               binary_data=False, environ_update={"LC_ALL": "C"})
        if rc != 0:
            text = (err or out or "").strip().splitlines()
            self.module.fail_json(msg="ose %s failed (rc=%d): %s" % (what or args[0], rc, text[-1] if text else "no output"),
                                  steps=self.ran)
        return out

    def validate(self):
        if not os.path.exists(self.p["ose_command"]):
            self.module.fail_json(msg="%s not found: install the OSE package first" % self.p["ose_command"])
        rc, out, err = self.module.run_command([self.p["ose_command"], "config", "validate"])
        rows = {}
        for line in out.splitlines()[1:]:
            for row in ROW_STEPS:
                if line.startswith(row + " ") or line.strip() == row:
                    rows[row] = line[len(row):].strip()
        if not rows and rc not in (0, 1):
            self.module.fail_json(msg="ose config validate failed (rc=%d): %s" % (rc, (err or out).strip()[-300:]))
        return rows

    def steps(self):
        p = self.p
        cl = p["cloudian"]
        with open(p["certificate"]["path"], "rb") as f:
            cert_digest = hashlib.sha256(f.read()).hexdigest()
        out = [
            ("db", p["database"], ["db", "set", "--url", p["database"]["url"], "--user", p["database"]["user"],
                                   "--secret", p["database"]["password"]], None),
            ("director", p["director"], ["director", "set", "--url", p["director"]["url"], "--user",
                                         p["director"]["user"], "--secret", p["director"]["password"]],
             "y\n" if p["director"]["trust_certificate"] else "n\n"),
            ("cert", dict(p["certificate"], sha256=cert_digest),
             ["cert", "import", "--path", p["certificate"]["path"], "--secret", p["certificate"]["password"]], None),
            ("cloudian_admin", cl["admin"], ["cloudian", "admin", "set", "--url", cl["admin"]["url"], "--user",
                                             cl["admin"]["user"], "--secret", cl["admin"]["password"]]
             + (["--force"] if cl["admin"]["force"] else []), None),
            ("cloudian_console", cl["console"], ["cloudian", "console", "set", "--url", cl["console"]["url"], "--user",
                                                 cl["console"]["user"], "--secret", cl["console"]["password"]], None),
            ("cloudian_s3", cl["s3"], ["cloudian", "s3", "set", "--url", cl["s3"]["url"], "--user", cl["s3"]["user"],
                                       "--secret", cl["s3"]["password"]], None),
            ("platform", "cloudian", ["platforms", "enable", "cloudian"], None),
        ]
        for ep in p["endpoints"]:
            out.append(("endpoint:" + ep["region"], ep, ["endpoint", "set", "--region=%s" % ep["region"],
                                                         "--url=%s" % ep["url"]], None))
        for key in sorted(p["args"]):
            out.append(("arg:" + key, str(p["args"][key]), ["args", "set", "-k", key, "-v", str(p["args"][key])], None))
        if p["ui_install"]:
            out.append(("ui", "installed", ["ui", "install"], None))
        return out

    def healthy(self):
        try:
            # validate_certs=False: the node's own monitor, like the load balancer's
            with open_url(self.p["health_url"], method="OPTIONS", validate_certs=False, timeout=5,
                          use_netrc=False, decompress=False) as r:
                return r.status == 200
        except (urllib.error.URLError, UrlConnectionError, OSError, ValueError):
            return False

    def run(self):
        self.ran = []
        rows = self.validate()
        bad_steps = set()
        for row, status in rows.items():
            if status != "Valid":
                bad_steps.update(ROW_STEPS[row])
        applied = self.state.setdefault("applied", {})
        todo = []
        for name, values, args, data in self.steps():
            fp = self.fingerprint(values)
            group = "endpoints" if name.startswith("endpoint:") else name
            if applied.get(name) != fp or group in bad_steps:
                todo.append((name, fp, args, data))
        restart = bool(todo) and self.p["restart"]
        reason = "configuration changed" if todo else None
        if not todo and self.p["restart"] and not self.healthy():
            restart, reason = True, "the node did not answer %s" % self.p["health_url"]
        result = dict(changed=bool(todo) or restart,
                      steps=[step[0] for step in todo] + (["service restart"] if restart else []),
                      restarted=False, validate=rows)
        if self.module._diff and result["changed"]:
            result["diff"] = {"before": {"steps_in_sync": sorted(set(applied) - {step[0] for step in todo})},
                              "after": {"steps_applied": result["steps"], "reason": reason}}
        if self.module.check_mode or not result["changed"]:
            return result
        for name, fp, args, data in todo:
            self.ose(*args, data=data, what=name.replace("_", " ").split(":")[0])
            self.ran.append(name)
            applied[name] = fp
            self._save()
        if restart:
            self.ose("service", "restart", what="service restart")
            deadline = time.time() + self.p["health_timeout"]
            while not self.healthy():
                if time.time() > deadline:
                    self.module.fail_json(msg="the OSE node did not answer OPTIONS %s with 200 within %ds after "
                                              "ose service restart" % (self.p["health_url"], self.p["health_timeout"]),
                                          steps=result["steps"])
                time.sleep(1)
            result["restarted"] = True
        result["validate"] = self.validate()
        return result


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    missing = [f for f in (module.params["ose_command"], module.params["certificate"]["path"]) if not os.path.exists(f)]
    if missing and module.check_mode:
        # check mode on a fresh node: the package and the certificate would be there in a real run
        module.exit_json(changed=True, steps=["all (%s not there yet)" % ", ".join(missing)], restarted=False,
                         validate={})
    if not os.path.exists(module.params["certificate"]["path"]):
        module.fail_json(msg="the certificate %s is not on the node" % module.params["certificate"]["path"])
    module.exit_json(**Configure(module).run())


if __name__ == "__main__":
    main()
