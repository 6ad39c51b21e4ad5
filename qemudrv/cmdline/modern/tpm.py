"""TPM devices as libvirt 9.0 checks and writes them (qemuValidateDomainDefTPMs,
qemuValidateDomainDeviceDefTPM, qemuBuildTPMsCommandLine)."""

from __future__ import annotations

from ...caps import QemuCaps
from ...errors import ConfigError
from ...model.chardev import ChrSource
from ...model.domain import Domain
from ...model.tpm import TPM
from ..command import CommandLine
from .address import address_props
from .chardev import chardev_arg
from .props import Props, add_device, escape_comma

_X86_ARCHS = ("i686", "x86_64")
_MODEL_FLAGS = {"tpm-tis": "tpm-tis", "tpm-crb": "tpm-crb", "tpm-spapr": "tpm-spapr",
                "spapr-tpm-proxy": "spapr-tpm-proxy"}


def _supported_backends(caps: QemuCaps) -> set[str]:
    """virQEMUCapsFillDomainDeviceTPMCaps: swtpm-backed types need swtpm."""
    out = {"passthrough"} if caps.has("tpm-passthrough") else set()
    if caps.host.get("swtpm", False) and caps.has("tpm-emulator"):
        out |= {"emulator", "external"}
    return out


def _supported_versions(caps: QemuCaps) -> tuple[str, ...]:
    if not caps.host.get("swtpm", False):
        return ()
    default = caps.host.get("swtpm_tpm_versions", ())
    return tuple(caps.conf("swtpm_tpm_versions", default))


def _validate_tpm(dom: Domain, tpm: TPM, caps: QemuCaps) -> None:
    if tpm.backend == "emulator":
        if tpm.version not in _supported_versions(caps):
            raise ConfigError(f"TPM version '{tpm.version}' is not supported")
        if tpm.version == "1.2":
            if tpm.model == "tpm-crb":
                raise ConfigError(f"Unsupported interface '{tpm.model}' for TPM 1.2")
            if tpm.model == "tpm-spapr":
                raise ConfigError("TPM 1.2 is not supported with the SPAPR device model")
            machine = dom.os.machine or ""
            if dom.os.arch in ("armv7l", "aarch64") and (
                    machine == "virt" or machine.startswith("virt-")):
                raise ConfigError("TPM 1.2 is not supported on ARM")
    emulator = dom.devices.emulator or ""
    if tpm.backend not in _supported_backends(caps):
        raise ConfigError(f"The QEMU executable {emulator} does not support TPM "
                          f"backend type {tpm.backend}")
    if (dom.os.arch in ("ppc64", "ppc64le") and tpm.model == "spapr-tpm-proxy"
            and tpm.backend != "passthrough"):
        raise ConfigError(f"TPM Proxy model {tpm.model} requires 'Passthrough' backend")
    if not caps.has(_MODEL_FLAGS.get(tpm.model, tpm.model)):
        raise ConfigError(f"The QEMU executable {emulator} does not support TPM "
                          f"model {tpm.model}")


def validate_tpms(dom: Domain, caps: QemuCaps) -> None:
    proxy = regular = False
    for tpm in dom.devices.tpms:
        if tpm.model == "spapr-tpm-proxy":
            if proxy:
                raise ConfigError("only a single TPM Proxy device is supported")
            proxy = True
        else:
            if regular:
                raise ConfigError("only a single TPM non-proxy device is supported")
            regular = True
    for tpm in dom.devices.tpms:
        _validate_tpm(dom, tpm, caps)


def _device_props(dom: Domain, tpm: TPM, caps: QemuCaps) -> Props:
    """qemuBuildTPMDevCmd: tpm-tis outside x86 is the sysbus tpm-tis-device."""
    model = tpm.model
    if model == "tpm-tis" and dom.os.arch not in _X86_ARCHS:
        model = "tpm-tis-device"
    props: Props = {"driver": model, "tpmdev": f"tpm-{tpm.info.alias}", "id": tpm.info.alias}
    props.update(address_props(dom, tpm.info, caps))
    return props


def _build_tpm(cmd: CommandLine, dom: Domain, tpm: TPM, caps: QemuCaps) -> None:
    alias = tpm.info.alias
    if tpm.backend == "passthrough":
        # libvirt opens the device and its cancel file and passes both.
        fds = caps.table("fds")
        path = cmd.add_fd(int(fds.get("tpm_passthrough", 0)), f"{alias}-tpm")
        cancel = cmd.add_fd(int(fds.get("tpm_cancel", 0)), f"{alias}-cancel")
        backend = (f"passthrough,id=tpm-{alias},path={escape_comma(path)},"
                   f"cancel-path={escape_comma(cancel)}")
    else:
        if tpm.backend == "emulator":
            # the swtpm libvirt starts listens here (the test's fixed socket)
            source = ChrSource(type="unix", path=str(caps.host.get("tpm_emulator_socket", "")))
        else:
            source = tpm.source or ChrSource(type="unix")
        cmd.add("-chardev", chardev_arg(source, "chrtpm", caps, cmd))
        backend = f"emulator,id=tpm-{alias},chardev=chrtpm"
    cmd.add("-tpmdev", backend)
    add_device(cmd, _device_props(dom, tpm, caps), caps)


def build_tpms(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    for tpm in dom.devices.tpms:
        if tpm.model == "spapr-tpm-proxy":
            add_device(cmd, {"driver": tpm.model, "id": tpm.info.alias,
                             "host-path": tpm.path}, caps)
        else:
            _build_tpm(cmd, dom, tpm, caps)
