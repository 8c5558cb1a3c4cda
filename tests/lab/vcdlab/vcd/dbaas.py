"""The DSM Consumption Operator stand-in (issue #6): tenant database instances in VCD -> DSM objects -> status.

The modelled contract (A37, docs/assumptions.md; the collection implements the same in
plugins/module_utils/dbaas/):

  vmware:dsInstance:0.1            one entity per tenant database, in the tenant's org (name = instance name)
      entity.spec   {engine postgres|mysql, version, infrastructurePolicy, vmClass, topology single|ha|ha5,
                     storageSpace "NGi", storagePolicyName?, backupLocation?, backupRetentionDays?,
                     backupSchedules[{name, type, schedule}]?, databaseOptions{}?, maintenanceWindow{}?,
                     restoreFrom{instance, backup?, pointInTime?}?, onDemandBackups[names]?,
                     deletion{keepBackups}?}
      entity.status {phase Pending|Creating|Updating|Ready|Error, ready, message, dsm{namespace, name},
                     connection{host, port, dbname, username, password (secure), connectionString,
                     caCertificate}, backups[{name, time, location, sizeBytes}], access[{user, level, role}],
                     observedSpecHash (sha1 of the canonical JSON of the spec it applied), restoredFrom{}}
      access control = the entity's ACLs: a user of the tenant org with ReadOnly / ReadWrite / FullControl
      gets a database login ``<user>@<org>`` (its directory password: the modelled LDAPS) with those rights.
  vmware:dsInstanceOptions:0.1     one entity per tenant org (name "dsm-options", in the org): what the
      tenant may choose - {releases{postgres[], mysql[]}, solutions[engines], infrastructurePolicies[{name,
      vmClasses[], storagePolicies[]}], vmClasses[{name, cpu, memoryGi}], backupLocations[]}.

Each tenant is the DSM namespace ``vcd-<org>``; an instance is the cluster of its name there.  The operator
works only while the DSE <-> DSM integration is CONNECTED and only with what is published to the tenant.
The operator polls (VCD sends no event on ACL changes); it is a thread per AZ, started by the reset hook.
"""
import base64
import copy
import hashlib
import json
import os
import re
import sys
import threading
import time

from . import addons, dse, rde
from . import dsm_integration as integ
from ..framework import RESET_HOOKS

INSTANCE = ("vmware", "dsInstance", "0.1")
OPTIONS = ("vmware", "dsInstanceOptions", "0.1")
OPTIONS_NAME = "dsm-options"
GROUP = "databases.dataservices.vmware.com"
PLURALS = {"postgres": "postgresclusters", "mysql": "mysqlclusters"}
NODES = {"postgres": {"single": 0, "ha": 1, "ha5": 3}, "mysql": {"single": 1, "ha": 3, "ha5": 5}}
BACKUP_ANNOTATION = "dsm.vmware.com/backup-request"
TICK = 0.2

INSTANCE_SCHEMA = {"type": "object", "required": ["spec"], "properties": {
    "spec": {"type": "object", "required": ["engine", "version", "infrastructurePolicy", "vmClass", "storageSpace"],
             "properties": {
                 "engine": {"type": "string", "enum": ["postgres", "mysql"]},
                 "version": {"type": "string"}, "infrastructurePolicy": {"type": "string"},
                 "vmClass": {"type": "string"}, "topology": {"type": "string", "enum": ["single", "ha", "ha5"]},
                 "storageSpace": {"type": "string"}, "storagePolicyName": {"type": "string"},
                 "backupLocation": {"type": "string"}, "backupRetentionDays": {"type": "integer"},
                 "backupSchedules": {"type": "array"}, "databaseOptions": {"type": "object"},
                 "maintenanceWindow": {"type": "object"}, "restoreFrom": {"type": "object"},
                 "onDemandBackups": {"type": "array", "items": {"type": "string"}},
                 "deletion": {"type": "object"}}},
    "status": {"type": "object", "properties": {
        "connection": {"type": "object", "properties": {
            "password": {"type": "string", "x-vcloud-restricted": "secure"}}}}}}}
