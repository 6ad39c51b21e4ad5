"""The guest CPU on libvirt 9.0's command line.

At start libvirt turns the definition's CPU into what QEMU is asked for
(qemuProcessUpdateGuestCPU): optional features are settled against the host
model, host-model and match='minimum' CPUs become the host model plus the
guest's features, a model QEMU lacks is translated to one it has (when the
fallback allows), and features QEMU must not see are dropped. The result is
written by qemuBuildCpuModelArgStr; the cache and physical address switches
close the -cpu option.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from ... import cpu_x86
from ...caps import QemuCaps
from ...defaults.chardev import is_pseries
from ...defaults.modern import S390_PASSTHROUGH_ONLY_MACHINES
from ...errors import ConfigError, UnsupportedError
from ...model.domain import Domain
from ...model.general import CPU, CPUFeature

_X86 = ("i686", "x86_64")
_S390 = ("s390", "s390x")
_PPC64 = ("ppc64", "ppc64le")
_ARM = ("armv6l", "armv7l", "armv7b", "aarch64")
# The CPU features of libvirt's ARM map.
_ARM_FEATURES = frozenset({"sve", *(f"sve{128 * n}" for n in range(1, 17))})
# virQEMUCapsCPUFeaturesX86: libvirt's feature names QEMU spells differently.
_QEMU_FEATURE_NAMES = {
    "cmp_legacy": "cmp-legacy", "ds_cpl": "ds-cpl", "fxsr_opt": "fxsr-opt",
    "kvm_pv_eoi": "kvm-pv-eoi", "kvm_pv_unhalt": "kvm-pv-unhalt", "lahf_lm": "lahf-lm",
    "nodeid_msr": "nodeid-msr", "pclmuldq": "pclmulqdq", "perfctr_core": "perfctr-core",
    "perfctr_nb": "perfctr-nb", "tsc_adjust": "tsc-adjust",
}
_LIBVIRT_FEATURE_NAMES = {qemu: libvirt for libvirt, qemu in _QEMU_FEATURE_NAMES.items()}
# virQEMUCapsCPUFilterFeatures: x86 features never passed to QEMU.
_NEVER_PASSED = frozenset({"cmt", "mbm_total", "mbm_local", "osxsave", "ospke"})
# Features a migratable host model leaves out (migratable='no' in the map).
_NOT_MIGRATABLE = frozenset({"invtsc"})
# The fake capability sets' CPU model groups per architecture.
_FAKE_MODEL_GROUPS = {
    "i686": ("x86", "x86_legacy"), "x86_64": ("x86", "x86_legacy"),
    "armv7l": ("arm",), "aarch64": ("arm",), "ppc64": ("ppc64",), "ppc64le": ("ppc64",),
    "s390x": ("s390x",),
}


@dataclass(frozen=True)
class _HostModel:
    model: str
    features: tuple[CPUFeature, ...]


@dataclass(frozen=True)
class _AccelCPUs:
    """One accelerator's CPU models, host model and known feature names."""

    models: tuple[str, ...]
    host: _HostModel | None
    known_features: frozenset[str] | None


_TABLES: dict[tuple[int, str, str, str, str, bool], tuple[Mapping[str, Any], _AccelCPUs]] = {}


def _accel_cpus(dom: Domain, caps: QemuCaps) -> _AccelCPUs:
    # The harness shares one tables mapping between the cases of a set.
    arch = dom.os.arch or ""
    accel = "kvm" if dom.virt_type == "kvm" else "tcg"
    # A case's configuration picks the host CPU and may drop the legacy models.
    key = (id(caps.tables), arch, accel, str(caps.conf("host_cpu")),
           str(caps.conf("host_cpu_arch")), bool(caps.conf("skip_legacy_cpus", False)))
    cached = _TABLES.get(key)
    if cached is not None and cached[0] is caps.tables:
        return cached[1]
    fake = caps.table("fake_caps")
    built = _fake_cpus(fake, arch, caps) if fake else _qemu_cpus(caps, arch, accel)
    _TABLES[key] = (caps.tables, built)
    return built


