# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Catalog uploads: ISO media and OVA -> vApp template (api-reference §1.7).

Public interface (stable: other modules and issue #4 build on it)::

    read_ova(path) -> Ova
        Index of an OVA (a tar): ``.ovf`` member name, descriptor bytes, ``files``
        ({name: size} of every file the descriptor references).  Raises
        TransferError (before any write) when the file is missing, not a tar, has
        no descriptor or lacks a referenced file.

    find_item(client, catalog, name) -> dict | None
        The catalog item ``name`` of ``catalog``: ``{id (urn:vcloud:catalogitem:..),
        href, name, catalog_href, entity_href, entity_name, entity_type
        ("vapptemplate" | "media"), status}``.

    upload_media(client, catalog, path, name=None, description="", chunk_size=CHUNK_SIZE,
                 progress=None, timeout=None, link_timeout=LINK_TIMEOUT, keepalive=KEEPALIVE) -> dict
    upload_ova(client, catalog, path, name=None, description="", chunk_size=CHUNK_SIZE,
               progress=None, timeout=None, link_timeout=LINK_TIMEOUT, keepalive=KEEPALIVE) -> dict
        Upload and wait for VCD's task.  Return ``{id, href, name, entity: {id, href,
        type}, size, transfer: {bytes, chunks, seconds, files: [{name, size, chunks}],
        progress: [lines]}}``.  On any failure after the item was created, the item is
        deleted and TransferError is raised (the message says so).

    delete_item(client, item) -> None
        Delete a catalog item (``item`` as returned by find_item), waiting for the task.

``catalog`` is the catalog's JSON (``/api/admin/catalog/<uuid>``, as vcd_catalog
reads it), its URN, UUID or href.  ``progress`` is an optional callable
``progress(file_name, sent_bytes, total_bytes)`` called after every chunk.

Flow (VCD documents it for XML; the collection speaks the JSON form of the
legacy API throughout): POST the params to the catalog's ``add`` link of the
right type -> re-read the new entity until the ``upload:default`` links appear
(they appear late) -> PUT the descriptor -> re-read until the disk links appear
-> PUT each file in chunks with ``Content-Range: bytes s-e/total``, calling the
API between chunks so that the session stays alive -> wait for the entity's
task -> on failure delete the item.
"""

from __future__ import annotations

import os
import tarfile
import time
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

from .client import VcdError, VcdNotFound, fiql_value, uuid_of

CHUNK_SIZE = 16 * 1024 * 1024
LINK_TIMEOUT = 600
KEEPALIVE = 30
OVF_NS = "http://schemas.dmtf.org/ovf/envelope/1"
TEMPLATE_PARAMS_TYPE = "application/vnd.vmware.vcloud.uploadVAppTemplateParams+json"
MEDIA_TYPE = "application/vnd.vmware.vcloud.media+json"
TEMPLATE_READY = 8      # [modelled A9]
MEDIA_READY = 1
FAILED = -1


class TransferError(VcdError):
    """An upload failed; the message says what happened to the catalog item."""


# ------------------------------------------------------------------ OVA
class Ova:
    """What an OVA holds: the descriptor and the files it references."""

    def __init__(self, path, ovf_name, descriptor, files, members):
        self.path = path
        self.ovf_name = ovf_name
        self.descriptor = descriptor
        self.files = files            # {name: size} referenced by the descriptor
        self._members = members      # {name: tar member name}
        self.size = sum(files.values()) + len(descriptor)

    def open(self, name):
        """(tar, file object) for a referenced file; close the tar when done."""
        tar = tarfile.open(self.path)
        return tar, tar.extractfile(self._members[name])


def _local(tag):
    return tag.split("}")[-1]


def ovf_references(descriptor):
    """``[(href, size or None)]`` of the descriptor's References/File elements."""
    try:
        root = ET.fromstring(descriptor)
    except ET.ParseError as exc:
        raise TransferError("the OVF descriptor is not valid XML: %s" % exc)
    if _local(root.tag) != "Envelope":
        raise TransferError("the OVF descriptor's root element is %s, not Envelope" % _local(root.tag))
    refs = []
    for elem in root.iter():
        if _local(elem.tag) != "File":
            continue
        href = elem.get("{%s}href" % OVF_NS) or elem.get("href")
        size = elem.get("{%s}size" % OVF_NS) or elem.get("size")
        if href:
            refs.append((href, int(size) if size and str(size).isdigit() else None))
    return refs


