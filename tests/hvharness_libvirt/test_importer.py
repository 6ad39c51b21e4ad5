"""hvharness import-libvirt on a small libvirt-like source tree (fixtures/libvirt-mini)."""

from __future__ import annotations

import filecmp
import os
import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest

from harness.wrap import unwrap, wrap
from hvharness_libvirt import LibvirtImportError, import_libvirt
from hvharness_libvirt.capsxml import caps_file_tables, latest_caps_files
from hvharness_libvirt.command import main

MINI = Path(__file__).parent / "fixtures" / "libvirt-mini"


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    dest = tmp_path_factory.mktemp("imp") / "suite"
    return dest, import_libvirt(MINI, dest)


def _manifest(dest: Path, mode: str) -> dict[str, Any]:
    with open(dest / "cases" / mode / "cases.toml", "rb") as f:
        return tomllib.load(f)


def _cases(dest: Path, mode: str) -> dict[str, Any]:
    return dict(_manifest(dest, mode)["case"])


def test_counts_per_mode_and_expectation(imported: tuple[Path, Any]) -> None:
    _, result = imported
    assert result.calls == {"xml2argv": 18, "xml2xml": 4}
    assert dict(result.counts) == {
        ("xml2argv", "ok"): 14, ("xml2argv", "parse-error"): 1, ("xml2argv", "failure"): 1,
        ("xml2xml", "ok"): 7,
    }
    assert dict(result.latest_counts) == {"xml2argv": 6, "xml2xml": 2}


def test_what_cannot_be_converted_is_listed_with_the_reason(imported: tuple[Path, Any]) -> None:
    dest, result = imported
    reasons = [(u.line, u.reason) for u in result.unconverted]
    assert reasons == [
        (163, "configuration field 'frobnicate' has no configuration key"),
        (164, "input qemuxml2argvdata/missing-input.xml does not exist"),
        (165, "no capability file caps_1.0.0.x86_64.xml"),
    ]
    lines = "\n".join(result.lines())
    assert "xml2argv: 16 cases (1 failure, 14 ok, 1 parse-error); 6 x86_64-latest" in lines
    assert "xml2argv line 164: DO_TEST_NOCAPS('missing-input'): input" in lines
    assert "missing-input" in (dest / "README.md").read_text()


def test_ids_are_libvirts_golden_names(imported: tuple[Path, Any]) -> None:
    dest, _ = imported
    argv = _cases(dest, "xml2argv")
    assert list(argv)[:6] == ["minimal", "minimal-no-memory", "minimal.x86_64-latest",
                              "minimal.x86_64-7.2.0", "iothreads", "iothreads@2"]
    assert argv["minimal.x86_64-latest"] == {"input": "minimal", "caps": "caps_latest.x86_64",
                                             "expect": "ok"}
    assert argv["minimal"] == {"caps": "fake-xml2argv", "expect": "ok"}
    assert argv["minimal-no-memory"]["expect"] == "parse-error"
    assert argv["iothreads@2"] == {"input": "iothreads", "golden": "iothreads",
                                   "caps": "fake-xml2argv", "flags": ["kvm"],
                                   "expect": "failure"}
    assert argv["iothreads"]["flags"] == ["iothread"]
    xml = _cases(dest, "xml2xml")
    assert list(xml) == ["minimal.inactive", "minimal.active",
                         "iothreads.x86_64-latest.inactive", "iothreads.x86_64-latest.active",
                         "seclabel-dynamic.inactive", "iothreads.inactive", "iothreads.active"]


def test_goldens_are_libvirts_files(imported: tuple[Path, Any]) -> None:
    dest, _ = imported
    data = MINI / "tests" / "qemuxml2argvdata"
    out = dest / "cases" / "xml2argv"
    copied = sorted(p.name for p in out.iterdir() if p.name != "cases.toml")
    assert "unused.xml" not in copied and "unused.args" not in copied
    for name in copied:
        assert (out / name).read_bytes() == (data / name).read_bytes(), name
        if name.endswith(".args"):
            text = (out / name).read_text()
            assert unwrap(text) == unwrap((data / name).read_text())
            # libvirt's style: one option per line, long lines not folded
            assert wrap(text, fold=False) == text
    assert (out / "minimal-no-memory.err").is_file()


