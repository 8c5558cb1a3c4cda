"""What VCD's add-on machinery reads from an uploaded add-on ISO (api-reference §3.2, §12).

The bytes a client uploaded as catalog media are kept by the uploads area (uploads.py) under the run
dir; this module opens them with pycdlib, as the real add-on backend reads the ISO it runs from:
the UDF root must hold manifest.yaml, eula.txt (any case), icon.<png|jpg|jpeg|jfif|svg|bmp|ico> and
certificate.pem, and the certificate must be in the certificate library.

    addon_iso(state, catalog_item_id) -> {"manifest": dict, "certificate": str, "files": [names]}
        raises ApiError (400) saying what is wrong.
"""
import io
import re

from ..framework import ApiError, new_uuid
from . import certificates, uploads

ICON_RX = re.compile(r"^icon\.(png|jpg|jpeg|jfif|svg|bmp|ico)$")
_CACHE = {}


def _fail(message):
    return ApiError(400, "BAD_REQUEST", "[ %s ] %s" % (new_uuid(), message))


def _read(path):
    import pycdlib
    import yaml
    iso = pycdlib.PyCdlib()
    try:
        iso.open(path)
    except Exception as exc:
        raise _fail("the add-on media is not an ISO image: %s" % exc)
    try:
        if not iso.has_udf():
            raise _fail("the add-on ISO has no UDF file system")
        names = {}
        for child in iso.list_children(udf_path="/"):
            if child is not None and child.is_file():
                names[child.file_identifier().decode("utf-8", "replace")] = True

        def get(name):
            out = io.BytesIO()
            iso.get_file_from_iso_fp(out, udf_path="/" + name)
            return out.getvalue()
        missing = []
        if "manifest.yaml" not in names:
            missing.append("manifest.yaml")
        eula = [n for n in names if n.lower() == "eula.txt"]
        if not eula:
            missing.append("eula.txt")
        if not [n for n in names if ICON_RX.match(n)]:
            missing.append("icon")
        if "certificate.pem" not in names:
            missing.append("certificate.pem")
        if missing:
            raise _fail("the add-on ISO lacks %s at its root" % ", ".join(missing))
        manifest = yaml.safe_load(get("manifest.yaml").decode("utf-8"))
        certificate = get("certificate.pem").decode("ascii", "replace")
    finally:
        iso.close()
    return {"manifest": manifest, "certificate": certificate, "files": sorted(names)}


def addon_iso(state, catalog_item_id):
    item = state.get("catalog_item", catalog_item_id)
    if item is None:
        raise _fail("catalog item %s (origin.catalogItemId) does not exist" % catalog_item_id)
    if item.get("entity_kind") != "media":
        raise _fail("catalog item %s is not ISO media" % item["name"])
    media = uploads.entity_of_item(state, item)
    if media is None or media.get("status") != 1:
        raise _fail("the media of catalog item %s is not uploaded completely" % item["name"])
    path = uploads.uploaded_path(state, media)
    if not path:
        raise _fail("the media of catalog item %s holds no bytes" % item["name"])
    key = (path, media.get("size"))
    if key not in _CACHE:
        _CACHE[key] = _read(path)
    return _CACHE[key]


def check_addon(state, addon_entity):
    """Why an add-on entity cannot work (None when it can): its ISO and its trusted certificate."""
    body = addon_entity.get("entity") or {}
    origin = body.get("origin") or {}
    try:
        iso = addon_iso(state, origin.get("catalogItemId"))
    except ApiError as exc:
        return exc.message
    mine = body.get("manifest") or {}
    theirs = iso["manifest"] or {}
    for key in ("vendor", "name", "version"):
        if str(mine.get(key)) != str(theirs.get(key)):
            return ("the add-on's manifest (%s %s) does not match the manifest of its ISO (%s %s)"
                    % (key, mine.get(key), key, theirs.get(key)))
    if not certificates.is_trusted(state, iso["certificate"]):
        return ("the certificate of the add-on ISO is not trusted: add its certificate.pem to the certificate "
                "library")
    return None
