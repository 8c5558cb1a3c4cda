"""vCenter per AZ: VMware's vcsim, built from Debian's govmomi source (tests/lab/vcsim/main.go).

* Build: ``GO111MODULE=off GOPATH=/usr/share/gocode go build`` with Debian's golang-go and
  golang-github-vmware-govmomi-dev (installed with apt when missing and running as root). The
  binary is cached in tests/lab/.cache/vcsim-<hash of the source, govmomi and go versions>.
* One process per AZ on port base+21 / base+22, all addresses, TLS with the lab certificate,
  user ``administrator@vsphere.local`` / the lab password.
* A VM that powers on reports the IP of its ``ip0`` vApp property and POSTs its vApp properties to
  the AZ's DSM simulator (``/_lab/dsm/boot`` of the AZ's VCD server), which "boots" from them.
* A lab reset (``/_lab/reset``) restarts the AZ's vcsim: every lab starts with an empty vCenter.

start(lab) / stop(lab) are called by ``vcdlab start|stop``; ``python -m vcdlab.services.vcsim
build|start|stop`` works alone too (env VCDLAB_PORT_BASE, VCDLAB_RUN_DIR).
"""
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

from .. import PASSWORD, paths
from ..framework import RESET_HOOKS

PORT_OFFSET = 21
USER = "administrator@vsphere.local"
SOURCE_DIR = os.path.join(paths.LAB_DIR, "vcsim")
CACHE_DIR = os.path.join(paths.LAB_DIR, ".cache")
GOPATH = "/usr/share/gocode"
GOVMOMI = os.path.join(GOPATH, "src", "github.com", "vmware", "govmomi")
PACKAGES = ("golang-go", "golang-github-vmware-govmomi-dev")
LEASE_TIMEOUT = os.environ.get("VCDLAB_VCSIM_LEASE_TIMEOUT", "300s")

_procs = {}          # az name -> Popen
_lock = threading.Lock()
_lab = None


def port(port_base, index):
    return int(port_base) + PORT_OFFSET + index - 1


def _go():
    return shutil.which("go") or ("/usr/lib/go/bin/go" if os.path.exists("/usr/lib/go/bin/go") else None)


