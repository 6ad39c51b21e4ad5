"""What happens between parsing a definition and using it.

``post_parse`` is libvirt's virDomainDefPostParse with the QEMU driver's
callbacks (qemuDomainDefPostParse, qemuDomainDeviceDefPostParse): default
emulator and machine, implicit devices, per-family defaults, memory sizes.
It runs for xml2argv and xml2xml alike.

``prepare_for_command_line`` holds the xml2argv-only steps, in the order of
libvirt 1.3.1's test program and qemuProcessStart: machine rewrites, PCI
address assignment, extra capability flags, host device backends, numad
advice and storage pool translation.

Device families plug in through the hook tables below: direct references to
the functions in ``qemudrv.defaults``, so a misspelt or missing hook fails at
import instead of silently doing nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .bitmap import parse_bitmap
from .caps import Guest, QemuCaps
from .defaults import (
    addresses,
    chardev,
    controllers,
    disk,
    firmware,
    hostdev,
    input,
    memory,
    misc,
    modern,
    net,
    shmem,
    tpm,
    usb_addresses,
    video,
)
from .errors import ConfigError, UnsupportedError, XMLError
from .model.domain import Domain

Hook = Callable[[Domain, QemuCaps], None]

# qemuDomainDefPostParse: devices the QEMU driver adds to every definition
# (controllers, memory balloon, ...), before per-device defaults.
DEFAULT_DEVICE_HOOKS: tuple[Hook, ...] = (
    controllers.add_default_devices,
    misc.add_default_devices,
)

# Per-device defaults (qemuDomainDeviceDefPostParse and the generic device
# post-parse), family by family in libvirt's device iteration order. The
# filesystem, smartcard, graphics, sound, redirdev and rng families need none.
DEVICE_HOOKS: tuple[Hook, ...] = (
    disk.disk_post_parse,
    controllers.controller_post_parse,
    net.net_post_parse,
    chardev.chardev_post_parse,
    input.add_implicit_inputs,
    video.video_post_parse,
    hostdev.hostdev_post_parse,
    misc.misc_post_parse,
)

# virDomainDefPostParseInternal: after the devices, the implicit controllers
# that the devices need (IDE, FDC, SCSI, virtio-serial, CCID, USB...).
IMPLICIT_CONTROLLER_HOOKS: tuple[Hook, ...] = (
    controllers.add_implicit_controllers,
)

# xml2argv only: address assignment (qemuDomainAssignAddresses).
ADDRESS_HOOKS: tuple[Hook, ...] = (
    addresses.assign_addresses,
    memory.assign_memory_slots,
)

# xml2argv only, after addresses (and after pci-multibus is added): device
# aliases (qemuAssignDeviceAliases, whatever the flags), then the test
# program's and qemuProcessStart's preparation of devices.
PREPARE_HOOKS: tuple[Hook, ...] = (
    addresses.assign_aliases,
    misc.assign_aliases,
    hostdev.set_default_backend,
    disk.translate_pool_sources,
)


def _call_hooks(hooks: tuple[Hook, ...], dom: Domain, caps: QemuCaps) -> None:
    for hook in hooks:
        hook(dom, caps)


# -- guest lookup -----------------------------------------------------------


def default_arch(caps: QemuCaps, os_type: str, virt_type: str) -> str | None:
    """virCapabilitiesDefaultGuestArch: the host's arch when a guest of it
    offers the domain type, else the first guest that does."""
    candidates = [
        g for g in caps.guests
        if g.os_type == os_type and g.domain(virt_type) is not None
    ]
    for g in candidates:
        if g.arch == caps.host_arch:
            return g.arch
    return candidates[0].arch if candidates else None


# find_guest's answers per capability set: the guests come from the set's
# tables alone (keyed by id(caps.tables), holding a reference to them).
_GUESTS_FOUND: dict[int, tuple[Any, dict[tuple[str, str | None, str], Guest | None]]] = {}


def find_guest(caps: QemuCaps, dom: Domain) -> Guest | None:
    key = id(caps.tables)
    cached = _GUESTS_FOUND.get(key)
    if cached is None or cached[0] is not caps.tables:
        cached = (caps.tables, {})
        _GUESTS_FOUND[key] = cached
    question = (dom.os.type, dom.os.arch, dom.virt_type)
    if question not in cached[1]:
        cached[1][question] = _find_guest(caps.guests, *question)
    return cached[1][question]


def _find_guest(guests: tuple[Guest, ...], os_type: str, arch: str | None, virt_type: str
                ) -> Guest | None:
    matches = [g for g in guests if g.os_type == os_type and g.arch == arch]
    for g in matches:
        if g.domain(virt_type):
            return g
    return matches[0] if matches else None


def _apply_guest_defaults(dom: Domain, caps: QemuCaps) -> None:
    """Arch, emulator and machine type from the capabilities' guest table."""
    if not caps.guests:
        return
    if not dom.os.arch:
        arch = default_arch(caps, dom.os.type, dom.virt_type)
        if arch is None:
            raise XMLError(
                f"no supported architecture for os type '{dom.os.type}'"
            )
        dom.os.arch = arch
    guest = find_guest(caps, dom)
    if guest is None:
        # 9.0 takes the machine from the named emulator's capabilities and
        # leaves an arch it cannot run to validation.
        if dom.devices.emulator and (dom.os.machine or dom.modern):
            return
        raise ConfigError(f"No guest options available for arch '{dom.os.arch}'")
    if not dom.devices.emulator:
        dom.devices.emulator = guest.emulator_for(dom.virt_type)
    if not dom.os.machine:
        machines = guest.machines_for(dom.virt_type)
        if machines:
            dom.os.machine = machines[0].name


