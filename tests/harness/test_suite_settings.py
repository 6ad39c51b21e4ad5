"""suite.toml (format 1.1): [args] fold = false keeps .args goldens unfolded."""

from __future__ import annotations

from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

import pytest

from harness.cli import main
from harness.errors import SuiteError
from harness.suite_settings import SuiteSettings, load_settings, settings_for_file
from harness.wrap import unwrap, wrap

LONG = "/usr/bin/q -drive file=/var/lib/images/" + "x" * 80 + ",if=virtio -S"
NO_FOLD = "format = \"1.1\"\n[args]\nfold = false\n"


def test_fold_false_keeps_long_lines_whole() -> None:
    unfolded = wrap(LONG, fold=False)
    assert unfolded == ("/usr/bin/q \\\n-drive file=/var/lib/images/" + "x" * 80
                        + ",if=virtio \\\n-S\n")
    assert unwrap(unfolded) == unwrap(wrap(LONG)) == LONG
    assert wrap(LONG) != unfolded


def test_settings_default_without_the_file(tmp_path: Path) -> None:
    assert load_settings(tmp_path) == SuiteSettings(fold_args=True)
    (tmp_path / "suite.toml").write_text(NO_FOLD)
    (tmp_path / "cases" / "xml2argv").mkdir(parents=True)
    assert settings_for_file(tmp_path / "cases" / "xml2argv" / "a.args").fold_args is False


@pytest.mark.parametrize(("text", "problem"), [
    ("color = 1\n", "unknown key 'color' (allowed: args, format)"),
    ("format = \"2\"\n", "'format' must be one of 1, 1.0, 1.1, not '2'"),
    ("[args]\nfold = \"no\"\n", "[args] 'fold' must be true or false, not 'no'"),
    ("[args]\nwidth = 80\n", "[args]: unknown key 'width' (allowed: fold)"),
    ("args = 3\n", "[args] must be a table"),
    ("[args\n", "invalid TOML"),
])
def test_bad_settings_name_the_file(tmp_path: Path, text: str, problem: str) -> None:
    (tmp_path / "suite.toml").write_text(text)
    with pytest.raises(SuiteError) as info:
        load_settings(tmp_path)
    assert info.value.path == tmp_path / "suite.toml"
    assert problem in info.value.problem


def test_regen_writes_unfolded_goldens_when_the_suite_says_so(
    pytester: pytest.Pytester, toy: Path
) -> None:
    (toy.parent / "suite.toml").write_text(NO_FOLD)
    disk = toy / "xml2argv" / "disk.args"
    folded = disk.read_text()
    assert "\\\ng,if=virtio" in folded
    result = pytester.runpytest("--regen=all")
    result.assert_outcomes(passed=12)
    assert disk.read_text() == wrap(folded, fold=False)
    assert max(len(line) for line in disk.read_text().splitlines()) > 81
    # Without the declaration the same run folds them again.
    (toy.parent / "suite.toml").unlink()
    pytester.runpytest("--regen=all").assert_outcomes(passed=12)
    assert disk.read_text() == folded


def test_bad_settings_are_an_error_of_each_case(pytester: pytest.Pytester, toy: Path) -> None:
    (toy.parent / "suite.toml").write_text("[args]\nfold = 1\n")
    result = pytester.runpytest("-k", "xml2argv and minimal")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["suite/suite.toml: ?args? 'fold' must be true or false, not 1"])


def test_wrap_check_follows_the_suite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mode = tmp_path / "cases" / "xml2argv"
    mode.mkdir(parents=True)
    unfolded, folded = mode / "a.args", mode / "b.args"
    unfolded.write_text(wrap(LONG, fold=False))
    folded.write_text(wrap(LONG))
    assert main(["wrap", "--check", str(unfolded)]) == 1
    (tmp_path / "suite.toml").write_text(NO_FOLD)
    assert main(["wrap", "--check", str(unfolded)]) == 0
    assert main(["wrap", "--check", str(folded)]) == 1
    assert main(["wrap", "--in-place", str(folded)]) == 0
    assert folded.read_text() == unfolded.read_text()
    (tmp_path / "suite.toml").write_text("[args\n")
    assert main(["wrap", "--check", str(folded)]) == 1
    assert "suite.toml: invalid TOML" in capsys.readouterr().err


def test_commands_from_entry_points(monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    def register(subparsers: Any) -> None:
        parser = subparsers.add_parser("hello", help="say hello")
        parser.add_argument("who")
        parser.set_defaults(handler=lambda args: print(f"hello {args.who}") or 3)

    import sys
    import types

    module = types.ModuleType("hvharness_test_commands")
    module.register = register  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "hvharness_test_commands", module)
    points = [EntryPoint("hello", "hvharness_test_commands:register", "hvharness.commands"),
              EntryPoint("broken", "hvharness_test_commands:missing", "hvharness.commands")]

    def fake_entry_points(*, group: str) -> list[EntryPoint]:
        return points if group == "hvharness.commands" else []

    monkeypatch.setattr("importlib.metadata.entry_points", fake_entry_points)
    assert main(["hello", "world"]) == 3
    captured = capsys.readouterr()
    assert captured.out == "hello world\n"
    assert captured.err.startswith("hvharness: cannot add command 'broken' "
                                   "(hvharness_test_commands:missing): AttributeError")
    with pytest.raises(SystemExit):
        main(["hello", "world", "--extra"])
    # the built-in commands still work next to a broken plugin
    assert main(["report", "/nonexistent.json"]) == 2
