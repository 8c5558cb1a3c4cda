"""Registers the CSE server stand-in (vcdlab/cse) with every AZ and its admin view GET /_lab/cse.

See vcdlab/cse/__init__.py for what the stand-in does.  Config keys: cse_poll_seconds, cse_retry_seconds.
"""
from .. import cse as cse_actor
from ..admin_api import admin
from ..framework import RESET_HOOKS


def _start(az):
    cse_actor.start(az)


RESET_HOOKS.append(_start)


@admin("GET", "/_lab/cse")
def _servers(req, body):
    out = []
    for s in cse_actor.servers(req.az):
        s = {k: v for k, v in s.items() if k not in ("session", "fingerprint")}
        out.append(s)
    return {"az": req.az.name, "servers": out,
            "running": sorted(s["vapp"] for s in out if s["status"] == "running")}
