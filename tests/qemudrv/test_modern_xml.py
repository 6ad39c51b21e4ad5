"""libvirt 9.0's post-parse defaults and formatting (sets with
``[libvirt] version = "9.0.0"``), next to 1.3.1's for the same input."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import pytest
from qemudrv_helpers import domain_xml, driver_caps

from harness.protocol import Capabilities
from qemudrv.driver import QemuDriver
from qemudrv.errors import ConfigError, XMLError

_QEMU = MappingProxyType({
    "machine": (
        MappingProxyType({"type": "tcg", "name": "pc-i440fx-7.2", "alias": "pc",
                          "defaultCPU": "qemu64-x86_64-cpu"}),
        MappingProxyType({"type": "kvm", "name": "pc-i440fx-7.2", "alias": "pc",
                          "defaultCPU": "host-x86_64-cpu"}),
    ),
    "cpu": (
        MappingProxyType({"type": "tcg", "name": "qemu64", "typename": "qemu64-x86_64-cpu"}),
        MappingProxyType({"type": "kvm", "name": "host", "typename": "host-x86_64-cpu"}),
    ),
})


_RISCV_GUEST = MappingProxyType({
    "os_type": "hvm", "arch": "riscv64", "wordsize": 64,
    "emulator": "/usr/bin/qemu-system-riscv64",
    "machines": (MappingProxyType({"name": "virt"}),),
    "domains": (MappingProxyType({"type": "qemu"}),),
})


def modern_caps(*flags: str, **config: Any) -> Capabilities:
    base = driver_caps(*flags, **config)
    tables = dict(base.tables)
    tables["libvirt"] = MappingProxyType({"version": "9.0.0"})
    tables["qemu"] = _QEMU
    tables["guests"] = (*base.tables["guests"], _RISCV_GUEST)
    return Capabilities("modern", base.flags, base.config, MappingProxyType(tables))


def modern_xml(text: str, *flags: str, **config: Any) -> str:
    return QemuDriver().xml_to_xml(text, modern_caps(*flags, **config)).output


def old_xml(text: str) -> str:
    return QemuDriver().xml_to_xml(text, driver_caps()).output


def test_default_cpu_model_comes_from_the_machine() -> None:
    out = modern_xml(domain_xml(""))
    assert "<cpu mode='custom' match='exact' check='none'>" in out
    assert "<model fallback='forbid'>qemu64</model>" in out
    assert "<cpu" not in old_xml(domain_xml(""))


def test_canonical_machine_name_replaces_the_alias() -> None:
    assert "machine='pc-i440fx-7.2'" in modern_xml(domain_xml(""))


def test_kvm_default_cpu_host_means_host_passthrough() -> None:
    text = domain_xml("").replace("type='qemu'", "type='kvm'", 1)
    out = modern_xml(text, "cpu.migratable")
    assert "<cpu mode='host-passthrough' check='none' migratable='on'/>" in out


def test_check_default_by_mode_and_virt_type() -> None:
    cpu = "<cpu mode='custom'><model>Haswell</model></cpu>"
    assert "match='exact' check='none'>" in modern_xml(domain_xml("", extra=cpu))
    kvm = domain_xml("", extra=cpu).replace("type='qemu'", "type='kvm'", 1)
    assert "match='exact' check='partial'>" in modern_xml(kvm)
    host_model = domain_xml("", extra="<cpu mode='host-model'/>")
    assert "<cpu mode='host-model' check='partial'/>" in modern_xml(host_model)


def test_ps2_inputs_without_graphics_and_all_inputs_formatted() -> None:
    out = modern_xml(domain_xml("<input type='tablet' bus='usb'/>"))
    lines = [line.strip() for line in out.splitlines() if "<input" in line]
    assert lines == [
        "<input type='tablet' bus='usb'/>",
        "<input type='mouse' bus='ps2'/>",
        "<input type='keyboard' bus='ps2'/>",
    ]
    assert "<input" not in old_xml(domain_xml(""))


@pytest.mark.parametrize(("graphics", "config", "audio"), [
    ("", {}, "<audio id='1' type='none'/>"),
    ("<graphics type='spice'/>", {}, "<audio id='1' type='spice'/>"),
    ("<graphics type='sdl'/>", {}, None),
    ("<graphics type='sdl'/>", {"environ": {"QEMU_AUDIO_DRV": "sdl", "SDL_AUDIODRIVER": "esd"}},
     "<audio id='1' type='sdl' driver='esd'/>"),
    ("<graphics type='vnc'/>", {"vnc_allow_host_audio": True,
                                 "environ": {"QEMU_AUDIO_DRV": "pa"}},
     "<audio id='1' type='pulseaudio'/>"),
])
def test_default_audio_backend(graphics: str, config: dict[str, Any], audio: str | None) -> None:
    out = modern_xml(domain_xml(graphics), **config)
    found = [line.strip() for line in out.splitlines() if "<audio" in line]
    assert found == ([audio] if audio else [])


def test_unknown_audio_driver_from_the_environment_is_an_error() -> None:
    with pytest.raises(ConfigError, match="unknown QEMU_AUDIO_DRV setting bogus"):
        modern_xml(domain_xml(""), nogfx_allow_host_audio=True,
                   environ={"QEMU_AUDIO_DRV": "bogus"})


def test_audio_elements_round_trip_after_the_sounds() -> None:
    devices = ("<sound model='ich6'><audio id='2'/></sound>"
               "<audio id='1' type='none'/>"
               "<audio id='2' type='alsa'><input mixingEngine='no'/>"
               "<output dev='/dev/dsp0'/></audio>")
    out = modern_xml(domain_xml(devices))
    assert ("    <audio id='2' type='alsa'>\n      <input mixingEngine='no'/>\n"
            "      <output dev='/dev/dsp0'/>\n    </audio>") in out
    assert out.index("<sound") < out.index("<audio id='1'")


def test_numa_cell_discard_round_trips() -> None:
    cpu = ("<cpu><numa><cell id='0' cpus='0' memory='219136' unit='KiB' discard='yes'/>"
           "</numa></cpu>")
    assert "discard='yes'" in modern_xml(domain_xml("", extra=cpu))
    assert "discard" not in old_xml(domain_xml("", extra=cpu))


def test_usb_model_defaults_and_addresses_are_assigned_while_parsing() -> None:
    out = modern_xml(domain_xml("<video><model type='cirrus'/></video>"), "piix3-usb-uhci")
    assert ("<controller type='usb' index='0' model='piix3-uhci'>\n"
            "      <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x2'/>"
            ) in out
    assert "<model type='cirrus' vram='16384' heads='1' primary='yes'/>" in out
    # The primary card takes slot 2, the balloon the next free one.
    assert "slot='0x02'" in out.split("<video>")[1]
    assert "slot='0x03'" in out.split("<memballoon")[1]
    old = old_xml(domain_xml("<video><model type='cirrus'/></video>"))
    assert "primary" not in old and "piix3-uhci" not in old



def test_scsi_controller_model_defaults_to_what_qemu_offers() -> None:
    disk = ("<disk type='file' device='disk'><source file='/a.img'/>"
            "<target dev='sda' bus='scsi'/></disk>")
    assert "<controller type='scsi' index='0' model='lsilogic'>" in modern_xml(
        domain_xml(disk), "lsi", "virtio-scsi-pci")
    assert "<controller type='scsi' index='0' model='virtio-scsi'>" in modern_xml(
        domain_xml(disk), "virtio-scsi-pci")
    with pytest.raises(ConfigError, match="Unable to determine model for SCSI controller idx=0"):
        modern_xml(domain_xml(disk))


def test_any_file_is_a_random_source() -> None:
    rng = "<rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>"
    assert "<backend model='random'>/dev/urandom</backend>" in modern_xml(domain_xml(rng))


def test_serial_target_type_and_model_by_machine() -> None:
    serial = "<serial type='pty'><target port='0'/></serial>"
    out = modern_xml(domain_xml(serial))
    assert ("<target type='isa-serial' port='0'>\n        <model name='isa-serial'/>\n"
            "      </target>") in out
    # The stub console of the first serial port.
    assert "<target type='serial' port='0'/>" in out
    assert "<target port='0'/>" in old_xml(domain_xml(serial))


def test_console_becomes_a_typed_serial_port() -> None:
    out = modern_xml(domain_xml("<console type='pty'/>"))
    assert "<serial type='pty'>\n      <target type='isa-serial' port='0'>" in out


def test_topology_has_dies() -> None:
    cpu = "<cpu><topology sockets='1' cores='1' threads='1'/></cpu>"
    assert "<topology sockets='1' dies='1' cores='1' threads='1'/>" in modern_xml(
        domain_xml("", extra=cpu))
    assert "dies" not in old_xml(domain_xml("", extra=cpu))


def test_graphics_listens_in_9_0() -> None:
    out = modern_xml(domain_xml("<graphics type='vnc' port='-1' autoport='yes'/>"))
    assert ("<graphics type='vnc' port='-1' autoport='yes'>\n"
            "      <listen type='address'/>\n    </graphics>") in out
    spice = modern_xml(domain_xml("<graphics type='spice'/>"), "cirrus-vga")
    assert "<graphics type='spice'>\n      <listen type='none'/>\n    </graphics>" in spice


@pytest.mark.parametrize(("flags", "model"), [
    (("cirrus-vga", "VGA"), "cirrus"),
    (("VGA",), "vga"),
])
def test_default_video_model_from_what_qemu_offers(flags: tuple[str, ...], model: str) -> None:
    out = modern_xml(domain_xml("<graphics type='vnc'/><video/>"), *flags)
    assert f"<model type='{model}' vram='16384' heads='1' primary='yes'/>" in out


def test_pseries_gets_its_panic_notifier_and_phb_defaults() -> None:
    out = modern_xml(domain_xml("", arch="ppc64", machine="pseries"))
    assert ("<controller type='pci' index='0' model='pci-root'>\n"
            "      <model name='spapr-pci-host-bridge'/>\n      <target index='0'/>\n"
            "    </controller>") in out
    assert "<panic model='pseries'/>" in out
    assert "<panic" not in old_xml(domain_xml("", arch="ppc64", machine="pseries"))


def test_pci_root_target_hotplug_round_trips() -> None:
    cont = "<controller type='pci' index='0' model='pci-root'><target hotplug='off'/></controller>"
    assert "<target hotplug='off'/>" in modern_xml(domain_xml(cont))


def test_s390_ccw_addresses_without_asking_qemu() -> None:
    out = modern_xml(domain_xml("", arch="s390x", machine="s390-ccw-virtio"))
    assert "<address type='ccw' cssid='0xfe' ssid='0x0' devno='0x0000'/>" in out
    assert "<panic model='s390'/>" in out


def test_q35_devices_get_root_ports_and_a_spare_one() -> None:
    devices = ("<interface type='user'><model type='virtio'/></interface>"
               "<video><model type='qxl'/></video>")
    # (Virtio devices are PCIe where QEMU has the non-transitional ones.)
    out = modern_xml(domain_xml(devices, machine="q35"), "qemu-xhci", "pcie-root-port",
                     "virtio-pci-non-transitional")
    ports = out.count("model='pcie-root-port'>")
    # interface, USB controller, balloon, and one spare for hot-plug
    assert ports == 4
    assert ("<address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'"
            " multifunction='on'/>") in out
    assert "<target chassis='2' port='0x11'/>" in out
    assert "dmi-to-pci-bridge" not in out
    # The primary card is integrated at 00:01.0, the interface on the first port.
    assert "slot='0x01' function='0x0'/>" in out.split("<video>")[1]
    assert "bus='0x01' slot='0x00'" in out.split("<interface")[1]


def test_arm_virt_gets_a_gic_version() -> None:
    out = modern_xml(domain_xml("", arch="aarch64", machine="virt"))
    assert "<features>\n    <gic version='2'/>\n  </features>" in out


def test_spice_with_ports_keeps_autoport() -> None:
    out = modern_xml(domain_xml("<graphics type='spice' port='5903' autoport='no'/>"),
                     "cirrus-vga")
    assert "<graphics type='spice' port='5903' autoport='no'>" in out


def test_usb_ports_and_unix_channel_without_path() -> None:
    devices = ("<controller type='usb' index='0' model='qemu-xhci' ports='15'/>"
               "<channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/>"
               "</channel>")
    out = modern_xml(domain_xml(devices), "qemu-xhci")
    assert "<controller type='usb' index='0' model='qemu-xhci' ports='15'>" in out
    assert "<channel type='unix'>\n      <target type='virtio'" in out
    too_many = devices.replace("ports='15'", "ports='16'")
    with pytest.raises(ConfigError, match="'qemu-xhci' controller only supports up to '15' ports"):
        modern_xml(domain_xml(too_many), "qemu-xhci")


def test_s390_zpci_uids_and_fids() -> None:
    disks = ("<disk type='file' device='disk'><source file='/a'/><target dev='vda' bus='virtio'/>"
             "<address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x0'>"
             "<zpci uid='0x0001'/></address></disk>"
             "<disk type='file' device='disk'><source file='/b'/><target dev='vdb' bus='virtio'/>"
             "<address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/></disk>")
    out = modern_xml(domain_xml(disks, arch="s390x", machine="s390-ccw-virtio"), "zpci")
    assert "<controller type='pci' index='0' model='pci-root'/>" in out
    assert "<zpci uid='0x0001' fid='0x00000000'/>" in out
    assert "<zpci uid='0x0002' fid='0x00000001'/>" in out


def test_controllers_without_index_take_the_lowest_free_one() -> None:
    devices = ("<controller type='scsi' index='0'/><controller type='scsi' index='2'/>"
               "<controller type='scsi' model='virtio-scsi'/>")
    out = modern_xml(domain_xml(devices), "lsi", "virtio-scsi-pci")
    assert "<controller type='scsi' index='1' model='virtio-scsi'>" in out
    # Parsed after the indexed ones of its type, whatever index it gets.
    assert out.index("index='2' model='lsilogic'") < out.index("index='1' model='virtio-scsi'")


def test_riscv_virt_gets_a_pcie_root() -> None:
    out = modern_xml(domain_xml("", arch="riscv64", machine="virt"), "gpex-pcihost")
    assert "<controller type='pci' index='0' model='pcie-root'/>" in out


def test_vsock_defaults_and_address() -> None:
    out = modern_xml(domain_xml("<vsock/>"))
    assert "<vsock model='virtio'>\n      <cid auto='yes'/>\n      <address type='pci'" in out
    fixed = modern_xml(domain_xml("<vsock model='virtio'><cid address='4'/></vsock>"))
    assert "<cid auto='no' address='4'/>" in fixed
    with pytest.raises(XMLError, match="'2' is not a valid cid"):
        modern_xml(domain_xml("<vsock><cid address='2'/></vsock>"))
    assert "vsock" not in old_xml(domain_xml("<vsock/>"))
