#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vcd_dse_registry
short_description: Configure where the data solutions of the Data Solutions extension come from
description:
  - Sets the repository configuration of data solutions - their C(vmware:dsConfig) entities, found by the
    solution's name - to the extension's defaults or to a custom chart repository, package name and version
    (chart solutions such as V(MongoDB) or V(Confluent Platform)) or a custom image and version (package
    solutions such as V(VMware SQL with Postgres)), for example a per-AZ private OCI registry.
  - One solution (O(solution) and its settings) or several in one task (O(solutions), one list read for all).
  - Sets the container registry credentials of V(VCD Data Solutions), the operator; it is the only solution
    that takes them.
  - A read-modify-write - the entity is read with its ETag and written with C(If-Match); a 412 (someone else
    wrote in between) re-reads and re-applies, up to five times. The entity is resolved after the update; a
    C(RESOLUTION_ERROR) fails with VCD's message.
  - O(state=absent) restores the defaults and, for the operator, removes every registry credential.
version_added: 0.1.0
author: vcdops platform team (@vcdops)
extends_documentation_fragment:
  - vcdops.platform.vcd
attributes:
  check_mode:
    support: full
    description: Reports what would change and writes nothing.
  diff_mode:
    support: full
    description: Shows the owned fields before and after.
notes:
  - The default values come from the extension (assumption A18 in docs/assumptions.md).
options:
  solution:
    description: The data solution's name, as the extension names it (C(entity.spec.artifacts[0].name)).
    type: str
  use_defaults:
    description: Use the extension's default repository, package or image and version.
    type: bool
    default: false
  chart_repository:
    description: Chart repository URL, for chart solutions.
    type: str
  package_name:
    description: Chart (package) name in O(chart_repository), for chart solutions.
    type: str
  image:
    description: Package image (OCI reference), for package solutions.
    type: str
  version:
    description: Version of the chart or package.
    type: str
  solutions:
    description:
      - Several solutions at once, instead of O(solution); each item takes the options above.
    type: list
    elements: dict
    suboptions:
      solution:
        description: The data solution's name.
        type: str
        required: true
      use_defaults:
        description: Use the extension's defaults.
        type: bool
        default: false
      chart_repository:
        description: Chart repository URL, for chart solutions.
        type: str
      package_name:
        description: Chart name, for chart solutions.
        type: str
      image:
        description: Package image, for package solutions.
        type: str
      version:
        description: Version of the chart or package.
        type: str
  registries:
    description:
      - Container registry credentials of V(VCD Data Solutions), as a whole list (registries not listed are
        removed). Omit to leave them as they are.
    type: list
    elements: dict
    suboptions:
      host:
        description: Registry host, for example V(registry.az1.example.com).
        type: str
        required: true
      username:
        description: User name.
        type: str
      password:
        description: Password or token.
        type: str
      description:
        description: Description.
        type: str
  update_password:
    description:
      - V(always) sends O(registries[].password) every time; V(on_create) keeps a password that VCD shows only
        masked.
    type: str
    choices: [always, on_create]
    default: on_create
  state:
    description: V(present) applies the settings; V(absent) restores the defaults (and clears the credentials).
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: Postgres from the AZ's private registry
  vcdops.platform.vcd_dse_registry:
    solution: VMware SQL with Postgres
    image: registry.az1.example.com/dse/vmware-sql-postgres:1.10.0
    version: 1.10.0

- name: Every solution from the extension's defaults, the operator with registry credentials
  vcdops.platform.vcd_dse_registry:
    solutions:
      - {solution: VCD Data Solutions, use_defaults: true}
      - {solution: MongoDB, use_defaults: true}
      - {solution: VMware SQL with MySQL, use_defaults: true}
    registries:
      - host: registry.az1.example.com
        username: robot$dse
        password: "{{ vault_dse_registry_token }}"

- name: Registry credentials for the operator
  vcdops.platform.vcd_dse_registry:
    solution: VCD Data Solutions
    use_defaults: true
    registries:
      - host: registry.az1.example.com
        username: robot$dse
        password: "{{ vault_dse_registry_token }}"
