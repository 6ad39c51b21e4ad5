"""The hvharness command: plain help, exit statuses, bad input named and survived."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.cli import SUBCOMMANDS, build_parser, main


def _help(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as exit_info:
        main([*argv, "--help"])
    assert exit_info.value.code == 0
    return capsys.readouterr().out


def test_help_is_plain_text_and_documents_every_option(
    capsys: pytest.CaptureFixture[str],
) -> None:
    top = _help(capsys)
    _, parsers = build_parser()
    assert sorted(parsers) == sorted(c.name for c in SUBCOMMANDS)
    for name, parser in parsers.items():
        assert name in top
        text = _help(capsys, name)
        for out in (top, text):
            assert "``" not in out and ":class:" not in out
        undocumented = [action.dest for action in parser._actions if not action.help]
        assert not undocumented, f"{name}: {undocumented}"
    assert "which goldens" in _help(capsys, "regen")


def _report(tmp_path: Path, failed: int = 0, orphans: tuple[str, ...] = ()) -> Path:
    totals = {"total": 2, "passed": 2 - failed, "failed": failed, "errors": 0, "skipped": 0,
              "ok": {"passed": 2 - failed, "total": 2}, "rejections": {"passed": 0, "total": 0},
              "checked": {}}
    cases = [{"case": "a", "expect": "ok", "outcome": "passed", "reason": ""},
             {"case": "b", "expect": "ok", "outcome": "failed" if failed else "passed",
              "reason": "output differs"}]
    mode = {**totals, "declared": 2, "percent": 50.0, "orphans": list(orphans),
            "conflicts": [], "cases": cases}
    data = {"format": 1, "driver": "d", "totals": totals,
            "suites": {"s": {"root": "/s", "modes": {"xml2argv": mode}, "totals": totals}}}
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data))
    return path


def test_report_exit_status(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(_report(tmp_path))]) == 0
    assert main(["report", str(_report(tmp_path, failed=1)), "--cases"]) == 1
    assert "s::xml2argv/b: failed: output differs" in capsys.readouterr().out
    assert main(["report", str(_report(tmp_path, orphans=("cases/xml2argv/x.args",))),
                 "--cases"]) == 1
    out = capsys.readouterr().out
    assert "xml2argv: 1 unreferenced file(s)" in out
    assert "s::xml2argv: unreferenced file cases/xml2argv/x.args" in out


@pytest.mark.parametrize(("content", "problem"), [
    (None, "cannot read the report: No such file or directory"),
    (b"{not json", "not a report: invalid JSON (Expecting property name"),
    (b"\xff\xfe", "not a report: not UTF-8"),
    (b"[1, 2]", "not a conformance report"),
    (b'{"suites": {"s": {"modes": {"xml2argv": {}}}}, "totals": {}}', "not a conformance report"),
])
def test_report_bad_input_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, problem: str
) -> None:
    path = tmp_path / "r.json"
    if content is not None:
        path.write_bytes(content)
    assert main(["report", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"hvharness: {path}: {problem}") and err.count("\n") == 1


def test_wrap_reports_a_non_utf8_file_and_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    latin = tmp_path / "latin.args"
    latin.write_bytes(b"/bin/x -name caf\xe9\n")
    good = tmp_path / "good.args"
    good.write_text("/bin/x -m 1\n")
    assert main(["wrap", str(latin), str(good)]) == 2
    captured = capsys.readouterr()
    assert captured.err == (f"hvharness: {latin}: not UTF-8 text "
                            "(invalid continuation byte at byte 16)\n")
    assert captured.out == "/bin/x \\\n-m 1\n"
    assert main(["wrap", "--check", str(latin), str(good)]) == 2
