"""Cloudian HyperStore Admin API simulator (one per AZ, HTTPS, Basic authentication).

Implements what api-reference.md section 8 documents (third-party):

* ``PUT /group`` creates (409 when it exists), ``POST /group`` updates, ``GET|DELETE /group?groupId=``;
  users work the same way (``/user?userId=&groupId=``); **204 means not found**;
* ``GET|POST /qos/limits?groupId=&userId=*&hlStorageQuotaKBytes=`` (-1 = unlimited);
* ``GET /bppolicy/listpolicy``; policies are created through OSE (A46), see ``create_policy``;
* ``GET /system/version`` (what clients use to check the credentials);
* ``GET /group/list`` lists groups.

Admin user ``sysadmin`` / ``ADMIN_PASSWORD``; a lab test changes it with ``POST /_lab/password``.
Ports: base+41 (az1), base+42 (az2).
"""
import threading
import uuid

from ..ose.httpd import HttpError, Router, Sim

ADMIN_USER = "sysadmin"
ADMIN_PASSWORD = "Cl0udian-lab!"
VERSION = "7.5.1"
PORT_OFFSET = 41

router = Router()
CLUSTERS = {}   # (port_base, az) -> Cloudian


class Cloudian(Sim):
    def __init__(self, az, port):
        super().__init__("cloudian-" + az, router, port)
        self.az = az
        self.password = ADMIN_PASSWORD
        self.data_lock = threading.RLock()
        self.reset()

    def reset(self):
        with self.data_lock:
            self.groups = {}
            self.users = {}
            self.qos = {}
            self.policies = {}
            pid = str(uuid.uuid5(uuid.NAMESPACE_DNS, "cloudian-default-" + self.az)).replace("-", "")
            self.policies[pid] = {"policyId": pid, "policyName": "default-3-replicas", "default": True,
                                  "replicationScheme": {"replicas": 3, "dataCenters": ["dc-" + self.az]},
                                  "ecScheme": None, "status": "ACTIVE", "region": "region-1",
                                  "groups": []}

    def lab_routes(self, req):
        res = super().lab_routes(req)
        if res is not None:
            return res
        if req.path == "/_lab/state" and req.method == "GET":
            return 200, self.snapshot()
        if req.path == "/_lab/password" and req.method == "POST":
            self.password = (req.json() or {}).get("password") or ADMIN_PASSWORD
            return 200, {"password_set": True}
        if req.path == "/_lab/reset" and req.method == "POST":
            self.reset()
            self.password = ADMIN_PASSWORD
            return 200, {"reset": True}
        raise HttpError(404, "no such lab path")

    def snapshot(self):
        with self.data_lock:
            return {"groups": list(self.groups.values()), "users": list(self.users.values()),
                    "qos": [dict(k, **v) for k, v in ((dict(groupId=g, userId=u), q)
                                                     for (g, u), q in self.qos.items())],
                    "policies": list(self.policies.values())}

    # used by the OSE simulator in the same process (A46: policies come through OSE)
    def ensure_group(self, group_id, name, active=True):
        with self.data_lock:
            g = self.groups.get(group_id)
            if g is None:
                g = self.groups[group_id] = {"groupId": group_id, "groupName": name, "active": str(active).lower(),
                                             "s3endpointshttp": ["ALL"], "s3endpointshttps": ["ALL"],
                                             "s3websiteendpoints": ["ALL"], "ldapEnabled": False}
            else:
                g["active"] = str(active).lower()
            return g

    def set_quota(self, group_id, kbytes):
        with self.data_lock:
            self.qos[(group_id, "*")] = {"hlStorageQuotaKBytes": int(kbytes)}

    def quota(self, group_id):
        with self.data_lock:
            return self.qos.get((group_id, "*"), {}).get("hlStorageQuotaKBytes", -1)

    def create_policy(self, name, replication=None, ec=None, region=None, groups=None):
        with self.data_lock:
            for p in self.policies.values():
                if p["policyName"] == name:
                    raise HttpError(409, "a storage policy named %s exists" % name)
            pid = uuid.uuid4().hex
            self.policies[pid] = {"policyId": pid, "policyName": name, "default": False,
                                  "replicationScheme": replication, "ecScheme": ec, "status": "ACTIVE",
                                  "region": region, "groups": list(groups or [])}
            return self.policies[pid]


