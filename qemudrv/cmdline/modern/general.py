"""The general (non-device) options of libvirt 9.0's qemuBuildCommandLine.

Environment, name, master key secret, -machine and -accel, -cpu for the
machine's default model, memory with its default RAM backend, -smp, display,
monitor, clock, power management, boot, audio backends, seccomp sandbox and
the message timestamps, in the forms libvirt 9.0 writes them for QEMU 7.2/8.0.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...bitmap import format_bitmap
from ...caps import QemuCaps
from ...errors import ConfigError, UnsupportedError
from ...model.domain import Domain
from .. import general as legacy
from .. import general_memory as memory
from ..command import CommandLine
from . import cpu as cpu_model
from . import features, platform
from .props import Props, add_audiodev, add_blockdev, add_object, escape_comma

# virDomainDefGetShortName: the name is cut to this many characters.
_SHORT_NAME_MAX = 20

# virCommandAddEnvPassCommon, in its order.
_PASSED_ENV = ("LD_PRELOAD", "LD_LIBRARY_PATH", "PATH", "HOME", "USER", "LOGNAME", "TMPDIR")


def domain_lib_dir(dom: Domain, caps: QemuCaps) -> str:
    """priv->libDir: the domain's private directory under the driver's lib_dir."""
    domain_id = dom.id if dom.id is not None else int(caps.host.get("domain_id", -1))
    lib_dir = str(caps.conf("lib_dir", "/var/lib/libvirt/qemu"))
    return f"{lib_dir}/domain-{domain_id}-{dom.name[:_SHORT_NAME_MAX]}"


def machine_info(dom: Domain, caps: QemuCaps) -> Mapping[str, Any]:
    """The emulator's entry for the domain's machine type and accelerator."""
    accel = "kvm" if dom.virt_type == "kvm" else "tcg"
    for entry in caps.table("qemu").get("machine", ()):
        if entry.get("type", accel) != accel:
            continue
        if dom.machine in (entry.get("name"), entry.get("alias")):
            return entry  # type: ignore[no-any-return]
    return {}


# -- environment and header -------------------------------------------------


def build_env(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    cmd.setenv("LC_ALL", "C")
    env_set = caps.env.get("set", {}) or caps.conf("environ", {}) or {}
    for name in _PASSED_ENV:
        if name in env_set:
            cmd.setenv(name, str(env_set[name]))
    lib_dir = domain_lib_dir(dom, caps)
    if caps.conf("privileged", True):
        # HOME and XDG_* point into the domain's directory, never at '/'.
        cmd.setenv("HOME", lib_dir)
        cmd.setenv("XDG_DATA_HOME", f"{lib_dir}/.local/share")
        cmd.setenv("XDG_CACHE_HOME", f"{lib_dir}/.cache")
        cmd.setenv("XDG_CONFIG_HOME", f"{lib_dir}/.config")
    else:
        cmd.setenv("XDG_CACHE_HOME", f"{lib_dir}/.cache")


def build_name(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    name = "guest=" + escape_comma(dom.name)
    if caps.conf("set_process_name"):
        name += f",process=qemu:{dom.name}"
    cmd.add("-name", name + ",debug-threads=on")
    cmd.add("-S")


def build_master_key(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildMasterKeyCommandLine: the secret other secrets are encrypted with."""
    path = f"{domain_lib_dir(dom, caps)}/master-key.aes"
    add_object(cmd, "secret", "masterKey0", {"format": "raw", "file": path}, caps)


# -- firmware -----------------------------------------------------------------


def _pflash_images(dom: Domain, caps: QemuCaps) -> list[tuple[str, str, bool]]:
    """(node prefix, path, read-only) of the loader and NVRAM flash images."""
    ld = dom.os.loader
    if ld is None or not ld.path or ld.type != "pflash":
        return []
    images = [("libvirt-pflash0", ld.path, bool(ld.readonly))]
    nvram = ld.nvram
    nvram_dir = caps.conf("nvram_dir")
    if not nvram and ld.readonly and nvram_dir and not ld.stateless:
        # qemuFirmwareEnsureNVRAM: a read-only loader keeps its variables here
        # (a stateless firmware keeps none).
        nvram = f"{nvram_dir}/{dom.name}_VARS.fd"
    if nvram:
        images.append(("libvirt-pflash1", nvram, False))
    return images


