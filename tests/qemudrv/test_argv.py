"""argv2xml: splitting, option strings and the mapping onto the model."""

from __future__ import annotations

import pytest
from qemudrv_helpers import qemu_caps

from qemudrv.argv.chardev import parse_chr_source
from qemudrv.argv.graphics import parse_vnc
from qemudrv.argv.options import parse_keywords, split_commas, strtol
from qemudrv.argv.parse import argv_to_domain
from qemudrv.argv.tokenize import split_command_line, split_words
from qemudrv.errors import ArgvError
from qemudrv.model.address import DriveAddress

CAPS = qemu_caps()


def dom_of(args: str, env: str = ""):  # type: ignore[no-untyped-def]
    dom, warnings = argv_to_domain(f"{env} /usr/bin/qemu -name g {args}".strip(), CAPS)
    return dom, warnings


# -- tokenizer ---------------------------------------------------------------


def test_split_words_quotes() -> None:
    assert split_words("a 'b c' \"d \\\" e\" f\\ g ''") == ["a", "b c", 'd " e', "f g", ""]
    assert split_words("'it'\\''s'") == ["it's"]


@pytest.mark.parametrize("text", ["a 'b", 'a "b', "a b\\"])
def test_split_words_unterminated(text: str) -> None:
    with pytest.raises(ArgvError):
        split_words(text)


def test_split_command_line_env_program_args() -> None:
    cmd = split_command_line("LC_ALL=C HOME=/h /usr/bin/qemu -m 214 -append a=b")
    assert cmd.env == [("LC_ALL", "C"), ("HOME", "/h")]
    assert cmd.program == "/usr/bin/qemu"
    assert cmd.args == ["-m", "214", "-append", "a=b"]


def test_split_command_line_old_ceph_args() -> None:
    cmd = split_command_line("CEPH_ARGS=-m mon1:6321,mon2 /usr/bin/qemu")
    assert cmd.getenv("CEPH_ARGS") == "-m mon1:6321,mon2"


def test_split_command_line_needs_program() -> None:
    with pytest.raises(ArgvError, match="no emulator"):
        split_command_line("A=b C=d")


# -- option strings ----------------------------------------------------------


def test_split_commas_escape() -> None:
    assert split_commas("file=/a,,b,,,,c,if=ide") == ["file=/a,b,,c", "if=ide"]


def test_parse_keywords() -> None:
    assert parse_keywords("a=1,b,c=", allow_empty=True) == [("a", "1"), ("b", None), ("c", "")]
    with pytest.raises(ArgvError, match="malformed"):
        parse_keywords("a=1,b")


def test_strtol() -> None:
    assert strtol("59630,share=x") == (59630, ",share=x")
    assert strtol("0x2fff", 0) == (0x2FFF, "")
    with pytest.raises(ValueError):
        strtol("x")


# -- general options ---------------------------------------------------------


def test_defaults_from_emulator() -> None:
    dom, warnings = argv_to_domain("/usr/bin/qemu-system-x86_64 -no-acpi", CAPS)
    assert (dom.virt_type, dom.os.arch) == ("qemu", "x86_64")
    assert "acpi" not in dom.features.flags
    assert dom.memory.total == 64 * 1024
    assert warnings == []
    dom, _ = argv_to_domain("/usr/bin/kvm", CAPS)
    assert (dom.virt_type, dom.os.arch) == ("kvm", "i686")
    assert dom.features.flags == {"pae": True, "acpi": True}


def test_unknown_options_pass_through_with_warning() -> None:
    dom, warnings = dom_of("-unknown parameter --no-frob -global foo.bar=1 -rtc base=utc,clock=vm")
    assert dom.qemu_cmdline is not None
    assert dom.qemu_cmdline.args == [
        "-unknown", "parameter", "-no-frob", "-global", "foo.bar=1", "-rtc", "base=utc,clock=vm",
    ]
    assert len(warnings) == 7


