"""toyvisor: a tiny example driver for hvharness.

It converts a toy machine definition to a command line and back, just enough
to show a third party how a driver plugs into the harness:

    <machine name='demo'>
      <memory>512</memory>
      <cpus>2</cpus>
      <disk file='/var/lib/toy/demo.img'/>
    </machine>

becomes ``HOME=/root /usr/bin/toyvisor -name demo -m 512 -smp 2 -drive
file=/var/lib/toy/demo.img,if=virtio``.
"""

from __future__ import annotations

import shlex
import uuid
import xml.etree.ElementTree as ET

from harness.protocol import (
    Capabilities,
    CommandLineRefused,
    Conversion,
    DefinitionRejected,
    Mode,
)

__all__ = ["ToyDriver", "driver", "xml_only_driver"]


def _parse(xml: str) -> ET.Element:
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        raise DefinitionRejected(f"malformed XML: {exc}") from None
    if root.tag != "machine":
        raise DefinitionRejected(f"unexpected root element <{root.tag}>, expecting <machine>")
    if not root.get("name"):
        raise DefinitionRejected("the machine has no name")
    return root


def _memory(root: ET.Element) -> int:
    text = root.findtext("memory")
    if text is None:
        raise DefinitionRejected("the machine has no <memory>")
    try:
        return int(text)
    except ValueError:
        raise DefinitionRejected(f"memory {text!r} is not a number") from None


def _format(root: ET.Element, caps: Capabilities, active: bool) -> str:
    lines = [f"<machine name='{root.get('name')}'" + (" id='1'>" if active else ">")]
    lines.append(f"  <memory>{_memory(root)}</memory>")
    lines.append(f"  <cpus>{root.findtext('cpus', '1')}</cpus>")
    for disk in root.findall("disk"):
        bus = disk.get("bus", caps.config.get("default_bus", "virtio"))
        lines.append(f"  <disk file='{disk.get('file')}' bus='{bus}'/>")
    lines.append("</machine>")
    return "\n".join(lines) + "\n"


class ToyDriver:
    name = "toyvisor"

    def __init__(self, modes: frozenset[Mode] = frozenset(Mode)) -> None:
        self.modes = modes

    def xml_to_argv(
        self,
        xml: str,
        caps: Capabilities,
        *,
        migrate_from: str | None = None,
        migrate_fd: int | None = None,
    ) -> Conversion:
        root = _parse(xml)
        env = [f"{k}={shlex.quote(str(v))}" for k, v in caps.tables.get("env", {}).items()]
        emulator = caps.tables.get("host", {}).get("emulator", "/usr/bin/toyvisor")
        argv = [emulator, "-name", root.get("name", ""), "-m", str(_memory(root)),
                "-smp", root.findtext("cpus", "1")]
        for disk in root.findall("disk"):
            if not caps.has("drive"):
                raise CommandLineRefused("this toyvisor cannot attach disks (no 'drive' flag)")
            bus = disk.get("bus", caps.config.get("default_bus", "virtio"))
            argv += ["-drive", f"file={disk.get('file')},if={bus}"]
        if "vnc_listen" in caps.config:
            argv += ["-vnc", f"{caps.config['vnc_listen']}:0"]
        if root.find("explode") is not None:
            raise RuntimeError("the toy exploded")
        if migrate_from is not None:
            uri = f"fd:{migrate_fd}" if migrate_from == "stdio" else migrate_from
            argv += ["-incoming", uri]
        return Conversion(" ".join([*env, *(shlex.quote(a) for a in argv)]))

    def xml_to_xml(
        self, xml: str, caps: Capabilities, *, active: bool = False, status: bool = False
    ) -> Conversion:
        if status:
            outer = ET.fromstring(xml)
            inner = outer.find("machine")
            if outer.tag != "status" or inner is None:
                raise DefinitionRejected("a status document is <status><machine/></status>")
            body = _format(_parse(ET.tostring(inner, encoding="unicode")), caps, active)
            indented = "".join("  " + line for line in body.splitlines(keepends=True))
            return Conversion(f"<status state='{outer.get('state')}'>\n{indented}</status>\n")
        return Conversion(_format(_parse(xml), caps, active))

    def argv_to_xml(self, argv: str, caps: Capabilities) -> Conversion:
        words = shlex.split(argv)
        while words and "=" in words[0] and not words[0].startswith("-"):
            words.pop(0)
        if not words:
            raise CommandLineRefused("no program on the command line")
        opts: dict[str, str] = {}
        disks: list[str] = []
        warnings: list[str] = []
        i = 1
        while i < len(words):
            opt = words[i]
            value = words[i + 1] if i + 1 < len(words) else ""
            i += 2
            if opt == "-drive":
                disks.append(value)
            elif opt in ("-name", "-m", "-smp"):
                opts[opt] = value
            else:
                warnings.append(f"unknown option {opt} ignored")
        if "-name" not in opts:
            raise CommandLineRefused("the command line has no -name")
        lines = [f"<machine name='{opts['-name']}'>",
                 f"  <uuid>{uuid.uuid4()}</uuid>",
                 f"  <memory>{opts.get('-m', '128')}</memory>",
                 f"  <cpus>{opts.get('-smp', '1')}</cpus>"]
        for drive in disks:
            fields = dict(f.split("=", 1) for f in drive.split(",") if "=" in f)
            file, bus = fields.get("file", ""), fields.get("if", "virtio")
            lines.append(f"  <disk file='{file}' bus='{bus}'/>")
        lines.append("</machine>")
        return Conversion("\n".join(lines) + "\n", tuple(warnings))


driver = ToyDriver()
"""The toy driver, all three modes (``toyvisor:driver``)."""

xml_only_driver = ToyDriver(frozenset({Mode.XML2ARGV, Mode.XML2XML}))
"""The same driver declaring no argv2xml support (``toyvisor:xml_only_driver``)."""
