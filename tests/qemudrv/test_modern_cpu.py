"""<cpu> in libvirt 9.0's dialect: parsing and formatting (virCPUDefParseXML,
virCPUDefFormatBufFull) and the -cpu option built from it."""

from __future__ import annotations

import re
from types import MappingProxyType

import pytest
from qemudrv_helpers import domain_xml
from test_modern_cmdline import argv, option
from test_modern_cmdline import modern_caps as modern_cmdline_caps
from test_modern_xml import modern_caps as modern_xml_caps

from harness.protocol import Capabilities
from qemudrv import cpu_x86
from qemudrv.driver import QemuDriver
from qemudrv.errors import CommandLineRefused, DefinitionRejected
from qemudrv.model.general import CPUFeature


def _cpu_lines(cpu: str) -> list[str]:
    out = QemuDriver().xml_to_xml(domain_xml("", extra=cpu), modern_xml_caps()).output
    lines = [line.strip() for line in out.splitlines()]
    start = next(i for i, line in enumerate(lines) if line.startswith("<cpu"))
    if lines[start].endswith("/>"):
        return lines[start:start + 1]
    end = lines.index("</cpu>", start)
    return lines[start:end + 1]


def test_host_model_writes_a_model_only_for_a_vendor_id_or_name() -> None:
    assert _cpu_lines("<cpu mode='host-model'><model fallback='allow'/></cpu>") == [
        "<cpu mode='host-model' check='partial'/>"]
    assert _cpu_lines("<cpu mode='host-model'><model vendor_id='Libvirt QEMU'/></cpu>") == [
        "<cpu mode='host-model' check='partial'>", "<model vendor_id='Libvirt QEMU'/>",
        "</cpu>"]


def test_cache_maxphysaddr_and_dies_are_kept() -> None:
    assert _cpu_lines("<cpu mode='host-passthrough'><topology sockets='1' cores='2' "
                      "threads='1'/><cache mode='passthrough'/>"
                      "<maxphysaddr mode='emulate' bits='42'/></cpu>") == [
        "<cpu mode='host-passthrough' check='none' migratable='off'>",
        "<topology sockets='1' dies='1' cores='2' threads='1'/>",
        "<cache mode='passthrough'/>", "<maxphysaddr mode='emulate' bits='42'/>", "</cpu>"]


@pytest.mark.parametrize(("cpu", "message"), [
    ("<cpu><topology sockets='0' cores='1' threads='1'/></cpu>",
     "Invalid value for attribute 'sockets' in element 'topology': Zero is not permitted"),
    ("<cpu><cache level='4' mode='emulate'/></cpu>",
     "invalid CPU cache level, must be in range [1,3]"),
    ("<cpu mode='host-model' migratable='on'/>",
     "Attribute migratable is only allowed for 'host-passthrough' / 'maximum' CPU mode"),
    ("<cpu><model>qemu64</model><feature name='x' policy='bogus'/></cpu>",
     "Invalid CPU feature policy"),
])
def test_invalid_cpus_are_refused(cpu: str, message: str) -> None:
    with pytest.raises(DefinitionRejected, match=re.escape(message)):
        _cpu_lines(cpu)


def _fake_caps(models: tuple[str, ...], host_features: tuple[str, ...]) -> Capabilities:
    """A set like libvirt's fake test capabilities: CPU models and a host CPU."""
    base = modern_cmdline_caps()
    tables = dict(base.tables)
    tables["fake_caps"] = MappingProxyType({
        "arch": "domain",
        "update_host_cpu_model": True,
        "cpu_models": MappingProxyType({"x86": models}),
    })
    tables["host"] = MappingProxyType({**base.tables["host"], "cpus": MappingProxyType({
        "default": MappingProxyType({"arch": "x86_64", "model": "core2duo", "vendor": "Intel",
                                     "features": host_features})})})
    return Capabilities(base.name, base.flags, base.config, MappingProxyType(tables))


def _cpu_option(cpu: str, caps: Capabilities) -> str:
    return option(argv("", caps, extra=cpu), "-cpu")[0]


