"""Unit tests of <filesystem>: parsing, formatting and the 9p command line."""

from __future__ import annotations

import pytest
from qemudrv_helpers import format_with, parse_element, qemu_caps, with_root_controllers

from qemudrv.cmdline.filesystem import fs_device, fsdev_options
from qemudrv.errors import UnsupportedError, XMLError
from qemudrv.format.filesystem import format_filesystem
from qemudrv.model.address import PCIAddress
from qemudrv.model.domain import Domain
from qemudrv.model.filesystem import Filesystem
from qemudrv.parse.filesystem import parse_filesystem


def _parse(xml: str) -> Filesystem:
    return parse_element(xml, parse_filesystem)


def _format(fs: Filesystem) -> str:
    return format_with(format_filesystem, fs)


def test_defaults_are_written_back() -> None:
    fs = _parse("<filesystem><source dir='/a'/><target dir='/b'/></filesystem>")
    assert _format(fs) == (
        "<filesystem type='mount' accessmode='passthrough'>\n"
        "  <source dir='/a'/>\n"
        "  <target dir='/b'/>\n"
        "</filesystem>\n"
    )


def test_driver_without_type_is_dropped() -> None:
    fs = _parse(
        "<filesystem accessmode='mapped'><driver wrpolicy='immediate'/>"
        "<source dir='/a'/><target dir='/b'/><readonly/></filesystem>"
    )
    assert fs.wrpolicy == "immediate"
    assert "<driver" not in _format(fs)
    assert "<readonly/>" in _format(fs)


def test_ram_usage_roundtrips_in_kib() -> None:
    fs = _parse(
        "<filesystem type='ram'><source usage='2' units='MiB'/><target dir='/m'/>"
        "<space_hard_limit unit='KiB'>1</space_hard_limit></filesystem>"
    )
    out = _format(fs)
    assert "<source usage='2048' units='KiB'/>" in out
    assert "<space_hard_limit unit='bytes'>1024</space_hard_limit>" in out


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        ("<filesystem type='nope'/>", "unknown filesystem type 'nope'"),
        ("<filesystem><target dir='/b'/></filesystem>", "missing source information for /b"),
        ("<filesystem><source dir='/a'/></filesystem>", "missing target information for /a"),
        (
            "<filesystem><driver type='default'/><source dir='/a'/><target dir='/b'/></filesystem>",
            "unknown fs driver type 'default'",
        ),
    ],
)
def test_invalid_definitions(xml: str, message: str) -> None:
    with pytest.raises(XMLError, match=message):
        _parse(xml)


def test_command_line() -> None:
    fs = _parse(
        "<filesystem accessmode='squash'><driver type='path' wrpolicy='immediate'/>"
        "<source dir='/a'/><target dir='/b'/></filesystem>"
    )
    fs.info.alias = "fs0"
    fs.info.address = PCIAddress(0, 0, 3, 0)
    with pytest.raises(UnsupportedError, match="writeout"):
        fsdev_options(fs, qemu_caps("fsdev"))
    assert fsdev_options(fs, qemu_caps("fsdev", "fsdev-writeout")) == (
        "local,security_model=none,writeout=immediate,id=fsdev-fs0,path=/a"
    )
    assert fs_device(with_root_controllers(Domain()), fs, qemu_caps("device")).startswith(
        "virtio-9p-pci,id=fs0,fsdev=fsdev-fs0,mount_tag=/b"
    )


def test_handle_driver_needs_passthrough() -> None:
    fs = _parse(
        "<filesystem accessmode='mapped'><driver type='handle'/>"
        "<source dir='/a'/><target dir='/b'/></filesystem>"
    )
    with pytest.raises(UnsupportedError, match="only supports passthrough"):
        fsdev_options(fs, qemu_caps("fsdev"))