def read_ova(path):
    """Index an OVA without extracting it; raise TransferError when it is unusable."""
    if not path or not os.path.isfile(path):
        raise TransferError("OVA file %s does not exist (or is not a file)" % path)
    try:
        with tarfile.open(path) as tar:
            members = {os.path.basename(m.name): m for m in tar.getmembers() if m.isfile()}
            ovfs = [n for n in members if n.lower().endswith(".ovf")]
            if not ovfs:
                raise TransferError("OVA %s holds no .ovf descriptor" % path)
            ovf_name = sorted(ovfs)[0]
            descriptor = tar.extractfile(members[ovf_name]).read()
    except tarfile.TarError as exc:
        raise TransferError("%s is not an OVA (a tar archive): %s" % (path, exc))
    files = {}
    for href, size in ovf_references(descriptor):
        name = os.path.basename(href)
        if name not in members:
            raise TransferError("OVA %s: the descriptor references %s, which the archive does not hold" % (path, href))
        files[href] = members[name].size
    return Ova(path, ovf_name, descriptor, files, {href: members[os.path.basename(href)].name for href in files})


# ------------------------------------------------------------------ helpers
class _Meter:
    """Counts bytes and chunks; keeps progress lines at every 10 %."""

    def __init__(self, callback=None):
        self.callback = callback
        self.started = time.monotonic()
        self.bytes = 0
        self.chunks = 0
        self.files = []
        self.lines = []

    def file(self, name, size):
        entry = {"name": name, "size": size, "chunks": 0}
        self.files.append(entry)
        return entry

    def sent(self, entry, done, total, count):
        entry["chunks"] += 1
        self.chunks += 1
        self.bytes += count
        if self.callback:
            self.callback(entry["name"], done, total)
        pct = 100 if not total else int(done * 100 / total)
        step = pct - pct % 10
        steps = entry.setdefault("_steps", set())
        if step not in steps:
            steps.add(step)
            self.lines.append("%s %d%% (%d of %d bytes)" % (entry["name"], step, done, total))

    def result(self):
        files = [{k: v for k, v in f.items() if not k.startswith("_")} for f in self.files]
        return {"bytes": self.bytes, "chunks": self.chunks, "seconds": round(time.monotonic() - self.started, 2),
                "files": files, "progress": list(self.lines)}


def _path(href):
    """Path (and query) of an href; VCD hands out absolute URLs."""
    if "://" not in str(href):
        return href
    parts = urlsplit(href)
    return parts.path + ("?" + parts.query if parts.query else "")


def _links(obj):
    return (obj or {}).get("link") or []


def _link(obj, rel, type_suffix=None):
    for item in _links(obj):
        if item and item.get("rel") == rel and (type_suffix is None or str(item.get("type", "")).endswith(type_suffix)):
            return item.get("href")
    return None


def _files(entity):
    files = (entity or {}).get("files") or {}
    return files.get("file") or [] if isinstance(files, dict) else files


def _upload_links(entity):
    """{file name: (upload href, size, bytesTransferred)} for files that have a link."""
    out = {}
    for f in _files(entity):
        href = _link(f, "upload:default")
        if href:
            out[f.get("name")] = (href, f.get("size"), f.get("bytesTransferred") or 0)
    return out


def _catalog(client, catalog):
    if isinstance(catalog, dict) and _links(catalog):
        return catalog
    ref = catalog.get("id") or catalog.get("href") if isinstance(catalog, dict) else catalog
    if not ref:
        raise TransferError("no catalog given for the upload")
    return client.get("/api/admin/catalog/%s" % uuid_of(ref), legacy=True, what="catalog %s" % uuid_of(ref))


def _query(client, qtype, **equals):
    """Legacy query, records format, every page; values are encoded when they need it."""
    parts, encoded = [], False
    for key, value in equals.items():
        text, enc = fiql_value(value)
        encoded = encoded or enc
        parts.append("%s==%s" % (key, text))
    records, page = [], 1
    while True:
        params = {"type": qtype, "format": "records", "page": page, "pageSize": 128}
        if parts:
            params["filter"] = ";".join(parts)
            if encoded:
                params["filterEncoded"] = "true"
        body = client.get("/api/query", params=params, legacy=True, what="query %s" % qtype)
        records.extend(body.get("record") or [])
        if page * 128 >= int(body.get("total") or 0):
            return records
        page += 1


def find_item(client, catalog, name):
    """The catalog item ``name`` in ``catalog`` (None when absent)."""
    cat = _catalog(client, catalog)
    cat_uuid = uuid_of(cat.get("id") or cat.get("href"))
    found = []
    for rec in _query(client, "adminCatalogItem", name=name):
        if rec.get("name") != name or uuid_of(rec.get("catalog")) != cat_uuid:
            continue
        found.append({
            "id": "urn:vcloud:catalogitem:%s" % uuid_of(rec.get("href")), "href": rec.get("href"),
            "name": rec.get("name"), "catalog_href": rec.get("catalog"), "entity_href": rec.get("entity"),
            "entity_name": rec.get("entityName"), "entity_type": rec.get("entityType"),
            "status": rec.get("status"),
        })
    if len(found) > 1:
        raise VcdError("catalog %s holds %d items named %s" % (cat.get("name"), len(found), name))
    return found[0] if found else None


