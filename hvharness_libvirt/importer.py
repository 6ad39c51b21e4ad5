"""Write a libvirt source tree's QEMU test data as a conformance suite.

The suite is built in a temporary directory next to DEST and swapped in at
the end, so an interrupted import never leaves half a suite, and importing
the same tree twice gives the same bytes.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import fakehost
from .capsnames import read_capability_names
from .capsxml import CapsFileError, caps_file_tables, latest_caps_files
from .csource import CSourceError, parse_defines
from .programs import Call, Program, Unconverted, read_program
from .tomlwriter import dumps

__all__ = ["ImportResult", "LibvirtImportError", "import_libvirt"]

SUITE_FORMAT = "1.1"
_MARKER = "<!-- written by hvharness import-libvirt -->"
_POOL = re.compile(r"""\bpool=(?:'([^']*)'|"([^"]*)")""")


class LibvirtImportError(Exception):
    """The source tree or DEST cannot be used; the message says which and why."""


@dataclass
class ImportResult:
    version: str
    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    latest_counts: Counter[str] = field(default_factory=Counter)
    calls: Counter[str] = field(default_factory=Counter)
    unconverted: list[Unconverted] = field(default_factory=list)
    caps_sets: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        out = [f"imported libvirt {self.version}: "
               f"{self.calls['xml2argv']} xml2argv and {self.calls['xml2xml']} xml2xml "
               "DO_TEST* calls read"]
        for mode in ("xml2argv", "xml2xml"):
            per = {e: n for (m, e), n in sorted(self.counts.items()) if m == mode}
            detail = ", ".join(f"{n} {e}" for e, n in per.items())
            out.append(f"  {mode}: {sum(per.values())} cases ({detail}); "
                       f"{self.latest_counts[mode]} x86_64-latest")
        out.append(f"  capability sets: {len(self.caps_sets)}")
        out.append(f"  not converted: {len(self.unconverted)}")
        for u in self.unconverted:
            out.append(f"    {u.program} line {u.line}: {u.text}: {u.reason}")
        out.append(f"  time: {self.seconds:.1f} s")
        return out


def _version(source: Path) -> str:
    meson = source / "meson.build"
    try:
        text = meson.read_text(encoding="utf-8")
    except OSError as exc:
        raise LibvirtImportError(f"{meson}: cannot read ({exc.strerror or exc}); "
                           "is SOURCE a libvirt source tree?") from None
    m = re.search(r"^\s*version:\s*'([0-9.]+)'", text, re.M)
    if not m:
        raise LibvirtImportError(f"{meson}: no project version")
    return m.group(1)


class _Writer:
    def __init__(self, source: Path, root: Path, result: ImportResult) -> None:
        self.source = source
        self.tests = source / "tests"
        self.root = root
        self.result = result

    def copy(self, src: Path, dest: Path) -> None:
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(src.read_bytes())

    def write(self, relative: str, text: str) -> None:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")

    def copy_tree(self, src: Path, dest: Path, skip: Iterable[str] = ()) -> None:
        """Copy a data tree; links inside it stay links, file modes are kept."""
        skipped = {src / s for s in skip}
        for dirpath, dirnames, filenames in os.walk(src):
            here = Path(dirpath)
            dirnames[:] = sorted(d for d in dirnames if here / d not in skipped)
            (dest / here.relative_to(src)).mkdir(parents=True, exist_ok=True)
            for name in sorted(filenames):
                item = here / name
                target = dest / item.relative_to(src)
                if item.is_symlink():
                    link = os.readlink(item)
                    inside = Path(os.path.normpath(here / link))
                    if not os.path.isabs(link) and inside.is_relative_to(src):
                        os.symlink(link, target)
                        continue
                self.copy(item, target)
                target.chmod(item.stat().st_mode & 0o755)


def _config_diff(state: Mapping[str, Any], base: Mapping[str, Any]) -> tuple[dict[str, Any],
                                                                             list[str]]:
    config: dict[str, Any] = {}
    unconfig: list[str] = []
    for key in sorted(set(state) | set(base)):
        value = state.get(key)
        if value == base.get(key):
            continue
        if value is None:
            unconfig.append(key)
        else:
            config[key] = value
    return config, unconfig


