# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Container Service Extension 4.x knowledge (api-reference §5), in one place.

    VERSIONS[cse_version]            RDE type versions and component versions per CSE release
    TKG_VERSIONS[cse_version]        TKG releases a CSE release can deploy  [modelled A-CSE-1]
    SIZING_POLICIES                  the four TKG VM sizing policies (exact names)
    check_config(params) -> None     input checks (proxy URLs, no_proxy, registry, TKG versions,
                                     certificates, sizes ...); raises InputError before any write
    build_profile(params) -> dict    the ``profiles[0]`` of the vcdKeConfig entity
    merge_config(current, profile)   current entity contents with the owned fields replaced
    owned_view(contents) -> dict     the fields the collection owns, flattened for diff
    mask(view) -> dict               the same with secrets replaced
    server_instances(contents)       ``profiles[0].vcdKeInstances`` (written by the CSE servers)
"""

from __future__ import annotations

import copy
import re
from urllib.parse import urlsplit

from ..common.flow import InputError

CONFIG_NAME = "vcdKeConfig"
INSTANCE_NAME = "vcd-container-service-extension"
MASK = "********"

_ECOSYSTEM_42 = {"coreCapiVersion": "v1.4.0", "bootstrapProvider": "v1.4.0", "controlPlaneProvider": "v1.4.0",
                 "certManagerVersion": "v1.11.1", "clusterctl": "v1.4.0", "kindVersion": "v0.19.0",
                 "kindestNodeVersion": "v1.27.1"}
VERSIONS = {
    "4.2.0": dict(_ECOSYSTEM_42, vcdkeconfig="1.1.0", capvcd_type="1.3.0", capvcd="v1.2.0", cpi="1.5.0", csi="1.5.0",
                  projector="0.7.0"),
    "4.2.1": dict(_ECOSYSTEM_42, vcdkeconfig="1.1.0", capvcd_type="1.3.0", capvcd="v1.3.0", cpi="1.6.0", csi="1.6.0",
                  projector="0.7.0"),
    "4.2.2": dict(_ECOSYSTEM_42, vcdkeconfig="1.1.0", capvcd_type="1.3.0", capvcd="v1.3.2", cpi="1.6.1", csi="1.6.0",
                  projector="0.7.1"),
    "4.2.3": dict(_ECOSYSTEM_42, vcdkeconfig="1.1.0", capvcd_type="1.3.0", capvcd="v1.3.2", cpi="1.6.1", csi="1.6.0",
                  projector="0.7.1"),
}
_TKG_42 = ["2.1.1", "2.2.0", "2.3.1", "2.4.0"]
TKG_VERSIONS = {"4.2.0": _TKG_42, "4.2.1": _TKG_42 + ["2.5.0"], "4.2.2": _TKG_42 + ["2.5.0"],
                "4.2.3": _TKG_42 + ["2.5.0"]}
SIZING_POLICIES = [
    {"name": "TKG extra-large", "cpu_count": 8, "memory_mb": 32768,
     "description": "Extra-large VM sizing policy for a Kubernetes cluster node (8 CPU, 32GB memory)"},
    {"name": "TKG large", "cpu_count": 4, "memory_mb": 16384,
     "description": "Large VM sizing policy for a Kubernetes cluster node (4 CPU, 16GB memory)"},
    {"name": "TKG medium", "cpu_count": 2, "memory_mb": 8192,
     "description": "Medium VM sizing policy for a Kubernetes cluster node (2 CPU, 8GB memory)"},
    {"name": "TKG small", "cpu_count": 2, "memory_mb": 4048,
     "description": "Small VM sizing policy for a Kubernetes cluster node (2 CPU, 4GB memory)"},
]
SIZING_NAMES = [p["name"] for p in SIZING_POLICIES]
LOG_LEVELS = ("error", "warn", "info", "debug")
_HOST = re.compile(r"^(?=.{1,253}$)(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*$")
_IPV4 = re.compile(r"^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(/\d{1,2})?$")
_PEM = re.compile(r"-----BEGIN CERTIFICATE-----\s+[A-Za-z0-9+/=\s]+-----END CERTIFICATE-----\s*$")
_DURATION = re.compile(r"^\d+$")


def versions(cse_version):
    if cse_version not in VERSIONS:
        raise InputError("CSE version %s is not supported; supported: %s" % (cse_version, ", ".join(sorted(VERSIONS))))
    return VERSIONS[cse_version]


def check_tkg(cse_version, tkg_versions, what="TKG version"):
    known = TKG_VERSIONS.get(cse_version) or []
    bad = [v for v in tkg_versions or [] if str(v).lstrip("v") not in known]
    if bad:
        raise InputError("%s %s unknown to CSE %s, which deploys TKG %s" % (
            what, ", ".join(str(b) for b in bad), cse_version, ", ".join(known)))


def _ip_ok(text):
    m = _IPV4.match(text)
    if not m:
        return False
    if any(int(g) > 255 for g in m.groups()[:4]):
        return False
    return m.group(5) is None or int(m.group(5)[1:]) <= 32


def check_proxy_url(value, what):
    """An http(s)://host[:port] URL (user:password@ allowed); '' means no proxy."""
    if not value:
        return ""
    text = str(value).strip()
    parts = urlsplit(text)
    try:
        port = parts.port
    except ValueError:
        raise InputError("%s %r has an invalid port" % (what, value))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError("%s %r is not a proxy URL like http://proxy.example.com:3128" % (what, value))
    if not (_HOST.match(parts.hostname) or _ip_ok(parts.hostname)):
        raise InputError("%s %r: %r is not a valid host name" % (what, value, parts.hostname))
    if port is not None and not 0 < port < 65536:
        raise InputError("%s %r: port %s is out of range" % (what, value, port))
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise InputError("%s %r: a proxy URL has no path, query or fragment" % (what, value))
    return text


