#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vcd_cse_config
short_description: Configure CSE 4.x - the vcdKeConfig entity every CSE server reads
description:
  - Ensures the single C(vcdKeConfig) entity of type C(vmware:VCDKEConfig) in the System organization
    (api-reference §5, step 1.9) - CSE release and the component versions it implies, bootstrap VM
    sizing, container registry, proxy, GitHub token, certificates, log level, server and cluster
    defaults.
  - Every input is checked before anything is written - the CSE release and the TKG releases it must
    deploy, proxy URLs, no-proxy entries, the registry, certificates, sizes.
  - Changes are written in place - read with the C(ETag), write with C(If-Match), re-read and re-apply
    on C(412) (up to 5 times, as CSE does). Fields the module does not own are kept, including the
    C(vcdKeInstances) the CSE servers register themselves in.
  - The diff lists the owned fields one per line (C(profiles[0].bootstrapClusterConfig.proxyConfig.httpProxy)
    and so on); the GitHub token is masked.
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
  - The TKG releases each CSE release deploys, and where the log level is kept, are modelled
    (docs/assumptions.md, A-CSE-1 and A-CSE-2).
options:
  cse_version:
    description: CSE release, for example V(4.2.1); it sets the CAPVCD, CPI, CSI and RDE projector versions.
    type: str
    required: true
  tkg_versions:
    description: TKG releases the provider offers (for example V(2.4.0)); each must be one the CSE release deploys.
    type: list
    elements: str
    default: []
  container_registry_url:
    description: Registry of the TKG images, without scheme (CSE appends C(/tkg)).
    type: str
    default: projects.registry.vmware.com
  http_proxy:
    description: Proxy for HTTP, C(http://host:port). Empty for none.
    type: str
    default: ""
  https_proxy:
    description: Proxy for HTTPS, C(http://host:port). Empty for none.
    type: str
    default: ""
  no_proxy:
    description: Hosts, C(.domains), IP addresses and CIDRs reached without the proxy.
    type: list
    elements: str
    default: []
  github_token:
    description: GitHub personal access token, against GitHub's rate limits. Empty for none.
    type: str
    default: ""
  certificates:
    description: PEM CA certificates the Kubernetes clusters trust.
    type: list
    elements: str
    default: []
  bootstrap_certificates:
    description: PEM CA certificates the bootstrap VM trusts.
    type: list
    elements: str
    default: []
  bootstrap_vm_sizing_policy:
    description: Sizing policy of the ephemeral bootstrap VM.
    type: str
    default: TKG small
  log_level:
    description: CSE server log level.
    type: str
    choices: [error, warn, info, debug]
  machine_health_check:
    description: Cluster defaults for machine health checks.
    type: dict
    default: {}
    suboptions:
      max_unhealthy_node_percent:
        description: Percentage of unhealthy nodes above which remediation stops.
        type: int
        default: 100
      node_startup_timeout:
        description: Seconds a node may take to start.
        type: int
        default: 900
      node_not_ready_timeout:
        description: Seconds a node may be not ready.
        type: int
        default: 300
      node_unknown_timeout:
        description: Seconds a node may be unknown.
        type: int
        default: 300
  server:
    description: CSE server settings.
    type: dict
    default: {}
    suboptions:
      rde_poll_interval_min:
        description: Minutes between polls of cluster entities.
        type: int
        default: 1
      heartbeat_watcher_timeout_min:
        description: Heartbeat watcher timeout, in minutes.
        type: int
        default: 10
      stale_heartbeat_interval_min:
        description: Minutes after which a heartbeat is stale.
        type: int
        default: 30
  syslog:
    description: Syslog server of the CSE servers.
    type: dict
    default: {}
    suboptions:
      host:
        description: Host name or IP address.
        type: str
      port:
        description: Port.
        type: int
  cni_version:
    description: Antrea version; empty for CSE's default.
    type: str
    default: ""
  profile_name:
    description: Name of the configuration profile.
    type: str
    default: production
  state:
    description: Whether the configuration should exist. V(absent) deletes the entity.
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: CSE 4.2.1 behind a proxy
  vcdops.platform.vcd_cse_config:
    cse_version: 4.2.1
    tkg_versions: [2.4.0, 2.5.0]
    http_proxy: http://proxy.example.com:3128
    https_proxy: http://proxy.example.com:3128
    no_proxy: [.example.com, 10.0.0.0/8]
    github_token: "{{ vault_github_token }}"
"""

RETURN = r"""
config:
  description: The owned fields, flattened (the GitHub token masked).
  returned: always
  type: dict
servers:
  description: The CSE servers registered in the entity (C(vcdKeInstances)).
  returned: always
  type: list
  elements: dict
entity_id:
  description: URN of the vcdKeConfig entity.
  returned: when it exists
  type: str
"""

from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import ResourceModule
from ansible_collections.vcdops.platform.plugins.module_utils.vcd import cse, rde


class CseConfig(ResourceModule):
    result_key = "config"
    options = dict(
        cse_version=dict(type="str", required=True),
        tkg_versions=dict(type="list", elements="str", default=[]),
        container_registry_url=dict(type="str", default="projects.registry.vmware.com"),
        http_proxy=dict(type="str", default=""),
        https_proxy=dict(type="str", default=""),
        no_proxy=dict(type="list", elements="str", default=[]),
        github_token=dict(type="str", default="", no_log=True),
        certificates=dict(type="list", elements="str", default=[]),
        bootstrap_certificates=dict(type="list", elements="str", default=[]),
        bootstrap_vm_sizing_policy=dict(type="str", default="TKG small"),
        log_level=dict(type="str", choices=list(cse.LOG_LEVELS)),
        machine_health_check=dict(type="dict", default={}, options=dict(
            max_unhealthy_node_percent=dict(type="int", default=100),
            node_startup_timeout=dict(type="int", default=900),
            node_not_ready_timeout=dict(type="int", default=300),
            node_unknown_timeout=dict(type="int", default=300))),
        server=dict(type="dict", default={}, options=dict(
            rde_poll_interval_min=dict(type="int", default=1),
            heartbeat_watcher_timeout_min=dict(type="int", default=10),
            stale_heartbeat_interval_min=dict(type="int", default=30))),
        syslog=dict(type="dict", default={}, options=dict(host=dict(type="str"), port=dict(type="int"))),
        cni_version=dict(type="str", default=""),
        profile_name=dict(type="str", default="production"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )

    def validate(self):
        cse.check_config(self.params)
        self.profile = cse.build_profile(self.params)
        self.type_version = cse.versions(self.params["cse_version"])["vcdkeconfig"]

    def read(self):
        return cse.find_config(self.client, self.type_version.split(".")[0])

    def _flat(self, contents):
        return cse.owned_view(contents, list(self.profile))

    def view(self, current):
        return cse.mask(self._flat(current.get("entity") or {}))

    def desired(self, current):
        want = cse.flatten({"profiles": [self.profile]})
        want = {k.replace("profiles[0].", "", 1): v for k, v in want.items()}
        want = cse.mask(want)
        if current is not None:
            before = self._flat(current.get("entity") or {})
            for key, value in before.items():
                if key.endswith("githubPersonalAccessToken") and (value or "") != (self.params["github_token"] or "") \
                        and self.params["github_token"]:
                    want[key] = "%s (changed)" % cse.MASK
        return want

    def _converge(self):
        result = super()._converge()
        # flattened keys look like "K8Config.cni.name"; show them under profiles[0]
        if "diff" in result:
            for side in ("before", "after"):
                result["diff"][side] = {"profiles[0].%s" % k: v for k, v in sorted(result["diff"][side].items())}
        return result

    def create(self, want):
        type_id = rde.type_urn("vmware", "VCDKEConfig", self.type_version)
        rde.Rde(self.client).create(type_id, cse.CONFIG_NAME, cse.new_contents(self.profile), find=self.read)

    def update(self, current, want, changes):
        def change(entity):
            entity["entity"] = cse.merge_config(entity.get("entity"), self.profile)
            return entity
        cse.update_with_retries(self.client, current["id"], change, "update the CSE configuration %s" % current["id"])

    def delete(self, current):
        rde.Rde(self.client).delete(current["id"])

    def returned(self, obj):
        return self.view(obj) if obj else {}

    def run(self):
        # the flow returns the config; add the servers and the id
        original_exit = self.module.exit_json

        def exit_json(**result):
            try:
                current = self.read() if self.params["state"] == "present" and not self.module.check_mode else None
            except Exception:  # pragma: no cover - the answer is already decided
                current = None
            if current is not None:
                result["entity_id"] = current["id"]
                result["servers"] = cse.server_instances(current.get("entity"))
            else:
                result.setdefault("servers", [])
            original_exit(**result)
        self.module.exit_json = exit_json
        super().run()


def main():
    CseConfig().run()


if __name__ == "__main__":
    main()
