"""Lab node hosts: Debian roots reached over SSH, the way Ansible reaches real hosts.

    PYTHONPATH=tests/lab python -m vcdlab.nodes up|down|status      (as root)

* a Debian bookworm root file system (debootstrap minbase + BASE_PACKAGES) is built once and
  cached under /var/cache/vcdlab (VCDLAB_NODES_CACHE); a changed package list builds a new one;
* every node gets an overlay of it under /var/lib/vcdlab/nodes/<name> (VCDLAB_NODES_DIR), a
  network namespace ``vcdlab-<name>`` with a veth into the bridge ``vcdlab0`` (host side
  10.231.0.1/24), its own UTS namespace (hostname = node name) and an sshd chrooted into its root;
* the lab run dir (VCDLAB_RUN_DIR) gets ``nodes/id_ed25519`` (authorised for root on every node),
  ``nodes/known_hosts`` and ``nodes/nodes.json``.

Node hosts reach the lab servers at 10.231.0.1 (servers that nodes use listen on 0.0.0.0).
See docs/dev/lab-nodes.md.
"""
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time

from .. import paths

BRIDGE = "vcdlab0"
HOST_IP = "10.231.0.1"
PREFIX = 24
NS_PREFIX = "vcdlab-"
SUITE = "bookworm"
FORMAT = 1          # bump when the base image post-processing changes

# name, last octet, az, kind
NODES = [
    ("az1-ose-1", 11, "az1", "ose"),
    ("az1-ose-2", 12, "az1", "ose"),
    ("az2-ose-1", 13, "az2", "ose"),
    ("az2-ose-2", 14, "az2", "ose"),
    ("az1-alp-1", 15, "az1", "alp"),
    ("az1-alp-2", 16, "az1", "alp"),
    ("az2-alp-1", 17, "az2", "alp"),
    ("az2-alp-2", 18, "az2", "alp"),
]

# What every node has: Ansible's needs (python3, python3-apt for ansible.builtin.apt, sudo),
# sshd, and what the stand-in packages need (a Java runtime as the real products require,
# openssl for the stand-in services' TLS, the PostgreSQL client tools).
BASE_PACKAGES = [
    "python3", "python3-apt", "openssl", "openssh-server", "sudo", "ca-certificates",
    "procps", "iproute2", "openjdk-17-jre-headless", "postgresql-client",
]


def cache_dir():
    return os.environ.get("VCDLAB_NODES_CACHE", "/var/cache/vcdlab")


def nodes_dir():
    return os.environ.get("VCDLAB_NODES_DIR", "/var/lib/vcdlab/nodes")


def node_ip(octet):
    return "10.231.0.%d" % octet


def node_list():
    return [{"name": n, "ip": node_ip(o), "az": az, "kind": k, "netns": NS_PREFIX + n}
            for n, o, az, k in NODES]


def _log(msg):
    sys.stdout.write("vcdlab.nodes: %s\n" % msg)
    sys.stdout.flush()


def _run(cmd, check=True, quiet=False, **kw):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False, **kw)
    if check and p.returncode != 0:
        raise RuntimeError("%s failed (rc=%s): %s" % (" ".join(cmd), p.returncode, p.stdout.strip()[-2000:]))
    if not quiet and p.returncode != 0:
        _log("note: %s -> rc=%s %s" % (" ".join(cmd), p.returncode, p.stdout.strip()[-300:]))
    return p


# ---------------------------------------------------------------- base image
def base_key():
    h = hashlib.sha256(json.dumps([SUITE, FORMAT, sorted(BASE_PACKAGES)]).encode()).hexdigest()
    return h[:12]


def base_root():
    return os.path.join(cache_dir(), "base-%s" % base_key(), "root")


