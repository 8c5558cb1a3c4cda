"""Unit tests of the App Launchpad area: tenant matrix plan, AMQP settings flow, node record."""

from __future__ import annotations

import copy
import json

import pytest

from ansible_collections.vcdops.platform.plugins.module_utils.alp import amqp, matrix
from ansible_collections.vcdops.platform.plugins.modules import alp_app_publish, alp_connect, vcd_amqp_settings


# ------------------------------------------------------------------ tenant matrix
TENANTS = [
    {"name": "tenant-a", "azs": ["az1", "az2"], "alp": ["wordpress", "redis"], "cse": True},
    {"name": "tenant-b", "azs": ["az1"], "alp": ["wordpress"]},
    {"name": "tenant-c", "azs": ["az2"], "alp": []},
    {"name": "tenant-d", "alp": ["redis"]},
]


def test_wanted_per_az():
    apps, scope = matrix.wanted(TENANTS, "az1")
    assert apps == {"wordpress": {"tenant-a", "tenant-b"}, "redis": {"tenant-a", "tenant-d"}}
    assert scope == {"tenant-a", "tenant-b", "tenant-d"}
    apps, scope = matrix.wanted(TENANTS, "az2", extra_apps=["mysql"])
    assert apps == {"wordpress": {"tenant-a"}, "redis": {"tenant-a", "tenant-d"}, "mysql": set()}
    assert scope == {"tenant-a", "tenant-c", "tenant-d"}


@pytest.mark.parametrize("tenants,message", [
    ([{"azs": ["az1"]}], "has no name"),
    ([{"name": "x"}, {"name": "x"}], "listed twice"),
    ([{"name": "x", "azs": "az1"}], "azs must be a list"),
    ([{"name": "x", "alp": "wordpress"}], "must be a list of application names"),
    ([{"name": "x", "alp": [""]}], "must be a list of application names"),
    (["x"], "not a mapping"),
])
def test_wanted_rejects_bad_matrix(tenants, message):
    with pytest.raises(matrix.MatrixError, match=message):
        matrix.wanted(tenants, "az1")


def test_plan_adds_removes_and_leaves_outsiders_alone():
    apps, scope = matrix.wanted(TENANTS, "az1")
    current = {"wordpress": {"tenant-a", "tenant-c", "tenant-x"}, "redis": {"tenant-b"}}
    add, remove = matrix.plan(apps, current, scope)
    assert add == {"wordpress": ["tenant-b"], "redis": ["tenant-a", "tenant-d"]}
    # tenant-b is in the matrix and no longer lists redis; tenant-c (az2 only) and tenant-x keep theirs
    assert remove == {"redis": ["tenant-b"]}
    add, remove = matrix.plan(apps, current, scope, purge=True)
    assert remove == {"redis": ["tenant-b"], "wordpress": ["tenant-c", "tenant-x"]}


def test_plan_of_a_converged_matrix_is_empty():
    apps, scope = matrix.wanted(TENANTS, "az2")
    assert matrix.plan(apps, {k: set(v) for k, v in apps.items()}, scope) == ({}, {})


def test_plan_for_many_tenants_is_one_entry_per_application():
    tenants = [{"name": "bulk-%03d" % i, "azs": ["az1"], "alp": ["wordpress", "redis"]} for i in range(200)]
    apps, scope = matrix.wanted(tenants, "az1")
    add, remove = matrix.plan(apps, {}, scope)
    assert sorted(add) == ["redis", "wordpress"] and len(add["wordpress"]) == 200 and remove == {}


# ------------------------------------------------------------------ AMQP settings module
STORED = {"amqpHost": "", "amqpPort": 5672, "amqpUsername": "guest", "amqpPassword": None,
          "amqpExchange": "systemExchange", "amqpVHost": "/", "amqpUseSSL": False, "amqpSslAcceptAll": False,
          "amqpPrefix": "vcd", "href": "https://vcd/api/admin/extension/settings/amqp"}


