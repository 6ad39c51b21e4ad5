"""libvirt 9.0's disks: AES secrets, backing chains and the 9.0 disk XML."""

from __future__ import annotations

import base64
import json
from types import MappingProxyType

import pytest
from qemudrv_helpers import domain_xml
from test_modern_cmdline import argv, modern_caps, option

from harness.protocol import Capabilities
from qemudrv.aes import encrypt_block, encrypt_cbc
from qemudrv.driver import QemuDriver
from qemudrv.errors import ConfigError, XMLError


def test_aes_matches_the_fips_197_vectors() -> None:
    plain = bytes.fromhex("00112233445566778899aabbccddeeff")
    assert encrypt_block(bytes(range(16)), plain).hex() == "69c4e0d86a7b0430d8cdb78070b4c55a"
    assert encrypt_block(bytes(range(24)), plain).hex() == "dda97ca4864cdfe06eaf70a0ec0d7191"
    assert encrypt_block(bytes(range(32)), plain).hex() == "8ea2b7ca516745bfeafc49904b496089"


def test_cbc_pads_a_full_block_when_aligned() -> None:
    assert len(encrypt_cbc(bytes(32), bytes(16), b"x" * 16)) == 32
    assert len(encrypt_cbc(bytes(32), bytes(16), b"x" * 15)) == 16
    with pytest.raises(ValueError):
        encrypt_cbc(bytes(10), bytes(16), b"")


def secret_caps() -> Capabilities:
    base = modern_caps()
    tables = dict(base.tables)
    tables["random"] = MappingProxyType({"bytes": "index"})
    tables["secrets"] = MappingProxyType({"value": "AQCVn5hO6HzFAhAAq0NCv8jtJcIcE+HOBlMQ1A",
                                          "usage_ids": ["mycluster_myname"]})
    return Capabilities(base.name, base.flags, base.config, MappingProxyType(tables))


def test_an_rbd_disk_with_auth_gets_an_encrypted_secret() -> None:
    args = argv("""
    <disk type='network' device='disk'><driver name='qemu' type='raw'/>
      <auth username='me'><secret type='ceph' usage='mycluster_myname'/></auth>
      <source protocol='rbd' name='pool/image'><host name='mon' port='6321'/></source>
      <target dev='vda' bus='virtio'/></disk>""", secret_caps())
    secret = json.loads(option(args, "-object")[-1])
    # libvirt 9.0's golden data for this secret value, key and IV
    assert secret == {"qom-type": "secret", "id": "libvirt-1-storage-auth-secret0",
                      "data": "9eao5F8qtkGt+seB1HYivWIxbtwUu6MQtg1zpj/oDtUsPr1q8wBYM91uEHCn6j/1",
                      "keyid": "masterKey0", "iv": base64.b64encode(bytes(range(16))).decode(),
                      "format": "base64"}
    storage = json.loads(option(args, "-blockdev")[0])
    assert storage["user"] == "me" and storage["key-secret"] == secret["id"]
    assert storage["auth-client-required"] == ["cephx", "none"]


def test_a_backing_chain_is_written_deepest_image_first() -> None:
    args = argv("""
    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/>
      <source file='/top.qcow2'/>
      <backingStore type='file'><format type='qcow2'/><source file='/base.qcow2'/>
        <backingStore/></backingStore>
      <target dev='vda' bus='virtio'/></disk>
    <disk type='file' device='cdrom'><target dev='hdc' bus='ide'/></disk>""", modern_caps())
    nodes = [json.loads(b) for b in option(args, "-blockdev")]
    # the empty CD-ROM (last disk) takes id 1 without a node
    assert [n["node-name"] for n in nodes] == [
        "libvirt-3-storage", "libvirt-3-format", "libvirt-2-storage", "libvirt-2-format"]
    assert nodes[1]["read-only"] is True and nodes[1]["backing"] is None
    assert nodes[3]["read-only"] is False and nodes[3]["backing"] == "libvirt-3-format"


def test_the_9_0_driver_attributes_round_trip() -> None:
    disk = """<disk type='file' device='disk'>
      <driver name='qemu' type='qcow2' discard='unmap' detect_zeroes='unmap' queues='4'>
        <metadata_cache>
          <max_size unit='bytes'>1024</max_size>
        </metadata_cache>
      </driver>
      <source file='/a.qcow2'/>
      <target dev='sda' bus='scsi' rotation_rate='7200'/>
      <transient shareBacking='yes'/>
    </disk>"""
    out = QemuDriver().xml_to_xml(domain_xml(disk), modern_caps("lsi")).output
    assert "detect_zeroes='unmap' queues='4'>" in out
    assert "<max_size unit='bytes'>1024</max_size>" in out
    assert "rotation_rate='7200'/>" in out and "<transient shareBacking='yes'/>" in out


def test_a_disk_without_target_names_its_source_as_9_0_does() -> None:
    xml = domain_xml("<disk type='file'><source file='/a'/></disk>")
    with pytest.raises(XMLError) as err:
        QemuDriver().xml_to_argv(xml, modern_caps())
    assert str(err.value) == "missing target information for device /a"


