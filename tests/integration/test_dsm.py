"""DSM per AZ: the appliance into vcsim, DSM configuration, DSE <-> DSM integration, tenant publishing.

playbooks/dsm.yml runs against a lab whose VCDs have the Data Solutions extension (installed with the lab
shortcut /_lab/dsm/install-dse, so that this test does not depend on the add-on flow, which test_site covers).
"""

from __future__ import annotations

import json
import re
import ssl
import textwrap

import pytest

from conftest import AZS, PORT_BASE, RUN_DIR, run_playbook

SECRETS = ("Dsm-Passw0rd!", "lab-Passw0rd!", "lab-dsm-S3cret-key", "lab-dsm-access", "Dba-Passw0rd!")
JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.")
LOGINS = ("/provider/session", "/provider/plugin/session-using-vc-credentials")
MATRIX = {  # inventories/lab/group_vars/all/tenants.yml, per AZ
    "az1": {"tenant-a": {"policies": ["dsm-policy-small"], "backup_locations": ["dsm-backups"],
                         "solutions": ["DSM MySQL", "DSM Postgres"]},
            "tenant-b": {"policies": ["dsm-policy-small"], "backup_locations": [], "solutions": ["DSM Postgres"]}},
    "az2": {"tenant-a": {"policies": ["dsm-policy-small"], "backup_locations": ["dsm-backups"],
                         "solutions": ["DSM MySQL", "DSM Postgres"]}},
}


def dsm_state(lab, az):
    return lab[az]._call("GET", "/_lab/dsm/state")


def dsm_writes(lab, az, since):
    reqs = lab[az]._call("GET", "/_lab/dsm/requests", query={"since": since})["requests"]
    return [r for r in reqs if r["method"] != "GET" and r["path"] not in LOGINS]


def dsm_seq(lab, az):
    return lab[az]._call("GET", "/_lab/dsm/requests", query={"since": 10 ** 9})["last_seq"]


def published(lab, az):
    """{tenant: {policies, backup_locations, solutions}} from the VCD entities' ACLs."""
    out = {}
    kinds = {"dsmInfrastructurePolicy": "policies", "dsmBackupLocation": "backup_locations", "dsConfig": "solutions"}
    for e in lab.state(az).get("rde_entity", []):
        nss = e["entityType"].split(":")[4]
        if nss not in kinds:
            continue
        name = e["name"]
        if nss == "dsConfig":
            art = e["entity"]["spec"]["artifacts"][0]["name"]
            if not art.startswith("DSM "):
                continue
            name = art
        for grant in e.get("acls", []):
            tenant = grant["tenant"]["name"]
            out.setdefault(tenant, {"policies": [], "backup_locations": [], "solutions": []})[kinds[nss]].append(name)
    return {t: {k: sorted(v) for k, v in d.items()} for t, d in out.items()}


def vcsim_vm(az_index, name):
    from pyVim.connect import Disconnect, SmartConnect
    from pyVmomi import vim
    si = SmartConnect(host="localhost", port=PORT_BASE + 20 + az_index, user="administrator@vsphere.local",
                      pwd="lab-Passw0rd!", sslContext=ssl.create_default_context(cafile=str(RUN_DIR / "ca.pem")))
    try:
        content = si.RetrieveContent()
        view = content.viewManager.CreateContainerView(content.rootFolder, [vim.VirtualMachine], True)
        vms = [vm for vm in view.view if vm.name == name]
        if not vms:
            return None
        vm = vms[0]
        return {"power": str(vm.runtime.powerState), "ip": vm.guest.ipAddress,
                "datastores": [d.name for d in vm.datastore], "networks": [n.name for n in vm.network],
                "product": vm.config.vAppConfig.product[0].name,
                "properties": {p.id: p.value for p in vm.config.vAppConfig.property}}
    finally:
        Disconnect(si)


@pytest.fixture(scope="module")
def dsm_lab(lab):
    lab.reset()
    lab["az1"]._call("POST", "/_lab/dsm/install-dse", {"all": True})
    return lab