class FakeClient:
    def __init__(self, settings, valid=True):
        self.settings = copy.deepcopy(settings)
        self.valid = valid
        self.calls = []

    def get(self, path, params=None, legacy=False, what=None):
        self.calls.append(("GET", path, None))
        return copy.deepcopy(self.settings)

    def write(self, method, path, body=None, legacy=False, content_type=None, what=None, wait=True):
        self.calls.append((method, path, copy.deepcopy(body)))
        if path.endswith("/action/test"):
            return {"valid": self.valid}
        for key, value in body.items():
            if key != "amqpPassword" and value is not None:
                self.settings[key] = value
        return self.settings

    def writes(self):
        return [(m, p) for m, p, _b in self.calls if m != "GET"]


class Exit(Exception):
    def __init__(self, result, failed=False):
        super().__init__(result.get("msg"))
        self.result, self.failed = result, failed


class FakeModule:
    def __init__(self, params, check_mode=False, diff=False):
        self.params = params
        self.check_mode = check_mode
        self._diff = diff
        self.warned = []

    def exit_json(self, **result):
        raise Exit(result)

    def fail_json(self, msg, **result):
        result["msg"] = msg
        raise Exit(result, failed=True)

    def warn(self, text):
        self.warned.append(text)


def amqp_params(**over):
    params = dict(host="rabbitmq.az1.example.com", port=5671, use_ssl=True, ssl_accept_all=False, vhost="vcd",
                  exchange="systemExchange", prefix="vcd", username="vcd", password="S3cret-pw!",
                  update_password="on_change", test=True)
    params.update(over)
    return params


def run_amqp(client, check_mode=False, diff=True, **over):
    module = vcd_amqp_settings.AmqpSettings(FakeModule(amqp_params(**over), check_mode=check_mode, diff=diff))
    module._client = client
    with pytest.raises(Exit) as exc:
        module.run()
    return exc.value


def test_amqp_tests_before_writing_then_is_idempotent():
    client = FakeClient(STORED)
    out = run_amqp(client)
    assert not out.failed and out.result["changed"] and out.result["tested"]
    assert client.writes() == [("POST", amqp.TEST_PATH), ("PUT", amqp.PATH)]
    tested = client.calls[1][2]
    assert tested["amqpPassword"] == "S3cret-pw!" and tested["amqpHost"] == "rabbitmq.az1.example.com"
    assert "password" not in json.dumps(out.result["diff"]) and "S3cret" not in json.dumps(out.result)
    client.calls = []
    again = run_amqp(client)
    assert not again.result["changed"] and not again.result["tested"]
    assert client.writes() == []


def test_amqp_failed_test_writes_nothing():
    client = FakeClient(STORED, valid=False)
    out = run_amqp(client)
    assert out.failed and "AMQP test failed for vcd@rabbitmq.az1.example.com:5671 vhost vcd (TLS)" in out.result["msg"]
    assert "not changed" in out.result["msg"] and "S3cret" not in out.result["msg"]
    assert client.writes() == [("POST", amqp.TEST_PATH)]
    assert client.settings["amqpHost"] == ""


def test_amqp_check_mode_neither_tests_nor_writes():
    client = FakeClient(STORED)
    out = run_amqp(client, check_mode=True)
    assert out.result["changed"] and not out.result["tested"]
    assert client.writes() == []
    assert out.result["diff"]["after"]["host"] == "rabbitmq.az1.example.com"


def test_amqp_update_password_always_writes_every_time():
    client = FakeClient(STORED)
    run_amqp(client)
    client.calls = []
    out = run_amqp(client, update_password="always")
    assert out.result["changed"] and out.result["diff"]["after"]["password_updated"] is True
    assert client.writes() == [("POST", amqp.TEST_PATH), ("PUT", amqp.PATH)]


def test_amqp_bad_port_fails_before_reading():
    client = FakeClient(STORED)
    out = run_amqp(client, port=70000)
    assert out.failed and "port" in out.result["msg"] and client.calls == []


# ------------------------------------------------------------------ node record
def test_secret_record_never_holds_the_secret_and_matches():
    record = alp_connect.secret_record("Svc-Passw0rd!")
    assert "Svc-Passw0rd!" not in json.dumps(record)
    assert alp_connect.secret_matches("Svc-Passw0rd!", record)
    assert not alp_connect.secret_matches("other", record)
    assert not alp_connect.secret_matches("Svc-Passw0rd!", {"algorithm": "md5"})


