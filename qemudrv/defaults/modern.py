"""Post-parse defaults that libvirt 9.0's QEMU driver adds and 1.3.1's did
not (qemu_domain.c qemuDomainDefPostParse): the machine's canonical name,
the default CPU model the machine reports, the CPU check policy and the
default audio backend.

The machine and CPU tables are the capability set's ``[qemu]`` data
(``machine`` and ``cpu`` lists, one entry per accelerator: kvm or tcg).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..caps import QemuCaps
from ..errors import ConfigError
from ..model.audio import Audio
from ..model.domain import Domain
from ..model.general import CPU, CPUFeature

X86_ARCHS = ("i686", "x86_64")
S390_ARCHS = ("s390", "s390x")
S390_PASSTHROUGH_ONLY_MACHINES = (
    "s390-ccw-virtio-2.4", "s390-ccw-virtio-2.5", "s390-ccw-virtio-2.6", "s390-ccw-virtio-2.7",
)
PPC64_ARCHS = ("ppc64", "ppc64le")
# cpu.c virCPUArchIsSupported: the architectures with a CPU driver.
CPU_DRIVER_ARCHS = (*X86_ARCHS, *PPC64_ARCHS, *S390_ARCHS, "armv6l", "armv7b", "armv7l", "aarch64")

# qemuAudioDriver: QEMU_AUDIO_DRV's names for the <audio> types.
QEMU_AUDIO_DRIVERS = {
    "none": "none", "alsa": "alsa", "coreaudio": "coreaudio", "jack": "jack", "oss": "oss",
    "pa": "pulseaudio", "sdl": "sdl", "spice": "spice", "wav": "file", "dbus": "dbus",
}
SDL_AUDIO_DRIVERS = ("esd", "alsa", "arts", "pulseaudio")


def _accel(dom: Domain) -> str:
    """virQEMUCapsGetAccel: KVM domains use the kvm tables, others tcg's."""
    return "kvm" if dom.virt_type == "kvm" else "tcg"


@dataclass(frozen=True)
class _QemuTables:
    """The [qemu] machine and CPU lists, indexed once per capability set."""

    machines: dict[str, list[Mapping[str, Any]]]
    # (accel, machine name or alias) -> default CPU type
    default_cpu: dict[tuple[str, str], str]
    # (accel, CPU QOM type) -> CPU model name
    cpu_by_type: dict[tuple[str, str], str]


_TABLES: dict[int, tuple[Mapping[str, Any], _QemuTables]] = {}


def _qemu_tables(caps: QemuCaps) -> _QemuTables:
    # The harness shares one tables mapping between the cases of a set.
    key = id(caps.tables)
    cached = _TABLES.get(key)
    if cached is not None and cached[0] is caps.tables:
        return cached[1]
    qemu = caps.table("qemu")
    machines: dict[str, list[Mapping[str, Any]]] = {}
    default_cpu: dict[tuple[str, str], str] = {}
    for m in qemu.get("machine", ()) or ():
        if not isinstance(m, Mapping):
            continue
        accel = str(m.get("type"))
        machines.setdefault(accel, []).append(m)
        cpu = m.get("defaultCPU")
        for name in (m.get("name"), m.get("alias")):
            if name and cpu:
                default_cpu.setdefault((accel, str(name)), str(cpu))
    cpu_by_type: dict[tuple[str, str], str] = {}
    for model in qemu.get("cpu", ()) or ():
        if isinstance(model, Mapping) and model.get("typename"):
            cpu_by_type.setdefault((str(model.get("type")), str(model["typename"])),
                                   str(model["name"]))
    tables = _QemuTables(machines, default_cpu, cpu_by_type)
    _TABLES[key] = (caps.tables, tables)
    return tables


def _machines(caps: QemuCaps, accel: str) -> list[Mapping[str, Any]]:
    return _qemu_tables(caps).machines.get(accel, [])


def canonicalize_machine(dom: Domain, caps: QemuCaps) -> None:
    """qemuCanonicalizeMachine: an alias ('pc') names its machine. Sets
    whose aliases were stripped (the 'latest' ones) know aliases as
    machines of their own, so they keep the alias."""
    if not dom.os.machine or caps.conf("strip_machine_aliases"):
        return
    for m in _machines(caps, _accel(dom)):
        if m.get("alias") == dom.os.machine:
            dom.os.machine = str(m["name"])
            return


def _machine_default_cpu(dom: Domain, caps: QemuCaps) -> str | None:
    """virQEMUCapsGetMachineDefaultCPU: the CPU model whose QOM type is
    the machine's default CPU type."""
    accel = _accel(dom)
    tables = _qemu_tables(caps)
    # A stripped alias is a machine of its own with the same defaults.
    cpu_type = tables.default_cpu.get((accel, dom.os.machine or ""))
    if not cpu_type:
        return None
    return tables.cpu_by_type.get((accel, cpu_type))


