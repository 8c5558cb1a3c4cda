"""Runtime Defined Entities (api-reference §2): interfaces, behaviors, entity types, behavior ACLs,
entities (create 202 + task at 1 % until resolved, ETag / If-Match / 412, resolve, PRE_CREATED cannot
be deleted), invocations and entity ACLs.  Creating a type creates its rights and the rights bundle
"<vendor>:<nss> Entitlement"; deleting the last version of the type deletes them.

State kinds (keyed by a stable uuid of the URN, since interface/type URNs end in a version):
  rde_interface  {id <key>, urn, name, vendor, nss, version, readonly, behaviors: [behavior]}
  rde_type       {id <key>, urn, name, vendor, nss, version, description, interfaces: [urn], schema,
                  hooks, externalId, inheritedVersion, maxImplicitRight, readonly, acls: [{behaviorId, accessLevelId}],
                  behaviors: [type-level overrides]}
  rde_entity     {id urn:vcloud:entity:<vendor>:<nss>:<uuid>, uuid, entityType, name, externalId, entity,
                  state, org_id, owner_id, version, create_task, acls: [grant]}

Extension points for other areas (add-on backends, the CSE server stand-in):
  seed_interface(state, vendor, nss, version, name, behaviors=())   built-in interfaces
  seed_type(state, az, body)                                         built-in types (same body as POST)
  BEHAVIORS[execution id or behavior name] = fn(req, entity, arguments, metadata) -> result (str|dict|list)
      runs inside the invocation task; raise ApiError to fail the task.
  ENTITY_LISTENERS.append(fn(az, event, entity))   event: created|resolved|updated|deleted
  entity_json(state, e), get_entity(state, id), find_type(state, urn), put_entity(...) helpers.
"""
import copy
import json
import re

from . import rights as rights_area
from ..framework import (RESET_HOOKS, ApiError, Forbidden, Response, bad_request, json_response, new_uuid, page, route,
                         seed_hook, stable_uuid, urn, now_iso)

API = "/cloudapi/1.0.0"
LEVELS = {"urn:vcloud:accessLevel:ReadOnly": 1, "urn:vcloud:accessLevel:ReadWrite": 2,
          "urn:vcloud:accessLevel:FullControl": 3}
EXECUTION_TYPES = ("noop", "webhook", "mqtt", "vro", "awslambda", "activity", "builtin")
NAME_RX = re.compile(r"^[A-Za-z0-9_\-.]+$")
VERSION_RX = re.compile(r"^\d+\.\d+\.\d+$")
BEHAVIORS = {}
ENTITY_LISTENERS = []
ENTITLEMENT_RIGHTS = ("View", "Modify", "Full Access", "Administrator View", "Administrator Full access")


# ------------------------------------------------------------------ keys and lookups
def key(u):
    return stable_uuid("rde", u)


def iface_urn(vendor, nss, version):
    return "urn:vcloud:interface:%s:%s:%s" % (vendor, nss, version)


def type_urn(vendor, nss, version):
    return "urn:vcloud:type:%s:%s:%s" % (vendor, nss, version)


def behavior_urn(name, iface):
    return "urn:vcloud:behavior-interface:%s:%s:%s:%s" % ((name,) + tuple(iface["urn"].split(":")[3:6]))


def find_interface(state, u):
    return state.get("rde_interface", key(u)) if u else None


def find_type(state, u):
    return state.get("rde_type", key(u)) if u else None


def get_entity(state, ident):
    return state.get("rde_entity", ident)


def _notify(az, event, e):
    for fn in list(ENTITY_LISTENERS):
        try:
            fn(az, event, e)
        except Exception as exc:  # a listener bug must not break the API answer
            import sys
            sys.stderr.write("vcdlab rde listener %r failed on %s: %r\n" % (fn, event, exc))


# ------------------------------------------------------------------ JSON
def iface_json(i):
    return {"id": i["urn"], "name": i["name"], "vendor": i["vendor"], "nss": i["nss"], "version": i["version"],
            "readonly": bool(i.get("readonly"))}


def behavior_json(b):
    return {"id": b["id"], "name": b["name"], "ref": b.get("ref") or b["id"], "description": b.get("description"),
            "execution": b.get("execution") or {}}


def type_json(t):
    return {"id": t["urn"], "name": t["name"], "description": t.get("description") or "", "nss": t["nss"],
            "version": t["version"], "inheritedVersion": t.get("inheritedVersion"), "externalId": t.get("externalId"),
            "schema": t.get("schema") or {}, "vendor": t["vendor"], "interfaces": list(t["interfaces"]),
            "hooks": t.get("hooks") or {}, "readonly": bool(t.get("readonly")),
            "maxImplicitRight": t.get("maxImplicitRight")}