def _mirror():
    """The Debian mirror this host's apt uses (so the lab names no host of its own)."""
    env = os.environ.get("VCDLAB_NODES_MIRROR")
    if env:
        return env
    cands = []
    for path in ("/etc/apt/sources.list.d/debian.sources",):
        if os.path.exists(path):
            with open(path) as f:
                block = {}
                for line in f.read().splitlines() + [""]:
                    if not line.strip():
                        if block.get("uris") and SUITE in block.get("suites", "").split():
                            cands.append(block["uris"].split()[0])
                        block = {}
                    elif ":" in line and not line.startswith("#"):
                        k, v = line.split(":", 1)
                        block[k.strip().lower()] = v.strip()
    for path in ["/etc/apt/sources.list"] + [os.path.join("/etc/apt/sources.list.d", f) for f in
                                            sorted(os.listdir("/etc/apt/sources.list.d"))
                                            if f.endswith(".list")] if os.path.isdir("/etc/apt") else []:
        if os.path.exists(path):
            with open(path) as f:
                for line in f:
                    parts = line.split()
                    if len(parts) >= 3 and parts[0] == "deb" and parts[2] == SUITE:
                        cands.append(parts[1] if not parts[1].startswith("[") else parts[2])
    if not cands:
        raise RuntimeError("no Debian %s mirror found in /etc/apt; set VCDLAB_NODES_MIRROR" % SUITE)
    return cands[0]


def _ensure_tools():
    missing = [t for t in ("debootstrap", "ip", "ssh-keygen") if not shutil.which(t)
               and not os.path.exists("/usr/sbin/" + t)]
    if missing:
        pkgs = {"debootstrap": "debootstrap", "ip": "iproute2", "ssh-keygen": "openssh-client"}
        _log("installing %s with apt-get" % ", ".join(pkgs[m] for m in missing))
        _run(["apt-get", "update", "-qq"], check=False)
        _run(["apt-get", "install", "-y", "-qq"] + [pkgs[m] for m in missing],
             env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))


def ensure_base():
    root = base_root()
    done = os.path.join(os.path.dirname(root), ".complete")
    if os.path.exists(done):
        return root, 0.0
    t0 = time.time()
    _ensure_tools()
    tmp = os.path.dirname(root) + ".tmp"
    if os.path.exists(tmp):
        shutil.rmtree(tmp)
    os.makedirs(tmp)
    troot = os.path.join(tmp, "root")
    mirror = _mirror()
    _log("building the node base image (debootstrap %s minbase + %d packages); this takes minutes once"
         % (SUITE, len(BASE_PACKAGES)))
    log = os.path.join(tmp, "debootstrap.log")
    with open(log, "w") as f:
        p = subprocess.run(["debootstrap", "--variant=minbase", "--include=" + ",".join(BASE_PACKAGES),
                            SUITE, troot, mirror], stdout=f, stderr=subprocess.STDOUT, check=False)
    if p.returncode != 0:
        for m in sorted((m for m in _mounted() if m.startswith(troot + "/")), key=len, reverse=True):
            _run(["umount", "-l", m], check=False)
        with open(log) as f:
            tail = f.read()[-3000:]
        raise RuntimeError("debootstrap failed (rc=%s); log %s:\n%s" % (p.returncode, log, tail))
    _finish_base(troot)
    os.rename(tmp, os.path.dirname(root))
    with open(done, "w") as f:
        json.dump({"suite": SUITE, "packages": BASE_PACKAGES, "built": time.time(),
                   "seconds": round(time.time() - t0, 1), "mirror": mirror}, f)
    _log("base image ready in %.0fs: %s" % (time.time() - t0, root))
    return root, time.time() - t0


def _finish_base(root):
    """Post-process the fresh root: no host keys (per node), sshd for key-only root logins."""
    for f in os.listdir(os.path.join(root, "etc/ssh")):
        if f.startswith("ssh_host_"):
            os.unlink(os.path.join(root, "etc/ssh", f))
    with open(os.path.join(root, "etc/ssh/sshd_config.d/vcdlab.conf"), "w") as f:
        f.write("# vcdlab node: key-only root logins, one host key, no DNS\n"
                "HostKey /etc/ssh/ssh_host_ed25519_key\nPermitRootLogin prohibit-password\n"
                "PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\nUseDNS no\n"
                "PidFile /run/sshd.pid\nMaxSessions 50\nMaxStartups 50:30:100\n")
    for d in ("apt/archives",):
        full = os.path.join(root, "var/cache", d)
        for f in os.listdir(full) if os.path.isdir(full) else []:
            if f.endswith(".deb"):
                os.unlink(os.path.join(full, f))
    # services must not try to start from package scripts (no init in a node)
    pol = os.path.join(root, "usr/sbin/policy-rc.d")
    with open(pol, "w") as f:
        f.write("#!/bin/sh\nexit 101\n")
    os.chmod(pol, 0o755)
    with open(os.path.join(root, "etc/resolv.conf"), "w") as f:
        f.write("# vcdlab node: no DNS\n")


