"""A golden's command line read as options: environment, program and arguments
split shell-style, then each option paired with its value.

Both :mod:`qemudrv.validate_rewrite` and :mod:`qemudrv.validate` work on the
:class:`Option` list this module makes.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Option", "parse_options", "split_command_line"]

# Options that take no value; every other option takes exactly one.
_NO_VALUE = frozenset((
    "-S", "-alt-grab", "-ctrl-grab", "-curses", "-daemonize", "-enable-fips", "-enable-kvm",
    "-enable-nesting", "-enable-sync-profile", "-full-screen", "-h", "-help", "-localtime",
    "-mem-prealloc", "-no-acpi", "-no-fd-bootchk", "-no-frame", "-no-hpet", "-no-kvm",
    "-no-kvm-irqchip", "-no-kvm-pit", "-no-kvm-pit-reinjection", "-no-quit", "-no-reboot",
    "-no-shutdown", "-no-user-config", "-nodefaults", "-nodefconfig", "-nographic", "-old-param",
    "-only-migratable", "-portrait", "-preconfig", "-rtc-td-hack", "-s", "-sdl", "-semihosting",
    "-singlestep", "-snapshot", "-std-vga", "-tdf", "-usb", "-version", "-vmwarevga",
    "-win2k-hack",
))  # fmt: skip


@dataclass
class Option:
    """One command-line option and its value (None for flags)."""

    name: str
    value: str | None = None

    def argv(self) -> list[str]:
        return [self.name] if self.value is None else [self.name, self.value]


_ENV_WORD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


def split_command_line(line: str) -> tuple[dict[str, str], str, list[str]]:
    """(environment, program, arguments) of a shell-quoted command line."""
    # A backslash-newline is a shell line continuation: it vanishes, even
    # inside a word (libvirt's .args files wrap long arguments that way).
    words = shlex.split(line.replace("\\\n", ""))
    env: dict[str, str] = {}
    while words and _ENV_WORD.match(words[0]):
        name, _, value = words.pop(0).partition("=")
        env[name] = value
    if not words:
        raise ValueError("command line has no program")
    return env, words[0], words[1:]


def parse_options(args: Sequence[str]) -> list[Option]:
    opts: list[Option] = []
    it = iter(args)
    for word in it:
        if not word.startswith("-") or word == "-":
            opts.append(Option("", word))  # a bare disk image, as -hda
            continue
        name = "-" + word.lstrip("-")
        opts.append(Option(name, None if name in _NO_VALUE else next(it, None)))
    return opts
