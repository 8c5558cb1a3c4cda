"""NSX-T networking: provider gateways, edge clusters, edge gateways, org VDC networks."""
import ipaddress

from .. import fiql, legacy
from ..framework import (ApiError, Forbidden, Response, bad_request, json_response, new_uuid, page, route,
                         urn, uuid_of)
from ..legacy import get_visible, visible
from .vdcs import NSXT_MANAGER, org_ref

SERVICE_NET = "192.168.255.225/27"
DR_UPLINK_NET = "100.64.0.0/16"


def _ip(s, what):
    try:
        return ipaddress.ip_address(s)
    except (ValueError, TypeError):
        raise bad_request("%s: %r is not an IP address" % (what, s))


def _count(ranges):
    return sum(int(ipaddress.ip_address(e)) - int(ipaddress.ip_address(s)) + 1 for s, e in ranges)


def _in_ranges(ip, ranges):
    return any(ipaddress.ip_address(s) <= ip <= ipaddress.ip_address(e) for s, e in ranges)


def _expand(ranges):
    out = set()
    for s, e in ranges:
        a, b = int(ipaddress.ip_address(s)), int(ipaddress.ip_address(e))
        out.update(range(a, b + 1))
    return out


# ------------------------------------------------------------------ provider gateways
def used_ips(state, ext_id, exclude_edge=None):
    """ip int -> edge id, for IPs edges hold on this provider gateway (primary + allocated)."""
    used = {}
    for g in state.all("edge_gateway"):
        if g["id"] == exclude_edge:
            continue
        for up in g["uplinks"]:
            if up["uplinkId"] != ext_id:
                continue
            for sn in up["subnets"]:
                for i in _expand(sn["ranges"]):
                    used[i] = g["id"]
                if sn.get("primaryIp"):
                    used[int(ipaddress.ip_address(sn["primaryIp"]))] = g["id"]
    return used


def _subnets_json(subnets, used=0):
    return {"values": [{
        "gateway": s["gateway"], "prefixLength": s["prefixLength"], "dnsSuffix": s.get("dnsSuffix") or "",
        "dnsServer1": s.get("dnsServer1") or "", "dnsServer2": s.get("dnsServer2") or "",
        "ipRanges": {"values": [{"startAddress": a, "endAddress": b} for a, b in s["ranges"]]},
        "enabled": s.get("enabled", True), "totalIpCount": _count(s["ranges"]), "usedIpCount": used}
        for s in subnets]}


def ext_json(state, x):
    used = len(used_ips(state, x["id"]))
    total = sum(_count(s["ranges"]) for s in x["subnets"])
    vrf = x["backing"] == "NSXT_VRF_TIER0"
    return {"id": x["id"], "name": x["name"], "description": x.get("description") or "",
            "subnets": _subnets_json(x["subnets"], used),
            "networkBackings": {"values": [{
                "backingId": x["backingId"], "backingType": "UNKNOWN" if vrf else "NSXT_TIER0",
                "backingTypeValue": x["backing"], "networkProvider": NSXT_MANAGER,
                "name": x["name"] + "-t0", "isNsxTVlanSegment": False, "parentTier0Ref": None}]},
            "totalIpCount": total, "usedIpCount": used, "dedicatedOrg": None, "dedicatedEdgeGateway": None,
            "usingIpSpace": False, "status": "REALIZED"}


@route("GET", "/cloudapi/1.0.0/externalNetworks")
def ext_list(req):
    req.require_provider()
    return page(req, [ext_json(req.state, x) for x in req.state.all("external_network")], model="ExternalNetwork")


@route("GET", "/cloudapi/1.0.0/externalNetworks/{id}")
def ext_get(req):
    req.require_provider()
    x = req.state.get("external_network", req.params["id"]) or req.forbidden()
    return json_response(ext_json(req.state, x))


