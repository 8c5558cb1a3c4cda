#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: alp_chart_source
short_description: Manage an App Launchpad chart source (Bitnami / Marketplace or a Helm repository)
description:
  - The reference design lets App Launchpad take its applications from either the public Bitnami
    catalogue (VMware Marketplace) or a provider-managed ChartMuseum Helm repository.
  - The source is a VCD Content Hub content source, C(/cloudapi/1.0.0/catalogContentSources) with
    C({name, url, sourceType}); VCD answers a Helm repository with a task that syncs it, which the
    module waits for. Once synced, the source's applications can be published to tenants with
    M(vcdops.platform.alp_app_publish).
  - Looked up by name; the URL and description are converged in place; the type cannot change.
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
    description: Shows the source before and after.
notes:
  - The App Launchpad REST API is not public; the collection models it with VCD Content Hub
    (assumption A48 in docs/assumptions.md). This module is the one place that knows the source shape.
options:
  name:
    description: Name of the source.
    type: str
    required: true
  source_type:
    description:
      - V(marketplace) is the VMware Marketplace (Bitnami catalogue, C(VmwareMarketplace)).
      - V(helm) is a Helm chart repository such as a provider's ChartMuseum (C(HelmchartRepo)).
    type: str
    choices: [marketplace, helm]
    default: helm
  url:
    description: URL of the repository (C(http://) or C(https://)). Required with O(state=present).
    type: str
  description:
    description: Description.
    type: str
  state:
    description: Whether the source should exist. Removing it removes its applications from App Launchpad.
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: Bitnami charts
  vcdops.platform.alp_chart_source:
    name: bitnami
    source_type: helm
    url: https://charts.bitnami.com/bitnami

- name: The provider's ChartMuseum
  vcdops.platform.alp_chart_source:
    name: chartmuseum
    source_type: helm
    url: https://charts.az1.example.com
"""

RETURN = r"""
source:
  description: The chart source.
  returned: always
  type: dict
  contains:
    id:
      description: URN of the source.
      type: str
    name:
      description: Name.
      type: str
    url:
      description: Repository URL.
      type: str
    source_type:
      description: V(marketplace) or V(helm).
      type: str
    status:
      description: Sync status reported by VCD (C(READY) once synced).
      type: str
"""

import re

from ansible_collections.vcdops.platform.plugins.module_utils.alp import hub
from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import InputError, ResourceModule

URL_RE = re.compile(r"^https?://[A-Za-z0-9.\-]+(:\d+)?(/\S*)?$")


class ChartSource(ResourceModule):
    result_key = "source"
    options = dict(
        name=dict(type="str", required=True),
        source_type=dict(type="str", default="helm", choices=sorted(hub.SOURCE_TYPES)),
        url=dict(type="str"),
        description=dict(type="str"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )

    def validate(self):
        p = self.params
        if not p["name"].strip():
            raise InputError("name must not be empty")
        if p["state"] == "present":
            if not p["url"]:
                raise InputError("url is required to have chart source %s" % p["name"])
            if not URL_RE.match(p["url"]):
                raise InputError("url %r of chart source %s is not an http(s) URL" % (p["url"], p["name"]))

    def read(self):
        return hub.find_source(self.client, self.params["name"])

    def view(self, current):
        src = current
        return dict(id=src.get("id"), name=src.get("name"), url=src.get("url"),
                    source_type=hub.SOURCE_KINDS.get(src.get("sourceType"), src.get("sourceType")),
                    description=src.get("description") or "", status=src.get("status"))

    def desired(self, current):
        p = self.params
        want = dict(name=p["name"], url=p["url"], source_type=p["source_type"], description=p["description"])
        if current is not None:
            have = self.view(current)["source_type"]
            if have != p["source_type"]:
                raise InputError("chart source %s is of type %s and cannot become %s: remove it first"
                                 % (p["name"], have, p["source_type"]))
        return want

    def create(self, want):
        body = {"name": want["name"], "url": want["url"], "sourceType": hub.SOURCE_TYPES[want["source_type"]],
                "description": want["description"] or ""}
        self.client.create(hub.SOURCES, body, "chart source %s" % want["name"],
                           find=lambda: hub.find_source(self.client, want["name"]))

    def update(self, current, want, changes):
        body = {k: v for k, v in current.items() if k in ("id", "name", "url", "sourceType", "description")}
        if "url" in changes:
            body["url"] = changes["url"]
        if "description" in changes:
            body["description"] = changes["description"]
        self.client.write("PUT", "%s/%s" % (hub.SOURCES, current["id"]), body,
                          what="update chart source %s" % current["name"])

    def delete(self, current):
        self.client.write("DELETE", "%s/%s" % (hub.SOURCES, current["id"]),
                          what="delete chart source %s" % current["name"])


def main():
    ChartSource().run()


if __name__ == "__main__":
    main()
