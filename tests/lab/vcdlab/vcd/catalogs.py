"""Catalogs (legacy JSON): create via the AdminOrg `add` link, ACLs, publishing."""
from .. import legacy
from ..framework import ApiError, Forbidden, Response, bad_request, json_response, new_uuid, now_iso, route, urn, uuid_of
from ..legacy import get_visible, lref, visible
from ..tasks import task_json

LEVELS = ("ReadOnly", "Change", "FullControl")


def admin_catalog_json(req, c, tasks=None, admin=True):
    h = req.href(("/api/admin/catalog/%s" if admin else "/api/catalog/%s") % c["uuid"])
    org = req.state.get("org", c["org_id"])
    owner = req.state.get("user", c.get("owner_id"))
    return {
        "otherAttributes": {}, "href": h,
        "type": "application/vnd.vmware.admin.catalog+json" if admin else "application/vnd.vmware.vcloud.catalog+json",
        "id": c["id"], "operationKey": None, "name": c["name"], "description": c.get("description") or "",
        "tasks": {"task": [task_json(t, req.base) for t in tasks]} if tasks else None,
        "owner": {"user": {"href": req.href("/api/admin/user/%s" % owner["uuid"]), "name": owner["name"],
                           "type": "application/vnd.vmware.admin.user+xml", "id": owner["id"]}} if owner else None,
        "catalogItems": {"catalogItem": []}, "isPublished": c["isPublished"], "dateCreated": c["created"],
        "versionNumber": c["version"], "publishSubscriptionType": None,
        "publishExternalCatalogParams": None, "catalogStorageProfiles": {"vdcStorageProfile": []},
        "link": [
            {"rel": "up", "href": legacy.href(req, "org", org), "type": legacy.TYPES["org"]} if org else None,
            {"rel": "edit", "href": req.href("/api/admin/catalog/%s" % c["uuid"]), "type": "application/vnd.vmware.admin.catalog+json"},
            {"rel": "remove", "href": req.href("/api/admin/catalog/%s" % c["uuid"])},
            {"rel": "down", "href": req.href("/api/catalog/%s/controlAccess/" % c["uuid"]),
             "type": "application/vnd.vmware.vcloud.controlAccess+json"},
            {"rel": "controlAccess", "href": req.href("/api/catalog/%s/action/controlAccess" % c["uuid"]),
             "type": "application/vnd.vmware.vcloud.controlAccess+json"},
            {"rel": "publish", "href": req.href("/api/admin/catalog/%s/action/publish" % c["uuid"]),
             "type": "application/vnd.vmware.admin.publishCatalogParams+json"},
            {"rel": "add", "href": req.href("/api/catalog/%s/action/upload" % c["uuid"]),
             "type": "application/vnd.vmware.vcloud.uploadVAppTemplateParams+json"},
            {"rel": "add", "href": req.href("/api/catalog/%s/action/upload" % c["uuid"]),
             "type": "application/vnd.vmware.vcloud.media+json"},
        ],
    }


def _dup(st, org_id, name, exclude=None):
    for c in st.find("catalog", org_id=org_id):
        if c["name"].lower() == (name or "").lower() and c["id"] != exclude:
            raise ApiError(400, "DUPLICATE_NAME", "[ %s ] The catalog name %s is already in use in this organization."
                           % (new_uuid(), name))


@route("POST", "/api/admin/org/{id}/catalogs")
def catalog_create(req):
    legacy.legacy_only_json(req)
    o = get_visible(req, "org", req.params["id"], org_key="id")
    b = legacy.require_json_body(req)
    st = req.state
    name = b.get("name")
    if not name or not isinstance(name, str):
        raise bad_request("name is required")
    with st.lock:
        _dup(st, o["id"], name)
        u = new_uuid()
        c = {"id": urn("catalog", u), "uuid": u, "name": name, "description": b.get("description") or "",
             "org_id": o["id"], "owner_id": req.session["user_id"], "isPublished": False, "created": now_iso(),
             "version": 1, "acl": {"isSharedToEveryone": False, "everyoneAccessLevel": None, "settings": []}}
        st.put("catalog", c)
    task = req.start_task("catalogCreateCatalog", legacy.task_owner("catalog", c), None,
                          on_error=lambda: st.delete("catalog", c["id"]), org={"name": o["name"], "id": o["id"]})
    return json_response(admin_catalog_json(req, c, [task]), 201)


@route("GET", "/api/admin/catalog/{id}")
def catalog_get(req):
    legacy.legacy_only_json(req)
    return json_response(admin_catalog_json(req, get_visible(req, "catalog", req.params["id"])))


@route("GET", "/api/catalog/{id}")
def catalog_get_tenant(req):
    legacy.legacy_only_json(req)
    return json_response(admin_catalog_json(req, _catalog_readable(req, req.params["id"]), admin=False))


