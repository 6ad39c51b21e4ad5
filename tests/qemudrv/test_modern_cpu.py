"""<cpu> in libvirt 9.0's dialect: parsing and formatting (virCPUDefParseXML,
virCPUDefFormatBufFull) and the -cpu option built from it."""

from __future__ import annotations

import re

import pytest
from qemudrv_helpers import domain_xml
from test_modern_xml import modern_caps as modern_xml_caps

from qemudrv.driver import QemuDriver
from qemudrv.errors import DefinitionRejected


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
