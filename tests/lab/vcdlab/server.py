"""The HTTPS server: one ThreadingHTTPServer per AZ, all in one process.

Request flow (Handler._handle):
  /_lab/* admin  ->  fault rules  ->  /cloudapi spec match  ->  route  ->  Accept version (406)
  ->  bearer session (401)  ->  tenant context  ->  request body schema  ->  handler
  ->  response schema  ->  send  ->  request log.
"""
import base64
import collections
import hashlib
import hmac
import json
import os
import random
import re
import socket
import ssl
import struct
import sys
import threading
import time
import traceback
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import quoteattr

from . import fiql, paths
from .framework import (ApiError, Forbidden, Response, SEED_HOOKS, RESET_HOOKS, find_route, load_areas,
                        bad_request, new_uuid, now_iso)
from .spec import Spec, gap_for
from .state import State
from .tasks import TaskRunner

SUPPORTED_VERSIONS = ["37.0", "37.1", "37.2", "38.0", "38.1", "39.0"]
DEFAULT_CONFIG = {
    "task_duration": 0.3,          # seconds from queued to success
    "session_idle_minutes": 30,
    "token_expires_in": 3600,      # access_token lifetime reported by /oauth/*/token
    "validate_responses": True,
    "validate_requests": True,
}
LOG_MAX = 50000


class Az:
    """Everything one simulated VCD (one AZ) holds."""

    def __init__(self, lab, name, index, port):
        self.lab, self.name, self.index, self.port = lab, name, index, port
        self.state = State()
        self.sessions = {}            # jwt -> session dict
        self.faults = []
        self.log = collections.deque(maxlen=LOG_MAX)
        self.violations = []
        self.seq = 0
        self.lock = threading.RLock()
        self.config = dict(DEFAULT_CONFIG)
        self.tasks = TaskRunner(self)
        self.site_id = "urn:vcloud:site:%s" % uuid.uuid5(uuid.NAMESPACE_DNS, "vcdlab-" + name)
        self.jwt_key = os.urandom(32)

    # ---- seed ----
    def reset(self):
        with self.state.lock:
            self.state.clear()
            for _, fn in SEED_HOOKS:
                fn(self.state, self)
        for fn in RESET_HOOKS:
            fn(self)

    # ---- sessions ----
    def new_session(self, user, org, via="password", api_token_id=None):
        sid = str(uuid.uuid4())
        now = int(time.time())
        head = {"alg": "HS256", "typ": "JWT"}
        body = {"iss": "vcdlab@" + self.site_id, "sub": user["name"], "exp": now + 86400,
                "version": "vcloud_1.0", "jti": sid, "context_name": org["name"], "iat": now}

        def b64(d):
            return base64.urlsafe_b64encode(json.dumps(d, separators=(",", ":")).encode()).rstrip(b"=").decode()
        signing = b64(head) + "." + b64(body)
        sig = base64.urlsafe_b64encode(hmac.new(self.jwt_key, signing.encode(), hashlib.sha256).digest()).rstrip(b"=").decode()
        jwt = signing + "." + sig
        sess = {"id": "urn:vcloud:session:" + sid, "jwt": jwt, "user_id": user["id"], "user_name": user["name"],
                "org_id": org["id"], "org_name": org["name"], "is_provider": org.get("is_system", False),
                "via": via, "api_token_id": api_token_id, "created": now_iso(),
                "roles": list(user.get("roles") or [])}
        with self.lock:
            self.sessions[jwt] = sess
        return sess

    def record(self, entry):
        with self.lock:
            self.seq += 1
            entry["seq"] = self.seq
            self.log.append(entry)
            return self.seq

    def violation(self, kind, method, path, message, spec_path=None):
        v = {"time": now_iso(), "az": self.name, "kind": kind, "method": method, "path": path,
             "spec_path": spec_path, "message": message}
        with self.lock:
            self.violations.append(v)
        sys.stderr.write("vcdlab VIOLATION %s %s %s: %s\n" % (kind, method, path, message))
        return v

    def match_fault(self, method, path):
        with self.lock:
            for rule in list(self.faults):
                if rule.get("method") and rule["method"].upper() != method:
                    continue
                if not re.search(rule["path"], path):
                    continue
                if "rate" in rule and rule["rate"] is not None and random.random() >= float(rule["rate"]):
                    continue
                if rule.get("count") is not None:
                    rule["count"] -= 1
                    if rule["count"] <= 0:
                        self.faults.remove(rule)
                rule["fired"] = rule.get("fired", 0) + 1
                return dict(rule)
        return None


