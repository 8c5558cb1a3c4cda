#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vcd_dsm_connection
short_description: Connect the Data Solutions extension of VCD to Data Services Manager
description:
  - Connects DSE (VCD's extension for Data Solutions) to VMware Data Services Manager, as Settings > DSM Integration
    does - the provider Kubernetes cluster (in the solutions organization) running the Data Solutions Operator and
    the DSM Consumption Operator, the DSM base URL, admin user and password, and the DSM CA certificate - and
    reports the connection status, the operators' states and what VCD discovered (infrastructure policies, backup
    locations, the DSM Postgres and DSM MySQL solutions).
  - Before anything is written, the CA certificate must parse, and (with O(verify=true)) the module logs in to
    DSM as the admin user trusting only that CA - a wrong certificate, URL or password fails here.
  - The password cannot be read back from VCD (a secure field), so it is sent on creation and again only with
    O(update_password=always).
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
  - The integration's entities are a modelled contract (assumption A37, docs/assumptions.md) - one
    C(vmware:dsmIntegration:0.1) entity in System, discovered C(vmware:dsmInfrastructurePolicy:0.1) and
    C(vmware:dsmBackupLocation:0.1) entities, and dsConfig entities for the DSM solutions.
options:
  kubernetes_cluster:
    description: The provider Kubernetes cluster (in the solutions organization) that runs the operators.
    type: str
    required: true
  dso_namespace:
    description: Namespace of the Data Solutions Operator on that cluster.
    type: str
    default: vcd-ds-system
  consumption_operator_namespace:
    description: Namespace of the DSM Consumption Operator.
    type: str
    default: dsm-consumption-operator-system
  auth_secret_name:
    description: Secret of the consumption operator that holds C(root_ca), C(dsm_user), C(dsm_password), C(dsm_endpoint).
    type: str
    default: dsm-auth-creds
  dsm_url:
    description: Base URL of DSM (C(https://dsm.example.com)). Required with O(state=present).
    type: str
  dsm_admin_user:
    description: DSM user VCD acts as (a C(DSM_ADMIN)). Required with O(state=present).
    type: str
  dsm_admin_password:
    description: Its password. Required to create the connection.
    type: str
  dsm_ca_certificate:
    description: PEM CA certificate that signed DSM's certificate. Required with O(state=present).
    type: str
  allowed_infrastructure_policies:
    description: DSM infrastructure policies VCD may offer; all of them when empty.
    type: list
    elements: str
    default: []
  allowed_backup_locations:
    description: DSM backup locations VCD may offer; all of them when empty.
    type: list
    elements: str
    default: []
  solution_names:
    description: Names of the data solutions for the DSM engines (C(postgres), C(mysql)).
    type: dict
    default: {}
  update_password:
    description: V(on_create) sends the password only when the connection is created; V(always) on every run.
    type: str
    choices: [on_create, always]
    default: on_create
  verify:
    description: Log in to DSM with these settings (trusting only O(dsm_ca_certificate)) before writing.
    type: bool
    default: true
  wait:
    description: Wait until VCD reports the connection C(CONNECTED); fail with its message otherwise.
    type: bool
    default: true
  state:
    description: Whether DSE should be connected to DSM.
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: Connect DSE to the AZ's DSM
  vcdops.platform.vcd_dsm_connection:
    kubernetes_cluster: solutions-tkg
    dsm_url: https://dsm.az1.example.com
    dsm_admin_user: dsm-admin@example.com
    dsm_admin_password: "{{ vault_dsm_admin_password }}"
    dsm_ca_certificate: "{{ lookup('file', 'dsm-ca.pem') }}"
"""

RETURN = r"""
connection:
  description: The connection settings (no password) and its status.
  returned: always
  type: dict
  contains:
    status:
      description: C(state) (C(CONNECTED), C(ERROR) ...), C(message), C(infrastructure_policies), C(backup_locations), C(solutions).
      type: dict
"""

import time

from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import InputError, ResourceModule
from ansible_collections.vcdops.platform.plugins.module_utils.dsm import integration
from ansible_collections.vcdops.platform.plugins.module_utils.dsm.client import DsmUnreachable
from ansible_collections.vcdops.platform.plugins.module_utils.dsm.validate import pem_certificates
from ansible_collections.vcdops.platform.plugins.module_utils.vcd.client import VcdError
from ansible_collections.vcdops.platform.plugins.module_utils.vcd.rde import Rde


class Connection(ResourceModule):
    result_key = "connection"
    options = dict(
        kubernetes_cluster=dict(type="str", required=True),
        dso_namespace=dict(type="str", default="vcd-ds-system"),
        consumption_operator_namespace=dict(type="str", default="dsm-consumption-operator-system"),
        auth_secret_name=dict(type="str", default="dsm-auth-creds", no_log=False),
        dsm_url=dict(type="str"),
        dsm_admin_user=dict(type="str"),
        dsm_admin_password=dict(type="str", no_log=True),
        dsm_ca_certificate=dict(type="str"),
        allowed_infrastructure_policies=dict(type="list", elements="str", default=[]),
        allowed_backup_locations=dict(type="list", elements="str", default=[]),
        solution_names=dict(type="dict", default={}),
        update_password=dict(type="str", default="on_create", choices=["on_create", "always"], no_log=False),
        verify=dict(type="bool", default=True),
        wait=dict(type="bool", default=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module_kwargs = dict(required_if=[("state", "present", ("dsm_url", "dsm_admin_user", "dsm_ca_certificate"))])

    def validate(self):
        p = self.params
        self.names = integration.solution_names(p["solution_names"])
        if p["state"] != "present":
            return
        if not str(p["dsm_url"]).startswith("https://"):
            raise InputError("dsm_url %r must be an https:// URL" % p["dsm_url"])
        self.ca = pem_certificates(p["dsm_ca_certificate"], "dsm_ca_certificate")
        self.url = p["dsm_url"].rstrip("/")

    def read(self):
        self.rde = Rde(self.client)
        return integration.find_integration(self.rde)

    def view(self, current):
        entity = current
        spec = ((entity.get("entity") or {}).get("spec")) or {}
        dsm = spec.get("dsm") or {}
        return {
            "kubernetes_cluster": (spec.get("kubernetesCluster") or {}).get("name"),
            "dso_namespace": (spec.get("dataSolutionsOperator") or {}).get("namespace"),
            "consumption_operator_namespace": (spec.get("consumptionOperator") or {}).get("namespace"),
            "auth_secret_name": (spec.get("consumptionOperator") or {}).get("authSecretName"),
            "dsm_url": dsm.get("url"), "dsm_admin_user": dsm.get("username"), "dsm_ca_certificate": dsm.get("rootCa"),
            "allowed_infrastructure_policies": sorted(spec.get("allowedInfrastructurePolicies") or []),
            "allowed_backup_locations": sorted(spec.get("allowedBackupLocations") or []),
            "solution_names": dict(integration.DEFAULT_SOLUTIONS, **(spec.get("solutions") or {})),
        }

    def returned(self, obj):
        entity = obj
        out = self.view(entity) if entity else {}
        status = ((entity or {}).get("entity") or {}).get("status") or {}
        conn = status.get("connection") or {}
        if entity:
            out["status"] = {"state": conn.get("state"), "message": conn.get("message"),
                             "dsm_version": conn.get("dsmVersion"),
                             "data_solutions_operator": (status.get("dataSolutionsOperator") or {}).get("state"),
                             "consumption_operator": (status.get("consumptionOperator") or {}).get("state"),
                             "infrastructure_policies": status.get("infrastructurePolicies") or [],
                             "backup_locations": status.get("backupLocations") or [],
                             "solutions": status.get("solutions") or []}
        return out

    def desired(self, current):
        p = self.params
        if current is None and not p["dsm_admin_password"]:
            raise InputError("DSE is not connected to DSM yet: dsm_admin_password is needed")
        want = {"kubernetes_cluster": p["kubernetes_cluster"], "dso_namespace": p["dso_namespace"],
                "consumption_operator_namespace": p["consumption_operator_namespace"],
                "auth_secret_name": p["auth_secret_name"], "dsm_url": self.url, "dsm_admin_user": p["dsm_admin_user"],
                "dsm_ca_certificate": self.ca,
                "allowed_infrastructure_policies": sorted(p["allowed_infrastructure_policies"]),
                "allowed_backup_locations": sorted(p["allowed_backup_locations"]), "solution_names": self.names}
        if current is not None and p["update_password"] == "always" and p["dsm_admin_password"]:
            want["dsm_admin_password"] = "(set again)"
        self._verify(current, want)
        return want

    def _verify(self, current, want):
        """Check the settings against DSM when they would change (a run with nothing to do stays read-free)."""
        if not self.params["verify"]:
            return
        before = self.view(current) if current is not None else {}
        relevant = ("dsm_url", "dsm_admin_user", "dsm_ca_certificate", "dsm_admin_password")
        if current is not None and all(before.get(k) == want.get(k) for k in relevant if k in want):
            return
        if not self.params["dsm_admin_password"]:
            self.warnings.append("the DSM settings change but no dsm_admin_password was given: not verified")
            return
        try:
            integration.verify_dsm(self.url, self.params["dsm_admin_user"], self.params["dsm_admin_password"], self.ca)
        except DsmUnreachable as exc:
            if not self.module.check_mode:
                raise InputError("cannot connect to DSM with the given settings: %s" % exc)
            self.warnings.append("check mode: %s; assuming the appliance is deployed by an earlier task of this run"
                                 % exc)

    def _spec(self, want, password):
        spec = {"kubernetesCluster": {"name": want["kubernetes_cluster"]},
                "dataSolutionsOperator": {"namespace": want["dso_namespace"]},
                "consumptionOperator": {"namespace": want["consumption_operator_namespace"],
                                        "authSecretName": want["auth_secret_name"]},
                "dsm": {"url": want["dsm_url"], "username": want["dsm_admin_user"], "rootCa": want["dsm_ca_certificate"]},
                "allowedInfrastructurePolicies": want["allowed_infrastructure_policies"],
                "allowedBackupLocations": want["allowed_backup_locations"],
                "solutions": want["solution_names"]}
        if password is not None:
            spec["dsm"]["password"] = password
        return spec

    def create(self, want):
        def find():
            return integration.find_integration(self.rde)
        entity = self.rde.create(integration.integration_type(), integration.ENTITY_NAME,
                                 {"spec": self._spec(want, self.params["dsm_admin_password"])}, find=find)
        self._wait(entity["id"])

    def update(self, current, want, changes):
        send_password = "dsm_admin_password" in changes

        def change(entity):
            old = ((entity.get("entity") or {}).get("spec") or {}).get("dsm") or {}
            spec = self._spec(want, self.params["dsm_admin_password"] if send_password else old.get("password"))
            entity["entity"]["spec"] = spec
            return entity
        self.rde.update(current["id"], change, what="update the DSM integration")
        self._wait(current["id"])

    def delete(self, current):
        self.rde.delete(current["id"])

    def _wait(self, entity_id):
        if not self.params["wait"]:
            return
        deadline = time.monotonic() + min(self.params.get("timeout") or 300, 300)
        while True:
            entity = self.rde.get(entity_id)[0]
            conn = (((entity.get("entity") or {}).get("status")) or {}).get("connection") or {}
            if conn.get("state") == "CONNECTED":
                return
            if conn.get("state") == "ERROR":
                raise VcdError("VCD could not connect to DSM: %s" % (conn.get("message") or "no message"))
            if time.monotonic() > deadline:
                raise VcdError("VCD did not report the DSM connection within the timeout (state %s)"
                               % (conn.get("state") or "none"))
            time.sleep(1)


def main():
    Connection().run()


if __name__ == "__main__":
    main()
