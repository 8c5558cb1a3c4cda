"""Users through /cloudapi/1.0.0/users (api-reference §1.2, §5 step 5).

The org is the session's (or the tenant context's).  `roleEntityRefs` must name a role of that org (its
own roles or a global role published to it; in System: the System roles).  Passwords are write-only.
An API-token session cannot create, change or delete users (403).  Deleting a user removes its API tokens
and ends its sessions.  The `user` state kind is the core one: {id, name, org_id, password, roles: [names],
enabled, fullName, description, email}.
"""
from ..framework import ApiError, Forbidden, Response, bad_request, json_response, new_uuid, page, route, urn
from . import rights as rights_area

API = "/cloudapi/1.0.0/users"


def user_json(state, u):
    org = state.get("org", u["org_id"])
    roles = []
    for name in u.get("roles") or []:
        r = _role_by_name(state, u["org_id"], name)
        roles.append({"name": name, "id": r["id"] if r else None})
    return {"id": u["id"], "username": u["name"], "fullName": u.get("fullName") or "",
            "description": u.get("description") or "", "roleEntityRefs": roles,
            "orgEntityRef": {"name": org["name"], "id": org["id"]} if org else None,
            "password": None, "deployedVmQuota": 0, "storedVmQuota": 0, "email": u.get("email") or "",
            "nameInSource": u["name"], "enabled": u.get("enabled", True), "isGroupRole": False,
            "providerType": "LOCAL", "locked": False, "stranded": False}


def _role_by_name(state, org_id, name):
    for r in state.all("role"):
        if r["name"] == name and r.get("org_id") == org_id:
            return r
    for g in state.all("global_role"):
        if g["name"] == name and (g.get("publishAll") or org_id in g["tenants"]):
            return {"id": urn("role", g["uuid"]), "name": g["name"]}
    return None


def _role_from_ref(state, org_id, ref):
    ident = (ref or {}).get("id")
    name = (ref or {}).get("name")
    for r in state.all("role"):
        if r.get("org_id") == org_id and (r["id"] == ident or (not ident and r["name"] == name)):
            return r["name"]
    for g in state.all("global_role"):
        if (g.get("publishAll") or org_id in g["tenants"]) and (
                urn("role", g["uuid"]) == ident or (not ident and g["name"] == name)):
            return g["name"]
    return None


def _visible(req, u):
    if req.is_provider and not req.org_ctx_explicit:
        return True
    return u["org_id"] == req.org_ctx


def _user(req, ident):
    u = req.state.get("user", ident)
    if u is None or not _visible(req, u):
        raise Forbidden("USER_VIEW")
    return u


@route("GET", API)
def users_list(req):
    items = [user_json(req.state, u) for u in req.state.all("user")
             if (u["org_id"] == req.org_ctx) or (req.is_provider and not req.org_ctx_explicit and
                                                  u["org_id"] == req.session["org_id"])]
    return page(req, sorted(items, key=lambda x: x["username"]), model="VcdUser")


@route("GET", API + "/{id}")
def user_get(req):
    return json_response(user_json(req.state, _user(req, req.params["id"])))


def _roles(req, org_id, refs):
    if not isinstance(refs, list) or not refs:
        raise bad_request("roleEntityRefs must name one role")
    names = []
    for ref in refs:
        name = _role_from_ref(req.state, org_id, ref)
        if name is None:
            raise bad_request("Role %s does not exist in this organization" % ((ref or {}).get("id") or (ref or {}).get("name")))
        names.append(name)
    return names


@route("POST", API)
def user_create(req):
    rights_area.deny_api_token(req, "create a user")
    b = req.json or {}
    name = b.get("username")
    if not name or not isinstance(name, str):
        raise bad_request("username is required")
    if not b.get("password") or len(str(b["password"])) < 6:
        raise bad_request("A password of at least 6 characters is required for a local user")
    org_id = req.org_ctx
    with req.state.lock:
        if any(u["org_id"] == org_id and u["name"].lower() == name.lower() for u in req.state.all("user")):
            raise ApiError(400, "DUPLICATE_NAME", "[ %s ] User %s already exists" % (new_uuid(), name))
        roles = _roles(req, org_id, b.get("roleEntityRefs"))
        u_ = new_uuid()
        u = {"id": urn("user", u_), "uuid": u_, "name": name, "org_id": org_id, "password": b["password"],
             "roles": roles, "enabled": b.get("enabled", True) is not False, "fullName": b.get("fullName") or "",
             "description": b.get("description") or "", "email": b.get("email") or ""}
        req.state.put("user", u)
    return json_response(user_json(req.state, u), 201)


@route("PUT", API + "/{id}")
def user_update(req):
    rights_area.deny_api_token(req, "change a user")
    u = _user(req, req.params["id"])
    b = req.json or {}
    with req.state.lock:
        if b.get("username") and b["username"] != u["name"]:
            raise bad_request("A user cannot be renamed")
        if b.get("roleEntityRefs"):
            u["roles"] = _roles(req, u["org_id"], b["roleEntityRefs"])
        for k in ("fullName", "description", "email"):
            if b.get(k) is not None:
                u[k] = b[k]
        if b.get("enabled") is not None:
            u["enabled"] = bool(b["enabled"])
        if b.get("password"):
            u["password"] = b["password"]
    return json_response(user_json(req.state, u))


@route("DELETE", API + "/{id}")
def user_delete(req):
    rights_area.deny_api_token(req, "delete a user")
    u = _user(req, req.params["id"])
    if req.session["user_id"] == u["id"]:
        raise bad_request("A user cannot delete itself")
    st = req.state

    def apply():
        st.delete("user", u["id"])
        for t in st.all("token"):
            if t["user_id"] == u["id"]:
                st.delete("token", t["id"])
        with req.az.lock:
            for k in [k for k, s in req.az.sessions.items() if s["user_id"] == u["id"]]:
                req.az.sessions.pop(k, None)
    task = req.start_task("jobDeleteUser", {"href": req.href(API + "/" + u["id"]), "id": u["id"], "name": u["name"],
                                            "type": "application/json"}, apply)
    return Response(202, None, req.task_location(task))
