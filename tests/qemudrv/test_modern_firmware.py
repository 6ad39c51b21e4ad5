"""<os> firmware, <loader> and <nvram> in libvirt 9.0's dialect."""

from __future__ import annotations

import re

import pytest
from qemudrv_helpers import domain_xml
from test_modern_xml import modern_caps

from qemudrv.driver import QemuDriver
from qemudrv.errors import DefinitionRejected


def _os_lines(os_children: str, firmware: str = "") -> list[str]:
    xml = domain_xml("").replace(
        "<os><type arch='x86_64' machine='pc'>hvm</type></os>",
        f"<os{firmware}><type arch='x86_64' machine='pc'>hvm</type>{os_children}</os>")
    out = QemuDriver().xml_to_xml(xml, modern_caps()).output
    lines = [line.strip() for line in out.splitlines()]
    return lines[lines.index(next(x for x in lines if x.startswith("<os"))):
                 lines.index("</os>") + 1]


def test_autoselection_and_its_features_are_kept() -> None:
    assert _os_lines("<firmware><feature name='enrolled-keys' enabled='yes'/></firmware>",
                     " firmware='efi'") == [
        "<os firmware='efi'>", "<type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type>",
        "<firmware>", "<feature enabled='yes' name='enrolled-keys'/>",
        "<feature enabled='yes' name='secure-boot'/>", "</firmware>",
        "<boot dev='hd'/>", "</os>"]


def test_a_loader_with_a_path_is_a_rom_and_keeps_stateless() -> None:
    assert "<loader type='rom' stateless='yes'>/bios.bin</loader>" in _os_lines(
        "<loader stateless='yes'>/bios.bin</loader>")


def test_new_style_nvram_keeps_its_source() -> None:
    lines = _os_lines("<loader readonly='yes' type='pflash'>/code.fd</loader>"
                      "<nvram type='file'><source file='/vars.fd'/></nvram>")
    assert lines[3:6] == ["<nvram type='file'>", "<source file='/vars.fd'/>", "</nvram>"]


@pytest.mark.parametrize(("os_children", "firmware", "message"), [
    ("<loader type='pflash'/>", " firmware='efi'",
     "loader attribute 'type' cannot be specified when firmware autoselection is enabled"),
    ("<loader stateless='yes' type='pflash'>/code.fd</loader><nvram>/vars.fd</nvram>", "",
     "NVRAM is not permitted when loader is stateless"),
])
def test_inconsistent_firmware_is_refused(os_children: str, firmware: str,
                                          message: str) -> None:
    # x86 UEFI needs ACPI, which is checked first.
    xml = domain_xml("", extra="<features><acpi/></features>").replace(
        "<os><type arch='x86_64' machine='pc'>hvm</type></os>",
        f"<os{firmware}><type arch='x86_64' machine='pc'>hvm</type>{os_children}</os>")
    with pytest.raises(DefinitionRejected, match=re.escape(message)):
        QemuDriver().xml_to_argv(xml, modern_caps())


def test_a_slic_table_is_kept_and_passed_to_qemu() -> None:
    assert _os_lines("<acpi><table type='slic'>/var//acpi/slic.dat/</table></acpi>")[2:5] == [
        "<acpi>", "<table type='slic'>/var/acpi/slic.dat</table>", "</acpi>"]
    xml = domain_xml("").replace(
        "<os><type arch='x86_64' machine='pc'>hvm</type></os>",
        "<os><type arch='x86_64' machine='pc'>hvm</type>"
        "<acpi><table type='slic'>/a,b.dat</table></acpi></os>")
    assert "-acpitable sig=SLIC,file=/a,,b.dat " in QemuDriver().xml_to_argv(
        xml, modern_caps()).output


def test_a_slic_table_path_loses_a_leading_double_slash() -> None:
    # The kept path is cleaned as interface paths are: '//' at the start too.
    assert _os_lines("<acpi><table type='slic'>//var//slic.dat/</table></acpi>")[3] == \
        "<table type='slic'>/var/slic.dat</table>"