# ---------------------------------------------------------------- helpers
def _mounted():
    with open("/proc/self/mounts") as f:
        return [line.split()[1].replace("\\040", " ") for line in f]


def _netns_list():
    p = _run(["ip", "netns", "list"], check=False, quiet=True)
    return [line.split()[0] for line in p.stdout.splitlines() if line.strip()]


def _link_exists(name):
    return _run(["ip", "link", "show", name], check=False, quiet=True).returncode == 0


def node_paths(name):
    d = os.path.join(nodes_dir(), name)
    return {"dir": d, "upper": os.path.join(d, "upper"), "work": os.path.join(d, "work"),
            "root": os.path.join(d, "root")}


def _procs_in(root):
    """PIDs of processes whose root directory is the node root."""
    out = []
    real = os.path.realpath(root)
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            if os.readlink("/proc/%s/root" % pid) == real:
                out.append(int(pid))
        except OSError:
            pass
    return out


def _sshd_pid(root):
    try:
        with open(os.path.join(root, "run/sshd.pid")) as f:
            pid = int(f.read().strip())
        if os.readlink("/proc/%d/root" % pid) == os.path.realpath(root):
            with open("/proc/%d/comm" % pid) as f:
                if f.read().strip() == "sshd":
                    return pid
    except (OSError, ValueError):
        pass
    return None


def _veth(octet):
    return "vlh%d" % octet


# ---------------------------------------------------------------- up
def _ensure_bridge():
    if not _link_exists(BRIDGE):
        _run(["ip", "link", "add", BRIDGE, "type", "bridge"])
    addrs = _run(["ip", "-o", "-4", "addr", "show", "dev", BRIDGE], quiet=True).stdout
    if "%s/%d" % (HOST_IP, PREFIX) not in addrs:
        _run(["ip", "addr", "add", "%s/%d" % (HOST_IP, PREFIX), "dev", BRIDGE])
    _run(["ip", "link", "set", BRIDGE, "up"])


def _ensure_mounts(name, base):
    np = node_paths(name)
    for k in ("upper", "work", "root"):
        os.makedirs(np[k], exist_ok=True)
    root = np["root"]
    mounts = _mounted()
    if root not in mounts:
        _run(["mount", "-t", "overlay", "overlay", "-o", "lowerdir=%s,upperdir=%s,workdir=%s"
              % (base, np["upper"], np["work"]), root])
    if os.path.join(root, "proc") not in mounts:
        _run(["mount", "-t", "proc", "proc", os.path.join(root, "proc")])
    if os.path.join(root, "sys") not in mounts:
        _run(["mount", "--bind", "-o", "ro", "/sys", os.path.join(root, "sys")])
        _run(["mount", "-o", "remount,bind,ro", os.path.join(root, "sys")], check=False, quiet=True)
    dev = os.path.join(root, "dev")
    if dev not in mounts:
        _run(["mount", "-t", "tmpfs", "-o", "mode=755,size=16m", "tmpfs", dev])
        for n, (maj, mnr) in {"null": (1, 3), "zero": (1, 5), "full": (1, 7), "random": (1, 8),
                              "urandom": (1, 9), "tty": (5, 0)}.items():
            os.mknod(os.path.join(dev, n), 0o666 | 0o020000, os.makedev(maj, mnr))
            os.chmod(os.path.join(dev, n), 0o666)
        for d in ("pts", "shm"):
            os.makedirs(os.path.join(dev, d), exist_ok=True)
        os.symlink("pts/ptmx", os.path.join(dev, "ptmx"))
        for n, t in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
                     ("stderr", "/proc/self/fd/2")):
            os.symlink(t, os.path.join(dev, n))
    mounts = _mounted()
    if os.path.join(dev, "pts") not in mounts:
        _run(["mount", "-t", "devpts", "-o", "newinstance,ptmxmode=0666,mode=620,gid=5", "devpts",
              os.path.join(dev, "pts")])
    if os.path.join(dev, "shm") not in mounts:
        _run(["mount", "-t", "tmpfs", "-o", "mode=1777,size=64m", "tmpfs", os.path.join(dev, "shm")])
    run = os.path.join(root, "run")
    if run not in mounts:
        _run(["mount", "-t", "tmpfs", "-o", "mode=755,size=64m", "tmpfs", run])
    for d in ("sshd", "lock"):
        os.makedirs(os.path.join(run, d), exist_ok=True)
    return root


