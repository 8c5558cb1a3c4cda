"""vApps from templates, guest properties (product sections), power state, deletion (api-reference §1.8),
in the JSON form of the legacy API.

  POST /api/vdc/{id}/action/instantiateVAppTemplate   {name, description, deploy, powerOn, source{href},
        allEULAsAccepted, instantiationParams{networkConfigSection{networkConfig[{networkName,
        configuration{parentNetwork{href|name}, fenceMode}}]}}}            -> 201 VApp (+ task)
  GET  /api/vApp/vapp-{id}, /api/vApp/vm-{id}
  GET|PUT /api/vApp/vm-{id}/productSections           PUT answers a task (202)
  POST /api/vApp/vapp-{id}/power/action/powerOn|powerOff|shutdown, /api/vApp/vapp-{id}/action/undeploy
  DELETE /api/vApp/vapp-{id}                          a powered-on vApp cannot be deleted (400)
  query types vApp / adminVApp / vm / adminVM

Product section JSON (modelled after the XML, see docs/assumptions.md): {"productSection": [{"info":
{"value"}, "product": {"value"}, "version": {"value"}, "property": [{"key", "type", "label", "userConfigurable",
"password", "defaultValue", "value": {"value"}}]}]}; a property's effective value is value.value, else
defaultValue.  A template with an EULA needs allEULAsAccepted (A10).  VMs get their NIC on the org VDC
network named by the vApp network's parentNetwork, IP mode POOL, an address from the network's static pool.

State kinds `vapp` {id urn:vcloud:vapp:<u>, name, description, vdc_id, org_id, status (0 / 8 off / 4 on),
deployed, template_id, owner_id, vms: [vm]}, vm = {id urn:vcloud:vm:<u>, uuid, name, status, product_sections,
nics: [{network_id, network, ip, mode}]}.  VMs are also indexed as kind `vm` -> {id, uuid, vapp_id} for lookups.

For other areas: `vm_properties(vm) -> {key: value}`, `VAPP_LISTENERS.append(fn(az, event, vapp))` with event
created|powered_on|powered_off|properties|deleted.
"""
import copy
import ipaddress

from .. import legacy
from ..framework import (ApiError, Forbidden, Response, bad_request, json_response, new_uuid, now_iso, route, urn)
from ..tasks import task_json
from . import nsxt as nsxt_area
from . import query as query_area
from . import uploads

VAPP_TYPE = "application/vnd.vmware.vcloud.vApp+json"
VM_TYPE = "application/vnd.vmware.vcloud.vm+json"
PS_TYPE = "application/vnd.vmware.vcloud.productSections+json"
STATUS = {0: "UNRESOLVED", 8: "POWERED_OFF", 4: "POWERED_ON", 3: "SUSPENDED", -1: "FAILED_CREATION"}
VAPP_LISTENERS = []


def _notify(az, event, v):
    for fn in list(VAPP_LISTENERS):
        try:
            fn(az, event, v)
        except Exception as exc:  # a listener bug must not break the API answer
            import sys
            sys.stderr.write("vcdlab vapp listener %r failed on %s: %r\n" % (fn, event, exc))


# ------------------------------------------------------------------ product sections
def _sections_from_template(vm_tpl):
    out = []
    for s in vm_tpl.get("product_sections") or []:
        out.append({"info": "Product properties", "class": s.get("class") or "", "instance": s.get("instance") or "",
                    "product": s.get("product"), "version": s.get("version"),
                    "properties": [dict(p, current=None) for p in s["properties"]]})
    return out


def vm_properties(vm):
    """{key: effective value} of every product section property of a VM."""
    out = {}
    for s in vm.get("product_sections") or []:
        for p in s["properties"]:
            out[p["key"]] = p["current"] if p.get("current") is not None else p.get("value") or ""
    return out


