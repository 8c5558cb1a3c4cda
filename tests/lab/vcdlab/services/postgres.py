"""A real PostgreSQL for the lab: a private cluster on port base+51 (the OSE backend, the provider's
"HA cluster" of the reference design).

* Debian's postgresql (installed with apt when missing, as root; no default cluster is created);
* data in /var/lib/vcdlab/postgres-<port> (removed on stop: every lab starts empty);
* listens on all addresses, pg_hba admits localhost and the node network 10.231.0.0/24 only
  (so node hosts reach it at 10.231.0.1 even when they come up after the lab);
* superuser ``vcdlab`` / the lab password (scram-sha-256); max_connections 400 (OSE needs 90
  per node: 2 AZs x 2 nodes x 90 + headroom);
* TLS on (``ssl = on``, the lab server certificate signed by the lab CA: SAN localhost, 127.0.0.1,
  10.231.0.1), optional for clients (OSE connects as before; DSM tenant databases of the
  dsm/pg_backend.py backend are reached with ``sslmode=verify-full``).

start(lab) / stop(lab) are called by ``vcdlab start|stop``; ``python -m vcdlab.services.postgres
start|stop`` runs it alone (env VCDLAB_PORT_BASE, VCDLAB_RUN_DIR).
"""
import glob
import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import time

PORT_OFFSET = 51
ADMIN_USER = "vcdlab"
ADMIN_PASSWORD = "lab-Passw0rd!"
MAX_CONNECTIONS = 400
NODE_NET = "10.231.0.0/24"


def port(port_base):
    return int(port_base) + PORT_OFFSET


def data_dir(port_base):
    root = os.environ.get("VCDLAB_PG_DIR", "/var/lib/vcdlab")
    return os.path.join(root, "postgres-%d" % port(port_base))


def info(run_dir, port_base):
    return {"host": "localhost", "node_host": "10.231.0.1", "port": port(port_base), "admin_user": ADMIN_USER,
            "admin_password": ADMIN_PASSWORD, "data_dir": data_dir(port_base),
            "log": os.path.join(data_dir(port_base), "postgres.log"), "tls": True,
            "bindir": _bindir()}


def _bindir():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return os.path.dirname(found[-1]) if found else None


def _install():
    if os.geteuid() != 0:
        raise RuntimeError("PostgreSQL is not installed and installing it needs root: apt-get install postgresql")
    os.makedirs("/etc/postgresql-common/createcluster.d", exist_ok=True)
    conf = "/etc/postgresql-common/createcluster.d/vcdlab.conf"
    if not os.path.exists(conf):
        with open(conf, "w") as f:
            f.write("# vcdlab: the lab runs its own clusters\ncreate_main_cluster = false\n")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], env=env, check=False, stdout=subprocess.DEVNULL)
    p = subprocess.run(["apt-get", "install", "-y", "-qq", "postgresql"], env=env, check=False,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        raise RuntimeError("apt-get install postgresql failed: %s" % p.stdout[-1500:])


def _as_postgres(cmd, **kw):
    pw = pwd.getpwnam("postgres")

    def demote():
        os.setgid(pw.pw_gid)
        os.setuid(pw.pw_uid)
    if os.geteuid() == 0:
        kw["preexec_fn"] = demote
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False,
                          cwd="/", **kw)


def _answers(p):
    try:
        with socket.create_connection(("127.0.0.1", p), timeout=1):
            return True
    except OSError:
        return False