def _ref(state, kind, ident):
    o = state.get(kind, ident)
    return {"name": o["name"], "id": o["id"]} if o else None


def _secure_paths(schema, prefix=()):
    """Paths of properties marked secure / x-vcloud-restricted private|secure in a type schema."""
    out = []
    if not isinstance(schema, dict):
        return out
    for name, sub in (schema.get("properties") or {}).items():
        if not isinstance(sub, dict):
            continue
        path = prefix + (name,)
        marks = sub.get("x-vcloud-restricted")
        marks = marks if isinstance(marks, list) else [marks]
        if "private" in marks or "secure" in marks or sub.get("secure") is True:
            out.append(path)
        out.extend(_secure_paths(sub, path))
    return out


def _mask(contents, paths, api_version):
    if not paths:
        return contents
    contents = copy.deepcopy(contents)
    old = api_version is not None and tuple(int(x) for x in str(api_version).split(".")[:2]) < (38, 0)
    for path in paths:
        node = contents
        for p in path[:-1]:
            node = node.get(p) if isinstance(node, dict) else None
            if node is None:
                break
        if isinstance(node, dict) and path[-1] in node:
            if old:
                node.pop(path[-1])
            else:
                node[path[-1]] = "******"
    return contents


def entity_json(state, e, api_version=None, full=False):
    t = find_type(state, e["entityType"])
    contents = e["entity"]
    if not full and t is not None:
        contents = _mask(contents, _secure_paths(t.get("schema") or {}), api_version)
    return {"id": e["id"], "entityType": e["entityType"], "name": e["name"], "externalId": e.get("externalId"),
            "entity": contents, "state": e["state"], "entityState": e["state"] if e["state"] != "IN_DELETION" else e["state"],
            "message": e.get("message"), "owner": _ref(state, "user", e["owner_id"]) or {"name": "system", "id": e["owner_id"]},
            "org": _ref(state, "org", e["org_id"])}


def etag(e):
    return '"%s-%d"' % (e["uuid"][:8], e["version"])


# ------------------------------------------------------------------ seeding helpers
def seed_interface(state, vendor, nss, version, name, behaviors=(), readonly=True):
    u = iface_urn(vendor, nss, version)
    i = {"id": key(u), "urn": u, "name": name, "vendor": vendor, "nss": nss, "version": version,
         "readonly": readonly, "behaviors": []}
    for b in behaviors:
        i["behaviors"].append({"id": behavior_urn(b["name"], i), "name": b["name"],
                               "execution": b.get("execution") or {"type": "noop", "id": b["name"]},
                               "description": b.get("description")})
    return state.put("rde_interface", i)


def _entitlement(state, t, create=True):
    """Rights and "<vendor>:<nss> Entitlement" bundle of a type (shared by all its versions)."""
    prefix = "%s:%s" % (t["vendor"], t["nss"])
    names = ["%s: %s" % (prefix, r) for r in ENTITLEMENT_RIGHTS]
    if create:
        for n in names:
            rights_area.add_right(state, n, "Runtime Defined Entities", "VIEW" if "View" in n else "MODIFY")
        return rights_area.ensure_bundle(state, "%s Entitlement" % prefix, names,
                                         "Entitlement bundle for %s entities" % prefix)
    rights_area.delete_bundle(state, "%s Entitlement" % prefix)
    for n in names:
        rights_area.remove_right(state, n)
    return None


def seed_type(state, az, body, readonly=False):
    u = type_urn(body["vendor"], body["nss"], body["version"])
    t = {"id": key(u), "urn": u, "name": body.get("name") or body["nss"], "vendor": body["vendor"],
         "nss": body["nss"], "version": body["version"], "description": body.get("description") or "",
         "interfaces": list(body.get("interfaces") or []), "schema": body.get("schema") or {},
         "hooks": body.get("hooks") or {}, "externalId": body.get("externalId"),
         "inheritedVersion": body.get("inheritedVersion"), "maxImplicitRight": body.get("maxImplicitRight"),
         "readonly": readonly, "acls": [], "behaviors": []}
    state.put("rde_type", t)
    _entitlement(state, t)
    return t


# ------------------------------------------------------------------ contract fix
def _relax(node):
    """VMware's Swagger renders Java Map<String, Object> as `additionalProperties: {type: object}`, which
    would reject what VCD accepts and documents (Behavior.execution {"type": "noop", "id": …},
    DefinedEntity.entity, DefinedEntityType.schema/hooks hold strings, arrays, booleans).  Such maps take
    any JSON value."""
    if isinstance(node, dict):
        ap = node.get("additionalProperties")
        if isinstance(ap, dict) and ap.get("type") == "object" and not ap.get("properties") and len(
                [k for k in ap if k not in ("type", "properties", "description")]) == 0:
            node["additionalProperties"] = {}
        for v in node.values():
            _relax(v)
    elif isinstance(node, list):
        for v in node:
            _relax(v)


