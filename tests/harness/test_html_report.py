"""``hvharness report ... --html OUT.html``: one self-contained page, checked in a browser too."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
from test_report_compare import BROKEN_DRIVER

from harness.cli import main
from harness.html_report import first_difference, render_html
from harness.report import CaseRecord, ConformanceReport

ARGS_DIFF = """output differs from the golden suite/cases/xml2argv/watchdog.args:
--- suite/cases/xml2argv/watchdog.args (expected)
+++ obtained
@@ -19,6 +19,4 @@
 -serial none \\
--parallel none \\
--watchdog ib700 \\
--watchdog-action poweroff
+-parallel none

obtained output saved to somewhere
"""

XML_DIFF = """output differs from the input:
--- a.xml (expected)
+++ obtained
@@ -24,6 +24,6 @@
     <controller type='pci' index='0' model='pci-root'/>
-    <memballoon model='none'/>
+    <memballoon model='virtio'/>
   </devices>
"""


def test_first_difference_names_the_option_or_element() -> None:
    # The re-terminated -parallel line is not the difference; -watchdog is.
    assert first_difference(ARGS_DIFF) == "-watchdog"
    assert first_difference(XML_DIFF) == "<memballoon>"
    assert first_difference("expected success, but the driver raised ValueError: x") is None
    # An option spelled with two dashes is an option, not a diff header.
    assert first_difference("@@ -1,2 +1,2 @@\n x \\\n---long yes\n+--long no\n") == "--long"
    # A changed continuation of a wrapped option counts for that option.
    wrapped = "@@ -5,3 +5,3 @@\n -drive \\\n-file=/a/long/pa\\\n+file=/a/long/pb\\\n th,if=ide \\\n"
    assert first_difference(wrapped) == "-drive"


def _page_of_runs(pytester: pytest.Pytester, *reports: str) -> str:
    out = pytester.path / "page.html"
    # Exit 1: the reports have failures (the page is written all the same).
    assert main(["report", *(str(pytester.path / r) for r in reports), "--html", str(out)]) == 1
    return out.read_text(encoding="utf-8")


@pytest.fixture
def runs(pytester: pytest.Pytester, toy: Path) -> Path:
    """good.json (every case passes) and broken.json (two disk cases fail) of the toy suite."""
    pytester.makepyfile(brokentoy=BROKEN_DRIVER)
    pytester.runpytest("--conformance-report", "good.json")
    pytester.runpytest("--driver", "brokentoy:driver", "--conformance-report", "broken.json")
    return pytester.path


def test_the_page_groups_failures_with_their_diffs(pytester: pytest.Pytester,
                                                   runs: Path) -> None:
    page = _page_of_runs(pytester, "broken.json")
    assert "<h1>Conformance report: broken.json</h1>" in page
    assert "<b>71.4%</b> 5/7" in page  # xml2argv: disk and disk-ide fail
    assert "<h2>Cases that did not pass (2)</h2>" in page
    # One group: mode xml2argv, expectation ok, first differing option -drive.
    groups = re.findall(r"<details class=group[^>]*><summary>(.*?)</summary>", page)
    assert groups == ['expect ok · -drive <span class=muted>(2 cases)</span>']
    cases = re.findall(r"<details class=case[^>]*><summary><code>(.*?)</code>", page)
    assert cases == ["disk", "disk-ide"]
    assert "caps <code>toy-1.0</code>" in page
    assert "<span class=add>+-drive file=/var/lib/toyvisor/cdrom.iso,interface=ide</span>" in page


def test_two_reports_side_by_side_with_their_comparison(pytester: pytest.Pytester,
                                                       runs: Path) -> None:
    page = _page_of_runs(pytester, "good.json", "broken.json")
    assert re.search(r"<tr><th>suite</th><th>mode</th><th>good.json</th><th>broken.json</th>",
                     page)
    assert "<h2>Changes from good.json to broken.json</h2>" in page
    assert '<span class="tag regressed">2 regressed</span>' in page
    assert "<li><code>disk</code> passed → failed" in page
    assert "<li><code>disk-ide</code> passed → failed" in page

    # --compare writes the same page, and still gates on the regressions.
    out = runs / "cmp.html"
    assert main(["report", "--compare", str(runs / "good.json"), str(runs / "broken.json"),
                 "--html", str(out)]) == 1
    assert "<h2>Changes from good.json to broken.json</h2>" in out.read_text(encoding="utf-8")


def test_the_page_loads_nothing_and_escapes_everything() -> None:
    nasty = "<script>alert(1)</script>"
    data: dict[str, Any] = {"format": 1, "driver": nasty, "suites": {"s&t": {"modes": {
        "xml2argv": {"cases": [{"case": nasty, "expect": "ok", "outcome": "failed",
                                "reason": nasty, "details": nasty}]}}}}}
    page = render_html([("r.json", data)])
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "s&amp;t" in page
    # No external asset of any kind: no links, sources, imports or url()s.
    assert not re.search(r"\b(src|href)=|@import|url\(|https?://", page)


def test_an_unwritable_page_is_one_line(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "r.json"
    ConformanceReport("d").write(report)
    (tmp_path / "no").write_text("a file, not a directory")
    target = tmp_path / "no" / "p.html"
    assert main(["report", str(report), "--html", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"hvharness: {target}: cannot write the page")
    assert len(err.splitlines()) == 1


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _headless(browser: str, *args: str) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--no-first-run", f"--user-data-dir={profile}", *args],
            capture_output=True, text=True, timeout=120, check=False)


def test_a_browser_renders_the_page(pytester: pytest.Pytester, runs: Path) -> None:
    browser = _chromium()
    if browser is None:
        pytest.skip("chromium is not installed (Debian: apt-get install chromium)")
    page = runs / "page.html"
    assert main(["report", str(runs / "good.json"), str(runs / "broken.json"),
                 "--html", str(page)]) == 1
    dom = _headless(browser, "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr
    # The browser parsed the whole page: the last section's cases are in its DOM.
    assert re.findall(r"<details class=\"case\"[^>]*><summary><code>(.*?)</code>",
                      dom.stdout) == ["disk", "disk-ide"]
    shot = runs / "page.png"
    result = _headless(browser, f"--screenshot={shot}", "--window-size=1280,900", page.as_uri())
    assert result.returncode == 0, result.stderr
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 10_000  # a page with tables and colour, not a blank one


def test_reports_render_from_json_as_written(tmp_path: Path) -> None:
    """The page reads reports exactly as ``--conformance-report`` writes them."""
    report = ConformanceReport("d")
    report.add("a", CaseRecord("s", "xml2xml", "a", "ok", "passed", "output matches", caps="c"))
    report.add("b", CaseRecord("s", "xml2xml", "b", "ok", "error", caps="c",
                               reason="driver raised an unexpected exception: KeyError: 'x'"))
    report.declare("s", tmp_path, "xml2xml", 3)
    path = tmp_path / "r.json"
    report.write(path)
    assert main(["report", str(path), "--html", str(tmp_path / "p.html")]) == 0
    page = (tmp_path / "p.html").read_text(encoding="utf-8")
    digest = json.loads(path.read_text())["suite_hashes"]["s"].removeprefix("sha256:")
    assert f"s ({digest[:12]})" in page
    assert "50.0%</b> 1/2 (of 3 declared)" in page
    assert "expect ok · raised KeyError" in page


def test_reports_of_the_same_file_name_are_told_apart_by_path(tmp_path: Path) -> None:
    for run in ("before", "after"):
        (tmp_path / run).mkdir()
        ConformanceReport("d").write(tmp_path / run / "r.json")
    old, new = str(tmp_path / "before" / "r.json"), str(tmp_path / "after" / "r.json")
    assert main(["report", old, new, "--html", str(tmp_path / "p.html")]) == 0
    page = (tmp_path / "p.html").read_text(encoding="utf-8")
    assert f"<th>{old}</th><th>{new}</th>" in page
