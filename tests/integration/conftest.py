"""Integration tests: real ansible-playbook runs against the lab.

The session starts its own lab (ports VCDOPS_LAB_PORT_BASE, default 19700, run
dir under tests/output) so that it never disturbs a developer's `make lab`.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "lab"))

from vcdlab.admin import LabAdmin  # noqa: E402  pylint: disable=wrong-import-position

PORT_BASE = int(os.environ.get("VCDOPS_LAB_PORT_BASE", "19700"))
RUN_DIR = Path(os.environ.get("VCDOPS_LAB_RUN_DIR", REPO / "tests" / "output" / "lab-integration"))
AZS = ("az1", "az2")
PLAYBOOKS = REPO / "playbooks"
LAB_INVENTORY = REPO / "inventories" / "lab"
RECAP = re.compile(r"^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)"
                   r"\s+skipped=(\d+)\s+rescued=(\d+)\s+ignored=(\d+)", re.M)


def lab_env():
    env = dict(os.environ)
    env.update(VCDLAB_PORT_BASE=str(PORT_BASE), VCDLAB_RUN_DIR=str(RUN_DIR),
               VCDOPS_LAB_PORT_BASE=str(PORT_BASE), VCDOPS_LAB_RUN_DIR=str(RUN_DIR),
               PYTHONPATH=str(REPO / "tests" / "lab"), ANSIBLE_CONFIG=str(REPO / "ansible.cfg"),
               ANSIBLE_FORCE_COLOR="0", ANSIBLE_NOCOLOR="1", ANSIBLE_STDOUT_CALLBACK="default",
               ANSIBLE_CALLBACK_RESULT_FORMAT="yaml", ANSIBLE_DEPRECATION_WARNINGS="0")
    return env


class Result:
    def __init__(self, proc, args):
        self.rc = proc.returncode
        self.out = proc.stdout
        self.args = args
        self.recap = {m.group(1): dict(zip(("ok", "changed", "unreachable", "failed", "skipped", "rescued", "ignored"),
                                           map(int, m.groups()[1:]))) for m in RECAP.finditer(self.out)}

    def changed(self, host=None):
        if host:
            return self.recap[host]["changed"]
        return sum(r["changed"] for r in self.recap.values())

    def explain(self):
        return "ansible-playbook %s (rc=%s)\n%s" % (" ".join(self.args), self.rc, self.out[-12000:])


def run_playbook(playbook, *args, extra_vars=None, inventory=LAB_INVENTORY, check=False, diff=False, limit=None):
    cmd = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(inventory), str(PLAYBOOKS / playbook)]
    if check:
        cmd.append("--check")
    if diff:
        cmd.append("--diff")
    if limit:
        cmd += ["--limit", limit]
    for key, value in (extra_vars or {}).items():
        cmd += ["-e", "%s=%s" % (key, value) if not isinstance(value, (dict, list)) else
                "%s" % __import__("json").dumps({key: value})]
    cmd += list(args)
    proc = subprocess.run(cmd, cwd=str(REPO), env=lab_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=1200, check=False)
    return Result(proc, cmd[3:])


class Lab:
    """The running lab: one admin client per AZ."""

    def __init__(self):
        ca = str(RUN_DIR / "ca.pem")
        self.admin = {az: LabAdmin("https://localhost:%d" % (PORT_BASE + i), ca) for i, az in enumerate(AZS, 1)}
        # a reset clears the lab's violation list: keep what it held
        self.seen_violations = {az: [] for az in AZS}

    def __getitem__(self, az):
        return self.admin[az]

    def reset(self):
        for az, admin in self.admin.items():
            self.seen_violations[az].extend(admin.violations())
            admin.reset()
            admin.clear_faults()

    def violations(self, az):
        return self.seen_violations[az] + self.admin[az].violations()

    def last_seq(self, az):
        return self.admin[az].last_seq()

    def writes(self, az, since=0):
        return self.admin[az].writes(since)

    def state(self, az):
        return self.admin[az].state()


def _lab_cli(*args):
    subprocess.run([sys.executable, "-m", "vcdlab", *args], cwd=str(REPO), env=lab_env(), check=True, timeout=300)


@pytest.fixture(scope="session")
def lab():
    _lab_cli("start")
    try:
        yield Lab()
    finally:
        _lab_cli("stop")


def objects(state, kind):
    """Objects of one kind in a lab state dump."""
    return list((state.get(kind) or {}).values()) if isinstance(state.get(kind), dict) else list(state.get(kind) or [])


def duplicates(state):
    """Names that occur twice among objects of the same kind and parent."""
    seen, dups = {}, {}
    for kind, items in state.items():
        if not isinstance(items, (list, dict)) or kind in ("task", "session", "request"):
            continue
        for obj in (items.values() if isinstance(items, dict) else items):
            if not isinstance(obj, dict) or "name" not in obj:
                continue
            parent = (obj.get("vdc_id") or obj.get("catalog_id") or obj.get("org_id") or obj.get("pvdc_id")
                      or obj.get("entityType") or obj.get("owner") or "")
            key = (kind, str(parent), obj["name"])
            seen[key] = seen.get(key, 0) + 1
            if seen[key] > 1:
                dups[key] = seen[key]
    return dups
