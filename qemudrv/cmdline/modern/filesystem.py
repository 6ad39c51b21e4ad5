"""<filesystem> shares as libvirt 9.0 passes them (qemuBuildFilesystemCommandLine):
9p through -fsdev and virtio-9p, virtiofs through a vhost-user socket to
virtiofsd and vhost-user-fs."""

from __future__ import annotations

from ...caps import QemuCaps
from ...errors import ConfigError, UnsupportedError
from ...model.domain import Domain
from ...model.filesystem import Filesystem
from ..command import CommandLine
from .address import address_props
from .general import domain_lib_dir
from .props import Props, add_device, escape_comma
from .virtio import virtio_device_props

# qemuBuildFSStr: the 9p security model of each access mode.
_SECURITY_MODELS = {"mapped": "mapped", "passthrough": "passthrough", "squash": "none"}


def _fsdev(fs: Filesystem, alias: str) -> str:
    """qemuBuildFSStr."""
    opts: list[str] = []
    if fs.driver in ("default", "path"):
        opts.append("local")
        if fs.accessmode in _SECURITY_MODELS:
            opts.append(f"security_model={_SECURITY_MODELS[fs.accessmode]}")
        if fs.multidevs:
            opts.append(f"multidevs={fs.multidevs}")
        if fs.fmode:
            opts.append(f"fmode={fs.fmode:04o}")
        if fs.dmode:
            opts.append(f"dmode={fs.dmode:04o}")
    else:
        opts.append("handle")
    if fs.wrpolicy != "default":
        opts.append(f"writeout={fs.wrpolicy}")
    opts.append(f"id=fsdev-{alias}")
    opts.append(f"path={escape_comma(fs.source or '')}")
    if fs.readonly:
        opts.append("readonly=on")
    return ",".join(opts)


def _build_9p(cmd: CommandLine, dom: Domain, fs: Filesystem, alias: str,
              caps: QemuCaps) -> None:
    cmd.add("-fsdev", _fsdev(fs, alias))
    props = virtio_device_props("virtio-9p", fs.info.address, fs.model, fs.virtio, caps)
    props.update({"id": alias, "fsdev": f"fsdev-{alias}", "mount_tag": fs.target})
    props.update(address_props(dom, fs.info, caps))
    add_device(cmd, props, caps)


def vhost_user_fs_socket(dom: Domain, fs: Filesystem, alias: str, caps: QemuCaps) -> str:
    """qemuDomainGetVHostUserFSSocketPath: the user's virtiofsd or ours."""
    return fs.socket or f"{domain_lib_dir(dom, caps)}/{alias}-fs.sock"


def _build_virtiofs(cmd: CommandLine, dom: Domain, fs: Filesystem, alias: str,
                    caps: QemuCaps) -> None:
    """qemuBuildVHostUserFsCommandLine."""
    chardev = f"chr-vu-{alias}"
    path = escape_comma(vhost_user_fs_socket(dom, fs, alias, caps))
    cmd.add("-chardev", f"socket,id={chardev},path={path}")
    props: Props = virtio_device_props("vhost-user-fs", fs.info.address, fs.model,
                                       fs.virtio, caps)
    props.update({"id": alias, "chardev": chardev})
    if fs.queue_size:
        props["queue-size"] = fs.queue_size
    props["tag"] = fs.target
    if fs.info.boot_order:
        props["bootindex"] = fs.info.boot_order
    props.update(address_props(dom, fs.info, caps))
    add_device(cmd, props, caps)


def build_filesystems(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    for i, fs in enumerate(dom.devices.filesystems):
        alias = fs.info.alias or f"fs{i}"
        if fs.driver == "virtiofs":
            _build_virtiofs(cmd, dom, fs, alias, caps)
        elif fs.driver in ("default", "path", "handle") and fs.type == "mount":
            _build_9p(cmd, dom, fs, alias, caps)
        else:
            raise UnsupportedError(f"filesystem driver '{fs.driver}' is not supported")


def validate_filesystem(fs: Filesystem, caps: QemuCaps) -> None:
    """qemuValidateDomainDeviceDefFS."""
    if fs.type != "mount":
        raise ConfigError("only supports mount filesystem type")
    if fs.multidevs and not caps.has("fsdev.multidevs"):
        raise ConfigError("multidevs is not supported with this QEMU binary")
    if (fs.fmode or fs.dmode) and fs.accessmode != "mapped":
        raise ConfigError("fmode and dmode must be used with accessmode=mapped")
    binary = fs.binary
    if fs.driver != "virtiofs" and binary is not None and binary.sandbox:
        raise ConfigError("sandbox can only be used with driver=virtiofs")
    if fs.driver == "handle" and fs.accessmode != "passthrough":
        raise ConfigError("only supports passthrough accessmode")
    if fs.driver in ("loop", "nbd", "ploop"):
        raise ConfigError("Filesystem driver type not supported")
    if fs.driver != "virtiofs":
        return
    if fs.socket is None:
        if fs.readonly:
            raise ConfigError("virtiofs does not yet support read-only mode")
        if not caps.conf("privileged", False):
            raise ConfigError("virtiofs is not yet supported in session mode")
        if fs.accessmode != "passthrough":
            raise ConfigError("virtiofs only supports passthrough accessmode")
        if fs.wrpolicy != "default":
            raise ConfigError("virtiofs does not support wrpolicy")
    if fs.model is not None:
        raise ConfigError("virtiofs does not support model")
    if fs.format is not None:
        raise ConfigError("virtiofs does not support format")
    if not caps.has("vhost-user-fs"):
        raise ConfigError("virtiofs is not supported with this QEMU binary")
    if fs.multidevs:
        raise ConfigError("virtiofs does not support multidevs")
    if fs.fmode or fs.dmode:
        raise ConfigError("virtiofs does not support fmode and dmode")
