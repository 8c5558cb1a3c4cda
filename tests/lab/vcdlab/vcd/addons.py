"""Solution Add-Ons (api-reference §3): the built-in RDE types of VCD 10.4.1+ and the add-on backend.

Seeded per AZ (built into VCD): interfaces and types `vmware:solutions_organization:1.0.0` (landing
zone), `vmware:solutions_add_on:1.0.0` (behaviour `createInstance`) and
`vmware:solutions_add_on_instance:1.0.0` (behaviour `invoke`), with behaviour ACLs.

What the add-on backend does, as a real VCD's does:
  * an add-on entity resolves only when its ISO (origin.catalogItemId, uploaded media) holds the four
    root files, matches the entity's manifest and its certificate is in the certificate library;
  * there is one landing zone: a second one does not resolve;
  * `createInstance` (on the add-on) checks the inputs against the manifest - every `input-<name>`
    declared, typed as declared (a Boolean sent as a string fails), required ones present - needs a
    landing zone, refuses a second instance of the same name, then creates a RESOLVED instance entity
    `{name, prototype, status, scope, requests, properties, addonInstanceSolutionName}`;
  * `invoke` (on the instance) runs `delete instance` (the backend deletes the entity; `name` is the
    instance name, A15) and `publish instance` (`scope` = org names joined by commas, `scope-all`);
    other operations (upgrade, rollback, day-2: A16) fail.
Status values and the task result text are fixtures (A14): status READY, request status SUCCESS.

Add-on specific effects (e.g. DSE, dse.py) register in ADDON_BACKENDS[(vendor, name)] an object with
`create(req, addon, instance)` and `delete(req, addon, instance, arguments)` (raise ApiError to fail).

The lab also provides the vendor's download: at start, `<run_dir>/addons/vmware-ds-1.4.0-23376809.iso`
(a stand-in for the DSE 1.4 ISO, built by tests/integration/addon_iso.py) when it is not there yet.

Also here: GET /cloudapi/2.0.0/vdcs/{id}/computePolicies (every VDC has "System Default"), which
the landing zone needs and no other area serves yet.
"""
import importlib.util
import json
import os
import sys

from ..framework import RESET_HOOKS, ApiError, new_uuid, now_iso, page, route, seed_hook, stable_uuid, urn
from ..legacy import get_visible
from . import media_backend, rde

LZ = ("vmware", "solutions_organization", "1.0.0")
ADDON = ("vmware", "solutions_add_on", "1.0.0")
INSTANCE = ("vmware", "solutions_add_on_instance", "1.0.0")
ADDON_BACKENDS = {}
STATUS_READY = "READY"          # A14 fixture
REQUEST_OK = "SUCCESS"          # A14 fixture
FULL = "urn:vcloud:accessLevel:FullControl"

_REF = {"type": "object", "required": ["name"], "properties": {
    "id": {"type": "string"}, "name": {"type": "string"}, "isDefault": {"type": "boolean"},
    "capabilities": {"type": "array"}}}
LZ_SCHEMA = {"type": "object", "required": ["id", "name", "catalogs", "vdcs"], "properties": {
    "id": {"type": "string"}, "name": {"type": "string"},
    "catalogs": {"type": "array", "minItems": 1, "items": _REF},
    "vdcs": {"type": "array", "minItems": 1, "items": {"type": "object", "required": ["name"], "properties": {
        "id": {"type": "string"}, "name": {"type": "string"}, "isDefault": {"type": "boolean"},
        "capabilities": {"type": "array"}, "networks": {"type": "array", "items": _REF},
        "storagePolicies": {"type": "array", "items": _REF}, "computePolicies": {"type": "array", "items": _REF}}}}}}
ADDON_SCHEMA = {"type": "object", "required": ["eula", "icon", "manifest", "origin", "status"], "properties": {
    "eula": {"type": "string", "minLength": 1}, "icon": {"type": "string", "pattern": "^data:image/"},
    "manifest": {"type": "object", "required": ["vendor", "name", "version"], "properties": {
        "vendor": {"type": "string"}, "name": {"type": "string"}, "version": {"type": "string"},
        "inputs": {"type": "array", "items": {"type": "object", "required": ["name", "type"], "properties": {
            "name": {"type": "string"}, "type": {"enum": ["String", "Boolean", "Integer"]}}}}}},
    "origin": {"type": "object", "required": ["type", "acceptedBy", "acceptedOn", "catalogItemId"], "properties": {
        "type": {"enum": ["CATALOG"]}, "acceptedBy": {"type": "string"}, "acceptedOn": {"type": "string"},
        "catalogItemId": {"type": "string", "pattern": "^urn:vcloud:catalogitem:"}}},
    "status": {"type": "string"}}}
INSTANCE_SCHEMA = {"type": "object", "required": ["name", "prototype"], "properties": {
    "name": {"type": "string"}, "prototype": {"type": "string"}, "status": {"type": "string"},
    "scope": {"type": "object"}, "requests": {"type": "array"}, "properties": {"type": "object"},
    "addonInstanceSolutionName": {"type": "string"}}}


