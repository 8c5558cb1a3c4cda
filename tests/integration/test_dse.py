"""The Data Solutions extension on the lab (issue #4).

Order matters: the tests build on one another (one install, then changes), to stay within the time
budget.  Run alone with, for example:

    VCDOPS_LAB_PORT_BASE=19760 VCDOPS_LAB_RUN_DIR=/tmp/dse-it \
        /work/.venv/bin/python -m pytest tests/integration/test_dse.py -p no:cacheprovider
"""

from __future__ import annotations

import json
import math
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import pytest
import yaml

from conftest import AZS, PLAYBOOKS, REPO, RUN_DIR, duplicates, run_playbook

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from addon_iso import build_addon_iso  # noqa: E402  pylint: disable=wrong-import-position

DSO = "VCD Data Solutions"
POSTGRES, MYSQL, MONGO = "VMware SQL with Postgres", "VMware SQL with MySQL", "MongoDB"
ISO_NAME = "vmware-ds-1.4.0-23376809.iso"
SOLUTIONS = ("VCD Data Solutions", "MongoDB Community", "MongoDB", "Confluent Platform",
             "VMware SQL with Postgres", "VMware SQL with MySQL", "VMware RabbitMQ")


def matrix():
    with open(REPO / "inventories" / "lab" / "group_vars" / "all" / "tenants.yml") as f:
        return yaml.safe_load(f)["tenants"]


def wanted(az, tenants=None):
    """{solution: {tenant names}} the matrix gives an AZ."""
    out = {}
    for tenant in tenants if tenants is not None else matrix():
        if az in tenant.get("azs", []):
            for solution in tenant.get("dse") or []:
                out.setdefault(solution, set()).add(tenant["name"])
    return out


def entities(state, nss):
    return [e for e in state.get("rde_entity", []) if e["entityType"].split(":")[4] == nss]


def org_names(state):
    return dict((o["id"], o["name"]) for o in state.get("org", []))


def configs(state):
    return dict((e["entity"]["spec"]["artifacts"][0]["name"], e) for e in entities(state, "dsConfig"))


def acl_orgs(state, entity):
    names = org_names(state)
    return set(names.get(g["memberId"], g["memberId"]) for g in entity.get("acls", [])
               if g["accessLevelId"].endswith("ReadOnly"))


def published(state):
    """{solution: {org names}} by the solutions' own ACLs (what "published" means)."""
    return dict((name, acl_orgs(state, e)) for name, e in configs(state).items() if name != DSO)


def dse_playbooks():
    """DSE's part of site.yml (the solutions org is converged by the first test): site.yml --tags dse once
    site.yml holds DSE, playbooks/dse.yml until then."""
    site = (PLAYBOOKS / "site.yml").read_text()
    if "vcdops.platform.dse" in site or "dse.yml" in site:
        return [("site.yml", ("--tags", "dse"))]
    return [("dse.yml", ())]


def run_all(**kwargs):
    results = [run_playbook(p, *args, **kwargs) for p, args in dse_playbooks()]
    for result in results:
        assert result.rc == 0, result.explain()
    return results


def dse_duplicates(state):
    kinds = ("rde_entity", "certificate_item", "catalog_item", "media", "rights_bundle", "catalog")
    return duplicates(dict((k, v) for k, v in state.items() if k in kinds))


def pages(count):
    return max(1, math.ceil(count / 128.0))


def writes(lab, az, mark):
    return [(w["method"], w["path"]) for w in lab.writes(az, since=mark)]


@pytest.fixture(scope="module")
def dse_iso():
    """The lab provides the stand-in DSE ISO; make sure it is there (and valid) for these tests."""
    path = RUN_DIR / "addons" / ISO_NAME
    if not path.exists():
        build_addon_iso(str(path))
    return path