OPTIONS_SCHEMA = {"type": "object"}

_THREADS = {}
_APPLIED = {}      # entity id -> last applied access grants (json)


def _entities(state, t):
    return integ._entities(state, t)


def namespace_of(org_name):
    return "vcd-" + re.sub(r"[^a-z0-9-]", "-", org_name.lower())[:50]


def _published(entity, org_id):
    return any(g.get("memberId") == org_id for g in entity.get("acls") or [])


# ------------------------------------------------------------------ what a tenant may choose
def tenant_options(az, st, app, org):
    pols = {e["name"]: e for e in _entities(st, integ.POLICY)}
    backs = {e["name"]: e for e in _entities(st, integ.BACKUP)}
    kinds = _kinds()
    my_pols = sorted(n for n, e in pols.items() if _published(e, org["id"]))
    sols = []
    names = {}
    for ent in _entities(st, integ.INTEGRATION):
        names = dict(integ.DEFAULT_SOLUTIONS, **{k: v for k, v in
                                                 (ent["entity"]["spec"].get("solutions") or {}).items() if v})
    for cfg in _entities(st, dse.DSCONFIG):
        art = ((cfg["entity"].get("spec") or {}).get("artifacts") or [{}])[0].get("name")
        for engine, name in names.items():
            if art == name and _published(cfg, org["id"]):
                sols.append(engine)
    out = {"solutions": sorted(sols), "releases": {"postgres": [], "mysql": []}, "infrastructurePolicies": [],
           "vmClasses": [], "backupLocations": sorted(n for n, e in backs.items() if _published(e, org["id"]))}
    with app.lock:
        for rel in app.list(kinds["dataservicesreleases"]):
            for s in rel["spec"]["services"]:
                engine = "postgres" if s["name"] == "vmware-sql-postgres" else "mysql"
                out["releases"][engine].extend(s["supportedVersions"])
        classes = set()
        for name in my_pols:
            pol = app.get(kinds["infrastructurepolicies"], None, name)
            if pol is None:
                continue
            vmc = sorted(c.get("name") for c in pol["spec"].get("vmClasses") or [])
            classes.update(vmc)
            out["infrastructurePolicies"].append({"name": name, "vmClasses": vmc,
                                                  "storagePolicies": list(pol["spec"].get("storagePolicies") or [])})
        for name in sorted(classes):
            vc = app.get(kinds["vmclasses"], None, name)
            if vc is not None:
                req = vc["spec"].get("requests") or {}
                out["vmClasses"].append({"name": name, "cpu": req.get("cpu"),
                                         "memoryGi": float(str(req.get("memory", "0")).rstrip("Gi") or 0)})
    return out


def _kinds():
    from ..dsm.appliance import KINDS
    return dict((p, k) for (g, p), k in KINDS.items())


# ------------------------------------------------------------------ one instance
def manifest(ns, name, spec, owner):
    engine = spec["engine"]
    body = {"version": spec["version"], "vmClass": {"name": spec["vmClass"]},
            "storageSpace": spec["storageSpace"], "infrastructurePolicy": {"name": spec["infrastructurePolicy"]}}
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
    restore = spec.get("restoreFrom") or {}
    if restore.get("instance"):
        based = {"cluster": {"name": restore["instance"]}}
        if restore.get("pointInTime"):
            based["cluster"]["timestamp"] = restore["pointInTime"]
        if restore.get("backup"):
            based["backupName"] = restore["backup"]
        body["basedOn"] = based
    return {"apiVersion": "%s/v1alpha1" % GROUP, "kind": "PostgresCluster" if engine == "postgres" else "MySQLCluster",
            "metadata": {"name": name, "namespace": ns, "annotations": {"dsm.vmware.com/owner": owner}},
            "spec": body}


