# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""App Launchpad content through VCD Content Hub (assumption A48: the ALP REST API is modelled by
Content Hub, VCD API 39.1).

* chart sources: ``/cloudapi/1.0.0/catalogContentSources`` ``{name, url, sourceType}`` with
  ``sourceType`` ``VmwareMarketplace`` (the Bitnami catalogue) or ``HelmchartRepo`` (a Helm
  repository such as a provider's ChartMuseum); a Helm source is synced by a task;
* applications: ``/cloudapi/1.0.0/appTemplates`` ``{name, appType, version, status, contentSource}``,
  the applications a synced source offers;
* publishing: ``/cloudapi/1.0.0/appTemplates/<id>/tenants`` and ``…/tenants/publish|unpublish``
  with ``{"values": [{"id": <org URN>}]}``, the shapes VCD uses for rights bundles (§1.9).
"""

from __future__ import annotations

SOURCES = "/cloudapi/1.0.0/catalogContentSources"
APPS = "/cloudapi/1.0.0/appTemplates"
SOURCE_TYPES = {"marketplace": "VmwareMarketplace", "helm": "HelmchartRepo"}
SOURCE_KINDS = {v: k for k, v in SOURCE_TYPES.items()}
# service organization and role named by VMware's ALP documentation
SERVICE_ORG = "AppLaunchpad"
SERVICE_ROLE = "App-Launchpad-Service"
UI_PLUGIN = ("VMware", "App Launchpad")
EXTENSION = ("vmware", "alp")


def find_source(client, name):
    return client.find_one(SOURCES, "chart source %s" % name, name=name)


def list_sources(client):
    return client.list(SOURCES)


def list_apps(client):
    return client.list(APPS)


def app_tenants(client, app_id):
    return client.list("%s/%s/tenants" % (APPS, app_id))


def publish(client, app, org_refs, action="publish"):
    """Publish (or unpublish) one application to several orgs in one call."""
    body = {"values": [{"id": ref["id"], "name": ref.get("name")} for ref in org_refs]}
    return client.write("POST", "%s/%s/tenants/%s" % (APPS, app["id"], action), body,
                        what="%s application %s %s %d tenant(s)" % (
                            action, app["name"], "to" if action == "publish" else "from", len(org_refs)))


USERS = "/cloudapi/1.0.0/users"
UI_PLUGINS = "/cloudapi/extensions/ui"
EXTERNAL_SERVICES = "/cloudapi/extensions/api"


def find_ui_plugin(client):
    vendor, name = UI_PLUGIN
    for plugin in client.get(UI_PLUGINS) or []:
        if plugin.get("vendor") == vendor and plugin.get("pluginName") == name:
            return plugin
    return None


def find_mqtt_extension(client):
    vendor, name = EXTENSION
    return client.find_one(EXTERNAL_SERVICES, "App Launchpad MQTT extension", name=name, vendor=vendor)


def find_amqp_extension(client):
    """App Launchpad's AMQP API extension (legacy ``adminService``), with its href, or ``None``."""
    vendor, name = EXTENSION
    records = client.query("adminService", filter="name==%s;vendor==%s" % (name, vendor))
    return records[0] if records else None


def find_user(client, name):
    return client.find_one(USERS, "user %s" % name, username=name)


def extension_view(client):
    """{bus, id, name, enabled} of App Launchpad's registration, or ``{}``."""
    ext = find_amqp_extension(client)
    if ext is not None:
        return {"bus": "amqp", "id": ext.get("id") or ext.get("href"), "href": ext.get("href"),
                "name": ext.get("name"), "enabled": bool(ext.get("enabled")), "exchange": ext.get("exchange")}
    ext = find_mqtt_extension(client)
    if ext is not None:
        return {"bus": "mqtt", "id": ext.get("id"), "name": ext.get("name"), "enabled": bool(ext.get("enabled"))}
    return {}
