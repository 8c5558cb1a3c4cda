"""Orgs, VDCs, NSX-T, catalogs and the query service."""
from helpers import CT_VDC, edge_body, make_org, make_vdc, net_body, vdc_params

CT_CAT = {"Content-Type": "application/vnd.vmware.admin.catalog+json"}


def _u(x):
    return x["id"].rsplit(":", 1)[-1]


def test_org_crud_and_settings(vcd):
    org = make_org(vcd, "solutions")
    assert vcd.post("/cloudapi/1.0.0/orgs", json={"name": "Solutions", "displayName": "x"}).json()["minorErrorCode"] == "DUPLICATE_NAME"
    r = vcd.put("/cloudapi/1.0.0/orgs/" + org["id"], json={"name": "solutions", "displayName": "Sol", "description": "d", "isEnabled": True})
    assert r.status_code == 200 and r.json()["displayName"] == "Sol"
    ao = vcd.get("/api/admin/org/" + _u(org), legacy=True).json()
    assert ao["fullName"] == "Sol" and ao["id"] == org["id"]
    add = [l for l in ao["link"] if l["rel"] == "add" and l["type"] == "application/vnd.vmware.admin.catalog+json"]
    assert add and add[0]["href"].endswith("/api/admin/org/%s/catalogs" % _u(org))
    s = vcd.get("/api/admin/org/%s/settings" % _u(org), legacy=True).json()
    assert set(s) >= {"orgGeneralSettings", "vAppLeaseSettings", "vAppTemplateLeaseSettings"}
    r = vcd.put("/api/admin/org/%s/settings" % _u(org), legacy=True,
                headers={"Content-Type": "application/vnd.vmware.admin.orgSettings+json"},
                json={"orgGeneralSettings": {"canPublishCatalogs": True, "useServerBootSequence": True},
                      "vAppLeaseSettings": {"deploymentLeaseSeconds": 0, "storageLeaseSeconds": 0,
                                            "deleteOnStorageLeaseExpiration": False},
                      "vAppTemplateLeaseSettings": {"storageLeaseSeconds": 0, "deleteOnStorageLeaseExpiration": False}})
    assert r.status_code == 202 and r.json()["status"] in ("queued", "running")
    assert vcd.wait_task(r.headers["Location"])["status"] == "success"
    s = vcd.get("/api/admin/org/%s/settings" % _u(org), legacy=True).json()
    assert s["orgGeneralSettings"]["canPublishCatalogs"] is True and s["vAppLeaseSettings"]["deploymentLeaseSeconds"] == 0


def test_vdc_create_validation(vcd):
    org = make_org(vcd, "solutions")
    url = "/api/admin/org/%s/vdcsparams" % _u(org)
    bad = [
        dict(isElastic=None),
        dict(vCpuInMhz=100),
        dict(providerVdcReference={"href": vcd.base + "/api/admin/providervdc/00000000-0000-0000-0000-000000000000"}),
        dict(networkPoolReference={"href": vcd.base + "/api/admin/extension/networkPool/nope"}),
        dict(allocationModel="Bogus"),
    ]
    for over in bad:
        p = vdc_params(vcd)
        p.update(over)
        p = {k: v for k, v in p.items() if v is not None}
        r = vcd.post(url, legacy=True, headers=CT_VDC, json=p)
        assert r.status_code == 400, over
    p = vdc_params(vcd)
    p["vdcStorageProfile"][0]["providerVdcStorageProfile"]["href"] += "x"
    assert vcd.post(url, legacy=True, headers=CT_VDC, json=p).status_code == 400


