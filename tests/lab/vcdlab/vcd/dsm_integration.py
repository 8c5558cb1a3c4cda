"""The VCD side of the DSE <-> DSM integration: the modelled contract A37 (docs/assumptions.md).

What the public record says: DSE 1.5 connects to DSM 2.1+ from Settings > DSM Integration (provider Kubernetes
cluster, Data Solutions Operator, DSM Consumption Operator, DSM base URL, admin user and password, DSM CA
certificate), shows the connection status, discovers DSM's infrastructure policies and backup locations, which
the provider publishes per tenant, and offers "DSM Postgres" / "DSM MySQL" as data solutions published like the
others.  The entity shapes below are the model (the collection implements the same, in one place):

  vmware:dsmIntegration:0.1             one entity in System (name "dsm-integration")
      entity.spec   {kubernetesCluster{name}, dataSolutionsOperator{namespace},
                     consumptionOperator{namespace, authSecretName},
                     dsm{url, username, password (secure), rootCa},
                     allowedInfrastructurePolicies[], allowedBackupLocations[],
                     solutions{postgres, mysql}}                                  (names of the two solutions)
      entity.status {connection{state CONNECTED|ERROR, message, checkedAt, dsmVersion},
                     dataSolutionsOperator{state}, consumptionOperator{state},
                     infrastructurePolicies[names], backupLocations[names], solutions[names]}
  vmware:dsmInfrastructurePolicy:0.1    one entity per discovered policy (name = DSM name), in System
  vmware:dsmBackupLocation:0.1          one entity per discovered backup location
      "published to a tenant" = a ReadOnly membership ACL for the org on that entity (as DSE's dsConfigs)
  dsConfig entities "DSM Postgres" / "DSM MySQL" (solutionType dsm-postgres / dsm-mysql), published with the
      DSE flow (rights bundle, ACL on the dsConfig and on the operator's dsConfig).

The types come with the DSE add-on instance (the lab wraps the DSE backend of dse.py, without changing it).
Connecting is checked against the AZ's DSM simulator: its port must be the URL's, the CA must be the one that
signed DSM's certificate (the lab CA), the user must log in and be a DSM_ADMIN.  Discovery follows DSM: a
policy or backup location created or deleted in DSM is reflected in VCD shortly after.
"""
import datetime
import os
import re
import threading
import time


from . import addons, dse, rde

INTEGRATION = ("vmware", "dsmIntegration", "0.1")
POLICY = ("vmware", "dsmInfrastructurePolicy", "0.1")
BACKUP = ("vmware", "dsmBackupLocation", "0.1")
SOLUTION_TYPES = {"postgres": "dsm-postgres", "mysql": "dsm-mysql"}
DEFAULT_SOLUTIONS = {"postgres": "DSM Postgres", "mysql": "DSM MySQL"}

INTEGRATION_SCHEMA = {"type": "object", "required": ["spec"], "properties": {
    "spec": {"type": "object", "required": ["dsm"], "properties": {
        "kubernetesCluster": {"type": "object", "properties": {"name": {"type": "string"}}},
        "dataSolutionsOperator": {"type": "object", "properties": {"namespace": {"type": "string"}}},
        "consumptionOperator": {"type": "object", "properties": {
            "namespace": {"type": "string"}, "authSecretName": {"type": "string"}}},
        "dsm": {"type": "object", "required": ["url", "username"], "properties": {
            "url": {"type": "string", "pattern": "^https://"}, "username": {"type": "string"},
            "password": {"type": "string", "x-vcloud-restricted": "secure"},
            "rootCa": {"type": "string"}}},
        "allowedInfrastructurePolicies": {"type": "array", "items": {"type": "string"}},
        "allowedBackupLocations": {"type": "array", "items": {"type": "string"}},
        "solutions": {"type": "object", "properties": {"postgres": {"type": "string"}, "mysql": {"type": "string"}}}}},
    "status": {"type": "object"}}}
ITEM_SCHEMA = {"type": "object", "required": ["name"], "properties": {
    "name": {"type": "string"}, "spec": {"type": "object"}, "source": {"type": "string"}}}


def _now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _entities(state, t):
    u = rde.type_urn(*t)
    return [e for e in state.all("rde_entity") if e["entityType"] == u]


# ------------------------------------------------------------------ types come with the DSE instance
class DseWithDsm:
    """Wraps the DSE add-on backend: instantiating DSE also brings the DSM integration types."""

    def __init__(self, inner):
        self.inner = inner

    def create(self, req, addon, instance):
        self.inner.create(req, addon, instance)
        ensure_types(req.state, req.az)

    def __getattr__(self, name):
        return getattr(self.inner, name)


