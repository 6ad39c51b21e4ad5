"""Host devices as libvirt 9.0 writes them (qemuBuildHostdevCommandLine):
usb-host, vfio-pci, scsi-generic over a -blockdev backend, vhost-scsi and
mediated devices, each a JSON -device."""

from __future__ import annotations

from ...caps import QemuCaps
from ...defaults import controllers as ctl
from ...defaults.addresses import scsi_controller_model
from ...errors import ConfigError, UnsupportedError
from ...model.address import DriveAddress
from ...model.domain import Domain
from ...model.hostdev import Hostdev
from ..command import CommandLine
from .address import address_props
from .net import rom_props
from .props import Props, add_blockdev, add_device
from .secret import add_secret, secret_value
from .virtio import virtio_device_name
from .zpci import add_ext_device

# SCSI controllers whose devices are addressed by bus and scsi-id only.
_NARROW_SCSI_MODELS = ("lsilogic", "ncr53c90", "dc390", "am53c974")


def _drive_props(dom: Domain, hd: Hostdev, caps: QemuCaps) -> Props:
    """qemuBuildDeviceAddresDriveProps for a SCSI drive address."""
    a = hd.info.address
    if not isinstance(a, DriveAddress):
        return {}
    cont = ctl.find_controller(dom, "scsi", a.controller)
    if cont is None:
        raise UnsupportedError(f"unable to find a SCSI controller for idx={a.controller}",
                               code="internal error")
    if scsi_controller_model(dom, cont, caps) in _NARROW_SCSI_MODELS:
        return {"bus": f"{cont.info.alias}.{a.bus}", "scsi-id": a.unit}
    return {"bus": f"{cont.info.alias}.0", "channel": a.bus, "scsi-id": a.target, "lun": a.unit}


def _boot_index(dom: Domain, hd: Hostdev) -> int:
    # <os><boot dev> and per-device boot orders exclude each other.
    return 0 if dom.os.boot_devs else hd.info.boot_order or 0


def _usb_props(dom: Domain, hd: Hostdev, caps: QemuCaps) -> Props:
    """qemuBuildUSBHostdevDevProps."""
    props: Props = {"driver": "usb-host"}
    if not hd.missing:
        if not hd.bus and not hd.device:
            raise UnsupportedError("USB host device is missing bus/device information",
                                   code="internal error")
        if caps.has("usb-host.hostdevice"):
            props["hostdevice"] = f"/dev/bus/usb/{hd.bus:03d}/{hd.device or 0:03d}"
        else:
            props["hostbus"] = hd.bus
            props["hostaddr"] = hd.device or 0
    props["id"] = hd.info.alias
    if _boot_index(dom, hd):
        props["bootindex"] = _boot_index(dom, hd)
    if hd.guest_reset == "off":
        props["guest-reset"] = False
    elif hd.guest_reset in ("uninitialized", "on"):
        props["guest-reset"] = True
        props["guest-resets-all"] = hd.guest_reset == "on"
    props.update(address_props(dom, hd.info, caps))
    return props


def _pci_props(dom: Domain, hd: Hostdev, caps: QemuCaps) -> Props:
    """qemuBuildPCIHostdevDevProps: vfio is the only back end left."""
    if hd.backend != "vfio":
        raise UnsupportedError(f"invalid PCI passthrough type '{hd.backend}'",
                               code="internal error")
    props: Props = {
        "driver": "vfio-pci",
        "host": f"{hd.domain:04x}:{hd.bus:02x}:{hd.slot:02x}.{hd.function}",
        "id": hd.info.alias,
    }
    if _boot_index(dom, hd):
        props["bootindex"] = _boot_index(dom, hd)
    # the standby half of a failover pair names its persistent partner
    owner = hd.parent if hd.parent is not None else hd
    if owner.teaming_type == "transient" and owner.teaming_persistent:
        props["failover_pair_id"] = owner.teaming_persistent
    props.update(address_props(dom, hd.info, caps))
    props.update(rom_props(hd.info))
    return props


