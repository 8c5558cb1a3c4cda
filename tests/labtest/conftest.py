"""A private lab for the lab's own tests (ports VCDLAB_TEST_PORT_BASE+1/+2, default 19601/19602)."""
import os
import subprocess
import sys

import pytest
import requests

LAB_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lab")
sys.path.insert(0, LAB_DIR)

from vcdlab.admin import LabAdmin  # noqa: E402

PORT_BASE = int(os.environ.get("VCDLAB_TEST_PORT_BASE", "19600"))
V = "37.2"


def _run(cmd, env):
    return subprocess.run([sys.executable, "-m", "vcdlab", cmd], env=env, cwd=LAB_DIR,
                          capture_output=True, text=True, timeout=90, check=False)


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    run_dir = str(tmp_path_factory.mktemp("vcdlab-run"))
    env = dict(os.environ, VCDLAB_PORT_BASE=str(PORT_BASE), VCDLAB_RUN_DIR=run_dir,
               PYTHONPATH=LAB_DIR)
    r = _run("start", env)
    assert r.returncode == 0, r.stdout + r.stderr
    info = {"run_dir": run_dir, "env": env, "ca": os.path.join(run_dir, "ca.pem"),
            "az1": "https://localhost:%d" % (PORT_BASE + 1), "az2": "https://localhost:%d" % (PORT_BASE + 2),
            "start_output": r.stdout}
    yield info
    _run("stop", env)


@pytest.fixture
def admin(lab):
    a = LabAdmin(lab["az1"], lab["ca"])
    a.reset(all_azs=True)
    a.config(all_azs=True, task_duration=0.3)
    a.clear_violations()
    return a


class Client:
    """A tiny VCD client for the tests (requests, TLS verified with the lab CA)."""

    def __init__(self, base, ca):
        self.base = base
        self.s = requests.Session()
        self.s.verify = ca
        self.s.trust_env = False      # REQUESTS_CA_BUNDLE would override verify=
        self.jwt = None

    def login(self, user="administrator", org="System", password="lab-Passw0rd!"):
        path = "/cloudapi/1.0.0/sessions/provider" if org.lower() == "system" else "/cloudapi/1.0.0/sessions"
        r = self.s.post(self.base + path, auth=("%s@%s" % (user, org), password),
                        headers={"Accept": "application/json;version=%s" % V})
        if r.status_code == 200:
            self.jwt = r.headers["X-VMWARE-VCLOUD-ACCESS-TOKEN"]
        return r

    def h(self, legacy=False, extra=None):
        h = {"Accept": ("application/*+json;version=%s" if legacy else "application/json;version=%s") % V}
        if self.jwt:
            h["Authorization"] = "Bearer " + self.jwt
        h.update(extra or {})
        return h

    def req(self, method, path, legacy=False, headers=None, **kw):
        url = path if path.startswith("http") else self.base + path
        return self.s.request(method, url, headers=self.h(legacy, headers), **kw)

    def get(self, path, **kw):
        return self.req("GET", path, **kw)

    def post(self, path, **kw):
        return self.req("POST", path, **kw)

    def put(self, path, **kw):
        return self.req("PUT", path, **kw)

    def delete(self, path, **kw):
        return self.req("DELETE", path, **kw)

    def wait_task(self, href, timeout=10):
        import time
        deadline = time.time() + timeout
        while time.time() < deadline:
            t = self.get(href, legacy=True).json()
            if t["status"] in ("success", "error", "aborted"):
                return t
            time.sleep(0.05)
        raise AssertionError("task %s did not finish" % href)


@pytest.fixture
def vcd(lab, admin):
    c = Client(lab["az1"], lab["ca"])
    assert c.login().status_code == 200
    return c


@pytest.fixture
def vcd2(lab, admin):
    c = Client(lab["az2"], lab["ca"])
    assert c.login().status_code == 200
    return c
