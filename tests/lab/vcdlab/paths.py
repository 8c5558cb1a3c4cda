"""Locations and ports of the lab, from the environment (see docs/lab.md)."""
import os

LAB_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # tests/lab
REPO_ROOT = os.path.dirname(os.path.dirname(LAB_DIR))                    # repo root
DEFAULT_PORT_BASE = 19440
AZS = ("az1", "az2")


def port_base():
    return int(os.environ.get("VCDLAB_PORT_BASE", DEFAULT_PORT_BASE))


def run_dir():
    return os.path.abspath(os.environ.get("VCDLAB_RUN_DIR") or os.path.join(LAB_DIR, ".run"))


def spec_path():
    return os.path.abspath(os.environ.get("VCDLAB_SPEC") or os.path.join(
        REPO_ROOT, "..", "shared", "specs", "vcd-openapi-37.2.yaml"))


def az_ports(base=None):
    base = port_base() if base is None else base
    return {az: base + i + 1 for i, az in enumerate(AZS)}
