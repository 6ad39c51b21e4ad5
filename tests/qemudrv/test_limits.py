"""Hostile numbers and documents: every one is refused clearly, in bounded time.

Each number that sizes a loop or an allocation has a bound (qemudrv.limits);
going over it is a DefinitionRejected (XML) or CommandLineRefused (argv)
naming the element or option and the limit, never a hang.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType, MappingProxyType

import pytest

from harness import CapsLibrary
from harness.protocol import Capabilities, CommandLineRefused, DefinitionRejected
from qemudrv import driver
from qemudrv.bitmap import parse_bitmap
from qemudrv.errors import XMLError
from qemudrv.xmlreader import parse_document

REPO = Path(__file__).resolve().parents[2]
CAPS = CapsLibrary(REPO / "caps").for_case("qemu-2.5")
GUARD_SECONDS = 5.0

DOMAIN = """<domain type='qemu'>
  <name>guest</name>
  <uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>
  <memory unit='KiB'>219136</memory>
  <vcpu placement='static'>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc-i440fx-2.5'>hvm</type>
  </os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    DEVICES
  </devices>
</domain>
"""
COMMAND_LINE = (
    "LC_ALL=C PATH=/usr/bin:/bin /usr/bin/qemu-system-x86_64 -name guest -S "
    "-machine pc-i440fx-2.5,accel=tcg -m 214 -smp 1 -nographic -nodefaults "
    "-monitor unix:/tmp/monitor.sock,server,nowait -net none -serial none -parallel none"
)


class TooSlow(BaseException):
    """Raised in a conversion that went over the guard (BaseException, so
    the driver cannot swallow it)."""


def _too_slow(_signum: int, _frame: FrameType | None) -> None:
    raise TooSlow


@contextmanager
def bounded(seconds: float = GUARD_SECONDS) -> Iterator[None]:
    """Fail, rather than hang, when the block runs longer than ``seconds``
    (signals reach the main thread only: elsewhere the block just runs)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _too_slow)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    hung = False
    try:
        yield
    except TooSlow:
        hung = True  # failed below: the interrupted traceback is of no use
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    if hung:
        pytest.fail(f"no answer within {seconds} s", pytrace=False)


def domain(devices: str = "", **replace: str) -> str:
    text = DOMAIN.replace("DEVICES", devices)
    for old, new in replace.items():
        text = text.replace(old.replace("_", " "), new)
    return text


def rejected_xml(xml: str, caps: Capabilities = CAPS) -> str:
    """The message of the rejection of ``xml``, in both XML modes."""
    messages = []
    converters: list[Callable[[], object]] = [
        lambda: driver.xml_to_argv(xml, caps), lambda: driver.xml_to_xml(xml, caps)]
    for convert in converters:
        with bounded(), pytest.raises(DefinitionRejected) as info:
            convert()
        messages.append(str(info.value))
    return messages[0]


def refused_argv(argv: str) -> str:
    with bounded(), pytest.raises(CommandLineRefused) as info:
        driver.argv_to_xml(argv, CAPS)
    return str(info.value)


def test_the_base_documents_convert() -> None:
    with bounded():
        assert "-smp 1" in driver.xml_to_argv(domain(), CAPS).output
        assert "<vcpu" in driver.argv_to_xml(COMMAND_LINE, CAPS).output


# -- controllers ---------------------------------------------------------------

DISK = """<disk type='file' device='disk'>
      <source file='/var/lib/disk.img'/>
      <target dev='TARGET' bus='BUS'/>
      ADDRESS
    </disk>"""


def disk(target: str = "sda", bus: str = "scsi", address: str = "") -> str:
    return DISK.replace("TARGET", target).replace("BUS", bus).replace("ADDRESS", address)


@pytest.mark.parametrize("controller", ["4294967295", "100000", "1024"])
def test_a_drive_address_controller_is_bounded(controller: str) -> None:
    address = f"<address type='drive' controller='{controller}' bus='0' target='0' unit='0'/>"
    message = rejected_xml(domain(disk(address=address)))
    assert f"'controller' attribute {controller} is above the limit of 1023" in message