def sections_json(req, vm):
    out = []
    for s in vm.get("product_sections") or []:
        sec = {"info": {"value": s.get("info") or "Product properties"}, "required": False,
               "property": [{"key": p["key"], "type": p.get("type") or "string",
                             "label": {"value": p["label"]} if p.get("label") else None,
                             "userConfigurable": bool(p.get("userConfigurable")), "password": bool(p.get("password")),
                             "defaultValue": p.get("value") or "",
                             "value": {"value": p["current"]} if p.get("current") is not None else None}
                            for p in s["properties"]]}
        if s.get("class"):
            sec["class"] = s["class"]
        if s.get("instance"):
            sec["instance"] = s["instance"]
        if s.get("product"):
            sec["product"] = {"value": s["product"]}
        if s.get("version"):
            sec["version"] = {"value": s["version"]}
        out.append(sec)
    return {"href": req.href("/api/vApp/vm-%s/productSections/" % vm["uuid"]), "type": PS_TYPE, "productSection": out}


def _parse_sections(body):
    secs = body.get("productSection")
    if secs is None:
        raise bad_request("productSection (a list) is required")
    if isinstance(secs, dict):
        secs = [secs]
    out = []
    for s in secs:
        props = []
        for p in (s or {}).get("property") or []:
            if not isinstance(p, dict) or not p.get("key"):
                raise bad_request("every product section property needs a key")
            value = p.get("value")
            if isinstance(value, dict):
                value = value.get("value")
            props.append({"key": p["key"], "type": p.get("type") or "string",
                          "label": (p.get("label") or {}).get("value") if isinstance(p.get("label"), dict) else p.get("label"),
                          "userConfigurable": bool(p.get("userConfigurable")), "password": bool(p.get("password")),
                          "value": p.get("defaultValue") or "", "current": value})
        info = (s or {}).get("info")
        out.append({"info": info.get("value") if isinstance(info, dict) else info or "Product properties",
                    "class": (s or {}).get("class") or "", "instance": (s or {}).get("instance") or "",
                    "product": ((s or {}).get("product") or {}).get("value"),
                    "version": ((s or {}).get("version") or {}).get("value"), "properties": props})
    return out


# ------------------------------------------------------------------ JSON
def vm_json(req, v, vm):
    nics = [{"network": n["network"], "networkConnectionIndex": i, "ipAddress": n.get("ip"),
             "isConnected": True, "ipAddressAllocationMode": n.get("mode", "POOL"),
             "macAddress": "00:50:56:01:%02x:%02x" % (i, int(vm["uuid"][:2], 16))} for i, n in enumerate(vm["nics"])]
    return {"href": req.href("/api/vApp/vm-%s" % vm["uuid"]), "type": VM_TYPE, "id": vm["id"], "name": vm["name"],
            "status": vm["status"], "deployed": vm["status"] == 4, "needsCustomization": False,
            "vAppScopedLocalId": vm["name"],
            "networkConnectionSection": {"primaryNetworkConnectionIndex": 0, "networkConnection": nics},
            "link": [{"rel": "down", "type": PS_TYPE, "href": req.href("/api/vApp/vm-%s/productSections/" % vm["uuid"])},
                     {"rel": "up", "type": VAPP_TYPE, "href": req.href("/api/vApp/vapp-%s" % v["uuid"])}]}


