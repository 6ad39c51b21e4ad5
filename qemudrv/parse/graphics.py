"""Parsing of <graphics> (libvirt 1.3.1's virDomainGraphicsDefParseXML)."""

from __future__ import annotations

import calendar
import re
import time

from ..errors import ConfigError, XMLError
from ..model.graphics import (
    AUTH_CONNECTED,
    GRAPHICS_TYPES,
    LISTEN_TYPES,
    SPICE_CHANNEL_MODES,
    SPICE_CHANNEL_NAMES,
    SPICE_IMAGE_COMPRESSION,
    SPICE_JPEG_COMPRESSION,
    SPICE_MOUSE_MODES,
    SPICE_STREAMING_MODES,
    SPICE_ZLIB_COMPRESSION,
    VNC_SHARE_POLICIES,
    Graphics,
    GraphicsAuth,
    GraphicsListen,
)
from ..xmlreader import Element, elements
from .context import ParseContext

_VALID_TO = re.compile(r"^\s*([+-]?\d+)-([+-]?\d+)-([+-]?\d+)T([+-]?\d+):([+-]?\d+):([+-]?\d+)$")


def _int(value: str, what: str) -> int:
    try:
        return int(value.strip(), 10)
    except ValueError:
        raise XMLError(f"cannot parse {what} {value}") from None


def _parse_auth(el: Element, gtype: str) -> GraphicsAuth:
    auth = GraphicsAuth(passwd=el.get("passwd"))
    if auth.passwd is None:
        return auth
    valid_to = el.get("passwdValidTo")
    if valid_to is not None:
        m = _VALID_TO.match(valid_to)
        if not m:
            raise XMLError(
                f"cannot parse password validity time '{valid_to}', "
                "expect YYYY-MM-DDTHH:MM:SS"
            )
        y, mo, d, h, mi, s = (int(x) for x in m.groups())
        try:
            stamp = calendar.timegm((y, mo, d, h, mi, s, 0, 0, 0))
            auth.valid_to = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(stamp))
        except (ValueError, OverflowError):
            raise XMLError(
                f"cannot parse password validity time '{valid_to}', "
                "expect YYYY-MM-DDTHH:MM:SS"
            ) from None
    connected = el.get("connected")
    if connected is not None:
        if connected not in AUTH_CONNECTED[1:]:
            raise ConfigError(f"unknown connected value {connected}")
        if gtype == "vnc" and connected != "keep":
            raise ConfigError("VNC supports connected='keep' only")
        auth.connected = connected
    return auth


def _parse_listen(el: Element, ctx: ParseContext) -> GraphicsListen:
    type_ = el.get("type")
    if type_ is None:
        raise XMLError("graphics listen type must be specified")
    if type_ not in LISTEN_TYPES:
        raise XMLError(f"unknown graphics listen type '{type_}'")
    lis = GraphicsListen(type=type_)
    address = el.get("address")
    # a network listen's address is live state
    if address and (type_ == "address" or (type_ == "network" and not ctx.inactive)):
        lis.address = address
    network = el.get("network")
    if network:
        if type_ != "network":
            raise XMLError("network attribute not allowed when listen type is not network")
        lis.network = network
    from_config = el.get("fromConfig")
    if from_config is not None and ctx.status:
        lis.from_config = _int(from_config, "fromConfig value") != 0
    return lis


def _parse_listens(g: Graphics, el: Element, ctx: ParseContext) -> None:
    g.listens = [_parse_listen(c, ctx) for c in elements(el, "listen")]
    addr = el.get("listen") or None
    if addr is None:
        return
    if not g.listens:
        g.listens.append(GraphicsListen(type="address", address=addr))
        return
    for lis in g.listens:
        if lis.type == "address":
            if lis.address != addr:
                raise XMLError(
                    f"graphics listen attribute {addr} must match address attribute "
                    f"of first listen element (found {lis.address})"
                )
            break


def _yes_no(value: str, message: str) -> bool:
    if value == "yes":
        return True
    if value == "no":
        return False
    raise XMLError(message)


def _parse_vnc(g: Graphics, el: Element, ctx: ParseContext) -> None:
    port = el.get("port")
    if port is not None:
        g.port = _int(port, "vnc port")
        if g.port == -1:  # legacy syntax for autoport
            if ctx.inactive:
                g.port = 0
            g.autoport = True
    else:
        g.port, g.autoport = 0, True
    if el.get("autoport") == "yes":
        if ctx.inactive:
            g.port = 0
        g.autoport = True
    websocket = el.get("websocket")
    if websocket is not None:
        g.websocket = _int(websocket, "vnc WebSocket port")
    policy = el.get("sharePolicy")
    if policy is not None:
        if policy not in VNC_SHARE_POLICIES:
            raise XMLError(f"unknown vnc display sharing policy '{policy}'")
        g.share_policy = None if policy == "default" else policy
    g.socket = el.get("socket")
    g.keymap = el.get("keymap")
    g.auth = _parse_auth(el, "vnc")


