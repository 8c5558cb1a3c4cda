"""The DSM simulator (databases: delayed Ready, connection secrets, refused shrink, archives) and the lab's vcsim
(vApp properties, lease expiry without progress).  Both run here on their own, without a VCD lab."""
import os
import socket
import ssl
import subprocess
import sys
import time

import pytest
import requests

LAB_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lab")
sys.path.insert(0, LAB_DIR)

from vcdlab.dsm.appliance import Appliance  # noqa: E402
from vcdlab.dsm.server import Runner  # noqa: E402
from vcdlab.tls import ensure_certs  # noqa: E402

ADMIN, PASSWORD = "admin@lab.example", "Dsm-Passw0rd!"
VC = ("administrator@vsphere.local", "Vc-Passw0rd!")
INFRA = "/apis/infrastructure.dataservices.vmware.com/v1alpha1"
DB = "/apis/databases.dataservices.vmware.com/v1alpha1/namespaces/default"


def _port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    return ensure_certs(str(tmp_path_factory.mktemp("dsm-certs")))


class Dsm:
    def __init__(self, url, ca):
        self.url, self.ca = url, ca
        self.s = requests.Session()
        self.s.verify = ca
        self.s.trust_env = False

    def login(self, vc=False):
        path = "/provider/plugin/session-using-vc-credentials" if vc else "/provider/session"
        body = {"username": VC[0], "password": VC[1]} if vc else {"email": ADMIN, "password": PASSWORD}
        r = self.s.post(self.url + path, json=body, headers={"Accept": "application/vnd.vmware.dms-v1+json"})
        assert r.status_code == 200, r.text
        self.s.headers["Authorization"] = r.headers["Authorization"]
        return self

    def __getattr__(self, method):
        def call(path, body=None):
            return self.s.request(method.upper(), self.url + path, json=body)
        return call


@pytest.fixture
def dsm(certs):
    ca, cert, key = certs
    app = Appliance("az1", 1)
    app.config.update(ready_seconds=0.3, infra_ready_seconds=0.05)
    app.boot({"dsm.admin.email": ADMIN, "dsm.admin.password": PASSWORD, "dsm.vcenter.username": VC[0],
              "dsm.vcenter.password": VC[1]})
    runner = Runner(app, _port(), cert, key)
    runner.listen()
    url = "https://localhost:%d" % runner.port
    infra = Dsm(url, ca).login(vc=True)
    infra.post(INFRA + "/ippools", {"apiVersion": "infrastructure.dataservices.vmware.com/v1alpha1", "kind": "IPPool",
                                    "metadata": {"name": "pool"},
                                    "spec": {"gateway": "10.9.0.1", "prefix": 24, "addresses": ["10.9.0.10-10.9.0.12"]}})
    infra.post(INFRA + "/infrastructurepolicies", {
        "apiVersion": "infrastructure.dataservices.vmware.com/v1alpha1", "kind": "InfrastructurePolicy",
        "metadata": {"name": "pol"}, "spec": {"enabled": True, "placements": [{"datacenter": "DC0", "cluster": "C"}],
                                              "ipRanges": [{"poolName": "pool", "portGroups": []}],
                                              "storagePolicies": ["sp"], "vmClasses": [{"name": "small"}]}})
    admin = Dsm(url, ca).login()
    admin.post(INFRA + "/backuplocations", {
        "apiVersion": "infrastructure.dataservices.vmware.com/v1alpha1", "kind": "BackupLocation",
        "metadata": {"name": "bk"}, "spec": {"provider": "s3-compatible", "endpoint": "https://s3", "bucket": "b"}})
    yield {"app": app, "admin": admin, "infra": infra}
    runner.shutdown()


def pg(name, **spec):
    body = {"apiVersion": "databases.dataservices.vmware.com/v1alpha1", "kind": "PostgresCluster",
            "metadata": {"name": name},
            "spec": {"version": "14", "replicas": 1, "vmClass": {"name": "small"}, "storageSpace": "20Gi",
                     "storagePolicyName": "sp", "infrastructurePolicy": {"name": "pol"}, "adminUsername": "pgadmin",
                     "databaseName": name}}
    body["spec"].update(spec)
    return body


