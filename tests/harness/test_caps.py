"""Capability sets: extends chains, case flags and config, immutability, caching."""

from __future__ import annotations

from pathlib import Path

import pytest
from toyproject import edit

from harness import caps as caps_module
from harness.caps import CapsLibrary
from harness.errors import SuiteError


@pytest.fixture
def library(tmp_path: Path) -> CapsLibrary:
    (tmp_path / "base.toml").write_text(
        'flags = ["a", "b"]\nunconfig = ["gone"]\n'
        '[config]\nkeep = 1\ngone = 2\nnested = { x = 1, y = 2 }\n'
        '[host]\narch = "x86_64"\ncpus = { n = 2 }\n[[guests]]\narch = "x86_64"\n'
    )
    (tmp_path / "child.toml").write_text(
        'extends = "base"\nflags = ["c"]\n[config]\nnested = { y = 3 }\nextra = true\n'
        '[host]\ncpus = { m = 4 }\n'
    )
    return CapsLibrary(tmp_path)


def test_extends_merges_flags_config_and_tables(library: CapsLibrary) -> None:
    child = library.get("child")
    assert child.chain == ("base", "child")
    assert child.flags == {"a", "b", "c"}
    assert dict(child.config) == {"keep": 1, "nested": {"x": 1, "y": 3}, "extra": True}
    assert child.tables["host"]["cpus"] == {"n": 2, "m": 4}
    assert child.tables["guests"][0]["arch"] == "x86_64"


def test_case_flags_config_and_unconfig_in_order(library: CapsLibrary) -> None:
    caps = library.for_case("child", flags=["d"], unflags=["a"],
                            config={"gone": 5, "keep": 2}, unconfig=["extra"])
    assert caps.name == "child"
    assert caps.flags == {"b", "c", "d"} and caps.has("d") and not caps.has("a")
    # The set's unconfig removed "gone"; the case's config puts it back.
    assert dict(caps.config) == {"keep": 2, "gone": 5, "nested": {"x": 1, "y": 3}}


def test_result_is_deeply_immutable(library: CapsLibrary) -> None:
    caps = library.for_case("child")
    with pytest.raises(TypeError):
        caps.config["keep"] = 3  # type: ignore[index]
    with pytest.raises(TypeError):
        caps.tables["host"]["arch"] = "arm"
    assert isinstance(caps.tables["guests"], tuple)


def test_each_set_is_parsed_once(library: CapsLibrary, monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[Path] = []
    real = caps_module.read_toml
    monkeypatch.setattr(caps_module, "read_toml", lambda p: reads.append(p) or real(p))
    for flags in (["x"], ["y"], ["x"]):
        library.for_case("child", flags=flags)
    library.for_case("base")
    assert sorted(p.name for p in reads) == ["base.toml", "child.toml"]
    assert library.for_case("child", flags=["x"]) is library.for_case("child", flags=["x"])


def test_cycle_missing_and_malformed(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text('extends = "b"\n')
    (tmp_path / "b.toml").write_text('extends = "a"\n')
    (tmp_path / "c.toml").write_text('extends = "zz"\n')
    (tmp_path / "d.toml").write_text("flags = 'x'\n")
    (tmp_path / "e.toml").write_text("[config\n")
    lib = CapsLibrary(tmp_path)
    with pytest.raises(SuiteError, match=r"'extends' cycle: a -> b -> a"):
        lib.get("a")
    with pytest.raises(SuiteError, match=r"c\.toml: extends capability set 'zz' not found"):
        lib.get("c")
    with pytest.raises(SuiteError, match=r"d\.toml: 'flags' must be a list of strings"):
        lib.get("d")
    with pytest.raises(SuiteError, match=r"e\.toml: invalid TOML"):
        lib.get("e")
    with pytest.raises(SuiteError, match=r"capability set 'nope' not found"):
        lib.for_case("nope")
    with pytest.raises(SuiteError, match=r"leaves caps/"):
        lib.get("../a")


def test_extends_must_name_a_set_in_caps(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text('extends = "../../etc/passwd"\n')
    with pytest.raises(SuiteError, match=r"a\.toml: 'extends' must be the name of a capability "
                                         r"set in \w+/, not '\.\./\.\./etc/passwd'"):
        CapsLibrary(tmp_path).get("a")


def test_extends_chain_has_a_depth_limit(tmp_path: Path) -> None:
    for n in range(1000):
        (tmp_path / f"s{n}.toml").write_text(f'extends = "s{n + 1}"\n')
    (tmp_path / "s1000.toml").write_text("flags = []\n")
    lib = CapsLibrary(tmp_path)
    with pytest.raises(SuiteError, match=r"s0\.toml: 'extends' chain longer than 32 sets "
                                         r"\(s0 -> s1 -> s2 -> \.\.\. -> s31 -> s32\)"):
        lib.get("s0")
    assert lib.get("s980").chain[0] == "s1000"


def test_a_set_the_driver_cannot_read_is_named(pytester: pytest.Pytester, toy: Path) -> None:
    caps = toy.parent / "caps" / "toy-1.0.toml"
    edit(caps, '[host]\nversion = "1.0"', 'host = "x"')
    result = pytester.runpytest("-k", "disk")
    result.assert_outcomes(failed=3)
    result.stdout.fnmatch_lines([
        "driver raised an unexpected exception: *",
        "",
        "with the capability set suite/caps/toy-1.0.toml (extends toy-base)"])
