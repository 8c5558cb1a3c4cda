"""CSE server stand-in: what a CSE 4.x server appliance does that the collection can observe.

One watcher thread per AZ looks at every powered-on VM whose guest properties (product sections) carry
`cse.vcdRefreshToken` - the VMs of vApps instantiated from a CSE OVA.  For each such VM whose power
state or properties changed, it acts like the appliance booting:

1. it logs in for real, over HTTPS, to `cse.vcdHost` (verifying the lab CA) with the API token in
   `cse.vcdRefreshToken` - `/oauth/provider/token` when `cse.userOrg` is System, else
   `/oauth/tenant/<cse.userOrg>/token`; the token must belong to `cse.vcdUsername`;
2. it reads the `vcdKeConfig` entity (vmware:VCDKEConfig) with that session - there must be exactly one;
3. it registers itself in `profiles[0].vcdKeInstances` ({name, version, vcdKeInstanceId: <VM URN>})
   with GET + PUT If-Match (re-reading on 412), which is how the collection sees it is running
   [modelled: docs/assumptions.md, A-CSE-3].

A powered-off or deleted VM deregisters (best effort, with the session it had).  A failed step leaves
the server in `error` with the reason; it is retried every `cse_retry_seconds`.  The watcher acts only
on changes, so an idle lab makes no requests.  `servers(az)` / GET /_lab/cse report what it sees.
"""
import json
import os
import ssl
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

NAME = "vcd-container-service-extension"
CONFIG_DEFAULTS = {"cse_poll_seconds": 0.25, "cse_retry_seconds": 2.0}
_threads = {}


def servers(az):
    with az.lock:
        return [dict(s, id=k) for k, s in sorted(getattr(az, "cse_servers", {}).items())]


def start(az):
    for k, v in CONFIG_DEFAULTS.items():
        az.config.setdefault(k, v)
    if not hasattr(az, "cse_servers"):
        az.cse_servers = {}
        az.cse_generation = az.state.generation
    if az.name in _threads and _threads[az.name].is_alive():
        return
    t = threading.Thread(target=_loop, args=(az,), daemon=True, name="vcdlab-cse-" + az.name)
    _threads[az.name] = t
    t.start()


def _loop(az):
    while True:
        try:
            _tick(az)
        except Exception as exc:  # keep watching
            sys.stderr.write("vcdlab cse stand-in (%s): %r\n" % (az.name, exc))
        time.sleep(float(az.config.get("cse_poll_seconds", 0.25)))


def _vm_props(vm):
    out = {}
    for s in vm.get("product_sections") or []:
        for p in s["properties"]:
            out[p["key"]] = p["current"] if p.get("current") is not None else p.get("value") or ""
    return out


def _vm_version(vm):
    for s in vm.get("product_sections") or []:
        if s.get("version"):
            return s["version"]
    return None


def _tick(az):
    st = az.state
    with st.lock:
        if az.cse_generation != st.generation:
            az.cse_servers = {}
            az.cse_generation = st.generation
        seen = {}
        for v in st.all("vapp"):
            for vm in v["vms"]:
                props = _vm_props(vm)
                if "cse.vcdRefreshToken" not in props:
                    continue
                seen[vm["id"]] = {"vapp": v["name"], "vapp_id": v["id"], "vm": vm["name"], "powered_on": vm["status"] == 4,
                                  "props": props, "version": _vm_version(vm)}
    now = time.time()
    for vm_id, info in seen.items():
        fp = json.dumps([info["powered_on"], sorted(info["props"].items())])
        with az.lock:
            cur = az.cse_servers.get(vm_id)
        if not info["powered_on"]:
            if cur and cur["status"] != "stopped":
                _deregister(az, vm_id, cur)
                _set(az, vm_id, cur, info, fp, "stopped", "powered off")
            elif cur is None:
                _set(az, vm_id, None, info, fp, "stopped", "powered off")
            continue
        if cur and cur["fingerprint"] == fp and (cur["status"] == "running" or
                                                 now - cur["at"] < float(az.config.get("cse_retry_seconds", 2.0))):
            continue
        _set(az, vm_id, cur, info, fp, "starting", "booting")
        status, message, session = _boot(az, vm_id, info)
        _set(az, vm_id, cur, info, fp, status, message, session)
    with az.lock:
        gone = [k for k in az.cse_servers if k not in seen]
    for vm_id in gone:
        with az.lock:
            cur = az.cse_servers.pop(vm_id, None)
        if cur and cur["status"] == "running":
            _deregister(az, vm_id, cur)


def _set(az, vm_id, cur, info, fp, status, message, session=None):
    with az.lock:
        entry = az.cse_servers.setdefault(vm_id, {})
        entry.update(vapp=info["vapp"], vapp_id=info["vapp_id"], vm=info["vm"], version=info["version"],
                     status=status, message=message, fingerprint=fp, at=time.time())
        if session is not None:
            entry["session"] = session
        if status == "running":
            entry.setdefault("running_since", time.time())
        else:
            entry.pop("running_since", None)