def test_the_highest_drive_address_controller_is_accepted() -> None:
    address = "<address type='drive' controller='40' bus='0' target='0' unit='0'/>"
    with bounded():
        out = driver.xml_to_xml(domain(disk(address=address)), CAPS).output
    assert "<controller type='scsi' index='40'" in out
    assert out.count("<controller type='scsi'") == 41


@pytest.mark.parametrize("device", [
    "<channel type='pty'><target type='virtio' name='a'/>"
    "<address type='virtio-serial' controller='2000000000' bus='0' port='1'/></channel>",
    "<smartcard mode='passthrough' type='spicevmc'>"
    "<address type='ccid' controller='2000000000' slot='0'/></smartcard>",
])
def test_other_addresses_with_a_controller_are_bounded(device: str) -> None:
    assert "above the limit of 1023" in rejected_xml(domain(device))


def test_a_controller_index_is_bounded() -> None:
    message = rejected_xml(domain("<controller type='scsi' index='2000000000'/>"))
    assert message == "controller index 2000000000 is above the limit of 1023"


@pytest.mark.parametrize("attribute", ["bus", "target", "unit"])
def test_drive_address_numbers_fit_an_unsigned_int(attribute: str) -> None:
    numbers = {"bus": "0", "target": "0", "unit": "0", attribute: "4294967296"}
    address = "<address type='drive' controller='0' " + " ".join(
        f"{k}='{v}'" for k, v in numbers.items()) + "/>"
    message = rejected_xml(domain(disk(address=address)))
    assert message == f"Cannot parse <address> '{attribute}' attribute"


def test_a_disk_target_beyond_an_int_is_an_unknown_name() -> None:
    target = "sd" + "z" * 30  # index about 26**30: controllers beyond counting
    message = rejected_xml(domain(disk(target=target)))
    assert f"Unknown disk name '{target}'" in message


def test_a_disk_target_needing_too_many_controllers_is_refused() -> None:
    target = "sdzzzz"  # index 475253, on SCSI controller 67893
    message = rejected_xml(domain(disk(target=target)))
    assert message == (f"disk '{target}' needs scsi controller index 67893, "
                       "above the limit of 1023")


def test_many_scsi_host_devices_add_their_controllers_in_bounded_time() -> None:
    hostdev = ("<hostdev mode='subsystem' type='scsi'><source>"
               "<adapter name='scsi_host0'/><address bus='0' target='0' unit='0'/>"
               "</source></hostdev>")
    with bounded():
        out = driver.xml_to_xml(domain(hostdev * 1500), CAPS).output
    assert "<controller type='scsi' index='214'" in out


# -- vCPUs, iothreads, topology, CPU sets -------------------------------------------


def test_vcpus_are_bounded() -> None:
    message = rejected_xml(domain(**{"1</vcpu>": "999999999999999999</vcpu>"}))
    assert message == "maximum vcpus count 999999999999999999 is above the limit of 4096"


def test_the_vcpu_limit_itself_is_accepted() -> None:
    with bounded():
        assert "-smp 4096" in driver.xml_to_argv(
            domain(**{"1</vcpu>": "4096</vcpu>"}), CAPS).output


def test_iothreads_are_bounded() -> None:
    xml = domain().replace("<vcpu", "<iothreads>2000000000</iothreads>\n  <vcpu")
    assert rejected_xml(xml) == "iothreads count 2000000000 is above the limit of 4096"


def test_iothread_ids_fit_an_unsigned_int() -> None:
    xml = domain().replace(
        "<vcpu", "<iothreadids><iothread id='4294967296'/></iothreadids>\n  <vcpu")
    assert rejected_xml(xml) == "invalid iothread 'id' value '4294967296'"


def test_many_vcpupins_are_checked_in_bounded_time() -> None:
    pins = "".join(f"<vcpupin vcpu='{i}' cpuset='{i % 1024}'/>" for i in range(4096))
    xml = domain(**{"1</vcpu>": "4096</vcpu>"}).replace(
        "<os>", f"<cputune>{pins}</cputune>\n  <os>")
    with bounded(3.0):
        driver.xml_to_xml(xml, CAPS)


@pytest.mark.parametrize("name", ["sockets", "cores", "threads"])
def test_topology_numbers_fit_an_unsigned_int(name: str) -> None:
    topology = {"sockets": "1", "cores": "1", "threads": "1", name: "99999999999"}
    attrs = " ".join(f"{k}='{v}'" for k, v in topology.items())
    xml = domain().replace("<os>", f"<cpu><topology {attrs}/></cpu>\n  <os>")
    assert rejected_xml(xml) == f"Invalid '{name}' value in CPU topology"


