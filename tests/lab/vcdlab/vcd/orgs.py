"""Organizations: /cloudapi/1.0.0/orgs and legacy /api/admin/org/<uuid>[/settings]."""
import copy
import re

from .. import legacy
from ..framework import (ApiError, Forbidden, Response, bad_request, json_response, new_uuid, page, route,
                         urn)
from ..legacy import get_visible, lref, visible
from ..seed import make_org
from ..tasks import task_json

NAME_RX = re.compile(r"^[a-zA-Z0-9_\-\.\!\'\(\),\$]+$")


def org_json(state, o):
    return {"id": o["id"], "name": o["name"], "displayName": o["displayName"],
            "description": o.get("description") or "", "isEnabled": o["isEnabled"],
            "orgVdcCount": len(state.find("vdc", org_id=o["id"])),
            "catalogCount": len(state.find("catalog", org_id=o["id"])),
            "vappCount": 0, "runningVMCount": 0,
            "userCount": len(state.find("user", org_id=o["id"])), "diskCount": 0,
            "canPublish": bool(o["settings"]["orgGeneralSettings"].get("canPublishCatalogs"))}


def _org_or_403(req, ident):
    o = req.state.get("org", ident)
    if o is None or not visible(req, o["id"]):
        raise Forbidden("ORG_VIEW")
    return o


@route("GET", "/cloudapi/1.0.0/orgs")
def orgs_list(req):
    items = [org_json(req.state, o) for o in req.state.all("org") if visible(req, o["id"])]
    items.sort(key=lambda x: x["name"])
    return page(req, items, model="Org")


@route("GET", "/cloudapi/1.0.0/orgs/{id}")
def org_get(req):
    return json_response(org_json(req.state, _org_or_403(req, req.params["id"])))


def _check_name(state, name, exclude=None):
    if not name or not NAME_RX.match(name) or len(name) > 128:
        raise bad_request("Invalid organization name %r" % name)
    for o in state.all("org"):
        if o["name"].lower() == name.lower() and o["id"] != exclude:
            raise ApiError(400, "DUPLICATE_NAME", "[ %s ] An object of type Organization named %s already exists."
                           % (new_uuid(), name))


@route("POST", "/cloudapi/1.0.0/orgs")
def org_create(req):
    req.require_provider()
    b = req.json or {}
    with req.state.lock:
        _check_name(req.state, b.get("name"))
        u = new_uuid()
        o = make_org(u, b["name"], b.get("displayName") or b["name"], b.get("description") or "",
                     b.get("isEnabled", True))
        req.state.put("org", o)
    return json_response(org_json(req.state, o), 201,
                         headers={"Content-Location": req.href("/cloudapi/1.0.0/orgs/" + o["id"])})


@route("PUT", "/cloudapi/1.0.0/orgs/{id}")
def org_update(req):
    o = _org_or_403(req, req.params["id"])
    req.require_provider()
    b = req.json or {}
    with req.state.lock:
        if b.get("name") and b["name"] != o["name"]:
            if o.get("is_system"):
                raise bad_request("The System organization cannot be renamed")
            _check_name(req.state, b["name"], o["id"])
            o["name"] = b["name"]
        for k in ("displayName", "description", "isEnabled"):
            if k in b and b[k] is not None:
                o[k] = b[k]
    return json_response(org_json(req.state, o))


def delete_org_tree(state, org):
    """Remove an org and everything in it."""
    for kind in ("org_network", "edge_gateway", "vdc_sp", "vdc", "catalog", "user", "token"):
        for x in state.all(kind):
            if x.get("org_id") == org["id"]:
                state.delete(kind, x["id"])
    state.delete("org", org["id"])


@route("DELETE", "/cloudapi/1.0.0/orgs/{id}")
def org_delete(req):
    o = _org_or_403(req, req.params["id"])
    req.require_provider()
    if o.get("is_system"):
        raise bad_request("The System organization cannot be deleted")
    force = req.query.get("force", "").lower() == "true"
    recursive = req.query.get("recursive", "").lower() == "true"
    st = req.state
    has = st.find("vdc", org_id=o["id"]) or st.find("catalog", org_id=o["id"])
    if has and not (force and recursive):
        raise bad_request("Organization %s contains VDCs or catalogs; delete them first or use "
                          "force=true&recursive=true" % o["name"])
    if o["isEnabled"] and not force:
        raise bad_request("Organization %s must be disabled before it can be deleted" % o["name"])
    task = req.start_task("orgDelete", legacy.task_owner("org", o), lambda: delete_org_tree(st, o))
    return Response(202, None, req.task_location(task))


# ------------------------------------------------------------------ legacy
def org_settings_json(req, o):
    s = copy.deepcopy(o["settings"])
    base = legacy.href(req, "org", o) + "/settings"
    out = {"href": base, "type": "application/vnd.vmware.admin.orgSettings+json",
           "link": [{"rel": "edit", "href": base, "type": "application/vnd.vmware.admin.orgSettings+json"}]}
    out["orgGeneralSettings"] = dict(s["orgGeneralSettings"], href=base + "/general",
                                     type="application/vnd.vmware.admin.orgGeneralSettings+json")
    out["vAppLeaseSettings"] = dict(s["vAppLeaseSettings"], href=base + "/vAppLeaseSettings",
                                    type="application/vnd.vmware.admin.vAppLeaseSettings+json")
    out["vAppTemplateLeaseSettings"] = dict(s["vAppTemplateLeaseSettings"], href=base + "/vAppTemplateLeaseSettings",
                                            type="application/vnd.vmware.admin.vAppTemplateLeaseSettings+json")
    return out