def test_xml2xml_goldens_and_identity_cases(imported: tuple[Path, Any]) -> None:
    dest, _ = imported
    xml = _cases(dest, "xml2xml")
    # libvirt's golden is a link to the input: an identity round trip
    assert "golden" not in xml["minimal.active"]
    assert xml["iothreads.x86_64-latest.active"]["golden"] == "out/iothreads-active.x86_64-latest"
    assert xml["iothreads.x86_64-latest.inactive"]["golden"] == "out/iothreads.x86_64-latest"
    assert xml["iothreads.inactive"]["golden"] == "out/iothreads"
    assert xml["iothreads.active"]["state"] == "active"
    outdata = MINI / "tests" / "qemuxml2xmloutdata"
    for path in (dest / "cases" / "xml2xml" / "out").iterdir():
        assert path.read_bytes() == (outdata / path.name).read_bytes()


def test_state_changes_carry_over_to_later_calls(imported: tuple[Path, Any]) -> None:
    dest, _ = imported
    argv = _cases(dest, "xml2argv")
    assert argv["graphics-vnc-sasl.x86_64-latest"]["config"] == {
        "vnc_sasl": True, "vnc_sasl_dir": "/root/.sasl2"}
    # VIR_FREE(vncTLSx509certdir) unsets it for every later call
    assert argv["graphics-vnc-tls.x86_64-latest"]["unconfig"] == ["vnc_tls_x509_certdir"]
    assert "config" not in argv["graphics-vnc-tls.x86_64-latest"]
    assert argv["disk-pool"]["unconfig"] == ["vnc_tls_x509_certdir"]
    assert argv["tpm-emulator.x86_64-latest"]["config"] == {"swtpm_tpm_versions": ["2.0"]}
    assert "config" not in argv["restore-v2-fd"]
    defaults = _manifest(dest, "xml2argv")["defaults"]["config"]
    assert defaults["vnc_tls_x509_certdir"] == "/etc/pki/libvirt-vnc"
    assert defaults["mocks"] == ["qemuxml2argv", "virrandom"]
    assert _manifest(dest, "xml2xml")["defaults"]["config"]["mocks"] == ["virpci"]
    assert defaults["environ"]["LC_ALL"] == "C"
    xml = _cases(dest, "xml2xml")
    assert xml["seclabel-dynamic.inactive"]["config"] == {"spice_tls": True}
    assert "config" not in xml["iothreads.active"]


def test_host_arch_follows_the_test_program(imported: tuple[Path, Any]) -> None:
    dest, _ = imported
    argv = _cases(dest, "xml2argv")
    assert argv["pseries-basic.ppc64-latest"]["config"] == {"host_arch": "ppc64",
                                                          "host_cpu": "power8"}
    # testCompareXMLToArgv puts the host back to x86_64 after a ppc64 real-caps
    # call, although mymain had set a ppc64 host before it
    assert "config" not in argv["pseries-fake"]
    assert argv["aarch64-gic-v2"]["config"] == {
        "host_cpu": "haswell",
        "gic_capabilities": [{"version": 2, "kernel": True, "emulated": True}],
    }


def test_call_arguments(imported: tuple[Path, Any]) -> None:
    dest, _ = imported
    argv = _cases(dest, "xml2argv")
    assert argv["restore-v2-fd"]["migrate_from"] == "stdio"
    assert argv["restore-v2-fd"]["migrate_fd"] == 7
    assert argv["disk-source-fd.x86_64-latest"]["config"] == {
        "fd_groups": {"testgroup2": [700, 705], "testgroup5": [704]}}
    assert argv["memory-hotplug-abi-update.x86_64-latest"]["config"] == {
        "parse_flags": ["abi-update"]}