def _call_config(call: Call) -> dict[str, Any]:
    """Settings of one call that are not driver state carried over."""
    config: dict[str, Any] = {}
    if call.gic:
        # testutilsqemu.c testQemuCapsSetGIC: kernel and emulated implementations
        config["gic_capabilities"] = [
            {"version": v, "kernel": True, "emulated": True}
            for bit, v in ((1, 2), (2, 3)) if call.gic & bit
        ]
    if call.parse_flags:
        config["parse_flags"] = list(call.parse_flags)
    if call.fd_groups:
        config["fd_groups"] = {k: list(v) for k, v in call.fd_groups.items()}
    if "fips-host" in call.test_flags:
        config["host_fips"] = True
    if "skip-legacy-cpus" in call.test_flags:
        config["skip_legacy_cpus"] = True
    if "slirp-helper" in call.test_flags:
        config["slirp_helper"] = True
    if call.host_os != "linux":
        config["host_os"] = call.host_os
    return config


def _expect(call: Call) -> str:
    if "expect-parse-error" in call.test_flags:
        return "parse-error"
    if "expect-failure" in call.test_flags:
        return "failure"
    return "ok"


class _Suite:
    def __init__(self, source: Path, root: Path, result: ImportResult) -> None:
        self.w = _Writer(source, root, result)
        self.result = result
        self.caps_dir = source / "tests" / "qemucapabilitiesdata"
        self.latest = latest_caps_files(self.caps_dir)
        self.real_sets: dict[str, Path] = {}
        self.latest_sets: dict[str, str] = {}
        self.pools: set[str] = set()

    def skip(self, call: Call, reason: str) -> None:
        self.result.unconverted.append(
            Unconverted(call.program, call.line, f"{call.macro}({call.name!r})", reason))

    def caps_for(self, call: Call) -> str | None:
        if not call.caps_arch:
            return f"fake-{call.program}"
        assert call.caps_ver is not None
        if call.caps_ver == "latest":
            path = self.latest.get(call.caps_arch)
            if path is None:
                self.skip(call, f"no capability file for {call.caps_arch} in "
                                "tests/qemucapabilitiesdata")
                return None
            name = path.name.removesuffix(".xml")
            self.real_sets[name] = path
            latest = f"caps_latest.{call.caps_arch}"
            self.latest_sets[latest] = name
            return latest
        path = self.caps_dir / f"caps_{call.caps_ver}.{call.caps_arch}.xml"
        if not path.is_file():
            self.skip(call, f"no capability file {path.name}")
            return None
        name = path.name.removesuffix(".xml")
        self.real_sets[name] = path
        return name

    def _case(self, call: Call, caps: str, state_base: Mapping[str, Any]) -> dict[str, Any]:
        entry: dict[str, Any] = {"caps": caps}
        if call.qemu_caps:
            entry["flags"] = list(call.qemu_caps)
        config, unconfig = _config_diff(call.state, state_base)
        config.update(_call_config(call))
        if config:
            entry["config"] = config
        if unconfig:
            entry["unconfig"] = unconfig
        return entry

    def _input(self, call: Call, data: Path) -> Path | None:
        """The call's input file, or None (and the call skipped) when it is missing."""
        infile = data / f"{call.name}.xml"
        if not infile.is_file():
            self.skip(call, f"input qemuxml2argvdata/{infile.name} does not exist")
            return None
        return infile

    def xml2argv(self, program: Program) -> dict[str, Any]:
        data = self.w.tests / "qemuxml2argvdata"
        out = self.w.root / "cases" / "xml2argv"
        cases: dict[str, dict[str, Any]] = {}
        seen: Counter[str] = Counter()
        for call in program.calls:
            caps = self.caps_for(call)
            infile = self._input(call, data) if caps is not None else None
            if caps is None or infile is None:
                continue
            expect = _expect(call)
            stem = call.golden_stem
            args, err = data / f"{stem}.args", data / f"{stem}.err"
            if expect == "ok" and not args.is_file():
                self.skip(call, f"golden qemuxml2argvdata/{args.name} does not exist")
                continue
            seen[stem] += 1
            case_id = stem if seen[stem] == 1 else f"{stem}@{seen[stem]}"
            entry: dict[str, Any] = {}
            if call.name != case_id:
                entry["input"] = call.name
            if stem != case_id:
                entry["golden"] = stem
            entry.update(self._case(call, caps, program.baseline))
            if call.migrate_from is not None:
                entry["migrate_from"] = call.migrate_from
            if call.migrate_fd is not None:
                entry["migrate_fd"] = call.migrate_fd
            entry["expect"] = expect
            cases[case_id] = entry
            self.w.copy(infile, out / infile.name)
            text = infile.read_text("utf-8", "replace")
            self.pools.update(a or b for a, b in _POOL.findall(text))
            if expect == "ok":
                self.w.copy(args, out / args.name)
            elif err.is_file():
                self.w.copy(err, out / err.name)
            self.count("xml2argv", expect, stem)
        return cases

    def xml2xml(self, program: Program) -> dict[str, Any]:
        data = self.w.tests / "qemuxml2argvdata"
        outdata = self.w.tests / "qemuxml2xmloutdata"
        out = self.w.root / "cases" / "xml2xml"
        cases: dict[str, dict[str, Any]] = {}
        seen: Counter[str] = Counter()
        for call in program.calls:
            caps = self.caps_for(call)
            infile = self._input(call, data) if caps is not None else None
            if caps is None or infile is None:
                continue
            for state in call.states:
                # qemuxml2xmltest.c testInfoSetPaths
                golden = outdata / f"{call.name}-{state}{call.suffix}.xml"
                if not golden.is_file():
                    golden = outdata / f"{call.name}{call.suffix}.xml"
                if not golden.is_file():
                    self.skip(call, f"no golden qemuxml2xmloutdata/{call.name}{call.suffix}.xml "
                                    f"for the {state} state")
                    continue
                base = f"{call.golden_stem}.{state}"
                seen[base] += 1
                case_id = base if seen[base] == 1 else f"{base}@{seen[base]}"
                entry: dict[str, Any] = {"input": call.name}
                if golden.resolve() != infile.resolve():
                    entry["golden"] = "out/" + golden.name.removesuffix(".xml")
                    self.w.copy(golden, out / "out" / golden.name)
                entry.update(self._case(call, caps, program.baseline))
                entry["state"] = state
                cases[case_id] = entry
                self.w.copy(infile, out / infile.name)
                self.count("xml2xml", "ok", call.golden_stem)
        return cases

    def count(self, mode: str, expect: str, stem: str) -> None:
        self.result.counts[(mode, expect)] += 1
        if stem.endswith(".x86_64-latest"):
            self.result.latest_counts[mode] += 1


