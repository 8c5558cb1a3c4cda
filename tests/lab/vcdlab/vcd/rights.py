"""Rights, rights bundles, global roles and org roles, with publishing to tenants (api-reference §1.9).

State kinds:
  right          {id urn:vcloud:right:<u>, name, category, bundleKey, rightType, description}
  rights_bundle  {id, name, description, bundleKey, readOnly, publishAll, rights: [right ids], tenants: [org ids]}
  global_role    same shape as rights_bundle
  role           {id, name, description, bundleKey, readOnly, org_id, rights: [right ids]}

Behaviours reproduced: POST …/rights adds, PUT replaces; publish/unpublish/publishAll/unpublishAll and
PUT …/tenants; an org's role list includes the global roles published to it (read-only); a session
opened with an API token cannot change rights bundles, global roles or roles (403); unknown rights or
orgs in a body are a 400.

For other areas: `add_right(state, name, category="…")` registers a right (RDE types do this),
`ensure_bundle(state, name, right_names, description)` creates/updates a provider bundle,
`right_names_of(state, obj)` lists names.
"""
from ..framework import (ApiError, Forbidden, Response, bad_request, json_response, new_uuid, page, route,
                         seed_hook, stable_uuid, urn)

API = "/cloudapi/1.0.0"
BUNDLE_KEY = "com.vmware.vcloud.undefined.key"

# Rights a VCD 10.4/10.5 knows out of the box (the ones the collection's roles use, and more).
SEED_RIGHTS = {
    "General": ["General: Administrator View", "General: Administrator Control", "General: Send Notification",
                "Organization: View", "Organization: Traversal", "Organization: Edit Properties",
                "Access All Organization VDCs", "UI Plugins: View", "VAPP_VM_METADATA_TO_VCENTER",
                "Certificate Library: Manage", "Certificate Library: View", "API Tokens: Manage",
                "API Tokens: View"],
    "Catalog": ["Catalog: View Published Catalogs", "Catalog: View Private and Shared Catalogs",
                "Catalog: Add vApp from My Cloud", "Catalog: Create / Delete a Catalog", "Catalog: Sharing",
                "vApp Template / Media: Copy", "vApp Template / Media: Edit", "vApp Template / Media: View",
                "vApp Template / Media: Create / Upload", "vApp Template: Checkout"],
    "Gateway": ["Organization vDC Gateway: Configure Load Balancer", "Organization vDC Gateway: Configure NAT",
                "Organization vDC Gateway: View Load Balancer", "Organization vDC Gateway: View NAT",
                "Organization vDC Gateway: View"],
    "Disk": ["Organization vDC Named Disk: Create", "Organization vDC Named Disk: Delete",
             "Organization vDC Named Disk: Edit Properties", "Organization vDC Named Disk: View Encryption Status",
             "Organization vDC Named Disk: View Properties", "Organization vDC Shared Named Disk: Create",
             "Organization vDC Disk: View IOPS"],
    "VDC": ["Organization vDC Compute Policy: View", "Organization vDC Network: View Properties",
            "Organization vDC: VM-VM Affinity Edit", "Organization vDC: View"],
    "vApp": ["vApp: Allow All Extra Config", "vApp: Copy", "vApp: Create / Reconfigure", "vApp: Delete",
             "vApp: Download", "vApp: Edit Properties", "vApp: Edit VM CPU", "vApp: Edit VM Compute Policy",
             "vApp: Edit VM Hard Disk", "vApp: Edit VM Memory", "vApp: Edit VM Network", "vApp: Edit VM Properties",
             "vApp: Manage VM Password Settings", "vApp: Power Operations", "vApp: Sharing",
             "vApp: Snapshot Operations", "vApp: Upload", "vApp: Use Console", "vApp: VM Boot Options",
             "vApp: View ACL", "vApp: View VM and VM's Disks Encryption Status", "vApp: View VM metrics"],
    "IP Spaces": ["IP Spaces: Allocate", "Private IP Spaces: View", "Private IP Spaces: Manage"],
    "Roles": ["Role: Create, Edit, Delete, or Copy", "User: Manage", "User: View", "Group / User: View"],
}
SEED_BUNDLES = [("Default Rights Bundle", "Default set of tenant rights", None)]
SEED_GLOBAL_ROLES = [
    ("Organization Administrator", "Built-in rights for administering an organization", None),
    ("vApp Author", "Rights given to a user who uses catalogs and creates vApps", ["vApp"]),
    ("Catalog Author", "Rights given to a user who creates and publishes new catalogs", ["Catalog"]),
]
SYSTEM_ROLES = [("System Administrator", "Built-in rights for administering this installation")]