# ------------------------------------------------------------------ edge clusters
@route("GET", "/cloudapi/1.0.0/nsxTResources/edgeClusters")
def edge_clusters(req):
    ctx = fiql.find(req.filter_tree(), "_context")
    if not ctx:
        raise bad_request("The filter must contain _context==<VDC, VDC group or provider VDC id>")
    c = ctx[0]
    if ":vdc:" in c:
        get_visible(req, "vdc", c)
    elif ":providervdc:" in c:
        req.require_provider()
        req.state.get("pvdc", c) or req.forbidden()
    else:
        raise bad_request("Unsupported _context %s" % c)
    items = [{"id": e["id"], "name": e["name"], "description": e.get("description", ""), "nodeCount": e["nodeCount"],
              "nodeType": e["nodeType"], "deploymentType": e["deploymentType"]} for e in req.state.all("edge_cluster")]
    resp = page(req, items, model="NsxTEdgeCluster")
    return resp


# ------------------------------------------------------------------ edge gateways
def edge_json(state, g):
    vdc = state.get("vdc", g["vdc_id"])
    ec = state.get("edge_cluster", g.get("edge_cluster_id"))
    ups = []
    for up in g["uplinks"]:
        x = state.get("external_network", up["uplinkId"])
        vrf = bool(x and x["backing"] == "NSXT_VRF_TIER0")
        subs = _subnets_json(up["subnets"])
        for sj, s in zip(subs["values"], up["subnets"]):
            sj["primaryIp"] = s.get("primaryIp")
            sj["autoAllocateIpRanges"] = False
            sj["usedIpCount"] = 1 if s.get("primaryIp") else 0
        ups.append({"uplinkId": up["uplinkId"], "uplinkName": x["name"] if x else up.get("uplinkName"),
                    "subnets": subs, "connected": True, "quickAddAllocatedIpCount": None,
                    "dedicated": up.get("dedicated", False), "usingIpSpace": False, "vrfLiteBacked": vrf,
                    "backingType": x["backing"] if x else None})
    return {"id": g["id"], "name": g["name"], "description": g.get("description") or "",
            "edgeGatewayUplinks": ups, "distributedRoutingEnabled": False, "nonDistributedRoutingEnabled": False,
            "orgVdcNetworkCount": len(state.find("org_network", router_id=g["id"])),
            "gatewayBacking": {"backingId": g["backingId"], "gatewayType": "NSXT_BACKED", "networkProvider": NSXT_MANAGER},
            "orgVdc": {"name": vdc["name"], "id": vdc["id"]} if vdc else None,
            "ownerRef": {"name": vdc["name"], "id": vdc["id"]} if vdc else None,
            "orgRef": org_ref(state, g["org_id"]),
            "serviceNetworkDefinition": SERVICE_NET, "distributedRouterUplinkNetworkDefinition": DR_UPLINK_NET,
            "edgeClusterConfig": {"primaryEdgeCluster": {"edgeClusterRef": {"name": ec["name"], "id": urn("edgeCluster", ec["uuid"])},
                                                         "backingId": ec["id"]}, "secondaryEdgeCluster": None} if ec else None,
            "status": g.get("status", "REALIZED")}


def _visible_edges(req):
    return [g for g in req.state.all("edge_gateway") if visible(req, g["org_id"])]


@route("GET", "/cloudapi/1.0.0/edgeGateways")
def edges_list(req):
    items = [edge_json(req.state, g) for g in _visible_edges(req)]
    items.sort(key=lambda x: x["name"])
    return page(req, items, model="EdgeGateway")


@route("GET", "/cloudapi/1.0.0/edgeGateways/{id}")
def edge_get(req):
    return json_response(edge_json(req.state, get_visible(req, "edge_gateway", req.params["id"])))


def _owner_vdc(req, b):
    ident = (b.get("ownerRef") or {}).get("id") or (b.get("orgVdc") or {}).get("id")
    if not ident:
        raise bad_request("ownerRef.id (the VDC) is required")
    if ":vdcGroup:" in ident:
        raise bad_request("vcdlab: VDC groups are not simulated")
    v = req.state.get("vdc", ident)
    if v is None or not visible(req, v["org_id"]):
        raise Forbidden("VDC_VIEW")
    if v.get("status") != 1:
        raise bad_request("VDC %s is not ready (status %s)" % (v["name"], v.get("status")))
    return v