def vapp_json(req, v, tasks=None):
    h = req.href("/api/vApp/vapp-%s" % v["uuid"])
    links = [{"rel": "up", "href": req.href("/api/vdc/%s" % v["vdc_id"].rsplit(":", 1)[-1]),
              "type": "application/vnd.vmware.vcloud.vdc+json"}]
    if v["status"] == 4:
        links += [{"rel": "power:powerOff", "href": h + "/power/action/powerOff"},
                  {"rel": "power:shutdown", "href": h + "/power/action/shutdown"},
                  {"rel": "undeploy", "href": h + "/action/undeploy",
                   "type": "application/vnd.vmware.vcloud.undeployVAppParams+json"}]
    elif v["status"] == 8:
        links += [{"rel": "power:powerOn", "href": h + "/power/action/powerOn"}, {"rel": "remove", "href": h}]
    task_list = tasks or [t for t in (req.state.get("task", i) for i in v.get("task_ids", [])) if t and
                          t["status"] in ("queued", "running")]
    return {"otherAttributes": {}, "href": h, "type": VAPP_TYPE, "id": v["id"], "name": v["name"],
            "description": v.get("description") or "", "status": v["status"], "deployed": v["status"] == 4,
            "dateCreated": v["created"], "tasks": {"task": [task_json(t, req.base) for t in task_list]} if task_list else None,
            "children": {"vm": [vm_json(req, v, vm) for vm in v["vms"]]}, "link": links}


# ------------------------------------------------------------------ lookups
def _vapp(req, ident, write=False):
    v = req.state.get("vapp", ident.replace("vapp-", ""))
    if v is None or not legacy.visible(req, v["org_id"]):
        raise Forbidden("VAPP_EDIT" if write else "VAPP_VIEW")
    return v


def _vm(req, ident):
    ref = req.state.get("vm", ident.replace("vm-", ""))
    v = req.state.get("vapp", ref["vapp_id"]) if ref else None
    if v is None or not legacy.visible(req, v["org_id"]):
        raise Forbidden("VM_VIEW")
    return v, next(x for x in v["vms"] if x["id"] == ref["id"])


def _network(req, vdc, ref):
    name = (ref or {}).get("name")
    href = (ref or {}).get("href") or ""
    nid = href.rstrip("/").rsplit("/", 1)[-1] if href else None
    for n in req.state.all("org_network"):
        if n["vdc_id"] != vdc["id"]:
            continue
        if (nid and n["uuid"] == nid.rsplit(":", 1)[-1]) or (name and n["name"] == name):
            return n
    raise bad_request("Network %s is not a network of VDC %s" % (name or href, vdc["name"]))


def _allocate_ip(state, net):
    used = {n.get("ip") for v in state.all("vapp") for vm in v["vms"] for n in vm["nics"] if n["network_id"] == net["id"]}
    for s in net["subnets"]:
        for ip in sorted(nsxt_area._expand(s.get("ranges") or [])):
            text = str(ipaddress.ip_address(ip))
            if text not in used:
                return text
    raise bad_request("The static IP pool of network %s is exhausted" % net["name"])