class Lab:
    def __init__(self, spec, port_base, run_dir):
        self.spec = spec
        self.run_dir = run_dir
        self.port_base = port_base
        ports = paths.az_ports(port_base)
        self.azs = {name: Az(self, name, i + 1, ports[name]) for i, name in enumerate(paths.AZS)}
        load_areas()
        for az in self.azs.values():
            az.reset()


class Req:
    """What a handler sees."""

    def __init__(self, handler, az, method, raw_path, body):
        self.handler, self.az, self.method, self.raw_path, self.body = handler, az, method, raw_path, body
        self.state = az.state
        u = urllib.parse.urlsplit(raw_path)
        self.path = urllib.parse.unquote(u.path) if "%2F" not in u.path.upper() else u.path
        self.query_string = u.query
        self.query_list = urllib.parse.parse_qsl(u.query, keep_blank_values=True)
        self.query = {}
        for k, v in self.query_list:
            self.query.setdefault(k, v)
        self.headers = handler.headers
        host = self.headers.get("Host") or "localhost:%d" % az.port
        self.base = "https://" + host
        self.params = {}
        self.session = None
        self.api_version = None
        self.org_ctx = None          # org id in effect (tenant context or own org)
        self.task_fail = None
        self.spec_op = None
        self._json = None
        self._filter = False

    # -- helpers for handlers --
    @property
    def json(self):
        if self._json is None and self.body:
            try:
                self._json = json.loads(self.body.decode("utf-8"))
            except (ValueError, UnicodeDecodeError) as e:
                raise bad_request("Malformed JSON body: %s" % e)
        return self._json

    def form(self):
        return dict(urllib.parse.parse_qsl((self.body or b"").decode("utf-8"), keep_blank_values=True))

    @property
    def is_provider(self):
        return bool(self.session and self.session.get("is_provider"))

    @property
    def wants_json(self):
        return "json" in (self.headers.get("Accept") or "")

    def filter_tree(self):
        if self._filter is False:
            try:
                self._filter = fiql.parse(self.query.get("filter"),
                                          encoded=self.query.get("filterEncoded", "").lower() == "true")
            except fiql.QueryParseError as e:
                raise ApiError(400, "BAD_REQUEST", "[ %s ] Bad request: QueryParseException: %s" % (new_uuid(), e))
        return self._filter

    def url_with(self, **kw):
        q = [(k, v) for k, v in self.query_list if k not in kw] + [(k, str(v)) for k, v in kw.items()]
        return self.base + urllib.parse.quote(self.path) + "?" + urllib.parse.urlencode(q)

    def href(self, path):
        return self.base + path

    def forbidden(self, what="VIEW"):
        raise Forbidden(what)

    def require_provider(self):
        if not self.is_provider:
            raise Forbidden("PROVIDER_ONLY")

    def visible_org(self, org_id):
        """True if the caller may see objects of this org."""
        if not self.session:
            return False
        if self.is_provider and not self.org_ctx_explicit:
            return True
        return org_id == self.org_ctx

    org_ctx_explicit = False

    def start_task(self, operation_name, owner, apply=None, **kw):
        return self.az.tasks.start(self, operation_name, owner, apply, **kw)

    def task_location(self, task):
        return {"Location": "%s/api/task/%s" % (self.base, task["uuid"])}


