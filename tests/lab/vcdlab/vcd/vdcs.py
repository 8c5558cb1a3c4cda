"""Provider VDCs, network pools, storage policies and org VDCs (OpenAPI reads, legacy writes)."""
from .. import legacy
from ..framework import (ApiError, Forbidden, Response, bad_request, json_response, new_uuid, page, route,
                         urn, uuid_of)
from ..legacy import get_visible, lref, visible
from ..tasks import task_json

MODELS = ("Flex", "AllocationVApp", "AllocationPool", "ReservationPool")
NSXT_MANAGER = {"name": "nsxt-manager-01", "id": "urn:vcloud:nsxtmanager:6d1a9c2e-1f0b-4c4d-9a51-0e4c2b7d9a10"}
VIM_SERVER = {"name": "vc-01", "id": "urn:vcloud:vimserver:0b5a6c3e-2d1f-4e8a-8c7b-1f2e3d4c5b6a"}


# ------------------------------------------------------------------ provider side (OpenAPI)
def pvdc_json(p):
    return {"id": p["id"], "name": p["name"], "description": p.get("description", ""), "isEnabled": p["isEnabled"],
            "maxSupportedHwVersion": "vmx-19", "creationStatus": "NORMAL",
            "nsxTManager": NSXT_MANAGER, "vimServer": VIM_SERVER}


@route("GET", "/cloudapi/1.0.0/providerVdcs")
def pvdcs(req):
    req.require_provider()
    return page(req, [pvdc_json(p) for p in req.state.all("pvdc")], model="ProviderVdc")


def pool_summary(state, n):
    used = len(state.find("vdc", network_pool_id=n["id"]))
    return {"id": n["id"], "name": n["name"], "description": n.get("description", ""), "poolType": n["poolType"],
            "promiscuousMode": False, "totalBackingsCount": 0, "usedBackingsCount": used,
            "managingOwnerRef": NSXT_MANAGER, "status": "REALIZED"}


@route("GET", "/cloudapi/1.0.0/networkPools/networkPoolSummaries")
def pool_summaries(req):
    req.require_provider()
    return page(req, [pool_summary(req.state, n) for n in req.state.all("network_pool")], model="NetworkPoolSummary")


@route("GET", "/cloudapi/1.0.0/networkPools/{id}")
def pool_get(req):
    req.require_provider()
    n = req.state.get("network_pool", req.params["id"]) or req.forbidden()
    out = pool_summary(req.state, n)
    out["backing"] = {"transportZoneRef": {"id": "tz-overlay-" + n["uuid"][:8], "name": "overlay-tz"},
                      "providerRef": NSXT_MANAGER}
    return json_response(out)


def pvdc_sp_json(state, s):
    p = state.get("pvdc", s["pvdc_id"])
    return {"id": s["id"], "name": s["name"], "storagePolicyMoref": s["moref"], "isEnabled": s["isEnabled"],
            "providerVdcRef": {"name": p["name"], "id": p["id"]} if p else None, "vcRef": VIM_SERVER,
            "totalCapacityMb": s["totalCapacityMb"]}


@route("GET", "/cloudapi/1.0.0/pvdcStoragePolicies")
def pvdc_sps(req):
    req.require_provider()
    return page(req, [pvdc_sp_json(req.state, s) for s in req.state.all("pvdc_sp")], model="PvdcStoragePolicy")


@route("GET", "/cloudapi/1.0.0/pvdcStoragePolicies/{id}")
def pvdc_sp_get(req):
    req.require_provider()
    s = req.state.get("pvdc_sp", req.params["id"]) or req.forbidden()
    return json_response(pvdc_sp_json(req.state, s))


# ------------------------------------------------------------------ org VDCs (OpenAPI)
def org_ref(state, org_id):
    o = state.get("org", org_id)
    return {"name": o["name"], "id": o["id"]} if o else None


def vdc_json(state, v):
    return {"id": v["id"], "name": v["name"], "description": v.get("description") or "",
            "allocationType": v["allocationModel"], "org": org_ref(state, v["org_id"])}


