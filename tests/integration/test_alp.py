"""App Launchpad: playbooks/alp.yml against the lab (two ALP node hosts per AZ, the real RabbitMQ).

Done-when of issue #8:
1. site.yml (--tags alp) converges both AZs (AMQP settings tested against the real broker, service org and PAYG VDC, two nodes
   connected over AMQP, applications published per the matrix); a second run changes and writes nothing;
   check mode on a changed matrix reports and writes nothing;
2. HA with MQTT, a wrong RabbitMQ password and a single node fail clearly before any change;
3. publishing to 200 tenants is one task per AZ (and one publish call per application);
4. no password shows in -vvv output.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import AZS, REPO, RUN_DIR, lab_env, run_playbook

PLAYBOOK = "alp.yml"
SITE = ("site.yml", "--tags", "alp")     # site.yml imports alp.yml, tagged alp
NODES = {"az1": [("az1-alp-1", "10.231.0.15"), ("az1-alp-2", "10.231.0.16")],
         "az2": [("az2-alp-1", "10.231.0.17"), ("az2-alp-2", "10.231.0.18")]}
# every secret the run handles (inventories/lab/group_vars/azs/{main,alp}.yml)
SECRETS = ("lab-Amqp-Passw0rd!", "lab-Alp-Passw0rd!", "lab-Passw0rd!")
PUBLISH_TASK = "Publish the applications of every tenant, in bulk, in az1"


def by_name(items, name):
    found = [o for o in items if o.get("name") == name]
    assert len(found) == 1, "expected one %s, found %d" % (name, len(found))
    return found[0]


def ssh(ip, command):
    key = RUN_DIR / "nodes" / "id_ed25519"
    known = RUN_DIR / "nodes" / "known_hosts"
    return subprocess.run(["ssh", "-i", str(key), "-o", "UserKnownHostsFile=%s" % known, "-o", "IdentitiesOnly=yes",
                           "-o", "BatchMode=yes", "-o", "ConnectTimeout=10", "root@%s" % ip, command],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60, check=False)


def installed(ip):
    return ssh(ip, "dpkg -s vmware-alp >/dev/null 2>&1 && echo yes || echo no").stdout.strip() == "yes"


@pytest.fixture(scope="module")
def alp_nodes(lab):
    """The four ALP node hosts, up and without any App Launchpad state (the nodes are shared: never taken down)."""
    if os.geteuid() != 0:
        pytest.skip("the lab node hosts need root")
    names = [n for az in AZS for n, _ip in NODES[az]]
    subprocess.run([sys.executable, "-m", "vcdlab.nodes", "up", *names], cwd=str(REPO), env=lab_env(),
                   check=True, timeout=600, stdout=subprocess.DEVNULL)
    key, known = RUN_DIR / "nodes" / "id_ed25519", RUN_DIR / "nodes" / "known_hosts"
    clean = ("dpkg --purge vmware-alp >/dev/null 2>&1; rm -rf /etc/vmware-alp /var/lib/vcdops /var/cache/vcdops; "
             "if ls /usr/local/share/ca-certificates/vcdops-vcd-*.crt >/dev/null 2>&1; then "
             "rm -f /usr/local/share/ca-certificates/vcdops-vcd-*.crt; update-ca-certificates >/dev/null 2>&1; fi; "
             "echo clean")
    procs = [subprocess.Popen(["ssh", "-i", str(key), "-o", "UserKnownHostsFile=%s" % known, "-o", "IdentitiesOnly=yes",
                               "-o", "BatchMode=yes", "-o", "ConnectTimeout=10", "root@%s" % ip, clean],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
             for az in AZS for _name, ip in NODES[az]]
    for proc in procs:
        out, _err = proc.communicate(timeout=120)
        assert out.strip().endswith("clean"), out
    return names


def check_az(lab, az, wordpress, redis):
    state = lab.state(az)
    settings = state["amqp_settings"][0]
    broker = json.loads((RUN_DIR / "rabbitmq" / "broker.json").read_text())
    assert (settings["amqpHost"], settings["amqpPort"], settings["amqpVHost"], settings["amqpUsername"],
            settings["amqpUseSSL"]) == ("localhost", broker["amqps_port"], "vcd-%s" % az, "vcd-%s" % az, True)
    tests = state.get("amqp_test") or []
    assert tests and all(t["valid"] for t in tests), tests          # VCD's test passed against the real broker
    assert tests[-1]["reason"] == "connected"

    org = by_name(state["org"], "AppLaunchpad")
    vdc = by_name(state["vdc"], "alp-payg-vdc")
    assert vdc["org_id"] == org["id"] and vdc["allocationModel"] == "AllocationVApp"

    user = by_name(state["user"], "alp-service")
    assert user["roles"] == ["App-Launchpad-Service"]
    assert [p["vendor"] for p in state["ui_plugin"] if p["pluginName"] == "App Launchpad"] == ["VMware"]
    ext = by_name(state["extension_service"], "alp")
    assert ext["enabled"] and ext["exchange"] == "vmware-alp"
    assert not state.get("external_service")
    instances = state["alp_instance"]
    assert sorted(i["node"] for i in instances) == [n for n, _ip in NODES[az]]
    assert all(i["bus"] == "amqp" for i in instances)

    by_id = {o["id"]: o["name"] for o in state["org"]}
    source = by_name(state["content_source"], "bitnami")
    assert source["status"] == "READY" and source["sourceType"] == "HelmchartRepo"
    apps = {a["name"]: sorted(by_id[t] for t in a["tenants"]) for a in state["app_template"]}
    assert apps["wordpress"] == wordpress and apps["redis"] == redis
    assert all(not tenants for name, tenants in apps.items() if name not in ("wordpress", "redis"))


def test_bad_inputs_fail_before_any_change(lab, alp_nodes, tmp_path):
    lab.reset()
    limit = "az1,az1-alp-1,az1-alp-2"
    single = tmp_path / "single.yml"
    single.write_text("all:\n  children:\n    alp_single:\n      hosts:\n        az1-alp-1:\n")
    cases = [
        ("MQTT with HA", [], {"alp_bus": "mqtt"}, "highly available App Launchpad deployments do not support MQTT"),
        ("one node", ["-i", str(single)], {"alp_nodes_group": "alp_single"}, "needs two or more per AZ"),
        ("wrong RabbitMQ password", [], {"alp_amqp_password": "Wrong-Passw0rd!"},
         "VCD's AMQP test failed for vcd-az1@localhost"),
    ]
    for what, args, extra, message in cases:
        mark = lab.last_seq("az1")
        res = run_playbook(PLAYBOOK, *args, extra_vars=extra, limit=limit)
        assert res.rc != 0, "%s: %s" % (what, res.explain())
        assert message in res.out, "%s: %s" % (what, res.explain())
        # the play of the nodes never starts (or refuses to touch a node whose AZ failed)
        assert all(res.recap.get(n, {}).get("changed", 0) == 0 for n, _ip in NODES["az1"]), res.explain()
        writes = [(w["method"], w["path"]) for w in lab.writes("az1", since=mark)]
        if what == "wrong RabbitMQ password":
            # VCD's own test call (a POST that changes nothing) is the only request that is not a read
            assert writes == [("POST", "/api/admin/extension/settings/amqp/action/test")], writes
        else:
            assert writes == [], "%s wrote %s" % (what, writes)
    state = lab.state("az1")
    assert state["amqp_settings"][0]["amqpHost"] == ""
    assert [t["valid"] for t in state["amqp_test"]] == [False]
    assert "ACCESS_REFUSED" in state["amqp_test"][0]["reason"]        # the real broker refused the login
    assert not any(o["name"] == "AppLaunchpad" for o in state["org"])
    assert not state.get("alp_instance")
    assert not any(installed(ip) for _n, ip in NODES["az1"])


def test_alp_converges_then_changes_nothing_and_hides_passwords(lab, alp_nodes):
    lab.reset()
    first = run_playbook(*SITE, "-vvv")
    assert first.rc == 0, first.explain()
    for secret in SECRETS:
        assert secret not in first.out, "a password shows in the -vvv output"
    for az in AZS:
        assert first.changed(az) > 0
        for node, ip in NODES[az]:
            assert first.changed(node) > 0 and installed(ip)
    check_az(lab, "az1", wordpress=["tenant-a", "tenant-b"], redis=["tenant-a"])
    check_az(lab, "az2", wordpress=["tenant-a"], redis=["tenant-a"])
    for az in AZS:
        assert lab.violations(az) == []

    marks = {az: lab.last_seq(az) for az in AZS}
    second = run_playbook(*SITE)
    assert second.rc == 0, second.explain()
    assert second.changed() == 0, second.explain()
    for az in AZS:
        assert lab.writes(az, since=marks[az]) == [], "a run with nothing to do wrote to VCD"


def test_check_mode_on_a_changed_matrix_writes_nothing(lab, alp_nodes):
    tenants = [{"name": "tenant-a", "azs": ["az1", "az2"], "alp": ["wordpress"]},
               {"name": "tenant-b", "azs": ["az1"], "alp": ["wordpress", "mysql"]},
               {"name": "tenant-c", "azs": ["az2"], "alp": []}]
    marks = {az: lab.last_seq(az) for az in AZS}
    # the AZ hosts only (the nodes' check mode is part of the full runs above)
    check = run_playbook(PLAYBOOK, extra_vars={"tenants": tenants}, check=True, diff=True, limit="azs")
    assert check.rc == 0, check.explain()
    # az1: tenant-b gets mysql, tenant-a loses redis; az2: tenant-a loses redis
    assert check.changed("az1") == 1 and check.changed("az2") == 1, check.explain()
    assert "+    - tenant-b" in check.out, check.explain()
    for az in AZS:
        writes = [(w["method"], w["path"]) for w in lab.writes(az, since=marks[az])]
        assert writes == [], "check mode wrote to VCD in %s: %s" % (az, writes)
    check_az(lab, "az1", wordpress=["tenant-a", "tenant-b"], redis=["tenant-a"])


def test_publishing_to_200_tenants_is_one_task(lab, alp_nodes):
    lab["az1"]._call("POST", "/_lab/tenants", {"count": 200, "prefix": "bulk-"})
    tenants = [{"name": "tenant-a", "azs": ["az1", "az2"], "alp": ["wordpress", "redis"]},
               {"name": "tenant-b", "azs": ["az1"], "alp": ["wordpress"]}]
    tenants += [{"name": "bulk-%03d" % i, "azs": ["az1"], "alp": ["wordpress", "redis"]} for i in range(1, 201)]
    mark = lab.last_seq("az1")
    res = run_playbook(PLAYBOOK, extra_vars={"tenants": tenants}, limit="az1")
    assert res.rc == 0, res.explain()
    # one task publishes for the whole matrix (it also runs once, in check mode, as the preflight)
    assert res.out.count("TASK [vcdops.platform.alp : %s]" % PUBLISH_TASK) == 2, res.explain()
    assert res.changed("az1") == 1, res.explain()
    writes = [(w["method"], w["path"]) for w in lab.writes("az1", since=mark)]
    assert len(writes) == 2 and all(p.endswith("/tenants/publish") for _m, p in writes), writes
    reads = [r for r in lab["az1"].requests(mark) if r["method"] == "GET"]
    assert len(reads) < 60, "%d reads for 200 tenants" % len(reads)
    state = lab.state("az1")
    apps = {a["name"]: a for a in state["app_template"]}
    assert len(apps["wordpress"]["tenants"]) == 202 and len(apps["redis"]["tenants"]) == 201