def _mutable(spec):
    return {k: v for k, v in spec.items() if k not in ("basedOn", "version", "adminUsername", "databaseName")}


def _ready(obj):
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in ((obj or {}).get("status") or {}).get("conditions") or [])


def _message(obj):
    for c in ((obj or {}).get("status") or {}).get("conditions") or []:
        if c.get("type") == "Ready":
            return "%s%s" % (c.get("reason") or "", ": " + c["message"] if c.get("message") else "")
    return ""


def process(az, st, app, e, integration):
    from ..dsm.appliance import DsmError
    kinds = _kinds()
    org = st.get("org", e["org_id"])
    spec = copy.deepcopy(e["entity"].get("spec") or {})
    name, ns = e["name"], namespace_of(org["name"])
    status = {"dsm": {"namespace": ns, "name": name}, "backups": [], "access": [],
              "observedSpecHash": hashlib.sha1(json.dumps(e["entity"].get("spec") or {}, sort_keys=True,
                                                          separators=(",", ":")).encode()).hexdigest()}
    opts = tenant_options(az, st, app, org)
    engine = spec.get("engine")
    problem = None
    if (integration["entity"].get("status") or {}).get("connection", {}).get("state") != "CONNECTED":
        problem = "DSE is not connected to DSM"
    elif engine not in opts["solutions"]:
        problem = "the DSM %s solution is not published to %s" % (engine, org["name"])
    elif spec.get("infrastructurePolicy") not in [p["name"] for p in opts["infrastructurePolicies"]]:
        problem = "infrastructure policy %s is not published to %s" % (spec.get("infrastructurePolicy"), org["name"])
    elif spec.get("backupLocation") and spec["backupLocation"] not in opts["backupLocations"]:
        problem = "backup location %s is not published to %s" % (spec["backupLocation"], org["name"])
    kind = kinds.get(PLURALS.get(engine, ""))
    owner = st.get("user", e.get("owner_id")) or {}
    who = "%s@%s" % (owner.get("name", "unknown"), org["name"])
    cluster = None
    if problem is None:
        want = manifest(ns, name, spec, who)
        try:
            with app.lock:
                if app.get(kinds["namespaces"], None, ns) is None:
                    app.create(kinds["namespaces"], None, {"apiVersion": "v1", "kind": "Namespace",
                                                          "metadata": {"name": ns}, "spec": {}}, "consumption-operator")
                cluster = app.get(kind, ns, name)
                if cluster is None:
                    cluster = app.create(kind, ns, want, who)
                else:
                    cur = cluster["spec"]
                    new_spec = dict(cur, **_mutable(want["spec"]))
                    if app.full_version(engine, spec["version"]) != cur.get("version"):
                        new_spec["version"] = spec["version"]
                    new = None
                    if json.dumps(new_spec, sort_keys=True) != json.dumps(cur, sort_keys=True):
                        new = copy.deepcopy(cluster)
                        new["spec"] = new_spec
                    done = [b["name"] for b in (cluster.get("status") or {}).get("backups") or []]
                    pending = [b for b in spec.get("onDemandBackups") or [] if b not in done]
                    if new is None and pending and (cluster["metadata"].get("annotations") or {}).get(
                            BACKUP_ANNOTATION) != pending[0]:
                        new = copy.deepcopy(cluster)
                        new["metadata"]["annotations"][BACKUP_ANNOTATION] = pending[0]
                    if new is not None:
                        new.pop("status", None)
                        cluster = app.replace(kind, ns, name, new, None)
        except DsmError as exc:
            body = exc.body if isinstance(exc.body, dict) else {}
            problem = "DSM refused the instance: %s" % (body.get("message") or exc)
    if problem is not None:
        status.update(phase="Error", ready=False, message=problem)
    else:
        ready = _ready(cluster)
        gen_ok = (cluster.get("status") or {}).get("observedGeneration") == cluster["metadata"].get("generation")
        status.update(ready=bool(ready and gen_ok), message="" if ready else _message(cluster),
                      phase="Ready" if ready and gen_ok else ("Creating" if not (cluster.get("status") or {})
                                                              .get("connection") else "Updating"))
        conn = (cluster.get("status") or {}).get("connection") or {}
        if conn.get("port"):
            secret = app.get(kinds["secrets"], ns, (conn.get("passwordRef") or {}).get("name"))
            pw = base64.b64decode(((secret or {}).get("data") or {}).get("password", "")).decode() if secret else ""
            scheme = "postgresql" if engine == "postgres" else "mysql"
            ca = ((integration["entity"].get("spec") or {}).get("dsm") or {}).get("rootCa") or ""
            status["connection"] = {
                "host": conn["host"], "port": conn["port"], "dbname": conn.get("dbname", ""),
                "username": conn["username"], "password": pw, "caCertificate": ca,
                "connectionString": "%s://%s@%s:%s/%s%s" % (scheme, conn["username"], conn["host"], conn["port"],
                                                           conn.get("dbname", ""),
                                                           "?sslmode=verify-full" if engine == "postgres" else
                                                           "?ssl-mode=VERIFY_IDENTITY")}
        status["backups"] = [{k: b[k] for k in ("name", "time", "location", "sizeBytes") if k in b}
                             for b in (cluster.get("status") or {}).get("backups") or []]
        if (cluster.get("status") or {}).get("backupError"):
            status["backupError"] = cluster["status"]["backupError"]
        if (cluster.get("status") or {}).get("restoredFrom"):
            status["restoredFrom"] = cluster["status"]["restoredFrom"]
        if ready and conn.get("port"):
            status["access"] = sync_access(st, app, e, org, cluster, kind)
    old = e["entity"].get("status")
    if json.dumps(old, sort_keys=True) != json.dumps(status, sort_keys=True):
        with st.lock:
            cur = st.get("rde_entity", e["id"])
            if cur is not None:
                cur["entity"]["status"] = status


