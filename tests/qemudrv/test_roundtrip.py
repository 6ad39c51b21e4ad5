"""Round-trip stability: formatting a formatted definition changes nothing.

For every xml2xml case whose output equals its golden, the output is parsed
and formatted again in the same state.

- The project's own cases must be fixed points at once.
- In the libvirt corpus a few goldens are not fixed points of libvirt 1.3.1
  itself: implicit controllers are appended after the parsed ones while
  parsed controllers are kept sorted by index, and an inactive definition
  drops a ``<seclabel>`` but keeps its parent open (``<source>`` ...
  ``</source>``). Reproducing the goldens means reproducing that, so there
  the second formatting may differ from the first, but the third must equal
  the second: the definition settles after one more save.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness import Capabilities, CapsLibrary, Case, Mode, Rejection, Suite, prepare
from qemudrv import driver

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus" / "libvirt-1.3.1"


def _passing(root: Path) -> list[tuple[Case, Capabilities, str]]:
    """(case, caps, output) for each xml2xml case whose output is its golden."""
    if not (root / "cases" / "xml2xml").is_dir():
        pytest.skip(f"no xml2xml cases under {root}")
    suite = Suite(root, root.name)
    library = CapsLibrary(suite.caps_dir)
    found = []
    for manifest in suite.manifests():
        if manifest.mode is not Mode.XML2XML:
            continue
        for case in manifest.cases:
            if case.expected is None or not case.expected.is_file():
                continue  # a missing golden fails the suite run itself
            prepared = prepare(case, library)
            try:
                output = driver.xml_to_xml(prepared.text, prepared.caps, active=case.active).output
            except (Rejection, NotImplementedError):
                continue
            if output == case.expected.read_text():
                found.append((case, prepared.caps, output))
    return found


def _again(case: Case, caps: Capabilities, text: str) -> str:
    return driver.xml_to_xml(text, caps, active=case.active).output


def test_own_cases_are_fixed_points() -> None:
    unstable = [c.id for c, caps, out in _passing(ROOT) if _again(c, caps, out) != out]
    assert not unstable, f"formatting again changes: {unstable}"


def test_corpus_cases_settle_after_one_more_save() -> None:
    passing = _passing(CORPUS)
    unsettled = []
    for case, caps, output in passing:
        second = _again(case, caps, output)
        if second != output and _again(case, caps, second) != second:
            unsettled.append(case.id)
    assert passing
    assert not unsettled, f"{len(unsettled)} of {len(passing)} never settle: {unsettled}"
