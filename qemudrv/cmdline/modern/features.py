"""<features> on libvirt 9.0's command line: the -machine properties
(qemuAppendDomainFeaturesMachineParam), the -cpu switches of the paravirtual
features (qemuBuildCpuCommandLine), the accelerator's properties, the TSEG
size and the vmcoreinfo device."""

from __future__ import annotations

from ...caps import QemuCaps
from ...defaults.chardev import is_pseries
from ...errors import ConfigError, UnsupportedError
from ...model.domain import Domain
from ...parse.features import HYPERV_FEATURES
from ..command import CommandLine
from ..general import is_q35
from .props import add_device

# The pSeries features that are -machine cap-NAME switches, in libvirt's order.
_PSERIES_SWITCHES = ("htm", "nested-hv", "ccf-assist")
_PSERIES_VALUES = ("cfpc", "sbbc", "ibs")
# The pSeries features, the capability each needs and what libvirt calls it.
_PSERIES_CAPS = {
    "htm": ("machine.pseries.cap-htm", "HTM"),
    "nested-hv": ("machine.pseries.cap-nested-hv", "Nested HV"),
    "ccf-assist": ("machine.pseries.cap-ccf-assist", "ccf-assist"),
    "cfpc": ("machine.pseries.cap-cfpc", "cfpc"),
    "sbbc": ("machine.pseries.cap-sbbc", "sbbc"),
    "ibs": ("machine.pseries.cap-ibs", "ibs"),
}
# -cpu switches of the <kvm> children, and the state that writes them.
_KVM_SWITCHES = (
    ("hidden", True, "kvm=off"),
    ("hint-dedicated", True, "kvm-hint-dedicated=on"),
    ("poll-control", True, "kvm-poll-control=on"),
    ("pv-ipi", False, "kvm-pv-ipi=off"),
)


def _on_off(value: bool) -> str:
    return "on" if value else "off"


def machine_options(dom: Domain, caps: QemuCaps) -> list[str]:
    """The -machine properties of the features, in libvirt's order."""
    f = dom.features
    flags = f.flags
    opts: list[str] = []
    for name in ("vmport", "smm"):
        if name in flags:
            opts.append(f"{name}={_on_off(flags[name])}")
    opts += _gic_options(dom, caps)
    ioapic = f.values.get("ioapic")
    if ioapic == "qemu":
        opts.append("kernel_irqchip=split")
    elif ioapic == "kvm":
        opts.append("kernel_irqchip=on")
    if flags.get("hpt"):
        if "hpt" in f.values:
            opts.append(f"resize-hpt={f.values['hpt']}")
        if f.hpt_maxpagesize:
            opts.append(f"cap-hpt-max-page-size={f.hpt_maxpagesize}k")
    for name in _PSERIES_SWITCHES:
        if name in flags:
            opts.append(f"cap-{name}={_on_off(flags[name])}")
    for name in _PSERIES_VALUES:
        if name in f.values:
            opts.append(f"cap-{name}={f.values[name]}")
    return opts


def _gic_options(dom: Domain, caps: QemuCaps) -> list[str]:
    """qemuAppendDomainFeaturesMachineParam's GIC: without the gic-version
    option QEMU gives every guest a GICv2, so only a newer one is an error."""
    version = dom.features.gic_version
    if not dom.features.flags.get("gic") or version in (None, "none"):
        return []
    if not caps.has("gic-version"):
        if version == "2":
            return []
        raise UnsupportedError("gic-version option is not available with this QEMU binary")
    return [f"gic-version={version}"]


def accel_options(dom: Domain) -> list[str]:
    """qemuBuildAccelCommandLine's properties: TCG's cache, KVM's dirty ring."""
    f = dom.features
    if dom.virt_type == "qemu" and f.flags.get("tcg") and f.tb_cache:
        return [f"tb-size={f.tb_cache >> 10}"]
    if dom.virt_type == "kvm" and f.flags.get("kvm") and f.kvm.get("dirty-ring"):
        return [f"dirty-ring-size={f.dirty_ring_size}"]
    return []