def sync_access(st, app, e, org, cluster, kind):
    levels = {"urn:vcloud:accessLevel:ReadOnly": "ReadOnly", "urn:vcloud:accessLevel:ReadWrite": "ReadWrite",
              "urn:vcloud:accessLevel:FullControl": "FullControl"}
    grants, shown = {}, []
    for g in e.get("acls") or []:
        user = st.get("user", g.get("memberId")) if str(g.get("memberId")).startswith("urn:vcloud:user:") else None
        if user is None or user["org_id"] != org["id"]:
            continue
        role = "%s@%s" % (user["name"], org["name"])
        level = levels.get(g.get("accessLevelId"), "ReadOnly")
        grants[role] = (user.get("password") or "", level)
        shown.append({"user": user["name"], "level": level, "role": role})
    backend = app.backends.get(kind.plural)
    key = json.dumps(sorted((r, lv[1], hashlib.sha1(lv[0].encode()).hexdigest()) for r, lv in grants.items()))
    applied = _APPLIED.get(cluster["metadata"]["uid"])
    if hasattr(backend, "set_access") and applied != key:
        try:
            backend.set_access(cluster, grants)
            _APPLIED[cluster["metadata"]["uid"]] = key
        except Exception as exc:  # noqa: BLE001 - reported, retried next tick
            sys.stderr.write("vcdlab dbaas: access of %s failed: %s\n" % (e["name"], exc))
    return sorted(shown, key=lambda s: s["user"])


