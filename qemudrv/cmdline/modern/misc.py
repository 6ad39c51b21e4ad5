"""Small device families of libvirt 9.0's command line."""

from __future__ import annotations

from ...caps import QemuCaps
from ...errors import UnsupportedError
from ...model.address import CCWAddress, VirtioMMIOAddress
from ...model.domain import Domain
from ..command import CommandLine
from .address import address_props
from .chardev import chardev_arg
from .props import Props, add_device, add_object
from .virtio import virtio_device_name, virtio_props


def build_memballoon(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildMemballoonCommandLine (the stats period is set over QMP)."""
    dev = dom.devices.memballoon
    if dev is None or dev.model == "none":
        return
    props = virtio_props(virtio_device_name("virtio-balloon", dev.info.address, dev.model, caps),
                         dev.virtio)
    props["id"] = dev.info.alias
    if dev.autodeflate is not None:
        props["deflate-on-oom"] = dev.autodeflate
    if dev.free_page_reporting is not None:
        props["free-page-reporting"] = dev.free_page_reporting
    props.update(address_props(dom, dev.info, caps))
    add_device(cmd, props, caps)


def build_watchdog(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildWatchdogCommandLine: QEMU cannot dump, so libvirt pauses it."""
    dev = dom.devices.watchdog
    if dev is None:
        return
    props: Props = {"driver": dev.model, "id": dev.info.alias or "watchdog0"}
    props.update(address_props(dom, dev.info, caps))
    add_device(cmd, props, caps)
    cmd.add("-watchdog-action", "pause" if dev.action == "dump" else dev.action)


def build_rngs(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildRNGCommandLine: the backend object, then the virtio device."""
    for i, rng in enumerate(dom.devices.rngs):
        alias = rng.info.alias or f"rng{i}"
        if rng.backend == "random":
            add_object(cmd, "rng-random", f"obj{alias}", {"filename": rng.file}, caps)
        elif rng.backend == "egd":
            if rng.chardev is None:
                raise UnsupportedError("rng egd backend needs a chardev")
            cmd.add("-chardev", chardev_arg(rng.chardev, f"char{alias}", caps))
            add_object(cmd, "rng-egd", f"obj{alias}", {"chardev": f"char{alias}"}, caps)
        else:
            add_object(cmd, f"rng-{rng.backend}", f"obj{alias}", {}, caps)
        props = virtio_props(virtio_device_name("virtio-rng", rng.info.address, rng.model, caps),
                             rng.virtio)
        props["rng"] = f"obj{alias}"
        props["id"] = alias
        if rng.rate:
            props["max-bytes"] = rng.rate
            # QEMU's default period is 1 s; libvirt sets it with a rate.
            props["period"] = rng.period or 1000
        props.update(address_props(dom, rng.info, caps))
        add_device(cmd, props, caps)


def _virtio_driver(base: str, address: object) -> str:
    if isinstance(address, CCWAddress):
        return f"{base}-ccw"
    if isinstance(address, VirtioMMIOAddress):
        return f"{base}-device"
    return f"{base}-pci"


def _pool_props(pool_min: int, pool_max: int) -> Props:
    props: Props = {}
    if pool_min >= 0:
        props["thread-pool-min"] = pool_min
    if pool_max >= 0:
        props["thread-pool-max"] = pool_max
    return props


def build_iothreads(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildIOThreadCommandLine: the I/O threads, then the main loop's
    thread pool."""
    if dom.iothreads and not caps.has("iothread"):
        # qemuProcessStartValidateIOThreads
        raise UnsupportedError("IOThreads not supported for this QEMU")
    for thread in dom.iothreads:
        add_object(cmd, "iothread", f"iothread{thread.id}",
                   _pool_props(thread.pool_min, thread.pool_max), caps)
    pool = dom.default_iothread
    if pool is not None:
        add_object(cmd, "main-loop", "main-loop", _pool_props(pool.pool_min, pool.pool_max),
                   caps)