def _qemu_cpus(caps: QemuCaps, arch: str, accel: str) -> _AccelCPUs:
    """The emulator's query-cpu-definitions and host model expansion."""
    qemu = caps.table("qemu")
    models = tuple(str(m["name"]) for m in qemu.get("cpu", ()) or ()
                   if isinstance(m, Mapping) and m.get("type") == accel and m.get("name"))
    host = None
    known = None
    for entry in qemu.get("hostCPU", ()) or ():
        if not isinstance(entry, Mapping) or entry.get("type") != accel:
            continue
        props = [p for p in entry.get("property", ()) or () if isinstance(p, Mapping)]
        known = frozenset(_LIBVIRT_FEATURE_NAMES.get(str(p.get("name")), str(p.get("name")))
                          for p in props)
        if arch in _S390:
            # virQEMUCapsInitCPUModelS390: every boolean property is a feature.
            host = _HostModel(str(entry.get("model")), tuple(
                CPUFeature(str(p["name"]), "require" if p.get("value") == "true" else "disable")
                for p in props if p.get("type") == "boolean"))
        elif arch in _X86:
            values: dict[str, object] = {
                _LIBVIRT_FEATURE_NAMES.get(str(p.get("name")), str(p.get("name"))):
                    p.get("value") == "true" if p.get("type") == "boolean" else p.get("value")
                for p in props}
            decoded = cpu_x86.host_model_from_expansion(values, models)
            if decoded is not None:
                host = _HostModel(decoded[0], tuple(decoded[1]))
    return _AccelCPUs(models, host, known)


def _fake_cpus(fake: Mapping[str, Any], arch: str, caps: QemuCaps) -> _AccelCPUs:
    """testAddCPUModels and the host model updated from the host CPU."""
    groups = fake.get("cpu_models", {}) or {}
    models: list[str] = []
    for group in _FAKE_MODEL_GROUPS.get(arch, ()):
        if group.endswith("_legacy") and caps.conf("skip_legacy_cpus", False):
            continue
        models.extend(str(m) for m in groups.get(group, ()) or ())
    host = None
    host_cpu = caps.host_cpu
    if fake.get("update_host_cpu_model") and host_cpu.get("model") and \
            _is_native(_host_arch(caps), arch):
        host = _HostModel(str(host_cpu["model"]), tuple(
            CPUFeature(str(name), "require") for name in host_cpu.get("features", ()) or ()
            if arch not in _X86 or (name not in _NEVER_PASSED and name not in _NOT_MIGRATABLE)))
    return _AccelCPUs(tuple(models), host, None)


def _host_arch(caps: QemuCaps) -> str:
    """The host's architecture, which a case may set, else its CPU's."""
    return str(caps.conf("host_arch") or caps.host_cpu.get("arch") or caps.host_arch)


def _is_native(host: str, guest: str) -> bool:
    """virQEMUCapsGuestIsNative: the host runs the guest's code itself."""
    return host == guest or (host, guest) in (("x86_64", "i686"), ("aarch64", "armv7l")) or \
        (host in _PPC64 and guest in _PPC64)


# -- qemuProcessUpdateGuestCPU ----------------------------------------------


def _update_feature(cpu: CPU, name: str, policy: str | None) -> None:
    """virCPUDefUpdateFeature: a new policy for a listed feature, else appended."""
    for f in cpu.features:
        if f.name == name:
            f.policy = policy
            return
    cpu.features.append(CPUFeature(name, policy))


def _to_host_model(cpu: CPU, host: _HostModel) -> CPU:
    """x86UpdateHostModel and virCPUs390Update: the host model with the
    guest's vendor_id and feature policies on top, as a custom CPU."""
    updated = copy.copy(cpu)
    updated.mode, updated.match = "custom", "exact"
    updated.model = host.model
    updated.features = [CPUFeature(f.name, f.policy) for f in host.features]
    for f in cpu.features:
        _update_feature(updated, f.name, f.policy)
    return updated


