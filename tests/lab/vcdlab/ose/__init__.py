"""Object Storage Extension REST API simulator: the load-balancer address of one AZ's OSE cluster.

One HTTPS server per AZ (ports base+31 / base+32, lab certificate, 0.0.0.0).  Authentication is
the VCD JWT (``Authorization: Bearer``), checked against the sessions of the lab VCD of the same AZ
(same process); provider (System) sessions only for ``/api/v1/core`` provider operations.

Documented (api-reference.md section 8):
  GET  /api/v1/core/current-user
  PATCH /api/v1/core/tenants/{id}          Tenant{active, region, storagePolicy, storagePolicyLocked,
                                           autoOnboardConfig}            (A41: activation path)
  GET  /api/v1/core/storage-tenants        {items[{groupId, groupName, active}]}
  POST /api/v1/core/storage-policies       201; {name, replicationScheme|ecScheme{k,m,dataCenters},
                                           visibleTenants[], region}     (A46: creates the Cloudian policy)
  GET|PUT /api/v1/core/tenant-setting      {poseAsPermission} (PUT -> 202)
Modelled (docs/assumptions.md; each can be switched off with POST /_lab/config):
  OPTIONS /api/v1/core                     the load-balancer monitor (A43): 200 while at least one OSE
                                           node of the AZ answers it, else 503
  GET  /api/v1/core/tenants                paged {items, total, page, size}: read-back of the tenants
  Tenant.hlStorageQuotaKBytes              the tenant quota, applied to the Cloudian group's QoS
  GET  /api/v1/core/storage-policies       {items}; DELETE /api/v1/core/storage-policies/{id}
  GET|POST /api/v1/core/regions, PUT|DELETE /api/v1/core/regions/{name}
  GET|PUT /api/v1/core/settings/kubernetes-backup   (A44)
Lab admin: GET /_lab/state, POST /_lab/reset, POST /_lab/config, GET /_lab/requests?since=N.
"""
import socket
import ssl
import threading
import uuid

from .. import cloudian
from .httpd import HttpError, Router, Sim

PORT_OFFSET = 31
NODE_PORT = 443
router = Router()
CLUSTERS = {}   # (port_base, az) -> Ose

DEFAULT_CONFIG = {
    "tenant_list": True,          # GET /api/v1/core/tenants exists
    "regions_api": True,
    "kubernetes_backup_api": True,
    "health_probe_nodes": True,   # OPTIONS probes the nodes; False: always 200
}
REPLICATION_MAX = 6


class Ose(Sim):
    def __init__(self, lab, az, port):
        super().__init__("ose-" + az, router, port)
        self.lab, self.az = lab, az
        self.data_lock = threading.RLock()
        self.config = dict(DEFAULT_CONFIG)
        self.reset()

    def reset(self):
        with self.data_lock:
            self.tenants = {}     # org uuid -> tenant settings
            self.policies = {}
            self.regions = {"region-1": {"name": "region-1", "endpoint": None, "local": True,
                                         "dataCenters": ["dc-" + self.az], "status": "VALID"}}
            self.tenant_setting = {"poseAsPermission": False}
            self.k8s_backup = {"veleroVersion": "1.11.1", "source": "GITHUB", "registryUrl": None,
                               "kopiaEnabled": True, "excludedNamespaces": ["kube-system"]}
            self.config = dict(DEFAULT_CONFIG)

    @property
    def vcd(self):
        return self.lab.azs[self.az]

    @property
    def cloudian(self):
        return cloudian.get(self.lab.port_base, self.az)

    def lab_routes(self, req):
        res = super().lab_routes(req)
        if res is not None:
            return res
        if req.path == "/_lab/state" and req.method == "GET":
            return 200, self.snapshot()
        if req.path == "/_lab/reset" and req.method == "POST":
            self.reset()
            return 200, {"reset": True}
        if req.path == "/_lab/config" and req.method == "POST":
            self.config.update(req.json() or {})
            return 200, self.config
        raise HttpError(404, "no such lab path")

    def snapshot(self):
        with self.data_lock:
            return {"tenants": [self.tenant_view(oid) for oid in sorted(self.tenants)],
                    "policies": list(self.policies.values()), "regions": list(self.regions.values()),
                    "tenant_setting": dict(self.tenant_setting), "kubernetes_backup": dict(self.k8s_backup),
                    "nodes": self.node_health(), "config": dict(self.config)}

    # ---- tenants (VCD orgs)
    def orgs(self):
        return [o for o in self.vcd.state.all("org") if not o.get("is_system")]

    def tenant_view(self, oid, org=None):
        org = org or self.vcd.state.get("org", oid) or {}
        t = self.tenants.get(oid, {})
        return {"id": oid, "name": org.get("name"), "active": bool(t.get("active", False)),
                "region": t.get("region"), "storagePolicy": t.get("storagePolicy"),
                "storagePolicyLocked": bool(t.get("storagePolicyLocked", False)),
                "autoOnboardConfig": t.get("autoOnboardConfig"),
                "hlStorageQuotaKBytes": t.get("hlStorageQuotaKBytes", -1)}

    # ---- the load balancer's monitor
    def node_health(self):
        from .. import nodes
        out = {}
        for n in nodes.node_list():
            if n["kind"] == "ose" and n["az"] == self.az:
                out[n["name"]] = probe(n["ip"], NODE_PORT)
        return out


