"""libvirt 9.0's checks of character devices and the other chardev users
(virDomainChrSourceDefValidate, qemuValidateDomainChrDef), with its messages."""

from __future__ import annotations

from ...caps import QemuCaps
from ...defaults.chardev import is_arm_virt, is_pseries, is_riscv_virt, is_s390
from ...errors import ConfigError
from ...model.address import ISAAddress, PCIAddress, SpaprVioAddress, USBAddress
from ...model.chardev import ChrDevice, ChrSource
from ...model.domain import Domain

_CHANNEL_NAME_CHARS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.")
_MISSING_PATH = "Missing source path attribute for char device"

# qemuValidateChrSerialTargetModelToTargetType
_MODEL_TARGET = {
    "isa-serial": "isa-serial", "usb-serial": "usb-serial", "pci-serial": "pci-serial",
    "spapr-vty": "spapr-vio-serial", "pl011": "system-serial", "16550a": "system-serial",
    "sclpconsole": "sclp-serial", "sclplmconsole": "sclp-serial", "isa-debugcon": "isa-debug",
}
# qemuValidateChrSerialTargetTypeToAddressType
_TARGET_ADDRESS: dict[str, tuple[str, type]] = {
    "isa-serial": ("isa", ISAAddress), "usb-serial": ("usb", USBAddress),
    "pci-serial": ("pci", PCIAddress), "spapr-vio-serial": ("spapr-vio", SpaprVioAddress),
    "isa-debug": ("isa", ISAAddress),
}


def _internal(message: str) -> ConfigError:
    return ConfigError(message, code="internal error")


def _check_source(src: ChrSource, dev: ChrDevice | None) -> None:
    """virDomainChrSourceDefValidate."""
    t = src.type
    if t in ("file", "dev", "pipe") and not src.path:
        raise _internal(_MISSING_PATH)
    if t == "nmdm" and (src.master is None) != (src.slave is None):
        raise _internal("Should define both master and slave path attributes for nmdm device")
    if t == "tcp":
        if not src.host:
            raise _internal("Missing source host attribute for char device")
        if not src.service:
            raise _internal("Missing source service attribute for char device")
    if t == "udp" and not src.connect_service:
        raise _internal("Missing source service attribute for char device")
    if t == "unix" and not src.path and not (
            dev is not None and dev.kind == "channel" and dev.target_type in ("xen", "virtio")):
        raise _internal(_MISSING_PATH)
    if t in ("tcp", "unix") and src.listen and src.reconnect:
        raise _internal("chardev reconnect is possible only for connect mode")
    if t in ("spiceport", "dbus"):
        if src.channel is None:
            raise ConfigError("Missing source channel attribute for char device")
        if not set(src.channel) <= _CHANNEL_NAME_CHARS:
            raise ConfigError("Invalid character in source channel for char device",
                              code="invalid argument")


def _check_qemu_source(src: ChrSource, dom: Domain, caps: QemuCaps) -> None:
    """qemuValidateDomainChrSourceDef."""
    if src.type in ("tcp", "unix") and src.reconnect and src.reconnect_timeout == 0:
        raise ConfigError("chardev reconnect source timeout cannot be '0'",
                          code="invalid argument")
    if src.type == "qemu-vdagent" and not caps.has("chardev.qemu-vdagent"):
        raise ConfigError("chardev 'qemu-vdagent' not supported in this QEMU binary")
    if src.type in ("spicevmc", "spiceport") and not any(
            g.type == "spice" for g in dom.devices.graphics):
        raise ConfigError(f"chardev '{src.type}' not supported without spice graphics")


def _check_serial_target(dev: ChrDevice) -> None:
    """qemuValidateDomainChrTargetDef for serial ports."""
    target = dev.target_type
    expected = _TARGET_ADDRESS.get(target or "")
    addr = dev.info.address
    if expected is not None and addr is not None and not isinstance(addr, expected[1]):
        raise ConfigError(f"Target type '{target}' requires address type '{expected[0]}'")
    if target in ("system-serial", "sclp-serial") and addr is not None:
        raise ConfigError(f"Target type '{target}' cannot have an associated address")
    if dev.target_model is not None and _MODEL_TARGET.get(dev.target_model) != target:
        raise ConfigError(f"Target model '{dev.target_model}' requires target type "
                          f"'{_MODEL_TARGET.get(dev.target_model)}'")


def _check_machine(dom: Domain, dev: ChrDevice) -> None:
    """qemuValidateDomainChrDef: what the machine has no place for."""
    if dev.kind == "parallel" and (is_s390(dom) or is_pseries(dom)):
        raise ConfigError("parallel ports are not supported")
    if dev.kind != "serial":
        return
    target, model = dev.target_type, dev.target_model
    compatible = not (
        (target == "system-serial" and model == "pl011" and not is_arm_virt(dom))
        or (target == "system-serial" and model == "16550a" and not is_riscv_virt(dom))
        or (not is_pseries(dom) and (target == "spapr-vio-serial" or model == "spapr-vty"))
        or (not is_s390(dom) and (target == "sclp-serial"
                                  or model in ("sclpconsole", "sclplmconsole"))))
    if not compatible:
        raise ConfigError(f"Serial device with target type '{target}' and target model "
                          f"'{model}' not compatible with guest architecture or machine type")


def validate_chardevs(dom: Domain, caps: QemuCaps) -> None:
    d = dom.devices
    for dev in (*d.serials, *d.parallels, *d.consoles, *d.channels):
        # the generic device check comes before the driver's
        _check_source(dev.source, dev)
        _check_qemu_source(dev.source, dom, caps)
        if dev.kind == "serial":
            _check_serial_target(dev)
        _check_machine(dom, dev)
    for card in d.smartcards:
        if card.passthru is not None:
            _check_source(card.passthru, None)
            _check_qemu_source(card.passthru, dom, caps)
    for rng in d.rngs:
        if rng.backend == "egd" and rng.chardev is not None:
            _check_source(rng.chardev, None)
    for redir in d.redirdevs:
        _check_source(redir.source, None)