def test_newer_libvirt_options() -> None:
    dom, warnings = dom_of(
        "-no-user-config -nodefaults -no-shutdown -msg timestamp=on "
        "-chardev socket,id=charmonitor,path=/m,server,nowait -mon chardev=charmonitor,id=monitor "
        "-rtc base=localtime -no-hpet -no-kvm-pit-reinjection -realtime mlock=on "
        "-balloon virtio -vnc 127.0.0.1:0 -k de"
    )
    assert warnings == []
    assert dom.clock.offset == "localtime"
    assert [(t.name, t.present, t.tickpolicy) for t in dom.clock.timers] == [
        ("hpet", False, None), ("pit", None, "delay"),
    ]
    assert dom.memory.locked
    assert dom.devices.memballoon.model == "virtio"
    assert dom.devices.graphics[0].keymap == "de"


def test_missing_value() -> None:
    with pytest.raises(ArgvError, match="missing value for -m argument"):
        dom_of("-m")


def test_machine_boot_memory_smp() -> None:
    dom, _ = dom_of(
        "-machine pc,accel=kvm,dump-guest-core=on,mem-merge=off,aes-key-wrap=off "
        "-m 214 -smp 1,maxcpus=2,sockets=2,cores=1,threads=1 "
        "-boot order=dc,menu=on,reboot-timeout=99999 -no-reboot -localtime"
    )
    assert dom.os.machine == "pc" and dom.virt_type == "kvm"
    assert dom.memory.dump_core is True and dom.memory.nosharepages
    assert dom.keywrap is not None and dom.keywrap.aes is False
    assert dom.memory.total == dom.memory.cur_balloon == 214 * 1024
    assert (dom.vcpus.current, dom.vcpus.max) == (1, 2)
    assert dom.cpu is not None and (dom.cpu.sockets, dom.cpu.cores, dom.cpu.threads) == (2, 1, 1)
    assert dom.os.boot_devs == ["cdrom", "hd"] and dom.os.bootmenu
    assert dom.os.reboot_timeout == 0xFFFF
    assert dom.lifecycle.on_reboot == "destroy" and dom.clock.offset == "localtime"


def test_smp_partial_topology_is_an_error() -> None:
    with pytest.raises(ArgvError, match="CPU topology"):
        dom_of("-smp 2,sockets=2")


def test_cpu_features_and_hyperv() -> None:
    dom, _ = dom_of("-cpu qemu32,-kvmclock,hv_relaxed,hv_spinlocks=0x10,kvm=off")
    assert dom.cpu is None
    assert dom.clock.timer("kvmclock").present is False  # type: ignore[union-attr]
    hv = dom.features.hyperv
    assert hv.relaxed and hv.spinlocks and hv.retries == 0xFFF
    assert dom.features.flags["kvm"] and dom.features.kvm_hidden
    dom, _ = dom_of("-cpu core2duo,+vmx")
    assert dom.cpu is not None and dom.cpu.model == "core2duo"
    assert [(f.name, f.policy) for f in dom.cpu.features] == [("vmx", "require")]
    with pytest.raises(ArgvError, match="HyperV"):
        dom_of("-cpu qemu32,hv_bogus")


def test_x86_64_emulator_with_32bit_cpu() -> None:
    dom, _ = argv_to_domain("/usr/bin/qemu-system-x86_64 -cpu qemu32", CAPS)
    assert dom.os.arch == "i686"


def test_pm_globals() -> None:
    dom, _ = dom_of("-global PIIX4_PM.disable_s3=1 -global PIIX4_PM.disable_s4=0")
    assert (dom.pm.s3, dom.pm.s4) == (False, True)
    with pytest.raises(ArgvError, match="disable_s3"):
        dom_of("-global PIIX4_PM.disable_s3=2")


# -- disks -------------------------------------------------------------------


def test_drive_ide_and_cdrom() -> None:
    dom, _ = dom_of(
        "-drive file=/dev/HostVG/QEMU,,Guest,if=ide,bus=0,unit=0,format=qcow2,cache=none,"
        "werror=report,rerror=ignore "
        "-drive if=ide,media=cdrom,bus=1,unit=0,format=raw"
    )
    hd, cd = dom.devices.disks
    assert (hd.type, hd.src.path, hd.dst, hd.bus) == ("block", "/dev/HostVG/QEMU,Guest", "hda", "ide")
    assert (hd.driver_name, hd.src.format, hd.cache) == ("qemu", "qcow2", "none")
    assert (hd.error_policy, hd.rerror_policy) == ("report", "ignore")
    assert hd.info.address == DriveAddress(0, 0, 0, 0)
    assert (cd.type, cd.src.path, cd.device, cd.dst, cd.readonly) == ("file", None, "cdrom", "hdc", True)
    assert cd.info.address == DriveAddress(0, 1, 0, 0)


