"""Tenant organizations a provider's VCD already has (the tenant matrix lives in the inventory).

Seed: tenant-a, tenant-b, tenant-c, each with a pay-as-you-go VDC `<tenant>-vdc` on pvdc-01 and an
org administrator `<tenant>-admin` (password lab-Passw0rd!).  `POST /_lab/tenants {"count": N,
"prefix": "bulk-"}` adds N more (for bulk benchmarks and tests); `{"all": true}` does it in every AZ.
"""
from ..admin_api import _targets, admin
from ..framework import seed_hook, stable_uuid, urn
from ..seed import make_org, make_user

SEED_TENANTS = ("tenant-a", "tenant-b", "tenant-c")
TENANT_PASSWORD = "lab-Passw0rd!"


def add_tenant(state, az, name):
    if state.find_one("org", name=name):
        return
    org = state.put("org", make_org(stable_uuid(az.name, "org", name), name, "Tenant %s" % name,
                                    "lab tenant"))
    state.put("user", make_user(az, org, "%s-admin" % name, TENANT_PASSWORD, ["Organization Administrator"]))
    pvdc = state.find_one("pvdc", name="pvdc-01")
    pool = state.find_one("network_pool", name="geneve-np-01")
    vu = stable_uuid(az.name, "vdc", name)
    vdc = state.put("vdc", {
        "id": urn("vdc", vu), "uuid": vu, "name": "%s-vdc" % name, "description": "tenant VDC",
        "org_id": org["id"], "allocationModel": "AllocationVApp",
        "computeCapacity": {"cpu": {"units": "MHz", "allocated": 0, "limit": 0, "reserved": 0, "used": 0},
                            "memory": {"units": "MB", "allocated": 0, "limit": 0, "reserved": 0, "used": 0}},
        "nicQuota": 0, "networkQuota": 0, "vmQuota": 0, "isEnabled": True,
        "resourceGuaranteedMemory": 0.2, "resourceGuaranteedCpu": 0.2, "vCpuInMhz": 2000,
        "isThinProvision": True, "pvdc_id": pvdc["id"] if pvdc else None,
        "network_pool_id": pool["id"] if pool else None, "usesFastProvisioning": False,
        "overCommitAllowed": True, "vmDiscoveryEnabled": False, "isElastic": False,
        "includeMemoryOverhead": True, "status": 1, "edge_cluster_id": None})
    psp = state.find_one("pvdc_sp", name="gold")
    if psp:
        su = stable_uuid(az.name, "vdc_sp", name)
        state.put("vdc_sp", {"id": urn("vdcstorageProfile", su), "uuid": su, "name": psp["name"],
                             "org_id": org["id"], "vdc_id": vdc["id"], "pvdc_sp_id": psp["id"], "enabled": True,
                             "units": "MB", "limit": 0, "default": True})


@seed_hook(order=20)
def tenants_seed(state, az):
    for name in SEED_TENANTS:
        add_tenant(state, az, name)


@admin("POST", "/_lab/tenants")
def _bulk_tenants(req, body):
    count = int(body.get("count", 0))
    prefix = body.get("prefix", "bulk-")
    names = ["%s%03d" % (prefix, i) for i in range(1, count + 1)]
    for az in _targets(req, body):
        with az.state.lock:
            for name in names:
                add_tenant(az.state, az, name)
    return {"tenants": names}