def _unsupported_mode(dom: Domain, caps: QemuCaps, cpu: CPU, cpus: _AccelCPUs) -> bool:
    """virQEMUCapsIsCPUModeSupported, negated."""
    arch = dom.os.arch or ""
    if arch in _S390 and dom.virt_type == "kvm" and cpu.mode != "host-passthrough" and \
            dom.os.machine in S390_PASSTHROUGH_ONLY_MACHINES:
        return True
    if cpu.mode == "host-passthrough":
        return dom.virt_type not in ("kvm", "hvf") or not _is_native(_host_arch(caps), arch)
    if cpu.mode == "host-model":
        return cpus.host is None and arch not in _PPC64
    if cpu.mode == "maximum":
        return not caps.has("cpu-max")
    return not cpus.models


_CPU_FIELDS = tuple(f.name for f in fields(CPU))


def _copy_cpu(cpu: CPU) -> CPU:
    """A shallow copy of the CPU with copies of its features (copy.copy and
    dataclasses.replace take several times as long, through __reduce_ex__
    and __init__)."""
    out = CPU.__new__(CPU)
    for name in _CPU_FIELDS:  # a slotted class: no __dict__ to copy at once
        setattr(out, name, getattr(cpu, name))
    out.features = [CPUFeature(f.name, f.policy) for f in cpu.features]
    return out


def guest_cpu(dom: Domain, caps: QemuCaps) -> CPU:
    """The CPU QEMU is started with: a copy of the domain's, updated."""
    assert dom.cpu is not None
    # Its features change (policies, additions); the rest is only replaced.
    cpu = _copy_cpu(dom.cpu)
    arch = dom.os.arch or ""
    if arch in _ARM:
        # virCPUarmValidateFeatures: only the map's features (SVE and its lengths).
        for f in cpu.features:
            if f.name not in _ARM_FEATURES:
                raise UnsupportedError(f"unknown CPU feature: {f.name}")
    cpus = _accel_cpus(dom, caps)
    if _unsupported_mode(dom, caps, cpu, cpus):
        raise UnsupportedError(f"CPU mode '{cpu.mode}' for {arch} {dom.virt_type} domain on "
                               f"{_host_arch(caps)} host is not supported by hypervisor")
    if cpu.mode == "host-model" and arch in _PPC64 and cpu.check != "none":
        _check_ppc64_compat(caps, arch, cpu)
    if cpu.mode not in ("host-passthrough", "maximum") and \
            not (cpu.mode == "host-model" and arch in _PPC64):
        cpu = _update(cpu, arch, cpus)
        cpu = _translate(cpu, arch, cpus)
        cpu.fallback = "forbid"
    if arch in _X86:
        cpu.features = [f for f in cpu.features if f.name not in _NEVER_PASSED]
        known = cpus.known_features
        if known is not None:
            # Features QEMU does not know are off anyway.
            cpu.features = [f for f in cpu.features
                            if f.policy not in ("disable", "forbid") or f.name in known]
    return cpu


def _power_level(name: str, prefix: str) -> int | None:
    level = name.removeprefix(prefix)
    if name.startswith(prefix) and level.isdigit() and 6 <= int(level) <= 10:
        return int(level)
    return None


def _check_ppc64_compat(caps: QemuCaps, arch: str, cpu: CPU) -> None:
    """virCPUCompare for a pSeries host-model CPU (ppc64CheckCompatibilityMode):
    the compatibility mode may not be newer than the host's POWER generation."""
    host_model = caps.host_cpu.get("model")
    if not cpu.model or not host_model or not _is_native(_host_arch(caps), arch):
        return
    host = _power_level(str(host_model), "POWER")
    if host is None:
        raise UnsupportedError("Host CPU does not support compatibility modes",
                               code="internal error")
    compat = _power_level(cpu.model, "power")
    if compat is None:
        raise UnsupportedError(f"Unknown compatibility mode {cpu.model}", code="internal error")
    if compat > host:
        raise UnsupportedError("the CPU is incompatible with host CPU", code="")