def _manifest(program: Program, cases: Mapping[str, Any], comment: str) -> str:
    config, unconfig = _config_diff(fakehost.PROGRAM_CONFIG[program.name],
                                    {k: fakehost.HOST_CONFIG.get(k)
                                     for k in fakehost.PROGRAM_CONFIG[program.name]})
    if program.mocks:
        # libvirt's mock libraries the program preloads; the [host] values of
        # a mock apply only where it is loaded
        config["mocks"] = list(program.mocks)
    defaults: dict[str, Any] = {"config": config}
    if unconfig:
        defaults["unconfig"] = unconfig
    return dumps({"defaults": defaults, "case": cases}, comment)


_ARGV_COMMENT = """\
libvirt {version} tests/qemuxml2argvtest.c (mymain): one case per DO_TEST*
call, in file order. Ids are libvirt's golden names (NAME.ARCH-VERSION for
real capabilities, NAME for test-supplied flag sets); NAME.xml and the
goldens NAME*.args / NAME*.err are libvirt's qemuxml2argvdata files, byte for
byte. A golden tested again gets the id ID@2, ID@3, ... [defaults] config is
the state mymain sets up before its first test; a case's config and
unconfig are what differs from it when the case ran (settings mymain changes
between calls carry over to later calls, as in libvirt)."""

_XML_COMMENT = """\
libvirt {version} tests/qemuxml2xmltest.c (mymain): one case per DO_TEST*
call and state (ID.inactive, ID.active), in file order. NAME.xml is
libvirt's qemuxml2argvdata/NAME.xml; out/FILE.xml is
qemuxml2xmloutdata/FILE.xml (NAME-STATE.SUFFIX.xml where it exists, else
NAME.SUFFIX.xml); a case without a golden is an identity round trip (libvirt's
golden is a link to its input)."""