def build_tseg(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildTSEGCommandLine: the size in MiB (validated to be whole)."""
    size = dom.features.tseg_size
    if size is not None:
        cmd.add("-global", f"mch.extended-tseg-mbytes={size >> 20}")


def cpu_switches(dom: Domain) -> list[str]:
    """The -cpu switches of timers, KVM, Hyper-V and PMU, in libvirt's order."""
    out: list[str] = []
    for t in dom.clock.timers:
        if t.name == "kvmclock" and t.present is not None:
            out.append(f"kvmclock={_on_off(t.present)}")
        elif t.name == "hypervclock" and t.present:
            out.append("hv-time=on")
        elif t.name == "tsc" and t.frequency:
            out.append(f"tsc-frequency={t.frequency}")
        elif t.name == "armvtimer" and t.tickpolicy in ("delay", "discard"):
            out.append(f"kvm-no-adjvtime={_on_off(t.tickpolicy == 'discard')}")
    f = dom.features
    if f.apic_eoi is not None:
        out.append(f"kvm-pv-eoi={_on_off(f.apic_eoi)}")
    if "pvspinlock" in f.flags:
        out.append(f"kvm-pv-unhalt={_on_off(f.flags['pvspinlock'])}")
    if f.flags.get("hyperv"):
        out.extend(_hyperv_switches(dom))
    if any(p.model == "hyperv" for p in dom.devices.panics):
        out.append("hv-crash")
    if f.flags.get("kvm"):
        out.extend(switch for name, state, switch in _KVM_SWITCHES if f.kvm.get(name) is state)
    # ppc64 guests always have a PMU, and QEMU has no switch for it there.
    if "pmu" in f.flags and not (dom.os.arch or "").startswith("ppc64"):
        out.append(f"pmu={_on_off(f.flags['pmu'])}")
    return out


def _hyperv_switches(dom: Domain) -> list[str]:
    hv = dom.features.hyperv
    out = ["hv-passthrough=on"] if hv.mode == "passthrough" else []
    for name in HYPERV_FEATURES:
        if not hv.states.get(name):
            continue
        if name == "spinlocks":
            out.append(f"hv-spinlocks=0x{hv.retries or 0:x}")
        elif name == "vendor_id":
            out.append(f"hv-vendor-id={hv.vendor_id}")
        else:
            out.append(f"hv-{name}=on")
            if name == "stimer" and hv.stimer_direct:
                out.append("hv-stimer-direct=on")
    return out


def build_vmcoreinfo(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    if dom.features.flags.get("vmcoreinfo"):
        add_device(cmd, {"driver": "vmcoreinfo"}, caps)


# -- validation ---------------------------------------------------------------


def _is_x86(dom: Domain) -> bool:
    return dom.os.arch in ("i686", "x86_64")


def _not_supported(dom: Domain, name: str) -> ConfigError:
    return ConfigError(f"The '{name}' feature is not supported for architecture "
                       f"'{dom.os.arch}' or machine type '{dom.machine}'")


def validate_features(dom: Domain, caps: QemuCaps) -> None:
    """qemuValidateDomainDefFeatures (the machine and architecture checks of
    apic, gic, hyperv, pmu, pvspinlock and vmport are validate_modern's) and
    qemuDomainDefTsegPostParse."""
    f = dom.features
    flags = f.flags
    if "ioapic" in f.values and not _is_x86(dom):
        raise _not_supported(dom, "ioapic")
    for name in ("hpt", *_PSERIES_CAPS):
        if name in flags:
            _check_pseries_feature(dom, caps, name)
    if flags.get("vmcoreinfo") and not caps.has("vmcoreinfo"):
        raise ConfigError("vmcoreinfo is not available with this QEMU binary")
    if flags.get("tcg"):
        if dom.virt_type != "qemu":
            raise ConfigError(f"TCG features are incompatible with domain type "
                              f"'{dom.virt_type}'")
        if f.tb_cache & 0x3FF:
            raise ConfigError("tb-cache size must be an integer multiple of MiB")
    _check_tseg(dom, caps)


def _check_pseries_feature(dom: Domain, caps: QemuCaps, name: str) -> None:
    if not is_pseries(dom):
        raise _not_supported(dom, name)
    if name == "hpt":
        if dom.features.hpt_maxpagesize and \
                not caps.has("machine.pseries.cap-hpt-max-page-size"):
            raise ConfigError("Configuring the page size for HPT guests is not supported "
                              "by this QEMU binary")
        return
    flag, label = _PSERIES_CAPS[name]
    if not caps.has(flag):
        raise ConfigError(f"{label} configuration is not supported by this QEMU binary")


def _check_tseg(dom: Domain, caps: QemuCaps) -> None:
    size = dom.features.tseg_size
    if not dom.features.flags.get("smm") or size is None:
        return
    if not is_q35(dom):
        raise ConfigError("SMM TSEG is only supported with q35 machine type")
    if not caps.has("mch.extended-tseg-mbytes"):
        raise ConfigError("Setting TSEG size is not supported with this QEMU binary")
    if size & ((1 << 20) - 1):
        raise ConfigError("SMM TSEG size must be divisible by 1 MiB")
