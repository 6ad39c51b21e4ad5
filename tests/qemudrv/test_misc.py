"""Memory balloon, watchdog, panic, TPM, shared memory, hubs and memory
modules."""

from __future__ import annotations

import pytest
from qemudrv_helpers import argv, domain_xml, xml

from qemudrv.errors import UnsupportedError, XMLError


def test_default_balloon_except_on_arm() -> None:
    assert "<memballoon model='virtio'/>" in xml(domain_xml(""))
    assert "memballoon" not in xml(domain_xml("", arch="aarch64", machine="virt"))
    line = argv(domain_xml(""), "device")
    assert "-device virtio-balloon-pci,id=balloon0,bus=pci,addr=0x3" in line
    assert "balloon" not in argv(domain_xml("<memballoon model='none'/>"), "device")


def test_watchdog_dump_pauses() -> None:
    doc = domain_xml("<watchdog model='ib700' action='dump'/>")
    assert "-watchdog ib700 -watchdog-action pause" in argv(doc)
    assert "-device ib700,id=watchdog0 -watchdog-action pause" in argv(doc, "device")
    assert "<watchdog model='ib700' action='dump'/>" in xml(doc)


def test_panic_model_defaults_and_devices() -> None:
    doc = domain_xml("<panic><address type='isa' iobase='0x505'/></panic><panic model='hyperv'/>")
    out = xml(doc)
    assert "<panic model='isa'>" in out and "<panic model='hyperv'/>" in out
    assert argv(doc, "pvpanic").endswith("-device pvpanic,ioport=1285")
    with pytest.raises(UnsupportedError, match="panic device"):
        argv(doc)
    pseries = domain_xml("<panic><address type='isa' iobase='0x505'/></panic>",
                     arch="ppc64", machine="pseries")
    with pytest.raises(UnsupportedError, match="model 'pseries'"):
        argv(pseries, "device")


def test_tpm_passthrough() -> None:
    doc = domain_xml("<tpm model='tpm-tis'><backend type='passthrough'>"
                 "<device path='/dev/tpm0'/></backend></tpm>")
    line = argv(doc, "device", "tpm-passthrough", "tpm-tis")
    assert ("-tpmdev passthrough,id=tpm-tpm0,path=/dev/tpm0,"
            "cancel-path=/sys/class/misc/tpm0/device/cancel "
            "-device tpm-tis,tpmdev=tpm-tpm0,id=tpm0") in line
    with pytest.raises(XMLError, match="missing TPM device backend"):
        xml(domain_xml("<tpm model='tpm-tis'></tpm>"))


def test_shmem_sizes_and_server() -> None:
    ok = domain_xml("<shmem name='s0'><size unit='M'>4</size><server/><msi vectors='8'/></shmem>")
    line = argv(ok, "device", "ivshmem")
    assert "-device ivshmem,size=4m,chardev=charshmem0,id=shmem0,msi=on,vectors=8," in line
    assert "-chardev socket,id=charshmem0,path=/var/lib/libvirt/shmem-s0-sock" in line
    assert "<size unit='M'>4</size>" in xml(ok)
    for size, message in (("3", "power of two"), ("512", "at least 1 MiB")):
        unit = "M" if size == "3" else "K"
        bad = domain_xml(f"<shmem name='s0'><size unit='{unit}'>{size}</size></shmem>")
        with pytest.raises(UnsupportedError, match=message):
            argv(bad, "device", "ivshmem")
    with pytest.raises(XMLError, match="only supported with a server"):
        xml(domain_xml("<shmem name='s0'><msi/></shmem>"))


def test_usb_hub() -> None:
    doc = domain_xml("<hub type='usb'><address type='usb' bus='0' port='1'/></hub>")
    assert "-device usb-hub,id=hub0,bus=usb.0,port=1" in argv(doc, "device", "usb-hub")
    with pytest.raises(UnsupportedError, match="usb-hub"):
        argv(doc, "device")


def test_memory_module_round_trip() -> None:
    dimm = ("<memory model='dimm'><source><nodemask>1-3</nodemask>"
            "<pagesize unit='KiB'>2048</pagesize></source>"
            "<target><size unit='MiB'>512</size><node>0</node></target>"
            "<address type='dimm' slot='0' base='0x100000000'/></memory>")
    out = xml(domain_xml(dimm).replace(
        "<memory unit='KiB'>219136</memory>",
        "<maxMemory slots='16' unit='KiB'>4194304</maxMemory><memory unit='KiB'>1267712</memory>",
    ))
    assert ("<source>\n        <nodemask>1-3</nodemask>\n"
            "        <pagesize unit='KiB'>2048</pagesize>\n      </source>") in out
    assert "<size unit='KiB'>524288</size>" in out
    assert "<address type='dimm' slot='0' base='0x100000000'/>" in out
