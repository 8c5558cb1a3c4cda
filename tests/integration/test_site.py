"""site.yml (tag solutions_org) converges the solutions org in both AZs; a second run changes nothing."""

from __future__ import annotations

from conftest import AZS, duplicates, run_playbook

SITE = "site.yml"


def by_name(items, name):
    found = [o for o in items if o.get("name") == name]
    assert len(found) == 1, "expected one %s, found %d" % (name, len(found))
    return found[0]


def check_solutions_org(lab, az, index):
    state = lab.state(az)
    org = by_name(state["org"], "solutions-org")
    assert org["isEnabled"] is True
    settings = org["settings"]
    assert settings["orgGeneralSettings"]["canPublishCatalogs"] is True
    assert settings["vAppLeaseSettings"]["deploymentLeaseSeconds"] == 0
    assert settings["vAppLeaseSettings"]["storageLeaseSeconds"] == 0
    assert settings["vAppTemplateLeaseSettings"]["storageLeaseSeconds"] == 0

    vdc = by_name([v for v in state["vdc"] if v["org_id"] == org["id"]], "solutions-vdc")
    assert vdc["allocationModel"] == "Flex" and vdc["status"] == 1
    # 2 CSE appliances x 2 vCPU x 2000 MHz, 2 x 4 GB, all guaranteed
    assert vdc["computeCapacity"]["cpu"]["allocated"] == 8000
    assert vdc["computeCapacity"]["memory"]["allocated"] == 8192
    assert float(vdc["resourceGuaranteedCpu"]) == 1.0 and float(vdc["resourceGuaranteedMemory"]) == 1.0
    profiles = [p for p in state["vdc_sp"] if p["vdc_id"] == vdc["id"]]
    assert [(p["name"], p["limit"], p["default"]) for p in profiles] == [("gold", 2 * 51200 + 4 * 20480, True)]

    edge = by_name([e for e in state.get("edge_gateway", []) if e["vdc_id"] == vdc["id"]], "solutions-edge")
    uplink = edge["uplinks"][0]
    assert uplink["uplinkName"] == "t0-solutions" and uplink["dedicated"] is True
    assert uplink["subnets"][0]["primaryIp"] == "172.16.%d.10" % index

    net = by_name([n for n in state.get("org_network", []) if n.get("vdc_id") == vdc["id"]], "solutions-routed")
    assert net["networkType"] == "NAT_ROUTED" and net["router_id"] == edge["id"], net
    subnet = net["subnets"][0]
    assert (subnet["gateway"], subnet["prefixLength"]) == ("192.168.%d0.1" % index, 24)
    assert subnet["dnsServer1"] == "10.0.0.53" and subnet["dnsSuffix"] == "solutions.az%d.lab.example" % index
    assert [list(r) for r in subnet["ranges"]] == [["192.168.%d0.10" % index, "192.168.%d0.100" % index]]

    catalog = by_name([c for c in state.get("catalog", []) if c["org_id"] == org["id"]], "tkg-templates")
    assert catalog["isPublished"] is True
    acl = catalog["acl"]
    assert acl["isSharedToEveryone"] is False and acl["everyoneAccessLevel"] == "ReadOnly"


def test_site_converges_then_changes_nothing(lab):
    lab.reset()
    first = run_playbook(SITE, "--tags", "solutions_org")
    assert first.rc == 0, first.explain()
    assert set(AZS) <= set(first.recap), first.explain()
    for index, az in enumerate(AZS, 1):
        assert first.changed(az) > 0
        check_solutions_org(lab, az, index)
        assert duplicates(lab.state(az)) == {}

    marks = {az: lab.last_seq(az) for az in AZS}
    second = run_playbook(SITE, "--tags", "solutions_org")
    assert second.rc == 0, second.explain()
    assert second.changed() == 0, second.explain()
    for az in AZS:
        assert lab.writes(az, since=marks[az]) == [], "a run with nothing to do wrote to VCD"


def test_check_mode_on_a_changed_inventory_reports_and_writes_nothing(lab):
    marks = {az: lab.last_seq(az) for az in AZS}
    changed = {"solutions_org_cse_appliances": 3, "solutions_org_catalog_share": "none"}
    check = run_playbook(SITE, "--tags", "solutions_org", extra_vars=changed, check=True, diff=True)
    assert check.rc == 0, check.explain()
    for az in AZS:
        assert check.changed(az) == 2, check.explain()
        assert lab.writes(az, since=marks[az]) == [], "check mode wrote to VCD"
    # the diff shows the new sizing and the new sharing
    assert "cpu_allocated_mhz: 12000" in check.out or '"cpu_allocated_mhz": 12000' in check.out, check.explain()
    assert "share: none" in check.out or '"share": "none"' in check.out, check.explain()
    for index, az in enumerate(AZS, 1):
        check_solutions_org(lab, az, index)