# --------------------------------------------------------------------------------------------- 4
def test_bad_inputs_fail_before_any_write(lab, dse_iso, tmp_path):
    lab.reset()
    result = run_playbook("solutions_org.yml")
    assert result.rc == 0, result.explain()
    bad_iso = tmp_path / "no-eula.iso"
    build_addon_iso(str(bad_iso), omit=["eula.txt"])
    # one host per bad input, all against the lab's two VCDs, in one run
    az1 = {"vcd_host": "localhost:{{ lab_port_base | int + 1 }}", "lab_az_index": 1, "dse_az": "az1"}
    az2 = {"vcd_host": "localhost:{{ lab_port_base | int + 2 }}", "lab_az_index": 2, "dse_az": "az2"}
    hosts = {
        "bad-iso": dict(az1, dse_addon_iso=str(bad_iso)),
        "no-eula": dict(az1, dse_accept_eula=False),
        "wrong-type": dict(az2, dse_instance_inputs={"delete-previous-uiplugin-versions": "maybe"}),
        "unknown-solution": dict(az1, dse_tenants=[{"name": "tenant-a", "azs": ["az1"], "dse": ["Oracle Database"]}]),
        "unknown-tenant": dict(az2, dse_tenants=[{"name": "tenant-zz", "azs": ["az2"], "dse": [POSTGRES]}]),
    }
    inventory = tmp_path / "inventory"
    inventory.mkdir()
    (inventory / "hosts.yml").write_text(yaml.safe_dump({"all": {"children": {"azs": {"hosts": hosts}}}}))
    (inventory / "group_vars").symlink_to(REPO / "inventories" / "lab" / "group_vars")
    marks = dict((az, lab.last_seq(az)) for az in AZS)
    result = run_playbook("dse.yml", inventory=inventory)
    assert result.rc != 0
    for host in hosts:
        assert result.recap[host]["failed"] == 1, result.explain()
    expected = {
        "bad-iso": r"no-eula\.iso is not a Solution Add-On ISO: its root lacks eula\.txt",
        "no-eula": r"needs accept_eula: true.*LAB END USER LICENSE AGREEMENT",
        "wrong-type": r"input delete-previous-uiplugin-versions must be a Boolean \(true or false\), got 'maybe'",
        "unknown-solution": r"unknown data solution\(s\) Oracle Database in the tenant matrix",
        "unknown-tenant": r"unknown tenant org tenant-zz",
    }
    text = re.sub(r"\s+", " ", result.out)
    for host, pattern in expected.items():
        assert re.search(pattern, text), "%s: no %r in\n%s" % (host, pattern, result.explain())
    for az in AZS:
        assert writes(lab, az, marks[az]) == [], "a bad input was written to %s" % az


# --------------------------------------------------------------------------------------- 1 and 5
def test_install_in_both_azs_under_faults_then_nothing_to_do(lab, dse_iso):
    az2 = lab["az2"]
    # az2 converges under faults: 412 races on dsConfig writes, 503 on behaviour invocations, a lost
    # answer to createInstance, slow tasks; az1 converges without
    az2.fault(method="PUT", path="^/cloudapi/1.0.0/entities/urn:vcloud:entity:vmware:dsConfig:", status=412, count=3)
    az2.fault(method="POST", path="/behaviors/.*/invocations$", status=503, count=2)
    az2.fault(method="POST", path="/behaviors/urn:vcloud:behavior-interface:createInstance:.*/invocations$",
              reset=True, when="after", count=1)
    az2.config(task_duration=1.2)
    mark = az2.last_seq()
    t0 = time.time()
    first = run_all(diff=True)
    print("first install, both AZs: %.1fs" % (time.time() - t0))
    faults = [r.get("fault") for r in az2.requests(mark) if r.get("fault")]
    assert any("status:412" in f for f in faults) and any("status:503" in f for f in faults), faults
    assert any("reset:after" in f for f in faults), faults
    az2.clear_faults()
    az2.config(task_duration=0.3)

    for index, az in enumerate(AZS, 1):
        state = lab.state(az)
        assert dse_duplicates(state) == {}
        assert len(entities(state, "solutions_organization")) == 1
        assert [e["name"] for e in entities(state, "solutions_add_on")] == ["vmware.ds-1.4.0-23376809"]
        instances = entities(state, "solutions_add_on_instance")
        assert len(instances) == 1, "duplicate instance in %s" % az
        inst = instances[0]
        assert inst["state"] == "RESOLVED" and inst["entity"]["properties"] == {"delete-previous-uiplugin-versions": True}
        lz = entities(state, "solutions_organization")[0]["entity"]
        assert lz["name"] == "solutions-org" and lz["catalogs"][0]["name"] == "solution-add-ons"
        assert [p["name"] for p in lz["vdcs"][0]["storagePolicies"]] == ["gold"]
        assert any(i["alias"].startswith("addon.%s_" % ISO_NAME) for i in state.get("certificate_item", []))
        assert sorted(configs(state)) == sorted(SOLUTIONS)
        assert len(entities(state, "dsInstanceTemplate")) >= 6
        bundle = [b for b in state["rights_bundle"] if b["name"] == "vmware:dataSolutionsRightsBundle"]
        assert len(bundle) == 1
        want = wanted(az)
        assert published(state) == dict((s, want.get(s, set())) for s in SOLUTIONS if s != DSO), az
        matrix_tenants = set().union(*want.values())
        names = org_names(state)
        assert set(names[i] for i in bundle[0]["tenants"]) == matrix_tenants
        assert acl_orgs(state, configs(state)[DSO]) == matrix_tenants
        assert set(inst["entity"]["scope"]["tenants"]) == matrix_tenants
        dso = configs(state)[DSO]["entity"]["spec"]
        if index == 2:  # az2: private registry
            assert configs(state)[POSTGRES]["entity"]["spec"]["artifacts"][0]["image"].startswith("registry.az2.lab.")
            assert list(dso["dockerConfig"]["auths"]) == ["registry.az2.lab.example"]
        else:
            art = configs(state)[POSTGRES]["entity"]["spec"]["artifacts"][0]
            assert art["image"] == art["defaultImage"] and dso["dockerConfig"]["auths"] == {}
        for result in first:
            assert "lab-registry-token" not in result.out, "a registry password was printed"
        assert lab.violations(az) == []

    marks = dict((az, lab.last_seq(az)) for az in AZS)
    t0 = time.time()
    second = run_all()
    print("second run, both AZs: %.1fs" % (time.time() - t0))
    assert sum(r.changed() for r in second) == 0, "\n".join(r.explain() for r in second)
    for az in AZS:
        assert writes(lab, az, marks[az]) == [], "a run with nothing to do wrote to %s" % az