def _check_edge(req, b, exclude=None):
    st = req.state
    uplinks = b.get("edgeGatewayUplinks") or []
    if not uplinks:
        raise bad_request("edgeGatewayUplinks must name at least one provider gateway")
    out = []
    for up in uplinks:
        x = st.get("external_network", up.get("uplinkId"))
        if x is None:
            raise bad_request("uplinkId %r is not a provider gateway" % up.get("uplinkId"))
        used = used_ips(st, x["id"], exclude)
        for g in st.all("edge_gateway"):
            if g["id"] == exclude:
                continue
            for u2 in g["uplinks"]:
                if u2["uplinkId"] == x["id"] and (u2.get("dedicated") or up.get("dedicated")):
                    raise bad_request("Provider gateway %s is dedicated to, or already used by, edge gateway %s"
                                      % (x["name"], g["name"]))
        subs = ((up.get("subnets") or {}).get("values")) or []
        if not subs:
            raise bad_request("uplink %s needs subnets.values" % x["name"])
        subnets = []
        taken = set()
        for s in subs:
            xs = next((xs for xs in x["subnets"] if xs["gateway"] == s.get("gateway")
                       and xs["prefixLength"] == s.get("prefixLength")), None)
            if xs is None:
                raise bad_request("subnet %s/%s is not a subnet of provider gateway %s"
                                  % (s.get("gateway"), s.get("prefixLength"), x["name"]))
            ranges = []
            for r in ((s.get("ipRanges") or {}).get("values")) or []:
                a, e = _ip(r.get("startAddress"), "ipRanges.startAddress"), _ip(r.get("endAddress") or r.get("startAddress"), "ipRanges.endAddress")
                if a > e or not (_in_ranges(a, xs["ranges"]) and _in_ranges(e, xs["ranges"])):
                    raise bad_request("IP range %s-%s is outside the static pools of %s" % (a, e, x["name"]))
                for i in range(int(a), int(e) + 1):
                    if i in used:
                        raise bad_request("IP %s of range %s-%s is already in use" % (ipaddress.ip_address(i), a, e))
                ranges.append([str(a), str(e)])
            taken |= _expand(ranges)
            primary = s.get("primaryIp")
            if primary:
                p = _ip(primary, "primaryIp")
                if not _in_ranges(p, xs["ranges"]):
                    raise bad_request("primaryIp %s is outside the static pools of provider gateway %s" % (p, x["name"]))
                if int(p) in used:
                    raise bad_request("primaryIp %s is already in use on provider gateway %s" % (p, x["name"]))
                primary = str(p)
            else:
                free = sorted(i for i in _expand(xs["ranges"]) if i not in used and i not in taken)
                if not free:
                    raise bad_request("No free IP on provider gateway %s" % x["name"])
                primary = str(ipaddress.ip_address(free[0]))
            if ranges and not _in_ranges(ipaddress.ip_address(primary), ranges):
                ranges.append([primary, primary])
            subnets.append({"gateway": xs["gateway"], "prefixLength": xs["prefixLength"], "primaryIp": primary,
                            "enabled": s.get("enabled", True), "ranges": ranges,
                            "dnsServer1": xs.get("dnsServer1"), "dnsServer2": "", "dnsSuffix": ""})
        out.append({"uplinkId": x["id"], "uplinkName": x["name"], "dedicated": bool(up.get("dedicated")),
                    "subnets": subnets})
    ec = None
    pec = ((b.get("edgeClusterConfig") or {}).get("primaryEdgeCluster")) or {}
    if pec:
        ident = pec.get("backingId") or (pec.get("edgeClusterRef") or {}).get("id")
        ec = st.get("edge_cluster", ident)
        if ec is None:
            raise bad_request("edgeClusterConfig.primaryEdgeCluster %r is not an edge cluster" % ident)
    return out, ec


def _dup_edge(st, org_id, name, exclude=None):
    for g in st.find("edge_gateway", org_id=org_id):
        if g["name"].lower() == (name or "").lower() and g["id"] != exclude:
            raise ApiError(400, "DUPLICATE_NAME", "[ %s ] Edge gateway %s already exists" % (new_uuid(), name))