def _config_defaults(az):
    az.config.setdefault("rde_foreign_behaviors", True)


RESET_HOOKS.append(_config_defaults)


def relax_contract(az):
    spec = az.lab.spec
    if getattr(spec, "_maps_relaxed", False):
        return
    _relax(spec.data["req_defs"])
    _relax(spec.data["resp_defs"])
    for op in spec.ops.values():
        _relax(op.get("body"))
        _relax(op.get("responses"))
    spec._validators = {}
    spec._maps_relaxed = True


RESET_HOOKS.append(relax_contract)


@seed_hook(order=10)
def rde_seed(state, az):
    # built into VCD 10.4+: the Kubernetes interface and the TKG cluster type (vSphere with Tanzu)
    seed_interface(state, "vmware", "k8s", "1.0.0", "Kubernetes")
    seed_type(state, az, {"vendor": "vmware", "nss": "tkgcluster", "version": "1.0.0", "name": "TKG Cluster",
                          "interfaces": [iface_urn("vmware", "k8s", "1.0.0")],
                          "schema": {"type": "object"}}, readonly=True)


# ------------------------------------------------------------------ validation
def _schema_errors(schema, instance):
    if not schema:
        return None
    try:
        from jsonschema import Draft4Validator
    except ImportError:  # pragma: no cover
        return None
    try:
        v = Draft4Validator(_strip_x(schema))
        errs = sorted(v.iter_errors(instance), key=lambda e: list(e.absolute_path))
    except Exception as exc:
        return "schema error: %s" % exc
    if not errs:
        return None
    return "; ".join("%s: %s" % ("/".join(str(p) for p in e.absolute_path) or "(root)", e.message[:200])
                     for e in errs[:5])


def _strip_x(node):
    if isinstance(node, dict):
        return {k: _strip_x(v) for k, v in node.items() if not str(k).startswith("x-vcloud")}
    if isinstance(node, list):
        return [_strip_x(v) for v in node]
    return node


def _vnv(b, what):
    for k in ("vendor", "nss", "version", "name"):
        if not b.get(k) or not isinstance(b[k], str):
            raise bad_request("%s: %s is required" % (what, k))
    if not NAME_RX.match(b["vendor"]) or not NAME_RX.match(b["nss"]):
        raise bad_request("%s: vendor and nss may hold letters, digits, '_', '-' and '.' only" % what)
    if not VERSION_RX.match(b["version"]):
        raise bad_request("%s: version %r is not semantic (x.y.z)" % (what, b["version"]))


# ------------------------------------------------------------------ interfaces
def _iface_or_403(req, ident):
    i = find_interface(req.state, ident)
    if i is None:
        raise Forbidden("INTERFACE_VIEW")
    return i


def _types_using(state, iface_u):
    return [t for t in state.all("rde_type") if iface_u in t["interfaces"]]


@route("GET", API + "/interfaces")
def interfaces_list(req):
    return page(req, sorted((iface_json(i) for i in req.state.all("rde_interface")), key=lambda x: x["id"]),
                model="DefinedInterface")


@route("POST", API + "/interfaces")
def interface_create(req):
    req.require_provider()
    b = req.json or {}
    _vnv(b, "interface")
    u = iface_urn(b["vendor"], b["nss"], b["version"])
    with req.state.lock:
        if find_interface(req.state, u):
            raise ApiError(400, "RDE_INTERFACE_ALREADY_EXISTS", "[ %s ] Interface %s already exists" % (new_uuid(), u))
        i = seed_interface(req.state, b["vendor"], b["nss"], b["version"], b["name"], readonly=False)
    return json_response(iface_json(i), 201)


@route("GET", API + "/interfaces/{id}")
def interface_get(req):
    return json_response(iface_json(_iface_or_403(req, req.params["id"])))


@route("PUT", API + "/interfaces/{id}")
def interface_put(req):
    req.require_provider()
    i = _iface_or_403(req, req.params["id"])
    b = req.json or {}
    for k in ("vendor", "nss", "version"):
        if b.get(k) not in (None, i[k]):
            raise bad_request("The %s of an interface cannot change" % k)
    if b.get("name"):
        i["name"] = b["name"]
    return json_response(iface_json(i))


