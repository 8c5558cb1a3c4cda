"""vcdlab: the VMware Cloud Director simulator of the vcdops.platform test lab.

    PYTHONPATH=tests/lab python -m vcdlab start|stop|status|serve

See docs/lab.md (users) and docs/dev/lab-interface.md (extending it).
"""
import json
import os

from . import paths

USER = "administrator"
ORG = "System"
PASSWORD = "lab-Passw0rd!"


def labinfo(run_dir=None):
    """Ports, URLs and CA path of a lab (running or not), from its run dir."""
    run_dir = os.path.abspath(run_dir or paths.run_dir())
    info_file = os.path.join(run_dir, "lab.json")
    if os.path.exists(info_file):
        with open(info_file) as f:
            return json.load(f)
    ports = paths.az_ports()
    return {"run_dir": run_dir, "ca": os.path.join(run_dir, "ca.pem"),
            "azs": {az: {"port": p, "url": "https://localhost:%d" % p} for az, p in ports.items()},
            "user": USER, "org": ORG, "password": PASSWORD, "running": False}
