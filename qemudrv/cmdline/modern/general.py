"""The general (non-device) options of libvirt 9.0's qemuBuildCommandLine.

Environment, name, master key secret, -machine and -accel, -cpu for the
machine's default model, memory with its default RAM backend, -smp, display,
monitor, clock, power management, boot, seccomp sandbox and
the message timestamps, in the forms libvirt 9.0 writes them for QEMU 7.2/8.0.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...caps import QemuCaps
from ...errors import ConfigError, UnsupportedError
from ...model.domain import Domain
from ...model.general import SysinfoEntry
from ...xmlwriter import escape as xml_escape
from .. import general as legacy
from ..command import CommandLine
from . import cpu as cpu_model
from . import features, launch_security
from . import memory as guest_memory
from .iommu import machine_iommu_params
from .props import add_blockdev, add_device, add_object, escape_comma, to_json

# virDomainDefGetShortName: the name is cut to this many characters.
_SHORT_NAME_MAX = 20

# virCommandAddEnvPassCommon, in its order.
_PASSED_ENV = ("LD_PRELOAD", "LD_LIBRARY_PATH", "PATH", "HOME", "USER", "LOGNAME", "TMPDIR")


def domain_dir_name(dom: Domain, caps: QemuCaps) -> str:
    """qemuDomainSetPrivatePaths: 'domain-' and the short name (ID-NAME) of
    the domain's directories under lib_dir and channel_target_dir."""
    domain_id = dom.id if dom.id is not None else int(caps.host.get("domain_id", -1))
    return f"domain-{domain_id}-{dom.name[:_SHORT_NAME_MAX]}"


def domain_lib_dir(dom: Domain, caps: QemuCaps) -> str:
    """priv->libDir: the domain's private directory under the driver's lib_dir."""
    lib_dir = str(caps.conf("lib_dir", "/var/lib/libvirt/qemu"))
    return f"{lib_dir}/{domain_dir_name(dom, caps)}"


_MachineIndex = dict[tuple[str | None, str], Mapping[str, Any]]
_MACHINES: dict[int, tuple[Mapping[str, Any], _MachineIndex]] = {}


def _machine_index(qemu: Mapping[str, Any]) -> _MachineIndex:
    """(accelerator, name or alias) -> the machine's entry, the first one
    winning; built once per set (its tables are shared by its cases)."""
    cached = _MACHINES.get(id(qemu))
    if cached is not None and cached[0] is qemu:
        return cached[1]
    index: _MachineIndex = {}
    for entry in qemu.get("machine", ()) or ():
        for name in (entry.get("name"), entry.get("alias")):
            if name is not None:
                index.setdefault((entry.get("type"), str(name)), entry)
    _MACHINES[id(qemu)] = (qemu, index)
    return index


def machine_info(dom: Domain, caps: QemuCaps) -> Mapping[str, Any]:
    """The emulator's entry for the domain's machine type and accelerator."""
    accel = "kvm" if dom.virt_type == "kvm" else "tcg"
    index = _machine_index(caps.table("qemu"))
    machine = dom.machine or ""
    # An entry without a type is any accelerator's.
    return index.get((accel, machine)) or index.get((None, machine)) or {}


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
    _build_compat(cmd, dom, caps)
    cmd.add("-S")


_DEPRECATED_INPUT = {"none": None, "omit": None, "reject": "reject", "crash": "crash"}


