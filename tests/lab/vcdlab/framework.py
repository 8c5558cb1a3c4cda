"""What area modules (vcdlab/vcd/<area>.py) build on: routes, seed hooks, errors, helpers.

    from vcdlab.framework import route, seed_hook, ApiError, Forbidden, json_response, page

    @route("GET", "/cloudapi/1.0.0/things/{id}")
    def get_thing(req):
        obj = req.state.get("thing", req.params["id"]) or req.forbidden()
        return json_response(render(obj))

See docs/dev/lab-interface.md.
"""
import datetime
import importlib
import json
import pkgutil
import re
import urllib.parse
import uuid

from . import fiql

ROUTES = []          # (method, compiled regex, handler, options)
SEED_HOOKS = []      # (order, fn(state, az_ctx))
RESET_HOOKS = []     # fn(az) called after a reset
LAB_NS = uuid.UUID("8f8e1a2c-5a0e-4c4f-9d3a-6c1b0d7a1ab0")


# ---------------------------------------------------------------- registration
def _compile(pattern):
    out, i = "", 0
    for m in re.finditer(r"\{(\w+)(?::([^{}]+))?\}", pattern):
        out += re.escape(pattern[i:m.start()])
        out += "(?P<%s>%s)" % (m.group(1), m.group(2) or "[^/]+")
        i = m.end()
    out += re.escape(pattern[i:])
    return re.compile("^" + out + "/?$")


def route(method, pattern, auth=True, versioned=None):
    """Register a handler.  pattern: '/cloudapi/1.0.0/orgs/{id}'; `{name:regex}` allowed.

    auth: a valid bearer session is required (default).  versioned: the Accept header must carry
    `version=` (default: True for /cloudapi and /api paths).
    """
    def deco(fn):
        ver = versioned if versioned is not None else pattern.startswith(("/cloudapi", "/api"))
        ROUTES.append((method.upper(), _compile(pattern), fn,
                       {"auth": auth, "versioned": ver, "pattern": pattern}))
        return fn
    return deco


def seed_hook(order=50):
    """Register fn(state, az) that adds seed objects; runs at start and on every reset."""
    def deco(fn):
        SEED_HOOKS.append((order, fn))
        SEED_HOOKS.sort(key=lambda x: x[0])
        return fn
    return deco


_loaded = False


def load_areas():
    """Import every module in vcdlab/vcd (auto-discovery of areas)."""
    global _loaded
    if _loaded:
        return
    from . import vcd
    for mod in sorted(pkgutil.iter_modules(vcd.__path__), key=lambda m: m.name):
        importlib.import_module("vcdlab.vcd." + mod.name)
    _loaded = True


def find_route(method, path):
    """Returns (handler, params, options) | ('method', None, None) | (None, None, None)."""
    path_hit = False
    for m, rx, fn, opts in ROUTES:
        mt = rx.match(path)
        if mt:
            if m == method or m == "*":
                return fn, {k: urllib.parse.unquote(v) for k, v in mt.groupdict().items()}, opts
            path_hit = True
    return ("method", None, None) if path_hit else (None, None, None)


# ---------------------------------------------------------------- errors
class ApiError(Exception):
    """An error answer.  For /cloudapi: {minorErrorCode,message,stackTrace}; legacy /api:
    {majorErrorCode,minorErrorCode,message,stackTrace} (or XML <Error/>)."""

    def __init__(self, status, minor, message, headers=None):
        super().__init__(message)
        self.status, self.minor, self.message = status, minor, message
        self.headers = headers or {}


class Forbidden(ApiError):
    def __init__(self, what="resource"):
        super().__init__(403, "ACCESS_TO_RESOURCE_IS_FORBIDDEN",
                         "[ %s ] Either you need some or all of the following rights [%s] to "
                         "perform operations [%s] on this object, or the object does not exist."
                         % (uuid.uuid4(), "ORG_VIEW", what))


def bad_request(message, minor="BAD_REQUEST"):
    return ApiError(400, minor, "[ %s ] %s" % (uuid.uuid4(), message))


# ---------------------------------------------------------------- responses
class Response:
    def __init__(self, status=200, body=None, headers=None, content_type=None, raw=None):
        self.status = status
        self.body = body          # JSON-able object (or None)
        self.raw = raw            # bytes/str (XML, text)
        self.headers = dict(headers or {})
        self.content_type = content_type


def json_response(obj, status=200, headers=None):
    return Response(status, obj, headers)


def empty(status=204, headers=None):
    return Response(status, None, headers)


def xml_response(text, status=200, content_type="application/*+xml", headers=None):
    return Response(status, None, headers, content_type=content_type, raw=text)


# ---------------------------------------------------------------- ids and time
def new_uuid():
    return str(uuid.uuid4())


def stable_uuid(*parts):
    return str(uuid.uuid5(LAB_NS, "/".join(str(p) for p in parts)))


def urn(kind, u):
    return "urn:vcloud:%s:%s" % (kind, u)


def uuid_of(value):
    """Last ':'-separated part of a URN, or the value itself."""
    return value.rsplit(":", 1)[-1] if value else value


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def ref(obj, name_key="name"):
    return {"name": obj.get(name_key), "id": obj.get("id")} if obj else None


# ---------------------------------------------------------------- paging and filtering
def page(req, items, max_page_size=128, default_page_size=25, model=None):
    """OpenAPI paging envelope over rendered items, with FIQL filter and sorting."""
    q = req.query
    try:
        pg = int(q.get("page", "1"))
        size = int(q.get("pageSize", str(default_page_size)))
    except ValueError:
        raise bad_request("page and pageSize must be integers")
    if pg < 1:
        raise bad_request("page must be >= 1")
    if size < 0 or size > max_page_size:
        raise bad_request("The page size of %d is greater than the maximum page size of %d."
                          % (size, max_page_size) if size > max_page_size else "pageSize must be >= 0")
    node = req.filter_tree()
    items = [i for i in items if fiql.evaluate(node, i)]
    sa, sd = q.get("sortAsc"), q.get("sortDesc")
    if sa or sd:
        key = sa or sd
        items.sort(key=lambda i: (fiql.lookup(i, key) is None, str(fiql.lookup(i, key) or "")),
                   reverse=bool(sd))
    total = len(items)
    count = (total + size - 1) // size if size else 0
    start = (pg - 1) * size
    body = {"resultTotal": total, "pageCount": count, "page": pg, "pageSize": size,
            "associations": None, "values": items[start:start + size] if size else []}
    headers = {}
    links = []
    if pg < count:
        links.append('<%s>;rel="nextPage";type="application/json";model="%s"' % (
            req.url_with(page=pg + 1), model or "Page"))
    if pg > 1 and count:
        links.append('<%s>;rel="previousPage";type="application/json";model="%s"' % (
            req.url_with(page=pg - 1), model or "Page"))
    if links:
        headers["Link"] = ", ".join(links)
    return Response(200, body, headers)


def parse_json(req):
    if not req.body:
        return None
    try:
        return json.loads(req.body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        raise bad_request("Malformed JSON body: %s" % e)
