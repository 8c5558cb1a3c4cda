# -*- coding: utf-8 -*-
# Copyright: contributors to vcdops.platform
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""OVA reading (module_utils/vsphere/ova.py) and host parsing of the vSphere client."""

from __future__ import absolute_import, division, print_function

import io
import os
import sys
import tarfile

import pytest

from ansible_collections.vcdops.platform.plugins.module_utils.vsphere.client import split_host
from ansible_collections.vcdops.platform.plugins.module_utils.vsphere.ova import HashingReader, Ova, OvaError

__metaclass__ = type  # pylint: disable=invalid-name

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "lab"))
from vcdlab.dsm import fake_ova  # noqa: E402  pylint: disable=wrong-import-position


def _tar(path, members):
    with tarfile.open(str(path), "w") as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return str(path)


def test_the_fake_dsm_ova_is_a_real_ova(tmp_path):
    ova = Ova(fake_ova.build(str(tmp_path / "dsm.ova")))
    assert ova.product["name"] == "VMware Data Services Manager" and ova.product["version"] == "2.2.1"
    assert ova.networks == ["Management Network"]
    keys = {p.key: p for p in ova.properties}
    assert "dsm.network.ip0" in keys and keys["dsm.admin.password"].password is True
    assert keys["dsm.network.prefix0"].default == "24" and keys["dsm.ceip"].type == "boolean"
    assert all(p.user_configurable for p in ova.properties)
    (disk,) = ova.files
    assert ova.size(disk["href"]) == disk["size"] > 0
    reader = HashingReader(ova.open(disk["href"]), disk["size"])
    while reader.read(4096):
        pass
    ova.verify(disk["href"], reader.digest)
    assert reader.read_bytes == disk["size"]
    ova.close()


def test_a_file_that_is_not_a_tar_is_not_an_ova(tmp_path):
    path = tmp_path / "x.ova"
    path.write_text("hello\n" * 100)
    with pytest.raises(OvaError, match="is not an OVA: it is not a tar archive"):
        Ova(str(path))


def test_the_descriptor_must_come_first(tmp_path):
    path = _tar(tmp_path / "x.ova", [("disk.vmdk", b"KDMV"), ("x.ovf", b"<Envelope/>")])
    with pytest.raises(OvaError, match="first member must be the .ovf descriptor"):
        Ova(path)


def test_a_broken_descriptor_is_reported(tmp_path):
    path = _tar(tmp_path / "x.ova", [("x.ovf", b"<Envelope><unclosed></Envelope>")])
    with pytest.raises(OvaError, match="is not valid XML"):
        Ova(path)


def test_a_missing_disk_is_reported(tmp_path):
    ovf = fake_ova.descriptor("missing.vmdk", 10).encode()
    path = _tar(tmp_path / "x.ova", [("x.ovf", ovf)])
    with pytest.raises(OvaError, match="references missing.vmdk, which is not in the archive"):
        Ova(path)


def test_a_disk_that_does_not_match_the_manifest_is_reported(tmp_path):
    disk = fake_ova.disk_bytes(1024)
    ovf = fake_ova.descriptor("d.vmdk", len(disk)).encode()
    path = _tar(tmp_path / "x.ova", [("x.ovf", ovf), ("x.mf", b"SHA256(d.vmdk)= " + b"0" * 64 + b"\n"),
                                     ("d.vmdk", disk)])
    ova = Ova(path)
    reader = HashingReader(ova.open("d.vmdk"), len(disk))
    while reader.read(4096):
        pass
    with pytest.raises(OvaError, match="does not match its manifest"):
        ova.verify("d.vmdk", reader.digest)


@pytest.mark.parametrize("given,expected", [
    ("vc.example.com", ("vc.example.com", 443)),
    ("vc.example.com:8443", ("vc.example.com", 8443)),
    ("https://vc.example.com:9443/sdk", ("vc.example.com", 9443)),
    ("https://vc.example.com/sdk", ("vc.example.com", 443)),
])
def test_split_host(given, expected):
    assert split_host(given) == expected