@route("POST", "/cloudapi/1.0.0/edgeGateways")
def edge_create(req):
    req.require_provider()
    b = req.json or {}
    st = req.state
    v = _owner_vdc(req, b)
    with st.lock:
        _dup_edge(st, v["org_id"], b.get("name"))
        uplinks, ec = _check_edge(req, b)
    if ec is None:
        ec = st.get("edge_cluster", v.get("edge_cluster_id")) or (st.all("edge_cluster") or [None])[0]
    u = new_uuid()
    g = {"id": urn("gateway", u), "uuid": u, "name": b["name"], "description": b.get("description") or "",
         "org_id": v["org_id"], "vdc_id": v["id"], "uplinks": uplinks, "edge_cluster_id": ec["id"] if ec else None,
         "backingId": new_uuid(), "status": "REALIZED"}

    def apply():
        _dup_edge(st, v["org_id"], g["name"])
        _check_edge(req, b)  # IPs may have been taken while the task waited
        st.put("edge_gateway", g)
    task = req.start_task("createNsxtGateway", {"href": "/cloudapi/1.0.0/edgeGateways/" + g["id"], "id": g["id"],
                                                "name": g["name"], "type": "application/json"}, apply,
                          org=org_ref(st, v["org_id"]))
    return Response(202, None, req.task_location(task))


@route("PUT", "/cloudapi/1.0.0/edgeGateways/{id}")
def edge_update(req):
    g = get_visible(req, "edge_gateway", req.params["id"])
    req.require_provider()
    b = req.json or {}
    st = req.state
    owner = (b.get("ownerRef") or {}).get("id") or (b.get("orgVdc") or {}).get("id")
    if owner and uuid_of(owner) != uuid_of(g["vdc_id"]):
        raise bad_request("The owner VDC of an edge gateway cannot be changed")
    with st.lock:
        _dup_edge(st, g["org_id"], b.get("name"), g["id"])
        uplinks, ec = _check_edge(req, b, exclude=g["id"])

    def apply():
        g.update(name=b["name"], description=b.get("description") or "", uplinks=uplinks)
        if ec:
            g["edge_cluster_id"] = ec["id"]
    task = req.start_task("updateNsxtGateway", {"href": "/cloudapi/1.0.0/edgeGateways/" + g["id"], "id": g["id"],
                                                "name": g["name"], "type": "application/json"}, apply,
                          org=org_ref(st, g["org_id"]))
    return Response(202, None, req.task_location(task))


@route("DELETE", "/cloudapi/1.0.0/edgeGateways/{id}")
def edge_delete(req):
    g = get_visible(req, "edge_gateway", req.params["id"])
    req.require_provider()
    st = req.state
    nets = st.find("org_network", router_id=g["id"])
    if nets:
        raise bad_request("Edge gateway %s still has %d org VDC network(s) connected: %s"
                          % (g["name"], len(nets), ", ".join(n["name"] for n in nets)))
    task = req.start_task("deleteNsxtGateway", {"href": "/cloudapi/1.0.0/edgeGateways/" + g["id"], "id": g["id"],
                                                "name": g["name"], "type": "application/json"},
                          lambda: st.delete("edge_gateway", g["id"]), org=org_ref(st, g["org_id"]))
    return Response(202, None, req.task_location(task))


@route("GET", "/cloudapi/1.0.0/edgeGateways/{id}/usedIpAddresses")
def edge_used_ips(req):
    g = get_visible(req, "edge_gateway", req.params["id"])
    items = []
    for up in g["uplinks"]:
        for s in up["subnets"]:
            if s.get("primaryIp"):
                items.append({"networkRef": {"name": up["uplinkName"], "id": up["uplinkId"]},
                              "ipAddress": s["primaryIp"], "category": "PRIMARY_IP"})
    return page(req, items, model="GatewayUsedIpAddress")


# ------------------------------------------------------------------ org VDC networks
NET_TYPES = ("NAT_ROUTED", "ISOLATED", "DIRECT", "OPAQUE")