def _ensure_netns(node):
    ns, octet = node["netns"], int(node["ip"].rsplit(".", 1)[1])
    if ns not in _netns_list():
        _run(["ip", "netns", "add", ns])
    ex = ["ip", "netns", "exec", ns]
    _run(ex + ["ip", "link", "set", "lo", "up"])
    host_if = _veth(octet)
    if not _link_exists(host_if):
        _run(["ip", "link", "add", host_if, "type", "veth", "peer", "name", "eth0", "netns", ns])
    _run(["ip", "link", "set", host_if, "master", BRIDGE, "up"])
    addrs = _run(ex + ["ip", "-o", "-4", "addr", "show", "dev", "eth0"], quiet=True).stdout
    if "%s/%d" % (node["ip"], PREFIX) not in addrs:
        _run(ex + ["ip", "addr", "add", "%s/%d" % (node["ip"], PREFIX), "dev", "eth0"])
    _run(ex + ["ip", "link", "set", "eth0", "up"])
    routes = _run(ex + ["ip", "-4", "route", "show", "default"], quiet=True).stdout
    if HOST_IP not in routes:
        _run(ex + ["ip", "route", "replace", "default", "via", HOST_IP])


def _write_node_files(node, root, pubkeys):
    name = node["name"]
    with open(os.path.join(root, "etc/hostname"), "w") as f:
        f.write(name + "\n")
    with open(os.path.join(root, "etc/hosts"), "w") as f:
        f.write("127.0.0.1\tlocalhost\n%s\tvcdlab-host\n" % HOST_IP)
        for n in node_list():
            f.write("%s\t%s\n" % (n["ip"], n["name"]))
    sshdir = os.path.join(root, "root/.ssh")
    os.makedirs(sshdir, mode=0o700, exist_ok=True)
    ak = os.path.join(sshdir, "authorized_keys")
    have = open(ak).read().splitlines() if os.path.exists(ak) else []
    add = [k for k in pubkeys if k not in have]
    if add:
        with open(ak, "a") as f:
            f.write("".join(k + "\n" for k in add))
    os.chmod(ak, 0o600)
    hk = os.path.join(root, "etc/ssh/ssh_host_ed25519_key")
    if not os.path.exists(hk):
        _run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "root@" + name, "-f", hk])
    with open(hk + ".pub") as f:
        return f.read().split()[:2]


def _ensure_sshd(node, root):
    if _sshd_pid(root):
        return False
    _run(["ip", "netns", "exec", node["netns"], "unshare", "--uts", "sh", "-c",
          'hostname "$1" && exec chroot "$2" /usr/sbin/sshd -o ListenAddress="$3"',
          "sh", node["name"], root, node["ip"]])
    for _ in range(50):
        if _sshd_pid(root):
            return True
        time.sleep(0.1)
    raise RuntimeError("sshd of %s did not start" % node["name"])


def keypair(run_dir):
    d = os.path.join(run_dir, "nodes")
    os.makedirs(d, exist_ok=True)
    key = os.path.join(d, "id_ed25519")
    if not os.path.exists(key):
        _run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "vcdlab-nodes", "-f", key])
    os.chmod(key, 0o600)
    with open(key + ".pub") as f:
        return key, f.read().strip()


def _wait_ssh(ip, timeout=15):
    import socket
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection((ip, 22), timeout=1) as s:
                if s.recv(4).startswith(b"SSH-"):
                    return True
        except OSError:
            time.sleep(0.1)
    return False


