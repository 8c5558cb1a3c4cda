#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: dsm_appliance
short_description: Deploy the VMware Data Services Manager appliance from its OVA into vCenter
description:
  - Deploys the DSM OVA with pyVmomi - C(OvfManager.CreateImportSpec), C(ResourcePool.ImportVApp), upload of the
    disks through the C(HttpNfcLease) (progress reported every few seconds so that the lease stays alive) - with
    its OVF properties (network, IP, gateway, DNS, NTP, first administrator, vCenter registration), powers it on,
    waits for the guest IP and for the DSM API.
  - An existing appliance (a VM of that name) is compared, never redeployed. A property that differs is
    reported; user-configurable properties are updated with C(ReconfigVM_Task) (the appliance reads them at first
    boot, so the module warns that the running appliance keeps its settings), the others only reported.
  - Everything is checked before the first write - the OVA (a tar archive whose first member is an OVF
    descriptor, with the properties the module sets), the addresses, the password rule, the vCenter login and the
    datacenter, cluster, resource pool, folder, datastore and network names, and the import spec vCenter builds.
version_added: 0.1.0
author: vcdops platform team (@vcdops)
extends_documentation_fragment:
  - vcdops.platform.vsphere
  - vcdops.platform.dsm
attributes:
  check_mode:
    support: full
    description: Reports what would change and writes nothing.
  diff_mode:
    support: full
    description: Shows the owned fields before and after.