def _legacy_error_xml(status, minor, message):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<Error xmlns="http://www.vmware.com/vcloud/v1.5" '
            'majorErrorCode=%s minorErrorCode=%s message=%s stackTrace=""/>\n'
            % (quoteattr(str(status)), quoteattr(minor), quoteattr(message)))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "vcdlab"
    sys_version = ""

    def log_message(self, fmt, *args):
        pass

    def _read_body(self):
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            out = b""
            while True:
                line = self.rfile.readline().strip()
                n = int(line.split(b";")[0], 16)
                if n == 0:
                    while self.rfile.readline().strip():
                        pass
                    return out
                out += self.rfile.read(n)
                self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    def do_PUT(self):
        self._handle("PUT")

    def do_DELETE(self):
        self._handle("DELETE")

    def do_PATCH(self):
        self._handle("PATCH")

    def do_HEAD(self):
        self._handle("HEAD")

    # --------------------------------------------------------------------------
    def _send(self, req, resp):
        body = b""
        ctype = resp.content_type
        if resp.raw is not None:
            body = resp.raw.encode("utf-8") if isinstance(resp.raw, str) else resp.raw
        elif resp.body is not None:
            body = json.dumps(resp.body).encode("utf-8")
            if not ctype:
                if req.path.startswith("/cloudapi"):
                    ctype = "application/json;version=%s" % (req.api_version or SUPPORTED_VERSIONS[-1])
                elif req.path.startswith("/api"):
                    ctype = "application/*+json;version=%s" % (req.api_version or SUPPORTED_VERSIONS[-1])
                else:
                    ctype = "application/json"
        self.send_response(resp.status)
        if ctype and body:
            self.send_header("Content-Type", ctype)
        for k, v in resp.headers.items():
            self.send_header(k, str(v))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Date", self.date_time_string())
        # one write for headers and body (avoids Nagle / delayed-ACK stalls)
        self._headers_buffer.append(b"\r\n")
        if body and req.method != "HEAD":
            self._headers_buffer.append(body)
        self.flush_headers()

    def _error(self, req, e):
        p = req.path
        if p.startswith("/oauth"):
            body = {"error": e.minor.lower(), "error_description": e.message}
            return Response(e.status, body, e.headers)
        if p.startswith("/api"):
            if req.wants_json or not self.headers.get("Accept"):
                return Response(e.status, {"majorErrorCode": e.status, "minorErrorCode": e.minor,
                                           "message": e.message, "stackTrace": None}, e.headers)
            return Response(e.status, None, e.headers, content_type="application/vnd.vmware.vcloud.error+xml",
                            raw=_legacy_error_xml(e.status, e.minor, e.message))
        return Response(e.status, {"minorErrorCode": e.minor, "message": e.message, "stackTrace": None}, e.headers)

    def _drop(self):
        try:
            self.wfile.flush()
        except Exception:
            pass
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except Exception:
            pass
        try:
            self.connection.close()
        except Exception:
            pass
        self.close_connection = True

    def _handle(self, method):
        t0 = time.time()
        az = self.server.az
        try:
            body = self._read_body()
        except Exception:
            self.close_connection = True
            return
        req = Req(self, az, method, self.path, body)
        if req.path.startswith("/_lab"):
            from .admin_api import handle_admin
            try:
                resp = handle_admin(req)
            except ApiError as e:
                resp = Response(e.status, {"minorErrorCode": e.minor, "message": e.message})
            self._send(req, resp)
            return
        entry = {"method": method, "path": req.path, "query": req.query_string, "status": None,
                 "ms": None, "fault": None, "time": now_iso()}
        fault = az.match_fault(method, req.path)
        drop_after = False
        if fault:
            tags = []
            if fault.get("latency_ms"):
                time.sleep(float(fault["latency_ms"]) / 1000.0)
                tags.append("latency:%s" % fault["latency_ms"])
            if fault.get("reset") and fault.get("when", "before") == "before":
                entry.update(status=0, fault="reset:before", ms=round((time.time() - t0) * 1000, 1))
                az.record(entry)
                self._drop()
                return
            if fault.get("reset"):
                drop_after = True
                tags.append("reset:after")
            if fault.get("task_fail"):
                req.task_fail = fault["task_fail"]
                tags.append("task_fail")
            if fault.get("status"):
                st = int(fault["status"])
                tags.append("status:%d" % st)
                hdrs = {}
                if fault.get("retry_after") is not None:
                    hdrs["Retry-After"] = str(fault["retry_after"])
                msg = fault.get("message") or {429: "Too many requests", 500: "Internal Server Error",
                                               502: "Bad Gateway", 503: "Service Unavailable",
                                               504: "Gateway Timeout"}.get(st, "Injected fault")
                minor = {429: "TOO_MANY_REQUESTS", 503: "SERVICE_UNAVAILABLE"}.get(st, "INTERNAL_SERVER_ERROR")
                resp = self._error(req, ApiError(st, minor, msg, hdrs))
                entry.update(status=st, fault=",".join(tags), ms=round((time.time() - t0) * 1000, 1))
                az.record(entry)
                self._send(req, resp)
                return
            entry["fault"] = ",".join(tags) or None
        try:
            resp = self._dispatch(req)
        except ApiError as e:
            resp = self._error(req, e)
        except Exception as e:
            traceback.print_exc()
            resp = self._error(req, ApiError(500, "INTERNAL_SERVER_ERROR", "vcdlab internal error: %r" % e))
        entry.update(status=resp.status, ms=round((time.time() - t0) * 1000, 1))
        if drop_after:
            entry["status"] = 0
            az.record(entry)
            self._drop()
            return
        az.record(entry)
        self._send(req, resp)

    def _dispatch(self, req):
        az = req.az
        lab = az.lab
        method = req.method
        op = None
        spec_path = None
        is_cloudapi = req.path.startswith("/cloudapi/") or req.path == "/cloudapi"
        rel = req.path[len("/cloudapi"):] if is_cloudapi else None
        if is_cloudapi and not gap_for(method, rel):
            spec_path, op = lab.spec.match(method, rel)
            if op is None:
                if spec_path is None:
                    msg = "%s %s: no such path in the VCD OpenAPI document (%s)" % (method, req.path, os.path.basename(lab.spec.path))
                else:
                    msg = "%s %s: method not in the VCD OpenAPI document for %s (allowed: %s)" % (
                        method, req.path, spec_path, ", ".join(lab.spec.methods(spec_path)))
                az.violation("unknown-operation", method, req.path, msg, spec_path)
                raise ApiError(400, "BAD_REQUEST", "vcdlab spec violation: " + msg)
            req.spec_op = op
        handler, params, opts = find_route(method, req.path)
        if handler == "method":
            raise ApiError(405, "METHOD_NOT_ALLOWED", "Method %s not allowed for %s" % (method, req.path))
        if handler is None:
            if op is not None:
                return Response(501, {"minorErrorCode": "NOT_IMPLEMENTED",
                                      "message": "vcdlab: %s %s (%s) is in the VCD OpenAPI document but the lab does not implement it"
                                      % (method, req.path, spec_path)})
            raise ApiError(404, "RESOURCE_NOT_FOUND", "[ %s ] No resource for %s %s" % (new_uuid(), method, req.path))
        req.params = params
        if opts["versioned"]:
            accept = req.headers.get("Accept") or ""
            m = re.search(r"version\s*=\s*([0-9][0-9.]*)", accept)
            if not m:
                raise ApiError(406, "NOT_ACCEPTABLE", "The request has no API version in its Accept header "
                               "(expected e.g. application/json;version=37.2)")
            req.api_version = m.group(1)
            if req.api_version not in SUPPORTED_VERSIONS:
                raise ApiError(406, "NOT_ACCEPTABLE", "API version %s is not supported; supported: %s"
                               % (req.api_version, ", ".join(SUPPORTED_VERSIONS)))
        if opts["auth"]:
            self._authenticate(req)
        if op is not None and az.config.get("validate_requests", True):
            body_obj = None
            if req.body:
                ctype = req.headers.get("Content-Type") or ""
                if "json" in ctype or not ctype:
                    try:
                        body_obj = json.loads(req.body.decode("utf-8"))
                    except (ValueError, UnicodeDecodeError) as e:
                        raise bad_request("Malformed JSON body: %s" % e)
            err = lab.spec.validate_request(op, body_obj)
            if err:
                msg = "%s %s (%s): request body does not match the schema: %s" % (method, req.path, spec_path, err)
                az.violation("request", method, req.path, msg, spec_path)
                raise ApiError(400, "BAD_REQUEST", "vcdlab spec violation: " + msg)
        resp = handler(req)
        if resp is None:
            resp = Response(204)
        elif not isinstance(resp, Response):
            resp = Response(200, resp)
        if op is not None and az.config.get("validate_responses", True) and resp.raw is None:
            err = lab.spec.validate_response(op, resp.status, resp.body)
            if err:
                msg = "%s %s (%s): response %d does not match the schema: %s" % (
                    method, req.path, spec_path, resp.status, err)
                az.violation("response", method, req.path, msg, spec_path)
                return Response(500, {"minorErrorCode": "INTERNAL_SERVER_ERROR", "message": "vcdlab spec violation: " + msg})
        return resp

    def _authenticate(self, req):
        az = req.az
        auth = req.headers.get("Authorization") or ""
        token = None
        if auth.lower().startswith("bearer "):
            token = auth[7:].strip()
        elif req.headers.get("x-vcloud-authorization"):
            token = req.headers.get("x-vcloud-authorization").strip()
        sess = az.sessions.get(token) if token else None
        if sess is None:
            raise ApiError(401, "UNAUTHORIZED", "[ %s ] This operation is denied: the session is missing, "
                           "invalid or expired." % new_uuid())
        req.session = sess
        req.org_ctx = sess["org_id"]
        ctx = req.headers.get("X-VMWARE-VCLOUD-TENANT-CONTEXT")
        if ctx and sess["is_provider"]:
            org = az.state.get("org", ctx.strip())
            if org is None:
                raise Forbidden("TENANT_CONTEXT")
            req.org_ctx = org["id"]
            req.org_ctx_explicit = not org.get("is_system")


class AzServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, az, ssl_ctx):
        self.az = az
        self.ssl_ctx = ssl_ctx
        super().__init__(("0.0.0.0", az.port), Handler)

    def get_request(self):
        sock, addr = self.socket.accept()
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return self.ssl_ctx.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), addr

    def handle_error(self, request, client_address):
        et = sys.exc_info()[1]
        if isinstance(et, (ssl.SSLError, ConnectionError, OSError)):
            return
        super().handle_error(request, client_address)


def _service_modules():
    """Extra simulators: every vcdlab/services/<name>.py with start(lab) and stop(lab)."""
    import importlib
    import pkgutil
    try:
        pkg = importlib.import_module("vcdlab.services")
    except ImportError:
        return []
    mods = []
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
        mod = importlib.import_module("vcdlab.services." + info.name)
        if hasattr(mod, "start"):
            mods.append(mod)
    return mods


def start_services(lab):
    lab.services = []
    lab.service_errors = {}
    only = os.environ.get("VCDLAB_SERVICES")  # e.g. "postgres,rabbitmq"; "none" for none
    for mod in _service_modules():
        name = mod.__name__.rsplit(".", 1)[-1]
        if only is not None and name not in only.split(","):
            continue
        t0 = time.time()
        try:
            mod.start(lab)
        except Exception as exc:  # noqa: BLE001 - one broken service must not take the VCDs down
            lab.service_errors[name] = str(exc)
            sys.stderr.write("vcdlab: SERVICE %s FAILED TO START: %s\n" % (name, exc))
            continue
        lab.services.append(mod)
        sys.stderr.write("vcdlab: service %s started in %.1fs\n" % (name, time.time() - t0))


def stop_services(lab):
    for mod in reversed(getattr(lab, "services", [])):
        try:
            if hasattr(mod, "stop"):
                mod.stop(lab)
        except Exception as exc:  # noqa: BLE001 - stopping goes on
            sys.stderr.write("vcdlab: stopping %s failed: %s\n" % (mod.__name__, exc))


def serve(port_base=None, run_dir=None, spec_path=None):
    from .tls import ensure_certs
    run_dir = run_dir or paths.run_dir()
    spec_path = spec_path or paths.spec_path()
    t0 = time.time()
    spec = Spec.load(spec_path, run_dir)
    ca, cert, key = ensure_certs(run_dir)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    lab = Lab(spec, port_base if port_base is not None else paths.port_base(), run_dir)
    servers = []
    for az in lab.azs.values():
        srv = AzServer(az, ctx)
        servers.append(srv)
        threading.Thread(target=srv.serve_forever, daemon=True, name="vcdlab-" + az.name).start()
        sys.stderr.write("vcdlab: %s listening on https://localhost:%d\n" % (az.name, az.port))
    start_services(lab)
    sys.stderr.write("vcdlab: ready in %.2fs (spec %s)\n" % (time.time() - t0, spec_path))
    sys.stderr.flush()
    return lab, servers
