"""CSE 4.x per AZ (issue #3): site.yml configures CSE in both AZs with two servers each, idempotently;
a proxy change is an in-place entity update; a version change rolls the servers one at a time; bad
inputs fail before any write; secrets never reach -vvv output.

The lab's CSE server stand-in (tests/lab/vcdlab/cse) runs a server vApp only when its guest properties
carry an API token that really logs in to the lab VCD; GET /_lab/cse shows what it sees.
"""

from __future__ import annotations

import threading
import time

import pytest

from conftest import AZS, RUN_DIR, duplicates, run_playbook

CSE = "cse.yml"
# site.yml, only the parts CSE needs (the other components have their own tests)
SITE_TAGS = ("--tags", "solutions_org,cse")
DOWNLOADS = RUN_DIR / "downloads"
TENANTS = {"az1": ["tenant-a", "tenant-b"], "az2": ["tenant-a"]}  # inventories/lab tenants with cse: true
SIZING = {"TKG extra-large": (8, 32768), "TKG large": (4, 16384), "TKG medium": (2, 8192), "TKG small": (2, 4048)}
SECRETS = ["lab-Passw0rd!", "lab-Cse-Passw0rd!", "ghp_labLabLab0123456789"]
JWT_HEADER = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"  # every lab session token starts with it


def diff_line(out, sign, field, value):
    """A unified-diff line for one field, in the YAML or the JSON rendering of the diff callback."""
    for line in out.splitlines():
        if not line.startswith(sign) or field not in line:
            continue
        if not value or value in line.split(field, 1)[1]:
            return True
    return False


def cse_view(lab, az):
    return lab[az]._call("GET", "/_lab/cse")


def by_name(items, name):
    found = [o for o in items if o.get("name") == name]
    assert len(found) == 1, "expected one %s, found %d" % (name, len(found))
    return found[0]


def config_entity(state):
    found = [e for e in state.get("rde_entity", []) if e["entityType"].startswith("urn:vcloud:type:vmware:VCDKEConfig:")]
    assert len(found) == 1, "expected exactly one vcdKeConfig entity, found %d" % len(found)
    return found[0]


def running(lab, az):
    """Names of the server vApps the stand-in runs that exist and are powered on right now."""
    view = cse_view(lab, az)
    vapps = {v["name"]: v for v in lab.state(az).get("vapp", [])}
    return sorted(s["vapp"] for s in view["servers"]
                  if s["status"] == "running" and s["vapp"] in vapps and vapps[s["vapp"]]["status"] == 4)