def _auth(sim, req):
    user, pw = req.basic()
    if user != ADMIN_USER or pw != sim.password:
        raise HttpError(401, "Unauthorized: wrong admin user or password")


def _group_id(req):
    gid = req.query.get("groupId")
    if not gid:
        raise HttpError(400, "groupId is required")
    return gid


@router.add("GET", "/system/version")
def version(sim, req):
    _auth(sim, req)
    return 200, VERSION


@router.add("GET", "/group/list")
def group_list(sim, req):
    _auth(sim, req)
    with sim.data_lock:
        return 200, list(sim.groups.values())


@router.add("GET", "/group")
def group_get(sim, req):
    _auth(sim, req)
    g = sim.groups.get(_group_id(req))
    return (200, g) if g else (204, None)


@router.add("PUT", "/group")
def group_create(sim, req):
    _auth(sim, req)
    body = req.json() or {}
    gid = body.get("groupId")
    if not gid:
        raise HttpError(400, "groupId is required")
    with sim.data_lock:
        if gid in sim.groups:
            raise HttpError(409, "group %s exists" % gid)
        sim.groups[gid] = dict(body)
    return 200, None


@router.add("POST", "/group")
def group_update(sim, req):
    _auth(sim, req)
    body = req.json() or {}
    with sim.data_lock:
        if body.get("groupId") not in sim.groups:
            return 204, None
        sim.groups[body["groupId"]].update(body)
    return 200, None


@router.add("DELETE", "/group")
def group_delete(sim, req):
    _auth(sim, req)
    with sim.data_lock:
        if sim.groups.pop(_group_id(req), None) is None:
            return 204, None
    return 200, None


@router.add("GET", "/user")
def user_get(sim, req):
    _auth(sim, req)
    u = sim.users.get((req.query.get("groupId"), req.query.get("userId")))
    return (200, u) if u else (204, None)


@router.add("PUT", "/user")
def user_create(sim, req):
    _auth(sim, req)
    body = req.json() or {}
    key = (body.get("groupId"), body.get("userId"))
    if not all(key):
        raise HttpError(400, "groupId and userId are required")
    if len(key[1]) > 255:
        raise HttpError(400, "userId longer than 255 characters")
    with sim.data_lock:
        if key[0] not in sim.groups:
            raise HttpError(400, "group %s does not exist" % key[0])
        if key in sim.users:
            raise HttpError(409, "user exists")
        sim.users[key] = dict(body)
    return 200, None


@router.add("DELETE", "/user")
def user_delete(sim, req):
    _auth(sim, req)
    with sim.data_lock:
        if sim.users.pop((req.query.get("groupId"), req.query.get("userId")), None) is None:
            return 204, None
    return 200, None


@router.add("GET", "/qos/limits")
def qos_get(sim, req):
    _auth(sim, req)
    gid, uid = _group_id(req), req.query.get("userId", "*")
    with sim.data_lock:
        if gid not in sim.groups:
            return 204, None
        q = sim.qos.get((gid, uid), {"hlStorageQuotaKBytes": -1})
    return 200, dict(q, groupId=gid, userId=uid)


@router.add("POST", "/qos/limits")
def qos_set(sim, req):
    _auth(sim, req)
    gid, uid = _group_id(req), req.query.get("userId", "*")
    try:
        kb = int(req.query.get("hlStorageQuotaKBytes", "-1"))
    except ValueError:
        raise HttpError(400, "hlStorageQuotaKBytes must be an integer")
    with sim.data_lock:
        if gid not in sim.groups:
            return 204, None
        sim.qos[(gid, uid)] = {"hlStorageQuotaKBytes": kb}
    return 200, None


@router.add("GET", "/bppolicy/listpolicy")
def policies(sim, req):
    _auth(sim, req)
    with sim.data_lock:
        return 200, list(sim.policies.values())


def get(port_base, az):
    return CLUSTERS.get((int(port_base), az))