def _update(cpu: CPU, arch: str, cpus: _AccelCPUs) -> CPU:
    """virCPUUpdate with the migratable host model."""
    relative = cpu.mode == "host-model" or cpu.match == "minimum" or \
        any(f.policy == "optional" for f in cpu.features)
    if arch in _S390:
        if cpu.mode != "host-model":
            return cpu
        if cpus.host is None:
            raise UnsupportedError("unknown host CPU model")
        return _to_host_model(cpu, cpus.host)
    if arch not in _X86:
        return cpu
    if relative:
        if cpus.host is None:
            raise UnsupportedError("unknown host CPU model")
        host_data = cpu_x86.model_features_modern(cpus.host.model) | frozenset(
            f.name for f in cpus.host.features if f.policy == "require")
        for f in cpu.features:
            if f.policy == "optional":
                f.policy = "require" if f.name in host_data else "disable"
        if cpu.mode == "host-model" or cpu.match == "minimum":
            cpu = _to_host_model(cpu, cpus.host)
    if not cpu_x86.knows(cpu.model):
        raise UnsupportedError(f"Unknown CPU model {cpu.model}", code="internal error")
    for name in cpu_x86.removed_features(cpu.model or ""):
        if all(f.name != name for f in cpu.features):
            cpu.features.append(CPUFeature(name, "disable"))
    return cpu


def _translate(cpu: CPU, arch: str, cpus: _AccelCPUs) -> CPU:
    """virCPUTranslate: a model QEMU lacks becomes the closest one it has."""
    if cpu.model in cpus.models:
        return cpu
    if cpu.fallback != "allow":
        raise UnsupportedError(f"CPU model {cpu.model} is not supported by hypervisor")
    if arch not in _X86:
        return cpu
    vendor, data = cpu_x86.cpu_data(cpu)
    model, features = cpu_x86.decode_modern(vendor, data, cpus.models)
    translated = copy.copy(cpu)
    translated.model = model
    translated.features = features
    for f in cpu.features:
        _update_feature(translated, f.name, f.policy)
    return translated


# -- qemuBuildCpuModelArgStr ------------------------------------------------


def _feature_switches(arch: str, features: Sequence[CPUFeature]) -> list[str]:
    out = []
    for f in features:
        name = _QEMU_FEATURE_NAMES.get(f.name, f.name) if arch in _X86 else f.name
        if f.policy in ("force", "require"):
            out.append(f"{name}=on")
        elif f.policy in ("disable", "forbid"):
            out.append(f"{name}=off")
    return out


def model_arg(dom: Domain, caps: QemuCaps) -> list[str]:
    """The model and its properties, for a CPU with a mode or model."""
    cpu = guest_cpu(dom, caps)
    arch = dom.os.arch or ""
    out: list[str] = []
    if cpu.mode in ("host-passthrough", "maximum"):
        out.append("max" if cpu.mode == "maximum" else "host")
        if arch == "armv7l" and _host_arch(caps) == "aarch64":
            out.append("aarch64=off")
        if cpu.migratable and caps.has("cpu.migratable"):
            out.append(f"migratable={cpu.migratable}")
    elif cpu.mode == "host-model":
        if arch not in _PPC64:
            raise UnsupportedError(f"unexpected host-model CPU for {arch} architecture",
                                   code="internal error")
        out.append("host")
    else:
        out.append(cpu.model or "")
    if (arch in _S390 or arch.startswith("arm") or arch == "aarch64") and cpu.features and \
            not caps.has("query-cpu-model-expansion"):
        raise UnsupportedError(f"CPU features not supported by hypervisor for {arch} "
                               "architecture", code="internal error")
    if cpu.vendor_id:
        out.append(f"vendor={cpu.vendor_id}")
    out.extend(_feature_switches(arch, cpu.features))
    return out


