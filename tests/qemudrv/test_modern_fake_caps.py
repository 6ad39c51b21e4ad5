"""Sets with test-supplied flags ([fake_caps]): completed for the domain's
architecture as libvirt 9.0's test programs complete theirs."""

from __future__ import annotations

import shlex
from types import MappingProxyType
from typing import Any

import pytest
from qemudrv_helpers import domain_xml, driver_caps

from harness.protocol import Capabilities
from qemudrv.caps import QemuCaps, domain_arch
from qemudrv.driver import QemuDriver
from qemudrv.errors import ConfigError

_CPU_MODELS = MappingProxyType({
    "x86": ("Haswell",), "x86_legacy": ("qemu64",), "arm": ("cortex-a57",),
    "ppc64": ("POWER8",), "s390x": ("z13",),
})


def fake_caps(program: str = "xml2argv", *flags: str, **config: Any) -> Capabilities:
    base = driver_caps(*flags, **config)
    fake: dict[str, Any] = {"program": program, "basic_arch_flags": True,
                            "arch": "domain" if program == "xml2argv" else "none"}
    if program == "xml2argv":
        fake["cpu_models"] = _CPU_MODELS
    tables = {**base.tables, "libvirt": MappingProxyType({"version": "9.0.0"}),
              "fake_caps": MappingProxyType(fake)}
    return Capabilities(base.name, base.flags, base.config, MappingProxyType(tables))


def test_the_domain_arch_is_read_before_parsing() -> None:
    assert domain_arch(domain_xml("", arch="aarch64")) == "aarch64"
    assert domain_arch("<domain><os firmware='efi'>\n<type machine='pc'>hvm</type></os>"
                       "</domain>") is None
    # virArchFromString: an unknown name is no architecture.
    assert domain_arch(domain_xml("", arch="vax")) is None


def test_basic_flags_of_the_domain_arch() -> None:
    caps = fake_caps("xml2argv", "usb-hub")
    x86 = QemuCaps(caps, domain_xml("", arch="x86_64"))
    assert {"no-acpi", "no-hpet", "usb-hub", "tcg"} <= x86.flags
    assert "gic-version" not in x86.flags
    arm = QemuCaps(caps, domain_xml("", arch="aarch64", machine="virt"))
    assert {"no-acpi", "aarch64-off", "gic-version"} <= arm.flags
    s390 = QemuCaps(caps, domain_xml("", arch="s390x", machine="s390-ccw-virtio"))
    assert {"aes-key-wrap", "dea-key-wrap", "loadparm"} <= s390.flags
    assert "no-acpi" not in s390.flags
    # No arch in the definition: the host's.
    assert "no-acpi" in QemuCaps(caps, "<domain><os><type>hvm</type></os></domain>").flags


def test_machines_and_cpu_models_of_the_domain_arch() -> None:
    caps = fake_caps("xml2argv")
    qemu = QemuCaps(caps, domain_xml("", arch="x86_64")).table("qemu")
    assert qemu["arch"] == "x86_64"
    assert [m["name"] for m in qemu["machine"] if m["type"] == "tcg"] == ["pc"]
    assert all("defaultRAMid" not in m for m in qemu["machine"])
    assert [(c["type"], c["name"]) for c in qemu["cpu"]] == [
        ("kvm", "Haswell"), ("kvm", "qemu64"), ("tcg", "Haswell"), ("tcg", "qemu64")]
    skipped = QemuCaps(fake_caps("xml2argv", skip_legacy_cpus=True), domain_xml(""))
    assert [c["name"] for c in skipped.table("qemu")["cpu"]] == ["Haswell", "Haswell"]
    s390 = QemuCaps(caps, domain_xml("", arch="s390x")).table("qemu")
    assert [(c["type"], c["name"]) for c in s390["cpu"]] == [("kvm", "z13")]


def test_the_completion_is_shared_by_the_cases_of_a_set() -> None:
    caps = fake_caps("xml2argv")
    first = QemuCaps(caps, domain_xml("", arch="ppc64", machine="pseries"))
    second = QemuCaps(caps, domain_xml("", arch="ppc64", machine="pseries"))
    assert first.tables is second.tables


def test_xml2xml_sets_have_no_architecture() -> None:
    caps = QemuCaps(fake_caps("xml2xml"), domain_xml("", arch="x86_64"))
    assert "no-acpi" not in caps.flags
    assert caps.table("qemu")["arch"] is None


def test_sets_without_fake_caps_are_left_alone() -> None:
    caps = driver_caps("usb-hub")
    assert QemuCaps(caps, domain_xml("")).flags == {"usb-hub"}


