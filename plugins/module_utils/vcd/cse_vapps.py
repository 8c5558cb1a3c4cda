# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""vApps from catalog templates, guest properties, power and deletion (api-reference §1.8).

Generic (used by vcd_vapp, vcd_vapp_info and the CSE server module), in the JSON
form of the legacy API:

    list_vapps(client, vdc, prefix=None, name=None) -> [record]
        Query-service records (``adminVApp``) of the VDC's vApps: {name, href, status, vdc}.
    get(client, href) -> dict                          the vApp (or VM) JSON
    instantiate(client, vdc, name, template_href, network=None, description="", power_on=False) -> dict
    properties(client, vm) -> (sections, {key: value})  product sections of a VM
    set_properties(client, vm, wanted, sections=None) -> bool   merge ``wanted`` into them (PUT + task)
    power(client, vapp, on) -> bool                      power on / undeploy (off)
    delete(client, vapp) -> None                         powers off first when needed
    describe(client, record) -> dict                     {name, href, id, status, powered_on, vms: [{name, href,
                                                          id, ip, properties}]}

``vdc`` is a VDC dict ``{id, name}`` (cloudapi) or its URN.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from .client import VcdError, VcdNotFound, fiql_value, uuid_of

INSTANTIATE_TYPE = "application/vnd.vmware.vcloud.instantiateVAppTemplateParams+json"
SECTIONS_TYPE = "application/vnd.vmware.vcloud.productSections+json"
UNDEPLOY_TYPE = "application/vnd.vmware.vcloud.undeployVAppParams+json"
POWERED_ON = 4
POWERED_OFF = 8


def _path(href):
    if "://" not in str(href):
        return href
    parts = urlsplit(href)
    return parts.path + ("?" + parts.query if parts.query else "")


def _vdc_uuid(vdc):
    return uuid_of(vdc.get("id") if isinstance(vdc, dict) else vdc)


def list_vapps(client, vdc, prefix=None, name=None):
    flt, encoded = None, False
    if name:
        text, encoded = fiql_value(name)
        flt = "name==%s" % text
    elif prefix:
        text, encoded = fiql_value(prefix)
        flt = "name==%s*" % text
    out, page = [], 1
    while True:
        params = {"type": "adminVApp", "format": "records", "page": page, "pageSize": 128}
        if flt:
            params["filter"] = flt
            if encoded:
                params["filterEncoded"] = "true"
        body = client.get("/api/query", params=params, legacy=True, what="query vApps")
        for rec in body.get("record") or []:
            if uuid_of(rec.get("vdc")) == _vdc_uuid(vdc) and (not prefix or str(rec.get("name", "")).startswith(prefix)):
                out.append(rec)
        if page * 128 >= int(body.get("total") or 0):
            return sorted(out, key=lambda r: r.get("name") or "")
        page += 1


def get(client, href):
    return client.get(_path(href), legacy=True, what=str(href).rsplit("/", 1)[-1])


def instantiate(client, vdc, name, template_href, network=None, description="", power_on=False):
    """Instantiate a template (its EULAs accepted, A10), bridged to ``network``; waits for the task."""
    params = {}
    if network:
        params["networkConfigSection"] = {"networkConfig": [{
            "networkName": network, "configuration": {"parentNetwork": {"name": network}, "fenceMode": "bridged"}}]}
    body = {"name": name, "description": description or "", "deploy": bool(power_on), "powerOn": bool(power_on),
            "source": {"href": template_href}, "allEULAsAccepted": True, "instantiationParams": params}
    path = "/api/vdc/%s/action/instantiateVAppTemplate" % _vdc_uuid(vdc)
    resp = client.request("POST", path, json=body, headers={"Content-Type": INSTANTIATE_TYPE},
                          what="instantiate vApp %s" % name)
    vapp = resp.json()
    task = client.task_of(resp)
    if task:
        client.wait_task(task, what="instantiate vApp %s" % name)
    return get(client, vapp["href"])


