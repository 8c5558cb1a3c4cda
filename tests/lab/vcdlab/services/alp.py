"""App Launchpad for the lab: builds the stand-in ALP package into the run dir
(``standins/vmware-alp_<version>_amd64.deb``, from tests/lab/standins/alp).  The VCD side of ALP
(what ``alp connect`` does, Content Hub) is vcdlab/vcd/alp.py; the broker is services/rabbitmq.py."""
import importlib.util
import os

STANDIN_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                           "standins", "alp")


def build_package(run_dir):
    spec = importlib.util.spec_from_file_location("vcdlab_standin_alp_build", os.path.join(STANDIN_DIR, "build.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.build(os.path.join(run_dir, "standins"))


def start(lab):
    build_package(lab.run_dir)


def stop(lab):
    pass