# virFileWrapperAddPrefix calls: host path -> (suite directory, the programs
# that redirect it). qemuxml2xmltest.c redirects only the firmware paths.
_FILE_PREFIXES: dict[str, tuple[str, tuple[str, ...]]] = {
    "/etc/qemu/firmware": ("host/qemufirmwaredata/etc/qemu/firmware",
                           ("xml2argv", "xml2xml")),
    "/usr/share/qemu/firmware": ("host/qemufirmwaredata/usr/share/qemu/firmware",
                                 ("xml2argv", "xml2xml")),
    "/home/user/.config/qemu/firmware": (
        "host/qemufirmwaredata/home/user/.config/qemu/firmware", ("xml2argv", "xml2xml")),
    "/etc/qemu/vhost-user": ("host/qemuvhostuserdata/etc/qemu/vhost-user", ("xml2argv",)),
    "/usr/share/qemu/vhost-user": ("host/qemuvhostuserdata/usr/share/qemu/vhost-user",
                                   ("xml2argv",)),
    "/home/user/.config/qemu/vhost-user": (
        "host/qemuvhostuserdata/home/user/.config/qemu/vhost-user", ("xml2argv",)),
    "/usr/libexec/qemu/vhost-user": ("host/qemuvhostuserdata/usr/libexec/qemu/vhost-user",
                                     ("xml2argv",)),
}


def _host_set(suite: _Suite) -> str:
    config = {k: v for k, v in fakehost.HOST_CONFIG.items() if v is not None}
    unconfig = sorted(k for k, v in fakehost.HOST_CONFIG.items() if v is None)
    head = dumps({"unconfig": unconfig},
                 "Keys unset (NULL) at the start; see [config] below.")
    pools = {name: f"host/storagepoolxml2xmlout/{name}.xml" for name in sorted(suite.pools)
             if (suite.w.tests / "storagepoolxml2xmlout" / f"{name}.xml").is_file()}
    tail = dumps({
        "config": config,
        "storage_pools": pools,
        "files": {prefix: {"dir": directory, "modes": list(modes)}
                  for prefix, (directory, modes) in _FILE_PREFIXES.items()},
    }, "[config]: testutilsqemu.c qemuTestDriverInit and qemu_conf.c\n"
       "virQEMUDriverConfigNew(false, NULL). [storage_pools]: the pool definitions\n"
       "(storagepoolxml2xmlout/NAME.xml) the fake storage driver answers with.\n"
       "[files]: qemuxml2argvtest.c and qemuxml2xmltest.c virFileWrapperAddPrefix:\n"
       "host paths that read from the suite's directory dir instead (relative to\n"
       "the suite root; an empty directory: no files there), in the modes listed.")
    # The hand-written file's opening comment stays first; top-level keys
    # must come before its first table.
    text = fakehost.host_set_text()
    split = text.index("\n[")
    return (text[:split].rstrip("\n") + "\n\n" + head + "\n" + text[split + 1:] + "\n"
            + tail)


_FAKE_COMMENT = {
    "xml2argv": """\
The capability set of DO_TEST, DO_TEST_NOCAPS and the other calls with
test-supplied flags in qemuxml2argvtest.c: no flags but the case's. The
test program completes it per case (testUpdateQEMUCaps): the architecture
is the domain's os/type arch (else the host's), virQEMUCapsInitQMPBasicArch
adds the architecture's basic flags, testAddCPUModels adds the CPU models
below for both kvm and qemu (s390x: kvm only), x86 legacy models unless
config skip_legacy_cpus, and the host CPU model is updated from the host
CPU. The capability cache (qemuTestCapsCacheInsert) then gives the case's
architecture's emulator the machines of [[guests]] (tcg, plus kvm on a Linux
host or hvf on a macOS host, without default-ram-id since the version is
0) and every other emulator an empty set.""",
    "xml2xml": """\
The capability set of DO_TEST, DO_TEST_NOCAPS and the other calls with
test-supplied flags in qemuxml2xmltest.c: no flags but the case's.
testXML2XMLCommon adds only the basic flags of the (unset) architecture
(virQEMUCapsInitQMPBasicArch); no CPU models. With no architecture, the
capability cache gives every emulator of [[guests]] a copy with that
emulator's machines (tcg, plus kvm or hvf by host OS).""",
}


