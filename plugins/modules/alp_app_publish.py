#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: alp_app_publish
short_description: Publish App Launchpad applications to the tenant matrix, in bulk
description:
  - Takes the whole tenant matrix (each tenant with the AZs it lives in and the applications it gets)
    and converges one AZ's VCD to it in one task, whatever the number of tenants.
  - Reads the organizations, the applications and, for each managed application that has tenants, its
    tenant list (paged lists); then sends at most one publish and one unpublish call per application
    whose tenants change, each carrying every tenant concerned.
  - Everything is checked before the first write; an unknown tenant organization, an application that
    no chart source offers, or an application offered by two sources without O(source) fails the
    task without a change.
  - A tenant of the matrix loses an application it no longer lists. A tenant that is not in the matrix
    for this AZ keeps what it has, unless O(purge=true).
version_added: 0.1.0
author: vcdops platform team (@vcdops)
extends_documentation_fragment:
  - vcdops.platform.vcd
attributes:
  check_mode:
    support: full
    description: Reports what would be published and unpublished and writes nothing.
  diff_mode:
    support: full
    description: Shows the tenants of each application that changes, before and after.
notes:
  - Publishing goes through VCD Content Hub application publishing (assumption A48 in docs/assumptions.md).
options:
  tenants:
    description:
      - The tenant matrix, for example the C(tenants) variable of the inventory. Each item is a
        mapping with C(name) (the tenant organization), optionally C(azs) (the AZs the tenant lives in;
        every AZ when absent) and the list of application names under O(apps_key). Other keys are ignored.
    type: list
    elements: dict
    required: true
  az:
    description: The AZ this VCD serves. Tenants whose C(azs) does not name it are out of scope.
    type: str
  apps_key:
    description: The key of each tenant that lists its applications.
    type: str
    default: alp
  source:
    description: Name of the chart source the applications come from. Needed when two sources offer the same name.
    type: str
  applications:
    description: Applications to manage even when no tenant lists them (they get unpublished from matrix tenants).
    type: list
    elements: str
    default: []
  purge:
    description: Also unpublish managed applications from tenants that are not in the matrix for this AZ.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Applications for every tenant of this AZ, one task
  vcdops.platform.alp_app_publish:
    tenants: "{{ tenants }}"
    az: "{{ inventory_hostname }}"
    source: bitnami
"""

RETURN = r"""
applications:
  description: Each managed application with the tenants that have it after the run (sorted names).
  returned: always
  type: dict
published:
  description: Per application, the tenants it was (or in check mode would be) published to.
  returned: always
  type: dict
unpublished:
  description: Per application, the tenants it was (or in check mode would be) unpublished from.
  returned: always
  type: dict
"""

from ansible_collections.vcdops.platform.plugins.module_utils.alp import hub, matrix
from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import InputError, _Base
from ansible_collections.vcdops.platform.plugins.module_utils.vcd import orgs
from ansible_collections.vcdops.platform.plugins.module_utils.vcd.client import VcdError


class AppPublish(_Base):
    options = dict(
        tenants=dict(type="list", elements="dict", required=True),
        az=dict(type="str"),
        apps_key=dict(type="str", default="alp", no_log=False),
        source=dict(type="str"),
        applications=dict(type="list", elements="str", default=[]),
        purge=dict(type="bool", default=False),
    )

    def validate(self):
        p = self.params
        try:
            self.apps, self.scope = matrix.wanted(p["tenants"], p["az"], p["apps_key"], p["applications"])
        except matrix.MatrixError as exc:
            raise InputError("tenant matrix: %s" % exc)

    def _catalogue(self):
        """name -> application, from the chosen source; fails on unknown or ambiguous names."""
        p = self.params
        by_name = {}
        for app in hub.list_apps(self.client):
            source = (app.get("contentSource") or {}).get("name")
            if p["source"] and source != p["source"]:
                continue
            by_name.setdefault(app["name"], []).append(app)
        if p["source"] and not by_name and hub.find_source(self.client, p["source"]) is None:
            if self.module.check_mode:
                # an earlier task of the same run would create (and sync) it
                self.warnings.append("check mode: chart source %s does not exist yet; its applications "
                                     "cannot be checked" % p["source"])
                return None
            raise InputError("chart source %s does not exist" % p["source"])
        self.offered = by_name
        missing = sorted(a for a in self.apps if a not in by_name)
        if missing:
            raise InputError("no chart source%s offers %s (offered: %s)" % (
                " named %s" % p["source"] if p["source"] else "", ", ".join(missing),
                ", ".join(sorted(by_name)) or "nothing"))
        twice = sorted(a for a in self.apps if len(by_name[a]) > 1)
        if twice:
            raise InputError("%s offered by several chart sources (%s): set source" % (
                ", ".join(twice), ", ".join(sorted({(x.get("contentSource") or {}).get("name") or "?"
                                                    for a in twice for x in by_name[a]}))))
        not_ready = sorted(a for a in self.apps if by_name[a][0].get("status") not in (None, "READY"))
        if not_ready:
            raise InputError("application(s) %s are not READY in their chart source" % ", ".join(not_ready))
        return {a: by_name[a][0] for a in self.apps}

    def run(self):
        try:
            self.validate()
            result = self._converge()
        except InputError as exc:
            self.fail(str(exc))
        except VcdError as exc:
            self.fail(str(exc))
        self.module.exit_json(**result)

    def _converge(self):
        c = self.client
        org_refs = {o["name"]: {"id": o["id"], "name": o["name"]} for o in c.list(orgs.ORGS)}
        needed = set(n for names in self.apps.values() for n in names)
        unknown = sorted(needed - set(org_refs))
        if unknown:
            raise InputError("tenant organization(s) %s do not exist in this VCD" % ", ".join(unknown))
        apps = self._catalogue()
        if apps is not None:
            # an application nobody lists any more is still managed while tenants have it,
            # so that the tenants of the matrix lose it
            for name, offered in self.offered.items():
                if name not in apps and len(offered) == 1 and offered[0].get("tenantCount") != 0:
                    apps[name] = offered[0]
                    self.apps[name] = set()
        current = {}
        for name, app in sorted((apps or {}).items()):
            if app.get("tenantCount") == 0:
                current[name] = set()
                continue
            current[name] = {t["name"] for t in hub.app_tenants(c, app["id"])}
        if apps is None:
            current = {name: set() for name in self.apps}
        add, remove = matrix.plan(self.apps, current, self.scope, self.params["purge"])
        after = {name: set(have) for name, have in current.items()}
        for name, names in add.items():
            after[name] |= set(names)
        for name, names in remove.items():
            after[name] -= set(names)
        result = dict(changed=bool(add or remove), published=add, unpublished=remove,
                      applications={n: sorted(t) for n, t in sorted(after.items())})
        if self.module._diff and result["changed"]:
            touched = sorted(set(add) | set(remove))
            result["diff"] = {"before": {n: sorted(current[n]) for n in touched},
                              "after": {n: sorted(after[n]) for n in touched}}
        for warning in self.warnings:
            self.module.warn(warning)
        if self.module.check_mode or not result["changed"]:
            return result
        for name, names in sorted(remove.items()):
            hub.publish(c, apps[name], [org_refs[n] for n in names], action="unpublish")
        for name, names in sorted(add.items()):
            hub.publish(c, apps[name], [org_refs[n] for n in names], action="publish")
        return result


def main():
    AppPublish().run()


if __name__ == "__main__":
    main()