def test_a_case_gives_the_gic_versions_and_the_host_arch() -> None:
    gic = ({"version": 3, "kernel": True, "emulated": True},)
    caps = QemuCaps(fake_caps("xml2argv", gic_capabilities=gic, host_arch="aarch64"),
                    "<domain><os><type>hvm</type></os></domain>")
    assert caps.table("qemu")["gic"] == [{"version": "3", "kernel": "yes", "emulated": "yes"}]
    # Without an arch in the definition the case's host arch counts.
    assert caps.table("qemu")["arch"] == "aarch64"


def _argv(xml: str, caps: Capabilities) -> list[str]:
    return shlex.split(QemuDriver().xml_to_argv(xml, caps).output)


def _option(args: list[str], name: str) -> list[str]:
    return [args[i + 1] for i, a in enumerate(args) if a == name]


_NUMA = """<cpu><numa>
  <cell id='0' cpus='0' memory='109568' unit='KiB'/>
  <cell id='1' cpus='1' memory='109568' unit='KiB'/>
</numa></cpu>"""


def test_numa_nodes_take_their_size_where_the_machine_can() -> None:
    xml = domain_xml("", extra=_NUMA).replace("<vcpu>1</vcpu>", "<vcpu>2</vcpu>")
    args = _argv(xml, fake_caps("xml2argv"))
    assert _option(args, "-numa") == ["node,nodeid=0,cpus=0,mem=107",
                                      "node,nodeid=1,cpus=1,mem=107"]
    assert not any("ram-node" in arg for arg in _option(args, "-object"))


def test_a_gic_v2_needs_no_option_where_qemu_has_none() -> None:
    xml = domain_xml("", arch="aarch64", machine="virt")
    with_option = _option(_argv(xml, fake_caps("xml2argv")), "-machine")
    assert with_option == ["virt,usb=off,gic-version=2,dump-guest-core=off"]
    x86 = _option(_argv(domain_xml(""), fake_caps("xml2argv")), "-machine")
    assert x86 == ["pc,usb=off,dump-guest-core=off"]


def test_the_emulator_must_run_the_arch_virt_type_and_machine() -> None:
    caps = fake_caps("xml2argv")
    with pytest.raises(ConfigError, match="does not support machine type 'q35'"):
        QemuDriver().xml_to_argv(domain_xml("", machine="q35"), caps)
    hvf = domain_xml("").replace("type='qemu'", "type='hvf'", 1)
    with pytest.raises(ConfigError, match="does not support virt type 'hvf'"):
        QemuDriver().xml_to_argv(hvf, caps)
    other = domain_xml("<emulator>/usr/bin/qemu-system-ppc64</emulator>")
    with pytest.raises(ConfigError, match="does not support arch 'x86_64'"):
        QemuDriver().xml_to_argv(other, caps)


_SYSINFO = """<sysinfo type='smbios'>
  <system><entry name='uuid'>C7A5FDBD-EDAF-9455-926A-D65C16DB1809</entry></system>
  <baseBoard><entry name='product'>board</entry></baseBoard>
</sysinfo>
<sysinfo type='fwcfg'><entry name='opt/a' file='/tmp//f/'/></sysinfo>"""


def test_sysinfo_of_9_0() -> None:
    xml = domain_xml("", extra=_SYSINFO).replace("<uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809"
                                                 "</uuid>", "")
    xml = xml.replace("<type arch='x86_64' machine='pc'>hvm</type>",
                      "<type arch='x86_64' machine='pc'>hvm</type><smbios mode='sysinfo'/>")
    args = _argv(xml, fake_caps("xml2argv"))
    # A domain without a UUID takes the system table's.
    assert _option(args, "-uuid") == ["c7a5fdbd-edaf-9455-926a-d65c16db1809"]
    assert _option(args, "-smbios") == ["type=1,uuid=c7a5fdbd-edaf-9455-926a-d65c16db1809",
                                        "type=2,manufacturer=,product=board"]
    assert _option(args, "-fw_cfg") == ["name=opt/a,file=/tmp/f"]
    out = QemuDriver().xml_to_xml(xml, fake_caps("xml2xml")).output
    assert "<sysinfo type='fwcfg'>\n    <entry name='opt/a' file='/tmp/f'/>" in out


def test_an_empty_genid_is_generated_from_the_mocked_random_bytes() -> None:
    # virRandomBytes (mocked) gives byte i the value i; virUUIDGenerate sets version 4.
    caps = fake_caps("xml2xml", mocks=["virrandom"])
    tables = {**caps.tables, "random": MappingProxyType({"bytes": "index"})}
    caps = Capabilities(caps.name, caps.flags, caps.config, MappingProxyType(tables))
    out = QemuDriver().xml_to_xml(domain_xml("", extra="<genid/>"), caps).output
    assert "<genid>00010203-0405-4607-8809-0a0b0c0d0e0f</genid>" in out
