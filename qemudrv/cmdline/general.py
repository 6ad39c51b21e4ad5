"""The general (non-device) arguments of the QEMU command line.

Machine type, accelerator, firmware, vCPUs, IOThreads, SMBIOS, monitor,
clock and timers, lifecycle, power management and boot order, as libvirt
1.3.1's qemuBuildCommandLine writes them. Memory and NUMA are in
``general_memory``, the CPU model in ``general_cpu``.
"""

from __future__ import annotations

import time

from ..caps import QemuCaps
from ..errors import UnsupportedError
from ..model.domain import Domain
from ..model.general import SysinfoEntry
from .command import CommandLine

# -- environment and header -------------------------------------------------

_PASSED_ENV = ("LD_PRELOAD", "LD_LIBRARY_PATH", "PATH", "HOME", "USER", "LOGNAME", "TMPDIR")


def build_env(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """virCommandAddEnvPassCommon: LC_ALL=C and the caller's basics."""
    cmd.setenv("LC_ALL", "C")
    env_set = caps.env.get("set", {}) or {}
    for name in _PASSED_ENV:
        if name in env_set:
            cmd.setenv(name, str(env_set[name]))


def pass_env(cmd: CommandLine, caps: QemuCaps, name: str) -> None:
    """Copy a variable of the caller's environment, if it is set."""
    env_set = caps.env.get("set", {}) or {}
    if name in env_set:
        cmd.setenv(name, str(env_set[name]))


def build_name(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    name = dom.name
    if caps.conf("set_process_name") and caps.has("name-process"):
        name = f"{dom.name},process=qemu:{dom.name}"
    if caps.has("name-debug-threads"):
        name += ",debug-threads=on"
    cmd.add("-name", name)
    cmd.add("-S")
    fips = caps.conf("fips_flag")
    if fips and caps.has(str(fips)) and caps.has("enable-fips"):
        cmd.add("-enable-fips")


# -- machine and accelerator ------------------------------------------------


def is_i440fx(dom: Domain) -> bool:
    m = dom.machine
    return m == "pc" or m.startswith("pc-0.") or m.startswith("pc-1.") or \
        m.startswith("pc-i440") or m.startswith("rhel")


def is_q35(dom: Domain) -> bool:
    m = dom.machine
    return m == "q35" or m.startswith("pc-q35")


def build_machine(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildMachineArgStr (and the obsolete accelerator switches)."""
    if not dom.machine:
        return
    obsolete_accel = False
    mem = dom.memory
    if not caps.has("machine-opt"):
        cmd.add("-M", dom.machine)
        if mem.dump_core is not None:
            raise UnsupportedError("dump-guest-core is not available with this QEMU binary")
        if mem.nosharepages:
            raise UnsupportedError("disable shared memory is not available with this QEMU binary")
        obsolete_accel = True
        if dom.keywrap is not None:
            raise UnsupportedError("key wrap support is not available with this QEMU binary")
    else:
        opts = [dom.machine]
        if dom.virt_type == "qemu":
            opts.append("accel=tcg")
        elif dom.virt_type == "kvm":
            opts.append("accel=kvm")
        else:
            obsolete_accel = True
        if caps.has("machine-usb-opt"):
            opts.append("usb=off")
        vmport = dom.features.flags.get("vmport")
        if vmport is not None:
            if not (caps.has("machine-vmport-opt") and (is_i440fx(dom) or is_q35(dom))):
                raise UnsupportedError("vmport is not available with this QEMU binary")
            opts.append(f"vmport={'on' if vmport else 'off'}")
        if mem.dump_core is not None:
            if not caps.has("dump-guest-core"):
                raise UnsupportedError("dump-guest-core is not available with this QEMU binary")
            opts.append(f"dump-guest-core={'on' if mem.dump_core else 'off'}")
        if mem.nosharepages:
            if not caps.has("mem-merge"):
                raise UnsupportedError(
                    "disable shared memory is not available with this QEMU binary"
                )
            opts.append("mem-merge=off")
        if dom.keywrap is not None:
            for name in ("aes", "dea"):
                state = getattr(dom.keywrap, name)
                if state is None:
                    continue
                if not caps.has(f"{name}-key-wrap"):
                    raise UnsupportedError(
                        f"{name}-key-wrap is not supported with this QEMU binary"
                    )
                opts.append(f"{name}-key-wrap={'on' if state else 'off'}")
        if dom.features.flags.get("gic") and dom.features.gic_version:
            if dom.arch not in ("armv7l", "aarch64") or not (
                dom.machine == "virt" or dom.machine.startswith("virt-")
            ):
                raise UnsupportedError("gic-version option is available only for ARM virt machine")
            # QEMU's default (2) is left out for older binaries' sake.
            if dom.features.gic_version != "2":
                if not caps.has("gic-version"):
                    raise UnsupportedError(
                        "gic-version option is not available with this QEMU binary"
                    )
                opts.append(f"gic-version={dom.features.gic_version}")
        cmd.add("-machine", ",".join(opts))
    if obsolete_accel:
        _obsolete_accel(cmd, dom, caps)


def _obsolete_accel(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    if dom.virt_type == "qemu":
        if caps.has("kvm"):
            cmd.add("-no-kvm")
    elif dom.virt_type == "kvm":
        if caps.has("enable-kvm"):
            cmd.add("-enable-kvm")
        elif not caps.has("kvm"):
            raise UnsupportedError("the QEMU binary does not support kvm")
    elif dom.virt_type == "kqemu":
        raise UnsupportedError("the QEMU binary does not support kqemu")
    elif dom.virt_type != "xen":
        raise UnsupportedError(f"the QEMU binary does not support {dom.virt_type}")


# -- firmware ---------------------------------------------------------------


def build_loader(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildDomainLoaderCommandLine: -bios, or pflash drives."""
    ld = dom.os.loader
    if ld is None or not ld.path:
        return
    if (ld.type or "rom") == "rom":
        cmd.add("-bios", ld.path)
        return
    if dom.arch != "x86_64":
        raise UnsupportedError(f"pflash is not supported for {dom.arch} guest architecture")
    opt = f"file={ld.path},if=pflash,format=raw,unit=0"
    if ld.readonly is not None:
        opt += f",readonly={'on' if ld.readonly else 'off'}"
    cmd.add("-drive", opt)
    if ld.nvram:
        cmd.add("-drive", f"file={ld.nvram},if=pflash,format=raw,unit=1")


def build_smp(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    v = dom.vcpus
    opt = str(v.current)
    if caps.has("smp-topology"):
        if v.current != v.max:
            opt += f",maxcpus={v.max}"
        cpu = dom.cpu
        if cpu is not None and cpu.sockets:
            opt += f",sockets={cpu.sockets},cores={cpu.cores},threads={cpu.threads}"
        else:
            opt += f",sockets={v.max},cores=1,threads=1"
    elif v.current != v.max:
        raise UnsupportedError(
            "setting current vcpu count less than maximum is not supported with this QEMU binary"
        )
    cmd.add("-smp", opt)


def build_iothreads(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    if not dom.iothreads:
        return
    if not caps.has("iothread"):
        raise UnsupportedError("IOThreads not supported for this QEMU")
    for t in dom.iothreads:
        cmd.add("-object", f"iothread,id=iothread{t.id}")


# -- SMBIOS -----------------------------------------------------------------


def _smbios(kind: int, entries: list[SysinfoEntry], skip_uuid: bool = False) -> str | None:
    parts = [f"{e.name}={e.value}" for e in entries if not (skip_uuid and e.name == "uuid")]
    if not parts:
        return None
    return ",".join([f"type={kind}", *parts])


def build_smbios(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    mode = dom.os.smbios_mode
    if mode in (None, "emulate"):
        return
    if not caps.has("smbios-type"):
        raise UnsupportedError(f"the QEMU binary {dom.emulator} does not support smbios settings")
    if mode == "host":
        raise UnsupportedError("Host SMBIOS information is not available")
    src = dom.sysinfo
    if src is None:
        raise UnsupportedError(f"Domain '{dom.name}' sysinfo are not available")
    for opt in (_smbios(0, src.bios), _smbios(1, src.system)):
        if opt is not None:
            cmd.add("-smbios", opt)
    if len(src.base_boards) > 1:
        raise UnsupportedError(
            "qemu does not support more than one entry to Type 2 in SMBIOS table"
        )
    for bb in src.base_boards:
        opt = _smbios(2, bb)
        if opt is not None:
            cmd.add("-smbios", opt)


# -- display, defaults and monitor ------------------------------------------


def build_nographic(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """Without graphics the guest runs -nographic; audio is off unless the
    configuration lets it reach the host."""
    if dom.devices.graphics:
        return
    cmd.add("-nographic")
    if caps.conf("nogfx_allow_host_audio"):
        pass_env(cmd, caps, "QEMU_AUDIO_DRV")
    else:
        cmd.setenv("QEMU_AUDIO_DRV", "none")


def build_defaults(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """-no-user-config (or -nodefconfig)/-nodefaults with -device; then the serial BIOS."""
    if caps.has("device"):
        if caps.has("no-user-config"):
            cmd.add("-no-user-config")
        elif caps.has("nodefconfig"):
            cmd.add("-nodefconfig")
        cmd.add("-nodefaults")
    if dom.os.bios_useserial:
        if not caps.has("sga"):
            raise UnsupportedError(
                "qemu does not support SGA (Serial Graphics Adapter)"
            )
        if not dom.devices.serials:
            raise UnsupportedError("need at least one serial port to use SGA")
        cmd.add("-device", "sga")


def monitor_json(caps: QemuCaps) -> bool:
    flag = caps.monitor.get("json_flag", "monitor-json")
    return caps.has(str(flag))


def build_monitor(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    mon = caps.monitor
    path = mon.get("path")
    if not path:
        return
    json = monitor_json(caps)
    server = ",server,nowait" if mon.get("listen", True) else ""
    if caps.has("chardev"):
        cmd.add("-chardev", f"socket,id=charmonitor,path={path}{server}")
        cmd.add("-mon", f"chardev=charmonitor,id=monitor,mode={'control' if json else 'readline'}")
    else:
        prefix = "control," if json else ""
        cmd.add("-monitor", f"{prefix}unix:{path}{server}")


# -- clock and timers -------------------------------------------------------


def _local_offset(caps: QemuCaps) -> int:
    """Seconds east of UTC of the host's time zone (a POSIX TZ string)."""
    tz = str(caps.host.get("timezone", "UTC"))
    import re

    m = re.match(r"^[A-Za-z]{3,}([+-]?)(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?", tz)
    if not m:
        return 0
    sign = -1 if m.group(1) == "-" else 1
    secs = int(m.group(2)) * 3600 + int(m.group(3) or 0) * 60 + int(m.group(4) or 0)
    # POSIX offsets count west of Greenwich.
    return -sign * secs


def _rtc_time(seconds: int, what: str) -> str:
    """An RTC start time, UTC, as QEMU takes it; ``what`` names the setting
    that gave it when it is no date."""
    try:
        return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))
    except (OverflowError, OSError, ValueError):
        raise UnsupportedError(f"{what} gives a date QEMU cannot take") from None


def clock_arg(dom: Domain, caps: QemuCaps) -> str:
    c = dom.clock
    if c.offset == "utc":
        opt = "base=utc"
    elif c.offset in ("localtime", "timezone"):
        opt = "base=localtime"
    elif c.offset == "absolute":
        opt = "base=" + _rtc_time(c.start or 0, f"clock start {c.start}")
    elif c.offset == "variable":
        adjustment = c.adjustment or 0
        if c.basis == "localtime":
            adjustment += _local_offset(caps)
            c.adjustment = adjustment
            c.basis = "utc"
        now = int(caps.host.get("time", time.time())) + adjustment
        try:
            opt = "base=" + time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now))
        except (OverflowError, OSError, ValueError):
            raise UnsupportedError(
                f"clock adjustment {adjustment} gives a date QEMU cannot take"
            ) from None
    elif c.offset == "absolute" and c.start is not None:
        # libvirt 9.0: a fixed start time.
        opt = "base=" + time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(c.start))
    else:
        raise UnsupportedError(f"unsupported clock offset '{c.offset}'")
    rtc = c.timer("rtc")
    if rtc is not None:
        if rtc.track == "boot":
            raise UnsupportedError("unsupported rtc timer track 'boot'")
        if rtc.track == "guest":
            opt += ",clock=vm"
        elif rtc.track == "wall":
            opt += ",clock=host"
        elif rtc.track == "realtime":
            opt += ",clock=rt"
        if rtc.tickpolicy == "catchup":
            opt += ",driftfix=slew"
        elif rtc.tickpolicy in ("merge", "discard"):
            raise UnsupportedError(f"unsupported rtc timer tickpolicy '{rtc.tickpolicy}'")
    return opt


def build_clock(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    c = dom.clock
    if caps.has("rtc"):
        cmd.add("-rtc", clock_arg(dom, caps))
    elif c.offset in ("localtime", "timezone"):
        cmd.add("-localtime")
    elif c.offset != "utc":
        raise UnsupportedError(f"unsupported clock offset '{c.offset}'")
    if c.offset == "timezone" and c.timezone:
        cmd.setenv("TZ", c.timezone)
    for t in c.timers:
        if t.name in ("platform", "tsc"):
            raise UnsupportedError(f"unsupported timer type (name) '{t.name}'")
        if t.name == "rtc":
            if caps.has("rtc-td-hack"):
                if t.tickpolicy == "catchup":
                    cmd.add("-rtc-td-hack")
                elif t.tickpolicy in ("merge", "discard"):
                    raise UnsupportedError(f"unsupported rtc tickpolicy '{t.tickpolicy}'")
            elif not caps.has("rtc") and t.tickpolicy not in (None, "delay"):
                raise UnsupportedError(f"unsupported rtc tickpolicy '{t.tickpolicy}'")
        elif t.name == "pit":
            if t.tickpolicy in (None, "delay"):
                if caps.has("kvm-pit-lost-tick-policy"):
                    cmd.add("-global", "kvm-pit.lost_tick_policy=discard")
                elif caps.has("no-kvm-pit"):
                    cmd.add("-no-kvm-pit-reinjection")
            elif t.tickpolicy == "catchup":
                if caps.has("no-kvm-pit") or caps.has("kvm-pit-lost-tick-policy"):
                    pass  # the default of the in-kernel PIT
                elif caps.has("tdf"):
                    cmd.add("-tdf")
                else:
                    raise UnsupportedError("unsupported pit tickpolicy 'catchup'")
            else:
                raise UnsupportedError(f"unsupported pit tickpolicy '{t.tickpolicy}'")
        elif t.name == "hpet":
            if caps.has("no-hpet"):
                if t.present is False:
                    cmd.add("-no-hpet")
            elif t.present is True:
                raise UnsupportedError("hpet timer is not supported")


# -- lifecycle, ACPI, power management --------------------------------------


def build_lifecycle(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    lc = dom.lifecycle
    if (
        lc.on_reboot == "destroy"
        and lc.on_poweroff == "destroy"
        and lc.on_crash in ("destroy", "coredump-destroy")
    ):
        cmd.add("-no-reboot")
    if monitor_json(caps) and caps.has("no-shutdown"):
        cmd.add("-no-shutdown")
    if caps.has("no-acpi") and not dom.features.on("acpi"):
        cmd.add("-no-acpi")
    for attr, what, name in (("s3", "S3", "disable_s3"), ("s4", "S4", "disable_s4")):
        value = getattr(dom.pm, attr)
        if value is None:
            continue
        ich9 = caps.has(f"ich9-disable-{attr}")
        piix = caps.has(f"disable-{attr}")
        pm_object = "ICH9-LPC" if ich9 and is_q35(dom) else "PIIX4_PM"
        if not ich9 and not piix:
            raise UnsupportedError(f"setting ACPI {what} not supported")
        cmd.add("-global", f"{pm_object}.{name}={0 if value else 1}")


# -- boot -------------------------------------------------------------------

_BOOT_CHARS = {"cdrom": "d", "fd": "a", "hd": "c", "network": "n"}


def emit_bootindex(dom: Domain, caps: QemuCaps) -> bool:
    """Whether devices carry bootindex= instead of -boot order: with the
    capability, unless a boot menu needs -boot (libvirt 1.3.1's rule)."""
    if not dom.os.boot_devs:
        return True
    return caps.has("boot-index") and (dom.os.bootmenu is not True or not caps.has("boot-menu"))


def boot_device_indexes(dom: Domain, caps: QemuCaps) -> dict[str, int]:
    """The bootindex of the first device of each <boot dev> kind, when
    device boot indexes replace -boot order (bootCD, bootFloppy, ...)."""
    if not dom.os.boot_devs or not emit_bootindex(dom, caps):
        return {}
    return {dev: i + 1 for i, dev in enumerate(dom.os.boot_devs)}


def build_boot(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    os_ = dom.os
    if os_.bootloader:
        cmd.add("-bootloader", os_.bootloader)
        return
    if not os_.boot_devs and not caps.has("boot-index"):
        raise UnsupportedError("hypervisor lacks deviceboot feature")
    bootindex = emit_bootindex(dom, caps)
    parts: list[str] = []
    if not bootindex:
        parts.append("".join(_BOOT_CHARS.get(d, "c") for d in os_.boot_devs))
    if os_.bootmenu is not None and caps.has("boot-menu"):
        parts.append("menu=on" if os_.bootmenu else "menu=off")
    if os_.reboot_timeout is not None:
        if not caps.has("reboot-timeout"):
            raise UnsupportedError("reboot timeout is not supported by this QEMU binary")
        parts.append(f"reboot-timeout={os_.reboot_timeout}")
    if os_.bm_timeout is not None:
        if not caps.has("splash-timeout"):
            raise UnsupportedError("splash timeout is not supported by this QEMU binary")
        parts.append(f"splash-time={os_.bm_timeout}")
    if caps.has("boot-strict"):
        parts.append("strict=on")
    if parts:
        if len(parts) < 2 or bootindex:
            cmd.add("-boot", ",".join(parts))
        else:
            cmd.add("-boot", "order=" + ",".join(parts))
    build_direct_kernel(cmd, dom, caps)


def build_direct_kernel(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """-kernel, -initrd, -append and -dtb: the same in every dialect."""
    os_ = dom.os
    if os_.kernel:
        cmd.add("-kernel", os_.kernel)
    if os_.initrd:
        cmd.add("-initrd", os_.initrd)
    if os_.cmdline:
        cmd.add("-append", os_.cmdline)
    if os_.dtb:
        if not caps.has("dtb"):
            raise UnsupportedError("dtb is not supported with this QEMU binary")
        cmd.add("-dtb", os_.dtb)


# -- tail -------------------------------------------------------------------


def build_incoming(cmd: CommandLine, migrate_from: str | None, migrate_fd: int | None) -> None:
    if not migrate_from:
        return
    uri = migrate_from
    if migrate_from == "stdio" and migrate_fd is not None:
        uri = f"fd:{migrate_fd}"
    cmd.add("-incoming", uri)


def build_sandbox(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    policy = caps.conf("seccomp_sandbox", -1)
    if policy == 0:
        if caps.has("seccomp-sandbox"):
            cmd.add("-sandbox", "off")
    elif policy and policy > 0:
        if not caps.has("seccomp-sandbox"):
            raise UnsupportedError("QEMU does not support seccomp sandboxes")
        cmd.add("-sandbox", "on")


def build_msg_timestamp(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    if caps.conf("log_timestamp", True) and caps.has("msg-timestamp"):
        cmd.add("-msg", "timestamp=on")


def build_qemu_passthrough(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    cl = dom.qemu_cmdline
    if cl is None:
        return
    cmd.add(*cl.args)
    for name, value in cl.env:
        cmd.setenv(name, value or "")