def delete_item(client, item):
    href = item.get("href") if isinstance(item, dict) else item
    try:
        client.write("DELETE", _path(href), legacy=True, what="delete catalog item %s" % (
            item.get("name") if isinstance(item, dict) else uuid_of(href)))
    except VcdNotFound:
        return


def _wait_links(client, href, want, what, link_timeout):
    """Re-read ``href`` until every name in ``want`` (or, with want=None, any file) has an upload link."""
    deadline = time.monotonic() + link_timeout
    delay = 0.2
    while True:
        entity = client.get(_path(href), legacy=True, what=what)
        _raise_if_failed(client, entity, what)
        links = _upload_links(entity)
        if (want is None and links) or (want is not None and all(n in links for n in want)):
            return entity, links
        if time.monotonic() >= deadline:
            raise TransferError("%s: VCD offered no upload link for %s within %ss"
                                % (what, ", ".join(sorted(want or ["any file"])), link_timeout))
        time.sleep(delay)
        delay = min(delay * 1.5, 5.0)


def _tasks(entity):
    tasks = (entity or {}).get("tasks") or {}
    return tasks.get("task") or [] if isinstance(tasks, dict) else tasks


def _raise_if_failed(client, entity, what):
    for task in _tasks(entity):
        if task.get("status") in ("error", "aborted"):
            err = task.get("error") or {}
            raise TransferError("%s: VCD task %s %s: %s" % (what, uuid_of(task.get("id") or task.get("href")),
                                                            task.get("status"), err.get("message") or "no message"))
    if entity.get("status") == FAILED:
        raise TransferError("%s: VCD marked it as failed" % what)


def _put_file(client, href, name, size, reader, meter, chunk_size, keepalive, keepalive_href):
    """PUT one file in chunks with Content-Range, touching the API between chunks."""
    entry = meter.file(name, size)
    sent = 0
    last_call = time.monotonic()
    if size == 0:
        client.request("PUT", _path(href), data=b"", headers={
            "Content-Type": "application/octet-stream", "Content-Range": "bytes */0"}, what="upload %s" % name)
        meter.sent(entry, 0, 0, 0)
        return
    while sent < size:
        chunk = reader.read(min(chunk_size, size - sent))
        if not chunk:
            raise TransferError("upload %s: the local file ended after %d of %d bytes" % (name, sent, size))
        end = sent + len(chunk) - 1
        client.request("PUT", _path(href), data=chunk, headers={
            "Content-Type": "application/octet-stream",
            "Content-Range": "bytes %d-%d/%d" % (sent, end, size)}, what="upload %s bytes %d-%d" % (name, sent, end))
        sent = end + 1
        meter.sent(entry, sent, size, len(chunk))
        if sent < size and time.monotonic() - last_call >= keepalive:
            # a long upload outlives an idle session: talk to the API between chunks
            client.get(_path(keepalive_href), legacy=True, what="%s (keep-alive)" % name)
            last_call = time.monotonic()


def _wait_done(client, href, what, timeout, ready):
    """Wait for the entity's running task, then for it to be ready."""
    deadline = time.monotonic() + (client.task_timeout if timeout is None else timeout)
    delay = 0.2
    while True:
        entity = client.get(_path(href), legacy=True, what=what)
        _raise_if_failed(client, entity, what)
        running = [t for t in _tasks(entity) if t.get("status") not in ("success", "error", "aborted")]
        if running:
            left = max(1, deadline - time.monotonic())
            try:
                client.wait_task(running[-1]["href"], what=what, timeout=left)
            except VcdError as exc:
                raise TransferError(str(exc))
            continue
        status = entity.get("status")
        if status is None or status == ready:
            return entity
        if time.monotonic() >= deadline:
            raise TransferError("%s: still not ready (status %s) after %ss" % (what, status, timeout))
        time.sleep(delay)
        delay = min(delay * 1.5, 3.0)


def _cleanup(client, catalog, name, item_href, exc, what, created=True):
    """Delete the half-made item; return the sentence that ends the error message."""
    if not created:
        return str(exc)
    try:
        item = {"href": item_href, "name": name} if item_href else find_item(client, catalog, name)
        if item:
            delete_item(client, item)
            return "%s; the catalog item %s was deleted" % (exc, name)
        return "%s; no catalog item was left behind" % exc
    except VcdError as cleanup:
        return "%s; deleting the half-uploaded catalog item %s also failed (%s): delete it by hand" % (
            exc, name, cleanup)


def _add_link(cat, type_suffix, what):
    href = _link(cat, "add", type_suffix)
    if not href:
        raise TransferError("catalog %s offers no link to add %s: does this user have the right to upload?"
                            % (cat.get("name"), what))
    return href


