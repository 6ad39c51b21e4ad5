"""<boot>, <alias>, <master>, <rom> and <address> of any device."""

from __future__ import annotations

from ..model.address import (
    CCIDAddress,
    CCWAddress,
    DeviceInfo,
    DIMMAddress,
    DriveAddress,
    ISAAddress,
    PCIAddress,
    SpaprVioAddress,
    USBAddress,
    VirtioS390Address,
    VirtioSerialAddress,
)
from ..xmlwriter import XMLWriter
from .context import FormatContext


def format_address_attrs(info: DeviceInfo, modern: bool = False) -> str | None:
    """The ``<address .../>`` line of a device, or None (virDomainDeviceInfoFormat).
    libvirt 9.0 pads spapr-vio regs to 8 digits and omits a DIMM base of 0."""
    a = info.address
    if a is None or isinstance(a, VirtioS390Address):
        return None
    out = f"<address type='{a.type}'"
    if isinstance(a, PCIAddress):
        out += (
            f" domain='0x{a.domain:04x}' bus='0x{a.bus:02x}'"
            f" slot='0x{a.slot:02x}' function='0x{a.function:x}'"
        )
        if a.multifunction is not None:
            out += f" multifunction='{'on' if a.multifunction else 'off'}'"
    elif isinstance(a, DriveAddress):
        out += f" controller='{a.controller}' bus='{a.bus}' target='{a.target}' unit='{a.unit}'"
    elif isinstance(a, VirtioSerialAddress):
        out += f" controller='{a.controller}' bus='{a.bus}' port='{a.port}'"
    elif isinstance(a, CCIDAddress):
        out += f" controller='{a.controller}' slot='{a.slot}'"
    elif isinstance(a, USBAddress):
        out += f" bus='{a.bus}'"
        if a.port:
            out += f" port='{a.port}'"
    elif isinstance(a, SpaprVioAddress):
        if a.reg is not None:
            out += f" reg='0x{a.reg:08x}'" if modern else f" reg='0x{a.reg:x}'"
    elif isinstance(a, CCWAddress):
        out += f" cssid='0x{a.cssid:x}' ssid='0x{a.ssid:x}' devno='0x{a.devno:04x}'"
    elif isinstance(a, ISAAddress):
        if a.iobase:
            out += f" iobase='0x{a.iobase:x}'"
        if a.irq:
            out += f" irq='0x{a.irq:x}'"
    elif isinstance(a, DIMMAddress):
        out += f" slot='{a.slot}'"
        if a.base or not modern:
            out += f" base='0x{a.base:x}'"
    return out + "/>"


def format_device_info(
    w: XMLWriter,
    info: DeviceInfo,
    ctx: FormatContext,
    *,
    allow_boot: bool = False,
    allow_rom: bool = False,
) -> None:
    if allow_boot and info.boot_order:
        w.empty("boot", ("order", info.boot_order), ("loadparm", info.loadparm))
    # libvirt 9.0 keeps only user aliases in a persistent definition, and
    # writes whatever alias it kept.
    if info.alias and (ctx.modern or not ctx.inactive):
        w.empty("alias", ("name", info.alias))
    if info.usb_master_startport is not None:
        w.empty("master", ("startport", info.usb_master_startport))
    if allow_rom and (info.rom_bar is not None or info.rom_file is not None
                      or info.rom_enabled is not None):
        enabled = None if info.rom_enabled is None else ("yes" if info.rom_enabled else "no")
        bar = None if info.rom_bar is None else ("on" if info.rom_bar else "off")
        w.empty("rom", ("enabled", enabled), ("bar", bar), ("file", info.rom_file))
    if info.acpi_index:
        w.empty("acpi", ("index", info.acpi_index))
    line = format_address_attrs(info, ctx.modern)
    if line is None:
        return
    a = info.address
    if ctx.modern and isinstance(a, PCIAddress) and (
        a.zpci_uid is not None or a.zpci_fid is not None
    ):
        w.line(line[:-2] + ">")
        uid = None if a.zpci_uid is None else f"0x{a.zpci_uid:04x}"
        fid = None if a.zpci_fid is None else f"0x{a.zpci_fid:08x}"
        w.level += 1
        w.empty("zpci", ("uid", uid), ("fid", fid))
        w.level -= 1
        w.line("</address>")
    else:
        w.line(line)
