"""Runs last: everything the suite sent and the lab answered followed VMware's spec."""

from __future__ import annotations

from conftest import AZS


def test_no_spec_violations(lab):
    for az in AZS:
        assert lab.violations(az) == [], "spec violations in %s" % az
