"""Lab-only admin API under /_lab/ (no auth; never part of a vendor API).  See docs/lab.md."""
import json
import re
import urllib.parse

from .framework import ApiError, Response

FAULT_KEYS = {"method", "path", "status", "retry_after", "count", "rate", "reset", "when",
              "latency_ms", "task_fail", "message"}
ADMIN_HANDLERS = {}   # (method, path) -> fn(req, body) ; areas may add their own


def admin(method, path):
    def deco(fn):
        ADMIN_HANDLERS[(method, path)] = fn
        return fn
    return deco


def _body(req):
    if not req.body:
        return {}
    try:
        return json.loads(req.body.decode("utf-8"))
    except ValueError as e:
        raise ApiError(400, "BAD_REQUEST", "lab admin: malformed JSON: %s" % e)


def _targets(req, body):
    """The AZ of this server, or all AZs with ?all=true / {"all": true}."""
    if str(req.query.get("all", "")).lower() == "true" or (isinstance(body, dict) and body.get("all")):
        return list(req.az.lab.azs.values())
    return [req.az]


def handle_admin(req):
    path = req.path.rstrip("/") or "/"
    fn = ADMIN_HANDLERS.get((req.method, path))
    if fn is None:
        raise ApiError(404, "NOT_FOUND", "lab admin: no %s %s" % (req.method, path))
    out = fn(req, _body(req))
    if isinstance(out, Response):
        return out
    return Response(200, out)


@admin("GET", "/_lab")
def _index(req, body):
    return {"az": req.az.name, "endpoints": sorted("%s %s" % k for k in ADMIN_HANDLERS)}


@admin("POST", "/_lab/reset")
def _reset(req, body):
    for az in _targets(req, body):
        az.reset()
        with az.lock:
            az.faults = []
            az.violations = []
            if body.get("sessions"):
                az.sessions.clear()
    return {"reset": [a.name for a in _targets(req, body)]}


@admin("GET", "/_lab/state")
def _state(req, body):
    snap = req.az.state.snapshot()
    kind = req.query.get("kind")
    if kind:
        snap = {kind: snap.get(kind, [])}
    return {"az": req.az.name, "objects": snap}


@admin("GET", "/_lab/info")
def _info(req, body):
    lab = req.az.lab
    return {"azs": {a.name: {"port": a.port, "url": "https://localhost:%d" % a.port, "site_id": a.site_id}
                    for a in lab.azs.values()},
            "spec": lab.spec.path, "run_dir": lab.run_dir, "az": req.az.name}


@admin("GET", "/_lab/requests")
def _requests(req, body):
    since = int(req.query.get("since", "0") or 0)
    with req.az.lock:
        items = [dict(e) for e in req.az.log if e["seq"] > since]
    return {"az": req.az.name, "last_seq": req.az.seq, "requests": items}


@admin("GET", "/_lab/violations")
def _violations(req, body):
    with req.az.lock:
        return {"az": req.az.name, "violations": list(req.az.violations)}


@admin("DELETE", "/_lab/violations")
def _violations_clear(req, body):
    for az in _targets(req, body):
        with az.lock:
            az.violations = []
    return Response(204)


@admin("GET", "/_lab/faults")
def _faults(req, body):
    with req.az.lock:
        return {"faults": [dict(f) for f in req.az.faults]}


@admin("POST", "/_lab/faults")
def _fault_add(req, body):
    rules = body if isinstance(body, list) else body.get("rules", [body]) if "rules" in body else [body]
    added = []
    for r in rules:
        r = {k: v for k, v in r.items() if k != "all"}
        unknown = set(r) - FAULT_KEYS
        if unknown or not r.get("path"):
            raise ApiError(400, "BAD_REQUEST", "lab admin: a fault needs 'path' (regex); unknown keys %s; known %s"
                           % (sorted(unknown), sorted(FAULT_KEYS)))
        try:
            re.compile(r["path"])
        except re.error as e:
            raise ApiError(400, "BAD_REQUEST", "lab admin: bad path regex: %s" % e)
        if r.get("when", "before") not in ("before", "after"):
            raise ApiError(400, "BAD_REQUEST", "lab admin: when must be before|after")
        for az in _targets(req, body if isinstance(body, dict) else {}):
            rule = dict(r)
            with az.lock:
                rule["id"] = len(az.faults) + 1 + sum(f.get("fired", 0) for f in az.faults)
                az.faults.append(rule)
            added.append(rule)
    return {"added": added}


@admin("DELETE", "/_lab/faults")
def _fault_clear(req, body):
    for az in _targets(req, body):
        with az.lock:
            az.faults = []
    return Response(204)


@admin("POST", "/_lab/sessions/expire")
def _expire(req, body):
    n = 0
    for az in _targets(req, body):
        with az.lock:
            n += len(az.sessions)
            az.sessions.clear()
    return {"expired": n}


@admin("GET", "/_lab/config")
def _config_get(req, body):
    return dict(req.az.config)


@admin("POST", "/_lab/config")
def _config_set(req, body):
    for az in _targets(req, body):
        for k, v in body.items():
            if k == "all":
                continue
            if k not in az.config:
                raise ApiError(400, "BAD_REQUEST", "lab admin: unknown config key %r (known: %s)"
                               % (k, sorted(az.config)))
            az.config[k] = v
    return dict(req.az.config)


@admin("POST", "/_lab/tokens")
def _mint(req, body):
    from .vcd.core import mint_api_token
    user, org = body.get("user"), body.get("org", "System")
    if not user:
        raise ApiError(400, "BAD_REQUEST", "lab admin: {user, org, name?} required")
    return mint_api_token(req.az, user, org, body.get("name") or "lab-token-%s" % user)


@admin("POST", "/_lab/users")
def _user(req, body):
    from .vcd.core import add_user
    if not body.get("name") or not body.get("org") or not body.get("password"):
        raise ApiError(400, "BAD_REQUEST", "lab admin: {name, org, password, role?} required")
    return add_user(req.az, body["org"], body["name"], body["password"],
                    body.get("role", "Organization Administrator"))


@admin("POST", "/_lab/tasks/complete")
def _task_complete(req, body):
    t = req.az.tasks.complete(body.get("id", ""), error=body.get("error"), result=body.get("result"))
    if t is None:
        raise ApiError(404, "NOT_FOUND", "lab admin: no task %s" % body.get("id"))
    return {"id": t["id"], "status": t["status"]}
