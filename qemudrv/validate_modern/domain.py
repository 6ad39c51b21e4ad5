"""qemuValidateDomainDef: the QEMU driver's checks of the domain as a
whole, after the emulator's (emulator.py), in libvirt's order."""

from __future__ import annotations

from ..caps import QemuCaps
from ..errors import ConfigError
from ..model.domain import Domain
from .machine import is_arm_virt, is_i440fx, is_pseries, is_q35, is_s390, is_x86


def _check_firmware(dom: Domain) -> None:
    """On x86, UEFI (autoselected or an old-style pflash loader) requires
    ACPI; on aarch64, ACPI requires UEFI."""
    loader = dom.os.loader
    uefi = dom.os.firmware == "efi" or (loader is not None and loader.type == "pflash")
    acpi = dom.features.on("acpi")
    if uefi and is_x86(dom) and not acpi:
        raise ConfigError("UEFI requires ACPI on this architecture")
    if acpi and dom.arch == "aarch64" and not uefi:
        raise ConfigError("ACPI requires UEFI on this architecture")


def _check_bios_serial(dom: Domain) -> None:
    if dom.os.bios_useserial:
        if not is_x86(dom):
            raise ConfigError("BIOS serial console only supported on x86 architectures")
        if not dom.devices.serials:
            raise ConfigError("need at least one serial port to use BIOS serial output",
                              code="XML error")


def _check_cpu_mode(dom: Domain, caps: QemuCaps) -> None:
    """qemuValidateDomainDefCpu's checks of the CPU mode (the cache and
    physical address bits are not in the model yet)."""
    cpu = dom.cpu
    if cpu is None or not (cpu.model or cpu.mode != "custom"):
        return
    # A case's config may move the host (the test program's driver.hostarch).
    host_arch = caps.conf("host_arch") or caps.host_arch
    if cpu.mode == "host-passthrough":
        if dom.arch == "armv7l" and host_arch == "aarch64" and not caps.has("aarch64-off"):
            raise ConfigError("QEMU binary does not support CPU host-passthrough for armv7l "
                              "on aarch64 host")
        if cpu.migratable not in (None, "off") and not caps.has("cpu.migratable"):
            raise ConfigError("Migratable attribute for host-passthrough CPU is not "
                              "supported by this QEMU binary")
    elif cpu.mode == "maximum" and not caps.has("cpu-max"):
        raise ConfigError("maximum CPU is not supported by QEMU binary")


_X86_ONLY_TIMERS = ("tsc", "kvmclock", "hypervclock")


def _guests(dom: Domain) -> str:
    """The guests a timer message names (worded only for an error)."""
    return f"for virtType={dom.virt_type} arch={dom.arch} machine={dom.machine} guests"


def _check_timers(dom: Domain, caps: QemuCaps) -> None:
    """qemuValidateDomainDefClockTimers."""
    for timer in dom.clock.timers:
        name = timer.name
        if name == "platform":
            raise ConfigError(f"unsupported timer type (name) '{name}'")
        if name in _X86_ONLY_TIMERS and not is_x86(dom) and timer.present is True:
            raise ConfigError(f"Configuring the '{name}' timer is not supported "
                              f"{_guests(dom)}")
        if name == "rtc":
            if timer.track == "boot":
                raise ConfigError(f"unsupported rtc timer track '{timer.track}'")
            if timer.tickpolicy in ("merge", "discard"):
                raise ConfigError(f"unsupported rtc timer tickpolicy '{timer.tickpolicy}'")
        elif name == "pit":
            if timer.tickpolicy == "merge" or (
                    timer.tickpolicy == "catchup" and not caps.has("kvm-pit-lost-tick-policy")):
                raise ConfigError(f"unsupported pit tickpolicy '{timer.tickpolicy}'")
        elif name == "hpet":
            if not caps.has("no-hpet") and timer.present is True:
                raise ConfigError("hpet timer is not supported")
        elif name == "armvtimer" and (dom.virt_type != "kvm" or not is_arm_virt(dom)):
            raise ConfigError(f"Configuring the '{name}' timer is not supported "
                              f"{_guests(dom)}")


def _check_pm(dom: Domain, caps: QemuCaps) -> None:
    """qemuValidateDomainDefPM: S3/S4 need the chipset's disable_s3/s4."""
    for state in ("s3", "s4"):
        if getattr(dom.pm, state) is None:
            continue
        ich9 = is_q35(dom) and caps.has(f"ich9-disable-{state}")
        if not ich9 and not caps.has(f"disable-{state}"):
            raise ConfigError(f"setting ACPI {state.upper()} not supported")


def _unsupported(dom: Domain, name: str) -> ConfigError:
    return ConfigError(f"The '{name}' feature is not supported for architecture "
                       f"'{dom.arch}' or machine type '{dom.machine}'")


def _check_features(dom: Domain, caps: QemuCaps) -> None:
    """qemuValidateDomainDefFeatures, for the features the model records."""
    flags = dom.features.flags
    # In the order of libvirt's feature enum.
    if "apic" in flags and dom.features.apic_eoi is not None and not is_x86(dom):
        raise ConfigError(f"The 'eoi' attribute of the 'apic' feature is not supported for "
                          f"architecture '{dom.arch}' or machine type '{dom.machine}'")
    if "hyperv" in flags and not is_x86(dom) and not is_arm_virt(dom):
        raise ConfigError(f"Hyperv features are not supported for architecture "
                          f"'{dom.arch}' or machine type '{dom.machine}'")
    if "pvspinlock" in flags and not is_x86(dom):
        raise _unsupported(dom, "pvspinlock")
    if flags.get("pmu") is False and dom.arch in ("ppc64", "ppc64le"):
        raise ConfigError(f"PMU is always enabled for architecture '{dom.arch}'")
    if "vmport" in flags and not (caps.has("machine-vmport-opt") and (
            is_i440fx(dom) or is_q35(dom) or dom.machine == "isapc")):
        raise ConfigError("vmport is not available with this QEMU binary")
    if flags.get("gic") is True and not is_arm_virt(dom):
        raise _unsupported(dom, "gic")


def _check_panics(dom: Domain, caps: QemuCaps) -> None:
    """qemuValidateDomainDefPanic: the firmware-provided models take no address."""
    for panic in dom.devices.panics:
        model = panic.model
        addr = panic.info.address
        if model == "s390":
            if not is_s390(dom):
                raise ConfigError("only S390 guests support panic device of model 's390'")
        elif model == "hyperv":
            if not is_x86(dom):
                raise ConfigError("only i686 and x86_64 guests support panic device of "
                                  "model 'hyperv'")
        elif model == "pseries":
            if not is_pseries(dom):
                raise ConfigError("only pSeries guests support panic device of model "
                                  "'pseries'")
        elif model == "isa":
            if not caps.has("pvpanic"):
                raise ConfigError("the QEMU binary does not support the ISA panic device")
            if addr is not None and addr.type != "isa":
                raise ConfigError("panic is supported only with ISA address type")
            continue
        else:
            continue
        if addr is not None:
            raise ConfigError("setting the panic device address is not supported for "
                              f"model '{model}'")


def validate_domain(dom: Domain, caps: QemuCaps) -> None:
    if dom.memory.min_guarantee:
        raise ConfigError("Parameter 'min_guarantee' not supported by QEMU.")
    _check_firmware(dom)
    _check_bios_serial(dom)
    _check_cpu_mode(dom, caps)
    _check_timers(dom, caps)
    _check_pm(dom, caps)
    _check_features(dom, caps)
    _check_panics(dom, caps)
