"""libvirt 9.0's checks of graphics, video and sound devices
(qemuValidateDomainDeviceDefGraphics and friends), with its messages."""

from __future__ import annotations

from ...caps import QemuCaps
from ...errors import ConfigError
from ...model.domain import Domain
from ...model.graphics import Graphics


def _check_graphics(dom: Domain, g: Graphics, caps: QemuCaps) -> None:
    if any(other.type == "egl-headless" for other in dom.devices.graphics):
        # Only VNC and SPICE pair with egl-headless, and SPICE without its own GL.
        if g.type not in ("egl-headless", "vnc", "spice"):
            raise ConfigError("graphics type 'egl-headless' is only supported with one "
                              "of: 'vnc', 'spice' graphics types")
        if g.type == "spice" and g.gl:
            raise ConfigError("multiple OpenGL displays are not supported by QEMU")
    if g.type == "spice":
        first = g.listens[0] if g.listens else None
        if first is not None and first.type in ("address", "network") and g.tls_port > 0 \
                and not caps.conf("spice_tls", False):
            raise ConfigError("spice TLS port set in XML configuration, but TLS is "
                              "disabled in qemu.conf")
        if g.gl:
            if not caps.has("spice-gl"):
                raise ConfigError("This QEMU doesn't support spice OpenGL")
            if g.rendernode and not caps.has("spice-rendernode"):
                raise ConfigError("This QEMU doesn't support spice OpenGL rendernode")
    elif g.type == "egl-headless":
        if g.rendernode and not caps.has("egl-headless.rendernode"):
            raise ConfigError("This QEMU doesn't support OpenGL rendernode with "
                              "egl-headless graphics type")
    elif g.type == "vnc":
        if g.power_control is not None and not caps.has("vnc-power-control"):
            raise ConfigError("VNC power control is not available")
        if g.auth.passwd is not None and len(g.auth.passwd) > 8:
            raise ConfigError(f"VNC password is {len(g.auth.passwd)} characters long, "
                              "only 8 permitted")
    elif g.type == "dbus" and g.audio_id > 0:
        audio = next((a for a in dom.devices.audios if a.id == g.audio_id), None)
        if audio is not None and audio.type != "dbus":
            raise ConfigError("The associated audio is not of 'dbus' kind.")


def validate_display(dom: Domain, caps: QemuCaps) -> None:
    for g in dom.devices.graphics:
        _check_graphics(dom, g, caps)