def _fake_set(program: str) -> str:
    data: dict[str, Any] = {"extends": fakehost.HOST_SET}
    fake: dict[str, Any] = {"program": program, "arch": "domain" if program == "xml2argv"
                            else "none", "basic_arch_flags": True}
    if program == "xml2argv":
        fake["cpu_models"] = {
            "x86": ["Opteron_G3", "Opteron_G2", "Opteron_G1", "Nehalem", "Penryn",
                    "Conroe", "Haswell-noTSX", "Haswell"],
            "x86_legacy": ["n270", "athlon", "pentium3", "pentium2", "pentium", "486",
                           "coreduo", "kvm32", "qemu32", "kvm64", "core2duo", "phenom",
                           "qemu64"],
            "arm": ["cortex-a9", "cortex-a8", "cortex-a57", "cortex-a53"],
            "ppc64": ["POWER8", "POWER7"],
            "s390x": ["z990", "zEC12", "z13"],
        }
        fake["cpu_models_usable"] = "unknown"
        fake["update_host_cpu_model"] = True
    data["fake_caps"] = fake
    return dumps(data, _FAKE_COMMENT[program])


def _readme(version: str, result: ImportResult) -> str:
    rows = []
    for mode in ("xml2argv", "xml2xml"):
        n = {e: result.counts[(mode, e)] for e in ("ok", "parse-error", "failure")}
        rows.append(f"| {mode} | {n['ok']} | {n['parse-error']} | {n['failure']} | "
                    f"{sum(n.values())} | {result.latest_counts[mode]} |")
    left = "\n".join(f"- {u.program} line {u.line}: `{u.text}`: {u.reason}"
                     for u in result.unconverted) or "- nothing: every call was converted."
    return f"""# libvirt {version} QEMU test data
{_MARKER}

Written by `hvharness import-libvirt` from a libvirt {version} source tree
(Debian: `apt-get source libvirt`). Do not edit: import again instead.
Licence: libvirt's test data, LGPL-2.1-or-later.

| mode | ok | parse-error | failure | total | x86_64-latest |
| --- | ---: | ---: | ---: | ---: | ---: |
{chr(10).join(rows)}

- `cases/xml2argv`: `tests/qemuxml2argvtest.c`; `cases/xml2xml`:
  `tests/qemuxml2xmltest.c`. Each manifest's header says how ids, inputs
  and goldens map to libvirt's files.
- `caps/caps_VER.ARCH.toml`: `tests/qemucapabilitiesdata/caps_VER.ARCH.xml`
  (flags by libvirt's names; everything else under `[qemu]`).
  `caps/caps_latest.ARCH.toml`: the highest version of an architecture, as
  `testQemuGetLatestCapsForArch` picks it, with machine aliases stripped.
  `caps/fake-xml2argv.toml`, `caps/fake-xml2xml.toml`: the sets the programs
  build for test-supplied flags. `caps/{fakehost.HOST_SET}.toml`: the fake
  host (mocks, fixed fds, random bytes, time, NUMA, secrets, storage).
- `host/`: the firmware and vhost-user descriptors and storage pool
  definitions the fake host reads.
- `suite.toml`: `.args` goldens are one option per line, not folded.
- xml2argv cases with real capabilities are also checked by libvirt against
  the QAPI schema of the capability set (`caps_*.replies`); that check is
  not part of this suite.

## Not converted

{left}
"""