"""

RETURN = r"""
registries:
  description: With O(solutions), the configuration of each solution, by name.
  returned: when O(solutions) is given
  type: dict
registry:
  description: The solution's repository configuration (passwords never returned).
  returned: when O(solution) is given
  type: dict
  sample:
    solution: VMware SQL with Postgres
    artifact_type: PackageRepository
    image: registry.az1.example.com/dse/vmware-sql-postgres:1.10.0
    version: 1.10.0
    uses_defaults: false
    registries: []
    state: RESOLVED
"""

from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import InputError, ResourceModule
from ansible_collections.vcdops.platform.plugins.module_utils.vcd import dse
from ansible_collections.vcdops.platform.plugins.module_utils.vcd.client import VcdError, VcdNotFound
from ansible_collections.vcdops.platform.plugins.module_utils.vcd.rde import Rde

MAX_412 = 5
CHANGED = "****** (changed)"


class Registry(ResourceModule):
    result_key = "registry"
    options = dict(
        solution=dict(type="str"),
        use_defaults=dict(type="bool", default=False),
        solutions=dict(type="list", elements="dict", options=dict(
            solution=dict(type="str", required=True),
            use_defaults=dict(type="bool", default=False),
            chart_repository=dict(type="str"),
            package_name=dict(type="str"),
            image=dict(type="str"),
            version=dict(type="str"),
        )),
        chart_repository=dict(type="str"),
        package_name=dict(type="str"),
        image=dict(type="str"),
        version=dict(type="str"),
        registries=dict(type="list", elements="dict", options=dict(
            host=dict(type="str", required=True),
            username=dict(type="str"),
            password=dict(type="str", no_log=True),
            description=dict(type="str"),
        )),
        update_password=dict(type="str", default="on_create", choices=["always", "on_create"], no_log=False),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module_kwargs = dict(mutually_exclusive=[("image", "chart_repository"), ("image", "package_name"),
                                             ("solution", "solutions")],
                         required_one_of=[("solution", "solutions")])

    def validate(self):
        p = self.params
        custom = [k for k in ("chart_repository", "package_name", "image", "version") if p[k]]
        if p["use_defaults"] and custom:
            raise InputError("use_defaults: true takes no %s" % ", ".join(custom))
        if p["registries"] is not None and p["solution"] != dse.DSO:
            raise InputError("only %s takes container registry credentials, not %s" % (dse.DSO, p["solution"]))
        hosts = [r["host"] for r in p["registries"] or []]
        if len(set(hosts)) != len(hosts):
            raise InputError("registries lists a host twice")
        if p["state"] == "absent" and any(p[k] for k in ("chart_repository", "package_name", "image", "version")):
            raise InputError("state: absent restores the defaults; it takes no repository settings")

    @property
    def rde(self):
        return Rde(self.client)

    def read(self):
        if getattr(self, "_configs", None) is None:
            self._configs = dse.configs(self.rde)
        dse.require(self._configs, [self.params["solution"]])
        # the list answer carries no ETag; the read that matters is the one in update()
        return self._configs[self.params["solution"]]

    @staticmethod
    def _auths(entity):
        return ((((entity.get("entity") or {}).get("spec") or {}).get("dockerConfig") or {}).get("auths")) or {}

    def view(self, current):
        entity = current
        v = dse.registry_view(entity, with_defaults=False)
        auths = self._auths(entity)
        for reg in v["registries"]:
            reg["password"] = dse.MASK if (auths.get(reg["host"]) or {}).get("password") else ""
        return v

    def returned(self, obj):
        entity = obj
        v = self.view(entity)
        v["defaults"] = dse.registry_view(entity)["defaults"]
        return v

    def _wanted_auths(self, entity):
        p = self.params
        if getattr(self, "_absent", False):
            return {} if p["solution"] == dse.DSO else None
        return dse.wanted_auths(self._auths(entity), p["registries"], p["update_password"])

    def desired(self, current):
        p = self.params
        live = dse.wanted_registry(current, p)
        want = dict(solution=p["solution"], state="RESOLVED")
        want.update(dse._snake(live))
        auths = self._wanted_auths(current)
        if auths is not None:
            have = self._auths(current)
            regs = []
            for host, a in sorted(auths.items()):
                old = have.get(host) or {}
                if a.get("password") and a["password"] != old.get("password") and a["password"] != dse.MASK:
                    shown = CHANGED
                else:
                    shown = dse.MASK if a.get("password") else ""
                regs.append(dict(host=host, username=a.get("username"), description=a.get("description") or "",
                                 password=shown))
            want["registries"] = regs
        art = dse.artifact(current)
        merged_live = dict((k, art.get(k)) for k, _default in dse.fields_of(art))
        merged_live.update(live)
        want["uses_defaults"] = merged_live == dict((k, art.get(d)) for k, d in dse.fields_of(art))
        return want

    def _change(self, entity):
        p = self.params
        spec = entity["entity"].setdefault("spec", {})
        art = spec.setdefault("artifacts", [{}])[0]
        art.update(dse.wanted_registry(entity, p))
        auths = self._wanted_auths(entity)
        if auths is not None:
            spec.setdefault("dockerConfig", {})["auths"] = auths
        return entity

    def update(self, current, want, changes):
        for attempt in range(MAX_412):
            try:
                entity = self.rde.update(current["id"], self._change, what="update the %s configuration" % self.params["solution"])
                break
            except VcdError as exc:
                if exc.status != 412 or attempt == MAX_412 - 1:
                    raise
        state = entity.get("entityState") or entity.get("state")
        if state != "RESOLVED":
            self.rde.resolve(current["id"])
            entity = self.rde.get(current["id"])[0]
        self._configs[self.params["solution"]] = entity

    def create(self, want):  # pragma: no cover - read() fails on unknown solutions
        raise VcdError("data solution %s does not exist" % want["solution"])

    def delete(self, current):  # pragma: no cover - absent is an update to the defaults
        raise VcdError("state=absent goes through update")

    def run(self):
        if self.params["solutions"] is None:
            return super().run()
        # several solutions: the same flow for each, one list read for all
        base = dict(self.params)
        names = [i["solution"] for i in base["solutions"]]
        result = {"changed": False, "registries": {}}
        before, after = {}, {}
        try:
            twice = sorted(set(n for n in names if names.count(n) > 1))
            if twice:
                raise InputError("solutions lists %s more than once" % ", ".join(twice))
            items = []
            for item in base["solutions"]:
                params = dict(base)
                params.update(item)
                params["solutions"] = None
                if item["solution"] != dse.DSO:
                    params["registries"] = None
                items.append(params)
            for params in items:
                self.params = params
                self.validate()
            self.params = dict(base, solution=names[0] if names else None)
            if names:
                self._configs = dse.configs(self.rde)
                dse.require(self._configs, names)
            for params in items:
                self.params = params
                one = self._converge()
                result["changed"] = result["changed"] or one["changed"]
                result["registries"][params["solution"]] = one.get(self.result_key)
                if "diff" in one:
                    before[params["solution"]] = one["diff"]["before"]
                    after[params["solution"]] = one["diff"]["after"]
        except InputError as exc:
            self.fail(str(exc))
        except VcdNotFound as exc:
            if not self.module.check_mode:
                self.fail(str(exc))
            self.warnings.append("check mode: %s; assuming an earlier task would create it" % exc)
            result["changed"] = True
        except VcdError as exc:
            self.fail(str(exc))
        if self.module._diff and (before or after):
            result["diff"] = {"before": before, "after": after}
        if self.warnings:
            result["warnings"] = self.warnings
        self.module.exit_json(**result)

    def _converge(self):
        state = self.params["state"]
        self._absent = state == "absent"
        self.params["state"] = "present"
        try:
            if self._absent:
                self.params["use_defaults"] = True
            return super()._converge()
        finally:
            self.params["state"] = state


def main():
    Registry().run()


if __name__ == "__main__":
    main()