def start(lab):
    base = lab.port_base
    p, ddir = port(base), data_dir(base)
    bindir = _bindir()
    if bindir is None:
        _install()
        bindir = _bindir()
    if _answers(p) and os.path.exists(os.path.join(ddir, "data", "postmaster.pid")):
        _write_info(lab, base)
        return
    if os.path.exists(ddir):
        shutil.rmtree(ddir)
    os.makedirs(ddir, mode=0o700)
    pw = pwd.getpwnam("postgres")
    os.chown(ddir, pw.pw_uid, pw.pw_gid)
    pgdata, sock = os.path.join(ddir, "data"), os.path.join(ddir, "sock")
    pwfile = os.path.join(ddir, "pwfile")
    with open(pwfile, "w") as f:
        f.write(ADMIN_PASSWORD + "\n")
    os.makedirs(sock)
    for d in (sock, pwfile):
        os.chown(d, pw.pw_uid, pw.pw_gid)
    r = _as_postgres([os.path.join(bindir, "initdb"), "-D", pgdata, "-U", ADMIN_USER, "--pwfile", pwfile,
                      "-A", "scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"])
    os.unlink(pwfile)
    if r.returncode != 0:
        raise RuntimeError("initdb failed: %s" % r.stdout[-1500:])
    ssl_conf = _tls_files(lab, ddir, pw)
    with open(os.path.join(pgdata, "postgresql.auto.conf"), "a") as f:
        f.write(ssl_conf)
        f.write("listen_addresses = '*'\nport = %d\nmax_connections = %d\nunix_socket_directories = '%s'\n"
                "password_encryption = 'scram-sha-256'\nshared_buffers = '32MB'\nfsync = off\n"
                "synchronous_commit = off\n" % (p, MAX_CONNECTIONS, sock))
    with open(os.path.join(pgdata, "pg_hba.conf"), "w") as f:
        f.write("# vcdlab: the host and the lab node network only\n"
                "local all all scram-sha-256\n"
                "host all all 127.0.0.1/32 scram-sha-256\nhost all all ::1/128 scram-sha-256\n"
                "host all all %s scram-sha-256\n" % NODE_NET)
    r = _as_postgres([os.path.join(bindir, "pg_ctl"), "-D", pgdata, "-l", os.path.join(ddir, "postgres.log"),
                      "-w", "-t", "60", "start"])
    if r.returncode != 0:
        log = open(os.path.join(ddir, "postgres.log")).read()[-1500:] if os.path.exists(
            os.path.join(ddir, "postgres.log")) else ""
        raise RuntimeError("PostgreSQL did not start: %s %s" % (r.stdout[-800:], log))
    _write_info(lab, base)
    sys.stderr.write("vcdlab: postgres listening on port %d (superuser %s)\n" % (p, ADMIN_USER))


def _tls_files(lab, ddir, pw):
    """The lab server certificate, readable by postgres only; '' (TLS off) when the lab has none."""
    try:
        from vcdlab.tls import ensure_certs
    except ImportError:  # run alone from another path
        from ..tls import ensure_certs
    try:
        _ca, cert, key = ensure_certs(lab.run_dir)
    except Exception as exc:  # noqa: BLE001 - TLS is optional for OSE
        sys.stderr.write("vcdlab: postgres without TLS (%s)\n" % exc)
        return ""
    out = {}
    for name, src in (("server.crt", cert), ("server.key", key)):
        dst = os.path.join(ddir, name)
        shutil.copyfile(src, dst)
        os.chmod(dst, 0o600)
        os.chown(dst, pw.pw_uid, pw.pw_gid)
        out[name] = dst
    return "ssl = on\nssl_cert_file = '%s'\nssl_key_file = '%s'\n" % (out["server.crt"], out["server.key"])


def _write_info(lab, base):
    with open(os.path.join(lab.run_dir, "postgres.json"), "w") as f:
        json.dump(info(lab.run_dir, base), f, indent=2)


def stop(lab):
    ddir = data_dir(lab.port_base)
    pgdata = os.path.join(ddir, "data")
    bindir = _bindir()
    if bindir and os.path.exists(os.path.join(pgdata, "postmaster.pid")):
        _as_postgres([os.path.join(bindir, "pg_ctl"), "-D", pgdata, "-m", "fast", "-w", "-t", "30", "stop"])
    for _ in range(50):
        if not _answers(port(lab.port_base)):
            break
        time.sleep(0.1)
    shutil.rmtree(ddir, ignore_errors=True)


class _StandaloneLab:
    def __init__(self):
        sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
        from vcdlab import paths
        self.port_base = paths.port_base()
        self.run_dir = paths.run_dir()
        os.makedirs(self.run_dir, exist_ok=True)


if __name__ == "__main__":
    lab = _StandaloneLab()
    {"start": start, "stop": stop}[sys.argv[1]](lab)
