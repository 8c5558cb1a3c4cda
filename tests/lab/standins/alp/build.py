"""Build the stand-in App Launchpad package (a .deb, as ALP ships for Ubuntu/Debian) with dpkg-deb.

    build(out_dir) -> path of vmware-alp_<VERSION>_amd64.deb   (rebuilt only when its sources change)

Like the vendor's package it creates the group and user ``vmware-alp`` (postinst) and installs the
``alp`` command (/opt/vmware/alp/bin/alp, linked from /usr/bin/alp).
"""
import hashlib
import os
import shutil
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
VERSION = "2.1.2-99999999"
NAME = "vmware-alp"
SOURCES = ("alp", "build.py")

POSTINST = """#!/bin/sh
set -e
getent group vmware-alp >/dev/null || groupadd --system vmware-alp
getent passwd vmware-alp >/dev/null || useradd --system -g vmware-alp -d /opt/vmware/alp -s /usr/sbin/nologin vmware-alp
mkdir -p /etc/vmware-alp
chown root:vmware-alp /etc/vmware-alp
chmod 0750 /etc/vmware-alp
exit 0
"""


def build(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    digest = hashlib.sha256()
    for s in SOURCES:
        with open(os.path.join(HERE, s), "rb") as f:
            digest.update(f.read())
    deb = os.path.join(out_dir, "%s_%s_amd64.deb" % (NAME, VERSION))
    stamp = deb + ".sha256"
    if os.path.exists(deb) and os.path.exists(stamp):
        with open(stamp) as f:
            if f.read() == digest.hexdigest():
                return deb
    root = tempfile.mkdtemp(prefix="alp-deb-")
    os.chmod(root, 0o755)
    try:
        bindir = os.path.join(root, "opt/vmware/alp/bin")
        os.makedirs(bindir)
        os.makedirs(os.path.join(root, "usr/bin"))
        os.makedirs(os.path.join(root, "DEBIAN"))
        shutil.copy(os.path.join(HERE, "alp"), os.path.join(bindir, "alp"))
        os.chmod(os.path.join(bindir, "alp"), 0o755)
        os.symlink("/opt/vmware/alp/bin/alp", os.path.join(root, "usr/bin/alp"))
        with open(os.path.join(root, "DEBIAN/control"), "w") as f:
            f.write("Package: %s\nVersion: %s\nArchitecture: amd64\nMaintainer: vcdops lab <lab@vcdops.test>\n"
                    "Depends: python3, passwd\nSection: misc\nPriority: optional\n"
                    "Description: VMware Cloud Director App Launchpad (vcdops lab stand-in)\n"
                    " The alp command, standing in for the vendor package.\n" % (NAME, VERSION))
        with open(os.path.join(root, "DEBIAN/postinst"), "w") as f:
            f.write(POSTINST)
        os.chmod(os.path.join(root, "DEBIAN/postinst"), 0o755)
        subprocess.run(["dpkg-deb", "--root-owner-group", "-Zgzip", "--build", root, deb], check=True,
                       stdout=subprocess.DEVNULL)
        with open(stamp, "w") as f:
            f.write(digest.hexdigest())
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return deb
