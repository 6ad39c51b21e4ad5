"""qemuValidateDomainDef: the QEMU driver's checks of the domain as a
whole, after the emulator's (cmdline/modern/validate_general.py), in
libvirt's order; the families' validation modules have the rest."""

from __future__ import annotations

from ..caps import QemuCaps
from ..cmdline.modern.general import machine_info
from ..errors import ConfigError
from ..model.domain import Domain
from .machine import is_arm_virt, is_i440fx, is_pseries, is_q35, is_s390, is_x86


def _check_firmware(dom: Domain) -> None:
    """On x86, UEFI requires ACPI. The only UEFI the model records is the old
    style, a pflash loader (not <os firmware='efi'>), so the aarch64 rule
    the other way round cannot be checked yet."""
    loader = dom.os.loader
    if loader is not None and loader.type == "pflash" and is_x86(dom) \
            and not dom.features.on("acpi"):
        raise ConfigError("UEFI requires ACPI on this architecture")


def _check_bios_serial(dom: Domain) -> None:
    if dom.os.bios_useserial:
        if not is_x86(dom):
            raise ConfigError("BIOS serial console only supported on x86 architectures")
        if not dom.devices.serials:
            raise ConfigError("need at least one serial port to use BIOS serial output",
                              code="XML error")


def _check_cpu_address_and_cache(dom: Domain) -> None:
    """qemuValidateDomainDefCpu: <maxphysaddr> and <cache> are x86's (the
    host CPU's own address width is not in the capability sets)."""
    cpu = dom.cpu
    assert cpu is not None
    if cpu.maxphysaddr_mode:
        if not is_x86(dom):
            raise ConfigError("CPU maximum physical address bits specification is not "
                              f"supported for '{dom.arch}' architecture")
        if cpu.maxphysaddr_mode == "passthrough" and cpu.maxphysaddr_bits is not None:
            raise ConfigError("CPU maximum physical address bits number specification "
                              "cannot be used with mode='passthrough'")
        if cpu.maxphysaddr_mode == "emulate" and cpu.maxphysaddr_bits is None:
            raise ConfigError("if using CPU maximum physical address mode='emulate', bits= "
                              "must be specified too")
    mode = cpu.cache_mode
    if mode:
        if not is_x86(dom):
            raise ConfigError(f"CPU cache specification is not supported for '{dom.arch}' "
                              "architecture")
        if mode == "emulate" and cpu.cache_level != 3:
            raise ConfigError(f"CPU cache mode '{mode}' can only be used with level='3'")
        if mode == "passthrough" and cpu.mode not in ("host-passthrough", "maximum"):
            raise ConfigError(f"CPU cache mode '{mode}' can only be used with "
                              "'host-passthrough' / 'maximum' CPUs")
        if mode in ("passthrough", "disable") and cpu.cache_level is not None:
            raise ConfigError(f"unsupported CPU cache level for mode '{mode}'")


def _check_cpu(dom: Domain, caps: QemuCaps) -> None:
    """qemuValidateDomainDefCpu."""
    cpu = dom.cpu
    if cpu is None:
        return
    _check_cpu_address_and_cache(dom)
    if not (cpu.model or cpu.mode != "custom"):
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


def _check_timers(dom: Domain, caps: QemuCaps) -> None:
    """qemuValidateDomainDefClockTimers."""
    for timer in dom.clock.timers:
        name = timer.name
        where = (f"for virtType={dom.virt_type} arch={dom.arch} "
                 f"machine={dom.machine} guests")
        if name == "platform":
            raise ConfigError(f"unsupported timer type (name) '{name}'")
        if name in _X86_ONLY_TIMERS and not is_x86(dom) and timer.present is True:
            raise ConfigError(f"Configuring the '{name}' timer is not supported {where}")
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
            raise ConfigError(f"Configuring the '{name}' timer is not supported {where}")


def _check_pm(dom: Domain, caps: QemuCaps) -> None:
    """qemuValidateDomainDefPM: S3/S4 need the chipset's disable_s3/s4."""
    for state in ("s3", "s4"):
        if getattr(dom.pm, state) is None:
            continue
        ich9 = is_q35(dom) and caps.has(f"ich9-disable-{state}")
        if not ich9 and not caps.has(f"disable-{state}"):
            raise ConfigError(f"setting ACPI {state.upper()} not supported")


# QEMU_MAX_VCPUS_WITHOUT_EIM
_MAX_VCPUS_WITHOUT_EIM = 255


def _check_vcpu_topology(dom: Domain, caps: QemuCaps) -> None:
    """qemuValidateDomainVCpuTopology."""
    vcpus, max_vcpus = dom.vcpus.current, dom.vcpus.max
    if vcpus == 0:
        raise ConfigError("Domain requires at least 1 vCPU")
    max_cpus = int(machine_info(dom, caps).get("maxCpus", 0) or 0)
    if max_cpus and max_vcpus > max_cpus:
        raise ConfigError(f"Maximum CPUs greater than specified machine type limit {max_cpus}")
    cpu = dom.cpu
    if caps.has("query-hotpluggable-cpus") and cpu is not None and cpu.sockets:
        if cpu.sockets * cpu.dies * cpu.cores * cpu.threads != max_vcpus:
            raise ConfigError("CPU topology doesn't match maximum vcpu count")
        # pSeries plugs in a core at a time.
        granularity = cpu.threads if is_pseries(dom) else 1
        if vcpus % granularity:
            raise ConfigError("vCPUs count must be a multiple of the vCPU hotplug "
                              f"granularity ({granularity})")
    if is_x86(dom) and max_vcpus > _MAX_VCPUS_WITHOUT_EIM:
        if not is_q35(dom):
            raise ConfigError(f"more than {_MAX_VCPUS_WITHOUT_EIM} vCPUs are only supported "
                              "on q35-based machine types")
        iommu = dom.devices.iommu
        if iommu is None or iommu.eim is not True:
            raise ConfigError(f"more than {_MAX_VCPUS_WITHOUT_EIM} vCPUs require extended "
                              "interrupt mode enabled on the iommu device")


def _check_vmport(dom: Domain, caps: QemuCaps) -> None:
    """qemuValidateDomainDefFeatures' vmport check (the other features are
    cmdline/modern/features.py's)."""
    if "vmport" in dom.features.flags and not (caps.has("machine-vmport-opt") and (
            is_i440fx(dom) or is_q35(dom) or dom.machine == "isapc")):
        raise ConfigError("vmport is not available with this QEMU binary")


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
    _check_cpu(dom, caps)
    _check_timers(dom, caps)
    _check_pm(dom, caps)
    _check_vcpu_topology(dom, caps)
    _check_vmport(dom, caps)
    _check_panics(dom, caps)
