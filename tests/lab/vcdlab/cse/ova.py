"""Build small fake OVAs at test time: a tar holding an .ovf descriptor and disk files.

    from vcdlab.cse.ova import make_ova
    path = make_ova(tmp_path / "cse-4.2.1.ova", disks={"disk1.vmdk": 300_000},
                    properties={"cse.vcdHost": "", "cse.vcdRefreshToken": ""}, product="VMware Cloud Director Container Service Extension", version="4.2.1")

The descriptor follows the DMTF OVF 1.x envelope (References/File, DiskSection, VirtualSystem with a
VirtualHardwareSection and a ProductSection of ovf:Property elements), which is what VCD parses.
"""
import io
import os
import tarfile
from xml.sax.saxutils import quoteattr

OVF = """<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"
  xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData">
  <References>
{files}
  </References>
  <DiskSection>
    <Info>Virtual disks</Info>
{disks}
  </DiskSection>
  <VirtualSystem ovf:id="{vm}">
    <Info>A virtual machine</Info>
    <Name>{vm}</Name>
    <VirtualHardwareSection>
      <Info>Virtual hardware</Info>
      <Item><rasd:ElementName>2 virtual CPUs</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>{cpu}</rasd:VirtualQuantity></Item>
      <Item><rasd:ElementName>Memory</rasd:ElementName><rasd:InstanceID>2</rasd:InstanceID><rasd:ResourceType>4</rasd:ResourceType><rasd:VirtualQuantity>{memory}</rasd:VirtualQuantity></Item>
    </VirtualHardwareSection>
    <ProductSection ovf:required="false">
      <Info>Product properties</Info>
      <Product>{product}</Product>
      <Version>{version}</Version>
{properties}
    </ProductSection>{eula}
  </VirtualSystem>
</Envelope>
"""


def descriptor(disks, properties=None, product="Lab appliance", version="1.0.0", vm="vm", cpu=2, memory=4096,
               eula=False, with_sizes=True):
    files = "\n".join('    <File ovf:href=%s ovf:id="file%d"%s/>' % (
        quoteattr(n), i, ' ovf:size="%d"' % s if with_sizes else "") for i, (n, s) in enumerate(disks.items(), 1))
    disk_el = "\n".join('    <Disk ovf:capacity="%d" ovf:diskId="vmdisk%d" ovf:fileRef="file%d"/>' % (max(s, 1), i, i)
                        for i, (n, s) in enumerate(disks.items(), 1))
    props = "\n".join('      <Property ovf:key=%s ovf:type="string" ovf:userConfigurable="true" ovf:value=%s/>'
                      % (quoteattr(k), quoteattr(v or "")) for k, v in (properties or {}).items())
    eula_el = "\n    <EulaSection><Info>License</Info><License>Lab licence</License></EulaSection>" if eula else ""
    return OVF.format(files=files, disks=disk_el, properties=props, product=product, version=version, vm=vm,
                      cpu=cpu, memory=memory, eula=eula_el).encode()


def make_ova(path, disks=None, properties=None, product="Lab appliance", version="1.0.0", vm="vm", eula=False,
             with_sizes=True, omit=()):
    """Write an OVA at `path`; disks {name: size in bytes} get pseudo-random content. Returns path."""
    disks = dict(disks or {"disk1.vmdk": 200000})
    path = str(path)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    name = os.path.splitext(os.path.basename(path))[0]
    with tarfile.open(path, "w") as tar:
        ovf = descriptor(disks, properties, product, version, vm, eula=eula, with_sizes=with_sizes)
        _add(tar, name + ".ovf", ovf)
        for i, (disk, size) in enumerate(disks.items()):
            if disk in omit:
                continue
            _add(tar, disk, _content(size, i))
    return path


def _content(size, seed):
    block = bytes((seed * 31 + i * 7) % 251 for i in range(4096))
    return (block * (size // len(block) + 1))[:size]


def _add(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


# ------------------------------------------------------------------ the lab's "vendor downloads"
CSE_PRODUCT = "VMware Cloud Director Container Service Extension"
CSE_PROPERTIES = {"cse.vcdHost": "", "cse.vAppOrg": "", "cse.vcdRefreshToken": "", "cse.vcdUsername": "",
                  "cse.userOrg": ""}
# TKG release -> a template OVA name of that release (file name without .ova = template name)
TKG_OVAS = {
    "2.4.0": "ubuntu-2004-kube-v1.27.5+vmware.1-tkg.1-lab",
    "2.5.0": "ubuntu-2204-kube-v1.28.4+vmware.1-tkg.1-lab",
}
CSE_RELEASES = ("4.2.1", "4.2.2")


def cse_ova_name(version):
    return "VMware_Cloud_Director_Container_Service_Extension-%s.ova" % version


def make_downloads(directory):
    """Fake CSE and TKG OVAs (small, valid) under `directory`; existing files are kept."""
    os.makedirs(directory, exist_ok=True)
    out = {}
    for version in CSE_RELEASES:
        path = os.path.join(directory, cse_ova_name(version))
        if not os.path.exists(path):
            make_ova(path + ".tmp", disks={"cse-disk1.vmdk": 262144}, properties=CSE_PROPERTIES,
                     product=CSE_PRODUCT, version=version, vm="CSE Server VM", eula=True)
            os.replace(path + ".tmp", path)
        out["cse-" + version] = path
    for release, name in TKG_OVAS.items():
        path = os.path.join(directory, name + ".ova")
        if not os.path.exists(path):
            make_ova(path + ".tmp", disks={"tkg-disk1.vmdk": 131072}, product="TKG", version=release, vm=name[:15])
            os.replace(path + ".tmp", path)
        out["tkg-" + release] = path
    return out
