"""What libvirt's QEMU test programs run, call by call.

``mymain`` of ``qemuxml2argvtest.c`` and ``qemuxml2xmltest.c`` is a list of
``DO_TEST*`` macro calls with statements between them that change the
driver's configuration, the environment or the fake host. This module
expands every call down to ``DO_TEST_FULL`` with the program's own macros,
reads the ``ARG_*`` list the way ``testQemuInfoSetArgs`` does, and tracks the
state each call runs in. A statement it cannot interpret is reported, never
dropped silently.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .csource import (
    CSourceError,
    Macro,
    Statement,
    Token,
    conditional_lines,
    expand,
    function_body,
    parse_defines,
    split_args,
    split_statements,
    string_value,
    tokenize,
)

__all__ = [
    "CONFIG_FIELDS",
    "Call",
    "Program",
    "Unconverted",
    "read_program",
]

# driver.config / cfg fields that mymain changes, as configuration keys:
# (key, kind), kind "bool" (libvirt's int or bool flags) or "str".
CONFIG_FIELDS: Mapping[str, tuple[str, str]] = {
    "dumpGuestCore": ("dump_guest_core", "bool"),
    "vncAllowHostAudio": ("vnc_allow_host_audio", "bool"),
    "nogfxAllowHostAudio": ("nogfx_allow_host_audio", "bool"),
    "vncAutoUnixSocket": ("vnc_auto_unix_socket", "bool"),
    "vncSASL": ("vnc_sasl", "bool"),
    "vncSASLdir": ("vnc_sasl_dir", "str"),
    "vncTLS": ("vnc_tls", "bool"),
    "vncTLSx509verify": ("vnc_tls_x509_verify", "bool"),
    "vncTLSx509certdir": ("vnc_tls_x509_certdir", "str"),
    "vncTLSx509secretUUID": ("vnc_tls_x509_secret_uuid", "str"),
    "spiceTLS": ("spice_tls", "bool"),
    "spiceTLSx509certdir": ("spice_tls_x509_certdir", "str"),
    "spiceSASL": ("spice_sasl", "bool"),
    "spiceSASLdir": ("spice_sasl_dir", "str"),
    "spiceAutoUnixSocket": ("spice_auto_unix_socket", "bool"),
    "spicePassword": ("spice_password", "str"),
    "chardevTLS": ("chardev_tls", "bool"),
    "chardevTLSx509verify": ("chardev_tls_x509_verify", "bool"),
    "chardevTLSx509certdir": ("chardev_tls_x509_certdir", "str"),
    "chardevTLSx509secretUUID": ("chardev_tls_x509_secret_uuid", "str"),
    "vxhsTLS": ("vxhs_tls", "bool"),
    "vxhsTLSx509certdir": ("vxhs_tls_x509_certdir", "str"),
    "vxhsTLSx509secretUUID": ("vxhs_tls_x509_secret_uuid", "str"),
    "nbdTLS": ("nbd_tls", "bool"),
    "nbdTLSx509certdir": ("nbd_tls_x509_certdir", "str"),
    "nbdTLSx509secretUUID": ("nbd_tls_x509_secret_uuid", "str"),
    "defaultTLSx509certdir": ("default_tls_x509_certdir", "str"),
    "memoryBackingDir": ("memory_backing_dir", "str"),
    "nvramDir": ("nvram_dir", "str"),
    "dbusStateDir": ("dbus_state_dir", "str"),
}

_TEST_FLAGS = {
    "FLAG_EXPECT_FAILURE": "expect-failure",
    "FLAG_EXPECT_PARSE_ERROR": "expect-parse-error",
    "FLAG_FIPS_HOST": "fips-host",
    "FLAG_REAL_CAPS": "real-caps",
    "FLAG_SKIP_LEGACY_CPUS": "skip-legacy-cpus",
    "FLAG_SLIRP_HELPER": "slirp-helper",
}
_PARSE_FLAGS = {
    "VIR_DOMAIN_DEF_PARSE_ABI_UPDATE": "abi-update",
    "VIR_DOMAIN_DEF_PARSE_SKIP_VALIDATE": "skip-validate",
    "VIR_DOMAIN_DEF_PARSE_INACTIVE": "inactive",
}
_GIC = {"GIC_NONE": 0, "GIC_V2": 1, "GIC_V3": 2, "GIC_BOTH": 3}
_HOST_OS = {"HOST_OS_LINUX": "linux", "HOST_OS_MACOS": "macos"}
_CPU_DEFS = {
    "QEMU_CPU_DEF_DEFAULT": "default",
    "QEMU_CPU_DEF_HASWELL": "haswell",
    "QEMU_CPU_DEF_POWER8": "power8",
    "QEMU_CPU_DEF_POWER9": "power9",
    "QEMU_CPU_DEF_POWER10": "power10",
}
_WHEN = {"WHEN_INACTIVE": ("inactive",), "WHEN_ACTIVE": ("active",),
         "WHEN_BOTH": ("inactive", "active")}
# testutilsqemu.c qemuTestSetHostCPU(): the CPU an architecture gets by default.
_DEFAULT_HOST_CPU = {"x86_64": "default", "i686": "default", "ppc64": "power8",
                     "ppc64le": "power8"}
# The environment of mymain before its first test (both programs set it up
# the same way or less); the variables below are what later statements touch.
_TPM_VERSION_VAR = "VIR_TEST_MOCK_FAKE_TPM_VERSION"


class Unconvertible(Exception):
    """A call or statement the importer cannot express; the text says why."""


@dataclass(frozen=True)
class Unconverted:
    program: str
    line: int
    text: str
    reason: str


@dataclass(frozen=True)
class Call:
    """One ``DO_TEST*`` call, as ``testQemuInfoSetArgs`` reads it."""

    program: str
    line: int
    macro: str
    name: str
    suffix: str
    states: tuple[str, ...] = ()
    qemu_caps: tuple[str, ...] = ()
    caps_arch: str | None = None
    caps_ver: str | None = None
    test_flags: frozenset[str] = frozenset()
    parse_flags: tuple[str, ...] = ()
    migrate_from: str | None = None
    migrate_fd: int | None = None
    gic: int = 0
    host_os: str = "linux"
    host_cpu_model: str | None = None
    fd_groups: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    # The driver state this call ran in (config keys, host arch and CPU, env).
    state: Mapping[str, Any] = field(default_factory=dict)

    @property
    def golden_stem(self) -> str:
        return self.name + self.suffix


@dataclass
class Program:
    name: str
    path: Path
    calls: list[Call]
    unconverted: list[Unconverted]
    baseline: dict[str, Any]
    # VIR_TEST_MAIN_PRELOAD(..., VIR_TEST_MOCK("NAME")): the mock libraries loaded
    mocks: tuple[str, ...] = ()


def _words(tokens: Sequence[Token]) -> list[str]:
    return [t.text for t in tokens]


def _int(tokens: Sequence[Token]) -> int:
    if len(tokens) == 1 and tokens[0].kind == "number":
        text = tokens[0].text.rstrip("uUlL")
        try:
            return int(text, 0)
        except ValueError:
            pass
    raise Unconvertible(f"expected a number, found {' '.join(_words(tokens))!r}")


def _string(tokens: Sequence[Token]) -> str:
    value = string_value(tokens)
    if value is None:
        raise Unconvertible(f"expected a string, found {' '.join(_words(tokens))!r}")
    return value


def _flag_set(tokens: Sequence[Token], names: Mapping[str, str], what: str) -> list[str]:
    out: list[str] = []
    expect_name = True
    for t in tokens:
        if expect_name:
            if t.kind == "number" and t.text == "0":
                pass
            elif t.text not in names:
                raise Unconvertible(f"unknown {what} {t.text!r}")
            else:
                out.append(names[t.text])
            expect_name = False
        elif t.text == "|":
            expect_name = True
        else:
            raise Unconvertible(f"cannot read {what} expression {' '.join(_words(tokens))!r}")
    return out


def _enum(tokens: Sequence[Token], names: Mapping[str, Any], what: str) -> Any:
    if len(tokens) == 1 and tokens[0].text in names:
        return names[tokens[0].text]
    raise Unconvertible(f"unknown {what} {' '.join(_words(tokens))!r}")


class _Interpreter:
    def __init__(self, program: str, path: Path, capability_names: Mapping[str, str],
                 state: dict[str, Any]) -> None:
        self.program = program
        self.path = path
        self.capability_names = capability_names
        self.state = state

    # -- test calls ------------------------------------------------------

    def call(self, macro: str, line: int, args: list[list[Token]]) -> Call:
        fixed = 3 if self.program == "xml2xml" else 2
        if len(args) < fixed:
            raise Unconvertible("DO_TEST_FULL has too few arguments")
        name = _string(args[0])
        suffix = _string(args[1])
        states: tuple[str, ...] = ()
        if self.program == "xml2xml":
            states = _enum(args[2], _WHEN, "WHEN_* value")
        values: dict[str, Any] = {"fd_groups": {}}
        rest = args[fixed:]
        i = 0

        def take() -> list[Token]:
            nonlocal i
            if i >= len(rest):
                raise Unconvertible("the ARG_* list ends without ARG_END")
            i += 1
            return rest[i - 1]

        while True:
            arg = take()
            if len(arg) != 1 or arg[0].kind != "ident":
                raise Unconvertible(f"expected an ARG_* name, found {' '.join(_words(arg))!r}")
            kind = arg[0].text
            if kind == "ARG_END":
                break
            if kind == "ARG_QEMU_CAPS":
                caps = list(values.get("qemu_caps", ()))
                while True:
                    flag = take()
                    flag_name = " ".join(_words(flag))
                    if flag_name == "QEMU_CAPS_LAST":
                        break
                    if flag_name not in self.capability_names:
                        raise Unconvertible(f"unknown capability flag {flag_name!r}")
                    caps.append(self.capability_names[flag_name])
                values["qemu_caps"] = tuple(dict.fromkeys(caps))
            elif kind == "ARG_GIC":
                values["gic"] = _enum(take(), _GIC, "GIC_* value")
            elif kind == "ARG_MIGRATE_FROM":
                values["migrate_from"] = _string(take())
            elif kind == "ARG_MIGRATE_FD":
                values["migrate_fd"] = _int(take())
            elif kind == "ARG_FLAGS":
                values["test_flags"] = frozenset(_flag_set(take(), _TEST_FLAGS, "test flag"))
            elif kind == "ARG_PARSEFLAGS":
                values["parse_flags"] = tuple(_flag_set(take(), _PARSE_FLAGS, "parse flag"))
            elif kind == "ARG_CAPS_ARCH":
                values["caps_arch"] = _string(take())
            elif kind == "ARG_CAPS_VER":
                values["caps_ver"] = _string(take())
            elif kind == "ARG_CAPS_HOST_CPU_MODEL":
                values["host_cpu_model"] = _enum(take(), _CPU_DEFS, "QEMU_CPU_DEF_* value")
            elif kind == "ARG_HOST_OS":
                values["host_os"] = _enum(take(), _HOST_OS, "HOST_OS_* value")
            elif kind == "ARG_FD_GROUP":
                group = _string(take())
                count = _int(take())
                values["fd_groups"][group] = tuple(_int(take()) for _ in range(count))
            else:
                raise Unconvertible(f"unknown argument {kind!r}")
        if bool(values.get("caps_arch")) != bool(values.get("caps_ver")):
            raise Unconvertible("ARG_CAPS_ARCH and ARG_CAPS_VER must be given together")
        state = dict(self.state)
        if self.program == "xml2argv":
            # testCompareXMLToArgv: a real-caps call of another architecture
            # runs on a host of that architecture with its default CPU and
            # puts the host back to x86_64 (and its default CPU) afterwards.
            arch = values.get("caps_arch")
            if arch and arch != "x86_64":
                state["host_arch"] = arch
                state["host_cpu"] = _DEFAULT_HOST_CPU.get(arch, "none")
            if values.get("host_cpu_model"):
                state["host_cpu"] = values["host_cpu_model"]
            if arch and arch != "x86_64":
                self.set_host_arch("x86_64")
        return Call(program=self.program, line=line, macro=macro, name=name, suffix=suffix,
                    states=states, state=state, **values)

    # -- state statements -----------------------------------------------

    def set_host_arch(self, arch: str) -> None:
        self.state["host_arch"] = arch
        self.state["host_cpu"] = _DEFAULT_HOST_CPU.get(arch, "none")

    def _config_target(self, tokens: Sequence[Token]) -> str:
        words = _words(tokens)
        if words[:4] == ["driver", ".", "config", "->"] and len(words) == 5:
            fld = words[4]
        elif words[:2] == ["cfg", "->"] and len(words) == 3:
            fld = words[2]
        else:
            raise Unconvertible(f"cannot interpret the assignment to {' '.join(words)!r}")
        if fld not in CONFIG_FIELDS:
            raise Unconvertible(f"configuration field {fld!r} has no configuration key")
        return fld

    def _config_value(self, fld: str, tokens: Sequence[Token]) -> Any:
        key_kind = CONFIG_FIELDS[fld][1]
        words = _words(tokens)
        if key_kind == "bool":
            if words in (["true"], ["1"]):
                return True
            if words in (["false"], ["0"]):
                return False
        elif words[:2] == ["g_strdup", "("] and words[-1] == ")":
            return _string(tokens[2:-1])
        raise Unconvertible(f"cannot read the value {' '.join(words)!r} of {fld}")

    def _env_name(self, tokens: Sequence[Token]) -> str:
        return _string(tokens)

    def statement(self, tokens: Sequence[Token]) -> None:
        words = _words(tokens)
        if words and words[-1] == ";":
            tokens, words = tokens[:-1], words[:-1]
        if not words:
            return
        head = words[0]
        if head in ("g_setenv", "g_unsetenv", "unsetenv") and words[1] == "(":
            args, after = split_args(tokens, 1, self.path)
            if after != len(tokens):
                raise Unconvertible("trailing text after the call")
            name = self._env_name(args[0])
            if head == "g_setenv":
                self._set_env(name, _string(args[1]))
            else:
                self._set_env(name, None)
            return
        if head == "VIR_FREE" and words[1] == "(":
            args, after = split_args(tokens, 1, self.path)
            fld = self._config_target(args[0])
            self.state[CONFIG_FIELDS[fld][0]] = None
            return
        if head == "qemuTestSetHostArch":
            args, _ = split_args(tokens, 1, self.path)
            arch = " ".join(_words(args[1]))
            if arch == "VIR_ARCH_NONE":
                self.set_host_arch("x86_64")
            elif arch.startswith("VIR_ARCH_"):
                self.set_host_arch(arch.removeprefix("VIR_ARCH_").lower())
            else:
                raise Unconvertible(f"unknown architecture {arch!r}")
            return
        if head == "qemuTestSetHostCPU":
            args, _ = split_args(tokens, 1, self.path)
            cpu = _words(args[2])
            if cpu == ["NULL"]:
                self.state["host_cpu"] = _DEFAULT_HOST_CPU.get(self.state["host_arch"], "none")
            elif cpu[:2] == ["qemuTestGetCPUDef", "("] and len(cpu) == 4:
                self.state["host_cpu"] = _enum(args[2][2:3], _CPU_DEFS, "QEMU_CPU_DEF_* value")
            else:
                raise Unconvertible(f"cannot read the host CPU {' '.join(cpu)!r}")
            return
        # Assignments, possibly chained: a = b = c = 0
        parts: list[list[Token]] = [[]]
        for t in tokens:
            if t.kind == "punct" and t.text == "=":
                parts.append([])
            else:
                parts[-1].append(t)
        if len(parts) >= 2:
            targets = [self._config_target(p) for p in parts[:-1]]
            for fld in targets:
                self.state[CONFIG_FIELDS[fld][0]] = self._config_value(fld, parts[-1])
            return
        raise Unconvertible("not a test call, and not a change of state the importer knows")

    def _set_env(self, name: str, value: str | None) -> None:
        if name == _TPM_VERSION_VAR:
            # testutilsqemu.c virTPMSwtpmSetupCapsGet(): unset means both.
            self.state["swtpm_tpm_versions"] = (
                ["1.2", "2.0"] if value is None else [v for v in ("1.2", "2.0") if v in value])
            return
        env = dict(self.state["environ"])
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
        self.state["environ"] = env


def _is_test_call(statement: Statement) -> bool:
    first = statement.tokens[0]
    return first.kind == "ident" and first.text.startswith("DO_TEST")


def read_program(
    path: Path,
    program: str,
    capability_names: Mapping[str, str],
    extra_macros: Mapping[str, Macro] | None = None,
    baseline: Mapping[str, Any] | None = None,
) -> Program:
    """Every ``DO_TEST*`` call of ``mymain`` in ``path``, with its state.

    The statements before the first call set the program up; their effect
    is the baseline the caller supplies as data. Statements after the first
    call change the state of the calls that follow.
    """
    text = path.read_text(encoding="utf-8")
    macros = dict(extra_macros or {})
    macros.update(parse_defines(text, path))
    # DO_TEST_FULL is the primitive: its arguments are what is read.
    macros.pop("DO_TEST_FULL", None)
    all_tokens = tokenize(text, path)
    body = function_body(all_tokens, "mymain", path)
    mocks = tuple(
        value for i, t in enumerate(all_tokens)
        if t.text == "VIR_TEST_MOCK" and i + 2 < len(all_tokens)
        and (value := string_value(all_tokens[i + 2:i + 3])) is not None
    )
    statements = split_statements(body)
    state: dict[str, Any] = {"host_arch": "x86_64", "host_cpu": "default", "environ": {},
                             "swtpm_tpm_versions": ["1.2", "2.0"]}
    state.update(baseline or {})
    start_state = dict(state)
    interp = _Interpreter(program, path, capability_names, state)
    calls: list[Call] = []
    unconverted: list[Unconverted] = []
    test_indexes = [n for n, s in enumerate(statements) if _is_test_call(s)]
    if not test_indexes:
        raise CSourceError(path, 1, "mymain() has no DO_TEST* call")
    first, last = test_indexes[0], test_indexes[-1]
    # The importer does not evaluate the preprocessor: calls it guards are
    # imported as if every condition held, and each conditional is listed.
    unconverted.extend(
        Unconverted(program, number, directive,
                    "preprocessor conditional in mymain(): the calls it guards were "
                    "imported as if it held")
        for number, directive in conditional_lines(text)
        if body and body[0].line <= number <= body[-1].line
    )
    unconverted.extend(_check_setup(statements[:first], interp, macros, path, start_state))
    interp.state = state = dict(start_state)
    for statement in statements[first:last + 1]:
        try:
            if _is_test_call(statement):
                expanded = expand(statement.tokens, macros, path)
                words = _words(expanded)
                if words[:2] != ["DO_TEST_FULL", "("]:
                    raise Unconvertible(f"{statement.tokens[0].text} does not expand to "
                                        "DO_TEST_FULL")
                args, after = split_args(expanded, 1, path)
                if words[after:] not in ([";"], []):
                    raise Unconvertible("text after the DO_TEST_FULL call")
                calls.append(interp.call(statement.tokens[0].text, statement.line, args))
            else:
                interp.statement(expand(statement.tokens, macros, path))
        except (Unconvertible, CSourceError) as exc:
            reason = exc.problem if isinstance(exc, CSourceError) else str(exc)
            unconverted.append(Unconverted(program, statement.line,
                                           _short(statement.text), reason))
    return Program(program, path, calls, unconverted, start_state, mocks)


def _check_setup(
    setup: Sequence[Statement],
    interp: _Interpreter,
    macros: Mapping[str, Macro],
    path: Path,
    baseline: Mapping[str, Any],
) -> list[Unconverted]:
    """Setup statements whose effect the baseline data does not describe.

    The setup of ``mymain`` is given as data (paths, hugetlbfs tables, ...);
    what of it the interpreter understands must agree with that data, so a
    test program that changed its setup is noticed.
    """
    last_set: dict[str, Statement] = {}
    for statement in setup:
        before = dict(interp.state)
        try:
            interp.statement(expand(statement.tokens, macros, path))
        except (Unconvertible, CSourceError):
            continue  # declarations, file wrappers, tables: described by the data
        for key, value in interp.state.items():
            if value != before.get(key):
                last_set[key] = statement
    # Only the state at the first test counts: VIR_FREE then g_strdup is fine.
    return [
        Unconverted(interp.program, statement.line, _short(statement.text),
                    f"leaves {key} = {interp.state[key]!r} at the first test, but the fake "
                    f"host data says {baseline.get(key)!r}")
        for key, statement in last_set.items()
        if interp.state[key] != baseline.get(key)
    ]


def _short(text: str) -> str:
    return text if len(text) <= 100 else text[:97] + "..."
