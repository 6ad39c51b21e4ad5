"""libvirt 9.0's command line: chosen by the capability set's [libvirt] version."""

from __future__ import annotations

import json
import shlex
from types import MappingProxyType
from typing import Any

import pytest
from qemudrv_helpers import domain_xml, driver_caps

from harness.protocol import Capabilities
from qemudrv.caps import RETIRED_BY_9_0, QemuCaps
from qemudrv.driver import QemuDriver
from qemudrv.errors import ConfigError, UnsupportedError, XMLError, with_code

_MACHINES = tuple(
    MappingProxyType({"type": accel, "name": "pc-i440fx-8.0", "alias": "pc",
                      "defaultCPU": "qemu64-x86_64-cpu", "defaultRAMid": "pc.ram"})
    for accel in ("kvm", "tcg")
)

# query-cpu-definitions: the machines' default CPU is a model QEMU lists.
_CPUS = tuple(
    MappingProxyType({"type": accel, "name": "qemu64", "typename": "qemu64-x86_64-cpu"})
    for accel in ("kvm", "tcg")
)


# The machine's default CPU type is a model QEMU lists (post-parse names it).
_CPUS = tuple(
    MappingProxyType({"type": accel, "name": "qemu64", "typename": "qemu64-x86_64-cpu"})
    for accel in ("kvm", "tcg")
)


JSON_FLAGS = ("device.json+hotplug", "object.qapified", "netdev.json")


def modern_caps(*flags: str, json_options: bool = True, **config: Any) -> Capabilities:
    """``driver_caps`` recording libvirt 9.0.0 on a QEMU 8.0 like emulator
    (taking JSON -device, -object and -netdev unless ``json_options`` is false)."""
    json_flags = JSON_FLAGS if json_options else ()
    base = driver_caps("piix3-usb-uhci", "seccomp-sandbox", "cirrus-vga", *json_flags, *flags,
                       lib_dir="/tmp/lib", privileged=True,
                       environ={"PATH": "/bin", "HOME": "/home/test"},
                       pci_multibus_guest_archs=["x86_64"], **config)
    tables = dict(base.tables)
    tables["libvirt"] = MappingProxyType({"version": "9.0.0"})
    tables["qemu"] = MappingProxyType({"machine": _MACHINES, "cpu": _CPUS})
    tables["fds"] = MappingProxyType({"unix_listen": 1729})
    tables["host"] = MappingProxyType({**base.tables["host"], "domain_id": -1})
    return Capabilities(base.name, base.flags, base.config, MappingProxyType(tables))


def argv(devices: str, caps: Capabilities, **kw: str) -> list[str]:
    out = QemuDriver().xml_to_argv(domain_xml(devices, **kw), caps).output
    return shlex.split(out)


def option(args: list[str], name: str) -> list[str]:
    return [args[i + 1] for i, a in enumerate(args) if a == name]


def test_a_set_without_libvirt_version_keeps_the_1_3_1_dialect() -> None:
    args = argv("", driver_caps("machine-opt"))
    assert "-accel" not in args and "-audiodev" not in args


def test_the_9_0_skeleton() -> None:
    args = argv("", modern_caps())
    assert args[:6] == ["LC_ALL=C", "PATH=/bin", "HOME=/tmp/lib/domain--1-t",
                        "XDG_DATA_HOME=/tmp/lib/domain--1-t/.local/share",
                        "XDG_CACHE_HOME=/tmp/lib/domain--1-t/.cache",
                        "XDG_CONFIG_HOME=/tmp/lib/domain--1-t/.config"]
    assert option(args, "-name") == ["guest=t,debug-threads=on"]
    secret = json.loads(option(args, "-object")[0])
    assert secret == {"qom-type": "secret", "id": "masterKey0", "format": "raw",
                      "file": "/tmp/lib/domain--1-t/master-key.aes"}
    # 'pc' is an alias in the set's machine table: post-parse writes the canonical name.
    assert option(args, "-machine") == [
        "pc-i440fx-8.0,usb=off,dump-guest-core=off,memory-backend=pc.ram"]
    assert option(args, "-accel") == ["tcg"]
    assert option(args, "-cpu") == ["qemu64"]
    assert option(args, "-m") == ["214"]
    assert json.loads(option(args, "-object")[1]) == {
        "qom-type": "memory-backend-ram", "id": "pc.ram", "size": 214 * 1024 * 1024}
    assert option(args, "-smp") == ["1,sockets=1,cores=1,threads=1"]
    assert option(args, "-display") == ["none"]
    assert option(args, "-chardev") == ["socket,id=charmonitor,fd=1729,server=on,wait=off"]
    assert option(args, "-boot") == ["strict=on"]
    assert json.loads(option(args, "-audiodev")[0]) == {"id": "audio1", "driver": "none"}
    assert args[-4:] == ["-sandbox", "on,obsolete=deny,elevateprivileges=deny,spawn=deny,"
                         "resourcecontrol=deny", "-msg", "timestamp=on"]