@route("DELETE", API + "/interfaces/{id}")
def interface_delete(req):
    req.require_provider()
    i = _iface_or_403(req, req.params["id"])
    if i.get("readonly"):
        raise bad_request("Interface %s is built in and cannot be deleted" % i["urn"])
    if _types_using(req.state, i["urn"]):
        raise bad_request("Interface %s is used by entity types %s" % (
            i["urn"], ", ".join(t["urn"] for t in _types_using(req.state, i["urn"]))))
    req.state.delete("rde_interface", i["id"])
    return Response(204)


@route("GET", API + "/interfaces/{id}/behaviors")
def interface_behaviors(req):
    i = _iface_or_403(req, req.params["id"])
    return page(req, [behavior_json(b) for b in i["behaviors"]], model="Behavior")


@route("GET", API + "/interfaces/{id}/behaviors/{bid}")
def interface_behavior(req):
    i = _iface_or_403(req, req.params["id"])
    for b in i["behaviors"]:
        if b["id"] == req.params["bid"] or b["name"] == req.params["bid"]:
            return json_response(behavior_json(b))
    raise Forbidden("BEHAVIOR_VIEW")


@route("POST", API + "/interfaces/{id}/behaviors")
def interface_behavior_add(req):
    req.require_provider()
    i = _iface_or_403(req, req.params["id"])
    b = req.json or {}
    name = b.get("name")
    ex = b.get("execution") or {}
    if not name or not isinstance(name, str):
        raise bad_request("behavior name is required")
    if not isinstance(ex, dict) or str(ex.get("type", "")).lower() not in EXECUTION_TYPES:
        raise bad_request("execution.type must be one of noop, WebHook, MQTT, VRO, AWSLambda, Activity")
    with req.state.lock:
        users = _types_using(req.state, i["urn"])
        if users:
            raise ApiError(400, "BAD_REQUEST", "[ %s ] Cannot add behavior %s to interface %s: it is used by entity "
                           "type(s) %s" % (new_uuid(), name, i["urn"], ", ".join(t["urn"] for t in users)))
        if any(x["name"] == name for x in i["behaviors"]):
            raise ApiError(400, "RDE_BEHAVIOR_ALREADY_EXISTS", "[ %s ] Behavior %s already exists in %s"
                           % (new_uuid(), name, i["urn"]))
        beh = {"id": behavior_urn(name, i), "name": name, "execution": ex, "description": b.get("description")}
        i["behaviors"].append(beh)
    return json_response(behavior_json(beh), 200)


@route("DELETE", API + "/interfaces/{id}/behaviors/{bid}")
def interface_behavior_delete(req):
    req.require_provider()
    i = _iface_or_403(req, req.params["id"])
    if _types_using(req.state, i["urn"]):
        raise bad_request("Interface %s is in use; its behaviors cannot change" % i["urn"])
    before = len(i["behaviors"])
    i["behaviors"] = [b for b in i["behaviors"] if b["id"] != req.params["bid"] and b["name"] != req.params["bid"]]
    if len(i["behaviors"]) == before:
        raise Forbidden("BEHAVIOR_VIEW")
    return Response(204)


# ------------------------------------------------------------------ types
def _type_or_403(req, ident):
    t = find_type(req.state, ident)
    if t is None:
        raise Forbidden("TYPE_VIEW")
    return t


def type_behaviors(state, t):
    out = []
    for iu in t["interfaces"]:
        i = find_interface(state, iu)
        if i:
            out.extend(i["behaviors"])
    return out


def _foreign_behavior(state, bid):
    """[modelled A21] a behavior of an interface the type does not implement (CSE's getFullEntity on
    capvcdCluster, which implements vmware:k8s only) may get an ACL and run.  Config `rde_foreign_behaviors`."""
    for i in state.all("rde_interface"):
        for b in i["behaviors"]:
            if bid in (b["id"],):
                return b
    return None


@route("GET", API + "/entityTypes")
def types_list(req):
    return page(req, sorted((type_json(t) for t in req.state.all("rde_type")), key=lambda x: x["id"]),
                model="DefinedEntityType")


@route("POST", API + "/entityTypes")
def type_create(req):
    req.require_provider()
    b = req.json or {}
    _vnv(b, "entity type")
    u = type_urn(b["vendor"], b["nss"], b["version"])
    missing = [i for i in b.get("interfaces") or [] if find_interface(req.state, i) is None]
    if missing:
        raise bad_request("Unknown interfaces: %s" % ", ".join(missing))
    schema = b.get("schema") or {}
    if not isinstance(schema, dict):
        raise bad_request("schema must be a JSON object")
    try:
        from jsonschema import Draft4Validator
        Draft4Validator.check_schema(_strip_x(schema))
    except ImportError:  # pragma: no cover
        pass
    except Exception as exc:
        raise bad_request("schema is not a valid JSON schema (draft-04): %s" % str(exc).splitlines()[0])
    with req.state.lock:
        if find_type(req.state, u):
            raise ApiError(400, "RDE_TYPE_ALREADY_EXISTS", "[ %s ] Entity type %s already exists" % (new_uuid(), u))
        t = seed_type(req.state, req.az, b)
    return json_response(type_json(t), 201)