def test_drive_virtio_and_floppy_names() -> None:
    dom, _ = dom_of(
        "-drive file=/a,if=virtio -drive file=/b,if=virtio -drive file=/f,if=floppy,unit=1 "
        "-drive file=/x,if=xen,index=6"
    )
    assert [d.dst for d in dom.devices.disks] == ["vda", "vdb", "fdb", "xvdg"]
    assert dom.devices.disks[2].device == "floppy"


def test_drive_errors() -> None:
    with pytest.raises(ArgvError, match="missing file"):
        dom_of("-drive if=ide,bus=0,unit=0")
    with pytest.raises(ArgvError, match="missing index/unit/bus"):
        dom_of("-drive file=/a,if=ide")


def test_network_drives() -> None:
    dom, _ = dom_of(
        "-drive file=nbd:unix:/var/run/nbdsock:exportname=bar,if=virtio "
        "-drive 'file=nbd://[::1]:6000/bar,if=virtio' "
        "-drive 'file=gluster+unix:///Vol/Img?socket=/sock,if=virtio' "
        "-drive file=iscsi://me:pw@example.org:6000/iqn.x/1,if=virtio "
        "-drive 'file=rbd:pool/image:id=me:mon_host=[\\:\\:1]\\:6321\\;h2\\:6322,if=virtio' "
        "-drive file=sheepdog:example.org:6000:img,,x,if=virtio"
    )
    nbd_unix, nbd6, gluster, iscsi, rbd, sheep = dom.devices.disks
    assert nbd_unix.src.path == "bar"
    assert (nbd_unix.src.hosts[0].transport, nbd_unix.src.hosts[0].socket) == ("unix", "/var/run/nbdsock")
    assert (nbd6.src.hosts[0].name, nbd6.src.hosts[0].port, nbd6.src.path) == ("::1", "6000", "bar")
    assert (gluster.src.path, gluster.src.hosts[0].socket) == ("Vol/Img", "/sock")
    assert iscsi.src.path == "iqn.x/1" and iscsi.auth is not None
    assert (iscsi.auth.username, iscsi.auth.secret_type) == ("me", "iscsi")
    assert rbd.src.path == "pool/image" and rbd.auth is not None and rbd.auth.secret_type == "ceph"
    assert [(h.name, h.port) for h in rbd.src.hosts] == [("::1", "6321"), ("h2", "6322")]
    assert (sheep.src.path, sheep.src.hosts[0].name, sheep.src.hosts[0].port) == (
        "img,x", "example.org", "6000",
    )
    assert all(d.type == "network" for d in dom.devices.disks)


def test_legacy_disks_sorted_by_name() -> None:
    dom, _ = dom_of("-hdb /b -cdrom /c.iso -hda /dev/a -fda /f -usbdevice disk:/u")
    assert [(d.dst, d.bus) for d in dom.devices.disks] == [
        ("hda", "ide"), ("hdb", "ide"), ("hdc", "ide"), ("fda", "fdc"), ("sda", "usb"),
    ]


# -- chardevs, graphics, devices ---------------------------------------------


def test_chr_sources() -> None:
    udp = parse_chr_source("udp:127.0.0.1:9998@127.0.0.1:9999")
    assert (udp.connect_host, udp.connect_service, udp.bind_host, udp.bind_service) == (
        "127.0.0.1", "9998", "127.0.0.1", "9999",
    )
    udp = parse_chr_source("udp::9999@:0")
    assert (udp.connect_host, udp.connect_service, udp.bind_service) == (None, "9999", None)
    tel = parse_chr_source("telnet:127.0.0.1:9999,server,nowait")
    assert (tel.type, tel.protocol, tel.listen, tel.service) == ("tcp", "telnet", True, "9999")
    assert parse_chr_source("unix:/tmp/s,server").path == "/tmp/s"
    assert parse_chr_source("/dev/ttyS2").type == "dev"
    with pytest.raises(ArgvError, match="unknown character device"):
        parse_chr_source("bogus")


