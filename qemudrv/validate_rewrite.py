"""Host-specific parts of a command line rewritten for the host it runs on.

:func:`rewrite` replaces disk images, input files, sockets, ports, the
monitor and KVM requests with their stand-ins in a temporary directory, and
raises :class:`SkipCommand` with the reason when the command line needs host
resources no test machine has (host PCI/USB/SCSI devices, tap networking,
evdev, TPM passthrough, hugepages...).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from pathlib import Path

from .probe.qemuopts import Item, get, join_opts, remove, replace, split_opts
from .validate_options import Option

__all__ = ["SkipCommand", "rewrite"]

# Options whose value is a guest-visible disk image on the host.
_DISK_OPTIONS = frozenset(
    ["-hda", "-hdb", "-hdc", "-hdd", "-cdrom", "-fda", "-fdb", "-mtdblock", "-sd", "-pflash"]
)
# Read-only inputs replaced by zero-filled placeholders of a loadable size.
_INPUT_FILES = {"-kernel": 4096, "-initrd": 4096, "-dtb": 4096, "-bios": 256 * 1024}
# Options dropped outright: ours replaces the monitor; the rest would
# detach, confine or feed the process in ways a check must not.
_DROPPED = frozenset(
    ["-monitor", "-qmp", "-qmp-pretty", "-incoming", "-daemonize", "-runas", "-chroot"]
)
_NETWORK_STORAGE = re.compile(
    r"^(nbd|rbd|sheepdog|gluster|iscsi|https?|ftps?|tftp|ssh|vxhs|nfs|fat|vvfat)[:+]"
)
_HOST_DEVICES = {
    "vfio-pci": "host PCI device (vfio)",
    "vfio-pci-nohotplug": "host PCI device (vfio)",
    "pci-assign": "host PCI device (pci-assign)",
    "kvm-pci-assign": "host PCI device (pci-assign)",
    "usb-host": "host USB device",
    "virtio-input-host-pci": "host input device (evdev)",
    "virtio-input-host-device": "host input device (evdev)",
    "scsi-generic": "host SCSI device",
    "scsi-block": "host SCSI device",
    "vhost-scsi-pci": "vhost-scsi target",
    "vhost-scsi": "vhost-scsi target",
    "vhost-user-fs-pci": "vhost-user backend",
    "vhost-user-blk-pci": "vhost-user backend",
}
_HOST_NETDEVS = {
    "tap": "tap networking",
    "bridge": "bridge networking",
    "vde": "VDE networking",
    "vhost-user": "vhost-user networking",
    "vhost-vdpa": "vDPA networking",
    "socket": "socket networking (fixed ports)",
    "stream": "socket networking (fixed ports)",
    "dgram": "socket networking (fixed ports)",
    "l2tpv3": "L2TPv3 networking",
    "netmap": "netmap networking",
}
# -blockdev drivers that reach a host device or the network.
_HOST_BLOCK_DRIVERS = {
    "host_device": "host block device", "host_cdrom": "host CD-ROM",
    "nvme": "host NVMe device", "vvfat": "host directory (vvfat)",
}
_NETWORK_BLOCK_DRIVERS = frozenset(
    ["nbd", "rbd", "iscsi", "gluster", "http", "https", "ftp", "ftps", "ssh", "nfs",
     "sheepdog", "vxhs", "curl"]
)
# qemu-img can make an empty image in these formats.
_CREATABLE = frozenset(["raw", "qcow2", "qcow", "qed", "vmdk", "vdi", "vpc", "vhdx", "parallels"])
_DISK_SIZE = 1024 * 1024
_FLOPPY_SIZE = 1474560


class SkipCommand(Exception):
    """The command line needs something this host cannot provide."""


def _node_list(text: str) -> set[int]:
    """'0-3,5' -> {0, 1, 2, 3, 5}; what cannot be read is left to QEMU."""
    out: set[int] = set()
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        if lo.isdigit() and (hi.isdigit() or not hi):
            out.update(range(int(lo), int(hi or lo) + 1))
    return out


def _host_nodes() -> set[int]:
    try:
        return _node_list(Path("/sys/devices/system/node/online").read_text().strip())
    except OSError:
        return {0}


@dataclass
class _Rewriter:
    """Rewrites one command line's host-specific parts into ``workdir``."""

    workdir: Path
    kvm: bool
    qemu_img: str | None
    keep: ExitStack
    counter: Iterator[int] = field(default_factory=lambda: iter(range(1, 1 << 30)))
    dropped_chardevs: set[str] = field(default_factory=set)

    # -- temporary files ------------------------------------------------------

    def _path(self, stem: str, suffix: str = "") -> Path:
        return self.workdir / f"{stem}{next(self.counter)}{suffix}"

    def placeholder(self, size: int, stem: str = "file") -> str:
        path = self._path(stem)
        with open(path, "wb") as f:
            f.truncate(size)
        return str(path)

    def disk(self, fmt: str | None, size: int = _DISK_SIZE) -> str:
        fmt = fmt or "raw"
        if fmt == "raw":
            return self.placeholder(size, "disk")
        if fmt not in _CREATABLE:
            raise SkipCommand(f"no empty {fmt} image can be made here")
        if self.qemu_img is None:
            raise SkipCommand(f"qemu-img is needed for a {fmt} image")
        path = self._path("disk", "." + fmt)
        done = subprocess.run(
            [self.qemu_img, "create", "-q", "-f", fmt, str(path), str(size)],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=30,
            check=False,
        )
        if done.returncode != 0:
            raise SkipCommand(f"qemu-img could not make a {fmt} image: {done.stderr.decode()}")
        return str(path)

    def listening_socket(self) -> str:
        """A unix socket we listen on, for chardevs that connect as clients."""
        path = self._path("sock", ".sock")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.keep.callback(sock.close)
        sock.bind(str(path))
        sock.listen(8)
        return str(path)

    # -- options --------------------------------------------------------------

    def drive(self, value: str) -> str:
        items = split_opts(value)
        if any(k.startswith("file.") for k, _ in items):
            raise SkipCommand("network storage (file.* options)")
        file = get(items, "file")
        if not file:
            return value
        if _NETWORK_STORAGE.match(file) or "://" in file:
            raise SkipCommand(f"network storage ({file.split(':')[0]})")
        if file.startswith("/dev/sg"):
            raise SkipCommand("host SCSI device (/dev/sg*)")
        floppy = get(items, "if") == "floppy"
        path = self.disk(get(items, "format"), _FLOPPY_SIZE if floppy else _DISK_SIZE)
        return join_opts(replace(items, "file", path))

    def chardev(self, value: str) -> str:
        items = split_opts(value)
        backend = items[0][0] if items and items[0][1] is None else ""
        if backend in ("tty", "serial", "parallel", "parport"):
            raise SkipCommand(f"host character device ({get(items, 'path')})")
        if backend == "socket":
            items = self._socket_items(items)
        elif backend in ("file", "pipe") and get(items, "path"):
            path = self._path(backend)
            if backend == "pipe":
                os.mkfifo(path)
            items = replace(items, "path", str(path))
        elif backend == "udp" and get(items, "localport"):
            items = replace(items, "localport", "0")
        if get(items, "logfile"):
            items = replace(items, "logfile", str(self._path("log")))
        return join_opts(items)

    def _socket_items(self, items: list[Item]) -> list[Item]:
        server = any(k == "server" and v in (None, "on", "yes", "true") for k, v in items)
        items = remove(items, "host", "port", "to", "ipv4", "ipv6", "localaddr", "localport")
        if server:
            path = str(self._path("sock", ".sock"))
            if not any(k in ("nowait", "wait") for k, _ in items):
                # A server waiting for its client would never reach QMP.
                items = [*items, ("wait", "off")]
        else:
            path = self.listening_socket()
        return replace(items, "path", path)

    def legacy_chardev(self, value: str) -> str:
        """-serial/-parallel forms: file:PATH, unix:PATH[,...], tcp:HOST:PORT[,...]."""
        kind, _, rest = value.partition(":")
        if value.startswith("/dev/") and value != "/dev/null":
            raise SkipCommand(f"host character device ({value})")
        if kind in ("file", "pipe"):
            target = self._path(kind)
            if kind == "pipe":
                os.mkfifo(target)
            return f"{kind}:{target}"
        if kind in ("unix", "tcp", "telnet"):
            _, comma, opts = rest.partition(",")
            server = any(k == "server" for k, _ in split_opts(opts)) if comma else False
            path = str(self._path("sock", ".sock")) if server else self.listening_socket()
            suffix = remove(split_opts(opts), "ipv4", "ipv6") if comma else []
            if server and not any(k in ("nowait", "wait") for k, _ in suffix):
                suffix.append(("nowait", None))
            return f"unix:{path}" + ("," + join_opts(suffix) if suffix else "")
        return value

    def netdev(self, value: str) -> str:
        items = split_opts(value)
        kind = items[0][0] if items and items[0][1] is None else get(items, "type") or ""
        if kind in _HOST_NETDEVS:
            raise SkipCommand(_HOST_NETDEVS[kind])
        if any(k in ("fd", "fds", "vhostfd", "vhostfds") for k, _ in items):
            raise SkipCommand("inherited file descriptors")
        if kind == "user":
            items = remove(items, "hostfwd", "guestfwd")  # fixed host ports
        return join_opts(items)

    def device(self, value: str) -> str:
        items = split_opts(value)
        driver = items[0][0] if items and items[0][1] is None else get(items, "driver") or ""
        if driver in _HOST_DEVICES:
            raise SkipCommand(_HOST_DEVICES[driver])
        if driver.startswith("vhost-user"):
            raise SkipCommand("vhost-user backend")
        if any(k in ("fd", "vhostfd", "configfd") for k, _ in items):
            raise SkipCommand("inherited file descriptors")
        if get(items, "romfile"):
            items = replace(items, "romfile", self.placeholder(4096, "rom"))
        return join_opts(items)

    def object(self, value: str) -> str:
        items = split_opts(value)
        kind = items[0][0] if items and items[0][1] is None else get(items, "qom-type") or ""
        if kind.startswith("tls-creds") or kind == "tls-cipher-suites":
            raise SkipCommand("TLS certificates")
        nodes = [v for k, v in items if k == "host-nodes" and v is not None]
        missing = sorted({n for v in nodes for n in _node_list(v)} - _host_nodes())
        if missing:
            raise SkipCommand(f"host NUMA node(s) {missing} absent here")
        if kind == "memory-backend-file":
            mem = get(items, "mem-path") or ""
            if "huge" in mem:
                raise SkipCommand(f"hugepages ({mem})")
            if mem:
                items = replace(items, "mem-path", str(self.workdir))
        elif kind == "secret" and get(items, "file"):
            path = self._path("secret")
            path.write_text("hvh-secret")
            items = replace(items, "file", str(path))
        elif kind == "rng-random":
            name = get(items, "filename") or "/dev/urandom"
            if not os.path.exists(name):
                raise SkipCommand(f"host random source {name}")
        return join_opts(items)

    # -- JSON forms (libvirt 9.0 writes -blockdev, -device, -object and
    # -netdev as JSON where QEMU takes it) ----------------------------------

    def blockdev(self, value: str, formats: Mapping[str, str]) -> str:
        """A -blockdev node; a file node becomes an empty image in the format
        of the node stacked on it (``formats``: node name -> format driver)."""
        node = _json(value)
        driver = str(node.get("driver", ""))
        if driver in _HOST_BLOCK_DRIVERS:
            raise SkipCommand(_HOST_BLOCK_DRIVERS[driver])
        if driver in _NETWORK_BLOCK_DRIVERS:
            raise SkipCommand(f"network storage ({driver})")
        if driver == "file":
            node["filename"] = self.disk(formats.get(str(node.get("node-name", ""))))
        return json.dumps(node, separators=(",", ":"))

    def device_json(self, value: str) -> str:
        dev = _json(value)
        driver = str(dev.get("driver", ""))
        if driver in _HOST_DEVICES:
            raise SkipCommand(_HOST_DEVICES[driver])
        if driver.startswith("vhost-user"):
            raise SkipCommand("vhost-user backend")
        if any(k in dev for k in ("fd", "vhostfd", "configfd")):
            raise SkipCommand("inherited file descriptors")
        if dev.get("romfile"):
            dev["romfile"] = self.placeholder(4096, "rom")
        return json.dumps(dev, separators=(",", ":"))

    def object_json(self, value: str) -> str:
        obj = _json(value)
        kind = str(obj.get("qom-type", ""))
        if kind.startswith("tls-creds") or kind == "tls-cipher-suites":
            raise SkipCommand("TLS certificates")
        nodes = obj.get("host-nodes")
        wanted = {int(n) for n in nodes} if isinstance(nodes, list) else set()
        missing = sorted(wanted - _host_nodes())
        if missing:
            raise SkipCommand(f"host NUMA node(s) {missing} absent here")
        if kind == "memory-backend-file" and obj.get("mem-path"):
            if "huge" in str(obj["mem-path"]):
                raise SkipCommand(f"hugepages ({obj['mem-path']})")
            obj["mem-path"] = str(self.workdir)
        elif kind == "secret" and obj.get("file"):
            path = self._path("secret")
            path.write_text("hvh-secret")
            obj["file"] = str(path)
        elif kind == "rng-random":
            name = str(obj.get("filename") or "/dev/urandom")
            if not os.path.exists(name):
                raise SkipCommand(f"host random source {name}")
        return json.dumps(obj, separators=(",", ":"))

    def netdev_json(self, value: str) -> str:
        netdev = _json(value)
        kind = str(netdev.get("type", ""))
        if kind in _HOST_NETDEVS:
            raise SkipCommand(_HOST_NETDEVS[kind])
        if any(k in netdev for k in ("fd", "fds", "vhostfd", "vhostfds")):
            raise SkipCommand("inherited file descriptors")
        if kind == "user":
            netdev.pop("hostfwd", None)  # fixed host ports
            netdev.pop("guestfwd", None)
        return json.dumps(netdev, separators=(",", ":"))

    def fsdev(self, value: str) -> str:
        items = split_opts(value)
        if get(items, "socket") or get(items, "sock_fd"):
            raise SkipCommand("virtfs proxy helper")
        if get(items, "path"):
            path = self._path("export")
            path.mkdir()
            items = replace(items, "path", str(path))
        return join_opts(items)

    def vnc(self, value: str) -> str:
        items = split_opts(value)
        if get(items, "x509") or get(items, "x509verify") or get(items, "tls-creds"):
            raise SkipCommand("TLS certificates")
        # The first item is the display (HOST:N); websockets would need a port.
        rest = remove(items[1:], "websocket", "to", "ipv4", "ipv6", "reverse")
        return join_opts([(f"unix:{self._path('vnc', '.sock')}", None), *rest])

    def spice(self, value: str) -> str:
        items = split_opts(value)
        if get(items, "tls-port") or get(items, "x509-dir"):
            raise SkipCommand("TLS certificates")
        rest = remove(items, "port", "addr", "ipv4", "ipv6", "unix")
        return join_opts([*rest, ("unix", "on"), ("addr", str(self._path("spice", ".sock")))])

    def machine(self, value: str) -> str:
        items = split_opts(value)
        accel = get(items, "accel")
        if accel and "kvm" in accel.split(":") and not self.kvm:
            items = replace(items, "accel", "tcg")
        return join_opts(items)


