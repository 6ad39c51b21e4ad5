"""The reference QEMU driver, as the harness sees it."""

from __future__ import annotations

from harness.protocol import Capabilities, Conversion, Mode

from .argv import convert as convert_argv
from .caps import QemuCaps
from .cmdline.builder import build_command_line
from .cmdline.modern.validate import validate as validate_modern
from .errors import ConfigError, UnsupportedError, XMLError, with_code
from .format.context import FormatContext
from .format.domain import format_domain
from .parse.context import ParseContext
from .parse.domain import parse_domain_xml
from .postparse import post_parse, prepare_for_command_line
from .status import format_status_xml, parse_status_xml
from .validate_modern.start import prepare_qemu_caps, validate_start


class QemuDriver:
    """Converts libvirt domain XML to a QEMU command line and back."""

    name = "qemudrv"
    modes = frozenset({Mode.XML2ARGV, Mode.XML2XML, Mode.ARGV2XML})

    def xml_to_argv(
        self,
        xml: str,
        caps: Capabilities,
        *,
        migrate_from: str | None = None,
        migrate_fd: int | None = None,
    ) -> Conversion:
        qcaps = QemuCaps(caps, xml)
        try:
            dom = parse_domain_xml(xml, ParseContext(qcaps, inactive=True))
            post_parse(dom, qcaps)
            if qcaps.libvirt_version >= (9, 0):
                # libvirt validates at define time, then again when it starts
                # the domain, with the start-only checks added.
                validate_modern(dom, qcaps)
                prepare_qemu_caps(dom, qcaps)
                validate_start(dom)
            prepare_for_command_line(dom, qcaps, migrate_from=migrate_from)
            cmd = build_command_line(dom, qcaps, migrate_from=migrate_from,
                                     migrate_fd=migrate_fd)
        except (XMLError, ConfigError, UnsupportedError) as exc:
            if qcaps.libvirt_version < (9, 0):
                raise
            raise with_code(exc) from None
        return Conversion(cmd.to_shell())

    def xml_to_xml(
        self,
        xml: str,
        caps: Capabilities,
        *,
        active: bool = False,
        status: bool = False,
    ) -> Conversion:
        qcaps = QemuCaps(caps, xml)
        pctx = ParseContext(qcaps, inactive=not active, status=status)
        if status:
            dom = parse_status_xml(xml, pctx)
            post_parse(dom, qcaps)
            fctx = FormatContext(inactive=False, secure=True, status=True)
            return Conversion(format_status_xml(dom, fctx))
        dom = parse_domain_xml(xml, pctx)
        post_parse(dom, qcaps)
        return Conversion(format_domain(dom, FormatContext(inactive=not active, secure=True)))

    def argv_to_xml(self, argv: str, caps: Capabilities) -> Conversion:
        return convert_argv(argv, caps)
