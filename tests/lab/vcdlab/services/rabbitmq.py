"""A real RabbitMQ broker for the lab (Debian's rabbitmq-server), one private node per lab.

    start(lab) / stop(lab)          (lab: .run_dir, .port_base, .azs)
    python -m vcdlab.services.rabbitmq start|stop|status     (env VCDLAB_PORT_BASE, VCDLAB_RUN_DIR)

What each lab gets, isolated from any other lab and from a system RabbitMQ:

* one RabbitMQ node ``vcdlab<port_base>@localhost`` with its own data, log and Erlang cookie under
  ``<run_dir>/rabbitmq``, its own epmd (in the broker's process group, ended with it), no plugins;
* listeners on 0.0.0.0 (node hosts reach it at 10.231.0.1): AMQP on ``port_base + 55`` and AMQP
  over TLS on ``port_base + 56`` (the lab CA's server certificate; clients check it with
  ``<run_dir>/ca.pem``); Erlang distribution on ``port_base + 57``, epmd on ``port_base + 58``;
* per AZ, as the design has one broker per AZ: a vhost ``vcd-<az>``, a user ``vcd-<az>`` (password
  ``AMQP_PASSWORD``) with full permissions on it, VCD's exchange ``systemExchange`` (topic, durable:
  created by hand, api-reference §1.10) and App Launchpad's direct exchange ``vmware-alp`` in the
  same vhost (the ALP install guide's prerequisite);
* ``<run_dir>/rabbitmq/broker.json`` describes all of that for tests.

rabbitmq-server is installed with apt when it is missing and we are root (bindep profile `test`).
"""
import base64
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server"
AMQP_OFFSET, AMQPS_OFFSET, DIST_OFFSET, EPMD_OFFSET = 55, 56, 57, 58
AMQP_PASSWORD = "lab-Amqp-Passw0rd!"
VCD_EXCHANGE = "systemExchange"
ALP_EXCHANGE = "vmware-alp"
START_TIMEOUT = 90


def _log(msg):
    sys.stderr.write("vcdlab.rabbitmq: %s\n" % msg)
    sys.stderr.flush()


def _port_base(lab):
    base = getattr(lab, "port_base", None)
    if base is None:
        base = min(az.port for az in lab.azs.values()) - 1
    return int(base)


def _az_names(lab):
    return sorted(lab.azs) if getattr(lab, "azs", None) else ["az1", "az2"]


def _dir(lab):
    return os.path.join(os.path.abspath(lab.run_dir), "rabbitmq")


def broker_info(lab):
    base = _port_base(lab)
    return {
        "node": "vcdlab%d@localhost" % base, "host": "localhost", "node_host": "10.231.0.1",
        "amqp_port": base + AMQP_OFFSET, "amqps_port": base + AMQPS_OFFSET,
        "ca": os.path.join(os.path.abspath(lab.run_dir), "ca.pem"),
        "vhosts": {az: {"vhost": "vcd-%s" % az, "user": "vcd-%s" % az, "password": AMQP_PASSWORD,
                        "exchange": VCD_EXCHANGE, "alp_exchange": ALP_EXCHANGE} for az in _az_names(lab)},
    }


def _hash(password):
    """RabbitMQ's rabbit_password_hashing_sha256: base64(salt + sha256(salt + password))."""
    salt = os.urandom(4)
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode("utf-8")).digest()).decode()


def _definitions(info):
    users, vhosts, perms, exchanges = [], [], [], []
    for az, v in sorted(info["vhosts"].items()):
        vhosts.append({"name": v["vhost"]})
        users.append({"name": v["user"], "password_hash": _hash(v["password"]),
                      "hashing_algorithm": "rabbit_password_hashing_sha256", "tags": []})
        perms.append({"user": v["user"], "vhost": v["vhost"], "configure": ".*", "write": ".*", "read": ".*"})
        for name, kind in ((v["exchange"], "topic"), (v["alp_exchange"], "direct")):
            exchanges.append({"name": name, "vhost": v["vhost"], "type": kind, "durable": True,
                              "auto_delete": False, "internal": False, "arguments": {}})
    return {"users": users, "vhosts": vhosts, "permissions": perms, "exchanges": exchanges}


def _env(lab):
    d = _dir(lab)
    base = _port_base(lab)
    env = dict(os.environ)
    env.update(HOME=d, RABBITMQ_NODENAME="vcdlab%d@localhost" % base, RABBITMQ_DIST_PORT=str(base + DIST_OFFSET),
               ERL_EPMD_PORT=str(base + EPMD_OFFSET), RABBITMQ_MNESIA_BASE=os.path.join(d, "mnesia"),
               RABBITMQ_LOG_BASE=os.path.join(d, "log"), RABBITMQ_CONFIG_FILE=os.path.join(d, "rabbitmq.conf"),
               RABBITMQ_ENABLED_PLUGINS_FILE=os.path.join(d, "enabled_plugins"),
               RABBITMQ_PID_FILE=os.path.join(d, "rabbitmq.pid"), LC_ALL="C.UTF-8")
    return env


def ensure_installed():
    if os.path.exists(SERVER):
        return
    if os.geteuid() != 0:
        raise RuntimeError("rabbitmq-server is not installed and this is not root: install it "
                           "(apt-get install rabbitmq-server, bindep profile test)")
    _log("installing rabbitmq-server with apt-get")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    cmd = ["apt-get", "install", "-y", "--no-install-recommends", "rabbitmq-server"]
    if subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False).returncode:
        subprocess.run(["apt-get", "update"], env=env, stdout=subprocess.DEVNULL, check=False)
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, check=True)