# -- memory -----------------------------------------------------------------


def dimm_total(dom: Domain) -> int:
    return sum(m.size for m in dom.devices.memories)


def _post_parse_memory(dom: Domain, abi_update: bool = False) -> None:
    """virDomainDefPostParseMemory: initial memory from the NUMA cells, or
    the total minus the memory devices; the balloon never exceeds it."""
    mem = dom.memory
    cells = dom.cpu.cells if dom.cpu else []
    numa_mem = sum(c.memory for c in cells)
    hotplug = dimm_total(dom)
    if numa_mem:
        mem.initial = numa_mem
        # A total given in the XML is kept unless the ABI may be updated
        # (a new definition); a missing one is inferred from the NUMA cells.
        if not mem.total or abi_update:
            mem.total = numa_mem + hotplug
        if dom.modern:
            # virDomainDefGetMemoryInitial: what the modules leave of the total.
            mem.initial = mem.total - hotplug
    else:
        if mem.total < hotplug:
            raise XMLError("Total size of memory devices exceeds the total memory size")
        mem.initial = mem.total - hotplug
    if mem.initial == 0:
        raise XMLError("Memory size must be specified via <memory> or in the <numa> configuration")
    if mem.cur_balloon == 0 or mem.cur_balloon > mem.total:
        mem.cur_balloon = mem.total
    if bool(mem.max_memory) != bool(mem.slots):
        raise XMLError("both maximum memory size and memory slot count must be specified")
    if mem.max_memory and mem.max_memory < mem.total:
        raise XMLError("maximum memory size must be equal or greater than the actual memory size")


def _post_parse_hugepages(dom: Domain) -> None:
    """virDomainDefPostParseMemtune (9.0): without guest NUMA, a page set for
    node 0 alone is the page size of all memory, not a node's."""
    if dom.cpu and dom.cpu.cells:
        return
    for page in dom.memory.hugepages:
        if page.nodeset == frozenset({0}):
            page.nodeset = None