@route("GET", API + "/entityTypes/{id}")
def type_get(req):
    return json_response(type_json(_type_or_403(req, req.params["id"])))


@route("PUT", API + "/entityTypes/{id}")
def type_put(req):
    req.require_provider()
    t = _type_or_403(req, req.params["id"])
    if t.get("readonly"):
        raise bad_request("Entity type %s is read-only" % t["urn"])
    b = req.json or {}
    for k in ("vendor", "nss", "version"):
        if b.get(k) not in (None, t[k]):
            raise bad_request("The %s of an entity type cannot change" % k)
    if b.get("interfaces") is not None and sorted(b["interfaces"]) != sorted(t["interfaces"]):
        raise bad_request("The interfaces of an entity type cannot change")
    with req.state.lock:
        for k in ("name", "description", "schema", "hooks", "externalId", "maxImplicitRight"):
            if k in b and b[k] is not None:
                t[k] = b[k]
    return json_response(type_json(t))


@route("DELETE", API + "/entityTypes/{id}")
def type_delete(req):
    req.require_provider()
    t = _type_or_403(req, req.params["id"])
    if t.get("readonly"):
        raise bad_request("Entity type %s is built in" % t["urn"])
    if any(e["entityType"] == t["urn"] for e in req.state.all("rde_entity")):
        raise bad_request("Entity type %s still has entities" % t["urn"])
    with req.state.lock:
        req.state.delete("rde_type", t["id"])
        if not any(o["vendor"] == t["vendor"] and o["nss"] == t["nss"] for o in req.state.all("rde_type")):
            _entitlement(req.state, t, create=False)
    return Response(204)


@route("GET", API + "/entityTypes/{id}/behaviors")
def type_behaviors_get(req):
    t = _type_or_403(req, req.params["id"])
    return page(req, [behavior_json(b) for b in type_behaviors(req.state, t)], model="Behavior")


@route("GET", API + "/entityTypes/{id}/behaviors/{bid}")
def type_behavior_get(req):
    t = _type_or_403(req, req.params["id"])
    for b in type_behaviors(req.state, t):
        if b["id"] == req.params["bid"]:
            return json_response(behavior_json(b))
    raise Forbidden("BEHAVIOR_VIEW")


def _acl_values(req, t):
    vals = req.json or {}
    vals = vals.get("values") if "values" in vals else [vals]
    if not isinstance(vals, list):
        raise bad_request("values must be a list")
    known = {b["id"] for b in type_behaviors(req.state, t)}
    foreign = req.az.config.get("rde_foreign_behaviors", True)
    out = []
    for v in vals:
        bid, lvl = (v or {}).get("behaviorId"), (v or {}).get("accessLevelId")
        if bid not in known and not (foreign and _foreign_behavior(req.state, bid)):
            raise bad_request("Behavior %s is not a behavior of %s" % (bid, t["urn"]))
        if lvl not in LEVELS:
            raise bad_request("accessLevelId must be one of %s" % ", ".join(LEVELS))
        out.append({"behaviorId": bid, "accessLevelId": lvl})
    return out


@route("GET", API + "/entityTypes/{id}/behaviorAccessControls")
def type_acl_get(req):
    t = _type_or_403(req, req.params["id"])
    return page(req, [dict(a) for a in t["acls"]], model="BehaviorAccess")


@route("PUT", API + "/entityTypes/{id}/behaviorAccessControls")
def type_acl_put(req):
    req.require_provider()
    t = _type_or_403(req, req.params["id"])
    t["acls"] = _acl_values(req, t)  # PUT replaces the whole list
    return page(req, [dict(a) for a in t["acls"]], model="BehaviorAccess")


@route("POST", API + "/entityTypes/{id}/behaviorAccessControls")
def type_acl_post(req):
    req.require_provider()
    t = _type_or_403(req, req.params["id"])
    new = _acl_values(req, t)
    for a in new:
        t["acls"] = [x for x in t["acls"] if x["behaviorId"] != a["behaviorId"]] + [a]
    return json_response(new[0] if new else {})


# ------------------------------------------------------------------ entities
def _access(req, e):
    """The caller's access level on an entity (0 = none)."""
    if req.is_provider and not req.org_ctx_explicit:
        return 3
    level = 0
    if e["org_id"] == req.org_ctx:
        level = 3 if req.is_provider or e["owner_id"] == req.session["user_id"] else 2
    for g in e.get("acls", []):
        if g.get("memberId") in (req.org_ctx, req.session["user_id"]):
            level = max(level, LEVELS.get(g.get("accessLevelId"), 0))
    return level


