"""A small stand-in for the DSM appliance OVA, built at test time.

It is a real OVA: a tar archive whose first member is an OVF 1.0 descriptor, then a SHA256
manifest, then a tiny stream-optimized-VMDK-looking disk.  The descriptor carries the product
section of the DSM appliance with the OVF keys the collection models (assumption A33, see
docs/assumptions.md).

    python -m vcdlab.dsm.fake_ova /tmp/dsm.ova            # write one
    from vcdlab.dsm.fake_ova import build; build(path)
"""
import hashlib
import io
import os
import sys
import tarfile
from xml.sax.saxutils import escape, quoteattr

PRODUCT = "VMware Data Services Manager"
VENDOR = "VMware, Inc."
VERSION = "2.2.1"
FULL_VERSION = "2.2.1.0-24419993"
NETWORK = "Management Network"
DISK_CAPACITY_GB = 2

# key, type, default, password, label
PROPERTIES = [
    ("dsm.hostname", "string", "", False, "Host name (FQDN)"),
    ("dsm.network.ip0", "string", "", False, "IP address"),
    ("dsm.network.prefix0", "string", "24", False, "Prefix length"),
    ("dsm.network.gateway", "string", "", False, "Default gateway"),
    ("dsm.network.dns", "string", "", False, "DNS servers (comma separated)"),
    ("dsm.network.searchpath", "string", "", False, "DNS search domains"),
    ("dsm.ntp.servers", "string", "", False, "NTP servers (comma separated)"),
    ("dsm.admin.email", "string", "", False, "E-mail of the first DSM administrator"),
    ("dsm.admin.password", "string", "", True, "Password of the first DSM administrator"),
    ("dsm.vcenter.host", "string", "", False, "vCenter Server to register with"),
    ("dsm.vcenter.username", "string", "", False, "vCenter user"),
    ("dsm.vcenter.password", "string", "", True, "vCenter password"),
    ("dsm.vcenter.thumbprint", "string", "", False, "vCenter certificate thumbprint (SHA-256)"),
    ("dsm.ceip", "boolean", "False", False, "Join the customer experience programme"),
]


