"""Character devices: <serial>, <parallel>, <console>, <channel>.

A :class:`ChrSource` is the host side (libvirt's virDomainChrSourceDef) and is
shared with other families that talk through a chardev (smartcard
passthrough, USB redirection, the egd RNG backend, vhost-user, ivshmem).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .address import DeviceInfo

# virDomainChrType, in libvirt's order.
CHR_TYPES = (
    "null", "vc", "pty", "dev", "file", "pipe", "stdio", "udp", "tcp", "unix",
    "spicevmc", "spiceport", "nmdm",
)
# libvirt 9.0 adds these source types.
CHR_TYPES_MODERN = (*CHR_TYPES, "qemu-vdagent", "dbus")
TCP_PROTOCOLS = ("raw", "telnet", "telnets", "tls")
SPICEVMC_NAMES = ("vdagent", "smartcard", "usbredir")

SERIAL_TARGETS = ("isa-serial", "usb-serial", "pci-serial")
# libvirt 9.0's serial target types and the <model name> of their devices.
SERIAL_TARGETS_MODERN = (
    *SERIAL_TARGETS, "spapr-vio-serial", "system-serial", "sclp-serial", "isa-debug",
)
SERIAL_TARGET_MODELS = (
    "isa-serial", "usb-serial", "pci-serial", "spapr-vty", "pl011", "sclpconsole",
    "sclplmconsole", "16550a", "isa-debugcon",
)
CONSOLE_TARGETS = (
    "none", "serial", "xen", "uml", "virtio", "lxc", "openvz", "sclp", "sclplm",
)
CHANNEL_TARGETS = ("none", "guestfwd", "virtio", "xen")
CHANNEL_STATES = ("default", "connected", "disconnected")


@dataclass(slots=True)
class SecLabel:
    """A per-device <seclabel> override (virSecurityDeviceLabelDef)."""

    model: str | None = None
    relabel: bool = True
    labelskip: bool = False
    label: str | None = None


@dataclass(slots=True)
class ChrSource:
    """Where a character device's data goes on the host."""

    type: str = "pty"
    # pty (live only), dev, file, pipe, unix
    path: str | None = None
    # file: None when not given (QEMU truncates)
    append: bool | None = None
    # tcp (host/service of the chosen mode) and unix
    host: str | None = None
    service: str | None = None
    listen: bool = False
    protocol: str = "raw"
    # udp has both ends
    connect_host: str | None = None
    connect_service: str | None = None
    bind_host: str | None = None
    bind_service: str | None = None
    # spiceport
    channel: str | None = None
    # spicevmc: set from the device kind, never from XML
    spicevmc: str | None = None
    # nmdm
    master: str | None = None
    slave: str | None = None
    seclabels: list[SecLabel] = field(default_factory=list)
    # libvirt 9.0: tcp tls='yes|no' (and whether qemu.conf decided it, in
    # status XML), tcp/unix <reconnect enabled= timeout=>, <log file= append=>,
    # qemu-vdagent's <clipboard copypaste=> and <mouse mode=>; a dbus
    # source's name is ``channel``
    tls: bool | None = None
    tls_from_config: bool = False
    reconnect: bool | None = None
    reconnect_timeout: int = 0
    log_file: str | None = None
    log_append: bool | None = None
    clipboard: bool | None = None
    mouse: str | None = None

    def same_as(self, other: ChrSource) -> bool:
        """virDomainChrSourceDefIsEqual: do both describe one host end?"""
        if self.type != other.type:
            return False
        t = self.type
        if t in ("pty", "dev", "file", "pipe"):
            return self.path == other.path and (t != "file" or self.append == other.append)
        if t == "udp":
            return (
                self.bind_host == other.bind_host
                and self.bind_service == other.bind_service
                and self.connect_host == other.connect_host
                and self.connect_service == other.connect_service
            )
        if t == "tcp":
            return (
                self.listen == other.listen
                and self.protocol == other.protocol
                and self.host == other.host
                and self.service == other.service
            )
        if t == "unix":
            return self.listen == other.listen and self.path == other.path
        if t == "spicevmc":
            return self.spicevmc == other.spicevmc
        if t in ("spiceport", "dbus"):
            return self.channel == other.channel
        if t == "nmdm":
            return self.master == other.master and self.slave == other.slave
        return True


@dataclass(slots=True)
class ChrDevice:
    """What every character device has; ``kind`` is the element name."""

    kind: str = "serial"
    source: ChrSource = field(default_factory=ChrSource)
    # serial: isa-serial/usb-serial/pci-serial; console: see CONSOLE_TARGETS;
    # channel: guestfwd/virtio/xen; parallel: None
    target_type: str | None = None
    # the XML gave <target type=...> (serials format it only then)
    target_type_attr: bool = False
    # serial/parallel/console port; None until defaults number it
    port: int | None = None
    # libvirt 9.0 serials: <target><model name=...>
    target_model: str | None = None
    # channel targets
    name: str | None = None  # virtio/xen
    state: str | None = None  # virtio, live only
    fwd_address: str | None = None  # guestfwd
    fwd_port: int | None = None  # guestfwd
    info: DeviceInfo = field(default_factory=DeviceInfo)


@dataclass(slots=True)
class Serial(ChrDevice):
    kind: str = "serial"


@dataclass(slots=True)
class Parallel(ChrDevice):
    kind: str = "parallel"


@dataclass(slots=True)
class Console(ChrDevice):
    kind: str = "console"


@dataclass(slots=True)
class Channel(ChrDevice):
    kind: str = "channel"
