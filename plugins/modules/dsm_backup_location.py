#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: dsm_backup_location
short_description: Manage a DSM backup location (S3-compatible object storage)
description:
  - Creates, updates or deletes a backup location of VMware Data Services Manager - an S3-compatible bucket
    where DSM keeps database backups - and the secret with its credentials.
  - Once DSE is connected to DSM, VCD discovers the backup locations and M(vcdops.platform.vcd_dsm_publish)
    offers them to tenants.
  - The credentials are compared with the stored secret (never shown); a change is one write to the secret.
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
notes:
  - DSM publishes only that backup locations exist (C(GET /provider/s3storages)); the object's shape is modelled
    (assumption A30, docs/assumptions.md) - a cluster-scoped C(BackupLocation) in
    C(infrastructure.dataservices.vmware.com/v1alpha1) with C(provider), C(endpoint), C(bucket), C(region),
    C(tlsCa) and C(credentialsSecret), and a secret C(<name>-credentials) in namespace C(dsm-system) with the
    keys C(accessKeyId) and C(secretAccessKey).
options:
  name:
    description: Backup location name.
    type: str
    required: true
  provider:
    description: V(s3) for Amazon S3, V(s3-compatible) for other object stores (Cloudian HyperStore, MinIO ...).
    type: str
    choices: [s3, s3-compatible]
    default: s3-compatible
  endpoint:
    description: S3 endpoint URL (C(https://...)). Required with O(state=present).
    type: str
  bucket:
    description: Bucket name. Required with O(state=present).
    type: str
  region:
    description: Region.
    type: str
    default: us-east-1
  access_key_id:
    description: Access key. Required with O(state=present).
    type: str
  secret_access_key:
    description: Secret key. Required with O(state=present).
    type: str
  ca_certificate:
    description: PEM CA certificate that signed the endpoint's certificate, when it is not publicly trusted.
    type: str
  state:
    description: Whether the backup location should exist.
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: Backups to the AZ's object storage
  vcdops.platform.dsm_backup_location:
    name: dsm-backups
    endpoint: https://s3.az1.example.com
    bucket: dsm-backups-az1
    access_key_id: "{{ vault_dsm_s3_access_key }}"
    secret_access_key: "{{ vault_dsm_s3_secret_key }}"
"""

RETURN = r"""
backup_location:
  description: The backup location as the module manages it (no credentials).
  returned: always
  type: dict
"""

import base64
import hashlib

from ansible_collections.vcdops.platform.plugins.module_utils.dsm.client import INFRA
from ansible_collections.vcdops.platform.plugins.module_utils.dsm.module import InputError, K8sResource
from ansible_collections.vcdops.platform.plugins.module_utils.dsm.validate import k8s_name, pem_certificates

NAMESPACE = "dsm-system"


def _fingerprint(access, secret):
    return hashlib.sha256(("%s\0%s" % (access, secret)).encode()).hexdigest()[:16]


class BackupLocation(K8sResource):
    result_key = "backup_location"
    group, plural, kind = INFRA, "backuplocations", "BackupLocation"
    options = dict(
        name=dict(type="str", required=True),
        provider=dict(type="str", default="s3-compatible", choices=["s3", "s3-compatible"]),
        endpoint=dict(type="str"),
        bucket=dict(type="str"),
        region=dict(type="str", default="us-east-1"),
        access_key_id=dict(type="str", no_log=True),
        secret_access_key=dict(type="str", no_log=True),
        ca_certificate=dict(type="str"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module_kwargs = dict(required_if=[("state", "present", ("endpoint", "bucket", "access_key_id",
                                                            "secret_access_key"))])

    @property
    def secret_name(self):
        return "%s-credentials" % self.params["name"]

    def validate(self):
        p = self.params
        k8s_name(p["name"], "backup location name")
        if p["state"] != "present":
            return
        if not str(p["endpoint"]).startswith(("https://", "http://")):
            raise InputError("backup location %s: endpoint %r must be an http(s) URL" % (p["name"], p["endpoint"]))
        self._ca = pem_certificates(p["ca_certificate"], "backup location %s ca_certificate" % p["name"]) \
            if p["ca_certificate"] else None

    def read(self):
        obj = super().read()
        if obj is not None:
            secret = self.client.get("", "secrets", self.secret_name, NAMESPACE)
            data = (secret or {}).get("data") or {}
            try:
                access = base64.b64decode(data.get("accessKeyId", "")).decode()
                key = base64.b64decode(data.get("secretAccessKey", "")).decode()
            except (ValueError, UnicodeDecodeError):
                access = key = None
            if secret is None:
                obj["_credentials"] = "missing"
            elif self.params.get("access_key_id") is None:
                obj["_credentials"] = "set"
            else:
                # compared here, never returned: the view says only whether they are the wanted ones
                wanted = _fingerprint(self.params["access_key_id"], self.params["secret_access_key"])
                same = _fingerprint(access, key) == wanted
                obj["_credentials"] = "as given" if same else "different"
        return obj

    def view(self, current):
        obj = current
        out = super().view(obj)
        out["credentials"] = obj.get("_credentials")
        return out

    def desired_spec(self):
        p = self.params
        return {"provider": p["provider"], "endpoint": p["endpoint"].rstrip("/"), "bucket": p["bucket"],
                "region": p["region"], "tlsCa": self._ca or "", "credentialsSecret": {"name": self.secret_name,
                                                                                      "namespace": NAMESPACE}}

    def desired(self, current):
        want = super().desired(current)
        want["credentials"] = "as given"
        return want

    def _secret(self):
        p = self.params
        return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": self.secret_name, "namespace": NAMESPACE},
                "type": "Opaque",
                "data": {"accessKeyId": base64.b64encode(p["access_key_id"].encode()).decode(),
                         "secretAccessKey": base64.b64encode(p["secret_access_key"].encode()).decode()}}

    def create(self, want):
        if self.client.get("", "secrets", self.secret_name, NAMESPACE) is None:
            self.client.create("", "secrets", self._secret(), NAMESPACE)
        else:
            self._write_secret()
        super().create({k: v for k, v in want.items() if k != "credentials"})

    def _write_secret(self):
        data = self._secret()["data"]

        def change(obj):
            obj["data"] = data
            return obj
        self.client.update("", "secrets", self.secret_name, change, NAMESPACE)

    def update(self, current, want, changes):
        if "credentials" in changes:
            if current.get("_credentials") == "missing":
                self.client.create("", "secrets", self._secret(), NAMESPACE)
            else:
                self._write_secret()
        if "spec" in changes:
            super().update(current, want, changes)

    def delete(self, current):
        super().delete(current)
        self.client.delete("", "secrets", self.secret_name, NAMESPACE)


def main():
    BackupLocation().run()


if __name__ == "__main__":
    main()
