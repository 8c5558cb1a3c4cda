"""Catalog uploads (api-reference §1.7): OVA -> vApp template and ISO media, in the JSON form of the
legacy API, with VCD's behaviours: the catalog's `add` links; item names unique per catalog; upload
links that appear late (config `upload_link_delay`, seconds); chunked PUTs with
`Content-Range: bytes s-e/total` to /transfer/<session>/<file>, which need a live session; an upload
task that stays running until every byte arrived, then succeeds (template status 8, media status 1)
or fails (a `task_fail` fault on the POST); deleting the item deletes the entity and its bytes.

State kinds:
  catalog_item   {id urn:vcloud:catalogitem:<u>, name, description, catalog_id, org_id, entity_kind, entity_id, owner_id}
  vapp_template  {id urn:vcloud:vapptemplate:<u>, name, catalog_id, org_id, item_id, status, files: [file],
                  ovf (text), vms: [vm], eula, task_id, links_at, transfer}
  media          {id urn:vcloud:media:<u>, name, imageType, size, catalog_id, org_id, item_id, status, files, task_id, ...}
  file entry     {name, size, bytesTransferred, path (on disk, under <run_dir>/uploads/<az>/<uuid>/)}

For other areas: `parse_ovf(text)` -> {vms: [{name, product_sections: [{class, instance, properties:
[{key, type, value, userConfigurable, label}]}]}], eula, files: [(href, size)]};
`uploaded_path(state, entity)` / `entity_of_item(state, item)` to read what a client uploaded
(e.g. an add-on ISO); `template_by_href(state, href)`.
"""
import os
import re
import shutil
import threading
import xml.etree.ElementTree as ET

from .. import legacy
from ..framework import (RESET_HOOKS, ApiError, Forbidden, Response, bad_request, json_response, new_uuid, now_iso,
                         route, urn, uuid_of)
from ..tasks import task_json
from . import catalogs as catalogs_area
from . import query as query_area

OVF_NS = "http://schemas.dmtf.org/ovf/envelope/1"
TEMPLATE_TYPE = "application/vnd.vmware.vcloud.vAppTemplate+json"
MEDIA_TYPE = "application/vnd.vmware.vcloud.media+json"
ITEM_TYPE = "application/vnd.vmware.vcloud.catalogItem+json"
RANGE_RX = re.compile(r"^bytes (\d+)-(\d+)/(\d+|\*)$")


def _config_defaults(az):
    az.config.setdefault("upload_link_delay", 0.3)


RESET_HOOKS.append(_config_defaults)


# ------------------------------------------------------------------ OVF
def _local(tag):
    return tag.split("}")[-1]


def _attr(elem, name):
    return elem.get("{%s}%s" % (OVF_NS, name), elem.get(name))