def net_json(state, n):
    vdc = state.get("vdc", n["vdc_id"])
    r = state.get("edge_gateway", n.get("router_id"))
    conn = None
    if n["networkType"] == "NAT_ROUTED":
        conn = {"routerRef": {"name": r["name"], "id": r["id"]} if r else None,
                "connectionType": n.get("connectionType") or "INTERNAL",
                "connectionTypeValue": n.get("connectionType") or "INTERNAL", "connected": True}
    total = sum(_count(s["ranges"]) for s in n["subnets"])
    return {"id": n["id"], "name": n["name"], "description": n.get("description") or "",
            "subnets": _subnets_json(n["subnets"]), "backingNetworkId": n["backingId"],
            "backingNetworkType": "NSXT_FLEXIBLE_SEGMENT", "parentNetworkId": None,
            "networkType": n["networkType"],
            "orgVdc": {"name": vdc["name"], "id": vdc["id"]} if vdc else None,
            "ownerRef": {"name": vdc["name"], "id": vdc["id"]} if vdc else None,
            "orgVdcIsNsxTBacked": True, "orgRef": org_ref(state, n["org_id"]), "connection": conn,
            "isDefaultNetwork": False, "shared": n.get("shared", False), "enableDualSubnetNetwork": False,
            "status": "REALIZED", "lastTaskFailureMessage": None, "guestVlanTaggingAllowed": False,
            "retainNicResources": False, "crossVdcNetworkId": None, "crossVdcNetworkLocationId": None,
            "overlayId": None, "totalIpCount": total, "usedIpCount": 0, "routeAdvertised": False,
            "securityGroups": None, "segmentProfileTemplateRef": None}


@route("GET", "/cloudapi/1.0.0/orgVdcNetworks")
def nets_list(req):
    items = [net_json(req.state, n) for n in req.state.all("org_network") if visible(req, n["org_id"])]
    items.sort(key=lambda x: x["name"])
    return page(req, items, max_page_size=32, model="VdcNetwork")


@route("GET", "/cloudapi/1.0.0/orgVdcNetworks/{id}")
def net_get(req):
    return json_response(net_json(req.state, get_visible(req, "org_network", req.params["id"])))


def _check_net(req, b, v, exclude=None):
    st = req.state
    ntype = b.get("networkType")
    if ntype not in NET_TYPES:
        raise bad_request("networkType must be one of %s" % ", ".join(NET_TYPES))
    router = None
    conn = b.get("connection") or {}
    if ntype == "NAT_ROUTED":
        rid = (conn.get("routerRef") or {}).get("id")
        router = st.get("edge_gateway", rid) if rid else None
        if router is None:
            raise bad_request("A NAT_ROUTED network needs connection.routerRef.id of an edge gateway")
        if router["vdc_id"] != v["id"]:
            raise bad_request("Edge gateway %s does not belong to VDC %s" % (router["name"], v["name"]))
        if conn.get("connectionType") not in (None, "INTERNAL", "DISTRIBUTED", "SUBINTERFACE"):
            raise bad_request("Unsupported connectionType %r" % conn.get("connectionType"))
    elif conn.get("routerRef"):
        raise bad_request("Only NAT_ROUTED networks connect to an edge gateway")
    subs = ((b.get("subnets") or {}).get("values")) or []
    if not subs:
        raise bad_request("subnets.values needs one subnet")
    subnets = []
    for s in subs:
        gw = _ip(s.get("gateway"), "subnets.gateway")
        try:
            net = ipaddress.ip_network("%s/%s" % (gw, s.get("prefixLength")), strict=False)
        except ValueError:
            raise bad_request("Invalid prefixLength %r" % s.get("prefixLength"))
        ranges = []
        for r in ((s.get("ipRanges") or {}).get("values")) or []:
            a = _ip(r.get("startAddress"), "ipRanges.startAddress")
            e = _ip(r.get("endAddress") or r.get("startAddress"), "ipRanges.endAddress")
            if a > e or a not in net or e not in net:
                raise bad_request("Static IP pool %s-%s is outside the subnet %s" % (a, e, net))
            if a <= gw <= e:
                raise bad_request("Static IP pool %s-%s contains the gateway %s" % (a, e, gw))
            if a == net.network_address or e == net.broadcast_address:
                raise bad_request("Static IP pool %s-%s holds the network or broadcast address" % (a, e))
            ranges.append([str(a), str(e)])
        for other in st.find("org_network", vdc_id=v["id"]):
            if other["id"] == exclude or not router or other.get("router_id") != router["id"]:
                continue
            for os_ in other["subnets"]:
                onet = ipaddress.ip_network("%s/%s" % (os_["gateway"], os_["prefixLength"]), strict=False)
                if onet.overlaps(net):
                    raise bad_request("Subnet %s overlaps network %s (%s) on edge gateway %s"
                                      % (net, other["name"], onet, router["name"]))
        subnets.append({"gateway": str(gw), "prefixLength": net.prefixlen, "dnsServer1": s.get("dnsServer1") or "",
                        "dnsServer2": s.get("dnsServer2") or "", "dnsSuffix": s.get("dnsSuffix") or "",
                        "enabled": True, "ranges": ranges})
    return router, subnets, conn.get("connectionType") or ("INTERNAL" if router else None)