def _vms(vapp):
    return ((vapp.get("children") or {}).get("vm")) or []


def _sections_href(vm):
    for link in vm.get("link") or []:
        if link and link.get("type") == SECTIONS_TYPE:
            return link.get("href")
    return vm["href"].rstrip("/") + "/productSections/"


def _value(prop):
    value = prop.get("value")
    if isinstance(value, dict):
        value = value.get("value")
    return value if value is not None else prop.get("defaultValue") or ""


def properties(client, vm):
    body = client.get(_path(_sections_href(vm)), legacy=True, what="product sections of %s" % vm.get("name"))
    sections = body.get("productSection") or []
    values = {}
    for sec in sections:
        for prop in sec.get("property") or []:
            values[prop.get("key")] = _value(prop)
    return sections, values


def set_properties(client, vm, wanted, sections=None):
    """Merge ``wanted`` {key: value} into the VM's product sections; True when something changed."""
    if sections is None:
        sections = properties(client, vm)[0]
    sections = [dict(s, property=[dict(p) for p in s.get("property") or []]) for s in sections] or [
        {"info": {"value": "Properties"}, "property": []}]
    changed = False
    for key, value in wanted.items():
        value = "" if value is None else str(value)
        prop = next((p for s in sections for p in s["property"] if p.get("key") == key), None)
        if prop is None:
            sections[0]["property"].append({"key": key, "type": "string", "userConfigurable": True,
                                            "defaultValue": "", "value": {"value": value}})
            changed = True
        elif _value(prop) != value:
            prop["value"] = {"value": value}
            changed = True
    if changed:
        client.write("PUT", _path(_sections_href(vm)), {"productSection": sections}, legacy=True,
                     content_type=SECTIONS_TYPE, what="set the guest properties of %s" % vm.get("name"))
    return changed


def _link(obj, rel):
    for link in obj.get("link") or []:
        if link and link.get("rel") == rel:
            return link.get("href")
    return None


def power(client, vapp, on):
    vapp = get(client, vapp["href"]) if "status" not in vapp else vapp
    if on and vapp.get("status") == POWERED_ON or not on and vapp.get("status") != POWERED_ON:
        return False
    if on:
        href = _link(vapp, "power:powerOn") or vapp["href"] + "/power/action/powerOn"
        client.write("POST", _path(href), legacy=True, what="power on vApp %s" % vapp.get("name"))
    else:
        href = _link(vapp, "undeploy") or vapp["href"] + "/action/undeploy"
        client.write("POST", _path(href), {"undeployPowerAction": "powerOff"}, legacy=True,
                     content_type=UNDEPLOY_TYPE, what="power off vApp %s" % vapp.get("name"))
    return True


def delete(client, vapp):
    try:
        current = get(client, vapp["href"])
    except VcdNotFound:
        return
    power(client, current, False)
    try:
        client.write("DELETE", _path(current["href"]), legacy=True, what="delete vApp %s" % current.get("name"))
    except VcdNotFound:
        return


def describe(client, record, with_properties=True):
    vapp = get(client, record["href"])
    vms = []
    for vm in _vms(vapp):
        nics = ((vm.get("networkConnectionSection") or {}).get("networkConnection")) or []
        entry = {"name": vm.get("name"), "href": vm.get("href"), "id": vm.get("id"), "status": vm.get("status"),
                 "ip": nics[0].get("ipAddress") if nics else None, "network": nics[0].get("network") if nics else None}
        if with_properties:
            entry["properties"] = properties(client, vm)[1]
        vms.append(entry)
    return {"name": vapp.get("name"), "href": vapp.get("href"), "id": vapp.get("id"),
            "description": vapp.get("description") or "", "status": vapp.get("status"),
            "powered_on": vapp.get("status") == POWERED_ON, "vms": vms, "_raw": vapp}


def vms_of(vapp):
    return _vms(vapp)


__all__ = ["list_vapps", "get", "instantiate", "properties", "set_properties", "power", "delete", "describe",
           "vms_of", "VcdError"]