def test_a_postgres_cluster_becomes_ready_with_a_connection_and_its_secret(dsm):
    admin, infra = dsm["admin"], dsm["infra"]
    denied = infra.post(DB + "/postgresclusters", pg("db1"))
    assert denied.status_code == 403 and denied.json()["message"] == (
        'denied - role "INFRA_ADMIN" has no permission "C" on databases.dataservices.vmware.com/v1alpha1, '
        'Resource=postgresclusters')
    r = admin.post(DB + "/postgresclusters", pg("db1", backupLocation={"name": "bk"}))
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["spec"]["version"] == "14.15+vmware.v2.2.0"          # the server rewrites the version
    assert created["metadata"]["annotations"]["dsm.vmware.com/owner"] == ADMIN
    assert created["status"]["conditions"][0]["status"] == "False"
    assert admin.post(DB + "/postgresclusters", pg("db1")).status_code == 409
    deadline = time.time() + 10
    while True:
        obj = admin.get(DB + "/postgresclusters/db1").json()
        if obj["status"]["conditions"][0]["status"] == "True":
            break
        assert time.time() < deadline, obj["status"]
        time.sleep(0.1)
    conn = obj["status"]["connection"]
    assert conn["host"] == "10.9.0.10" and conn["port"] == 5432 and conn["passwordRef"] == {"name": "pg-db1"}
    secret = admin.get("/api/v1/namespaces/default/secrets/pg-db1").json()
    assert secret["data"]["password"]

    shrink = dict(obj, spec=dict(obj["spec"], replicas=0))
    r = admin.put(DB + "/postgresclusters/db1", shrink)
    assert r.status_code == 422 and "scaling down" in r.json()["message"]
    stale = dict(obj, spec=dict(obj["spec"], storageSpace="30Gi"))
    stale["metadata"] = dict(obj["metadata"], resourceVersion="1")
    assert admin.put(DB + "/postgresclusters/db1", stale).status_code == 409

    assert admin.delete(DB + "/postgresclusters/db1").status_code == 200
    archived = admin.get("/apis/databases.dataservices.vmware.com/v1alpha1/namespaces/default/archivedpostgresclusters/db1")
    assert archived.status_code == 200
    restored = admin.post(DB + "/postgresclusters", pg("db2", basedOn={"archivedCluster": {"name": "db1"}}))
    assert restored.status_code == 201, restored.text


def test_dsm_2_1_uses_the_cluster_name_as_secret_and_the_default_namespace_only(dsm):
    app, admin = dsm["app"], dsm["admin"]
    app.config["version"] = "2.1.0"
    r = admin.post("/apis/databases.dataservices.vmware.com/v1alpha1/namespaces/team-a/postgresclusters", pg("x"))
    assert r.status_code == 404
    admin.post(DB + "/postgresclusters", pg("db3"))
    deadline = time.time() + 10
    while admin.get(DB + "/postgresclusters/db3").json()["status"].get("connection") is None:
        assert time.time() < deadline
        time.sleep(0.1)
    assert admin.get(DB + "/postgresclusters/db3").json()["status"]["connection"]["passwordRef"] == {"name": "db3"}


# ------------------------------------------------------------------ vcsim
@pytest.fixture(scope="module")
def vcsim(certs):
    from vcdlab.services import vcsim as service
    ca, cert, key = certs
    exe = service.binary()
    port = _port()
    proc = subprocess.Popen([exe, "-listen", "127.0.0.1:%d" % port, "-cert", cert, "-key", key, "-user", VC[0],
                             "-lease-timeout", "1s"], env=dict(os.environ, VCSIM_PASSWORD=VC[1]),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert time.time() < deadline, "vcsim did not start"
            time.sleep(0.1)
    from pyVim.connect import Disconnect, SmartConnect
    si = SmartConnect(host="localhost", port=port, user=VC[0], pwd=VC[1],
                      sslContext=ssl.create_default_context(cafile=ca))
    yield si
    Disconnect(si)
    proc.terminate()
    proc.wait(10)


def _import(si, tmp_path, name):
    from pyVmomi import vim
    from vcdlab.dsm.fake_ova import build, descriptor, disk_bytes
    content = si.RetrieveContent()
    dc = content.rootFolder.childEntity[0]
    cluster = [c for c in dc.hostFolder.childEntity if c.name == "DC0_C0"][0]
    params = vim.OvfManager.CreateImportSpecParams(
        entityName=name, propertyMapping=[vim.KeyValue(key="dsm.network.ip0", value="10.1.1.5"),
                                          vim.KeyValue(key="dsm.admin.email", value="a@b.c")])
    build(str(tmp_path / "x.ova"))
    spec = content.ovfManager.CreateImportSpec(descriptor("d.vmdk", len(disk_bytes())), cluster.resourcePool,
                                               dc.datastore[0], params)
    assert not spec.error
    return spec, cluster.resourcePool.ImportVApp(spec.importSpec, dc.vmFolder)


def test_vcsim_keeps_ovf_properties_as_vapp_properties(vcsim, tmp_path):
    spec, lease = _import(vcsim, tmp_path, "props")
    vm = lease.info.entity
    lease.HttpNfcLeaseComplete()
    props = {p.id: p.value for p in vm.config.vAppConfig.property}
    assert props["dsm.network.ip0"] == "10.1.1.5" and props["dsm.admin.email"] == "a@b.c"
    assert props["dsm.network.prefix0"] == "24"                     # the OVF default
    assert vm.config.vAppConfig.product[0].name == "VMware Data Services Manager"


def test_vcsim_expires_a_lease_without_progress(vcsim, tmp_path):
    from pyVmomi import vmodl
    _spec, lease = _import(vcsim, tmp_path, "slow")
    time.sleep(1.5)
    with pytest.raises(vmodl.MethodFault):
        lease.HttpNfcLeaseProgress(50)