def type_u(t):
    return rde.type_urn(*t)


def behavior_id(name, t):
    return "urn:vcloud:behavior-interface:%s:%s:%s:%s" % ((name,) + t)


@seed_hook(order=15)
def addons_seed(state, az):
    rde.seed_interface(state, *LZ, name="Solutions Organization")
    rde.seed_interface(state, *ADDON, name="Solution Add-On", behaviors=[
        {"name": "createInstance", "execution": {"type": "Activity", "id": "solution-addon-create-instance"}}])
    rde.seed_interface(state, *INSTANCE, name="Solution Add-On Instance", behaviors=[
        {"name": "invoke", "execution": {"type": "Activity", "id": "solution-addon-instance-invoke"}}])
    for t, name, schema in ((LZ, "Solutions Organization", LZ_SCHEMA), (ADDON, "Solution Add-On", ADDON_SCHEMA),
                            (INSTANCE, "Solution Add-On Instance", INSTANCE_SCHEMA)):
        body = {"vendor": t[0], "nss": t[1], "version": t[2], "name": name, "schema": schema,
                "interfaces": [rde.iface_urn(*t)]}
        typ = rde.seed_type(state, az, body, readonly=True)
        typ["acls"] = [{"behaviorId": b["id"], "accessLevelId": FULL}
                       for b in rde.type_behaviors(state, typ)]


# ------------------------------------------------------------------ listeners
def _system_org(state):
    return next((o for o in state.all("org") if o.get("is_system")), None)


def _on_entity(az, event, e):
    if event != "resolved":
        return
    st = az.state
    if e["entityType"] == type_u(LZ):
        others = [x for x in st.all("rde_entity") if x["entityType"] == type_u(LZ) and x["id"] != e["id"]
                  and x["state"] == "RESOLVED"]
        if others:
            e.update(state="RESOLUTION_ERROR", message="There can be only one landing zone (%s exists)"
                     % others[0]["id"])
    elif e["entityType"] == type_u(ADDON):
        why = media_backend.check_addon(st, e)
        if why:
            e.update(state="RESOLUTION_ERROR", message=why)


rde.ENTITY_LISTENERS.append(_on_entity)


# ------------------------------------------------------------------ inputs
def _typed(spec, value):
    kind = spec.get("type") or "String"
    if kind == "Boolean":
        return isinstance(value, bool)
    if kind == "Integer":
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, str)


def check_inputs(manifest, arguments, delete=False):
    """{name: value} of the `input-` arguments; ApiError on unknown, missing or wrongly typed inputs."""
    specs = {i["name"]: i for i in manifest.get("inputs") or [] if bool(i.get("delete")) == delete}
    values = {}
    problems = []
    for k, v in arguments.items():
        if not k.startswith("input-"):
            continue
        name = k[len("input-"):]
        spec = specs.get(name)
        if spec is None:
            problems.append("unknown input %s" % name)
            continue
        items = v if spec.get("isArray") and isinstance(v, list) else [v]
        if spec.get("isArray") and not isinstance(v, list):
            problems.append("input %s must be an array" % name)
            continue
        if not all(_typed(spec, x) for x in items):
            problems.append("input %s must be of type %s, got %s" % (name, spec.get("type"), json.dumps(v)))
            continue
        allowed = spec.get("values")
        if isinstance(allowed, list) and allowed:
            allowed = [a.get("value") if isinstance(a, dict) else a for a in allowed]
            if any(x not in allowed for x in items):
                problems.append("input %s must be one of %s" % (name, ", ".join(map(str, allowed))))
                continue
        values[name] = v
    for name, spec in specs.items():
        if name not in values and spec.get("required") and spec.get("default") is None:
            problems.append("input %s is required" % name)
    if problems:
        raise ApiError(400, "BAD_REQUEST", "[ %s ] Invalid add-on inputs: %s" % (new_uuid(), "; ".join(problems)))
    return values


# ------------------------------------------------------------------ behaviours
def _fail(message):
    return ApiError(400, "BAD_REQUEST", "[ %s ] %s" % (new_uuid(), message))


def _instances(state, addon_id=None):
    return [e for e in state.all("rde_entity") if e["entityType"] == type_u(INSTANCE)
            and (addon_id is None or e["entity"].get("prototype") == addon_id)]


def _bump(e):
    e["version"] += 1