def test_dsm_deploys_configures_publishes_then_changes_nothing(dsm_lab):
    lab = dsm_lab
    first = run_playbook("dsm.yml")
    assert first.rc == 0, first.explain()
    for index, az in enumerate(AZS, 1):
        assert first.changed(az) > 0
        vm = vcsim_vm(index, "dsm-az%d" % index)
        assert vm is not None, "no appliance VM in the vcsim of %s" % az
        assert vm["power"] == "poweredOn" and vm["ip"] == "10.10.%d.50" % index
        assert vm["product"] == "VMware Data Services Manager"
        assert vm["datastores"] == ["LocalDS_0"] and vm["networks"] == ["DC0_DVPG0"]
        props = vm["properties"]
        assert props["dsm.network.ip0"] == "10.10.%d.50" % index
        assert props["dsm.network.gateway"] == "10.10.%d.1" % index and props["dsm.network.prefix0"] == "24"
        assert props["dsm.network.dns"] == "10.0.0.53,10.0.0.54" and props["dsm.ntp.servers"] == "ntp.lab.example"
        assert props["dsm.admin.email"] == "dsm-admin@az%d.lab.example" % index
        assert props["dsm.vcenter.username"] == "administrator@vsphere.local"

        dsm = dsm_state(lab, az)
        assert dsm["booted"] is True
        objs = dsm["objects"]
        pool = [o for o in objs["ippools"] if o["metadata"]["name"] == "dsm-pool-01"][0]
        assert pool["spec"] == {"gateway": "10.20.%d.1" % index, "prefix": 24,
                                "addresses": ["10.20.%d.100-10.20.%d.199" % (index, index)]}
        policies = {o["metadata"]["name"]: o for o in objs["infrastructurepolicies"]}
        assert sorted(policies) == ["dsm-policy-large", "dsm-policy-small"]
        assert all(c["status"] == "True" for p in policies.values() for c in p["status"]["conditions"])
        assert [o["spec"]["requests"] for o in objs["vmclasses"] if o["metadata"]["name"] == "tenant-small"] == [
            {"cpu": 2, "memory": "8Gi"}]
        assert [o["metadata"]["name"] for o in objs["backuplocations"]] == ["dsm-backups"]
        assert [o["role"] for o in objs["dsmrolebindings"]] == ["DSM_ADMIN"]
        assert {"email": "dba@lab.example", "roles": ["DSM_USER"]} in dsm["users"]

        integration = [e for e in lab.state(az)["rde_entity"] if e["entityType"].endswith("dsmIntegration:0.1")]
        assert len(integration) == 1
        status = integration[0]["entity"]["status"]
        assert status["connection"]["state"] == "CONNECTED", status
        assert status["infrastructurePolicies"] == ["dsm-policy-large", "dsm-policy-small"]
        assert published(lab, az) == MATRIX[az]

    marks = {az: lab.last_seq(az) for az in AZS}
    dsm_marks = {az: dsm_seq(lab, az) for az in AZS}
    second = run_playbook("dsm.yml", "-vvv")
    assert second.rc == 0, second.explain()
    assert second.changed() == 0, second.explain()
    for az in AZS:
        assert lab.writes(az, since=marks[az]) == [], "a run with nothing to do wrote to VCD"
        assert dsm_writes(lab, az, dsm_marks[az]) == [], "a run with nothing to do wrote to DSM"
    # secrets and tokens never show, even with -vvv
    for secret in SECRETS:
        assert secret not in second.out, "%s appears in the -vvv output" % secret
    assert not JWT.search(second.out), "a token appears in the -vvv output: %s" % JWT.search(second.out).group(0)


PUBLISH = """
- hosts: az1
  gather_facts: false
  tasks:
    - name: Log in
      vcdops.platform.vcd_login:
        vcd_host: "{{ vcd_host }}"
        vcd_username: "{{ vcd_username }}"
        vcd_password: "{{ vcd_password }}"
        ca_path: "{{ vcd_ca_path }}"
      register: session
      no_log: true
    - name: Publish
      vcdops.platform.vcd_dsm_publish:
        vcd_host: "{{ vcd_host }}"
        vcd_access_token: "{{ session.access_token }}"
        vcd_api_version: "{{ session.api_version }}"
        ca_path: "{{ vcd_ca_path }}"
        tenants: %s
"""


def test_a_tenant_removed_from_a_policy_loses_exactly_that_policy(dsm_lab, tmp_path):
    lab = dsm_lab
    tenants = [{"name": "tenant-a", "policies": ["dsm-policy-small"], "backup_locations": ["dsm-backups"],
                "solutions": ["postgres", "mysql"]},
               {"name": "tenant-b", "policies": [], "backup_locations": [], "solutions": ["postgres"]}]
    book = tmp_path / "publish.yml"
    book.write_text(PUBLISH % json.dumps(tenants))
    before = published(lab, "az1")
    mark = lab.last_seq("az1")
    check = run_playbook(str(book), check=True, diff=True)
    assert check.rc == 0 and check.changed("az1") == 1, check.explain()
    assert lab.writes("az1", since=mark) == [], "check mode wrote to VCD"
    assert "dsm-policy-small" in check.out, check.explain()

    real = run_playbook(str(book))
    assert real.rc == 0 and real.changed("az1") == 1, real.explain()
    writes = lab.writes("az1", since=mark)
    assert [w["method"] for w in writes] == ["DELETE"], writes
    after = published(lab, "az1")
    expected = json.loads(json.dumps(before))
    expected["tenant-b"]["policies"] = []
    assert after == expected


