# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The tenant database modules' logic, one class per module, both flavours on the same steps:

read -> checks on the merged spec against what the tenant may choose (core.check) -> diff ->
create / day-2 update / delete -> wait for the instance to be Ready with the spec applied.
"""

from __future__ import annotations

import copy

from ..common.flow import InfoModule, InputError, ResourceModule
from ..dsm.module import DsmInfo, DsmResource
from ..dsm.spec import dsm_argument_spec
from . import core
from .dsm import DsmDatabases
from .vcd import LEVELS, TenantDatabases, instance_view

ORG_OPTION = dict(org=dict(type="str"))
NAMESPACE_OPTION = dict(namespace=dict(type="str", default="default"))


class _InstanceSteps:
    """Shared by the VCD and the DSM instance module; subclasses give ``dbs`` and the entity accessors."""

    result_key = "database"

    def validate(self):
        core.check_name(self.params["name"])

    def _spec(self, current):
        raise NotImplementedError

    def view(self, current):
        return core.view(self._spec(current))

    def desired(self, current):
        p = self.params
        wanted = core.spec_from(p)
        cur = self._spec(current) if current is not None else None
        want = core.merged_spec(cur, wanted)
        options = self.dbs.options()
        core.check(p["name"], want, options, cur, who=self.dbs.who)
        self._restore = core.restore_of(p)
        if current is None and self._restore:
            core.check_restore(self._restore, self._sources(), who=self.dbs.who)
        if current is not None and self._restore and not self._restored_from(current):
            raise InputError("instance %s exists already; restore_from only creates a new instance" % p["name"])
        self._want = want
        return core.view(want)

    def returned(self, obj):
        if obj is None:
            return {}
        out = self._result(obj)
        spec = dict(self._spec(obj))
        if spec.get("engine") in core.ENGINES and spec.get("version"):
            try:
                out["manifest"] = core.manifest(obj_name(obj), self._namespace(obj), spec, self._restored_from(obj))
            except KeyError:
                pass
        return out


def obj_name(obj):
    return obj.get("name") or (obj.get("metadata") or {}).get("name")


class VcdInstance(_InstanceSteps, ResourceModule):
    options = dict(core.INSTANCE_OPTIONS, **ORG_OPTION)

    @property
    def dbs(self):
        if getattr(self, "_dbs", None) is None:
            self._dbs = TenantDatabases(self.client, self.params.get("org"))
        return self._dbs

    def _spec(self, current):
        return ((current or {}).get("entity") or {}).get("spec") or {}

    def _restored_from(self, obj):
        return self._spec(obj).get("restoreFrom")

    def _namespace(self, obj):
        status = (obj.get("entity") or {}).get("status") or {}
        return (status.get("dsm") or {}).get("namespace") or "vcd-%s" % (self.params.get("org") or self.client.org)

    def _sources(self):
        out = {}
        for e in self.dbs.list():
            out[e["name"]] = {"backups": ((e.get("entity") or {}).get("status") or {}).get("backups") or []}
        return out

    def read(self):
        found = self.dbs.find(self.params["name"])
        if found is not None and found.get("state") not in (None, "RESOLVED"):
            self._unfinished = found
            return None   # a run killed before resolve: create() finishes it
        return found

    def _result(self, obj):
        return instance_view(obj, self.dbs.full(obj))

    def create(self, want):
        self.dbs.create(self.params["name"], self._want, self._restore)
        self._wait()

    def update(self, current, want, changes):
        new = self._want

        def change(spec):
            spec.update(new)
            return spec
        self.dbs.update_spec(current, change)
        self._wait()

    def delete(self, current):
        self.dbs.delete(current, self.params["keep_backups"])

    def _wait(self):
        if self.params["wait"]:
            self.dbs.wait(self.params["name"], self.params["wait_timeout"])

    def returned(self, obj):
        if obj is not None and self.params["wait"] and not self.module.check_mode and self.params["state"] == "present":
            status = (obj.get("entity") or {}).get("status") or {}
            if not status.get("ready"):
                obj = self.dbs.wait(self.params["name"], self.params["wait_timeout"])
        return super().returned(obj)


class DsmInstance(_InstanceSteps, DsmResource):
    options = dict(core.INSTANCE_OPTIONS, **NAMESPACE_OPTION)

    @property
    def dbs(self):
        if getattr(self, "_dbs", None) is None:
            self._dbs = DsmDatabases(self.client, self.params["namespace"], self.params.get("dsm_ca_path"))
        return self._dbs

    def _spec(self, current):
        return core.spec_of_cluster(current) if current else {}

    def _restored_from(self, obj):
        based = ((obj or {}).get("spec") or {}).get("basedOn")
        if not based:
            return None
        src = based.get("cluster") or based.get("archivedCluster") or {}
        out = {"instance": src.get("name")}
        if src.get("timestamp"):
            out["pointInTime"] = src["timestamp"]
        if based.get("backupName"):
            out["backup"] = based["backupName"]
        return out

    def _namespace(self, obj):
        return self.params["namespace"]

    def _sources(self):
        out = {}
        for obj in self.dbs.list():
            out[obj["metadata"]["name"]] = {"backups": (obj.get("status") or {}).get("backups") or []}
        return out

    def read(self):
        return self.dbs.find(self.params["name"])

    def _result(self, obj):
        return self.dbs.view(obj)

    def create(self, want):
        self.dbs.create(self.params["name"], self._want, self._restore)
        self._wait()

    def update(self, current, want, changes):
        self.dbs.update(current, self._want)
        self._wait()

    def delete(self, current):
        self.dbs.delete(current, self.params["keep_backups"])

    def _wait(self):
        if self.params["wait"]:
            self.dbs.wait(self.params["name"], self.params["wait_timeout"])

    def returned(self, obj):
        if obj is not None and self.params["wait"] and not self.module.check_mode and self.params["state"] == "present":
            from ..dsm.client import ready
            if not ready(obj):
                obj = self.dbs.wait(self.params["name"], self.params["wait_timeout"])
        return super().returned(obj)


# ---------------------------------------------------------------------- backups
BACKUP_OPTIONS = dict(
    name=dict(type="str", required=True),
    backup_name=dict(type="str", required=True),
    wait=dict(type="bool", default=True),
    wait_timeout=dict(type="int", default=900),
)


class _BackupSteps:
    result_key = "backup"

    def validate(self):
        core.check_name(self.params["name"])
        if not core.NAME_RE.match(self.params["backup_name"] or ""):
            raise InputError("backup_name %r: lower-case letters, digits and '-'" % self.params["backup_name"])

    def view(self, current):
        return {"backups": sorted(b.get("name") for b in self._backups(current))}

    def desired(self, current):
        names = self.view(current)["backups"]
        if self.params["backup_name"] in names:
            return {"backups": names}
        if not self._backup_location(current):
            raise InputError("instance %s has no backup location: set backup_location on the instance first"
                             % self.params["name"])
        return {"backups": sorted(names + [self.params["backup_name"]])}

    def returned(self, obj):
        for b in core.backups_view(self._backups(obj)):
            if b["name"] == self.params["backup_name"]:
                return b
        return {"name": self.params["backup_name"], "requested": True}

    def _until(self, status):
        if status.get("backupError", "").startswith(self.params["backup_name"] + ":"):
            raise InputError("backup %s failed: %s" % (self.params["backup_name"], status["backupError"]))
        return self.params["backup_name"] in [b.get("name") for b in status.get("backups") or []]


class VcdBackup(_BackupSteps, ResourceModule):
    options = dict(BACKUP_OPTIONS, **ORG_OPTION)

    def read(self):
        self.dbs = TenantDatabases(self.client, self.params.get("org"))
        found = self.dbs.find(self.params["name"])
        if found is None:
            raise InputError("%s has no instance %s" % (self.dbs.who, self.params["name"]))
        return found

    def _backups(self, current):
        return ((current.get("entity") or {}).get("status") or {}).get("backups") or []

    def _backup_location(self, current):
        return ((current.get("entity") or {}).get("spec") or {}).get("backupLocation")

    def update(self, current, want, changes):
        name = self.params["backup_name"]

        def change(spec):
            spec["onDemandBackups"] = [b for b in spec.get("onDemandBackups") or [] if b != name] + [name]
            return spec
        self.dbs.update_spec(current, change)
        if self.params["wait"]:
            self.dbs.wait(self.params["name"], self.params["wait_timeout"], until=self._until, what="backed up")


class DsmBackup(_BackupSteps, DsmResource):
    options = dict(BACKUP_OPTIONS, **NAMESPACE_OPTION)

    def read(self):
        self.dbs = DsmDatabases(self.client, self.params["namespace"])
        found = self.dbs.find(self.params["name"])
        if found is None:
            raise InputError("%s has no cluster %s" % (self.dbs.who, self.params["name"]))
        return found

    def _backups(self, current):
        return (current.get("status") or {}).get("backups") or []

    def _backup_location(self, current):
        return ((current.get("spec") or {}).get("backupLocation") or {}).get("name")

    def update(self, current, want, changes):
        self.dbs.request_backup(current, self.params["backup_name"])
        if self.params["wait"]:
            self.dbs.wait(self.params["name"], self.params["wait_timeout"], until=self._until, what="backed up")


# ---------------------------------------------------------------------- access (VCD)
class VcdAccess(ResourceModule):
    result_key = "access"
    options = dict(
        name=dict(type="str", required=True),
        org=dict(type="str"),
        grants=dict(type="list", elements="dict", required=True, options=dict(
            user=dict(type="str", required=True),
            level=dict(type="str", default="read_only", choices=sorted(LEVELS)))),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=300),
    )

    def validate(self):
        seen = set()
        for g in self.params["grants"]:
            if g["user"].lower() in seen:
                raise InputError("user %s appears twice in grants" % g["user"])
            seen.add(g["user"].lower())

    def read(self):
        self.dbs = TenantDatabases(self.client, self.params.get("org"))
        found = self.dbs.find(self.params["name"])
        if found is None:
            raise InputError("%s has no instance %s" % (self.dbs.who, self.params["name"]))
        found["_grants"] = self.dbs.grants(found)
        self._users = {}
        return found

    def _user_name(self, member):
        if member not in self._users:
            body = self.dbs.client.get_or_none("/cloudapi/1.0.0/users/%s" % member) or {}
            self._users[member] = body.get("username") or body.get("name") or member
        return self._users[member]

    def view(self, current):
        rev = dict((v, k) for k, v in LEVELS.items())
        return {"grants": sorted(({"user": self._user_name(g["member"]), "level": rev.get(g["level"], g["level"])}
                                  for g in current["_grants"]), key=lambda g: g["user"])}

    def desired(self, current):
        self._ids = dict((g["user"], self.dbs.user_id(g["user"])) for g in self.params["grants"])
        return {"grants": sorted(({"user": g["user"], "level": g["level"]} for g in self.params["grants"]),
                                 key=lambda g: g["user"])}

    def update(self, current, want, changes):
        have = dict((g["member"], g) for g in current["_grants"])
        wanted = dict((self._ids[g["user"]], LEVELS[g["level"]]) for g in self.params["grants"])
        for member, g in sorted(have.items()):
            if member not in wanted or wanted[member] != g["level"]:
                self.dbs.rde.revoke(current["id"], g["acl"])
        for member, level in sorted(wanted.items()):
            if member not in have or have[member]["level"] != level:
                self.dbs.rde.grant(current["id"], member, level)
        if self.params["wait"]:
            expect = sorted(self._user_name(m).lower() for m in wanted)
            self.dbs.wait(self.params["name"], self.params["wait_timeout"], what="granted", until=lambda s: sorted(
                str(a.get("user")).lower() for a in s.get("access") or []) == expect)

    def returned(self, obj):
        return self.view(obj) if obj else {}


# ---------------------------------------------------------------------- info
class VcdInfo(InfoModule):
    result_key = "databases"
    options = dict(name=dict(type="str"), org=dict(type="str"))

    def items(self):
        dbs = TenantDatabases(self.client, self.params.get("org"))
        return [instance_view(e, dbs.full(e)) for e in dbs.list(self.params.get("name"))]


class DsmDbInfo(DsmInfo):
    result_key = "databases"
    options = dict(name=dict(type="str"), namespace=dict(type="str", default="default"))

    def items(self):
        dbs = DsmDatabases(self.client, self.params["namespace"], self.params.get("dsm_ca_path"))
        objs = [dbs.find(self.params["name"])] if self.params.get("name") else dbs.list()
        return [dbs.view(o) for o in objs if o is not None]


__all__ = ["VcdInstance", "DsmInstance", "VcdBackup", "DsmBackup", "VcdAccess", "VcdInfo", "DsmDbInfo",
           "dsm_argument_spec", "copy"]
