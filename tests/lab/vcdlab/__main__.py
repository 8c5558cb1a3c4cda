"""CLI: python -m vcdlab start|stop|status|serve  (env VCDLAB_PORT_BASE, VCDLAB_RUN_DIR, VCDLAB_SPEC)."""
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time

from . import ORG, PASSWORD, USER, paths


def _pid(run_dir):
    try:
        with open(os.path.join(run_dir, "vcdlab.pid")) as f:
            pid = int(f.read().strip())
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError):
        return None


def _answers(port, ca):
    try:
        ctx = ssl.create_default_context(cafile=ca)
        with socket.create_connection(("localhost", port), timeout=1) as s:
            with ctx.wrap_socket(s, server_hostname="localhost") as t:
                t.sendall(b"GET /_lab HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                return t.recv(64).startswith(b"HTTP/1.1 200")
    except OSError:
        return False


def _info(run_dir, base, running):
    ports = paths.az_ports(base)
    return {"run_dir": run_dir, "ca": os.path.join(run_dir, "ca.pem"), "port_base": base,
            "azs": {az: {"port": p, "url": "https://localhost:%d" % p} for az, p in ports.items()},
            "user": USER, "org": ORG, "password": PASSWORD, "spec": paths.spec_path(),
            "log": os.path.join(run_dir, "vcdlab.log"), "pid": _pid(run_dir), "running": running}


def cmd_serve():
    from .server import serve
    from .spec import SpecMissing
    run_dir = paths.run_dir()
    try:
        lab, servers = serve(paths.port_base(), run_dir, paths.spec_path())
    except SpecMissing as e:
        sys.stderr.write("vcdlab: %s\n" % e)
        return 2
    with open(os.path.join(run_dir, "vcdlab.pid"), "w") as f:
        f.write(str(os.getpid()))
    # every service is up: `start` waits for this file
    with open(os.path.join(run_dir, "ready"), "w") as f:
        f.write(str(os.getpid()))
    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    signal.signal(signal.SIGINT, lambda *a: stop.append(1))
    while not stop:
        time.sleep(0.2)
    from .server import stop_services
    stop_services(lab)
    for s in servers:
        s.shutdown()
        s.server_close()
    for name in ("vcdlab.pid", "ready"):
        try:
            os.unlink(os.path.join(run_dir, name))
        except OSError:
            pass
    return 0


def cmd_start():
    run_dir, base, spec = paths.run_dir(), paths.port_base(), paths.spec_path()
    os.makedirs(run_dir, exist_ok=True)
    ca = os.path.join(run_dir, "ca.pem")
    ports = paths.az_ports(base)
    if _pid(run_dir) and all(_answers(p, ca) for p in ports.values()):
        print("vcdlab: already running (pid %d): %s" % (_pid(run_dir), ", ".join(
            "%s=https://localhost:%d" % kv for kv in ports.items())))
        return 0
    if not os.path.exists(spec):
        sys.stderr.write("vcdlab: cannot start: the VCD Swagger document is missing at %s\n"
                         "        (set VCDLAB_SPEC to its path; default ../shared/specs/vcd-openapi-37.2.yaml "
                         "next to the repository)\n" % spec)
        return 2
    t0 = time.time()
    ready = os.path.join(run_dir, "ready")
    if os.path.exists(ready):
        os.unlink(ready)
    log = open(os.path.join(run_dir, "vcdlab.log"), "ab")
    lab_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ)
    env["PYTHONPATH"] = lab_dir + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["VCDLAB_RUN_DIR"], env["VCDLAB_PORT_BASE"], env["VCDLAB_SPEC"] = run_dir, str(base), spec
    proc = subprocess.Popen([sys.executable, "-m", "vcdlab", "serve"], stdout=log, stderr=log,
                            stdin=subprocess.DEVNULL, env=env, start_new_session=True, cwd=lab_dir)
    # services (vcsim build, PostgreSQL, RabbitMQ ...) may take a while the first time
    deadline = time.time() + float(os.environ.get("VCDLAB_START_TIMEOUT", "900"))
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.stderr.write("vcdlab: serve exited with %s; see %s\n" % (proc.returncode, log.name))
            with open(log.name, "rb") as f:
                sys.stderr.write(f.read()[-2000:].decode("utf-8", "replace"))
            return 1
        if os.path.exists(ready) and os.path.exists(ca) and all(_answers(p, ca) for p in ports.values()):
            with open(os.path.join(run_dir, "vcdlab.pid"), "w") as f:
                f.write(str(proc.pid))
            with open(os.path.join(run_dir, "lab.json"), "w") as f:
                json.dump(_info(run_dir, base, True), f, indent=2)
            print("vcdlab: started (pid %d) in %.1fs: %s; CA %s" % (proc.pid, time.time() - t0, ", ".join(
                "%s=https://localhost:%d" % kv for kv in ports.items()), ca))
            return 0
        time.sleep(0.1)
    sys.stderr.write("vcdlab: not ready in time; see %s\n" % log.name)
    proc.terminate()
    return 1


def cmd_stop():
    run_dir = paths.run_dir()
    pid = _pid(run_dir)
    if not pid:
        print("vcdlab: not running")
        return 0
    os.kill(pid, signal.SIGTERM)
    for _ in range(300):
        try:
            os.kill(pid, 0)
        except OSError:
            break
        time.sleep(0.1)
    else:
        os.kill(pid, signal.SIGKILL)
    for f in ("vcdlab.pid",):
        try:
            os.unlink(os.path.join(run_dir, f))
        except OSError:
            pass
    info = os.path.join(run_dir, "lab.json")
    if os.path.exists(info):
        with open(info) as f:
            d = json.load(f)
        d["running"], d["pid"] = False, None
        with open(info, "w") as f:
            json.dump(d, f, indent=2)
    print("vcdlab: stopped (pid %d)" % pid)
    return 0


def cmd_status():
    run_dir, base = paths.run_dir(), paths.port_base()
    ca = os.path.join(run_dir, "ca.pem")
    pid = _pid(run_dir)
    ports = paths.az_ports(base)
    up = {az: _answers(p, ca) for az, p in ports.items()} if pid else {az: False for az in ports}
    state = "running" if pid and all(up.values()) else ("degraded" if pid else "stopped")
    print("vcdlab: %s%s" % (state, " (pid %d)" % pid if pid else ""))
    for az, p in ports.items():
        print("  %s https://localhost:%d %s" % (az, p, "up" if up[az] else "down"))
    print("  run dir %s\n  CA %s\n  login %s@%s / %s" % (run_dir, ca, USER, ORG, PASSWORD))
    return 0 if state == "running" else 3


def main(argv):
    cmds = {"start": cmd_start, "stop": cmd_stop, "status": cmd_status, "serve": cmd_serve}
    if len(argv) != 1 or argv[0] not in cmds:
        sys.stderr.write("usage: python -m vcdlab start|stop|status|serve\n")
        return 64
    return cmds[argv[0]]()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