def parse_ovf(text):
    """What the lab needs from a descriptor; raises ValueError on a bad one."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise ValueError("not XML: %s" % exc)
    if _local(root.tag) != "Envelope":
        raise ValueError("the root element is %s, not Envelope" % _local(root.tag))
    files = []
    for elem in root.iter():
        if _local(elem.tag) == "File" and _attr(elem, "href"):
            size = _attr(elem, "size")
            files.append((_attr(elem, "href"), int(size) if size and size.isdigit() else -1))
    systems = [e for e in root.iter() if _local(e.tag) == "VirtualSystem"]
    if not systems:
        raise ValueError("the descriptor holds no VirtualSystem")
    vms = []
    for vs in systems:
        name = next((c.text for c in vs if _local(c.tag) == "Name" and c.text), None) or _attr(vs, "id") or "vm"
        sections = []
        for ps in (c for c in vs.iter() if _local(c.tag) == "ProductSection"):
            props = []
            for p in (c for c in ps.iter() if _local(c.tag) == "Property"):
                label = next((c.text for c in p if _local(c.tag) == "Label"), None)
                props.append({"key": _attr(p, "key"), "type": _attr(p, "type") or "string",
                              "value": _attr(p, "value") or "",
                              "userConfigurable": str(_attr(p, "userConfigurable") or "false").lower() == "true",
                              "password": str(_attr(p, "password") or "false").lower() == "true",
                              "label": label})
            product = next((c.text for c in ps if _local(c.tag) == "Product"), None)
            version = next((c.text for c in ps if _local(c.tag) == "Version"), None)
            sections.append({"class": _attr(ps, "class") or "", "instance": _attr(ps, "instance") or "",
                             "product": product, "version": version, "properties": props})
        cpu, mem = 2, 4096
        for item in (c for c in vs.iter() if _local(c.tag) == "Item"):
            rtype = next((c.text for c in item if _local(c.tag) == "ResourceType"), None)
            qty = next((c.text for c in item if _local(c.tag) == "VirtualQuantity"), None)
            if rtype == "3" and qty and qty.isdigit():
                cpu = int(qty)
            elif rtype == "4" and qty and qty.isdigit():
                mem = int(qty)
        vms.append({"name": name, "product_sections": sections, "cpu": cpu, "memory_mb": mem})
    eula = any(_local(e.tag) == "EulaSection" for e in root.iter())
    return {"vms": vms, "eula": eula, "files": files}


# ------------------------------------------------------------------ helpers
def _dir(req, entity):
    d = os.path.join(req.az.lab.run_dir, "uploads", req.az.name, entity["uuid"])
    os.makedirs(d, exist_ok=True)
    return d


def uploaded_path(state, entity, name=None):
    """Path of an uploaded file of a template/media (the first file when name is None)."""
    for f in entity.get("files") or []:
        if (name is None and f["name"] != "descriptor.ovf") or f["name"] == name:
            return f.get("path")
    return None


def entity_of_item(state, item):
    return state.get(item["entity_kind"], item["entity_id"])


def template_by_href(state, href):
    u = str(href or "").rstrip("/").rsplit("/", 1)[-1].replace("vappTemplate-", "")
    return state.get("vapp_template", u)


def _template_href(req, t):
    return req.href("/api/vAppTemplate/vappTemplate-%s" % t["uuid"])


def _entity_href(req, kind, e):
    return _template_href(req, e) if kind == "vapp_template" else req.href("/api/media/%s" % e["uuid"])


def _files_json(req, e):
    import time
    if not e.get("files"):
        return None
    ready = time.time() >= e.get("links_at", 0)
    out = []
    for f in e["files"]:
        entry = {"name": f["name"], "size": f["size"], "bytesTransferred": f["bytesTransferred"], "checksum": None,
                 "link": []}
        if ready and f["bytesTransferred"] < max(f["size"], 1) and e["status"] not in (8, 1, -1):
            entry["link"] = [{"rel": "upload:default", "href": req.href("/transfer/%s/%s" % (e["transfer"], f["name"]))}]
        out.append(entry)
    return {"file": out}


def _tasks_json(req, e):
    t = req.state.get("task", e.get("task_id")) if e.get("task_id") else None
    return {"task": [task_json(t, req.base)]} if t and t["status"] not in ("success",) else None


def template_json(req, t):
    st = req.state
    item = st.get("catalog_item", t.get("item_id"))
    links = [{"rel": "remove", "href": _template_href(req, t)}]
    if item:
        links.append({"rel": "catalogItem", "href": req.href("/api/catalogItem/%s" % item["uuid"]), "type": ITEM_TYPE})
    return {"otherAttributes": {}, "href": _template_href(req, t), "type": TEMPLATE_TYPE, "id": t["id"],
            "operationKey": None, "name": t["name"], "description": t.get("description") or "",
            "status": t["status"], "ovfDescriptorUploaded": bool(t.get("ovf")), "goldMaster": False,
            "files": _files_json(req, t), "tasks": _tasks_json(req, t),
            "children": {"vm": [{"name": vm["name"], "id": "urn:vcloud:vm:%s" % vm["uuid"],
                                 "href": req.href("/api/vAppTemplate/vm-%s" % vm["uuid"]),
                                 "type": "application/vnd.vmware.vcloud.vm+json"} for vm in t.get("vms") or []]}
            if t.get("vms") else None,
            "dateCreated": t["created"], "link": links}


def media_json(req, m):
    item = req.state.get("catalog_item", m.get("item_id"))
    links = [{"rel": "remove", "href": req.href("/api/media/%s" % m["uuid"])}]
    if item:
        links.append({"rel": "catalogItem", "href": req.href("/api/catalogItem/%s" % item["uuid"]), "type": ITEM_TYPE})
    return {"otherAttributes": {}, "href": req.href("/api/media/%s" % m["uuid"]), "type": MEDIA_TYPE, "id": m["id"],
            "name": m["name"], "description": m.get("description") or "", "imageType": m["imageType"],
            "size": m["size"], "status": m["status"], "files": _files_json(req, m), "tasks": _tasks_json(req, m),
            "dateCreated": m["created"], "link": links}


def item_json(req, i):
    e = entity_of_item(req.state, i)
    cat = req.state.get("catalog", i["catalog_id"])
    return {"otherAttributes": {}, "href": req.href("/api/catalogItem/%s" % i["uuid"]), "type": ITEM_TYPE,
            "id": i["id"], "name": i["name"], "description": i.get("description") or "",
            "entity": {"href": _entity_href(req, i["entity_kind"], e), "id": e["id"], "name": e["name"],
                       "type": TEMPLATE_TYPE if i["entity_kind"] == "vapp_template" else MEDIA_TYPE} if e else None,
            "dateCreated": i["created"], "versionNumber": 1,
            "link": [{"rel": "up", "href": req.href("/api/catalog/%s" % cat["uuid"]),
                      "type": "application/vnd.vmware.vcloud.catalog+json"} if cat else None,
                     {"rel": "remove", "href": req.href("/api/catalogItem/%s" % i["uuid"])}]}


def _readable(req, org_id, catalog_id):
    """Own org's objects, or those of a catalog shared with / published to the caller."""
    if legacy.visible(req, org_id):
        return True
    try:
        catalogs_area._catalog_readable(req, catalog_id)
        return True
    except ApiError:
        return False


