"""libvirt 9.0's define-time validation (qemudrv/validate_modern): the checks
and messages no golden case of the imported suite pins on its own."""

from __future__ import annotations

from types import MappingProxyType

import pytest
from qemudrv_helpers import domain_xml
from test_modern_cmdline import modern_caps

from harness.protocol import Capabilities
from qemudrv.driver import QemuDriver
from qemudrv.errors import ConfigError, UnsupportedError, XMLError


def probed_caps(*flags: str) -> Capabilities:
    """A set probed from one x86_64 emulator binary, as the imported sets are."""
    base = modern_caps(*flags)
    tables = dict(base.tables)
    tables["qemu"] = MappingProxyType({**base.tables["qemu"], "arch": "x86_64"})
    return Capabilities(base.name, base.flags, base.config, MappingProxyType(tables))


def rejection(xml: str, caps: Capabilities | None = None) -> str:
    with pytest.raises((ConfigError, XMLError)) as info:
        QemuDriver().xml_to_argv(xml, caps or modern_caps())
    return str(info.value)


def test_an_arch_the_emulator_does_not_run_is_rejected() -> None:
    xml = domain_xml("<emulator>/usr/bin/qemu-system-x86_64</emulator>", arch="ppc64",
                     machine="pseries")
    assert rejection(xml, probed_caps("tcg")) == (
        "unsupported configuration: Emulator '/usr/bin/qemu-system-x86_64' does not "
        "support arch 'ppc64'")


@pytest.mark.parametrize("machine", ["pc-q35-4.0", "pc"])
def test_an_arch_libvirt_does_not_know_is_rejected_while_parsing(machine: str) -> None:
    # Found by the fuzzer: a q35 machine of an unknown arch reached PCI
    # address assignment without a root bus.
    xml = domain_xml("<emulator>/usr/bin/qemu-system-x86_64</emulator>", arch="x65535_64",
                     machine=machine)
    assert rejection(xml, probed_caps("tcg")) == (
        "unsupported configuration: Unknown architecture x65535_64")


def test_i686_runs_on_the_x86_64_emulator_but_the_domain_type_needs_its_accelerator() -> None:
    xml = domain_xml("<emulator>/usr/bin/qemu-system-x86_64</emulator>", arch="i686")
    assert rejection(xml, probed_caps()) == (
        "unsupported configuration: Emulator '/usr/bin/qemu-system-x86_64' does not "
        "support virt type 'qemu'")
    QemuDriver().xml_to_argv(xml, probed_caps("tcg"))


@pytest.mark.parametrize("pages, message", [
    ("<page size='2048' nodeset='0'/><page size='1048576' nodeset='0'/>",
     "nodeset attribute of hugepages of sizes 1048576 and 2048 intersect"),
    ("<page size='2048'/><page size='1048576'/>",
     "two master hugepages detected: 1048576 and 2048"),
])
def test_huge_page_sets_are_checked_when_validating(pages: str, message: str) -> None:
    extra = ("<cpu><numa><cell id='0' cpus='0' memory='219136' unit='KiB'/></numa></cpu>"
             f"<memoryBacking><hugepages>{pages}</hugepages></memoryBacking>")
    assert rejection(domain_xml("", extra=extra)) == message


def test_a_page_set_for_node_0_without_numa_is_the_default_page_size() -> None:
    extra = "<memoryBacking><hugepages><page size='2048' nodeset='0'/></hugepages></memoryBacking>"
    caps = modern_caps(hugetlbfs=[{"mnt_dir": "/dev/hp2M", "size": 2048, "default": True}])
    assert "/dev/hp2M" in QemuDriver().xml_to_argv(domain_xml("", extra=extra), caps).output


def test_a_host_device_given_twice_is_rejected() -> None:
    hostdev = ("<hostdev mode='subsystem' type='pci' managed='yes'><source>"
               "<address domain='0' bus='6' slot='7' function='0'/></source></hostdev>")
    assert rejection(domain_xml(hostdev * 2)) == (
        "XML error: Hostdev already exists in the domain configuration")