def _json(value: str) -> dict[str, object]:
    try:
        parsed = json.loads(value)
    except ValueError as exc:
        raise SkipCommand(f"unreadable JSON option value ({exc})") from None
    if not isinstance(parsed, dict):
        raise SkipCommand("a JSON option value that is not an object")
    return parsed


def _blockdev_formats(opts: Sequence[Option]) -> dict[str, str]:
    """Storage node name -> the format driver of the -blockdev node over it."""
    formats: dict[str, str] = {}
    for o in opts:
        if o.name == "-blockdev" and o.value and o.value.startswith("{"):
            with suppress(ValueError):
                node = json.loads(o.value)
                if isinstance(node, dict) and isinstance(node.get("file"), str):
                    formats[node["file"]] = str(node.get("driver", "raw"))
    return formats


def _needs_kvm_cpu(opts: Sequence[Option]) -> bool:
    return any(o.name == "-cpu" and (o.value or "").split(",")[0] == "host" for o in opts)


def rewrite(
    opts: Sequence[Option], workdir: Path, *, kvm: bool, qemu_img: str | None, keep: ExitStack
) -> list[Option]:
    """The options to run here; SkipCommand if the host lacks what they need."""
    rw = _Rewriter(workdir, kvm, qemu_img, keep)
    monitor_chardevs = {get(split_opts(o.value or ""), "chardev") for o in opts if o.name == "-mon"}
    out: list[Option] = []
    wants_kvm = False
    handlers: dict[str, Callable[[str], str]] = {
        "-drive": rw.drive,
        "-chardev": rw.chardev,
        "-serial": rw.legacy_chardev,
        "-parallel": rw.legacy_chardev,
        "-netdev": rw.netdev,
        "-net": rw.netdev,
        "-device": rw.device,
        "-object": rw.object,
        "-fsdev": rw.fsdev,
        "-virtfs": rw.fsdev,
        "-vnc": rw.vnc,
        "-spice": rw.spice,
        "-machine": rw.machine,
        "-M": rw.machine,
    }
    json_handlers: dict[str, Callable[[str], str]] = {
        "-blockdev": lambda v: rw.blockdev(v, formats),
        "-device": rw.device_json,
        "-object": rw.object_json,
        "-netdev": rw.netdev_json,
    }
    formats = _blockdev_formats(opts)
    for opt in opts:
        name, value = opt.name, opt.value
        if name in _DROPPED or name == "-mon":
            continue
        if name == "-chardev" and get(split_opts(value or ""), "id") in monitor_chardevs:
            continue
        if name in ("-add-fd", "-loadvm", "-readconfig", "-writeconfig"):
            raise SkipCommand(f"{name} needs host state")
        if name in ("-tpmdev",) and value is not None:
            raise SkipCommand(f"TPM backend ({split_opts(value)[0][0]})")
        if name == "-pcidevice":
            raise SkipCommand("host PCI device (-pcidevice)")
        if name == "-usbdevice" and value is not None and value.startswith("host:"):
            raise SkipCommand("host USB device")
        if name == "-mem-path" and value is not None:
            if "huge" in value:
                raise SkipCommand(f"hugepages ({value})")
            value = str(workdir)
        elif name == "-enable-kvm":
            wants_kvm = True
            if not kvm:
                out.append(Option("-accel", "tcg"))
                continue
        elif name == "-accel" and value is not None:
            items = split_opts(value)
            if items and items[0] == ("kvm", None):
                wants_kvm = True
                if not kvm:
                    value = join_opts([("tcg", None), *items[1:]])
        elif name in _DISK_OPTIONS or name == "":
            size = _FLOPPY_SIZE if name in ("-fda", "-fdb") else _DISK_SIZE
            value = rw.disk(None, size)
        elif name in _INPUT_FILES and value is not None:
            value = rw.placeholder(_INPUT_FILES[name], name.lstrip("-"))
        elif name in ("-pidfile", "-D"):
            value = str(rw._path("out"))
        elif name == "-display" and value is not None:
            value = "none"
        elif name in json_handlers and value is not None and value.startswith("{"):
            value = json_handlers[name](value)
        elif name == "-audiodev" and value is not None and value.startswith("{"):
            audiodev = _json(value)
            value = json.dumps({"id": audiodev.get("id"), "driver": "none"},
                               separators=(",", ":"))
        elif name == "-audiodev" and value is not None:
            items = split_opts(value)
            value = join_opts([("none", None), *items[1:]])
        elif name in handlers and value is not None:
            if name in ("-machine", "-M") and "accel=kvm" in value:
                wants_kvm = True
            value = handlers[name](value)
        out.append(Option(name, value))
    if (wants_kvm and not kvm) and _needs_kvm_cpu(out):
        raise SkipCommand("CPU model 'host' needs KVM, which this host lacks")
    if not any(o.name in ("-display", "-nographic") for o in out):
        out.append(Option("-display", "none"))  # no window can open here
    if not any(o.name == "-S" for o in out):
        out.append(Option("-S"))
    return out
