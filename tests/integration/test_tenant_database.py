"""Tenant databases (issue #6): playbooks/tenant_database.yml as tenant-a in az1, a real PostgreSQL behind DSM.

Setup without the DSM playbook (test_dsm covers it): the DSE types come from /_lab/dsm/install-dse, the DSM
appliance is booted with /_lab/dsm/boot, its IP pool / policy / backup location are created through the DSM API,
the DSE <-> DSM integration entity is created in VCD and the policy, backup location and "DSM Postgres" are
published to tenant-a and tenant-b (ReadOnly ACLs, as vcd_dsm_publish does).
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from conftest import PLAYBOOKS, LAB_INVENTORY, PORT_BASE, REPO, RUN_DIR, lab_env, run_playbook

pg8000 = pytest.importorskip("pg8000.native")

AZ = "az1"
VCD = "https://localhost:%d" % (PORT_BASE + 1)
DSM = "https://localhost:%d" % (PORT_BASE + 11)
CA = str(RUN_DIR / "ca.pem")
ACCEPT = "application/json;version=39.0"
ADMIN_EMAIL, ADMIN_PW = "dsm-admin@az1.lab.example", "Dsm-Passw0rd!"
OUT = RUN_DIR / "tenant-db-result.json"
CONN = {}   # instance -> connection, as the playbook returned it


# ------------------------------------------------------------------ helpers
def vcd_session(user, org, password="lab-Passw0rd!"):
    s = requests.Session()
    s.verify = CA
    s.trust_env = False   # REQUESTS_CA_BUNDLE would replace the lab CA
    path = "/cloudapi/1.0.0/sessions/provider" if org == "System" else "/cloudapi/1.0.0/sessions"
    r = s.post(VCD + path, auth=("%s@%s" % (user, org), password), headers={"Accept": ACCEPT})
    r.raise_for_status()
    s.headers.update({"Accept": ACCEPT, "Authorization": "Bearer %s" % r.headers["X-VMWARE-VCLOUD-ACCESS-TOKEN"]})
    return s


def dsm_session(vc=False):
    s = requests.Session()
    s.verify = CA
    s.trust_env = False   # REQUESTS_CA_BUNDLE would replace the lab CA
    if vc:
        r = s.post(DSM + "/provider/plugin/session-using-vc-credentials",
                   json={"username": "administrator@vsphere.local", "password": "lab-Passw0rd!"},
                   headers={"Accept": "application/vnd.vmware.dms-v1+json"})
    else:
        r = s.post(DSM + "/provider/session", json={"email": ADMIN_EMAIL, "password": ADMIN_PW},
                   headers={"Accept": "application/vnd.vmware.dms-v1+json"})
    r.raise_for_status()
    s.headers.update({"Authorization": r.headers["Authorization"], "Accept": "application/json"})
    return s


def wait_for(fn, what, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = fn()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out waiting for %s" % what)


def entities(lab, nss):
    return [e for e in lab.state(AZ).get("rde_entity", []) if e["entityType"].split(":")[4] == nss]


def dsm_state(lab):
    return lab[AZ]._call("GET", "/_lab/dsm/state")


def dsm_writes(lab, since):
    reqs = lab[AZ]._call("GET", "/_lab/dsm/requests", query={"since": since})["requests"]
    return [r for r in reqs if r["method"] != "GET" and not r["path"].startswith("/provider/")]


def dsm_seq(lab):
    return lab[AZ]._call("GET", "/_lab/dsm/requests", query={"since": 10 ** 9})["last_seq"]


def clusters(lab, ns="vcd-tenant-a"):
    return sorted(o["metadata"]["name"] for o in dsm_state(lab)["objects"].get("postgresclusters", [])
                  if o["metadata"]["namespace"] == ns)


def tenant_db(name, **extra):
    ev = {"tenant_database_name": name, "tenant_database_output_file": str(OUT)}
    ev.update(extra)
    return ev


def result():
    return json.loads(OUT.read_text())


def connect(conn, user=None, password=None):
    ctx = ssl.create_default_context(cadata=conn["ca_certificate"])   # hostname checked: verify-full
    assert conn["connection_string"].endswith("?sslmode=verify-full")
    return pg8000.Connection(user=user or conn["username"], password=password or conn["password"], host=conn["host"],
                             port=int(conn["port"]), database=conn["database"], ssl_context=ctx, timeout=20)


def checksum(con):
    rows = con.run("SELECT id, item FROM orders ORDER BY id")
    return len(rows), hashlib.sha256(json.dumps(rows).encode()).hexdigest()


# ------------------------------------------------------------------ setup
@pytest.fixture(scope="module")
def db_lab(lab):
    lab.reset()
    adm = lab[AZ]
    adm._call("POST", "/_lab/dsm/install-dse", {})
    adm._call("POST", "/_lab/dsm/boot", {"properties": {
        "dsm.admin.email": ADMIN_EMAIL, "dsm.admin.password": ADMIN_PW,
        "dsm.vcenter.username": "administrator@vsphere.local", "dsm.vcenter.password": "lab-Passw0rd!"}})
    infra = dsm_session(vc=True)
    g = DSM + "/apis/infrastructure.dataservices.vmware.com/v1alpha1/"
    for plural, obj in (
            ("ippools", {"kind": "IPPool", "metadata": {"name": "dsm-pool-01"},
                         "spec": {"gateway": "10.20.1.1", "prefix": 24, "addresses": ["10.20.1.100-10.20.1.199"]}}),
            ("infrastructurepolicies", {"kind": "InfrastructurePolicy", "metadata": {"name": "dsm-policy-small"},
                                        "spec": {"enabled": True, "placements": [
                                            {"datacenter": "DC0", "cluster": "DC0_C0", "portGroups": ["DC0_DVPG0"]}],
                                            "ipRanges": [{"poolName": "dsm-pool-01", "portGroups": [
                                                {"datacenter": "DC0", "name": "DC0_DVPG0"}]}],
                                            "storagePolicies": ["vSAN Default Storage Policy"],
                                            "vmClasses": [{"name": "small"}, {"name": "medium"}]}}),
            ("backuplocations", {"kind": "BackupLocation", "metadata": {"name": "dsm-backups"},
                                 "spec": {"provider": "s3-compatible", "bucket": "dsm-backups-az1",
                                          "endpoint": "https://s3.az1.lab.example"}})):
        obj["apiVersion"] = "infrastructure.dataservices.vmware.com/v1alpha1"
        r = infra.post(g + plural, json=obj)
        assert r.status_code in (200, 201), r.text
    admin = vcd_session("administrator", "System")
    spec = {"kubernetesCluster": {"name": "solutions-tkg"}, "dsm": {
        "url": DSM, "username": ADMIN_EMAIL, "password": ADMIN_PW, "rootCa": Path(CA).read_text()}}
    r = admin.post(VCD + "/cloudapi/1.0.0/entityTypes/urn:vcloud:type:vmware:dsmIntegration:0.1?resolveEntity=true",
                   json={"name": "dsm-integration", "entity": {"spec": spec}})
    assert r.status_code == 202, r.text
    wait_for(lambda: entities(lab, "dsmInfrastructurePolicy") and entities(lab, "dsmBackupLocation"), "discovery")
    orgs = {o["name"]: o["id"] for o in admin.get(VCD + "/cloudapi/1.0.0/orgs").json()["values"]}
    targets = [entities(lab, "dsmInfrastructurePolicy")[0], entities(lab, "dsmBackupLocation")[0]]
    targets += [e for e in entities(lab, "dsConfig")
                if e["entity"]["spec"]["artifacts"][0]["name"] in ("DSM Postgres", "VCD Data Solutions")]
    for tenant in ("tenant-a", "tenant-b"):
        for e in targets:
            r = admin.post(VCD + "/cloudapi/1.0.0/entities/%s/accessControls" % e["id"], json={
                "grantType": "MembershipAccessControlGrant", "accessLevelId": "urn:vcloud:accessLevel:ReadOnly",
                "memberId": orgs[tenant], "tenant": {"id": orgs[tenant]}})
            assert r.status_code == 201, r.text
    adm.add_user("tenant-a", "reporting", "Report-Passw0rd!", role="Organization Administrator")
    wait_for(lambda: [e for e in entities(lab, "dsInstanceOptions") if e["entity"].get("releases")], "options")
    return lab


# ------------------------------------------------------------------ the lifecycle
def test_create_connect_idempotent_check_mode(db_lab):
    lab = db_lab
    first = run_playbook("tenant_database.yml", limit=AZ, extra_vars=tenant_db("shop", tenant_database_version="15"))
    assert first.rc == 0, first.explain()
    assert first.changed(AZ) > 0
    res = result()
    assert res["ready"] is True and res["phase"] == "Ready"
    conn = CONN["shop"] = res["connection"]
    assert conn["host"] == "localhost" and conn["username"] and conn["password"]
    assert res["manifest"]["kind"] == "PostgresCluster"
    assert res["manifest"]["spec"]["vmClass"] == {"name": "small"}
    assert res["manifest"]["spec"]["version"] == "15.10+vmware.v2.2.0"
    with connect(conn) as con:
        con.run("CREATE TABLE orders (id serial PRIMARY KEY, item text NOT NULL)")
        for i in range(50):
            con.run("INSERT INTO orders (item) VALUES (:i)", i="item-%d" % i)
        assert checksum(con)[0] == 50
    assert clusters(lab) == ["shop"]
    assert conn["password"] not in first.out

    marks, dmark = lab.last_seq(AZ), dsm_seq(lab)
    second = run_playbook("tenant_database.yml", limit=AZ, extra_vars=tenant_db("shop", tenant_database_version="15"))
    assert second.rc == 0, second.explain()
    assert second.changed(AZ) == 0, second.explain()
    assert lab.writes(AZ, since=marks) == [], "a run with nothing to do wrote to VCD"
    assert dsm_writes(lab, dmark) == []

    marks = lab.last_seq(AZ)
    check = run_playbook("tenant_database.yml", limit=AZ, check=True, diff=True,
                         extra_vars=tenant_db("shop", tenant_database_storage_gb=30, tenant_database_output_file=""))
    assert check.rc == 0, check.explain()
    assert check.changed(AZ) > 0
    assert "storage_gb" in check.out and "30" in check.out
    assert lab.writes(AZ, since=marks) == [], "check mode wrote to VCD"
    spec = [e for e in entities(lab, "dsInstance") if e["name"] == "shop"][0]["entity"]["spec"]
    assert spec["storageSpace"] == "20Gi"

    # day 2: bigger VM class and storage, HA, upgrade 15 -> 16; the data stays
    day2 = run_playbook("tenant_database.yml", limit=AZ, extra_vars=tenant_db(
        "shop", tenant_database_size="medium", tenant_database_topology="ha", tenant_database_version="16"))
    assert day2.rc == 0, day2.explain()
    assert day2.changed(AZ) > 0
    cluster = [o for o in dsm_state(lab)["objects"]["postgresclusters"] if o["metadata"]["name"] == "shop"][0]
    assert cluster["spec"]["vmClass"] == {"name": "medium"} and cluster["spec"]["storageSpace"] == "60Gi"
    assert cluster["spec"]["replicas"] == 1 and cluster["spec"]["version"] == "16.6+vmware.v2.2.0"
    assert result()["ready"] is True and result()["topology"] == "ha"
    assert result()["connection"] == conn
    with connect(conn) as con:
        assert checksum(con)[0] == 50


REFUSED = """
- name: Requests DSM refuses, as tenant-a
  hosts: az1
  gather_facts: false
  tasks:
    - name: Login
      vcdops.platform.vcd_login:
        vcd_host: "{{ vcd_host }}"
        vcd_org: tenant-a
        vcd_username: tenant-a-admin
        vcd_password: lab-Passw0rd!
        ca_path: "{{ vcd_ca_path }}"
      register: session
    - name: Refused
      vcdops.platform.vcd_tenant_database:
        vcd_host: "{{ vcd_host }}"
        vcd_org: tenant-a
        vcd_access_token: "{{ session.access_token }}"
        ca_path: "{{ vcd_ca_path }}"
        name: "{{ item.name | default('shop') }}"
        engine: postgres
        version: "{{ item.version | default('16') }}"
        infrastructure_policy: dsm-policy-small
        vm_class: "{{ item.vm_class | default('medium') }}"
        topology: "{{ item.topology | default('ha') }}"
        storage_gb: "{{ item.storage_gb | default(60) }}"
        restore_from: "{{ item.restore_from | default(omit) }}"
      loop: "{{ cases }}"
      register: refused
      failed_when: false
    - name: Messages
      ansible.builtin.copy:
        content: "{{ refused.results | map(attribute='msg', default='') | list | to_json }}"
        dest: "%(out)s"
        mode: "0600"
