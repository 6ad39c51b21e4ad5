"""Host devices as libvirt 9.0 writes them (qemuBuildHostdevCommandLine):
usb-host, vfio-pci, scsi-generic over a -blockdev backend, vhost-scsi and
mediated devices, each a JSON -device."""

from __future__ import annotations

from ...caps import QemuCaps
from ...defaults import controllers as ctl
from ...defaults.addresses import scsi_controller_model
from ...errors import ConfigError, UnsupportedError, XMLError
from ...model.address import CCWAddress, DriveAddress, VirtioMMIOAddress
from ...model.domain import Domain
from ...model.hostdev import Hostdev
from ..command import CommandLine
from .address import address_props
from .net import rom_props
from .props import Props, add_blockdev, add_device
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
    if hd.iscsi_auth is not None:
        raise UnsupportedError("authenticated iSCSI host devices are not supported yet")
    target, _, lun = (hd.iscsi_path or "").partition("/")
    host = hd.iscsi_hosts[0]
    props: Props = {"driver": "iscsi", "portal": f"{host.name}:{host.port or 3260}",
                    "target": target, "lun": int(lun or 0), "transport": "tcp"}
    if hd.iscsi_initiator is not None:
        props["initiator-name"] = hd.iscsi_initiator
    props.update({"node-name": node, "read-only": hd.readonly})
    return props


def _virtio_suffix(hd: Hostdev) -> str:
    """qemuBuildVirtioDevGetConfig: the bus and transitional variant."""
    a = hd.info.address
    if isinstance(a, CCWAddress):
        return "-ccw"
    if isinstance(a, VirtioMMIOAddress):
        return "-device"
    return {"virtio-transitional": "-pci-transitional",
            "virtio-non-transitional": "-pci-non-transitional"}.get(
                hd.scsi_host_model or "", "-pci")


def _vhost_scsi_props(dom: Domain, hd: Hostdev, caps: QemuCaps) -> Props:
    """qemuBuildSCSIVHostHostdevDevProps: libvirt opens /dev/vhost-scsi."""
    fd = caps.table("fds").get("vhost_scsi", 0)
    props: Props = {"driver": f"vhost-scsi{_virtio_suffix(hd)}", "wwpn": hd.wwpn,
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


# -- validation (qemuValidateDomainDeviceDefHostdev, virDomainDefHostdevValidate)


def _source_key(hd: Hostdev) -> tuple[object, ...]:
    """What virDomainHostdevMatch compares: the host side of a device."""
    if hd.mode != "subsystem":
        return (hd.mode, hd.type, hd.caps_source)
    if hd.type == "pci":
        return ("pci", hd.domain, hd.bus, hd.slot, hd.function)
    if hd.type == "usb":
        if hd.bus and hd.device:
            return ("usb", hd.bus, hd.device)
        return ("usb-id", hd.vendor, hd.product)
    if hd.type == "scsi":
        if hd.protocol == "iscsi":
            host = hd.iscsi_hosts[0].name if hd.iscsi_hosts else None
            return ("iscsi", hd.iscsi_path, host)
        return ("scsi", hd.adapter, hd.bus, hd.target, hd.unit)
    if hd.type == "scsi_host":
        return ("scsi_host", hd.wwpn)
    return ("mdev", hd.mdev_uuid)


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


def _validate_drive_addresses(dom: Domain) -> None:
    """virDomainDefDuplicateDriveAddressesValidate for SCSI host devices
    (libvirt's messages name the bus first and the controller second)."""
    scsi = [hd.info.address for hd in dom.devices.hostdevs
            if hd.mode == "subsystem" and hd.type == "scsi"]
    disks = [d.info.address for d in dom.devices.disks if d.bus == "scsi"]
    for i, addr in enumerate(scsi):
        if not isinstance(addr, DriveAddress):
            continue
        where = (f"SCSI host address controller='{addr.bus}' bus='{addr.controller}' "
                 f"target='{addr.target}' unit='{addr.unit}'")
        if addr in scsi[i + 1:]:
            raise ConfigError(f"{where} in use by another SCSI host device")
        if addr in disks:
            raise ConfigError(f"{where} in use by another SCSI disk")


def validate_hostdevs(dom: Domain, caps: QemuCaps) -> None:
    hostdevs = dom.devices.hostdevs
    seen: set[tuple[object, ...]] = set()
    ramfb = False
    for hd in hostdevs:
        key = _source_key(hd)
        if key in seen:
            raise XMLError("Hostdev already exists in the domain configuration")
        seen.add(key)
        if hd.type == "mdev" and hd.ramfb:
            if ramfb:
                raise ConfigError("Only one vgpu device can have 'ramfb' enabled")
            ramfb = True
    _validate_drive_addresses(dom)
    for hd in hostdevs:
        _validate_hostdev(dom, hd, caps)