def _dup_net(st, vdc_id, name, exclude=None):
    for n in st.find("org_network", vdc_id=vdc_id):
        if n["name"].lower() == (name or "").lower() and n["id"] != exclude:
            raise ApiError(400, "DUPLICATE_NAME", "[ %s ] Org VDC network %s already exists" % (new_uuid(), name))


@route("POST", "/cloudapi/1.0.0/orgVdcNetworks")
def net_create(req):
    b = req.json or {}
    st = req.state
    v = _owner_vdc(req, b)
    if not b.get("name"):
        raise bad_request("name is required")
    with st.lock:
        _dup_net(st, v["id"], b["name"])
        router, subnets, ctype = _check_net(req, b, v)
    u = new_uuid()
    n = {"id": urn("network", u), "uuid": u, "name": b["name"], "description": b.get("description") or "",
         "org_id": v["org_id"], "vdc_id": v["id"], "networkType": b["networkType"],
         "router_id": router["id"] if router else None, "connectionType": ctype, "subnets": subnets,
         "shared": bool(b.get("shared")), "backingId": new_uuid()}

    def apply():
        _dup_net(st, v["id"], n["name"])
        if router and st.get("edge_gateway", router["id"]) is None:
            raise ApiError(400, "BAD_REQUEST", "Edge gateway %s no longer exists" % router["name"])
        st.put("org_network", n)
    task = req.start_task("createNetwork", {"href": "/cloudapi/1.0.0/orgVdcNetworks/" + n["id"], "id": n["id"],
                                            "name": n["name"], "type": "application/json"}, apply,
                          org=org_ref(st, v["org_id"]))
    return Response(202, None, req.task_location(task))


@route("PUT", "/cloudapi/1.0.0/orgVdcNetworks/{id}")
def net_update(req):
    n = get_visible(req, "org_network", req.params["id"])
    b = req.json or {}
    st = req.state
    v = st.get("vdc", n["vdc_id"])
    owner = (b.get("ownerRef") or {}).get("id") or (b.get("orgVdc") or {}).get("id")
    if owner and uuid_of(owner) != uuid_of(v["id"]):
        raise bad_request("The owner VDC of a network cannot be changed")
    if b.get("networkType") and b["networkType"] != n["networkType"]:
        raise bad_request("The type of a network cannot be changed")
    if not b.get("name"):
        raise bad_request("name is required")
    with st.lock:
        _dup_net(st, v["id"], b["name"], n["id"])
        router, subnets, ctype = _check_net(req, dict(b, networkType=n["networkType"]), v, exclude=n["id"])

    def apply():
        n.update(name=b["name"], description=b.get("description") or "", subnets=subnets,
                 router_id=router["id"] if router else None, connectionType=ctype, shared=bool(b.get("shared")))
    task = req.start_task("updateNetwork", {"href": "/cloudapi/1.0.0/orgVdcNetworks/" + n["id"], "id": n["id"],
                                            "name": n["name"], "type": "application/json"}, apply,
                          org=org_ref(st, n["org_id"]))
    return Response(202, None, req.task_location(task))


@route("DELETE", "/cloudapi/1.0.0/orgVdcNetworks/{id}")
def net_delete(req):
    n = get_visible(req, "org_network", req.params["id"])
    st = req.state
    task = req.start_task("deleteNetwork", {"href": "/cloudapi/1.0.0/orgVdcNetworks/" + n["id"], "id": n["id"],
                                            "name": n["name"], "type": "application/json"},
                          lambda: st.delete("org_network", n["id"]), org=org_ref(st, n["org_id"]))
    return Response(202, None, req.task_location(task))
