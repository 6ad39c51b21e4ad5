"""libvirt's capability cache files (``caps_VER.ARCH.xml``) as capability sets.

The conversion is generic so that nothing is lost: ``<flag name=.../>``
elements become the set's ``flags`` (libvirt's names); every other child of
``<qemuCaps>`` goes to the ``[qemu]`` table under its own tag name. An
element holding only text becomes a value (an integer when the text is one,
written the canonical way); any other element becomes a table of its
attributes (strings, as written), its text under ``text`` and its children,
grouped by tag name into arrays of tables.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from lxml import etree

__all__ = ["CapsFileError", "caps_file_tables", "latest_caps_files"]

_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)")


class CapsFileError(Exception):
    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


def _scalar(text: str) -> int | str:
    return int(text) if _INTEGER.fullmatch(text) else text


def _is_text_only(el: etree._Element) -> bool:
    return not el.attrib and len(el) == 0


def _element(el: etree._Element, path: Path) -> dict[str, Any]:
    table: dict[str, Any] = {str(k): str(v) for k, v in el.attrib.items()}
    text = (el.text or "").strip()
    if text:
        if "text" in table:
            raise CapsFileError(path, f"<{el.tag}> has both an attribute and text named 'text'")
        table["text"] = text
    table.update(_children(el, path))
    return table


def _children(el: etree._Element, path: Path) -> dict[str, Any]:
    by_tag: dict[str, list[etree._Element]] = {}
    for child in el.iterchildren(tag=etree.Element):  # not comments
        by_tag.setdefault(str(child.tag), []).append(child)
    out: dict[str, Any] = {}
    for tag, items in by_tag.items():
        if tag in el.attrib or tag == "text":
            raise CapsFileError(path, f"<{el.tag}> has an attribute and a child named {tag!r}")
        if len(items) == 1 and _is_text_only(items[0]):
            out[tag] = _scalar((items[0].text or "").strip())
        else:
            out[tag] = [_element(item, path) for item in items]
    return out


def caps_file_tables(path: Path) -> tuple[list[str], dict[str, Any]]:
    """The flags and the ``[qemu]`` table of one capability cache file."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.parse(str(path), parser).getroot()
    except (OSError, etree.XMLSyntaxError) as exc:
        raise CapsFileError(path, f"not readable as XML: {exc}") from None
    if root.tag != "qemuCaps":
        raise CapsFileError(path, f"root element is <{root.tag}>, not <qemuCaps>")
    flags: list[str] = []
    rest = etree.Element("qemuCaps")
    for child in root.iterchildren(tag=etree.Element):
        if child.tag == "flag":
            name = child.get("name")
            if not name or len(child.attrib) != 1 or len(child):
                raise CapsFileError(path, "a <flag> element must have only a 'name'")
            flags.append(name)
        else:
            rest.append(child)
    return flags, _children(rest, path)


_CAPS_FILE = re.compile(r"caps_([0-9]+)\.([0-9]+)\.([0-9]+)\.([A-Za-z0-9_]+)\.xml")


def latest_caps_files(directory: Path) -> dict[str, Path]:
    """The highest version's file per architecture (``testQemuGetLatestCapsForArch``).

    Only versions of three numbers count, as libvirt's version parser takes
    them; a name such as ``caps_7.1.0_abc.x86_64.xml`` is skipped there too.
    """
    best: dict[str, tuple[tuple[int, int, int], Path]] = {}
    for path in sorted(directory.glob("caps_*.xml")):
        m = _CAPS_FILE.fullmatch(path.name)
        if not m:
            continue
        version = (int(m.group(1)), int(m.group(2)), int(m.group(3)))
        arch = m.group(4)
        if arch not in best or version > best[arch][0]:
            best[arch] = (version, path)
    return {arch: path for arch, (_, path) in sorted(best.items())}
