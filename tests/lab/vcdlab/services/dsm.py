"""Data Services Manager per AZ: the DSM simulator (vcdlab/dsm) on port base+11 / base+12.

The appliance exists once its VM powers on in the AZ's vcsim: vcsim POSTs the VM's OVF properties
to ``/_lab/dsm/boot`` of the AZ's VCD server, the appliance takes its first administrator and its
vCenter registration from them and starts listening (HTTPS, lab certificate).  Before that its port
is closed, as a DSM that was never deployed would be.

Admin endpoints (on the AZ's VCD server, no auth, lab only):

    POST /_lab/dsm/boot      {properties{...}, ip?, vm?}   boot the appliance (tests may call it directly)
    GET  /_lab/dsm/state                                  users, objects, directory, config
    GET  /_lab/dsm/requests?since=N                       the DSM request log
    POST /_lab/dsm/config    {version?, ready_seconds?, infra_ready_seconds?}
    POST /_lab/dsm/shutdown                               stop listening (the appliance went away)

A lab reset (``/_lab/reset``) resets the AZ's appliance to "not deployed".
"""
import os
import sys

from ..admin_api import admin
from ..dsm.appliance import Appliance, DEFAULT_CONFIG
from ..dsm.server import Runner
from ..framework import ApiError, RESET_HOOKS

PORT_OFFSET = 11
APPLIANCES = {}      # az name -> Appliance (they exist from import on; they listen once booted)
RUNNERS = {}


def port(port_base, index):
    return int(port_base) + PORT_OFFSET + index - 1


def appliance_for(az):
    """The DSM appliance of a VCD AZ (``az.name``), created on first use."""
    name = az if isinstance(az, str) else az.name
    if name not in APPLIANCES:
        APPLIANCES[name] = Appliance(name, int(name[-1]) if name[-1].isdigit() else 1)
    return APPLIANCES[name]


def start(lab):
    cert, key = os.path.join(lab.run_dir, "server.pem"), os.path.join(lab.run_dir, "server-key.pem")
    for az in lab.azs.values():
        app = appliance_for(az)
        if az.name not in RUNNERS:
            RUNNERS[az.name] = Runner(app, port(lab.port_base, az.index), cert, key)
        az.dsm = app
    # a stand-in for the DSM OVA (inventories/lab: dsm_ova)
    if not os.path.exists(ova_path(lab)):
        from ..dsm.fake_ova import build
        build(ova_path(lab))
    sys.stderr.write("vcdlab: DSM appliances will listen on %s once their VMs boot\n" % ", ".join(
        "%s=%d" % (az.name, port(lab.port_base, az.index)) for az in lab.azs.values()))


def stop(lab):
    for name in list(RUNNERS):
        RUNNERS.pop(name).shutdown()


def _on_reset(az):
    app = APPLIANCES.get(az.name)
    if app is None:
        return
    runner = RUNNERS.get(az.name)
    if runner is not None:
        runner.close()
    app.reset()
    app.config = dict(DEFAULT_CONFIG)


RESET_HOOKS.append(_on_reset)


def _runner(req):
    runner = RUNNERS.get(req.az.name)
    if runner is None:
        raise ApiError(409, "CONFLICT", "lab admin: the DSM service is not running")
    return runner


@admin("POST", "/_lab/dsm/boot")
def _boot(req, body):
    runner = _runner(req)
    props = body.get("properties") or {}
    runner.appliance.boot(props, ip=body.get("ip"), vm=body.get("vm"))
    runner.listen()
    return {"booted": True, "port": runner.port, "admin": props.get("dsm.admin.email")}


@admin("POST", "/_lab/dsm/shutdown")
def _shutdown(req, body):
    runner = _runner(req)
    runner.close()
    runner.appliance.reset()
    return {"booted": False}


@admin("GET", "/_lab/dsm/state")
def _state(req, body):
    return appliance_for(req.az).snapshot()


@admin("GET", "/_lab/dsm/requests")
def _requests(req, body):
    app = appliance_for(req.az)
    since = int(req.query.get("since", "0") or 0)
    with app.lock:
        return {"last_seq": app.seq, "requests": [dict(e) for e in app.log if e["seq"] > since]}


@admin("POST", "/_lab/dsm/config")
def _config(req, body):
    app = appliance_for(req.az)
    for k, v in body.items():
        if k == "all":
            continue
        if k not in app.config:
            raise ApiError(400, "BAD_REQUEST", "lab admin: unknown DSM config key %r (known: %s)"
                           % (k, sorted(app.config)))
        app.config[k] = v
    return dict(app.config)


def ova_path(lab):
    return os.path.join(lab.run_dir, "dsm", "dsm-appliance-%s.ova" % DEFAULT_CONFIG["version"])