# --------------------------------------------------------------------------------------- 1 and 3
def test_check_mode_then_removing_a_tenant_unpublishes_only_that_tenant(lab):
    tenants = [t for t in matrix() if t["name"] != "tenant-b"]
    before = lab.state("az1")
    mark = lab.last_seq("az1")
    check = run_playbook("dse.yml", extra_vars={"tenants": tenants}, check=True, diff=True, limit="az1")
    assert check.rc == 0, check.explain()
    assert writes(lab, "az1", mark) == [], "check mode wrote"
    text = check.out
    assert re.search(r"-\s+tenant-b:\s*\n-\s+- VMware SQL with Postgres", text), check.explain()

    mark = lab.last_seq("az1")
    real = run_playbook("dse.yml", extra_vars={"tenants": tenants}, limit="az1")
    assert real.rc == 0, real.explain()
    after = lab.state("az1")
    want = dict((s, o - {"tenant-b"}) for s, o in published(before).items())
    assert published(after) == want
    # asymmetric: the operator and template ACLs and the rights bundle stay for tenant-b
    assert "tenant-b" in acl_orgs(after, configs(after)[DSO])
    done = writes(lab, "az1", mark)
    revokes = [w for w in done if w[0] == "DELETE"]
    assert len(revokes) == 1 and configs(after)[POSTGRES]["id"] in revokes[0][1], done
    # the extension's UI is no longer published to tenant-b either (one invocation)
    assert len(done) == 2, done
    inst = entities(after, "solutions_add_on_instance")[0]
    assert inst["entity"]["scope"]["tenants"] == ["tenant-a"]


# ------------------------------------------------------------------------------------------- 2
PUBLISH_200 = """
- name: Publish 3 data solutions to {count} tenants, in one task
  hosts: az1
  gather_facts: false
  tasks:
    - name: Publish
      vcdops.platform.vcd_dse_publish:
        vcd_host: "{{{{ vcd_host }}}}"
        vcd_username: "{{{{ vcd_username }}}}"
        vcd_password: "{{{{ vcd_password }}}}"
        ca_path: "{{{{ vcd_ca_path }}}}"
        publications: {publications}
      register: published
    - name: Show the operations
      ansible.builtin.debug:
        msg: "OPERATIONS={{{{ published.operations | length }}}}"
"""


def test_publishing_three_solutions_to_200_tenants_is_one_task(lab):
    count = 200
    names = lab["az1"]._call("POST", "/_lab/tenants", {"count": count, "prefix": "bulk-"})["tenants"]
    state = lab.state("az1")
    # the 200 new tenants, and the tenants that have the solutions already (they stay)
    pubs = [{"solution": s, "tenants": names + sorted(published(state)[s])} for s in (POSTGRES, MYSQL, MONGO)]
    playbook = Path(tempfile.mkdtemp()) / "publish200.yml"
    playbook.write_text(PUBLISH_200.format(count=count, publications=json.dumps(pubs)))
    orgs = len(state["org"])
    templates = [e for e in entities(state, "dsInstanceTemplate")
                 if e["entity"]["spec"]["solutionType"] in ("postgres", "mysql", "mongodb")]

    mark = lab.last_seq("az1")
    t0 = time.time()
    result = run_playbook(str(playbook), diff=False)
    seconds = time.time() - t0
    assert result.rc == 0, result.explain()
    requests = [r for r in lab["az1"].requests(mark) if not r["path"].startswith(("/_lab", "/api/versions"))
                and "/sessions" not in r["path"]]
    gets = [r for r in requests if r["method"] == "GET"]
    done = [r for r in requests if r["method"] != "GET"]
    operations = int(re.search(r"OPERATIONS=(\d+)", result.out).group(1))
    # list reads: orgs, dsConfigs, ACLs of 3 solutions + the operator, templates and their ACLs, the
    # rights bundle and its tenants (twice: read, then converged); every list is paged by 128
    reads = (pages(orgs) + 1 + 4 * pages(count + 2) + 1 + len(templates) * pages(count + 2) + 1
             + 2 * pages(count + 2) + 2)
    writes_expected = 1 + count * (3 + 1 + len(templates))
    print("200 tenants: %d requests (%d GETs, bound %d list reads; %d writes, %d real changes) in %.1fs"
          % (len(requests), len(gets), reads, len(done), writes_expected, seconds))
    assert operations == writes_expected
    assert len(done) == writes_expected
    assert len(gets) <= reads
    assert len(requests) <= reads + writes_expected
    after = lab.state("az1")
    for solution in (POSTGRES, MYSQL, MONGO):
        assert set(names) <= published(after)[solution]

    mark = lab.last_seq("az1")
    again = run_playbook(str(playbook))
    assert again.rc == 0 and again.changed() == 0, again.explain()
    assert lab.writes("az1", since=mark) == []