def test_two_scsi_host_devices_on_one_drive_address_name_it_as_libvirt_does() -> None:
    # libvirt prints the bus as the controller and the other way round.
    hostdev = ("<hostdev mode='subsystem' type='scsi'><source><adapter name='scsi_host{n}'/>"
               "<address bus='0' target='0' unit='0'/></source>"
               "<address type='drive' controller='0' bus='1' target='0' unit='3'/></hostdev>")
    devices = (hostdev.format(n=0) + hostdev.format(n=1)
               + "<controller type='scsi' index='0' model='virtio-scsi'/>")
    assert rejection(domain_xml(devices), modern_caps("virtio-scsi-pci")) == (
        "unsupported configuration: SCSI host address controller='1' bus='0' target='0' "
        "unit='3' in use by another SCSI host device")


@pytest.mark.parametrize("extra, message", [
    ("<memtune><min_guarantee>1</min_guarantee></memtune>",
     "Parameter 'min_guarantee' not supported by QEMU."),
    ("<os><type arch='x86_64' machine='pc'>hvm</type><bios useserial='yes'/></os>",
     "XML error: need at least one serial port to use BIOS serial output"),
    ("<clock offset='utc'><timer name='platform'/></clock>",
     "unsupported timer type (name) 'platform'"),
    ("<clock offset='utc'><timer name='pit' tickpolicy='merge'/></clock>",
     "unsupported pit tickpolicy 'merge'"),
    ("<pm><suspend-to-mem enabled='no'/></pm>", "setting ACPI S3 not supported"),
])
def test_domain_settings_qemu_cannot_honour(extra: str, message: str) -> None:
    xml = domain_xml("", extra=extra)
    if "<os>" in extra:
        xml = xml.replace("<os><type arch='x86_64' machine='pc'>hvm</type></os>", "")
    assert rejection(xml).removeprefix("unsupported configuration: ") == message


def test_memory_modules_need_max_memory_and_a_numa_node() -> None:
    dimm = "<memory model='dimm'><target><size unit='KiB'>131072</size></target></memory>"
    assert rejection(domain_xml(dimm)) == (
        "unsupported configuration: cannot use/hotplug a memory device when domain "
        "'maxMemory' is not defined")
    extra = "<maxMemory slots='2' unit='KiB'>1048576</maxMemory>"
    assert rejection(domain_xml(dimm, extra=extra)) == (
        "unsupported configuration: At least one numa node has to be configured when "
        "enabling memory hotplug")


def test_an_isa_panic_device_takes_only_an_isa_address() -> None:
    panic = "<panic model='isa'><address type='pci' bus='0' slot='9' function='0'/></panic>"
    assert rejection(domain_xml(panic), modern_caps("pvpanic")) == (
        "unsupported configuration: panic is supported only with ISA address type")


def test_a_serial_target_needs_its_own_address_type() -> None:
    serial = ("<serial type='pty'><target type='isa-serial'/>"
              "<address type='pci' bus='0' slot='9' function='0'/></serial>")
    assert rejection(domain_xml(serial)) == (
        "unsupported configuration: Target type 'isa-serial' requires address type 'isa'")


@pytest.mark.parametrize("loadparm, message", [
    ("sys1?", "invalid loadparm value 'SYS1?', expecting chars in set of [a-zA-Z0-9.] and "
              "blank spaces"),
    ("loadparm1", "loadparm value 'LOADPARM1' must be between 1 and 8 characters"),
])
def test_a_boot_load_parameter_is_checked_upper_cased(loadparm: str, message: str) -> None:
    disk = (f"<disk type='file'><source file='/a'/><target dev='vda' bus='virtio'/>"
            f"<boot order='1' loadparm='{loadparm}'/></disk>")
    assert rejection(domain_xml(disk)) == f"internal error: {message}"