def _catalog_readable(req, ident):
    """Own org's catalogs, plus published / shared ones."""
    c = req.state.get("catalog", ident)
    if c is None:
        raise Forbidden("CATALOG_VIEW")
    if visible(req, c["org_id"]):
        return c
    acl = c["acl"]
    if c["isPublished"] and acl.get("everyoneAccessLevel"):
        return c
    for s in acl["settings"]:
        if s["subject"]["href"].rstrip("/").rsplit("/", 1)[-1] in (uuid_of(req.org_ctx), uuid_of(req.session["user_id"])):
            return c
    raise Forbidden("CATALOG_VIEW")


@route("PUT", "/api/admin/catalog/{id}")
def catalog_put(req):
    legacy.legacy_only_json(req)
    c = get_visible(req, "catalog", req.params["id"])
    b = legacy.require_json_body(req)
    st = req.state
    with st.lock:
        if b.get("name") and b["name"] != c["name"]:
            _dup(st, c["org_id"], b["name"], c["id"])
            c["name"] = b["name"]
        if b.get("description") is not None:
            c["description"] = b["description"]
        c["version"] += 1
    return json_response(admin_catalog_json(req, c))


@route("DELETE", "/api/admin/catalog/{id}")
def catalog_delete(req):
    c = get_visible(req, "catalog", req.params["id"])
    st = req.state
    task = req.start_task("catalogDeleteCatalog", legacy.task_owner("catalog", c), lambda: st.delete("catalog", c["id"]))
    return json_response(task_json(task, req.base), 202, headers=req.task_location(task))


def acl_json(req, c):
    acl = c["acl"]
    return {"href": req.href("/api/catalog/%s/controlAccess/" % c["uuid"]),
            "type": "application/vnd.vmware.vcloud.controlAccess+json",
            "isSharedToEveryone": acl["isSharedToEveryone"], "everyoneAccessLevel": acl["everyoneAccessLevel"],
            "accessSettings": {"accessSetting": [dict(s) for s in acl["settings"]]} if acl["settings"] else None}


@route("GET", "/api/catalog/{id}/controlAccess")
def acl_get(req):
    legacy.legacy_only_json(req)
    return json_response(acl_json(req, get_visible(req, "catalog", req.params["id"])))


@route("POST", "/api/catalog/{id}/action/controlAccess")
def acl_set(req):
    legacy.legacy_only_json(req)
    c = get_visible(req, "catalog", req.params["id"])
    b = legacy.require_json_body(req)
    shared = b.get("isSharedToEveryone")
    if not isinstance(shared, bool):
        raise bad_request("isSharedToEveryone (boolean) is required")
    everyone = b.get("everyoneAccessLevel")
    if everyone is not None and everyone not in LEVELS:
        raise bad_request("everyoneAccessLevel must be one of %s" % ", ".join(LEVELS))
    if shared and everyone is None:
        raise bad_request("everyoneAccessLevel is required when isSharedToEveryone is true")
    settings = []
    raw = ((b.get("accessSettings") or {}).get("accessSetting")) or []
    if isinstance(raw, dict):
        raw = [raw]
    for s in raw:
        subj = (s or {}).get("subject") or {}
        h = subj.get("href") or ""
        lvl = s.get("accessLevel")
        if lvl not in LEVELS:
            raise bad_request("accessLevel must be one of %s" % ", ".join(LEVELS))
        if "/org/" in h:
            o = req.state.get("org", h.rstrip("/").rsplit("/", 1)[-1])
            if o is None:
                raise bad_request("Subject %s is not an organization" % h)
            if lvl != "ReadOnly":
                raise bad_request("An organization can only be given ReadOnly access to a catalog")
            name, typ = o["name"], "application/vnd.vmware.admin.organization+xml"
        elif "/user/" in h:
            u = req.state.get("user", h.rstrip("/").rsplit("/", 1)[-1])
            if u is None:
                raise bad_request("Subject %s is not a user" % h)
            name, typ = u["name"], "application/vnd.vmware.admin.user+xml"
        else:
            raise bad_request("Subject href %r must reference an organization or a user" % h)
        settings.append({"subject": {"href": h, "name": name, "type": typ}, "accessLevel": lvl})
    c["acl"] = {"isSharedToEveryone": shared, "everyoneAccessLevel": everyone if (shared or everyone) else None,
                "settings": settings}
    return json_response(acl_json(req, c))


@route("POST", "/api/admin/catalog/{id}/action/publish")
def catalog_publish(req):
    c = get_visible(req, "catalog", req.params["id"])
    b = legacy.require_json_body(req)
    pub = b.get("isPublished")
    if not isinstance(pub, bool):
        raise bad_request("isPublished (boolean) is required")
    org = req.state.get("org", c["org_id"])
    if pub and not org["settings"]["orgGeneralSettings"].get("canPublishCatalogs") and not org.get("is_system"):
        raise bad_request("Organization %s is not allowed to publish catalogs (canPublishCatalogs is false)" % org["name"])
    c["isPublished"] = pub
    return Response(204)