def _ctx(az):
    return ssl.create_default_context(cafile=os.path.join(az.lab.run_dir, "ca.pem"))


def _http(az, method, url, body=None, headers=None, form=False):
    data = None
    hdrs = dict(headers or {})
    hdrs["User-Agent"] = "vcdlab-cse-server"
    if body is not None:
        if form:
            data = urllib.parse.urlencode(body).encode()
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        else:
            data = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
    req = urllib.request.Request(url, data=data, method=method, headers=hdrs)
    try:
        with urllib.request.urlopen(req, context=_ctx(az), timeout=15) as r:
            raw = r.read()
            return r.status, dict(r.headers), json.loads(raw) if raw else None
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, dict(e.headers), json.loads(raw) if raw else None
        except ValueError:
            return e.code, dict(e.headers), {"message": raw[:200].decode(errors="replace")}


def _boot(az, vm_id, info):
    p = info["props"]
    host = (p.get("cse.vcdHost") or "").rstrip("/")
    if not host.startswith("https://"):
        return "error", "cse.vcdHost %r is not an https:// URL" % host, None
    if host.endswith("/api"):
        return "error", "cse.vcdHost must not end in /api", None
    org = p.get("cse.userOrg") or "System"
    path = "/oauth/provider/token" if org.lower() == "system" else "/oauth/tenant/%s/token" % org
    try:
        status, _, body = _http(az, "POST", host + path, {"grant_type": "refresh_token",
                                                          "refresh_token": p.get("cse.vcdRefreshToken") or ""},
                                {"Accept": "application/json"}, form=True)
    except (OSError, ssl.SSLError) as exc:
        return "error", "cannot reach %s: %s" % (host, exc), None
    if status != 200 or not (body or {}).get("access_token"):
        return "error", "login to %s with the API token failed (%s)" % (host, status), None
    token = body["access_token"]
    api = "application/json;version=37.2"
    h = {"Authorization": "Bearer " + token, "Accept": api}
    status, _, who = _http(az, "GET", host + "/cloudapi/1.0.0/sessions/current", headers=h)
    if status != 200:
        return "error", "the session does not work (%s)" % status, None
    if (who.get("user") or {}).get("name") != p.get("cse.vcdUsername"):
        return "error", "the API token belongs to %s, not to cse.vcdUsername %s" % (
            (who.get("user") or {}).get("name"), p.get("cse.vcdUsername")), None
    session = {"host": host, "token": token}
    ok, message = _register(az, session, vm_id, info["version"], add=True)
    return ("running" if ok else "error"), message, session


def _register(az, session, vm_id, version, add):
    host, token = session["host"], session["token"]
    h = {"Authorization": "Bearer " + token, "Accept": "application/json;version=37.2"}
    for _attempt in range(5):
        status, _, page = _http(az, "GET", host + "/cloudapi/1.0.0/entities/types/vmware/VCDKEConfig/1?pageSize=25",
                                headers=h)
        if status != 200:
            return False, "cannot list VCDKEConfig entities (%s)" % status
        values = [e for e in page.get("values") or [] if e.get("name") == "vcdKeConfig"]
        if len(values) != 1:
            return False, "expected exactly one vcdKeConfig entity, found %d" % len(values)
        eid = values[0]["id"]
        status, headers, ent = _http(az, "GET", host + "/cloudapi/1.0.0/entities/" + eid, headers=h)
        if status != 200:
            return False, "cannot read the vcdKeConfig entity (%s)" % status
        etag = headers.get("ETag") or headers.get("Etag")
        profiles = (ent.get("entity") or {}).get("profiles") or []
        if not profiles:
            return False, "the vcdKeConfig entity has no profile"
        instances = [i for i in profiles[0].get("vcdKeInstances") or [] if i.get("vcdKeInstanceId") != vm_id]
        if add:
            instances.append({"name": NAME, "version": version or "", "vcdKeInstanceId": vm_id})
        if instances == (profiles[0].get("vcdKeInstances") or []):
            return True, "registered"
        profiles[0]["vcdKeInstances"] = instances
        body = {"name": ent["name"], "externalId": ent.get("externalId"), "entity": ent["entity"]}
        status, _, out = _http(az, "PUT", host + "/cloudapi/1.0.0/entities/" + eid, body,
                               dict(h, **({"If-Match": etag} if etag else {})))
        if status == 412:
            continue
        if status != 200:
            return False, "cannot update the vcdKeConfig entity (%s: %s)" % (status, (out or {}).get("message"))
        return True, "registered as %s" % vm_id
    return False, "the vcdKeConfig entity kept changing (412)"


def _deregister(az, vm_id, cur):
    session = cur.get("session")
    if not session:
        return
    try:
        _register(az, session, vm_id, cur.get("version"), add=False)
    except Exception:  # best effort, like a VM that is switched off
        pass
