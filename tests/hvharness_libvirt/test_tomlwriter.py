"""The importer's TOML writer: what it writes reads back as the same data."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest

from hvharness_libvirt.tomlwriter import dumps

DATA: dict[str, Any] = {
    "extends": "base",
    "flags": ["kvm", "blockdev"],
    "unicode and quotes": 'a "b" \\ c\n\tdé\x01',
    "big": 9223372036854775807,
    "case": {
        "a.b": {"input": "a", "config": {"fd_groups": {"g": [700, 705]}, "on": True}},
        "plain-id": {"expect": "ok"},
    },
    "qemu": {
        "cpu": [{"name": "x", "blocker": [{"name": "avx"}]}, {"name": "y"}],
        "machine": [{"name": "pc", "alias": "p"}],
        "empty": [],
    },
    "empty_table": {},
}


def test_round_trip() -> None:
    assert tomllib.loads(dumps(DATA)) == DATA


def test_same_data_same_bytes_and_comment_first() -> None:
    text = dumps(DATA, "first line\nsecond")
    assert text == dumps(dict(DATA), "first line\nsecond")
    assert text.startswith("# first line\n# second\n\nextends = \"base\"\n")
    assert "\n\n\n" not in text and text.endswith("\n")
    # a table holding only tables gets no header of its own
    assert "[case]\n" not in text and '[case."a.b"]\n' in text


def test_values_toml_cannot_hold_are_refused() -> None:
    with pytest.raises(TypeError, match="cannot write NoneType as TOML"):
        dumps({"x": None})