def ensure_types(state, az):
    dse._type(state, az, INTEGRATION, "DSM Integration", INTEGRATION_SCHEMA)
    dse._type(state, az, POLICY, "DSM Infrastructure Policy", ITEM_SCHEMA)
    dse._type(state, az, BACKUP, "DSM Backup Location", ITEM_SCHEMA)


_inner = addons.ADDON_BACKENDS.get(("vmware", "ds"))
if _inner is not None and not isinstance(_inner, DseWithDsm):
    addons.ADDON_BACKENDS[("vmware", "ds")] = DseWithDsm(_inner)


# ------------------------------------------------------------------ connecting
def _appliance(az):
    try:
        from ..services import dsm as dsm_service
    except ImportError:
        return None, None
    runner = dsm_service.RUNNERS.get(az.name)
    return dsm_service.appliance_for(az), runner


def _lab_ca(az):
    try:
        with open(os.path.join(az.lab.run_dir, "ca.pem")) as f:
            return f.read()
    except OSError:
        return ""


def _pem_blocks(text):
    return [re.sub(r"\s+", "", b) for b in re.findall(
        r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", text or "", re.S)]


def check_connection(az, spec, password):
    """(state, message, dsm data or None) of connecting to the DSM of the spec."""
    dsm = spec.get("dsm") or {}
    app, runner = _appliance(az)
    m = re.match(r"^https://([^/:]+)(?::(\d+))?/?$", dsm.get("url") or "")
    if not m:
        return "ERROR", "the DSM URL %r is not https://host[:port]" % dsm.get("url"), None
    port = int(m.group(2) or 443)
    if app is None or runner is None or runner.port != port or m.group(1) not in ("localhost", "127.0.0.1") \
            or runner.server is None:
        return "ERROR", "cannot reach DSM at %s: connection refused" % dsm.get("url"), None
    lab_ca = _pem_blocks(_lab_ca(az))
    given = _pem_blocks(dsm.get("rootCa"))
    if not given or not set(given) & set(lab_ca):
        return "ERROR", "TLS to %s failed: x509: certificate signed by unknown authority (check the DSM CA " \
                        "certificate)" % dsm.get("url"), None
    with app.lock:
        user = app.users.get((dsm.get("username") or "").lower())
        if user is None or user["password"] != password:
            return "ERROR", "DSM refused the login of %s: Invalid credentials" % dsm.get("username"), None
        if "DSM_ADMIN" not in user["roles"]:
            return "ERROR", "%s is not a DSM administrator (roles %s)" % (dsm.get("username"), user["roles"]), None
        policies = [o["metadata"]["name"] for o in app.list(_kind("infrastructure.dataservices.vmware.com",
                                                                   "infrastructurepolicies"))]
        backups = [o["metadata"]["name"] for o in app.list(_kind("infrastructure.dataservices.vmware.com",
                                                                  "backuplocations"))]
        version = app.config["version"]
    allowed_p = spec.get("allowedInfrastructurePolicies") or []
    allowed_b = spec.get("allowedBackupLocations") or []
    return "CONNECTED", "", {"version": version,
                             "policies": sorted(p for p in policies if not allowed_p or p in allowed_p),
                             "backups": sorted(b for b in backups if not allowed_b or b in allowed_b)}


def _kind(group, plural):
    from ..dsm.appliance import KINDS
    return KINDS[(group, plural)]


def _sync_items(state, az, t, names, owner_id):
    """Discovered entities of type ``t`` are exactly ``names`` (ACLs of the ones that stay are kept)."""
    have = {e["name"]: e for e in _entities(state, t)}
    sysorg = addons._system_org(state)
    for name in names:
        if name not in have:
            rde.put_entity(state, az, rde.type_urn(*t), name, {"name": name, "source": "dsm"}, sysorg["id"], owner_id)
    for name, e in have.items():
        if name not in names:
            state.delete("rde_entity", e["id"])


def connect(az, e):
    """What the Data Solutions Operator does with the integration entity: connect, discover, report."""
    spec = (e.get("entity") or {}).get("spec") or {}
    password = ((spec.get("dsm") or {}).get("password")) or ""
    state_, message, data = check_connection(az, spec, password)
    st = az.state
    with st.lock:
        status = {"connection": {"state": state_, "message": message, "checkedAt": _now(),
                                 "dsmVersion": (data or {}).get("version", "")},
                  "dataSolutionsOperator": {"state": "Running" if state_ == "CONNECTED" else "Unknown"},
                  "consumptionOperator": {"state": "Running" if state_ == "CONNECTED" else "Unknown"},
                  "infrastructurePolicies": [], "backupLocations": [], "solutions": []}
        if data is not None:
            owner = e.get("owner_id")
            _sync_items(st, az, POLICY, data["policies"], owner)
            _sync_items(st, az, BACKUP, data["backups"], owner)
            names = dict(DEFAULT_SOLUTIONS, **{k: v for k, v in (spec.get("solutions") or {}).items() if v})
            for engine, name in sorted(names.items()):
                dse.ensure_solution(st, az, owner, (name, SOLUTION_TYPES[engine], {
                    "type": "PackageRepository", "defaultImage": "dsm-consumption-operator/%s" % engine,
                    "defaultVersion": data["version"], "compatibleVersions": ">=2.1.0"}))
            status.update(infrastructurePolicies=data["policies"], backupLocations=data["backups"],
                          solutions=sorted(names.values()))
        e["entity"]["status"] = status


def _on_entity(az, event, e):
    if e.get("entityType") != rde.type_urn(*INTEGRATION):
        return
    if event in ("resolved", "updated") and e.get("state") == "RESOLVED":
        connect(az, e)
    elif event == "deleted":
        st = az.state
        with st.lock:
            for t in (POLICY, BACKUP):
                for item in _entities(st, t):
                    st.delete("rde_entity", item["id"])


rde.ENTITY_LISTENERS.append(_on_entity)


def _on_dsm_change(app, event, kind, obj):
    """DSM gained or lost a policy or backup location: the operator re-syncs VCD (shortly after)."""
    if kind.plural not in ("infrastructurepolicies", "backuplocations") or event not in ("created", "deleted"):
        return

    def later():
        time.sleep(0.05)
        try:
            from ..services import dsm as dsm_service
        except ImportError:
            return
        for az_name, appliance in dsm_service.APPLIANCES.items():
            if appliance is not app:
                continue
            az = _AZS.get(az_name)
            if az is None:
                continue
            for ent in _entities(az.state, INTEGRATION):
                if ent.get("state") == "RESOLVED":
                    connect(az, ent)
    threading.Thread(target=later, daemon=True).start()


_AZS = {}
_LISTENING = set()


def _attach(az):
    """Follow the AZ's DSM appliance (once the DSM service exists)."""
    _AZS[az.name] = az
    app, _ = _appliance(az)
    if app is not None and id(app) not in _LISTENING:
        app.listeners.append(_on_dsm_change)
        _LISTENING.add(id(app))


from ..framework import RESET_HOOKS  # noqa: E402

RESET_HOOKS.append(_attach)




# ------------------------------------------------------------------ lab shortcut for tests
from ..admin_api import _targets, admin  # noqa: E402


@admin("POST", "/_lab/dsm/install-dse")
def _install_dse(req, body):
    """What instantiating the DSE add-on leaves behind (dse.py's backend), without the add-on flow: the
    DSE and DSM integration types, the dsConfigs, templates and rights bundle.  For tests of the DSM
    area that do not exercise the add-on itself."""
    done = []
    for az in _targets(req, body):
        st = az.state
        sysorg = addons._system_org(st)
        admin_user = next((u for u in st.all("user") if u["org_id"] == sysorg["id"]), None)
        with st.lock:
            for t, name, schema in ((dse.DSCONFIG, "Data Solution Configuration", dse.DSCONFIG_SCHEMA),
                                    (dse.TEMPLATE, "Data Solution Instance Template", dse.TEMPLATE_SCHEMA),
                                    (dse.ORGCONFIG, "Data Solution Organization Configuration", dse.ORGCONFIG_SCHEMA),
                                    (dse.CLUSTER, "Data Solution Cluster", {"type": "object"})):
                dse._type(st, az, t, name, schema)
            for solution in dse.SOLUTIONS:
                dse.ensure_solution(st, az, admin_user["id"], solution)
            for tmpl in dse.TEMPLATES:
                dse._ensure_template(st, az, admin_user["id"], tmpl)
            dse.rights_area.ensure_bundle(st, dse.RIGHTS_BUNDLE, dse.BUNDLE_RIGHTS, "Rights of the Data Solutions extension")
            ensure_types(st, az)
        done.append(az.name)
    return {"installed": done}
