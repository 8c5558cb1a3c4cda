"""App Launchpad (ALP 2.x) as the lab VCD sees it (api-reference §9).

1. What `alp connect` does to VCD.  The stand-in `alp` command on a node host
   (tests/lab/standins/alp) logs in to this VCD with the admin credentials it was given (a real
   provider login, so wrong ones fail with 401) and then calls the lab-only
   ``POST /_lab/alp/connect`` {token, sa_user, sa_pass, bus: amqp|mqtt, node, version}, which
   applies the documented side effects:

   * the service account: a System user ``sa_user`` with the role **App-Launchpad-Service**
     (created, or adopted when it exists: an existing user must have the given password);
   * the UI plugin "App Launchpad" (vendor VMware), published to all tenants;
   * the extension registration: over AMQP (no ``--mqtt``) a legacy API extension service
     (``/api/admin/extension/service``, exchange ``vmware-alp`` in VCD's vhost, API filter
     ``/api/alp``), which needs VCD's AMQP broker settings (ALP "pulls" them); with ``--mqtt`` an
     MQTT external service (``/cloudapi/extensions/api``).
   * MQTT gives no HA: a second node connecting over MQTT is refused.  Switching MQTT -> AMQP
     needs the MQTT extension deleted first (as VMware documents); AMQP -> MQTT is a plain rerun.

   Each connected node is recorded in the state kind ``alp_instance``.

2. Content Hub (the ALP REST API is modelled by VCD Content Hub, A48; API 39.1, so these
   ``/cloudapi`` paths are registered as spec gaps):

   * ``/cloudapi/1.0.0/catalogContentSources``: {name, url, sourceType: VmwareMarketplace |
     HelmchartRepo}; POST answers 201 for the Marketplace and 202 + task for a Helm repository
     (the repository is synced by the task);
   * ``/cloudapi/1.0.0/appTemplates``: the applications a source offers once synced
     (AppTemplate {appType, status: READY}); the lab's sources offer the Bitnami catalogue below;
   * ``/cloudapi/1.0.0/appTemplates/{id}/tenants[/publish|/unpublish]``: which tenant orgs may
     deploy the application (VCD's rights-bundle publishing shapes, §1.9).  A tenant session sees
     only the applications published to its org.
"""
import re

from .. import legacy
from ..admin_api import admin
from ..framework import (ROUTES, ApiError, Forbidden, bad_request, empty, json_response, new_uuid, now_iso,
                         page, route, stable_uuid)
from ..seed import make_user
from ..spec import register_gap
from . import rights as rights_area
from .core import find_org, find_user
from .query import register_query_type

SERVICE_ROLE = "App-Launchpad-Service"
# what the stand-in gives the service role (the real list is ALP's own; modelled)
SERVICE_RIGHTS = ["General: Administrator View", "Organization: View", "Organization: Traversal",
                  "UI Plugins: View", "Catalog: View Published Catalogs", "Catalog: Create / Delete a Catalog",
                  "Catalog: Sharing", "vApp Template / Media: View", "vApp Template / Media: Create / Upload",
                  "User: View", "Group / User: View"]
PLUGIN_NAME, PLUGIN_VENDOR = "App Launchpad", "VMware"
EXTENSION_NAME, EXTENSION_VENDOR, EXTENSION_NAMESPACE = "alp", "vmware", "alp"
ALP_EXCHANGE = "vmware-alp"

# What the lab's chart sources offer (Bitnami names and chart versions).
CATALOGUE = [
    ("wordpress", "19.0.4", "WordPress blog and CMS"), ("redis", "18.6.1", "Redis key-value store"),
    ("mysql", "9.16.1", "MySQL database"), ("postgresql", "13.2.24", "PostgreSQL database"),
    ("mariadb", "15.0.1", "MariaDB database"), ("mongodb", "14.4.9", "MongoDB document database"),
    ("nginx", "15.6.0", "NGINX web server"), ("rabbitmq", "12.6.1", "RabbitMQ message broker"),
    ("jenkins", "12.4.1", "Jenkins automation server"), ("ghost", "19.7.2", "Ghost publishing platform"),
    ("drupal", "17.2.3", "Drupal CMS"), ("joomla", "18.1.3", "Joomla! CMS"),
    ("memcached", "6.7.4", "Memcached cache"), ("kafka", "26.6.2", "Apache Kafka"),
    ("grafana", "9.6.5", "Grafana dashboards"), ("harbor", "19.3.0", "Harbor registry"),
]
SOURCE_TYPES = ("VmwareMarketplace", "HelmchartRepo")
URL_RE = re.compile(r"^https?://[A-Za-z0-9.\-]+(:\d+)?(/\S*)?$")

