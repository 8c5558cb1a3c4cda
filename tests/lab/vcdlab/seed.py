"""What a provider's VCD already has, per AZ.  Extend SEED (data) or add a @seed_hook.

`{az}` in strings is replaced by the AZ number (az1 -> 1).  Ids are stable (uuid5 of AZ, kind
and name), so they survive restarts and resets.
"""
import ipaddress

from .framework import seed_hook, stable_uuid, urn

SEED = {
    "system_org": {"name": "System", "displayName": "System Organization",
                   "description": "Provider organization"},
    "users": [
        {"name": "administrator", "org": "System", "password": "lab-Passw0rd!",
         "roles": ["System Administrator"]},
    ],
    "provider_vdcs": [
        {"name": "pvdc-01", "description": "Lab provider VDC", "storage_policies": [
            {"name": "gold", "moref": "vm-storage-policy-gold", "capacity_mb": 4194304},
            {"name": "silver", "moref": "vm-storage-policy-silver", "capacity_mb": 8388608},
        ]},
    ],
    "network_pools": [
        {"name": "geneve-np-01", "type": "GENEVE", "description": "NSX-T Geneve pool"},
    ],
    "edge_clusters": [
        {"name": "edge-cluster-01", "nodeCount": 2, "description": "NSX-T edge cluster"},
    ],
    "external_networks": [
        {"name": "t0-solutions", "backing": "NSXT_TIER0", "cidr": "172.16.{az}.0/24",
         "gateway": "172.16.{az}.1", "ranges": [["172.16.{az}.10", "172.16.{az}.50"]],
         "dns": ["172.16.{az}.2"]},
        {"name": "vrf-solutions", "backing": "NSXT_VRF_TIER0", "cidr": "172.17.{az}.0/24",
         "gateway": "172.17.{az}.1", "ranges": [["172.17.{az}.10", "172.17.{az}.50"]],
         "dns": ["172.17.{az}.2"]},
    ],
}


def _s(v, az):
    if isinstance(v, str):
        return v.replace("{az}", str(az.index))
    if isinstance(v, list):
        return [_s(x, az) for x in v]
    if isinstance(v, dict):
        return {k: _s(x, az) for k, x in v.items()}
    return v


def default_org_settings():
    return {
        "orgGeneralSettings": {"canPublishCatalogs": False, "canPublishExternally": False,
                               "canSubscribe": False, "useServerBootSequence": False,
                               "deployedVMQuota": 0, "storedVmQuota": 0, "delayAfterPowerOnSeconds": 0},
        "vAppLeaseSettings": {"deploymentLeaseSeconds": 604800, "storageLeaseSeconds": 2592000,
                              "deleteOnStorageLeaseExpiration": False, "powerOffOnRuntimeLeaseExpiration": False},
        "vAppTemplateLeaseSettings": {"storageLeaseSeconds": 7776000, "deleteOnStorageLeaseExpiration": False},
    }


def make_org(uuid_, name, display, description="", enabled=True, system=False):
    return {"id": urn("org", uuid_), "uuid": uuid_, "name": name, "displayName": display,
            "description": description, "isEnabled": enabled, "is_system": system,
            "settings": default_org_settings()}


def make_user(az, org, name, password, roles):
    u = stable_uuid(az.name, "user", org["name"], name)
    return {"id": urn("user", u), "uuid": u, "name": name, "org_id": org["id"], "password": password,
            "roles": list(roles), "enabled": True}


@seed_hook(order=0)
def core_seed(state, az):
    seed = _s(SEED, az)
    so = seed["system_org"]
    sysorg = make_org(stable_uuid(az.name, "org", so["name"]), so["name"], so["displayName"],
                      so["description"], True, True)
    state.put("org", sysorg)
    orgs = {sysorg["name"]: sysorg}
    for u in seed["users"]:
        state.put("user", make_user(az, orgs[u["org"]], u["name"], u["password"], u["roles"]))
    for p in seed["provider_vdcs"]:
        pu = stable_uuid(az.name, "pvdc", p["name"])
        pvdc = state.put("pvdc", {"id": urn("providervdc", pu), "uuid": pu, "name": p["name"],
                                  "description": p.get("description", ""), "isEnabled": True})
        for sp in p["storage_policies"]:
            su = stable_uuid(az.name, "pvdc_sp", p["name"], sp["name"])
            state.put("pvdc_sp", {"id": urn("providervdcstorageprofile", su), "uuid": su, "name": sp["name"],
                                  "pvdc_id": pvdc["id"], "moref": sp["moref"], "isEnabled": True,
                                  "totalCapacityMb": sp["capacity_mb"]})
    for n in seed["network_pools"]:
        nu = stable_uuid(az.name, "network_pool", n["name"])
        state.put("network_pool", {"id": urn("networkpool", nu), "uuid": nu, "name": n["name"],
                                   "description": n.get("description", ""), "poolType": n["type"]})
    for e in seed["edge_clusters"]:
        eu = stable_uuid(az.name, "edge_cluster", e["name"])
        state.put("edge_cluster", {"id": eu, "uuid": eu, "name": e["name"], "description": e.get("description", ""),
                                   "nodeCount": e.get("nodeCount", 2), "nodeType": "EDGE_NODE",
                                   "deploymentType": "VIRTUAL_MACHINE"})
    for x in seed["external_networks"]:
        xu = stable_uuid(az.name, "external_network", x["name"])
        net = ipaddress.ip_network(x["cidr"])
        state.put("external_network", {
            "id": urn("network", xu), "uuid": xu, "name": x["name"], "description": "",
            "backing": x["backing"], "backingId": stable_uuid(az.name, "t0", x["name"]),
            "subnets": [{"gateway": x["gateway"], "prefixLength": net.prefixlen,
                         "dnsServer1": (x.get("dns") or [""])[0], "dnsServer2": "", "dnsSuffix": "",
                         "enabled": True, "ranges": [list(r) for r in x["ranges"]]}]})
