"""The DSM appliance's HTTPS API: ``/provider/...`` REST and the Kubernetes-style gateway.

    /provider/session                                   POST {email,password} -> header Authorization: Bearer
    /provider/plugin/session-using-vc-credentials        POST {username,password} (INFRA_ADMIN)
    /provider/users[/<email>], /provider/users/password  users (A32), password recovery (no login)
    /provider/s3storages, /provider/deployment-topology, /provider/gateway-kubeconfig
    /provider/directory-service                         LDAPS settings (A31)
    /apis/<group>/v1alpha1[/namespaces/<ns>]/<plural>[/<name>]
    /api/v1/namespaces[/<ns>], /api/v1/namespaces/<ns>/secrets[/<name>]

``/provider`` calls need ``Accept: application/vnd.vmware.dms-v1+json``; errors are ErrorDto
``{message, errorCodes}``.  ``/apis`` errors are Kubernetes ``Status`` objects; role checks answer
``denied - role "X" has no permission "C" on <group>/v1alpha1, Resource=<plural>``.
"""
import base64
import copy
import json
import re
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .appliance import KINDS, DsmError, EMAIL_RE, PASSWORD_RE, ROLES, dto_error, status_error

DMS_MEDIA = "application/vnd.vmware.dms-v1+json"
_API_PATH = re.compile(r"^/apis/(?P<group>[^/]+)/v1alpha1(?:/namespaces/(?P<ns>[^/]+))?/(?P<plural>[^/]+)(?:/(?P<name>[^/]+))?/?$")
_CORE_PATH = re.compile(r"^/api/v1(?:/namespaces/(?P<ns>[^/]+))?/(?P<plural>secrets|namespaces)(?:/(?P<name>[^/]+))?/?$")
_CORE_NS = re.compile(r"^/api/v1/namespaces/(?P<name>[^/]+)/?$")
VERB = {"POST": "C", "PUT": "U", "PATCH": "U", "DELETE": "D", "GET": "R"}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "dsm-lab"
    sys_version = ""

    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    def do_PUT(self):
        self._handle("PUT")

    def do_PATCH(self):
        self._handle("PATCH")

    def do_DELETE(self):
        self._handle("DELETE")

    # ----------------------------------------------------------------
    def _send(self, status, body=None, headers=None, ctype=None):
        data = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        self.send_response(status)
        if data:
            self.send_header("Content-Type", ctype or ("application/json" if not self.path.startswith("/provider")
                                                       else DMS_MEDIA))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if data:
            self.wfile.write(data)

    def _handle(self, method):
        app = self.server.appliance
        t0 = time.time()
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        url = urllib.parse.urlsplit(self.path)
        path, query = urllib.parse.unquote(url.path), dict(urllib.parse.parse_qsl(url.query))
        status = 500
        try:
            body = json.loads(raw.decode("utf-8")) if raw else None
        except ValueError as exc:
            body = None
            status, out, headers = 400, {"message": "malformed JSON: %s" % exc, "errorCodes": ["BAD_REQUEST"]}, {}
        else:
            try:
                with app.lock:
                    status, out, headers = self._dispatch(app, method, path, query, body)
            except DsmError as exc:
                status, out, headers = exc.status, exc.body, exc.headers
            except Exception as exc:  # noqa: BLE001
                import traceback
                traceback.print_exc()
                status, out, headers = 500, {"message": "dsm lab internal error: %r" % exc, "errorCodes": []}, {}
        app.record({"method": method, "path": path, "query": url.query, "status": status,
                    "ms": round((time.time() - t0) * 1000, 1)})
        self._send(status, out, headers)

    # ---------------------------------------------------------------- routing
    def _dispatch(self, app, method, path, query, body):
        if path.startswith("/provider"):
            accept = self.headers.get("Accept") or ""
            if "vnd.vmware.dms-v1" not in accept:
                raise dto_error(406, "Accept must be %s (or +octet-stream for downloads)" % DMS_MEDIA, ["NOT_ACCEPTABLE"])
            return self._provider(app, method, path, query, body)
        m = _API_PATH.match(path)
        if m:
            kind = KINDS.get((m.group("group"), m.group("plural")))
            if kind is None:
                raise status_error(404, "NotFound", "the server could not find the requested resource")
            return self._objects(app, method, kind, m.group("ns"), m.group("name"), query, body)
        m = _CORE_PATH.match(path)
        if m:
            if m.group("plural") == "namespaces":
                return self._objects(app, method, KINDS[("", "namespaces")], None, m.group("name"), query, body)
            return self._objects(app, method, KINDS[("", "secrets")], m.group("ns") or "default", m.group("name"),
                                 query, body)
        m = _CORE_NS.match(path)
        if m:
            return self._objects(app, method, KINDS[("", "namespaces")], None, m.group("name"), query, body)
        raise status_error(404, "NotFound", "the server could not find the requested resource")

    def _session(self, app, k8s=False):
        sess = app.session(self.headers.get("Authorization"))
        if sess is None:
            if k8s:
                raise status_error(401, "Unauthorized", "Unauthorized")
            raise dto_error(401, "Full authentication is required to access this resource", ["UNAUTHORIZED"])
        return sess

    # ---------------------------------------------------------------- /provider
    def _provider(self, app, method, path, query, body):
        body = body or {}
        if path == "/provider/session" and method == "POST":
            sess = app.login(body.get("email"), body.get("password"))
            return 200, {"email": sess["email"], "roles": sess["roles"], "expiresAt": sess["exp"]}, {
                "Authorization": "Bearer %s" % sess["jwt"]}
        if path == "/provider/session" and method == "DELETE":
            sess = self._session(app)
            app.sessions.pop(sess["jwt"], None)
            return 204, None, {}
        if path == "/provider/plugin/session-using-vc-credentials" and method == "POST":
            sess = app.login_vc(body.get("username"), body.get("password"))
            return 200, {"email": sess["email"], "roles": sess["roles"], "expiresAt": sess["exp"]}, {
                "Authorization": "Bearer %s" % sess["jwt"]}
        if path == "/provider/users/password" and method == "GET":
            if query.get("action") != "recover" or not query.get("email"):
                raise dto_error(400, "action=recover and email are required", ["BAD_REQUEST"])
            return 200, {"message": "If the user exists, a recovery e-mail was sent"}, {}
        sess = self._session(app)
        if path == "/provider/users" and method == "GET":
            users = [{"email": u["email"], "roles": u["roles"]} for u in app.users.values()]
            return 200, self._page(users, query), {}
        if path == "/provider/users" and method == "POST":
            self._need(sess, "DSM_ADMIN", "C", "users")
            email, password, roles = body.get("email"), body.get("password"), body.get("roles") or []
            if not email or not EMAIL_RE.match(email):
                raise dto_error(400, "email is not a valid e-mail address", ["INVALID_EMAIL"])
            if not password or not PASSWORD_RE.match(password):
                raise dto_error(400, "The password must be 8-20 characters with upper and lower case letters, a digit "
                                "and one of ?!@#$%^&*_+", ["INVALID_PASSWORD"])
            bad = [r for r in roles if r not in ROLES]
            if not roles or bad:
                raise dto_error(400, "roles must be some of %s" % ", ".join(ROLES), ["INVALID_ROLE"])
            if email.lower() in app.users:
                raise dto_error(409, "User %s already exists" % email, ["USER_ALREADY_EXISTS"])
            app.users[email.lower()] = {"email": email, "password": password, "roles": list(roles)}
            return 201, {"email": email, "roles": list(roles)}, {}
        m = re.match(r"^/provider/users/([^/]+)$", path)
        if m:
            user = app.users.get(m.group(1).lower())
            if user is None:
                raise dto_error(404, "User %s not found" % m.group(1), ["USER_NOT_FOUND"])
            if method == "GET":
                return 200, {"email": user["email"], "roles": user["roles"]}, {}
            self._need(sess, "DSM_ADMIN", VERB[method], "users")
            if method == "DELETE":
                if user.get("source") == "deployment":
                    raise dto_error(400, "The administrator created at deployment cannot be deleted", ["BAD_REQUEST"])
                del app.users[m.group(1).lower()]
                return 204, None, {}
            if method == "PUT":
                roles = body.get("roles") or user["roles"]
                bad = [r for r in roles if r not in ROLES]
                if bad:
                    raise dto_error(400, "roles must be some of %s" % ", ".join(ROLES), ["INVALID_ROLE"])
                user["roles"] = list(roles)
                if body.get("password"):
                    if not PASSWORD_RE.match(body["password"]):
                        raise dto_error(400, "The password must be 8-20 characters with upper and lower case letters, "
                                        "a digit and one of ?!@#$%^&*_+", ["INVALID_PASSWORD"])
                    user["password"] = body["password"]
                return 200, {"email": user["email"], "roles": user["roles"]}, {}
        if path == "/provider/s3storages" and method == "GET":
            items = [{"name": o["metadata"]["name"], "bucket": o["spec"].get("bucket"),
                      "endpoint": o["spec"].get("endpoint")}
                     for o in app.list(KINDS[("infrastructure.dataservices.vmware.com", "backuplocations")])]
            return 200, self._page(items, query), {}
        if path == "/provider/deployment-topology" and method == "GET":
            return 200, {"version": app.config["version"], "appliance": app.boot_info.get("hostname"),
                         "vcenter": (app.vcenter or {}).get("host")}, {}
        if path == "/provider/gateway-kubeconfig" and method == "GET":
            kubeconfig = {"apiVersion": "v1", "kind": "Config", "clusters": [{"name": "dsm", "cluster": {
                "server": "https://%s" % self.headers.get("Host")}}], "users": [{"name": sess["email"], "user": {
                    "token": app._session(sess["email"], sess["roles"])["jwt"]}}]}
            return 200, kubeconfig, {}
        if path == "/provider/directory-service":
            if method == "GET":
                if app.directory is None:
                    raise dto_error(404, "No directory service is configured", ["NOT_FOUND"])
                out = dict(app.directory)
                out.pop("bindPassword", None)
                return 200, out, {}
            self._need(sess, "DSM_ADMIN", VERB[method], "directory-service")
            if method == "DELETE":
                app.directory = None
                return 204, None, {}
            if method == "PUT":
                for field in ("url", "bindDn", "userBaseDn"):
                    if not body.get(field):
                        raise dto_error(400, "%s is required" % field, ["BAD_REQUEST"])
                if not str(body["url"]).startswith("ldaps://"):
                    raise dto_error(400, "only ldaps:// URLs are supported", ["BAD_REQUEST"])
                if app.directory is None and not body.get("bindPassword"):
                    raise dto_error(400, "bindPassword is required", ["BAD_REQUEST"])
                new = {k: body.get(k) for k in ("url", "bindDn", "userBaseDn", "groupBaseDn", "rootCa")}
                new["bindPassword"] = body.get("bindPassword") or (app.directory or {}).get("bindPassword")
                app.directory = new
                out = dict(new)
                out.pop("bindPassword")
                return 200, out, {}
        raise dto_error(404, "No handler for %s %s" % (method, path), ["NOT_FOUND"])

    @staticmethod
    def _page(items, query):
        page, size = int(query.get("page", 0)), int(query.get("size", 20))
        return {"content": items[page * size:(page + 1) * size], "totalElements": len(items),
                "totalPages": (len(items) + size - 1) // size if size else 0, "number": page, "size": size}

    @staticmethod
    def _need(sess, role, verb, what):
        if role not in sess["roles"]:
            raise dto_error(403, "denied - role \"%s\" has no permission \"%s\" on %s" % (
                sess["roles"][0] if sess["roles"] else "NONE", verb, what), ["FORBIDDEN"])

    # ---------------------------------------------------------------- /apis
    def _objects(self, app, method, kind, ns, name, query, body):
        sess = self._session(app, k8s=True)
        verb = VERB.get(method, "R")
        allowed = kind.read_roles if verb == "R" else kind.write_roles
        if not set(sess["roles"]) & allowed:
            role = sess["roles"][0] if sess["roles"] else "NONE"
            raise status_error(403, "Forbidden", "denied - role \"%s\" has no permission \"%s\" on %s" % (
                role, verb, kind.resource))
        if kind.namespaced and ns is None and method != "GET":
            raise status_error(405, "MethodNotAllowed", "the server does not allow this method on the requested resource")
        major_minor = tuple(int(x) for x in app.config["version"].split(".")[:2])
        if kind.namespaced and ns not in (None, "default") and major_minor < (2, 2) and kind.plural != "secrets":
            raise status_error(404, "NotFound", "namespaces \"%s\" not found (DSM %s uses the default namespace only)"
                               % (ns, app.config["version"]))
        if method == "GET" and name is None:
            items = [copy.deepcopy(o) for o in app.list(kind, ns)]
            selector = query.get("labelSelector")
            if selector:
                k, _, v = selector.partition("=")
                items = [o for o in items if (o["metadata"].get("labels") or {}).get(k) == v]
            return 200, {"apiVersion": kind.api_version, "kind": kind.kind + "List",
                         "metadata": {"resourceVersion": str(app.rv)}, "items": items}, {}
        if method == "GET":
            obj = app.get(kind, ns, name)
            if obj is None:
                raise status_error(404, "NotFound", "%s%s \"%s\" not found" % (
                    kind.plural, "." + kind.group if kind.group else "", name),
                    {"name": name, "group": kind.group, "kind": kind.plural})
            return 200, copy.deepcopy(obj), {}
        if method == "POST" and name is None:
            if not isinstance(body, dict):
                raise status_error(400, "BadRequest", "the body must be a %s object" % kind.kind)
            obj = app.create(kind, ns, copy.deepcopy(body), sess["email"])
            return 201, copy.deepcopy(obj), {}
        if method == "PUT" and name:
            if not isinstance(body, dict):
                raise status_error(400, "BadRequest", "the body must be a %s object" % kind.kind)
            return 200, copy.deepcopy(app.replace(kind, ns, name, copy.deepcopy(body), sess["email"])), {}
        if method == "PATCH" and name:
            ctype = self.headers.get("Content-Type") or ""
            if "merge-patch+json" not in ctype:
                raise status_error(415, "UnsupportedMediaType", "only application/merge-patch+json is supported (A23)")
            current = app.get(kind, ns, name)
            if current is None:
                raise status_error(404, "NotFound", "%s \"%s\" not found" % (kind.plural, name))
            merged = _merge(copy.deepcopy(current), body or {})
            merged["metadata"]["resourceVersion"] = current["metadata"]["resourceVersion"]
            return 200, copy.deepcopy(app.replace(kind, ns, name, merged, sess["email"])), {}
        if method == "DELETE" and name:
            obj = app.delete(kind, ns, name)
            return 200, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
                         "details": {"name": name, "group": kind.group, "kind": kind.plural,
                                     "uid": obj["metadata"].get("uid")}}, {}
        raise status_error(405, "MethodNotAllowed", "the server does not allow this method on the requested resource")