def _build_compat(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildCompatDeprecatedCommandLine: the domain's <qemu:deprecation>,
    else the driver's deprecation_behavior."""
    ns = dom.qemu_cmdline
    behavior = ns.deprecation if ns is not None and ns.deprecation is not None else str(
        caps.conf("deprecation_behavior", "none"))
    # An unknown behaviour is only warned about; without -compat support,
    # nothing is asked, so that an older QEMU still starts the domain.
    if behavior not in _DEPRECATED_INPUT or behavior == "none" or not caps.has(
            "compat-deprecated"):
        return
    props: dict[str, str] = {"deprecated-output": "hide"}
    deprecated_input = _DEPRECATED_INPUT[behavior]
    if deprecated_input is not None:
        props["deprecated-input"] = deprecated_input
    cmd.add("-compat", to_json(props))


def build_master_key(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildMasterKeyCommandLine: the secret other secrets are encrypted with."""
    path = f"{domain_lib_dir(dom, caps)}/master-key.aes"
    add_object(cmd, "secret", "masterKey0", {"format": "raw", "file": path}, caps)


# -- firmware -----------------------------------------------------------------


def _pflash_images(dom: Domain) -> list[tuple[str, str, bool]]:
    """(node prefix, path, read-only) of the loader and NVRAM flash images."""
    ld = dom.os.loader
    if ld is None or not ld.path or ld.type != "pflash":
        return []
    images = [("libvirt-pflash0", ld.path, bool(ld.readonly))]
    # A read-only loader given no NVRAM got its path when the definition
    # was read (postparse._default_nvram).
    if ld.nvram:
        images.append(("libvirt-pflash1", ld.nvram, False))
    return images


def build_pflash(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildPflashBlockdevCommandLine: the flash images as blockdev nodes."""
    for node, path, readonly in _pflash_images(dom):
        add_blockdev(cmd, {"driver": "file", "filename": path, "node-name": f"{node}-storage",
                           "auto-read-only": True, "discard": "unmap"})
        add_blockdev(cmd, {"node-name": f"{node}-format", "read-only": readonly,
                           "driver": "raw", "file": f"{node}-storage"})


def build_fips(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """-enable-fips where the host runs in FIPS mode (config host_fips) and
    QEMU still has the switch (deprecated since QEMU 5.2)."""
    if caps.conf("host_fips") and caps.has("enable-fips"):
        cmd.add("-enable-fips")


def build_loader(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildDomainLoaderCommandLine: a ROM loader is -bios; a secure
    flash loader makes the flash devices secure."""
    ld = dom.os.loader
    if ld is not None and ld.path and (ld.type or "rom") == "rom":
        cmd.add("-bios", ld.path)
    elif ld is not None and ld.type == "pflash" and ld.secure:
        cmd.add("-global", "driver=cfi.pflash01,property=secure,value=on")


# -- machine, accelerator, CPU ----------------------------------------------


def build_machine(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildMachineCommandLine."""
    opts = [dom.machine, "usb=off"]
    opts += _key_wrap_options(dom, caps)
    opts.extend(features.machine_options(dom, caps))
    opts.extend(machine_iommu_params(dom))
    dump = dom.memory.dump_core
    if dump is None:
        dump = bool(caps.conf("dump_guest_core", False))
    opts.append(f"dump-guest-core={'on' if dump else 'off'}")
    if dom.memory.nosharepages:
        opts.append("mem-merge=off")
    opts.extend(guest_memory.machine_memory_params(dom))
    if not _has_numa(dom):
        ram_id = machine_info(dom, caps).get("defaultRAMid")
        if ram_id:
            opts.append(f"memory-backend={ram_id}")
    if caps.has("loadparm"):
        opts += _loadparm_option(dom)
    opts.extend(cpu_model.machine_options(dom))
    opts.extend(launch_security.machine_options(dom, caps))
    for i, _image in enumerate(_pflash_images(dom)):
        opts.append(f"pflash{i}=libvirt-pflash{i}-format")
    opts.extend(guest_memory.machine_hmat_params(dom))
    if dom.os.bios_useserial:
        opts.append("graphics=off")
    hpet = dom.clock.timer("hpet")
    if hpet is not None and hpet.present is not None and caps.has("machine-hpet"):
        opts.append(f"hpet={'on' if hpet.present else 'off'}")
    cmd.add("-machine", ",".join(opts))


def _loadparm_option(dom: Domain) -> list[str]:
    """qemuAppendLoadparmMachineParm: the loadparm of the first boot device,
    a disk before a network interface."""
    for info in (*(d.info for d in dom.devices.disks), *(n.info for n in dom.devices.interfaces)):
        if info.boot_order == 1 and info.loadparm:
            return [f"loadparm={info.loadparm}"]
    return []


def _key_wrap_options(dom: Domain, caps: QemuCaps) -> list[str]:
    """qemuAppendKeyWrapMachineParms: s390 key wrapping, where QEMU has it."""
    if dom.keywrap is None:
        return []
    out = []
    for cipher in ("aes", "dea"):
        state = getattr(dom.keywrap, cipher)
        if state is None:
            continue
        name = f"{cipher}-key-wrap"
        if not caps.has(name):
            raise UnsupportedError(f"{name} is not available with this QEMU binary")
        out.append(f"{name}={'on' if state else 'off'}")
    return out


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
    ram_id = machine_info(dom, caps).get("defaultRAMid")
    guest_memory.build_memory(cmd, dom, caps, str(ram_id) if ram_id else None)


def build_numa(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildNumaCommandLine."""
    if not _has_numa(dom):
        return  # no nodes, nothing to write: the machine need not be looked up
    supported = machine_info(dom, caps).get("numaMemSupported") == "yes"
    guest_memory.build_numa(cmd, dom, caps, supported)


def build_smp(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildSmpCommandLine: hotpluggable vCPUs are plugged once the guest runs."""
    v = dom.vcpus
    boot = v.boot_count()
    opt = str(boot)
    if boot != v.max:
        opt += f",maxcpus={v.max}"
    cpu = dom.cpu
    if cpu is not None and cpu.sockets:
        if cpu.dies != 1 and not caps.has("smp-dies"):
            raise UnsupportedError("Only 1 die per socket is supported")
        opt += f",sockets={cpu.sockets}"
        if caps.has("smp-dies"):
            opt += f",dies={cpu.dies}"
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
    if os_.slic_table is not None:
        cmd.add("-acpitable", f"sig=SLIC,file={escape_comma(os_.slic_table)}")


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


# -- SMBIOS and fw_cfg ------------------------------------------------------


def _smbios_table(kind: int, entries: list[SysinfoEntry],
                  manufacturer_always: bool = False) -> str:
    """type=N then the entries (in libvirt's order, commas escaped); a base
    board or chassis names its manufacturer even when it has none."""
    parts = [f"type={kind}"]
    if manufacturer_always and all(e.name != "manufacturer" for e in entries):
        parts.append("manufacturer=")
    parts += [f"{e.name}={escape_comma(e.value)}" for e in entries]
    return ",".join(parts)


def build_smbios(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildSmbiosCommandLine."""
    mode = dom.os.smbios_mode
    if mode in (None, "emulate"):
        return
    if mode == "host":
        # The test programs' driver has no host SMBIOS tables.
        raise UnsupportedError("Host SMBIOS information is not available")
    src = dom.sysinfo
    if src is None:
        raise UnsupportedError(f"Domain '{dom.name}' sysinfo are not available",
                               code="XML error")
    if src.bios:
        cmd.add("-smbios", _smbios_table(0, src.bios))
    names = {e.name for e in src.system}
    # libvirt skips a system table holding only a SKU.
    if src.system and names != {"sku"}:
        cmd.add("-smbios", _smbios_table(1, src.system))
    if len(src.base_boards) > 1:
        raise UnsupportedError("qemu does not support more than one entry to Type 2 "
                               "in SMBIOS table")
    for board in src.base_boards:
        cmd.add("-smbios", _smbios_table(2, board, manufacturer_always=True))
    if src.chassis:
        cmd.add("-smbios", _smbios_table(3, src.chassis, manufacturer_always=True))
    if src.oem_strings is not None:
        cmd.add("-smbios", ",".join(["type=11", *(f"value={escape_comma(v)}"
                                                  for v in src.oem_strings)]))


def build_vmgenid(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildVMGenIDCommandLine."""
    if dom.genid is not None:
        add_device(cmd, {"driver": "vmgenid", "guid": dom.genid, "id": "vmgenid0"}, caps)


def build_fw_cfg(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildSysinfoCommandLine: fw_cfg entries as such (XML-escaped, as
    libvirt's buffer writes them, commas left alone)."""
    for info in dom.sysinfos:
        for entry in info.fw_cfgs:
            if entry.value is not None:
                cmd.add("-fw_cfg", f"name={entry.name},string={xml_escape(entry.value)}")
            else:
                cmd.add("-fw_cfg", f"name={entry.name},file={xml_escape(entry.file or '')}")