def admin_org_json(req, o):
    h = legacy.href(req, "org", o)
    st = req.state
    links = [
        {"rel": "add", "type": "application/vnd.vmware.admin.catalog+json", "href": h + "/catalogs"},
        {"rel": "add", "type": "application/vnd.vmware.admin.createVdcParams+json", "href": h + "/vdcsparams"},
        {"rel": "down", "type": "application/vnd.vmware.admin.orgSettings+json", "href": h + "/settings"},
        {"rel": "edit", "type": "application/vnd.vmware.admin.organization+json", "href": h},
        {"rel": "alternate", "type": "application/vnd.vmware.vcloud.org+json", "href": req.href("/api/org/%s" % o["uuid"])},
        {"rel": "disable" if o["isEnabled"] else "enable", "href": h + "/action/" + ("disable" if o["isEnabled"] else "enable")},
    ]
    if not o.get("is_system"):
        links.append({"rel": "remove", "href": h})
    return {
        "otherAttributes": {}, "href": h, "type": legacy.TYPES["org"], "id": o["id"], "operationKey": None,
        "name": o["name"], "description": o.get("description") or "", "tasks": None,
        "fullName": o["displayName"], "isEnabled": o["isEnabled"],
        "settings": org_settings_json(req, o),
        "vdcs": {"vdc": [lref(req, "vdc", v) for v in sorted(st.find("vdc", org_id=o["id"]), key=lambda v: v["name"])]},
        "catalogs": {"catalogReference": [lref(req, "catalog", c) for c in sorted(st.find("catalog", org_id=o["id"]), key=lambda c: c["name"])]},
        "users": {"userReference": [{"href": req.href("/api/admin/user/%s" % u["uuid"]), "id": u["id"], "name": u["name"],
                                     "type": "application/vnd.vmware.admin.user+json"} for u in st.find("user", org_id=o["id"])]},
        "groups": {"groupReference": []},
        "networks": {"network": []},
        "link": links,
    }


@route("GET", "/api/admin/org/{id}")
def admin_org_get(req):
    legacy.legacy_only_json(req)
    return json_response(admin_org_json(req, _org_or_403(req, req.params["id"])))


@route("GET", "/api/admin/org/{id}/settings")
def org_settings_get(req):
    legacy.legacy_only_json(req)
    return json_response(org_settings_json(req, _org_or_403(req, req.params["id"])))


_SETTINGS_KEYS = {
    "orgGeneralSettings": ("canPublishCatalogs", "canPublishExternally", "canSubscribe", "useServerBootSequence",
                           "deployedVMQuota", "storedVmQuota", "delayAfterPowerOnSeconds"),
    "vAppLeaseSettings": ("deploymentLeaseSeconds", "storageLeaseSeconds", "deleteOnStorageLeaseExpiration",
                          "powerOffOnRuntimeLeaseExpiration"),
    "vAppTemplateLeaseSettings": ("storageLeaseSeconds", "deleteOnStorageLeaseExpiration"),
}


def _validate_settings(b):
    for sect, keys in _SETTINGS_KEYS.items():
        sv = b.get(sect)
        if sv is None:
            continue
        if not isinstance(sv, dict):
            raise bad_request("%s must be an object" % sect)
        for k in keys:
            v = sv.get(k)
            if v is None:
                continue
            if k.startswith(("can", "use", "delete", "powerOff")):
                if not isinstance(v, bool):
                    raise bad_request("%s.%s must be a boolean" % (sect, k))
            elif not isinstance(v, int) or isinstance(v, bool) or v < 0:
                raise bad_request("%s.%s must be a non-negative integer" % (sect, k))
        lease = sv.get("deploymentLeaseSeconds"), sv.get("storageLeaseSeconds")
        for v in lease:
            if v not in (None, 0) and isinstance(v, int) and v < 3600:
                raise bad_request("%s: lease must be 0 (never) or at least 3600 seconds" % sect)


@route("PUT", "/api/admin/org/{id}/settings")
def org_settings_put(req):
    legacy.legacy_only_json(req)
    o = _org_or_403(req, req.params["id"])
    b = legacy.require_json_body(req)
    _validate_settings(b)

    def apply():
        for sect, keys in _SETTINGS_KEYS.items():
            sv = b.get(sect)
            if isinstance(sv, dict):
                for k in keys:
                    if sv.get(k) is not None:
                        o["settings"][sect][k] = sv[k]
    task = req.start_task("orgUpdateSettings", legacy.task_owner("org", o), apply)
    return json_response(task_json(task, req.base), 202, headers=req.task_location(task))


@route("POST", "/api/admin/org/{id}/action/{action:enable|disable}")
def org_enable(req):
    o = _org_or_403(req, req.params["id"])
    req.require_provider()
    o["isEnabled"] = req.params["action"] == "enable"
    return Response(204)


@route("GET", "/api/org")
def org_list_legacy(req):
    legacy.legacy_only_json(req)
    orgs = [o for o in req.state.all("org") if visible(req, o["id"])]
    return json_response({"href": req.href("/api/org/"), "type": "application/vnd.vmware.vcloud.orgList+json",
                          "org": [{"href": req.href("/api/org/%s" % o["uuid"]), "name": o["name"],
                                   "type": "application/vnd.vmware.vcloud.org+json"} for o in orgs]})
