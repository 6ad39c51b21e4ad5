"""``hvharness import-libvirt-caps``: libvirt's capability cache file as a set."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.cli import main

REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / "caps" / "qemu-7.2.22-x86_64.libvirt-9.0.0.xml"
SET = REPO / "caps" / "qemu-7.2.22-x86_64.libvirt-9.0.0.toml"


def test_the_committed_set_is_its_cache_file_converted(tmp_path: Path) -> None:
    out = tmp_path / "set.toml"
    assert main(["import-libvirt-caps", str(CACHE), str(out), "--extends", "hvh-session"]) == 0
    assert out.read_text() == SET.read_text()


def test_the_set_says_which_libvirt_and_emulator(tmp_path: Path) -> None:
    text = SET.read_text()
    assert '[libvirt]\nversion = "9.0.0"\n' in text
    assert '[emulator]\nversion = "7.2.22"\n' in text
    # When the cache was written says nothing of the emulator.
    assert "selfctime" not in text and "qemuctime" not in text


@pytest.mark.parametrize(("content", "problem"), [
    ("<qemuCaps><flag name='x'/></qemuCaps>", "has no <selfvers>"),
    ("<domain/>", "root element is <domain>"),
    ("not xml", "not readable as XML"),
])
def test_a_file_that_is_no_cache_file_is_one_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, problem: str) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text(content)
    out = tmp_path / "set.toml"
    assert main(["import-libvirt-caps", str(bad), str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("hvharness import-libvirt-caps: error: ") and problem in err
    assert str(bad) in err and not out.exists()
