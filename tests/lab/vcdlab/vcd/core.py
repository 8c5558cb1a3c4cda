"""VCD core: /api/versions, login sessions, OAuth API tokens, /tokens, tasks."""
import base64
import secrets
from xml.sax.saxutils import quoteattr

from .. import seed as _seed  # registers the core seed hook
from ..framework import (ApiError, Forbidden, Response, json_response, page, route, stable_uuid,
                         urn, uuid_of, xml_response, new_uuid, now_iso)
from ..tasks import task_json, task_xml

VERSIONS = ["37.0", "37.1", "37.2", "38.0", "38.1", "39.0"]


def find_org(state, name_or_id):
    if not name_or_id:
        return None
    o = state.get("org", name_or_id)
    if o:
        return o
    for o in state.all("org"):
        if o["name"].lower() == str(name_or_id).lower():
            return o
    return None


def find_user(state, org, name):
    for u in state.all("user"):
        if u["org_id"] == org["id"] and u["name"].lower() == name.lower():
            return u
    return None


def add_user(az, org_name, name, password, role="Organization Administrator"):
    org = find_org(az.state, org_name)
    if org is None:
        raise ApiError(400, "BAD_REQUEST", "lab admin: no org %s" % org_name)
    u = _seed.make_user(az, org, name, password, [role])
    az.state.put("user", u)
    return {"id": u["id"], "name": name, "org": org["name"]}


def ref(o):
    return {"name": o["name"], "id": o["id"]}


# ------------------------------------------------------------------ versions
@route("GET", "/api/versions", auth=False, versioned=False)
def versions(req):
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<SupportedVersions xmlns="http://www.vmware.com/vcloud/versions" '
           'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">']
    for v in VERSIONS:
        out.append('    <VersionInfo deprecated="false">')
        out.append("        <Version>%s</Version>" % v)
        out.append("        <LoginUrl>%s/cloudapi/1.0.0/sessions</LoginUrl>" % req.base)
        out.append("        <ProviderLoginUrl>%s/cloudapi/1.0.0/sessions/provider</ProviderLoginUrl>" % req.base)
        out.append("    </VersionInfo>")
    out.append("</SupportedVersions>")
    return xml_response("\n".join(out) + "\n", content_type="application/*+xml;version=%s" % VERSIONS[-1])


# ------------------------------------------------------------------ sessions
def _basic(req):
    auth = req.headers.get("Authorization") or ""
    if not auth.lower().startswith("basic "):
        raise ApiError(401, "UNAUTHORIZED", "Basic authentication is required")
    try:
        userorg, _, pw = base64.b64decode(auth[6:].strip()).decode("utf-8").partition(":")
    except Exception:
        raise ApiError(401, "UNAUTHORIZED", "Malformed Basic credentials")
    user, _, org = userorg.rpartition("@")
    if not user:
        raise ApiError(401, "UNAUTHORIZED", "Credentials must be user@org:password")
    return user, org, pw


def _login(req, provider):
    name, orgname, pw = _basic(req)
    org = find_org(req.state, orgname)
    bad = ApiError(401, "UNAUTHORIZED", "[ %s ] Invalid credentials" % new_uuid())
    if org is None or not org.get("isEnabled", True):
        raise bad
    if provider != bool(org.get("is_system")):
        raise bad
    user = find_user(req.state, org, name)
    if user is None or user["password"] != pw or not user.get("enabled", True):
        raise bad
    return req.az.new_session(user, org)


def session_json(req, sess):
    return {"id": sess["id"], "site": {"name": req.az.name, "id": req.az.site_id},
            "user": {"name": sess["user_name"], "id": sess["user_id"]},
            "org": {"name": sess["org_name"], "id": sess["org_id"]},
            "location": "vcdlab-%s" % req.az.name,
            "roles": sess["roles"],
            "roleRefs": [{"name": r, "id": urn("role", stable_uuid("role", r))} for r in sess["roles"]],
            "sessionIdleTimeoutMinutes": int(req.az.config.get("session_idle_minutes", 30))}


@route("POST", "/cloudapi/1.0.0/sessions/provider", auth=False)
def login_provider(req):
    sess = _login(req, True)
    return json_response(session_json(req, sess), headers={"X-VMWARE-VCLOUD-ACCESS-TOKEN": sess["jwt"],
                                                           "X-VMWARE-VCLOUD-TOKEN-TYPE": "Bearer"})


@route("POST", "/cloudapi/1.0.0/sessions", auth=False)
def login_tenant(req):
    sess = _login(req, False)
    return json_response(session_json(req, sess), headers={"X-VMWARE-VCLOUD-ACCESS-TOKEN": sess["jwt"],
                                                           "X-VMWARE-VCLOUD-TOKEN-TYPE": "Bearer"})