def test_same_connection_compares_url_user_bus_and_password():
    params = {"url": "https://vcd", "sa_user": "alp", "bus": "amqp", "sa_password": "pw-1"}
    record = {"url": "https://vcd", "sa_user": "alp", "bus": "amqp", "sa_password": alp_connect.secret_record("pw-1")}
    assert alp_connect.same(record, params)
    assert not alp_connect.same(record, dict(params, bus="mqtt"))
    assert not alp_connect.same(record, dict(params, sa_password="pw-2"))
    assert not alp_connect.same(None, params)


# ------------------------------------------------------------------ bulk publishing module
class HubClient:
    """Orgs, one source with three applications, and the tenants of each application."""

    def __init__(self, tenants=200):
        self.orgs = [{"id": "urn:vcloud:org:%d" % i, "name": "t-%03d" % i} for i in range(tenants)]
        self.apps = {n: {"id": "urn:vcloud:appTemplate:%s" % n, "name": n, "status": "READY",
                         "contentSource": {"name": "bitnami", "id": "s1"}} for n in ("wordpress", "redis", "mysql")}
        self.tenants = {"wordpress": {"t-000"}, "redis": set(), "mysql": {"t-001"}}
        self.calls = []

    def list(self, path, **kw):
        self.calls.append(("GET", path))
        if path.endswith("/orgs"):
            return list(self.orgs)
        if path.endswith("/appTemplates"):
            return [dict(a, tenantCount=len(self.tenants[n])) for n, a in self.apps.items()]
        name = path.split("/")[-2].rsplit(":", 1)[-1]
        return [{"name": t, "id": "x"} for t in sorted(self.tenants[name])]

    def write(self, method, path, body=None, **kw):
        self.calls.append((method, path))
        name = path.split("/")[-3].rsplit(":", 1)[-1]
        names = {o["name"] for o in self.orgs if o["id"] in {v["id"] for v in body["values"]}}
        if path.endswith("/publish"):
            self.tenants[name] |= names
        else:
            self.tenants[name] -= names
        return {}

    def find_one(self, *a, **kw):
        return {"id": "s1", "name": "bitnami"}


def run_publish(client, tenants, check_mode=False, **over):
    params = dict(tenants=tenants, az="az1", apps_key="alp", source="bitnami", applications=[], purge=False)
    params.update(over)
    module = alp_app_publish.AppPublish(FakeModule(params, check_mode=check_mode, diff=True))
    module._client = client
    with pytest.raises(Exit) as exc:
        module.run()
    return exc.value


def test_publish_to_200_tenants_is_one_call_per_application():
    client = HubClient()
    matrix_ = [{"name": o["name"], "azs": ["az1"], "alp": ["wordpress", "redis"]} for o in client.orgs]
    out = run_publish(client, matrix_)
    assert not out.failed and out.result["changed"]
    writes = [c for c in client.calls if c[0] != "GET"]
    # wordpress and redis to 199/200 tenants; mysql (listed by nobody, held by t-001) unpublished
    assert sorted(p.rsplit("/", 2)[-2:][1] for _m, p in writes) == ["publish", "publish", "unpublish"]
    assert len([c for c in client.calls if c[0] == "GET"]) <= 5
    assert len(client.tenants["wordpress"]) == 200 and client.tenants["mysql"] == set()
    client.calls = []
    again = run_publish(client, matrix_)
    assert not again.result["changed"] and [c for c in client.calls if c[0] != "GET"] == []


def test_publish_check_mode_and_unknown_names_write_nothing():
    client = HubClient(tenants=3)
    out = run_publish(client, [{"name": "t-002", "alp": ["redis"]}], check_mode=True)
    assert out.result["changed"] and out.result["published"] == {"redis": ["t-002"]}
    assert [c for c in client.calls if c[0] != "GET"] == []
    bad = run_publish(client, [{"name": "t-009", "alp": ["redis"]}])
    assert bad.failed and "t-009 do not exist" in bad.result["msg"]
    bad = run_publish(client, [{"name": "t-002", "alp": ["ghost"]}])
    assert bad.failed and "offers ghost" in bad.result["msg"]
    assert [c for c in client.calls if c[0] != "GET"] == []