def check_cse(lab, az, version="4.2.1"):
    state = lab.state(az)
    # step 1: interfaces, types (+ Entitlement bundles), behavior ACL
    ifaces = {i["urn"] for i in state["rde_interface"]}
    assert {"urn:vcloud:interface:vmware:VCDKEConfig:1.0.0", "urn:vcloud:interface:cse:capvcd:1.0.0"} <= ifaces
    types = {t["urn"]: t for t in state["rde_type"]}
    capvcd = types["urn:vcloud:type:vmware:capvcdCluster:1.3.0"]
    assert capvcd["interfaces"] == ["urn:vcloud:interface:vmware:k8s:1.0.0"]
    assert capvcd["acls"] == [{"behaviorId": "urn:vcloud:behavior-interface:getFullEntity:cse:capvcd:1.0.0",
                               "accessLevelId": "urn:vcloud:accessLevel:FullControl"}]
    assert "urn:vcloud:type:vmware:VCDKEConfig:1.1.0" in types
    rights = {r["id"]: r["name"] for r in state["right"]}
    # role, user, bundle and global role published to this AZ's CSE tenants
    role = by_name(list(state["role"]), "CSE Admin Role")
    assert {"API Tokens: Manage", "vmware:VCDKEConfig: Administrator Full access",
            "vmware:capvcdCluster: View", "IP Spaces: Allocate"} <= {rights[i] for i in role["rights"]}
    user = by_name(state["user"], "cse_admin")
    assert user["roles"] == ["CSE Admin Role"]
    orgs = {o["id"]: o["name"] for o in state["org"]}
    for kind, name in (("rights_bundle", "Kubernetes Clusters Rights Bundle"),
                       ("global_role", "Kubernetes Cluster Author")):
        obj = by_name(state[kind], name)
        assert sorted(orgs[t] for t in obj["tenants"]) == TENANTS[az], (name, obj["tenants"])
    author = by_name(state["global_role"], "Kubernetes Cluster Author")
    assert len(author["rights"]) == 62  # 59 + the 3 IP Spaces rights (CSE 4.2.1+)
    # the four sizing policies with exact names, on the CSE tenants' VDCs only
    vdcs = {v["id"]: v["name"] for v in state["vdc"]}
    for name, (cpu, mem) in SIZING.items():
        policy = by_name(state["compute_policy"], name)
        assert (policy["cpuCount"], policy["memory"]) == (cpu, mem)
        assert sorted(vdcs[v] for v in policy["vdcs"]) == ["%s-vdc" % t for t in TENANTS[az]]
    # the configuration entity
    entity = config_entity(state)
    assert entity["name"] == "vcdKeConfig" and entity["state"] == "RESOLVED"
    profile = entity["entity"]["profiles"][0]
    proxy = profile["bootstrapClusterConfig"]["proxyConfig"]
    assert proxy["httpProxy"] == "http://proxy.%s.lab.example:3128" % az
    assert proxy["noProxy"] == "localhost,127.0.0.1,.lab.example,192.168.0.0/16"
    assert profile["githubConfig"]["githubPersonalAccessToken"] == "ghp_labLabLab0123456789"
    expected = {"4.2.1": "v1.3.0", "4.2.2": "v1.3.2"}[version]
    assert profile["bootstrapClusterConfig"]["capiEcosystem"]["infraProvider"]["version"] == expected
    # catalogs and templates
    catalogs = {c["name"]: c for c in state["catalog"]}
    assert catalogs["cse"]["acl"]["settings"] == [] and not catalogs["cse"]["isPublished"]
    shared = sorted(s["subject"]["name"] for s in catalogs["cse-tkg-templates"]["acl"]["settings"])
    assert shared == TENANTS[az]
    items = {(i["catalog_id"], i["name"]) for i in state["catalog_item"]}
    assert (catalogs["cse"]["id"], "VMware_Cloud_Director_Container_Service_Extension-%s" % version) in items
    assert (catalogs["cse-tkg-templates"]["id"], "ubuntu-2004-kube-v1.27.5+vmware.1-tkg.1-lab") in items
    # two servers, both running, registered in the entity, from the wanted release
    servers = sorted(v["name"] for v in state["vapp"] if v["name"].startswith("cse-server-"))
    assert len(servers) == 2, servers
    assert running(lab, az) == servers
    registered = {i.get("vcdKeInstanceId") for i in profile["vcdKeInstances"]}
    vms = {vm["id"] for v in state["vapp"] if v["name"] in servers for vm in v["vms"]}
    assert vms <= registered
    assert {s["version"] for s in cse_view(lab, az)["servers"] if s["status"] == "running"} == {version}
    assert duplicates(state) == {}


@pytest.fixture(scope="module")
def converged(lab):
    """site.yml once from a fresh lab, with -vvv (its output is checked for secrets)."""
    lab.reset()
    first = run_playbook("site.yml", "-vvv", *SITE_TAGS)
    assert first.rc == 0, first.explain()
    return first


def test_site_configures_cse_in_both_azs_idempotently_with_field_diffs(lab, converged):
    for az in AZS:
        assert converged.changed(az) > 0
        check_cse(lab, az)
    marks = {az: lab.last_seq(az) for az in AZS}
    second = run_playbook("site.yml", *SITE_TAGS)
    assert second.rc == 0, second.explain()
    assert second.changed() == 0, second.explain()
    for az in AZS:
        assert lab.writes(az, since=marks[az]) == [], "a run with nothing to do wrote to VCD"

    marks = {az: lab.last_seq(az) for az in AZS}
    check = run_playbook(CSE, check=True, diff=True, extra_vars={
        "cse_http_proxy": "http://proxy2.lab.example:8080", "cse_log_level": "debug"})
    assert check.rc == 0, check.explain()
    for az in AZS:
        assert check.changed(az) == 1, check.explain()
        assert lab.writes(az, since=marks[az]) == [], "check mode wrote to VCD"
        check_cse(lab, az)
    # the diff names each changed field of the entity, one per line, with old and new value
    assert diff_line(check.out, "-", "profiles[0].bootstrapClusterConfig.proxyConfig.httpProxy",
                     "http://proxy.az1.lab.example:3128"), check.explain()
    assert diff_line(check.out, "+", "profiles[0].bootstrapClusterConfig.proxyConfig.httpProxy",
                     "http://proxy2.lab.example:8080")
    assert diff_line(check.out, "-", "profiles[0].serverConfig.logLevel", "info")
    assert diff_line(check.out, "+", "profiles[0].serverConfig.logLevel", "debug")
    assert diff_line(check.out, " ", "profiles[0].githubConfig.githubPersonalAccessToken", "********")
    assert not diff_line(check.out, "-", "profiles[0].bootstrapClusterConfig.proxyConfig.httpsProxy", "")


