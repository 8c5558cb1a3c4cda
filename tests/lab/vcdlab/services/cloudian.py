"""Cloudian HyperStore Admin API simulators, one per AZ on ports base+41 / base+42 (HTTPS, lab
certificate, listening on 0.0.0.0 so node hosts reach them at 10.231.0.1).  See vcdlab/cloudian."""
import sys

from .. import cloudian
from ..ose import httpd


def _reset_hook(az):
    """A lab reset (POST /_lab/reset on a VCD) also resets this AZ's Cloudian simulator."""
    sim = cloudian.get(az.lab.port_base, az.name)
    if sim is not None:
        sim.reset()


def start(lab):
    from ..framework import RESET_HOOKS
    if _reset_hook not in RESET_HOOKS:
        RESET_HOOKS.append(_reset_hook)
    for i, az in enumerate(sorted(lab.azs), 1):
        key = (int(lab.port_base), az)
        if key in cloudian.CLUSTERS and cloudian.CLUSTERS[key].server is not None:
            continue
        sim = cloudian.Cloudian(az, int(lab.port_base) + cloudian.PORT_OFFSET + i - 1)
        httpd.serve(sim, lab.run_dir)
        cloudian.CLUSTERS[key] = sim
        sys.stderr.write("vcdlab: cloudian %s listening on https://localhost:%d\n" % (az, sim.port))


def stop(lab):
    for az in sorted(lab.azs):
        sim = cloudian.CLUSTERS.pop((int(lab.port_base), az), None)
        if sim is not None:
            httpd.shutdown(sim)