def sync_options(az, st, app):
    sysorg = addons._system_org(st)
    have = {e["org_id"]: e for e in _entities(st, OPTIONS)}
    published = set(have)
    for t in (integ.POLICY, integ.BACKUP, dse.DSCONFIG):
        for ent in _entities(st, t):
            published.update(g.get("memberId") for g in ent.get("acls") or [])
    for org in st.all("org"):
        if org.get("is_system") or org["id"] not in published:
            continue
        opts = tenant_options(az, st, app, org)
        e = have.get(org["id"])
        if not (opts["solutions"] or opts["infrastructurePolicies"]):
            if e is not None:
                st.delete("rde_entity", e["id"])
            continue
        if e is None:
            admin = next((u for u in st.all("user") if u["org_id"] == sysorg["id"]), None)
            rde.put_entity(st, az, rde.type_urn(*OPTIONS), OPTIONS_NAME, opts, org["id"], admin and admin["id"])
        elif e["entity"] != opts:
            e["entity"] = opts


def on_deleted(az, e):
    """The tenant deleted the instance: delete the DSM cluster (and its backups unless kept)."""
    from ..dsm.appliance import DsmError
    app = _app(az)
    org = az.state.get("org", e["org_id"])
    spec = (e.get("entity") or {}).get("spec") or {}
    if app is None or org is None or spec.get("engine") not in PLURALS:
        return
    kinds = _kinds()
    ns = namespace_of(org["name"])
    keep = (spec.get("deletion") or {}).get("keepBackups", True)
    try:
        with app.lock:
            if app.get(kinds[PLURALS[spec["engine"]]], ns, e["name"]) is not None:
                app.delete(kinds[PLURALS[spec["engine"]]], ns, e["name"])
            archived = kinds["archived" + PLURALS[spec["engine"]]]
            if not keep and app.get(archived, ns, e["name"]) is not None:
                app.delete(archived, ns, e["name"])
    except DsmError as exc:
        sys.stderr.write("vcdlab dbaas: delete of %s failed: %s\n" % (e["name"], exc))


def _on_entity(az, event, e):
    if event == "deleted" and e.get("entityType") == rde.type_urn(*INSTANCE):
        on_deleted(az, e)


rde.ENTITY_LISTENERS.append(_on_entity)


# ------------------------------------------------------------------ the loop
def _app(az):
    app, runner = integ._appliance(az)
    return app if app is not None and app.booted else None


def tick(az):
    st = az.state
    if rde.find_type(st, rde.type_urn(*integ.INTEGRATION)) is None:
        return
    if rde.find_type(st, rde.type_urn(*INSTANCE)) is None:
        with st.lock:
            dse._type(st, az, INSTANCE, "DSM Database Instance", INSTANCE_SCHEMA)
            dse._type(st, az, OPTIONS, "DSM Instance Options", OPTIONS_SCHEMA)
    app = _app(az)
    integrations = [x for x in _entities(st, integ.INTEGRATION) if x.get("state") == "RESOLVED"]
    if app is None or not integrations:
        return
    _install_backend(az, app)
    sync_options(az, st, app)
    for e in _entities(st, INSTANCE):
        if e.get("state") != "RESOLVED":
            continue
        try:
            process(az, st, app, e, integrations[0])
        except Exception as exc:  # noqa: BLE001 - the operator keeps going
            sys.stderr.write("vcdlab dbaas: %s failed: %r\n" % (e["name"], exc))


def _loop(az):
    while True:
        try:
            tick(az)
        except Exception as exc:  # noqa: BLE001
            sys.stderr.write("vcdlab dbaas: tick failed: %r\n" % exc)
        time.sleep(TICK)


def _install_backend(az, app):
    if os.environ.get("VCDLAB_DSM_PG", "1") == "0":
        return
    from ..dsm.pg_backend import PostgresBackend
    current = app.backends.get("postgresclusters")
    if not isinstance(current, PostgresBackend):
        backend = PostgresBackend(az.lab.run_dir, az.lab.port_base, az.name)
        backend.attach(app)
        app.set_backend("postgresclusters", backend)


def _start(az):
    if az.name in _THREADS:
        return
    t = threading.Thread(target=_loop, args=(az,), daemon=True, name="dbaas-%s" % az.name)
    _THREADS[az.name] = t
    t.start()


RESET_HOOKS.append(_start)