@route("GET", "/cloudapi/1.0.0/vdcs")
def vdcs_list(req):
    items = [vdc_json(req.state, v) for v in req.state.all("vdc") if visible(req, v["org_id"])]
    items.sort(key=lambda x: x["name"])
    return page(req, items, model="OrgVdc")


@route("GET", "/cloudapi/1.0.0/vdcs/{id}")
def vdc_get(req):
    return json_response(vdc_json(req.state, get_visible(req, "vdc", req.params["id"])))


def org_vdc_sp_json(state, s):
    v = state.get("vdc", s["vdc_id"])
    p = state.get("pvdc_sp", s["pvdc_sp_id"])
    return {"id": urn("orgVdcStoragePolicy", s["uuid"]), "name": s["name"], "isEnabled": s["enabled"],
            "isDefaultStoragePolicy": s["default"], "storageLimitMb": s["limit"],
            "orgVdcRef": {"name": v["name"], "id": v["id"]} if v else None,
            "pvdcStoragePolicyRef": {"name": p["name"], "id": p["id"]} if p else None}


@route("GET", "/cloudapi/1.0.0/orgVdcStoragePolicies")
def org_vdc_sps(req):
    items = [org_vdc_sp_json(req.state, s) for s in req.state.all("vdc_sp") if visible(req, s["org_id"])]
    return page(req, items, model="OrgVdcStoragePolicy")


@route("GET", "/cloudapi/1.0.0/orgVdcStoragePolicies/{id}")
def org_vdc_sp_get(req):
    return json_response(org_vdc_sp_json(req.state, get_visible(req, "vdc_sp", req.params["id"])))


@route("GET", "/cloudapi/1.0.0/vdcs/{id}/networkProfile")
def network_profile_get(req):
    v = get_visible(req, "vdc", req.params["id"])
    ec = req.state.get("edge_cluster", v.get("edge_cluster_id"))
    return json_response({"primaryEdgeCluster": {"name": ec["name"], "id": urn("edgeCluster", ec["uuid"])} if ec else None,
                          "secondaryEdgeCluster": None, "servicesEdgeCluster": None,
                          "vdcNetworkSegmentProfileTemplateRef": None, "vappNetworkSegmentProfileTemplateRef": None})


@route("PUT", "/cloudapi/1.0.0/vdcs/{id}/networkProfile")
def network_profile_put(req):
    v = get_visible(req, "vdc", req.params["id"])
    req.require_provider()
    b = req.json or {}
    pe = (b.get("primaryEdgeCluster") or {})
    ec = None
    if pe.get("id") or pe.get("name"):
        ec = req.state.get("edge_cluster", pe.get("id")) or req.state.find_one("edge_cluster", name=pe.get("name"))
        if ec is None:
            raise bad_request("Unknown edge cluster %s" % (pe.get("id") or pe.get("name")))

    def apply():
        v["edge_cluster_id"] = ec["id"] if ec else None
    task = req.start_task("vdcUpdateNetworkProfile", legacy.task_owner("vdc", v), apply)
    return Response(202, None, req.task_location(task))


# ------------------------------------------------------------------ legacy AdminVdc
def _cap(c, units):
    c = c or {}
    return {"units": c.get("units", units), "allocated": c.get("allocated", 0), "limit": c.get("limit", 0),
            "reserved": 0, "used": 0}


