"""argv2xml: a QEMU command line back to a domain definition.

The reverse of the command line builder, after libvirt 1.3.1's
qemuParseCommandLineString: the shell-quoted line is split into environment
assignments, the emulator and its arguments (:mod:`.tokenize`), option
strings are read with QEMU's ``key=value,...`` rules (:mod:`.options`), and
:mod:`.parse` maps the options it knows onto the domain model; the rest is
kept as ``<qemu:commandline>`` pass-through arguments, with a warning.
"""

from __future__ import annotations

from .parse import argv_to_domain, convert

__all__ = ["argv_to_domain", "convert"]
