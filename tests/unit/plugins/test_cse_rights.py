"""Unit tests of module_utils/vcd/rights.py: lookups in batches, publishing deltas in bulk."""

from __future__ import annotations

import json
import urllib.parse

import pytest

from ansible_collections.vcdops.platform.plugins.module_utils.vcd import client as vc
from ansible_collections.vcdops.platform.plugins.module_utils.vcd import rights


class Resp:
    def __init__(self, status=200, body=None):
        self.status_code = status
        self.headers = {}
        self.content = json.dumps(body).encode() if body is not None else b""
        self.reason = "reason"
        self.text = self.content.decode()

    def json(self):
        return json.loads(self.content)


def page(values):
    return Resp(200, {"resultTotal": len(values), "pageCount": 1, "page": 1, "pageSize": 128, "values": values})


class Fake(vc.VcdClient):
    def __init__(self, known_rights=(), tenants=(), orgs=()):
        super().__init__("vcd.example.com", username="admin", password="pw")
        self.api_version = "37.2"
        self.access_token = "t"
        self.known = {n: "urn:vcloud:right:%d" % i for i, n in enumerate(known_rights)}
        self.tenants = list(tenants)
        self.orgs = list(orgs)
        self.sent = []

    def _send(self, method, path, auth=True, headers=None, **kwargs):
        self.sent.append((method, path, kwargs.get("params"), kwargs.get("json")))
        params = kwargs.get("params") or {}
        if path == rights.RIGHTS:
            flt = params["filter"]
            names = [p.split("==", 1)[1] for p in flt.split(",")]
            if params.get("filterEncoded"):
                names = [urllib.parse.unquote(n) for n in names]
            return page([{"name": n, "id": self.known[n]} for n in names if n in self.known])
        if path == rights.ORGS:
            return page([{"name": n, "id": "urn:vcloud:org:%s" % n} for n in self.orgs])
        if path.endswith("/tenants") and method == "GET":
            return page([{"name": n, "id": "urn:vcloud:org:%s" % n} for n in self.tenants])
        if method == "POST":
            return Resp(200, {"values": []})
        raise AssertionError("unexpected %s %s" % (method, path))


def test_right_ids_batches_or_filters_and_encodes():
    names = ["Right %02d: View" % i for i in range(45)]
    fake = Fake(known_rights=names)
    ids = rights.right_ids(fake, names)
    assert len(ids) == 45
    gets = [s for s in fake.sent if s[1] == rights.RIGHTS]
    assert len(gets) == 3  # 20 + 20 + 5 names
    assert all(g[2]["filterEncoded"] == "true" for g in gets)


def test_right_ids_names_every_unknown_right():
    fake = Fake(known_rights=["API Tokens: Manage"])
    with pytest.raises(vc.VcdNotFound) as err:
        rights.right_ids(fake, ["API Tokens: Manage", "No: Such", "Also: Missing"])
    assert "Also: Missing, No: Such" in str(err.value)


@pytest.mark.parametrize("mode, publish, unpublish", [
    ("replace", ["c"], ["a"]),
    ("add", ["c"], []),
    ("remove", [], ["b"]),
])
def test_tenant_delta(mode, publish, unpublish):
    assert rights.tenant_delta(["a", "b"], ["b", "c"], mode) == (publish, unpublish)


def test_converge_tenants_reads_once_and_writes_the_whole_delta_once():
    current = ["t%03d" % i for i in range(100)]
    wanted_names = ["t%03d" % i for i in range(50, 150)]
    fake = Fake(tenants=current)
    wanted = {n: "urn:vcloud:org:%s" % n for n in wanted_names}
    out = rights.converge_tenants(fake, rights.BUNDLES, {"id": "urn:vcloud:rightsBundle:1", "name": "b"}, wanted)
    assert out["changed"] and len(out["published"]) == 50 and len(out["unpublished"]) == 50
    methods = [(m, p.rsplit("/", 1)[-1]) for m, p, q, j in fake.sent]
    assert methods == [("GET", "tenants"), ("POST", "publish"), ("POST", "unpublish")]
    assert len(fake.sent[1][3]["values"]) == 50 and len(fake.sent[2][3]["values"]) == 50


def test_converge_tenants_check_mode_and_no_change_write_nothing():
    fake = Fake(tenants=["a"])
    bundle = {"id": "urn:vcloud:rightsBundle:1", "name": "b"}
    out = rights.converge_tenants(fake, rights.BUNDLES, bundle, {"b": "urn:vcloud:org:b"}, check_mode=True)
    assert out["changed"] and out["after"] == ["b"]
    out = rights.converge_tenants(fake, rights.BUNDLES, bundle, {"a": "urn:vcloud:org:a"})
    assert not out["changed"]
    assert [m for m, p, q, j in fake.sent] == ["GET", "GET"]


def test_publish_all_then_back_to_a_list():
    fake = Fake()
    out = rights.converge_tenants(fake, rights.GLOBAL_ROLES, {"id": "g", "publishAll": False}, {}, publish_all=True)
    assert out["changed"] and fake.sent[-1][1].endswith("/tenants/publishAll")
    fake = Fake()
    out = rights.converge_tenants(fake, rights.GLOBAL_ROLES, {"id": "g", "publishAll": True},
                                  {"a": "urn:vcloud:org:a"}, publish_all=False)
    assert [p.rsplit("/", 1)[-1] for m, p, q, j in fake.sent if m == "POST"] == ["unpublishAll", "publish"]


def test_org_ids_one_list_read():
    fake = Fake(orgs=["a", "b", "c"])
    assert rights.org_ids(fake, ["a", "c"]) == {"a": "urn:vcloud:org:a", "c": "urn:vcloud:org:c"}
    with pytest.raises(vc.VcdNotFound, match="x, y"):
        rights.org_ids(fake, ["a", "y", "x"])
