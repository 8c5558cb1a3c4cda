"""Unit tests of the add-on input typing and the DSE publication plan (no VCD needed)."""

from __future__ import annotations

import pytest

from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import InputError
from ansible_collections.vcdops.platform.plugins.module_utils.vcd import addons, dse
from ansible_collections.vcdops.platform.plugins.module_utils.vcd.client import VcdNotFound

MANIFEST = {
    "vendor": "lab", "name": "echo", "version": "1.0.0",
    "inputs": [
        {"name": "greeting", "type": "String", "required": True, "minLength": 2, "maxLength": 10},
        {"name": "replicas", "type": "Integer", "default": 1},
        {"name": "verbose", "type": "Boolean", "default": False},
        {"name": "api-token", "type": "String", "secure": True, "required": True},
        {"name": "mode", "type": "String", "values": ["fast", "safe"], "default": "safe"},
        {"name": "zones", "type": "String", "isArray": True},
        {"name": "force-delete", "type": "Boolean", "default": False, "delete": True},
    ],
}


# ------------------------------------------------------------------ add-on inputs
def test_inputs_are_typed_prefixed_and_defaulted():
    given = {"greeting": "hello", "replicas": "3", "verbose": "true", "api-token": "s3cret", "zones": ["a", "b"]}
    args, props, secure = addons.typed_inputs(MANIFEST, given)
    assert args == {"input-greeting": "hello", "input-replicas": 3, "input-verbose": True, "input-api-token": "s3cret",
                    "input-mode": "safe", "input-zones": ["a", "b"]}
    assert props["replicas"] == 3 and "mode" not in props
    assert secure == ["api-token"]


@pytest.mark.parametrize("given,message", [
    ({"greeting": "hi", "api-token": "x", "verbose": "maybe"}, "verbose must be a Boolean"),
    ({"greeting": "hi", "api-token": "x", "replicas": True}, "replicas must be an Integer, got the Boolean"),
    ({"greeting": "hi", "api-token": "x", "replicas": "two"}, "replicas must be an Integer"),
    ({"greeting": 12, "api-token": "x"}, "greeting must be a String"),
    ({"greeting": "h", "api-token": "x"}, "at least 2 characters"),
    ({"greeting": "hi", "api-token": "x", "mode": "slow"}, "mode must be one of fast, safe"),
    ({"greeting": "hi", "api-token": "x", "zones": "a"}, "zones must be a list"),
    ({"greeting": "hi"}, "input api-token of add-on lab.echo-1.0.0 is required"),
    ({"greeting": "hi", "api-token": "x", "colour": "red"}, "has no input colour"),
    ({"greeting": "hi", "api-token": "x", "force-delete": True}, "force-delete of add-on lab.echo-1.0.0 is for deletion"),
])
def test_bad_inputs(given, message):
    with pytest.raises(InputError, match=message):
        addons.typed_inputs(MANIFEST, given)


def test_secure_values_never_appear_in_errors():
    with pytest.raises(InputError) as exc:
        addons.typed_inputs({"inputs": [{"name": "token", "type": "String", "secure": True, "minLength": 30}]},
                            {"token": "short-secret"})
    assert "short-secret" not in str(exc.value) and "******" in str(exc.value)


def test_delete_inputs():
    args = addons.typed_inputs(MANIFEST, {"force-delete": True}, operation="delete")[0]
    assert args == {"input-force-delete": True}
    with pytest.raises(InputError, match="for creation only"):
        addons.typed_inputs(MANIFEST, {"greeting": "hi"}, operation="delete")


def test_input_drift_ignores_secure_and_text_booleans():
    props = {"greeting": "hello", "verbose": "true", "api-token": "******"}
    assert addons.input_drift(props, {"greeting": "hello", "verbose": True, "api-token": "new"}, ["api-token"]) == {}
    assert addons.input_drift(props, {"greeting": "bye"}) == {"greeting": {"instance": "hello", "wanted": "bye"}}


def test_certificate_alias_is_at_most_128_characters():
    alias = addons.addon_certificate_alias("x" * 300 + ".iso")
    assert len(alias) == 128 and alias.startswith("addon.xxx") and alias.endswith("Z")