def test_capability_sets(imported: tuple[Path, Any]) -> None:
    dest, _ = imported
    caps = dest / "caps"
    assert sorted(p.name for p in caps.iterdir()) == [
        "caps_7.10.0.ppc64.toml", "caps_7.2.0.x86_64.toml", "caps_8.0.0.x86_64.toml",
        "caps_latest.ppc64.toml", "caps_latest.x86_64.toml", "fake-xml2argv.toml",
        "fake-xml2xml.toml", "libvirt-9.0.0-host.toml"]
    latest = tomllib.loads((caps / "caps_latest.ppc64.toml").read_text())
    assert latest == {"extends": "caps_7.10.0.ppc64", "config": {"strip_machine_aliases": True}}
    real = tomllib.loads((caps / "caps_8.0.0.x86_64.toml").read_text())
    assert real["extends"] == "libvirt-9.0.0-host"
    assert real["flags"] == ["kvm", "iothread", "ich9-ahci"]
    assert real["qemu"]["version"] == 7002050
    assert real["qemu"]["cpu"][1]["blocker"] == [{"name": "avx2"}, {"name": "fma"}]
    host = tomllib.loads((caps / "libvirt-9.0.0-host.toml").read_text())
    assert host["storage_pools"] == {"pool-disk": "host/storagepoolxml2xmlout/pool-disk.xml"}
    assert host["config"]["lib_dir"] == "/tmp/lib"
    assert "vnc_tls_x509_certdir" in host["unconfig"]
    assert host["fds"]["unix_listen"] == 1729 and host["monitor"]["listen"] is True
    assert host["host"]["time"] == 1234567890 and len(host["host"]["numa_cells"]) == 4
    assert [g["arch"] for g in host["guests"]][:3] == ["armv6l", "armv7l", "aarch64"]
    for entry in host["files"].values():
        assert (dest / entry["dir"]).is_dir(), entry
    assert host["files"]["/etc/qemu/vhost-user"]["modes"] == ["xml2argv"]
    assert host["files"]["/etc/qemu/firmware"]["modes"] == ["xml2argv", "xml2xml"]


def test_caps_file_conversion_keeps_everything(tmp_path: Path) -> None:
    path = tmp_path / "caps_1.0.0.x86_64.xml"
    path.write_text("<qemuCaps><flag name='kvm'/><version>1000000</version>"
                    "<sgx supported='yes'><flc>no</flc>"
                    "<section_size unit='KiB'>512</section_size></sgx>"
                    "<machine name='a'/><machine name='b' alias='c'/></qemuCaps>")
    flags, qemu = caps_file_tables(path)
    assert flags == ["kvm"]
    assert qemu == {"version": 1000000,
                    "sgx": [{"supported": "yes", "flc": "no",
                             "section_size": [{"unit": "KiB", "text": "512"}]}],
                    "machine": [{"name": "a"}, {"name": "b", "alias": "c"}]}


def test_latest_is_the_highest_version_not_the_last_name(tmp_path: Path) -> None:
    for name in ("caps_7.9.0.x86_64.xml", "caps_7.10.0.x86_64.xml", "caps_8.0.0.s390x.xml",
                 "caps_7.1.0_abc.x86_64.xml", "caps_9.0.0.x86_64.replies"):
        (tmp_path / name).write_text("")
    assert {a: p.name for a, p in latest_caps_files(tmp_path).items()} == {
        "s390x": "caps_8.0.0.s390x.xml", "x86_64": "caps_7.10.0.x86_64.xml"}


