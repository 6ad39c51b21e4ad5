"""Post-parse defaults of <video>: the primary card first, the implicit card
of a guest with graphics, and the QEMU driver's qxl vgamem default."""

from __future__ import annotations

from typing import Any

from ..errors import ConfigError, XMLError
from ..model.domain import Domain
from ..model.video import Video
from ..parse.video import default_video_ram
from .chardev import dom_arch, dom_os_type

# QEMU's own vgamem default for qxl, in KiB
QXL_VGAMEM_DEFAULT = 16 * 1024


def order_primary(dom: Domain) -> None:
    """The card marked primary moves to the front (the parser's rule)."""
    videos = dom.devices.videos
    primaries = [v for v in videos if v.primary]
    if len(primaries) > 1:
        raise XMLError("Only one primary video device is supported",
                       code="unsupported configuration" if dom.modern else None)
    if primaries and videos[0] is not primaries[0]:
        videos.remove(primaries[0])
        videos.insert(0, primaries[0])


def _default_type(dom: Domain) -> str:
    virt = dom.virt_type
    os_type = dom_os_type(dom)
    if virt in ("test", "qemu", "kqemu", "kvm", "xen"):
        if os_type in ("xen", "linux"):
            return "xen"
        if dom_arch(dom) in ("ppc64", "ppc64le"):
            return "vga"
        return "cirrus"
    if virt == "vbox":
        return "vbox"
    if virt in ("phyp", "parallels"):
        return "vga"
    if virt == "vmware":
        return "vmvga"
    raise ConfigError("cannot determine default video type")


def _modern_default_type(dom: Domain, caps: Any) -> str:
    """qemuDomainDefaultVideoDevice (libvirt 9.0)."""
    arch = dom_arch(dom)
    machine = dom.os.machine or ""
    if arch in ("ppc64", "ppc64le"):
        return "vga"
    virt_machine = machine == "virt" or machine.startswith("virt-")
    if (virt_machine and arch in ("armv6l", "armv7l", "aarch64", "riscv32", "riscv64")) or (
        arch in ("s390", "s390x")
    ):
        return "virtio"
    if caps is not None and caps.has("cirrus-vga"):
        return "cirrus"
    if caps is not None and caps.has("VGA"):
        return "vga"
    return "default"  # left for validation to refuse


def _round_up_power_of_two(value: int) -> int:
    return 1 << (value - 1).bit_length() if value > 0 else 0


def _resolve_modern_defaults(dom: Domain, caps: Any) -> None:
    """qemuDomainDeviceVideoDefPostParse then virDomainVideoDefPostParse
    (libvirt 9.0): the model, qxl's vgamem, the default sizes rounded up to
    a power of two."""
    for v in dom.devices.videos:
        if v.type == "default":
            v.type = _modern_default_type(dom, caps)
        if v.type == "qxl" and not v.vgamem:
            v.vgamem = QXL_VGAMEM_DEFAULT
        if not v.ram and v.type == "qxl":
            v.ram = default_video_ram(dom.virt_type, v.type)
        if not v.vram:
            v.vram = default_video_ram(dom.virt_type, v.type)
        v.ram = _round_up_power_of_two(v.ram)
        v.vram = _round_up_power_of_two(v.vram)
    videos = dom.devices.videos
    if videos and videos[0].type == "none":
        # virDomainDefPostParseVideo: nothing filled in for 'none' is kept,
        # but its alias.
        alias = videos[0].info.alias
        videos[0] = Video(type="none", heads=0)
        videos[0].info.alias = alias


def add_implicit_video(dom: Domain, caps: Any = None) -> None:
    """A guest with graphics but no <video> gets the default card."""
    if dom.devices.graphics and not dom.devices.videos:
        if dom.modern:
            # the model and sizes are post-parse's
            dom.devices.videos.append(Video(type="default"))
            return
        type_ = _default_type(dom)
        dom.devices.videos.append(
            Video(type=type_, vram=default_video_ram(dom.virt_type, type_), heads=1)
        )


def qemu_video_defaults(dom: Domain) -> None:
    """The QEMU driver's checks and defaults of qxl video memory."""
    for v in dom.devices.videos:
        if v.type != "qxl":
            continue
        if v.vgamem:
            if v.vgamem < 1024:
                raise ConfigError("value for 'vgamem' must be at least 1 MiB (1024 KiB)")
            if v.vgamem & (v.vgamem - 1):
                raise ConfigError("value for 'vgamem' must be power of two")
        else:
            v.vgamem = QXL_VGAMEM_DEFAULT


def video_post_parse(dom: Domain, caps: Any = None) -> None:
    order_primary(dom)
    add_implicit_video(dom, caps)
    if dom.modern:
        _resolve_modern_defaults(dom, caps)
    else:
        qemu_video_defaults(dom)
    videos = dom.devices.videos
    # virDomainDefPostParseVideo (libvirt 9.0): the first card is the
    # primary one, and says so.
    if dom.modern and videos and videos[0].type != "none":
        videos[0].primary = True