def machine_options(dom: Domain) -> list[str]:
    """-machine's max-cpu-compat: a pSeries host-model CPU's compatibility level."""
    cpu = dom.cpu
    if cpu is not None and cpu.model and cpu.mode == "host-model" and is_pseries(dom):
        return [f"max-cpu-compat={cpu.model}"]
    return []


def cache_and_address_switches(dom: Domain, caps: QemuCaps) -> list[str]:
    """The <cache> and <maxphysaddr> switches, after the hypervisor features."""
    cpu = dom.cpu
    if cpu is None:
        return []
    out: list[str] = []
    if cpu.cache_mode:
        host_off = cpu.cache_mode in ("emulate", "disable")
        l3_off = cpu.cache_mode in ("passthrough", "disable")
        if cpu.cache_mode == "emulate":
            out.append("l3-cache=on")
        elif cpu.cache_mode == "passthrough":
            out.append("host-cache-info=on")
        if host_off and cpu.mode in ("host-passthrough", "maximum") and caps.has("cpu-cache"):
            out.append("host-cache-info=off")
        if l3_off and caps.has("cpu-cache"):
            out.append("l3-cache=off")
    if cpu.maxphysaddr_mode == "passthrough":
        out.append("host-phys-bits=on")
    elif cpu.maxphysaddr_mode == "emulate":
        out.append(f"phys-bits={cpu.maxphysaddr_bits}")
    return out


# -- qemuValidateDomainDefCpu and qemuValidateDomainVCpuTopology ----------------


def validate_cpu(dom: Domain, caps: QemuCaps) -> None:
    cpu = dom.cpu
    arch = dom.os.arch or ""
    if cpu is not None and cpu.maxphysaddr_mode:
        _check_maxphysaddr(cpu, arch, caps)
    if cpu is not None and cpu.cache_mode:
        _check_cache(cpu, arch)
    _check_topology(dom, caps)


def _check_maxphysaddr(cpu: CPU, arch: str, caps: QemuCaps) -> None:
    if arch not in _X86:
        raise ConfigError("CPU maximum physical address bits specification is not "
                          f"supported for '{arch}' architecture")
    if cpu.maxphysaddr_mode == "passthrough" and cpu.maxphysaddr_bits is not None:
        raise ConfigError("CPU maximum physical address bits number specification cannot "
                          "be used with mode='passthrough'")
    if cpu.maxphysaddr_mode == "emulate" and cpu.maxphysaddr_bits is None:
        raise ConfigError("if using CPU maximum physical address mode='emulate', bits= "
                          "must be specified too")


def _check_cache(cpu: CPU, arch: str) -> None:
    if arch not in _X86:
        raise ConfigError(f"CPU cache specification is not supported for '{arch}' "
                          "architecture")
    mode = cpu.cache_mode
    if mode == "emulate" and cpu.cache_level != 3:
        raise ConfigError(f"CPU cache mode '{mode}' can only be used with level='3'")
    if mode == "passthrough" and cpu.mode not in ("host-passthrough", "maximum"):
        raise ConfigError(f"CPU cache mode '{mode}' can only be used with "
                          "'host-passthrough' / 'maximum' CPUs")
    if mode in ("passthrough", "disable") and cpu.cache_level is not None:
        raise ConfigError(f"unsupported CPU cache level for mode '{mode}'")


def _check_topology(dom: Domain, caps: QemuCaps) -> None:
    """The topology must describe exactly the maximum vCPUs, and pSeries
    guests start whole cores (QEMU 2.7+, query-hotpluggable-cpus)."""
    cpu = dom.cpu
    if not caps.has("query-hotpluggable-cpus") or cpu is None or not cpu.sockets:
        return
    if cpu.sockets * cpu.dies * cpu.cores * cpu.threads != dom.vcpus.max:
        raise ConfigError("CPU topology doesn't match maximum vcpu count")
    granularity = cpu.threads if is_pseries(dom) else 1
    if dom.vcpus.current % granularity:
        raise ConfigError("vCPUs count must be a multiple of the vCPU hotplug granularity "
                          f"({granularity})")