def _parse_spice(g: Graphics, el: Element, ctx: ParseContext) -> None:
    port = el.get("port")
    g.port = _int(port, "spice port") if port is not None else 0
    tls = el.get("tlsPort")
    g.tls_port = _int(tls, "spice tlsPort") if tls is not None else 0
    if el.get("autoport") == "yes":
        g.autoport = True
    mode = el.get("defaultMode")
    if mode is not None:
        if mode not in SPICE_CHANNEL_MODES:
            raise XMLError(f"unknown default spice channel mode {mode}")
        g.default_mode = mode
    if g.port == -1 and g.tls_port == -1:  # legacy syntax for autoport
        g.autoport = True
    if g.autoport and ctx.inactive:
        g.port = g.tls_port = 0
    g.keymap = el.get("keymap")
    g.auth = _parse_auth(el, "spice")
    for c in elements(el):
        tag = c.tag
        if tag == "channel":
            name, cmode = c.get("name"), c.get("mode")
            if not name or not cmode:
                raise XMLError("spice channel missing name/mode")
            if name not in SPICE_CHANNEL_NAMES:
                raise XMLError(f"unknown spice channel name {name}")
            if cmode not in SPICE_CHANNEL_MODES:
                raise XMLError(f"unknown spice channel mode {cmode}")
            g.channels[name] = cmode
        elif tag in ("image", "jpeg", "zlib"):
            value = c.get("compression")
            if not value:
                raise XMLError(f"spice {tag} missing compression")
            choices = {
                "image": SPICE_IMAGE_COMPRESSION,
                "jpeg": SPICE_JPEG_COMPRESSION,
                "zlib": SPICE_ZLIB_COMPRESSION,
            }[tag]
            if value not in choices[1:]:
                raise XMLError(f"unknown spice {tag} compression {value}")
            setattr(g, tag, value)
        elif tag == "playback":
            value = c.get("compression")
            if not value:
                raise XMLError("spice playback missing compression")
            if value not in ("on", "off"):
                raise XMLError("unknown spice playback compression")
            g.playback = value == "on"
        elif tag == "streaming":
            value = c.get("mode")
            if not value:
                raise XMLError("spice streaming missing mode")
            if value not in SPICE_STREAMING_MODES[1:]:
                raise XMLError("unknown spice streaming mode")
            g.streaming = value
        elif tag == "clipboard":
            value = c.get("copypaste")
            if not value:
                raise XMLError("spice clipboard missing copypaste")
            g.copypaste = _yes_no(value, f"unknown copypaste value '{value}'")
        elif tag == "filetransfer":
            value = c.get("enable")
            if not value:
                raise XMLError("spice filetransfer missing enable")
            g.filetransfer = _yes_no(value, f"unknown enable value '{value}'")
        elif tag == "mouse":
            value = c.get("mode")
            if not value:
                raise XMLError("spice mouse missing mode")
            if value not in SPICE_MOUSE_MODES[1:]:
                raise XMLError(f"unknown mouse mode value '{value}'")
            g.mousemode = value


def _spice_listen_none(g: Graphics) -> None:
    """virDomainDefPostParseGraphics (libvirt 9.0): SPICE without ports
    nor autoport listens nowhere, which is listen type 'none'."""
    first = g.listens[0] if g.listens else None
    if (first is not None and first.type == "address" and not g.port and not g.tls_port
            and not g.autoport):
        first.address = None
        first.type = "none"


def parse_graphics(el: Element, ctx: ParseContext) -> Graphics:
    type_ = el.get("type")
    if type_ is None:
        raise XMLError("missing graphics device type")
    if type_ not in GRAPHICS_TYPES:
        raise XMLError(f"unknown graphics device type '{type_}'")
    g = Graphics(type=type_)
    if type_ in ("vnc", "rdp", "spice"):
        _parse_listens(g, el, ctx)
    if type_ == "vnc":
        _parse_vnc(g, el, ctx)
    elif type_ == "spice":
        _parse_spice(g, el, ctx)
    if ctx.modern and type_ in ("vnc", "rdp", "spice") and not g.listens and g.socket is None:
        # virDomainGraphicsListensParseXML (libvirt 9.0): a listen is
        # always there, built from the legacy attribute if need be.
        g.listens.append(GraphicsListen(type="address"))
    if ctx.modern and type_ == "spice":
        _spice_listen_none(g)
    elif type_ in ("sdl", "desktop"):
        fullscreen = el.get("fullscreen")
        if fullscreen is not None:
            g.fullscreen = _yes_no(fullscreen, f"unknown fullscreen value '{fullscreen}'")
        if type_ == "sdl":
            g.xauth = el.get("xauth")
        g.display = el.get("display")
    elif type_ == "rdp":
        port = el.get("port")
        if port is not None:
            g.port = _int(port, "rdp port")
            if g.port == -1:
                g.autoport = True
        else:
            g.port, g.autoport = 0, True
        if el.get("autoport") == "yes":
            g.autoport = True
        if g.autoport and ctx.inactive:
            g.port = 0
        g.replace_user = el.get("replaceUser") == "yes"
        g.multi_user = el.get("multiUser") == "yes"
    return g
