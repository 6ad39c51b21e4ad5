"""<graphics>: listen handling, XML round trip and -vnc/-spice/-sdl."""

from __future__ import annotations

import pytest
from qemudrv_helpers import device_domain, format_with, qemu_caps

from qemudrv.cmdline.command import CommandLine
from qemudrv.cmdline.graphics import build_graphics
from qemudrv.errors import DefinitionRejected, UnsupportedError
from qemudrv.format.graphics import format_graphics


def _xml(xml: str, inactive: bool = True) -> str:
    return format_with(
        format_graphics, device_domain(xml, active=not inactive), inactive=inactive
    )


def test_listen_attribute_becomes_listen_element() -> None:
    assert _xml("<graphics type='vnc' port='5905' autoport='no' listen='::'/>") == (
        "<graphics type='vnc' port='5905' autoport='no' listen='::'>\n"
        "  <listen type='address' address='::'/>\n"
        "</graphics>\n"
    )


def test_autoport_port_is_dropped_when_inactive() -> None:
    xml = "<graphics type='vnc' port='5900' autoport='yes'/>"
    assert _xml(xml) == "<graphics type='vnc' port='-1' autoport='yes'/>\n"
    assert _xml(xml, inactive=False) == "<graphics type='vnc' port='5900' autoport='yes'/>\n"


def test_listen_mismatch_is_rejected() -> None:
    with pytest.raises(DefinitionRejected, match="must match"):
        device_domain("<graphics type='vnc' listen='1.2.3.4'>"
               "<listen type='address' address='5.6.7.8'/></graphics>")


def test_vnc_only_keeps_connected() -> None:
    with pytest.raises(DefinitionRejected, match="keep"):
        device_domain("<graphics type='vnc' passwd='x' connected='disconnect'/>")


def test_vnc_ipv6_listen_is_bracketed() -> None:
    cmd = CommandLine()
    dom = device_domain("<graphics type='vnc' port='5903' autoport='no' listen='::1'/>")
    build_graphics(cmd, dom, qemu_caps("vnc"))
    assert cmd.args == ["-vnc", "[::1]:3"]
    assert cmd.env == [("QEMU_AUDIO_DRV", "none")]


def test_vnc_config_tls_sasl_password() -> None:
    cmd = CommandLine()
    dom = device_domain("<graphics type='vnc' port='5900' autoport='no' listen='127.0.0.1'/>")
    build_graphics(cmd, dom, qemu_caps("vnc", vnc_tls=True, vnc_tls_x509_certdir="/pki",
                                  vnc_sasl=True, vnc_sasl_dir="/sasl", vnc_password="pw"))
    assert cmd.args == ["-vnc", "127.0.0.1:0,password,tls,x509=/pki,sasl"]
    assert cmd.env == [("SASL_CONF_PATH", "/sasl"), ("QEMU_AUDIO_DRV", "none")]


def test_spice_channels_and_ticketing() -> None:
    cmd = CommandLine()
    dom = device_domain("<graphics type='spice' port='5903' tlsPort='5904' autoport='no'>"
                 "<channel name='main' mode='secure'/><channel name='inputs' mode='insecure'/>"
                 "<clipboard copypaste='no'/></graphics>")
    build_graphics(cmd, dom, qemu_caps("spice", spice_tls=True, spice_tls_x509_certdir="/x"))
    assert cmd.args == [
        "-spice",
        "port=5903,tls-port=5904,disable-ticketing,x509-dir=/x,"
        "tls-channel=main,plaintext-channel=inputs,disable-copy-paste",
    ]


def test_spice_tls_port_needs_tls_config() -> None:
    dom = device_domain("<graphics type='spice' port='5903' tlsPort='5904' autoport='no'/>")
    with pytest.raises(UnsupportedError, match="TLS is disabled"):
        build_graphics(CommandLine(), dom, qemu_caps("spice"))


def test_sdl_environment() -> None:
    cmd = CommandLine()
    dom = device_domain("<graphics type='sdl' display=':0.1' xauth='/x' fullscreen='yes'/>")
    build_graphics(cmd, dom, qemu_caps())
    assert cmd.args == ["-full-screen", "-sdl"]
    assert cmd.env == [("XAUTHORITY", "/x"), ("DISPLAY", ":0.1")]
