"""OSE per AZ against the lab (issue #7, "Done when"):

1. playbooks/ose.yml brings up 2 OSE nodes per AZ (stand-in package, real PostgreSQL backend,
   Cloudian and VCD connections), healthy, and onboards the tenant matrix; the second run
   (with -vvv) changes nothing and writes nothing; check mode changes nothing;
2. a certificate without the *.s3. SAN, one node only, an unreachable PostgreSQL and a wrong
   Cloudian password fail with clear messages before any node is touched;
3. onboarding 200 tenants is one task per AZ: list reads and one write per change;
4. no password appears in the -vvv output.

The lab node hosts need root (tests/lab/vcdlab/nodes); the tests skip without it.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import ssl
import subprocess
import sys
import urllib.request

import pytest

from conftest import AZS, PORT_BASE, REPO, RUN_DIR, lab_env, run_playbook

PLAYBOOK = "ose.yml"
NODES = {"az1": [("az1-ose-1", "10.231.0.11"), ("az1-ose-2", "10.231.0.12")],
         "az2": [("az2-ose-1", "10.231.0.13"), ("az2-ose-2", "10.231.0.14")]}
SECRETS = ("Ose-Db-Passw0rd!", "Cl0udian-lab!", "lab-P12-Passw0rd!", "lab-Passw0rd!")
ONBOARD_TASK = "TASK [vcdops.platform.ose : Onboard the tenants of this AZ]"


def sim(az, kind, path, body=None):
    """GET/POST on the lab's OSE (base+31/+32) or Cloudian (base+41/+42) simulator."""
    port = PORT_BASE + {"ose": 30, "cloudian": 40}[kind] + AZS.index(az) + 1
    ctx = ssl.create_default_context(cafile=str(RUN_DIR / "ca.pem"))
    req = urllib.request.Request("https://localhost:%d%s" % (port, path), method="POST" if body is not None else "GET",
                                 data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, context=ctx, timeout=30) as r:
        return json.loads(r.read() or b"null")


def ose_requests(az, since):
    return sim(az, "ose", "/_lab/requests?since=%d" % since)["requests"]


def ose_seq(az):
    return sim(az, "ose", "/_lab/requests?since=1000000000")["last_seq"]


def ssh(ip, command):
    key = RUN_DIR / "nodes" / "id_ed25519"
    known = RUN_DIR / "nodes" / "known_hosts"
    return subprocess.run(["ssh", "-i", str(key), "-o", "UserKnownHostsFile=%s" % known, "-o", "IdentitiesOnly=yes",
                           "-o", "BatchMode=yes", "-o", "ConnectTimeout=10", "root@%s" % ip, command],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60, check=False)


@pytest.fixture(scope="module")
def ose_nodes(lab):
    """The four OSE node hosts, up and without any OSE state (nodes are shared: never taken down)."""
    if os.geteuid() != 0:
        pytest.skip("the lab node hosts need root")
    try:
        sim("az1", "ose", "/_lab/state")
    except OSError as exc:
        pytest.fail("the lab's OSE service does not answer (is services/ose.py started by vcdlab start?): %s" % exc)
    names = [n for az in AZS for n, _ip in NODES[az]]
    subprocess.run([sys.executable, "-m", "vcdlab.nodes", "up", *names], cwd=str(REPO), env=lab_env(),
                   check=True, timeout=900, stdout=subprocess.DEVNULL)
    for az in AZS:
        for _name, ip in NODES[az]:
            out = ssh(ip, "test -s /run/voss-keeper.pid && kill $(cat /run/voss-keeper.pid) 2>/dev/null; "
                          "dpkg --purge vmware-ose >/dev/null 2>&1; rm -rf /opt/vmware/voss /var/lib/vcdops "
                          "/run/voss-keeper.pid /usr/local/share/ca-certificates/vcdops-ose-*.crt; "
                          "update-ca-certificates --fresh >/dev/null 2>&1; echo clean")
            assert out.stdout.strip().endswith("clean"), out.stdout
    return names


def test_bad_inputs_fail_before_any_node_is_touched(lab, ose_nodes, tmp_path):
    inv = tmp_path / "inventory"
    inv.mkdir()
    (inv / "hosts.yml").symlink_to(REPO / "inventories" / "lab" / "hosts.yml")
    (inv / "group_vars").symlink_to(REPO / "inventories" / "lab" / "group_vars")
    (inv / "nodes.yml").write_text("all:\n  children:\n    lab_nodes:\n      children:\n        ose_nodes:\n          hosts:\n"
                                   "            az1-ose-1: {ansible_host: 10.231.0.11, az: az1}\n")
    cases = [
        ("certificate without *.s3.", 1, {"ose_certificate_src": str(RUN_DIR / "ose" / "az1" / "ose-no-wildcard.p12")},
         "does not cover *.s3.ose.az1.lab.vcdops.test"),
        ("one node", None, {}, "has 1 OSE node(s)"),
        ("unreachable PostgreSQL", 1, {"ose_db_port": 1}, "cannot reach PostgreSQL at 10.231.0.1:1"),
        ("wrong Cloudian password", 1, {"ose_cloudian_admin_password": "Wrong-Passw0rd!"},
         "refused user sysadmin (401): wrong user name or password"),
    ]
    mark = ose_seq("az1")

    def run(case):
        what, inventory, extra, _message = case
        return run_playbook(PLAYBOOK, extra_vars=extra, limit="az1,az1-ose-1,az1-ose-2",
                            **({"inventory": inv} if inventory is None else {}))
    # each case fails in the preflight play: run them side by side
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(run, cases))
    for (what, _inventory, _extra, message), res in zip(cases, results):
        assert res.rc != 0, "%s: %s" % (what, res.explain())
        assert message in res.out, "%s: %s" % (what, res.explain())
        # any_errors_fatal: the play of the nodes never starts
        assert "PLAY [OSE nodes]" not in res.out, "%s: %s" % (what, res.explain())
    assert [r for r in ose_requests("az1", mark) if r["method"] != "GET"] == []
    for _name, ip in NODES["az1"]:
        assert ssh(ip, "test -e /opt/vmware/voss && echo touched || echo untouched").stdout.strip() == "untouched"