def check_no_proxy(entries):
    """Host names, .domains, *.domains, IPs and CIDRs."""
    out = []
    for entry in entries or []:
        text = str(entry).strip()
        bare = text[2:] if text.startswith("*.") else text[1:] if text.startswith(".") else text
        host = bare.rsplit(":", 1)[0] if ":" in bare and bare.count(":") <= 1 else bare
        if not text or not (_HOST.match(host) or _ip_ok(host)):
            raise InputError("no_proxy entry %r is not a host name, .domain, IP address or CIDR" % entry)
        out.append(text)
    return out


def check_registry(value):
    text = str(value or "").strip().rstrip("/")
    if not text:
        raise InputError("container_registry_url is required (for example projects.registry.vmware.com)")
    if "://" in text:
        raise InputError("container_registry_url %r: give the registry without a scheme, like "
                         "projects.registry.vmware.com" % value)
    host = text.split("/", 1)[0].rsplit(":", 1)[0]
    if not (_HOST.match(host) or _ip_ok(host)):
        raise InputError("container_registry_url %r: %r is not a valid host name" % (value, host))
    return text


def check_certificates(certs, what):
    out = []
    for i, cert in enumerate(certs or []):
        if not _PEM.match(str(cert).strip()):
            raise InputError("%s #%d is not a PEM certificate (-----BEGIN CERTIFICATE----- ...)" % (what, i + 1))
        out.append(str(cert).strip() + "\n")
    return out


