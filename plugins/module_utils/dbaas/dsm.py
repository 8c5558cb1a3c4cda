# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tenant databases directly against DSM (providers that use DSM without VCD): the same spec, checks and
manifest as the VCD flavour (core.py), on ``postgresclusters`` / ``mysqlclusters`` of one namespace.

Modelled: an on-demand backup is the annotation ``dsm.vmware.com/backup-request: <name>`` on the cluster, listed
by DSM in ``status.backups`` (A29); a restore is a new cluster with ``spec.basedOn`` (A24/A25, plus
``basedOn.backupName`` for a named backup); the database CA is the DSM root CA (A38).
"""

from __future__ import annotations

import base64
import time

from ..dsm.client import DsmError, DsmNotFound, INFRA, INTERNAL, ready, ready_message
from . import core


class DsmDatabases:
    def __init__(self, client, namespace="default", ca_path=None):
        self.client = client
        self.namespace = namespace or "default"
        self.ca = None
        if ca_path:
            try:
                with open(ca_path) as handle:
                    self.ca = handle.read()
            except (IOError, OSError):
                self.ca = None
        self.who = "DSM namespace %s" % self.namespace

    def options(self):
        c = self.client
        out = {"solutions": None, "releases": {"postgres": [], "mysql": []}, "infrastructurePolicies": [],
               "vmClasses": [], "backupLocations": []}
        for rel in c.list(INTERNAL, "dataservicesreleases"):
            if not ready(rel) and (rel.get("status") or {}).get("conditions"):
                continue
            for s in (rel.get("spec") or {}).get("services") or []:
                engine = {"vmware-sql-postgres": "postgres", "vmware-sql-mysql": "mysql"}.get(s.get("name"))
                if engine:
                    out["releases"][engine].extend(s.get("supportedVersions") or [])
        for pol in c.list(INFRA, "infrastructurepolicies"):
            spec = pol.get("spec") or {}
            out["infrastructurePolicies"].append({
                "name": pol["metadata"]["name"], "vmClasses": [v.get("name") for v in spec.get("vmClasses") or []],
                "storagePolicies": list(spec.get("storagePolicies") or [])})
        for vc in c.list(INFRA, "vmclasses"):
            req = (vc.get("spec") or {}).get("requests") or {}
            out["vmClasses"].append({"name": vc["metadata"]["name"], "cpu": req.get("cpu"),
                                     "memoryGi": core.gib(req.get("memory")) or 0})
        out["backupLocations"] = [b["metadata"]["name"] for b in c.list(INFRA, "backuplocations")]
        return out

    def list(self):
        out = []
        for engine in core.ENGINES:
            out.extend(self.client.list(core.GROUP, core.PLURALS[engine], self.namespace))
        return out

    def find(self, name, engine=None):
        for eng in ([engine] if engine else core.ENGINES):
            obj = self.client.get(core.GROUP, core.PLURALS[eng], name, self.namespace)
            if obj is not None:
                return obj
        return None

    @staticmethod
    def engine_of(obj):
        return "postgres" if obj.get("kind") == "PostgresCluster" else "mysql"

    def create(self, name, spec, restore=None):
        obj = core.manifest(name, self.namespace, spec, restore)
        return self.client.create(core.GROUP, core.PLURALS[spec["engine"]], obj, self.namespace)

    def update(self, obj, spec):
        engine = self.engine_of(obj)
        want = core.manifest(obj["metadata"]["name"], self.namespace, spec)["spec"]

        def change(cur):
            cur["spec"].update(want)
            return cur
        return self.client.update(core.GROUP, core.PLURALS[engine], obj["metadata"]["name"], change, self.namespace)

    def request_backup(self, obj, backup_name):
        engine = self.engine_of(obj)

        def change(cur):
            cur["metadata"].setdefault("annotations", {})[core.BACKUP_ANNOTATION] = backup_name
            return cur
        return self.client.update(core.GROUP, core.PLURALS[engine], obj["metadata"]["name"], change, self.namespace)

    def delete(self, obj, keep_backups=True):
        engine = self.engine_of(obj)
        name = obj["metadata"]["name"]
        self.client.delete(core.GROUP, core.PLURALS[engine], name, self.namespace)
        if not keep_backups:
            self.client.delete(core.GROUP, "archived" + core.PLURALS[engine], name, self.namespace)

    def wait(self, name, timeout, until=None, what="ready"):
        deadline = time.monotonic() + timeout
        delay = 0.3
        while True:
            obj = self.find(name)
            if obj is None:
                raise DsmError("cluster %s disappeared while waiting for it to be %s" % (name, what))
            fresh = (obj.get("status") or {}).get("observedGeneration") == obj["metadata"].get("generation")
            if fresh and (until(obj.get("status") or {}) if until else ready(obj)):
                return obj
            if time.monotonic() > deadline:
                raise DsmError("cluster %s was not %s within %ss (%s)" % (name, what, timeout, ready_message(obj)))
            time.sleep(delay)
            delay = min(delay * 1.3, 2.0)

    def backups_of(self, name):
        obj = self.find(name)
        if obj is not None:
            return (obj.get("status") or {}).get("backups") or []
        return []

    def view(self, obj):
        status = obj.get("status") or {}
        conn = dict(status.get("connection") or {})
        engine = self.engine_of(obj)
        if conn.get("port"):
            ref = (conn.get("passwordRef") or {}).get("name")
            try:
                secret = self.client.get("", "secrets", ref, self.namespace) if ref else None
            except DsmNotFound:
                secret = None
            data = (secret or {}).get("data") or {}
            if data.get("password"):
                conn["password"] = base64.b64decode(data["password"]).decode()
            scheme = "postgresql" if engine == "postgres" else "mysql"
            conn["connectionString"] = "%s://%s@%s:%s/%s%s" % (
                scheme, conn.get("username"), conn.get("host"), conn.get("port"), conn.get("dbname") or "",
                "?sslmode=verify-full" if engine == "postgres" else "?ssl-mode=VERIFY_IDENTITY")
        spec = core.spec_of_cluster(obj)
        out = core.view(spec)
        out.update(name=obj["metadata"]["name"], namespace=self.namespace,
                   phase="Ready" if ready(obj) else "Pending", ready=ready(obj),
                   message="" if ready(obj) else ready_message(obj),
                   connection=core.connection_view(conn, self.ca), backups=core.backups_view(status.get("backups")))
        based = (obj.get("spec") or {}).get("basedOn")
        if based:
            out["restored_from"] = based
        return out
