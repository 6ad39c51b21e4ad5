"""Manifests: defaults, file names, line numbers and validation."""

from __future__ import annotations

from pathlib import Path

from toyproject import CORPUS, EXAMPLE

from harness.protocol import Mode
from harness.suite import Expect, Suite, load_manifest


def test_defaults_and_file_names() -> None:
    manifest = load_manifest(EXAMPLE / "suite", Mode.XML2ARGV)
    assert manifest is not None and manifest.error is None
    cases = {c.id: c for c in manifest.cases}
    ide = cases["disk-ide"]
    assert ide.input == manifest.directory / "disk.xml"
    assert ide.golden == manifest.directory / "disk-ide.args"
    assert ide.err == manifest.directory / "disk-ide.err"
    assert ide.caps == "toy-1.0" and ide.config == {"default_bus": "ide"}
    assert cases["noname"].expect is Expect.PARSE_ERROR
    assert cases["migrate-stdio"].migrate_from == "stdio" and cases["migrate-stdio"].migrate_fd == 7
    assert cases["minimal"].line == 4 and cases["minimal"].test_name == "xml2argv/minimal"


def test_identity_and_status_cases() -> None:
    manifest = load_manifest(EXAMPLE / "suite", Mode.XML2XML)
    assert manifest is not None
    cases = {c.id: c for c in manifest.cases}
    assert cases["canonical.inactive"].identity and cases["canonical.inactive"].golden is None
    active = cases["canonical.active"]
    assert active.active and active.status is not None and not active.identity
    assert active.status.apply("<a>\n\n  <b/>\n</a>\n") == (
        "<status state='running'>\n  <a>\n\n    <b/>\n  </a>\n</status>\n")


def test_missing_manifest_is_none(tmp_path: Path) -> None:
    assert load_manifest(tmp_path, Mode.ARGV2XML) is None
    assert list(Suite(tmp_path, "x").manifests()) == []


def test_corpus_counts_match_its_readme() -> None:
    if not CORPUS.is_dir():
        import pytest

        pytest.skip("the libvirt corpus is not beside the checkout")
    counts = {m.mode: len(m.cases) for m in Suite(CORPUS, "libvirt").manifests()}
    assert counts == {Mode.XML2ARGV: 370, Mode.XML2XML: 348, Mode.ARGV2XML: 65}
    assert all(not c.problems for m in Suite(CORPUS, "x").manifests() for c in m.cases)