"""


def test_refused_before_any_change(db_lab):
    lab = db_lab
    marks = lab.last_seq(AZ)
    cases = [({"storage_gb": 10}, "refused before any change: storage 60Gi -> 10Gi"),
             ({"vm_class": "small"}, "refused before any change: VM class medium -> small"),
             ({"topology": "single"}, "refused before any change: topology ha -> single"),
             ({"version": "15"}, "refused before any change: version 16.6+vmware.v2.2.0 -> 15.10"),
             ({"version": "9.6"}, "postgres version 9.6 is not in the allowed releases"),
             ({"vm_class": "large"}, "VM class large is not allowed by infrastructure policy dsm-policy-small"),
             ({"name": "shop-copy", "restore_from": {"instance": "shop", "backup": "nope"}},
              "cannot restore: instance shop has no backup nope"),
             ({"name": "shop-copy", "restore_from": {"instance": "gone"}}, "has no instance gone")]
    book = RUN_DIR / "tenant-db-refused.yml"
    book.write_text(REFUSED % {"out": OUT})
    res = run_playbook(str(book), limit=AZ, extra_vars={"cases": [case[0] for case in cases]})
    assert res.rc == 0, res.explain()
    for (case, message), got in zip(cases, result()):
        assert message in got, (case, got)
    assert lab.writes(AZ, since=marks) == []
    assert clusters(lab) == ["shop"]


def test_backup_restore_access_isolation(db_lab):
    lab = db_lab
    with connect(CONN["shop"]) as con:
        before = checksum(con)
    backup = run_playbook("tenant_database.yml", limit=AZ, extra_vars=tenant_db(
        "shop", tenant_database_action="backup", tenant_database_backup_name="before-drop"))
    assert backup.rc == 0, backup.explain()
    assert result()["name"] == "before-drop" and result()["size_bytes"] > 0
    dumps = list((RUN_DIR / "dsm-backups" / AZ / "dsm-backups" / "vcd-tenant-a" / "shop").glob("*.dump"))
    assert [d.name for d in dumps] == ["before_drop.dump"]
    with connect(CONN["shop"]) as con:
        con.run("DROP TABLE orders")

    restore = run_playbook("tenant_database.yml", limit=AZ, extra_vars=tenant_db(
        "shop-restored", tenant_database_action="restore", tenant_database_restore_from="shop",
        tenant_database_restore_backup="before-drop"))
    assert restore.rc == 0, restore.explain()
    CONN["shop-restored"] = result()["connection"]
    with connect(CONN["shop-restored"]) as con:
        assert checksum(con) == before
    assert clusters(lab) == ["shop", "shop-restored"]

    # read-only grant: reads work, writes are refused; revoking removes access
    grant = run_playbook("tenant_database.yml", limit=AZ, extra_vars=tenant_db(
        "shop-restored", tenant_database_action="grant",
        tenant_database_grants=[{"user": "reporting", "level": "read_only"}]))
    assert grant.rc == 0, grant.explain()
    info = run_playbook("tenant_database.yml", limit=AZ, extra_vars=tenant_db(
        "shop-restored", tenant_database_action="info"))
    assert info.rc == 0, info.explain()
    assert result()[0]["access"] == [{"user": "reporting", "level": "ReadOnly", "role": "reporting@tenant-a"}]
    conn = result()[0]["connection"]
    assert conn == CONN["shop-restored"]
    with connect(conn, "reporting@tenant-a", "Report-Passw0rd!") as con:
        assert checksum(con) == before
        with pytest.raises(Exception, match="permission denied"):
            con.run("INSERT INTO orders (item) VALUES ('x')")
    revoke = run_playbook("tenant_database.yml", limit=AZ, extra_vars=tenant_db(
        "shop-restored", tenant_database_action="grant", tenant_database_grants=[]))
    assert revoke.rc == 0, revoke.explain()
    with pytest.raises(Exception, match="CONNECT"):
        connect(conn, "reporting@tenant-a", "Report-Passw0rd!")

    # tenant B's user cannot see or touch tenant A's instances
    shop = [e for e in entities(lab, "dsInstance") if e["name"] == "shop"][0]
    b = vcd_session("tenant-b-admin", "tenant-b")
    listed = b.get(VCD + "/cloudapi/1.0.0/entities/types/vmware/dsInstance/0.1").json()
    assert listed["values"] == []
    assert b.get(VCD + "/cloudapi/1.0.0/entities/%s" % shop["id"]).status_code == 403
    assert b.delete(VCD + "/cloudapi/1.0.0/entities/%s" % shop["id"]).status_code == 403
    assert b.put(VCD + "/cloudapi/1.0.0/entities/%s" % shop["id"],
                 json={"name": "shop", "entity": {"spec": {}}}).status_code == 403
    assert [e["name"] for e in entities(lab, "dsInstance") if e["name"] == "shop"] == ["shop"]


def test_killed_create_then_rerun_gives_one_instance_and_delete(db_lab):
    lab = db_lab
    lab[AZ]._call("POST", "/_lab/dsm/config", {"ready_seconds": 6})
    cmd = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(LAB_INVENTORY),
           str(PLAYBOOKS / "tenant_database.yml"), "--limit", AZ, "-e", "tenant_database_name=killme"]
    proc = subprocess.Popen(cmd, cwd=str(REPO), env=lab_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_for(lambda: [e for e in entities(lab, "dsInstance") if e["name"] == "killme"], "the instance", 60)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    lab[AZ]._call("POST", "/_lab/dsm/config", {"ready_seconds": 1})
    again = run_playbook("tenant_database.yml", limit=AZ, extra_vars=tenant_db("killme"))
    assert again.rc == 0, again.explain()
    assert [e["name"] for e in entities(lab, "dsInstance")].count("killme") == 1
    assert clusters(lab).count("killme") == 1
    assert result()["ready"] is True

    gone = run_playbook("tenant_database.yml", limit=AZ, extra_vars=tenant_db(
        "killme", tenant_database_action="delete", tenant_database_keep_backups=False))
    assert gone.rc == 0, gone.explain()
    assert "killme" not in [e["name"] for e in entities(lab, "dsInstance")]
    assert "killme" not in clusters(lab)
    assert lab.violations(AZ) == []


DIRECT = """
- name: Tenant database directly in DSM
  hosts: localhost
  connection: local
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  module_defaults:
    group/vcdops.platform.dsm:
      dsm_host: "localhost:%(port)d"
      dsm_username: "%(user)s"
      dsm_password: "%(password)s"
      dsm_ca_path: "%(ca)s"
  tasks:
    - name: Cluster
      vcdops.platform.dsm_database:
        name: direct
        engine: postgres
        version: "15"
        infrastructure_policy: dsm-policy-small
        vm_class: small
        storage_gb: 10
        backup_location: dsm-backups
      register: direct
    - name: Backup
      vcdops.platform.dsm_database_backup:
        name: direct
        backup_name: first
    - name: Info
      vcdops.platform.dsm_database_info:
        name: direct
      register: info
    - name: Result
      ansible.builtin.copy:
        content: "{{ {'direct': direct.database, 'info': info.databases} | to_json }}"
        dest: "%(out)s"
        mode: "0600"
      changed_when: false
    - name: Scale down is refused
      vcdops.platform.dsm_database:
        name: direct
        storage_gb: 5
      register: down
      failed_when: down is not failed or 'refused before any change' not in down.msg
"""


def test_direct_dsm_flavour(db_lab):
    lab = db_lab
    book = RUN_DIR / "tenant-db-direct.yml"
    book.write_text(DIRECT % {"port": PORT_BASE + 11, "user": ADMIN_EMAIL, "password": ADMIN_PW, "ca": CA,
                              "out": OUT})
    first = run_playbook(str(book), inventory="localhost,")
    assert first.rc == 0, first.explain()
    res = result()
    assert res["direct"]["ready"] is True and res["direct"]["version"] == "15.10+vmware.v2.2.0"
    assert [b["name"] for b in res["info"][0]["backups"]] == ["first"]
    with connect(res["direct"]["connection"]) as con:
        assert con.run("SELECT current_database()") == [[res["direct"]["connection"]["database"]]]
    dmark = dsm_seq(lab)
    second = run_playbook(str(book), inventory="localhost,")
    assert second.rc == 0 and second.changed() == 0, second.explain()
    assert dsm_writes(lab, dmark) == []
    assert clusters(lab, "default") == ["direct"]