def test_secrets_never_reach_verbose_output(lab, converged):
    out = converged.out
    assert "-vvv" in " ".join(converged.args)
    assert "<localhost> EXEC" in out or "ESTABLISH LOCAL CONNECTION" in out  # it really was verbose
    leaks = [s for s in SECRETS if s in out]
    for az in AZS:
        tokens = [t["refresh_token"] for t in lab.state(az).get("token", []) if t.get("refresh_token")]
        assert tokens, "the run made no API token"
        leaks += ["API token of %s (%s)" % (t["user_name"], az) for t in lab.state(az)["token"]
                  if t.get("refresh_token") and t["refresh_token"] in out]
    if JWT_HEADER in out:
        leaks.append("a session token (JWT)")
    assert leaks == [], "secrets in the -vvv output: %s" % leaks


def test_proxy_change_updates_the_entity_in_place_honouring_etags(lab, converged):
    before = {az: config_entity(lab.state(az))["id"] for az in AZS}
    marks = {az: lab.last_seq(az) for az in AZS}
    # someone else writes the entity between the module's read and its write: VCD answers 412 once
    for az in AZS:
        lab[az].fault(method="PUT", path="^/cloudapi/1.0.0/entities/urn:vcloud:entity:vmware:VCDKEConfig:", status=412,
                      count=1, message="ETag mismatch")
    new_proxy = {"cse_http_proxy": "http://proxy-new.lab.example:8080", "cse_https_proxy": "http://proxy-new.lab.example:8443"}
    result = run_playbook(CSE, extra_vars=new_proxy)
    assert result.rc == 0, result.explain()
    for az in AZS:
        assert result.changed(az) == 1, result.explain()
        writes = lab.writes(az, since=marks[az])
        assert [(w["method"], w["path"], w["status"]) for w in writes] == [
            ("PUT", "/cloudapi/1.0.0/entities/%s" % before[az], 412),
            ("PUT", "/cloudapi/1.0.0/entities/%s" % before[az], 200)], writes
        entity = config_entity(lab.state(az))
        assert entity["id"] == before[az]
        proxy = entity["entity"]["profiles"][0]["bootstrapClusterConfig"]["proxyConfig"]
        assert (proxy["httpProxy"], proxy["httpsProxy"]) == ("http://proxy-new.lab.example:8080",
                                                             "http://proxy-new.lab.example:8443")
        # the servers' registrations survived the update
        assert len(entity["entity"]["profiles"][0]["vcdKeInstances"]) >= 2
    again = run_playbook(CSE, extra_vars=new_proxy)
    assert again.rc == 0 and again.changed() == 0, again.explain()
    restore = run_playbook(CSE)
    assert restore.rc == 0, restore.explain()


@pytest.mark.parametrize("extra_vars, message", [
    ({"cse_server_count": 1}, "two or more CSE servers per AZ"),
    ({"cse_http_proxy": "proxy.lab.example:3128"}, "is not a proxy URL"),
    ({"cse_tkg_templates": [{"file": str(DOWNLOADS / "ubuntu-2004-kube-v1.27.5+vmware.1-tkg.1-lab.ova"),
                             "tkg_version": "3.0.0"}]}, "TKG version 3.0.0 unknown to CSE 4.2.1"),
    ({"cse_ova_file": "/nonexistent/VMware_Cloud_Director_Container_Service_Extension-4.2.1.ova"},
     "does not exist"),
], ids=["one-server", "bad-proxy", "unknown-tkg", "missing-ova"])
def test_bad_inputs_fail_clearly_before_any_write(lab, converged, extra_vars, message):
    mark = lab.last_seq("az1")
    result = run_playbook(CSE, extra_vars=extra_vars, limit="az1")
    assert result.rc != 0
    assert message in result.out, result.explain()
    assert "Traceback" not in result.out, result.explain()
    assert lab.writes("az1", since=mark) == [], "a run with bad inputs wrote to VCD"