BAD = """
- hosts: az1
  gather_facts: false
  module_defaults:
    vcdops.platform.dsm_appliance:
      vsphere_host: "{{ dsm_vsphere_host }}"
      vsphere_username: "{{ dsm_vsphere_username }}"
      vsphere_password: "{{ dsm_vsphere_password }}"
      vsphere_ca_path: "{{ dsm_vsphere_ca_path }}"
      name: dsm-bad
      ova: "{{ dsm_ova }}"
      datacenter: DC0
      cluster: DC0_C0
      datastore: LocalDS_0
      network: DC0_DVPG0
      ip_address: 10.10.9.50
      prefix: 24
      gateway: 10.10.9.1
      admin_email: admin@lab.example
      admin_password: Dsm-Passw0rd!
  tasks:
    - name: wrong vCenter password
      vcdops.platform.dsm_appliance: {vsphere_password: not-the-password}
      register: wrong_password
      ignore_errors: true
    - name: unknown datastore
      vcdops.platform.dsm_appliance: {datastore: no-such-datastore}
      register: unknown_datastore
      ignore_errors: true
    - name: unknown network
      vcdops.platform.dsm_appliance: {network: no-such-network}
      register: unknown_network
      ignore_errors: true
    - name: not an OVA
      vcdops.platform.dsm_appliance: {ova: "%(not_ova)s"}
      register: not_ova
      ignore_errors: true
    - name: IP pool outside its subnet
      vcdops.platform.dsm_ip_pool:
        dsm_host: "{{ dsm_api_host }}"
        dsm_ca_path: "{{ dsm_ca_path }}"
        dsm_auth: vsphere
        dsm_username: "{{ dsm_vsphere_username }}"
        dsm_password: "{{ dsm_vsphere_password }}"
        name: bad-pool
        gateway: 10.30.0.1
        prefix: 24
        addresses: [10.31.0.10-10.31.0.20]
      register: pool_outside
      ignore_errors: true
    - name: bad DSM CA certificate
      vcdops.platform.vcd_dsm_connection:
        vcd_host: "{{ vcd_host }}"
        vcd_username: "{{ vcd_username }}"
        vcd_password: "{{ vcd_password }}"
        ca_path: "{{ vcd_ca_path }}"
        kubernetes_cluster: solutions-tkg
        dsm_url: "https://{{ dsm_api_host }}"
        dsm_admin_user: "{{ dsm_admin_email }}"
        dsm_admin_password: "{{ dsm_admin_password }}"
        dsm_ca_certificate: "%(other_ca)s"
        update_password: always
      register: bad_ca
      ignore_errors: true
    - name: garbage DSM CA certificate
      vcdops.platform.vcd_dsm_connection:
        vcd_host: "{{ vcd_host }}"
        vcd_username: "{{ vcd_username }}"
        vcd_password: "{{ vcd_password }}"
        ca_path: "{{ vcd_ca_path }}"
        kubernetes_cluster: solutions-tkg
        dsm_url: "https://{{ dsm_api_host }}"
        dsm_admin_user: "{{ dsm_admin_email }}"
        dsm_admin_password: "{{ dsm_admin_password }}"
        dsm_ca_certificate: "not a certificate"
      register: garbage_ca
      ignore_errors: true
    - name: report
      ansible.builtin.copy:
        dest: "%(report)s"
        content: "{{ {'wrong_password': wrong_password.msg, 'unknown_datastore': unknown_datastore.msg,
                      'unknown_network': unknown_network.msg, 'not_ova': not_ova.msg,
                      'pool_outside': pool_outside.msg, 'bad_ca': bad_ca.msg,
                      'garbage_ca': garbage_ca.msg} | to_json }}"
        mode: "0600"
"""


def _other_ca(tmp_path):
    """A valid CA certificate that did not sign the lab's certificates."""
    import datetime
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "some other CA")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now).not_valid_after(
                now + datetime.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True).sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def test_bad_inputs_fail_clearly_before_any_write(dsm_lab, tmp_path):
    lab = dsm_lab
    not_ova = tmp_path / "dsm.ova"
    not_ova.write_text("this is not a tar archive\n" * 10)
    report = tmp_path / "report.json"
    book = tmp_path / "bad.yml"
    other = _other_ca(tmp_path).replace("\n", "\\n")
    book.write_text(textwrap.dedent(BAD) % {"not_ova": not_ova, "report": report, "other_ca": other})
    marks = {az: lab.last_seq(az) for az in AZS}
    dsm_mark = dsm_seq(lab, "az1")
    result = run_playbook(str(book))
    assert result.rc == 0, result.explain()
    msgs = json.loads(report.read_text())
    assert "login to vCenter" in msgs["wrong_password"] and "wrong user name or password" in msgs["wrong_password"]
    assert "datastore no-such-datastore does not exist" in msgs["unknown_datastore"]
    assert "network (port group) no-such-network does not exist" in msgs["unknown_network"]
    assert "is not an OVA" in msgs["not_ova"]
    assert "outside the subnet 10.30.0.0/24" in msgs["pool_outside"]
    assert "CA certificate does not verify" in msgs["bad_ca"], msgs["bad_ca"]
    assert "is not a PEM certificate" in msgs["garbage_ca"]
    for az in AZS:
        assert lab.writes(az, since=marks[az]) == [], "a bad input wrote to VCD"
    assert dsm_writes(lab, "az1", dsm_mark) == [], "a bad input wrote to DSM"
    assert vcsim_vm(1, "dsm-bad") is None, "a bad input deployed a VM"
