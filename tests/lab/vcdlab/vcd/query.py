"""Legacy query service: GET /api/query?type=...&format=records|references|idrecords."""
from .. import fiql, legacy
from ..framework import ApiError, bad_request, json_response, route
from ..legacy import visible


def _org_rec(req, o):
    st = req.state
    return {"_type": "QueryResultOrgRecordType", "href": legacy.href(req, "org", o), "id": o["id"],
            "name": o["name"], "displayName": o["displayName"], "isEnabled": o["isEnabled"],
            "isReadOnly": False, "numberOfCatalogs": len(st.find("catalog", org_id=o["id"])),
            "numberOfVdcs": len(st.find("vdc", org_id=o["id"])), "numberOfVApps": 0, "numberOfGroups": 0,
            "numberOfRunningVMs": 0, "numberOfDisks": 0,
            "canPublishCatalogs": o["settings"]["orgGeneralSettings"]["canPublishCatalogs"],
            "deployedVMQuota": o["settings"]["orgGeneralSettings"]["deployedVMQuota"],
            "storedVMQuota": o["settings"]["orgGeneralSettings"]["storedVmQuota"]}, o["id"]


def _vdc_rec(req, v):
    st = req.state
    o, p = st.get("org", v["org_id"]), st.get("pvdc", v["pvdc_id"])
    pool = st.get("network_pool", v.get("network_pool_id"))
    cc = v["computeCapacity"]
    return {"_type": "QueryResultAdminVdcRecordType", "href": legacy.href(req, "vdc", v), "id": v["id"],
            "name": v["name"], "description": v.get("description") or "", "orgName": o["name"] if o else None,
            "org": legacy.href(req, "org", o) if o else None, "isEnabled": v["isEnabled"],
            "allocationModel": v["allocationModel"], "providerVdcName": p["name"] if p else None,
            "providerVdc": legacy.href(req, "pvdc", p) if p else None,
            "networkPool": legacy.href(req, "network_pool", pool) if pool else None,
            "status": "READY" if v["status"] == 1 else "NOT_READY", "isBusy": v["status"] != 1,
            "cpuAllocationMhz": cc["cpu"]["allocated"], "cpuLimitMhz": cc["cpu"]["limit"], "cpuUsedMhz": 0,
            "memoryAllocationMB": cc["memory"]["allocated"], "memoryLimitMB": cc["memory"]["limit"], "memoryUsedMB": 0,
            "numberOfVMs": 0, "numberOfVApps": 0, "isSystemVdc": False, "vcName": "vc-01",
            "isThinProvisioned": v["isThinProvision"], "isFastProvisioned": v["usesFastProvisioning"]}, v["org_id"]


def _cat_rec(req, c):
    st = req.state
    o = st.get("org", c["org_id"])
    u = st.get("user", c.get("owner_id"))
    return {"_type": "QueryResultAdminCatalogRecordType", "href": legacy.href(req, "catalog", c), "id": c["id"],
            "name": c["name"], "description": c.get("description") or "", "orgName": o["name"] if o else None,
            "org": legacy.href(req, "org", o) if o else None, "isPublished": c["isPublished"],
            "isShared": bool(c["acl"]["isSharedToEveryone"] or c["acl"]["settings"]),
            "ownerName": u["name"] if u else None, "numberOfVAppTemplates": 0, "numberOfMedia": 0,
            "creationDate": c["created"], "publishSubscriptionType": "UNPUBLISHED", "status": "RESOLVED"}, c["org_id"]


TYPES = {
    "organization": ("org", _org_rec, "application/vnd.vmware.admin.organization+json"),
    "adminOrgVdc": ("vdc", _vdc_rec, "application/vnd.vmware.admin.vdc+json"),
    "orgVdc": ("vdc", _vdc_rec, "application/vnd.vmware.vcloud.vdc+json"),
    "adminCatalog": ("catalog", _cat_rec, "application/vnd.vmware.admin.catalog+json"),
    "catalog": ("catalog", _cat_rec, "application/vnd.vmware.vcloud.catalog+json"),
}


def register_query_type(name, kind, record_fn, media_type):
    """Areas add query types: record_fn(req, obj) -> (record dict, owning org id)."""
    TYPES[name] = (kind, record_fn, media_type)


@route("GET", "/api/query")
def query(req):
    legacy.legacy_only_json(req)
    q = req.query
    t = q.get("type")
    if t not in TYPES:
        raise bad_request("Unknown or unsupported query type %r (vcdlab knows: %s)" % (t, ", ".join(sorted(TYPES))))
    fmt = q.get("format", "records")
    if fmt not in ("records", "references", "idrecords"):
        raise bad_request("format must be records, references or idrecords")
    try:
        pg, size = int(q.get("page", "1")), int(q.get("pageSize", "25"))
    except ValueError:
        raise bad_request("page and pageSize must be integers")
    if pg < 1 or size < 1 or size > 128:
        raise bad_request("page >= 1 and 1 <= pageSize <= 128")
    kind, fn, mtype = TYPES[t]
    node = req.filter_tree()
    recs = []
    for obj in req.state.all(kind):
        rec, org_id = fn(req, obj)
        if kind == "org":
            if not visible(req, obj["id"]):
                continue
        elif not visible(req, org_id):
            continue
        if fiql.evaluate(node, rec):
            recs.append(rec)
    key = q.get("sortAsc") or q.get("sortDesc") or "name"
    recs.sort(key=lambda r: str(r.get(key) or ""), reverse=bool(q.get("sortDesc")))
    total = len(recs)
    recs = recs[(pg - 1) * size: pg * size]
    fields = [f for f in (q.get("fields") or "").split(",") if f]
    if fields:
        recs = [{k: v for k, v in r.items() if k in fields or k in ("_type", "href", "id")} for r in recs]
    links = []
    if pg * size < total:
        links.append({"rel": "nextPage", "href": req.url_with(page=pg + 1),
                      "type": "application/vnd.vmware.vcloud.query.%s+json" % fmt})
    body = {"otherAttributes": {}, "link": links, "href": req.url_with(), "name": t, "page": pg, "pageSize": size,
            "total": total, "type": "application/vnd.vmware.vcloud.query.%s+json" % fmt}
    if fmt == "references":
        body["reference"] = [{"href": r["href"], "id": r.get("id"), "name": r.get("name"), "type": mtype} for r in recs]
    else:
        if fmt == "records":
            for r in recs:
                r.pop("id", None)
        body["record"] = recs
    return json_response(body)
