"""The option loop of argv2xml (libvirt 1.3.1's qemuParseCommandLine).

Every argument is looked up in :data:`HANDLERS`; a handler consumes its
value and answers whether it understood the option. Anything else (an
unknown option, or a value nobody consumed) is kept verbatim as a
``<qemu:commandline>`` argument and reported as a warning.
"""

from __future__ import annotations

import re
import uuid as uuidlib
from collections.abc import Callable

from harness.protocol import Capabilities, Conversion

from ..caps import QemuCaps
from ..defaults.controllers import add_implicit_controllers
from ..errors import ArgvError
from ..format.context import FormatContext
from ..format.domain import format_domain
from ..limits import MEMORY_MAX_KIB, UINT_MAX
from ..model.domain import Domain
from ..model.general import Keywrap, Loader, QemuCommandline, Timer
from ..postparse import post_parse
from . import chardev, cpu, devices, disk, graphics, net
from .options import parse_keywords, split_commas, strtol
from .state import ArgvState
from .tokenize import split_command_line

Handler = Callable[[ArgvState, str], bool]

# virArch names an emulator called qemu-system-ARCH can be for.
KNOWN_ARCHES = frozenset(
    {
        "alpha", "armv6l", "armv7l", "armv7b", "aarch64", "cris", "i686", "ia64",
        "lm32", "m68k", "microblaze", "microblazeel", "mips", "mipsel", "mips64",
        "mips64el", "openrisc", "parisc", "parisc64", "ppc", "ppcle", "ppc64",
        "ppc64le", "ppcemb", "s390", "s390x", "sh4", "sh4eb", "sparc", "sparc64",
        "unicore32", "x86_64", "xtensa", "xtensaeb",
    }
)
# QEMU's names for some of them (virQEMUCapsArchFromString)
_QEMU_ARCH_ALIASES = {"i386": "i686", "arm": "armv7l", "or32": "openrisc"}
_BOOT_DEVS = {"a": "fd", "c": "hd", "d": "cdrom", "n": "network"}
_MAX_BOOT_DEVS = 4
_DEFAULT_MEMORY_MIB = 64
_LEGACY_DISK = re.compile(r"-(hd|sd|fd)[a-z]+")


# -- the emulator ------------------------------------------------------------


def new_domain(program: str) -> Domain:
    """Defaults, domain type, OS type and arch from the emulator's name."""
    dom = Domain()
    dom.uuid = str(uuidlib.uuid4())
    dom.memory.total = dom.memory.cur_balloon = _DEFAULT_MEMORY_MIB * 1024
    dom.devices.emulator = program
    name = program.rsplit("/", 1)[-1]
    dom.virt_type = "qemu"
    dom.os.type = "hvm"
    if "xenner" in name:
        dom.virt_type = "kvm"
        dom.os.type = "xen"
    elif "kvm" in name:
        dom.virt_type = "kvm"
        dom.features.flags["pae"] = True
    if name.startswith("qemu-system-"):
        arch = name[len("qemu-system-"):]
        arch = _QEMU_ARCH_ALIASES.get(arch, arch)
        dom.os.arch = arch if arch in KNOWN_ARCHES else None
    else:
        dom.os.arch = "i686"
    if dom.os.arch in ("i686", "x86_64"):
        dom.features.flags["acpi"] = True
    return dom


# -- general options ---------------------------------------------------------


def _name(st: ArgvState, opt: str) -> bool:
    """``-name [guest=]NAME[,process=P][,debug-threads=on]``."""
    first = split_commas(st.value(opt))[0]
    st.dom.name = first.removeprefix("guest=")
    return True


def _uuid(st: ArgvState, opt: str) -> bool:
    val = st.value(opt)
    try:
        st.dom.uuid = str(uuidlib.UUID(val))
    except ValueError:
        raise ArgvError(f"cannot parse UUID '{val}'") from None
    return True


# KiB per unit of a -m size; no suffix means MiB
_MEM_SUFFIX = {"": 1024, "k": 1, "m": 1024, "g": 1024**2, "t": 1024**3}


