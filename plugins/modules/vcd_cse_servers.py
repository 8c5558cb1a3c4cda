#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vcd_cse_servers
short_description: Run the CSE server appliances of an AZ - two or more, replaced one at a time
description:
  - Keeps O(count) CSE server vApps (C(<name_prefix>-<n>)) in the solutions VDC, made from the CSE OVA
    template O(template) of O(catalog), on O(network), with the C(cse.*) guest properties (api-reference
    §5 step 2) - C(cse.vcdHost), C(cse.vAppOrg), C(cse.vcdUsername), C(cse.userOrg),
    C(cse.vcdRefreshToken) - and powered on.
  - The reference design asks for B(two or more) CSE servers per AZ for high availability. O(count=1)
    is refused unless O(single_server_reason) says why.
  - A server is B(running) when its VM is powered on and it has registered itself in the C(vcdKeConfig)
    entity (C(profiles[0].vcdKeInstances[].vcdKeInstanceId) is its VM URN; see docs/assumptions.md).
  - A server made from another template, or with other guest properties (a new CSE release, a rotated
    API token, another VCD URL), is replaced B(one at a time) - a new server is made and must be running
    before an old one is deleted, so there is never fewer than one running server.
  - Without O(api_token), the token the current servers carry is kept.
version_added: 0.1.0
author: vcdops platform team (@vcdops)
extends_documentation_fragment:
  - vcdops.platform.vcd
attributes:
  check_mode:
    support: full
    description: Reports the replacement plan without doing it.
  diff_mode:
    support: full
    description: Shows the owned fields before and after.
options:
  org:
    description: Solutions organization (holds the VDC and, by default, the catalog).
    type: str
    required: true
  vdc:
    description: Solutions VDC.
    type: str
    required: true
  network:
    description: Organization VDC network of the servers (the solutions network).
    type: str
    required: true
  catalog:
    description: Catalog holding the CSE OVA template.
    type: str
    required: true
  catalog_org:
    description: Organization of O(catalog); defaults to O(org).
    type: str
  template:
    description: Name of the CSE vApp template (the OVA file name without C(.ova)).
    type: str
    required: true
  count:
    description: Number of CSE servers.
    type: int
    default: 2
  single_server_reason:
    description: Why this AZ may run a single CSE server (required with O(count=1)).
    type: str
  name_prefix:
    description: vApp names are C(<name_prefix>-<n>).
    type: str
    default: cse-server
  vcd_url:
    description: C(cse.vcdHost) - VCD's public URL, C(https://vcd.example.com), without C(/api).
    type: str
    required: true
  service_user:
    description: C(cse.vcdUsername) - the CSE service account.
    type: str
    default: cse_admin
  service_user_org:
    description: C(cse.userOrg) - organization of the service account (assumption A19).
    type: str
    default: System
  vapp_org:
    description: C(cse.vAppOrg) - organization of the server vApps; defaults to O(org).
    type: str
  api_token:
    description: C(cse.vcdRefreshToken) - API token of the service account. Omit to keep the servers' token.
    type: str
  extra_properties:
    description: More guest properties (assumption A20 - none are documented).
    type: dict
    default: {}
  wait_timeout:
    description: Seconds a new server may take to be running.
    type: int
    default: 900
  state:
    description: V(present) runs the servers; V(absent) deletes every C(<name_prefix>-*) vApp.
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: Two CSE servers
  vcdops.platform.vcd_cse_servers:
    org: solutions-org
    vdc: solutions-vdc
    network: solutions-routed
    catalog: cse
    template: VMware_Cloud_Director_Container_Service_Extension-4.2.1
    vcd_url: https://vcd.example.com
    api_token: "{{ cse_token.token }}"
"""

RETURN = r"""
servers:
  description: The servers after the run (name, running, powered_on, ip, current - made from the wanted template and properties).
  returned: always
  type: list
  elements: dict
actions:
  description: What the run did (or, in check mode, would do), in order.
  returned: always
  type: list
  elements: str