def up(run_dir=None, names=None):
    t0 = time.time()
    run_dir = os.path.abspath(run_dir or paths.run_dir())
    base, built = ensure_base()
    key, pub = keypair(run_dir)
    _ensure_bridge()
    known, started = [], []
    for node in node_list():
        if names and node["name"] not in names:
            continue
        root = _ensure_mounts(node["name"], base)
        _ensure_netns(node)
        hostkey = _write_node_files(node, root, [pub])
        known.append("%s %s %s" % (node["ip"], hostkey[0], hostkey[1]))
        if _ensure_sshd(node, root):
            started.append(node["name"])
    for node in node_list():
        if (not names or node["name"] in names) and not _wait_ssh(node["ip"]):
            raise RuntimeError("%s (%s) does not answer on port 22" % (node["name"], node["ip"]))
    with open(os.path.join(run_dir, "nodes", "known_hosts"), "w") as f:
        f.write("\n".join(known) + "\n")
    info = {"bridge": BRIDGE, "host_ip": HOST_IP, "key": key, "known_hosts":
            os.path.join(run_dir, "nodes", "known_hosts"), "base": base, "nodes": node_list()}
    with open(os.path.join(run_dir, "nodes", "nodes.json"), "w") as f:
        json.dump(info, f, indent=2)
    _log("up in %.1fs%s: %d nodes on %s (%s/%d); key %s%s" % (
        time.time() - t0, " (base image built in %.0fs)" % built if built else "", len(known), BRIDGE,
        HOST_IP, PREFIX, key, "; started sshd on " + ", ".join(started) if started else ""))
    return info


# ---------------------------------------------------------------- down
def _alive(pid):
    """Running (a zombie waiting for a parent that never reaps it counts as gone)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return False


def _kill_node_procs(node, root):
    ns = node["netns"]
    for sig in (signal.SIGTERM, signal.SIGKILL):
        pids = set(_procs_in(root))
        if ns in _netns_list():
            p = _run(["ip", "netns", "pids", ns], check=False, quiet=True)
            pids |= {int(x) for x in p.stdout.split() if x.isdigit()}
        pids.discard(os.getpid())
        pids = {p for p in pids if _alive(p)}
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, sig)
            except OSError:
                pass
        for _ in range(30):
            if not any(_alive(p) for p in pids):
                break
            time.sleep(0.1)


def down():
    t0 = time.time()
    for node in node_list():
        np = node_paths(node["name"])
        _kill_node_procs(node, np["root"])
        under = sorted((m for m in _mounted() if m == np["root"] or m.startswith(np["root"] + "/")),
                       key=len, reverse=True)
        for m in under:
            if _run(["umount", m], check=False, quiet=True).returncode != 0:
                _run(["umount", "-l", m], check=False)
        if node["netns"] in _netns_list():
            _run(["ip", "netns", "del", node["netns"]], check=False)
        octet = int(node["ip"].rsplit(".", 1)[1])
        if _link_exists(_veth(octet)):
            _run(["ip", "link", "del", _veth(octet)], check=False)
        if os.path.isdir(np["dir"]):
            shutil.rmtree(np["dir"], ignore_errors=True)
    if _link_exists(BRIDGE):
        _run(["ip", "link", "del", BRIDGE], check=False)
    _log("down in %.1fs (base image kept in %s)" % (time.time() - t0, cache_dir()))


# ---------------------------------------------------------------- status
def status():
    ok = True
    base = base_root()
    have_base = os.path.exists(os.path.join(os.path.dirname(base), ".complete"))
    print("vcdlab.nodes: base image %s (%s)" % (base, "cached" if have_base else "not built"))
    print("  bridge %s %s" % (BRIDGE, "up" if _link_exists(BRIDGE) else "absent"))
    nslist = _netns_list()
    for node in node_list():
        root = node_paths(node["name"])["root"]
        pid = _sshd_pid(root)
        state = "up (sshd %d)" % pid if pid and node["netns"] in nslist else "down"
        ok = ok and state != "down"
        print("  %-10s %-12s %s %s" % (node["name"], node["ip"], node["az"], state))
    return 0 if ok else 3


def main(argv):
    if len(argv) < 1 or argv[0] not in ("up", "down", "status"):
        sys.stderr.write("usage: python -m vcdlab.nodes up [NODE...]|down|status   (as root)\n")
        return 64
    if argv[0] != "status" and os.geteuid() != 0:
        sys.stderr.write("vcdlab.nodes: %s needs root (namespaces, mounts, bridge)\n" % argv[0])
        return 77
    try:
        if argv[0] == "up":
            up(names=argv[1:] or None)
        elif argv[0] == "down":
            down()
        else:
            return status()
    except RuntimeError as e:
        sys.stderr.write("vcdlab.nodes: %s\n" % e)
        return 1
    return 0
