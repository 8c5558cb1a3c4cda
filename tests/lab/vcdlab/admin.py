"""Python helper for tests: drive the lab's /_lab admin API.

    from vcdlab.admin import LabAdmin
    lab = LabAdmin("https://localhost:19441", "/path/run/ca.pem")
    lab.reset(); seq = lab.last_seq(); ...; assert lab.writes(seq) == []

Uses only the standard library (urllib + ssl), so it does not depend on `requests` or on the
REQUESTS_CA_BUNDLE environment variable.
"""
import json
import ssl
import urllib.error
import urllib.request

_SKIP_WRITE_PREFIXES = ("/_lab", "/oauth", "/cloudapi/1.0.0/sessions", "/api/sessions", "/api/session")


class LabAdmin:
    def __init__(self, base_url, ca_path, timeout=30):
        self.base = base_url.rstrip("/")
        self.ctx = ssl.create_default_context(cafile=ca_path)
        self.timeout = timeout

    def _call(self, method, path, body=None, query=None):
        url = self.base + path
        if query:
            url += "?" + "&".join("%s=%s" % (k, urllib.request.quote(str(v))) for k, v in query.items())
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json", "Accept": "application/json"})
        try:
            with urllib.request.urlopen(req, context=self.ctx, timeout=self.timeout) as r:
                raw = r.read()
        except urllib.error.HTTPError as e:
            raise RuntimeError("lab admin %s %s -> %d %s" % (method, path, e.code, e.read()[:500]))
        return json.loads(raw) if raw else None

    # state
    def reset(self, all_azs=False, sessions=False):
        return self._call("POST", "/_lab/reset", {"all": all_azs, "sessions": sessions})

    def state(self, kind=None):
        out = self._call("GET", "/_lab/state", query={"kind": kind} if kind else None)["objects"]
        return out.get(kind, []) if kind else out

    def info(self):
        return self._call("GET", "/_lab/info")

    # request log
    def requests(self, since=0):
        return self._call("GET", "/_lab/requests", query={"since": since})["requests"]

    def last_seq(self):
        return self._call("GET", "/_lab/requests", query={"since": 10 ** 12})["last_seq"]

    def writes(self, since=0):
        """Non-GET requests after `since`, without /_lab, login sessions and /oauth calls."""
        return [r for r in self.requests(since) if r["method"] not in ("GET", "HEAD")
                and not r["path"].startswith(_SKIP_WRITE_PREFIXES)]

    def violations(self):
        return self._call("GET", "/_lab/violations")["violations"]

    def clear_violations(self):
        self._call("DELETE", "/_lab/violations")

    # faults
    def fault(self, path, method=None, status=None, retry_after=None, count=None, rate=None, reset=None,
              when=None, latency_ms=None, task_fail=None, message=None, all_azs=False):
        rule = {k: v for k, v in dict(path=path, method=method, status=status, retry_after=retry_after, count=count,
                                      rate=rate, reset=reset, when=when, latency_ms=latency_ms, task_fail=task_fail,
                                      message=message).items() if v is not None}
        if all_azs:
            rule["all"] = True
        return self._call("POST", "/_lab/faults", rule)["added"]

    def faults(self):
        return self._call("GET", "/_lab/faults")["faults"]

    def clear_faults(self, all_azs=False):
        self._call("DELETE", "/_lab/faults", {"all": all_azs})

    def expire_sessions(self, all_azs=False):
        return self._call("POST", "/_lab/sessions/expire", {"all": all_azs})["expired"]

    def config(self, all_azs=False, **settings):
        if settings:
            if all_azs:
                settings["all"] = True
            return self._call("POST", "/_lab/config", settings)
        return self._call("GET", "/_lab/config")

    # identities
    def mint_token(self, user="administrator", org="System", name=None):
        """Create an API token (refresh token) for a user; returns {token, id, name, user, org}."""
        return self._call("POST", "/_lab/tokens", {"user": user, "org": org, "name": name})

    def add_user(self, org, name, password, role="Organization Administrator"):
        return self._call("POST", "/_lab/users", {"org": org, "name": name, "password": password, "role": role})

    def complete_task(self, task_id, error=None, result=None):
        return self._call("POST", "/_lab/tasks/complete", {"id": task_id, "error": error, "result": result})
