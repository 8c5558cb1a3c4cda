"""Login, headers, 401/403/406, tenant context, API tokens."""
import requests

from conftest import Client, V
from helpers import make_org


def test_versions_without_auth(lab, admin):
    r = requests.get(lab["az1"] + "/api/versions", verify=lab["ca"])
    assert r.status_code == 200
    for v in ("37.0", "37.1", "37.2", "38.0", "38.1", "39.0"):
        assert "<Version>%s</Version>" % v in r.text
    assert "/cloudapi/1.0.0/sessions</LoginUrl>" in r.text


def test_provider_login_jwt_in_header_only(lab, admin):
    c = Client(lab["az1"], lab["ca"])
    r = c.login()
    assert r.status_code == 200
    jwt = r.headers["X-VMWARE-VCLOUD-ACCESS-TOKEN"]
    assert jwt.count(".") == 2 and jwt not in r.text
    body = r.json()
    assert body["org"]["name"] == "System" and body["user"]["name"] == "administrator"
    assert body["org"]["id"].startswith("urn:vcloud:org:")
    cur = c.get("/cloudapi/1.0.0/sessions/current")
    assert cur.status_code == 200 and cur.json()["id"] == body["id"]
    assert c.delete("/cloudapi/1.0.0/sessions/current").status_code == 204
    assert c.get("/cloudapi/1.0.0/sessions/current").status_code == 401


def test_bad_credentials_and_missing_auth(lab, admin):
    c = Client(lab["az1"], lab["ca"])
    assert c.login(password="wrong").status_code == 401
    assert c.login(org="nosuchorg").status_code == 401
    r = c.get("/cloudapi/1.0.0/orgs")
    assert r.status_code == 401 and r.json()["minorErrorCode"]
    c.jwt = "not-a-jwt"
    assert c.get("/cloudapi/1.0.0/orgs").status_code == 401


def test_accept_version_required(vcd):
    r = vcd.s.get(vcd.base + "/cloudapi/1.0.0/orgs", headers={"Authorization": "Bearer " + vcd.jwt,
                                                              "Accept": "application/json"})
    assert r.status_code == 406
    r = vcd.s.get(vcd.base + "/api/query?type=organization", headers={"Authorization": "Bearer " + vcd.jwt,
                                                                      "Accept": "application/*+json"})
    assert r.status_code == 406
    r = vcd.s.get(vcd.base + "/cloudapi/1.0.0/orgs", headers={"Authorization": "Bearer " + vcd.jwt,
                                                              "Accept": "application/json;version=36.0"})
    assert r.status_code == 406


def test_403_for_missing_objects(vcd):
    missing = "urn:vcloud:org:00000000-0000-0000-0000-000000000000"
    r = vcd.get("/cloudapi/1.0.0/orgs/" + missing)
    assert r.status_code == 403
    assert r.json()["minorErrorCode"] == "ACCESS_TO_RESOURCE_IS_FORBIDDEN"
    assert "stackTrace" in r.json()
    for p in ("/cloudapi/1.0.0/vdcs/urn:vcloud:vdc:00000000-0000-0000-0000-000000000000",
              "/cloudapi/1.0.0/edgeGateways/urn:vcloud:gateway:00000000-0000-0000-0000-000000000000",
              "/cloudapi/1.0.0/orgVdcNetworks/urn:vcloud:network:00000000-0000-0000-0000-000000000000"):
        assert vcd.get(p).status_code == 403, p
    for p in ("/api/admin/org/00000000-0000-0000-0000-000000000000",
              "/api/admin/vdc/00000000-0000-0000-0000-000000000000",
              "/api/admin/catalog/00000000-0000-0000-0000-000000000000",
              "/api/task/00000000-0000-0000-0000-000000000000"):
        r = vcd.get(p, legacy=True)
        assert r.status_code == 403, p
        assert r.json()["minorErrorCode"] == "ACCESS_TO_RESOURCE_IS_FORBIDDEN"
        assert r.json()["majorErrorCode"] == 403


