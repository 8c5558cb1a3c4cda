"""Unit tests of the add-on ISO reader (pycdlib), with ISOs built at test time."""

from __future__ import annotations

import io
import os
import sys

import pycdlib
import pytest

from ansible_collections.vcdops.platform.plugins.module_utils.common import iso as isolib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "integration"))
from addon_iso import DSE_MANIFEST, ECHO_MANIFEST, build_addon_iso, self_signed_pem  # noqa: E402


def test_reads_the_four_files(tmp_path):
    built = build_addon_iso(str(tmp_path / "ds.iso"))
    got = isolib.read_addon_iso(built["path"])
    assert got["manifest"]["name"] == "ds" and got["manifest"]["version"] == DSE_MANIFEST["version"]
    assert got["manifest"]["inputs"][0]["type"] == "Boolean"
    assert got["eula"] == built["eula"]
    assert got["icon"].startswith("data:image/png;base64,iVBOR") and got["icon_file"] == "icon.png"
    assert isolib.same_certificate(got["certificate"], built["certificate"])
    assert got["file_name"] == "ds.iso" and got["size"] == os.path.getsize(built["path"])
    assert isolib.addon_rde_name(got["manifest"]) == "vmware.ds-1.4.0-23376809"


@pytest.mark.parametrize("missing", ["manifest.yaml", "eula.txt", "icon.png", "certificate.pem"])
def test_each_file_is_required(tmp_path, missing):
    path = build_addon_iso(str(tmp_path / "bad.iso"), omit=[missing])["path"]
    with pytest.raises(isolib.IsoError, match="bad.iso is not a Solution Add-On ISO: its root lacks %s"
                       % missing.replace(".png", "").replace(".", r"\.")):
        isolib.read_addon_iso(path)


def test_eula_name_is_matched_case_insensitively_and_other_icons_work(tmp_path):
    path = build_addon_iso(str(tmp_path / "x.iso"), ECHO_MANIFEST, omit=["eula.txt"], icon_name="icon.svg",
                           extra_files={"EULA.TXT": b"Licence"})["path"]
    got = isolib.read_addon_iso(path)
    assert got["eula"] == "Licence" and got["icon"].startswith("data:image/svg+xml;base64,")
    assert [i["name"] for i in got["manifest"]["inputs"]][:2] == ["greeting", "replicas"]


def test_joliet_only_iso(tmp_path):
    files = {"manifest.yaml": b"vendor: v\nname: n\nversion: 1.0\n", "eula.txt": b"E", "icon.png": b"png",
             "certificate.pem": self_signed_pem().encode()}
    iso = pycdlib.PyCdlib()
    iso.new(interchange_level=3, joliet=3)
    for index, (name, data) in enumerate(sorted(files.items())):
        iso.add_fp(io.BytesIO(data), len(data), "/F%d.;1" % index, joliet_path="/" + name)
    path = str(tmp_path / "joliet.iso")
    iso.write(path)
    iso.close()
    got = isolib.read_addon_iso(path)
    assert got["manifest"]["version"] == "1.0"  # a YAML number becomes text


@pytest.mark.parametrize("manifest,message", [
    ({"vendor": "v", "name": "n"}, "manifest.yaml lacks version"),
    ({"vendor": "v", "name": "n", "version": "1", "inputs": [{"name": "a", "type": "Float"}]}, "type 'Float'"),
    ({"vendor": "v", "name": "n", "version": "1", "inputs": [{"name": "a"}, {"name": "a"}]}, "declares input a twice"),
])
def test_bad_manifests(tmp_path, manifest, message):
    path = build_addon_iso(str(tmp_path / "m.iso"), manifest)["path"]
    with pytest.raises(isolib.IsoError, match=message):
        isolib.read_addon_iso(path)


def test_not_an_iso(tmp_path):
    path = tmp_path / "junk.iso"
    path.write_bytes(b"not an iso" * 100)
    with pytest.raises(isolib.IsoError, match="junk.iso is not a readable ISO"):
        isolib.read_addon_iso(str(path))
    with pytest.raises(isolib.IsoError, match="does not exist"):
        isolib.read_addon_iso(str(tmp_path / "missing.iso"))


def test_certificate_comparison_ignores_white_space():
    pem = self_signed_pem()
    body = pem.replace("\n", "\r\n  ")
    assert isolib.same_certificate(pem, body)
    assert not isolib.same_certificate(pem, self_signed_pem())
    assert not isolib.same_certificate(pem, "no pem")
