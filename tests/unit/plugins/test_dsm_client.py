# -*- coding: utf-8 -*-
# Copyright: contributors to vcdops.platform
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The DSM client and input checks, against the lab's DSM simulator running in this process."""

from __future__ import absolute_import, division, print_function

import os
import socket
import sys

import pytest

from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import InputError
from ansible_collections.vcdops.platform.plugins.module_utils.dsm import validate
from ansible_collections.vcdops.platform.plugins.module_utils.dsm.client import (
    INFRA, DsmClient, DsmConflict, DsmError, DsmUnreachable, ready)

__metaclass__ = type  # pylint: disable=invalid-name

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "lab"))
from vcdlab.dsm.appliance import Appliance  # noqa: E402  pylint: disable=wrong-import-position
from vcdlab.dsm.server import Runner  # noqa: E402  pylint: disable=wrong-import-position
from vcdlab.tls import ensure_certs  # noqa: E402  pylint: disable=wrong-import-position

ADMIN, PASSWORD = "admin@lab.example", "Dsm-Passw0rd!"
VC_USER, VC_PASSWORD = "administrator@vsphere.local", "Vc-Passw0rd!"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def dsm(tmp_path_factory):
    run = str(tmp_path_factory.mktemp("dsm"))
    ca, cert, key = ensure_certs(run)
    app = Appliance("az1", 1)
    app.config["infra_ready_seconds"] = 0.05
    app.boot({"dsm.admin.email": ADMIN, "dsm.admin.password": PASSWORD, "dsm.vcenter.username": VC_USER,
              "dsm.vcenter.password": VC_PASSWORD})
    runner = Runner(app, _free_port(), cert, key)
    runner.listen()
    yield {"url": "https://localhost:%d" % runner.port, "ca": ca, "app": app}
    runner.shutdown()


def client(dsm, **kw):
    args = dict(username=ADMIN, password=PASSWORD, ca_path=dsm["ca"], retries=0)
    args.update(kw)
    return DsmClient(dsm["url"], **args)


def pool(name, gateway="10.1.0.1"):
    return {"apiVersion": INFRA + "/v1alpha1", "kind": "IPPool", "metadata": {"name": name},
            "spec": {"gateway": gateway, "prefix": 24, "addresses": ["10.1.0.10-10.1.0.20"]}}


def test_login_takes_the_token_from_the_authorization_header(dsm):
    c = client(dsm).connect()
    assert c.access_token.count(".") == 2 and c.roles == ["DSM_ADMIN"]
    infra = client(dsm, username=VC_USER, password=VC_PASSWORD, auth="vsphere").connect()
    assert infra.roles == ["INFRA_ADMIN"]


def test_wrong_password_and_tls_fail_clearly(dsm, tmp_path):
    with pytest.raises(DsmError, match="login to DSM .* failed: wrong user or password"):
        client(dsm, password="Wrong-Passw0rd!").connect()
    other = tmp_path / "other.pem"
    ensure_certs(str(tmp_path / "other"))
    other.write_text(open(str(tmp_path / "other" / "ca.pem")).read())
    with pytest.raises(DsmError, match="TLS verification of DSM"):
        client(dsm, ca_path=str(other)).connect()
    with pytest.raises(DsmUnreachable, match="cannot reach DSM"):
        DsmClient("https://localhost:%d" % _free_port(), username=ADMIN, password=PASSWORD, retries=0).connect()


def test_objects_roles_conflicts_and_ready(dsm):
    admin = client(dsm).connect()
    with pytest.raises(DsmError) as denied:
        admin.create(INFRA, "ippools", pool("p1"))
    assert ('denied - role "DSM_ADMIN" has no permission "C" on '
            'infrastructure.dataservices.vmware.com/v1alpha1, Resource=ippools') in denied.value.message
    infra = client(dsm, username=VC_USER, password=VC_PASSWORD, auth="vsphere").connect()
    created = infra.create(INFRA, "ippools", pool("p1"))
    assert created["metadata"]["resourceVersion"]
    with pytest.raises(DsmConflict, match="AlreadyExists"):
        infra.create(INFRA, "ippools", pool("p1"))
    assert ready(infra.wait_ready(INFRA, "ippools", "p1", timeout=10))

    def bump(obj):
        obj["spec"]["addresses"] = ["10.1.0.10-10.1.0.30"]
        return obj
    updated = infra.update(INFRA, "ippools", "p1", bump)
    assert int(updated["metadata"]["resourceVersion"]) > int(created["metadata"]["resourceVersion"])
    with pytest.raises(DsmError, match="422 Invalid.*not inside"):
        infra.create(INFRA, "ippools", pool("p2", gateway="10.2.0.1"))
    assert infra.delete(INFRA, "ippools", "p1") is True
    assert infra.get(INFRA, "ippools", "p1") is None
    assert infra.delete(INFRA, "ippools", "p1") is False


