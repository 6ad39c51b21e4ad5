"""The remaining devices: ``-usb``, ``-usbdevice``, ``-pcidevice``,
``-soundhw``, ``-watchdog``/``-watchdog-action``, ``-device
virtio-balloon`` and ``-global spapr-nvram.reg``, after libvirt 1.3.1's
qemuParseCommandLine."""

from __future__ import annotations

from ..errors import ArgvError
from ..model.address import DeviceInfo, SpaprVioAddress
from ..model.controller import Controller
from ..model.hostdev import Hostdev
from ..model.input import Input
from ..model.misc import NVRAM, WATCHDOG_ACTIONS, WATCHDOG_MODELS, Memballoon, Watchdog
from ..model.sound import Sound
from .disk import usb_disk
from .state import ArgvState

# -soundhw names, matched as prefixes like libvirt does
_SOUND_MODELS = (
    ("pcspk", "pcspk"), ("sb16", "sb16"), ("es1370", "es1370"), ("ac97", "ac97"), ("hda", "ich6"),
)
_USB_INPUTS = {"tablet": "tablet", "mouse": "mouse", "keyboard": "keyboard"}


def handle_usb(st: ArgvState, opt: str) -> bool:
    controllers = st.dom.devices.controllers
    if not any(c.type == "usb" and c.index == 0 for c in controllers):
        controllers.append(Controller(type="usb", index=0))
    return True


def _usb_host(val: str) -> Hostdev:
    """``host:BUS.ADDR`` or ``host:VENDOR:PRODUCT`` (hexadecimal)."""
    if not val.startswith("host:"):
        raise ArgvError(f"unknown USB device syntax '{val}'")
    rest = val[len("host:"):]
    src: dict[str, int] = {}
    try:
        if ":" in rest:
            vendor, _, product = rest.partition(":")
            src["vendor"] = int(vendor, 16)
            src["product"] = int(product, 16)
        else:
            bus, dot, device = rest.partition(".")
            if not dot:
                raise ArgvError(f"cannot extract USB device bus '{val}'")
            src["bus"] = int(bus, 10)
            src["device"] = int(device, 10)
    except ValueError:
        raise ArgvError(f"cannot extract USB device address '{val}'") from None
    return _hostdev("usb", managed=False, **src)


def _hostdev(kind: str, managed: bool, **source: int) -> Hostdev:
    """A subsystem host device. The hostdev model is still a placeholder:
    the fields are named after libvirt's (mode, type, managed, and the
    source's bus/device, vendor/product or PCI address)."""
    dev = Hostdev()
    attrs: dict[str, object] = {"mode": "subsystem", "type": kind, "managed": managed, **source}
    for name, value in attrs.items():
        setattr(dev, name, value)
    return dev


def handle_usbdevice(st: ArgvState, opt: str) -> bool:
    val = st.value(opt)
    devs = st.dom.devices
    if val in _USB_INPUTS:
        devs.inputs.append(Input(type=_USB_INPUTS[val], bus="usb"))
    elif val.startswith("disk:"):
        devs.disks.append(usb_disk(val[len("disk:"):]))
    else:
        devs.hostdevs.append(_usb_host(val))
    return True


def _pci_host(val: str) -> Hostdev:
    """``host=BUS:SLOT.FUNCTION`` (hexadecimal)."""
    if not val.startswith("host="):
        raise ArgvError(f"unknown PCI device syntax '{val}'")
    addr = val[len("host="):].split(",", 1)[0]
    bus, colon, rest = addr.partition(":")
    slot, dot, function = rest.partition(".")
    try:
        if not (colon and dot):
            raise ValueError(addr)
        numbers = int(bus, 16), int(slot, 16), int(function, 16)
    except ValueError:
        raise ArgvError(f"cannot extract PCI device address '{val}'") from None
    return _hostdev(
        "pci", managed=True, domain=0, bus=numbers[0], slot=numbers[1], function=numbers[2]
    )


def handle_pcidevice(st: ArgvState, opt: str) -> bool:
    st.dom.devices.hostdevs.append(_pci_host(st.value(opt)))
    return True


def handle_soundhw(st: ArgvState, opt: str) -> bool:
    for name in st.value(opt).split(","):
        for prefix, model in _SOUND_MODELS:
            if name.startswith(prefix):
                st.dom.devices.sounds.append(Sound(model=model))
                break
    return True


def handle_watchdog(st: ArgvState, opt: str) -> bool:
    model = st.value(opt)
    if model in WATCHDOG_MODELS:
        st.dom.devices.watchdog = Watchdog(model=model, action="reset")
    return True


def handle_watchdog_action(st: ArgvState, opt: str) -> bool:
    # Without a watchdog the option is not understood (passed through).
    wd = st.dom.devices.watchdog
    if wd is None:
        return False
    action = st.value(opt)
    if action in WATCHDOG_ACTIONS:
        wd.action = action
    return True


def handle_device(st: ArgvState, opt: str) -> bool:
    """Only the memory balloon is understood among ``-device`` options."""
    nxt = st.peek()
    if nxt is None or not nxt.startswith("virtio-balloon"):
        return False
    st.value(opt)
    st.dom.devices.memballoon = Memballoon(model="virtio")
    return True


def handle_balloon(st: ArgvState, opt: str) -> bool:
    """The older ``-balloon none|virtio[,addr=...]``."""
    nxt = st.peek()
    if nxt is None:
        return False
    model = nxt.split(",", 1)[0]
    if model not in ("none", "virtio"):
        return False
    st.value(opt)
    st.dom.devices.memballoon = Memballoon(model=model)
    return True


def nvram_global(st: ArgvState, value: str) -> None:
    """``-global spapr-nvram.reg=0xNNNN``: the pSeries NVRAM address."""
    try:
        reg = int(value, 16)
    except ValueError:
        raise ArgvError(f"cannot parse nvram's address '{value}'") from None
    st.dom.devices.nvram = NVRAM(info=DeviceInfo(address=SpaprVioAddress(reg=reg)))


def finish_devices(st: ArgvState) -> None:
    """Having a balloon is the default: say 'none' unless one was given."""
    if st.dom.devices.memballoon is None:
        st.dom.devices.memballoon = Memballoon(model="none")
