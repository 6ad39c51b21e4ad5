"""-cpu: the guest CPU model, its features and the paravirtual switches
(qemuBuildCpuArgStr and qemuBuildCpuModelArgStr of libvirt 1.3.1)."""

from __future__ import annotations

from .. import cpu_x86
from ..caps import QemuCaps
from ..errors import UnsupportedError
from ..model.domain import Domain
from ..model.general import CPUFeature
from .command import CommandLine


def _signed(features: list[CPUFeature]) -> str:
    """,+name / ,-name: only a disabled feature is switched off."""
    return "".join(f",{'-' if f.policy == 'disable' else '+'}{f.name}" for f in features)


def _model_arg(dom: Domain, caps: QemuCaps, migrating: bool) -> str:
    """The model part for a <cpu> with a mode or model."""
    cpu = dom.cpu
    assert cpu is not None
    host = caps.host_cpu
    models = caps.cpu_models
    if not host or not host.get("model") or not models:
        raise UnsupportedError("CPU specification not supported by hypervisor")
    ppc64 = dom.arch in ("ppc64", "ppc64le")
    x86 = dom.arch in ("x86_64", "i686") and cpu_x86.knows(str(host.get("model")))
    # TCG guests with a custom model are not checked against the host.
    compare = (dom.virt_type == "kvm" or cpu.mode != "custom") and cpu.mode != "host-passthrough"
    if cpu.mode == "host-model" and not migrating and x86:
        cpu = cpu_x86.host_model_update(cpu, host)
    data = cpu_x86.guest_data(host, cpu) if compare and x86 else None
    mode = cpu.mode
    if mode == "host-passthrough" or (mode == "host-model" and ppc64):
        if not caps.has("cpu-host"):
            raise UnsupportedError(f"CPU mode '{mode}' is not supported by QEMU binary")
        if dom.virt_type != "kvm":
            raise UnsupportedError(f"CPU mode '{mode}' is only supported with kvm")
        out = "host"
        if dom.arch == "armv7l" and host.get("arch") == "aarch64":
            if not caps.has("aarch64-off"):
                raise UnsupportedError(
                    "QEMU binary does not support CPU host-passthrough for armv7l on aarch64 host"
                )
            out += ",aarch64=off"
        if ppc64 and mode == "host-model" and cpu.model is not None:
            return out + f",compat={cpu.model}"
        return out + _signed(cpu.features)
    if data is not None:
        preferred = str(host.get("model")) if cpu.match == "minimum" else cpu.model
        model, features = cpu_x86.decode(data, models, preferred, cpu.fallback)
    else:
        if cpu.model is None:
            raise UnsupportedError("CPU specification not supported by hypervisor")
        model, features = cpu.model, []
    out = model
    if cpu.vendor_id:
        out += f",vendor={cpu.vendor_id}"
    return out + _signed(features)


def build_cpu(cmd: CommandLine, dom: Domain, caps: QemuCaps, *, migrating: bool = False) -> None:
    default_model = "qemu32" if dom.arch == "i686" else "qemu64"
    parts: list[str] = []
    have_cpu = False
    cpu = dom.cpu
    if cpu is not None and (cpu.mode != "custom" or cpu.model):
        parts.append(_model_arg(dom, caps, migrating))
        have_cpu = True
    else:
        # A 32-bit guest on a 64-bit emulator needs an explicit 32-bit CPU.
        emulator = dom.emulator or ""
        if dom.arch == "i686" and (
            (caps.host_arch == "x86_64" and "kvm" in emulator) or "x86_64" in emulator
        ):
            parts.append(default_model)
            have_cpu = True

    def add(opt: str) -> None:
        nonlocal have_cpu
        if not have_cpu:
            parts.append(default_model)
            have_cpu = True
        parts.append(opt)

    for t in dom.clock.timers:
        if t.present is None:
            continue
        if t.name == "kvmclock":
            add(f",{'+' if t.present else '-'}kvmclock")
        elif t.name == "hypervclock" and t.present:
            add(",hv_time")
    f = dom.features
    if f.apic_eoi is not None:
        add(f",{'+' if f.apic_eoi else '-'}kvm_pv_eoi")
    if "pvspinlock" in f.flags:
        add(f",{'+' if f.flags['pvspinlock'] else '-'}kvm_pv_unhalt")
    if f.flags.get("hyperv"):
        add("")
        hv = f.hyperv
        if hv.relaxed:
            parts.append(",hv_relaxed")
        if hv.vapic:
            parts.append(",hv_vapic")
        if hv.spinlocks:
            parts.append(f",hv_spinlocks=0x{hv.retries or 0:x}")
    if any(p.model == "hyperv" for p in dom.devices.panics):
        add(",hv_crash")
    if f.flags.get("kvm"):
        add("")
        if f.kvm_hidden:
            parts.append(",kvm=off")
    if "pmu" in f.flags:
        add(f",pmu={'on' if f.flags['pmu'] else 'off'}")
    if have_cpu:
        cmd.add("-cpu", "".join(parts))
