# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one vSphere client of the collection (pyVmomi).

It owns: connecting with TLS verification on by default (a CA file can be given), finding
inventory objects by name or path with clear errors, deploying an OVA through
``OvfManager.CreateImportSpec`` + ``ResourcePool.ImportVApp`` + the ``HttpNfcLease`` upload
(progress reported every few seconds so that the lease does not expire), vApp properties,
power and waiting for the guest IP.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from urllib.parse import urlsplit

try:
    from pyVim.connect import Disconnect, SmartConnect
    from pyVmomi import vim, vmodl
    HAS_PYVMOMI = True
    PYVMOMI_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - reported by the module
    HAS_PYVMOMI = False
    PYVMOMI_IMPORT_ERROR = exc

try:
    import requests
    HAS_REQUESTS = True
except ImportError:  # pragma: no cover
    HAS_REQUESTS = False

from .ova import HashingReader, OvaError

PROGRESS_INTERVAL = 5.0


class VsphereError(Exception):
    """An error talking to vSphere, already phrased as one sentence."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class VsphereNotFound(VsphereError):
    """A named inventory object does not exist."""


def fault_text(exc):
    """The message of a vmodl fault or any exception, in one line."""
    msg = getattr(exc, "msg", None) or getattr(exc, "localizedMessage", None)
    name = type(exc).__name__
    if hasattr(exc, "_wsdlName"):
        name = exc._wsdlName
    text = msg or str(exc)
    return "%s: %s" % (name, text) if text and name not in text else (text or name)


def split_host(host, port=None):
    """``vc.example.com``, ``vc.example.com:8443`` or a URL -> (host, port)."""
    text = str(host or "").strip()
    if "://" in text:
        parts = urlsplit(text)
        return parts.hostname, parts.port or port or 443
    if text.count(":") == 1:
        name, _sep, p = text.partition(":")
        if p.isdigit():
            return name, int(p)
    return text, port or 443


class VsphereClient:
    """A vCenter session."""

    def __init__(self, host, username=None, password=None, port=None, validate_certs=True, ca_path=None,
                 timeout=60, task_timeout=1800):
        if not HAS_PYVMOMI:
            raise VsphereError("the python 'pyvmomi' library is required: %s" % PYVMOMI_IMPORT_ERROR)
        if not host:
            raise VsphereError("no vCenter host given: set vsphere_host or the VSPHERE_HOST environment variable")
        if not username or not password:
            raise VsphereError("no vCenter credentials: set vsphere_username and vsphere_password "
                               "(or VSPHERE_USER / VSPHERE_PASSWORD)")
        self.host, self.port = split_host(host, port)
        self.username = username
        self.password = password
        self.validate_certs = validate_certs
        self.ca_path = ca_path
        self.timeout = timeout
        self.task_timeout = task_timeout
        self.si = None
        self.content = None

    # ------------------------------------------------------------------ session
    def ssl_context(self):
        if not self.validate_certs:
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            return ctx
        try:
            return ssl.create_default_context(cafile=self.ca_path) if self.ca_path else ssl.create_default_context()
        except (OSError, ssl.SSLError) as exc:
            raise VsphereError("cannot read the vCenter CA file %s: %s" % (self.ca_path, exc))

    def connect(self):
        if self.si is not None:
            return self
        where = "%s:%s" % (self.host, self.port)
        try:
            self.si = SmartConnect(host=self.host, port=self.port, user=self.username, pwd=self.password,
                                   sslContext=self.ssl_context(), connectionPoolTimeout=self.timeout)
        except vim.fault.InvalidLogin:
            raise VsphereError("login to vCenter %s as %s failed: wrong user name or password" % (where, self.username))
        except ssl.SSLError as exc:
            raise VsphereError("TLS verification of vCenter %s failed (%s): pass vsphere_ca_path with the CA that "
                               "signed its certificate, or fix the certificate" % (where, exc))
        except (socket.error, OSError) as exc:
            raise VsphereError("cannot reach vCenter %s: %s" % (where, exc))
        except vmodl.MethodFault as exc:
            raise VsphereError("login to vCenter %s failed: %s" % (where, fault_text(exc)))
        self.content = self.si.RetrieveContent()
        return self

    def disconnect(self):
        if self.si is not None:
            try:
                Disconnect(self.si)
            except Exception:  # pylint: disable=broad-except
                pass
            self.si = None

    # ------------------------------------------------------------------ inventory
    def _view(self, kinds, container=None):
        view = self.content.viewManager.CreateContainerView(container or self.content.rootFolder, kinds, True)
        try:
            return list(view.view)
        finally:
            view.Destroy()

    def _by_name(self, kinds, name, container=None):
        seen = {}
        for obj in self._view(kinds, container):
            if obj.name == name:
                seen[obj._moId] = obj
        return list(seen.values())

    def _one(self, found, what, name, where=""):
        if not found:
            raise VsphereNotFound("%s %s does not exist%s" % (what, name, where))
        if len(found) > 1:
            raise VsphereError("%s %s is ambiguous%s: %d objects have that name; give a path" % (
                what, name, where, len(found)))
        return found[0]

    def datacenter(self, name):
        return self._one(self._by_name([vim.Datacenter], name), "datacenter", name)

    def cluster(self, dc, name):
        return self._one(self._by_name([vim.ComputeResource], name, dc.hostFolder), "cluster or host", name,
                         " in datacenter %s" % dc.name)

    def resource_pool(self, compute, path=None):
        """The root pool of a cluster, or a pool given by ``a/b`` below it."""
        pool = compute.resourcePool
        for part in [p for p in (path or "").split("/") if p and p != "Resources"]:
            children = [c for c in (pool.resourcePool or []) if c.name == part]
            pool = self._one(children, "resource pool", path, " in %s" % compute.name)
        return pool

    def folder(self, dc, path=None):
        """A VM folder by path below the datacenter's VM folder (``/dc/vm/a/b``, ``vm/a/b`` or ``a/b``)."""
        folder = dc.vmFolder
        parts = [p for p in (path or "").split("/") if p]
        if parts[:1] == [dc.name]:
            parts = parts[1:]
        if parts[:1] == ["vm"]:
            parts = parts[1:]
        for part in parts:
            children = [c for c in folder.childEntity if isinstance(c, vim.Folder) and c.name == part]
            folder = self._one(children, "VM folder", path, " in datacenter %s" % dc.name)
        return folder

    def datastore(self, dc, name):
        found = [d for d in dc.datastore if d.name == name]
        found = list({d._moId: d for d in found}.values())
        return self._one(found, "datastore", name, " in datacenter %s" % dc.name)

    def network(self, dc, name):
        found = list({n._moId: n for n in dc.network if n.name == name}.values())
        return self._one(found, "network (port group)", name, " in datacenter %s" % dc.name)

    def find_vm(self, name, dc=None):
        found = self._by_name([vim.VirtualMachine], name, dc.vmFolder if dc else None)
        if len(found) > 1:
            raise VsphereError("VM %s is ambiguous: %d VMs have that name" % (name, len(found)))
        return found[0] if found else None

    # ------------------------------------------------------------------ tasks
    def wait_task(self, task, what, timeout=None):
        deadline = time.monotonic() + (timeout or self.task_timeout)
        delay = 0.2
        while True:
            state = task.info.state
            if state == vim.TaskInfo.State.success:
                return task.info.result
            if state == vim.TaskInfo.State.error:
                raise VsphereError("%s failed: %s" % (what, fault_text(task.info.error)))
            if time.monotonic() > deadline:
                raise VsphereError("%s: the vCenter task is still %s after %ss" % (what, state, timeout or self.task_timeout))
            time.sleep(delay)
            delay = min(delay * 1.5, 3.0)

    # ------------------------------------------------------------------ OVA
    def import_spec(self, ova, name, pool, datastore, network_mapping, properties, disk_provisioning="thin",
                    deployment_option=None, fail_on_warnings=False):
        """``CreateImportSpec`` for ``ova``; raises on errors (and warnings on request)."""
        params = vim.OvfManager.CreateImportSpecParams(
            entityName=name, diskProvisioning=disk_provisioning,
            networkMapping=[vim.OvfManager.NetworkMapping(name=k, network=v) for k, v in network_mapping.items()],
            propertyMapping=[vim.KeyValue(key=k, value=str(v)) for k, v in properties.items()])
        if deployment_option:
            params.deploymentOption = deployment_option
        try:
            result = self.content.ovfManager.CreateImportSpec(ova.descriptor, pool, datastore, params)
        except vmodl.MethodFault as exc:
            raise VsphereError("vCenter refused the OVF descriptor of %s: %s" % (ova.path, fault_text(exc)))
        errors = [fault_text(e) for e in (result.error or [])]
        if errors:
            raise VsphereError("vCenter cannot import %s: %s" % (ova.path, "; ".join(errors)))
        warnings = [fault_text(w) for w in (result.warning or [])]
        if warnings and fail_on_warnings:
            raise VsphereError("vCenter warns about %s: %s" % (ova.path, "; ".join(warnings)))
        return result, warnings

    def deploy(self, ova, spec_result, pool, folder, host=None, progress=None, transfer_timeout=3600,
               lease_timeout=300):
        """``ImportVApp`` + upload every file through the lease; returns the VM."""
        try:
            lease = pool.ImportVApp(spec_result.importSpec, folder, host)
        except vmodl.MethodFault as exc:
            raise VsphereError("ImportVApp of %s failed: %s" % (ova.path, fault_text(exc)))
        deadline = time.monotonic() + lease_timeout
        while lease.state == vim.HttpNfcLease.State.initializing:
            if time.monotonic() > deadline:
                raise VsphereError("the import lease of %s stayed 'initializing' for %ss" % (ova.path, lease_timeout))
            time.sleep(0.5)
        if lease.state == vim.HttpNfcLease.State.error:
            raise VsphereError("the import lease of %s failed: %s" % (ova.path, fault_text(lease.error)))
        uploader = _LeaseUpload(self, ova, lease, spec_result.fileItem or [], progress, transfer_timeout)
        try:
            uploader.run()
        except Exception as exc:  # pylint: disable=broad-except
            try:
                lease.HttpNfcLeaseAbort(vmodl.fault.SystemError(reason=str(exc)[:200]))
            except Exception:  # pylint: disable=broad-except
                pass
            if isinstance(exc, (VsphereError, OvaError)):
                raise
            raise VsphereError("upload of %s failed: %s" % (ova.path, fault_text(exc)))
        vm = lease.info.entity
        try:
            lease.HttpNfcLeaseProgress(100)
            lease.HttpNfcLeaseComplete()
        except vmodl.MethodFault as exc:
            raise VsphereError("completing the import lease of %s failed: %s" % (ova.path, fault_text(exc)))
        return vm

    def session_cookie(self):
        return self.si._stub.cookie  # pylint: disable=protected-access

    # ------------------------------------------------------------------ VM
    @staticmethod
    def vapp_properties(vm):
        """{id: {key, id, value, type, user_configurable}} of a VM's vApp properties."""
        cfg = vm.config.vAppConfig if vm.config else None
        out = {}
        for p in (cfg.property if cfg else None) or []:
            out[p.id] = {"key": p.key, "id": p.id, "value": p.value or "", "type": p.type or "string",
                         "user_configurable": bool(p.userConfigurable)}
        return out

    @staticmethod
    def product(vm):
        cfg = vm.config.vAppConfig if vm.config else None
        products = (cfg.product if cfg else None) or []
        if not products:
            return {}
        p = products[0]
        return {"name": p.name or "", "vendor": p.vendor or "", "version": p.version or "",
                "full_version": p.fullVersion or ""}

    def set_vapp_properties(self, vm, edits, adds=None):
        """Edit existing properties ``{key(int): value}`` and add new ones ``{id: value}``."""
        specs = []
        for key, value in edits.items():
            specs.append(vim.vApp.PropertySpec(operation="edit", info=vim.vApp.PropertyInfo(key=key, value=value)))
        existing = [p.key for p in (vm.config.vAppConfig.property if vm.config.vAppConfig else None) or []]
        next_key = max(existing or [-1]) + 1
        for pid, value in (adds or {}).items():
            specs.append(vim.vApp.PropertySpec(operation="add", info=vim.vApp.PropertyInfo(
                key=next_key, id=pid, value=value, type="string", userConfigurable=True)))
            next_key += 1
        spec = vim.vm.ConfigSpec(vAppConfig=vim.vApp.VmConfigSpec(property=specs))
        self.wait_task(vm.ReconfigVM_Task(spec), "reconfigure the vApp properties of VM %s" % vm.name)

    def power_on(self, vm):
        if vm.runtime.powerState == vim.VirtualMachine.PowerState.poweredOn:
            return False
        self.wait_task(vm.PowerOnVM_Task(), "power on VM %s" % vm.name)
        return True

    def power_off(self, vm):
        if vm.runtime.powerState == vim.VirtualMachine.PowerState.poweredOff:
            return False
        self.wait_task(vm.PowerOffVM_Task(), "power off VM %s" % vm.name)
        return True

    def destroy(self, vm):
        self.power_off(vm)
        self.wait_task(vm.Destroy_Task(), "delete VM %s" % vm.name)

    def wait_ip(self, vm, timeout, want=None):
        """The guest IP once VMware Tools reports one (``want``: that one)."""
        deadline = time.monotonic() + timeout
        while True:
            ip = vm.guest.ipAddress if vm.guest else None
            if ip and (want is None or ip == want):
                return ip
            if time.monotonic() > deadline:
                raise VsphereError("VM %s reported %s within %ss%s" % (
                    vm.name, "guest IP %s" % ip if ip else "no guest IP", timeout,
                    " (expected %s)" % want if want else ""))
            time.sleep(1.0)

    @staticmethod
    def vm_summary(vm):
        return {
            "name": vm.name, "moid": vm._moId, "uuid": vm.config.instanceUuid if vm.config else None,
            "power_state": str(vm.runtime.powerState), "guest_ip": vm.guest.ipAddress if vm.guest else None,
            "num_cpu": vm.config.hardware.numCPU if vm.config else None,
            "memory_mb": vm.config.hardware.memoryMB if vm.config else None,
            "datastores": sorted(d.name for d in vm.datastore or []),
            "networks": sorted({n.name for n in vm.network or []}),
        }


