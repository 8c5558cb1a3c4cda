"""The lab's App Launchpad side: VCD AMQP settings and their test against the real RabbitMQ, what
`alp connect` does to VCD (POST /_lab/alp/connect), and Content Hub sources, apps and publishing."""
import json
import os

import pytest

AMQP = "/api/admin/extension/settings/amqp"
CT_AMQP = {"Content-Type": "application/vnd.vmware.admin.amqpSettings+json"}


def _broker(lab):
    path = os.path.join(lab["run_dir"], "rabbitmq", "broker.json")
    if not os.path.exists(path):
        pytest.skip("the lab's RabbitMQ service is not running (VCDLAB_SERVICES?)")
    with open(path) as f:
        return json.load(f)


def _settings(broker, az="az1", password=None, tls=True):
    v = broker["vhosts"][az]
    return {"amqpHost": "localhost", "amqpPort": broker["amqps_port" if tls else "amqp_port"],
            "amqpUsername": v["user"], "amqpPassword": password or v["password"], "amqpExchange": v["exchange"],
            "amqpVHost": v["vhost"], "amqpUseSSL": tls, "amqpSslAcceptAll": False, "amqpPrefix": "vcd"}


def test_amqp_settings_hide_the_password_and_keep_it(vcd):
    s = vcd.get(AMQP, legacy=True).json()
    assert s["amqpHost"] == "" and s["amqpPassword"] is None
    r = vcd.put(AMQP, legacy=True, headers=CT_AMQP, json={"amqpHost": "rabbit", "amqpPassword": "pw-1"})
    assert r.status_code == 200 and r.json()["amqpHost"] == "rabbit" and r.json()["amqpPassword"] is None
    assert vcd.put(AMQP, legacy=True, headers=CT_AMQP, json={"amqpPort": "x"}).status_code == 400


def test_amqp_test_connects_to_the_real_broker(lab, vcd, admin):
    broker = _broker(lab)
    for tls in (True, False):
        r = vcd.post(AMQP + "/action/test", legacy=True, headers=CT_AMQP, json=_settings(broker, tls=tls))
        assert r.status_code == 200 and r.json()["valid"] is True
    bad = [_settings(broker, password="Wrong-1!"), dict(_settings(broker), amqpVHost="vcd-nope"),
           dict(_settings(broker), amqpExchange="no-such-exchange"), dict(_settings(broker), amqpPort=1)]
    for body in bad:
        assert vcd.post(AMQP + "/action/test", legacy=True, headers=CT_AMQP, json=body).json()["valid"] is False
    tests = admin.state("amqp_test")
    assert [t["valid"] for t in tests].count(True) == 2 and "ACCESS_REFUSED" in tests[2]["reason"]
    # the stored settings are untouched by a test
    assert vcd.get(AMQP, legacy=True).json()["amqpHost"] == ""


def _connect(vcd, bus, node, sa_pass="Svc-Passw0rd!"):
    return vcd.post("/_lab/alp/connect", json={"token": vcd.jwt, "sa_user": "alp-svc", "sa_pass": sa_pass,
                                               "bus": bus, "node": node})


def test_alp_connect_side_effects_and_bus_rules(vcd):
    r = _connect(vcd, "amqp", "n1")
    assert r.status_code == 400 and "no AMQP broker" in r.json()["message"]
    assert _connect(vcd, "mqtt", "n1").status_code == 200
    r = _connect(vcd, "mqtt", "n2")
    assert r.status_code == 400 and "high availability needs AMQP" in r.json()["message"]
    vcd.put(AMQP, legacy=True, headers=CT_AMQP, json={"amqpHost": "rabbit"})
    r = _connect(vcd, "amqp", "n1")
    assert r.status_code == 400 and "delete its API filter and extension" in r.json()["message"]
    ext = vcd.get("/cloudapi/extensions/api").json()["values"][0]
    assert vcd.delete("/cloudapi/extensions/api/" + ext["id"]).status_code == 400     # enabled
    assert vcd.put("/cloudapi/extensions/api/" + ext["id"], json=dict(ext, enabled=False)).status_code == 200
    assert vcd.delete("/cloudapi/extensions/api/" + ext["id"]).status_code == 204
    for node in ("n1", "n2"):
        r = _connect(vcd, "amqp", node)
        assert r.status_code == 200, r.text
        assert r.json()["instances"] == (1 if node == "n1" else 2)
    assert _connect(vcd, "amqp", "n3", sa_pass="other").status_code == 400     # cannot adopt
    users = vcd.get("/cloudapi/1.0.0/users", params={"filter": "username==alp-svc"}).json()["values"]
    assert [r["name"] for r in users[0]["roleEntityRefs"]] == ["App-Launchpad-Service"]
    plugins = vcd.get("/cloudapi/extensions/ui").json()
    assert [p["pluginName"] for p in plugins] == ["App Launchpad"]
    q = vcd.get("/api/query", legacy=True, params={"type": "adminService", "filter": "name==alp"}).json()
    assert q["record"][0]["exchange"] == "vmware-alp" and q["record"][0]["enabled"] is True


def test_content_hub_sources_apps_and_publishing(vcd):
    src = "/cloudapi/1.0.0/catalogContentSources"
    r = vcd.post(src, json={"name": "charts", "url": "https://charts.example.com", "sourceType": "HelmchartRepo"})
    assert r.status_code == 202 and vcd.wait_task(r.headers["Location"])["status"] == "success"
    r = vcd.post(src, json={"name": "charts", "url": "https://x.example.com", "sourceType": "HelmchartRepo"})
    assert r.status_code == 400 and r.json()["minorErrorCode"] == "DUPLICATE_NAME"
    assert vcd.post(src, json={"name": "m", "url": "ftp://x", "sourceType": "VmwareMarketplace"}).status_code == 400
    apps = vcd.get("/cloudapi/1.0.0/appTemplates", params={"filter": "name==wordpress", "pageSize": 128}).json()
    app = apps["values"][0]
    assert app["status"] == "READY" and app["contentSource"]["name"] == "charts" and app["tenantCount"] == 0
    orgs = {o["name"]: o for o in vcd.get("/cloudapi/1.0.0/orgs").json()["values"]}
    path = "/cloudapi/1.0.0/appTemplates/%s/tenants" % app["id"]
    r = vcd.post(path + "/publish", json={"values": [{"id": orgs["tenant-a"]["id"]}, {"id": orgs["tenant-b"]["id"]}]})
    assert r.status_code == 200 and r.json()["resultTotal"] == 2
    assert vcd.post(path + "/unpublish", json={"values": [{"id": orgs["tenant-b"]["id"]}]}).json()["resultTotal"] == 1
    assert vcd.post(path + "/publish", json={"values": [{"id": orgs["System"]["id"]}]}).status_code == 400
    # a tenant sees only the applications published to it
    seen = vcd.get("/cloudapi/1.0.0/appTemplates", headers={"X-VMWARE-VCLOUD-TENANT-CONTEXT": orgs["tenant-a"]["id"]})
    assert [a["name"] for a in seen.json()["values"]] == ["wordpress"]