def test_restrictive_numa_tuning_needs_restrictive_memory_nodes() -> None:
    extra = ("<numatune><memory mode='restrictive' nodeset='0'/>"
             "<memnode cellid='0' mode='strict' nodeset='0'/></numatune>"
             "<cpu><numa><cell id='0' cpus='0' memory='219136' unit='KiB'/></numa></cpu>")
    assert rejection(domain_xml("", extra=extra)) == (
        "XML error: 'restrictive' mode is required in memnode element when mode is "
        "'restrictive' in memory element")


def test_a_host_numa_node_beyond_the_host_is_refused_when_building() -> None:
    extra = "<numatune><memory mode='strict' nodeset='9'/></numatune>"
    with pytest.raises(UnsupportedError, match=r"^internal error: Mock: no numa node set is "
                                               r"available at bit 9$"):
        QemuDriver().xml_to_argv(domain_xml("", extra=extra),
                                 modern_caps(mocks=["qemuxml2argv"]))
    # libvirt's own words, where the test program's mock does not stand in
    with pytest.raises(UnsupportedError, match=r"^unsupported configuration: NUMA node 9 is "
                                               r"unavailable$"):
        QemuDriver().xml_to_argv(domain_xml("", extra=extra), modern_caps())


@pytest.mark.parametrize("chardev, message", [
    ("<serial type='file'><target port='0'/></serial>",
     "internal error: Missing source path attribute for char device"),
    ("<serial type='tcp'><source mode='connect' service='9999'/></serial>",
     "internal error: Missing source host attribute for char device"),
    ("<serial type='nmdm'><source master='/dev/nmdm0A'/></serial>",
     "internal error: Should define both master and slave path attributes for nmdm device"),
])
def test_a_character_device_must_name_its_host_end(chardev: str, message: str) -> None:
    assert rejection(domain_xml(chardev)) == message


def test_a_virtio_channel_may_leave_its_socket_path_to_libvirt() -> None:
    channel = ("<channel type='unix'><source mode='bind'/>"
               "<target type='virtio' name='org.qemu.guest_agent.0'/></channel>")
    QemuDriver().xml_to_argv(domain_xml(channel), modern_caps())


@pytest.mark.parametrize("extra, message", [
    ("<features><gic version='2'/></features>",
     "The 'gic' feature is not supported for architecture 'x86_64' or machine type "
     "'pc-i440fx-8.0'"),
    ("<features><vmport state='on'/></features>", "vmport is not available with this QEMU binary"),
    ("<cpu mode='maximum'/>", "maximum CPU is not supported by QEMU binary"),
])
def test_features_and_cpu_modes_the_machine_or_emulator_lacks(extra: str, message: str) -> None:
    assert rejection(domain_xml("", extra=extra)) == f"unsupported configuration: {message}"


def test_a_spapr_vio_register_is_read_in_64_bits_and_refused_above_32() -> None:
    serial = "<serial type='pty'><address type='spapr-vio' reg='0x100000000'/></serial>"
    assert rejection(domain_xml(serial)) == (
        "unsupported configuration: spapr-vio reg='0x100000000' exceeds maximum possible "
        "value (0xffffffff)")


def test_start_checks_refuse_the_command_line_not_the_definition() -> None:
    graphics = ("<graphics type='vnc'><listen type='address' address='127.0.0.1'/>"
                "<listen type='address' address='127.0.0.2'/></graphics>")
    with pytest.raises(UnsupportedError, match=r"^unsupported configuration: QEMU does not "
                                               r"support multiple listens"):
        QemuDriver().xml_to_argv(domain_xml(graphics), modern_caps("vnc"))