def _best_time(text: str) -> float:
    times = []
    for _ in range(3):
        start = time.perf_counter()
        parse_bitmap(text, "cpuset")
        times.append(time.perf_counter() - start)
    return min(times)


def test_a_wide_range_costs_about_as_much_as_a_single_cpu() -> None:
    """A 5 MB cpuset of '0-1023' ranges took 17 s when every range was
    expanded CPU by CPU; compared with a list of single CPUs as long, so
    that the check does not depend on the speed of the machine."""
    items = 20_000
    ranges = ",".join(["0-1023"] * items)
    singles = ",".join(["1000"] * items)
    assert parse_bitmap(ranges, "cpuset") == frozenset(range(1024))
    with bounded():
        ratio = _best_time(ranges) / _best_time(singles)
    assert ratio < 10, f"a range costs {ratio:.0f} times a single CPU"


def test_a_cpuset_beyond_the_cpu_mask_is_refused() -> None:
    xml = domain(**{"placement='static'": "placement='static' cpuset='0-4294967295'"})
    assert rejected_xml(xml) == "Failed to parse cpuset '0-4294967295'"


def test_a_long_invalid_cpuset_is_shortened_in_the_message() -> None:
    with pytest.raises(XMLError) as info:
        parse_bitmap(",".join(map(str, range(100_000))), "cpuset")
    assert len(str(info.value)) < 300


def test_a_scaled_size_overflowing_64_bits_is_refused() -> None:
    controller = ("<controller type='pci' index='0' model='pci-root'>"
                  "<pcihole64 unit='EiB'>99999999</pcihole64></controller>")
    assert "value too large in <pcihole64>: 99999999EiB" in rejected_xml(domain(controller))


# -- argv2xml -------------------------------------------------------------------


def test_a_drive_index_needing_too_many_controllers_is_refused() -> None:
    argv = COMMAND_LINE + " -drive file=/dev/x,if=ide,index=2000000000"
    message = refused_argv(argv)
    assert "drive index 2000000000 needs ide controller 500000000, above the limit of 1023" \
        in message
    assert message.startswith("-drive 'file=/dev/x,if=ide,index=2000000000'")


@pytest.mark.parametrize("option", ["index=99999999999", "bus=99999999999,unit=0",
                                    "bus=0,unit=-1"])
def test_drive_numbers_fit_an_int(option: str) -> None:
    message = refused_argv(COMMAND_LINE + f" -drive file=/dev/x,if=scsi,{option}")
    assert "is out of range (0 to 2147483647)" in message


@pytest.mark.parametrize(("smp", "expected"), [
    ("0", "-smp '0': the number of CPUs must be at least 1"),
    ("99999", "-smp '99999': 99999 CPUs is above the limit of 4096"),
    ("1,maxcpus=5000", "-smp '1,maxcpus=5000': 5000 maxcpus is above the limit of 4096"),
    ("1,sockets=99999,cores=1,threads=1",
     "-smp '1,sockets=99999,cores=1,threads=1': 99999 sockets is above the limit of 4096"),
    ("4,maxcpus=2", "-smp '4,maxcpus=2': maxcpus must not be less than the number of CPUs"),
])
def test_smp_is_bounded(smp: str, expected: str) -> None:
    assert refused_argv(COMMAND_LINE.replace("-smp 1", f"-smp {smp}")) == expected


def test_memory_size_is_bounded() -> None:
    message = refused_argv(COMMAND_LINE.replace("-m 214", "-m 99999999999999999999999"))
    assert message == ("-m '99999999999999999999999': size 99999999999999999999999 is too big "
                       "(the limit is 9007199254740991 KiB)")


def test_memory_slots_fit_an_unsigned_int() -> None:
    message = refused_argv(COMMAND_LINE.replace("-m 214", "-m 214,slots=4294967296"))
    assert message == "cannot parse memory slots '4294967296'"


# -- encoding declarations ----------------------------------------------------------


