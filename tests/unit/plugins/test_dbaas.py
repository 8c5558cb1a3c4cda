# -*- coding: utf-8 -*-
# Copyright: contributors to vcdops.platform
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tenant database lifecycle: the shared spec, checks and manifest (module_utils/dbaas/core.py)."""

from __future__ import absolute_import, division, print_function

import copy

import pytest

from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import InputError
from ansible_collections.vcdops.platform.plugins.module_utils.dbaas import core
from ansible_collections.vcdops.platform.plugins.module_utils.dbaas.vcd import instance_view

__metaclass__ = type  # pylint: disable=invalid-name

OPTIONS = {
    "solutions": ["postgres"],
    "releases": {"postgres": ["14.15+vmware.v2.2.0", "15.10+vmware.v2.2.0", "16.6+vmware.v2.2.0"],
                 "mysql": ["8.0.34+vmware.v2.1.0"]},
    "infrastructurePolicies": [{"name": "small-pol", "vmClasses": ["small", "medium"],
                                "storagePolicies": ["vSAN Default Storage Policy"]}],
    "vmClasses": [{"name": "small", "cpu": 2, "memoryGi": 4}, {"name": "medium", "cpu": 4, "memoryGi": 8}],
    "backupLocations": ["backups"],
}


def params(**kw):
    p = dict((k, None) for k in core.INSTANCE_OPTIONS)
    p.update(name="shop", state="present", keep_backups=True, wait=True, wait_timeout=900)
    p.update(engine="postgres", version="16", infrastructure_policy="small-pol", vm_class="small", storage_gb=20)
    p.update(kw)
    return p


def want(current=None, **kw):
    spec = core.merged_spec(current, core.spec_from(params(**kw)))
    return core.check("shop", spec, OPTIONS, current)


def test_short_version_resolves_to_newest_release():
    assert want()["version"] == "16.6+vmware.v2.2.0"
    assert core.full_version("postgres", "15.10", OPTIONS) == "15.10+vmware.v2.2.0"
    assert core.full_version("postgres", "14.15+vmware.v2.2.0", OPTIONS) == "14.15+vmware.v2.2.0"


@pytest.mark.parametrize("kw, message", [
    ({"version": "9.6"}, "not in the allowed releases"),
    ({"engine": "mysql", "version": "8.0"}, "solution is not published"),
    ({"infrastructure_policy": "other"}, "infrastructure policy other is not offered"),
    ({"vm_class": "large"}, "VM class large is not allowed by infrastructure policy small-pol"),
    ({"backup_location": "elsewhere"}, "backup location elsewhere is not offered"),
    ({"storage_policy": "gold"}, "storage policy gold is not allowed"),
    ({"storage_gb": None}, "storage_gb is required"),
])
def test_bad_choices_fail_before_any_change(kw, message):
    with pytest.raises(InputError, match=message):
        want(**kw)


def test_day2_scale_up_and_upgrade_pass_scale_down_fails():
    current = want(version="15")
    assert want(copy.deepcopy(current), storage_gb=40, vm_class="medium", topology="ha",
                version="16")["storageSpace"] == "40Gi"
    for kw, text in (({"storage_gb": 10}, "storage 20Gi -> 10Gi"),
                     ({"version": "14"}, "version 15.10+vmware.v2.2.0 -> 14.15"),
                     ({"topology": "single"}, None)):
        if text is None:
            assert want(copy.deepcopy(current), **kw)["topology"] == "single"
            continue
        with pytest.raises(InputError, match="refused before any change: %s" % text.replace("+", r"\+")):
            want(copy.deepcopy(current), **kw)
    ha = want(copy.deepcopy(current), topology="ha")
    with pytest.raises(InputError, match="topology ha -> single"):
        want(ha, topology="single")
    med = want(copy.deepcopy(current), vm_class="medium")
    with pytest.raises(InputError, match="VM class medium -> small"):
        want(med, vm_class="small")
    with pytest.raises(InputError, match="engine cannot change"):
        core.check("shop", dict(current, engine="mysql"), OPTIONS, current)


def test_unset_options_keep_the_current_values():
    current = want(backup_location="backups", backup_retention_days=7)
    again = core.merged_spec(current, core.spec_from(params(engine=None, version=None, infrastructure_policy=None,
                                                            vm_class=None, storage_gb=None)))
    assert again == current


def test_manifest_and_back():
    spec = want(topology="ha", backup_location="backups", storage_policy="vSAN Default Storage Policy",
                backup_schedules=[{"name": "weekly", "type": "full", "schedule": "59 23 * * 6"}],
                maintenance_window={"start_day": "saturday", "start_time": "22:59", "duration": "6h0m0s"})
    m = core.manifest("shop", "vcd-tenant-a", spec, {"instance": "old", "backup": "b1"})
    assert m["kind"] == "PostgresCluster" and m["metadata"] == {"name": "shop", "namespace": "vcd-tenant-a"}
    assert m["spec"]["replicas"] == 1 and m["spec"]["adminUsername"] == "pgadmin"
    assert m["spec"]["backupConfig"]["backupRetentionDays"] == 30
    assert m["spec"]["maintenanceWindow"]["startDay"] == "SATURDAY"
    assert m["spec"]["basedOn"] == {"cluster": {"name": "old"}, "backupName": "b1"}
    back = core.spec_of_cluster(m)
    for key in ("engine", "version", "infrastructurePolicy", "vmClass", "topology", "storageSpace", "backupLocation"):
        assert back[key] == spec[key]
    mysql = core.manifest("db", "default", dict(spec, engine="mysql", topology="ha5"))
    assert mysql["kind"] == "MySQLCluster" and mysql["spec"]["members"] == 5 and "replicas" not in mysql["spec"]


def test_restore_checks():
    sources = {"shop": {"backups": [{"name": "b1", "time": "2026-01-01T10:00:00Z"}]}, "empty": {"backups": []}}
    core.check_restore({"instance": "shop"}, sources)
    core.check_restore({"instance": "shop", "backup": "b1"}, sources)
    with pytest.raises(InputError, match="has no backup nope"):
        core.check_restore({"instance": "shop", "backup": "nope"}, sources)
    with pytest.raises(InputError, match="no instance gone"):
        core.check_restore({"instance": "gone"}, sources)
    with pytest.raises(InputError, match="has no backup yet"):
        core.check_restore({"instance": "empty"}, sources)
    with pytest.raises(InputError, match="at or before"):
        core.check_restore({"instance": "shop", "pointInTime": "2025-01-01T00:00:00Z"}, sources)


def test_names_and_hash():
    core.check_name("shop-2")
    for bad in ("Shop", "2shop", "shop_", "x" * 41, ""):
        with pytest.raises(InputError):
            core.check_name(bad)
    assert core.spec_hash({"b": 1, "a": [1, 2]}) == core.spec_hash({"a": [1, 2], "b": 1})


def test_instance_view_hides_masked_password():
    entity = {"id": "urn:vcloud:entity:vmware:dsInstance:1", "name": "shop", "entity": {
        "spec": {"engine": "postgres", "version": "16.6+vmware.v2.2.0", "storageSpace": "20Gi"},
        "status": {"phase": "Ready", "ready": True, "connection": {
            "host": "db", "port": 5432, "dbname": "shop", "username": "u", "password": "******",
            "connectionString": "postgresql://u@db:5432/shop?sslmode=verify-full", "caCertificate": "PEM"}}}}
    view = instance_view(entity)
    assert view["connection"]["password"] is None and view["storage_gb"] == 20 and view["ready"] is True
    full = copy.deepcopy(entity)
    full["entity"]["status"]["connection"]["password"] = "s3cret"
    assert instance_view(entity, full)["connection"]["password"] == "s3cret"