def _mem_size(text: str, val: str) -> int:
    try:
        number, suffix = strtol(text)
    except ValueError:
        raise ArgvError(f"cannot parse memory level '{val}'") from None
    scale = _MEM_SUFFIX.get(suffix.lower().removesuffix("b"))
    if scale is None or number < 0:
        raise ArgvError(f"cannot parse memory level '{val}'")
    if number > MEMORY_MAX_KIB // scale:
        raise ArgvError(f"-m '{val}': size {text} is too big (the limit is "
                        f"{MEMORY_MAX_KIB} KiB)")
    return number * scale


def _memory(st: ArgvState, opt: str) -> bool:
    """``-m [size=]SIZE[,slots=N,maxmem=SIZE]`` (SIZE in MiB unless suffixed)."""
    val = st.value(opt)
    mem = st.dom.memory
    for i, (key, value) in enumerate(parse_keywords(val, allow_empty=True)):
        if value is None and i == 0:
            key, value = "size", key
        if key == "size" and value is not None:
            mem.total = mem.cur_balloon = _mem_size(value, val)
        elif key == "maxmem" and value is not None:
            mem.max_memory = _mem_size(value, val)
        elif key == "slots" and value is not None:
            try:
                mem.slots = int(value, 10)
            except ValueError:
                raise ArgvError(f"cannot parse memory slots '{value}'") from None
            if not 0 <= mem.slots <= UINT_MAX:
                raise ArgvError(f"cannot parse memory slots '{value}'")
        else:
            raise ArgvError(f"cannot parse memory level '{val}'")
    return True


def _machine(st: ArgvState, opt: str) -> bool:
    """``-machine [type=]NAME[,prop=value...]``."""
    dom = st.dom
    params = split_commas(st.value(opt))
    first = params[0].removeprefix("type=")
    if "=" not in first:
        dom.os.machine = first
        params = params[1:]
    for param in params:
        key, _, value = param.partition("=")
        if key == "dump-guest-core":
            dom.memory.dump_core = {"on": True, "off": False}.get(value)
        elif param == "mem-merge=off":
            dom.memory.nosharepages = True
        elif param == "accel=kvm":
            dom.virt_type = "kvm"
            dom.features.flags["pae"] = True
        elif key in ("aes-key-wrap", "dea-key-wrap") and value in ("on", "off"):
            if dom.keywrap is None:
                dom.keywrap = Keywrap()
            if key == "aes-key-wrap":
                dom.keywrap.aes = value == "on"
            else:
                dom.keywrap.dea = value == "on"
    return True


def _boot_devs(st: ArgvState, order: str) -> None:
    devs: list[str] = []
    for c in order:
        if len(devs) >= _MAX_BOOT_DEVS:
            break
        if c in _BOOT_DEVS:
            devs.append(_BOOT_DEVS[c])
    st.dom.os.boot_devs = devs


def _boot(st: ArgvState, opt: str) -> bool:
    """``-boot ORDER`` or ``-boot order=...,menu=on,reboot-timeout=N``."""
    val = st.value(opt)
    for i, item in enumerate(val.split(",")):
        key, eq, value = item.partition("=")
        if not eq and i == 0:
            # the implied key of -boot is the boot order
            _boot_devs(st, item)
        elif key == "order":
            _boot_devs(st, value)
        elif key == "menu" and value in ("on", "off"):
            st.dom.os.bootmenu = value == "on"
        elif key == "splash-time":
            try:
                st.dom.os.bm_timeout = int(value, 10)
            except ValueError:
                raise ArgvError(f"cannot parse splash-time value '{value}'") from None
        elif key == "reboot-timeout":
            try:
                num, rest = strtol(value)
            except ValueError:
                num, rest = 0, "?"
            if rest:
                raise ArgvError("cannot parse reboot-timeout value")
            st.dom.os.reboot_timeout = min(num, 0xFFFF)
    return True


def _flag(setter: Callable[[Domain], None]) -> Handler:
    def handler(st: ArgvState, opt: str) -> bool:
        setter(st.dom)
        return True

    return handler


