# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tenant database lifecycle shared by the VCD flavour (through DSE/DSM, A37) and the direct DSM flavour.

One spec shape (the ``vmware:dsInstance`` entity spec of the modelled contract, docs/tenant-database.md):
``{engine, version, infrastructurePolicy, vmClass, topology, storageSpace, storagePolicyName, backupLocation,
backupRetentionDays, backupSchedules, databaseOptions, maintenanceWindow}``; one "options" shape (what the tenant
may choose: releases, published policies with their VM classes, VM class sizes, backup locations); the checks
(version in the allowed releases, policy / VM class / backup location offered, no scale-down, no engine change,
no downgrade) run on them before any write; the DSM manifest is built from the spec.
"""

from __future__ import annotations

import hashlib
import json
import re

from ..common.flow import InputError

ENGINES = ("postgres", "mysql")
TOPOLOGIES = ("single", "ha", "ha5")
NODES = {"postgres": {"single": 0, "ha": 1, "ha5": 3}, "mysql": {"single": 1, "ha": 3, "ha5": 5}}
COUNT = {"single": 1, "ha": 3, "ha5": 5}
GROUP = "databases.dataservices.vmware.com"
PLURALS = {"postgres": "postgresclusters", "mysql": "mysqlclusters"}
KINDS = {"postgres": "PostgresCluster", "mysql": "MySQLCluster"}
BACKUP_ANNOTATION = "dsm.vmware.com/backup-request"
NAME_RE = re.compile(r"^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$")

#: options of the instance modules (both flavours)
INSTANCE_OPTIONS = dict(
    name=dict(type="str", required=True),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    engine=dict(type="str", choices=list(ENGINES)),
    version=dict(type="str"),
    infrastructure_policy=dict(type="str"),
    vm_class=dict(type="str"),
    topology=dict(type="str", choices=list(TOPOLOGIES)),
    storage_gb=dict(type="int"),
    storage_policy=dict(type="str"),
    backup_location=dict(type="str"),
    backup_retention_days=dict(type="int"),
    backup_schedules=dict(type="list", elements="dict", options=dict(
        name=dict(type="str", required=True), type=dict(type="str", default="full", choices=["full", "incremental"]),
        schedule=dict(type="str", required=True))),
    database_options=dict(type="dict"),
    maintenance_window=dict(type="dict", options=dict(
        start_day=dict(type="str", required=True), start_time=dict(type="str", required=True),
        duration=dict(type="str", default="6h0m0s"))),
    restore_from=dict(type="dict", options=dict(
        instance=dict(type="str", required=True), backup=dict(type="str"), point_in_time=dict(type="str"))),
    keep_backups=dict(type="bool", default=True),
    wait=dict(type="bool", default=True),
    wait_timeout=dict(type="int", default=900),
)

SPEC_KEYS = ("engine", "version", "infrastructurePolicy", "vmClass", "topology", "storageSpace", "storagePolicyName",
             "backupLocation", "backupRetentionDays", "backupSchedules", "databaseOptions", "maintenanceWindow")


def check_name(name):
    if not NAME_RE.match(name or ""):
        raise InputError("instance name %r: lower-case letters, digits and '-', starting with a letter, at most 40 "
                         "characters" % name)


def spec_from(params):
    """The wanted spec from module options (``None`` = leave as it is)."""
    mw = params.get("maintenance_window")
    schedules = params.get("backup_schedules")
    spec = {
        "engine": params.get("engine"),
        "version": params.get("version"),
        "infrastructurePolicy": params.get("infrastructure_policy"),
        "vmClass": params.get("vm_class"),
        "topology": params.get("topology"),
        "storageSpace": "%dGi" % params["storage_gb"] if params.get("storage_gb") else None,
        "storagePolicyName": params.get("storage_policy"),
        "backupLocation": params.get("backup_location"),
        "backupRetentionDays": params.get("backup_retention_days"),
        "backupSchedules": [{"name": s["name"], "type": s.get("type") or "full", "schedule": s["schedule"]}
                            for s in schedules] if schedules is not None else None,
        "databaseOptions": dict((str(k), str(v)) for k, v in params["database_options"].items())
        if params.get("database_options") is not None else None,
        "maintenanceWindow": {"startDay": mw["start_day"].upper(), "startTime": mw["start_time"],
                              "duration": mw.get("duration") or "6h0m0s"} if mw else None,
    }
    return spec


def gib(text):
    m = re.match(r"^(\d+(?:\.\d+)?)(Mi|Gi|Ti)?$", str(text or "").strip())
    if not m:
        return None
    return float(m.group(1)) * {"Mi": 1 / 1024.0, "Gi": 1, "Ti": 1024, None: 1}[m.group(2)]


def full_version(engine, version, options):
    """The release of ``version`` (full ``14.15+vmware.v2.2.0`` or short ``14`` / ``14.15``) among the allowed ones."""
    allowed = list(((options or {}).get("releases") or {}).get(engine) or [])
    text = str(version or "")
    if text in allowed:
        return text
    matches = [v for v in allowed if v.split("+")[0] == text or v.split("+")[0].startswith(text + ".")]
    if not matches:
        raise InputError("%s version %s is not in the allowed releases (%s)" % (
            engine, version, ", ".join(allowed) or "none offered"))
    return sorted(matches, key=_version_key)[-1]


def _version_key(v):
    return [int(x) if x.isdigit() else x for x in re.split(r"[.+]", v.split("+")[0])]


def check(name, want, options, current=None, who="the tenant"):
    """Raise InputError for what DSM (or the publication) would refuse; ``want`` is the merged spec."""
    engine = want.get("engine")
    if current is not None and current.get("engine") and engine != current.get("engine"):
        raise InputError("instance %s is %s; the engine cannot change to %s" % (name, current["engine"], engine))
    if engine not in ENGINES:
        raise InputError("instance %s: engine is required (postgres or mysql)" % name)
    solutions = (options or {}).get("solutions")
    if solutions is not None and engine not in solutions:
        raise InputError("the DSM %s solution is not published to %s" % (engine, who))
    for key, what in (("version", "version"), ("infrastructurePolicy", "infrastructure_policy"),
                      ("vmClass", "vm_class"), ("storageSpace", "storage_gb")):
        if not want.get(key):
            raise InputError("instance %s: %s is required to create it" % (name, what))
    want["version"] = full_version(engine, want["version"], options)
    policies = dict((p["name"], p) for p in (options or {}).get("infrastructurePolicies") or [])
    policy = policies.get(want["infrastructurePolicy"])
    if policy is None:
        raise InputError("infrastructure policy %s is not offered to %s (offered: %s)" % (
            want["infrastructurePolicy"], who, ", ".join(sorted(policies)) or "none"))
    if want["vmClass"] not in (policy.get("vmClasses") or []):
        raise InputError("VM class %s is not allowed by infrastructure policy %s (allowed: %s)" % (
            want["vmClass"], policy["name"], ", ".join(policy.get("vmClasses") or []) or "none"))
    if want.get("storagePolicyName") and policy.get("storagePolicies") and \
            want["storagePolicyName"] not in policy["storagePolicies"]:
        raise InputError("storage policy %s is not allowed by infrastructure policy %s (allowed: %s)" % (
            want["storagePolicyName"], policy["name"], ", ".join(policy["storagePolicies"])))
    backups = (options or {}).get("backupLocations") or []
    if want.get("backupLocation") and want["backupLocation"] not in backups:
        raise InputError("backup location %s is not offered to %s (offered: %s)" % (
            want["backupLocation"], who, ", ".join(backups) or "none"))
    if gib(want["storageSpace"]) is None:
        raise InputError("storage %r is not a quantity" % want["storageSpace"])
    if current is None:
        return want
    refused = []
    if (gib(want["storageSpace"]) or 0) < (gib(current.get("storageSpace")) or 0):
        refused.append("storage %s -> %s" % (current.get("storageSpace"), want["storageSpace"]))
    if COUNT.get(want.get("topology") or "single") < COUNT.get(current.get("topology") or "single"):
        refused.append("topology %s -> %s" % (current.get("topology") or "single", want.get("topology")))
    sizes = dict((c["name"], c) for c in (options or {}).get("vmClasses") or [])
    old_c, new_c = sizes.get(current.get("vmClass")), sizes.get(want["vmClass"])
    if old_c and new_c and ((new_c.get("cpu") or 0) < (old_c.get("cpu") or 0) or
                            (new_c.get("memoryGi") or 0) < (old_c.get("memoryGi") or 0)):
        refused.append("VM class %s -> %s" % (current.get("vmClass"), want["vmClass"]))
    if current.get("version") and _version_key(want["version"]) < _version_key(current["version"]):
        refused.append("version %s -> %s" % (current["version"], want["version"]))
    if refused:
        raise InputError("instance %s: DSM only scales up and upgrades; refused before any change: %s" % (
            name, "; ".join(refused)))
    return want


def merged_spec(current, wanted):
    out = dict((k, v) for k, v in (current or {}).items() if k in SPEC_KEYS and v is not None)
    for k, v in wanted.items():
        if v is not None:
            out[k] = v
    out.setdefault("topology", "single")
    return out


def spec_hash(spec):
    """What the operator reports as ``status.observedSpecHash`` once it applied ``spec``."""
    return hashlib.sha1(json.dumps(spec, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def manifest(name, namespace, spec, restore=None):
    """The DSM cluster object of a spec (what the Data Solutions UI shows as YAML)."""
    engine = spec["engine"]
    body = {"version": spec["version"], "vmClass": {"name": spec["vmClass"]}, "storageSpace": spec["storageSpace"],
            "infrastructurePolicy": {"name": spec["infrastructurePolicy"]}}
    nodes = NODES[engine][spec.get("topology") or "single"]
    if engine == "postgres":
        body.update(replicas=nodes, adminUsername="pgadmin", databaseName=name)
    else:
        body["members"] = nodes
    if spec.get("storagePolicyName"):
        body["storagePolicyName"] = spec["storagePolicyName"]
    if spec.get("backupLocation"):
        body["backupLocation"] = {"name": spec["backupLocation"]}
        body["backupConfig"] = {"backupRetentionDays": spec.get("backupRetentionDays") or 30,
                                "schedules": spec.get("backupSchedules") or []}
    if spec.get("maintenanceWindow"):
        body["maintenanceWindow"] = spec["maintenanceWindow"]
    if restore:
        based = {"cluster": {"name": restore["instance"]}}
        if restore.get("pointInTime"):
            based["cluster"]["timestamp"] = restore["pointInTime"]
        if restore.get("backup"):
            based["backupName"] = restore["backup"]
        body["basedOn"] = based
    return {"apiVersion": "%s/v1alpha1" % GROUP, "kind": KINDS[engine],
            "metadata": {"name": name, "namespace": namespace}, "spec": body}


def spec_of_cluster(obj):
    """The spec shape of a DSM cluster object (direct DSM flavour)."""
    s = obj.get("spec") or {}
    engine = "postgres" if obj.get("kind") == "PostgresCluster" else "mysql"
    nodes = s.get("replicas", 0) if engine == "postgres" else s.get("members", 1)
    topology = dict((v, k) for k, v in NODES[engine].items()).get(nodes, "single")
    bc = s.get("backupConfig") or {}
    out = {"engine": engine, "version": s.get("version"), "infrastructurePolicy": (s.get("infrastructurePolicy") or {})
           .get("name"), "vmClass": (s.get("vmClass") or {}).get("name"), "topology": topology,
           "storageSpace": s.get("storageSpace"), "storagePolicyName": s.get("storagePolicyName"),
           "backupLocation": (s.get("backupLocation") or {}).get("name"),
           "backupRetentionDays": bc.get("backupRetentionDays") if s.get("backupLocation") else None,
           "backupSchedules": bc.get("schedules") if s.get("backupLocation") else None,
           "maintenanceWindow": s.get("maintenanceWindow")}
    return dict((k, v) for k, v in out.items() if v is not None)


def check_restore(restore, instances, who="the tenant"):
    """``restore`` = {instance, backup?, pointInTime?}; ``instances`` = {name: {backups: [...]}}: fail clearly."""
    src = instances.get(restore["instance"])
    if src is None:
        raise InputError("cannot restore: %s has no instance %s" % (who, restore["instance"]))
    backups = src.get("backups") or []
    if restore.get("backup") and restore["backup"] not in [b.get("name") for b in backups]:
        raise InputError("cannot restore: instance %s has no backup %s (backups: %s)" % (
            restore["instance"], restore["backup"], ", ".join(b.get("name") for b in backups) or "none"))
    if not backups:
        raise InputError("cannot restore: instance %s has no backup yet" % restore["instance"])
    if restore.get("pointInTime") and not [b for b in backups if (b.get("time") or "") <= restore["pointInTime"]]:
        raise InputError("cannot restore: instance %s has no backup at or before %s" % (
            restore["instance"], restore["pointInTime"]))


def restore_of(params):
    r = params.get("restore_from")
    if not r:
        return None
    out = {"instance": r["instance"]}
    if r.get("backup"):
        out["backup"] = r["backup"]
    if r.get("point_in_time"):
        out["pointInTime"] = r["point_in_time"]
    return out


def view(spec):
    """The owned fields, as module options (for diff)."""
    s = spec or {}
    mw = s.get("maintenanceWindow")
    out = {"engine": s.get("engine"), "version": s.get("version"), "infrastructure_policy": s.get("infrastructurePolicy"),
           "vm_class": s.get("vmClass"), "topology": s.get("topology") or "single",
           "storage_gb": int(gib(s.get("storageSpace")) or 0) if s.get("storageSpace") else None,
           "storage_policy": s.get("storagePolicyName"), "backup_location": s.get("backupLocation"),
           "backup_retention_days": s.get("backupRetentionDays"), "backup_schedules": s.get("backupSchedules"),
           "database_options": s.get("databaseOptions"),
           "maintenance_window": {"start_day": mw.get("startDay"), "start_time": mw.get("startTime"),
                                  "duration": mw.get("duration")} if mw else None}
    return dict((k, v) for k, v in out.items() if v is not None)


def connection_view(conn, ca=None):
    if not conn or not conn.get("port"):
        return {}
    out = {"host": conn.get("host"), "port": conn.get("port"), "database": conn.get("dbname"),
           "username": conn.get("username"), "password": conn.get("password"),
           "connection_string": conn.get("connectionString"),
           "ca_certificate": conn.get("caCertificate") or ca}
    return out


def backups_view(backups):
    return [{"name": b.get("name"), "time": b.get("time"), "location": b.get("location"),
             "size_bytes": b.get("sizeBytes")} for b in backups or []]
