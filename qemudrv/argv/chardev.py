"""Character devices: ``-serial``, ``-parallel`` (and the ``-monitor``
syntax), after libvirt 1.3.1's qemuParseCommandLineChr."""

from __future__ import annotations

from ..errors import ArgvError
from ..model.chardev import ChrSource, Parallel, Serial
from .state import ArgvState


def parse_chr_source(val: str) -> ChrSource:
    """QEMU's legacy character device syntax."""
    if val in ("null", "vc", "pty", "stdio"):
        return ChrSource(type=val)
    for prefix, type_ in (("file:", "file"), ("pipe:", "pipe")):
        if val.startswith(prefix):
            return ChrSource(type=type_, path=val[len(prefix):])
    if val.startswith("udp:"):
        return _udp(val[len("udp:"):])
    if val.startswith(("tcp:", "telnet:")):
        return _tcp(val)
    if val.startswith("unix:"):
        path = val[len("unix:"):].split(",", 1)[0]
        return ChrSource(type="unix", path=path)
    if val.startswith("/dev"):
        return ChrSource(type="dev", path=val)
    raise ArgvError(f"unknown character device syntax {val}")


def _udp(val: str) -> ChrSource:
    """``[remote_host]:remote_port[@[src_host]:src_port]``."""
    src = ChrSource(type="udp")
    remote, at, local = val.partition("@")
    host, colon, service = remote.partition(":")
    if colon:
        src.connect_host = host or None
        src.connect_service = service
    if at:
        bhost, bcolon, bservice = local.partition(":")
        if bcolon:
            src.bind_host = bhost or None
            # port 0 lets the host pick one: no bind service
            if bservice != "0":
                src.bind_service = bservice
    return src


def _tcp(val: str) -> ChrSource:
    """``tcp:HOST:PORT[,server][,nowait]...``; telnet: the same, telnet protocol."""
    src = ChrSource(type="tcp")
    if val.startswith("tcp:"):
        rest = val[len("tcp:"):]
    else:
        rest = val[len("telnet:"):]
        src.protocol = "telnet"
    host, colon, after = rest.partition(":")
    if not colon:
        raise ArgvError(f"cannot find port number in character device {rest}")
    service, comma, opts = after.partition(",")
    src.host = host
    src.service = service
    src.listen = bool(comma) and "server" in opts
    return src


def handle_serial(st: ArgvState, opt: str) -> bool:
    val = st.value(opt)
    if val != "none":
        serials = st.dom.devices.serials
        serials.append(
            Serial(source=parse_chr_source(val), target_type="isa-serial", port=len(serials))
        )
    return True


def handle_parallel(st: ArgvState, opt: str) -> bool:
    val = st.value(opt)
    if val != "none":
        parallels = st.dom.devices.parallels
        parallels.append(Parallel(source=parse_chr_source(val), port=len(parallels)))
    return True


def handle_monitor(st: ArgvState, opt: str) -> bool:
    # The monitor belongs to the driver, not to the definition.
    st.value(opt)
    return True
