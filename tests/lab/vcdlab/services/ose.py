"""OSE for the lab: the OSE REST API simulators (load-balancer address per AZ, ports base+31 /
base+32), the OSE certificates per AZ (run dir ``ose/<az>/``) and the stand-in OSE package
(run dir ``standins/vmware-ose_<version>_all.deb``, built from tests/lab/standins/ose).
See vcdlab/ose and docs/ose.md."""
import importlib.util
import os
import sys

from .. import ose
from ..ose import certs, httpd

STANDIN_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                           "standins", "ose")


def build_package(run_dir):
    spec = importlib.util.spec_from_file_location("vcdlab_standin_ose_build", os.path.join(STANDIN_DIR, "build.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.build(os.path.join(run_dir, "standins"))


def _reset_hook(az):
    """A lab reset (POST /_lab/reset on a VCD) also resets this AZ's Ose simulator."""
    sim = ose.get(az.lab.port_base, az.name)
    if sim is not None:
        sim.reset()


def start(lab):
    from ..framework import RESET_HOOKS
    if _reset_hook not in RESET_HOOKS:
        RESET_HOOKS.append(_reset_hook)
    build_package(lab.run_dir)
    for i, az in enumerate(sorted(lab.azs), 1):
        certs.ensure(lab.run_dir, az)
        key = (int(lab.port_base), az)
        if key in ose.CLUSTERS and ose.CLUSTERS[key].server is not None:
            continue
        sim = ose.Ose(lab, az, int(lab.port_base) + ose.PORT_OFFSET + i - 1)
        httpd.serve(sim, lab.run_dir)
        ose.CLUSTERS[key] = sim
        sys.stderr.write("vcdlab: ose %s listening on https://localhost:%d\n" % (az, sim.port))


def stop(lab):
    for az in sorted(lab.azs):
        sim = ose.CLUSTERS.pop((int(lab.port_base), az), None)
        if sim is not None:
            httpd.shutdown(sim)
