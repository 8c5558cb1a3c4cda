"""VCD AMQP broker settings (api-reference §1.10), legacy JSON form.

    GET  /api/admin/extension/settings/amqp               -> AmqpSettings
    PUT  /api/admin/extension/settings/amqp               -> AmqpSettings (200)
    POST /api/admin/extension/settings/amqp/action/test   -> AmqpSettingsTest {valid}

The test call really connects: it opens an AMQP connection (the `amqp` library) to the host and
port in the posted settings, with the posted user, password and vhost (TLS when `amqpUseSSL`;
the server certificate is checked against the lab CA unless `amqpSslAcceptAll`), then checks the
exchange with a passive declare.  In the lab the broker is the real RabbitMQ started by
`vcdlab/services/rabbitmq.py`, so wrong credentials really fail.  A posted settings object without
a password is tested with the stored one (what VCD's UI "Test" does with saved settings).

The password is write-only: reads return `amqpPassword: null`.  Every test is recorded in the
state kind `amqp_test` ({host, port, vhost, username, exchange, useSsl, valid, reason}) so tests can
assert that the broker was really reached.
"""
import os
import socket
import ssl

from .. import legacy
from ..framework import ApiError, bad_request, json_response, new_uuid, now_iso, seed_hook, route, stable_uuid

SETTINGS_TYPE = "application/vnd.vmware.admin.amqpSettings+json"
TEST_TYPE = "application/vnd.vmware.admin.amqpSettingsTest+json"
PATH = "/api/admin/extension/settings/amqp"
# lowerCamelCase of the XML element names, with their JSON types
FIELDS = {
    "amqpHost": str, "amqpPort": int, "amqpUsername": str, "amqpPassword": str, "amqpExchange": str,
    "amqpVHost": str, "amqpUseSSL": bool, "amqpSslAcceptAll": bool, "amqpPrefix": str,
}
DEFAULTS = {
    "amqpHost": "", "amqpPort": 5672, "amqpUsername": "guest", "amqpPassword": None,
    "amqpExchange": "systemExchange", "amqpVHost": "/", "amqpUseSSL": False, "amqpSslAcceptAll": False,
    "amqpPrefix": "vcd",
}
CONNECT_TIMEOUT = 5


@seed_hook(order=30)
def amqp_seed(state, az):
    u = stable_uuid(az.name, "amqp_settings")
    settings = dict(DEFAULTS)
    settings.update(id=u, uuid=u)
    state.put("amqp_settings", settings)


def current(state):
    found = state.all("amqp_settings")
    return found[0] if found else None


def settings_json(req, s):
    body = {k: s.get(k) for k in FIELDS}
    body["amqpPassword"] = None
    body.update({"href": req.href(PATH), "type": SETTINGS_TYPE,
                 "link": [{"rel": "test", "href": req.href(PATH + "/action/test"), "type": SETTINGS_TYPE}]})
    return body


def _checked(body):
    """The AmqpSettings fields of a request body, type-checked."""
    out = {}
    for key, typ in FIELDS.items():
        if key not in body or body[key] is None:
            continue
        value = body[key]
        if typ is int and (isinstance(value, bool) or not isinstance(value, int)):
            raise bad_request("%s must be an integer" % key)
        if typ is not int and not isinstance(value, typ):
            raise bad_request("%s must be a %s" % (key, "boolean" if typ is bool else "string"))
        out[key] = value
    if "amqpPort" in out and not 0 < out["amqpPort"] < 65536:
        raise bad_request("amqpPort must be between 1 and 65535")
    return out


def _guard(req):
    legacy.legacy_only_json(req)
    req.require_provider()


@route("GET", PATH)
def amqp_get(req):
    _guard(req)
    return json_response(settings_json(req, current(req.state)))


@route("PUT", PATH)
def amqp_put(req):
    _guard(req)
    body = _checked(legacy.require_json_body(req))
    s = current(req.state)
    with req.state.lock:
        for key, value in body.items():
            if key == "amqpPassword" and value == "":
                continue        # an empty password keeps the stored one
            s[key] = value
        s["updated"] = now_iso()
    return json_response(settings_json(req, s))


def broker_check(host, port, username, password, vhost, exchange, use_ssl, accept_all, ca_path):
    """(valid, reason) after a real AMQP connection attempt."""
    try:
        import amqp  # the lab's AMQP client (tests/requirements.txt)
    except ImportError:
        return False, "vcdlab: the python 'amqp' library is missing (pip install amqp)"
    if not host:
        return False, "no AMQP host"
    ssl_opt = False
    if use_ssl:
        # VCD trusts the broker's certificate through its trust store: here, the lab CA
        ssl_opt = {"cert_reqs": ssl.CERT_NONE} if accept_all else {
            "cert_reqs": ssl.CERT_REQUIRED, "server_hostname": host,
            "ca_certs": ca_path if ca_path and os.path.exists(ca_path) else None}
    conn = amqp.Connection("%s:%d" % (host, port), userid=username or "", password=password or "",
                           virtual_host=vhost or "/", ssl=ssl_opt, connect_timeout=CONNECT_TIMEOUT,
                           read_timeout=CONNECT_TIMEOUT, write_timeout=CONNECT_TIMEOUT)
    try:
        conn.connect()
        if exchange:
            channel = conn.channel()
            channel.exchange_declare(exchange, "topic", passive=True, durable=True, auto_delete=False)
        return True, "connected"
    except (OSError, socket.timeout, ssl.SSLError) as exc:
        return False, "cannot connect to %s:%s: %s" % (host, port, exc)
    except Exception as exc:  # amqp.exceptions.* (AccessRefused, NotFound ...)
        return False, "%s: %s" % (type(exc).__name__, exc)
    finally:
        try:
            conn.collect() if not conn.connected else conn.close()
        except Exception:
            pass


@route("POST", PATH + "/action/test")
def amqp_test(req):
    _guard(req)
    body = _checked(legacy.require_json_body(req))
    stored = current(req.state)
    want = {k: stored.get(k) for k in FIELDS}
    want.update(body)
    if not body.get("amqpPassword"):
        want["amqpPassword"] = stored.get("amqpPassword")
    ca = os.path.join(req.az.lab.run_dir, "ca.pem") if getattr(req.az.lab, "run_dir", None) else None
    valid, reason = broker_check(want["amqpHost"], want["amqpPort"], want["amqpUsername"], want["amqpPassword"],
                                 want["amqpVHost"], want["amqpExchange"], want["amqpUseSSL"],
                                 want["amqpSslAcceptAll"], ca)
    u = new_uuid()
    req.state.put("amqp_test", {"id": u, "uuid": u, "time": now_iso(), "host": want["amqpHost"],
                                "port": want["amqpPort"], "vhost": want["amqpVHost"],
                                "username": want["amqpUsername"], "exchange": want["amqpExchange"],
                                "useSsl": want["amqpUseSSL"], "valid": valid, "reason": reason})
    if not isinstance(valid, bool):
        raise ApiError(500, "INTERNAL_SERVER_ERROR", "vcdlab: broker check returned %r" % valid)
    return json_response({"valid": valid, "type": TEST_TYPE})