def _scsi_backend(hd: Hostdev, node: str, caps: QemuCaps) -> Props:
    """The -blockdev the scsi-generic device reads: the host's SCSI
    generic node, or the iSCSI LUN named by the source path."""
    if hd.protocol != "iscsi":
        path = str(caps.host.get("scsi_generic_path", "/dev/sg0"))
        return {"driver": "host_device", "filename": path, "node-name": node,
                "read-only": hd.readonly}
    target, _, lun = (hd.iscsi_path or "").partition("/")
    host = hd.iscsi_hosts[0]
    props: Props = {"driver": "iscsi", "portal": f"{host.name}:{host.port or 3260}",
                    "target": target, "lun": int(lun or 0), "transport": "tcp"}
    if hd.iscsi_auth is not None:
        props["user"] = hd.iscsi_auth.username
        props["password-secret"] = f"{node}-secret0"
    if hd.iscsi_initiator is not None:
        props["initiator-name"] = hd.iscsi_initiator
    props.update({"node-name": node, "read-only": hd.readonly})
    return props


def _vhost_scsi_props(dom: Domain, hd: Hostdev, caps: QemuCaps) -> Props:
    """qemuBuildSCSIVHostHostdevDevProps: libvirt opens /dev/vhost-scsi."""
    fd = caps.table("fds").get("vhost_scsi", 0)
    driver = virtio_device_name("vhost-scsi", hd.info.address, hd.scsi_host_model, caps)
    props: Props = {"driver": driver, "wwpn": hd.wwpn,
                    "vhostfd": str(fd), "id": hd.info.alias}
    props.update(address_props(dom, hd.info, caps))
    return props


def _mdev_props(dom: Domain, hd: Hostdev, caps: QemuCaps) -> Props:
    """qemuBuildHostdevMediatedDevProps."""
    driver = hd.mdev_model or "vfio-pci"
    if driver == "vfio-pci" and hd.ramfb:
        driver = "vfio-pci-nohotplug"  # ramfb needs a device that is never unplugged
    props: Props = {"driver": driver, "id": hd.info.alias,
                    "sysfsdev": f"/sys/bus/mdev/devices/{hd.mdev_uuid}"}
    if hd.display is not None:
        props["display"] = "on" if hd.display else "off"
    if hd.ramfb:
        props["ramfb"] = True
    if _boot_index(dom, hd):
        props["bootindex"] = _boot_index(dom, hd)
    props.update(address_props(dom, hd.info, caps))
    return props


def build_hostdevs(cmd: CommandLine, dom: Domain, caps: QemuCaps,
                   first_node_index: int) -> None:
    """``first_node_index``: the libvirt-N index the first SCSI host
    device's backend gets (the disks took those before it)."""
    node_index = first_node_index
    for hd in dom.devices.hostdevs:
        if hd.mode != "subsystem":
            continue
        if hd.type == "usb":
            add_device(cmd, _usb_props(dom, hd, caps), caps)
        elif hd.type == "pci":
            if hd.info.address is not None and hd.info.address.type == "unassigned":
                continue
            add_ext_device(cmd, hd.info, caps)
            add_device(cmd, _pci_props(dom, hd, caps), caps)
        elif hd.type == "scsi":
            node = f"libvirt-{node_index}-backend"
            node_index += 1
            if hd.protocol == "iscsi" and hd.iscsi_auth is not None:
                # the CHAP password, AES-encrypted under the master key
                add_secret(cmd, caps, f"{node}-secret0",
                           secret_value(caps, hd.iscsi_auth.usage))
            add_blockdev(cmd, _scsi_backend(hd, node, caps))
            props: Props = {"driver": "scsi-generic", "drive": node, "id": hd.info.alias}
            if _boot_index(dom, hd):
                props["bootindex"] = _boot_index(dom, hd)
            props.update(_drive_props(dom, hd, caps))
            add_device(cmd, props, caps)
        elif hd.type == "scsi_host":
            add_device(cmd, _vhost_scsi_props(dom, hd, caps), caps)
        elif hd.type == "mdev":
            add_device(cmd, _mdev_props(dom, hd, caps), caps)


# -- validation (virDomainHostdevDefValidate, qemuValidateDomainDeviceDefHostdev)