def _value_into(setter: Callable[[Domain, str], None]) -> Handler:
    def handler(st: ArgvState, opt: str) -> bool:
        setter(st.dom, st.value(opt))
        return True

    return handler


def _ignore_value(st: ArgvState, opt: str) -> bool:
    st.value(opt)
    return True


def _ignore(st: ArgvState, opt: str) -> bool:
    return True


def _set_loader(dom: Domain, path: str) -> None:
    dom.os.loader = Loader(path=path)


def _no_acpi(dom: Domain) -> None:
    dom.features.flags.pop("acpi", None)


def _pm_state(value: str, name: str) -> bool:
    # disable_sN=0 enables the state, 1 disables it
    if value == "0":
        return True
    if value == "1":
        return False
    raise ArgvError(f"invalid value for {name} parameter: '{value}'")


def _global(st: ArgvState, opt: str) -> bool:
    """Only a few ``-global`` properties are understood; others pass."""
    nxt = st.peek()
    if nxt is None:
        return False
    prop, _, value = nxt.partition("=")
    if prop == "PIIX4_PM.disable_s3":
        st.dom.pm.s3 = _pm_state(value, "disable_s3")
    elif prop == "PIIX4_PM.disable_s4":
        st.dom.pm.s4 = _pm_state(value, "disable_s4")
    elif prop == "spapr-nvram.reg":
        devices.nvram_global(st, value)
    else:
        return False
    st.value(opt)
    return True


def _rtc(st: ArgvState, opt: str) -> bool:
    """``-rtc base=utc|localtime``; other settings are passed through."""
    nxt = st.peek()
    if nxt is None:
        return False
    pairs = parse_keywords(nxt, allow_empty=True)
    if any(k != "base" or v not in ("utc", "localtime") for k, v in pairs):
        return False
    for _, value in pairs:
        st.dom.clock.offset = str(value)
    st.value(opt)
    return True


def _timer(st: ArgvState, name: str) -> Timer:
    timer = st.dom.clock.timer(name)
    if timer is None:
        timer = Timer(name=name)
        st.dom.clock.timers.append(timer)
    return timer


def _no_hpet(st: ArgvState, opt: str) -> bool:
    _timer(st, "hpet").present = False
    return True


def _no_pit_reinjection(st: ArgvState, opt: str) -> bool:
    _timer(st, "pit").tickpolicy = "delay"
    return True


def _realtime(st: ArgvState, opt: str) -> bool:
    """``-realtime mlock=on|off``: locked guest memory."""
    nxt = st.peek()
    if nxt not in ("mlock=on", "mlock=off"):
        return False
    st.dom.memory.locked = st.value(opt) == "mlock=on"
    return True


def _chardev(st: ArgvState, opt: str) -> bool:
    """The monitor's chardev is the driver's; other chardevs pass."""
    nxt = st.peek()
    if nxt is None or ("id", "charmonitor") not in parse_keywords(nxt, allow_empty=True):
        return False
    st.value(opt)
    return True