def admin_vdc_json(req, v, tasks=None):
    st = req.state
    h = legacy.href(req, "vdc", v)
    org = st.get("org", v["org_id"])
    pvdc = st.get("pvdc", v["pvdc_id"])
    pool = st.get("network_pool", v.get("network_pool_id"))
    sps = sorted(st.find("vdc_sp", vdc_id=v["id"]), key=lambda s: s["name"])
    return {
        "otherAttributes": {}, "href": h, "type": legacy.TYPES["vdc"], "id": v["id"], "operationKey": None,
        "name": v["name"], "description": v.get("description") or "", "status": v["status"],
        "tasks": {"task": [task_json(t, req.base) for t in tasks]} if tasks else None,
        "allocationModel": v["allocationModel"],
        "computeCapacity": {"cpu": _cap(v["computeCapacity"].get("cpu"), "MHz"),
                            "memory": _cap(v["computeCapacity"].get("memory"), "MB")},
        "resourceEntities": {"resourceEntity": []}, "availableNetworks": {"network": []},
        "capabilities": {"supportedHardwareVersions": {"supportedHardwareVersion": ["vmx-19"]}},
        "nicQuota": v["nicQuota"], "networkQuota": v["networkQuota"], "usedNetworkCount": len(st.find("org_network", vdc_id=v["id"])),
        "vmQuota": v["vmQuota"], "isEnabled": v["isEnabled"],
        "vdcStorageProfiles": {"vdcStorageProfile": [lref(req, "vdc_sp", s) for s in sps]},
        "defaultComputePolicy": None, "maxComputePolicy": None,
        "resourceGuaranteedMemory": v["resourceGuaranteedMemory"], "resourceGuaranteedCpu": v["resourceGuaranteedCpu"],
        "vCpuInMhz": v["vCpuInMhz"], "vCpuInMhz2": v["vCpuInMhz"], "isThinProvision": v["isThinProvision"],
        "networkPoolReference": lref(req, "network_pool", pool) if pool else None,
        "providerVdcReference": lref(req, "pvdc", pvdc) if pvdc else None,
        "usesFastProvisioning": v["usesFastProvisioning"], "overCommitAllowed": v["overCommitAllowed"],
        "vmDiscoveryEnabled": v["vmDiscoveryEnabled"], "isElastic": v["isElastic"],
        "includeMemoryOverhead": v["includeMemoryOverhead"],
        "link": [
            {"rel": "up", "href": legacy.href(req, "org", org), "type": legacy.TYPES["org"]} if org else None,
            {"rel": "edit", "href": h, "type": legacy.TYPES["vdc"]},
            {"rel": "disable" if v["isEnabled"] else "enable", "href": h + "/action/" + ("disable" if v["isEnabled"] else "enable")},
            {"rel": "remove", "href": h},
            {"rel": "alternate", "href": req.href("/cloudapi/1.0.0/vdcs/" + v["id"]), "type": "application/json"},
        ],
    }


def _int(b, k, default=0, minimum=None):
    v = b.get(k, default)
    if v is None:
        return default
    if isinstance(v, bool) or not isinstance(v, int):
        raise bad_request("%s must be an integer" % k)
    if minimum is not None and v < minimum:
        raise bad_request("%s must be >= %d" % (k, minimum))
    return v


def _guarantee(b, k, needed, model):
    v = b.get(k)
    if v is None:
        if needed:
            raise bad_request("%s is required for allocation model %s" % (k, model))
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 1:
        raise bad_request("%s must be a number between 0 and 1" % k)
    return v


def _validate_capacity(cc):
    if not isinstance(cc, dict) or not isinstance(cc.get("cpu"), dict) or not isinstance(cc.get("memory"), dict):
        raise bad_request("computeCapacity{cpu{units,allocated,limit},memory{units,allocated,limit}} is required")
    for k, units in (("cpu", "MHz"), ("memory", "MB")):
        c = cc[k]
        if c.get("units") not in (None, units):
            raise bad_request("computeCapacity.%s.units must be %s" % (k, units))
        for f in ("allocated", "limit"):
            x = c.get(f, 0)
            if x is not None and (isinstance(x, bool) or not isinstance(x, int) or x < 0):
                raise bad_request("computeCapacity.%s.%s must be a non-negative integer" % (k, f))
    return {k: {"units": u, "allocated": cc[k].get("allocated") or 0, "limit": cc[k].get("limit") or 0}
            for k, u in (("cpu", "MHz"), ("memory", "MB"))}


