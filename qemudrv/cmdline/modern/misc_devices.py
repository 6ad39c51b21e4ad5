"""The smaller devices qemuBuildCommandLine adds near its end in libvirt 9.0:
the spapr NVRAM, panic notifiers, shared memory and the vsock device, and
their checks."""

from __future__ import annotations

from ...caps import QemuCaps
from ...errors import ConfigError, UnsupportedError
from ...model.address import ISAAddress, PCIAddress, SpaprVioAddress
from ...model.domain import Domain
from ...model.misc import Shmem
from ..command import CommandLine
from .address import address_props
from .props import Props, add_device, add_object, escape_comma
from .virtio import virtio_device_name, virtio_props


def build_nvram(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildNVRAMCommandLine: pSeries' NVRAM is set on its global device."""
    nvram = dom.devices.nvram
    if nvram is None:
        return
    addr = nvram.info.address
    reg = addr.reg if isinstance(addr, SpaprVioAddress) and addr.reg is not None else 0
    cmd.add("-global", f"spapr-nvram.reg=0x{reg:x}")


def build_panics(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildPanicCommandLine: only the ISA notifier is a device; the
    others are machine or CPU features."""
    for panic in dom.devices.panics:
        if panic.model != "isa":
            continue
        props: Props = {"driver": "pvpanic"}
        addr = panic.info.address
        # pvpanic calls its port 'ioport', not 'iobase'.
        if isinstance(addr, ISAAddress) and addr.iobase is not None:
            props["ioport"] = addr.iobase
        add_device(cmd, props, caps)


def build_vsock(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildVsockCommandLine: the vhost fd libvirt opened is passed on."""
    vsock = dom.devices.vsock
    if vsock is None:
        return
    cid = vsock.guest_cid
    if vsock.auto_cid == "yes":
        # qemuProcessPrepareDomain picks a free cid; the tests fix it.
        cid = int(caps.host.get("vsock_auto_cid", cid))
    props = virtio_props(virtio_device_name("vhost-vsock", vsock.info.address, vsock.model, caps),
                         vsock.virtio)
    props.update({"id": vsock.info.alias or "vsock0", "guest-cid": cid,
                  "vhostfd": str(caps.table("fds").get("vsock_vhost", -1))})
    props.update(address_props(dom, vsock.info, caps))
    add_device(cmd, props, caps)


def _shmem_device(dom: Domain, shm: Shmem, caps: QemuCaps) -> Props:
    """qemuBuildShmemDevProps, or qemuBuildShmemDevLegacyProps for ivshmem."""
    alias = shm.info.alias
    if shm.model == "ivshmem":
        # The old device's size is a string with a unit (removed in QEMU 4.0).
        props: Props = {"driver": "ivshmem", "id": alias, "size": f"{shm.size >> 20}m"}
        if shm.server:
            props["chardev"] = f"char{alias}"
        else:
            props["shm"] = shm.name
        if shm.msi:
            props["msi"] = True
    else:
        props = {"driver": shm.model, "id": alias}
        if shm.server:
            props["chardev"] = f"char{alias}"
        else:
            props["memdev"] = f"shmmem-{alias}"
            if shm.role is not None:
                props["master"] = "on" if shm.role == "master" else "off"
    if shm.msi_vectors:
        props["vectors"] = shm.msi_vectors
    if shm.msi_ioeventfd is not None:
        props["ioeventfd"] = shm.msi_ioeventfd
    props.update(address_props(dom, shm.info, caps))
    return props


def build_shmems(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildShmemCommandLine: the plain model's memory object, the device,
    then the doorbell's server socket."""
    for shm in dom.devices.shmems:
        if shm.size:
            if shm.size & (shm.size - 1):
                raise UnsupportedError("shmem size must be a power of two", code="XML error")
            if shm.size < 1024 * 1024:
                raise UnsupportedError("shmem size must be at least 1 MiB (1024 KiB)",
                                       code="XML error")
        if not isinstance(shm.info.address, PCIAddress):
            raise UnsupportedError("only 'pci' addresses are supported for the shared "
                                   "memory device")
        if shm.model == "ivshmem-plain":
            add_object(cmd, "memory-backend-file", f"shmmem-{shm.info.alias}",
                       {"mem-path": f"/dev/shm/{shm.name}", "size": shm.size, "share": True},
                       caps)
        add_device(cmd, _shmem_device(dom, shm, caps), caps)
        if shm.server:
            path = shm.server_path or f"/var/lib/libvirt/shmem-{shm.name}-sock"
            cmd.add("-chardev", f"socket,id=char{shm.info.alias},path={escape_comma(path)}")


# qemuValidateDomainDeviceDefShmem: the capability of each model.
_SHMEM_CAPS = {"ivshmem": "ivshmem", "ivshmem-plain": "ivshmem-plain",
               "ivshmem-doorbell": "ivshmem-doorbell"}


# qemuValidateDomainDefPanic: the models that are no device and the guests
# that have them, as its errors name them.
_PANIC_GUESTS = {"s390": "S390 guests", "hyperv": "i686 and x86_64 guests",
                 "pseries": "pSeries guests"}


def _has_panic_model(dom: Domain, model: str) -> bool:
    arch = dom.os.arch
    if model == "s390":
        return arch in ("s390", "s390x")
    if model == "hyperv":
        return arch in ("i686", "x86_64")
    return arch in ("ppc64", "ppc64le") and dom.machine.startswith("pseries")


def _validate_panics(dom: Domain, caps: QemuCaps) -> None:
    for panic in dom.devices.panics:
        addr = panic.info.address
        guests = _PANIC_GUESTS.get(panic.model)
        if guests is not None:
            if not _has_panic_model(dom, panic.model):
                raise ConfigError(f"only {guests} support panic device of model "
                                  f"'{panic.model}'")
            if addr is not None:
                raise ConfigError("setting the panic device address is not supported for "
                                  f"model '{panic.model}'")
        elif panic.model == "isa":
            if not caps.has("pvpanic"):
                raise ConfigError("the QEMU binary does not support the ISA panic device")
            if addr is not None and not isinstance(addr, ISAAddress):
                raise ConfigError("panic is supported only with ISA address type")


def _validate_watchdog(dom: Domain) -> None:
    """qemuValidateDomainWatchdogDef: where each model may sit."""
    dev = dom.devices.watchdog
    if dev is None:
        return
    addr = dev.info.address
    if dev.model == "i6300esb":
        if addr is not None and not isinstance(addr, PCIAddress):
            raise ConfigError(f"{dev.model} model of watchdog can go only on PCI bus")
    elif dev.model == "ib700":
        if addr is not None:
            raise ConfigError(f"{dev.model} model of watchdog does not support configuring "
                              "the address")
    elif dev.model == "diag288":
        if addr is not None:
            raise ConfigError(f"{dev.model} model of watchdog is virtual and cannot go on "
                              "any bus.")
        if dom.os.arch not in ("s390", "s390x"):
            raise ConfigError(f"{dev.model} model of watchdog is allowed for s390 and s390x "
                              "only")


def validate_misc_devices(dom: Domain, caps: QemuCaps) -> None:
    _validate_panics(dom, caps)
    _validate_watchdog(dom)
    for shm in dom.devices.shmems:
        if caps.has(_SHMEM_CAPS[shm.model]):
            continue
        if shm.model == "ivshmem":
            raise ConfigError("ivshmem device is not supported with this QEMU binary")
        raise ConfigError(f"shmem model '{shm.model}' is not supported by this QEMU binary")
    balloon = dom.devices.memballoon
    if balloon is not None and balloon.model != "none":
        if balloon.autodeflate is not None and \
                not caps.has("virtio-balloon-pci.deflate-on-oom"):
            raise ConfigError("deflate-on-oom is not supported by this QEMU binary")
        if balloon.free_page_reporting is not None and \
                not caps.has("virtio-balloon.free-page-reporting"):
            raise ConfigError("freePageReporting is not supported by this QEMU binary")