def _get(req, kind, ident):
    o = req.state.get(kind, ident)
    if o is None or not _readable(req, o["org_id"], o["catalog_id"]):
        raise Forbidden("VIEW")
    return o


def _writable(req, kind, ident):
    o = req.state.get(kind, ident)
    if o is None or not legacy.visible(req, o["org_id"]):
        raise Forbidden("EDIT")
    return o


def remove_entity(state, kind, e):
    """Delete a template/media, its catalog item and its bytes."""
    item = state.get("catalog_item", e.get("item_id"))
    if item:
        state.delete("catalog_item", item["id"])
    state.delete(kind, e["id"])
    for f in e.get("files") or []:
        if f.get("path"):
            shutil.rmtree(os.path.dirname(f["path"]), ignore_errors=True)
            break


# ------------------------------------------------------------------ create
@route("POST", "/api/catalog/{id}/action/upload")
def upload_start(req):
    legacy.legacy_only_json(req)
    st = req.state
    c = st.get("catalog", req.params["id"])
    if c is None or not legacy.visible(req, c["org_id"]):
        raise Forbidden("CATALOG_EDIT")
    ctype = (req.headers.get("Content-Type") or "").split(";")[0].strip()
    b = legacy.require_json_body(req)
    name = b.get("name")
    if not name or not isinstance(name, str):
        raise bad_request("name is required")
    if ctype.endswith("uploadVAppTemplateParams+json"):
        kind = "vapp_template"
    elif ctype.endswith("media+json"):
        kind = "media"
        if b.get("imageType") not in ("iso", "floppy"):
            raise bad_request("imageType must be iso or floppy")
        if not isinstance(b.get("size"), int) or isinstance(b.get("size"), bool) or b["size"] < 0:
            raise bad_request("size (bytes, an integer) is required")
    else:
        raise ApiError(415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type %r: expected "
                       "application/vnd.vmware.vcloud.uploadVAppTemplateParams+json or "
                       "application/vnd.vmware.vcloud.media+json" % ctype)
    org = st.get("org", c["org_id"])
    import time
    with st.lock:
        for i in st.find("catalog_item", catalog_id=c["id"]):
            if i["name"].lower() == name.lower():
                raise ApiError(400, "DUPLICATE_NAME", "[ %s ] The catalog item name %s is already in use in catalog %s."
                               % (new_uuid(), name, c["name"]))
        iu, eu = new_uuid(), new_uuid()
        item = {"id": urn("catalogitem", iu), "uuid": iu, "name": name, "description": b.get("description") or "",
                "catalog_id": c["id"], "org_id": c["org_id"], "entity_kind": kind, "owner_id": req.session["user_id"],
                "created": now_iso()}
        e = {"uuid": eu, "name": name, "description": b.get("description") or "", "catalog_id": c["id"],
             "org_id": c["org_id"], "item_id": item["id"], "status": 0, "created": now_iso(),
             "transfer": new_uuid(), "links_at": time.time() + float(req.az.config.get("upload_link_delay", 0.3)),
             "task_fail": req.task_fail, "owner_id": req.session["user_id"]}
        if kind == "vapp_template":
            e.update(id=urn("vapptemplate", eu), files=[{"name": "descriptor.ovf", "size": -1, "bytesTransferred": 0}],
                     vms=[], ovf=None)
        else:
            e.update(id=urn("media", eu), imageType=b["imageType"], size=b["size"],
                     files=[{"name": "file", "size": b["size"], "bytesTransferred": 0}])
        item["entity_id"] = e["id"]
        st.put("catalog_item", item)
        st.put(kind, e)

    def failed():
        e["status"] = -1

    def ready():
        e["status"] = 8 if kind == "vapp_template" else 1
    owner = {"href": _entity_href(req, kind, e), "id": e["id"], "name": name,
             "type": TEMPLATE_TYPE if kind == "vapp_template" else MEDIA_TYPE}
    task = req.start_task("vdcUploadOvfContents" if kind == "vapp_template" else "vdcUploadMedia", owner, ready,
                          manual=True, on_error=failed, org={"name": org["name"], "id": org["id"]},
                          fail=None)
    e["task_id"] = task["id"]
    if kind == "media":
        return json_response(media_json(req, e), 201)
    return json_response(item_json(req, item), 201)


