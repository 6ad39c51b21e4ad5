"""Graphics and video: ``-vnc``, ``-sdl``, ``-nographic``, ``-full-screen``,
``-vga`` (and the older ``-std-vga``/``-vmwarevga``), after libvirt 1.3.1's
qemuParseCommandLine."""

from __future__ import annotations

from ..errors import ArgvError
from ..model.graphics import VNC_SHARE_POLICIES, Graphics, GraphicsListen
from ..model.video import Video
from ..parse.video import default_video_ram
from .options import strtol
from .state import ArgvState

# qemuVideo: the -vga names of libvirt's video types.
_VGA_TYPES = {
    "std": "vga", "cirrus": "cirrus", "vmware": "vmvga", "qxl": "qxl", "virtio": "virtio",
}
# QEMU's own vgamem default for qxl, in KiB
_QXL_VGAMEM = 16 * 1024
_VNC_BASE_PORT = 5900
_WEBSOCKET_OFFSET = 5700


def parse_vnc(val: str) -> Graphics:
    vnc = Graphics(type="vnc")
    if val.startswith("unix:"):
        vnc.socket = val[len("unix:"):]
        return vnc
    sep = "]:" if val.startswith("[") else ":"
    at = val.find(sep)
    if at < 0:
        raise ArgvError(f"missing VNC port number in '{val}'")
    port_text = val[at + len(sep):]
    try:
        display, opts = strtol(port_text)
    except ValueError:
        raise ArgvError(f"cannot parse VNC port '{port_text}'") from None
    address = val[1:at] if val.startswith("[") else val[:at]
    if address:
        vnc.listens.append(GraphicsListen(type="address", address=address))
    vnc.port = display
    if opts.startswith(","):
        for item in opts[1:].split(","):
            if item.startswith("websocket"):
                _websocket(vnc, item[len("websocket"):])
            elif item.startswith("share="):
                policy = item[len("share="):]
                if not policy:
                    raise ArgvError("missing vnc sharing policy")
                if policy not in VNC_SHARE_POLICIES or policy == "default":
                    raise ArgvError(f"unknown vnc display sharing policy '{policy}'")
                vnc.share_policy = policy
    vnc.port += _VNC_BASE_PORT
    vnc.autoport = False
    return vnc


def _websocket(vnc: Graphics, rest: str) -> None:
    if rest.startswith("=") and len(rest) > 1:
        try:
            vnc.websocket, _ = strtol(rest[1:], 0)
        except ValueError:
            raise ArgvError(f"cannot parse VNC WebSocket port '{rest[1:]}'") from None
    else:
        # QEMU's own choice: the display number plus 5700
        vnc.websocket = vnc.port + _WEBSOCKET_OFFSET


def handle_vnc(st: ArgvState, opt: str) -> bool:
    st.dom.devices.graphics.append(parse_vnc(st.value(opt)))
    return True


def handle_sdl(st: ArgvState, opt: str) -> bool:
    st.have_sdl = True
    return True


def handle_nographic(st: ArgvState, opt: str) -> bool:
    st.nographics = True
    return True


def handle_fullscreen(st: ArgvState, opt: str) -> bool:
    st.fullscreen = True
    return True


def handle_vga(st: ArgvState, opt: str) -> bool:
    val = st.value(opt)
    if val != "none":
        if val not in _VGA_TYPES:
            raise ArgvError(f"unknown video adapter type '{val}'")
        st.video_type = _VGA_TYPES[val]
    return True


def handle_std_vga(st: ArgvState, opt: str) -> bool:
    st.video_type = "vga"
    return True


def handle_vmware_vga(st: ArgvState, opt: str) -> bool:
    st.video_type = "vmvga"
    return True


def handle_keymap(st: ArgvState, opt: str) -> bool:
    st.keymap = st.value(opt)
    return True


def finish_graphics(st: ArgvState) -> None:
    """SDL unless told otherwise, and one video card for any display."""
    dom = st.dom
    graphics = dom.devices.graphics
    if st.keymap is not None:
        # QEMU's keyboard layout applies to its VNC and SPICE servers
        for g in graphics:
            if g.type in ("vnc", "spice"):
                g.keymap = st.keymap
    if not st.nographics and (not graphics or st.have_sdl):
        graphics.append(
            Graphics(
                type="sdl",
                fullscreen=st.fullscreen,
                display=st.getenv("DISPLAY"),
                xauth=st.getenv("XAUTHORITY"),
            )
        )
    if not graphics:
        return
    type_ = "xen" if dom.virt_type == "xen" else st.video_type
    video = Video(type=type_, vram=default_video_ram(dom.virt_type, type_), heads=1)
    if type_ == "qxl":
        video.ram = default_video_ram(dom.virt_type, type_)
        video.vgamem = _QXL_VGAMEM
    dom.devices.videos.append(video)
