"""Unit tests of vcd_cse_servers' plan: replace one at a time, never fewer than one running."""

from __future__ import annotations

import importlib

import pytest

mod = importlib.import_module("ansible_collections.vcdops.platform.plugins.modules.vcd_cse_servers")
MARK_NEW = mod.MARK % "solutions-org/cse/cse-4.2.2"
MARK_OLD = mod.MARK % "solutions-org/cse/cse-4.2.1"
WANTED = {"cse.vcdHost": "https://vcd.example.com", mod.TOKEN_KEY: "t"}


class Module:
    check_mode = False


class Planner(mod.CseServers):
    def __init__(self, count=2):  # no AnsibleModule: only the plan is tested
        self.params = {"count": count, "catalog_org": None, "org": "solutions-org", "catalog": "cse",
                       "template": "cse-4.2.2", "name_prefix": "cse-server"}
        self.module = Module()


def server(i, mark=MARK_NEW, props=None, on=True):
    return {"name": "cse-server-%d" % i, "index": i, "description": mark, "properties": dict(props or WANTED),
            "powered_on": on}


def test_nothing_to_do():
    assert Planner().plan([server(1), server(2)], WANTED) == []


def test_first_run_creates_two():
    assert Planner().plan([], WANTED) == [("create", None), ("create", None)]


def test_new_release_replaces_one_at_a_time_creating_first():
    steps = Planner().plan([server(1, MARK_OLD), server(2, MARK_OLD)], WANTED)
    assert steps == [("create", None), ("delete", "cse-server-1"), ("create", None), ("delete", "cse-server-2")]


def test_a_rotated_token_also_rolls():
    steps = Planner().plan([server(1), server(2, props=dict(WANTED, **{mod.TOKEN_KEY: "old"}))], WANTED)
    assert steps == [("create", None), ("delete", "cse-server-2")]


def test_scale_down_and_power_on():
    assert Planner(count=2).plan([server(1), server(2, on=False), server(3)], WANTED) == [
        ("power_on", "cse-server-2"), ("delete", "cse-server-3")]


def test_fewer_servers_than_wanted_and_a_stale_one():
    assert Planner(count=3).plan([server(1, MARK_OLD)], WANTED) == [
        ("create", None), ("delete", "cse-server-1"), ("create", None), ("create", None)]


@pytest.mark.parametrize("steps", [
    [("create", None), ("delete", "cse-server-1"), ("create", None), ("delete", "cse-server-2")],
])
def test_plan_never_leaves_zero_servers(steps):
    alive = 2
    for action, unused in steps:
        alive += 1 if action == "create" else -1
        assert alive >= 1
