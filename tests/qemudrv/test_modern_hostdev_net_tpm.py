"""libvirt 9.0's host devices, interfaces and TPMs: the rules no imported
golden pins on its own."""

from __future__ import annotations

import pytest
from qemudrv_helpers import domain_xml
from test_modern_cmdline import argv, modern_caps, option

from qemudrv.driver import QemuDriver
from qemudrv.errors import ConfigError, UnsupportedError, XMLError

_PASSTHROUGH_TPM = "<tpm><backend type='passthrough'/></tpm>"


def test_a_third_tpm_is_a_parse_error() -> None:
    with pytest.raises(XMLError, match="a maximum of two TPM devices"):
        argv(_PASSTHROUGH_TPM * 3, modern_caps("tpm-passthrough", "tpm-tis"))


def test_two_regular_tpms_are_refused_at_define_time() -> None:
    with pytest.raises(ConfigError, match="only a single TPM non-proxy device"):
        argv(_PASSTHROUGH_TPM * 2, modern_caps("tpm-passthrough", "tpm-tis"))


def test_a_passthrough_tpm_passes_its_device_and_cancel_file() -> None:
    caps = modern_caps("tpm-passthrough", "tpm-tis")
    args = argv(_PASSTHROUGH_TPM, caps)
    assert option(args, "-tpmdev") == [
        "passthrough,id=tpm-tpm0,path=/dev/fdset/0,cancel-path=/dev/fdset/1"]
    assert option(args, "-device")[-2] == '{"driver":"tpm-tis","tpmdev":"tpm-tpm0","id":"tpm0"}'


@pytest.mark.parametrize(("model", "version"), [("tpm-tis", "1.2"), ("tpm-crb", "2.0")])
def test_an_emulator_tpm_gets_the_version_its_model_needs(model: str, version: str) -> None:
    doc = domain_xml(f"<tpm model='{model}'><backend type='emulator'/></tpm>")
    out = QemuDriver().xml_to_xml(doc, modern_caps()).output
    assert f"<backend type='emulator' version='{version}'/>" in out


def test_user_aliases_survive_a_persistent_definition_and_others_do_not() -> None:
    doc = domain_xml("<interface type='user'><mac address='52:54:00:00:00:01'/>"
                     "<alias name='ua-nic'/></interface>"
                     "<interface type='user'><mac address='52:54:00:00:00:02'/>"
                     "<alias name='net7'/></interface>")
    out = QemuDriver().xml_to_xml(doc, modern_caps("rtl8139")).output
    assert "<alias name='ua-nic'/>" in out and "net7" not in out


def test_a_user_alias_keeps_its_name_and_the_others_are_numbered_after_it() -> None:
    doc = ("<interface type='user'><mac address='52:54:00:00:00:01'/>"
           "<alias name='ua-nic'/><model type='rtl8139'/></interface>"
           "<interface type='user'><mac address='52:54:00:00:00:02'/>"
           "<model type='rtl8139'/></interface>")
    netdevs = option(argv(doc, modern_caps("rtl8139")), "-netdev")
    assert netdevs == ['{"type":"user","id":"hostua-nic"}', '{"type":"user","id":"hostnet0"}']


def test_slirp_takes_the_guest_addresses() -> None:
    doc = ("<interface type='user'><mac address='52:54:00:00:00:01'/>"
           "<ip address='172.17.2.0' family='ipv4' prefix='24'/>"
           "<ip address='2001:db8:ac10:fd01::' prefix='64'/>"
           "<model type='rtl8139'/></interface>")
    assert option(argv(doc, modern_caps("rtl8139")), "-netdev") == [
        '{"type":"user","net":"172.17.2.0/24","ipv6-prefix":"2001:db8:ac10:fd01::",'
        '"ipv6-prefixlen":64,"id":"hostnet0"}']


@pytest.mark.parametrize(("ip", "message"), [
    ("<ip address='10.0.0.1' prefix='30'/>", "invalid prefix, must be in range of 4-27"),
    ("<ip address='fd00::1' prefix='48'/>", "unsupported IPv6 address prefix='48'"),
    ("<ip address='10.0.0.1' peer='10.0.0.2'/>", "Invalid attempt to set peer IP"),
])
def test_slirp_guest_addresses_are_checked(ip: str, message: str) -> None:
    doc = f"<interface type='user'><mac address='52:54:00:00:00:01'/>{ip}</interface>"
    with pytest.raises((ConfigError, XMLError), match=message):
        argv(doc, modern_caps("rtl8139"))