def _entity_or_403(req, ident, level=1):
    e = get_entity(req.state, ident)
    if e is None or _access(req, e) < level:
        raise Forbidden("ENTITY_VIEW" if level == 1 else "ENTITY_MODIFY")
    return e


def _listed(req, e):
    """Lists: a provider without tenant context sees System entities only (api-reference §2)."""
    if req.is_provider and not req.org_ctx_explicit:
        org = req.state.get("org", e["org_id"])
        return bool(org and org.get("is_system"))
    return _access(req, e) >= 1


def _resolve(req, e):
    t = find_type(req.state, e["entityType"])
    err = _schema_errors((t or {}).get("schema"), e["entity"])
    if err:
        e.update(state="RESOLUTION_ERROR", message=err)
    else:
        e.update(state="RESOLVED", message=None)
    e["version"] += 1
    if e.get("create_task"):
        task_id, e["create_task"] = e["create_task"], None
        req.az.tasks.complete(task_id)
    _notify(req.az, "resolved" if e["state"] == "RESOLVED" else "resolution_error", e)
    return e


def put_entity(state, az, type_u, name, contents, org_id, owner_id, external_id=None, resolved=True):
    """Create an entity directly (seeds, add-on backends); returns it."""
    t = find_type(state, type_u)
    parts = type_u.split(":")
    u = new_uuid()
    e = {"id": "urn:vcloud:entity:%s:%s:%s" % (parts[3], parts[4], u), "uuid": u, "entityType": type_u, "name": name,
         "externalId": external_id, "entity": copy.deepcopy(contents), "state": "PRE_CREATED", "message": None,
         "org_id": org_id, "owner_id": owner_id, "version": 1, "create_task": None, "acls": [], "created": now_iso()}
    if resolved:
        err = _schema_errors((t or {}).get("schema"), e["entity"])
        e.update(state="RESOLUTION_ERROR" if err else "RESOLVED", message=err)
    state.put("rde_entity", e)
    _notify(az, "created", e)
    return e


@route("POST", API + "/entityTypes/{id}")
def entity_create(req):
    t = _type_or_403(req, req.params["id"])
    b = req.json or {}
    if not b.get("name") or not isinstance(b.get("entity"), dict):
        raise bad_request("name and entity (an object) are required")
    org = req.state.get("org", req.org_ctx)
    e = put_entity(req.state, req.az, t["urn"], b["name"], b["entity"], org["id"], req.session["user_id"],
                   b.get("externalId"), resolved=False)
    owner = {"href": req.href("/cloudapi/1.0.0/entities/%s" % e["id"]), "id": e["id"], "name": e["name"],
             "type": "application/json"}
    task = req.start_task("createDefinedEntity", owner, None, manual=True, org={"name": org["name"], "id": org["id"]})
    e["create_task"] = task["id"]
    if req.query.get("resolveEntity", "").lower() == "true" and not (t.get("hooks") or {}).get("PostCreate"):
        _resolve(req, e)
    return Response(202, None, req.task_location(task))


def _list_entities(req, match):
    items = [entity_json(req.state, e, req.api_version) for e in req.state.all("rde_entity")
             if match(e) and _listed(req, e)]
    items.sort(key=lambda x: x["name"] + x["id"])
    return page(req, items, model="DefinedEntity")


def _version_match(want, have):
    return have == want or have.startswith(want.rstrip(".") + ".") or (want.endswith("*") and have.startswith(want[:-1]))


@route("GET", API + "/entities/types/{vendor}/{nss}/{version}")
def entities_by_type(req):
    p = req.params
    prefix = "urn:vcloud:type:%s:%s:" % (p["vendor"], p["nss"])
    return _list_entities(req, lambda e: e["entityType"].startswith(prefix)
                          and _version_match(p["version"], e["entityType"][len(prefix):]))


@route("GET", API + "/entities/types/{vendor}/{nss}")
def entities_by_type_any(req):
    prefix = "urn:vcloud:type:%s:%s:" % (req.params["vendor"], req.params["nss"])
    return _list_entities(req, lambda e: e["entityType"].startswith(prefix))


@route("GET", API + "/entities/interfaces/{vendor}/{nss}/{version}")
def entities_by_interface(req):
    p = req.params
    iu = iface_urn(p["vendor"], p["nss"], p["version"])
    types = {t["urn"] for t in req.state.all("rde_type") if iu in t["interfaces"]}
    return _list_entities(req, lambda e: e["entityType"] in types)


