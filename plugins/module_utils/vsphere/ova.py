# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read an OVA (a tar archive whose first member is an OVF descriptor) without unpacking it.

``Ova(path)`` checks that the file is an OVA, parses the descriptor and gives its product,
properties, networks and files; ``open(href)`` streams one member for the NFC upload.
Everything here is checked before vSphere is touched.
"""

from __future__ import annotations

import hashlib
import os
import re
import tarfile
import xml.etree.ElementTree as ET

OVF_NS = "http://schemas.dmtf.org/ovf/envelope/1"
_MANIFEST_LINE = re.compile(r"^(SHA1|SHA256|SHA512)\((.+)\)\s*=\s*([0-9a-fA-F]+)\s*$")


class OvaError(Exception):
    """The file is not a usable OVA."""


def _local(tag):
    return tag.rsplit("}", 1)[-1]


def _attr(elem, name):
    """An OVF attribute, with or without the ovf: namespace."""
    for key, value in elem.attrib.items():
        if _local(key) == name:
            return value
    return None


def _child(elem, name):
    for c in elem:
        if _local(c.tag) == name:
            return c
    return None


def _children(elem, name):
    return [c for c in elem if _local(c.tag) == name]


def _text(elem, name, default=""):
    c = _child(elem, name) if elem is not None else None
    return (c.text or "").strip() if c is not None and c.text else default


class OvfProperty:
    def __init__(self, key, type_, default, user_configurable, password, label, qualifiers, choices):
        self.key = key
        self.type = type_
        self.default = default
        self.user_configurable = user_configurable
        self.password = password
        self.label = label
        self.qualifiers = qualifiers
        self.choices = choices

    def as_dict(self):
        return dict(key=self.key, type=self.type, default=self.default, user_configurable=self.user_configurable,
                    password=self.password, label=self.label)


def parse_descriptor(text, what="the OVF descriptor"):
    """(root element, info dict) of an OVF descriptor."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise OvaError("%s is not valid XML: %s" % (what, exc))
    if _local(root.tag) != "Envelope":
        raise OvaError("%s is not an OVF envelope (root element %s)" % (what, _local(root.tag)))
    systems = [e for e in root.iter() if _local(e.tag) == "VirtualSystem"]
    if not systems:
        raise OvaError("%s has no VirtualSystem: a virtual appliance (vApp) OVF is not supported" % what)
    system = systems[0]
    info = {"files": [], "networks": [], "properties": [], "product": {}, "deployment_options": []}
    refs = _child(root, "References")
    for f in _children(refs, "File") if refs is not None else []:
        info["files"].append({"id": _attr(f, "id"), "href": _attr(f, "href"),
                              "size": int(_attr(f, "size") or 0)})
    for section in root.iter():
        tag = _local(section.tag)
        if tag == "NetworkSection":
            info["networks"] += [_attr(n, "name") for n in _children(section, "Network")]
        elif tag == "DeploymentOptionSection":
            info["deployment_options"] += [{"id": _attr(c, "id"), "default": _attr(c, "default") == "true",
                                            "label": _text(c, "Label")} for c in _children(section, "Configuration")]
    for product in _children(system, "ProductSection"):
        cls = _attr(product, "class") or ""
        inst = _attr(product, "instance") or ""
        if not info["product"]:
            info["product"] = {"name": _text(product, "Product"), "vendor": _text(product, "Vendor"),
                               "version": _text(product, "Version"), "full_version": _text(product, "FullVersion")}
        for prop in product.iter():
            if _local(prop.tag) != "Property":
                continue
            key = _attr(prop, "key")
            if not key:
                continue
            full = ".".join(p for p in (cls, key, inst) if p)
            qualifiers = _attr(prop, "qualifiers") or ""
            choices = re.findall(r'"([^"]*)"', qualifiers.split("ValueMap{", 1)[1]) if "ValueMap{" in qualifiers else []
            info["properties"].append(OvfProperty(
                full, _attr(prop, "type") or "string", _attr(prop, "value") or "",
                (_attr(prop, "userConfigurable") or "false").lower() == "true",
                (_attr(prop, "password") or "false").lower() == "true", _text(prop, "Label"), qualifiers, choices))
    return root, info


class Ova:
    """An OVA on disk."""

    def __init__(self, path):
        self.path = path
        if not path or not os.path.isfile(path):
            raise OvaError("the OVA %s does not exist or is not a file" % path)
        try:
            self.tar = tarfile.open(path, "r:")
        except (tarfile.TarError, OSError) as exc:
            raise OvaError("%s is not an OVA: it is not a tar archive (%s)" % (path, exc))
        members = [m for m in self.tar.getmembers() if m.isfile()]
        if not members or not members[0].name.lower().endswith(".ovf"):
            self.tar.close()
            raise OvaError("%s is not an OVA: its first member must be the .ovf descriptor (found %s)"
                           % (path, members[0].name if members else "nothing"))
        self.members = {os.path.basename(m.name): m for m in members}
        self.ovf_name = os.path.basename(members[0].name)
        self.descriptor = self.tar.extractfile(members[0]).read().decode("utf-8", "replace")
        self.root, info = parse_descriptor(self.descriptor, "the descriptor %s of %s" % (self.ovf_name, path))
        self.files = info["files"]
        self.networks = info["networks"]
        self.properties = info["properties"]
        self.product = info["product"]
        self.deployment_options = info["deployment_options"]
        self.manifest = self._manifest()
        for f in self.files:
            if os.path.basename(f["href"] or "") not in self.members:
                raise OvaError("%s is not a complete OVA: the descriptor references %s, which is not in the archive"
                               % (path, f["href"]))

    def _manifest(self):
        out = {}
        for name, member in self.members.items():
            if name.lower().endswith(".mf"):
                for line in self.tar.extractfile(member).read().decode("utf-8", "replace").splitlines():
                    m = _MANIFEST_LINE.match(line.strip())
                    if m:
                        out[os.path.basename(m.group(2))] = (m.group(1).lower(), m.group(3).lower())
        return out

    def property(self, key):
        for p in self.properties:
            if p.key == key:
                return p
        return None

    def size(self, href):
        return self.members[os.path.basename(href)].size

    def open(self, href):
        """A file object for a member (read it once, in order)."""
        return self.tar.extractfile(self.members[os.path.basename(href)])

    def verify(self, href, data_digest):
        """Compare a digest computed while streaming with the manifest (if it lists the file)."""
        want = self.manifest.get(os.path.basename(href))
        if want and want[1] != data_digest(want[0]):
            raise OvaError("%s in %s does not match its manifest checksum" % (href, self.path))

    def close(self):
        self.tar.close()


class HashingReader:
    """Wraps a file object: counts bytes, computes digests and reports progress."""

    def __init__(self, fileobj, size, on_read=None, algorithms=("sha1", "sha256", "sha512")):
        self.fileobj = fileobj
        self.size = size
        self.read_bytes = 0
        self.on_read = on_read
        self.hashes = {a: hashlib.new(a) for a in algorithms}

    def read(self, n=-1):
        chunk = self.fileobj.read(n if n and n > 0 else 1024 * 1024)
        if chunk:
            self.read_bytes += len(chunk)
            for h in self.hashes.values():
                h.update(chunk)
            if self.on_read:
                self.on_read(len(chunk))
        return chunk

    def __len__(self):
        return self.size

    def digest(self, algorithm):
        return self.hashes[algorithm].hexdigest()
