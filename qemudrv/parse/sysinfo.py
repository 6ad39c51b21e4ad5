"""libvirt 9.0's <sysinfo> elements (domain_conf.c virSysinfoParseXML): any
number of them, SMBIOS tables (BIOS, system, base boards, chassis, OEM
strings) or fw_cfg entries."""

from __future__ import annotations

import re

from ..errors import XMLError
from ..model.domain import Domain
from ..model.general import FWCfgEntry, Sysinfo, SysinfoEntry
from ..xmlreader import Element, child, child_text, children, text
from .general import _parse_uuid as parse_uuid
from .net import sanitize_path

_BIOS = ("vendor", "version", "date", "release")
_SYSTEM = ("manufacturer", "product", "version", "serial", "uuid", "sku", "family")
_BASE_BOARD = ("manufacturer", "product", "version", "serial", "asset", "location")
_CHASSIS = ("manufacturer", "version", "serial", "asset", "sku")

# virStrToLong_i: blanks, a sign and digits.
_INT = re.compile(r"\s*[+-]?\d+")


def _entries(el: Element, names: tuple[str, ...]) -> list[SysinfoEntry]:
    """string(entry[@name=NAME]) for each name: the first such entry's
    text, absent when empty."""
    out = []
    for name in names:
        first = next((e for e in children(el, "entry") if e.get("name") == name), None)
        value = text(first) if first is not None else None
        if value:
            out.append(SysinfoEntry(name, value))
    return out


def _check_bios_date(entries: list[SysinfoEntry]) -> None:
    """mm/dd/yy or mm/dd/yyyy (a two-digit year is 19yy)."""
    for entry in entries:
        if entry.name != "date":
            continue
        parts = entry.value.split("/")
        valid = len(parts) == 3 and all(_INT.fullmatch(p) for p in parts)
        if valid:
            month, day, year = (int(p) for p in parts)
            valid = 1 <= month <= 12 and 1 <= day <= 31 and (0 <= year < 100 or year >= 1900)
        if not valid:
            raise XMLError("Invalid BIOS 'date' format", code="")


def _system_uuid(entries: list[SysinfoEntry], dom: Domain, uuid_generated: bool) -> None:
    """The system UUID must be the domain's; a domain without one takes it."""
    for i, entry in enumerate(entries):
        if entry.name != "uuid":
            continue
        try:
            canonical = parse_uuid(entry.value)
        except XMLError:
            raise XMLError("malformed <sysinfo> uuid element", code="") from None
        if uuid_generated:
            dom.uuid = canonical
        elif canonical != dom.uuid:
            raise XMLError("UUID mismatch between <uuid> and <sysinfo>", code="")
        entries[i] = SysinfoEntry("uuid", canonical)


def _smbios(el: Element, dom: Domain, uuid_generated: bool) -> Sysinfo:
    info = Sysinfo("smbios")
    bios = child(el, "bios")
    if bios is not None:
        info.bios = _entries(bios, _BIOS)
        _check_bios_date(info.bios)
    system = child(el, "system")
    if system is not None:
        info.system = _entries(system, _SYSTEM)
        _system_uuid(info.system, dom, uuid_generated)
    info.base_boards = [board for board in (_entries(bb, _BASE_BOARD)
                                            for bb in children(el, "baseBoard")) if board]
    chassis = child(el, "chassis")
    if chassis is not None:
        info.chassis = _entries(chassis, _CHASSIS)
    oem = child(el, "oemStrings")
    if oem is not None:
        strings = [text(e) or "" for e in children(oem, "entry")]
        info.oem_strings = strings or None
    return info


def _fw_cfg(el: Element) -> Sysinfo:
    info = Sysinfo("fwcfg")
    for entry in children(el, "entry"):
        name = entry.get("name")
        if name is None:
            raise XMLError("Firmware entry is missing 'name' attribute")
        value = text(entry) or None
        file = entry.get("file")
        if value is None and file is None:
            raise XMLError("Firmware entry must have either value or 'file' attribute")
        info.fw_cfgs.append(FWCfgEntry(name, value, sanitize_path(file) if file else None))
    return info


def parse_sysinfos(root: Element, dom: Domain) -> None:
    uuid_generated = child_text(root, "uuid") is None
    for el in children(root, "sysinfo"):
        kind = el.get("type")
        if kind is None:
            raise XMLError("Missing required attribute 'type' in element 'sysinfo'")
        if kind == "smbios":
            dom.sysinfos.append(_smbios(el, dom, uuid_generated))
        elif kind == "fwcfg":
            dom.sysinfos.append(_fw_cfg(el))
        else:
            raise XMLError(f"Invalid value for attribute 'type' in element 'sysinfo': '{kind}'.")