def _finish_later(az, e):
    """All bytes are in: the upload task ends after the task duration."""
    gen = az.state.generation

    def run():
        if az.state.generation != gen:
            return
        az.tasks.complete(e["task_id"], error=e.get("task_fail"))
    threading.Timer(float(az.config.get("task_duration", 0.3)), run).start()


def _by_transfer(state, tid):
    for kind in ("vapp_template", "media"):
        for e in state.all(kind):
            if e.get("transfer") == tid:
                return kind, e
    return None, None


@route("PUT", "/transfer/{tid}/{name}", versioned=False)
def transfer_put(req):
    import time
    st = req.state
    kind, e = _by_transfer(st, req.params["tid"])
    if e is None or not legacy.visible(req, e["org_id"]):
        raise ApiError(404, "NOT_FOUND", "No upload session %s" % req.params["tid"])
    if e["status"] in (8, 1, -1) or time.time() < e.get("links_at", 0):
        raise ApiError(400, "BAD_REQUEST", "Upload session %s does not accept %s now" % (req.params["tid"], req.params["name"]))
    f = next((x for x in e["files"] if x["name"] == req.params["name"]), None)
    if f is None:
        raise ApiError(404, "NOT_FOUND", "Upload session %s has no file %s" % (req.params["tid"], req.params["name"]))
    body = req.body or b""
    if f["name"] == "descriptor.ovf" and kind == "vapp_template":
        try:
            text = body.decode("utf-8")
            info = parse_ovf(text)
        except (UnicodeDecodeError, ValueError) as exc:
            raise bad_request("The OVF descriptor is not valid: %s" % exc)
        with st.lock:
            e["ovf"] = text
            f.update(size=len(body), bytesTransferred=len(body))
            for href, size in info["files"]:
                e["files"].append({"name": href, "size": size, "bytesTransferred": 0})
            e["vms"] = [dict(vm, uuid=new_uuid()) for vm in info["vms"]]
            e["eula"] = info["eula"]
            e["links_at"] = time.time() + float(req.az.config.get("upload_link_delay", 0.3))
            if not info["files"]:
                _finish_later(req.az, e)
        return Response(200)
    rng = req.headers.get("Content-Range")
    if rng:
        m = RANGE_RX.match(rng.strip())
        if not m:
            raise bad_request("Content-Range %r: expected bytes <start>-<end>/<total>" % rng)
        start, end = int(m.group(1)), int(m.group(2))
        total = int(m.group(3)) if m.group(3) != "*" else f["size"]
        if end < start or end - start + 1 != len(body):
            raise bad_request("Content-Range %s does not match the %d bytes sent" % (rng, len(body)))
    else:
        start, end, total = 0, len(body) - 1, len(body)
    if f["size"] >= 0 and total != f["size"]:
        raise bad_request("File %s is %d bytes; Content-Range says %d" % (f["name"], f["size"], total))
    if start > f["bytesTransferred"]:
        raise ApiError(416, "RANGE_NOT_SATISFIABLE", "File %s: %d bytes received so far; a chunk starting at %d "
                       "leaves a gap" % (f["name"], f["bytesTransferred"], start))
    with st.lock:
        path = f.get("path") or os.path.join(_dir(req, e), os.path.basename(f["name"]))
        f["path"] = path
        mode = "r+b" if os.path.exists(path) else "wb"
        with open(path, mode) as out:
            out.seek(start)
            out.write(body)
        f["size"] = total
        f["bytesTransferred"] = max(f["bytesTransferred"], end + 1)
        if all(x["bytesTransferred"] >= max(x["size"], 0) for x in e["files"]) and e.get("ovf", True) is not None:
            _finish_later(req.az, e)
    return Response(200)