def build_pflash(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildPflashBlockdevCommandLine: the flash images as blockdev nodes."""
    for node, path, readonly in _pflash_images(dom, caps):
        add_blockdev(cmd, {"driver": "file", "filename": path, "node-name": f"{node}-storage",
                           "auto-read-only": True, "discard": "unmap"})
        add_blockdev(cmd, {"node-name": f"{node}-format", "read-only": readonly,
                           "driver": "raw", "file": f"{node}-storage"})


def build_loader(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildDomainLoaderCommandLine: a ROM loader is -bios."""
    ld = dom.os.loader
    if ld is not None and ld.path and (ld.type or "rom") == "rom":
        cmd.add("-bios", ld.path)


# -- machine, accelerator, CPU ----------------------------------------------


def build_machine(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildMachineCommandLine."""
    opts = [dom.machine, "usb=off"]
    opts.extend(features.machine_options(dom, caps))
    dump = dom.memory.dump_core
    if dump is None:
        dump = bool(caps.conf("dump_guest_core", False))
    opts.append(f"dump-guest-core={'on' if dump else 'off'}")
    if dom.memory.nosharepages:
        opts.append("mem-merge=off")
    if not _has_numa(dom):
        ram_id = machine_info(dom, caps).get("defaultRAMid")
        if ram_id:
            opts.append(f"memory-backend={ram_id}")
    opts.extend(platform.machine_options(dom, caps))
    for i, _image in enumerate(_pflash_images(dom, caps)):
        opts.append(f"pflash{i}=libvirt-pflash{i}-format")
    if dom.os.bios_useserial:
        opts.append("graphics=off")
    hpet = dom.clock.timer("hpet")
    if hpet is not None and hpet.present is not None and caps.has("machine-hpet"):
        opts.append(f"hpet={'on' if hpet.present else 'off'}")
    cmd.add("-machine", ",".join(opts))


def build_accel(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    accel = {"qemu": "tcg", "kvm": "kvm", "hvf": "hvf"}.get(dom.virt_type)
    cmd.add("-accel", ",".join([accel or "", *features.accel_options(dom)]))


def build_cpu(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildCpuCommandLine: the model, then the hypervisor features."""
    cpu = dom.cpu
    arch = dom.os.arch or ""
    emulator = dom.emulator or ""
    model: list[str] = []
    if cpu is not None and (cpu.model or cpu.mode != "custom"):
        model = cpu_model.model_arg(dom, caps)
    elif arch == "i686" and ("x86_64" in emulator or
                             (caps.host_arch == "x86_64" and "kvm" in emulator)):
        # A 32-bit guest on a 64-bit emulator needs a 32-bit CPU.
        model = ["qemu32"]
    extra = [*features.cpu_switches(dom), *cpu_model.cache_and_address_switches(dom, caps)]
    if extra and not model:
        default = {"i686": "qemu32", "x86_64": "qemu64"}.get(arch)
        if default is None:
            raise ConfigError("CPU flags requested but can't determine default CPU "
                              f"for arch {arch}")
        model = [default]
    if model:
        cmd.add("-cpu", ",".join([*model, *extra]))


# -- memory and vCPUs -------------------------------------------------------


def _has_numa(dom: Domain) -> bool:
    return bool(dom.cpu is not None and dom.cpu.cells)


def build_memory(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildMemCommandLine with the machine's default RAM backend."""
    mem = dom.memory
    cells = len(dom.cpu.cells) if dom.cpu else 0
    for page in mem.hugepages:
        beyond = sorted(n for n in page.nodeset or () if n >= max(cells, 1))
        if beyond:
            raise UnsupportedError(f"hugepages: node {beyond[0]} not found", code="")
    if mem.max_memory and mem.slots:
        cmd.add("-m", f"size={mem.initial}k,slots={mem.slots},maxmem={mem.max_memory}k")
    else:
        cmd.add("-m", str(mem.initial // 1024))
    ram_id = machine_info(dom, caps).get("defaultRAMid")
    if ram_id and not _has_numa(dom):
        _default_ram_backend(cmd, dom, caps, str(ram_id))
    cmd.add("-overcommit", f"mem-lock={'on' if mem.locked else 'off'}")


def _default_ram_backend(cmd: CommandLine, dom: Domain, caps: QemuCaps, ram_id: str) -> None:
    """qemuBuildMemCommandLineMemoryDefaultBackend: the guest's RAM as an object
    with the ID older QEMUs gave it, so the domain stays migratable."""
    mem = dom.memory
    size = mem.initial * 1024
    page = mem.hugepages[0].size if mem.hugepages else None
    if page is None or page == memory.system_page_kib(caps):
        add_object(cmd, "memory-backend-ram", ram_id, {"size": size}, caps)
        return
    base = memory.hugepage_path_for(caps, page) if page else memory.default_hugepage_path(caps)
    domain_id = dom.id if dom.id is not None else int(caps.host.get("domain_id", -1))
    props: Props = {"mem-path": f"{base}/{domain_id}-{dom.name[:_SHORT_NAME_MAX]}"}
    if caps.has("memory-backend-file.x-use-canonical-path-for-ramblock-id"):
        props["x-use-canonical-path-for-ramblock-id"] = False
    props["prealloc"] = True
    props["size"] = size
    add_object(cmd, "memory-backend-file", ram_id, props, caps)


_POLICIES = {"strict": "bind", "preferred": "preferred", "interleave": "interleave"}


def _cell_host_nodes(dom: Domain, cell: int) -> tuple[list[int], str | None]:
    """The host nodes and policy of a guest node's memory (numatune)."""
    tune = dom.numatune
    if tune is None:
        return [], None
    for memnode in tune.memnodes:
        if memnode.cellid == cell:
            return sorted(memnode.nodeset), _POLICIES.get(memnode.mode)
    nodeset = tune.nodeset
    if tune.placement == "auto":
        nodeset = dom.numad_nodeset
    if not tune.memory_set or nodeset is None:
        return [], None
    return sorted(nodeset), _POLICIES.get(tune.mode)


def _cell_page(dom: Domain, cell: int) -> int | None:
    """The huge page size backing a guest node, None for normal memory."""
    for page in dom.memory.hugepages:
        if page.nodeset is None or cell in page.nodeset:
            return page.size
    return None


def build_numa(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildNumaCommandLine: a memory backend and a -numa node per cell."""
    cells = dom.cpu.cells if dom.cpu else []
    for i, cell in enumerate(cells):
        alias = f"ram-node{i}"
        props: Props = {}
        page = _cell_page(dom, i)
        prealloc = False
        if page is not None and page != memory.system_page_kib(caps):
            base = memory.hugepage_path_for(caps, page) if page else \
                memory.default_hugepage_path(caps)
            domain_id = dom.id if dom.id is not None else int(caps.host.get("domain_id", -1))
            props["mem-path"] = f"{base}/{domain_id}-{dom.name[:_SHORT_NAME_MAX]}"
            if cell.mem_access is not None:
                props["share"] = cell.mem_access == "shared"
            props["prealloc"] = prealloc = True
            qom_type = "memory-backend-file"
        else:
            qom_type = "memory-backend-ram"
        props["size"] = cell.memory * 1024
        nodes, policy = _cell_host_nodes(dom, i)
        if nodes and policy:
            props["host-nodes"] = nodes
            props["policy"] = policy
        if prealloc and nodes and policy and caps.has("thread-context"):
            # QEMU preallocates with threads pinned to the host nodes.
            add_object(cmd, "thread-context", f"tc-{alias}", {"node-affinity": nodes}, caps)
            props["prealloc-context"] = f"tc-{alias}"
        add_object(cmd, qom_type, alias, props, caps)
        opt = f"node,nodeid={i}"
        for cpus in format_bitmap(cell.cpus).split(","):
            opt += f",cpus={cpus}"
        cmd.add("-numa", opt + f",memdev={alias}")


def build_smp(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    v = dom.vcpus
    opt = str(v.current)
    if v.current != v.max:
        opt += f",maxcpus={v.max}"
    cpu = dom.cpu
    if cpu is not None and cpu.sockets:
        opt += f",sockets={cpu.sockets}"
        if caps.has("smp-dies"):
            opt += ",dies=1"
        opt += f",cores={cpu.cores},threads={cpu.threads}"
    else:
        opt += f",sockets={v.max},cores=1,threads=1"
    cmd.add("-smp", opt)


# -- display, defaults and monitor ------------------------------------------


def build_display_and_defaults(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    if not dom.devices.graphics:
        cmd.add("-display", "none")
    cmd.add("-no-user-config", "-nodefaults")


def build_monitor(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """The QMP monitor: a listening unix socket, handed over as an fd where
    the host passes one (libvirt's test mocks), else by its path."""
    fd = caps.table("fds").get("unix_listen")
    if fd is not None:
        source = f"fd={fd}"
    else:
        path = caps.monitor.get("path") or f"{domain_lib_dir(dom, caps)}/monitor.sock"
        source = f"path={escape_comma(str(path))}"
    cmd.add("-chardev", f"socket,id=charmonitor,{source},server=on,wait=off")
    cmd.add("-mon", "chardev=charmonitor,id=monitor,mode=control")


# -- clock, power management, boot -----------------------------------------


def build_clock(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    c = dom.clock
    # qemuBuildClockArgStr has not changed its form since 1.3.1.
    cmd.add("-rtc", legacy.clock_arg(dom, caps))
    if c.offset == "timezone" and c.timezone:
        cmd.setenv("TZ", c.timezone)
    for t in c.timers:
        if t.name == "pit" and caps.has("kvm-pit-lost-tick-policy"):
            if t.tickpolicy in (None, "delay"):
                cmd.add("-global", "kvm-pit.lost_tick_policy=delay")
            elif t.tickpolicy == "discard":
                cmd.add("-global", "kvm-pit.lost_tick_policy=discard")
        elif t.name == "hpet" and caps.has("no-hpet") and t.present is False:
            cmd.add("-no-hpet")


def build_pm(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildPMCommandLine."""
    lc = dom.lifecycle
    no_reboot = (lc.on_reboot == "destroy" and lc.on_poweroff == "destroy"
                 and lc.on_crash in ("destroy", "coredump-destroy"))
    if caps.has("set-action") or not no_reboot:
        # With set-action the other reactions are set over QMP at startup.
        cmd.add("-no-shutdown")
    else:
        cmd.add("-no-reboot")
    if caps.has("no-acpi") and not dom.features.on("acpi"):
        cmd.add("-no-acpi")
    for attr in ("s3", "s4"):
        value = getattr(dom.pm, attr)
        if value is None:
            continue
        pm_object = "PIIX4_PM"
        if legacy.is_q35(dom) and caps.has(f"ich9-disable-{attr}"):
            pm_object = "ICH9-LPC"
        cmd.add("-global", f"{pm_object}.disable_{attr}={0 if value else 1}")


def build_boot(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildBootCommandLine: boot order is per device (bootindex) in 9.0."""
    os_ = dom.os
    parts: list[str] = []
    if os_.bootmenu is not None:
        parts.append("menu=on" if os_.bootmenu else "menu=off")
    if os_.reboot_timeout is not None:
        parts.append(f"reboot-timeout={os_.reboot_timeout}")
    if os_.bm_timeout is not None:
        parts.append(f"splash-time={os_.bm_timeout}")
    parts.append("strict=on")
    cmd.add("-boot", ",".join(parts))
    # Every QEMU libvirt 9.0 supports has -dtb (a retired capability, always set).
    legacy.build_direct_kernel(cmd, dom, caps)


# -- audio ------------------------------------------------------------------


def build_audio(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    # Post-parse gave the domain its default <audio> (defaults/modern.py
    # add_default_audio, qemuDomainDefAddDefaultAudioBackend).
    for audio in dom.devices.audios:
        add_audiodev(cmd, {"id": f"audio{audio.id}", "driver": audio.type})


# -- tail -------------------------------------------------------------------


def build_sandbox(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildSeccompSandboxCommandLine: deny everything QEMU never needs."""
    policy = caps.conf("seccomp_sandbox", -1)
    if policy == 0:
        if caps.has("seccomp-sandbox"):
            cmd.add("-sandbox", "off")
    elif (policy < 0 and caps.has("seccomp-sandbox")) or policy > 0:
        cmd.add("-sandbox", "on,obsolete=deny,elevateprivileges=deny,spawn=deny,"
                            "resourcecontrol=deny")


def build_msg_timestamp(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    if caps.conf("log_timestamp", True):
        cmd.add("-msg", "timestamp=on")