def check_config(p):
    """Check everything before any write; raise InputError with one clear sentence."""
    versions(p["cse_version"])
    check_tkg(p["cse_version"], p.get("tkg_versions"))
    check_proxy_url(p.get("http_proxy"), "http_proxy")
    check_proxy_url(p.get("https_proxy"), "https_proxy")
    check_no_proxy(p.get("no_proxy"))
    check_registry(p.get("container_registry_url"))
    check_certificates(p.get("certificates"), "certificates")
    check_certificates(p.get("bootstrap_certificates"), "bootstrap_certificates")
    if p.get("bootstrap_vm_sizing_policy") not in SIZING_NAMES:
        raise InputError("bootstrap_vm_sizing_policy %r is not one of the TKG sizing policies: %s"
                         % (p.get("bootstrap_vm_sizing_policy"), ", ".join(SIZING_NAMES)))
    if p.get("log_level") not in (None,) + LOG_LEVELS:
        raise InputError("log_level %r is not one of %s" % (p.get("log_level"), ", ".join(LOG_LEVELS)))
    mhc = p.get("machine_health_check") or {}
    pct = mhc.get("max_unhealthy_node_percent", 100)
    if not isinstance(pct, int) or not 1 <= pct <= 100:
        raise InputError("machine_health_check.max_unhealthy_node_percent must be 1-100, not %r" % pct)
    for key in ("node_startup_timeout", "node_not_ready_timeout", "node_unknown_timeout"):
        if key in mhc and not _DURATION.match(str(mhc[key])):
            raise InputError("machine_health_check.%s must be a number of seconds, not %r" % (key, mhc[key]))
    syslog = p.get("syslog") or {}
    if syslog.get("host") and not (_HOST.match(str(syslog["host"])) or _ip_ok(str(syslog["host"]))):
        raise InputError("syslog.host %r is not a host name or IP address" % syslog["host"])
    if syslog.get("port") not in (None, "") and not (str(syslog["port"]).isdigit() and 0 < int(syslog["port"]) < 65536):
        raise InputError("syslog.port %r is not a port number" % syslog["port"])
    for key in ("rde_poll_interval_min", "heartbeat_watcher_timeout_min", "stale_heartbeat_interval_min"):
        value = (p.get("server") or {}).get(key)
        if value is not None and (not isinstance(value, int) or value < 1):
            raise InputError("server.%s must be a positive number of minutes" % key)


def build_profile(p):
    """profiles[0] of the vcdKeConfig entity from the module's options."""
    v = versions(p["cse_version"])
    mhc = p.get("machine_health_check") or {}
    server = p.get("server") or {}
    syslog = p.get("syslog") or {}
    profile = {
        "name": p.get("profile_name") or "production",
        "active": True,
        "serverConfig": {
            "rdePollIntervalInMin": server.get("rde_poll_interval_min") or 1,
            "heartbeatWatcherTimeoutInMin": server.get("heartbeat_watcher_timeout_min") or 10,
            "staleHeartbeatIntervalInMin": server.get("stale_heartbeat_interval_min") or 30,
        },
        "K8Config": {
            "certificateAuthorities": check_certificates(p.get("certificates"), "certificates"),
            "cni": {"name": "antrea", "version": p.get("cni_version") or ""},
            "cpi": {"name": "cpi for cloud director", "version": v["cpi"]},
            "csi": [{"name": "csi for cloud director", "version": v["csi"]}],
            "mhc": {"maxUnhealthyNodes": mhc.get("max_unhealthy_node_percent", 100),
                    "nodeStartupTimeout": str(mhc.get("node_startup_timeout", 900)),
                    "nodeNotReadyTimeout": str(mhc.get("node_not_ready_timeout", 300)),
                    "nodeUnknownTimeout": str(mhc.get("node_unknown_timeout", 300))},
            "rdeProjectorVersion": v["projector"],
        },
        "vcdConfig": {"sysLogger": {"host": str(syslog.get("host") or ""), "port": str(syslog.get("port") or "")}},
        "githubConfig": {"githubPersonalAccessToken": p.get("github_token") or ""},
        "bootstrapClusterConfig": {
            "capiEcosystem": {
                "infraProvider": {"name": "capvcd", "version": v["capvcd"],
                                  "capvcdRde": {"nss": "capvcdCluster", "vendor": "vmware", "version": v["capvcd_type"]}},
                "coreCapiVersion": v["coreCapiVersion"],
                "bootstrapProvider": {"name": "CAPBK", "version": v["bootstrapProvider"]},
                "controlPlaneProvider": {"name": "KCP", "version": v["controlPlaneProvider"]},
                "certManagerVersion": v["certManagerVersion"],
            },
            "certificateAuthorities": check_certificates(p.get("bootstrap_certificates"), "bootstrap_certificates"),
            "clusterctl": {"version": v["clusterctl"], "clusterctlyaml": ""},
            "kindVersion": v["kindVersion"],
            "kindestNodeVersion": v["kindestNodeVersion"],
            "proxyConfig": {"noProxy": ",".join(check_no_proxy(p.get("no_proxy"))),
                            "httpProxy": check_proxy_url(p.get("http_proxy"), "http_proxy"),
                            "httpsProxy": check_proxy_url(p.get("https_proxy"), "https_proxy")},
            "sizingPolicy": p.get("bootstrap_vm_sizing_policy") or "TKG small",
        },
        "containerRegistryUrl": check_registry(p.get("container_registry_url")),
    }
    if p.get("log_level"):
        profile["serverConfig"]["logLevel"] = p["log_level"]  # [modelled A-CSE-2]
    return profile