def import_libvirt(source: Path, dest: Path) -> ImportResult:
    """Import ``source`` (a libvirt source tree) into the suite directory ``dest``."""
    started = time.monotonic()
    version = _version(source)
    result = ImportResult(version)
    tests = source / "tests"
    if dest.exists() and not dest.is_dir():
        raise LibvirtImportError(f"{dest}: exists and is not a directory")
    if dest.exists() and any(dest.iterdir()):
        readme = dest / "README.md"
        if not readme.is_file() or _MARKER not in readme.read_text("utf-8", "replace"):
            raise LibvirtImportError(f"{dest}: exists and is not a suite this command wrote; "
                                 "refusing to replace it")
    try:
        names = read_capability_names(source)
        header = tests / "testutilsqemu.h"
        extra = parse_defines(header.read_text(encoding="utf-8"), header)
        programs = {
            p: read_program(tests / f"qemu{p}test.c", p, names, extra,
                            fakehost.program_baseline(p))
            for p in ("xml2argv", "xml2xml")
        }
    except CSourceError as exc:
        raise LibvirtImportError(str(exc)) from None
    except OSError as exc:
        raise LibvirtImportError(f"{exc.filename}: cannot read ({exc.strerror})") from None
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        _write_suite(source, dest, programs, result, started)
    except OSError as exc:
        # Nothing is half-written: DEST is only replaced once the suite is whole.
        where = exc.filename or dest
        raise LibvirtImportError(f"{where}: cannot write ({exc.strerror or exc})") from None
    except CapsFileError as exc:
        raise LibvirtImportError(str(exc)) from None
    return result


def _write_suite(source: Path, dest: Path, programs: Mapping[str, Program],
                 result: ImportResult, started: float) -> None:
    version = result.version
    tests = source / "tests"
    with tempfile.TemporaryDirectory(prefix=f".{dest.name}.", dir=dest.parent) as tmp:
        root = Path(tmp) / "suite"
        root.mkdir()
        suite = _Suite(source, root, result)
        for program in programs.values():
            result.calls[program.name] = len(program.calls)
            result.unconverted.extend(program.unconverted)
        argv_cases = suite.xml2argv(programs["xml2argv"])
        xml_cases = suite.xml2xml(programs["xml2xml"])
        suite.w.write("cases/xml2argv/cases.toml", _manifest(
            programs["xml2argv"], argv_cases, _ARGV_COMMENT.format(version=version)))
        suite.w.write("cases/xml2xml/cases.toml", _manifest(
            programs["xml2xml"], xml_cases, _XML_COMMENT.format(version=version)))
        for name, path in sorted(suite.real_sets.items()):
            flags, qemu = caps_file_tables(path)
            suite.w.write(f"caps/{name}.toml", dumps(
                {"extends": fakehost.HOST_SET, "flags": flags, "qemu": qemu},
                f"libvirt {version} tests/qemucapabilitiesdata/{path.name}"))
        for latest, name in sorted(suite.latest_sets.items()):
            suite.w.write(f"caps/{latest}.toml", dumps(
                {"extends": name, "config": {"strip_machine_aliases": True}},
                f"The 'latest' capabilities of {latest.split('.', 1)[1]} "
                "(testQemuGetLatestCapsForArch):\n"
                f"{name}.xml, the highest version present. testQemuInfoInitArgs strips\n"
                "machine type aliases from the latest sets."))
        for program_name in programs:
            suite.w.write(f"caps/fake-{program_name}.toml", _fake_set(program_name))
        suite.w.write(f"caps/{fakehost.HOST_SET}.toml", _host_set(suite))
        suite.w.copy_tree(tests / "qemufirmwaredata", root / "host" / "qemufirmwaredata",
                          skip=("out",))
        suite.w.copy_tree(tests / "qemuvhostuserdata", root / "host" / "qemuvhostuserdata")
        for directory, _ in _FILE_PREFIXES.values():
            # libvirt redirects these prefixes whether or not its tree has files there
            (root / directory).mkdir(parents=True, exist_ok=True)
        for pool in sorted(suite.pools):
            src = tests / "storagepoolxml2xmlout" / f"{pool}.xml"
            if src.is_file():
                suite.w.copy(src, root / "host" / "storagepoolxml2xmlout" / src.name)
        suite.w.write("suite.toml", dumps(
            {"format": SUITE_FORMAT, "args": {"fold": False}},
            "Suite-wide settings (suite format 1.1): libvirt writes .args goldens one\n"
            "option per line and does not fold long lines."))
        result.caps_sets = sorted([*suite.real_sets, *suite.latest_sets,
                                   *(f"fake-{p}" for p in programs), fakehost.HOST_SET])
        result.seconds = time.monotonic() - started
        suite.w.write("README.md", _readme(version, result))
        old = Path(tmp) / "old"
        if dest.exists():
            dest.rename(old)
        root.rename(dest)