@route("POST", "/api/admin/org/{id}/vdcsparams")
def vdc_create(req):
    legacy.legacy_only_json(req)
    req.require_provider()
    o = get_visible(req, "org", req.params["id"], org_key="id")
    b = legacy.require_json_body(req)
    st = req.state
    name = b.get("name")
    if not name or not isinstance(name, str):
        raise bad_request("name is required")
    model = b.get("allocationModel")
    if model not in MODELS:
        raise bad_request("allocationModel must be one of %s" % ", ".join(MODELS))
    if model == "Flex" and (not isinstance(b.get("isElastic"), bool) or not isinstance(b.get("includeMemoryOverhead"), bool)):
        raise bad_request("allocationModel Flex requires isElastic and includeMemoryOverhead")
    cc = _validate_capacity(b.get("computeCapacity"))
    need = model in ("Flex", "AllocationVApp", "AllocationPool")
    gm = _guarantee(b, "resourceGuaranteedMemory", need, model)
    gc = _guarantee(b, "resourceGuaranteedCpu", need, model)
    vcpu = b.get("vCpuInMhz")
    if vcpu is None and need:
        raise bad_request("vCpuInMhz is required for allocation model %s" % model)
    if vcpu is not None and (isinstance(vcpu, bool) or not isinstance(vcpu, int) or vcpu < 256):
        raise bad_request("vCpuInMhz must be an integer >= 256")
    pvdc = legacy.from_href(req, "pvdc", (b.get("providerVdcReference") or {}).get("href"))
    if pvdc is None:
        raise bad_request("providerVdcReference.href does not reference a provider VDC: %r"
                          % (b.get("providerVdcReference") or {}).get("href"))
    pool = None
    if b.get("networkPoolReference") is not None:
        pool = legacy.from_href(req, "network_pool", (b.get("networkPoolReference") or {}).get("href"))
        if pool is None:
            raise bad_request("networkPoolReference.href does not reference a network pool: %r"
                              % (b["networkPoolReference"] or {}).get("href"))
    profiles = b.get("vdcStorageProfile")
    if isinstance(profiles, dict):
        profiles = [profiles]
    if not profiles:
        raise bad_request("at least one vdcStorageProfile is required")
    sps = []
    for p in profiles:
        psp = legacy.from_href(req, "pvdc_sp", ((p or {}).get("providerVdcStorageProfile") or {}).get("href"))
        if psp is None or psp["pvdc_id"] != pvdc["id"]:
            raise bad_request("vdcStorageProfile.providerVdcStorageProfile.href %r is not a storage profile of %s"
                              % (((p or {}).get("providerVdcStorageProfile") or {}).get("href"), pvdc["name"]))
        if p.get("units", "MB") != "MB":
            raise bad_request("vdcStorageProfile.units must be MB")
        sps.append((psp, bool(p.get("enabled", True)), _int(p, "limit", 0, 0), bool(p.get("default", False))))
    if sum(1 for s in sps if s[3]) != 1:
        raise bad_request("exactly one vdcStorageProfile must be the default")
    if len({s[0]["id"] for s in sps}) != len(sps):
        raise bad_request("a provider storage profile is listed twice")
    with st.lock:
        if any(v["name"].lower() == name.lower() for v in st.find("vdc", org_id=o["id"])):
            raise ApiError(400, "DUPLICATE_NAME", "[ %s ] VDC %s already exists in organization %s" % (new_uuid(), name, o["name"]))
        u = new_uuid()
        v = {"id": urn("vdc", u), "uuid": u, "name": name, "description": b.get("description") or "",
             "org_id": o["id"], "allocationModel": model, "computeCapacity": cc,
             "nicQuota": _int(b, "nicQuota", 0, 0), "networkQuota": _int(b, "networkQuota", 0, 0),
             "vmQuota": _int(b, "vmQuota", 0, 0), "isEnabled": bool(b.get("isEnabled", True)),
             "resourceGuaranteedMemory": gm, "resourceGuaranteedCpu": gc, "vCpuInMhz": vcpu,
             "isThinProvision": bool(b.get("isThinProvision", False)), "pvdc_id": pvdc["id"],
             "network_pool_id": pool["id"] if pool else None,
             "usesFastProvisioning": bool(b.get("usesFastProvisioning", False)),
             "overCommitAllowed": bool(b.get("overCommitAllowed", True)),
             "vmDiscoveryEnabled": bool(b.get("vmDiscoveryEnabled", False)),
             "isElastic": bool(b.get("isElastic", False)), "includeMemoryOverhead": bool(b.get("includeMemoryOverhead", True)),
             "status": 0, "edge_cluster_id": None}
        st.put("vdc", v)
        for psp, enabled, limit, default in sps:
            su = new_uuid()
            st.put("vdc_sp", {"id": urn("vdcstorageProfile", su), "uuid": su, "name": psp["name"], "org_id": o["id"],
                              "vdc_id": v["id"], "pvdc_sp_id": psp["id"], "enabled": enabled, "units": "MB",
                              "limit": limit, "default": default})

    def apply():
        v["status"] = 1

    def undo():
        for s in st.find("vdc_sp", vdc_id=v["id"]):
            st.delete("vdc_sp", s["id"])
        st.delete("vdc", v["id"])
    task = req.start_task("vdcCreateVdc", legacy.task_owner("vdc", v), apply, on_error=undo,
                          org={"name": o["name"], "id": o["id"]})
    return json_response(admin_vdc_json(req, v, [task]), 201)