"""

import time

from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import InputError, _Base
from ansible_collections.vcdops.platform.plugins.module_utils.vcd import cse, cse_vapps, orgs, transfer
from ansible_collections.vcdops.platform.plugins.module_utils.vcd.client import VcdError, VcdNotFound

TOKEN_KEY = "cse.vcdRefreshToken"
MARK = "CSE server (vcdops.platform) from template %s"


class CseServers(_Base):
    options = dict(
        org=dict(type="str", required=True),
        vdc=dict(type="str", required=True),
        network=dict(type="str", required=True),
        catalog=dict(type="str", required=True),
        catalog_org=dict(type="str"),
        template=dict(type="str", required=True),
        count=dict(type="int", default=2),
        single_server_reason=dict(type="str"),
        name_prefix=dict(type="str", default="cse-server"),
        vcd_url=dict(type="str", required=True),
        service_user=dict(type="str", default="cse_admin"),
        service_user_org=dict(type="str", default="System"),
        vapp_org=dict(type="str"),
        api_token=dict(type="str", no_log=True),
        extra_properties=dict(type="dict", default={}),
        wait_timeout=dict(type="int", default=900),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )

    # ------------------------------------------------------------ inputs
    def validate(self):
        p = self.params
        if p["state"] == "present":
            if p["count"] < 1:
                raise InputError("count must be at least 1")
            if p["count"] < 2 and not (p["single_server_reason"] or "").strip():
                raise InputError("the reference design runs two or more CSE servers per AZ for high availability; "
                                 "count=%d needs single_server_reason (why this AZ may run fewer)" % p["count"])
        url = (p["vcd_url"] or "").strip().rstrip("/")
        if not url.startswith("https://") or len(url) <= len("https://"):
            raise InputError("vcd_url %r must be VCD's https:// URL" % p["vcd_url"])
        if url.endswith("/api"):
            raise InputError("vcd_url %r must not end in /api (cse.vcdHost is the bare URL)" % p["vcd_url"])
        self.url = url
        if p["name_prefix"].endswith("-"):
            raise InputError("name_prefix must not end in '-'")

    def _mark(self):
        p = self.params
        return MARK % "%s/%s/%s" % (p["catalog_org"] or p["org"], p["catalog"], p["template"])

    def _properties(self, token):
        p = self.params
        props = {"cse.vcdHost": self.url, "cse.vAppOrg": p["vapp_org"] or p["org"], "cse.vcdUsername": p["service_user"],
                 "cse.userOrg": p["service_user_org"], TOKEN_KEY: token or ""}
        props.update({k: "" if v is None else str(v) for k, v in p["extra_properties"].items()})
        return props

    # ------------------------------------------------------------ reads
    def _vdc(self):
        if not hasattr(self, "_vdc_obj"):
            self._vdc_obj = orgs.require_vdc(self.client, self.params["org"], self.params["vdc"])[1]
        return self._vdc_obj

    def _servers(self):
        prefix = self.params["name_prefix"] + "-"
        out = []
        for rec in cse_vapps.list_vapps(self.client, self._vdc(), prefix=prefix):
            suffix = rec["name"][len(prefix):]
            if not suffix.isdigit():
                continue
            info = cse_vapps.describe(self.client, rec)
            info["index"] = int(suffix)
            props = {}
            for vm in info["vms"]:
                props.update(vm.get("properties") or {})
            info["properties"] = props
            out.append(info)
        return sorted(out, key=lambda s: s["index"])

    def _registered(self):
        try:
            config = cse.find_config(self.client)
        except VcdError:
            return set()
        if config is None:
            return set()
        return {i.get("vcdKeInstanceId") for i in cse.server_instances(config.get("entity")) if i.get("vcdKeInstanceId")}

    def _running(self, server, registered):
        return server["powered_on"] and any(vm.get("id") in registered for vm in server["vms"])

    def _template_href(self):
        p = self.params
        org = orgs.require_org(self.client, p["catalog_org"] or p["org"])
        admin = orgs.admin_org(self.client, org["id"])
        ref = next((r for r in (admin.get("catalogs") or {}).get("catalogReference") or []
                    if r.get("name") == p["catalog"]), None)
        if ref is None:
            raise VcdNotFound("catalog %s does not exist in org %s" % (p["catalog"], org["name"]))
        item = transfer.find_item(self.client, ref.get("id") or ref.get("href"), p["template"])
        if item is None or item.get("entity_type") != "vapptemplate":
            raise VcdNotFound("the CSE template %s is not in catalog %s" % (p["template"], p["catalog"]))
        return item["entity_href"]

    # ------------------------------------------------------------ plan
    def _token(self, servers, registered):
        if self.params["api_token"]:
            return self.params["api_token"]
        tokens = [s["properties"].get(TOKEN_KEY) for s in servers if self._running(s, registered)] + \
                 [s["properties"].get(TOKEN_KEY) for s in servers]
        tokens = [t for t in tokens if t]
        if not tokens and self.module.check_mode:
            return "(a token made by an earlier task)"
        if not tokens:
            raise InputError("no api_token given and no CSE server carries one: give api_token "
                             "(vcdops.platform.vcd_api_token makes one)")
        return tokens[0]

    def _current(self, server, wanted):
        return server["description"] == self._mark() and all(
            server["properties"].get(k) == v for k, v in wanted.items())

    def plan(self, servers, wanted):
        count = self.params["count"]
        good = [s for s in servers if self._current(s, wanted)]
        bad = [s for s in servers if not self._current(s, wanted)]
        steps = [("power_on", s["name"]) for s in good if not s["powered_on"]]
        n_good = len(good)
        queue = sorted(bad, key=lambda s: s["index"])
        while n_good < count or queue:
            if n_good < count:
                steps.append(("create", None))
                n_good += 1
                if queue:
                    steps.append(("delete", queue.pop(0)["name"]))
            else:
                steps.append(("delete", queue.pop(0)["name"]))
        for extra in sorted(good, key=lambda s: s["index"])[count:][::-1]:
            steps.append(("delete", extra["name"]))
        return steps

    # ------------------------------------------------------------ actions
    def _next_name(self, taken):
        i = 1
        while "%s-%d" % (self.params["name_prefix"], i) in taken:
            i += 1
        return "%s-%d" % (self.params["name_prefix"], i)

    def _wait_running(self, names, at_least=1, exclude=()):
        """Wait until ``at_least`` servers named in ``names`` (minus ``exclude``) run."""
        deadline = time.monotonic() + self.params["wait_timeout"]
        delay = 1.0
        while True:
            servers = self._servers()
            registered = self._registered()
            running = [s["name"] for s in servers if s["name"] in names and s["name"] not in exclude
                       and self._running(s, registered)]
            if len(running) >= at_least:
                return running
            if time.monotonic() >= deadline:
                raise VcdError("CSE server(s) %s did not register in the vcdKeConfig entity within %ss: check cse.log "
                               "on the VM - the API token in cse.vcdRefreshToken must log in to %s as %s; the old "
                               "servers were left running" % (", ".join(sorted(set(names) - set(exclude))),
                                                              self.params["wait_timeout"], self.url,
                                                              self.params["service_user"]))
            time.sleep(delay)
            delay = min(delay * 1.5, 10.0)

    def _create(self, name, wanted):
        p = self.params
        vapp = cse_vapps.instantiate(self.client, self._vdc(), name, self._template_href(), network=p["network"],
                                     description=self._mark(), power_on=False)
        for vm in cse_vapps.vms_of(vapp):
            cse_vapps.set_properties(self.client, vm, wanted)
        cse_vapps.power(self.client, cse_vapps.get(self.client, vapp["href"]), True)
        self._wait_running([name])

    def _delete(self, server, servers):
        others = [s["name"] for s in servers if s["name"] != server["name"]]
        if not others:
            raise VcdError("refusing to delete %s: it is the last CSE server" % server["name"])
        # never fewer than one running: another server must run before this one goes
        self._wait_running(others, at_least=1)
        cse_vapps.delete(self.client, server["_raw"])

    def _describe(self, servers, registered, wanted):
        out = []
        for s in servers:
            out.append({"name": s["name"], "running": self._running(s, registered), "powered_on": s["powered_on"],
                        "ip": (s["vms"][0].get("ip") if s["vms"] else None), "current": self._current(s, wanted),
                        "vm_ids": [vm.get("id") for vm in s["vms"]]})
        return out

    def run(self):
        p = self.params
        result = {"changed": False, "actions": [], "servers": []}
        try:
            self.validate()
            try:
                servers = self._servers()
            except VcdNotFound as exc:
                if not self.module.check_mode:
                    raise
                self.module.warn("check mode: %s; assuming an earlier task would create it" % exc)
                self.module.exit_json(changed=True, actions=["create %d CSE servers" % p["count"]], servers=[])
            registered = self._registered()
            before = [{"name": s["name"], "running": self._running(s, registered), "template": s["description"]}
                      for s in servers]
            if p["state"] == "absent":
                steps = [("delete", s["name"]) for s in servers]
                wanted = {}
            else:
                wanted = self._properties(self._token(servers, registered))
                steps = self.plan(servers, wanted)
            result["changed"] = bool(steps)
            if self.module.check_mode or not steps:
                result["actions"] = ["%s %s" % (a, n or "a new server") for a, n in steps]
                result["servers"] = self._describe(servers, registered, wanted)
            else:
                if p["state"] == "present":
                    self._template_href()  # fail before any change when the template is missing
                for action, name in steps:
                    current = {s["name"]: s for s in self._servers()}
                    if action == "create":
                        name = self._next_name(set(current))
                        self._create(name, wanted)
                    elif action == "power_on":
                        cse_vapps.power(self.client, current[name]["_raw"], True)
                        self._wait_running([name])
                    elif action == "delete" and name in current:
                        if p["state"] == "absent":
                            cse_vapps.delete(self.client, current[name]["_raw"])
                        else:
                            self._delete(current[name], list(current.values()))
                    result["actions"].append("%s %s" % (action, name))
                servers = self._servers()
                registered = self._registered()
                result["servers"] = self._describe(servers, registered, wanted)
            if self.module._diff and result["changed"]:
                after = [{"name": s["name"], "running": s["running"], "template": self._mark()} for s in result["servers"]] \
                    if not self.module.check_mode else \
                    [{"name": "%s-*" % p["name_prefix"], "count": p["count"] if p["state"] == "present" else 0,
                      "template": self._mark()}]
                result["diff"] = {"before": {"servers": before}, "after": {"servers": after}}
        except InputError as exc:
            self.fail(str(exc))
        except VcdError as exc:
            self.fail(str(exc), actions=result["actions"])
        self.module.exit_json(**result)


def main():
    CseServers().run()


if __name__ == "__main__":
    main()
