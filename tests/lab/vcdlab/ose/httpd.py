"""A small threaded HTTPS JSON server for the lab's non-VCD simulators (OSE, Cloudian).

Each simulator registers handlers with ``Router.add(method, regex)``; a handler gets a ``Request``
and returns ``(status, body[, headers])``.  Every request is logged (seq, method, path, status) so
that tests can count reads and writes (``GET /_lab/requests?since=N``).
"""
import base64
import collections
import json
import re
import socket
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class HttpError(Exception):
    def __init__(self, status, message, code=None):
        super().__init__(message)
        self.status, self.message, self.code = status, message, code


class Request:
    def __init__(self, handler, method, body):
        self.method = method
        parts = urllib.parse.urlsplit(handler.path)
        self.path = parts.path
        self.query = dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
        self.headers = handler.headers
        self.body = body
        self.params = {}
        self.client = handler.client_address[0]

    def json(self):
        if not self.body:
            return None
        try:
            return json.loads(self.body)
        except ValueError:
            raise HttpError(400, "the request body is not JSON")

    def bearer(self):
        auth = self.headers.get("Authorization") or ""
        return auth[7:].strip() if auth.lower().startswith("bearer ") else None

    def basic(self):
        auth = self.headers.get("Authorization") or ""
        if not auth.lower().startswith("basic "):
            return None, None
        try:
            user, _, pw = base64.b64decode(auth[6:].strip()).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return None, None
        return user, pw


class Router:
    def __init__(self):
        self.routes = []

    def add(self, method, pattern):
        def deco(fn):
            self.routes.append((method, re.compile("^" + pattern + "/?$"), fn))
            return fn
        return deco

    def find(self, method, path):
        hit = False
        for m, rx, fn in self.routes:
            mt = rx.match(path)
            if mt:
                if m == method:
                    return fn, {k: urllib.parse.unquote(v) for k, v in mt.groupdict().items()}
                hit = True
        return ("method" if hit else None), None


class Sim:
    """One simulator instance (one AZ): router + context + request log."""

    def __init__(self, name, router, port):
        self.name, self.router, self.port = name, router, port
        self.log = collections.deque(maxlen=20000)
        self.seq = 0
        self.lock = threading.RLock()
        self.server = None

    def record(self, method, path, status):
        with self.lock:
            self.seq += 1
            self.log.append({"seq": self.seq, "method": method, "path": path, "status": status,
                             "time": time.time()})

    def lab_routes(self, req):
        if req.path == "/_lab/requests" and req.method == "GET":
            since = int(req.query.get("since", "0"))
            with self.lock:
                return 200, {"last_seq": self.seq, "requests": [r for r in self.log if r["seq"] > since]}
        return None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def _body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def _go(self, method):
        sim = self.server.sim
        try:
            body = self._body()
            req = Request(self, method, body)
            status, out, headers = 500, None, {}
            res = sim.lab_routes(req) if req.path.startswith("/_lab") else None
            if res is None:
                fn, params = sim.router.find(method, req.path)
                if fn is None:
                    raise HttpError(404, "no such path: %s" % req.path)
                if fn == "method":
                    raise HttpError(405, "%s is not allowed on %s" % (method, req.path))
                req.params = params
                res = fn(sim, req)
            status, out = res[0], res[1]
            headers = res[2] if len(res) > 2 else {}
        except HttpError as e:
            status, out, headers = e.status, {"error": e.code or "error", "message": e.message}, {}
        except Exception as e:  # pragma: no cover - a lab bug is a 500 the tests see
            import traceback
            traceback.print_exc()
            status, out, headers = 500, {"error": "lab", "message": "%s: %s" % (type(e).__name__, e)}, {}
        if not req.path.startswith("/_lab"):
            sim.record(method, req.path, status)
        if isinstance(out, (dict, list)):
            data = json.dumps(out).encode()
            ctype = "application/json"
        elif out is None:
            data, ctype = b"", None
        else:
            data, ctype = str(out).encode(), "text/plain"
        self.send_response(status)
        if ctype and status != 204:
            self.send_header("Content-Type", ctype)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(0 if status == 204 else len(data)))
        self.end_headers()
        if method != "HEAD" and status != 204:
            self.wfile.write(data)

    def do_GET(self):
        self._go("GET")

    def do_POST(self):
        self._go("POST")

    def do_PUT(self):
        self._go("PUT")

    def do_PATCH(self):
        self._go("PATCH")

    def do_DELETE(self):
        self._go("DELETE")

    def do_OPTIONS(self):
        self._go("OPTIONS")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, sim, ctx):
        self.sim, self.ctx = sim, ctx
        super().__init__(("0.0.0.0", sim.port), _Handler)

    def get_request(self):
        sock, addr = self.socket.accept()
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return self.ctx.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), addr

    def handle_error(self, request, client_address):
        if isinstance(sys.exc_info()[1], (ssl.SSLError, ConnectionError, OSError)):
            return
        super().handle_error(request, client_address)


def serve(sim, run_dir):
    """Start ``sim`` on its port with the lab's server certificate (in a daemon thread)."""
    from ..tls import ensure_certs
    _, cert, key = ensure_certs(run_dir)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    srv = _Server(sim, ctx)
    sim.server = srv
    threading.Thread(target=srv.serve_forever, daemon=True, name="vcdlab-%s" % sim.name).start()
    return srv


def shutdown(sim):
    if sim.server is not None:
        sim.server.shutdown()
        sim.server.server_close()
        sim.server = None