@pytest.mark.parametrize(("vcpus", "message"), [
    ("<vcpu enabled='yes'/>", "XML error: Missing required attribute 'id' in element 'vcpu'"),
    ("<vcpu id='0'/>", "XML error: Missing required attribute 'enabled' in element 'vcpu'"),
    ("<vcpu id='4' enabled='yes'/>", "XML error: vcpu id '4' is out of range of maximum vcpu "
     "count"),
    ("<vcpu id='0' enabled='maybe'/>", "XML error: Invalid value for attribute 'enabled' in "
     "element 'vcpu': 'maybe'."),
    ("<vcpu id='0' enabled='no'/><vcpu id='1' enabled='yes'/>",
     "unsupported configuration: vcpu 0 can't be offline"),
    ("<vcpu id='0' enabled='yes' hotpluggable='yes'/>",
     "unsupported configuration: vcpu0 can't be hotpluggable"),
    ("<vcpu id='0' enabled='yes' order='2'/>",
     "unsupported configuration: vcpu0 must be enabled first"),
    ("<vcpu id='0' enabled='yes' order='1'/><vcpu id='1' enabled='yes'/>",
     "unsupported configuration: all vcpus must have either set or unset order"),
    ("<vcpu id='0' enabled='yes'/><vcpu id='1' enabled='yes' hotpluggable='yes'/>"
     "<vcpu id='2' enabled='yes' hotpluggable='no'/>",
     "unsupported configuration: online non-hotpluggable vcpus need to be ordered prior to "
     "hotplugable vcpus"),
    ("<vcpu id='0' enabled='yes' order='1'/><vcpu id='1' enabled='yes' hotpluggable='no' "
     "order='3'/><vcpu id='2' enabled='yes' hotpluggable='no' order='2'/>",
     "unsupported configuration: online non-hotpluggable vcpus must be ordered in ascending "
     "order"),
    ("<vcpu id='0' enabled='yes'/><vcpu id='3' enabled='no' hotpluggable='no'/>",
     "unsupported configuration: vcpu '3' is both offline and not hotpluggable"),
])
def test_listed_vcpus_are_checked_as_libvirt_does(vcpus: str, message: str) -> None:
    xml = domain_xml("", extra=f"<vcpus>{vcpus}</vcpus>").replace(
        "<vcpu>1</vcpu>", "<vcpu>4</vcpu>")
    assert rejection(xml) == message


def test_listed_vcpus_start_with_the_online_ones_that_are_not_hotpluggable() -> None:
    xml = domain_xml("", extra="<vcpus><vcpu id='0' enabled='yes'/><vcpu id='1' enabled='yes'/>"
                               "<vcpu id='2' enabled='yes' hotpluggable='yes'/></vcpus>"
                     ).replace("<vcpu>1</vcpu>", "<vcpu current='1'>4</vcpu>")
    out = QemuDriver().xml_to_argv(xml, modern_caps()).output
    # The 'current' attribute yields to the list: three online, two at boot.
    assert "-smp 2,maxcpus=4,sockets=4,cores=1,threads=1" in out


@pytest.mark.parametrize(("loader", "nvram"), [
    ("<loader readonly='yes' type='pflash'>/c.fd</loader>", "<nvram>/n/t_VARS.fd</nvram>"),
    ("<loader readonly='yes' type='pflash' stateless='yes'>/c.fd</loader>", None),
    ("<loader readonly='no' type='pflash'>/c.fd</loader>", None),
    ("<loader readonly='yes' type='pflash'>/c.fd</loader><nvram>/mine.fd</nvram>",
     "<nvram>/mine.fd</nvram>"),
])
def test_a_read_only_flash_loader_is_given_its_nvram_when_defined(
    loader: str, nvram: str | None
) -> None:
    xml = domain_xml("", extra="").replace("hvm</type>", f"hvm</type>{loader}")
    out = QemuDriver().xml_to_xml(xml, modern_caps(nvram_dir="/n")).output
    found = [line.strip() for line in out.splitlines() if "<nvram" in line]
    assert found == ([nvram] if nvram else [])


_QEMU_NS = "xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'"


def _with_qemu_ns(body: str) -> str:
    xml = domain_xml("<disk type='file' device='disk'><source file='/d.img'/>"
                     "<target dev='vda' bus='virtio'/><alias name='ua-disk'/></disk>")
    return xml.replace("<domain type='qemu'>", f"<domain type='qemu' {_QEMU_NS}>").replace(
        "</domain>", f"{body}\n</domain>")


