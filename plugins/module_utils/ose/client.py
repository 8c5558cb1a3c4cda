# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one client of the Object Storage Extension REST API (``/api/v1/core``).

OSE takes the VCD session token as ``Authorization: Bearer``; the client gets it
from a ``VcdClient`` (or from ``vcd_access_token``).  Retries: urllib3 ``Retry``
for idempotent methods (429/502/503/504, ``Retry-After`` honoured); a POST is
never re-sent blindly: the caller re-reads instead.
"""

from __future__ import annotations

from urllib.parse import urlsplit

try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry
    HAS_REQUESTS = True
except ImportError:  # pragma: no cover - reported by the module
    HAS_REQUESTS = False

from ..vcd.client import VcdError

CORE = "/api/v1/core"
PAGE_SIZE = 100


class OseError(VcdError):
    """An error talking to OSE, phrased as one sentence."""


class OseClient:
    def __init__(self, url, token, validate_certs=True, ca_path=None, request_timeout=60, retries=5):
        if not HAS_REQUESTS:
            raise OseError("the python 'requests' library is required")
        if not url:
            raise OseError("no OSE address given: set ose_url or the OSE_URL environment variable")
        url = str(url).strip()
        if "://" not in url:
            url = "https://" + url
        parts = urlsplit(url)
        self.base = "%s://%s" % (parts.scheme, parts.netloc)
        self.token = token
        self.verify = (ca_path or True) if validate_certs else False
        self.timeout = request_timeout
        self.session = requests.Session()
        self.session.headers.update({"User-Agent": "vcdops.platform", "Accept": "application/json"})
        retry = Retry(total=retries, connect=retries, read=retries, status=retries, other=0, backoff_factor=0.5,
                      backoff_max=10, status_forcelist=(429, 502, 503, 504),
                      allowed_methods=frozenset(["GET", "PUT", "DELETE", "OPTIONS", "PATCH"]),
                      respect_retry_after_header=True, raise_on_status=False)
        self.session.mount("https://", HTTPAdapter(max_retries=retry))
        self.session.mount("http://", HTTPAdapter(max_retries=retry))

    def request(self, method, path, body=None, params=None, what=None, ok=(200, 201, 202, 204)):
        url = self.base + path
        headers = {"Authorization": "Bearer %s" % self.token}
        try:
            resp = self.session.request(method, url, json=body, params=params, headers=headers,
                                        verify=self.verify, timeout=self.timeout)
        except requests.exceptions.SSLError as exc:
            raise OseError("TLS verification of OSE at %s failed (%s): set ose_ca_path to the CA that signed its "
                           "certificate" % (self.base, str(exc)[:200]))
        except requests.exceptions.RequestException as exc:
            raise OseError("%s %s: cannot reach OSE at %s (%s)" % (method, path, self.base, str(exc)[:200]))
        if resp.status_code in ok:
            if not resp.content:
                return None
            try:
                return resp.json()
            except ValueError:
                return resp.text
        message = ""
        try:
            body = resp.json()
            message = body.get("message") or body.get("error") or ""
        except ValueError:
            message = resp.text[:300]
        hint = ""
        if resp.status_code == 401:
            hint = ": OSE refused the VCD session token (expired, or the OSE is connected to another VCD)"
        elif resp.status_code == 403:
            hint = ": this needs a provider (System) session"
        raise OseError("%s %s%s failed with %s%s%s" % (method, path, " (%s)" % what if what else "",
                                                       resp.status_code, ": %s" % message if message else "", hint),
                       status=resp.status_code, path=path)

    def get(self, path, params=None, what=None):
        return self.request("GET", CORE + path, params=params, what=what)

    def items(self, path, what=None):
        """All items of a list; pages through ``page``/``size`` when the answer is paged."""
        out, page = [], 1
        while True:
            body = self.get(path, params={"page": page, "size": PAGE_SIZE}, what=what) or {}
            items = body.get("items") or []
            out.extend(items)
            total = body.get("total")
            if total is None or len(out) >= int(total) or not items:
                return out
            page += 1

    def write(self, method, path, body=None, what=None):
        return self.request(method, CORE + path, body=body, what=what)

    def health(self):
        """Status of ``OPTIONS /api/v1/core`` (the load balancer's monitor)."""
        try:
            resp = self.session.request("OPTIONS", self.base + CORE, verify=self.verify, timeout=self.timeout)
        except requests.exceptions.RequestException as exc:
            return None, str(exc)[:200]
        return resp.status_code, None