@route("GET", "/cloudapi/1.0.0/sessions/current")
def session_current(req):
    return json_response(session_json(req, req.session))


@route("DELETE", "/cloudapi/1.0.0/sessions/current")
def session_logout(req):
    with req.az.lock:
        req.az.sessions.pop(req.session["jwt"], None)
    return Response(204)


@route("GET", "/cloudapi/1.0.0/sessions")
def sessions_list(req):
    with req.az.lock:
        mine = [s for s in req.az.sessions.values() if s["user_id"] == req.session["user_id"]]
    return page(req, [session_json(req, s) for s in mine], model="Session")


@route("POST", "/api/sessions", auth=False)
def legacy_login(req):
    name, orgname, pw = _basic(req)
    org = find_org(req.state, orgname)
    user = find_user(req.state, org, name) if org else None
    if user is None or user["password"] != pw:
        raise ApiError(401, "UNAUTHORIZED", "Invalid credentials")
    sess = req.az.new_session(user, org, via="legacy")
    h = {"X-VMWARE-VCLOUD-ACCESS-TOKEN": sess["jwt"], "X-VCLOUD-AUTHORIZATION": sess["jwt"],
         "X-VMWARE-VCLOUD-TOKEN-TYPE": "Bearer"}
    body = {"user": sess["user_name"], "org": sess["org_name"], "userId": sess["user_id"],
            "href": req.href("/api/session"), "type": "application/vnd.vmware.vcloud.session+json",
            "roles": {"roleReference": []}, "link": [
                {"rel": "down", "type": "application/vnd.vmware.vcloud.orgList+json", "href": req.href("/api/org/")}]}
    return json_response(body, headers=h)


@route("DELETE", "/api/session")
def legacy_logout(req):
    with req.az.lock:
        req.az.sessions.pop(req.session["jwt"], None)
    return Response(204)


# ------------------------------------------------------------------ API tokens (OAuth)
def _ctx_org(req, ctx, org=None):
    state = req.state
    if ctx == "provider":
        o = find_org(state, "System")
    else:
        o = find_org(state, org)
    if o is None:
        raise ApiError(400, "invalid_request", "Unknown organization %s" % org)
    return o


def token_json(tok):
    return {"id": tok["id"], "name": tok["name"], "token": None, "expirationTimeUtc": None,
            "owner": {"name": tok["user_name"], "id": tok["user_id"]}, "username": tok["user_name"],
            "userId": tok["user_id"], "orgName": tok["org_name"],
            "org": {"name": tok["org_name"], "id": tok["org_id"]}, "type": tok.get("type", "REFRESH")}


def mint_api_token(az, user_name, org_name, name):
    org = find_org(az.state, org_name)
    user = find_user(az.state, org, user_name) if org else None
    if user is None:
        raise ApiError(400, "BAD_REQUEST", "lab admin: no user %s in org %s" % (user_name, org_name))
    cid = new_uuid()
    tok = {"id": urn("token", cid), "uuid": cid, "client_id": cid, "name": name, "user_id": user["id"],
           "user_name": user["name"], "org_id": org["id"], "org_name": org["name"], "type": "REFRESH",
           "refresh_token": secrets.token_urlsafe(24), "created": now_iso()}
    az.state.put("token", tok)
    return {"token": tok["refresh_token"], "id": tok["id"], "name": name, "user": user["name"], "org": org["name"]}


def _register(req, ctx, org=None):
    o = _ctx_org(req, ctx, org)
    if req.session["org_id"] != o["id"]:
        raise ApiError(403, "ACCESS_TO_RESOURCE_IS_FORBIDDEN", "Session does not belong to %s" % o["name"])
    body = req.json or {}
    if not body.get("client_name"):
        raise ApiError(400, "invalid_client_metadata", "client_name is required")
    if body.get("software_id"):
        raise ApiError(400, "invalid_client_metadata",
                       "vcdlab: service accounts are not implemented yet (api-reference §1.2)")
    cid = new_uuid()
    tok = {"id": urn("token", cid), "uuid": cid, "client_id": cid, "name": body["client_name"],
           "user_id": req.session["user_id"], "user_name": req.session["user_name"],
           "org_id": o["id"], "org_name": o["name"], "type": "REFRESH", "refresh_token": None,
           "created": now_iso()}
    req.state.put("token", tok)
    return json_response({"client_name": body["client_name"], "client_id": cid,
                          "grant_types": ["urn:ietf:params:oauth:grant-type:jwt-bearer"],
                          "token_endpoint_auth_method": "none", "client_id_issued_at": None}, 200)