notes:
  - The OVF property keys of the DSM OVA are not public; the module uses a modelled map (assumption A33,
    docs/assumptions.md) that O(ovf_keys) overrides key by key, and O(extra_properties) sets any other key.
  - O(dsm_host) and O(dsm_ca_path) say where to wait for the API (by default C(https://<ip_address>)); the DSM
    login options are not used.
options:
  name:
    description: VM name of the appliance.
    type: str
    required: true
  ova:
    description: Path of the DSM OVA on the controller. Required to deploy.
    type: path
  datacenter:
    description: Datacenter.
    type: str
    required: true
  cluster:
    description: Cluster (or standalone host) to run the appliance on.
    type: str
    required: true
  resource_pool:
    description: Resource pool below the cluster (C(a/b)); the cluster's root pool by default.
    type: str
  folder:
    description: VM folder (C(a/b) below the datacenter's VM folder).
    type: str
  datastore:
    description: Datastore. Required with O(state=present).
    type: str
  network:
    description: Port group for the appliance's management network. Required with O(state=present).
    type: str
  disk_provisioning:
    description: Disk format.
    type: str
    choices: [thin, thick, eagerZeroedThick]
    default: thin
  deployment_option:
    description: OVF deployment option (size), when the OVA has several.
    type: str
  hostname:
    description: FQDN of the appliance.
    type: str
  ip_address:
    description: Static IP address of the appliance. Required with O(state=present).
    type: str
  prefix:
    description: Prefix length of its network. Required with O(state=present).
    type: int
  gateway:
    description: Default gateway (inside O(ip_address)/O(prefix)). Required with O(state=present).
    type: str
  dns_servers:
    description: DNS servers.
    type: list
    elements: str
    default: []
  dns_search:
    description: DNS search domains.
    type: list
    elements: str
    default: []
  ntp_servers:
    description: NTP servers.
    type: list
    elements: str
    default: []
  admin_email:
    description: E-mail of the first DSM administrator (set at deployment). Required with O(state=present).
    type: str
  admin_password:
    description: Its password (DSM rule - 8-20 characters, upper and lower case, a digit and one of C(?!@#$%^&*_+)). Required with O(state=present).
    type: str
  vcenter_host:
    description: vCenter the appliance registers with (its vSphere Client plugin). By default O(vsphere_host).
    type: str
  vcenter_username:
    description: vCenter user for the registration. By default O(vsphere_username).
    type: str
  vcenter_password:
    description: Its password. By default O(vsphere_password).
    type: str
  vcenter_thumbprint:
    description: SHA-256 thumbprint of the vCenter certificate, when the appliance should pin it.
    type: str
  ceip:
    description: Join the customer experience improvement programme.
    type: bool
    default: false
  ovf_keys:
    description: OVF property keys to use instead of the modelled ones, by option name (C(ip_address), C(admin_email) ...).
    type: dict
    default: {}
  extra_properties:
    description: Further OVF properties, by key.
    type: dict
    default: {}
  power_on:
    description: Power the appliance on (and wait for it).
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait for the guest IP and then for the DSM API after power-on.
    type: int
    default: 1800
  transfer_timeout:
    description: Seconds one disk upload may take.
    type: int
    default: 3600
  state:
    description: V(absent) powers the appliance off and deletes it.
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: DSM appliance of AZ 1
  vcdops.platform.dsm_appliance:
    vsphere_host: vcenter.az1.example.com
    vsphere_username: administrator@vsphere.local
    vsphere_password: "{{ vault_vsphere_password }}"
    name: dsm-az1
    ova: /srv/ova/dsm-2.2.1.ova
    datacenter: dc-az1
    cluster: cl-mgmt
    datastore: vsan-mgmt
    network: pg-mgmt
    hostname: dsm.az1.example.com
    ip_address: 10.10.0.50
    prefix: 24
    gateway: 10.10.0.1
    dns_servers: [10.10.0.2]
    ntp_servers: [ntp.example.com]
    admin_email: dsm-admin@example.com
    admin_password: "{{ vault_dsm_admin_password }}"
    dsm_host: dsm.az1.example.com
"""

RETURN = r"""
appliance:
  description: The appliance VM (passwords masked).
  returned: always
  type: dict
  contains:
    name:
      description: VM name.
      type: str
    power_state:
      description: Power state.
      type: str
    guest_ip:
      description: IP reported by VMware Tools.
      type: str
    product:
      description: Product and version from the OVF.
      type: dict
    properties:
      description: OVF properties by key (passwords as C(********)).
      type: dict
"""

import time

from ansible_collections.vcdops.platform.plugins.module_utils.common import checks
from ansible_collections.vcdops.platform.plugins.module_utils.dsm.module import DsmResource, InputError
from ansible_collections.vcdops.platform.plugins.module_utils.dsm.spec import DSM_SPEC
from ansible_collections.vcdops.platform.plugins.module_utils.dsm.validate import email, password
from ansible_collections.vcdops.platform.plugins.module_utils.vsphere.client import VsphereError
from ansible_collections.vcdops.platform.plugins.module_utils.vsphere.module import VsphereMixin
from ansible_collections.vcdops.platform.plugins.module_utils.vsphere.ova import Ova

# Modelled OVF keys of the DSM appliance (assumption A33).
OVF_KEYS = {
    "hostname": "dsm.hostname", "ip_address": "dsm.network.ip0", "prefix": "dsm.network.prefix0",
    "gateway": "dsm.network.gateway", "dns_servers": "dsm.network.dns", "dns_search": "dsm.network.searchpath",
    "ntp_servers": "dsm.ntp.servers", "admin_email": "dsm.admin.email", "admin_password": "dsm.admin.password",
    "vcenter_host": "dsm.vcenter.host", "vcenter_username": "dsm.vcenter.username",
    "vcenter_password": "dsm.vcenter.password", "vcenter_thumbprint": "dsm.vcenter.thumbprint", "ceip": "dsm.ceip",
}
SECRET_OPTIONS = ("admin_password", "vcenter_password")
MASK = "********"


class Appliance(VsphereMixin, DsmResource):
    result_key = "appliance"
    extra_specs = (DSM_SPEC,)
    options = dict(
        name=dict(type="str", required=True),
        ova=dict(type="path"),
        datacenter=dict(type="str", required=True),
        cluster=dict(type="str", required=True),
        resource_pool=dict(type="str"),
        folder=dict(type="str"),
        datastore=dict(type="str"),
        network=dict(type="str"),
        disk_provisioning=dict(type="str", default="thin", choices=["thin", "thick", "eagerZeroedThick"]),
        deployment_option=dict(type="str"),
        hostname=dict(type="str"),
        ip_address=dict(type="str"),
        prefix=dict(type="int"),
        gateway=dict(type="str"),
        dns_servers=dict(type="list", elements="str", default=[]),
        dns_search=dict(type="list", elements="str", default=[]),
        ntp_servers=dict(type="list", elements="str", default=[]),
        admin_email=dict(type="str"),
        admin_password=dict(type="str", no_log=True),
        vcenter_host=dict(type="str"),
        vcenter_username=dict(type="str"),
        vcenter_password=dict(type="str", no_log=True),
        vcenter_thumbprint=dict(type="str"),
        ceip=dict(type="bool", default=False),
        ovf_keys=dict(type="dict", default={}, no_log=False),
        extra_properties=dict(type="dict", default={}),
        power_on=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=1800),
        transfer_timeout=dict(type="int", default=3600),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module_kwargs = dict(required_if=[("state", "present", ("datastore", "network", "ip_address", "prefix", "gateway",
                                                            "admin_email", "admin_password"))])

    # ------------------------------------------------------------------ inputs
    def validate(self):
        p = self.params
        if p["state"] != "present":
            return
        ip = checks.ip(p["ip_address"], "ip_address")
        gw, net = checks.interface("%s/%s" % (p["gateway"], p["prefix"]), "gateway")
        if ip not in net:
            raise InputError("ip_address %s is not in the subnet %s of the gateway" % (ip, net))
        if ip == gw:
            raise InputError("ip_address %s is the gateway" % ip)
        for server in p["dns_servers"]:
            checks.ip(server, "DNS server")
        for server in p["ntp_servers"]:
            if not _is_ip(server):
                checks.fqdn(server, "NTP server")
        if p["hostname"]:
            checks.fqdn(p["hostname"], "hostname")
        email(p["admin_email"], "admin_email")
        password(p["admin_password"], "admin_password")
        unknown = set(p["ovf_keys"]) - set(OVF_KEYS)
        if unknown:
            raise InputError("ovf_keys names unknown options %s (known: %s)" % (
                ", ".join(sorted(unknown)), ", ".join(sorted(OVF_KEYS))))
        self.keys = dict(OVF_KEYS, **p["ovf_keys"])
        self.ova = Ova(p["ova"]) if p["ova"] else None
        self.wanted = self._properties()
        self.secret_keys = {self.keys[o] for o in SECRET_OPTIONS}
        if self.ova is not None:
            self._check_ova()

    def _properties(self):
        p = self.params

        def joined(items):
            return ",".join(items)
        values = {
            "hostname": p["hostname"], "ip_address": p["ip_address"], "prefix": str(p["prefix"]),
            "gateway": p["gateway"], "dns_servers": joined(p["dns_servers"]), "dns_search": joined(p["dns_search"]),
            "ntp_servers": joined(p["ntp_servers"]), "admin_email": p["admin_email"],
            "admin_password": p["admin_password"],
            "vcenter_host": p["vcenter_host"] or _host_only(p["vsphere_host"]),
            "vcenter_username": p["vcenter_username"] or p["vsphere_username"],
            "vcenter_password": p["vcenter_password"] or p["vsphere_password"],
            "vcenter_thumbprint": p["vcenter_thumbprint"], "ceip": "True" if p["ceip"] else "False",
        }
        props = {self.keys[k]: v for k, v in values.items() if v is not None}
        for key, value in p["extra_properties"].items():
            props[key] = "True" if value is True else "False" if value is False else str(value)
        return props

    def _check_ova(self):
        known = {prop.key: prop for prop in self.ova.properties}
        missing = sorted(k for k in self.wanted if k not in known)
        if missing:
            raise InputError("the OVA %s has no OVF properties %s (it has: %s); set ovf_keys to its keys" % (
                self.ova.path, ", ".join(missing), ", ".join(sorted(known)) or "none"))
        if len(self.ova.networks) > 1:
            raise InputError("the OVA %s has %d networks (%s); this module maps one" % (
                self.ova.path, len(self.ova.networks), ", ".join(self.ova.networks)))
        options = [o["id"] for o in self.ova.deployment_options]
        if self.params["deployment_option"] and self.params["deployment_option"] not in options:
            raise InputError("the OVA %s has no deployment option %s (it has: %s)" % (
                self.ova.path, self.params["deployment_option"], ", ".join(options) or "none"))

    # ------------------------------------------------------------------ read
    def read(self):
        p, vs = self.params, self.vsphere
        self.dc = vs.datacenter(p["datacenter"])
        if p["state"] == "present":
            compute = vs.cluster(self.dc, p["cluster"])
            self.pool = vs.resource_pool(compute, p["resource_pool"])
            self.folder = vs.folder(self.dc, p["folder"])
            self.datastore = vs.datastore(self.dc, p["datastore"])
            self.network = vs.network(self.dc, p["network"])
        return vs.find_vm(p["name"], self.dc)

    def _mask(self, key, value):
        return MASK if key in getattr(self, "secret_keys", ()) and value else value

    def view(self, current):
        vm = current
        props = self.vsphere.vapp_properties(vm)
        return {"name": vm.name, "power_state": str(vm.runtime.powerState),
                "properties": {k: self._mask(k, v["value"]) for k, v in sorted(props.items())}}

    def desired(self, current):
        p = self.params
        if current is None and self.ova is None:
            raise InputError("appliance %s does not exist: ova is needed to deploy it" % p["name"])
        want = {"name": p["name"]}
        if p["power_on"]:
            want["power_state"] = "poweredOn"
        if current is None:
            want["properties"] = {k: self._mask(k, v) for k, v in sorted(self.wanted.items())}
            self._import_spec()
            return want
        have = self.vsphere.vapp_properties(current)
        self.edits, self.reported = {}, []
        props = {}
        for key, value in sorted(self.wanted.items()):
            cur = have.get(key)
            if cur is None:
                self.reported.append("%s (not an OVF property of the deployed appliance)" % key)
                continue
            if key in self.secret_keys and not cur["value"]:
                continue   # vCenter did not return the secret: nothing to compare
            if cur["value"] == value:
                continue
            if not cur["user_configurable"]:
                self.reported.append(key)
                continue
            self.edits[cur["key"]] = value
            props[key] = "%s (changed)" % MASK if key in self.secret_keys else value
        if props:
            want["properties"] = props
        if self.reported:
            self.warnings.append("appliance %s: OVF properties differ but vSphere does not allow changing them: %s; "
                                 "redeploy to change them" % (p["name"], ", ".join(self.reported)))
        if self.edits:
            self.warnings.append("appliance %s: the appliance applies its OVF properties at first boot; the changed "
                                 "properties are stored on the VM but the running DSM keeps its settings" % p["name"])
        return want

    def _import_spec(self):
        """CreateImportSpec changes nothing, so it also runs in check mode: vCenter's own checks come first."""
        self.spec_result, warnings = self.vsphere.import_spec(
            self.ova, self.params["name"], self.pool, self.datastore, {self.ova.networks[0]: self.network}
            if self.ova.networks else {}, self.wanted, self.params["disk_provisioning"],
            self.params["deployment_option"])
        self.warnings.extend("vCenter: %s" % w for w in warnings)

    # ------------------------------------------------------------------ write
    def create(self, want):
        vs, p = self.vsphere, self.params
        vm = vs.deploy(self.ova, self.spec_result, self.pool, self.folder, transfer_timeout=p["transfer_timeout"])
        if p["power_on"]:
            vs.power_on(vm)
            self._wait_up(vm)

    def update(self, current, want, changes):
        vs = self.vsphere
        if getattr(self, "edits", None):
            vs.set_vapp_properties(current, self.edits)
        if "power_state" in changes:
            vs.power_on(current)
            self._wait_up(current)

    def delete(self, current):
        self.vsphere.destroy(current)

    def _wait_up(self, vm):
        p = self.params
        deadline = time.monotonic() + p["wait_timeout"]
        self.vsphere.wait_ip(vm, p["wait_timeout"], want=p["ip_address"])
        host = p["dsm_host"] or p["ip_address"]
        from ansible_collections.vcdops.platform.plugins.module_utils.dsm.client import DsmClient, DsmUnreachable
        api = DsmClient(host, validate_certs=p["dsm_validate_certs"], ca_path=p["dsm_ca_path"],
                        request_timeout=min(30, p["dsm_request_timeout"] or 30), retries=0)
        while True:
            try:
                resp = api._send("GET", "/provider/deployment-topology", auth=False)  # pylint: disable=protected-access
                if resp.status_code < 500:
                    return
            except DsmUnreachable:
                pass
            if time.monotonic() > deadline:
                raise VsphereError("appliance %s is powered on with IP %s, but the DSM API at %s did not answer "
                                   "within %ss" % (p["name"], p["ip_address"], api.base, p["wait_timeout"]))
            time.sleep(2)

    def returned(self, obj):
        vm = obj
        if not vm:
            return {}
        out = self.vsphere.vm_summary(vm)
        out["product"] = self.vsphere.product(vm)
        out["properties"] = {k: self._mask(k, v["value"]) for k, v in sorted(
            self.vsphere.vapp_properties(vm).items())}
        return out


def _is_ip(text):
    try:
        checks.ip(text, "address")
        return True
    except InputError:
        return False


def _host_only(host):
    text = str(host or "")
    if "://" in text:
        text = text.split("://", 1)[1]
    return text.split("/")[0] or None


def main():
    Appliance().run()


if __name__ == "__main__":
    main()
