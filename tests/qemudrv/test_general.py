"""The general sections: parsing, formatting, post-parse and command line."""

from __future__ import annotations

from types import MappingProxyType

import pytest

from harness.protocol import Capabilities
from qemudrv.bitmap import format_bitmap, parse_bitmap
from qemudrv.caps import QemuCaps
from qemudrv.cmdline.command import CommandLine
from qemudrv.cmdline.general import build_boot, build_clock
from qemudrv.cmdline.general_cpu import build_cpu
from qemudrv.cmdline.general_memory import build_memory, build_numa
from qemudrv.errors import UnsupportedError, XMLError
from qemudrv.format.context import FormatContext
from qemudrv.format.domain import format_domain
from qemudrv.parse.context import ParseContext
from qemudrv.parse.domain import parse_domain_xml
from qemudrv.postparse import align_memory, post_parse

GUESTS = (
    MappingProxyType({
        "os_type": "hvm", "arch": "x86_64", "wordsize": 64,
        "emulator": "/usr/bin/qemu-system-x86_64",
        "machines": (MappingProxyType({"name": "pc-0.11"}),),
        "domains": (
            MappingProxyType({"type": "qemu"}),
            MappingProxyType({
                "type": "kvm", "emulator": "/usr/bin/kvm",
                "machines": (MappingProxyType({"name": "pc"}),),
            }),
        ),
    }),
    MappingProxyType({
        "os_type": "hvm", "arch": "ppc64", "wordsize": 64,
        "emulator": "/usr/bin/qemu-system-ppc64",
        "machines": (MappingProxyType({"name": "pseries"}),),
        "domains": (MappingProxyType({"type": "qemu"}),),
    }),
)


def make_caps(*flags: str, **config: object) -> QemuCaps:
    conf = {
        "hugetlbfs": (
            MappingProxyType({"mnt_dir": "/dev/hp2M", "size": 2048, "default": True}),
            MappingProxyType({"mnt_dir": "/dev/hp1G", "size": 1048576, "default": False}),
        ),
        "numad_nodeset": "0-3",
    }
    conf.update(config)
    tables = {
        "guests": GUESTS,
        "host": MappingProxyType({
            "arch": "x86_64", "page_size": 4096, "numa_max_node": 7, "time": 1234567890,
            "timezone": "VIR00:30",
            "secmodels": (MappingProxyType({"model": "none", "doi": "0"}),),
        }),
    }
    return QemuCaps(Capabilities("test", frozenset(flags), MappingProxyType(conf),
                                 MappingProxyType(tables)))


def domain(body: str, *, virt: str = "qemu", os_: str | None = None) -> str:
    os_xml = os_ or "<os><type arch='x86_64' machine='pc'>hvm</type></os>"
    return (
        f"<domain type='{virt}'><name>t</name>"
        "<uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>"
        f"{body}{os_xml}<devices/></domain>"
    )


def parse(xml: str, caps: QemuCaps | None = None, inactive: bool = True):
    caps = caps or make_caps()
    dom = parse_domain_xml(xml, ParseContext(caps, inactive=inactive))
    post_parse(dom, caps)
    return dom


def test_bitmap_roundtrip() -> None:
    bits = parse_bitmap("1-2,5-7,^6")
    assert bits == frozenset({1, 2, 5, 7})
    assert format_bitmap(bits) == "1-2,5,7"
    with pytest.raises(XMLError):
        parse_bitmap("3-1")
    with pytest.raises(XMLError):
        parse_bitmap("1024")


def test_memory_overflow_rejected() -> None:
    with pytest.raises(XMLError):
        parse(domain("<memory unit='KiB'>18014398509481983</memory>"))


def test_missing_memory_rejected_without_numa() -> None:
    with pytest.raises(XMLError):
        parse(domain("<vcpu>1</vcpu>"))


def test_numa_cells_give_memory_and_sort() -> None:
    dom = parse(domain(
        "<vcpu>2</vcpu><cpu><numa>"
        "<cell id='1' cpus='1' memory='1024'/><cell id='0' cpus='0' memory='2048'/>"
        "</numa></cpu>"
    ))
    assert dom.memory.total == 3072
    assert [c.id for c in dom.cpu.cells] == [0, 1]


