"""One simulated DSM appliance (one per AZ): users, sessions, Kubernetes-style objects, reconciler.

The appliance does not exist until its VM boots in vcsim (the boot hook brings the OVF properties:
the first administrator, the vCenter it registers with); until then nothing listens on its port.

Objects are kept as Kubernetes objects (apiVersion, kind, metadata{name, namespace,
resourceVersion, uid, generation, creationTimestamp, labels, annotations}, spec, status).  A
reconciler thread brings them to ``Ready`` after a delay (config ``ready_seconds`` for databases,
``infra_ready_seconds`` for everything else).
"""
import base64
import copy
import datetime
import hashlib
import hmac
import ipaddress
import json
import os
import re
import threading
import time
import uuid

from .backends import SimulatedBackend

INFRA = "infrastructure.dataservices.vmware.com"
DATABASES = "databases.dataservices.vmware.com"
AUTHZ = "authorization.dataservices.vmware.com"
INTERNAL = "internal.dataservices.vmware.com"
VERSION = "v1alpha1"

ROLES = ("INFRA_ADMIN", "DSM_ADMIN", "DSM_USER", "OBJECT_STORE_ADMIN")
PASSWORD_RE = re.compile(r"^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)(?=.*[?!@#$%^&*_+]).{8,20}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+$")

DEFAULT_CONFIG = {
    "version": "2.2.1",              # 2.0/2.1: namespace default only, secret <name>; 2.2+: pg-<name>
    "ready_seconds": 2.0,            # database clusters: created -> Ready
    "infra_ready_seconds": 0.2,      # other objects
    "token_seconds": 3600,
}

POSTGRES_VERSIONS = ["14.15+vmware.v2.2.0", "15.10+vmware.v2.2.0", "16.6+vmware.v2.2.0"]
MYSQL_VERSIONS = ["8.0.34+vmware.v2.1.0", "8.0.40+vmware.v2.2.0"]


class Kind:
    def __init__(self, group, plural, kind, namespaced, write_roles, read_roles=ROLES, spec=True):
        self.group, self.plural, self.kind, self.namespaced = group, plural, kind, namespaced
        self.write_roles, self.read_roles, self.has_spec = set(write_roles), set(read_roles), spec

    @property
    def api_version(self):
        return "%s/%s" % (self.group, VERSION) if self.group else "v1"

    @property
    def resource(self):
        return "%s/%s, Resource=%s" % (self.group, VERSION, self.plural) if self.group else "/v1, Resource=%s" % self.plural


KINDS = {}


def _k(*args, **kw):
    k = Kind(*args, **kw)
    KINDS[(k.group, k.plural)] = k
    return k


_k(INFRA, "ippools", "IPPool", False, ["INFRA_ADMIN"])
_k(INFRA, "infrastructurepolicies", "InfrastructurePolicy", False, ["INFRA_ADMIN"])
_k(INFRA, "vmclasses", "VMClass", False, ["INFRA_ADMIN"])
_k(INFRA, "infrastructurepolicybindings", "InfrastructurePolicyBinding", True, ["INFRA_ADMIN", "DSM_ADMIN"], spec=False)
_k(INFRA, "backuplocations", "BackupLocation", False, ["INFRA_ADMIN", "DSM_ADMIN", "OBJECT_STORE_ADMIN"])
_k(DATABASES, "postgresclusters", "PostgresCluster", True, ["DSM_ADMIN", "DSM_USER"])
_k(DATABASES, "mysqlclusters", "MySQLCluster", True, ["DSM_ADMIN", "DSM_USER"])
_k(DATABASES, "databaseconfigs", "DatabaseConfig", True, ["DSM_ADMIN", "DSM_USER"])
_k(DATABASES, "backuplocationbindings", "BackupLocationBinding", True, ["DSM_ADMIN"], spec=False)
_k(DATABASES, "archivedmysqlclusters", "ArchivedMySQLCluster", True, ["DSM_ADMIN", "DSM_USER"])
_k(DATABASES, "archivedpostgresclusters", "ArchivedPostgresCluster", True, ["DSM_ADMIN", "DSM_USER"])
_k(AUTHZ, "dsmrolebindings", "DsmRoleBinding", False, ["DSM_ADMIN"], spec=False)
_k(AUTHZ, "dsmusernamespacebindings", "DSMUserNamespaceBinding", True, ["DSM_ADMIN"])
_k(INTERNAL, "dataservicesreleases", "DataServicesRelease", False, [])
_k("", "secrets", "Secret", True, ["DSM_ADMIN", "DSM_USER", "INFRA_ADMIN"], read_roles=["DSM_ADMIN", "DSM_USER", "INFRA_ADMIN"])
_k("", "namespaces", "Namespace", False, ["DSM_ADMIN"])