def _install():
    if os.geteuid() != 0:
        raise RuntimeError("vcsim needs Debian's %s; install them (apt-get install %s) or run the lab as root"
                           % (" and ".join(PACKAGES), " ".join(PACKAGES)))
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], env=env, check=False, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    p = subprocess.run(["apt-get", "install", "-y", "-qq"] + list(PACKAGES), env=env, check=False,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        raise RuntimeError("apt-get install %s failed: %s" % (" ".join(PACKAGES), p.stdout[-1500:]))


def _versions(go):
    out = subprocess.run([go, "version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         check=False).stdout.strip()
    dpkg = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "golang-github-vmware-govmomi-dev"],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, check=False).stdout.strip()
    return out + "|" + dpkg


def binary():
    """Path of the vcsim binary, built (once per source hash) when needed."""
    go = _go()
    if go is None or not os.path.isdir(GOVMOMI):
        _install()
        go = _go()
        if go is None or not os.path.isdir(GOVMOMI):
            raise RuntimeError("go or the govmomi source is still missing after installing %s" % " ".join(PACKAGES))
    digest = hashlib.sha256()
    for name in sorted(os.listdir(SOURCE_DIR)):
        if name.endswith(".go"):
            with open(os.path.join(SOURCE_DIR, name), "rb") as f:
                digest.update(name.encode() + b"\0" + f.read())
    digest.update(_versions(go).encode())
    target = os.path.join(CACHE_DIR, "vcsim-%s" % digest.hexdigest()[:16])
    if os.path.exists(target):
        return target
    os.makedirs(CACHE_DIR, exist_ok=True)
    env = dict(os.environ, GO111MODULE="off", GOPATH=GOPATH, GOCACHE=os.path.join(CACHE_DIR, "go-build"),
               GOFLAGS="", CGO_ENABLED="0")
    t0 = time.time()
    tmp = target + ".tmp%d" % os.getpid()
    p = subprocess.run([go, "build", "-o", tmp, "."], cwd=SOURCE_DIR, env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, check=False)
    if p.returncode != 0:
        raise RuntimeError("building vcsim failed:\n%s" % p.stdout[-3000:])
    os.replace(tmp, target)
    sys.stderr.write("vcdlab: built vcsim in %.0fs (%s)\n" % (time.time() - t0, target))
    return target


def _answers(p):
    try:
        with socket.create_connection(("127.0.0.1", p), timeout=1):
            return True
    except OSError:
        return False


def _start_one(lab, az_name, index, exe):
    p = port(lab.port_base, index)
    ca, cert, key = (os.path.join(lab.run_dir, n) for n in ("ca.pem", "server.pem", "server-key.pem"))
    # the AZ's DSM simulator "boots" from the VM's properties (admin endpoint of the AZ's VCD server)
    hook = "https://localhost:%d/_lab/dsm/boot" % paths.az_ports(lab.port_base)[az_name]
    log = open(os.path.join(lab.run_dir, "vcsim-%s.log" % az_name), "ab")
    env = dict(os.environ, VCSIM_PASSWORD=PASSWORD)
    proc = subprocess.Popen([exe, "-listen", "0.0.0.0:%d" % p, "-cert", cert, "-key", key, "-user", USER,
                             "-boot-hook", hook, "-hook-ca", ca, "-lease-timeout", LEASE_TIMEOUT],
                            stdout=log, stderr=log, stdin=subprocess.DEVNULL, env=env, start_new_session=True)
    deadline = time.time() + 30
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("vcsim for %s exited with %s; see %s" % (az_name, proc.returncode, log.name))
        if _answers(p):
            _procs[az_name] = proc
            return proc
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError("vcsim for %s did not listen on %d within 30 s" % (az_name, p))


def _stop_one(az_name):
    proc = _procs.pop(az_name, None)
    if proc is None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def info(lab):
    return {az: {"host": "localhost", "port": port(lab.port_base, i), "url": "https://localhost:%d/sdk"
                 % port(lab.port_base, i), "user": USER, "password": PASSWORD, "datacenter": "DC0",
                 "cluster": "DC0_C0", "datastore": "LocalDS_0", "network": "DC0_DVPG0"}
            for i, az in enumerate(sorted(lab.azs), 1)}


def start(lab):
    global _lab
    exe = binary()
    with _lock:
        for i, az_name in enumerate(sorted(lab.azs), 1):
            if az_name not in _procs:
                _start_one(lab, az_name, i, exe)
        _lab = lab
    with open(os.path.join(lab.run_dir, "vcsim.json"), "w") as f:
        json.dump(info(lab), f, indent=2)
    sys.stderr.write("vcdlab: vcsim listening on %s\n" % ", ".join(
        "%s=%d" % (az, port(lab.port_base, i)) for i, az in enumerate(sorted(lab.azs), 1)))


def stop(lab):
    global _lab
    with _lock:
        for az_name in list(_procs):
            _stop_one(az_name)
        _lab = None


def _on_reset(az):
    """A lab reset gives the AZ an empty vCenter again (vcsim keeps its inventory in memory)."""
    lab = _lab
    if lab is None or az.lab is not lab:
        return
    with _lock:
        if az.name in _procs:
            _stop_one(az.name)
            _start_one(lab, az.name, az.index, binary())


RESET_HOOKS.append(_on_reset)


class _StandaloneLab:
    def __init__(self):
        self.port_base = paths.port_base()
        self.run_dir = paths.run_dir()
        self.azs = {name: None for name in paths.AZS}
        os.makedirs(self.run_dir, exist_ok=True)
        from ..tls import ensure_certs
        ensure_certs(self.run_dir)


if __name__ == "__main__":
    if sys.argv[1:] == ["build"]:
        print(binary())
    else:
        _lab_ = _StandaloneLab()
        {"start": start, "stop": stop}[sys.argv[1]](_lab_)
        if sys.argv[1] == "start":
            print("vcsim running; Ctrl-C stops it")
            try:
                while True:
                    time.sleep(1)
            except KeyboardInterrupt:
                stop(_lab_)