# libvirt 9.0's qemuDomainDefPostParse, in its order: the implicit inputs
# come first, the audio backend last of the default devices; then the
# machine's canonical name and default CPU.
MODERN_DEFAULT_DEVICE_HOOKS: tuple[Hook, ...] = (
    controllers.assign_controller_indexes,
    input.add_implicit_inputs,
    *DEFAULT_DEVICE_HOOKS,
    modern.add_default_audio,
    modern.canonicalize_machine,
    modern.set_default_cpu,
    modern.enable_default_features,
)
MODERN_DEVICE_HOOKS: tuple[Hook, ...] = (
    *(hook for hook in DEVICE_HOOKS if hook is not input.add_implicit_inputs),
    memory.memory_device_post_parse,
    modern.cpu_post_parse,
    memory.numa_cpus_post_parse,
    shmem.shmem_post_parse,
    tpm.tpm_post_parse,
    hostdev.mdev_post_parse,
    firmware.os_post_parse,
)


def _default_nvram(dom: Domain, caps: QemuCaps) -> None:
    """qemuDomainDefPostParse (libvirt 9.0): a read-only pflash loader given
    no NVRAM keeps its variables in the driver's NVRAM directory, unless the
    firmware is stateless."""
    ld = dom.os.loader
    nvram_dir = caps.conf("nvram_dir")
    if (ld is None or ld.type != "pflash" or ld.readonly is not True or ld.stateless is True
            or ld.nvram is not None or ld.nvram_type is not None or not nvram_dir):
        return
    ld.nvram = f"{nvram_dir}/{dom.name}_VARS.fd"


def _post_parse_vcpu_states(dom: Domain) -> None:
    """qemuDomainDefVcpusPostParse, then virDomainVcpuDefPostParse, for a
    definition that lists its vCPUs (without a list none of this can fail)."""
    states = dom.vcpus.states
    if states is None:
        return
    first = states[0]
    if not first.online:
        raise ConfigError("vcpu 0 can't be offline")
    if first.hotpluggable is True:
        raise ConfigError("vcpu0 can't be hotpluggable")
    if first.order not in (0, 1):
        raise ConfigError("vcpu0 must be enabled first")
    has_order = first.order != 0
    previous = first
    for vcpu in states[1:]:
        if vcpu.online and (vcpu.order != 0) != has_order:
            raise ConfigError("all vcpus must have either set or unset order")
        if vcpu.hotpluggable is False:
            if previous.hotpluggable is True:
                raise ConfigError("online non-hotpluggable vcpus need to be ordered prior to "
                                  "hotplugable vcpus")
            if previous.order > vcpu.order:
                raise ConfigError("online non-hotpluggable vcpus must be ordered in "
                                  "ascending order")
        previous = vcpu
    for i, vcpu in enumerate(states):
        if vcpu.hotpluggable is None:
            vcpu.hotpluggable = not vcpu.online
        elif vcpu.hotpluggable is False and not vcpu.online:
            raise ConfigError(f"vcpu '{i}' is both offline and not hotpluggable")


def post_parse(dom: Domain, caps: QemuCaps) -> None:
    """virDomainDefPostParse with the QEMU driver's callbacks."""
    _apply_guest_defaults(dom, caps)
    if dom.modern:
        _default_nvram(dom, caps)
        _call_hooks(MODERN_DEFAULT_DEVICE_HOOKS, dom, caps)
        _call_hooks(MODERN_DEVICE_HOOKS, dom, caps)
        _post_parse_memory(dom, "abi-update" in (caps.conf("parse_flags", ()) or ()))
        _post_parse_hugepages(dom)
        _call_hooks(IMPLICIT_CONTROLLER_HOOKS, dom, caps)
        _post_parse_vcpu_states(dom)
        # libvirt 9.0 assigns addresses while parsing (the assignAddresses
        # callback of virDomainDefPostParse), not only for a command line.
        _call_hooks(ADDRESS_HOOKS, dom, caps)
        usb_addresses.assign_usb_addresses(dom, new_domain=False)
        return
    _call_hooks(DEFAULT_DEVICE_HOOKS, dom, caps)
    _call_hooks(DEVICE_HOOKS, dom, caps)
    _post_parse_memory(dom)
    _call_hooks(IMPLICIT_CONTROLLER_HOOKS, dom, caps)