def _validate_mdev(dom: Domain, hd: Hostdev, caps: QemuCaps) -> None:
    model = hd.mdev_model
    if model == "vfio-pci":
        if not caps.has("vfio-pci"):
            raise ConfigError("VFIO PCI device assignment is not supported by this "
                              "version of QEMU")
        if hd.info.boot_order:
            raise ConfigError("booting from assigned devices is not supported by "
                              "mediated devices of model vfio-pci")
        if hd.display is None:
            return
        if not caps.has("vfio-pci.display"):
            raise ConfigError("display property of device vfio-pci is not supported by "
                              "this version of QEMU")
        if hd.display and not dom.devices.graphics:
            raise ConfigError("graphics device is needed for attribute value 'display=on' "
                              "in <hostdev>")
    elif model == "vfio-ap":
        if not caps.has("vfio-ap"):
            raise ConfigError("VFIO AP device assignment is not supported by this "
                              "version of QEMU")
        if hd.info.boot_order:
            raise ConfigError("booting from assigned devices is not supported by "
                              "mediated devices of model vfio-ap")
        aps = [d for d in dom.devices.hostdevs if d.type == "mdev" and d.mdev_model == "vfio-ap"]
        if len(aps) > 1:
            raise ConfigError("Only one hostdev of model vfio-ap is supported")
    elif not caps.has("vfio-ccw"):
        raise ConfigError("VFIO CCW device assignment is not supported by this "
                          "version of QEMU")


# virDomainHostdevDefValidate: the address types each subsystem may sit on,
# and the message (with its error code) for any other.
_ADDRESS_TYPES: dict[str, tuple[tuple[str, ...], str, str]] = {
    "pci": (("pci", "unassigned"), "PCI host devices must use 'pci' or 'unassigned' address type",
            "internal error"),
    "scsi": (("drive",), "SCSI host device must use 'drive' address type",
             "unsupported configuration"),
    "scsi_host": (("pci", "ccw"), "SCSI_host host device must use 'pci' or 'ccw' address type",
                  "unsupported configuration"),
    "usb": (("usb",), "USB host device must use 'usb' address type",
            "unsupported configuration"),
}


def _validate_hostdev_generic(hd: Hostdev) -> None:
    """virDomainHostdevDefValidate."""
    addr = hd.info.address
    rule = _ADDRESS_TYPES.get(hd.type) if hd.mode == "subsystem" else None
    if rule is not None and addr is not None and addr.type not in rule[0]:
        raise ConfigError(rule[1], code=rule[2])
    if hd.mode == "subsystem" and hd.type == "scsi" and hd.sgio == "unfiltered":
        raise ConfigError("unfiltered sgio is no longer supported")
    if hd.teaming_type is not None:
        if hd.teaming_type != "transient":
            raise ConfigError("teaming hostdev devices must have type='transient'")
        if not hd.teaming_persistent:
            raise ConfigError("missing required persistent attribute in hostdev teaming element")
        if hd.mode != "subsystem" or hd.type != "pci":
            raise ConfigError("teaming is only supported for pci hostdev devices")


def _validate_hostdev(dom: Domain, hd: Hostdev, caps: QemuCaps) -> None:
    if hd.mode == "capabilities":
        raise ConfigError(f"hostdev mode 'capabilities' is not supported in {dom.virt_type}")
    if hd.type == "usb" and hd.guest_reset and not caps.has("usb-host.guest-resets-all"):
        raise ConfigError("guestReset is not supported with this version of QEMU")
    elif hd.type == "pci" and hd.backend == "vfio" and not caps.has("vfio-pci"):
        raise ConfigError("VFIO PCI device assignment is not supported by this version of qemu")
    elif hd.type == "scsi_host":
        if hd.info.boot_order:
            raise ConfigError("booting from assigned devices is not supported by vhost "
                              "SCSI devices")
        if not caps.has("vhost-scsi"):
            raise ConfigError("This QEMU doesn't support vhost-scsi devices")
    elif hd.type == "mdev":
        _validate_mdev(dom, hd, caps)


def validate_hostdevs(dom: Domain, caps: QemuCaps) -> None:
    """virDomainHostdevDefValidate and qemuValidateDomainDeviceDefHostdev
    of each host device."""
    for hd in dom.devices.hostdevs:
        _validate_hostdev_generic(hd)
        _validate_hostdev(dom, hd, caps)