def create_instance(req, addon, arguments, metadata):
    st = req.state
    if arguments.get("operation") != "create instance":
        raise _fail("createInstance: operation must be 'create instance', got %r" % arguments.get("operation"))
    name = arguments.get("name")
    if not name or not isinstance(name, str):
        raise _fail("createInstance: name is required")
    if addon["state"] != "RESOLVED":
        raise _fail("add-on %s is %s, not RESOLVED" % (addon["name"], addon["state"]))
    why = media_backend.check_addon(st, addon)
    if why:
        raise _fail("add-on %s cannot run: %s" % (addon["name"], why))
    if not any(e["entityType"] == type_u(LZ) and e["state"] == "RESOLVED" for e in st.all("rde_entity")):
        raise _fail("there is no landing zone: the add-on has nowhere to run")
    manifest = addon["entity"].get("manifest") or {}
    props = check_inputs(manifest, arguments)
    if any(e["entity"].get("name") == name for e in _instances(st, addon["id"])):
        raise _fail("add-on %s already has an instance named %s" % (addon["name"], name))
    invocation = new_uuid()
    contents = {"name": name, "prototype": addon["id"], "status": STATUS_READY,
                "scope": {"allTenants": False, "tenantScoped": True, "tenants": [], "providerScoped": True},
                "requests": [{"operation": "create instance", "status": REQUEST_OK, "error": "",
                              "invocationId": invocation, "time": now_iso()}],
                "properties": props, "addonInstanceSolutionName": manifest.get("name")}
    sysorg = _system_org(st)
    inst = rde.put_entity(st, req.az, type_u(INSTANCE), name, contents, sysorg["id"], req.session["user_id"])
    backend = ADDON_BACKENDS.get((manifest.get("vendor"), manifest.get("name")))
    if backend is not None:
        try:
            backend.create(req, addon, inst)
        except ApiError:
            st.delete("rde_entity", inst["id"])
            raise
    return {"status": REQUEST_OK, "operation": "create instance", "instance": inst["id"], "name": name,
            "invocationId": invocation}


def _org_names(state, scope):
    names = [n.strip() for n in (scope or "").split(",") if n.strip()]
    orgs = {o["name"]: o for o in state.all("org") if not o.get("is_system")}
    unknown = [n for n in names if n not in orgs]
    if unknown:
        raise _fail("publish instance: unknown organizations %s" % ", ".join(unknown))
    return names


def instance_invoke(req, inst, arguments, metadata):
    st = req.state
    op = arguments.get("operation")
    body = inst["entity"]
    addon = rde.get_entity(st, body.get("prototype"))
    manifest = ((addon or {}).get("entity") or {}).get("manifest") or {}
    invocation = new_uuid()
    if op == "delete instance":
        if arguments.get("name") != body.get("name"):
            raise _fail("delete instance: name %r is not the instance's name %r" % (arguments.get("name"),
                                                                                    body.get("name")))
        values = check_inputs(manifest, arguments, delete=True)
        backend = ADDON_BACKENDS.get((manifest.get("vendor"), manifest.get("name")))
        if backend is not None:
            backend.delete(req, addon, inst, values)
        st.delete("rde_entity", inst["id"])
        rde._notify(req.az, "deleted", inst)
        return {"status": REQUEST_OK, "operation": op, "name": body.get("name"), "invocationId": invocation}
    if op == "publish instance":
        scope_all = arguments.get("scope-all")
        if not isinstance(scope_all, bool):
            raise _fail("publish instance: scope-all must be a Boolean")
        names = [] if scope_all else _org_names(st, arguments.get("scope"))
        body["scope"] = {"allTenants": scope_all, "tenantScoped": True, "tenants": names, "providerScoped": True}
        body.setdefault("requests", []).append({"operation": op, "status": REQUEST_OK, "error": "",
                                                "invocationId": invocation, "time": now_iso()})
        body["published_at"] = now_iso()
        _bump(inst)
        return {"status": REQUEST_OK, "operation": op, "name": body.get("name"), "invocationId": invocation}
    raise _fail("operation %r is not supported by the lab's add-on backend (upgrade, rollback and day-2 "
                "operations are assumption A16)" % op)


rde.BEHAVIORS[behavior_id("createInstance", ADDON)] = create_instance
rde.BEHAVIORS[behavior_id("invoke", INSTANCE)] = instance_invoke


# ------------------------------------------------------------------ compute policies of a VDC
@route("GET", "/cloudapi/2.0.0/vdcs/{id}/computePolicies")
def vdc_compute_policies(req):
    vdc = get_visible(req, "vdc", req.params["id"])
    u = stable_uuid(req.az.name, "vdc_compute_policy", vdc["id"], "System Default")
    items = [{"id": urn("vdcComputePolicy", u), "name": "System Default", "description": "System Default policy",
              "policyType": "VdcVmPolicy", "isSizingOnly": False}]
    return page(req, items, model="VdcComputePolicy2")


# ------------------------------------------------------------------ the vendor's ISO
DEMO_ISO = "vmware-ds-1.4.0-23376809.iso"


def _builder():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "integration", "addon_iso.py")
    spec = importlib.util.spec_from_file_location("vcdlab_addon_iso", os.path.abspath(path))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def provide_demo_iso(az):
    target = os.path.join(az.lab.run_dir, "addons", DEMO_ISO)
    if az.index != 1 or os.path.exists(target):
        return
    try:
        _builder().build_addon_iso(target)
    except Exception as exc:  # the lab still runs; playbooks that need the ISO say it is missing
        sys.stderr.write("vcdlab: could not build the stand-in DSE ISO %s: %r\n" % (target, exc))


RESET_HOOKS.append(provide_demo_iso)