# -- xml2argv preparation ---------------------------------------------------


def _rewrite_machine(dom: Domain, caps: QemuCaps) -> None:
    for rule in caps.conf("machine_rewrites", ()) or ():
        if dom.os.machine == rule.get("machine") and dom.emulator == rule.get("emulator"):
            dom.os.machine = rule.get("to")


def _numad(dom: Domain, caps: QemuCaps) -> None:
    """Automatic placement asks numad for a nodeset (a fixed one here)."""
    tune = dom.numatune
    auto = dom.vcpus.placement == "auto" or (
        tune is not None and tune.memory_set and tune.placement == "auto"
    )
    if not auto:
        return
    # The test programs give a fixed advice (config, else the host table).
    advice = caps.conf("numad_nodeset") or caps.host.get("numad_nodeset")
    if advice:
        dom.numad_nodeset = parse_bitmap(str(advice), "numad nodeset")


def align_memory(dom: Domain, caps: QemuCaps) -> None:
    """qemuDomainAlignMemorySizes: 1 MiB (ppc64: 256 MiB) for the initial
    memory and NUMA cells, 2 MiB (ppc64: 256 MiB) for memory modules."""
    ppc64 = dom.os.arch in ("ppc64", "ppc64le")
    align = 256 * 1024 if ppc64 else 1024
    module_align = 256 * 1024 if ppc64 else 2048
    max_kib = (2**64 - 1) >> 10
    max_capped = (2**63 - 1) >> 10
    # libvirt 9.0 aligns while starting the domain (a command line failure);
    # its tests' virMemoryMaxValue() gives the host's one limit either way.
    error: type[Exception] = ConfigError
    if dom.modern:
        max_kib = max_capped = int(caps.host.get("memory_max_value", 2**63 - 1)) >> 10
        error = UnsupportedError
    mem = dom.memory
    cells = dom.cpu.cells if dom.cpu else []
    initial = 0
    for i, cell in enumerate(cells):
        size = _round_up(cell.memory, align)
        if size > max_kib:
            raise error(f"memory size of NUMA node '{i}' overflowed after alignment")
        cell.memory = size
        initial += size
    if initial == 0:
        initial = _round_up(mem.initial, align)
    if initial > max_capped:
        raise error("initial memory size overflowed after alignment")
    mem.initial = initial
    mem.max_memory = _round_up(mem.max_memory, align)
    if mem.max_memory > max_kib:
        raise error("maximum memory size overflowed after alignment")
    hotplug = 0
    for i, m in enumerate(dom.devices.memories):
        if dom.modern and ppc64 and m.model == "nvdimm":
            memory.align_nvdimm_pseries(m)
            hotplug += m.size
            continue
        module_size = _round_up(m.size, module_align)
        if module_size > max_kib:
            raise error(f"size of memory module '{i}' overflowed after alignment")
        m.size = module_size
        hotplug += module_size
    mem.total = initial + hotplug


def _round_up(value: int, align: int) -> int:
    return -(-value // align) * align


def prepare_for_command_line(
    dom: Domain, caps: QemuCaps, *, migrate_from: str | None = None
) -> None:
    """The xml2argv steps between post-parse and the command line."""
    _rewrite_machine(dom, caps)
    if caps.has("device"):
        _call_hooks(ADDRESS_HOOKS, dom, caps)
    if dom.modern:
        # Only a domain started anew gets USB ports for every device; a
        # failure here refuses the start, whatever the error's kind.
        try:
            usb_addresses.assign_usb_addresses(dom, new_domain=not migrate_from)
        except (XMLError, ConfigError) as exc:
            raise UnsupportedError(str(exc), code=exc.code) from None
    if dom.os.arch in (caps.conf("pci_multibus_guest_archs", ()) or ()):
        caps.flags.add("pci-multibus")
    _call_hooks(PREPARE_HOOKS, dom, caps)
    _numad(dom, caps)
    if not migrate_from:
        align_memory(dom, caps)