def right_key(name):
    return stable_uuid("right", name)


def add_right(state, name, category="General", right_type="MODIFY", description=None):
    """Register a right (idempotent); returns it."""
    u = right_key(name)
    r = state.get("right", u)
    if r is None:
        r = state.put("right", {"id": urn("right", u), "uuid": u, "name": name, "bundleKey": "RIGHT_" + u[:8],
                                "category": urn("rightsCategory", stable_uuid("category", category)),
                                "category_name": category, "rightType": right_type,
                                "description": description or name})
    return r


def remove_right(state, name):
    r = state.get("right", right_key(name))
    if r is None:
        return
    for kind in ("rights_bundle", "global_role", "role"):
        for o in state.all(kind):
            if r["id"] in o["rights"]:
                o["rights"].remove(r["id"])
    state.delete("right", r["id"])


def _mapping(name, description, rights, kind, read_only=False, publish_all=False, org_id=None):
    u = new_uuid()
    return {"id": urn({"rights_bundle": "rightsBundle", "global_role": "globalRole", "role": "role"}[kind], u),
            "uuid": u, "name": name, "description": description or "", "bundleKey": BUNDLE_KEY,
            "readOnly": read_only, "publishAll": publish_all, "rights": list(rights), "tenants": [],
            "org_id": org_id}


def ensure_bundle(state, name, right_names, description=""):
    """A provider rights bundle holding exactly these rights (creates the rights it needs)."""
    ids = [add_right(state, n)["id"] for n in right_names]
    b = next((x for x in state.all("rights_bundle") if x["name"] == name), None)
    if b is None:
        b = state.put("rights_bundle", _mapping(name, description, ids, "rights_bundle"))
    else:
        b["rights"] = ids
    return b


def delete_bundle(state, name):
    for b in state.all("rights_bundle"):
        if b["name"] == name:
            state.delete("rights_bundle", b["id"])


def right_names_of(state, obj):
    return sorted(r["name"] for r in (state.get("right", i) for i in obj["rights"]) if r)


@seed_hook(order=5)
def rights_seed(state, az):
    all_ids = []
    for category, names in SEED_RIGHTS.items():
        for n in names:
            all_ids.append(add_right(state, n, category, "VIEW" if " View" in n else "MODIFY")["id"])
    for name, desc, cats in SEED_BUNDLES:
        b = _mapping(name, desc, all_ids, "rights_bundle", read_only=False, publish_all=True)
        b["id"] = urn("rightsBundle", stable_uuid(az.name, "bundle", name))
        b["uuid"] = b["id"].rsplit(":", 1)[-1]
        state.put("rights_bundle", b)
    for name, desc, cats in SEED_GLOBAL_ROLES:
        ids = all_ids if cats is None else [add_right(state, n)["id"] for c in cats for n in SEED_RIGHTS[c]]
        g = _mapping(name, desc, ids, "global_role", read_only=True, publish_all=True)
        g["id"] = urn("globalRole", stable_uuid(az.name, "global_role", name))
        g["uuid"] = g["id"].rsplit(":", 1)[-1]
        state.put("global_role", g)
    sysorg = next((o for o in state.all("org") if o.get("is_system")), None)
    for name, desc in SYSTEM_ROLES:
        r = _mapping(name, desc, all_ids, "role", read_only=True, org_id=sysorg["id"] if sysorg else None)
        r["id"] = urn("role", stable_uuid("role", name))
        r["uuid"] = r["id"].rsplit(":", 1)[-1]
        state.put("role", r)


# ------------------------------------------------------------------ helpers
def deny_api_token(req, what):
    """VCD: an API-token session cannot change users, roles, global roles or rights bundles."""
    if (req.session or {}).get("via") == "api_token":
        raise ApiError(403, "ACCESS_TO_RESOURCE_IS_FORBIDDEN",
                       "[ %s ] This operation (%s) is not allowed for a session created with an API token."
                       % (new_uuid(), what))


def right_json(r):
    return {"id": r["id"], "name": r["name"], "description": r.get("description") or r["name"],
            "bundleKey": r["bundleKey"], "category": r["category"], "serviceNamespace": "com.vmware.vcloud",
            "rightType": r["rightType"], "impliedRights": []}