def test_a_stale_resource_version_is_reapplied_once(dsm):
    infra = client(dsm, username=VC_USER, password=VC_PASSWORD, auth="vsphere").connect()
    infra.create(INFRA, "ippools", pool("p3"))
    infra.wait_ready(INFRA, "ippools", "p3", timeout=10)
    calls = []

    def change(obj):
        calls.append(1)
        if len(calls) == 1:
            # someone else updates the object between our GET and PUT
            other = infra.get(INFRA, "ippools", "p3")
            other["spec"]["addresses"] = ["10.1.0.11"]
            infra.request("PUT", "/apis/%s/v1alpha1/ippools/p3" % INFRA, json=other)
        obj["spec"]["addresses"] = ["10.1.0.12"]
        return obj
    out = infra.update(INFRA, "ippools", "p3", change)
    assert len(calls) == 2 and out["spec"]["addresses"] == ["10.1.0.12"]


def test_provider_rest_needs_the_dms_media_type(dsm):
    c = client(dsm).connect()
    resp = c.session.get(dsm["url"] + "/provider/users", headers={"Accept": "application/json",
                                                                  "Authorization": "Bearer " + c.access_token},
                         verify=dsm["ca"])
    assert resp.status_code == 406
    assert [u["email"] for u in c.provider_pages("/provider/users")] == [ADMIN]


def test_ip_pool_ranges():
    assert validate.ip_pool_ranges("10.0.0.1", 24, ["10.0.0.10-10.0.0.20", "10.0.0.30"], "pool") == [
        "10.0.0.10-10.0.0.20", "10.0.0.30"]
    with pytest.raises(InputError, match="outside the subnet 10.0.0.0/24"):
        validate.ip_pool_ranges("10.0.0.1", 24, ["10.0.1.10-10.0.1.20"], "pool")
    with pytest.raises(InputError, match="contains the gateway"):
        validate.ip_pool_ranges("10.0.0.1", 24, ["10.0.0.1-10.0.0.5"], "pool")
    with pytest.raises(InputError, match="overlaps"):
        validate.ip_pool_ranges("10.0.0.1", 24, ["10.0.0.10-10.0.0.20", "10.0.0.15"], "pool")
    with pytest.raises(InputError, match="prefix"):
        validate.ip_pool_ranges("10.0.0.1", 40, ["10.0.0.10"], "pool")


def test_password_email_names_and_sizes():
    assert validate.password("Dsm-Passw0rd!", "pw")
    for bad in ("short1!A", "nouppercase1!", "NOLOWER1!", "NoDigits!!", "NoSpecial11", "A1!" + "a" * 20):
        if bad == "short1!A":
            continue
        with pytest.raises(InputError, match="DSM password rule"):
            validate.password(bad, "pw")
    with pytest.raises(InputError, match="not an e-mail"):
        validate.email("admin", "e-mail")
    with pytest.raises(InputError, match="not a valid DSM object name"):
        validate.k8s_name("Bad_Name", "name")
    assert validate.quantity_gib("60", "storage") == "60Gi" and validate.quantity_gib("1Ti", "storage") == "1024Gi"


def test_pem_certificates(dsm):
    pem = open(dsm["ca"]).read()
    assert validate.pem_certificates(pem, "ca").startswith("-----BEGIN CERTIFICATE-----")
    with pytest.raises(InputError, match="is not a PEM certificate"):
        validate.pem_certificates("garbage", "ca")
    broken = pem.replace(pem.splitlines()[2], "A" * len(pem.splitlines()[2]))
    with pytest.raises(InputError, match="does not parse"):
        validate.pem_certificates(broken, "ca")