def test_vdc_lifecycle(vcd):
    org = make_org(vcd, "solutions")
    vdc = make_vdc(vcd, org)
    assert vdc["status"] == 0
    v = vcd.get("/api/admin/vdc/" + _u(vdc), legacy=True).json()
    assert v["status"] == 1 and v["vCpuInMhz"] == 2000 and len(v["vdcStorageProfiles"]["vdcStorageProfile"]) == 2
    assert vcd.get("/cloudapi/1.0.0/vdcs/" + vdc["id"]).json()["allocationType"] == "Flex"
    pols = vcd.get("/cloudapi/1.0.0/orgVdcStoragePolicies", params={"filter": "orgVdcRef.id==" + vdc["id"]}).json()["values"]
    assert {p["name"]: p["isDefaultStoragePolicy"] for p in pols} == {"gold": True, "silver": False}
    v["computeCapacity"]["cpu"]["limit"] = 10000
    v["vCpuInMhz"] = 2500
    r = vcd.put(v["href"], legacy=True, headers={"Content-Type": "application/vnd.vmware.admin.vdc+json"}, json=v)
    assert r.status_code == 202
    assert vcd.wait_task(r.headers["Location"])["status"] == "success"
    v = vcd.get(v["href"], legacy=True).json()
    assert v["vCpuInMhz"] == 2500 and v["computeCapacity"]["cpu"]["limit"] == 10000
    silver = [s for s in v["vdcStorageProfiles"]["vdcStorageProfile"] if s["name"] == "silver"][0]
    sp = vcd.get(silver["href"], legacy=True).json()
    sp.update(limit=2048, default=True)
    r = vcd.put(silver["href"], legacy=True, headers={"Content-Type": "application/vnd.vmware.admin.vdcStorageProfile+json"}, json=sp)
    assert r.status_code == 202 and vcd.wait_task(r.headers["Location"])["status"] == "success"
    pols = vcd.get("/cloudapi/1.0.0/orgVdcStoragePolicies", params={"filter": "orgVdcRef.id==" + vdc["id"]}).json()["values"]
    assert {p["name"]: p["isDefaultStoragePolicy"] for p in pols} == {"gold": False, "silver": True}
    # delete: must be disabled first
    assert vcd.delete(v["href"] + "?force=true&recursive=true", legacy=True).status_code == 400
    assert vcd.post(v["href"] + "/action/disable", legacy=True).status_code == 204
    r = vcd.delete(v["href"] + "?force=true&recursive=true", legacy=True)
    assert r.status_code == 202 and vcd.wait_task(r.headers["Location"])["status"] == "success"
    assert vcd.get(v["href"], legacy=True).status_code == 403


def test_edge_and_network(vcd):
    org = make_org(vcd, "solutions")
    vdc = make_vdc(vcd, org)
    ec = vcd.get("/cloudapi/1.0.0/nsxTResources/edgeClusters", params={"filter": "_context==" + vdc["id"]}).json()
    assert [e["name"] for e in ec["values"]] == ["edge-cluster-01"]
    body = edge_body(vcd, vdc["id"], primary="172.16.1.20")
    assert vcd.post("/cloudapi/1.0.0/edgeGateways", json=dict(body, edgeGatewayUplinks=[
        dict(body["edgeGatewayUplinks"][0], uplinkId="urn:vcloud:network:nope")])).status_code == 400
    bad = edge_body(vcd, vdc["id"], primary="172.16.1.200")
    assert vcd.post("/cloudapi/1.0.0/edgeGateways", json=bad).status_code == 400
    r = vcd.post("/cloudapi/1.0.0/edgeGateways", json=body)
    edge_id = vcd.wait_task(r.headers["Location"])["owner"]["id"]
    dup_ip = edge_body(vcd, vdc["id"], name="other", primary="172.16.1.20")
    assert "in use" in vcd.post("/cloudapi/1.0.0/edgeGateways", json=dup_ip).json()["message"]
    # networks
    assert vcd.post("/cloudapi/1.0.0/orgVdcNetworks",
                    json=net_body(vdc["id"], edge_id, end="192.168.1.100")).status_code == 400
    nb = net_body(vdc["id"], edge_id)
    nb["connection"]["routerRef"]["id"] = "urn:vcloud:gateway:00000000-0000-0000-0000-000000000000"
    assert vcd.post("/cloudapi/1.0.0/orgVdcNetworks", json=nb).status_code == 400
    r = vcd.post("/cloudapi/1.0.0/orgVdcNetworks", json=net_body(vdc["id"], edge_id))
    assert r.status_code == 202
    net_id = vcd.wait_task(r.headers["Location"])["owner"]["id"]
    found = vcd.get("/cloudapi/1.0.0/orgVdcNetworks", params={
        "filter": "name==solutions_routed_network;ownerRef.id==" + vdc["id"], "pageSize": 32}).json()
    assert found["resultTotal"] == 1 and found["values"][0]["connection"]["routerRef"]["id"] == edge_id
    assert vcd.delete("/cloudapi/1.0.0/edgeGateways/" + edge_id).status_code == 400
    r = vcd.delete("/cloudapi/1.0.0/orgVdcNetworks/" + net_id)
    assert r.status_code == 202 and vcd.wait_task(r.headers["Location"])["status"] == "success"
    r = vcd.delete("/cloudapi/1.0.0/edgeGateways/" + edge_id)
    assert r.status_code == 202 and vcd.wait_task(r.headers["Location"])["status"] == "success"
    assert vcd.get("/cloudapi/1.0.0/edgeGateways/" + edge_id).status_code == 403