def server_instances(contents):
    profiles = (contents or {}).get("profiles") or []
    return list((profiles[0] if profiles else {}).get("vcdKeInstances") or [])


def new_contents(profile):
    prof = copy.deepcopy(profile)
    prof["vcdKeInstances"] = [{"name": INSTANCE_NAME}]
    return {"profiles": [prof]}


def merge_config(current, profile):
    """Current contents with profile 0's owned fields replaced; the servers' instances are kept."""
    out = copy.deepcopy(current or {})
    profiles = out.setdefault("profiles", [])
    if not profiles:
        profiles.append({})
    first = profiles[0]
    instances = first.get("vcdKeInstances")
    for key, value in profile.items():
        if isinstance(value, dict) and isinstance(first.get(key), dict):
            first[key] = _merge_dict(first[key], value)
        else:
            first[key] = copy.deepcopy(value)
    first["vcdKeInstances"] = instances if instances else [{"name": INSTANCE_NAME}]
    return out


def _merge_dict(cur, want):
    out = dict(cur)
    for key, value in want.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge_dict(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def flatten(obj, prefix=""):
    """{"a.b[0].c": value} of a JSON document."""
    out = {}
    if isinstance(obj, dict):
        for key, value in obj.items():
            out.update(flatten(value, "%s.%s" % (prefix, key) if prefix else key))
    elif isinstance(obj, list) and obj and all(isinstance(x, dict) for x in obj):
        for i, value in enumerate(obj):
            out.update(flatten(value, "%s[%d]" % (prefix, i)))
    else:
        out[prefix] = obj
    return out


def owned_view(contents, profile_keys):
    """The owned fields of profile 0, flattened (``profile_keys`` = keys of a built profile)."""
    profiles = (contents or {}).get("profiles") or []
    first = profiles[0] if profiles else {}
    owned = {k: first.get(k) for k in profile_keys}
    return flatten(owned)


def mask(view):
    return {k: (MASK if k.endswith("githubPersonalAccessToken") and v else v) for k, v in view.items()}


def update_with_retries(client, entity_id, change, what, retries=5):
    """GET with ETag, change, PUT with If-Match; a 412 re-reads and re-applies (CSE retries 5 times)."""
    import time
    from .client import VcdError
    from .rde import Rde
    api = Rde(client)
    for attempt in range(retries):
        try:
            return api.update(entity_id, change, what=what)
        except VcdError as exc:
            if "412" not in str(exc) or attempt == retries - 1:
                raise
            time.sleep(0.2 * (attempt + 1))
    return None


def find_config(client, type_prefix="1"):
    """The vcdKeConfig entity (System org); None when absent; an error when there are several."""
    from .client import VcdError
    from .rde import Rde
    found = [e for e in Rde(client).list("vmware", "VCDKEConfig", type_prefix, name=CONFIG_NAME)
             if e.get("name") == CONFIG_NAME]
    if len(found) > 1:
        raise VcdError("there are %d %s entities; CSE expects exactly one (delete the extra ones)"
                       % (len(found), CONFIG_NAME))
    return found[0] if found else None
