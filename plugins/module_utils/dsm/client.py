# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one VMware Data Services Manager (DSM 2.x) client of the collection.

It owns: the login (``POST /provider/session`` with an e-mail and password for DSM users, or
``POST /provider/plugin/session-using-vc-credentials`` with vCenter credentials for the
infrastructure administrator); the JWT arrives in the ``Authorization`` response header and is sent
back as ``Bearer``.  ``/provider`` REST calls carry ``Accept: application/vnd.vmware.dms-v1+json``;
the Kubernetes-style gateway (``/apis/<group>/v1alpha1/...``, ``/api/v1/...``) is read with GET and
changed with POST (create) and GET-then-PUT with ``metadata.resourceVersion`` (update).
Retries: urllib3 ``Retry`` for idempotent requests on 429/502/503/504; a POST is never blindly
repeated (a lost answer is settled by reading the object).
"""

from __future__ import annotations

import copy
import time
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

DMS_MEDIA = "application/vnd.vmware.dms-v1+json"
API_VERSION = "v1alpha1"
INFRA = "infrastructure.dataservices.vmware.com"
DATABASES = "databases.dataservices.vmware.com"
AUTHZ = "authorization.dataservices.vmware.com"
INTERNAL = "internal.dataservices.vmware.com"
RETRY_STATUS = (429, 502, 503, 504)


class DsmError(Exception):
    """An error talking to DSM, already phrased as one sentence."""

    def __init__(self, message, status=None, reason=None, path=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.reason = reason
        self.path = path


class DsmNotFound(DsmError):
    """404: the object does not exist."""


class DsmConflict(DsmError):
    """409: a duplicate, or a stale ``resourceVersion``."""


class DsmUnreachable(DsmError):
    """DSM does not answer at all (not deployed yet, down, wrong address)."""


class DsmConnectionLost(DsmError):
    """A write was sent but the answer was lost."""


def ready(obj):
    """True when ``status.conditions[type=Ready].status == "True"``."""
    for cond in ((obj or {}).get("status") or {}).get("conditions") or []:
        if cond.get("type") == "Ready":
            return str(cond.get("status")) == "True"
    return False


def ready_message(obj):
    for cond in ((obj or {}).get("status") or {}).get("conditions") or []:
        if cond.get("type") == "Ready":
            return "%s%s" % (cond.get("reason") or "", ": %s" % cond["message"] if cond.get("message") else "")
    return "no Ready condition yet"


def api_path(group, plural, name=None, namespace=None):
    """``/apis/<group>/v1alpha1[/namespaces/<ns>]/<plural>[/<name>]`` (core group ``""``: ``/api/v1``)."""
    base = "/apis/%s/%s" % (group, API_VERSION) if group else "/api/v1"
    if namespace:
        base += "/namespaces/%s" % quote(namespace, safe="")
    base += "/%s" % plural
    if name:
        base += "/%s" % quote(name, safe="")
    return base


def error_text(resp):
    """(reason, message) of a DSM error: a Kubernetes Status or an ErrorDto."""
    try:
        body = resp.json()
    except ValueError:
        return None, (resp.text or resp.reason or "")[:300].strip()
    if isinstance(body, dict):
        if body.get("kind") == "Status":
            return body.get("reason"), body.get("message")
        codes = body.get("errorCodes") or []
        return (codes[0] if codes else None), body.get("message")
    return None, str(body)[:300]


class DsmClient:
    """A logged-in DSM session."""

    def __init__(self, host, username=None, password=None, auth="local", access_token=None, validate_certs=True,
                 ca_path=None, request_timeout=60, retries=5, user_agent="vcdops.platform"):
        if not HAS_REQUESTS:
            raise DsmError("the python 'requests' library is required: %s" % REQUESTS_IMPORT_ERROR)
        if not host:
            raise DsmError("no DSM host given: set dsm_host or the DSM_HOST environment variable")
        host = str(host).strip()
        if "://" not in host:
            host = "https://" + host
        parts = urlsplit(host)
        self.base = "%s://%s" % (parts.scheme, parts.netloc)
        self.username = username
        self.password = password
        self.auth = auth or "local"
        self.access_token = access_token
        self.request_timeout = request_timeout
        self.retries = retries
        self.verify = (ca_path or True) if validate_certs else False
        self.ca_path = ca_path
        self.session = requests.Session()
        self.session.headers["User-Agent"] = user_agent
        retry = Retry(total=retries, connect=retries, read=retries, status=retries, other=0, backoff_factor=0.5,
                      backoff_max=10, status_forcelist=RETRY_STATUS,
                      allowed_methods=frozenset(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]),
                      respect_retry_after_header=True, raise_on_status=False)
        adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)
        self.user = None
        self.roles = []

    # ------------------------------------------------------------------ session
    def connect(self):
        if not self.access_token:
            self.login()
        return self

    def login(self):
        if not self.username or not self.password:
            raise DsmError("no DSM credentials: set dsm_username and dsm_password (or DSM_USERNAME / DSM_PASSWORD), "
                           "or pass dsm_access_token from vcdops.platform.dsm_login")
        if self.auth == "vsphere":
            path = "/provider/plugin/session-using-vc-credentials"
            body = {"username": self.username, "password": self.password}
            who = "vCenter user %s" % self.username
        else:
            path = "/provider/session"
            body = {"email": self.username, "password": self.password}
            who = self.username
        resp = self._send("POST", path, json=body, auth=False)
        if resp.status_code in (400, 401, 403):
            raise DsmError("login to DSM %s as %s failed: wrong user or password%s" % (
                self.base, who, " (the infrastructure administrator logs in with vCenter credentials)"
                if self.auth == "vsphere" else ""), status=resp.status_code, path=path)
        self._raise_for(resp, "POST", path, "log in")
        header = resp.headers.get("Authorization") or ""
        if not header.lower().startswith("bearer "):
            raise DsmError("login to DSM %s answered without an 'Authorization: Bearer' header" % self.base)
        self.access_token = header[7:].strip()
        try:
            info = resp.json()
        except ValueError:
            info = {}
        self.user = info.get("email") or self.username
        self.roles = info.get("roles") or []

    # ------------------------------------------------------------------ HTTP
    def url(self, path):
        return path if "://" in path else self.base + path

    def _send(self, method, path, auth=True, headers=None, **kwargs):
        hdrs = {"Accept": DMS_MEDIA if path.startswith("/provider") else "application/json"}
        if "json" in kwargs:
            hdrs["Content-Type"] = "application/json"
        if auth and self.access_token:
            hdrs["Authorization"] = "Bearer %s" % self.access_token
        hdrs.update(headers or {})
        kwargs.setdefault("timeout", self.request_timeout)
        where = _path(path)
        try:
            return self.session.request(method, self.url(path), headers=hdrs, verify=self.verify, **kwargs)
        except requests.exceptions.SSLError as exc:
            raise DsmError("TLS verification of DSM %s failed (%s): pass dsm_ca_path with the CA that signed its "
                           "certificate" % (self.base, _short(exc)))
        except requests.exceptions.ConnectionError as exc:
            if method == "POST" and auth:
                raise DsmConnectionLost("%s %s: the connection broke before DSM answered (%s)"
                                        % (method, where, _short(exc)))
            raise DsmUnreachable("%s %s: cannot reach DSM at %s (%s)" % (method, where, self.base, _short(exc)))
        except requests.exceptions.Timeout:
            if method == "POST" and auth:
                raise DsmConnectionLost("%s %s: no answer within %ss" % (method, where, self.request_timeout))
            raise DsmUnreachable("%s %s: no answer within %ss" % (method, where, self.request_timeout))

    def request(self, method, path, json=None, params=None, headers=None, what=None, ok_missing=False):
        if not self.access_token:
            self.connect()
        kwargs = {"params": params, "headers": headers}
        if json is not None:
            kwargs["json"] = json
        resp = self._send(method, path, **kwargs)
        if resp.status_code == 401 and self.password:
            self.access_token = None
            self.login()
            resp = self._send(method, path, **kwargs)
        if resp.status_code == 404 and ok_missing:
            return None
        self._raise_for(resp, method, path, what)
        return resp

    def _raise_for(self, resp, method, path, what=None):
        if resp.status_code < 400:
            return
        reason, message = error_text(resp)
        doing = " (%s)" % what if what else ""
        text = "%s %s%s failed with %s%s: %s" % (
            method, _path(path), doing, resp.status_code, " %s" % reason if reason else "", message or resp.reason)
        cls = DsmNotFound if resp.status_code == 404 else DsmConflict if resp.status_code == 409 else DsmError
        if resp.status_code == 401:
            text += " - the DSM session expired or the token is not valid; log in again"
        raise cls(text, status=resp.status_code, reason=reason, path=path)

    # ------------------------------------------------------------------ /provider REST
    def provider_get(self, path, params=None, ok_missing=False, what=None):
        resp = self.request("GET", path, params=params, ok_missing=ok_missing, what=what)
        if resp is None:
            return None
        return resp.json() if resp.content else None

    def provider_pages(self, path, size=100):
        """Every ``content`` item of a paged ``/provider`` collection (``?page=0&size=N``)."""
        items, page = [], 0
        while True:
            body = self.provider_get(path, params={"page": page, "size": size}) or {}
            items.extend(body.get("content") or [])
            total_pages = body.get("totalPages")
            if not body.get("content") or (total_pages is not None and page + 1 >= int(total_pages)):
                return items
            page += 1

    def provider_write(self, method, path, body=None, what=None):
        resp = self.request(method, path, json=body, what=what)
        return resp.json() if resp.content else None

    # ------------------------------------------------------------------ Kubernetes-style objects
    def get(self, group, plural, name, namespace=None):
        """The object, or ``None`` when it does not exist."""
        resp = self.request("GET", api_path(group, plural, name, namespace), ok_missing=True)
        return resp.json() if resp is not None else None

    def list(self, group, plural, namespace=None, label_selector=None):
        params = {"labelSelector": label_selector} if label_selector else None
        body = self.request("GET", api_path(group, plural, None, namespace), params=params).json()
        return body.get("items") or []

    def create(self, group, plural, obj, namespace=None):
        """POST; when the answer is lost, read back instead of posting again."""
        path = api_path(group, plural, None, namespace)
        name = (obj.get("metadata") or {}).get("name")
        try:
            return self.request("POST", path, json=obj, what="create %s %s" % (obj.get("kind") or plural, name)).json()
        except DsmConnectionLost:
            for attempt in range(10):
                found = self.get(group, plural, name, namespace)
                if found is not None:
                    return found
                time.sleep(min(0.5 * (attempt + 1), 3))
            raise DsmError("create %s %s: the connection broke and it was not created; run again" % (plural, name))

    def update(self, group, plural, name, change, namespace=None):
        """GET, apply ``change(obj) -> obj``, PUT with its ``resourceVersion``; a 409 (someone else, or DSM's own
        status update, changed the object) re-reads and re-applies, twice at most."""
        for attempt in (1, 2, 3):
            current = self.get(group, plural, name, namespace)
            if current is None:
                raise DsmNotFound("%s %s does not exist" % (plural, name), status=404)
            new = change(copy.deepcopy(current))
            new.setdefault("metadata", {})["resourceVersion"] = current["metadata"].get("resourceVersion")
            new.pop("status", None)
            try:
                return self.request("PUT", api_path(group, plural, name, namespace), json=new,
                                    what="update %s %s" % (current.get("kind") or plural, name)).json()
            except DsmConflict:
                if attempt == 3:
                    raise
        return None  # pragma: no cover

    def delete(self, group, plural, name, namespace=None):
        resp = self.request("DELETE", api_path(group, plural, name, namespace), ok_missing=True,
                            what="delete %s %s" % (plural, name))
        return resp is not None

    def wait_ready(self, group, plural, name, namespace=None, timeout=600, what=None):
        """Poll until ``Ready`` is True (capped backoff); returns the object."""
        deadline = time.monotonic() + timeout
        delay = 0.2
        while True:
            obj = self.get(group, plural, name, namespace)
            if obj is not None and ready(obj):
                return obj
            if time.monotonic() > deadline:
                raise DsmError("%s did not become Ready within %ss (%s)" % (
                    what or "%s %s" % (plural, name), timeout, ready_message(obj) if obj else "it does not exist"))
            time.sleep(delay)
            delay = min(delay * 1.6, 5.0)


def _path(path):
    return urlsplit(path).path if "://" in path else path.split("?")[0]


def _short(exc):
    text = str(exc)
    for needle, said in (("Connection refused", "connection refused"), ("Name or service not known", "unknown host"),
                         ("No route to host", "no route to host"), ("timed out", "timed out"),
                         ("CERTIFICATE_VERIFY_FAILED", "certificate verify failed")):
        if needle in text:
            return said
    return text if len(text) < 200 else text[:200] + "..."
