"""202 + task lifecycle, spec violations, fault injection, session expiry."""
import time

import pytest
import requests

from helpers import edge_body, make_org, make_vdc


@pytest.fixture
def vdc(vcd):
    org = make_org(vcd, "solutions")
    return make_vdc(vcd, org)


def test_async_edge_task_lifecycle(vcd, admin, vdc):
    admin.config(task_duration=0.6)
    r = vcd.post("/cloudapi/1.0.0/edgeGateways", json=edge_body(vcd, vdc["id"], primary="172.16.1.10"))
    assert r.status_code == 202 and r.content == b""
    loc = r.headers["Location"]
    assert "/api/task/" in loc and loc.startswith("https://localhost:")
    t = vcd.get(loc, legacy=True).json()
    assert t["status"] in ("queued", "running")
    assert t["id"].startswith("urn:vcloud:task:")
    for k in ("href", "name", "operation", "operationName", "startTime", "cancelRequested", "owner", "progress",
              "organization"):
        assert k in t
    # the effect is applied only when the task succeeds
    assert vcd.get("/cloudapi/1.0.0/edgeGateways?filter=name==solutions-edge").json()["resultTotal"] == 0
    statuses = {t["status"]}
    while t["status"] not in ("success", "error", "aborted"):
        time.sleep(0.05)
        t = vcd.get(loc, legacy=True).json()
        statuses.add(t["status"])
    assert t["status"] == "success" and "running" in statuses
    assert t["endTime"] and t["progress"] == 100
    edge = vcd.get("/cloudapi/1.0.0/edgeGateways/" + t["owner"]["id"])
    assert edge.status_code == 200 and edge.json()["name"] == "solutions-edge"
    xml = vcd.s.get(loc, headers={"Accept": "application/*+xml;version=37.2", "Authorization": "Bearer " + vcd.jwt})
    assert xml.status_code == 200 and xml.text.lstrip().startswith("<?xml") and 'status="success"' in xml.text


def test_task_fail_injection_applies_nothing(vcd, admin, vdc):
    admin.fault(path="^/cloudapi/1.0.0/edgeGateways$", method="POST", task_fail="NSX-T manager unreachable", count=1)
    r = vcd.post("/cloudapi/1.0.0/edgeGateways", json=edge_body(vcd, vdc["id"]))
    assert r.status_code == 202
    t = vcd.wait_task(r.headers["Location"])
    assert t["status"] == "error" and t["error"]["message"] == "NSX-T manager unreachable"
    assert vcd.get("/cloudapi/1.0.0/edgeGateways?filter=name==solutions-edge").json()["resultTotal"] == 0
    # the rule was used up: the next one works
    r = vcd.post("/cloudapi/1.0.0/edgeGateways", json=edge_body(vcd, vdc["id"]))
    assert vcd.wait_task(r.headers["Location"])["status"] == "success"


def test_spec_violation_bad_body_is_recorded(vcd, admin):
    r = vcd.post("/cloudapi/1.0.0/orgs", json={"name": "x", "isEnabled": "yes"})
    assert r.status_code == 400
    msg = r.json()["message"]
    assert "/cloudapi/1.0.0/orgs" in msg and "POST" in msg and "displayName" in msg
    v = admin.violations()
    assert len(v) == 1 and v[0]["kind"] == "request" and v[0]["spec_path"] == "/1.0.0/orgs"


def test_spec_violation_unknown_path_and_method(vcd, admin):
    assert vcd.get("/cloudapi/1.0.0/noSuchThing").status_code == 400
    r = vcd.get("/cloudapi/1.0.0/networkPools")   # the 37.2 document has only POST here
    assert r.status_code == 400 and "networkPools" in r.json()["message"]
    assert [v["kind"] for v in admin.violations()] == ["unknown-operation", "unknown-operation"]


def test_429_with_retry_after_then_ok(vcd, admin):
    admin.fault(path="^/cloudapi/1.0.0/orgs$", method="GET", status=429, retry_after=2, count=2)
    for unused in range(2):
        r = vcd.get("/cloudapi/1.0.0/orgs")
        assert r.status_code == 429 and r.headers["Retry-After"] == "2"
    assert vcd.get("/cloudapi/1.0.0/orgs").status_code == 200
    log = [e for e in admin.requests() if e["path"] == "/cloudapi/1.0.0/orgs"]
    assert [e["status"] for e in log[-3:]] == [429, 429, 200]
    assert log[-3]["fault"] == "status:429"


def test_connection_reset_before_and_after(vcd, admin):
    seq = admin.last_seq()
    admin.fault(path="^/cloudapi/1.0.0/orgs$", method="POST", reset=True, when="before", count=1)
    with pytest.raises(requests.exceptions.ConnectionError):
        vcd.post("/cloudapi/1.0.0/orgs", json={"name": "r1", "displayName": "R1"})
    assert vcd.get("/cloudapi/1.0.0/orgs?filter=name==r1").json()["resultTotal"] == 0
    admin.fault(path="^/cloudapi/1.0.0/orgs$", method="POST", reset=True, when="after", count=1)
    with pytest.raises(requests.exceptions.ConnectionError):
        vcd.post("/cloudapi/1.0.0/orgs", json={"name": "r2", "displayName": "R2"})
    assert vcd.get("/cloudapi/1.0.0/orgs?filter=name==r2").json()["resultTotal"] == 1
    faults = [w["fault"] for w in admin.writes(seq)]
    assert faults == ["reset:before", "reset:after"]


def test_latency_and_rate(vcd, admin):
    admin.fault(path="^/cloudapi/1.0.0/orgs$", latency_ms=300, count=1)
    t0 = time.time()
    assert vcd.get("/cloudapi/1.0.0/orgs").status_code == 200
    assert time.time() - t0 >= 0.3
    admin.fault(path="^/cloudapi/1.0.0/vdcs$", status=503, rate=0.0)
    assert vcd.get("/cloudapi/1.0.0/vdcs").status_code == 200
    admin.clear_faults()
    assert admin.faults() == []


def test_session_expiry(vcd, admin):
    assert vcd.get("/cloudapi/1.0.0/orgs").status_code == 200
    assert admin.expire_sessions() >= 1
    assert vcd.get("/cloudapi/1.0.0/orgs").status_code == 401
    assert vcd.get("/api/query?type=organization", legacy=True).status_code == 401
    assert vcd.login().status_code == 200
    assert vcd.get("/cloudapi/1.0.0/orgs").status_code == 200


def test_request_log_and_writes(vcd, admin):
    seq = admin.last_seq()
    make_org(vcd, "logged")
    vcd.get("/cloudapi/1.0.0/orgs")
    w = admin.writes(seq)
    assert [(x["method"], x["path"], x["status"]) for x in w] == [("POST", "/cloudapi/1.0.0/orgs", 201)]
    reqs = admin.requests(seq)
    assert all(r["seq"] > seq and "ms" in r for r in reqs)


def test_reset_restores_seed(vcd, admin):
    make_org(vcd, "gone-after-reset")
    admin.reset()
    names = {o["name"] for o in admin.state("org")}
    assert "System" in names and "gone-after-reset" not in names
    st = admin.state()
    assert {p["name"] for p in st["pvdc_sp"]} == {"gold", "silver"}
    assert {x["name"] for x in st["external_network"]} == {"t0-solutions", "vrf-solutions"}