# ------------------------------------------------------------------ DSE registry
def config(name, stype, kind="PackageRepository", acls=(), **live):
    art = {"name": name, "type": kind}
    if kind == "ChartRepository":
        art.update(defaultChartRepository="https://charts", defaultPackageName="op", defaultVersion="1.0")
    else:
        art.update(defaultImage="reg/img:1.0", defaultVersion="1.0")
    art.update(live)
    return {"id": "urn:vcloud:entity:vmware:dsConfig:%s" % stype, "name": stype, "state": "RESOLVED",
            "entity": {"spec": {"solutionType": stype, "artifacts": [art]}}, "_acls": list(acls)}


def test_registry_defaults_and_custom_values():
    chart = config("MongoDB", "mongodb", "ChartRepository", chartRepository="https://x", packageName="op", version="2.0")
    assert dse.wanted_registry(chart, {"use_defaults": True}) == {
        "chartRepository": "https://charts", "packageName": "op", "version": "1.0"}
    assert dse.wanted_registry(chart, {"version": "3.0"}) == {"version": "3.0"}
    with pytest.raises(InputError, match="chart solution: it takes chart_repository"):
        dse.wanted_registry(chart, {"image": "reg/x"})
    package = config("VMware SQL with Postgres", "postgres", image="reg/img:1.0", version="1.0")
    assert dse.registry_view(package)["uses_defaults"] is True
    with pytest.raises(InputError, match="package solution"):
        dse.wanted_registry(package, {"chart_repository": "https://x"})


def test_wanted_auths_keeps_masked_passwords():
    have = {"reg.example": {"username": "robot", "password": "******"}}
    regs = [{"host": "reg.example", "username": "robot", "password": "new"}]
    assert dse.wanted_auths(have, regs, "on_create")["reg.example"]["password"] == "******"
    assert dse.wanted_auths(have, regs, "always")["reg.example"]["password"] == "new"
    assert dse.wanted_auths(have, None, "always") is None
    assert dse.wanted_auths(have, [], "always") == {}


# ------------------------------------------------------------------ DSE publication plan
def org(name):
    return {"name": name, "id": "urn:vcloud:org:%s" % name}


def acl(org_name, n=1):
    return {"id": "urn:vcloud:accessControl:%s-%d" % (org_name, n), "grantType": "MembershipAccessControlGrant",
            "accessLevelId": dse.READ_ONLY, "memberId": "urn:vcloud:org:%s" % org_name}


def publication(acls=None, templates=None, bundle=(), org_configs=None, managed=("VMware SQL with Postgres",)):
    """A Publication with its reads faked."""
    pub = dse.Publication.__new__(dse.Publication)
    names = ["tenant-a", "tenant-b", "tenant-c"]
    pub.orgs = dict((n, org(n)) for n in names)
    pub.org_by_uuid = dict((n, org(n)) for n in names)
    pub.configs = dict((c["entity"]["spec"]["artifacts"][0]["name"], c) for c in (
        config(dse.DSO, "dso"), config("VMware SQL with Postgres", "postgres"),
        config("Confluent Platform", "confluent", "ChartRepository")))
    pub.managed = list(managed)
    pub.acls = dict((n, []) for n in pub.configs)
    pub.acls.update(acls or {})
    tmpl = {"id": "urn:vcloud:entity:vmware:dsInstanceTemplate:pg-small", "name": "postgres-small",
            "entity": {"spec": {"solutionType": "postgres"}}}
    pub.templates = {"postgres": [tmpl]}
    pub.template_acls = {tmpl["id"]: list((templates or {}).get("postgres-small", []))}
    pub.bundle = {"id": "urn:vcloud:rightsBundle:dse", "name": dse.RIGHTS_BUNDLE, "publishAll": False}
    pub.bundle_tenants = set(bundle)
    pub.org_configs = org_configs or {}
    return pub


def wanted(pub, solution, names, **extra):
    entry = {"solution": solution, "tenants": pub.resolve_tenants(names)}
    entry.update(extra)
    return entry