@route("POST", "/oauth/provider/register", versioned=False)
def register_provider(req):
    return _register(req, "provider")


@route("POST", "/oauth/tenant/{org}/register", versioned=False)
def register_tenant(req):
    return _register(req, "tenant", req.params["org"])


def _token(req, ctx, org=None):
    o = _ctx_org(req, ctx, org)
    f = req.form()
    gt = f.get("grant_type")
    az = req.az
    if gt == "refresh_token":
        rt = f.get("refresh_token")
        tok = next((t for t in req.state.all("token") if rt and t.get("refresh_token") == rt), None)
        if tok is None or tok["org_id"] != o["id"]:
            raise ApiError(400, "invalid_grant", "Invalid refresh token")
        org_obj = req.state.get("org", tok["org_id"])
        user = req.state.get("user", tok["user_id"])
        if user is None or org_obj is None:
            raise ApiError(400, "invalid_grant", "Token owner no longer exists")
        sess = az.new_session(user, org_obj, via="api_token", api_token_id=tok["id"])
        return json_response({"access_token": sess["jwt"], "token_type": "Bearer",
                              "expires_in": int(az.config.get("token_expires_in", 3600)),
                              "refresh_token": None})
    if gt == "urn:ietf:params:oauth:grant-type:jwt-bearer":
        sess = az.sessions.get(f.get("assertion") or "")
        if sess is None or sess["org_id"] != o["id"]:
            raise ApiError(400, "invalid_grant", "Invalid assertion")
        tok = req.state.get("token", f.get("client_id") or "")
        if tok is None or tok["user_id"] != sess["user_id"] or tok.get("refresh_token"):
            raise ApiError(400, "invalid_client", "Unknown or already used client_id")
        tok["refresh_token"] = secrets.token_urlsafe(24)
        user = req.state.get("user", tok["user_id"])
        org_obj = req.state.get("org", tok["org_id"])
        new = az.new_session(user, org_obj, via="api_token", api_token_id=tok["id"])
        return json_response({"access_token": new["jwt"], "token_type": "Bearer",
                              "expires_in": int(az.config.get("token_expires_in", 3600)),
                              "refresh_token": tok["refresh_token"]})
    raise ApiError(400, "unsupported_grant_type", "grant_type %r is not supported" % gt)


@route("POST", "/oauth/provider/token", auth=False, versioned=False)
def token_provider(req):
    return _token(req, "provider")


@route("POST", "/oauth/tenant/{org}/token", auth=False, versioned=False)
def token_tenant(req):
    return _token(req, "tenant", req.params["org"])


def _tok_visible(req, tok):
    if req.is_provider and not req.org_ctx_explicit:
        return True
    return tok["user_id"] == req.session["user_id"]


@route("GET", "/cloudapi/1.0.0/tokens")
def tokens_list(req):
    items = [token_json(t) for t in req.state.all("token") if _tok_visible(req, t)]
    return page(req, items, model="Token")


@route("GET", "/cloudapi/1.0.0/tokens/{id}")
def token_get(req):
    t = req.state.get("token", req.params["id"])
    if t is None or not _tok_visible(req, t):
        raise Forbidden("TOKEN_VIEW")
    return json_response(token_json(t))


@route("DELETE", "/cloudapi/1.0.0/tokens/{id}")
def token_delete(req):
    t = req.state.get("token", req.params["id"])
    if t is None or not _tok_visible(req, t):
        raise Forbidden("TOKEN_DELETE")
    req.state.delete("token", t["id"])
    with req.az.lock:
        for k in [k for k, s in req.az.sessions.items() if s.get("api_token_id") == t["id"]]:
            req.az.sessions.pop(k, None)
    return Response(204)


# ------------------------------------------------------------------ tasks
def _task_visible(req, t):
    if req.is_provider and not req.org_ctx_explicit:
        return True
    return (t.get("organization") or {}).get("id") == req.org_ctx


@route("GET", "/api/task/{id}")
def task_get(req):
    t = req.state.get("task", req.params["id"])
    if t is None or not _task_visible(req, t):
        raise Forbidden("TASK_VIEW")
    if req.wants_json:
        return json_response(task_json(t, req.base))
    return xml_response(task_xml(t, req.base), content_type="application/vnd.vmware.vcloud.task+xml;version=%s" % req.api_version)


@route("POST", "/api/task/{id}/action/cancel")
def task_cancel(req):
    t = req.state.get("task", req.params["id"])
    if t is None or not _task_visible(req, t):
        raise Forbidden("TASK_CANCEL")
    with req.state.lock:
        if t["status"] in ("queued", "running"):
            t["cancelRequested"] = True
            if t.get("manual"):
                t.update(status="aborted", endTime=now_iso())
    return Response(204)