def check_az(az, expected):
    state = sim(az, "ose", "/_lab/state")
    assert all(state["nodes"].values()) and len(state["nodes"]) == 2, state["nodes"]
    tenants = {t["name"]: t for t in state["tenants"]}
    for name, (policy, quota_gb) in expected.items():
        t = tenants[name]
        assert t["active"] and t["storagePolicy"] == policy and t["storagePolicyLocked"], t
        assert t["hlStorageQuotaKBytes"] == quota_gb * 1024 * 1024, t
    assert {p["name"] for p in state["policies"]} == {"standard", "archive", "multisite"}
    assert len(state["regions"]) == 2
    cloudian = sim(az, "cloudian", "/_lab/state")
    assert {g["groupName"] for g in cloudian["groups"]} == set(expected)
    assert {p["policyName"] for p in cloudian["policies"]} >= {"standard", "archive", "multisite"}


def test_ose_converges_then_changes_nothing_and_hides_passwords(lab, ose_nodes):
    res = run_playbook(PLAYBOOK)
    assert res.rc == 0, res.explain()
    for az in AZS:
        assert res.changed(az) >= 3, res.explain()
        for name, _ip in NODES[az]:
            assert res.changed(name) > 0, res.explain()
    check_az("az1", {"tenant-a": ("standard", 500), "tenant-b": ("standard", 100)})
    check_az("az2", {"tenant-a": ("standard", 500), "tenant-c": ("archive", 1000)})
    # the nodes really use the PostgreSQL backend, the VCD and Cloudian connections
    out = ssh(NODES["az1"][0][1], "ose config validate").stdout
    assert out.count("Valid") == 7, out

    marks = {az: (ose_seq(az), lab.last_seq(az)) for az in AZS}
    again = run_playbook(PLAYBOOK, "-vvv")
    assert again.rc == 0, again.explain()
    assert again.changed() == 0, again.explain()
    for az in AZS:
        assert [r for r in ose_requests(az, marks[az][0]) if r["method"] not in ("GET", "OPTIONS")] == []
        assert lab.writes(az, since=marks[az][1]) == []
    leaked = [s for s in SECRETS if s in again.out]
    assert not leaked, "passwords in the -vvv output: %s" % leaked

    check = run_playbook(PLAYBOOK, check=True, diff=True, limit="az1,az1-ose-1,az1-ose-2")
    assert check.rc == 0, check.explain()
    assert check.changed() == 0, check.explain()
    assert [r for r in ose_requests("az1", marks["az1"][0]) if r["method"] not in ("GET", "OPTIONS")] == []


def test_onboarding_200_tenants_is_one_task(lab, ose_nodes):
    lab["az1"]._call("POST", "/_lab/tenants", {"count": 200, "prefix": "ose-bulk-"})
    tenants = [{"name": "tenant-a", "azs": ["az1", "az2"], "ose": {"storage_policy": "standard", "quota_gb": 500}},
               {"name": "tenant-b", "azs": ["az1"], "ose": {"storage_policy": "standard", "quota_gb": 100}}]
    tenants += [{"name": "ose-bulk-%03d" % i, "azs": ["az1"], "ose": {"storage_policy": "archive", "quota_gb": 10}}
                for i in range(1, 201)]
    mark, vcd_mark = ose_seq("az1"), lab.last_seq("az1")
    res = run_playbook(PLAYBOOK, extra_vars={"tenants": tenants}, limit="az1")
    assert res.rc == 0, res.explain()
    assert res.out.count(ONBOARD_TASK) == 1, res.explain()
    reqs = ose_requests("az1", mark)
    writes = [r for r in reqs if r["method"] not in ("GET", "OPTIONS")]
    assert len(writes) == 200 and all(w["method"] == "PATCH" for w in writes), len(writes)
    reads = [r for r in reqs if r["method"] == "GET"]
    assert len(reads) <= 15, "%d OSE reads for 200 tenants" % len(reads)
    vcd_reads = [r for r in lab["az1"].requests(vcd_mark) if r["method"] == "GET"]
    assert len(vcd_reads) <= 15, "%d VCD reads for 200 tenants" % len(vcd_reads)
    state = sim("az1", "ose", "/_lab/state")
    assert sum(1 for t in state["tenants"] if t["active"]) == 202
