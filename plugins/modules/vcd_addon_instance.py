#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vcd_addon_instance
short_description: Create or delete an instance of a Solution Add-On
description:
  - Creates an instance through the add-on's C(createInstance) behaviour, with every input the manifest
    declares - typed as the manifest says (String, Boolean, Integer, lists for array inputs), prefixed
    C(input-), defaults filled in. Unknown inputs, missing required inputs, wrongly typed values and values
    outside the manifest's choices fail before anything is written.
  - The add-on's EULA must be accepted with O(accept_eula=true); otherwise the module fails and shows the
    EULA text.
  - Instances cannot be updated. When an instance exists with inputs other than the wanted ones, the
    difference is reported - as an error by default, as a warning with O(on_input_drift=warn) - and never
    silently ignored. Secure inputs cannot be compared and are not reported.
  - Deletes an instance through the instance's C(invoke) behaviour (C(delete instance)); O(force=true) sets
    the add-on's C(force-delete) input. The add-on's backend removes the instance entity.
  - A lost answer to C(createInstance) is never followed by a second invocation; the module looks for the
    instance instead, so a retry never makes a duplicate.
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
  - The instance and request status values are modelled (assumption A14), the C(name) argument of
    C(delete instance) is the instance name (A15); upgrade, rollback and other day-2 operations are not
    supported (A16). See docs/assumptions.md.
options:
  addon:
    description:
      - The add-on, by entity name C(<vendor>.<name>-<version>) (for example V(vmware.ds-1.4.0-23376809)), or by
        manifest name (V(ds)) when only one version is installed.
      - One of O(addon) and O(iso) is required.
    type: str
  iso:
    description:
      - The add-on's ISO file. The add-on is the one the ISO's manifest names; its manifest and EULA are read
        from the ISO, so that inputs and the EULA acceptance are checked even in check mode before the add-on is
        installed (for example in a preflight pass).
    type: path
  name:
    description: Instance name.
    type: str
    required: true
  inputs:
    description:
      - Values of the manifest's inputs, by input name without the C(input-) prefix.
      - Values of secure inputs belong in O(secure_inputs).
    type: dict
    default: {}
  secure_inputs:
    description: Values of the manifest's secure inputs (never logged).
    type: dict
    default: {}
  delete_inputs:
    description: Values of the manifest's delete-only inputs, used with O(state=absent).
    type: dict
    default: {}
  accept_eula:
    description: Accept the add-on's end user licence agreement. Required to create an instance.
    type: bool
    default: false
  force:
    description: With O(state=absent), set the add-on's C(force-delete) input.
    type: bool
    default: false
  on_input_drift:
    description: What to do when an existing instance was created with other inputs.
    type: str
    choices: [fail, warn]
    default: fail
  state:
    description: Whether the instance should exist.
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: Data Solutions extension instance
  vcdops.platform.vcd_addon_instance:
    addon: vmware.ds-1.4.0-23376809
    name: ds-instance
    accept_eula: true
    inputs:
      delete-previous-uiplugin-versions: true

- name: Remove it, leaving running data solution instances in place
  vcdops.platform.vcd_addon_instance:
    addon: vmware.ds-1.4.0-23376809
    name: ds-instance
    force: true
    state: absent
"""

RETURN = r"""
instance:
  description: The instance (secure input values masked).
  returned: always
  type: dict
  sample:
    id: urn:vcloud:entity:vmware:solutions_add_on_instance:0c1d...
    name: ds-instance
    addon: vmware.ds-1.4.0-23376809
    addon_id: urn:vcloud:entity:vmware:solutions_add_on:5d2c...
    status: READY
    properties: {delete-previous-uiplugin-versions: true}
    tenants: []
    all_tenants: false
result:
  description: The parsed result of the behaviour invocation.
  returned: when the instance was created or deleted
  type: raw
input_drift:
  description: Inputs of the existing instance that differ from the wanted ones.
  returned: when they differ and O(on_input_drift=warn)
  type: dict