def test_a_declared_encoding_that_cannot_hold_the_text_is_refused() -> None:
    xml = "<?xml version='1.0' encoding='ISO-8859-1'?>\n" + domain().replace(
        "<name>guest</name>", "<name>guest</name>\n  <title>中</title>")
    message = rejected_xml(xml)
    assert message == ("domain definition: the XML declaration names encoding 'ISO-8859-1', "
                       "which cannot hold character U+4E2D at line 4, column 10")


@pytest.mark.parametrize("name", ["UTF-16", "utf-32le"])
def test_a_wide_declared_encoding_on_text_is_refused(name: str) -> None:
    xml = f'<?xml version="1.0" encoding="{name}"?>\n' + domain()
    assert rejected_xml(xml) == (f"domain definition: the XML declaration names encoding "
                                 f"'{name}', but the document is not in that encoding")
    with pytest.raises(XMLError, match="not in that encoding"):
        parse_document(xml.encode())


def test_an_unknown_declared_encoding_is_refused() -> None:
    xml = "<?xml version='1.0' encoding='no-such-thing'?>\n" + domain()
    assert rejected_xml(xml) == ("domain definition: unknown encoding 'no-such-thing' "
                                 "in the XML declaration")


def test_a_declared_encoding_that_holds_the_text_reads_it_unchanged() -> None:
    xml = "<?xml version='1.0' encoding='ISO-8859-1'?>\n" + domain().replace(
        "<name>guest</name>", "<name>guest</name>\n  <title>café</title>")
    with bounded():
        assert "<title>café</title>" in driver.xml_to_xml(xml, CAPS).output


# -- capability data ------------------------------------------------------------------

POOL_WITH_ENTITY = """<!DOCTYPE pool [<!ENTITY kind "dir">]>
<pool type='&kind;'><name>evil</name><target><path>/p</path></target></pool>"""


def test_storage_pool_xml_in_caps_goes_through_the_safe_parser() -> None:
    storage = MappingProxyType({
        "pools": MappingProxyType({"evil": MappingProxyType({"xml": POOL_WITH_ENTITY})}),
        "volume_path": "/some/{type}/device/{name}",
        "volume_types": ("file", "block"),
    })
    caps = Capabilities(CAPS.name, CAPS.flags, CAPS.config,
                        MappingProxyType({**CAPS.tables, "storage": storage}))
    xml = domain("<disk type='volume' device='disk'><source pool='evil' volume='v'/>"
                 "<target dev='vda' bus='virtio'/></disk>")
    with bounded(), pytest.raises(DefinitionRejected) as info:
        driver.xml_to_argv(xml, caps)
    assert str(info.value) == ("storage pool 'evil' of the capability set: "
                               "a document type declaration is not allowed")


@pytest.mark.parametrize(("guests", "problem"), [
    ("x", "'guests' must be an array of tables, not 'x'"),
    (("x86_64",), "'guests' must be an array of tables, not ('x86_64',)"),
    (({"arch": "x86_64", "machines": "pc"},),
     "a [[guests]] entry's 'machines' must be an array of tables, not 'pc'"),
    (({"arch": "x86_64", "domains": {"type": "kvm"}},),
     "a [[guests]] entry's 'domains' must be an array of tables, not {'type': 'kvm'}"),
])
def test_a_guest_table_of_the_wrong_shape_is_a_clear_error(guests: object, problem: str) -> None:
    caps = Capabilities("broken", CAPS.flags, CAPS.config,
                        MappingProxyType({**CAPS.tables, "guests": guests}))
    assert rejected_xml(domain(), caps) == f"capability set 'broken': {problem}"


@pytest.mark.parametrize(("guest", "problem"), [
    ({"os_type": "hvm"}, "a [[guests]] entry has no 'arch'"),
    ({"arch": "x86_64", "machines": ({"canonical": "pc"},)}, "a [[guests]] machine has no 'name'"),
    ({"arch": "x86_64", "domains": ({"emulator": "/bin/kvm"},)},
     "a [[guests]] domain has no 'type'"),
])
def test_a_guest_table_missing_a_key_is_a_clear_error(guest: dict[str, object],
                                                       problem: str) -> None:
    caps = Capabilities("broken", CAPS.flags, CAPS.config,
                        MappingProxyType({**CAPS.tables, "guests": (guest,)}))
    assert rejected_xml(domain(), caps) == f"capability set 'broken': {problem}"