def probe(ip, port, timeout=1.5):
    """OPTIONS /api/v1/core on a node (the design's monitor; no certificate check, like an LB)."""
    try:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        with socket.create_connection((ip, port), timeout=timeout) as s:
            with ctx.wrap_socket(s, server_hostname=ip) as t:
                t.sendall(b"OPTIONS /api/v1/core HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" % ip.encode())
                head = t.recv(32)
                return head.startswith((b"HTTP/1.1 200", b"HTTP/1.0 200"))
    except OSError:
        return False


def _session(sim, req, provider=True):
    token = req.bearer()
    sess = sim.vcd.sessions.get(token) if token else None
    if sess is None:
        raise HttpError(401, "the VCD session token is missing, invalid or expired", "UNAUTHORIZED")
    if provider and not sess.get("is_provider"):
        raise HttpError(403, "this operation needs a provider (System) session", "FORBIDDEN")
    return sess


def _org_id(ident):
    return str(ident).rsplit(":", 1)[-1]


@router.add("OPTIONS", "/api/v1/core")
def health(sim, req):
    if not sim.config["health_probe_nodes"]:
        return 200, None, {"Allow": "GET, OPTIONS"}
    ok = any(sim.node_health().values())
    return (200 if ok else 503), (None if ok else {"error": "NO_HEALTHY_NODE",
                                                   "message": "no OSE node of %s answers" % sim.az}), \
        {"Allow": "GET, OPTIONS"}


@router.add("GET", "/api/v1/core/current-user")
def current_user(sim, req):
    sess = _session(sim, req, provider=False)
    return 200, {"id": sess["user_id"], "name": sess["user_name"], "orgId": sess["org_id"],
                 "orgName": sess["org_name"], "provider": bool(sess.get("is_provider")),
                 "roles": sess.get("roles") or []}


@router.add("GET", "/api/v1/core/tenants")
def tenants_list(sim, req):
    _session(sim, req)
    if not sim.config["tenant_list"]:
        raise HttpError(404, "no such path: %s" % req.path)
    try:
        page, size = int(req.query.get("page", "1")), int(req.query.get("size", "100"))
    except ValueError:
        raise HttpError(400, "page and size must be integers")
    if size < 1 or size > 500:
        raise HttpError(400, "size must be between 1 and 500")
    with sim.data_lock:
        items = [sim.tenant_view(_org_id(o["id"]), o) for o in sorted(sim.orgs(), key=lambda o: o["name"])]
    return 200, {"items": items[(page - 1) * size: page * size], "total": len(items), "page": page, "size": size}


@router.add("PATCH", "/api/v1/core/tenants/(?P<id>[^/]+)")
def tenant_patch(sim, req):
    _session(sim, req)
    oid = _org_id(req.params["id"])
    org = sim.vcd.state.get("org", oid)
    if org is None or org.get("is_system"):
        raise HttpError(404, "tenant %s does not exist in Cloud Director" % req.params["id"], "NOT_FOUND")
    body = req.json() or {}
    allowed = {"active", "region", "storagePolicy", "storagePolicyLocked", "autoOnboardConfig",
               "hlStorageQuotaKBytes"}
    unknown = set(body) - allowed - {"id", "name"}
    if unknown:
        raise HttpError(400, "unknown Tenant fields: %s" % ", ".join(sorted(unknown)), "BAD_REQUEST")
    with sim.data_lock:
        t = dict(sim.tenants.get(oid, {}))
        t.update({k: v for k, v in body.items() if k in allowed})
        if t.get("region") and t["region"] not in sim.regions:
            raise HttpError(400, "region %s does not exist" % t["region"], "BAD_REQUEST")
        if t.get("storagePolicy"):
            pol = next((p for p in sim.policies.values() if p["name"] == t["storagePolicy"]), None)
            if pol is None:
                raise HttpError(400, "storage policy %s does not exist" % t["storagePolicy"], "BAD_REQUEST")
            if pol.get("visibleTenants") and org["name"] not in pol["visibleTenants"] and \
                    oid not in pol["visibleTenants"]:
                raise HttpError(400, "storage policy %s is not visible to %s" % (pol["name"], org["name"]))
        old = sim.tenants.get(oid, {})
        if old.get("storagePolicyLocked") and old.get("storagePolicy") and \
                t.get("storagePolicy") != old.get("storagePolicy") and t.get("storagePolicyLocked", True):
            raise HttpError(409, "the storage policy of %s is locked" % org["name"], "CONFLICT")
        if t.get("active") and sim.cloudian is None:
            raise HttpError(503, "no storage platform is connected", "PLATFORM_UNAVAILABLE")
        sim.tenants[oid] = t
        if sim.cloudian is not None and ("active" in t):
            sim.cloudian.ensure_group(oid.replace("-", ""), org["name"], bool(t.get("active")))
            if "hlStorageQuotaKBytes" in t:
                sim.cloudian.set_quota(oid.replace("-", ""), t["hlStorageQuotaKBytes"])
        return 200, sim.tenant_view(oid, org)