def test_a_custom_model_lists_its_features_in_qemus_names() -> None:
    caps = _fake_caps(("core2duo", "Haswell"), ("ds", "vmx"))
    assert _cpu_option("<cpu><model>Haswell</model><feature name='lahf_lm'/>"
                       "<feature name='hle' policy='disable'/></cpu>", caps) == \
        "Haswell,lahf-lm=on,hle=off"


def test_optional_features_follow_the_host_and_unpassed_ones_are_dropped() -> None:
    caps = _fake_caps(("core2duo",), ("ds", "vmx"))
    assert _cpu_option("<cpu><model>core2duo</model><feature name='vmx' policy='optional'/>"
                       "<feature name='svm' policy='optional'/>"
                       "<feature name='osxsave' policy='require'/></cpu>", caps) == \
        "core2duo,vmx=on,svm=off"


def test_host_model_is_the_host_cpu_with_the_guests_features_on_top() -> None:
    caps = _fake_caps(("core2duo",), ("ds", "invtsc", "cmt", "lahf_lm"))
    assert _cpu_option("<cpu mode='host-model'><feature name='ds' policy='disable'/>"
                       "<feature name='vmx'/></cpu>", caps) == "core2duo,ds=off,lahf-lm=on,vmx=on"


def test_a_model_qemu_lacks_falls_back_to_the_closest_one() -> None:
    caps = _fake_caps(("Conroe", "Penryn"), ())
    assert _cpu_option("<cpu><model>Westmere</model>"
                       "<feature name='aes' policy='disable'/></cpu>", caps).startswith("Penryn,")
    with pytest.raises(CommandLineRefused, match="CPU model Westmere is not supported"):
        _cpu_option("<cpu><model fallback='forbid'>Westmere</model></cpu>", caps)


def test_cache_and_physical_address_bits_close_the_option() -> None:
    xml = domain_xml("", extra="<cpu mode='host-passthrough'><cache mode='disable'/>"
                     "<maxphysaddr mode='passthrough'/></cpu>").replace("type='qemu'", "type='kvm'")
    out = QemuDriver().xml_to_argv(xml, modern_cmdline_caps("cpu-cache")).output
    assert "-cpu host,host-cache-info=off,l3-cache=off,host-phys-bits=on " in out


def test_the_host_model_is_decoded_from_qemus_expansion() -> None:
    """Only known, migratable features count; the cheapest model of the vendor wins."""
    props: dict[str, object] = {
        name: True for name in cpu_x86.model_features_modern("Conroe")}
    props.update({"vendor": "GenuineIntel", "lm": False, "invtsc": True, "mds-no": True,
                  "bogus": True})
    assert cpu_x86.host_model_from_expansion(props, ("Conroe", "Penryn", "Opteron_G1")) == (
        "Conroe", [CPUFeature("mds-no", "require"), CPUFeature("lm", "disable")])


@pytest.mark.parametrize(("cpu", "message"), [
    ("<cpu><cache level='2' mode='emulate'/></cpu>",
     "CPU cache mode 'emulate' can only be used with level='3'"),
    ("<cpu><maxphysaddr mode='emulate'/></cpu>",
     "if using CPU maximum physical address mode='emulate', bits= must be specified too"),
    ("<cpu><topology sockets='2' cores='1' threads='1'/></cpu>",
     "CPU topology doesn't match maximum vcpu count"),
])
def test_cpus_qemu_cannot_run_are_refused(cpu: str, message: str) -> None:
    with pytest.raises(DefinitionRejected, match=re.escape(message)):
        argv("", modern_cmdline_caps("query-hotpluggable-cpus"), extra=cpu)


def test_dies_reach_the_smp_option() -> None:
    xml = domain_xml("", extra="<cpu><topology sockets='1' dies='2' cores='1' threads='1'/>"
                     "</cpu>").replace("<vcpu>1</vcpu>", "<vcpu>2</vcpu>")
    out = QemuDriver().xml_to_argv(xml, modern_cmdline_caps("smp-dies")).output
    assert "-smp 2,sockets=1,dies=2,cores=1,threads=1 " in out
