"""Never lose or leak suite data: ownership, unreadable goldens, symlinks,
special files, .err regeneration, exact bytes, temporary files."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from toyproject import edit, snapshot

from harness import goldens
from harness.compare import compare_argv, unified_diff
from harness.errors import SuiteError
from harness.files import RealPaths, parse_byte_limit, read_bytes
from harness.regen import RegenAction, RegenEvent


def _no_traceback(result: pytest.RunResult) -> None:
    assert "Traceback" not in result.stdout.str()


# -- ownership spans every mode, and broken cases still own their files ----


def test_prune_keeps_the_files_of_a_broken_case(pytester: pytest.Pytester, toy: Path) -> None:
    edit(toy / "argv2xml" / "cases.toml", '[case."minimal"]', '[case."minimal"]\nflag = ["x"]')
    edit(toy / "xml2argv" / "cases.toml", 'expect = "parse-error"', 'expect = "OK"')
    # A mistyped key still names its file.
    edit(toy / "xml2argv" / "cases.toml", '[case."disk"]',
         '[case."renamed"]\ngolnde = "kept"\n\n[case."disk"]')
    (toy / "xml2argv" / "kept.args").write_text("/bin/x\n")
    before = snapshot(toy)
    result = pytester.runpytest("--regen", "--prune")
    result.assert_outcomes(passed=10, errors=3)
    assert "deleted" not in result.stdout.str()
    assert snapshot(toy) == before


def test_regen_never_writes_the_input_of_a_broken_case(
    pytester: pytest.Pytester, toy: Path
) -> None:
    # "disk" now means to read vnc.xml, but its entry is broken.
    (toy / "xml2argv" / "vnc.xml").write_text("<machine name='kept'/>\n")
    edit(toy / "xml2argv" / "cases.toml", '[case."disk"]', '[case."disk"]\ninptu = "vnc"')
    edit(toy / "xml2xml" / "cases.toml", 'golden = "defaults.out"', 'golden = "../xml2argv/vnc"')
    result = pytester.runpytest("--regen", "-k", "defaults")
    result.stdout.fnmatch_lines(["  NOT written suite/cases/xml2argv/vnc.xml (*): "
                                 "the file is an input of a case"])
    assert (toy / "xml2argv" / "vnc.xml").read_text() == "<machine name='kept'/>\n"


def test_prune_keeps_a_file_another_mode_names(pytester: pytest.Pytester, toy: Path) -> None:
    shutil.move(toy / "argv2xml" / "minimal.xml", toy / "xml2argv" / "from-argv.xml")
    edit(toy / "argv2xml" / "cases.toml", '[case."minimal"]',
         '[case."minimal"]\ngolden = "../xml2argv/from-argv"')
    before = snapshot(toy)
    result = pytester.runpytest("--regen", "--prune")
    result.assert_outcomes(passed=12)
    assert snapshot(toy) == before


def test_prune_never_deletes_through_a_link_leaving_the_suite(
    pytester: pytest.Pytester, toy: Path
) -> None:
    outside = pytester.path / "outside"
    shutil.move(toy / "argv2xml", outside)
    (toy / "argv2xml").symlink_to(outside)
    (outside / "someone-elses.xml").write_text("<kept/>\n")
    result = pytester.runpytest("--regen", "--prune")
    assert "deleted" not in result.stdout.str()
    assert (outside / "someone-elses.xml").exists()


def test_regen_never_writes_another_modes_input(pytester: pytest.Pytester, toy: Path) -> None:
    edit(toy / "argv2xml" / "cases.toml", '[case."minimal"]',
         '[case."minimal"]\ngolden = "../xml2argv/minimal"')
    before = snapshot(toy)
    result = pytester.runpytest("--regen", "-k", "argv2xml/minimal")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "  NOT written suite/cases/xml2argv/minimal.xml (*argv2xml/minimal):"
        " the file is an input of a case"])
    assert snapshot(toy) == before


# -- a golden that exists but cannot be read is an error, never "missing" --


def _not_utf8(path: Path) -> None:
    path.write_bytes(b"/usr/bin/toyvisor \xff\n")


def _directory(path: Path) -> None:
    path.mkdir()


def _symlink_loop(path: Path) -> None:
    path.symlink_to(path.name)


@pytest.mark.parametrize(("make", "problem"), [
    (_not_utf8, "not UTF-8 text (invalid start byte at byte 18)"),
    (_directory, "is a directory, not a regular file"),
    (_symlink_loop, "is a symbolic link loop"),
])
def test_unreadable_golden_is_an_error_and_kept(
    pytester: pytest.Pytester, toy: Path, make: object, problem: str
) -> None:
    golden = toy / "xml2argv" / "vnc.args"
    golden.unlink()
    make(golden)  # type: ignore[operator]
    before = snapshot(toy)
    result = pytester.runpytest("--regen=new", "-k", "xml2argv/vnc")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([f"*golden suite/cases/xml2argv/vnc.args: {problem}*"])
    assert "0 golden files written" in result.stdout.str()
    assert snapshot(toy) == before and (golden.is_symlink() or golden.exists())
    _no_traceback(result)


def test_unreadable_err_golden_is_an_error(pytester: pytest.Pytester, toy: Path) -> None:
    err = toy / "xml2argv" / "noname.err"
    err.unlink()
    err.symlink_to("nowhere.err")
    result = pytester.runpytest("--regen=all", "-k", "noname")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*golden suite/cases/xml2argv/noname.err: "
                                 "is a symbolic link to nothing*"])
    assert err.is_symlink() and not (toy / "xml2argv" / "nowhere.err").exists()


# -- symbolic links: nothing outside the suite is read or written ---------


def test_regen_does_not_write_through_a_link_leaving_the_suite(
    pytester: pytest.Pytester, toy: Path
) -> None:
    outside = pytester.path / "outside"
    outside.mkdir()
    (toy / "xml2argv" / "sub").symlink_to(outside)
    edit(toy / "xml2argv" / "cases.toml", '[case."vnc"]', '[case."vnc"]\ngolden = "sub/vnc"')
    result = pytester.runpytest("--regen", "-k", "xml2argv/vnc")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "  NOT written suite/cases/xml2argv/sub/vnc.args (*xml2argv/vnc): leads outside the "
        "suite directory suite (to */outside/vnc.args); refusing to use it"])
    assert list(outside.iterdir()) == []


def test_atomic_write_refuses_a_path_leaving_the_root(tmp_path: Path) -> None:
    suite, outside = tmp_path / "suite", tmp_path / "outside"
    suite.mkdir()
    outside.mkdir()
    (suite / "sub").symlink_to(outside)
    with pytest.raises(SuiteError, match="leads outside the suite directory"):
        goldens.atomic_write(suite / "sub" / "g.args", "x\n", suite)
    (suite / "link.args").symlink_to(outside / "g.args")
    with pytest.raises(SuiteError, match="leads outside the suite directory"):
        goldens.atomic_write(suite / "link.args", "x\n", suite)
    assert list(outside.iterdir()) == []


def test_linked_input_or_golden_outside_the_suite_is_not_read(
    pytester: pytest.Pytester, toy: Path
) -> None:
    secret = pytester.path / "secret.txt"
    secret.write_text("<machine name='SECRET'><memory>1</memory></machine>\n")
    (toy / "xml2argv" / "disk.xml").unlink()
    (toy / "xml2argv" / "disk.xml").symlink_to(secret)
    (toy / "xml2argv" / "minimal.args").unlink()
    (toy / "xml2argv" / "minimal.args").symlink_to(secret)
    result = pytester.runpytest("-k", "xml2argv")
    result.assert_outcomes(passed=3, failed=1, errors=3)
    result.stdout.fnmatch_lines([
        "*case 'disk': input suite/cases/xml2argv/disk.xml: leads outside the suite directory*",
        "*golden suite/cases/xml2argv/minimal.args: leads outside the suite directory*",
    ])
    assert "SECRET" not in result.stdout.str()


def test_link_inside_the_suite_is_followed(pytester: pytest.Pytester, toy: Path) -> None:
    target = toy / "xml2argv" / "real-minimal.args"
    shutil.move(toy / "xml2argv" / "minimal.args", target)
    (toy / "xml2argv" / "minimal.args").symlink_to(target.name)
    pytester.runpytest("-k", "xml2argv/minimal").assert_outcomes(passed=1)
    edit(target, "-smp 2", "-smp 4")
    # The link's target is the golden: written through the link, never pruned.
    result = pytester.runpytest("--regen", "--prune")
    result.assert_outcomes(passed=12)
    assert "deleted" not in result.stdout.str()
    assert "-smp 2" in target.read_text() and (toy / "xml2argv" / "minimal.args").is_symlink()


def test_fifo_golden_is_refused_without_opening_it(pytester: pytest.Pytester, toy: Path) -> None:
    golden = toy / "xml2argv" / "vnc.args"
    golden.unlink()
    os.mkfifo(golden)
    result = pytester.runpytest("--regen", "-k", "xml2argv/vnc")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*golden suite/cases/xml2argv/vnc.args: is a FIFO, "
                                 "not a regular file*"])
    assert not golden.is_file()


def test_input_above_the_size_limit_is_refused(pytester: pytest.Pytester, toy: Path) -> None:
    ini = pytester.path / "tox.ini"
    ini.write_text(ini.read_text() + "\nhvharness_max_input_bytes = 1KiB\n")
    edit(toy / "xml2argv" / "minimal.xml", "<cpus>", "<!--" + "x" * 1024 + "--><cpus>")
    result = pytester.runpytest("-k", "xml2argv/minimal")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([
        "*case 'minimal': input suite/cases/xml2argv/minimal.xml: is larger than the limit "
        "of 1024 bytes (* bytes; the ini option hvharness_max_input_bytes sets the limit)"])


def test_bad_size_limit_is_a_usage_error(pytester: pytest.Pytester, toy: Path) -> None:
    ini = pytester.path / "tox.ini"
    ini.write_text(ini.read_text() + "\nhvharness_max_input_bytes = lots\n")
    result = pytester.runpytest()
    result.stderr.fnmatch_lines(["*hvharness_max_input_bytes = 'lots' is not a positive size*"])


def test_read_bytes_refuses_special_files_and_big_ones(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(SuiteError, match="is a FIFO, not a regular file"):
        read_bytes(fifo)
    with pytest.raises(SuiteError, match="is a character device"):
        read_bytes(Path("/dev/null"))
    big = tmp_path / "big"
    big.write_bytes(b"x" * 11)
    with pytest.raises(SuiteError, match="larger than the limit of 10 bytes"):
        read_bytes(big, limit=10)
    assert read_bytes(big, tmp_path, limit=11) == b"x" * 11
    assert parse_byte_limit("16MiB") == 16 << 20 and parse_byte_limit("512") == 512
    with pytest.raises(ValueError):
        parse_byte_limit("0")


# -- .err goldens follow --regen ------------------------------------------


def test_regen_rewrites_a_differing_err_golden(pytester: pytest.Pytester, toy: Path) -> None:
    err = toy / "xml2argv" / "noname.err"
    err.write_text("the machine is nameless\n")
    failing = pytester.runpytest("--regen=new", "-k", "noname")
    failing.assert_outcomes(failed=1)
    failing.stdout.fnmatch_lines(["obtained output saved to *noname.err",
                                  "(run with --regen to accept it as the golden)"])
    result = pytester.runpytest("--regen", "-k", "noname")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["  written  suite/cases/xml2argv/noname.err"])
    assert err.read_text() == "the machine has no name\n"


def test_regen_all_rewrites_every_err_and_creates_none(
    pytester: pytest.Pytester, toy: Path
) -> None:
    err = toy / "xml2argv" / "noname.err"
    err.write_text("the machine has no name")  # equal text, no final newline
    pytester.runpytest("--regen").stdout.fnmatch_lines(["0 golden files written"])
    result = pytester.runpytest("--regen=all")
    result.stdout.fnmatch_lines(["1 golden file written",
                                 "  written  suite/cases/xml2argv/noname.err"])
    assert err.read_text() == "the machine has no name\n"
    err.unlink()
    for mode in ("failed", "all", "new"):
        pytester.runpytest(f"--regen={mode}").assert_outcomes(passed=12)
        assert not err.exists()


def test_err_golden_of_the_wrong_rejection_is_not_written(
    pytester: pytest.Pytester, toy: Path
) -> None:
    err = toy / "xml2argv" / "noname.err"
    err.write_text("stale\n")
    edit(toy / "xml2argv" / "cases.toml", 'expect = "parse-error"', 'expect = "failure"')
    result = pytester.runpytest("--regen=all", "-k", "noname")
    result.assert_outcomes(failed=1)
    assert err.read_text() == "stale\n"


# -- comparison and regeneration agree on bytes; invisible differences show --


def test_output_with_a_bare_cr_is_regenerated_once(pytester: pytest.Pytester, toy: Path) -> None:
    edit(toy / "xml2xml" / "defaults.xml", "name='demo'", "name='de&#13;mo'")
    result = pytester.runpytest("-k", "defaults")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["-<machine\u00b7name='demo'>",
                                 "+<machine\u00b7name='de\u240dmo'>"])
    pytester.runpytest("--regen", "-k", "defaults").assert_outcomes(passed=1)
    assert b"de\rmo" in (toy / "xml2xml" / "defaults.out.xml").read_bytes()
    pytester.runpytest("-k", "defaults").assert_outcomes(passed=1)


def test_whitespace_only_difference_is_shown(pytester: pytest.Pytester, toy: Path) -> None:
    edit(toy / "xml2argv" / "minimal.args", "-m 512", "-m  512")
    edit(toy / "xml2xml" / "defaults.out.xml", "<memory>256</memory>", "<memory>256</memory> ")
    result = pytester.runpytest("-k", "xml2argv/minimal or defaults")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines([
        "--m\u00b7\u00b7512\u00b7",
        "+-m\u00b7512\u00b7",
        "-\u00b7\u00b7<memory>256</memory>\u00b7",
        "+\u00b7\u00b7<memory>256</memory>",
        "(invisible characters marked: *",
    ])


def test_diff_marks_only_what_is_invisible() -> None:
    diff = unified_diff("a\tb\nkeep me\nx\n", "a b\nkeep me\ny\n", "e", "o")
    assert "-a\u2192b\n+a\u00b7b\n keep me\n-x\n+y\n" in diff
    assert unified_diff("a\n", "a", "e", "o").endswith("+a\n\\ No newline at end of file")
    spaced = compare_argv("/q \\\n-m 1\n", "/q  -m 1")
    assert not spaced.equal and spaced.expected != spaced.actual


# -- command lines are one line, wrapped ----------------------------------


def test_wrap_check_refuses_extra_final_newlines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from harness.cli import main

    doubled = tmp_path / "doubled.args"
    doubled.write_text("/q \\\n-m 1\n\n")
    assert main(["wrap", "--check", str(doubled)]) == 1
    assert "doubled.args: ends with more than one newline" in capsys.readouterr().out
    assert main(["wrap", "--in-place", str(doubled)]) == 0
    assert doubled.read_text() == "/q \\\n-m 1\n"
    broken = tmp_path / "broken.args"
    broken.write_text("/q \\\n-m 1\n-smp 2\n")
    assert main(["wrap", "--check", str(broken)]) == 1
    assert "holds a line break that is not a backslash-newline" in capsys.readouterr().out


def test_command_line_with_a_newline_fails_and_is_never_written(
    pytester: pytest.Pytester, toy: Path
) -> None:
    edit(toy / "xml2argv" / "minimal.xml", "name='demo'", "name='de&#10;mo'")
    (toy / "xml2argv" / "minimal.args").unlink()
    result = pytester.runpytest("--regen", "-k", "xml2argv/minimal")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "the driver's command line holds a line break that is not a backslash-newline "
        "continuation; a command line is one line:"])
    assert not (toy / "xml2argv" / "minimal.args").exists()


# -- temporary files --------------------------------------------------------


def test_leftover_temp_file_is_an_orphan_and_pruned(pytester: pytest.Pytester, toy: Path) -> None:
    leftover = toy / "xml2argv" / ".minimal.args.k2x_9a0z.tmp"
    leftover.write_text("half a golden")
    (toy / "xml2argv" / ".minimal.args.swp").write_text("an editor's")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["1 file(s) that no case references*",
                                 "  suite/cases/xml2argv/.minimal.args.k2x_9a0z.tmp"])
    pytester.runpytest("--regen", "--prune").stdout.fnmatch_lines([
        "  deleted  suite/cases/xml2argv/.minimal.args.k2x_9a0z.tmp"])
    assert not leftover.exists() and (toy / "xml2argv" / ".minimal.args.swp").exists()


def test_atomic_write_syncs_and_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd))[1])
    target = tmp_path / "g.args"
    goldens.atomic_write(target, "x\n", tmp_path)
    assert target.read_text() == "x\n" and len(synced) == 2  # the file, then its directory
    assert [p.name for p in tmp_path.iterdir()] == ["g.args"]

    def fail(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        goldens.atomic_write(target, "y\n", tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["g.args"]


def test_obtained_output_without_cache_reuses_one_directory(
    pytester: pytest.Pytester, toy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = pytester.path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    edit(toy / "xml2argv" / "minimal.args", "-smp 2", "-smp 4")
    for _ in range(2):
        result = pytester.runpytest("-p", "no:cacheprovider", "-k", "xml2argv/minimal")
        result.assert_outcomes(failed=1)
        result.stdout.fnmatch_lines(["obtained output saved to tmp/hvharness-*/obtained-*"
                                     "/suite/xml2argv/minimal.args"])
    (private,) = scratch.iterdir()
    assert len(list(private.iterdir())) == 1
    assert not list(scratch.glob("hvharness-obtained-*"))


def test_regen_event_action_is_an_enum_with_a_plain_wire_form() -> None:
    event = RegenEvent(RegenAction.PENDING, "/s/a.args", "c", text="x\n", root="/s")
    wire = event.to_dict()
    assert type(wire["action"]) is str and wire["action"] == "pending"
    assert RegenEvent.from_dict(wire) == event
    assert RegenEvent.from_dict(wire).action is RegenAction.PENDING


def test_crlf_golden_still_matches_and_bare_cr_is_content() -> None:
    from harness.compare import compare_text

    assert compare_text("<a>\r\n</a>\r\n", "<a>\n</a>\n").equal
    assert not compare_text("<a>\n</a>\n", "<a>\r</a>\n").equal
    assert compare_text("<a>\r</a>\n", "<a>\r</a>\n").equal


def test_shared_err_golden_is_written_once_when_sharers_agree(
    pytester: pytest.Pytester, toy: Path
) -> None:
    edit(toy / "xml2argv" / "cases.toml", '[case."migrate-stdio"]',
         '[case."noname-again"]\ninput = "noname"\ngolden = "noname"\nexpect = "parse-error"\n\n'
         '[case."migrate-stdio"]')
    err = toy / "xml2argv" / "noname.err"
    err.write_text("stale\n")
    result = pytester.runpytest("--regen", "-k", "noname")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["1 golden file written",
                                 "  written  suite/cases/xml2argv/noname.err"])
    assert err.read_text() == "the machine has no name\n"


@pytest.mark.parametrize("listed", [False, True])
def test_real_paths_follow_links_whether_looked_up_or_listed(tmp_path: Path, listed: bool) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "golden.args").write_text("x\n")
    (tmp_path / "linked").symlink_to(real)
    (real / "alias.args").symlink_to(real / "golden.args")
    real_path = RealPaths(listed=listed)
    assert real_path(real / "golden.args") == real / "golden.args"
    assert real_path(tmp_path / "linked" / "golden.args") == real / "golden.args"
    assert real_path(real / "alias.args") == real / "golden.args"
    assert real_path(real / "missing.args") == real / "missing.args"
    # A directory that is not there: asked name by name, still an answer.
    assert real_path(tmp_path / "gone" / "x") == tmp_path / "gone" / "x"


@pytest.mark.parametrize("listed", [False, True])
def test_real_path_texts_agree_with_realpath(
    tmp_path: Path, listed: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "golden.args").write_text("x\n")
    (tmp_path / "linked").symlink_to(real)
    (real / "alias.args").symlink_to(real / "golden.args")
    monkeypatch.chdir(real)
    real_path = RealPaths(listed=listed)
    # The end of a session resolves thousands of names as strings: each must
    # come out as os.path.realpath says, whatever its spelling.
    for name in [f"{real}/golden.args", f"{tmp_path}/linked/golden.args", f"{real}/alias.args",
                 f"{real}//golden.args", f"{tmp_path}/linked//alias.args", f"{real}/missing",
                 f"{real}/sub/../golden.args", f"{real}/./golden.args", f"{real}/", "/",
                 "golden.args", "alias.args", "./golden.args", "/tmp"]:
        assert real_path.text(name) == os.path.realpath(name), name