@route("GET", API + "/entities/{id}")
def entity_get(req):
    e = _entity_or_403(req, req.params["id"])
    return json_response(entity_json(req.state, e, req.api_version), headers={"ETag": etag(e)})


@route("GET", API + "/entities/{id}/fullContents")
def entity_full(req):
    e = _entity_or_403(req, req.params["id"], 3)
    return json_response(entity_json(req.state, e, req.api_version, full=True), headers={"ETag": etag(e)})


def _if_match(req, e):
    want = req.headers.get("If-Match")
    if want and want.strip() != etag(e):
        raise ApiError(412, "PRECONDITION_FAILED", "[ %s ] The entity %s was changed by someone else (ETag %s, "
                       "If-Match %s): read it again" % (new_uuid(), e["id"], etag(e), want))


def _unmask(new, old, schema):
    """Masked secure fields sent back unchanged keep their stored value."""
    for path in _secure_paths(schema or {}):
        n, o = new, old
        for p in path[:-1]:
            n = n.get(p) if isinstance(n, dict) else None
            o = o.get(p) if isinstance(o, dict) else None
        if isinstance(n, dict) and isinstance(o, dict) and n.get(path[-1]) == "******" and path[-1] in o:
            n[path[-1]] = o[path[-1]]
        elif isinstance(n, dict) and isinstance(o, dict) and path[-1] not in n and path[-1] in o:
            n[path[-1]] = o[path[-1]]
    return new


@route("PUT", API + "/entities/{id}")
def entity_put(req):
    e = _entity_or_403(req, req.params["id"], 2)
    b = req.json or {}
    if not b.get("name") or not isinstance(b.get("entity"), dict):
        raise bad_request("name and entity (an object) are required")
    with req.state.lock:
        _if_match(req, e)
        t = find_type(req.state, e["entityType"])
        contents = _unmask(copy.deepcopy(b["entity"]), e["entity"], (t or {}).get("schema"))
        new_type = b.get("entityType") or e["entityType"]
        if new_type != e["entityType"]:
            if _access(req, e) < 3:
                raise Forbidden("ENTITY_FULL_CONTROL")
            nt = find_type(req.state, new_type)
            if nt is None or new_type.split(":")[:5] != e["entityType"].split(":")[:5]:
                raise bad_request("entityType may only change to another version of the same type")
            t = nt
        if e["state"] == "RESOLVED":
            err = _schema_errors((t or {}).get("schema"), contents)
            if err:
                raise ApiError(400, "BAD_REQUEST", "[ %s ] RDE_INVALID_ENTITY_CONTENTS: the entity does not match "
                               "the schema of %s: %s" % (new_uuid(), new_type, err))
        e.update(name=b["name"], entity=contents, entityType=new_type)
        if "externalId" in b:
            e["externalId"] = b["externalId"]
        if e["state"] == "RESOLUTION_ERROR":
            e.update(state="PRE_CREATED", message=None)
        e["version"] += 1
    _notify(req.az, "updated", e)
    return json_response(entity_json(req.state, e, req.api_version), headers={"ETag": etag(e)})


@route("POST", API + "/entities/{id}/resolve")
def entity_resolve(req):
    e = _entity_or_403(req, req.params["id"], 2)
    with req.state.lock:
        _resolve(req, e)
    out = {"id": e["id"], "entity": entity_json(req.state, e, req.api_version)["entity"], "state": e["state"],
           "entityState": e["state"], "message": e.get("message")}
    return json_response(out, headers={"ETag": etag(e)})


@route("DELETE", API + "/entities/{id}")
def entity_delete(req):
    e = _entity_or_403(req, req.params["id"], 3)
    with req.state.lock:
        _if_match(req, e)
        if e["state"] == "PRE_CREATED":
            raise ApiError(400, "BAD_REQUEST", "[ %s ] Entity %s is in state PRE_CREATED and cannot be deleted; "
                           "resolve it first" % (new_uuid(), e["id"]))
        req.state.delete("rde_entity", e["id"])
    _notify(req.az, "deleted", e)
    return Response(204)


# ------------------------------------------------------------------ invocations
def _find_behavior(state, t, bid):
    for b in type_behaviors(state, t):
        if bid in (b["id"], b["name"]):
            return b
    return None