def test_serial_ports_numbered() -> None:
    dom, _ = dom_of("-serial pty -serial none -serial file:/tmp/log -parallel tcp:h:1")
    assert [(s.source.type, s.port) for s in dom.devices.serials] == [("pty", 0), ("file", 1)]
    assert dom.devices.parallels[0].source.host == "h"


def test_vnc() -> None:
    vnc = parse_vnc("[::]:59630,share=allow-exclusive")
    assert (vnc.port, vnc.autoport, vnc.share_policy) == (65530, False, "allow-exclusive")
    assert vnc.listens[0].address == "::"
    vnc = parse_vnc("127.0.0.1:0,websocket")
    assert vnc.websocket == 5700
    assert parse_vnc("unix:/tmp/sock").socket == "/tmp/sock"
    with pytest.raises(ArgvError, match="VNC port"):
        parse_vnc("localhost")


def test_sdl_by_default_and_video() -> None:
    dom, _ = dom_of("-vga std", env="DISPLAY=:0.1 XAUTHORITY=/x")
    (sdl,) = dom.devices.graphics
    assert (sdl.type, sdl.display, sdl.xauth) == ("sdl", ":0.1", "/x")
    (video,) = dom.devices.videos
    assert (video.type, video.vram, video.heads) == ("vga", 16384, 1)
    dom, _ = dom_of("-nographic -vga cirrus")
    assert not dom.devices.graphics and not dom.devices.videos


def test_sound_and_usb_inputs() -> None:
    dom, _ = dom_of("-soundhw pcspk,es1370,hda -usb -usbdevice tablet")
    assert [s.model for s in dom.devices.sounds] == ["pcspk", "es1370", "ich6"]
    assert [(c.type, c.index) for c in dom.devices.controllers] == [("usb", 0)]
    assert [(i.type, i.bus) for i in dom.devices.inputs] == [("tablet", "usb")]


def test_boot_implied_order_and_name_keys() -> None:
    dom, _ = dom_of("-boot cd,menu=off,splash-time=3000 -name guest=g2,debug-threads=on")
    assert dom.os.boot_devs == ["hd", "cdrom"]
    assert (dom.os.bootmenu, dom.os.bm_timeout) == (False, 3000)
    assert dom.name == "g2"


def test_cpu_host_is_passthrough() -> None:
    dom, _ = dom_of("-cpu host")
    assert dom.cpu is not None and (dom.cpu.mode, dom.cpu.model) == ("host-passthrough", None)


def test_watchdog_and_balloon() -> None:
    dom, warnings = dom_of("-watchdog-action pause -watchdog ib700 -watchdog-action poweroff")
    # an action before any watchdog is not understood
    assert dom.qemu_cmdline is not None and dom.qemu_cmdline.args == ["-watchdog-action", "pause"]
    assert len(warnings) == 2
    wd = dom.devices.watchdog
    assert wd is not None and (wd.model, wd.action) == ("ib700", "poweroff")
    assert dom.devices.memballoon is not None and dom.devices.memballoon.model == "none"
    dom, _ = dom_of("-device virtio-balloon-pci,id=balloon0")
    assert dom.devices.memballoon is not None and dom.devices.memballoon.model == "virtio"


@pytest.mark.parametrize(
    ("cpu", "arch"),
    [("core2duo", "x86_64"), ("pentium3", "i686"), ("core2duo,-lm", "i686"), ("qemu64", "x86_64")],
)
def test_x86_64_guest_arch_from_cpu(cpu: str, arch: str) -> None:
    dom, _ = argv_to_domain(f"/usr/bin/qemu-system-x86_64 -cpu {cpu}", CAPS)
    assert dom.os.arch == arch


@pytest.mark.parametrize(
    ("arg", "kib"), [("214", 214 * 1024), ("1G", 1024 * 1024), ("size=512M,slots=2,maxmem=1G", 512 * 1024)]
)
def test_memory_sizes(arg: str, kib: int) -> None:
    dom, _ = dom_of(f"-m {arg}")
    assert dom.memory.total == dom.memory.cur_balloon == kib


def test_memory_errors() -> None:
    with pytest.raises(ArgvError, match="memory level"):
        dom_of("-m lots")