def set_default_cpu(dom: Domain, caps: QemuCaps) -> None:
    """qemuDomainDefSetDefaultCPU."""
    cpu = dom.cpu
    if cpu is not None and (cpu.mode != "custom" or cpu.model):
        return
    arch = dom.os.arch or ""
    if arch not in CPU_DRIVER_ARCHS:
        return
    # The default CPU reported by QEMU only holds for TCG except on x86,
    # s390 and ppc64.
    if arch not in (*X86_ARCHS, *S390_ARCHS, *PPC64_ARCHS) and dom.virt_type != "qemu":
        return
    model = _machine_default_cpu(dom, caps)
    if model is None:
        return
    if model == "host" and dom.virt_type != "kvm":
        raise ConfigError('QEMU reports invalid default CPU model "host" '
                          "for non-kvm domain virt type")
    if cpu is None:
        cpu = dom.cpu = CPU()
    if model == "host":
        # virQEMUCapsIsCPUModeSupported: old s390 machines only pass the host CPU through.
        host_model = arch in S390_ARCHS and dom.os.machine not in S390_PASSTHROUGH_ONLY_MACHINES
        cpu.mode = "host-model" if host_model else "host-passthrough"
        return
    # The default model (qemu64...) may not run on the host as such: QEMU
    # drops what it cannot provide, so nothing is checked.
    cpu.check = "none"
    cpu.mode = "custom"
    cpu.match = "exact"
    cpu.fallback = "forbid"
    cpu.fallback_set = True
    cpu.model = model


def cpu_post_parse(dom: Domain, caps: QemuCaps) -> None:
    """qemuDomainDefCPUPostParse: SVE vector lengths imply SVE; the
    migratable and check defaults of each CPU mode."""
    cpu = dom.cpu
    if cpu is None:
        return
    sve = next((f for f in cpu.features if f.name == "sve"), None)
    if any(f.name.startswith("sve") and f.name != "sve" for f in cpu.features):
        if sve is None:
            cpu.features.append(CPUFeature("sve", "require"))
        elif sve.policy in ("disable", "forbid"):
            raise ConfigError("SVE disabled, but SVE vector lengths provided")
        else:
            sve.policy = "require"
    if (dom.id is None and cpu.mode == "host-passthrough" and cpu.migratable is None):
        if caps.has("cpu.migratable"):
            cpu.migratable = "on"
        elif (dom.os.arch or "") in X86_ARCHS:
            cpu.migratable = "off"
    if cpu.mode == "custom" and not cpu.model:
        return
    if cpu.check is not None:
        return
    if cpu.mode in ("host-passthrough", "maximum"):
        cpu.check = "none"
    elif cpu.mode == "host-model":
        cpu.check = "partial"
    elif cpu.mode == "custom":
        # TCG CPUs are not compared with the host's by default.
        cpu.check = "none" if dom.virt_type == "qemu" else "partial"


def _environ(caps: QemuCaps) -> Mapping[str, Any]:
    environ = caps.conf("environ")
    if isinstance(environ, Mapping):
        return environ
    return caps.env.get("set", {}) or {}


def add_default_audio(dom: Domain, caps: QemuCaps) -> None:
    """qemuDomainDefAddDefaultAudioBackend: what the graphics (or their
    absence) imply; host audio passes through only from QEMU_AUDIO_DRV."""
    if dom.devices.audios:
        return
    add = False
    passthrough = False
    backend = "none"
    for g in dom.devices.graphics:
        if g.type == "vnc":
            passthrough = bool(caps.conf("vnc_allow_host_audio"))
            if not passthrough:
                backend = "none"
            add = True
        elif g.type == "spice":
            passthrough = False
            backend = "spice"
            add = True
        elif g.type == "sdl":
            passthrough = True
            add = True
    if not dom.devices.graphics:
        passthrough = bool(caps.conf("nogfx_allow_host_audio"))
        if not passthrough:
            backend = "none"
        add = True
    environ = _environ(caps)
    if add and passthrough:
        env = environ.get("QEMU_AUDIO_DRV")
        if env is None:
            add = False
        else:
            found = QEMU_AUDIO_DRIVERS.get(str(env))
            if found is None:
                raise ConfigError(f"unknown QEMU_AUDIO_DRV setting {env}")
            backend = found
    if not add:
        return
    attrs: list[tuple[str, str]] = []
    if backend == "sdl":
        sdl = environ.get("SDL_AUDIODRIVER")
        if sdl is not None:
            if sdl not in SDL_AUDIO_DRIVERS:
                raise ConfigError(f"unknown SDL_AUDIODRIVER setting {sdl}")
            attrs.append(("driver", str(sdl)))
    dom.devices.audios.append(Audio(1, backend, attrs))



def enable_default_features(dom: Domain, caps: QemuCaps) -> None:
    """qemuDomainDefEnableDefaultFeatures: the ARM virt machine always has
    a GIC; without a version, the highest the accelerator offers (not 3
    under TCG: emulated GICv3 has no MSI controller), else 2."""
    features = dom.features
    machine = dom.os.machine or ""
    arm_virt = (dom.os.arch or "") in ("armv6l", "armv7l", "aarch64") and (
        machine == "virt" or machine.startswith("virt-"))
    gic = features.flags.get("gic")
    if not ((gic is None and arm_virt) or (gic and features.gic_version is None)):
        return
    implementation = "kernel" if dom.virt_type == "kvm" else "emulated"
    offered = {str(entry.get("version")) for entry in caps.table("qemu").get("gic", ()) or ()
               if entry.get(implementation) == "yes"}
    version = "2"
    if "3" in offered and dom.virt_type != "qemu":
        version = "3"
    features.flags["gic"] = True
    features.gic_version = version
