"""The state one command line is parsed into."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..caps import QemuCaps
from ..errors import ArgvError
from ..model.domain import Domain
from .tokenize import CommandLine


@dataclass
class ArgvState:
    """The domain being built and what the options leave for later.

    ``pos`` indexes ``args``; an option handler consumes its value with
    :meth:`value` (libvirt's WANT_VALUE).
    """

    cmd: CommandLine
    caps: QemuCaps
    dom: Domain
    pos: int = 0
    warnings: list[str] = field(default_factory=list)
    # settings that only make sense once every option is read
    nographics: bool = False
    fullscreen: bool = False
    have_sdl: bool = False
    video_type: str = "cirrus"
    keymap: str | None = None
    # the "-net nic,..." front ends, matched to back ends by vlan
    nics: list[str] = field(default_factory=list)
    nvirtio_disks: int = 0

    @property
    def args(self) -> list[str]:
        return self.cmd.args

    def peek(self) -> str | None:
        nxt = self.pos + 1
        return self.args[nxt] if nxt < len(self.args) else None

    def value(self, opt: str) -> str:
        nxt = self.peek()
        if nxt is None:
            raise ArgvError(f"missing value for {opt} argument")
        self.pos += 1
        return nxt

    def getenv(self, name: str) -> str | None:
        return self.cmd.getenv(name)
