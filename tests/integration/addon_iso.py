"""Build a small Solution Add-On ISO with pycdlib, at test time.

    from addon_iso import build_addon_iso, DSE_MANIFEST
    build_addon_iso("/tmp/ds.iso")                       # the lab's DSE 1.4 stand-in
    build_addon_iso("/tmp/bad.iso", omit=["eula.txt"])  # an ISO that lacks its EULA

The ISO holds, at the root of its UDF file system (and Joliet / ISO 9660 for
other readers): ``manifest.yaml`` with typed inputs, ``eula.txt``, ``icon.png``
and a self-signed ``certificate.pem`` (made with ``cryptography``), plus a
``payload/`` folder standing in for the add-on's content.

CLI: ``python tests/integration/addon_iso.py OUT.iso [--omit eula.txt]``.
"""

from __future__ import annotations

import argparse
import copy
import datetime
import io
import os
import struct
import zlib

import pycdlib
import yaml

DSE_MANIFEST = {
    "vendor": "vmware",
    "name": "ds",
    "version": "1.4.0-23376809",
    "vcdVersion": "10.4.3",
    "friendlyName": "VMware Cloud Director extension for Data Solutions",
    "description": "Data solutions (MongoDB, Confluent Platform, SQL with Postgres and MySQL, RabbitMQ) for tenants",
    "inputs": [
        {"name": "delete-previous-uiplugin-versions", "type": "Boolean", "title": "Delete previous UI plugin versions",
         "description": "Remove older Data Solutions UI plugins when this instance is created", "default": False},
        {"name": "force-delete", "type": "Boolean", "title": "Force delete",
         "description": "Remove the instance even when data solution instances still run", "default": False,
         "delete": True},
    ],
}

# a generic add-on with one input of every type (String, Integer, Boolean, secure, choices)
ECHO_MANIFEST = {
    "vendor": "lab",
    "name": "echo",
    "version": "1.0.0",
    "vcdVersion": "10.4.1",
    "friendlyName": "Lab echo add-on",
    "inputs": [
        {"name": "greeting", "type": "String", "title": "Greeting", "description": "Text", "required": True,
         "minLength": 2, "maxLength": 40},
        {"name": "replicas", "type": "Integer", "title": "Replicas", "description": "Count", "default": 1},
        {"name": "verbose", "type": "Boolean", "title": "Verbose", "description": "Flag", "default": False},
        {"name": "api-token", "type": "String", "title": "API token", "description": "Secret", "secure": True,
         "required": True},
        {"name": "mode", "type": "String", "title": "Mode", "description": "Choice", "values": ["fast", "safe"],
         "default": "safe"},
        {"name": "force-delete", "type": "Boolean", "title": "Force delete", "description": "Delete-only",
         "default": False, "delete": True},
    ],
}

EULA = ("LAB END USER LICENSE AGREEMENT\n\nThis add-on is a test stand-in. By accepting you agree that it "
        "does nothing useful.\n")


def tiny_png():
    """A valid 1x1 PNG."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"\x00\x30\x80\xc0"
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def self_signed_pem(common_name="addon.lab.example"):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "vcdops lab")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def build_addon_iso(path, manifest=None, omit=(), eula=EULA, certificate=None, icon_name="icon.png",
                    payload_size=64 * 1024, extra_files=None):
    """Write an add-on ISO to ``path``; returns ``{path, manifest, certificate, eula}``."""
    manifest = copy.deepcopy(manifest or DSE_MANIFEST)
    common_name = "%s.%s.lab.example" % (manifest.get("name", "addon"), manifest.get("vendor", "lab"))
    certificate = certificate or self_signed_pem(common_name)
    files = {
        "manifest.yaml": yaml.safe_dump(manifest, sort_keys=False).encode(),
        "eula.txt": eula.encode(),
        icon_name: tiny_png(),
        "certificate.pem": certificate.encode(),
    }
    files.update(extra_files or {})
    for name in omit:
        files.pop(name, None)
    iso = pycdlib.PyCdlib()
    iso.new(interchange_level=3, joliet=3, udf="2.60", vol_ident="ADDON")
    for index, (name, data) in enumerate(sorted(files.items())):
        iso_name = "/F%d.;1" % index
        iso.add_fp(io.BytesIO(data), len(data), iso_name, joliet_path="/" + name, udf_path="/" + name)
    iso.add_directory("/PAYLOAD", joliet_path="/payload", udf_path="/payload")
    blob = os.urandom(payload_size)
    iso.add_fp(io.BytesIO(blob), len(blob), "/PAYLOAD/BLOB.BIN;1", joliet_path="/payload/blob.bin",
               udf_path="/payload/blob.bin")
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = path + ".tmp"
    iso.write(tmp)
    iso.close()
    os.replace(tmp, path)
    return {"path": path, "manifest": manifest, "certificate": certificate, "eula": eula}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--omit", action="append", default=[])
    parser.add_argument("--echo", action="store_true", help="the generic echo add-on instead of DSE")
    args = parser.parse_args(argv)
    built = build_addon_iso(args.out, ECHO_MANIFEST if args.echo else DSE_MANIFEST, omit=args.omit)
    print(built["path"])


if __name__ == "__main__":
    main()
