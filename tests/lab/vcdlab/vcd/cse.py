"""Registers the CSE server stand-in (vcdlab/cse) with every AZ and its admin view GET /_lab/cse, and
puts fake CSE / TKG OVAs (vcdlab/cse/ova.py) in <run_dir>/downloads, as a provider's downloads.

See vcdlab/cse/__init__.py for what the stand-in does.  Config keys: cse_poll_seconds, cse_retry_seconds.
"""
import os

from .. import cse as cse_actor
from ..cse.ova import make_downloads
from ..admin_api import admin
from ..framework import RESET_HOOKS


def _start(az):
    cse_actor.start(az)
    # the vendor downloads a provider would fetch: small fake CSE and TKG OVAs in <run_dir>/downloads
    make_downloads(os.path.join(az.lab.run_dir, "downloads"))


RESET_HOOKS.append(_start)


@admin("GET", "/_lab/cse")
def _servers(req, body):
    out = []
    for s in cse_actor.servers(req.az):
        s = {k: v for k, v in s.items() if k not in ("session", "fingerprint")}
        out.append(s)
    return {"az": req.az.name, "servers": out,
            "running": sorted(s["vapp"] for s in out if s["status"] == "running")}