def mapping_json(o, kind):
    out = {"id": o["id"], "name": o["name"], "description": o.get("description") or "",
           "bundleKey": o.get("bundleKey") or BUNDLE_KEY, "readOnly": bool(o.get("readOnly"))}
    if kind != "role":
        out["publishAll"] = bool(o.get("publishAll"))
    return out


def _refs(state, ids, kind):
    out = []
    for i in ids:
        o = state.get(kind, i)
        if o:
            out.append({"name": o["name"], "id": o["id"]})
    return sorted(out, key=lambda x: x["name"])


def _body_refs(req, kind, what):
    """[(name, id)] from {"values": [{name, id}]} ; ids must exist."""
    b = req.json or {}
    values = b.get("values")
    if not isinstance(values, list):
        raise bad_request("A body {\"values\": [{\"name\", \"id\"}]} is required")
    out, unknown = [], []
    for v in values:
        ident = (v or {}).get("id")
        obj = req.state.get(kind, ident) if ident else None
        if obj is None and (v or {}).get("name"):
            obj = next((o for o in req.state.all(kind) if o["name"] == v["name"]), None)
        if obj is None:
            unknown.append(str((v or {}).get("id") or (v or {}).get("name")))
            continue
        out.append(obj["id"])
    if unknown:
        raise bad_request("Unknown %s: %s" % (what, ", ".join(unknown)))
    return out


def _role_visible(req, role):
    """Roles are per org: the session's org, or the tenant context's (a provider sees System's roles)."""
    return role.get("org_id") == req.org_ctx


def _published_roles(req):
    """Global roles published to the org in context, as read-only roles of that org."""
    if req.is_provider and not req.org_ctx_explicit:
        return []
    out = []
    for g in req.state.all("global_role"):
        if g.get("publishAll") or req.org_ctx in g["tenants"]:
            out.append({"id": urn("role", g["uuid"]), "uuid": g["uuid"], "name": g["name"],
                        "description": g.get("description") or "", "bundleKey": g["bundleKey"], "readOnly": True,
                        "rights": g["rights"], "org_id": req.org_ctx, "global_role_id": g["id"]})
    return out


KINDS = {"rightsBundles": "rights_bundle", "globalRoles": "global_role", "roles": "role"}


def _get(req, seg, ident):
    kind = KINDS[seg]
    if kind != "role":
        req.require_provider()
        return req.state.get(kind, ident) or req.forbidden()
    r = req.state.get("role", ident)
    if r is not None and _role_visible(req, r):
        return r
    for p in _published_roles(req):
        if p["uuid"] == ident.rsplit(":", 1)[-1]:
            return p
    raise Forbidden("ROLE_VIEW")


def _dup(req, kind, name, exclude=None, org_id=None):
    for o in req.state.all(kind):
        if o["name"].lower() == name.lower() and o["id"] != exclude and (kind != "role" or o.get("org_id") == org_id):
            raise ApiError(400, "DUPLICATE_NAME", "[ %s ] An object named %s already exists." % (new_uuid(), name))
    if kind == "role":
        for g in req.state.all("global_role"):
            if g["name"].lower() == name.lower() and (g.get("publishAll") or org_id in g["tenants"]):
                raise ApiError(400, "DUPLICATE_NAME", "[ %s ] A role named %s already exists (published global role)."
                               % (new_uuid(), name))


# ------------------------------------------------------------------ rights
@route("GET", API + "/rights")
def rights_list(req):
    return page(req, [right_json(r) for r in sorted(req.state.all("right"), key=lambda r: r["name"])], model="Right")


@route("GET", API + "/rights/{id}")
def right_get(req):
    r = req.state.get("right", req.params["id"]) or req.forbidden()
    return json_response(right_json(r))


# ------------------------------------------------------------------ bundles, global roles, roles
def _list(req, seg):
    kind = KINDS[seg]
    if kind == "role":
        items = [r for r in req.state.all("role") if _role_visible(req, r)] + _published_roles(req)
    else:
        req.require_provider()
        items = req.state.all(kind)
    return page(req, sorted((mapping_json(o, kind) for o in items), key=lambda x: x["name"]),
                model={"rights_bundle": "RightsBundle", "global_role": "GlobalRole", "role": "Role"}[kind])


