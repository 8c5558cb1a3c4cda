# -*- coding: utf-8 -*-
# Copyright: contributors to vcdops.platform
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection and the lab's Consumption Operator implement the same modelled contract (A37): the same DSM
manifest for a spec, the same observedSpecHash.  Needs PYTHONPATH=tests/lab."""

from __future__ import absolute_import, division, print_function

import hashlib
import json

import pytest

from ansible_collections.vcdops.platform.plugins.module_utils.dbaas import core

__metaclass__ = type  # pylint: disable=invalid-name

operator = pytest.importorskip("vcdlab.vcd.dbaas")

SPECS = [
    {"engine": "postgres", "version": "16.6+vmware.v2.2.0", "infrastructurePolicy": "p", "vmClass": "small",
     "topology": "ha", "storageSpace": "20Gi", "backupLocation": "b", "backupRetentionDays": 7,
     "backupSchedules": [{"name": "w", "type": "full", "schedule": "59 23 * * 6"}],
     "maintenanceWindow": {"startDay": "SATURDAY", "startTime": "22:59", "duration": "6h0m0s"}},
    {"engine": "mysql", "version": "8.0.34+vmware.v2.1.0", "infrastructurePolicy": "p", "vmClass": "medium",
     "topology": "ha5", "storageSpace": "60Gi", "storagePolicyName": "gold"},
]


@pytest.mark.parametrize("spec", SPECS)
def test_same_manifest(spec):
    mine = core.manifest("db", "vcd-tenant-a", spec, {"instance": "src", "backup": "b1", "pointInTime": "t"})
    lab = operator.manifest("vcd-tenant-a", "db", dict(spec, restoreFrom={"instance": "src", "backup": "b1",
                                                                          "pointInTime": "t"}), "owner")
    lab["metadata"].pop("annotations")
    assert mine == lab


def test_same_spec_hash():
    spec = dict(SPECS[0], onDemandBackups=["x"])
    lab = hashlib.sha1(json.dumps(spec, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    assert core.spec_hash(spec) == lab
    assert operator.NODES == core.NODES and operator.INSTANCE == ("vmware", "dsInstance", "0.1")
