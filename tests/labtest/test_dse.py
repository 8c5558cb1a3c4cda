"""The lab's add-on backend on its own (no server): input typing, ISO reading, certificate trust."""
import os
import sys

import pytest

from vcdlab.framework import ApiError
from vcdlab.vcd import addons, certificates, media_backend

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "integration"))
from addon_iso import DSE_MANIFEST, ECHO_MANIFEST, build_addon_iso, self_signed_pem  # noqa: E402


def test_create_inputs_must_have_the_manifest_types():
    assert addons.check_inputs(DSE_MANIFEST, {"input-delete-previous-uiplugin-versions": True}) == {
        "delete-previous-uiplugin-versions": True}
    for bad in ({"input-delete-previous-uiplugin-versions": "true"}, {"input-force-delete": True},
                {"input-unknown": 1}):
        with pytest.raises(ApiError):
            addons.check_inputs(DSE_MANIFEST, bad)
    with pytest.raises(ApiError, match="input greeting is required"):
        addons.check_inputs(ECHO_MANIFEST, {"input-api-token": "x"})
    with pytest.raises(ApiError, match="replicas must be of type Integer"):
        addons.check_inputs(ECHO_MANIFEST, {"input-greeting": "hi", "input-api-token": "x", "input-replicas": True})
    assert addons.check_inputs(DSE_MANIFEST, {"input-force-delete": True}, delete=True) == {"force-delete": True}


def test_iso_reading_and_certificate_bodies(tmp_path):
    built = build_addon_iso(str(tmp_path / "ds.iso"))
    got = media_backend._read(built["path"])
    assert got["manifest"]["name"] == "ds" and "certificate.pem" in got["files"]
    assert certificates.bodies(got["certificate"]) == certificates.bodies(built["certificate"])
    assert certificates.bodies(self_signed_pem()) != certificates.bodies(built["certificate"])
    bad = build_addon_iso(str(tmp_path / "bad.iso"), omit=["certificate.pem", "icon.png"])
    with pytest.raises(ApiError, match="lacks icon, certificate.pem"):
        media_backend._read(bad["path"])