def test_a_comma_in_the_name_is_doubled() -> None:
    xml = domain_xml("").replace("<name>t</name>", "<name>a,b</name>")
    args = shlex.split(QemuDriver().xml_to_argv(xml, modern_caps()).output)
    assert option(args, "-name") == ["guest=a,,b,debug-threads=on"]


def test_disks_are_blockdev_graphs_numbered_from_the_last_disk() -> None:
    args = argv("""
    <disk type='file' device='disk'><driver name='qemu' type='qcow2' cache='none'/>
      <source file='/a.qcow2'/><target dev='hda' bus='ide'/></disk>
    <disk type='block' device='cdrom'><source dev='/dev/sr0'/>
      <target dev='hdc' bus='ide'/><readonly/></disk>""", modern_caps())
    nodes = [json.loads(b) for b in option(args, "-blockdev")]
    assert nodes[0] == {"driver": "file", "filename": "/a.qcow2",
                        "node-name": "libvirt-2-storage",
                        "cache": {"direct": True, "no-flush": False},
                        "auto-read-only": True, "discard": "unmap"}
    assert nodes[1] == {"node-name": "libvirt-2-format", "read-only": False,
                        "cache": {"direct": True, "no-flush": False},
                        "driver": "qcow2", "file": "libvirt-2-storage"}
    assert nodes[2]["driver"] == "host_device" and nodes[3]["read-only"] is True
    devices = [json.loads(d) for d in option(args, "-device")]
    assert {"driver": "ide-hd", "bus": "ide.0", "unit": 0, "drive": "libvirt-2-format",
            "id": "ide0-0-0", "bootindex": 1, "write-cache": "on"} in devices
    assert {"driver": "ide-cd", "bus": "ide.1", "unit": 0, "drive": "libvirt-1-format",
            "id": "ide0-1-0"} in devices
    assert {"driver": "piix3-usb-uhci", "id": "usb", "bus": "pci.0", "addr": "0x1.0x2"} in devices


@pytest.mark.parametrize("graphics, backend", [
    ("", "none"),
    ("<graphics type='spice'/>", "spice"),
    ("<graphics type='vnc'/>", "none"),
])
def test_the_default_audio_backend_follows_the_graphics(graphics: str, backend: str) -> None:
    # Post-parse adds the default <audio>; the command line writes its -audiodev.
    (audiodev,) = option(argv(graphics, modern_caps("vnc", "spice")), "-audiodev")
    assert json.loads(audiodev) == {"id": "audio1", "driver": backend}


def test_a_9_0_set_has_the_capabilities_libvirt_retired() -> None:
    caps = QemuCaps(modern_caps())
    assert caps.flags >= RETIRED_BY_9_0
    assert not QemuCaps(driver_caps()).has("device")


def test_a_9_0_rejection_carries_libvirt_s_error_prefix() -> None:
    xml = domain_xml("<disk type='file' device='bogus'><source file='/a'/>"
                     "<target dev='hda'/></disk>")
    with pytest.raises(XMLError) as modern:
        QemuDriver().xml_to_argv(xml, modern_caps())
    with pytest.raises(XMLError) as legacy:
        QemuDriver().xml_to_argv(xml, driver_caps())
    assert str(modern.value) == f"XML error: {legacy.value}"


def test_a_raise_site_can_name_its_own_error_code() -> None:
    assert str(with_code(ConfigError("boom"))) == "unsupported configuration: boom"
    assert str(with_code(ConfigError("boom", code="internal error"))) == "internal error: boom"
    assert str(with_code(ConfigError("boom", code=""))) == "boom"


def test_a_user_interface_is_a_json_netdev_and_nic() -> None:
    args = argv("<interface type='user'><mac address='52:54:00:e5:48:58'/>"
                "<model type='virtio'/></interface>", modern_caps())
    assert json.loads(option(args, "-netdev")[0]) == {"type": "user", "id": "hostnet0"}
    nic = next(json.loads(d) for d in option(args, "-device") if "netdev" in d)
    assert list(nic)[:4] == ["driver", "netdev", "id", "mac"]
    assert nic["driver"] == "virtio-net-pci" and nic["mac"] == "52:54:00:e5:48:58"