# ------------------------------------------------------------------ uploads
def upload_ova(client, catalog, path, name=None, description="", chunk_size=CHUNK_SIZE, progress=None,
               timeout=None, link_timeout=LINK_TIMEOUT, keepalive=KEEPALIVE):
    """OVA -> vApp template in ``catalog``; see the module docstring."""
    ova = read_ova(path)
    if not name:
        name = os.path.basename(path)
        if name.lower().endswith(".ova"):
            name = name[:-4]
    cat = _catalog(client, catalog)
    href = _add_link(cat, "uploadVAppTemplateParams+json", "a vApp template")
    meter = _Meter(progress)
    what = "upload of %s into catalog %s" % (name, cat.get("name"))
    item_href = None
    try:
        item = client.request("POST", _path(href), json={"name": name, "description": description or "",
                                                         "manifestRequired": False},
                              headers={"Content-Type": TEMPLATE_PARAMS_TYPE}, what="create catalog item %s" % name).json()
        item_href = item.get("href")
        entity = item.get("entity") or {}
        tmpl_href = entity.get("href")
        if not tmpl_href:
            raise TransferError("%s: VCD answered a catalog item without its template" % what)
        # the descriptor's link appears late
        links = _wait_links(client, tmpl_href, ["descriptor.ovf"], what, link_timeout)[1]
        client.request("PUT", _path(links["descriptor.ovf"][0]), data=ova.descriptor,
                       headers={"Content-Type": "text/xml"}, what="upload the OVF descriptor of %s" % name)
        meter.sent(meter.file("descriptor.ovf", len(ova.descriptor)), len(ova.descriptor), len(ova.descriptor),
                   len(ova.descriptor))
        if ova.files:
            links = _wait_links(client, tmpl_href, list(ova.files), what, link_timeout)[1]
            for fname, size in ova.files.items():
                tar, reader = ova.open(fname)
                try:
                    _put_file(client, links[fname][0], fname, size, reader, meter, chunk_size, keepalive, tmpl_href)
                finally:
                    tar.close()
        done = _wait_done(client, tmpl_href, what, timeout, TEMPLATE_READY)
    except (VcdError, OSError, tarfile.TarError) as exc:
        raise TransferError(_cleanup(client, cat, name, item_href, exc, what, created=item_href is not None))
    return {"id": "urn:vcloud:catalogitem:%s" % uuid_of(item_href), "href": item_href, "name": name,
            "entity": {"id": done.get("id"), "href": done.get("href") or tmpl_href,
                       "type": "application/vnd.vmware.vcloud.vAppTemplate+json"},
            "size": ova.size, "transfer": meter.result()}


def upload_media(client, catalog, path, name=None, description="", chunk_size=CHUNK_SIZE, progress=None,
                 timeout=None, link_timeout=LINK_TIMEOUT, keepalive=KEEPALIVE, image_type="iso"):
    """An ISO (or floppy) file -> media in ``catalog``; see the module docstring."""
    if not path or not os.path.isfile(path):
        raise TransferError("media file %s does not exist (or is not a file)" % path)
    size = os.path.getsize(path)
    name = name or os.path.basename(path)
    cat = _catalog(client, catalog)
    href = _add_link(cat, "media+json", "media")
    meter = _Meter(progress)
    what = "upload of %s into catalog %s" % (name, cat.get("name"))
    media = None
    created = False
    try:
        media = client.request("POST", _path(href), json={"name": name, "description": description or "",
                                                          "imageType": image_type, "size": size},
                               headers={"Content-Type": MEDIA_TYPE}, what="create media %s" % name).json()
        created = True
        media_href = media.get("href")
        links = _upload_links(media)
        if not links:
            media, links = _wait_links(client, media_href, None, what, link_timeout)
        fname, link = sorted(links.items())[0]
        up_href = link[0]
        with open(path, "rb") as reader:
            _put_file(client, up_href, fname or name, size, reader, meter, chunk_size, keepalive, media_href)
        done = _wait_done(client, media_href, what, timeout, MEDIA_READY)
        item = find_item(client, cat, name)
    except (VcdError, OSError) as exc:
        raise TransferError(_cleanup(client, cat, name, None, exc, what, created=created))
    return {"id": item["id"] if item else None, "href": item["href"] if item else None, "name": name,
            "entity": {"id": done.get("id"), "href": done.get("href") or media_href,
                       "type": "application/vnd.vmware.vcloud.media+json"},
            "size": size, "transfer": meter.result()}


__all__ = ["CHUNK_SIZE", "LINK_TIMEOUT", "KEEPALIVE", "TransferError", "Ova", "read_ova", "ovf_references",
           "find_item", "delete_item", "upload_ova", "upload_media"]