# ------------------------------------------------------------------ read / delete
@route("GET", "/api/vAppTemplate/vappTemplate-{id}")
def template_get(req):
    legacy.legacy_only_json(req)
    return json_response(template_json(req, _get(req, "vapp_template", req.params["id"])))


@route("GET", "/api/media/{id}")
def media_get(req):
    legacy.legacy_only_json(req)
    return json_response(media_json(req, _get(req, "media", req.params["id"])))


@route("GET", "/api/catalogItem/{id}")
def item_get(req):
    legacy.legacy_only_json(req)
    return json_response(item_json(req, _get(req, "catalog_item", req.params["id"])))


def _delete(req, kind, e):
    st = req.state
    owner = {"href": _entity_href(req, kind, e), "id": e["id"], "name": e["name"],
             "type": TEMPLATE_TYPE if kind == "vapp_template" else MEDIA_TYPE}
    running = st.get("task", e.get("task_id"))
    if running and running["status"] in ("queued", "running"):
        running["cancelRequested"] = True
        req.az.tasks.complete(running["id"])
    task = req.start_task("vdcDeleteTemplate" if kind == "vapp_template" else "vdcDeleteMedia", owner,
                          lambda: remove_entity(st, kind, e))
    return json_response(task_json(task, req.base), 202, headers=req.task_location(task))


@route("DELETE", "/api/catalogItem/{id}")
def item_delete(req):
    i = _writable(req, "catalog_item", req.params["id"])
    e = entity_of_item(req.state, i)
    if e is None:
        req.state.delete("catalog_item", i["id"])
        return Response(204)
    return _delete(req, i["entity_kind"], e)


@route("DELETE", "/api/vAppTemplate/vappTemplate-{id}")
def template_delete(req):
    return _delete(req, "vapp_template", _writable(req, "vapp_template", req.params["id"]))