def test_a_pty_serial_port_uses_an_isa_serial_json_device() -> None:
    args = argv("<serial type='pty'><target port='0'/></serial>", modern_caps())
    assert option(args, "-chardev")[1] == "pty,id=charserial0"
    assert {"driver": "isa-serial", "chardev": "charserial0", "id": "serial0",
            "index": 0} in [json.loads(d) for d in option(args, "-device")]


def test_vnc_names_the_audio_backend_and_spice_switches_are_on_off() -> None:
    args = argv("<graphics type='vnc' port='5903' listen='127.0.0.1'/>"
                "<graphics type='spice' port='5904'><filetransfer enable='no'/></graphics>",
                modern_caps("vnc", "spice"))
    assert option(args, "-vnc") == ["127.0.0.1:3,audiodev=audio1"]
    assert option(args, "-spice")[0].endswith(
        ",disable-ticketing=on,disable-agent-file-xfer=on,seamless-migration=on")


def test_rng_watchdog_and_9p_shares() -> None:
    args = argv("<rng model='virtio'><backend model='random'>/dev/random</backend></rng>"
                "<watchdog model='ib700' action='dump'/>"
                "<filesystem type='mount'><source dir='/export'/><target dir='tag'/>"
                "</filesystem>", modern_caps())
    objects = [json.loads(o) for o in option(args, "-object")]
    assert {"qom-type": "rng-random", "id": "objrng0", "filename": "/dev/random"} in objects
    devices = [json.loads(d) for d in option(args, "-device")]
    assert {"driver": "ib700", "id": "watchdog0"} in devices
    assert option(args, "-watchdog-action") == ["pause"]
    assert option(args, "-fsdev") == ["local,security_model=passthrough,id=fsdev-fs0,path=/export"]
    assert any(d["driver"] == "virtio-9p-pci" and d["mount_tag"] == "tag" for d in devices)


def test_a_read_only_pflash_loader_gets_an_nvram_image() -> None:
    os_ = ("<os><type arch='x86_64' machine='pc'>hvm</type>"
           "<loader readonly='yes' type='pflash'>/code.fd</loader></os>")
    # UEFI on x86 needs ACPI.
    xml = domain_xml("", extra="<features><acpi/></features>").replace(
        "<os><type arch='x86_64' machine='pc'>hvm</type></os>", os_)
    args = shlex.split(QemuDriver().xml_to_argv(xml, modern_caps(nvram_dir="/nv")).output)
    nodes = [json.loads(b) for b in option(args, "-blockdev")]
    assert [n.get("filename") for n in nodes] == ["/code.fd", None, "/nv/t_VARS.fd", None]
    assert option(args, "-machine")[0].endswith(
        ",pflash0=libvirt-pflash0-format,pflash1=libvirt-pflash1-format")


@pytest.mark.parametrize("disk, message", [
    ("<disk type='file'><driver name='qemu' type='cow'/><source file='/a'/>"
     "<target dev='hda'/></disk>", "unsupported configuration: 'cow' storage format is not "
                                   "supported"),
    ("<disk type='file'><source file='/a'/><target dev='vdb1' bus='virtio'/></disk>",
     "unsupported configuration: invalid disk target 'vdb1', partitions can't appear in "
     "disk targets"),
    ("<disk type='file'><source file='/a'/><target dev='hda'/></disk>"
     "<disk type='file'><source file='/b'/><target dev='hda'/></disk>",
     "XML error: target 'hda' duplicated for disk sources '/a' and '/b'"),
])
def test_9_0_disk_validation_speaks_libvirt_s_messages(disk: str, message: str) -> None:
    with pytest.raises(ConfigError) as rejected:
        QemuDriver().xml_to_argv(domain_xml(disk), modern_caps())
    assert str(rejected.value) == message