@route("GET", "/api/admin/vdc/{id}")
def admin_vdc_get(req):
    legacy.legacy_only_json(req)
    return json_response(admin_vdc_json(req, get_visible(req, "vdc", req.params["id"])))


_PUT_INT = ("nicQuota", "networkQuota", "vmQuota")
_PUT_BOOL = ("isThinProvision", "usesFastProvisioning", "overCommitAllowed", "vmDiscoveryEnabled",
             "isElastic", "includeMemoryOverhead", "isEnabled")


@route("PUT", "/api/admin/vdc/{id}")
def admin_vdc_put(req):
    legacy.legacy_only_json(req)
    v = get_visible(req, "vdc", req.params["id"])
    req.require_provider()
    b = legacy.require_json_body(req)
    if b.get("allocationModel") not in (None, v["allocationModel"]):
        raise bad_request("The allocation model of a VDC cannot be changed")
    if b.get("name") and b["name"] != v["name"]:
        if any(x["name"].lower() == b["name"].lower() for x in req.state.find("vdc", org_id=v["org_id"]) if x is not v):
            raise ApiError(400, "DUPLICATE_NAME", "VDC %s already exists" % b["name"])
    cc = _validate_capacity(b["computeCapacity"]) if b.get("computeCapacity") is not None else None
    need = v["allocationModel"] in ("Flex", "AllocationVApp", "AllocationPool")
    gm = _guarantee(b, "resourceGuaranteedMemory", False, v["allocationModel"])
    gc = _guarantee(b, "resourceGuaranteedCpu", False, v["allocationModel"])
    vcpu = b.get("vCpuInMhz")
    if vcpu is not None and (isinstance(vcpu, bool) or not isinstance(vcpu, int) or vcpu < 256):
        raise bad_request("vCpuInMhz must be an integer >= 256")
    for k in _PUT_INT:
        if b.get(k) is not None:
            _int(b, k, 0, 0)
    for k in _PUT_BOOL:
        if b.get(k) is not None and not isinstance(b[k], bool):
            raise bad_request("%s must be a boolean" % k)

    def apply():
        if b.get("name"):
            v["name"] = b["name"]
        if "description" in b and b["description"] is not None:
            v["description"] = b["description"]
        if cc:
            v["computeCapacity"] = cc
        if gm is not None:
            v["resourceGuaranteedMemory"] = gm
        if gc is not None:
            v["resourceGuaranteedCpu"] = gc
        if vcpu is not None:
            v["vCpuInMhz"] = vcpu
        for k in _PUT_INT + _PUT_BOOL:
            if b.get(k) is not None:
                v[k] = b[k]
    del need
    task = req.start_task("vdcUpdateVdc", legacy.task_owner("vdc", v), apply)
    return json_response(task_json(task, req.base), 202, headers=req.task_location(task))


@route("POST", "/api/admin/vdc/{id}/action/{action:enable|disable}")
def admin_vdc_enable(req):
    v = get_visible(req, "vdc", req.params["id"])
    req.require_provider()
    v["isEnabled"] = req.params["action"] == "enable"
    return Response(204)


def delete_vdc_tree(st, v):
    for kind in ("org_network", "edge_gateway", "vdc_sp"):
        for x in st.all(kind):
            if x.get("vdc_id") == v["id"]:
                st.delete(kind, x["id"])
    st.delete("vdc", v["id"])


