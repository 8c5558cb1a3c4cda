"""Unit tests of module_utils/vcd/cse.py: input checks, the vcdKeConfig profile, merge and field diffs."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.vcdops.platform.plugins.module_utils.common.flow import InputError
from ansible_collections.vcdops.platform.plugins.module_utils.vcd import cse

PEM = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ2FmZQ==\n-----END CERTIFICATE-----"


def params(**over):
    p = dict(cse_version="4.2.1", tkg_versions=["2.4.0", "v2.5.0"], container_registry_url="projects.registry.vmware.com",
             http_proxy="http://proxy.example.com:3128", https_proxy="",
             no_proxy=[".example.com", "10.0.0.0/8", "localhost", "*.svc.local"],
             github_token="ghp_x", certificates=[PEM], bootstrap_certificates=[], bootstrap_vm_sizing_policy="TKG small",
             log_level="info", machine_health_check={"max_unhealthy_node_percent": 80, "node_startup_timeout": 600},
             server={}, syslog={"host": "syslog.example.com", "port": 514}, cni_version="", profile_name="production")
    p.update(over)
    return p


def test_profile_has_every_required_field_and_the_release_versions():
    prof = cse.build_profile(params())
    assert prof["name"] == "production" and prof["active"] is True
    k8s = prof["K8Config"]
    assert set(k8s) >= {"cni", "cpi", "csi", "mhc"}
    assert set(k8s["mhc"]) == {"maxUnhealthyNodes", "nodeStartupTimeout", "nodeNotReadyTimeout", "nodeUnknownTimeout"}
    assert k8s["mhc"]["maxUnhealthyNodes"] == 80 and k8s["mhc"]["nodeStartupTimeout"] == "600"
    assert (k8s["cpi"]["version"], k8s["csi"][0]["version"], k8s["rdeProjectorVersion"]) == ("1.6.0", "1.6.0", "0.7.0")
    assert prof["vcdConfig"]["sysLogger"] == {"host": "syslog.example.com", "port": "514"}
    boot = prof["bootstrapClusterConfig"]
    assert boot["capiEcosystem"]["infraProvider"]["version"] == "v1.3.0"
    assert boot["capiEcosystem"]["infraProvider"]["capvcdRde"] == {"nss": "capvcdCluster", "vendor": "vmware",
                                                                   "version": "1.3.0"}
    assert boot["proxyConfig"] == {"noProxy": ".example.com,10.0.0.0/8,localhost,*.svc.local",
                                   "httpProxy": "http://proxy.example.com:3128", "httpsProxy": ""}
    assert prof["serverConfig"]["logLevel"] == "info"
    assert k8s["certificateAuthorities"] == [PEM + "\n"]


def test_release_422_uses_its_component_versions():
    prof = cse.build_profile(params(cse_version="4.2.2"))
    assert prof["bootstrapClusterConfig"]["capiEcosystem"]["infraProvider"]["version"] == "v1.3.2"
    assert prof["K8Config"]["cpi"]["version"] == "1.6.1" and prof["K8Config"]["rdeProjectorVersion"] == "0.7.1"


@pytest.mark.parametrize("over, message", [
    ({"cse_version": "4.9.0"}, "CSE version 4.9.0 is not supported"),
    ({"tkg_versions": ["2.4.0", "3.1.0"]}, "TKG version 3.1.0 unknown to CSE 4.2.1"),
    ({"cse_version": "4.2.0", "tkg_versions": ["2.5.0"]}, "unknown to CSE 4.2.0"),
    ({"http_proxy": "proxy.example.com:3128"}, "is not a proxy URL"),
    ({"http_proxy": "ftp://proxy.example.com"}, "is not a proxy URL"),
    ({"https_proxy": "http://proxy.example.com:99999"}, "port"),
    ({"https_proxy": "http://proxy.example.com:3128/path"}, "no path"),
    ({"https_proxy": "http://bad_host.example.com:3128"}, "not a valid host name"),
    ({"no_proxy": ["ok.example.com", "not valid!"]}, "no_proxy entry 'not valid!'"),
    ({"container_registry_url": "https://registry.example.com"}, "without a scheme"),
    ({"container_registry_url": ""}, "container_registry_url is required"),
    ({"certificates": ["not a pem"]}, "certificates #1 is not a PEM certificate"),
    ({"bootstrap_vm_sizing_policy": "TKG huge"}, "is not one of the TKG sizing policies"),
    ({"log_level": "chatty"}, "log_level"),
    ({"machine_health_check": {"max_unhealthy_node_percent": 0}}, "1-100"),
    ({"syslog": {"host": "syslog.example.com", "port": 70000}}, "not a port number"),
])
def test_bad_inputs_are_refused(over, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace("*", r"\*")):
        cse.check_config(params(**over))


def test_good_inputs_pass():
    cse.check_config(params())
    cse.check_config(params(http_proxy="", https_proxy="https://user:pw@10.1.2.3:8443", no_proxy=[]))


def test_merge_keeps_server_instances_and_unknown_fields():
    current = cse.new_contents(cse.build_profile(params()))
    current["profiles"][0]["vcdKeInstances"] = [{"name": cse.INSTANCE_NAME, "vcdKeInstanceId": "urn:vcloud:vm:1"}]
    current["profiles"][0]["K8Config"]["extraFromUi"] = "keep me"
    current["profiles"][0]["serverConfig"]["logLevel"] = "debug"
    new = cse.build_profile(params(http_proxy="http://other.example.com:8080", log_level=None))
    merged = cse.merge_config(copy.deepcopy(current), new)
    first = merged["profiles"][0]
    assert first["vcdKeInstances"] == [{"name": cse.INSTANCE_NAME, "vcdKeInstanceId": "urn:vcloud:vm:1"}]
    assert first["K8Config"]["extraFromUi"] == "keep me"
    assert first["serverConfig"]["logLevel"] == "debug"   # not owned when log_level is not given
    assert first["bootstrapClusterConfig"]["proxyConfig"]["httpProxy"] == "http://other.example.com:8080"


def test_flat_view_names_each_field_and_masks_the_token():
    prof = cse.build_profile(params())
    view = cse.mask(cse.owned_view(cse.new_contents(prof), list(prof)))
    assert view["bootstrapClusterConfig.proxyConfig.httpProxy"] == "http://proxy.example.com:3128"
    assert view["K8Config.csi[0].version"] == "1.6.0"
    assert view["githubConfig.githubPersonalAccessToken"] == cse.MASK
    assert "vcdKeInstances" not in " ".join(view)
    empty = cse.mask({"githubConfig.githubPersonalAccessToken": ""})
    assert empty == {"githubConfig.githubPersonalAccessToken": ""}


def test_the_four_sizing_policies():
    assert [(p["name"], p["cpu_count"], p["memory_mb"]) for p in cse.SIZING_POLICIES] == [
        ("TKG extra-large", 8, 32768), ("TKG large", 4, 16384), ("TKG medium", 2, 8192), ("TKG small", 2, 4048)]