@router.add("GET", "/api/v1/core/storage-tenants")
def storage_tenants(sim, req):
    _session(sim, req)
    with sim.data_lock:
        items = []
        for o in sorted(sim.orgs(), key=lambda o: o["name"]):
            oid = _org_id(o["id"])
            if oid in sim.tenants:
                items.append({"groupId": oid.replace("-", ""), "groupName": o["name"],
                              "active": bool(sim.tenants[oid].get("active"))})
    return 200, {"items": items}


def _policy_body(sim, body):
    name = body.get("name")
    if not name:
        raise HttpError(400, "name is required", "BAD_REQUEST")
    rep, ec = body.get("replicationScheme"), body.get("ecScheme")
    if bool(rep) == bool(ec):
        raise HttpError(400, "give exactly one of replicationScheme and ecScheme", "BAD_REQUEST")
    if rep:
        if not isinstance(rep.get("replicas"), int) or not 1 <= rep["replicas"] <= REPLICATION_MAX:
            raise HttpError(400, "replicationScheme.replicas must be 1..%d" % REPLICATION_MAX, "BAD_REQUEST")
    if ec:
        if not all(isinstance(ec.get(k), int) and ec[k] > 0 for k in ("k", "m")):
            raise HttpError(400, "ecScheme needs positive integers k and m", "BAD_REQUEST")
    dcs = (rep or ec).get("dataCenters") or []
    region = body.get("region") or "region-1"
    if region not in sim.regions:
        raise HttpError(400, "region %s does not exist" % region, "BAD_REQUEST")
    known = set()
    for r in sim.regions.values():
        known |= set(r.get("dataCenters") or [])
    bad = [d for d in dcs if d not in known]
    if bad:
        raise HttpError(400, "unknown data centers: %s" % ", ".join(bad), "BAD_REQUEST")
    return {"name": name, "replicationScheme": rep, "ecScheme": ec, "region": region,
            "visibleTenants": list(body.get("visibleTenants") or [])}


@router.add("GET", "/api/v1/core/storage-policies")
def policies_list(sim, req):
    _session(sim, req)
    with sim.data_lock:
        return 200, {"items": sorted(sim.policies.values(), key=lambda p: p["name"])}


@router.add("POST", "/api/v1/core/storage-policies")
def policy_create(sim, req):
    _session(sim, req)
    body = _policy_body(sim, req.json() or {})
    with sim.data_lock:
        if any(p["name"] == body["name"] for p in sim.policies.values()):
            raise HttpError(409, "storage policy %s exists" % body["name"], "CONFLICT")
        if sim.cloudian is None:
            raise HttpError(503, "no storage platform is connected", "PLATFORM_UNAVAILABLE")
        cp = sim.cloudian.create_policy(body["name"], body["replicationScheme"], body["ecScheme"], body["region"])
        pol = dict(body, id=str(uuid.uuid4()), policyId=cp["policyId"])
        sim.policies[pol["id"]] = pol
    return 201, pol


@router.add("DELETE", "/api/v1/core/storage-policies/(?P<id>[^/]+)")
def policy_delete(sim, req):
    _session(sim, req)
    with sim.data_lock:
        pol = sim.policies.get(req.params["id"])
        if pol is None:
            raise HttpError(404, "storage policy %s does not exist" % req.params["id"], "NOT_FOUND")
        users = [oid for oid, t in sim.tenants.items() if t.get("storagePolicy") == pol["name"]]
        if users:
            raise HttpError(409, "storage policy %s is used by %d tenant(s)" % (pol["name"], len(users)), "CONFLICT")
        del sim.policies[req.params["id"]]
        if sim.cloudian is not None:
            sim.cloudian.policies.pop(pol["policyId"], None)
    return 204, None


@router.add("GET", "/api/v1/core/tenant-setting")
def tenant_setting_get(sim, req):
    _session(sim, req)
    return 200, dict(sim.tenant_setting)


