# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one client of the Cloudian HyperStore Admin API (Basic authentication).

Cloudian answers ``204`` (not 404) for a missing object: ``get`` returns ``None`` then.
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


class CloudianError(Exception):
    def __init__(self, message, status=None):
        super().__init__(message)
        self.message = message
        self.status = status


class CloudianClient:
    def __init__(self, url, username, password, validate_certs=True, ca_path=None, request_timeout=30, retries=3):
        if not HAS_REQUESTS:
            raise CloudianError("the python 'requests' library is required")
        if not url:
            raise CloudianError("no Cloudian admin address: set cloudian_url or CLOUDIAN_ADMIN_URL")
        if not password:
            raise CloudianError("no password for the Cloudian admin user %s: set cloudian_password or "
                                "CLOUDIAN_ADMIN_PASSWORD" % username)
        url = str(url).strip()
        if "://" not in url:
            url = "https://" + url
        parts = urlsplit(url)
        self.base = "%s://%s" % (parts.scheme, parts.netloc)
        self.username = username
        self.auth = (username, password)
        self.verify = (ca_path or True) if validate_certs else False
        self.timeout = request_timeout
        self.session = requests.Session()
        retry = Retry(total=retries, connect=retries, read=retries, status=retries, other=0, backoff_factor=0.5,
                      status_forcelist=(429, 502, 503, 504), allowed_methods=frozenset(["GET", "PUT", "DELETE"]),
                      respect_retry_after_header=True, raise_on_status=False)
        self.session.mount("https://", HTTPAdapter(max_retries=retry))
        self.session.mount("http://", HTTPAdapter(max_retries=retry))

    def request(self, method, path, params=None, body=None):
        try:
            resp = self.session.request(method, self.base + path, params=params, json=body, auth=self.auth,
                                        verify=self.verify, timeout=self.timeout)
        except requests.exceptions.SSLError as exc:
            raise CloudianError("TLS verification of the Cloudian admin API at %s failed (%s): set "
                                "cloudian_ca_path" % (self.base, str(exc)[:200]))
        except requests.exceptions.RequestException as exc:
            raise CloudianError("cannot reach the Cloudian admin API at %s (%s)" % (self.base, str(exc)[:200]))
        if resp.status_code == 401:
            raise CloudianError("the Cloudian admin API at %s refused user %s (401): wrong user name or password"
                                % (self.base, self.username), status=401)
        if resp.status_code >= 400:
            raise CloudianError("%s %s on the Cloudian admin API failed with %s: %s"
                                % (method, path, resp.status_code, resp.text[:300]), status=resp.status_code)
        return resp

    def get(self, path, params=None):
        resp = self.request("GET", path, params=params)
        if resp.status_code == 204 or not resp.content:
            return None
        try:
            return resp.json()
        except ValueError:
            return resp.text.strip()

    def version(self):
        return self.get("/system/version")
