"""Unit tests of input checks and diff helpers."""

from __future__ import annotations

import pytest

from ansible_collections.vcdops.platform.plugins.module_utils.common import checks
from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import InputError, changes_between, merged


def test_interface_and_pool_inside_subnet():
    gw, net = checks.interface("192.168.10.1/24", "gateway_cidr")
    assert str(net) == "192.168.10.0/24"
    assert len(checks.ranges([{"start": "192.168.10.10", "end": "192.168.10.20"}], net, "pool", exclude=gw)) == 1


@pytest.mark.parametrize("pools,message", [
    ([{"start": "192.168.11.10", "end": "192.168.11.20"}], "outside the subnet"),
    ([{"start": "192.168.10.10", "end": "192.168.10.20"}, {"start": "192.168.10.15", "end": "192.168.10.30"}], "overlaps"),
    ([{"start": "192.168.10.1", "end": "192.168.10.9"}], "contains the gateway"),
    ([{"start": "192.168.10.20", "end": "192.168.10.10"}], "start is after the end"),
    ([{"start": "192.168.10.x", "end": "192.168.10.10"}], "not an IP address"),
])
def test_bad_pools(pools, message):
    gw, net = checks.interface("192.168.10.1/24", "gateway_cidr")
    with pytest.raises(InputError, match=message):
        checks.ranges(pools, net, "pool", exclude=gw)


@pytest.mark.parametrize("value", ["192.168.10.1", "192.168.10.0/24", "nonsense/24"])
def test_bad_interface(value):
    with pytest.raises(InputError):
        checks.interface(value, "gateway_cidr")


@pytest.mark.parametrize("name,ok", [("solutions.example.com", True), ("a-b.c", True), ("bad_name.example.com", False),
                                     ("-x.example.com", False), ("single", False), ("x.123", False)])
def test_fqdn(name, ok):
    if ok:
        assert checks.fqdn(name, "dns_suffix") == name
    else:
        with pytest.raises(InputError):
            checks.fqdn(name, "dns_suffix")


def test_changes_ignore_none_and_compare_nested():
    before = {"a": 1, "b": {"x": 1, "y": 2}, "c": [1]}
    assert changes_between(before, {"a": 1, "b": {"x": 1}, "c": None}) == {}
    assert changes_between(before, {"b": {"y": 3}}) == {"b": {"y": 3}}
    assert merged(before, {"b": {"y": 3}, "d": None}) == {"a": 1, "b": {"x": 1, "y": 3}, "c": [1]}