def test_auto_numatune_makes_vcpus_auto() -> None:
    dom = parse(domain(
        "<memory>1024</memory><vcpu placement='static'>2</vcpu>"
        "<numatune><memory mode='interleave' placement='auto'/></numatune>"
    ))
    assert dom.vcpus.placement == "auto"
    out = format_domain(dom, FormatContext())
    assert "<vcpu placement='auto'>2</vcpu>" in out


def test_static_numatune_needs_nodeset() -> None:
    with pytest.raises(XMLError):
        parse(domain(
            "<memory>1024</memory><vcpu placement='auto'>2</vcpu>"
            "<numatune><memory mode='interleave' placement='static'/></numatune>"
        ))


def test_defaults_from_guest_table() -> None:
    dom = parse(domain("<memory>1024</memory>", virt="kvm", os_="<os><type>hvm</type></os>"))
    assert dom.os.arch == "x86_64"
    assert dom.os.machine == "pc"
    assert dom.emulator == "/usr/bin/kvm"
    assert dom.os.boot_devs == ["hd"]


def test_metadata_without_namespace_dropped() -> None:
    dom = parse(domain(
        "<metadata><a:x xmlns:a='http://a/'>1</a:x><plain/><b:y xmlns:b='http://a/'/></metadata>"
        "<memory>1024</memory>"
    ))
    out = format_domain(dom, FormatContext())
    assert "<a:x xmlns:a=\"http://a/\">1</a:x>" in out
    assert "plain" not in out and "b:y" not in out


def test_cpu_numa_and_features_format() -> None:
    xml = domain(
        "<memory>1024</memory><vcpu>2</vcpu>"
        "<features><acpi/><pmu/><hyperv><relaxed state='on'/></hyperv></features>"
        "<cpu><topology sockets='1' cores='2' threads='1'/>"
        "<numa><cell cpus='0-1' memory='1024'/></numa></cpu>"
    )
    out = format_domain(parse(xml), FormatContext())
    assert "<pmu state='on'/>" in out
    assert "<cell id='0' cpus='0-1' memory='1024' unit='KiB'/>" in out


def test_default_cpu_gets_paravirt_flags() -> None:
    dom = parse(domain(
        "<memory>1024</memory><features><apic eoi='on'/><pvspinlock state='off'/></features>",
        os_="<os><type arch='x86_64' machine='pc'>hvm</type></os>",
    ))
    cmd = CommandLine()
    build_cpu(cmd, dom, make_caps())
    assert cmd.args == ["-cpu", "qemu64,+kvm_pv_eoi,-kvm_pv_unhalt"]


def test_variable_clock_with_localtime_basis() -> None:
    dom = parse(domain("<memory>1024</memory><clock offset='variable' adjustment='3600' basis='localtime'/>"))
    cmd = CommandLine()
    build_clock(cmd, dom, make_caps("rtc"))
    assert cmd.args == ["-rtc", "base=2009-02-14T00:01:30"]


def test_boot_order_and_menu() -> None:
    dom = parse(domain(
        "<memory>1024</memory>",
        os_="<os><type arch='x86_64' machine='pc'>hvm</type><boot dev='cdrom'/>"
        "<boot dev='hd'/><bootmenu enable='yes' timeout='3000'/></os>",
    ))
    cmd = CommandLine()
    build_boot(cmd, dom, make_caps("boot-menu", "splash-timeout"))
    assert cmd.args == ["-boot", "order=dc,menu=on,splash-time=3000"]


def test_hugepages_per_node_backend() -> None:
    dom = parse(domain(
        "<memory>2097152</memory><memoryBacking><hugepages>"
        "<page size='1048576' nodeset='1'/></hugepages></memoryBacking><vcpu>2</vcpu>"
        "<cpu><numa><cell cpus='0' memory='1048576'/><cell cpus='1' memory='1048576'/></numa></cpu>"
    ))
    caps = make_caps("memory-backend-ram", "memory-backend-file")
    align_memory(dom, caps)
    cmd = CommandLine()
    build_memory(cmd, dom, caps)
    build_numa(cmd, dom, caps)
    assert "memory-backend-ram,id=ram-node0,size=1073741824" in cmd.args
    assert (
        "memory-backend-file,id=ram-node1,prealloc=yes,mem-path=/dev/hp1G/libvirt/qemu,"
        "size=1073741824" in cmd.args
    )
    with pytest.raises(UnsupportedError):
        build_numa(CommandLine(), dom, make_caps("memory-backend-ram"))


