"""Unit tests of the VCD client: no network, a fake transport."""

from __future__ import annotations

import json

import pytest

from ansible_collections.vcdops.platform.plugins.module_utils.vcd import client as vc

VERSIONS = b"""<?xml version="1.0"?>
<SupportedVersions xmlns="http://www.vmware.com/vcloud/versions">
  <VersionInfo deprecated="false"><Version>36.3</Version></VersionInfo>
  <VersionInfo deprecated="false"><Version>37.2</Version></VersionInfo>
  <VersionInfo deprecated="false"><Version>38.1</Version></VersionInfo>
  <VersionInfo deprecated="true"><Version>39.0</Version></VersionInfo>
</SupportedVersions>"""


class Resp:
    def __init__(self, status=200, body=None, headers=None, content=None):
        self.status_code = status
        self.headers = headers or {}
        if content is not None:
            self.content = content
        elif body is None:
            self.content = b""
        else:
            self.content = json.dumps(body).encode()
        self.reason = "reason"
        self.text = self.content.decode(errors="replace")

    def json(self):
        if not self.content:
            raise ValueError("empty")
        return json.loads(self.content)


class Fake(vc.VcdClient):
    """A client whose transport answers from a script."""

    def __init__(self, answers, **kw):
        super().__init__("vcd.example.com", username="admin", password="pw", **kw)
        self.answers = list(answers)
        self.sent = []

    def _send(self, method, path, auth=True, headers=None, **kwargs):
        self.sent.append((method, path, kwargs.get("params"), kwargs.get("json")))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def test_fiql_plain_and_encoded():
    assert vc.fiql(name="a", **{"org.id": "urn:vcloud:org:1"}) == ("name==a;org.id==urn:vcloud:org:1", False)
    text, encoded = vc.fiql(name="a b,c")
    assert encoded and text == "name==a%20b%2Cc"


def test_uuid_of_and_urn():
    assert vc.uuid_of("urn:vcloud:org:abc") == "abc"
    assert vc.uuid_of("https://h/api/admin/org/abc/") == "abc"
    assert vc.urn("vdc", "https://h/api/vdc/1") == "urn:vcloud:vdc:1"


def test_negotiates_highest_non_deprecated_version():
    c = Fake([Resp(content=VERSIONS)])
    assert c.negotiate_version() == "38.1"


def test_refuses_old_vcd():
    old = VERSIONS.replace(b"37.2", b"35.0").replace(b"38.1", b"36.0")
    c = Fake([Resp(content=old)])
    with pytest.raises(vc.VcdError, match="needs 37.0"):
        c.negotiate_version()


def test_wanted_version_must_be_offered():
    c = Fake([Resp(content=VERSIONS)], api_version="40.0")
    with pytest.raises(vc.VcdError, match="does not offer API version 40.0"):
        c.negotiate_version()


def test_login_reads_token_from_header_only():
    c = Fake([Resp(content=VERSIONS), Resp(200, {"user": {"name": "admin"}, "org": {"id": "o"}},
                                           headers={"X-VMWARE-VCLOUD-ACCESS-TOKEN": "jwt"})])
    c.connect()
    assert c.access_token == "jwt" and c.user == "admin"
    assert c.sent[1][1] == "/cloudapi/1.0.0/sessions/provider"


def test_bad_password_is_one_sentence():
    c = Fake([Resp(content=VERSIONS), Resp(401, {"message": "nope"})])
    with pytest.raises(vc.VcdError, match="wrong user name, org or password"):
        c.connect()


def test_missing_password_named():
    c = vc.VcdClient("vcd.example.com", username="admin")
    c.api_version = "37.2"
    with pytest.raises(vc.VcdError, match="VCD_PASSWORD"):
        c.login()


def test_forbidden_get_means_not_found():
    c = Fake([Resp(403, {"minorErrorCode": "ACCESS_TO_RESOURCE_IS_FORBIDDEN", "message": "no"})])
    c.access_token, c.api_version = "t", "37.2"
    assert c.get_or_none("/cloudapi/1.0.0/orgs/urn:vcloud:org:x") is None


def test_error_sentence_carries_code_and_message():
    c = Fake([Resp(400, {"minorErrorCode": "BAD_REQUEST", "message": "name taken"})])
    c.access_token, c.api_version = "t", "37.2"
    with pytest.raises(vc.VcdError) as err:
        c.write("POST", "/cloudapi/1.0.0/orgs", {"name": "x"}, what="create org x")
    assert str(err.value) == "POST /cloudapi/1.0.0/orgs (create org x) failed with 400 BAD_REQUEST: name taken"


def test_list_reads_every_page():
    c = Fake([Resp(200, {"pageCount": 2, "values": [{"n": 1}]}), Resp(200, {"pageCount": 2, "values": [{"n": 2}]})])
    c.access_token, c.api_version = "t", "37.2"
    assert c.list("/cloudapi/1.0.0/orgs", filter="name==a") == [{"n": 1}, {"n": 2}]
    assert [s[2]["page"] for s in c.sent] == [1, 2]
    assert all(s[2]["pageSize"] == 128 for s in c.sent)


def test_session_expiry_logs_in_again_once():
    c = Fake([Resp(401), Resp(200, {}, headers={"X-VMWARE-VCLOUD-ACCESS-TOKEN": "new"}), Resp(200, {"ok": 1})])
    c.access_token, c.api_version = "old", "37.2"
    assert c.get("/cloudapi/1.0.0/orgs") == {"ok": 1}
    assert c.access_token == "new"


def test_lost_post_answer_reads_instead_of_posting_again():
    c = Fake([vc.VcdConnectionLost("lost")])
    c.access_token, c.api_version = "t", "37.2"
    found = c.create("/cloudapi/1.0.0/orgs", {"name": "x"}, "org x", find=lambda: {"id": "urn:vcloud:org:1"})
    assert found == {"id": "urn:vcloud:org:1"}
    assert [s[0] for s in c.sent] == ["POST"]


def test_task_error_carries_task_message():
    task = {"id": "urn:vcloud:task:1", "status": "error", "error": {"message": "edge cluster full"}}
    c = Fake([Resp(202, headers={"Location": "https://vcd/api/task/1"}), Resp(200, task)])
    c.access_token, c.api_version = "t", "37.2"
    with pytest.raises(vc.VcdTaskError, match="edge cluster full"):
        c.write("POST", "/cloudapi/1.0.0/edgeGateways", {"name": "e"}, what="create edge e")


def test_create_after_202_reads_the_owner():
    task = {"id": "urn:vcloud:task:1", "status": "success", "owner": {"id": "urn:vcloud:gateway:9"}}
    c = Fake([Resp(202, headers={"Location": "https://vcd/api/task/1"}), Resp(200, task),
              Resp(200, {"id": "urn:vcloud:gateway:9", "name": "e"})])
    c.access_token, c.api_version = "t", "37.2"
    assert c.create("/cloudapi/1.0.0/edgeGateways", {"name": "e"}, "edge e")["name"] == "e"
    assert c.sent[-1][1] == "/cloudapi/1.0.0/edgeGateways/urn:vcloud:gateway:9"
