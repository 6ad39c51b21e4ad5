from __future__ import annotations

from pathlib import Path

import pytest
from toyproject import CORPUS

from harness.cli import main
from harness.wrap import split_words, unwrap, wrap


def test_groups_env_program_and_options() -> None:
    line = "LC_ALL=C PATH=/bin /usr/bin/qemu -name g -S -m 214 -usb -net none"
    assert wrap(line) == (
        "LC_ALL=C \\\nPATH=/bin \\\n/usr/bin/qemu \\\n-name g \\\n-S \\\n-m 214 \\\n"
        "-usb \\\n-net none\n"
    )


def test_quoted_argument_stays_whole() -> None:
    line = "/bin/q -append 'console=ttyS0 -quiet' -S"
    assert split_words(line) == ["/bin/q", "-append", "'console=ttyS0 -quiet'", "-S"]
    assert wrap(line) == "/bin/q \\\n-append 'console=ttyS0 -quiet' \\\n-S\n"


def test_fold_prefers_comma_then_colon_then_space_then_hard_cut() -> None:
    comma = "-drive " + ",".join(["x" * 9] * 12)
    pieces = wrap("/q " + comma).split(" \\\n")[1].rstrip("\n").split("\\\n")
    assert all(len(p) <= 81 for p in pieces) and pieces[0].endswith(",")
    colon = "-x " + ":".join(["y" * 19] * 5)
    assert wrap("/q " + colon).split(" \\\n")[1].split("\\\n")[0].endswith(":")
    hard = "-x " + "z" * 200
    # The space is the last place to split; then 80-character hard cuts.
    z = "z" * 80
    assert wrap("/q " + hard) == f"/q \\\n-x \\\n{z}\\\n{z}\\\n{'z' * 40}\n"


def test_unwrap_inverts_wrap() -> None:
    line = "A=1 /q -drive " + ",".join(["a" * 30] * 6) + " -S"
    assert unwrap(wrap(line)) == line
    assert unwrap("a \\\r\nb\r\n") == "a b"


def test_empty_command_line() -> None:
    assert wrap("") == ""


def _corpus_args() -> list[Path]:
    return sorted(p for d in ("xml2argv", "argv2xml")
                  for p in (CORPUS / "cases" / d).glob("*.args") if p.stat().st_size)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the libvirt corpus is not beside the checkout")
def test_reproduces_every_corpus_args_file_byte_for_byte() -> None:
    files = _corpus_args()
    assert len(files) > 300
    bad = [p.name for p in files if wrap(unwrap(p.read_text())) != p.read_text()]
    assert bad == []


def test_cli_check_in_place_and_stdout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.args"
    good.write_text(wrap("/q -m 1 -smp 2"))
    bad = tmp_path / "bad.args"
    bad.write_text("/q \\\n-m \\\n1 -smp 2\n")
    assert main(["wrap", "--check", str(good)]) == 0
    assert main(["wrap", "--check", str(good), str(bad)]) == 1
    out = capsys.readouterr().out
    assert "bad.args: not wrapped" in out and "+-m 1 \\" in out and "good.args" not in out
    assert main(["wrap", "--in-place", str(bad)]) == 0
    assert bad.read_text() == "/q \\\n-m 1 \\\n-smp 2\n"
    assert main(["wrap", str(bad)]) == 0
    assert capsys.readouterr().out.endswith("/q \\\n-m 1 \\\n-smp 2\n")
    assert main(["wrap", "--check", str(tmp_path / "missing.args")]) == 2