@route("DELETE", "/api/admin/vdc/{id}")
def admin_vdc_delete(req):
    v = get_visible(req, "vdc", req.params["id"])
    req.require_provider()
    st = req.state
    force = req.query.get("force", "").lower() == "true"
    recursive = req.query.get("recursive", "").lower() == "true"
    if v["isEnabled"]:
        raise bad_request("VDC %s must be disabled before it can be deleted" % v["name"])
    if (st.find("org_network", vdc_id=v["id"]) or st.find("edge_gateway", vdc_id=v["id"])) and not (force and recursive):
        raise bad_request("VDC %s is not empty; use force=true&recursive=true" % v["name"])
    task = req.start_task("vdcDeleteVdc", legacy.task_owner("vdc", v), lambda: delete_vdc_tree(st, v))
    return json_response(task_json(task, req.base), 202, headers=req.task_location(task))


# ------------------------------------------------------------------ legacy storage profiles
def vdc_sp_json(req, s):
    v = req.state.get("vdc", s["vdc_id"])
    p = req.state.get("pvdc_sp", s["pvdc_sp_id"])
    h = legacy.href(req, "vdc_sp", s)
    return {"otherAttributes": {}, "href": h, "type": legacy.TYPES["vdc_sp"], "id": s["id"], "name": s["name"],
            "description": "", "tasks": None, "enabled": s["enabled"], "units": s["units"], "limit": s["limit"],
            "default": s["default"], "storageUsedMB": 0, "iopsAllocated": 0,
            "iopsSettings": None, "inheritPvdcDefaultSettings": True,
            "providerVdcStorageProfile": lref(req, "pvdc_sp", p) if p else None,
            "link": [{"rel": "up", "href": legacy.href(req, "vdc", v), "type": legacy.TYPES["vdc"]} if v else None,
                     {"rel": "edit", "href": h, "type": legacy.TYPES["vdc_sp"]}]}


@route("GET", "/api/admin/vdcStorageProfile/{id}")
def vdc_sp_get(req):
    legacy.legacy_only_json(req)
    return json_response(vdc_sp_json(req, get_visible(req, "vdc_sp", req.params["id"])))


@route("PUT", "/api/admin/vdcStorageProfile/{id}")
def vdc_sp_put(req):
    legacy.legacy_only_json(req)
    s = get_visible(req, "vdc_sp", req.params["id"])
    req.require_provider()
    b = legacy.require_json_body(req)
    enabled = b.get("enabled", s["enabled"])
    default = b.get("default", s["default"])
    if not isinstance(enabled, bool) or not isinstance(default, bool):
        raise bad_request("enabled and default must be booleans")
    limit = _int(b, "limit", s["limit"], 0)
    if b.get("units") not in (None, "MB"):
        raise bad_request("units must be MB")
    if default and not enabled:
        raise bad_request("The default storage profile cannot be disabled")
    if s["default"] and not default:
        raise bad_request("Set another storage profile as default instead of unsetting the default")
    st = req.state

    def apply():
        if default and not s["default"]:
            for other in st.find("vdc_sp", vdc_id=s["vdc_id"]):
                other["default"] = False
        s.update(enabled=enabled, default=default, limit=limit)
    task = req.start_task("vdcUpdateStorageProfile", legacy.task_owner("vdc_sp", s), apply)
    return json_response(task_json(task, req.base), 202, headers=req.task_location(task))


@route("GET", "/api/admin/providervdc/{id}")
def admin_pvdc_get(req):
    legacy.legacy_only_json(req)
    req.require_provider()
    p = req.state.get("pvdc", req.params["id"]) or req.forbidden()
    sps = req.state.find("pvdc_sp", pvdc_id=p["id"])
    return json_response({"href": legacy.href(req, "pvdc", p), "type": legacy.TYPES["pvdc"], "id": p["id"],
                          "name": p["name"], "description": p.get("description", ""), "isEnabled": p["isEnabled"],
                          "status": 1,
                          "storageProfiles": {"providerVdcStorageProfile": [lref(req, "pvdc_sp", s) for s in sps]},
                          "networkPoolReferences": {"networkPoolReference": [lref(req, "network_pool", n) for n in req.state.all("network_pool")]}})