def _pid(lab):
    try:
        with open(os.path.join(_dir(lab), "server.pid")) as f:
            pid = int(f.read().strip())
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError):
        return None


def ready(info, az="az1", timeout=2):
    """True when the broker accepts the AZ's user on its vhost."""
    try:
        import amqp
    except ImportError:
        return _port_open(info["amqp_port"])
    v = info["vhosts"][az]
    conn = amqp.Connection("localhost:%d" % info["amqp_port"], userid=v["user"], password=v["password"],
                           virtual_host=v["vhost"], connect_timeout=timeout)
    try:
        conn.connect()
        conn.close()
        return True
    except Exception:
        return False


def _port_open(port):
    try:
        with socket.create_connection(("localhost", port), timeout=1):
            return True
    except OSError:
        return False


def start(lab):
    """Start the lab's broker (or reuse the running one); returns broker_info."""
    info = broker_info(lab)
    d = _dir(lab)
    if _pid(lab) and ready(info, _az_names(lab)[0]):
        return info
    ensure_installed()
    stop(lab, quiet=True)
    shutil.rmtree(os.path.join(d, "mnesia"), ignore_errors=True)
    os.makedirs(os.path.join(d, "log"), exist_ok=True)
    os.chmod(d, 0o700)
    with open(os.path.join(d, "definitions.json"), "w") as f:
        json.dump(_definitions(info), f, indent=1)
    run_dir = os.path.abspath(lab.run_dir)
    conf = ["listeners.tcp.default = %d" % info["amqp_port"], "loopback_users = none",
            "load_definitions = %s" % os.path.join(d, "definitions.json"),
            "log.console = false", "log.file.level = warning"]
    cert, key = os.path.join(run_dir, "server.pem"), os.path.join(run_dir, "server-key.pem")
    if os.path.exists(cert) and os.path.exists(key):
        conf += ["listeners.ssl.default = %d" % info["amqps_port"],
                 "ssl_options.cacertfile = %s" % info["ca"], "ssl_options.certfile = %s" % cert,
                 "ssl_options.keyfile = %s" % key, "ssl_options.verify = verify_none",
                 "ssl_options.fail_if_no_peer_cert = false"]
    with open(os.path.join(d, "rabbitmq.conf"), "w") as f:
        f.write("\n".join(conf) + "\n")
    with open(os.path.join(d, "enabled_plugins"), "w") as f:
        f.write("[].\n")
    cookie = os.path.join(d, ".erlang.cookie")
    if not os.path.exists(cookie):
        with open(cookie, "w") as f:
            f.write(base64.b32encode(os.urandom(20)).decode())
        os.chmod(cookie, 0o400)
    t0 = time.time()
    # our own epmd in the broker's process group (not a daemon), so that stop() ends it too
    epmd = shutil.which("epmd") or "/usr/bin/epmd"
    with open(os.path.join(d, "server.log"), "ab") as log:
        proc = subprocess.Popen(["/bin/sh", "-c", '"$1" -port "$ERL_EPMD_PORT" & exec "$0"', SERVER, epmd],
                                env=_env(lab), stdout=log, stderr=log, stdin=subprocess.DEVNULL,
                                start_new_session=True, cwd=d)
    with open(os.path.join(d, "server.pid"), "w") as f:
        f.write(str(proc.pid))
    while time.time() - t0 < START_TIMEOUT:
        if proc.poll() is not None:
            raise RuntimeError("rabbitmq-server exited with %s; see %s" % (proc.returncode, os.path.join(d, "server.log")))
        if ready(info, _az_names(lab)[0], timeout=1):
            with open(os.path.join(d, "broker.json"), "w") as f:
                json.dump(info, f, indent=2)
            _log("broker %s ready in %.1fs: amqp %d, amqps %d" % (info["node"], time.time() - t0,
                                                                 info["amqp_port"], info["amqps_port"]))
            return info
        time.sleep(0.3)
    stop(lab, quiet=True)
    raise RuntimeError("rabbitmq-server did not accept logins within %ss; see %s" % (START_TIMEOUT, d))


def stop(lab, quiet=False):
    pid = _pid(lab)
    if pid:
        try:
            os.killpg(pid, signal.SIGTERM)
        except OSError:
            pass
        for _ in range(100):
            try:
                os.kill(pid, 0)
            except OSError:
                break
            time.sleep(0.1)
        else:
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass
        if not quiet:
            _log("stopped (pid %d)" % pid)
    try:
        os.unlink(os.path.join(_dir(lab), "server.pid"))
    except OSError:
        pass


class _CliLab:
    """What start/stop need, from the environment (for running this file by hand)."""

    def __init__(self):
        from .. import paths
        self.run_dir = paths.run_dir()
        self.port_base = paths.port_base()
        self.azs = {az: None for az in paths.AZS}


def main(argv):
    if len(argv) != 1 or argv[0] not in ("start", "stop", "status"):
        sys.stderr.write("usage: python -m vcdlab.services.rabbitmq start|stop|status\n")
        return 64
    lab = _CliLab()
    if argv[0] == "start":
        print(json.dumps(start(lab), indent=2))
    elif argv[0] == "stop":
        stop(lab)
    else:
        info = broker_info(lab)
        up = bool(_pid(lab)) and ready(info, _az_names(lab)[0])
        print("rabbitmq %s: %s" % (info["node"], "up" if up else "down"))
        return 0 if up else 3
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
