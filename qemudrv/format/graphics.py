"""Formatting of <graphics> (libvirt 1.3.1's virDomainGraphicsDefFormat)."""

from __future__ import annotations

from ..model.domain import Domain
from ..model.graphics import SPICE_CHANNEL_NAMES, Graphics, GraphicsAuth
from ..xmlwriter import XMLWriter, escape
from .context import FormatContext


def _auth_attrs(auth: GraphicsAuth, ctx: FormatContext) -> str:
    if auth.passwd is None:
        return ""
    out = ""
    if ctx.secure:
        out += f" passwd='{escape(auth.passwd)}'"
    if auth.valid_to is not None:
        out += f" passwdValidTo='{auth.valid_to}'"
    if auth.connected is not None:
        out += f" connected='{auth.connected}'"
    return out


def _listen_attr(g: Graphics) -> str | None:
    """The legacy listen attribute: the first address-type listen."""
    for lis in g.listens:
        if lis.type == "address":
            return lis.address
    return None


def _attrs(g: Graphics, ctx: FormatContext) -> str:
    out = f" type='{g.type}'"
    listen = _listen_attr(g)
    first = g.listens[0] if g.listens else None
    if g.type == "vnc":
        if g.socket is not None:
            out += f" socket='{g.socket}'"
        elif first is not None and first.type == "socket":
            if first.socket is not None:
                out += f" socket='{escape(first.socket)}'"
        elif first is not None and first.type == "none":
            pass
        else:
            if g.port and (not g.autoport or not ctx.inactive):
                out += f" port='{g.port}'"
            elif g.autoport:
                out += " port='-1'"
            out += f" autoport='{'yes' if g.autoport else 'no'}'"
            if g.websocket:
                out += f" websocket='{g.websocket}'"
            if listen is not None:
                out += f" listen='{listen}'"
        if g.keymap is not None:
            out += f" keymap='{escape(g.keymap)}'"
        if g.share_policy is not None:
            out += f" sharePolicy='{g.share_policy}'"
        if g.power_control is not None:
            out += f" powerControl='{_on_off(g.power_control, 'yes', 'no')}'"
        out += _auth_attrs(g.auth, ctx)
    elif g.type in ("sdl", "desktop"):
        if g.display is not None:
            out += f" display='{escape(g.display)}'"
        if g.type == "sdl" and g.xauth is not None:
            out += f" xauth='{escape(g.xauth)}'"
        if g.fullscreen:
            out += " fullscreen='yes'"
    elif g.type == "dbus":
        if g.p2p:
            out += " p2p='yes'"
        if g.dbus_address is not None:
            out += f" address='{g.dbus_address}'"
    elif g.type == "rdp":
        if g.port:
            out += f" port='{g.port}'"
        elif g.autoport:
            out += " port='0'"
        if g.autoport:
            out += " autoport='yes'"
        if g.replace_user:
            out += " replaceUser='yes'"
        if g.multi_user:
            out += " multiUser='yes'"
        if listen is not None:
            out += f" listen='{listen}'"
    elif g.type == "spice":
        if g.port:
            out += f" port='{g.port}'"
        if g.tls_port:
            out += f" tlsPort='{g.tls_port}'"
        # libvirt 9.0 leaves the ports out for a SPICE that listens nowhere
        # or on a socket.
        if not (ctx.modern and first is not None and first.type in ("none", "socket")):
            out += f" autoport='{'yes' if g.autoport else 'no'}'"
        if listen is not None:
            out += f" listen='{listen}'"
        if g.keymap is not None:
            out += f" keymap='{escape(g.keymap)}'"
        if g.default_mode != "any":
            out += f" defaultMode='{g.default_mode}'"
        out += _auth_attrs(g.auth, ctx)
    return out


def _on_off(value: bool, yes: str = "on", no: str = "off") -> str:
    return yes if value else no


def _format_modern_children(body: XMLWriter, g: Graphics) -> None:
    """<gl> and <audio> (libvirt 9.0's virDomainGraphicsDefFormat)."""
    gl_enable = ("enable", _on_off(g.gl, "yes", "no")) if g.gl is not None else None
    rendernode = ("rendernode", g.rendernode) if g.rendernode is not None else None
    if g.type == "sdl" and gl_enable:
        body.empty("gl", gl_enable)
    elif g.type == "egl-headless" and rendernode:
        body.empty("gl", rendernode)
    elif g.type in ("spice", "dbus") and gl_enable:
        body.empty("gl", *(a for a in (gl_enable, rendernode) if a))
    if g.type in ("vnc", "dbus") and g.audio_id > 0:
        body.empty("audio", ("id", g.audio_id))


def format_graphic(w: XMLWriter, g: Graphics, ctx: FormatContext) -> None:
    body = w.child()
    for lis in g.listens:
        if lis.type == "none" and not ctx.modern:
            continue
        attrs = [("type", lis.type)]
        if lis.address is not None and (
            lis.type == "address" or (lis.type == "network" and not ctx.inactive)
        ):
            attrs.append(("address", lis.address))
        if lis.network is not None and lis.type == "network":
            attrs.append(("network", lis.network))
        if lis.socket is not None and lis.type == "socket":
            attrs.append(("socket", lis.socket))
        if ctx.status and ctx.modern:
            attrs.append(("fromConfig", str(int(lis.from_config))))
            attrs.append(("autoGenerated", _on_off(lis.auto_generated, "yes", "no")))
        body.empty("listen", *attrs)
    if g.type == "spice":
        for name in SPICE_CHANNEL_NAMES:
            mode = g.channels.get(name, "any")
            if mode != "any":
                body.empty("channel", ("name", name), ("mode", mode))
        if g.image:
            body.empty("image", ("compression", g.image))
        if g.jpeg:
            body.empty("jpeg", ("compression", g.jpeg))
        if g.zlib:
            body.empty("zlib", ("compression", g.zlib))
        if g.playback is not None:
            body.empty("playback", ("compression", _on_off(g.playback)))
        if g.streaming:
            body.empty("streaming", ("mode", g.streaming))
        if g.mousemode:
            body.empty("mouse", ("mode", g.mousemode))
        if g.copypaste is not None:
            body.empty("clipboard", ("copypaste", _on_off(g.copypaste, "yes", "no")))
        if g.filetransfer is not None:
            body.empty("filetransfer", ("enable", _on_off(g.filetransfer, "yes", "no")))
    _format_modern_children(body, g)
    head = f"<graphics{_attrs(g, ctx)}"
    if body:
        w.line(head + ">")
        w.raw(body.lines)
        w.line("</graphics>")
    else:
        w.line(head + "/>")


def format_graphics(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    for g in dom.devices.graphics:
        format_graphic(w, g, ctx)