# ------------------------------------------------------------------ instantiate
@route("POST", "/api/vdc/{id}/action/instantiateVAppTemplate")
def instantiate(req):
    legacy.legacy_only_json(req)
    st = req.state
    vdc = legacy.get_visible(req, "vdc", req.params["id"])
    b = legacy.require_json_body(req)
    name = b.get("name")
    if not name or not isinstance(name, str):
        raise bad_request("name is required")
    src = (b.get("source") or {}).get("href")
    t = uploads.template_by_href(st, src)
    if t is None or not uploads._readable(req, t["org_id"], t["catalog_id"]):
        raise bad_request("Source %s is not a vApp template this organization can use" % src)
    if t["status"] != 8:
        raise bad_request("vApp template %s is not ready (status %s)" % (t["name"], t["status"]))
    if t.get("eula") and b.get("allEULAsAccepted") is not True:
        raise bad_request("vApp template %s has a licence agreement: set allEULAsAccepted" % t["name"])
    configs = (((b.get("instantiationParams") or {}).get("networkConfigSection") or {}).get("networkConfig")) or []
    if isinstance(configs, dict):
        configs = [configs]
    nets = []
    for c in configs:
        conf = (c or {}).get("configuration") or {}
        if conf.get("fenceMode", "bridged") != "bridged":
            raise bad_request("vcdlab supports bridged vApp networks only")
        nets.append((c.get("networkName"), _network(req, vdc, conf.get("parentNetwork"))))
    with st.lock:
        if any(x["name"].lower() == name.lower() and x["vdc_id"] == vdc["id"] for x in st.all("vapp")):
            raise ApiError(400, "DUPLICATE_NAME", "[ %s ] A vApp named %s already exists in VDC %s"
                           % (new_uuid(), name, vdc["name"]))
        u = new_uuid()
        v = {"id": urn("vapp", u), "uuid": u, "name": name, "description": b.get("description") or "",
             "vdc_id": vdc["id"], "org_id": vdc["org_id"], "status": 0, "template_id": t["id"],
             "owner_id": req.session["user_id"], "created": now_iso(), "vms": [], "task_ids": []}
        for vm_tpl in t.get("vms") or []:
            mu = new_uuid()
            vm = {"id": urn("vm", mu), "uuid": mu, "name": vm_tpl["name"], "status": 0,
                  "product_sections": _sections_from_template(vm_tpl), "nics": [],
                  "cpu": vm_tpl.get("cpu"), "memory_mb": vm_tpl.get("memory_mb")}
            for net_name, net in nets[:1]:
                vm["nics"].append({"network_id": net["id"], "network": net["name"], "ip": _allocate_ip(st, net),
                                   "mode": "POOL"})
            v["vms"].append(vm)
            st.put("vm", {"id": vm["id"], "uuid": mu, "vapp_id": v["id"]})  # a lookup index, no "name"
        st.put("vapp", v)
    power_on = bool(b.get("powerOn"))

    def apply():
        v["status"] = 4 if power_on else 8
        for vm in v["vms"]:
            vm["status"] = v["status"]

    def undo():
        _remove(st, v)
    org = st.get("org", vdc["org_id"])
    task = req.start_task("vdcInstantiateVapp", {"href": req.href("/api/vApp/vapp-%s" % u), "id": v["id"],
                                                 "name": name, "type": VAPP_TYPE}, apply, on_error=undo,
                          org={"name": org["name"], "id": org["id"]})
    v["task_ids"].append(task["id"])
    _notify(req.az, "created", v)
    return json_response(vapp_json(req, v, [task]), 201)


def _remove(st, v):
    for vm in v["vms"]:
        st.delete("vm", vm["id"])
    st.delete("vapp", v["id"])


# ------------------------------------------------------------------ read
@route("GET", "/api/vApp/vapp-{id}")
def vapp_get(req):
    legacy.legacy_only_json(req)
    return json_response(vapp_json(req, _vapp(req, req.params["id"])))


@route("GET", "/api/vApp/vm-{id}")
def vm_get(req):
    legacy.legacy_only_json(req)
    v, vm = _vm(req, req.params["id"])
    return json_response(vm_json(req, v, vm))


@route("GET", "/api/vApp/vm-{id}/productSections")
def sections_get(req):
    legacy.legacy_only_json(req)
    v, vm = _vm(req, req.params["id"])
    return json_response(sections_json(req, vm))


@route("PUT", "/api/vApp/vm-{id}/productSections")
def sections_put(req):
    legacy.legacy_only_json(req)
    v, vm = _vm(req, req.params["id"])
    sections = _parse_sections(legacy.require_json_body(req))

    def apply():
        vm["product_sections"] = sections
        _notify(req.az, "properties", v)
    task = req.start_task("vappUpdateVm", {"href": req.href("/api/vApp/vm-%s" % vm["uuid"]), "id": vm["id"],
                                           "name": vm["name"], "type": VM_TYPE}, apply)
    v["task_ids"].append(task["id"])
    return json_response(task_json(task, req.base), 202, headers=req.task_location(task))