def test_network_disks_are_protocol_blockdev_nodes() -> None:
    args = argv("""
    <disk type='network' device='disk'><source protocol='nbd' name='bar'>
      <host name='example.org' port='6000'/></source><target dev='vda' bus='virtio'/></disk>
    <disk type='network' device='disk'><source protocol='iscsi' name='iqn.1992-01.com.example/1'>
      <host name='example.org'/></source><target dev='vdb' bus='virtio'/></disk>""",
                modern_caps())
    nodes = [json.loads(b) for b in option(args, "-blockdev")]
    assert nodes[0] == {"driver": "nbd",
                        "server": {"type": "inet", "host": "example.org", "port": "6000"},
                        "export": "bar", "node-name": "libvirt-2-storage",
                        "auto-read-only": True, "discard": "unmap"}
    assert nodes[2]["portal"] == "example.org:3260" and nodes[2]["lun"] == 1


def test_numa_nodes_get_memory_backends_bound_by_numatune() -> None:
    extra = ("<cpu><numa><cell id='0' cpus='0' memory='1048576' unit='KiB'/></numa></cpu>"
             "<numatune><memnode cellid='0' mode='strict' nodeset='3'/></numatune>")
    args = argv("", modern_caps(), extra=extra)
    assert "memory-backend=" not in option(args, "-machine")[0]
    backend = json.loads(option(args, "-object")[1])
    assert backend == {"qom-type": "memory-backend-ram", "id": "ram-node0",
                       "size": 1073741824, "host-nodes": [3], "policy": "bind"}
    assert option(args, "-numa") == ["node,nodeid=0,cpus=0,memdev=ram-node0"]


def test_default_ram_on_huge_pages_is_a_file_backend() -> None:
    extra = "<memoryBacking><hugepages><page size='2048' unit='KiB'/></hugepages></memoryBacking>"
    caps = modern_caps(hugetlbfs=[{"mnt_dir": "/dev/hp2M", "size": 2048, "default": True}])
    args = argv("", caps, extra=extra)
    backend = json.loads(option(args, "-object")[1])
    assert backend == {"qom-type": "memory-backend-file", "id": "pc.ram",
                       "mem-path": "/dev/hp2M/libvirt/qemu/-1-t", "prealloc": True,
                       "size": 214 * 1024 * 1024}


def test_a_huge_page_size_without_a_mount_is_refused() -> None:
    # libvirt looks the mount up while building the backend, not at define time.
    extra = "<memoryBacking><hugepages><page size='5120' unit='KiB'/></hugepages></memoryBacking>"
    caps = modern_caps(hugetlbfs=[{"mnt_dir": "/dev/hp2M", "size": 2048, "default": True}])
    with pytest.raises(UnsupportedError, match=r"^internal error: Unable to find any usable"):
        QemuDriver().xml_to_argv(domain_xml("", extra=extra), caps)
    with pytest.raises(UnsupportedError, match=r"^internal error: hugetlbfs filesystem is not"):
        QemuDriver().xml_to_argv(domain_xml("", extra=extra), modern_caps())


def test_hypervisor_features_are_on_off_cpu_switches() -> None:
    extra = ("<features><apic eoi='on'/><hyperv><relaxed state='on'/></hyperv></features>"
             "<clock offset='utc'><timer name='kvmclock' present='no'/></clock>")
    args = argv("<panic model='hyperv'/>", modern_caps(), extra=extra)
    assert option(args, "-cpu") == ["qemu64,kvmclock=off,kvm-pv-eoi=on,hv-relaxed=on,hv-crash"]


def test_a_file_serial_port_is_passed_as_an_fd_set() -> None:
    args = argv("<serial type='file'><source path='/tmp/s.log'/><target port='0'/></serial>",
                modern_caps())
    i = args.index("-add-fd")
    assert args[i:i + 4] == ["-add-fd", "set=0,fd=0,opaque=serial0-source", "-chardev",
                             "file,id=charserial0,path=/dev/fdset/0,append=on"]


@pytest.mark.xfail(reason="9.0 addresses are now assigned while parsing, and the ide disk's PCI "
                          "address collides with the PIIX3 slot before validation refuses it; "
                          "libvirt collects it as a PCI device and validates first "
                          "(disk-*-incompatible-address.x86_64-latest fail the same way)")
def test_a_disk_bus_with_a_pci_address_is_refused_before_addresses_are_assigned() -> None:
    disk = ("<disk type='file'><source file='/a'/><target dev='hda' bus='ide'/>"
            "<address type='pci' domain='0' bus='0' slot='1' function='0'/></disk>")
    with pytest.raises(ConfigError) as rejected:
        QemuDriver().xml_to_argv(domain_xml(disk), modern_caps())
    assert str(rejected.value) == ("unsupported configuration: Invalid address type 'pci' "
                                   "for the disk 'hda' with the bus type 'ide'")