CLUSTER_KINDS = {"postgresclusters": ("postgres", 5432), "mysqlclusters": ("mysql", 3306)}


class DsmError(Exception):
    """An answer: ``body`` is an ErrorDto (``/provider``) or a Kubernetes Status (``/apis``)."""

    def __init__(self, status, body, headers=None):
        super().__init__(json.dumps(body))
        self.status, self.body, self.headers = status, body, headers or {}


def status_error(code, reason, message, details=None):
    body = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message,
            "reason": reason, "code": code}
    if details:
        body["details"] = details
    return DsmError(code, body)


def dto_error(code, message, codes=None):
    return DsmError(code, {"message": message, "errorCodes": codes or []})


def now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def gib(quantity):
    """'60Gi' / '1Ti' / 60 -> GiB (float); None when it is not a quantity."""
    m = re.match(r"^\s*(\d+(?:\.\d+)?)\s*(Mi|Gi|Ti)?\s*$", str(quantity))
    if not m:
        return None
    return float(m.group(1)) * {"Mi": 1 / 1024.0, "Gi": 1, "Ti": 1024, None: 1}[m.group(2)]


class Appliance:
    """A DSM appliance; ``booted`` once its VM came up (or a test booted it)."""

    def __init__(self, name, index):
        self.name, self.index = name, index
        self.lock = threading.RLock()
        self.config = dict(DEFAULT_CONFIG)
        self.backends = {"postgresclusters": SimulatedBackend("postgres", 5432),
                         "mysqlclusters": SimulatedBackend("mysql", 3306)}
        self.key = os.urandom(32)
        self.listeners = []          # callables(event, obj) - e.g. the VCD integration
        self.reset()

    # ------------------------------------------------------------- lifecycle
    def reset(self):
        with self.lock:
            self.booted = False
            self.boot_info = {}
            self.users = {}          # email(lower) -> {email, password, roles}
            self.vcenter = {}        # host, username, password (from the OVF properties)
            self.sessions = {}       # jwt -> {email, roles, exp}
            self.objects = {}        # (group, plural, ns, name) -> obj
            self.rv = 1000
            self.pending = {}        # key -> ready-at time
            self.ips = {}            # cluster key -> ip
            self.directory = None
            self.log = []
            self.seq = 0
            self.generation = getattr(self, "generation", 0) + 1

    def set_backend(self, plural, backend):
        self.backends[plural] = backend

    def boot(self, properties, ip=None, vm=None):
        """The appliance VM powered on with these OVF properties (A33)."""
        email = (properties.get("dsm.admin.email") or "").strip()
        password = properties.get("dsm.admin.password") or ""
        with self.lock:
            self.reset()
            self.booted = True
            self.boot_info = {"vm": vm, "ip": ip, "hostname": properties.get("dsm.hostname"),
                              "time": now(), "properties": sorted(properties)}
            if email:
                self.users[email.lower()] = {"email": email, "password": password, "roles": ["DSM_ADMIN"],
                                             "source": "deployment"}
            self.vcenter = {"host": properties.get("dsm.vcenter.host"),
                            "username": properties.get("dsm.vcenter.username"),
                            "password": properties.get("dsm.vcenter.password")}
            self.put_system({"apiVersion": "%s/%s" % (INTERNAL, VERSION), "kind": "DataServicesRelease",
                             "metadata": {"name": "dsm-%s" % self.config["version"]},
                             "spec": {"version": self.config["version"], "services": [
                                 {"name": "vmware-sql-postgres", "supportedVersions": list(POSTGRES_VERSIONS)},
                                 {"name": "vmware-sql-mysql", "supportedVersions": list(MYSQL_VERSIONS)}]}},
                            ready=True)
            for name, cpu, mem in (("small", 2, 4), ("medium", 4, 8), ("large", 8, 16)):
                self.put_system({"apiVersion": "%s/%s" % (INFRA, VERSION), "kind": "VMClass",
                                 "metadata": {"name": name},
                                 "spec": {"description": "default", "requests": {"cpu": cpu, "memory": "%dGi" % mem}}},
                                ready=True)
            for ns in ("default", "dsm-system"):
                self.put_system({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}, "spec": {}},
                                ready=True)

    # ------------------------------------------------------------- sessions
    def login(self, email, password):
        with self.lock:
            user = self.users.get((email or "").lower())
            if not user or user["password"] != password:
                raise dto_error(401, "Invalid credentials", ["AUTHENTICATION_FAILED"])
            return self._session(user["email"], user["roles"])

    def login_vc(self, username, password):
        vc = self.vcenter or {}
        if not username or username != vc.get("username") or password != vc.get("password"):
            raise dto_error(401, "vCenter authentication failed for %s" % username, ["VC_AUTHENTICATION_FAILED"])
        return self._session(username, ["INFRA_ADMIN"])

    def _session(self, subject, roles):
        exp = int(time.time() + self.config["token_seconds"])

        def b64(d):
            return base64.urlsafe_b64encode(json.dumps(d, separators=(",", ":")).encode()).rstrip(b"=").decode()
        signing = b64({"alg": "HS256", "typ": "JWT"}) + "." + b64(
            {"sub": subject, "roles": roles, "exp": exp, "iat": int(time.time()), "jti": str(uuid.uuid4())})
        sig = base64.urlsafe_b64encode(hmac.new(self.key, signing.encode(), hashlib.sha256).digest()).rstrip(b"=")
        jwt = signing + "." + sig.decode()
        sess = {"email": subject, "roles": list(roles), "exp": exp, "jwt": jwt}
        self.sessions[jwt] = sess
        return sess

    def session(self, authorization):
        token = (authorization or "")[7:].strip() if (authorization or "").lower().startswith("bearer ") else None
        sess = self.sessions.get(token) if token else None
        if sess is None or sess["exp"] < time.time():
            return None
        return sess

    # ------------------------------------------------------------- objects
    def _next_rv(self):
        self.rv += 1
        return str(self.rv)

    def put_system(self, obj, ready=False):
        kind = self.kind_of(obj)
        meta = obj.setdefault("metadata", {})
        if kind.namespaced:
            meta.setdefault("namespace", "default")
        meta.update(uid=str(uuid.uuid4()), resourceVersion=self._next_rv(), generation=1,
                    creationTimestamp=now())
        meta.setdefault("labels", {})
        meta.setdefault("annotations", {})
        if ready:
            obj["status"] = {"conditions": [self.condition("Ready", "True", "Ready", "")]}
        self.objects[self.key_of(kind, meta.get("namespace"), meta["name"])] = obj
        return obj

    @staticmethod
    def kind_of(obj):
        api = obj.get("apiVersion") or ""
        group = api.split("/")[0] if "/" in api else ""
        for kind in KINDS.values():
            if kind.group == group and kind.kind == obj.get("kind"):
                return kind
        raise status_error(400, "BadRequest", "no kind %r is registered for version %r" % (obj.get("kind"), api))

    @staticmethod
    def key_of(kind, ns, name):
        return (kind.group, kind.plural, ns if kind.namespaced else None, name)

    @staticmethod
    def condition(ctype, status, reason, message):
        return {"type": ctype, "status": status, "reason": reason, "message": message,
                "lastTransitionTime": now()}

    def get(self, kind, ns, name):
        return self.objects.get(self.key_of(kind, ns, name))

    def list(self, kind, ns=None):
        return [o for (g, p, n, _), o in sorted(self.objects.items(), key=lambda kv: str(kv[0]))
                if g == kind.group and p == kind.plural and (ns is None or not kind.namespaced or n == ns)]

    def ready_delay(self, kind):
        return self.config["ready_seconds"] if kind.plural in CLUSTER_KINDS else self.config["infra_ready_seconds"]

    def create(self, kind, ns, obj, who):
        from .validate import validate
        meta = obj.setdefault("metadata", {})
        name = meta.get("name")
        if not name:
            raise status_error(422, "Invalid", "%s.%s \"\" is invalid: metadata.name: Required value" % (
                kind.plural, kind.group))
        if kind.namespaced:
            meta["namespace"] = ns
            if self.get(KINDS[("", "namespaces")], None, ns) is None:
                raise status_error(404, "NotFound", "namespaces \"%s\" not found" % ns)
        if self.get(kind, ns, name) is not None:
            raise status_error(409, "AlreadyExists", "%s.%s \"%s\" already exists" % (kind.plural, kind.group, name),
                               {"name": name, "group": kind.group, "kind": kind.plural})
        validate(self, kind, obj, None)
        obj["apiVersion"], obj["kind"] = kind.api_version, kind.kind
        meta.update(uid=str(uuid.uuid4()), resourceVersion=self._next_rv(), generation=1, creationTimestamp=now())
        self.rewrite(kind, obj, who)
        if kind.has_spec and kind.plural not in ("secrets", "namespaces"):
            obj["status"] = {"conditions": [self.condition("Ready", "False", "Reconciling", "")]}
            self.pending[self.key_of(kind, ns, name)] = time.time() + self.ready_delay(kind)
        elif kind.plural != "secrets":
            obj["status"] = {"conditions": [self.condition("Ready", "True", "Ready", "")]}
        self.objects[self.key_of(kind, ns, name)] = obj
        self.emit("created", kind, obj)
        return obj

    def replace(self, kind, ns, name, obj, who):
        from .validate import validate
        current = self.get(kind, ns, name)
        if current is None:
            raise status_error(404, "NotFound", "%s.%s \"%s\" not found" % (kind.plural, kind.group, name))
        meta = obj.setdefault("metadata", {})
        rv = meta.get("resourceVersion")
        if not rv:
            raise status_error(422, "Invalid", "%s.%s \"%s\" is invalid: metadata.resourceVersion: Invalid value: "
                               "0x0: must be specified for an update" % (kind.plural, kind.group, name))
        if rv != current["metadata"]["resourceVersion"]:
            raise status_error(409, "Conflict", "Operation cannot be fulfilled on %s.%s \"%s\": the object has been "
                               "modified; please apply your changes to the latest version and try again"
                               % (kind.plural, kind.group, name))
        if meta.get("name") not in (None, name):
            raise status_error(400, "BadRequest", "the name of the object (%s) does not match the name on the URL (%s)"
                               % (meta.get("name"), name))
        validate(self, kind, obj, current)
        new = copy.deepcopy(obj)
        new["apiVersion"], new["kind"] = kind.api_version, kind.kind
        new_meta = new["metadata"]
        for k in ("uid", "creationTimestamp", "namespace"):
            if k in current["metadata"]:
                new_meta[k] = current["metadata"][k]
        new_meta["name"] = name
        spec_changed = json.dumps(new.get("spec"), sort_keys=True) != json.dumps(current.get("spec"), sort_keys=True)
        for k in ("role", "subjects", "data", "stringData"):
            if k in new or k in current:
                spec_changed = spec_changed or new.get(k) != current.get(k)
        new_meta["generation"] = current["metadata"].get("generation", 1) + (1 if spec_changed else 0)
        new_meta["resourceVersion"] = self._next_rv()
        self.rewrite(kind, new, None, current)
        new["status"] = copy.deepcopy(current.get("status") or {})
        if spec_changed and kind.plural in CLUSTER_KINDS:
            self.backends[kind.plural].resize(self, new, current.get("spec"))
            new["status"]["conditions"] = [self.condition("Ready", "False", "Updating", "")]
            self.pending[self.key_of(kind, ns, name)] = time.time() + self.ready_delay(kind)
        self.objects[self.key_of(kind, ns, name)] = new
        self.emit("updated", kind, new)
        return new

    def delete(self, kind, ns, name):
        obj = self.get(kind, ns, name)
        if obj is None:
            raise status_error(404, "NotFound", "%s.%s \"%s\" not found" % (kind.plural, kind.group, name))
        if kind.plural in CLUSTER_KINDS:
            self.backends[kind.plural].delete(self, obj)
            secret = self.get(KINDS[("", "secrets")], ns, self.secret_name(name))
            if secret is not None:
                del self.objects[self.key_of(KINDS[("", "secrets")], ns, self.secret_name(name))]
            if (obj.get("spec") or {}).get("backupLocation"):
                archived = KINDS[(DATABASES, "archived" + kind.plural)]
                self.put_system({"apiVersion": archived.api_version, "kind": archived.kind,
                                 "metadata": {"name": name, "namespace": ns},
                                 "spec": {"clusterSpec": copy.deepcopy(obj.get("spec")),
                                          "deletedAt": now()}}, ready=True)
        self.pending.pop(self.key_of(kind, ns, name), None)
        del self.objects[self.key_of(kind, ns, name)]
        self.emit("deleted", kind, obj)
        return obj

    def rewrite(self, kind, obj, who, current=None):
        """What the server owns: labels, annotations and the full spec.version."""
        meta = obj["metadata"]
        labels = dict(meta.get("labels") or {})
        annotations = dict(meta.get("annotations") or {})
        if current is not None:
            for k, v in (current["metadata"].get("labels") or {}).items():
                if k.startswith("dsm.vmware.com/"):
                    labels.setdefault(k, v)
            for k, v in (current["metadata"].get("annotations") or {}).items():
                if k.startswith("dsm.vmware.com/"):
                    annotations.setdefault(k, v)
        if kind.plural in CLUSTER_KINDS:
            engine = CLUSTER_KINDS[kind.plural][0]
            labels["dsm.vmware.com/engine"] = engine
            if who:
                annotations.setdefault("dsm.vmware.com/owner", who)
            spec = obj.get("spec") or {}
            spec["version"] = self.full_version(engine, spec.get("version"))
        if kind.plural == "namespaces" and current is None and meta["name"] not in ("default", "dsm-system"):
            labels["dsm.vmware.com/ns-type"] = "dsm-managed"
        meta["labels"], meta["annotations"] = labels, annotations

    def full_version(self, engine, version):
        versions = POSTGRES_VERSIONS if engine == "postgres" else MYSQL_VERSIONS
        text = str(version or "")
        if text in versions:
            return text
        matches = [v for v in versions if v.split("+")[0] == text or v.split("+")[0].startswith(text + ".")]
        return sorted(matches)[-1] if matches else text

    def secret_name(self, cluster_name):
        major, minor = (int(x) for x in self.config["version"].split(".")[:2])
        return "pg-%s" % cluster_name if (major, minor) >= (2, 2) else cluster_name

    # ------------------------------------------------------------- reconciler
    def reconcile(self):
        """Bring due objects to Ready (called by the server's reconciler thread)."""
        with self.lock:
            due = [k for k, t in self.pending.items() if t <= time.time()]
            for key in due:
                self.pending.pop(key, None)
                obj = self.objects.get(key)
                if obj is None:
                    continue
                kind = KINDS[(key[0], key[1])]
                problem = self.references_missing(kind, obj)
                if problem:
                    obj["status"]["conditions"] = [self.condition("Ready", "False", "InvalidReference", problem)]
                    continue
                if kind.plural in CLUSTER_KINDS:
                    self.provision(kind, obj)
                obj["status"]["conditions"] = [self.condition("Ready", "True", "Ready", "")]
                obj["status"]["observedGeneration"] = obj["metadata"].get("generation")
                obj["metadata"]["resourceVersion"] = self._next_rv()
                self.emit("ready", kind, obj)

    def provision(self, kind, obj):
        status = obj.setdefault("status", {})
        if (status.get("connection") or {}).get("port"):
            return
        conn = self.backends[kind.plural].provision(self, obj)
        ns, name = obj["metadata"]["namespace"], obj["metadata"]["name"]
        secret = self.secret_name(name)
        self.put_system({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": secret, "namespace": ns},
                         "type": "Opaque", "data": {"password": base64.b64encode(conn["password"].encode()).decode()}})
        status["connection"] = {"host": conn["host"], "port": conn["port"], "dbname": conn.get("dbname", ""),
                                "username": conn["username"], "passwordRef": {"name": secret}}

    def references_missing(self, kind, obj):
        spec = obj.get("spec") or {}
        if kind.plural == "infrastructurepolicies":
            for r in spec.get("ipRanges") or []:
                if self.get(KINDS[(INFRA, "ippools")], None, r.get("poolName")) is None:
                    return "IP pool %s does not exist" % r.get("poolName")
            for vc in spec.get("vmClasses") or []:
                if self.get(KINDS[(INFRA, "vmclasses")], None, vc.get("name")) is None:
                    return "VM class %s does not exist" % vc.get("name")
        return None

    def allocate_ip(self, cluster):
        key = (cluster["metadata"].get("namespace"), cluster["metadata"]["name"])
        policy_name = ((cluster.get("spec") or {}).get("infrastructurePolicy") or {}).get("name")
        policy = self.get(KINDS[(INFRA, "infrastructurepolicies")], None, policy_name) if policy_name else None
        used = set(self.ips.values())
        for r in ((policy or {}).get("spec") or {}).get("ipRanges") or []:
            pool = self.get(KINDS[(INFRA, "ippools")], None, r.get("poolName"))
            for rng in ((pool or {}).get("spec") or {}).get("addresses") or []:
                first, _, last = rng.partition("-")
                a, b = ipaddress.ip_address(first.strip()), ipaddress.ip_address((last or first).strip())
                while a <= b:
                    if str(a) not in used:
                        self.ips[key] = str(a)
                        return str(a)
                    a += 1
        ip = "10.250.%d.%d" % (self.index, 10 + len(self.ips))
        self.ips[key] = ip
        return ip

    def release_ip(self, cluster):
        self.ips.pop((cluster["metadata"].get("namespace"), cluster["metadata"]["name"]), None)

    # ------------------------------------------------------------- events and log
    def emit(self, event, kind, obj):
        for fn in list(self.listeners):
            try:
                fn(self, event, kind, obj)
            except Exception:  # noqa: BLE001 - a listener must not break the API
                pass

    def record(self, entry):
        with self.lock:
            self.seq += 1
            entry["seq"] = self.seq
            self.log.append(entry)
            if len(self.log) > 20000:
                del self.log[:5000]

    def snapshot(self):
        with self.lock:
            objs = {}
            for (g, p, ns, name), o in sorted(self.objects.items(), key=lambda kv: str(kv[0])):
                objs.setdefault(p, []).append(copy.deepcopy(o))
            users = [{"email": u["email"], "roles": u["roles"]} for u in self.users.values()]
            directory = dict(self.directory or {})
            directory.pop("bindPassword", None)
            return {"booted": self.booted, "boot": self.boot_info, "users": users, "objects": objs,
                    "directory": directory or None, "config": dict(self.config),
                    "vcenter": {k: v for k, v in self.vcenter.items() if k != "password"}}