def test_a_tap_path_on_a_socket_interface_fails_when_the_command_line_is_built() -> None:
    doc = ("<interface type='server'><mac address='52:54:00:00:00:01'/>"
           "<source address='127.0.0.1' port='2015'/><backend tap='/dev/mytap'/></interface>")
    with pytest.raises(UnsupportedError, match="custom tap device path is not supported"):
        argv(doc, modern_caps("rtl8139"))


def test_a_disabled_rom_is_an_empty_romfile() -> None:
    doc = ("<interface type='user'><mac address='52:54:00:00:00:01'/><model type='rtl8139'/>"
           "<rom enabled='no'/></interface>")
    nic = option(argv(doc, modern_caps("rtl8139")), "-device")[1]
    assert nic.endswith('"romfile":""}')


def test_rom_tuning_of_a_disabled_rom_is_refused() -> None:
    doc = ("<interface type='user'><mac address='52:54:00:00:00:01'/>"
           "<rom enabled='no' bar='on'/></interface>")
    with pytest.raises(ConfigError, match="ROM tuning is not supported when ROM is disabled"):
        argv(doc, modern_caps("rtl8139"))


def test_the_same_host_device_twice_is_refused() -> None:
    pci = ("<hostdev mode='subsystem' type='pci'><source>"
           "<address domain='0' bus='6' slot='18' function='5'/></source></hostdev>")
    with pytest.raises((ConfigError, XMLError), match="Hostdev already exists"):
        argv(pci * 2, modern_caps("vfio-pci"))


def test_an_iscsi_host_device_without_a_lun_reads_lun_0() -> None:
    doc = domain_xml("<controller type='scsi' index='0' model='virtio-scsi'/>"
                     "<hostdev mode='subsystem' type='scsi'>"
                     "<source protocol='iscsi' name='iqn.1992-01.com.example'>"
                     "<host name='example.org' port='3260'/></source></hostdev>")
    out = QemuDriver().xml_to_xml(doc, modern_caps("virtio-scsi-pci")).output
    assert "name='iqn.1992-01.com.example/0'" in out


@pytest.mark.parametrize(("flags", "driver"), [
    ((), "virtio-net-pci"),
    (("virtio-pci-non-transitional",), "virtio-net-pci-transitional"),
])
def test_a_transitional_nic_has_its_own_device_only_where_qemu_has_one(
        flags: tuple[str, ...], driver: str) -> None:
    doc = ("<interface type='user'><mac address='52:54:00:00:00:01'/>"
           "<model type='virtio-transitional'/></interface>")
    nic = option(argv(doc, modern_caps(*flags)), "-device")[1]
    assert nic.startswith(f'{{"driver":"{driver}",')


def test_a_non_transitional_nic_needs_qemu_s_non_transitional_devices() -> None:
    doc = ("<interface type='user'><mac address='52:54:00:00:00:01'/>"
           "<model type='virtio-non-transitional'/></interface>")
    with pytest.raises(ConfigError, match="virtio non-transitional model not supported"):
        argv(doc, modern_caps())


@pytest.mark.parametrize(("iface", "message"), [
    ("<interface type='user'><mac address='52:54:00:00:00:01'/><port isolated='yes'/>"
     "</interface>", "<port isolated='yes'/> is not supported"),
    ("<interface type='user'><mac address='52:54:00:00:00:01'/>"
     "<target dev='tap7' managed='no'/></interface>", "unmanaged target dev is not supported"),
    ("<interface type='user'><mac address='52:54:00:00:00:01'/><model type='rtl8139'/>"
     "<driver iommu='on'/></interface>", "iommu driver option is only supported"),
    ("<interface type='network'><mac address='52:54:00:00:00:01'/>"
     "<source network='default'/><teaming type='persistent' persistent='ua-x'/></interface>",
     "teaming persistent attribute not allowed"),
])
def test_libvirt_s_generic_interface_checks(iface: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        argv(iface, modern_caps("rtl8139"))


def test_a_pci_host_device_on_a_drive_address_is_refused_at_validation() -> None:
    pci = ("<hostdev mode='subsystem' type='pci'><source>"
           "<address domain='0' bus='6' slot='18' function='5'/></source>"
           "<address type='drive' controller='0' bus='0' target='0' unit='0'/></hostdev>")
    with pytest.raises(ConfigError, match="must use 'pci' or 'unassigned' address type"):
        argv(pci, modern_caps("vfio-pci"))

