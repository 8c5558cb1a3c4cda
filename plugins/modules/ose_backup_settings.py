#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ose_backup_settings
short_description: Set the Kubernetes backup (Velero / Kopia) settings of Object Storage Extension
description:
  - Sets where the tenants' Kubernetes clusters download Velero and Kopia from (the public GitHub
    registry or a provider OCI registry), the Velero version, whether Kopia is used, and the
    namespaces never backed up.
  - Reads the settings once and writes them only when they differ.
version_added: 0.1.0
author: vcdops platform team (@vcdops)
extends_documentation_fragment:
  - vcdops.platform.vcd
  - vcdops.platform.ose
attributes:
  check_mode:
    support: full
    description: Reports what would change and writes nothing.
  diff_mode:
    support: full
    description: Shows the owned fields before and after.
options:
  source:
    description: V(github) (public registry) or V(registry) (provider OCI registry, O(registry_url)).
    type: str
    choices: [github, registry]
  registry_url:
    description: Provider OCI registry holding the Velero and Kopia images.
    type: str
  velero_version:
    description: Velero version the clusters get (1.11.1 on OSE 3.x).
    type: str
  kopia_enabled:
    description: Whether backups use Kopia.
    type: bool
  excluded_namespaces:
    description: Namespaces never backed up (C(kube-system) always is).
    type: list
    elements: str
notes:
  - Provider-side Velero settings are the modelled assumption A44; the path
    C(GET|PUT /api/v1/core/settings/kubernetes-backup) is documented in docs/assumptions.md.
"""

EXAMPLES = r"""
- name: Velero from the provider registry
  vcdops.platform.ose_backup_settings:
    ose_url: https://ose.az1.example.com
    source: registry
    registry_url: https://harbor.example.com/velero
    velero_version: 1.11.1
"""

RETURN = r"""
settings:
  description: The settings after the run (predicted in check mode).
  returned: always
  type: dict
"""

from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import InputError
from ansible_collections.vcdops.platform.plugins.module_utils.ose.base import OseModule
from ansible_collections.vcdops.platform.plugins.module_utils.ose.views import BACKUP_SETTINGS as PATH, backup_view as view


class BackupSettings(OseModule):
    options = dict(
        source=dict(type="str", choices=["github", "registry"]),
        registry_url=dict(type="str"),
        velero_version=dict(type="str"),
        kopia_enabled=dict(type="bool"),
        excluded_namespaces=dict(type="list", elements="str"),
    )

    def validate(self):
        p = self.params
        if p["source"] == "registry" and not p["registry_url"]:
            raise InputError("source=registry needs registry_url")
        if p["registry_url"] and not p["registry_url"].startswith("https://"):
            raise InputError("registry_url must be an https:// URL")

    def converge(self):
        p = self.params
        have = view(self.ose.get(PATH, what="read the Kubernetes backup settings") or {})
        want = dict(have)
        for key in ("source", "registry_url", "velero_version", "kopia_enabled"):
            if p[key] is not None:
                want[key] = p[key]
        if p["excluded_namespaces"] is not None:
            want["excluded_namespaces"] = sorted(set(p["excluded_namespaces"]) | {"kube-system"})
        result = {"changed": want != have, "settings": want}
        if want != have and self.module._diff:
            result["diff"] = {"before": have, "after": want}
        if want != have and not self.module.check_mode:
            body = {"source": want["source"].upper(), "registryUrl": want["registry_url"],
                    "veleroVersion": want["velero_version"], "kopiaEnabled": want["kopia_enabled"],
                    "excludedNamespaces": want["excluded_namespaces"]}
            result["settings"] = view(self.ose.write("PUT", PATH, body, what="set the Kubernetes backup settings")
                                      or {})
        return result


def main():
    BackupSettings().run()


if __name__ == "__main__":
    main()
