"""The caches and shortcuts that keep conversions fast give the same answers
as the straightforward code they replace."""

from __future__ import annotations

import random

from lxml import etree

from qemudrv import xmlreader
from qemudrv.defaults.disk import insert_disk_sorted, order_disks
from qemudrv.model.disk import Disk
from qemudrv.model.domain import Domain
from qemudrv.xmlreader import child, children, elements, parse_document
from qemudrv.xmlwriter import escape


def test_child_lookups_match_lxml() -> None:
    root = parse_document(
        "<domain xmlns:q='urn:q'><name>a</name><q:x/><x>1</x><x>2</x>"
        "<!-- c --><devices><disk/></devices></domain>"
    )
    for name in ("name", "x", "{urn:q}x", "devices", "absent", "{*}x", "*"):
        assert child(root, name) is next(root.iterchildren(name), None)
        assert children(root, name) == list(root.iterchildren(name))
    assert [c.text for c in elements(root, "x")] == ["1", "2"]
    assert [str(c.tag) for c in elements(root)] == ["name", "{urn:q}x", "x", "x", "devices"]


def test_child_index_is_per_element_and_reset_per_document() -> None:
    first = parse_document("<domain><name>a</name></domain>")
    assert child(first, "name").text == "a"  # type: ignore[union-attr]
    assert xmlreader._INDEX
    second = parse_document("<domain><name>b</name></domain>")
    # parsing a document drops the indexes of the previous one
    assert all(el is not first for el in xmlreader._INDEX)
    assert child(second, "name").text == "b"  # type: ignore[union-attr]
    assert child(first, "name").text == "a"  # type: ignore[union-attr]


def test_child_index_works_for_trees_built_elsewhere() -> None:
    el = etree.fromstring("<disk><source file='/a'/><target dev='vda'/></disk>")
    assert child(el, "target").get("dev") == "vda"  # type: ignore[union-attr]
    assert child(el, "driver") is None


def test_child_index_is_bounded() -> None:
    trees = [etree.fromstring(f"<a><b>{i}</b></a>") for i in range(xmlreader._INDEX_LIMIT + 10)]
    for i, t in enumerate(trees):
        assert child(t, "b").text == str(i)  # type: ignore[union-attr]
    assert len(xmlreader._INDEX) <= xmlreader._INDEX_LIMIT


def test_order_disks_matches_one_by_one_insertion() -> None:
    rng = random.Random(1)
    names = ["hda", "hdb", "hdc", "sda", "sdb", "sdaa", "vda", "vdb", "vdz", "xvda", "bogus", "fda"]
    buses = ["ide", "scsi", "virtio", "usb", None]
    for _ in range(300):
        disks = [
            Disk(dst=rng.choice(names), bus=rng.choice(buses)) for _ in range(rng.randint(0, 12))
        ]
        expected: list[Disk] = []
        for d in disks:
            insert_disk_sorted(expected, d)
        dom = Domain()
        dom.devices.disks = list(disks)
        order_disks(dom)
        assert [id(d) for d in dom.devices.disks] == [id(d) for d in expected]


def test_escape_fast_path_matches_full_escaping() -> None:
    def slow(value: str) -> str:
        table = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "'": "&apos;", '"': "&quot;"}
        return "".join(
            table.get(c, "" if ord(c) < 0x20 and c not in "\t\n\r" else c) for c in value
        )

    for value in ["plain", "", "a&b", "<x>", "it's", 'q"', "tab\there", "nl\n", "bell\x07",
                  "nbsp\xa0", "zero\x00", "del\x7f", "\u2028"]:
        assert escape(value) == slow(value)
