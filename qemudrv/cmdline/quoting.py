"""Shell quoting of a command line, exactly as libvirt's virCommandToString."""

from __future__ import annotations

import re

# virBufferEscapeShell quotes only strings holding one of these.
SPECIAL = re.compile(r"[\r\t\n !\"#$&'()*;<>?\[\\\]^`{|}~]")


def shell_quote(arg: str) -> str:
    if arg == "":
        return "''"
    if not SPECIAL.search(arg):
        return arg
    return "'" + arg.replace("'", "'\\''") + "'"


def env_assignment(name: str, value: str) -> str:
    return f"{name}={shell_quote(value)}"