def descriptor(disk_name="dsm-disk1.vmdk", disk_size=0, properties=PROPERTIES, version=VERSION):
    props = "\n".join(
        '      <Property ovf:key=%s ovf:type=%s ovf:userConfigurable="true" ovf:value=%s%s>\n'
        '        <Label>%s</Label>\n      </Property>'
        % (quoteattr(k), quoteattr(t), quoteattr(d), ' ovf:password="true"' if pw else "", escape(label))
        for k, t, d, pw, label in properties)
    return """<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1"
          xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"
          xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
          xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData"
          xmlns:vmw="http://www.vmware.com/schema/ovf">
  <References>
    <File ovf:id="file1" ovf:href=%(disk)s ovf:size="%(size)d"/>
  </References>
  <DiskSection>
    <Info>Virtual disk information</Info>
    <Disk ovf:diskId="vmdisk1" ovf:fileRef="file1" ovf:capacity="%(cap)d" ovf:capacityAllocationUnits="byte * 2^30"
          ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"/>
  </DiskSection>
  <NetworkSection>
    <Info>The list of logical networks</Info>
    <Network ovf:name=%(net)s>
      <Description>The management network of the appliance</Description>
    </Network>
  </NetworkSection>
  <VirtualSystem ovf:id="dsm-appliance">
    <Info>A virtual machine</Info>
    <Name>dsm-appliance</Name>
    <OperatingSystemSection ovf:id="36" vmw:osType="vmwarePhoton64Guest">
      <Info>The kind of installed guest operating system</Info>
    </OperatingSystemSection>
    <ProductSection ovf:required="false">
      <Info>Information about the installed software</Info>
      <Product>%(product)s</Product>
      <Vendor>%(vendor)s</Vendor>
      <Version>%(version)s</Version>
      <FullVersion>%(full)s</FullVersion>
%(props)s
    </ProductSection>
    <VirtualHardwareSection>
      <Info>Virtual hardware requirements</Info>
      <System>
        <vssd:ElementName>Virtual Hardware Family</vssd:ElementName>
        <vssd:InstanceID>0</vssd:InstanceID>
        <vssd:VirtualSystemIdentifier>dsm-appliance</vssd:VirtualSystemIdentifier>
        <vssd:VirtualSystemType>vmx-14</vssd:VirtualSystemType>
      </System>
      <Item>
        <rasd:AllocationUnits>hertz * 10^6</rasd:AllocationUnits>
        <rasd:Description>Number of Virtual CPUs</rasd:Description>
        <rasd:ElementName>4 virtual CPU(s)</rasd:ElementName>
        <rasd:InstanceID>1</rasd:InstanceID>
        <rasd:ResourceType>3</rasd:ResourceType>
        <rasd:VirtualQuantity>4</rasd:VirtualQuantity>
      </Item>
      <Item>
        <rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits>
        <rasd:Description>Memory Size</rasd:Description>
        <rasd:ElementName>16384MB of memory</rasd:ElementName>
        <rasd:InstanceID>2</rasd:InstanceID>
        <rasd:ResourceType>4</rasd:ResourceType>
        <rasd:VirtualQuantity>16384</rasd:VirtualQuantity>
      </Item>
      <Item>
        <rasd:Address>0</rasd:Address>
        <rasd:Description>SCSI Controller</rasd:Description>
        <rasd:ElementName>SCSI Controller 0</rasd:ElementName>
        <rasd:InstanceID>3</rasd:InstanceID>
        <rasd:ResourceSubType>VirtualSCSI</rasd:ResourceSubType>
        <rasd:ResourceType>6</rasd:ResourceType>
      </Item>
      <Item>
        <rasd:AddressOnParent>0</rasd:AddressOnParent>
        <rasd:ElementName>Hard Disk 1</rasd:ElementName>
        <rasd:HostResource>ovf:/disk/vmdisk1</rasd:HostResource>
        <rasd:InstanceID>4</rasd:InstanceID>
        <rasd:Parent>3</rasd:Parent>
        <rasd:ResourceType>17</rasd:ResourceType>
      </Item>
      <Item>
        <rasd:AddressOnParent>7</rasd:AddressOnParent>
        <rasd:AutomaticAllocation>true</rasd:AutomaticAllocation>
        <rasd:Connection>%(net_text)s</rasd:Connection>
        <rasd:Description>VmxNet3 ethernet adapter</rasd:Description>
        <rasd:ElementName>Network adapter 1</rasd:ElementName>
        <rasd:InstanceID>5</rasd:InstanceID>
        <rasd:ResourceSubType>VmxNet3</rasd:ResourceSubType>
        <rasd:ResourceType>10</rasd:ResourceType>
      </Item>
    </VirtualHardwareSection>
  </VirtualSystem>
</Envelope>
""" % {"disk": quoteattr(disk_name), "size": disk_size, "cap": DISK_CAPACITY_GB, "net": quoteattr(NETWORK),
       "net_text": escape(NETWORK), "product": escape(PRODUCT), "vendor": escape(VENDOR),
       "version": escape(version), "full": escape(FULL_VERSION), "props": props}


def disk_bytes(size=64 * 1024):
    """Something that starts like a stream-optimized VMDK (magic KDMV, version 3)."""
    head = b"KDMV" + (3).to_bytes(4, "little") + (0x30001).to_bytes(4, "little")
    return head + b"\0" * (size - len(head))


def build(path, name="dsm-appliance", properties=PROPERTIES, version=VERSION):
    """Write the OVA to ``path``; returns ``path``."""
    disk_name = "%s-disk1.vmdk" % name
    disk = disk_bytes()
    ovf = descriptor(disk_name, len(disk), properties, version).encode("utf-8")
    ovf_name = "%s.ovf" % name
    manifest = "".join("SHA256(%s)= %s\n" % (n, hashlib.sha256(d).hexdigest())
                       for n, d in ((ovf_name, ovf), (disk_name, disk))).encode()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with tarfile.open(path, "w", format=tarfile.USTAR_FORMAT) as tar:
        for member, data in ((ovf_name, ovf), ("%s.mf" % name, manifest), (disk_name, disk)):
            info = tarfile.TarInfo(member)
            info.size = len(data)
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
    return path


if __name__ == "__main__":
    print(build(sys.argv[1] if len(sys.argv) > 1 else "dsm-appliance.ova"))
