# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one VMware Cloud Director client used by every VCD module.

It owns: API version negotiation, provider/tenant/API-token login, the versioned
``Accept`` header, tenant context, retries (urllib3 ``Retry`` for idempotent
requests, never a blind re-POST), paging, FIQL filters, legacy ``/api`` calls in
JSON, task polling and the error sentence.  RDE helpers live in ``rde.py``.
"""

from __future__ import annotations

import base64
import re
import time
import xml.etree.ElementTree as ET
from urllib.parse import quote, urlsplit

try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - reported by the module
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = exc

MIN_API_VERSION = "37.0"
MAX_API_VERSION = "39.1"
PAGE_SIZE = 128
# characters that break VCD's FIQL parser unless the filter is encoded
_FIQL_SPECIAL = re.compile(r"[,; +*()]")
TASK_DONE = ("success", "aborted")
TASK_FAILED = ("error",)
RETRY_STATUS = (429, 502, 503, 504)
# a POST answered with these was not processed, so sending it again is safe
POST_RESEND_STATUS = (429, 503)


class VcdError(Exception):
    """An error talking to VCD, already phrased as one sentence."""

    def __init__(self, message, status=None, code=None, path=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.path = path


class VcdNotFound(VcdError):
    """The object does not exist or is invisible (VCD answers 403 for both)."""


class VcdTaskError(VcdError):
    """A VCD task ended in error or was aborted."""


class VcdConnectionLost(VcdError):
    """A write was sent but the answer was lost: it may or may not have happened."""


def version_tuple(version):
    return tuple(int(p) for p in str(version).split("."))


def fiql_value(value):
    """Return ``(text, encoded)`` for one FIQL value."""
    text = str(value)
    if _FIQL_SPECIAL.search(text):
        return quote(text, safe=""), True
    return text, False


def fiql(*clauses, **equals):
    """Build a FIQL filter.

    ``fiql(name="a b", **{"org.id": urn})`` gives ``name==a%20b;org.id==urn`` and
    whether ``filterEncoded=true`` is needed.  Extra ``clauses`` are raw FIQL
    strings that are AND-ed in as they are.
    """
    parts = list(clauses)
    encoded = False
    for key, value in equals.items():
        if value is None:
            continue
        text, enc = fiql_value(value)
        encoded = encoded or enc
        parts.append("%s==%s" % (key, text))
    return ";".join(parts), encoded


def uuid_of(ref):
    """The UUID at the end of a URN or href."""
    if not ref:
        return ref
    return re.split(r"[:/]", str(ref).rstrip("/"))[-1]


def urn(kind, ref):
    return "urn:vcloud:%s:%s" % (kind, uuid_of(ref))


class VcdClient:
    """A logged-in VCD session.

    ``host`` may be ``vcd.example.com``, ``vcd.example.com:443`` or a URL.
    """

    def __init__(self, host, org="System", username=None, password=None, api_token=None,
                 access_token=None, api_version=None, validate_certs=True, ca_path=None,
                 request_timeout=60, retries=5, task_timeout=1800, user_agent="vcdops.platform"):
        if not HAS_REQUESTS:
            raise VcdError("the python 'requests' library is required: %s" % REQUESTS_IMPORT_ERROR)
        if not host:
            raise VcdError("no VCD host given: set vcd_host or the VCD_HOST environment variable")
        host = str(host).strip()
        if "://" not in host:
            host = "https://" + host
        parts = urlsplit(host)
        self.base = "%s://%s" % (parts.scheme, parts.netloc)
        self.org = org or "System"
        self.username = username
        self.password = password
        self.api_token = api_token
        self.access_token = access_token
        self.wanted_version = api_version
        self.api_version = None
        self.request_timeout = request_timeout
        self.task_timeout = task_timeout
        self.retries = retries
        self.verify = (ca_path or True) if validate_certs else False
        self.session = requests.Session()
        self.session.headers["User-Agent"] = user_agent
        retry = Retry(
            total=retries, connect=retries, read=retries, status=retries, other=0,
            backoff_factor=0.5, backoff_max=10, status_forcelist=RETRY_STATUS,
            allowed_methods=frozenset(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]),
            respect_retry_after_header=True, raise_on_status=False,
        )
        adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)
        self.tenant_org_id = None
        self.tenant_org_name = None
        self.user = None
        self.org_id = None

    # ------------------------------------------------------------------ session
    @property
    def is_provider(self):
        return self.org.lower() == "system"

    @property
    def oauth_context(self):
        return "provider" if self.is_provider else "tenant/%s" % self.org

    def connect(self):
        """Negotiate the version and log in (once)."""
        if self.api_version is None:
            if self.access_token and self.wanted_version:
                # a token from vcd_login comes with the version it negotiated
                self.api_version = self.wanted_version
            else:
                self.api_version = self.negotiate_version()
        if self.access_token:
            return self
        self.login()
        return self

    def negotiate_version(self):
        resp = self._send("GET", "/api/versions", headers={"Accept": "application/*+xml"}, auth=False)
        self._raise_for(resp, "GET", "/api/versions", "read the supported API versions")
        try:
            root = ET.fromstring(resp.content)
        except ET.ParseError as exc:
            raise VcdError("GET /api/versions did not answer XML (%s): is %s a VCD?" % (exc, self.base))
        versions = []
        for info in root.iter():
            if info.tag.split("}")[-1] != "VersionInfo":
                continue
            if str(info.get("deprecated", "false")).lower() == "true":
                continue
            for child in info:
                if child.tag.split("}")[-1] == "Version" and child.text:
                    try:
                        versions.append(version_tuple(child.text.strip()))
                    except ValueError:
                        continue
        if not versions:
            raise VcdError("%s lists no API versions at /api/versions" % self.base)
        highest = max(versions)
        if highest < version_tuple(MIN_API_VERSION):
            raise VcdError("%s supports API %s at most; this collection needs %s (VCD 10.4) or newer"
                           % (self.base, ".".join(map(str, highest)), MIN_API_VERSION))
        if self.wanted_version:
            wanted = version_tuple(self.wanted_version)
            if wanted not in versions:
                raise VcdError("%s does not offer API version %s (it offers %s)" % (
                    self.base, self.wanted_version, ", ".join(".".join(map(str, v)) for v in sorted(versions))))
            return self.wanted_version
        usable = [v for v in versions if version_tuple(MIN_API_VERSION) <= v <= version_tuple(MAX_API_VERSION)]
        return ".".join(map(str, max(usable or [highest])))

    def login(self):
        if self.api_token:
            self._token_login()
        elif self.username and self.password:
            self._password_login()
        elif self.username:
            raise VcdError("no password for VCD user %s: set vcd_password or VCD_PASSWORD "
                           "(or use vcd_api_token)" % self.username)
        else:
            raise VcdError("no VCD credentials: set vcd_username and vcd_password, vcd_api_token, "
                           "or pass vcd_access_token from vcdops.platform.vcd_login")

    def _password_login(self):
        path = "/cloudapi/1.0.0/sessions/provider" if self.is_provider else "/cloudapi/1.0.0/sessions"
        basic = base64.b64encode(("%s@%s:%s" % (self.username, self.org, self.password)).encode()).decode()
        resp = self._send("POST", path, auth=False, headers={
            "Authorization": "Basic %s" % basic,
            "Accept": "application/json;version=%s" % self.api_version,
        })
        if resp.status_code == 401:
            raise VcdError("login to %s as %s@%s failed: wrong user name, org or password"
                           % (self.base, self.username, self.org), status=401, path=path)
        self._raise_for(resp, "POST", path, "log in")
        token = resp.headers.get("X-VMWARE-VCLOUD-ACCESS-TOKEN")
        if not token:
            raise VcdError("login to %s answered without an X-VMWARE-VCLOUD-ACCESS-TOKEN header" % self.base)
        self.access_token = token
        self._remember_session(resp)

    def _token_login(self):
        path = "/oauth/%s/token" % self.oauth_context
        resp = self._send("POST", path, auth=False, headers={"Accept": "application/json"},
                          data={"grant_type": "refresh_token", "refresh_token": self.api_token})
        if resp.status_code in (400, 401):
            raise VcdError("API token login to %s (org %s) failed: the token is unknown, revoked or "
                           "belongs to another org" % (self.base, self.org), status=resp.status_code, path=path)
        self._raise_for(resp, "POST", path, "exchange the API token")
        self.access_token = resp.json()["access_token"]

    def _remember_session(self, resp):
        try:
            body = resp.json()
        except ValueError:
            return
        self.user = (body.get("user") or {}).get("name")
        self.org_id = (body.get("org") or {}).get("id")

    def logout(self):
        if self.access_token and (self.password or self.api_token):
            try:
                self._send("DELETE", "/cloudapi/1.0.0/sessions/current")
            except VcdError:
                pass

    def set_tenant(self, org_id=None, org_name=None):
        """Act in an org as a provider (``None`` returns to System)."""
        self.tenant_org_id = uuid_of(org_id) if org_id else None
        self.tenant_org_name = org_name

    # ------------------------------------------------------------------ HTTP
    def _headers(self, legacy=False, extra=None):
        headers = {}
        if self.access_token:
            headers["Authorization"] = "bearer %s" % self.access_token
            headers["X-Vmware-Vcloud-Access-Token"] = self.access_token
            headers["X-Vmware-Vcloud-Token-Type"] = "Bearer"
        kind = "application/*+json" if legacy else "application/json"
        headers["Accept"] = "%s;version=%s" % (kind, self.api_version)
        if self.tenant_org_id:
            headers["X-VMWARE-VCLOUD-TENANT-CONTEXT"] = self.tenant_org_id
            if self.tenant_org_name:
                headers["X-VMWARE-VCLOUD-AUTH-CONTEXT"] = self.tenant_org_name
        if extra:
            headers.update(extra)
        return headers

    def url(self, path):
        if path.startswith("http://") or path.startswith("https://"):
            return path
        return self.base + path

    def _send(self, method, path, auth=True, headers=None, **kwargs):
        hdrs = self._headers(legacy=kwargs.pop("legacy", False)) if auth else {}
        if headers:
            hdrs.update(headers)
        kwargs.setdefault("timeout", self.request_timeout)
        attempt = 0
        while True:
            try:
                resp = self.session.request(method, self.url(path), headers=hdrs, verify=self.verify, **kwargs)
            except requests.exceptions.SSLError as exc:
                raise VcdError("TLS verification of %s failed (%s): pass ca_path with the CA that signed "
                               "its certificate, or fix the certificate" % (self.base, _short(exc)))
            except requests.exceptions.ConnectionError as exc:
                if method == "POST":
                    raise VcdConnectionLost("%s %s: the connection broke before VCD answered (%s)"
                                            % (method, _path(path), _short(exc)), path=path)
                raise VcdError("%s %s: cannot reach %s (%s)" % (method, _path(path), self.base, _short(exc)))
            except requests.exceptions.Timeout:
                if method == "POST":
                    raise VcdConnectionLost("%s %s: no answer within %ss" % (method, _path(path), self.request_timeout))
                raise VcdError("%s %s: no answer within %ss" % (method, _path(path), self.request_timeout))
            # urllib3 retries idempotent methods; a POST is re-sent only when VCD
            # said it did not process it (429 / 503)
            if method == "POST" and resp.status_code in POST_RESEND_STATUS and attempt < self.retries:
                attempt += 1
                time.sleep(_retry_after(resp, attempt))
                continue
            return resp

    def request(self, method, path, json=None, data=None, params=None, headers=None, legacy=False,
                what=None, relogin=True):
        """Send one authenticated request; return the response or raise ``VcdError``."""
        if self.access_token is None:
            self.connect()
        kwargs = {"params": params, "headers": headers, "legacy": legacy}
        if json is not None:
            kwargs["json"] = json
        if data is not None:
            kwargs["data"] = data
        resp = self._send(method, path, **kwargs)
        if resp.status_code == 401 and relogin and (self.password or self.api_token):
            # the session expired mid-run: log in again once and repeat
            self.access_token = None
            self.login()
            resp = self._send(method, path, **kwargs)
        if resp.status_code == 401:
            raise VcdError("%s %s: VCD refused the session (401): the access token expired or was revoked; "
                           "log in again" % (method, _path(path)), status=401, path=path)
        if method == "GET" and resp.status_code in (403, 404):
            raise VcdNotFound("%s does not exist or is not visible to %s" % (what or _path(path), self.user or "this session"),
                              status=resp.status_code, path=path)
        self._raise_for(resp, method, path, what)
        return resp

    def _raise_for(self, resp, method, path, what=None):
        if resp.status_code < 400:
            return
        code, message = error_of(resp)
        doing = " (%s)" % what if what else ""
        raise VcdError("%s %s%s failed with %s%s: %s" % (
            method, _path(path), doing, resp.status_code, " %s" % code if code else "", message or resp.reason),
            status=resp.status_code, code=code, path=path)

    # -------------------------------------------------------------- shortcuts
    def get(self, path, params=None, legacy=False, what=None):
        resp = self.request("GET", path, params=params, legacy=legacy, what=what)
        return resp.json() if resp.content else None

    def get_or_none(self, path, params=None, legacy=False):
        try:
            return self.get(path, params=params, legacy=legacy)
        except VcdNotFound:
            return None

    def get_with_etag(self, path):
        resp = self.request("GET", path)
        return resp.json(), resp.headers.get("ETag")

    def list(self, path, filter=None, encoded=False, page_size=PAGE_SIZE, params=None, limit=None):
        """All values of an OpenAPI collection, every page."""
        values = []
        page = 1
        while True:
            query = dict(params or {})
            query.update({"page": page, "pageSize": page_size})
            if filter:
                query["filter"] = filter
                if encoded:
                    query["filterEncoded"] = "true"
            body = self.get(path, params=query)
            values.extend(body.get("values") or [])
            if limit and len(values) >= limit:
                return values[:limit]
            if page >= int(body.get("pageCount") or 1):
                return values
            page += 1

    def find(self, path, page_size=PAGE_SIZE, **equals):
        """Values of a collection matching ``field==value`` for every keyword."""
        flt, enc = fiql(**equals)
        return self.list(path, filter=flt, encoded=enc, page_size=page_size)

    def find_one(self, path, what, page_size=PAGE_SIZE, **equals):
        """The single match, ``None`` when absent; an error when the name is ambiguous."""
        found = self.find(path, page_size=page_size, **equals)
        if len(found) > 1:
            raise VcdError("%s is ambiguous: %d objects match %s" % (what, len(found), equals))
        return found[0] if found else None

    def require(self, path, what, page_size=PAGE_SIZE, **equals):
        found = self.find_one(path, what, page_size=page_size, **equals)
        if found is None:
            raise VcdNotFound("%s does not exist" % what)
        return found

    def query(self, qtype, filter=None, fields=None, page_size=PAGE_SIZE):
        """Legacy query service, records format, every page."""
        records = []
        page = 1
        while True:
            params = {"type": qtype, "format": "records", "page": page, "pageSize": page_size}
            if filter:
                params["filter"] = filter
            if fields:
                params["fields"] = ",".join(fields)
            body = self.get("/api/query", params=params, legacy=True)
            records.extend(body.get("record") or [])
            total = int(body.get("total") or 0)
            if page * page_size >= total:
                return records
            page += 1

    # -------------------------------------------------------------- writes
    def write(self, method, path, body=None, legacy=False, content_type=None, what=None, wait=True):
        """PUT/POST/DELETE; returns the answer body, waiting for any task first."""
        headers = {"Content-Type": content_type} if content_type else None
        resp = self.request(method, path, json=body, legacy=legacy, headers=headers, what=what)
        task = self.task_of(resp)
        if task and wait:
            done = self.wait_task(task, what=what or "%s %s" % (method, _path(path)))
            if resp.status_code == 202 and not resp.content:
                return {"_task": done}
        if not resp.content:
            return {"_task": task} if task else None
        try:
            return resp.json()
        except ValueError:
            return None

    def create(self, collection, body, what, find=None, legacy=False, content_type=None):
        """POST a new object, safely.

        ``find`` is a callable that returns the object if it exists.  When the
        answer of the POST is lost, ``find`` is asked whether the POST happened,
        so a POST is never blindly repeated.
        """
        try:
            resp = self.request("POST", collection, json=body, legacy=legacy,
                                headers={"Content-Type": content_type} if content_type else None, what="create %s" % what)
        except VcdConnectionLost:
            if find is None:
                raise
            found = self._settle(find)
            if found is None:
                raise VcdError("create %s: the connection broke and %s was not created; run again" % (what, what))
            return found
        task = self.task_of(resp)
        if task:
            done = self.wait_task(task, what="create %s" % what)
            owner = (done.get("owner") or {}).get("id")
            if resp.status_code == 202 and not resp.content:
                if owner and not legacy:
                    return self.get("%s/%s" % (collection.rstrip("/"), owner))
                return find() if find else done
        if resp.content:
            return resp.json()
        return find() if find else None

    def _settle(self, find, tries=10):
        """Re-read until a maybe-created object shows up (its task may be running)."""
        for attempt in range(tries):
            found = find()
            if found is not None:
                return found
            time.sleep(min(0.5 * (attempt + 1), 3))
        return None

    # -------------------------------------------------------------- tasks
    @staticmethod
    def task_of(resp):
        """The task href an answer points to, if any."""
        if resp.status_code == 202 and resp.headers.get("Location"):
            return resp.headers["Location"]
        if not resp.content:
            return None
        try:
            body = resp.json()
        except ValueError:
            return None
        if not isinstance(body, dict):
            return None
        if body.get("type", "").endswith("task+json") or str(body.get("id", "")).startswith("urn:vcloud:task:"):
            return body.get("href")
        tasks = (body.get("tasks") or {}).get("task") or []
        running = [t for t in tasks if t.get("status") not in TASK_DONE + TASK_FAILED]
        return (running or tasks or [{}])[-1].get("href")

    def wait_task(self, href, what=None, timeout=None):
        """Poll a task with capped backoff until it ends; return it or raise with its message."""
        timeout = self.task_timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        delay = 0.2
        path = href if href.startswith("/") else urlsplit(href).path
        while True:
            task = self.get(path, legacy=True, what="task %s" % uuid_of(href))
            status = task.get("status")
            if status == "success":
                return task
            if status in TASK_FAILED or status == "aborted":
                err = task.get("error") or task.get("details") or {}
                message = err.get("message") if isinstance(err, dict) else str(err)
                raise VcdTaskError("%s: VCD task %s %s: %s" % (
                    what or task.get("operationName") or "task", uuid_of(task.get("id") or href), status,
                    message or task.get("details") or "no message"), code=(err or {}).get("minorErrorCode")
                    if isinstance(err, dict) else None)
            if time.monotonic() >= deadline:
                raise VcdTaskError("%s: VCD task %s still %s after %ss (raise the timeout option)"
                                   % (what or "task", uuid_of(href), status, timeout))
            time.sleep(delay)
            delay = min(delay * 1.6, 3.0)


def error_of(resp):
    """(code, message) of a VCD error answer, JSON or XML."""
    try:
        body = resp.json()
        if isinstance(body, dict):
            return body.get("minorErrorCode") or body.get("majorErrorCode"), body.get("message")
    except ValueError:
        pass
    try:
        root = ET.fromstring(resp.content)
        return root.get("minorErrorCode") or root.get("majorErrorCode"), root.get("message")
    except ET.ParseError:
        return None, (resp.text or "")[:300]


def _retry_after(resp, attempt):
    value = resp.headers.get("Retry-After")
    try:
        return min(float(value), 30.0)
    except (TypeError, ValueError):
        return min(0.5 * 2 ** attempt, 10.0)


def _path(path):
    return urlsplit(path).path if "://" in path else path.split("?")[0]


def _short(exc):
    text = str(exc)
    return text if len(text) < 200 else text[:200] + "..."
