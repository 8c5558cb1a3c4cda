# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read a Solution Add-On ISO with pycdlib.

An add-on ISO carries four files at the root of its UDF file system:
``manifest.yaml``, ``eula.txt`` (name matched case-insensitively),
``icon.(png|jpg|jpeg|jfif|svg|bmp|ico)`` and ``certificate.pem``.  Only the
directory records and these small files are read, never the whole image, so a
multi-gigabyte ISO is read in well under a second.

ISOs without UDF are read through Joliet, then Rock Ridge, then plain ISO 9660
names (``EULA.TXT;1``), so that an ISO built by other tools still works.
"""

from __future__ import annotations

import base64
import io
import os
import re

try:
    import pycdlib
    HAS_PYCDLIB = True
    PYCDLIB_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - reported by the module
    HAS_PYCDLIB = False
    PYCDLIB_IMPORT_ERROR = exc

try:
    import yaml
    HAS_YAML = True
except ImportError:  # pragma: no cover - ansible-core depends on PyYAML
    HAS_YAML = False

ICON_TYPES = {
    "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "jfif": "image/jpeg",
    "svg": "image/svg+xml", "bmp": "image/bmp", "ico": "image/x-icon",
}
ICON_RE = re.compile(r"^icon\.(%s)$" % "|".join(ICON_TYPES))
INPUT_TYPES = ("String", "Boolean", "Integer")
# the largest root file we read into memory (the four files are small)
MAX_FILE = 16 * 1024 * 1024
_PEM_RE = re.compile(r"-----BEGIN CERTIFICATE-----(.+?)-----END CERTIFICATE-----", re.S)


class IsoError(Exception):
    """The ISO is missing, unreadable or not an add-on."""


def _name(raw, joliet=False):
    if joliet:
        text = raw.decode("utf-16-be", "replace")
    else:
        text = raw.decode("utf-8", "replace")
    # ISO 9660 names end in ';1' and may keep a trailing dot
    text = text.split(";")[0]
    return text[:-1] if text.endswith(".") and "." in text[:-1] else text


def _root_files(iso):
    """{name: (keyword, path)} of the files at the root, from the richest name space."""
    facades = []
    if iso.has_udf():
        facades.append(("udf_path", False))
    if iso.has_joliet():
        facades.append(("joliet_path", True))
    if iso.has_rock_ridge():
        facades.append(("rr_path", False))
    facades.append(("iso_path", False))
    for key, joliet in facades:
        files = {}
        for child in iso.list_children(**{key: "/"}):
            if child is None or not child.is_file():
                continue
            if key == "rr_path" and getattr(child, "rock_ridge", None) is not None:
                name = child.rock_ridge.name().decode("utf-8", "replace")
            else:
                name = _name(child.file_identifier(), joliet)
            if key == "iso_path":
                path = "/" + child.file_identifier().decode("ascii", "replace")
            else:
                path = "/" + name
            files[name] = (key, path, child.get_data_length())
        if files:
            return files
    return {}


def _read(iso, entry, label):
    key, path, size = entry
    if size > MAX_FILE:
        raise IsoError("%s is %d bytes: too large for an add-on %s" % (path, size, label))
    out = io.BytesIO()
    iso.get_file_from_iso_fp(out, **{key: path})
    return out.getvalue()


def pem_bodies(text):
    """The base64 bodies of the certificates in a PEM text, without white space."""
    return ["".join(body.split()) for body in _PEM_RE.findall(text or "")]


def same_certificate(pem_a, pem_b):
    """True when two PEM texts start with the same certificate."""
    a, b = pem_bodies(pem_a), pem_bodies(pem_b)
    return bool(a and b and a[0] == b[0])


def _check_manifest(manifest, iso_name):
    if not isinstance(manifest, dict):
        raise IsoError("%s: manifest.yaml is not a YAML mapping" % iso_name)
    missing = [k for k in ("vendor", "name", "version") if manifest.get(k) in (None, "")]
    if missing:
        raise IsoError("%s: manifest.yaml lacks %s" % (iso_name, ", ".join(missing)))
    for key in ("vendor", "name", "version"):
        manifest[key] = str(manifest[key])
    inputs = manifest.get("inputs") or []
    if not isinstance(inputs, list):
        raise IsoError("%s: manifest.yaml 'inputs' must be a list" % iso_name)
    seen = set()
    for index, item in enumerate(inputs):
        if not isinstance(item, dict) or not item.get("name"):
            raise IsoError("%s: manifest.yaml inputs[%d] has no name" % (iso_name, index))
        if item.get("type", "String") not in INPUT_TYPES:
            raise IsoError("%s: manifest.yaml input %s has type %r; expected one of %s"
                           % (iso_name, item["name"], item.get("type"), ", ".join(INPUT_TYPES)))
        if item["name"] in seen:
            raise IsoError("%s: manifest.yaml declares input %s twice" % (iso_name, item["name"]))
        seen.add(item["name"])
    return manifest


def read_addon_iso(path):
    """Read the four add-on files of an ISO.

    Returns ``{manifest, eula, icon (data URI), icon_file, certificate (PEM), size, file_name}``;
    raises :class:`IsoError` with a sentence that names what is wrong.
    """
    if not HAS_PYCDLIB:
        raise IsoError("the python 'pycdlib' library is required to read add-on ISOs: %s" % PYCDLIB_IMPORT_ERROR)
    if not HAS_YAML:
        raise IsoError("the python 'PyYAML' library is required to read the add-on manifest")
    if not path or not os.path.isfile(path):
        raise IsoError("add-on ISO %s does not exist or is not a file" % path)
    iso_name = os.path.basename(path)
    iso = pycdlib.PyCdlib()
    try:
        iso.open(path)
    except Exception as exc:  # pycdlib raises its own and OS errors
        raise IsoError("%s is not a readable ISO 9660/UDF image: %s" % (iso_name, exc))
    try:
        files = _root_files(iso)
        lower = dict((name.lower(), name) for name in files)
        eula_name = lower.get("eula.txt")
        icon_names = sorted(n for n in files if ICON_RE.match(n))
        missing = []
        if "manifest.yaml" not in files:
            missing.append("manifest.yaml")
        if eula_name is None:
            missing.append("eula.txt")
        if not icon_names:
            missing.append("icon.(%s)" % "|".join(ICON_TYPES))
        if "certificate.pem" not in files:
            missing.append("certificate.pem")
        if missing:
            raise IsoError("%s is not a Solution Add-On ISO: its root lacks %s (it holds: %s)" % (
                iso_name, ", ".join(missing), ", ".join(sorted(files)) or "nothing"))
        manifest_raw = _read(iso, files["manifest.yaml"], "manifest")
        eula_raw = _read(iso, files[eula_name], "EULA")
        icon_raw = _read(iso, files[icon_names[0]], "icon")
        cert_raw = _read(iso, files["certificate.pem"], "certificate")
    finally:
        iso.close()
    try:
        manifest = yaml.safe_load(manifest_raw.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise IsoError("%s: manifest.yaml is not valid YAML: %s" % (iso_name, exc))
    manifest = _check_manifest(manifest, iso_name)
    certificate = cert_raw.decode("ascii", "replace").strip() + "\n"
    if not pem_bodies(certificate):
        raise IsoError("%s: certificate.pem holds no PEM certificate" % iso_name)
    eula = eula_raw.decode("utf-8", "replace")
    if not eula.strip():
        raise IsoError("%s: eula.txt is empty" % iso_name)
    kind = ICON_TYPES[ICON_RE.match(icon_names[0]).group(1)]
    return {
        "manifest": manifest,
        "eula": eula,
        "icon": "data:%s;base64,%s" % (kind, base64.b64encode(icon_raw).decode("ascii")),
        "icon_file": icon_names[0],
        "certificate": certificate,
        "size": os.path.getsize(path),
        "file_name": iso_name,
    }


def addon_rde_name(manifest):
    """The add-on's RDE name, ``<vendor>.<name>-<version>``."""
    return "%s.%s-%s" % (manifest["vendor"], manifest["name"], manifest["version"])
