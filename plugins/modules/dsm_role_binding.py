#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: dsm_role_binding
short_description: Grant a DSM role to users and groups
description:
  - Creates, updates or deletes a C(DsmRoleBinding) of VMware Data Services Manager
    (C(/apis/authorization.dataservices.vmware.com/v1alpha1/dsmrolebindings), cluster-scoped, no spec) that gives
    C(DSM_ADMIN) or C(DSM_USER) to users and groups (for example directory groups after M(vcdops.platform.dsm_directory)).
  - The role of a binding is immutable, and a subject may appear in one binding only (names compare
    case-insensitively); both are checked before any write.
version_added: 0.1.0
author: vcdops platform team (@vcdops)
extends_documentation_fragment:
  - vcdops.platform.dsm
  - vcdops.platform.dsm.wait
attributes:
  check_mode:
    support: full
    description: Reports what would change and writes nothing.
  diff_mode:
    support: full
    description: Shows the owned fields before and after.
options:
  name:
    description: Binding name.
    type: str
    required: true
  role:
    description: The role. Required with O(state=present).
    type: str
    choices: [DSM_ADMIN, DSM_USER]
  subjects:
    description: Who gets the role.
    type: list
    elements: dict
    default: []
    suboptions:
      kind:
        description: V(User) or V(Group).
        type: str
        choices: [User, Group]
        required: true
      name:
        description: User (e-mail or directory name) or group name.
        type: str
        required: true
  state:
    description: Whether the binding should exist.
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: DSM administrators from the directory
  vcdops.platform.dsm_role_binding:
    name: dsm-admins
    role: DSM_ADMIN
    subjects:
      - {kind: Group, name: dsm-admins}
"""

RETURN = r"""
role_binding:
  description: The binding (C(name), C(role), C(subjects)).
  returned: always
  type: dict
"""

from ansible_collections.vcdops.platform.plugins.module_utils.dsm.client import AUTHZ
from ansible_collections.vcdops.platform.plugins.module_utils.dsm.module import InputError, K8sResource
from ansible_collections.vcdops.platform.plugins.module_utils.dsm.validate import k8s_name


def _subjects(items):
    return sorted(({"kind": s.get("kind"), "name": s.get("name")} for s in items or []),
                  key=lambda s: (s["kind"] or "", str(s["name"]).lower()))


class RoleBinding(K8sResource):
    result_key = "role_binding"
    group, plural, kind = AUTHZ, "dsmrolebindings", "DsmRoleBinding"
    top_level = ("role", "subjects")
    has_ready = False
    options = dict(
        name=dict(type="str", required=True),
        role=dict(type="str", choices=["DSM_ADMIN", "DSM_USER"]),
        subjects=dict(type="list", elements="dict", default=[], options=dict(
            kind=dict(type="str", required=True, choices=["User", "Group"]), name=dict(type="str", required=True))),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module_kwargs = dict(required_if=[("state", "present", ("role",))])

    def validate(self):
        k8s_name(self.params["name"], "role binding name")
        seen = set()
        for s in self.params["subjects"]:
            key = (s["kind"], s["name"].lower())
            if key in seen:
                raise InputError("role binding %s lists %s %s twice" % (self.params["name"], s["kind"], s["name"]))
            seen.add(key)

    def desired_spec(self):
        return None

    def view(self, current):
        obj = current
        out = super().view(obj)
        out["subjects"] = _subjects(obj.get("subjects"))
        out.pop("spec", None)
        out.pop("ready", None)
        return out

    def desired_top(self):
        return {"role": self.params["role"], "subjects": _subjects(self.params["subjects"])}

    def desired(self, current):
        want = super().desired(current)
        if current is not None and current.get("role") != self.params["role"]:
            raise InputError("role binding %s has role %s; the role of a binding cannot change - remove the binding "
                             "(state: absent) and create it again" % (self.params["name"], current.get("role")))
        mine = {(s["kind"], s["name"].lower()) for s in want["subjects"]}
        for other in self.client.list(self.group, self.plural):
            if other["metadata"]["name"] == self.params["name"]:
                continue
            clash = mine & {(s.get("kind"), str(s.get("name")).lower()) for s in other.get("subjects") or []}
            if clash:
                kind, name = sorted(clash)[0]
                raise InputError("%s %s is already bound in role binding %s: a subject may appear in one binding only"
                                 % (kind, name, other["metadata"]["name"]))
        return want


def main():
    RoleBinding().run()


if __name__ == "__main__":
    main()