# ------------------------------------------------------------------ power and delete
def _power(req, v, on):
    def apply():
        v["status"] = 4 if on else 8
        for vm in v["vms"]:
            vm["status"] = v["status"]
        _notify(req.az, "powered_on" if on else "powered_off", v)
    task = req.start_task("vappDeploy" if on else "vappUndeployPowerOff", {
        "href": req.href("/api/vApp/vapp-%s" % v["uuid"]), "id": v["id"], "name": v["name"], "type": VAPP_TYPE}, apply)
    v["task_ids"].append(task["id"])
    return json_response(task_json(task, req.base), 202, headers=req.task_location(task))


@route("POST", "/api/vApp/vapp-{id}/power/action/{action:powerOn|powerOff|shutdown}")
def vapp_power(req):
    v = _vapp(req, req.params["id"], write=True)
    if v["status"] == 0:
        raise bad_request("vApp %s is still being created" % v["name"])
    return _power(req, v, req.params["action"] == "powerOn")


@route("POST", "/api/vApp/vapp-{id}/action/undeploy")
def vapp_undeploy(req):
    v = _vapp(req, req.params["id"], write=True)
    return _power(req, v, False)


@route("DELETE", "/api/vApp/vapp-{id}")
def vapp_delete(req):
    v = _vapp(req, req.params["id"], write=True)
    if v["status"] == 4:
        raise bad_request("vApp %s is powered on: undeploy or power it off first" % v["name"])
    st = req.state

    def apply():
        _remove(st, v)
        _notify(req.az, "deleted", v)
    task = req.start_task("vdcDeleteVapp", {"href": req.href("/api/vApp/vapp-%s" % v["uuid"]), "id": v["id"],
                                            "name": v["name"], "type": VAPP_TYPE}, apply)
    return json_response(task_json(task, req.base), 202, headers=req.task_location(task))


# ------------------------------------------------------------------ query service
def _vapp_rec(req, v):
    st = req.state
    vdc = st.get("vdc", v["vdc_id"])
    o = st.get("org", v["org_id"])
    u = st.get("user", v.get("owner_id"))
    return {"_type": "QueryResultVAppRecordType", "href": req.href("/api/vApp/vapp-%s" % v["uuid"]), "id": v["id"],
            "name": v["name"], "description": v.get("description") or "",
            "vdc": req.href("/api/vdc/%s" % vdc["uuid"]) if vdc else None, "vdcName": vdc["name"] if vdc else None,
            "org": legacy.href(req, "org", o) if o else None, "status": STATUS.get(v["status"], str(v["status"])),
            "isDeployed": v["status"] == 4, "ownerName": u["name"] if u else None, "creationDate": v["created"],
            "numberOfVMs": len(v["vms"]), "isBusy": v["status"] == 0}, v["org_id"]


def _vm_rec(req, ref):
    st = req.state
    v = st.get("vapp", ref["vapp_id"])
    vm = next((x for x in v["vms"] if x["id"] == ref["id"]), None) if v else None
    if vm is None:
        return {"name": None}, None
    return {"_type": "QueryResultVMRecordType", "href": req.href("/api/vApp/vm-%s" % vm["uuid"]), "id": vm["id"],
            "name": vm["name"], "container": req.href("/api/vApp/vapp-%s" % v["uuid"]), "containerName": v["name"],
            "status": STATUS.get(vm["status"], str(vm["status"])),
            "ipAddress": vm["nics"][0]["ip"] if vm["nics"] else None, "isVAppTemplate": False,
            "numberOfCpus": vm.get("cpu"), "memoryMB": vm.get("memory_mb")}, v["org_id"]


for _name, _kind, _fn, _mt in (("vApp", "vapp", _vapp_rec, VAPP_TYPE), ("adminVApp", "vapp", _vapp_rec, VAPP_TYPE),
                               ("vm", "vm", _vm_rec, VM_TYPE), ("adminVM", "vm", _vm_rec, VM_TYPE)):
    query_area.register_query_type(_name, _kind, _fn, _mt)

__all__ = ["vm_properties", "VAPP_LISTENERS", "copy"]
