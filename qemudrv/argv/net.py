"""``-net``: a back end (``user``, ``tap``, ``socket``...) matched by vlan
to its ``-net nic,...`` front end, after libvirt 1.3.1's
qemuParseCommandLineNet. ``-netdev`` was never parsed by libvirt 1.3.1."""

from __future__ import annotations

import random
from dataclasses import dataclass

from ..errors import ArgvError
from ..model.net import Interface
from .options import parse_keywords
from .state import ArgvState

# libvirt's own MAC prefix for generated addresses (QEMU's OUI)
_MAC_PREFIX = (0x52, 0x54, 0x00)


@dataclass
class NetSpec:
    """What one back end plus its front end say about an interface."""

    type: str = "ethernet"
    mac: str | None = None
    model: str | None = None
    script: str | None = None
    ifname: str | None = None
    backend: str | None = None  # virtio driver name: vhost / qemu
    sndbuf: int | None = None


def _backend_type(val: str) -> str:
    # 'tap' could be ethernet, bridge or network: libvirt assumes ethernet.
    for prefix, type_ in (("tap", "ethernet"), ("socket", "client"), ("user", "user")):
        if val == prefix or val.startswith(prefix + ","):
            return type_
    return "ethernet"


def _vlan(text: str | None, what: str) -> int:
    try:
        return int(text or "", 10)
    except ValueError:
        raise ArgvError(f"cannot parse {what} in '{text}'") from None


def _nic_vlan(nic: str) -> int:
    for key, value in parse_keywords(nic[len("nic"):].lstrip(","), allow_empty=True):
        if key == "vlan":
            return _vlan(value, "NIC vlan")
    return 0


def parse_mac(text: str) -> str:
    parts = text.split(":")
    if len(parts) != 6 or not all(1 <= len(p) <= 2 for p in parts):
        raise ArgvError(f"unable to parse mac address '{text}'")
    try:
        octets = [int(p, 16) for p in parts]
    except ValueError:
        raise ArgvError(f"unable to parse mac address '{text}'") from None
    return ":".join(f"{o:02x}" for o in octets)


def generate_mac() -> str:
    octets = list(_MAC_PREFIX) + [random.randrange(256) for _ in range(3)]
    return ":".join(f"{o:02x}" for o in octets)


def parse_net(val: str, nics: list[str]) -> NetSpec:
    spec = NetSpec(type=_backend_type(val))
    want_vlan = 0
    _, comma, opts = val.partition(",")
    for key, value in parse_keywords(opts) if comma else []:
        if key == "vlan":
            want_vlan = _vlan(value, "vlan")
        elif spec.type == "ethernet" and key == "script" and value:
            spec.script = value
        elif spec.type == "ethernet" and key == "ifname":
            spec.ifname = value
    nic = next((n for n in nics if _nic_vlan(n) == want_vlan), None)
    if nic is None:
        raise ArgvError(f"cannot find NIC definition for vlan {want_vlan}")
    if nic.startswith("nic,"):
        for key, value in parse_keywords(nic[len("nic,"):], allow_empty=True):
            if key == "macaddr" and value is not None:
                spec.mac = parse_mac(value)
            elif key == "model":
                spec.model = value
            elif key == "vhost":
                if value is None or value == "on":
                    spec.backend = "vhost"
                elif value == "off":
                    spec.backend = "qemu"
            elif key == "sndbuf" and value:
                try:
                    spec.sndbuf = int(value, 10)
                except ValueError:
                    raise ArgvError(f"cannot parse sndbuf size in '{val}'") from None
    if spec.mac is None:
        spec.mac = generate_mac()
    return spec


def build_interface(spec: NetSpec) -> Interface:
    """The model object for one parsed interface."""
    iface = Interface()
    for name, value in (
        ("type", spec.type),
        ("mac", spec.mac),
        ("model", spec.model),
        ("script", spec.script),
        ("ifname", spec.ifname),
    ):
        if value is not None:
            setattr(iface, name, value)
    if spec.backend is not None:
        iface.driver_name = spec.backend
    if spec.sndbuf is not None:
        iface.sndbuf = spec.sndbuf
    return iface


def collect_nics(st: ArgvState) -> None:
    """A first pass over the arguments for the front ends."""
    args = st.args
    i = 0
    while i < len(args):
        arg = args[i][1:] if args[i].startswith("--") else args[i]
        if arg == "-net":
            if i + 1 >= len(args):
                raise ArgvError("missing value for -net argument")
            if args[i + 1].startswith("nic"):
                st.nics.append(args[i + 1])
            i += 1
        i += 1


def handle_net(st: ArgvState, opt: str) -> bool:
    val = st.value(opt)
    if not val.startswith("nic") and val != "none":
        st.dom.devices.interfaces.append(build_interface(parse_net(val, st.nics)))
    return True