def _create(req, seg):
    kind = KINDS[seg]
    deny_api_token(req, "create %s" % seg)
    if kind != "role":
        req.require_provider()
    b = req.json or {}
    name = b.get("name")
    if not name or not isinstance(name, str):
        raise bad_request("name is required")
    org_id = req.org_ctx if kind == "role" else None
    with req.state.lock:
        _dup(req, kind, name, org_id=org_id)
        o = _mapping(name, b.get("description") or "", [], kind, publish_all=False, org_id=org_id)
        o["bundleKey"] = b.get("bundleKey") or BUNDLE_KEY
        req.state.put(kind, o)
    return json_response(mapping_json(o, kind), 201)


def _update(req, seg):
    kind = KINDS[seg]
    deny_api_token(req, "update %s" % seg)
    o = _get(req, seg, req.params["id"])
    if o.get("readOnly") or o.get("global_role_id"):
        raise bad_request("%s is read-only" % o["name"])
    b = req.json or {}
    with req.state.lock:
        if b.get("name") and b["name"] != o["name"]:
            _dup(req, kind, b["name"], exclude=o["id"], org_id=o.get("org_id"))
            o["name"] = b["name"]
        if b.get("description") is not None:
            o["description"] = b["description"]
    return json_response(mapping_json(o, kind))


def _delete(req, seg):
    kind = KINDS[seg]
    deny_api_token(req, "delete %s" % seg)
    o = _get(req, seg, req.params["id"])
    if o.get("readOnly") or o.get("global_role_id"):
        raise bad_request("%s is read-only and cannot be deleted" % o["name"])
    if kind == "role" and any(o["name"] in u.get("roles", []) and u.get("org_id") == o.get("org_id")
                              for u in req.state.all("user")):
        raise bad_request("Role %s is assigned to users" % o["name"])
    req.state.delete(kind, o["id"])
    return Response(204)


def _rights_get(req, seg):
    o = _get(req, seg, req.params["id"])
    return page(req, _refs(req.state, o["rights"], "right"), model="EntityReference")


def _rights_write(req, seg, replace):
    deny_api_token(req, "change the rights of %s" % seg)
    o = _get(req, seg, req.params["id"])
    if o.get("global_role_id") or (o.get("readOnly") and KINDS[seg] == "role"):
        raise bad_request("%s is read-only" % o["name"])
    ids = _body_refs(req, "right", "rights")
    with req.state.lock:
        o["rights"] = list(dict.fromkeys(ids)) if replace else list(dict.fromkeys(o["rights"] + ids))
    return page(req, _refs(req.state, o["rights"], "right"), model="EntityReference")


def _tenants_get(req, seg):
    o = _get(req, seg, req.params["id"])
    return page(req, _refs(req.state, o["tenants"], "org"), model="EntityReference")


def _tenants_write(req, seg, action):
    deny_api_token(req, "publish %s" % seg)
    o = _get(req, seg, req.params["id"])
    with req.state.lock:
        if action in ("publishAll", "unpublishAll"):
            o["publishAll"] = action == "publishAll"
            if action == "unpublishAll":
                o["tenants"] = []
        else:
            ids = _body_refs(req, "org", "organizations")
            if action == "publish":
                o["tenants"] = list(dict.fromkeys(o["tenants"] + ids))
            elif action == "unpublish":
                o["tenants"] = [t for t in o["tenants"] if t not in ids]
            else:  # replace
                o["tenants"] = list(dict.fromkeys(ids))
    return page(req, _refs(req.state, o["tenants"], "org"), model="EntityReference")


def _register(seg):
    base = API + "/" + seg
    route("GET", base)(lambda req: _list(req, seg))
    route("POST", base)(lambda req: _create(req, seg))
    route("GET", base + "/{id}")(lambda req: json_response(mapping_json(_get(req, seg, req.params["id"]), KINDS[seg])))
    route("PUT", base + "/{id}")(lambda req: _update(req, seg))
    route("DELETE", base + "/{id}")(lambda req: _delete(req, seg))
    route("GET", base + "/{id}/rights")(lambda req: _rights_get(req, seg))
    route("POST", base + "/{id}/rights")(lambda req: _rights_write(req, seg, False))
    route("PUT", base + "/{id}/rights")(lambda req: _rights_write(req, seg, True))
    if seg != "roles":
        route("GET", base + "/{id}/tenants")(lambda req: _tenants_get(req, seg))
        route("PUT", base + "/{id}/tenants")(lambda req: _tenants_write(req, seg, "replace"))
        for action in ("publish", "unpublish", "publishAll", "unpublishAll"):
            route("POST", base + "/{id}/tenants/" + action)(lambda req, a=action: _tenants_write(req, seg, a))


for _seg in KINDS:
    _register(_seg)
