"""Model of <graphics> (VNC, SPICE, SDL, RDP, desktop)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .address import DeviceInfo

GRAPHICS_TYPES = ("sdl", "vnc", "rdp", "desktop", "spice")
# libvirt 9.0's additions to the graphics and listen types.
MODERN_GRAPHICS_TYPES = (*GRAPHICS_TYPES, "egl-headless", "dbus")
LISTEN_TYPES = ("none", "address", "network")
MODERN_LISTEN_TYPES = (*LISTEN_TYPES, "socket")
VNC_SHARE_POLICIES = ("default", "allow-exclusive", "force-shared", "ignore")
AUTH_CONNECTED = ("default", "fail", "disconnect", "keep")

SPICE_CHANNEL_NAMES = (
    "main", "display", "inputs", "cursor", "playback", "record", "smartcard", "usbredir",
)
SPICE_CHANNEL_MODES = ("any", "secure", "insecure")
SPICE_IMAGE_COMPRESSION = ("default", "auto_glz", "auto_lz", "quic", "glz", "lz", "off")
SPICE_JPEG_COMPRESSION = ("default", "auto", "never", "always")
SPICE_ZLIB_COMPRESSION = ("default", "auto", "never", "always")
SPICE_STREAMING_MODES = ("default", "filter", "all", "off")
SPICE_MOUSE_MODES = ("default", "server", "client")


@dataclass(slots=True)
class GraphicsListen:
    type: str = "address"
    address: str | None = None
    network: str | None = None
    socket: str | None = None  # listen type 'socket' (libvirt 9.0)
    from_config: bool = False
    auto_generated: bool = False


@dataclass(slots=True)
class GraphicsAuth:
    passwd: str | None = None
    valid_to: str | None = None  # normalised YYYY-MM-DDTHH:MM:SS (UTC)
    connected: str | None = None


@dataclass(slots=True)
class Graphics:
    type: str = "vnc"
    listens: list[GraphicsListen] = field(default_factory=list)
    auth: GraphicsAuth = field(default_factory=GraphicsAuth)
    # vnc, spice, rdp
    port: int = 0
    autoport: bool = False
    keymap: str | None = None
    # vnc
    websocket: int = 0
    share_policy: str | None = None
    socket: str | None = None
    # spice
    tls_port: int = 0
    default_mode: str = "any"
    channels: dict[str, str] = field(default_factory=dict)  # name -> mode
    image: str | None = None
    jpeg: str | None = None
    zlib: str | None = None
    playback: bool | None = None
    streaming: str | None = None
    copypaste: bool | None = None
    filetransfer: bool | None = None
    mousemode: str | None = None
    # sdl, desktop
    display: str | None = None
    xauth: str | None = None
    fullscreen: bool = False
    # rdp
    replace_user: bool = False
    multi_user: bool = False
    # libvirt 9.0: <gl enable= rendernode=> (spice, sdl, dbus, egl-headless),
    # <audio id=> (vnc, dbus), powerControl (vnc), p2p and address (dbus)
    gl: bool | None = None
    rendernode: str | None = None
    audio_id: int = 0
    power_control: bool | None = None
    p2p: bool = False
    dbus_address: str | None = None
    info: DeviceInfo = field(default_factory=DeviceInfo)
