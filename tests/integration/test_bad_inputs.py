"""Bad inputs fail with a clear message before any write (the request log shows none)."""

from __future__ import annotations

import pytest

from conftest import run_playbook

CASES = {
    "pool outside subnet": ({"solutions_org_network_pools": [{"start": "192.168.99.10", "end": "192.168.99.20"}]},
                            "outside the subnet 192.168.10.0/24"),
    "overlapping pools": ({"solutions_org_network_pools": [{"start": "192.168.10.10", "end": "192.168.10.50"},
                                                           {"start": "192.168.10.40", "end": "192.168.10.60"}]},
                          "overlaps"),
    "unknown provider VDC": ({"solutions_org_provider_vdc": "pvdc-missing"}, "unknown provider VDC 'pvdc-missing'"),
    "bad FQDN": ({"solutions_org_network_dns_suffix": "bad_name..lab"}, "is not a valid DNS name"),
    "missing password": ({"vcd_password": ""}, "no password for VCD user administrator"),
    "edge address outside the provider ranges": ({"solutions_org_edge_primary_ip": "172.16.1.200"},
                                                 "not in the IP ranges of provider gateway t0-solutions"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_fails_before_any_write(lab, case):
    extra, message = CASES[case]
    lab.reset()
    mark = lab.last_seq("az1")
    result = run_playbook("site.yml", "--tags", "solutions_org", extra_vars=extra, limit="az1")
    assert result.rc != 0, result.explain()
    assert message in result.out, result.explain()
    assert "Traceback" not in result.out, result.explain()
    assert lab.writes("az1", since=mark) == [], "a bad input led to a write"
