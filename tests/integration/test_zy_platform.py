"""README command 1 end to end: site.yml converges the whole platform in both AZs (solutions org,
CSE, OSE, ALP, DSE, DSM and tenant publishing), a tenant database goes through its lifecycle, and
a second run of both changes nothing and writes nothing.

Runs after the area tests (they converge pieces with their own shortcuts); this is the one test
that runs every component in the order site.yml gives, from a reset lab.
"""

from __future__ import annotations

from conftest import AZS, duplicates, run_playbook
from test_alp import alp_nodes  # noqa: F401  pylint: disable=unused-import
from test_ose import ose_nodes  # noqa: F401  pylint: disable=unused-import
from test_site import check_solutions_org

PLAYS = ("Solutions organization in every AZ", "CSE in every AZ", "OSE nodes", "App Launchpad nodes",
         "Data Solutions extension in every AZ", "Data Services Manager in every AZ")


def test_site_then_database_lifecycle_then_nothing_to_do(lab, ose_nodes, alp_nodes):  # noqa: F811
    # pylint: disable=redefined-outer-name,unused-argument
    lab.reset()
    first = run_playbook("site.yml")
    assert first.rc == 0, first.explain()
    hosts = set(first.recap)
    assert set(AZS) <= hosts and set(ose_nodes) <= hosts and set(alp_nodes) <= hosts, first.explain()
    assert all(r["failed"] == 0 and r["unreachable"] == 0 for r in first.recap.values()), first.explain()
    for play in PLAYS:
        assert "PLAY [%s]" % play in first.out, "play %r did not run" % play
    for index, az in enumerate(AZS, 1):
        check_solutions_org(lab, az, index)
        assert duplicates(lab.state(az)) == {}

    life = run_playbook("tenant_database_lifecycle.yml")
    assert life.rc == 0, life.explain()
    assert life.changed("az1") > 0, life.explain()

    marks = {az: lab.last_seq(az) for az in AZS}
    again = run_playbook("site.yml")
    assert again.rc == 0, again.explain()
    assert again.changed() == 0, again.explain()
    life_again = run_playbook("tenant_database_lifecycle.yml")
    assert life_again.rc == 0 and life_again.changed() == 0, life_again.explain()
    for az in AZS:
        assert lab.writes(az, since=marks[az]) == [], "a run with nothing to do wrote to VCD in %s" % az