@route("DELETE", "/api/media/{id}")
def media_delete(req):
    return _delete(req, "media", _writable(req, "media", req.params["id"]))


# ------------------------------------------------------------------ query service
def _owner_org(req, obj):
    """The org id the query service checks: the owner's, or the caller's when the catalog is shared with it."""
    if legacy.visible(req, obj["org_id"]):
        return obj["org_id"]
    return req.org_ctx if _readable(req, obj["org_id"], obj["catalog_id"]) else obj["org_id"]


def _item_rec(req, i):
    st = req.state
    c = st.get("catalog", i["catalog_id"])
    e = entity_of_item(st, i)
    o = st.get("org", i["org_id"])
    u = st.get("user", i.get("owner_id"))
    status = {8: "RESOLVED", 1: "RESOLVED", -1: "FAILED_CREATION"}.get((e or {}).get("status"), "UNRESOLVED")
    return {"_type": "QueryResultCatalogItemRecordType", "href": req.href("/api/catalogItem/%s" % i["uuid"]),
            "id": i["id"], "name": i["name"], "catalog": req.href("/api/catalog/%s" % c["uuid"]) if c else None,
            "catalogName": c["name"] if c else None, "entity": _entity_href(req, i["entity_kind"], e) if e else None,
            "entityName": e["name"] if e else None,
            "entityType": "vapptemplate" if i["entity_kind"] == "vapp_template" else "media",
            "owner": req.href("/api/admin/user/%s" % u["uuid"]) if u else None, "ownerName": u["name"] if u else None,
            "org": legacy.href(req, "org", o) if o else None, "status": status, "isPublished": bool(c and c["isPublished"]),
            "creationDate": i["created"], "isExpired": False}, _owner_org(req, i)


def _template_rec(req, t):
    st = req.state
    c = st.get("catalog", t["catalog_id"])
    o = st.get("org", t["org_id"])
    status = {8: "RESOLVED", -1: "FAILED_CREATION"}.get(t["status"], "UNRESOLVED")
    return {"_type": "QueryResultVAppTemplateRecordType", "href": _template_href(req, t), "id": t["id"],
            "name": t["name"], "catalogName": c["name"] if c else None,
            "catalog": req.href("/api/catalog/%s" % c["uuid"]) if c else None,
            "org": legacy.href(req, "org", o) if o else None, "status": status, "isGoldMaster": False,
            "isBusy": t["status"] == 0, "creationDate": t["created"], "numberOfVMs": len(t.get("vms") or []),
            "isExpired": False}, _owner_org(req, t)


def _media_rec(req, m):
    st = req.state
    c = st.get("catalog", m["catalog_id"])
    o = st.get("org", m["org_id"])
    status = {1: "RESOLVED", -1: "FAILED_CREATION"}.get(m["status"], "UNRESOLVED")
    return {"_type": "QueryResultMediaRecordType", "href": req.href("/api/media/%s" % m["uuid"]), "id": m["id"],
            "name": m["name"], "catalogName": c["name"] if c else None,
            "catalog": req.href("/api/catalog/%s" % c["uuid"]) if c else None,
            "org": legacy.href(req, "org", o) if o else None, "status": status, "storageB": m["size"],
            "isBusy": m["status"] == 0, "creationDate": m["created"]}, _owner_org(req, m)


for _name, _kind, _fn, _mt in (
        ("catalogItem", "catalog_item", _item_rec, ITEM_TYPE),
        ("adminCatalogItem", "catalog_item", _item_rec, ITEM_TYPE),
        ("vAppTemplate", "vapp_template", _template_rec, TEMPLATE_TYPE),
        ("adminVAppTemplate", "vapp_template", _template_rec, TEMPLATE_TYPE),
        ("media", "media", _media_rec, MEDIA_TYPE),
        ("adminMedia", "media", _media_rec, MEDIA_TYPE)):
    query_area.register_query_type(_name, _kind, _fn, _mt)
