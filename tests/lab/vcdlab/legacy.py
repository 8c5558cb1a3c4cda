"""Helpers for the legacy /api tree (JSON form: lowerCamelCase of the XML names)."""
from .framework import ApiError, Forbidden, bad_request

TYPES = {
    "org": "application/vnd.vmware.admin.organization+json",
    "vdc": "application/vnd.vmware.admin.vdc+json",
    "catalog": "application/vnd.vmware.admin.catalog+json",
    "vdc_sp": "application/vnd.vmware.admin.vdcStorageProfile+json",
    "pvdc": "application/vnd.vmware.admin.providervdc+json",
    "pvdc_sp": "application/vnd.vmware.admin.pvdcStorageProfile+json",
    "network_pool": "application/vnd.vmware.admin.networkPool+json",
    "task": "application/vnd.vmware.vcloud.task+json",
}
HREFS = {
    "org": "/api/admin/org/%s",
    "vdc": "/api/admin/vdc/%s",
    "catalog": "/api/admin/catalog/%s",
    "vdc_sp": "/api/admin/vdcStorageProfile/%s",
    "pvdc": "/api/admin/providervdc/%s",
    "pvdc_sp": "/api/admin/pvdcStorageProfile/%s",
    "network_pool": "/api/admin/extension/networkPool/%s",
}


def href(req, kind, obj):
    return req.href(HREFS[kind] % obj["uuid"])


def lref(req, kind, obj):
    """Reference {href, id, name, type} to an object."""
    return {"href": href(req, kind, obj), "id": obj["id"], "name": obj["name"], "type": TYPES[kind]}


def task_owner(kind, obj):
    return {"href": HREFS[kind] % obj["uuid"], "id": obj["id"], "name": obj["name"], "type": TYPES[kind]}


def visible(req, org_id):
    if req.is_provider and not req.org_ctx_explicit:
        return True
    return org_id == req.org_ctx


def get_visible(req, kind, ident, org_key="org_id"):
    """Object or 403 (VCD answers 403 for missing and for invisible objects)."""
    obj = req.state.get(kind, ident)
    if obj is None or (org_key and not visible(req, obj.get(org_key))):
        raise Forbidden("VIEW")
    return obj


def from_href(req, kind, h):
    """The object an href points at (or None)."""
    if not h or not isinstance(h, str):
        return None
    u = h.rstrip("/").rsplit("/", 1)[-1]
    prefix = HREFS[kind].rsplit("/", 1)[0] + "/"
    if prefix.lower() not in h.lower():
        return None
    return req.state.get(kind, u)


def require_json_body(req):
    ctype = req.headers.get("Content-Type") or ""
    if req.body and "json" not in ctype:
        raise ApiError(415, "UNSUPPORTED_MEDIA_TYPE",
                       "vcdlab implements the JSON form of the legacy API; got Content-Type %r" % ctype)
    body = req.json
    if not isinstance(body, dict):
        raise bad_request("A JSON object body is required")
    return body


def legacy_only_json(req):
    if not req.wants_json:
        raise ApiError(406, "NOT_ACCEPTABLE",
                       "vcdlab serves this legacy resource as JSON only: send Accept: application/*+json;version=<v>")