def test_tenant_login_and_visibility(lab, admin, vcd):
    org = make_org(vcd, "tenant1")
    make_org(vcd, "tenant2")
    admin.add_user("tenant1", "orgadmin", "Secret-1")
    t = Client(lab["az1"], lab["ca"])
    assert t.login("orgadmin", "tenant1", "Secret-1").status_code == 200
    # a tenant may not use the provider endpoint
    assert Client(lab["az1"], lab["ca"]).login("orgadmin", "tenant1", "Secret-1").status_code == 200
    r = Client(lab["az1"], lab["ca"]).s.post(lab["az1"] + "/cloudapi/1.0.0/sessions/provider",
                                             auth=("orgadmin@tenant1", "Secret-1"),
                                             headers={"Accept": "application/json;version=%s" % V})
    assert r.status_code == 401
    names = [o["name"] for o in t.get("/cloudapi/1.0.0/orgs").json()["values"]]
    assert names == ["tenant1"]
    sysorg = vcd.get("/cloudapi/1.0.0/orgs?filter=name==System").json()["values"][0]
    assert t.get("/cloudapi/1.0.0/orgs/" + sysorg["id"]).status_code == 403
    assert t.get("/cloudapi/1.0.0/orgs/" + org["id"]).status_code == 200


def test_tenant_context_uuid_or_urn(vcd):
    org = make_org(vcd, "ctxorg")
    make_org(vcd, "other")
    for ctx in (org["id"], org["id"].rsplit(":", 1)[-1]):
        r = vcd.get("/cloudapi/1.0.0/orgs", headers={"X-VMWARE-VCLOUD-TENANT-CONTEXT": ctx,
                                                     "X-VMWARE-VCLOUD-AUTH-CONTEXT": "ctxorg"})
        assert r.status_code == 200
        assert [o["name"] for o in r.json()["values"]] == ["ctxorg"]
    assert {"ctxorg", "other", "System"} <= {o["name"] for o in vcd.get("/cloudapi/1.0.0/orgs").json()["values"]}


def test_api_token_admin_mint_and_refresh_reuse(lab, admin):
    tok = admin.mint_token("administrator", "System", name="ci")
    s = requests.Session()
    s.verify, s.trust_env = lab["ca"], False
    for unused in range(2):   # an API token stays valid
        r = s.post(lab["az1"] + "/oauth/provider/token",
                   data={"grant_type": "refresh_token", "refresh_token": tok["token"]})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["token_type"] == "Bearer" and body["expires_in"] > 0
        r = s.get(lab["az1"] + "/cloudapi/1.0.0/orgs", headers={
            "Authorization": "Bearer " + body["access_token"], "Accept": "application/json;version=37.2"})
        assert r.status_code == 200
    r = s.post(lab["az1"] + "/oauth/provider/token", data={"grant_type": "refresh_token", "refresh_token": "nope"})
    assert r.status_code == 400


def test_api_token_register_mint_find_delete(lab, vcd):
    r = vcd.s.post(vcd.base + "/oauth/provider/register", json={"client_name": "automation"},
                   headers={"Authorization": "Bearer " + vcd.jwt, "Accept": "application/json"})
    assert r.status_code == 200, r.text
    cid = r.json()["client_id"]
    rec = vcd.get("/cloudapi/1.0.0/tokens/urn:vcloud:token:" + cid)
    assert rec.status_code == 200 and rec.json()["type"] == "REFRESH"
    r = vcd.s.post(vcd.base + "/oauth/provider/token", data={
        "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": vcd.jwt, "client_id": cid})
    assert r.status_code == 200, r.text
    refresh = r.json()["refresh_token"]
    found = vcd.get("/cloudapi/1.0.0/tokens?filter=(name==automation;owner.name==administrator)").json()
    assert found["resultTotal"] == 1
    assert vcd.delete("/cloudapi/1.0.0/tokens/urn:vcloud:token:" + cid).status_code == 204
    r = vcd.s.post(vcd.base + "/oauth/provider/token", data={"grant_type": "refresh_token", "refresh_token": refresh})
    assert r.status_code == 400


def test_azs_are_independent(vcd, vcd2):
    make_org(vcd, "only-in-az1")
    assert vcd2.get("/cloudapi/1.0.0/orgs?filter=name==only-in-az1").json()["resultTotal"] == 0
    ext = vcd2.get("/cloudapi/1.0.0/externalNetworks?filter=name==t0-solutions").json()["values"][0]
    assert ext["subnets"]["values"][0]["gateway"] == "172.16.2.1"