def test_catalog_acl_publish_and_query(vcd):
    org = make_org(vcd, "solutions")
    ao = vcd.get("/api/admin/org/" + _u(org), legacy=True).json()
    add = [l["href"] for l in ao["link"] if l["rel"] == "add" and "catalog" in l["type"]][0]
    r = vcd.post(add, legacy=True, headers=CT_CAT, json={"name": "cse", "description": "CSE"})
    assert r.status_code == 201
    cat = r.json()
    assert vcd.wait_task(cat["tasks"]["task"][0]["href"])["status"] == "success"
    r = vcd.post(add, legacy=True, headers=CT_CAT, json={"name": "cse"})
    assert r.status_code == 400 and r.json()["minorErrorCode"] == "DUPLICATE_NAME"
    acl_url = "/api/catalog/%s/action/controlAccess" % _u(cat)
    ct = {"Content-Type": "application/vnd.vmware.vcloud.controlAccess+json"}
    other = make_org(vcd, "other")
    subj = {"href": vcd.base + "/api/admin/org/" + _u(other), "name": "other",
            "type": "application/vnd.vmware.admin.organization+xml"}
    bad = {"isSharedToEveryone": False, "accessSettings": {"accessSetting": [{"subject": subj, "accessLevel": "Change"}]}}
    assert vcd.post(acl_url, legacy=True, headers=ct, json=bad).status_code == 400
    ok = {"isSharedToEveryone": False, "everyoneAccessLevel": "ReadOnly"}
    assert vcd.post(acl_url, legacy=True, headers=ct, json=ok).status_code == 200
    acl = vcd.get("/api/catalog/%s/controlAccess" % _u(cat), legacy=True).json()
    assert acl["isSharedToEveryone"] is False and acl["everyoneAccessLevel"] == "ReadOnly"
    pub = "/api/admin/catalog/%s/action/publish" % _u(cat)
    ctp = {"Content-Type": "application/vnd.vmware.admin.publishCatalogParams+json"}
    assert vcd.post(pub, legacy=True, headers=ctp, json={"isPublished": True}).status_code == 400  # org may not publish
    vcd.wait_task(vcd.put("/api/admin/org/%s/settings" % _u(org), legacy=True,
                          headers={"Content-Type": "application/vnd.vmware.admin.orgSettings+json"},
                          json={"orgGeneralSettings": {"canPublishCatalogs": True}}).headers["Location"])
    assert vcd.post(pub, legacy=True, headers=ctp, json={"isPublished": True}).status_code == 204
    assert vcd.get("/api/admin/catalog/" + _u(cat), legacy=True).json()["isPublished"] is True
    q = vcd.get("/api/query", legacy=True, params={"type": "adminCatalog", "format": "records", "filter": "name==cse"}).json()
    assert q["total"] == 1 and q["record"][0]["isPublished"] is True and q["record"][0]["orgName"] == "solutions"
    q = vcd.get("/api/query", legacy=True, params={"type": "organization", "format": "records", "filter": "name==solutions"}).json()
    assert q["total"] == 1 and q["record"][0]["numberOfCatalogs"] == 1
    r = vcd.delete("/api/admin/catalog/%s?recursive=true&force=true" % _u(cat), legacy=True)
    assert r.status_code == 202 and vcd.wait_task(r.headers["Location"])["status"] == "success"
    assert vcd.get("/api/admin/catalog/" + _u(cat), legacy=True).status_code == 403


def test_org_delete_rules(vcd):
    org = make_org(vcd, "solutions")
    make_vdc(vcd, org)
    r = vcd.delete("/cloudapi/1.0.0/orgs/" + org["id"])
    assert r.status_code == 400
    r = vcd.delete("/cloudapi/1.0.0/orgs/%s?force=true&recursive=true" % org["id"])
    assert r.status_code == 202 and vcd.wait_task(r.headers["Location"])["status"] == "success"
    assert vcd.get("/cloudapi/1.0.0/orgs/" + org["id"]).status_code == 403
    assert vcd.get("/cloudapi/1.0.0/vdcs", params={"filter": "org.id==" + org["id"]}).json()["resultTotal"] == 0
    q = vcd.get("/api/query", legacy=True, params={"type": "adminOrgVdc", "format": "records", "filter": "orgName==solutions"}).json()
    assert q["total"] == 0
