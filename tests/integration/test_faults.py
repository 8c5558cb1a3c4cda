"""Under injected faults the run still converges, without duplicates."""

from __future__ import annotations

import threading

from conftest import duplicates, run_playbook
from test_site import check_solutions_org


def converge_az1(lab):
    result = run_playbook("site.yml", "--tags", "solutions_org", limit="az1")
    assert result.rc == 0, result.explain()
    check_solutions_org(lab, "az1", 1)
    assert duplicates(lab.state("az1")) == {}
    return result


def statuses(lab, mark):
    return [r["status"] for r in lab["az1"].requests(mark)]


def test_throttling_and_503_bursts(lab):
    lab.reset()
    mark = lab.last_seq("az1")
    lab["az1"].fault(method="POST", path="^/cloudapi/1.0.0/orgs$", status=429, retry_after=1, count=2)
    lab["az1"].fault(method="GET", path="^/cloudapi/1.0.0/vdcs$", status=503, count=3)
    lab["az1"].fault(method="POST", path="^/cloudapi/1.0.0/edgeGateways$", status=503, count=1)
    lab["az1"].fault(method="GET", path="^/api/admin/org/", status=429, retry_after=1, count=2)
    converge_az1(lab)
    seen = statuses(lab, mark)
    assert seen.count(429) == 4 and seen.count(503) == 4


def test_connection_reset_after_a_create_does_not_duplicate(lab):
    lab.reset()
    lab["az1"].fault(method="POST", path="^/cloudapi/1.0.0/orgVdcNetworks$", reset=True, when="after", count=1)
    lab["az1"].fault(method="POST", path="^/cloudapi/1.0.0/orgs$", reset=True, when="after", count=1)
    lab["az1"].fault(method="GET", path="^/cloudapi/1.0.0/edgeGateways$", reset=True, when="before", count=2)
    converge_az1(lab)
    names = [n["name"] for n in lab.state("az1")["org_network"]]
    assert names.count("solutions-routed") == 1


def test_session_expiry_mid_run(lab):
    lab.reset()
    mark = lab.last_seq("az1")
    stop = threading.Event()

    def expire():
        while not stop.wait(2.0):
            lab["az1"].expire_sessions()

    thread = threading.Thread(target=expire)
    thread.start()
    try:
        converge_az1(lab)
    finally:
        stop.set()
        thread.join()
    assert 401 in statuses(lab, mark), "the sessions never expired during the run"


def test_failed_task_fails_the_run_with_its_message_then_converges(lab):
    lab.reset()
    lab["az1"].fault(method="POST", path="^/cloudapi/1.0.0/edgeGateways$", task_fail="NSX-T edge cluster has no capacity",
                     count=1)
    failed = run_playbook("site.yml", "--tags", "solutions_org", limit="az1")
    assert failed.rc != 0
    assert "NSX-T edge cluster has no capacity" in failed.out, failed.explain()
    assert [e["name"] for e in lab.state("az1").get("edge_gateway", [])] == []
    converge_az1(lab)