def test_an_empty_long_cpuset_is_shortened_in_the_message() -> None:
    cpuset = ",".join(f"^{i % 1024}" for i in range(100_000)) + ",5"
    xml = domain(**{"placement='static'": f"placement='static' cpuset='{cpuset}'"})
    message = rejected_xml(xml)
    assert message.startswith("Invalid value of 'cpuset': ^0,^1,")
    assert len(message) < 300


def test_a_clock_adjustment_fits_a_long_long() -> None:
    xml = domain().replace("<devices>", "<clock offset='variable' adjustment='99999999999999999999'/>"
                                        "\n  <devices>")
    assert rejected_xml(xml) == "unknown clock adjustment '99999999999999999999'"


def test_a_clock_adjustment_beyond_any_date_is_refused() -> None:
    xml = domain().replace("<devices>", "<clock offset='variable' adjustment='9000000000000000000'/>"
                                        "\n  <devices>")
    with bounded(), pytest.raises(CommandLineRefused) as info:
        driver.xml_to_argv(xml, CAPS)
    assert str(info.value).startswith("clock adjustment 9000000000000000000 gives a date")


def test_memory_slots_in_xml_fit_an_unsigned_int() -> None:
    xml = domain().replace("<memory", "<maxMemory slots='4294967296' unit='KiB'>1048576"
                                      "</maxMemory>\n  <memory")
    assert rejected_xml(xml) == "invalid value '4294967296' for memory slot count"


PSERIES = """<domain type='qemu'>
  <name>guest</name>
  <memory unit='KiB'>524288</memory>
  <os><type arch='ppc64' machine='pseries'>hvm</type></os>
  <devices>
    <emulator>/usr/bin/qemu-system-ppc64</emulator>
    DEVICES
    <memballoon model='none'/>
  </devices>
</domain>
"""


def test_spapr_vio_regs_of_many_controllers_are_assigned_in_bounded_time() -> None:
    """Each SCSI controller on pseries takes the next free spapr-vio reg;
    looking for it scanned every device for every candidate reg."""
    xml = PSERIES.replace("DEVICES", disk(address="<address type='drive' controller='1023'/>"))
    with bounded(3.0):
        out = driver.xml_to_argv(xml, CAPS).output
    assert out.count("-device spapr-vscsi,") == 1024
    assert "-device spapr-vscsi,id=scsi1023,reg=0x401000 " in out  # 0x2000 + 1023 * 0x1000


def test_a_spapr_vio_reg_fits_an_unsigned_int() -> None:
    xml = PSERIES.replace("DEVICES", "<serial type='pty'>"
                          "<address type='spapr-vio' reg='0x100000000'/></serial>")
    assert rejected_xml(xml) == "Cannot parse <address> 'reg' attribute"


def test_a_command_line_longer_than_arg_max_is_refused() -> None:
    argv = COMMAND_LINE + " -append " + "a" * 100_000 + (" -S" * 700_000)
    assert refused_argv(argv) == ("command line longer than 2097152 characters "
                                  "(the kernel's ARG_MAX)")


def test_a_command_line_word_longer_than_max_arg_strlen_is_refused() -> None:
    message = refused_argv(COMMAND_LINE + " -append " + "a" * 200_000)
    assert message == ("command line word 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' is longer "
                       "than 131072 characters (the kernel's MAX_ARG_STRLEN)")


def test_controllers_of_one_type_are_bounded() -> None:
    usb = "<controller type='usb' index='0' model='none'/>"
    assert rejected_xml(domain(usb * 1025)) == "more than 1024 'usb' controllers"


def test_many_controllers_are_ordered_in_bounded_time() -> None:
    """Each parsed controller was inserted by a scan of all those before
    it, whatever their type."""
    controllers = "".join(
        f"<controller type='{kind}' index='{i}'/>"
        for kind in ("scsi", "ide", "fdc", "sata", "virtio-serial", "ccid")
        for i in range(1023, -1, -1)
    ) + "<controller type='usb' index='0' model='none'/>" * 1024
    with bounded(3.0):
        out = driver.xml_to_xml(domain(controllers), CAPS).output
    assert out.index("<controller type='scsi' index='0'/>") \
        < out.index("<controller type='scsi' index='1'/>") \
        < out.index("<controller type='ide' index='0'/>")
