"""``-cpu`` and ``-smp``, after libvirt 1.3.1's qemuParseCommandLineCPU and
qemuParseCommandLineSmp."""

from __future__ import annotations

from ..cpumap_x86 import MODELS
from ..errors import ArgvError
from ..limits import VCPUS_MAX
from ..model.domain import Domain
from ..model.general import CPU, CPUFeature, Timer
from ..model.misc import Panic
from .options import parse_keywords, to_int
from .state import ArgvState

# The default CPU models of the x86 emulators: no <cpu> needed for them.
_DEFAULT_MODELS = ("qemu32", "qemu64")
# x86 CPU models without long mode, for models the CPU map lacks
_MODELS_32BIT = frozenset({"qemu32", "kvm32"})
_HYPERV_FLAGS = ("relaxed", "vapic")


def guest_cpu(dom: Domain) -> CPU:
    """qemuInitGuestCPU: the custom guest CPU, created on first use."""
    if dom.cpu is None:
        dom.cpu = CPU(mode="custom", match="exact")
    return dom.cpu


def _syntax(val: str) -> ArgvError:
    return ArgvError(f"unknown CPU syntax '{val}'")


def parse_cpu(dom: Domain, val: str) -> None:
    tokens = val.split(",")
    if not tokens or any(t == "" for t in tokens):
        raise _syntax(val)
    model: str | None = tokens[0]
    cpu: CPU | None = None
    if model == "host":
        # what libvirt writes for host-passthrough
        cpu = guest_cpu(dom)
        cpu.mode, cpu.match, model = "host-passthrough", None, None
    elif model not in _DEFAULT_MODELS:
        cpu = guest_cpu(dom)
        cpu.model, model = model, None
    for token in tokens[1:]:
        if token[0] in "+-":
            feature = token[1:]
            if not feature:
                raise _syntax(val)
            if dom.os.arch not in ("x86_64", "i686"):
                raise ArgvError("only x86 CPUs support features")
            required = token[0] == "+"
            if feature == "kvmclock":
                _kvmclock(dom, required)
            elif feature == "kvm_pv_eoi":
                dom.features.apic_eoi = required
            else:
                if cpu is None:
                    cpu = guest_cpu(dom)
                    cpu.model, model = model, None
                cpu.features.append(
                    CPUFeature(name=feature, policy="require" if required else "disable")
                )
        elif token == "hv_crash":
            _hyperv_panic(dom)
        elif token.startswith("hv_"):
            _hyperv(dom, token[len("hv_"):], val)
        elif token == "kvm=off":
            dom.features.flags["kvm"] = True
            dom.features.kvm_hidden = True
    # A 64-bit emulator running a CPU without long mode is a 32-bit guest.
    if dom.os.arch == "x86_64":
        is_32bit = not _long_mode(cpu) if cpu is not None else model == "qemu32"
        if is_32bit:
            dom.os.arch = "i686"


def _long_mode(cpu: CPU) -> bool:
    """Does the CPU (model plus feature policies) have the 'lm' flag?"""
    if cpu.mode == "host-passthrough":
        return True
    if cpu.model in MODELS:
        features = set(MODELS[cpu.model][1])
    else:
        features = set() if cpu.model in _MODELS_32BIT else {"lm"}
    for f in cpu.features:
        if f.policy == "require":
            features.add(f.name)
        elif f.policy == "disable":
            features.discard(f.name)
    return "lm" in features


def _kvmclock(dom: Domain, present: bool) -> None:
    timer = dom.clock.timer("kvmclock")
    if timer is None:
        dom.clock.timers.append(Timer(name="kvmclock", present=present))
    elif timer.present is not None and timer.present != present:
        raise ArgvError("conflicting occurrences of kvmclock feature")


def _hyperv_panic(dom: Domain) -> None:
    panics = dom.devices.panics
    if not any(getattr(p, "model", None) == "hyperv" for p in panics):
        panics.append(Panic(model="hyperv"))


def _hyperv(dom: Domain, token: str, val: str) -> None:
    feature, eq, value = token.partition("=")
    if not feature:
        raise _syntax(val)
    dom.features.flags["hyperv"] = True
    hv = dom.features.hyperv
    if feature in _HYPERV_FLAGS:
        if eq:
            raise ArgvError(f"HyperV feature '{feature}' should not have a value")
        setattr(hv, feature, True)
    elif feature == "spinlocks":
        hv.spinlocks = True
        if not eq:
            raise ArgvError("missing HyperV spinlock retry count")
        try:
            retries = to_int(value, 0)
        except ValueError:
            raise ArgvError("cannot parse HyperV spinlock retry count") from None
        if retries < 0 or retries > 0xFFFFFFFF:
            raise ArgvError("cannot parse HyperV spinlock retry count")
        # Hyper-V wants at least 0xfff retries.
        hv.retries = max(retries, 0xFFF)
    else:
        raise ArgvError(f"unsupported HyperV Enlightenment feature '{feature}'")


def handle_cpu(st: ArgvState, opt: str) -> bool:
    parse_cpu(st.dom, st.value(opt))
    return True


_TOPOLOGY = ("sockets", "cores", "threads")


def parse_smp(dom: Domain, val: str) -> None:
    """``N[,maxcpus=M][,sockets=S,cores=C,threads=T]``."""
    counts: dict[str, int] = {}
    try:
        for i, (key, value) in enumerate(parse_keywords(val, allow_empty=True)):
            if value is None:
                if i > 0:
                    raise ValueError(key)
                dom.vcpus.current = to_int(key)
            elif key in _TOPOLOGY or key == "maxcpus":
                counts[key] = to_int(value)
            else:
                raise ValueError(key)
    except (ValueError, ArgvError):
        raise ArgvError(f"cannot parse CPU topology '{val}'") from None
    if any(n < 0 for n in counts.values()) or dom.vcpus.current < 0:
        raise ArgvError(f"cannot parse CPU topology '{val}'")
    if dom.vcpus.current == 0:
        raise ArgvError(f"-smp '{val}': the number of CPUs must be at least 1")
    for name, count in (("CPUs", dom.vcpus.current), *counts.items()):
        if count > VCPUS_MAX:
            raise ArgvError(f"-smp '{val}': {count} {name} is above the limit of {VCPUS_MAX}")
    dom.vcpus.max = counts.get("maxcpus") or dom.vcpus.current
    if dom.vcpus.max < dom.vcpus.current:
        raise ArgvError(f"-smp '{val}': maxcpus must not be less than the number of CPUs")
    topo = [counts.get(k, 0) for k in _TOPOLOGY]
    if all(topo):
        cpu = guest_cpu(dom)
        cpu.sockets, cpu.cores, cpu.threads = topo
    elif any(topo):
        raise ArgvError(f"cannot parse CPU topology '{val}'")


def handle_smp(st: ArgvState, opt: str) -> bool:
    parse_smp(st.dom, st.value(opt))
    return True