def test_importing_twice_gives_identical_bytes(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    import_libvirt(MINI, first)
    import_libvirt(MINI, second)
    import_libvirt(MINI, second)  # over an earlier import
    cmp = filecmp.dircmp(first, second)

    def same(c: filecmp.dircmp[str]) -> bool:
        return (not c.left_only and not c.right_only and not c.diff_files and not c.funny_files
                and all(same(s) for s in c.subdirs.values()))

    assert same(cmp)
    assert (second / "host/qemufirmwaredata/etc/qemu/firmware/40-bios.json").is_symlink()
    assert os.readlink(second / "host/qemufirmwaredata/etc/qemu/firmware/40-bios.json") == \
        "../../../usr/share/qemu/firmware/40-bios.json"
    assert not (second / "host/qemufirmwaredata/out").exists()
    assert [p.name for p in tmp_path.iterdir()] in (["a", "b"], ["b", "a"])


def test_refuses_to_replace_a_directory_it_did_not_write(tmp_path: Path) -> None:
    dest = tmp_path / "mine"
    dest.mkdir()
    (dest / "precious.txt").write_text("keep me")
    with pytest.raises(LibvirtImportError, match="is not a suite this command wrote"):
        import_libvirt(MINI, dest)
    assert (dest / "precious.txt").read_text() == "keep me"


def test_unusable_dest_is_one_line_naming_it(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    plain = tmp_path / "plain"
    plain.write_text("x")
    assert main([str(MINI), str(plain)]) == 2
    assert capsys.readouterr().err == (
        f"hvharness import-libvirt: error: {plain}: exists and is not a directory\n")
    assert main([str(MINI), str(plain / "suite")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"hvharness import-libvirt: error: {plain}: cannot write (")
    assert err.count("\n") == 1 and plain.read_text() == "x"


def test_bad_source_is_one_line_naming_the_file(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "nowhere"), str(tmp_path / "dest")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("hvharness import-libvirt: error: ")
    assert "nowhere/meson.build: cannot read" in err and err.count("\n") == 1
    broken = tmp_path / "broken"
    shutil.copytree(MINI, broken, symlinks=True)
    (broken / "src/qemu/qemu_capabilities.c").write_text(
        'VIR_ENUM_IMPL(virQEMUCaps, QEMU_CAPS_LAST, "vnc-colon");\n')
    assert main([str(broken), str(tmp_path / "dest")]) == 2
    err = capsys.readouterr().err
    assert "qemu_capabilities.c:1: VIR_ENUM_IMPL(virQEMUCaps) has 1 names for 5 flags" in err
    assert not (tmp_path / "dest").exists()


def test_command_prints_the_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(MINI), str(tmp_path / "s")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("imported libvirt 9.0.0: 18 xml2argv and 4 xml2xml DO_TEST* calls")
    assert "  not converted: 3\n" in out


_ECHO_DRIVER = '''
from harness.protocol import Conversion, Mode


class Echo:
    """Gives every definition back unchanged; a command line of one word."""

    name = "echo"
    modes = frozenset({Mode.XML2ARGV, Mode.XML2XML})

    def xml_to_argv(self, xml, caps, *, migrate_from=None, migrate_fd=None):
        return Conversion("/usr/bin/qemu-system-x86_64")

    def xml_to_xml(self, xml, caps, *, active=False, status=False):
        return Conversion(xml)

    def argv_to_xml(self, argv, caps):
        raise NotImplementedError


driver = Echo()
'''


def test_imported_suite_runs_under_the_harness_unchanged(pytester: pytest.Pytester) -> None:
    import_libvirt(MINI, pytester.path / "suite")
    pytester.makepyfile(echo=_ECHO_DRIVER)
    pytester.makeini("[pytest]\nhvharness_driver = echo:driver\nhvharness_suites = suite\n"
                     "pythonpath = .\n")
    result = pytester.runpytest("-p", "no:randomly")
    outcomes = result.parseoutcomes()
    assert "errors" not in outcomes and "error" not in outcomes
    # the identity round trips pass; everything else fails on its golden
    # (pytest may add a "warnings" count of its own: not the suite's business)
    assert {k: v for k, v in outcomes.items() if k != "warnings"} == {"passed": 2, "failed": 21}
    assert "hvharness orphans" not in result.stdout.str()


def test_setup_that_disagrees_with_the_host_data_is_reported(tmp_path: Path) -> None:
    source = tmp_path / "libvirt"
    shutil.copytree(MINI, source, symlinks=True)
    program = source / "tests" / "qemuxml2argvtest.c"
    program.write_text(program.read_text().replace(
        'vncTLSx509certdir = g_strdup("/etc/pki/libvirt-vnc")',
        'vncTLSx509certdir = g_strdup("/etc/pki/elsewhere")'))
    result = import_libvirt(source, tmp_path / "suite")
    assert (result.unconverted[0].line, result.unconverted[0].reason) == (
        11, "leaves vnc_tls_x509_certdir = '/etc/pki/elsewhere' at the first test, "
            "but the fake host data says '/etc/pki/libvirt-vnc'")


def test_preprocessor_conditionals_in_mymain_are_listed(tmp_path: Path) -> None:
    source = tmp_path / "libvirt"
    shutil.copytree(MINI, source, symlinks=True)
    program = source / "tests" / "qemuxml2xmltest.c"
    program.write_text(program.read_text().replace(
        '    DO_TEST_CAPS_LATEST("iothreads");\n',
        '#ifdef WITH_IOTHREADS\n    DO_TEST_CAPS_LATEST("iothreads");\n# endif\n'))
    result = import_libvirt(source, tmp_path / "suite")
    assert [(u.line, u.text) for u in result.unconverted if u.program == "xml2xml"] == [
        (78, "#ifdef WITH_IOTHREADS"), (80, "# endif")]
    assert result.counts[("xml2xml", "ok")] == 7


def test_output_closed_early_is_not_an_error(tmp_path: Path) -> None:
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    proc = subprocess.Popen([sys.executable, "-m", "hvharness_libvirt", str(MINI),
                             str(tmp_path / "s")], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # as `| head -1` does once it has its line
    err = proc.stderr.read()
    assert proc.wait() == 0 and err == b""
    assert (tmp_path / "s" / "suite.toml").is_file()
