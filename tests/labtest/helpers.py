"""Shared steps for the lab tests."""


def make_org(vcd, name="solutions", enabled=True):
    r = vcd.post("/cloudapi/1.0.0/orgs", json={"name": name, "displayName": name.title(), "isEnabled": enabled})
    assert r.status_code == 201, r.text
    return r.json()


def vdc_params(vcd, name="solutions-vdc", **over):
    pvdc = vcd.get("/cloudapi/1.0.0/providerVdcs").json()["values"][0]
    sps = {s["name"]: s for s in vcd.get("/cloudapi/1.0.0/pvdcStoragePolicies").json()["values"]}
    pool = vcd.get("/cloudapi/1.0.0/networkPools/networkPoolSummaries").json()["values"][0]

    def u(x):
        return x["id"].rsplit(":", 1)[-1]

    body = {
        "name": name, "description": "lab", "allocationModel": "Flex",
        "computeCapacity": {"cpu": {"units": "MHz", "allocated": 0, "limit": 0},
                            "memory": {"units": "MB", "allocated": 0, "limit": 0}},
        "nicQuota": 0, "networkQuota": 0, "vmQuota": 0, "isEnabled": True,
        "vdcStorageProfile": [
            {"enabled": True, "units": "MB", "limit": 0, "default": True,
             "providerVdcStorageProfile": {"href": vcd.base + "/api/admin/pvdcStorageProfile/" + u(sps["gold"])}},
            {"enabled": True, "units": "MB", "limit": 1024, "default": False,
             "providerVdcStorageProfile": {"href": vcd.base + "/api/admin/pvdcStorageProfile/" + u(sps["silver"])}}],
        "resourceGuaranteedMemory": 0.2, "resourceGuaranteedCpu": 0.1, "vCpuInMhz": 2000,
        "isThinProvision": True,
        "networkPoolReference": {"href": vcd.base + "/api/admin/extension/networkPool/" + u(pool)},
        "providerVdcReference": {"href": vcd.base + "/api/admin/providervdc/" + u(pvdc)},
        "usesFastProvisioning": True, "overCommitAllowed": True, "vmDiscoveryEnabled": True,
        "isElastic": True, "includeMemoryOverhead": True}
    body.update(over)
    return body


CT_VDC = {"Content-Type": "application/vnd.vmware.admin.createVdcParams+json"}


def make_vdc(vcd, org, name="solutions-vdc"):
    r = vcd.post("/api/admin/org/%s/vdcsparams" % org["id"].rsplit(":", 1)[-1], legacy=True,
                 headers=CT_VDC, json=vdc_params(vcd, name))
    assert r.status_code == 201, r.text
    vdc = r.json()
    t = vcd.wait_task(vdc["tasks"]["task"][0]["href"])
    assert t["status"] == "success", t
    return vdc


def edge_body(vcd, vdc_id, name="solutions-edge", primary=None, az=1):
    ext = vcd.get("/cloudapi/1.0.0/externalNetworks?filter=name==t0-solutions").json()["values"][0]
    sub = {"gateway": "172.16.%d.1" % az, "prefixLength": 24, "enabled": True}
    if primary:
        sub["primaryIp"] = primary
    return {"name": name, "ownerRef": {"id": vdc_id},
            "edgeGatewayUplinks": [{"uplinkId": ext["id"], "subnets": {"values": [sub]}, "dedicated": False}]}


def net_body(vdc_id, edge_id, name="solutions_routed_network", start="192.168.0.10", end="192.168.0.100"):
    return {"name": name, "ownerRef": {"id": vdc_id}, "networkType": "NAT_ROUTED",
            "connection": {"routerRef": {"id": edge_id}, "connectionType": "INTERNAL"},
            "subnets": {"values": [{"gateway": "192.168.0.1", "prefixLength": 24, "dnsServer1": "8.8.8.8",
                                    "dnsSuffix": "example.org",
                                    "ipRanges": {"values": [{"startAddress": start, "endAddress": end}]}}]}}
