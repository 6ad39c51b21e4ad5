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


def test_case_paths_are_made_from_the_names_given(tmp_path: Path) -> None:
    directory = tmp_path / "cases" / "xml2argv"
    directory.mkdir(parents=True)
    (directory / "cases.toml").write_text(
        '[defaults]\ncaps = "c"\n'
        '[case."plain"]\n'
        '[case."nested"]\ninput = "sub/in"\ngolden = "../shared/out"\n'
        '[case."outside"]\ngolden = "../../../elsewhere"\n'
        '[case."broken"]\ninptu = "typo"\n')
    manifest = load_manifest(tmp_path, Mode.XML2ARGV)
    assert manifest is not None and manifest.error is None
    cases = {c.id: c for c in manifest.cases}
    plain, nested = cases["plain"], cases["nested"]
    assert (plain.input, plain.golden, plain.err) == (
        directory / "plain.xml", directory / "plain.args", directory / "plain.err")
    assert (nested.input, nested.golden, nested.err) == (
        directory / "sub" / "in.xml", tmp_path / "cases" / "shared" / "out.args",
        tmp_path / "cases" / "shared" / "out.err")
    assert plain.suite_root == nested.suite_root == tmp_path
    assert cases["outside"].golden is None and cases["outside"].problems
    # What the end of a session compares, as strings, is what the paths say.
    for case in cases.values():
        assert list(case.reference_texts(str(directory))) == \
            [str(p) for p in case.references()], case.id
    assert cases["broken"].claimed and not cases["broken"].input_name
