# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tenant databases through VCD (DSE with DSM, modelled contract A37; docs/tenant-database.md).

A tenant instance is a ``vmware:dsInstance:0.1`` entity in the tenant's org (name = instance name; ``entity.spec``
= the spec of core.py plus ``restoreFrom``, ``onDemandBackups`` and ``deletion``); the DSM Consumption Operator
turns it into a DSM cluster in the tenant's namespace and reports ``entity.status`` (phase, ready, message,
connection with the password as a secure field, backups, access, ``observedSpecHash``).  What the tenant may
choose is the ``vmware:dsInstanceOptions:0.1`` entity ``dsm-options`` of its org.  Access control is the
instance's RDE ACLs (ReadOnly / ReadWrite / FullControl for users of the org).
"""

from __future__ import annotations

import copy
import time

from ..common.flow import InputError
from ..vcd.client import VcdError, VcdNotFound
from ..vcd.rde import Rde, type_urn
from . import core

INSTANCE = ("vmware", "dsInstance", "0.1")
OPTIONS = ("vmware", "dsInstanceOptions", "0.1")
OPTIONS_NAME = "dsm-options"
ORGS = "/cloudapi/1.0.0/orgs"
USERS = "/cloudapi/1.0.0/users"
LEVELS = {"read_only": "ReadOnly", "read_write": "ReadWrite", "full_control": "FullControl"}


class TenantDatabases:
    """Instances of one tenant org, with the client of a tenant user (or a provider in tenant context)."""

    def __init__(self, client, org=None):
        self.client = client
        self.rde = Rde(client)
        self.org = org
        if org and client.is_provider:
            found = client.find_one(ORGS, "organization %s" % org, name=org)
            if found is None:
                raise InputError("organization %s does not exist" % org)
            client.set_tenant(found["id"], found["name"])
        self.who = "organization %s" % (org or client.org)

    # ------------------------------------------------------------------ reads
    def options(self):
        found = self.rde.list(*OPTIONS, name=OPTIONS_NAME)
        if not found:
            return {"solutions": [], "releases": {}, "infrastructurePolicies": [], "vmClasses": [],
                    "backupLocations": []}
        return found[0].get("entity") or {}

    def list(self, name=None):
        equals = {"name": name} if name else {}
        try:
            return self.rde.list(*INSTANCE, **equals)
        except VcdNotFound:
            return []

    def find(self, name):
        found = self.list(name)
        if len(found) > 1:
            raise VcdError("%s holds %d instances named %s" % (self.who, len(found), name))
        return found[0] if found else None

    def full(self, entity):
        """The entity with its secure fields (the password), when the caller has full control."""
        try:
            return self.client.get("/cloudapi/1.0.0/entities/%s/fullContents" % entity["id"])
        except VcdError:
            return entity

    # ------------------------------------------------------------------ writes
    def create(self, name, spec, restore=None):
        body = {"spec": dict(spec)}
        if restore:
            body["spec"]["restoreFrom"] = restore
        existing = self.find(name)
        if existing is not None:
            # a run killed between create and resolve left it PRE_CREATED: finish it, never create a second
            if existing.get("state") != "RESOLVED":
                self.rde.resolve(existing["id"])
            return self.rde.get(existing["id"])[0]
        return self.rde.create(type_urn(*INSTANCE), name, body, find=lambda: self.find(name))

    def update_spec(self, entity, change):
        def apply(ent):
            ent["entity"]["spec"] = change(copy.deepcopy(ent["entity"].get("spec") or {}))
            return ent
        return self.rde.update(entity["id"], apply, what="update instance %s" % entity["name"])

    def delete(self, entity, keep_backups=True):
        if ((entity.get("entity") or {}).get("spec") or {}).get("deletion", {}).get("keepBackups") != keep_backups:
            def mark(spec):
                spec["deletion"] = {"keepBackups": bool(keep_backups)}
                return spec
            entity = self.update_spec(entity, mark)
        self.rde.delete(entity["id"])

    def wait(self, name, timeout, until=None, what="ready"):
        """Poll until the operator applied the current spec and the instance is Ready (or ``until``)."""
        deadline = time.monotonic() + timeout
        delay = 0.3
        while True:
            entity = self.find(name)
            if entity is None:
                raise VcdError("instance %s disappeared while waiting for it to be %s" % (name, what))
            spec = (entity.get("entity") or {}).get("spec") or {}
            status = (entity.get("entity") or {}).get("status") or {}
            applied = status.get("observedSpecHash") == core.spec_hash(spec)
            if applied and status.get("phase") == "Error":
                raise VcdError("instance %s: %s" % (name, status.get("message") or "the operator reports an error"))
            if applied and (until(status) if until else status.get("ready")):
                return entity
            if time.monotonic() > deadline:
                raise VcdError("instance %s was not %s within %ss (phase %s%s)" % (
                    name, what, timeout, status.get("phase") or "Pending",
                    ": %s" % status["message"] if status.get("message") else ""))
            time.sleep(delay)
            delay = min(delay * 1.3, 2.0)

    # ------------------------------------------------------------------ access control
    def user_id(self, name):
        found = self.client.find_one(USERS, "user %s" % name, username=name)
        if found is None:
            raise InputError("user %s does not exist in %s" % (name, self.who))
        return found["id"]

    def grants(self, entity):
        """[{acl, member, level}] of users (membership grants; the owner's implicit control is not listed)."""
        out = []
        for acl in self.rde.access_controls(entity["id"]):
            member = acl.get("memberId") or ""
            if acl.get("grantType") != "MembershipAccessControlGrant" or ":user:" not in member:
                continue
            out.append({"acl": acl["id"], "member": member,
                        "level": (acl.get("accessLevelId") or "").rsplit(":", 1)[-1]})
        return out


def instance_view(entity, with_secret=None):
    """What the modules return for an instance entity."""
    ent = (entity or {}).get("entity") or {}
    spec, status = ent.get("spec") or {}, ent.get("status") or {}
    conn = dict(status.get("connection") or {})
    if with_secret is not None:
        secret = ((with_secret.get("entity") or {}).get("status") or {}).get("connection") or {}
        if secret.get("password") and secret["password"] != "******":
            conn["password"] = secret["password"]
    if conn.get("password") == "******":
        conn["password"] = None
    out = core.view(spec)
    out.update(name=entity["name"], id=entity["id"], phase=status.get("phase") or "Pending",
               ready=bool(status.get("ready")), message=status.get("message") or "",
               connection=core.connection_view(conn), backups=core.backups_view(status.get("backups")),
               access=status.get("access") or [], dsm=status.get("dsm") or {})
    if spec.get("restoreFrom"):
        out["restored_from"] = spec["restoreFrom"]
    return out
