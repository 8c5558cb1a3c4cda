"""Build the stand-in OSE package (a .deb, as OSE is installed on Debian/Ubuntu) with dpkg-deb.

    build(out_dir) -> path of vmware-ose_lab_all.deb   (rebuilt only when its sources change)

Contents: /opt/vmware/voss/bin/{ose,voss-keeper}, /usr/bin/ose -> the former, /opt/vmware/voss/config.
"""
import hashlib
import os
import shutil
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
VERSION = "3.1.0-24011710"
NAME = "vmware-ose"
SOURCES = ("ose", "voss-keeper", "build.py")


def build(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    digest = hashlib.sha256()
    for s in SOURCES:
        with open(os.path.join(HERE, s), "rb") as f:
            digest.update(f.read())
    # a fixed file name for the inventory; the version carries the sources' digest, so that a
    # changed stand-in is an upgrade that apt installs
    version = "%s+lab.%s" % (VERSION, digest.hexdigest()[:8])
    deb = os.path.join(out_dir, "%s_lab_all.deb" % NAME)
    stamp = deb + ".sha256"
    if os.path.exists(deb) and os.path.exists(stamp) and open(stamp).read() == digest.hexdigest():
        return deb
    root = tempfile.mkdtemp(prefix="ose-deb-")
    os.chmod(root, 0o755)
    try:
        bindir = os.path.join(root, "opt/vmware/voss/bin")
        os.makedirs(bindir)
        os.makedirs(os.path.join(root, "opt/vmware/voss/config"), mode=0o700)
        os.makedirs(os.path.join(root, "usr/bin"))
        os.makedirs(os.path.join(root, "DEBIAN"))
        for s in ("ose", "voss-keeper"):
            shutil.copy(os.path.join(HERE, s), os.path.join(bindir, s))
            os.chmod(os.path.join(bindir, s), 0o755)
        os.symlink("/opt/vmware/voss/bin/ose", os.path.join(root, "usr/bin/ose"))
        with open(os.path.join(root, "DEBIAN/control"), "w") as f:
            f.write("Package: %s\nVersion: %s\nArchitecture: all\nMaintainer: vcdops lab <lab@vcdops.test>\n"
                    "Depends: python3, openssl, postgresql-client\nSection: misc\nPriority: optional\n"
                    "Description: VMware Cloud Director Object Storage Extension (vcdops lab stand-in)\n"
                    " The ose command and the voss-keeper service, standing in for the vendor package.\n"
                    % (NAME, version))
        subprocess.run(["dpkg-deb", "--root-owner-group", "-Zgzip", "--build", root, deb], check=True,
                       stdout=subprocess.DEVNULL)
        with open(stamp, "w") as f:
            f.write(digest.hexdigest())
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return deb