class _LeaseUpload:
    """Uploads the files of an OVA to the device URLs of a lease, keeping the lease alive."""

    def __init__(self, client, ova, lease, file_items, progress, timeout):
        self.client = client
        self.ova = ova
        self.lease = lease
        self.items = {i.deviceId: i for i in file_items}
        self.progress = progress
        self.timeout = timeout
        self.total = sum(ova.size(i.path) for i in file_items) or 1
        self.sent = 0
        self.percent = 0
        self.stop = threading.Event()
        self.error = None

    def _keepalive(self):
        while not self.stop.wait(PROGRESS_INTERVAL):
            try:
                self.lease.HttpNfcLeaseProgress(self.percent)
            except Exception as exc:  # pylint: disable=broad-except
                self.error = exc
                return

    def _count(self, n):
        self.sent += n
        pct = min(99, int(self.sent * 100 / self.total))
        if pct != self.percent:
            self.percent = pct
            if self.progress:
                self.progress(pct)

    def run(self):
        if not HAS_REQUESTS:
            raise VsphereError("the python 'requests' library is required for the OVA upload")
        thread = threading.Thread(target=self._keepalive, daemon=True)
        thread.start()
        try:
            for dev in self.lease.info.deviceUrl or []:
                item = self.items.get(dev.importKey)
                if item is None:
                    continue
                self._upload(dev, item)
                if self.error is not None:
                    raise VsphereError("the import lease was lost while uploading %s: %s"
                                       % (item.path, fault_text(self.error)))
        finally:
            self.stop.set()
            thread.join(2)

    def _upload(self, dev, item):
        url = dev.url
        if "://*" in url:
            host = "[%s]" % self.client.host if ":" in self.client.host else self.client.host
            url = url.replace("://*", "://%s:%d" % (host, self.client.port), 1)
        size = self.ova.size(item.path)
        reader = HashingReader(self.ova.open(item.path), size, on_read=self._count)
        headers = {"Content-Length": str(size), "Cookie": self.client.session_cookie() or ""}
        if item.create:
            method, headers["Overwrite"] = "PUT", "t"
            headers["Content-Type"] = "application/octet-stream"
        else:
            method = "POST"
            headers["Content-Type"] = "application/x-vnd.vmware-streamVmdk"
        verify = (self.client.ca_path or True) if self.client.validate_certs else False
        try:
            resp = requests.request(method, url, data=reader, headers=headers, verify=verify, timeout=self.timeout)
        except requests.exceptions.RequestException as exc:
            raise VsphereError("upload of %s to %s failed: %s" % (item.path, urlsplit(url).netloc, exc))
        if resp.status_code >= 400:
            raise VsphereError("upload of %s was refused with HTTP %d: %s"
                               % (item.path, resp.status_code, (resp.text or "")[:200].strip()))
        self.ova.verify(item.path, reader.digest)