@router.add("PUT", "/api/v1/core/tenant-setting")
def tenant_setting_put(sim, req):
    _session(sim, req)
    body = req.json() or {}
    if not isinstance(body.get("poseAsPermission"), bool):
        raise HttpError(400, "poseAsPermission must be a boolean", "BAD_REQUEST")
    sim.tenant_setting["poseAsPermission"] = body["poseAsPermission"]
    return 202, None


def _regions_on(sim, req):
    _session(sim, req)
    if not sim.config["regions_api"]:
        raise HttpError(404, "no such path: %s" % req.path)


@router.add("GET", "/api/v1/core/regions")
def regions_list(sim, req):
    _regions_on(sim, req)
    with sim.data_lock:
        return 200, {"items": sorted(sim.regions.values(), key=lambda r: r["name"])}


def _region_body(body, name=None):
    name = name or body.get("name")
    if not name:
        raise HttpError(400, "name is required", "BAD_REQUEST")
    ep = body.get("endpoint")
    if ep is not None and not str(ep).startswith("https://"):
        raise HttpError(400, "endpoint must be an https:// URL", "BAD_REQUEST")
    dcs = body.get("dataCenters") or []
    if not isinstance(dcs, list) or not all(isinstance(d, str) and d for d in dcs):
        raise HttpError(400, "dataCenters must be a list of names", "BAD_REQUEST")
    return {"name": name, "endpoint": ep, "dataCenters": dcs}


@router.add("POST", "/api/v1/core/regions")
def region_add(sim, req):
    _regions_on(sim, req)
    body = _region_body(req.json() or {})
    with sim.data_lock:
        if body["name"] in sim.regions:
            raise HttpError(409, "region %s exists" % body["name"], "CONFLICT")
        if not body["endpoint"]:
            raise HttpError(400, "a remote region needs its endpoint", "BAD_REQUEST")
        sim.regions[body["name"]] = dict(body, local=False, status="VALID")
        return 201, sim.regions[body["name"]]


@router.add("PUT", "/api/v1/core/regions/(?P<name>[^/]+)")
def region_put(sim, req):
    _regions_on(sim, req)
    body = _region_body(req.json() or {}, req.params["name"])
    with sim.data_lock:
        cur = sim.regions.get(body["name"])
        if cur is None:
            raise HttpError(404, "region %s does not exist" % body["name"], "NOT_FOUND")
        cur.update({k: v for k, v in body.items() if v is not None or k != "endpoint"})
        return 200, cur


@router.add("DELETE", "/api/v1/core/regions/(?P<name>[^/]+)")
def region_delete(sim, req):
    _regions_on(sim, req)
    with sim.data_lock:
        cur = sim.regions.get(req.params["name"])
        if cur is None:
            raise HttpError(404, "region %s does not exist" % req.params["name"], "NOT_FOUND")
        if cur.get("local"):
            raise HttpError(400, "the local region cannot be dismissed", "BAD_REQUEST")
        del sim.regions[req.params["name"]]
        # dismissing a region deactivates its tenants (api-reference section 8)
        for t in sim.tenants.values():
            if t.get("region") == req.params["name"]:
                t["active"] = False
    return 204, None


@router.add("GET", "/api/v1/core/settings/kubernetes-backup")
def k8s_get(sim, req):
    _session(sim, req)
    if not sim.config["kubernetes_backup_api"]:
        raise HttpError(404, "no such path: %s" % req.path)
    return 200, dict(sim.k8s_backup)


@router.add("PUT", "/api/v1/core/settings/kubernetes-backup")
def k8s_put(sim, req):
    _session(sim, req)
    if not sim.config["kubernetes_backup_api"]:
        raise HttpError(404, "no such path: %s" % req.path)
    body = req.json() or {}
    unknown = set(body) - set(sim.k8s_backup)
    if unknown:
        raise HttpError(400, "unknown fields: %s" % ", ".join(sorted(unknown)), "BAD_REQUEST")
    src = body.get("source", sim.k8s_backup["source"])
    if src not in ("GITHUB", "REGISTRY"):
        raise HttpError(400, "source must be GITHUB or REGISTRY", "BAD_REQUEST")
    reg = body.get("registryUrl", sim.k8s_backup["registryUrl"])
    if src == "REGISTRY" and not reg:
        raise HttpError(400, "source REGISTRY needs registryUrl", "BAD_REQUEST")
    sim.k8s_backup.update(body)
    return 200, dict(sim.k8s_backup)


def get(port_base, az):
    return CLUSTERS.get((int(port_base), az))


def dump(port_base):
    return {az: sim.snapshot() for (pb, az), sim in CLUSTERS.items() if pb == int(port_base)}