def test_nvme_and_vhost_user_disks() -> None:
    args = argv("""
    <disk type='nvme' device='disk'><driver name='qemu' type='raw'/>
      <source type='pci' namespace='2'>
        <address domain='0x0001' bus='0x02' slot='0x00' function='0x0'/></source>
      <target dev='vda' bus='virtio'/></disk>
    <disk type='vhostuser' device='disk'><driver name='qemu' type='raw'/>
      <source type='unix' path='/tmp/vu.sock'><reconnect enabled='yes' timeout='10'/></source>
      <target dev='vdb' bus='virtio'/></disk>""", modern_caps("drive-nvme"))
    storage = json.loads(option(args, "-blockdev")[0])
    assert storage["driver"] == "nvme" and storage["device"] == "0001:02:00.0"
    assert storage["namespace"] == 2 and storage["node-name"] == "libvirt-1-storage"
    assert "socket,id=chr-vu-virtio-disk1,path=/tmp/vu.sock,reconnect=10" in option(args,
                                                                                  "-chardev")
    devices = [json.loads(d) for d in option(args, "-device")]
    assert any(d["driver"] == "vhost-user-blk-pci" and d["chardev"] == "chr-vu-virtio-disk1"
               for d in devices)


def test_a_virtiofs_share_talks_to_virtiofsd_over_a_vhost_user_socket() -> None:
    fs = """<filesystem type='mount'>
      <driver type='virtiofs' queue='1024'/>
      <binary path='/usr/libexec/virtiofsd' xattr='on'><cache mode='always'/></binary>
      <source dir='/path'/><target dir='tag'/></filesystem>"""
    args = argv(fs, modern_caps("vhost-user-fs"))
    assert "socket,id=chr-vu-fs0,path=/tmp/lib/domain--1-t/fs0-fs.sock" in option(args,
                                                                                "-chardev")
    device = next(json.loads(d) for d in option(args, "-device") if "vhost-user-fs" in d)
    assert device["driver"] == "vhost-user-fs-pci" and device["queue-size"] == 1024
    assert device["chardev"] == "chr-vu-fs0" and device["tag"] == "tag"
    out = QemuDriver().xml_to_xml(domain_xml(fs), modern_caps("vhost-user-fs")).output
    assert "<binary path='/usr/libexec/virtiofsd' xattr='on'>" in out
    assert "<driver type='virtiofs' queue='1024'/>" in out


def pool_caps() -> Capabilities:
    base = modern_caps()
    tables = dict(base.tables)
    tables["storage"] = MappingProxyType({
        "pools": MappingProxyType({"p": MappingProxyType({"xml": "<pool type='dir'/>"})}),
        "volume_types": ("file", "block", "dir"),
        "volume_path": "/some/{type}/device/{name}",
    })
    return Capabilities(base.name, base.flags, base.config, MappingProxyType(tables))


def test_a_pool_volume_is_written_as_its_actual_storage() -> None:
    args = argv("""
    <disk type='volume' device='disk'><source pool='p' volume='block+v1'/>
      <target dev='vda' bus='virtio'/></disk>
    <disk type='volume' device='disk'><source pool='p' volume='dir+v2'/>
      <target dev='vdb' bus='virtio'/><readonly/></disk>""", pool_caps())
    nodes = [json.loads(b) for b in option(args, "-blockdev")]
    assert nodes[0]["driver"] == "host_device"
    assert nodes[0]["filename"] == "/some/block/device/v1"
    assert nodes[1]["driver"] == "raw"
    # a directory volume is a virtual FAT disk with a raw layer on top
    assert nodes[2]["driver"] == "vvfat" and nodes[2]["dir"] == "/some/dir/device/v2"
    assert nodes[3]["driver"] == "raw"


def test_a_scsi_disk_address_from_its_target_must_not_be_a_host_device_s() -> None:
    xml = domain_xml("""
    <disk type='block' device='disk'><source dev='/dev/a'/><target dev='sda' bus='scsi'/></disk>
    <hostdev mode='subsystem' type='scsi' managed='no'>
      <source><adapter name='scsi_host2'/><address bus='0' target='0' unit='1'/></source>
      <address type='drive' controller='0' bus='0' target='0' unit='0'/></hostdev>
    <controller type='scsi' index='0' model='virtio-scsi'/>""")
    with pytest.raises(ConfigError) as err:
        QemuDriver().xml_to_argv(xml, modern_caps("virtio-scsi-pci"))
    assert str(err.value).endswith("using disk target name 'sda' conflicts with SCSI host device "
                                   "address controller='0' bus='0' target='0' unit='0")


@pytest.mark.parametrize("driver, message", [
    ("queues='-5'", "Invalid value for attribute 'queues' in element 'driver': '-5'. "
                    "Expected non-negative integer value"),
    ("cache='default'", "Invalid value for attribute 'cache' in element 'driver': 'default'."),
    ("iothread='0'", "Invalid value for attribute 'iothread' in element 'driver': "
                     "Zero is not permitted"),
])
def test_9_0_driver_attributes_are_refused_in_libvirt_s_words(driver: str, message: str) -> None:
    xml = domain_xml(f"<disk type='file'><driver name='qemu' {driver}/><source file='/a'/>"
                     "<target dev='vda' bus='virtio'/></disk>")
    with pytest.raises(XMLError) as err:
        QemuDriver().xml_to_xml(xml, modern_caps())
    assert str(err.value) == message


@pytest.mark.parametrize("fs, flags, message", [
    ("<filesystem type='ram'><source usage='1024'/><target dir='t'/></filesystem>", (),
     "only supports mount filesystem type"),
    ("<filesystem type='mount'><driver type='virtiofs'/><source dir='/p'/><target dir='t'/>"
     "<readonly/></filesystem>", ("vhost-user-fs",),
     "virtiofs does not yet support read-only mode"),
    ("<filesystem type='mount' accessmode='passthrough' fmode='644'><source dir='/p'/>"
     "<target dir='t'/></filesystem>", (), "fmode and dmode must be used with accessmode=mapped"),
])
def test_9_0_filesystem_checks(fs: str, flags: tuple[str, ...], message: str) -> None:
    with pytest.raises(ConfigError) as err:
        QemuDriver().xml_to_argv(domain_xml(fs), modern_caps(*flags))
    assert str(err.value).endswith(message)