def test_vnc_with_tls_gets_x509_credentials_and_sasl_its_config_dir() -> None:
    caps = modern_caps("vnc", vnc_tls=True, vnc_tls_x509_certdir="/pki", vnc_tls_x509_verify=True,
                       vnc_sasl=True, vnc_sasl_dir="/sasl")
    args = argv("<graphics type='vnc' port='5903' listen='127.0.0.1'/>", caps)
    assert "SASL_CONF_PATH=/sasl" in args
    assert json.loads(option(args, "-object")[-1]) == {
        "qom-type": "tls-creds-x509", "id": "vnc-tls-creds0", "dir": "/pki",
        "endpoint": "server", "verify-peer": True}
    assert option(args, "-vnc") == ["127.0.0.1:3,tls-creds=vnc-tls-creds0,sasl=on,"
                                    "audiodev=audio1"]


def test_without_json_capabilities_devices_and_objects_are_qemu_opts() -> None:
    from qemudrv.cmdline.modern.props import to_qemu_opts

    assert to_qemu_opts({"driver": "ide-hd", "bus": "ide.0", "unit": 0, "id": "a,b",
                         "removable": False}) == "ide-hd,bus=ide.0,unit=0,id=a,,b,removable=off"
    assert to_qemu_opts({"qom-type": "memory-backend-ram", "id": "m", "host-nodes": [0, 1, 3]}) \
        == "memory-backend-ram,id=m,host-nodes=0-1,host-nodes=3"
    args = argv("", modern_caps(json_options=False))
    assert option(args, "-object")[0].startswith("secret,id=masterKey0,format=raw,file=")
    assert option(args, "-device")[0] == "piix3-usb-uhci,id=usb,bus=pci.0,addr=0x1.0x2"


def test_a_default_usb_controller_without_a_device_is_the_machine_s_own() -> None:
    caps = modern_caps()
    no_uhci = Capabilities(caps.name, caps.flags - {"piix3-usb-uhci"}, caps.config, caps.tables)
    args = argv("", no_uhci)
    assert "-usb" in args
    assert not any("usb-uhci" in d for d in option(args, "-device"))


@pytest.mark.parametrize(("config", "socket"), [
    ({}, "/var/run/libvirt/qemu/dbus/-1-t-dbus.sock"),
    ({"state_dir": "/run/x"}, "/run/x/dbus/-1-t-dbus.sock"),
    # libvirt makes its D-Bus directory when it makes its configuration: a
    # state directory moved later (as libvirt's test programs do) leaves it.
    ({"state_dir": "/run/x", "dbus_state_dir": "/run/y/dbus"},
     "/run/y/dbus/-1-t-dbus.sock"),
])
def test_a_dbus_display_listens_in_the_drivers_dbus_directory(
    config: dict[str, str], socket: str
) -> None:
    caps = modern_caps("display-dbus", **config)
    args = argv("<graphics type='dbus'/>", caps)
    assert option(args, "-display") == [f"dbus,addr=unix:path={socket}"]


def test_qemu_overrides_and_deprecation_reach_the_command_line() -> None:
    ns = "xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'"
    xml = domain_xml("<disk type='file' device='disk'><source file='/d.img'/>"
                     "<target dev='vda' bus='virtio'/><alias name='ua-disk'/></disk>").replace(
        "<domain type='qemu'>", f"<domain type='qemu' {ns}>").replace("</domain>", """
  <qemu:override><qemu:device alias='ua-disk'><qemu:frontend>
    <qemu:property name='bootindex' type='unsigned' value='7'/>
    <qemu:property name='drive' type='remove'/>
    <qemu:property name='x-new' type='bool' value='true'/>
  </qemu:frontend></qemu:device></qemu:override>
  <qemu:deprecation behavior='crash'/>
</domain>""")
    args = shlex.split(QemuDriver().xml_to_argv(xml, modern_caps("compat-deprecated")).output)
    assert option(args, "-compat") == ['{"deprecated-output":"hide","deprecated-input":"crash"}']
    assert args.index("-compat") == args.index("-name") + 2  # after -name, before -S
    disk = next(d for d in option(args, "-device") if '"ua-disk"' in d)
    # Each overridden property is removed, then set again last.
    assert disk.endswith('"id":"ua-disk","bootindex":7,"x-new":true}') and '"drive"' not in disk
    # Without -compat support nothing is asked.
    args = shlex.split(QemuDriver().xml_to_argv(xml, modern_caps()).output)
    assert "-compat" not in args