@route("POST", API + "/entities/{id}/behaviors/{bid}/invocations")
def entity_invoke(req):
    e = _entity_or_403(req, req.params["id"])
    t = find_type(req.state, e["entityType"])
    b = _find_behavior(req.state, t, req.params["bid"]) if t else None
    if b is None and t and req.az.config.get("rde_foreign_behaviors", True):
        b = _foreign_behavior(req.state, req.params["bid"])
    if b is None:
        raise bad_request("Behavior %s is not defined for entity type %s" % (req.params["bid"], e["entityType"]))
    acl = next((a for a in t["acls"] if a["behaviorId"] == b["id"]), None)
    if acl is None:
        raise ApiError(403, "ACCESS_TO_RESOURCE_IS_FORBIDDEN", "[ %s ] Behavior %s of %s has no access control: "
                       "nobody may run it" % (new_uuid(), b["id"], t["urn"]))
    if _access(req, e) < LEVELS[acl["accessLevelId"]]:
        raise Forbidden("BEHAVIOR_INVOKE")
    body = req.json or {}
    args, meta = body.get("arguments") or {}, body.get("metadata") or {}
    ex = b.get("execution") or {}
    handler = BEHAVIORS.get(ex.get("id")) or BEHAVIORS.get(b["id"]) or BEHAVIORS.get(b["name"])
    if handler is None and str(ex.get("type", "")).lower() == "noop":
        def handler(req_, ent, a, m):
            return entity_json(req_.state, ent, full=True)
    if handler is None:
        raise ApiError(400, "BAD_REQUEST", "[ %s ] vcdlab: no backend runs behavior %s (execution %s)"
                       % (new_uuid(), b["id"], ex))
    org = req.state.get("org", e["org_id"])
    result = {}

    def apply():
        out = handler(req, e, args, meta)
        return out if isinstance(out, str) else json.dumps(out)
    task = req.start_task("executeBehavior", {"href": req.href("/cloudapi/1.0.0/entities/%s" % e["id"]),
                                               "id": e["id"], "name": e["name"], "type": "application/json"},
                          apply, org={"name": org["name"], "id": org["id"]} if org else None)
    del result
    return Response(202, None, req.task_location(task))


# ------------------------------------------------------------------ entity ACLs
def grant_json(e, g):
    return {"id": g["id"], "tenant": g.get("tenant"), "grantType": g["grantType"], "objectId": e["id"],
            "accessLevelId": g["accessLevelId"], "memberId": g["memberId"]}


@route("GET", API + "/entities/{id}/accessControls")
def entity_acls(req):
    e = _entity_or_403(req, req.params["id"])
    return page(req, [grant_json(e, g) for g in e.get("acls", [])], model="AccessControlGrant")


@route("POST", API + "/entities/{id}/accessControls")
def entity_acl_add(req):
    e = _entity_or_403(req, req.params["id"], 3)
    b = req.json or {}
    if b.get("grantType") != "MembershipAccessControlGrant":
        raise bad_request("grantType must be MembershipAccessControlGrant")
    if b.get("accessLevelId") not in LEVELS:
        raise bad_request("accessLevelId must be one of %s" % ", ".join(LEVELS))
    member = b.get("memberId") or ""
    st = req.state
    target_org = None
    if member.startswith("urn:vcloud:org:"):
        target_org = st.get("org", member)
    elif member.startswith("urn:vcloud:user:"):
        u = st.get("user", member)
        target_org = st.get("org", u["org_id"]) if u else None
    if target_org is None:
        raise bad_request("memberId %s is not an organization or a user" % member)
    if target_org["id"] != e["org_id"]:
        owner_org = st.get("org", e["org_id"])
        if not (owner_org and owner_org.get("is_system")):
            raise bad_request("Only entities of the System organization can be shared with other organizations")
        t = find_type(st, e["entityType"])
        bundle = next((x for x in st.all("rights_bundle")
                       if x["name"] == "%s:%s Entitlement" % (t["vendor"], t["nss"])), None) if t else None
        if bundle is None or not (bundle.get("publishAll") or target_org["id"] in bundle["tenants"]):
            raise bad_request("The rights bundle of %s is not published to %s" % (e["entityType"], target_org["name"]))
    with st.lock:
        for g in e.setdefault("acls", []):
            if g["memberId"] == member:
                g["accessLevelId"] = b["accessLevelId"]
                return json_response(grant_json(e, g), 201)
        g = {"id": urn("accessControl", new_uuid()), "grantType": b["grantType"], "accessLevelId": b["accessLevelId"],
             "memberId": member, "tenant": {"name": target_org["name"], "id": target_org["id"]}}
        e["acls"].append(g)
    return json_response(grant_json(e, g), 201)


@route("DELETE", API + "/entities/{id}/accessControls/{aid}")
def entity_acl_delete(req):
    e = _entity_or_403(req, req.params["id"], 3)
    before = len(e.get("acls", []))
    e["acls"] = [g for g in e.get("acls", []) if g["id"] != req.params["aid"]]
    if len(e["acls"]) == before:
        raise Forbidden("ACCESS_CONTROL_VIEW")
    return Response(204)