@pytest.mark.parametrize(("body", "message"), [
    ("<qemu:override><qemu:device/></qemu:override>",
     "XML error: missing 'alias' attribute for qemu:device"),
    ("<qemu:override><qemu:device alias='a'><qemu:frontend><qemu:property type='string' "
     "value='x'/></qemu:frontend></qemu:device></qemu:override>",
     "XML error: missing 'name' attribute for qemu:property"),
    ("<qemu:override><qemu:device alias='a'><qemu:frontend><qemu:property name='id' "
     "type='string' value='x'/></qemu:frontend></qemu:device></qemu:override>",
     "XML error: property with name 'id' can't be overridden"),
    ("<qemu:override><qemu:device alias='a'><qemu:frontend><qemu:property name='p' "
     "type='float' value='1'/></qemu:frontend></qemu:device></qemu:override>",
     "XML error: Invalid value for attribute 'type' in element 'property': 'float'."),
    ("<qemu:override><qemu:device alias='a'><qemu:frontend><qemu:property name='p' "
     "type='unsigned' value='-1'/></qemu:frontend></qemu:device></qemu:override>",
     "XML error: invalid value '-1' of 'value' attribute of 'qemu:property'"),
    ("<qemu:override><qemu:device alias='a'><qemu:frontend><qemu:property name='p' "
     "type='bool' value='yes'/></qemu:frontend></qemu:device></qemu:override>",
     "XML error: invalid value 'yes' of 'value' attribute of 'qemu:property'"),
    ("<qemu:override><qemu:device alias='a'><qemu:frontend><qemu:property name='p' "
     "type='remove' value='1'/></qemu:frontend></qemu:device></qemu:override>",
     "XML error: setting 'value' attribute of 'qemu:property' doesn't make sense with "
     "'remove' type"),
    ("<qemu:capabilities><qemu:add/></qemu:capabilities>",
     "internal error: missing capability name"),
])
def test_the_qemu_namespace_is_read_as_libvirt_does(body: str, message: str) -> None:
    assert rejection(_with_qemu_ns(body)) == message


def test_a_capability_libvirt_does_not_know_refuses_the_start() -> None:
    xml = _with_qemu_ns("<qemu:capabilities><qemu:add capability='warp-drive'/>"
                        "</qemu:capabilities>")
    with pytest.raises(UnsupportedError, match="internal error: invalid qemu namespace "
                                               "capability 'warp-drive'"):
        QemuDriver().xml_to_argv(xml, modern_caps())


def test_the_qemu_namespace_is_written_back_in_libvirts_order() -> None:
    body = ("<qemu:deprecation behavior='reject'/>"
            "<qemu:override><qemu:device alias='ua-disk'><qemu:frontend>"
            "<qemu:property name='p' type='signed' value='-3'/>"
            "<qemu:property name='q' type='remove'/></qemu:frontend></qemu:device>"
            "<qemu:device alias='other'/></qemu:override>"
            "<qemu:capabilities><qemu:del capability='name'/>"
            "<qemu:add capability='vnc-colon'/></qemu:capabilities>")
    out = QemuDriver().xml_to_xml(_with_qemu_ns(body), modern_caps()).output
    tail = [line.strip() for line in out.splitlines()[-16:] if "qemu:" in line]
    assert tail == [
        "<qemu:capabilities>", "<qemu:add capability='vnc-colon'/>",
        "<qemu:del capability='name'/>", "</qemu:capabilities>",
        "<qemu:override>", "<qemu:device alias='ua-disk'>", "<qemu:frontend>",
        "<qemu:property name='p' type='signed' value='-3'/>",
        "<qemu:property name='q' type='remove'/>", "</qemu:frontend>", "</qemu:device>",
        "<qemu:device alias='other'/>", "</qemu:override>",
        "<qemu:deprecation behavior='reject'/>"]