def test_one_server_is_allowed_with_a_reason(lab, converged):
    check = run_playbook(CSE, "-v", limit="az1", check=True, extra_vars={
        "cse_server_count": 1, "cse_single_server_reason": "lab AZ without HA"})
    assert check.rc == 0, check.explain()
    assert "delete cse-server-" in check.out, check.explain()


def test_version_change_rolls_the_servers_one_at_a_time(lab, converged):
    assert len(running(lab, "az1")) == 2
    samples, stop = [], threading.Event()

    def observe():
        while not stop.is_set():
            try:
                samples.append(running(lab, "az1"))
            except Exception as exc:  # keep observing; a failed sample is recorded
                samples.append(["error: %r" % exc])
            time.sleep(0.2)

    thread = threading.Thread(target=observe)
    thread.start()
    try:
        result = run_playbook(CSE, "-v", limit="az1", extra_vars={"cse_version": "4.2.2"})
    finally:
        stop.set()
        thread.join()
    assert result.rc == 0, result.explain()
    assert samples and min(len(s) for s in samples) >= 1, "fewer than one server running: %s" % samples
    assert any(len(s) >= 1 for s in samples[:3]) and len(samples) > 10
    check_cse(lab, "az1", version="4.2.2")
    # every old server was replaced by a new one, one at a time
    actions = [line for line in result.out.splitlines() if "create " in line or "delete " in line]
    assert actions, result.explain()


# ---------------------------------------------------------------------------------------------------
# The building blocks against the lab, without Ansible: the product's client, transfer and RDE code.
def _product():
    """The collection's import root (make collection-link; the integration target makes it)."""
    import sys
    from conftest import REPO
    root = str(REPO / "build" / "collections")
    if root not in sys.path:
        sys.path.insert(0, root)


def _client(az="az1"):
    from conftest import PORT_BASE
    _product()
    from ansible_collections.vcdops.platform.plugins.module_utils.vcd.client import VcdClient
    index = AZS.index(az) + 1
    return VcdClient("localhost:%d" % (PORT_BASE + index), username="administrator", password="lab-Passw0rd!",
                     ca_path=str(RUN_DIR / "ca.pem")).connect()


def _catalog(client, org="solutions-org", name="cse"):
    _product()
    from ansible_collections.vcdops.platform.plugins.module_utils.vcd import orgs, transfer
    org_obj = orgs.require_org(client, org)
    admin = orgs.admin_org(client, org_obj["id"])
    ref = next(r for r in admin["catalogs"]["catalogReference"] if r["name"] == name)
    return transfer._catalog(client, ref["id"])


def test_chunked_uploads_with_late_links_and_cleanup_on_failure(lab, converged, tmp_path):
    import sys
    from conftest import REPO
    sys.path.insert(0, str(REPO / "tests" / "lab" / "fixtures"))
    from fake_ova import make_ova
    _product()
    from ansible_collections.vcdops.platform.plugins.module_utils.vcd import transfer
    client = _client()
    cat = _catalog(client)
    lab["az1"].config(upload_link_delay=0.8)
    try:
        ova = make_ova(tmp_path / "appliance-1.0.ova", disks={"disk1.vmdk": 300000, "disk2.vmdk": 70000},
                       properties={"app.key": "x"}, eula=True)
        seen = []
        result = transfer.upload_ova(client, cat, ova, chunk_size=65536, keepalive=0,
                                     progress=lambda name, done, total: seen.append((name, done, total)))
        assert result["transfer"]["chunks"] == 1 + 5 + 2 and seen[-1] == ("disk2.vmdk", 70000, 70000)
        template = next(t for t in lab.state("az1")["vapp_template"] if t["name"] == "appliance-1.0")
        assert template["status"] == 8 and template["eula"] is True
        assert {f["name"]: f["bytesTransferred"] for f in template["files"]}["disk1.vmdk"] == 300000
        with pytest.raises(transfer.TransferError, match="DUPLICATE_NAME"):
            transfer.upload_ova(client, cat, ova)
        assert transfer.find_item(client, cat, "appliance-1.0") is not None  # the existing item stayed
        iso = tmp_path / "tools.iso"
        iso.write_bytes(b"\x01" * 150001)
        media = transfer.upload_media(client, cat, str(iso), chunk_size=65536)
        assert media["id"].startswith("urn:vcloud:catalogitem:") and media["transfer"]["chunks"] == 3
        # VCD fails the upload task: the half-made item is deleted
        lab["az1"].fault(method="POST", path="^/api/catalog/.*/action/upload$", task_fail="datastore full", count=1)
        with pytest.raises(transfer.TransferError, match="datastore full.*was deleted"):
            transfer.upload_ova(client, cat, make_ova(tmp_path / "broken-1.0.ova"), chunk_size=65536)
        assert transfer.find_item(client, cat, "broken-1.0") is None
    finally:
        lab["az1"].config(upload_link_delay=0.3)
        lab["az1"].clear_faults()
    assert lab.violations("az1") == []