def test_publishing_to_new_tenants_writes_every_part_once():
    pub = publication()
    ops = pub.plan([wanted(pub, "VMware SQL with Postgres", ["tenant-a", "tenant-b"])])
    assert ops[0] == {"op": "bundle", "orgs": {"tenant-a": "urn:vcloud:org:tenant-a", "tenant-b": "urn:vcloud:org:tenant-b"}}
    grants = sorted((o["on"], o["org"]) for o in ops if o["op"] == "grant")
    assert grants == sorted([(n, t) for t in ("tenant-a", "tenant-b")
                             for n in ("VMware SQL with Postgres", dse.DSO, "template postgres-small")])
    assert len(ops) == 7


def test_a_complete_publication_needs_nothing_and_a_partial_one_is_completed():
    acls = {"VMware SQL with Postgres": [acl("tenant-a")], dse.DSO: [acl("tenant-a")]}
    pub = publication(acls, {"postgres-small": [acl("tenant-a")]}, bundle=["tenant-a"])
    assert pub.plan([wanted(pub, "VMware SQL with Postgres", ["tenant-a"])]) == []
    assert pub.tenant_view() == {"tenant-a": ["VMware SQL with Postgres"]}
    pub = publication(acls, {}, bundle=["tenant-a"])
    ops = pub.plan([wanted(pub, "VMware SQL with Postgres", ["tenant-a"])])
    assert [(o["op"], o["on"]) for o in ops] == [("grant", "template postgres-small")]
    assert pub.tenant_view() == {"tenant-a": ["VMware SQL with Postgres (partial)"]}


def test_unpublishing_is_asymmetric():
    acls = {"VMware SQL with Postgres": [acl("tenant-a"), acl("tenant-b")], dse.DSO: [acl("tenant-a"), acl("tenant-b")]}
    pub = publication(acls, {"postgres-small": [acl("tenant-a"), acl("tenant-b")]}, bundle=["tenant-a", "tenant-b"])
    want = [wanted(pub, "VMware SQL with Postgres", ["tenant-a"])]
    ops = pub.plan(want)
    assert ops == [{"op": "revoke", "entity": "urn:vcloud:entity:vmware:dsConfig:postgres",
                    "on": "VMware SQL with Postgres", "acl": "urn:vcloud:accessControl:tenant-b-1",
                    "org": "tenant-b", "org_id": "urn:vcloud:org:tenant-b"}]
    assert pub.after_view(want) == {"tenant-a": ["VMware SQL with Postgres"]}


def test_confluent_needs_a_licence_and_loses_it_on_unpublish():
    pub = publication(managed=("Confluent Platform",))
    ops = pub.plan([wanted(pub, "Confluent Platform", ["tenant-c"], license_type="With License", license_key="K")])
    licence = [o for o in ops if o["op"] == "licence"]
    assert licence == [{"op": "licence", "org": "tenant-c", "org_id": "urn:vcloud:org:tenant-c",
                        "license_type": "With License", "license_key": "K"}]
    assert dse.public_ops(licence)[0]["license_key"] == "******"
    pub = publication({"Confluent Platform": [acl("tenant-c")]}, org_configs={
        "tenant-c": [{"id": "urn:vcloud:entity:vmware:dsOrgConfig:1"}]}, managed=("Confluent Platform",))
    ops = pub.plan([wanted(pub, "Confluent Platform", [])])
    assert [o["op"] for o in ops] == ["revoke", "delete licence"]


def test_tenants_all_and_unknown():
    pub = publication()
    assert sorted(o["name"] for o in pub.resolve_tenants(["all"]).values()) == ["tenant-a", "tenant-b", "tenant-c"]
    with pytest.raises(InputError, match="unknown tenant org tenant-z"):
        pub.resolve_tenants(["tenant-a", "tenant-z"])


def test_unknown_solutions_and_missing_extension():
    pub = publication()
    with pytest.raises(InputError, match="unknown data solution Oracle; VCD offers: Confluent Platform, "):
        dse.require(pub.configs, ["Oracle"])
    with pytest.raises(VcdNotFound, match="install the Data Solutions extension"):
        dse.require({}, ["MongoDB"])