def test_ppc64_memory_alignment() -> None:
    dom = parse(domain(
        "<memory unit='MiB'>1000</memory>",
        os_="<os><type arch='ppc64' machine='pseries'>hvm</type></os>",
    ))
    align_memory(dom, make_caps())
    assert dom.memory.initial == 1024 * 1024


def test_hotplug_needs_numa_except_ppc64() -> None:
    xml = "<maxMemory slots='4' unit='GiB'>4</maxMemory><memory unit='GiB'>1</memory>"
    cmd = CommandLine()
    with pytest.raises(UnsupportedError):
        build_memory(cmd, parse(domain(xml)), make_caps("pc-dimm"))
    ppc = parse(domain(xml, os_="<os><type arch='ppc64' machine='pseries'>hvm</type></os>"))
    build_memory(cmd, ppc, make_caps("pc-dimm"))
    assert cmd.args == ["-m", "size=1048576k,slots=4,maxmem=4194304k"]


def test_status_round_trip() -> None:
    from qemudrv.driver import QemuDriver

    inner = domain("<memory unit='KiB'>1024</memory><currentMemory unit='KiB'>1024</currentMemory>"
                   "<vcpu placement='static'>1</vcpu><clock offset='utc'/>")
    doc = (
        "<domstatus state='running' reason='booted' pid='42'>\n"
        "  <taint flag='high-privileges'/>\n"
        "  <monitor path='/m' json='1' type='unix'/>\n"
        "  <vcpus>\n    <vcpu pid='43'/>\n  </vcpus>\n"
        "  <numad nodeset='0-2'/>\n"
        f"  {inner}\n</domstatus>\n"
    )
    caps = make_caps()
    out = QemuDriver().xml_to_xml(doc, caps.raw, active=True, status=True).output
    assert out.startswith(
        "<domstatus state='running' reason='booted' pid='42'>\n"
        "  <taint flag='high-privileges'/>\n"
        "  <monitor path='/m' json='1' type='unix'/>\n"
        "  <vcpus>\n    <vcpu pid='43'/>\n  </vcpus>\n"
        "  <numad nodeset='0-2'/>\n"
        "  <domain type='qemu'>\n    <name>t</name>\n"
    )
    assert out.endswith("  </domain>\n</domstatus>\n")


def test_x86_guest_cpu_decoding() -> None:
    from qemudrv import cpu_x86
    from qemudrv.model.general import CPU, CPUFeature

    host = {"model": "core2duo", "vendor": "Intel", "features": ("lahf_lm", "cx16", "ds")}
    cpu = CPU(model="qemu64", match="minimum", features=[CPUFeature("svm", "disable"),
                                                        CPUFeature("nx", "disable")])
    data = cpu_x86.guest_data(host, cpu)
    model, feats = cpu_x86.decode(data, ["core2duo", "qemu64"], "core2duo", "allow")
    assert model == "core2duo"
    # Features come in reverse CPUID order, additions before removals.
    assert [(f.name, f.policy) for f in feats] == [
        ("lahf_lm", "require"), ("cx16", "require"), ("ds", "require"), ("nx", "disable"),
    ]
    with pytest.raises(UnsupportedError):
        cpu_x86.decode(data, ["qemu64"], "core2duo", "forbid")


def test_host_cpu_features_must_be_a_list() -> None:
    from qemudrv import cpu_x86
    from qemudrv.model.general import CPU

    # A string was iterated letter by letter, ending in "Unknown CPU feature l".
    host = {"model": "core2duo", "vendor": "Intel", "features": "lahf_lm"}
    with pytest.raises(UnsupportedError, match="host CPU features must be a list"):
        cpu_x86.guest_data(host, CPU(model="qemu64", match="minimum"))
    with pytest.raises(UnsupportedError, match="host CPU features must be a list"):
        cpu_x86.host_model_update(CPU(mode="host-model"), host)