def _merge(target, patch):
    for k, v in patch.items():
        if v is None:
            target.pop(k, None)
        elif isinstance(v, dict) and isinstance(target.get(k), dict):
            _merge(target[k], v)
        else:
            target[k] = v
    return target


class DsmServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, appliance, port, ssl_ctx):
        self.appliance = appliance
        self.ssl_ctx = ssl_ctx
        super().__init__(("0.0.0.0", port), Handler)

    def get_request(self):
        sock, addr = self.socket.accept()
        return self.ssl_ctx.wrap_socket(sock, server_side=True), addr

    def handle_error(self, request, client_address):
        if isinstance(sys.exc_info()[1], (ssl.SSLError, ConnectionError, OSError)):
            return
        super().handle_error(request, client_address)


def secret_value(obj, key="password"):
    return base64.b64decode((obj.get("data") or {}).get(key, "")).decode()


class Runner:
    """The server of one appliance: listening only while the appliance is booted."""

    def __init__(self, appliance, port, cert, key):
        self.appliance, self.port = appliance, port
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(cert, key)
        self.server = None
        self.stop_event = threading.Event()
        self.reconciler = threading.Thread(target=self._reconcile, daemon=True, name="dsm-%s" % appliance.name)
        self.reconciler.start()

    def _reconcile(self):
        while not self.stop_event.wait(0.1):
            if self.appliance.booted:
                self.appliance.reconcile()

    def listen(self):
        if self.server is not None:
            return
        self.server = DsmServer(self.appliance, self.port, self.ctx)
        threading.Thread(target=self.server.serve_forever, daemon=True,
                         name="dsm-http-%s" % self.appliance.name).start()

    def close(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def shutdown(self):
        self.stop_event.set()
        self.close()
