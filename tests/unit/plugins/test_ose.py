"""Unit tests of the OSE modules' pure logic: tenant plans, certificate names, views, CLI fingerprints."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.vcdops.platform.plugins.module_utils.ose import views
from ansible_collections.vcdops.platform.plugins.modules import ose_certificate_info, ose_tenants


def current(**kw):
    base = dict(name="t", active=False, region=None, storage_policy=None, storage_policy_locked=False, quota_gb=-1)
    base.update(kw)
    return base


def test_plan_activates_updates_and_leaves_alone():
    cur = {"a": current(name="a"),
           "b": current(name="b", active=True, region="region-1", storage_policy="standard",
                        storage_policy_locked=True, quota_gb=100),
           "c": current(name="c", active=True, region="region-1", storage_policy="standard", quota_gb=5)}
    items = [dict(name="a", state="present", region="region-1", storage_policy="standard", storage_policy_locked=True,
                  quota_gb=500),
             dict(name="b", state="present", region="region-1", storage_policy="standard", storage_policy_locked=True,
                  quota_gb=100),
             dict(name="c", state="present", region=None, storage_policy=None, storage_policy_locked=None, quota_gb=7)]
    changes, before, after = ose_tenants.plan(cur, items)
    assert [change[:2] for change in changes] == [("a", "activate"), ("c", "update")]
    assert changes[1][2] == {"quota_gb": 7}
    assert after["b"] == before["b"]
    body = ose_tenants.body_of(changes[0][2])
    assert body == {"active": True, "region": "region-1", "storagePolicy": "standard", "storagePolicyLocked": True,
                    "hlStorageQuotaKBytes": 500 * 1024 * 1024}


def test_plan_deactivates_without_touching_the_rest():
    cur = {"x": current(name="x", active=True, storage_policy="standard", quota_gb=10)}
    changes, _b, after = ose_tenants.plan(cur, [dict(name="x", state="absent", region="r", storage_policy="other",
                                                     storage_policy_locked=True, quota_gb=1)])
    assert list(changes) == [("x", "deactivate", {"active": False})]
    assert after["x"]["storage_policy"] == "standard"


def test_unlimited_quota_round_trip():
    assert ose_tenants.body_of({"quota_gb": -1}) == {"hlStorageQuotaKBytes": -1}
    assert views.tenant_view({"hlStorageQuotaKBytes": -1})["quota_gb"] == -1
    assert views.tenant_view({"hlStorageQuotaKBytes": 3 * 1024 * 1024})["quota_gb"] == 3


@pytest.mark.parametrize("name,sans,ok", [
    ("ose.example.com", ["ose.example.com"], True),
    ("s3.ose.example.com", ["*.ose.example.com"], True),
    ("*.s3.ose.example.com", ["*.ose.example.com"], False),
    ("*.s3.ose.example.com", ["*.s3.ose.example.com"], True),
    ("bucket.s3.ose.example.com", ["*.s3.ose.example.com"], True),
    ("a.b.s3.ose.example.com", ["*.s3.ose.example.com"], False),
    ("OSE.Example.com", ["ose.example.COM"], True),
])
def test_certificate_name_coverage(name, sans, ok):
    assert ose_certificate_info.covered(name, sans) is ok


def test_certificate_from_pkcs12(tmp_path):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ose.example.com")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("ose.example.com")]), critical=False)
            .sign(key, hashes.SHA256()))
    path = tmp_path / "c.p12"
    path.write_bytes(pkcs12.serialize_key_and_certificates(b"c", key, cert, None,
                                                           serialization.BestAvailableEncryption(b"pw")))
    got, chain = ose_certificate_info.load(str(path), "pw")
    assert got.subject == name and chain == []
    with pytest.raises(ValueError):
        ose_certificate_info.load(str(path), "wrong")


def test_policy_and_region_views():
    p = views.policy_view({"name": "m", "replicationScheme": {"replicas": 2, "dataCenters": ["a", "b"]},
                           "region": "r", "visibleTenants": ["z", "y"]})
    assert p == dict(name="m", replicas=2, ec_k=None, ec_m=None, data_centers=["a", "b"], region="r",
                     visible_tenants=["y", "z"])
    assert views.region_view({"name": "r", "endpoint": "https://x", "dataCenters": ["d"], "local": True}) == \
        dict(name="r", endpoint="https://x", data_centers=["d"])