_GAP = "App Launchpad / Content Hub API (VCD API 39.1, modelled A48, api-reference §9); absent from 37.2"
for _m, _rx in (("*", r"^/1\.0\.0/catalogContentSources(/[^/]+)?$"), ("GET", r"^/1\.0\.0/appTemplates(/[^/]+)?$"),
                ("GET", r"^/1\.0\.0/appTemplates/[^/]+/tenants$"),
                ("POST", r"^/1\.0\.0/appTemplates/[^/]+/tenants/(publish|unpublish)$")):
    register_gap(_m, _rx, _GAP)


def _free(method, pattern):
    """True when no area registered this route yet (shared VCD features: first one wins)."""
    return not any(opts["pattern"] == pattern and m == method for m, _rx, _fn, opts in ROUTES)


def _route_if_free(method, pattern):
    def deco(fn):
        if _free(method, pattern):
            return route(method, pattern)(fn)
        return fn
    return deco


# ====================================================================== alp connect (lab-only)
def _session(req, token):
    sess = req.az.sessions.get(token or "")
    if sess is None:
        raise ApiError(401, "UNAUTHORIZED", "alp connect: the admin session is missing or expired")
    if not sess.get("is_provider"):
        raise Forbidden("PROVIDER_ONLY")
    return sess


def _plugin(state):
    return state.find_one("ui_plugin", pluginName=PLUGIN_NAME, vendor=PLUGIN_VENDOR)


def _amqp_extension(state):
    return state.find_one("extension_service", name=EXTENSION_NAME, vendor=EXTENSION_VENDOR)


def _mqtt_extension(state):
    return state.find_one("external_service", name=EXTENSION_NAME, vendor=EXTENSION_VENDOR)


@admin("POST", "/_lab/alp/connect")
def _alp_connect(req, body):
    st = req.state
    _session(req, body.get("token"))
    sa_user, sa_pass = body.get("sa_user"), body.get("sa_pass")
    bus, node = body.get("bus"), body.get("node") or "node"
    if not sa_user or not sa_pass or bus not in ("amqp", "mqtt"):
        raise bad_request("alp connect: sa_user, sa_pass and bus (amqp|mqtt) are required")
    system = find_org(st, "System")
    with st.lock:
        others = [i for i in st.all("alp_instance") if i["node"] != node]
        if bus == "mqtt" and any(i["bus"] == "mqtt" for i in others):
            raise ApiError(400, "BAD_REQUEST", "alp connect: App Launchpad over MQTT does not support more than "
                           "one instance (high availability needs AMQP); %s is already connected over MQTT"
                           % ", ".join(sorted(i["node"] for i in others if i["bus"] == "mqtt")))
        if bus == "amqp":
            if _mqtt_extension(st) is not None:
                raise ApiError(400, "BAD_REQUEST", "alp connect: App Launchpad is registered with VCD over MQTT; "
                               "delete its API filter and extension before connecting over AMQP")
            settings = (st.all("amqp_settings") or [{}])[0]
            if not settings.get("amqpHost"):
                raise ApiError(400, "BAD_REQUEST", "alp connect: VCD has no AMQP broker configured "
                               "(/api/admin/extension/settings/amqp); configure it or use --mqtt")
        role = next((r for r in st.all("role") if r["name"] == SERVICE_ROLE and r.get("org_id") == system["id"]), None)
        if role is None:
            role = rights_area._mapping(SERVICE_ROLE, "App Launchpad service account", [
                rights_area.add_right(st, n)["id"] for n in SERVICE_RIGHTS], "role", org_id=system["id"])
            st.put("role", role)
        user = find_user(st, system, sa_user)
        if user is not None and user["password"] != sa_pass:
            raise ApiError(400, "BAD_REQUEST", "alp connect: the System user %s exists and its password is not "
                           "the given --sa-pass; cannot adopt it as the service account" % sa_user)
        if user is None:
            user = st.put("user", make_user(req.az, system, sa_user, sa_pass, [SERVICE_ROLE]))
        user["roles"] = [SERVICE_ROLE]
        user["alp_service_account"] = True
        plugin = _plugin(st)
        if plugin is None:
            pu = stable_uuid(req.az.name, "ui_plugin", PLUGIN_VENDOR, PLUGIN_NAME)
            plugin = st.put("ui_plugin", {
                "id": "urn:vcloud:uiPlugin:%s" % pu, "uuid": pu, "pluginName": PLUGIN_NAME, "vendor": PLUGIN_VENDOR,
                "version": body.get("version") or "2.1.2", "license": "VMware", "link": "https://www.vmware.com",
                "description": "App Launchpad", "provider_scoped": True, "tenant_scoped": True, "enabled": True,
                "plugin_status": "ready", "publishAll": True})
        plugin["version"] = body.get("version") or plugin["version"]
        if bus == "amqp":
            ext = _amqp_extension(st)
            if ext is None:
                eu = stable_uuid(req.az.name, "extension_service", EXTENSION_NAME)
                ext = st.put("extension_service", {
                    "id": "urn:vcloud:service:%s" % eu, "uuid": eu, "name": EXTENSION_NAME, "vendor": EXTENSION_VENDOR,
                    "namespace": EXTENSION_NAMESPACE, "routingKey": "alp", "exchange": ALP_EXCHANGE,
                    "enabled": True, "priority": 50, "authorizationEnabled": False,
                    "apiFilters": [{"urlPattern": "/api/alp(/.*)?"}]})
            ext["enabled"] = True
        else:
            old = _amqp_extension(st)
            if old is not None:
                st.delete("extension_service", old["id"])
            ext = _mqtt_extension(st)
            if ext is None:
                eu = stable_uuid(req.az.name, "external_service", EXTENSION_NAME)
                ext = st.put("external_service", {
                    "id": "urn:vcloud:extension:%s.%s:1.0.0" % (EXTENSION_VENDOR, EXTENSION_NAME), "uuid": eu,
                    "name": EXTENSION_NAME, "vendor": EXTENSION_VENDOR, "version": "1.0.0", "priority": 50,
                    "enabled": True, "authorizationEnabled": False, "description": "App Launchpad",
                    "mqttTopics": {"monitor": "topic/extension/vmware/alp/1.0.0/ext",
                                   "respond": "topic/extension/vmware/alp/1.0.0/vcd"}})
        inst = st.find_one("alp_instance", node=node)
        if inst is None:
            iu = stable_uuid(req.az.name, "alp_instance", node)
            inst = st.put("alp_instance", {"id": iu, "uuid": iu, "node": node, "created": now_iso()})
        inst.update(bus=bus, sa_user=sa_user, url=body.get("url"), connected=now_iso(),
                    connections=inst.get("connections", 0) + 1)
        count = len(st.all("alp_instance"))
    return {"service_account": {"name": user["name"], "id": user["id"], "role": SERVICE_ROLE},
            "ui_plugin": plugin["id"], "extension": ext["id"], "bus": bus, "instances": count}


