"""Command line arguments for hubs, the watchdog, the memory balloon, the
TPM, the pSeries NVRAM, panic notifiers, shared memory and memory modules
(libvirt 1.3.1's qemu_command.c). Leases have no command line."""

from __future__ import annotations

from ..caps import QemuCaps
from ..errors import UnsupportedError
from ..model.address import (
    CCWAddress,
    DIMMAddress,
    ISAAddress,
    PCIAddress,
    SpaprVioAddress,
    VirtioMMIOAddress,
)
from ..model.chardev import ChrSource
from ..model.domain import Domain
from ..model.misc import MemoryDevice, Shmem
from .address import device_address
from .chardev import build_chardev
from .command import CommandLine
from .general_memory import build_memory_backend


def build_hubs(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    for hub in dom.devices.hubs:
        if hub.type != "usb":
            raise UnsupportedError(f"hub type {hub.type} not supported")
        if not caps.has("usb-hub"):
            raise UnsupportedError("usb-hub not supported by QEMU binary")
        cmd.add("-device", f"usb-hub,id={hub.info.alias}" + device_address(dom, hub.info, caps))


def build_watchdog(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    dev = dom.devices.watchdog
    if dev is None:
        return
    if caps.has("device"):
        cmd.add("-device", f"{dev.model},id={dev.info.alias}" + device_address(dom, dev.info, caps))
    else:
        cmd.add("-watchdog", dev.model)
    # QEMU cannot dump on its own: libvirt pauses it and dumps.
    action = "pause" if dev.action == "dump" else dev.action
    cmd.add("-watchdog-action", action)


_BALLOON_DEVICES = {
    PCIAddress: "virtio-balloon-pci",
    CCWAddress: "virtio-balloon-ccw",
    VirtioMMIOAddress: "virtio-balloon-device",
}


def build_memballoon(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    dev = dom.devices.memballoon
    if dev is None or dev.model == "none":
        return
    # libvirt turns the balloon off for the old s390 virtio machine
    if (dom.os.machine or "")[:10] == "s390-virti" and caps.has("virtio-s390"):
        return
    if dev.model != "virtio":
        raise UnsupportedError(
            f"Memory balloon device type '{dev.model}' is not supported by this version of qemu"
        )
    if caps.has("device"):
        addr = dev.info.address
        name = _BALLOON_DEVICES.get(type(addr))
        if name is None:
            kind = addr.type if addr is not None else "none"
            raise UnsupportedError(f"memballoon unsupported with address type '{kind}'")
        opt = f"{name},id={dev.info.alias}" + device_address(dom, dev.info, caps)
        if dev.autodeflate is not None:
            if not caps.has("virtio-balloon-pci.deflate-on-oom"):
                raise UnsupportedError(
                    "deflate-on-oom is not supported by this QEMU binary"
                )
            opt += f",deflate-on-oom={'on' if dev.autodeflate else 'off'}"
        cmd.add("-device", opt)
    elif caps.has("balloon"):
        cmd.add("-balloon", "virtio")


def _escape_comma(value: str) -> str:
    """virBufferEscape(',', ","): QEMU's option syntax doubles commas."""
    return value.replace(",", ",,")


def build_tpm(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    if not dom.devices.tpms:
        return
    dev = dom.devices.tpms[0]
    alias = dev.info.alias
    emulator = dom.devices.emulator or ""
    backend = f"{dev.backend},id=tpm-{alias}"
    if dev.backend == "passthrough":
        if not caps.has("tpm-passthrough"):
            raise UnsupportedError(
                f"The QEMU executable {emulator} does not support TPM backend type {dev.backend}"
            )
        cancel = _tpm_cancel_path(dev.path, caps)
        backend += f",path={_escape_comma(dev.path)},cancel-path={_escape_comma(cancel)}"
    cmd.add("-tpmdev", backend)
    if not caps.has(dev.model):
        raise UnsupportedError(
            f"The QEMU executable {emulator} does not support TPM model {dev.model}"
        )
    cmd.add("-device", f"{dev.model},tpmdev=tpm-{alias},id={alias}")


def _tpm_cancel_path(device: str, caps: QemuCaps) -> str:
    """virTPMCreateCancelPath: the sysfs cancel file of the host TPM."""
    fixed = caps.host.get("tpm_cancel_path")
    if fixed:
        return str(fixed)
    name = device.rsplit("/", 1)[-1]
    return f"/sys/class/misc/{name}/device/cancel"


def build_nvram(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    dev = dom.devices.nvram
    if dev is None:
        return
    if not (dom.os.arch in ("ppc64", "ppc64le") and (dom.os.machine or "").startswith("pseries")):
        raise UnsupportedError("nvram device is only supported for PPC64")
    if not caps.has("nvram"):
        raise UnsupportedError("nvram device is not supported by this QEMU binary")
    addr = dev.info.address
    if not isinstance(addr, SpaprVioAddress) or addr.reg is None:
        raise UnsupportedError("nvram address type must be spaprvio")
    cmd.add("-global", f"spapr-nvram.reg=0x{addr.reg:x}")


def build_panics(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    arch = dom.os.arch or ""
    for dev in dom.devices.panics:
        addr = dev.info.address
        if dev.model == "hyperv":
            # an enlightenment on -cpu (hv_crash), not a device
            if arch not in ("i686", "x86_64"):
                raise UnsupportedError(
                    "only i686 and x86_64 guests support panic device of model 'hyperv'"
                )
            if addr is not None:
                raise UnsupportedError(
                    "setting the panic device address is not supported for model 'hyperv'"
                )
        elif dev.model == "pseries":
            # the pSeries firmware notifies on its own
            pseries = (dom.os.machine or "").startswith("pseries")
            if arch not in ("ppc64", "ppc64le") or not pseries:
                raise UnsupportedError(
                    "only pSeries guests support panic device of model 'pseries'"
                )
            if addr is not None:
                raise UnsupportedError(
                    "setting the panic device address is not supported for model 'pseries'"
                )
        elif dev.model == "isa":
            if not caps.has("pvpanic"):
                raise UnsupportedError("the QEMU binary does not support the panic device")
            if isinstance(addr, ISAAddress):
                cmd.add("-device", f"pvpanic,ioport={addr.iobase or 0}")
            elif addr is None:
                cmd.add("-device", "pvpanic")
            else:
                raise UnsupportedError("panic is supported only with ISA address type")


def shmem_device(dom: Domain, dev: Shmem, caps: QemuCaps) -> str:
    """qemuBuildShmemDevStr."""
    if not caps.has("ivshmem"):
        raise UnsupportedError("ivshmem device is not supported with this QEMU binary")
    opt = "ivshmem"
    if dev.size:
        if dev.size & (dev.size - 1):
            raise UnsupportedError("shmem size must be a power of two")
        if dev.size < 1024 * 1024:
            raise UnsupportedError("shmem size must be at least 1 MiB (1024 KiB)")
        opt += f",size={dev.size >> 20}m"
    alias = dev.info.alias
    if not dev.server:
        opt += f",shm={dev.name},id={alias}"
    else:
        opt += f",chardev=char{alias},id={alias}"
        if dev.msi:
            opt += ",msi=on"
            if dev.msi_vectors:
                opt += f",vectors={dev.msi_vectors}"
            if dev.msi_ioeventfd is not None:
                opt += f",ioeventfd={'on' if dev.msi_ioeventfd else 'off'}"
    if not isinstance(dev.info.address, PCIAddress):
        raise UnsupportedError(
            "only 'pci' addresses are supported for the shared memory device"
        )
    return opt + device_address(dom, dev.info, caps)


def build_shmems(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    for dev in dom.devices.shmems:
        cmd.add("-device", shmem_device(dom, dev, caps))
        if dev.server:
            path = dev.server_path or f"/var/lib/libvirt/shmem-{dev.name}-sock"
            src = ChrSource(type="unix", path=path, listen=False)
            cmd.add("-chardev", build_chardev(src, str(dev.info.alias), caps))


def memory_device(dev: MemoryDevice) -> str:
    """qemuBuildMemoryDeviceStr: the pc-dimm of a memory module."""
    alias = dev.info.alias
    addr = dev.info.address
    if addr is not None and not isinstance(addr, DIMMAddress):
        raise UnsupportedError("only 'dimm' addresses are supported for the pc-dimm device")
    opt = "pc-dimm,"
    if dev.target_node >= 0:
        opt += f"node={dev.target_node},"
    opt += f"memdev=mem{alias},id={alias}"
    if isinstance(addr, DIMMAddress):
        opt += f",slot={addr.slot},addr={addr.base}"
    return opt


def _check_memory_hotplug(dom: Domain) -> None:
    """The module part of qemuDomainDefValidateMemoryHotplug (the flag and
    NUMA checks come with -m)."""
    mems = dom.devices.memories
    mem = dom.memory
    if not mems:
        return
    if not (mem.max_memory and mem.slots):
        raise UnsupportedError(
            "cannot use/hotplug a memory device when domain 'maxMemory' is not defined"
        )
    if len(mems) > mem.slots:
        raise UnsupportedError(
            f"memory device count '{len(mems)}' exceeds slots count '{mem.slots}'"
        )
    if sum(m.size for m in mems) > mem.max_memory - mem.initial:
        raise UnsupportedError("memory device total size exceeds hotplug space")


def build_memories(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """Each memory module's backend object and pc-dimm device; called by
    the NUMA code right after the -numa options."""
    _check_memory_hotplug(dom)
    ncells = len(dom.cpu.cells) if dom.cpu else 0
    for dev in dom.devices.memories:
        if not dev.info.alias:
            raise UnsupportedError("memory device alias is not assigned")
        if dev.target_node >= 0 and dev.target_node >= ncells:
            raise UnsupportedError(
                f"can't add memory backend for guest node '{dev.target_node}' as "
                f"the guest has only '{ncells}' NUMA nodes configured"
            )
        backend, _ = build_memory_backend(
            dom,
            caps,
            alias=f"mem{dev.info.alias}",
            size=dev.size,
            pagesize=dev.pagesize,
            cell=dev.target_node,
            user_nodeset=dev.source_nodes,
            force=True,
        )
        cmd.add("-object", str(backend), "-device", memory_device(dev))


# The name the NUMA/memory code knows this by.
build_memory_devices = build_memories
