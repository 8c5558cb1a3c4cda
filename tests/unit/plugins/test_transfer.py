"""Unit tests of module_utils/vcd/transfer.py: a fake VCD behind the client's transport."""

from __future__ import annotations

import io
import json
import re
import tarfile

import pytest

from ansible_collections.vcdops.platform.plugins.module_utils.vcd import client as vc
from ansible_collections.vcdops.platform.plugins.module_utils.vcd import transfer

BASE = "https://vcd.example.com"
OVF = b"""<?xml version="1.0"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1">
  <References><File ovf:href="disk1.vmdk" ovf:id="f1" ovf:size="%d"/></References>
  <VirtualSystem ovf:id="vm"><Name>vm</Name></VirtualSystem>
</Envelope>"""


class Resp:
    def __init__(self, status=200, body=None, headers=None):
        self.status_code = status
        self.headers = headers or {}
        self.content = json.dumps(body).encode() if body is not None else b""
        self.reason = "reason"
        self.text = self.content.decode()

    def json(self):
        if not self.content:
            raise ValueError("empty")
        return json.loads(self.content)


def make_ova(tmp_path, size=1000, omit_disk=False, name="cse-4.2.1.ova", descriptor=None):
    path = tmp_path / name
    with tarfile.open(path, "w") as tar:
        for member, data in (("cse.ovf", descriptor if descriptor is not None else OVF % size),
                             ("disk1.vmdk", bytes(range(256)) * (size // 256) + bytes(size % 256))):
            if omit_disk and member == "disk1.vmdk":
                continue
            info = tarfile.TarInfo(member)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return str(path)


class FakeVcd(vc.VcdClient):
    """Just enough of VCD's catalog upload API, in memory."""

    def __init__(self, link_delay=1, task_status="success", duplicate=False):
        super().__init__("vcd.example.com", username="admin", password="pw", task_timeout=5)
        self.api_version = "37.2"
        self.access_token = "token"
        self.sent = []
        self.link_delay = link_delay      # GETs of the template before the upload links appear
        self.task_status = task_status
        self.duplicate = duplicate
        self.gets = 0
        self.files = {}
        self.received = {}
        self.deleted = []
        self.task_polls = 0

    def catalog(self):
        return {"name": "cat", "id": "urn:vcloud:catalog:c1", "href": BASE + "/api/admin/catalog/c1", "link": [
            {"rel": "add", "href": BASE + "/api/catalog/c1/action/upload",
             "type": "application/vnd.vmware.vcloud.uploadVAppTemplateParams+json"},
            {"rel": "add", "href": BASE + "/api/catalog/c1/action/upload", "type": "application/vnd.vmware.vcloud.media+json"}]}

    def entity(self, kind):
        self.gets += 1
        files = []
        for name, size in self.files.items():
            entry = {"name": name, "size": size, "bytesTransferred": len(self.received.get(name, b""))}
            if self.gets > self.link_delay and len(self.received.get(name, b"")) < max(size, 1):
                entry["link"] = [{"rel": "upload:default", "href": BASE + "/transfer/t1/" + name}]
            files.append(entry)
        done = all(len(self.received.get(n, b"")) >= max(s, 0) for n, s in self.files.items())
        task = {"href": BASE + "/api/task/u1", "id": "urn:vcloud:task:u1", "status": "running"}
        body = {"href": BASE + ("/api/vAppTemplate/vappTemplate-v1" if kind == "t" else "/api/media/m1"),
                "id": "urn:vcloud:vapptemplate:v1" if kind == "t" else "urn:vcloud:media:m1",
                "status": 0, "files": {"file": files}, "tasks": {"task": [task]}}
        if done and "disk1.vmdk" in self.files or (kind == "m" and done):
            if self.task_status == "success" and self.task_polls:
                body.update(status=8 if kind == "t" else 1, tasks=None)
        return body

    def _send(self, method, path, auth=True, headers=None, **kwargs):
        path = path.replace(BASE, "")
        self.sent.append((method, path, dict(headers or {}), kwargs.get("params"),
                          len(kwargs.get("data") or b"") if kwargs.get("data") is not None else None))
        if method == "GET" and path == "/api/admin/catalog/c1":
            return Resp(200, self.catalog())
        if method == "POST" and path == "/api/catalog/c1/action/upload":
            if self.duplicate:
                return Resp(400, {"minorErrorCode": "DUPLICATE_NAME", "message": "name in use"})
            body = kwargs["json"]
            if "imageType" in body:
                self.files = {"file": body["size"]}
                return Resp(201, self.entity("m"))
            self.files = {"descriptor.ovf": -1}
            return Resp(201, {"href": BASE + "/api/catalogItem/i1", "name": body["name"],
                              "entity": {"href": BASE + "/api/vAppTemplate/vappTemplate-v1"}})
        if method == "GET" and path.startswith("/api/vAppTemplate/"):
            return Resp(200, self.entity("t"))
        if method == "GET" and path.startswith("/api/media/"):
            return Resp(200, self.entity("m"))
        if method == "PUT" and path.startswith("/transfer/t1/"):
            name = path.rsplit("/", 1)[1]
            data = kwargs["data"]
            if name == "descriptor.ovf":
                self.received[name] = data
                self.files["descriptor.ovf"] = len(data)
                size = int(re.search(rb'ovf:size="(\d+)"', data).group(1))
                self.files["disk1.vmdk"] = size
                self.gets = 0
                return Resp(200)
            rng = re.match(r"bytes (\d+)-(\d+)/(\d+)", headers["Content-Range"])
            start, end, total = map(int, rng.groups())
            assert start == len(self.received.get(name, b"")) and end - start + 1 == len(data)
            assert total == self.files[name]
            self.received[name] = self.received.get(name, b"") + data
            return Resp(200)
        if method == "GET" and path == "/api/task/u1":
            self.task_polls += 1
            status = self.task_status
            return Resp(200, {"id": "urn:vcloud:task:u1", "status": status,
                              "error": {"message": "disk is corrupt"} if status == "error" else None})
        if method == "GET" and path == "/api/query":
            return Resp(200, {"total": 1, "record": [{"name": "x.iso", "href": BASE + "/api/catalogItem/i9",
                                                      "catalog": BASE + "/api/catalog/c1", "entity": BASE + "/api/media/m1",
                                                      "entityType": "media", "status": "RESOLVED"}]})
        if method == "DELETE" and path.startswith("/api/catalogItem/"):
            self.deleted.append(path)
            return Resp(204)
        raise AssertionError("unexpected %s %s" % (method, path))


def test_read_ova_indexes_descriptor_and_files(tmp_path):
    ova = transfer.read_ova(make_ova(tmp_path, size=3000))
    assert ova.ovf_name == "cse.ovf"
    assert ova.files == {"disk1.vmdk": 3000}
    assert ova.size == 3000 + len(ova.descriptor)


@pytest.mark.parametrize("case, message", [
    ("missing", "does not exist"),
    ("not_tar", "not an OVA"),
    ("no_disk", "references disk1.vmdk"),
    ("bad_xml", "not valid XML"),
])
def test_read_ova_refuses_unusable_files(tmp_path, case, message):
    if case == "missing":
        path = str(tmp_path / "nope.ova")
    elif case == "not_tar":
        path = str(tmp_path / "x.ova")
        (tmp_path / "x.ova").write_bytes(b"not a tar at all" * 100)
    elif case == "no_disk":
        path = make_ova(tmp_path, omit_disk=True)
    else:
        path = make_ova(tmp_path, descriptor=b"<Envelope><oops></Envelope>")
    with pytest.raises(transfer.TransferError, match=message):
        transfer.read_ova(path)


def test_upload_ova_waits_for_late_links_and_sends_contiguous_chunks(tmp_path):
    fake = FakeVcd(link_delay=2)
    seen = []
    result = transfer.upload_ova(fake, "urn:vcloud:catalog:c1", make_ova(tmp_path, size=2500), chunk_size=1000,
                                 keepalive=0, progress=lambda n, d, t: seen.append((n, d, t)))
    assert result["name"] == "cse-4.2.1"
    assert result["id"] == "urn:vcloud:catalogitem:i1"
    assert fake.received["disk1.vmdk"] == (bytes(range(256)) * 9 + bytes(2500 % 256))[:2500]
    ranges = [h.get("Content-Range") for m, p, h, q, n in fake.sent if m == "PUT" and "disk1" in p]
    assert ranges == ["bytes 0-999/2500", "bytes 1000-1999/2500", "bytes 2000-2499/2500"]
    # the API is touched between chunks (keep-alive), never after the last one
    order = [(m, p.split("/")[1]) for m, p, h, q, n in fake.sent]
    puts = [i for i, (m, p) in enumerate(order) if m == "PUT" and p == "transfer"]
    assert all(order[i + 1][0] == "GET" for i in puts[1:-1])
    # descriptor went up as text/xml
    desc = [h for m, p, h, q, n in fake.sent if m == "PUT" and p.endswith("descriptor.ovf")]
    assert desc[0]["Content-Type"] == "text/xml"
    assert seen[-1] == ("disk1.vmdk", 2500, 2500)
    tr = result["transfer"]
    assert tr["chunks"] == 4 and tr["bytes"] == 2500 + len(fake.received["descriptor.ovf"])
    assert any(line.startswith("disk1.vmdk 100%") for line in tr["progress"])
    assert fake.deleted == []


def test_failed_upload_task_deletes_the_item(tmp_path):
    fake = FakeVcd(task_status="error")
    with pytest.raises(transfer.TransferError) as err:
        transfer.upload_ova(fake, "urn:vcloud:catalog:c1", make_ova(tmp_path, size=500), chunk_size=1000)
    assert "disk is corrupt" in str(err.value) and "was deleted" in str(err.value)
    assert fake.deleted == ["/api/catalogItem/i1"]


def test_a_refused_create_deletes_nothing(tmp_path):
    fake = FakeVcd(duplicate=True)
    with pytest.raises(transfer.TransferError, match="DUPLICATE_NAME"):
        transfer.upload_ova(fake, "urn:vcloud:catalog:c1", make_ova(tmp_path, size=500))
    assert fake.deleted == [] and not [s for s in fake.sent if s[0] == "PUT"]


def test_links_that_never_come_fail_after_the_timeout_and_clean_up(tmp_path):
    fake = FakeVcd(link_delay=10 ** 6)
    with pytest.raises(transfer.TransferError, match="no upload link"):
        transfer.upload_ova(fake, "urn:vcloud:catalog:c1", make_ova(tmp_path, size=500), link_timeout=0.5)
    assert fake.deleted == ["/api/catalogItem/i1"]


def test_upload_media_in_chunks(tmp_path):
    iso = tmp_path / "x.iso"
    iso.write_bytes(b"x" * 2100)
    fake = FakeVcd(link_delay=1)
    result = transfer.upload_media(fake, fake.catalog(), str(iso), chunk_size=1000)
    assert fake.received["file"] == b"x" * 2100
    assert result["id"] == "urn:vcloud:catalogitem:i9" and result["size"] == 2100
    posted = [h for m, p, h, q, n in fake.sent if m == "POST"][0]
    assert posted["Content-Type"] == "application/vnd.vmware.vcloud.media+json"


def test_missing_media_file_fails_before_any_request(tmp_path):
    fake = FakeVcd()
    with pytest.raises(transfer.TransferError, match="does not exist"):
        transfer.upload_media(fake, "urn:vcloud:catalog:c1", str(tmp_path / "none.iso"))
    assert fake.sent == []