# ====================================================================== UI plugins (read, delete)
def plugin_json(p):
    return {k: p.get(k) for k in ("id", "pluginName", "vendor", "description", "version", "license", "link",
                                  "tenant_scoped", "provider_scoped", "enabled", "plugin_status")}


@_route_if_free("GET", "/cloudapi/extensions/ui")
def ui_plugins(req):
    return json_response([plugin_json(p) for p in req.state.all("ui_plugin")])


@_route_if_free("GET", "/cloudapi/extensions/ui/{id}")
def ui_plugin_get(req):
    p = req.state.get("ui_plugin", req.params["id"])
    if p is None:
        raise ApiError(500, "INTERNAL_SERVER_ERROR", "[ %s ] No UI plugin with id %s" % (new_uuid(), req.params["id"]))
    return json_response(plugin_json(p))


# ====================================================================== MQTT extensions (/cloudapi/extensions/api)
def external_json(e):
    return {k: e.get(k) for k in ("id", "name", "vendor", "version", "priority", "enabled", "authorizationEnabled",
                                  "description", "mqttTopics")}


@_route_if_free("GET", "/cloudapi/extensions/api")
def externals(req):
    req.require_provider()
    return page(req, [external_json(e) for e in req.state.all("external_service")], model="ExternalService")


def _external(req):
    req.require_provider()
    for e in req.state.all("external_service"):
        if e["id"] == req.params["id"]:
            return e
    raise Forbidden("EXTENSION_VIEW")


@_route_if_free("GET", "/cloudapi/extensions/api/{id}")
def external_get(req):
    return json_response(external_json(_external(req)))


@_route_if_free("PUT", "/cloudapi/extensions/api/{id}")
def external_put(req):
    e = _external(req)
    body = req.json or {}
    for key in ("name", "vendor", "version"):
        if body.get(key) is not None and body[key] != e[key]:
            raise bad_request("%s of an external service cannot change" % key)
    for key in ("enabled", "priority", "authorizationEnabled", "description"):
        if body.get(key) is not None:
            e[key] = body[key]
    return json_response(external_json(e))


