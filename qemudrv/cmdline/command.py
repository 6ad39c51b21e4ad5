"""A command line under construction: environment, program and arguments."""

from __future__ import annotations

from dataclasses import dataclass, field

from .quoting import SPECIAL, shell_quote


@dataclass
class CommandLine:
    program: str = ""
    env: list[tuple[str, str]] = field(default_factory=list)
    args: list[str] = field(default_factory=list)
    # -add-fd sets handed out so far (libvirt 9.0's priv->fdsetindex)
    fdsets: int = 0
    # <qemu:override> (libvirt 9.0): by device alias, the properties each
    # -device of that id gets, in order; a value of None removes one.
    device_overrides: dict[str, list[tuple[str, object]]] = field(default_factory=dict)
    # where each variable of ``env`` is, so that setenv need not search
    _env_at: dict[str, int] = field(default_factory=dict, init=False, repr=False,
                                    compare=False)

    def __post_init__(self) -> None:
        for i, (name, _) in enumerate(self.env):
            self._env_at.setdefault(name, i)

    def add(self, *args: str) -> None:
        self.args.extend(args)

    def add_fd(self, fd: int, opaque: str) -> str:
        """Pass ``fd`` in a new -add-fd set; the path QEMU opens it by."""
        index = self.fdsets
        self.fdsets += 1
        self.add("-add-fd", f"set={index},fd={fd},opaque={opaque}")
        return f"/dev/fdset/{index}"

    def setenv(self, name: str, value: str) -> None:
        """Set a variable: in its place if it is set already, else last."""
        at = self._env_at.get(name)
        if at is None:
            self._env_at[name] = len(self.env)
            self.env.append((name, value))
        else:
            self.env[at] = (name, value)

    def to_shell(self) -> str:
        """The one-line form the harness wraps and compares."""
        # shell_quote and env_assignment inlined: this runs once per
        # argument of every line.
        special = SPECIAL.search
        parts = [k + "=" + (("'" + v.replace("'", "'\\''") + "'") if special(v) else (v or "''"))
                 for k, v in self.env]
        parts.append(shell_quote(self.program))
        parts += [("'" + a.replace("'", "'\\''") + "'") if special(a) else (a or "''")
                  for a in self.args]
        return " ".join(parts)
