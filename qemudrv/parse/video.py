"""Parsing of <video> (libvirt 1.3.1's virDomainVideoDefParseXML)."""

from __future__ import annotations

from ..errors import ConfigError, XMLError
from ..model.video import (
    MODERN_VIDEO_TYPES,
    VGA_CONFS,
    VIDEO_BACKENDS,
    VIDEO_TYPES,
    Video,
    VideoAccel,
)
from ..xmlreader import Element, child, elements
from .context import ParseContext
from .device_info import parse_device_info
from .virtio_options import parse_virtio_options


def default_video_type(root: Element) -> str:
    """virDomainVideoDefaultType for the domain ``root`` describes."""
    virt = root.get("type") or ""
    os_ = child(root, "os")
    type_ = child(os_, "type") if os_ is not None else None
    os_type = (type_.text or "").strip() if type_ is not None else "hvm"
    arch = type_.get("arch") if type_ is not None else None
    if virt in ("test", "qemu", "kqemu", "kvm", "xen"):
        if os_type in ("xen", "linux"):
            return "xen"
        if arch in ("ppc64", "ppc64le"):
            return "vga"
        return "cirrus"
    if virt == "vbox":
        return "vbox"
    if virt in ("phyp", "parallels"):
        return "vga"
    if virt == "vmware":
        return "vmvga"
    raise ConfigError("missing video model and cannot determine default")


def default_video_ram(virt_type: str, video_type: str) -> int:
    """virDomainVideoDefaultRAM, in KiB."""
    if virt_type == "xen":
        return 0  # the Xen drivers choose
    if video_type == "bochs":  # libvirt 9.0
        return 16 * 1024
    if video_type in ("vga", "cirrus", "vmvga"):
        if virt_type == "vbox":
            return 8 * 1024
        if virt_type == "vmware":
            return 4 * 1024
        return 16 * 1024
    if video_type == "xen":
        return 4 * 1024
    if video_type == "qxl":
        return 64 * 1024  # QEMU's minimum for qxl
    return 0


def _uint(value: str, what: str) -> int:
    v = value.strip()
    if not v.isdigit() or int(v) > 0xFFFFFFFF:
        raise XMLError(f"cannot parse video {what} '{value}'")
    return int(v)


def _accel(model: Element) -> VideoAccel | None:
    acc = next(elements(model, "acceleration"), None)
    if acc is None:
        return None
    a3, a2 = acc.get("accel3d"), acc.get("accel2d")
    if a3 is None and a2 is None:
        return None
    out = VideoAccel()
    for name, value in (("accel3d", a3), ("accel2d", a2)):
        if value is None:
            continue
        if value not in ("yes", "no"):
            raise XMLError(f"unknown {name} value '{value}'")
        setattr(out, name, value == "yes")
    return out


def _model_attr(model: Element | None, name: str) -> str | None:
    return None if model is None else model.get(name)


def _modern_uint(model: Element | None, name: str) -> int:
    value = _model_attr(model, name)
    if value is None:
        return 0
    v = value.strip()
    if not v.isdigit() or int(v) > 0xFFFFFFFF:
        raise XMLError(f"cannot parse video {name} '{value}'",
                       code="internal error" if name == "heads" else None)
    return int(v)


def _modern_accel(model: Element) -> VideoAccel | None:
    """virDomainVideoAccelDefParseXML (libvirt 9.0)."""
    acc = next(elements(model, "acceleration"), None)
    if acc is None:
        return None
    out = VideoAccel(rendernode=acc.get("rendernode"))
    for name in ("accel3d", "accel2d"):
        value = acc.get(name)
        if value is None:
            continue
        if value not in ("yes", "no"):
            raise XMLError(f"Invalid value for attribute '{name}' in element 'acceleration': "
                           f"'{value}'. Expected one of 'yes', 'no'")
        setattr(out, name, value == "yes")
    if out.rendernode is None and out.accel3d is None and out.accel2d is None:
        raise ConfigError("missing values for acceleration")
    return out


def _enum_attr(el: Element, name: str, choices: tuple[str, ...]) -> str | None:
    value = el.get(name)
    if value is not None and value not in choices:
        raise XMLError(f"Invalid value for attribute '{name}' in element '{el.tag}': "
                       f"'{value}'.")
    return value


def parse_modern_video(el: Element, ctx: ParseContext) -> Video:
    """virDomainVideoDefParseXML (libvirt 9.0): sizes stay unset until
    post-parse, heads is 1 unless given, the model's checks are validation's."""
    model = child(el, "model")
    dev = Video(type="default")
    if model is not None:
        dev.primary = _model_attr(model, "primary") == "yes"
        dev.accel = _modern_accel(model)
        res = next(elements(model, "resolution"), None)
        if res is not None:
            x, y = res.get("x"), res.get("y")
            if x is None or y is None:
                raise XMLError(f"Missing required attribute '{'x' if x is None else 'y'}' "
                               "in element 'resolution'")
            if not x.isdigit() or not y.isdigit():
                raise XMLError("Invalid value for attribute 'x' in element 'resolution'")
            dev.resolution = (int(x), int(y))
    driver = child(el, "driver")
    if driver is not None:
        dev.backend = _enum_attr(driver, "name", VIDEO_BACKENDS)
        dev.vgaconf = _enum_attr(driver, "vgaconf", VGA_CONFS)
        dev.virtio = parse_virtio_options(driver)
    type_ = _model_attr(model, "type")
    if type_ is not None:
        if type_ not in MODERN_VIDEO_TYPES:
            raise ConfigError(f"unknown video model '{type_}'")
        dev.type = type_
    dev.ram = _modern_uint(model, "ram")
    dev.vram = _modern_uint(model, "vram")
    dev.vram64 = _modern_uint(model, "vram64")
    dev.vgamem = _modern_uint(model, "vgamem")
    if _model_attr(model, "heads") is not None:
        dev.heads = _modern_uint(model, "heads")
    parse_device_info(el, ctx, dev.info)
    return dev


def parse_video(el: Element, ctx: ParseContext) -> Video:
    if ctx.modern:
        return parse_modern_video(el, ctx)
    root = el.getroottree().getroot()
    virt = root.get("type") or ""
    model = child(el, "model")
    dev = Video()
    type_ = _model_attr(model, "type")
    if type_ is not None:
        if type_ not in VIDEO_TYPES:
            raise XMLError(f"unknown video model '{type_}'")
        dev.type = type_
    else:
        dev.type = default_video_type(root)
    if model is not None:
        dev.primary = _model_attr(model, "primary") == "yes"
        dev.accel = _accel(model)
    ram, vram, vgamem, heads = (_model_attr(model, k) for k in ("ram", "vram", "vgamem", "heads"))
    if ram is not None:
        if dev.type != "qxl":
            raise XMLError("ram attribute only supported for type of qxl")
        dev.ram = _uint(ram, "ram")
    elif dev.type == "qxl":
        dev.ram = default_video_ram(virt, dev.type)
    if vram is not None:
        dev.vram = _uint(vram, "vram")
    else:
        dev.vram = default_video_ram(virt, dev.type)
    if vgamem is not None:
        if dev.type != "qxl":
            raise XMLError("vgamem attribute only supported for type of qxl")
        dev.vgamem = _uint(vgamem, "vgamem")
    dev.heads = _uint(heads, "heads") if heads is not None else 1
    parse_device_info(el, ctx, dev.info)
    return dev