@_route_if_free("DELETE", "/cloudapi/extensions/api/{id}")
def external_delete(req):
    e = _external(req)
    if e.get("enabled"):
        raise bad_request("The extension must be disabled before it is deleted")
    req.state.delete("external_service", e["id"])
    for inst in req.state.find("alp_instance", bus="mqtt"):
        req.state.delete("alp_instance", inst["id"])
    return empty(204)


# ====================================================================== AMQP extensions (legacy)
SERVICE_TYPE = "application/vnd.vmware.admin.service+json"


def _service_href(req, e):
    return req.href("/api/admin/extension/service/%s" % e["uuid"])


def service_json(req, e):
    return {"href": _service_href(req, e), "type": SERVICE_TYPE, "id": e["id"], "name": e["name"],
            "vendor": e["vendor"], "namespace": e["namespace"], "routingKey": e["routingKey"],
            "exchange": e["exchange"], "enabled": e["enabled"], "priority": e["priority"],
            "authorizationEnabled": e["authorizationEnabled"],
            "apiFilters": {"apiFilter": [dict(f) for f in e.get("apiFilters", [])]}}


def _service_rec(req, e):
    return {"_type": "QueryResultAdminServiceRecordType", "href": _service_href(req, e), "id": e["id"],
            "name": e["name"], "vendor": e["vendor"], "namespace": e["namespace"], "routingKey": e["routingKey"],
            "exchange": e["exchange"], "enabled": e["enabled"], "priority": e["priority"]}, None


register_query_type("adminService", "extension_service", _service_rec, SERVICE_TYPE)


def _service(req):
    legacy.legacy_only_json(req)
    req.require_provider()
    e = req.state.get("extension_service", req.params["id"])
    if e is None:
        raise Forbidden("SERVICE_VIEW")
    return e


@route("GET", "/api/admin/extension/service/{id}")
def service_get(req):
    return json_response(service_json(req, _service(req)))


@route("PUT", "/api/admin/extension/service/{id}")
def service_put(req):
    e = _service(req)
    body = legacy.require_json_body(req)
    if body.get("enabled") is not None:
        e["enabled"] = bool(body["enabled"])
    return json_response(service_json(req, e))


@route("DELETE", "/api/admin/extension/service/{id}")
def service_delete(req):
    e = _service(req)
    if e.get("enabled"):
        raise bad_request("The service extension must be disabled before it is deleted")
    req.state.delete("extension_service", e["uuid"])
    return empty(204)


# ====================================================================== Content Hub
SOURCE_URN = "urn:vcloud:catalogContentSource:%s"
APP_URN = "urn:vcloud:appTemplate:%s"


def source_json(s):
    return {k: s.get(k) for k in ("id", "name", "description", "url", "sourceType", "status")}


def app_json(a, state=None):
    out = {k: a.get(k) for k in ("id", "name", "description", "appType", "version", "status", "contentSource")}
    out["tenantCount"] = len(a.get("tenants") or [])
    return out


def _sync(state, source):
    """The applications a source offers (the lab catalogue), created READY."""
    for name, version, desc in CATALOGUE:
        au = stable_uuid(source["id"], "app", name)
        if state.get("app_template", au) is None:
            state.put("app_template", {"id": APP_URN % au, "uuid": au, "name": name, "description": desc,
                                       "appType": "HELM_CHART", "version": version, "status": "READY",
                                       "contentSource": {"name": source["name"], "id": source["id"]},
                                       "source_id": source["id"], "tenants": []})
    source["status"] = "READY"


def _source(req):
    req.require_provider()
    s = req.state.get("content_source", req.params["id"])
    if s is None:
        raise Forbidden("CONTENT_SOURCE_VIEW")
    return s


def _check_source_body(req, body, partial=False):
    if not isinstance(body, dict):
        raise bad_request("A JSON object body is required")
    if not partial or "name" in body:
        if not isinstance(body.get("name"), str) or not body["name"].strip():
            raise bad_request("name is required")
    if not partial or "url" in body:
        if not isinstance(body.get("url"), str) or not URL_RE.match(body["url"]):
            raise bad_request("url must be an http(s) URL (got %r)" % body.get("url"))
    if not partial or "sourceType" in body:
        if body.get("sourceType") not in SOURCE_TYPES:
            raise bad_request("sourceType must be one of %s" % ", ".join(SOURCE_TYPES))


@route("GET", "/cloudapi/1.0.0/catalogContentSources")
def sources_list(req):
    req.require_provider()
    return page(req, [source_json(s) for s in req.state.all("content_source")], model="CatalogContentSource")


@route("GET", "/cloudapi/1.0.0/catalogContentSources/{id}")
def source_get(req):
    return json_response(source_json(_source(req)))