HANDLERS: dict[str, Handler] = {
    "-vnc": graphics.handle_vnc,
    "-sdl": graphics.handle_sdl,
    "-m": _memory,
    "-smp": cpu.handle_smp,
    "-uuid": _uuid,
    "-cdrom": disk.handle_legacy_disk,
    "-no-acpi": _flag(_no_acpi),
    "-no-reboot": _flag(lambda d: setattr(d.lifecycle, "on_reboot", "destroy")),
    "-no-kvm": _flag(lambda d: setattr(d, "virt_type", "qemu")),
    "-enable-kvm": _flag(lambda d: setattr(d, "virt_type", "kvm")),
    "-nographic": graphics.handle_nographic,
    "-full-screen": graphics.handle_fullscreen,
    "-localtime": _flag(lambda d: setattr(d.clock, "offset", "localtime")),
    "-kernel": _value_into(lambda d, v: setattr(d.os, "kernel", v)),
    "-bios": _value_into(_set_loader),
    "-initrd": _value_into(lambda d, v: setattr(d.os, "initrd", v)),
    "-append": _value_into(lambda d, v: setattr(d.os, "cmdline", v)),
    "-dtb": _value_into(lambda d, v: setattr(d.os, "dtb", v)),
    "-boot": _boot,
    "-name": _name,
    "-M": _machine,
    "-machine": _machine,
    "-serial": chardev.handle_serial,
    "-parallel": chardev.handle_parallel,
    "-usbdevice": devices.handle_usbdevice,
    "-net": net.handle_net,
    "-drive": disk.handle_drive,
    "-pcidevice": devices.handle_pcidevice,
    "-soundhw": devices.handle_soundhw,
    "-watchdog": devices.handle_watchdog,
    "-watchdog-action": devices.handle_watchdog_action,
    "-bootloader": _value_into(lambda d, v: setattr(d.os, "bootloader", v)),
    "-vmwarevga": graphics.handle_vmware_vga,
    "-std-vga": graphics.handle_std_vga,
    "-vga": graphics.handle_vga,
    "-cpu": cpu.handle_cpu,
    # generated when the domain starts
    "-domid": _ignore_value,
    "-usb": devices.handle_usb,
    "-pidfile": _ignore_value,
    # restore and migration give it; not part of the definition
    "-incoming": _ignore_value,
    "-monitor": chardev.handle_monitor,
    "-global": _global,
    # always added by libvirt
    "-S": _ignore,
    "-nodefaults": _ignore,
    "-nodefconfig": _ignore,
    "-device": devices.handle_device,
    "-balloon": devices.handle_balloon,
    "-rtc": _rtc,
    "-no-hpet": _no_hpet,
    "-no-kvm-pit-reinjection": _no_pit_reinjection,
    "-realtime": _realtime,
    "-k": graphics.handle_keymap,
    # libvirt's own process management, not part of the definition
    "-xen-domid": _ignore_value,
    "-no-user-config": _ignore,
    "-no-shutdown": _ignore,
    "-msg": _ignore_value,
    "-mon": _ignore_value,
    "-chardev": _chardev,
}


def _handler(arg: str) -> Handler | None:
    handler = HANDLERS.get(arg)
    if handler is None and _LEGACY_DISK.fullmatch(arg):
        handler = disk.handle_legacy_disk
    return handler


# -- the whole command line --------------------------------------------------


def _passthrough(st: ArgvState, arg: str) -> None:
    st.warnings.append(f"unknown QEMU argument '{arg}', adding to the qemu namespace")
    if st.dom.qemu_cmdline is None:
        st.dom.qemu_cmdline = QemuCommandline()
    st.dom.qemu_cmdline.args.append(arg)


def argv_to_domain(text: str, caps: QemuCaps) -> tuple[Domain, list[str]]:
    """The domain a command line describes, before post-parse defaults,
    and the warnings raised on the way."""
    cmd = split_command_line(text)
    st = ArgvState(cmd=cmd, caps=caps, dom=new_domain(cmd.program))
    net.collect_nics(st)
    while st.pos < len(st.args):
        # one dash or two: -opt and --opt are the same option
        arg = st.args[st.pos]
        if arg.startswith("--"):
            arg = arg[1:]
        handler = _handler(arg)
        if handler is None or not handler(st, arg):
            _passthrough(st, arg)
        st.pos += 1
    disk.finish_disks(st)
    graphics.finish_graphics(st)
    devices.finish_devices(st)
    return st.dom, st.warnings


def convert(text: str, caps: Capabilities) -> Conversion:
    """argv2xml: the formatted definition and the warnings."""
    qcaps = QemuCaps(caps)
    dom, warnings = argv_to_domain(text, qcaps)
    # libvirt adds the controllers the devices need before the post-parse
    # adds the machine's default ones (so an IDE controller precedes the
    # PCI root).
    add_implicit_controllers(dom, qcaps)
    post_parse(dom, qcaps)
    xml = format_domain(dom, FormatContext(inactive=True, secure=False))
    return Conversion(xml, tuple(warnings))