def test_rde_contract(lab, converged):
    _product()
    from ansible_collections.vcdops.platform.plugins.module_utils.vcd import rights
    from ansible_collections.vcdops.platform.plugins.module_utils.vcd.client import VcdError
    client = _client()
    api = "/cloudapi/1.0.0"
    client.write("POST", api + "/interfaces", {"name": "labIface", "vendor": "lab", "nss": "thing", "version": "1.0.0"})
    iface = "urn:vcloud:interface:lab:thing:1.0.0"
    client.write("POST", api + "/interfaces/%s/behaviors" % iface, {"name": "ping", "execution": {"type": "noop", "id": "ping"}})
    schema = {"type": "object", "required": ["size"], "properties": {"size": {"type": "integer"}}}
    client.write("POST", api + "/entityTypes", {"name": "Thing", "vendor": "lab", "nss": "thing", "version": "1.0.0",
                                                "interfaces": [iface], "schema": schema})
    # a behavior cannot join an interface a type uses
    with pytest.raises(VcdError, match="used by entity type"):
        client.write("POST", api + "/interfaces/%s/behaviors" % iface, {"name": "late", "execution": {"type": "noop"}})
    # the type brought its rights and Entitlement bundle
    bundle = rights.find_bundle(client, "lab:thing Entitlement")
    assert sorted(rights.rights_of(client, rights.BUNDLES, bundle["id"])) == [
        "lab:thing: Administrator Full access", "lab:thing: Administrator View", "lab:thing: Full Access",
        "lab:thing: Modify", "lab:thing: View"]
    # create answers 202 + a task that stays at 1 % until the entity is resolved
    resp = client.request("POST", api + "/entityTypes/urn:vcloud:type:lab:thing:1.0.0", json={"name": "t1", "entity": {"size": 1}})
    assert resp.status_code == 202 and not resp.content
    task = client.get(resp.headers["Location"].split(client.base)[1], legacy=True)
    assert task["status"] == "running" and task["progress"] == 1 or task["status"] == "queued"
    entity_id = task["owner"]["id"]
    delete = client._send("DELETE", api + "/entities/%s" % entity_id)
    assert delete.status_code == 400  # PRE_CREATED cannot be deleted (A13)
    client.request("POST", api + "/entities/%s/resolve" % entity_id)
    assert client.wait_task(resp.headers["Location"], timeout=10)["status"] == "success"
    entity, etag = client.get_with_etag(api + "/entities/%s" % entity_id)
    assert entity["entityState"] == "RESOLVED" and etag
    stale = client._send("PUT", api + "/entities/%s" % entity_id, json={"name": "t1", "entity": {"size": 2}},
                         headers={"If-Match": '"stale"'})
    assert stale.status_code == 412
    fresh = client._send("PUT", api + "/entities/%s" % entity_id, json={"name": "t1", "entity": {"size": 3}},
                         headers={"If-Match": etag})
    assert fresh.status_code == 200 and fresh.headers["ETag"] != etag
    # a behavior without an access control cannot run
    denied = client._send("POST", api + "/entities/%s/behaviors/urn:vcloud:behavior-interface:ping:lab:thing:1.0.0/invocations"
                          % entity_id, json={"arguments": {}})
    assert denied.status_code == 403
    client.write("DELETE", api + "/entities/%s" % entity_id)
    assert lab.violations("az1") == []