@route("POST", "/cloudapi/1.0.0/catalogContentSources")
def source_create(req):
    req.require_provider()
    body = req.json
    _check_source_body(req, body)
    st = req.state
    if st.find_one("content_source", name=body["name"]):
        raise ApiError(400, "DUPLICATE_NAME", "[ %s ] A content source named %s already exists" % (new_uuid(), body["name"]))
    su = new_uuid()
    src = {"id": SOURCE_URN % su, "uuid": su, "name": body["name"], "description": body.get("description") or "",
           "url": body["url"], "sourceType": body["sourceType"], "status": "NOT_READY"}
    if body["sourceType"] == "VmwareMarketplace":
        with st.lock:
            st.put("content_source", src)
            _sync(st, src)
        return json_response(source_json(src), 201)
    st.put("content_source", src)
    owner = {"id": src["id"], "name": src["name"], "type": "application/json"}
    task = req.start_task("syncCatalogContentSource", owner, lambda: _sync(st, src),
                          on_error=lambda: src.update(status="FAILED"))
    return empty(202, headers=req.task_location(task))


@route("PUT", "/cloudapi/1.0.0/catalogContentSources/{id}")
def source_put(req):
    s = _source(req)
    body = req.json
    _check_source_body(req, body, partial=True)
    if body.get("sourceType") and body["sourceType"] != s["sourceType"]:
        raise bad_request("sourceType cannot change")
    if body.get("name") and body["name"] != s["name"] and req.state.find_one("content_source", name=body["name"]):
        raise ApiError(400, "DUPLICATE_NAME", "A content source named %s already exists" % body["name"])
    for key in ("name", "url", "description"):
        if body.get(key) is not None:
            s[key] = body[key]
    for a in req.state.find("app_template", source_id=s["id"]):
        a["contentSource"]["name"] = s["name"]
    return json_response(source_json(s))


@route("DELETE", "/cloudapi/1.0.0/catalogContentSources/{id}")
def source_delete(req):
    s = _source(req)
    with req.state.lock:
        for a in req.state.find("app_template", source_id=s["id"]):
            req.state.delete("app_template", a["uuid"])
        req.state.delete("content_source", s["uuid"])
    return empty(204)


def _app_visible(req, a):
    if req.is_provider and not req.org_ctx_explicit:
        return True
    return req.org_ctx in (a.get("tenants") or [])


def _app(req):
    a = req.state.get("app_template", req.params["id"])
    if a is None or not _app_visible(req, a):
        raise Forbidden("APP_TEMPLATE_VIEW")
    return a


@route("GET", "/cloudapi/1.0.0/appTemplates")
def apps_list(req):
    items = [app_json(a) for a in req.state.all("app_template") if _app_visible(req, a)]
    items.sort(key=lambda a: (a["contentSource"]["name"], a["name"]))
    return page(req, items, model="AppTemplate")


@route("GET", "/cloudapi/1.0.0/appTemplates/{id}")
def app_get(req):
    return json_response(app_json(_app(req)))


def _tenant_refs(req, a):
    refs = []
    for oid in a.get("tenants") or []:
        o = req.state.get("org", oid)
        if o is not None:
            refs.append({"name": o["name"], "id": o["id"]})
    return sorted(refs, key=lambda r: r["name"])


@route("GET", "/cloudapi/1.0.0/appTemplates/{id}/tenants")
def app_tenants(req):
    req.require_provider()
    return page(req, _tenant_refs(req, _app(req)), model="EntityReference")


@route("POST", "/cloudapi/1.0.0/appTemplates/{id}/tenants/{action:publish|unpublish}")
def app_publish(req):
    req.require_provider()
    a = _app(req)
    body = req.json or {}
    values = body.get("values") if isinstance(body, dict) else None
    if not isinstance(values, list):
        raise bad_request('a body {"values": [{"id": "urn:vcloud:org:..."}]} is required')
    ids = []
    for v in values:
        o = req.state.get("org", (v or {}).get("id"))
        if o is None or o.get("is_system"):
            raise bad_request("%s is not a tenant organization" % (v or {}).get("id"))
        ids.append(o["id"])
    with req.state.lock:
        have = list(a.get("tenants") or [])
        if req.params["action"] == "publish":
            have += [i for i in ids if i not in have]
        else:
            have = [i for i in have if i not in ids]
        a["tenants"] = have
    refs = _tenant_refs(req, a)
    return json_response({"resultTotal": len(refs), "pageCount": 1, "page": 1, "pageSize": max(len(refs), 1),
                          "associations": None, "values": refs})
