"""Command line arguments for <filesystem> (libvirt 1.3.1's qemuBuildFSStr
and qemuBuildFSDevStr): a 9p ``-fsdev`` backend plus its virtio-9p device."""

from __future__ import annotations

from ..caps import QemuCaps
from ..errors import UnsupportedError
from ..model.domain import Domain
from ..model.filesystem import Filesystem
from .address import device_address
from .command import CommandLine

# qemuDomainFSDriver: the -fsdev backend of each libvirt driver type
_FSDEV_DRIVERS = {"default": "local", "path": "local", "handle": "handle"}
_SECURITY_MODELS = {"passthrough": "passthrough", "mapped": "mapped", "squash": "none"}
FSDEV_PREFIX = "fsdev-"


def fsdev_options(fs: Filesystem, caps: QemuCaps) -> str:
    """qemuBuildFSStr: the ``-fsdev`` value."""
    if fs.type != "mount":
        raise UnsupportedError("only supports mount filesystem type")
    driver = _FSDEV_DRIVERS.get(fs.driver)
    if driver is None:
        raise UnsupportedError("Filesystem driver type not supported")
    opt = driver
    if fs.driver in ("default", "path"):
        opt += f",security_model={_SECURITY_MODELS[fs.accessmode]}"
    elif fs.accessmode != "passthrough":
        # other backends only know the host's own permissions
        raise UnsupportedError("only supports passthrough accessmode")
    if fs.wrpolicy != "default":
        if not caps.has("fsdev-writeout"):
            raise UnsupportedError("filesystem writeout not supported")
        opt += f",writeout={fs.wrpolicy}"
    opt += f",id={FSDEV_PREFIX}{fs.info.alias},path={fs.source}"
    if fs.readonly:
        if not caps.has("fsdev-readonly"):
            raise UnsupportedError(
                "readonly filesystem is not supported by this QEMU binary"
            )
        opt += ",readonly"
    return opt


def fs_device(dom: Domain, fs: Filesystem, caps: QemuCaps) -> str:
    """qemuBuildFSDevStr: the ``-device virtio-9p-pci`` value."""
    if fs.type != "mount":
        raise UnsupportedError("can only passthrough directories")
    opt = (
        f"virtio-9p-pci,id={fs.info.alias},fsdev={FSDEV_PREFIX}{fs.info.alias},"
        f"mount_tag={fs.target}"
    )
    return opt + device_address(dom, fs.info, caps)


def build_filesystems(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    if not dom.devices.filesystems:
        return
    if not caps.has("fsdev"):
        raise UnsupportedError("filesystem passthrough not supported by this QEMU")
    for fs in dom.devices.filesystems:
        cmd.add("-fsdev", fsdev_options(fs, caps))
        cmd.add("-device", fs_device(dom, fs, caps))