"""

import time

from ansible_collections.vcdops.platform.plugins.module_utils.common import iso as isolib
from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import InputError, ResourceModule
from ansible_collections.vcdops.platform.plugins.module_utils.vcd import addons
from ansible_collections.vcdops.platform.plugins.module_utils.vcd.client import VcdError, VcdNotFound
from ansible_collections.vcdops.platform.plugins.module_utils.vcd.rde import Rde

EULA_SHOWN = 4000


class Instance(ResourceModule):
    result_key = "instance"
    options = dict(
        addon=dict(type="str"),
        iso=dict(type="path"),
        name=dict(type="str", required=True),
        inputs=dict(type="dict", default={}),
        secure_inputs=dict(type="dict", default={}, no_log=True),
        delete_inputs=dict(type="dict", default={}),
        accept_eula=dict(type="bool", default=False),
        force=dict(type="bool", default=False),
        on_input_drift=dict(type="str", default="fail", choices=["fail", "warn"]),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )

    module_kwargs = dict(required_one_of=[("addon", "iso")])

    def validate(self):
        p = self.params
        self.iso = None
        if p["iso"]:
            try:
                self.iso = isolib.read_addon_iso(p["iso"])
            except isolib.IsoError as exc:
                raise InputError(str(exc))
            name = isolib.addon_rde_name(self.iso["manifest"])
            if p["addon"] and p["addon"] not in (name, self.iso["manifest"]["name"]):
                raise InputError("addon %s is not the add-on of ISO %s (%s)" % (p["addon"], p["iso"], name))
            p["addon"] = name
        both = sorted(set(p["inputs"]) & set(p["secure_inputs"]))
        if both:
            raise InputError("input %s is given in both inputs and secure_inputs" % ", ".join(both))
        for name in p["inputs"]:
            if str(name).startswith("input-"):
                raise InputError("give input %s without the 'input-' prefix (the module adds it)" % name)

    @property
    def rde(self):
        return Rde(self.client)

    def read(self):
        self.addon = addons.find_addon(self.rde, self.params["addon"])
        if self.addon is None:
            if self.iso is None or not self.module.check_mode or self.params["state"] == "absent":
                raise VcdNotFound("add-on %s is not installed (vcdops.platform.vcd_addon)" % self.params["addon"])
            # check mode, the add-on is not installed yet: check against its ISO
            self.addon = {"id": None, "name": self.params["addon"],
                          "entity": {"manifest": self.iso["manifest"], "eula": self.iso["eula"]}}
            self.warnings.append("check mode: add-on %s is not installed yet; inputs and EULA checked against %s"
                                 % (self.params["addon"], self.params["iso"]))
        manifest = (self.addon.get("entity") or {}).get("manifest") or {}
        self.secure = sorted(i["name"] for i in manifest.get("inputs") or [] if i.get("secure"))
        self.manifest = manifest
        if self.addon["id"] is None:
            return None
        return addons.find_instance(self.rde, self.addon["id"], self.params["name"])

    def view(self, current):
        entity = current
        return dict(name=addons.instance_view(entity)["name"], addon=self.addon["name"])

    def returned(self, obj):
        entity = obj
        out = addons.instance_view(entity, self.secure)
        out["addon"] = self.addon["name"]
        return out

    def _given(self):
        given = dict(self.params["inputs"])
        given.update(self.params["secure_inputs"])
        for name in self.secure:
            value = given.get(name)
            if value not in (None, ""):
                self.module.no_log_values.add(str(value))
        return given

    def desired(self, current):
        p = self.params
        arguments, properties, _secure = addons.typed_inputs(self.manifest, self._given(), "create", self.addon["name"])
        self.arguments = arguments
        if current is None:
            if not p["accept_eula"]:
                eula = (self.addon.get("entity") or {}).get("eula") or "(the add-on carries no EULA text)"
                if len(eula) > EULA_SHOWN:
                    eula = eula[:EULA_SHOWN] + "\n[... %d more characters]" % (len(eula) - EULA_SHOWN)
                raise InputError("creating an instance of %s needs accept_eula: true. Read the end user licence "
                                 "agreement first:\n%s" % (self.addon["name"], eula))
        else:
            props = (current.get("entity") or {}).get("properties") or {}
            drift = addons.input_drift(props, properties, self.secure)
            if drift:
                text = "; ".join("%s is %r on the instance, %r wanted" % (k, v["instance"], v["wanted"])
                                 for k, v in sorted(drift.items()))
                if p["on_input_drift"] == "fail":
                    raise InputError("add-on instance %s exists with other inputs (instances cannot be updated: "
                                     "delete and create it again, or set the inputs back): %s" % (p["name"], text))
                self.warnings.append("add-on instance %s exists with other inputs: %s" % (p["name"], text))
                self.extra["input_drift"] = drift
        return dict(name=p["name"], addon=self.addon["name"])

    def create(self, want):
        entity, result = addons.create_instance(self.rde, self.addon, self.params["name"], self.arguments)
        self.extra["result"] = result
        state = entity.get("entityState") or entity.get("state")
        if state == "RESOLUTION_ERROR":
            raise VcdError("instance %s of %s was created but does not resolve: %s"
                           % (self.params["name"], self.addon["name"], entity.get("message")))

    def delete(self, current):
        given = dict(self.params["delete_inputs"])
        specs = dict((i["name"], i) for i in self.manifest.get("inputs") or [])
        if self.params["force"]:
            if "force-delete" not in specs:
                raise InputError("add-on %s has no force-delete input: force cannot be used" % self.addon["name"])
            given["force-delete"] = True
        arguments = addons.typed_inputs(self.manifest, given, "delete", self.addon["name"])[0]
        self.extra["result"] = addons.delete_instance(self.rde, current, arguments)
        # the add-on's backend removes the entity; wait until it is gone
        deadline = time.monotonic() + (self.params.get("timeout") or 1800)
        delay = 0.3
        while addons.find_instance(self.rde, self.addon["id"], self.params["name"]) is not None:
            if time.monotonic() >= deadline:
                raise VcdError("delete instance %s: the instance is still there after %ss"
                               % (self.params["name"], self.params.get("timeout")))
            time.sleep(delay)
            delay = min(delay * 1.5, 5)

    def run(self):
        self.extra = {}
        module = self.module
        exit_json = module.exit_json

        def exit_with_extra(**result):
            result.update(self.extra)
            exit_json(**result)
        module.exit_json = exit_with_extra
        super().run()


def main():
    Instance().run()


if __name__ == "__main__":
    main()
