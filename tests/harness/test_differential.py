"""--against: a second driver's answers stand in for the goldens."""

from __future__ import annotations

import json
import os
import shlex
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# Variants of the toy driver, each differing from it in one known way.
VARIANTS = '''
from harness.protocol import CommandLineRefused, Conversion, DefinitionRejected, Mode
from toyvisor import ToyDriver, driver as toy


class IdeDisks(ToyDriver):
    """Puts every disk without a bus on IDE: command lines with disks differ."""

    name = "toy-ide"

    def xml_to_argv(self, xml, caps, **kw):
        out = super().xml_to_argv(xml, caps, **kw).output
        return Conversion(out.replace(",if=virtio", ",if=ide"))


class StrictNames(ToyDriver):
    """Refuses a nameless machine as a command-line failure, not a definition error."""

    name = "toy-strict"

    def xml_to_argv(self, xml, caps, **kw):
        try:
            return super().xml_to_argv(xml, caps, **kw)
        except DefinitionRejected as exc:
            raise CommandLineRefused(str(exc)) from None


class Lenient(ToyDriver):
    """Converts a nameless machine instead of rejecting it."""

    name = "toy-lenient"

    def xml_to_argv(self, xml, caps, **kw):
        return super().xml_to_argv(xml.replace("<machine>", "<machine name='anon'>"), caps, **kw)


class Quiet(ToyDriver):
    """Never warns in argv2xml."""

    name = "toy-quiet"

    def argv_to_xml(self, argv, caps):
        return Conversion(super().argv_to_xml(argv, caps).output)


class Broken(ToyDriver):
    name = "toy-broken"

    def xml_to_xml(self, xml, caps, **kw):
        raise KeyError("oops")


ide = IdeDisks()
strict = StrictNames()
lenient = Lenient()
quiet = Quiet()
broken = Broken()
xml_only = ToyDriver(frozenset({Mode.XML2ARGV, Mode.XML2XML}))
'''


@pytest.fixture
def variants(pytester: pytest.Pytester, toy: Path) -> Path:
    (pytester.path / "variants.py").write_text(VARIANTS)
    return toy


def _failed(result: pytest.RunResult) -> set[str]:
    return {line.split()[1] for line in result.outlines if line.startswith("FAILED ")}


def test_a_driver_agrees_with_itself(pytester: pytest.Pytester, variants: Path) -> None:
    result = pytester.runpytest("--against", "toyvisor:driver", "--conformance-report", "r.json")
    result.assert_outcomes(passed=12)
    result.stdout.fnmatch_lines([
        "hvharness: against toyvisor:driver (its answers are the expectation)",
        "driver toyvisor:driver against toyvisor:driver (passed: the two agree*",
    ])
    report = json.loads((pytester.path / "r.json").read_text())
    assert report["against"] == "toyvisor:driver"
    xml2argv = report["suites"]["suite"]["modes"]["xml2argv"]
    assert (xml2argv["passed"], xml2argv["total"]) == (7, 7)
    assert xml2argv["rejections"] == {"passed": 2, "total": 2}


def test_it_agrees_out_of_process(
    pytester: pytest.Pytester, variants: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [str(REPO), str(pytester.path), os.environ.get("PYTHONPATH", "")]))
    served = f"exec:{shlex.quote(sys.executable)} -m harness.exec_serve toyvisor:driver"
    pytester.runpytest("--against", served).assert_outcomes(passed=12)


def test_differing_command_lines_disagree_on_exactly_those_cases(
    pytester: pytest.Pytester, variants: Path
) -> None:
    result = pytester.runpytest("--driver", "variants:ide", "--against", "toyvisor:driver")
    result.assert_outcomes(passed=11, failed=1)
    assert _failed(result) == {"suite::xml2argv/disk"}
    result.stdout.fnmatch_lines([
        "toy-ide (variants:ide) and toyvisor (toyvisor:driver) disagree: outputs differ:",
        "--- toyvisor (toyvisor:driver)",
        "+++ toy-ide (variants:ide)",
        "*",
        "-g,if=virtio \\",
        "+g,if=ide \\",
    ])


def test_rejections_must_be_of_the_same_kind(pytester: pytest.Pytester, variants: Path) -> None:
    result = pytester.runpytest("--driver", "variants:strict", "--against", "toyvisor:driver")
    result.assert_outcomes(passed=11, failed=1)
    assert _failed(result) == {"suite::xml2argv/noname"}
    result.stdout.fnmatch_lines([
        "toy-strict (variants:strict) and toyvisor (toyvisor:driver) disagree: toyvisor "
        "(toyvisor:driver) rejects it as parse-error, toy-strict (variants:strict) as failure",
        "toyvisor (toyvisor:driver) rejected it (parse-error, DefinitionRejected): the machine has no name",
        "toy-strict (variants:strict) rejected it (failure, CommandLineRefused): the machine has no name",
    ])


def test_a_conversion_where_the_reference_rejects(pytester: pytest.Pytester, variants: Path) -> None:
    result = pytester.runpytest("--driver", "variants:lenient", "--against", "toyvisor:driver")
    assert _failed(result) == {"suite::xml2argv/noname"}
    result.stdout.fnmatch_lines([
        "*disagree: toyvisor (toyvisor:driver) rejects it (parse-error), toy-lenient "
        "(variants:lenient) converts it",
        "toy-lenient (variants:lenient) converted it:",
        "    HOME=/root \\",
    ])
    # Reversed, the message says which side converted.
    result = pytester.runpytest("--driver", "toyvisor:driver", "--against", "variants:lenient")
    result.stdout.fnmatch_lines(["*disagree: toy-lenient (variants:lenient) converts it, "
                                 "toyvisor (toyvisor:driver) rejects it (parse-error)"])


def test_argv2xml_warnings_must_agree(pytester: pytest.Pytester, variants: Path) -> None:
    result = pytester.runpytest("--driver", "variants:quiet", "--against", "toyvisor:driver")
    assert _failed(result) == {"suite::argv2xml/unknown-option"}
    result.stdout.fnmatch_lines(["*toyvisor (toyvisor:driver) warns (unknown option -frobnicate "
                                 "ignored), toy-quiet (variants:quiet) does not"])


def test_a_bug_in_either_driver_is_an_error_naming_it(
    pytester: pytest.Pytester, variants: Path
) -> None:
    result = pytester.runpytest("--against", "variants:broken")
    result.assert_outcomes(passed=9, failed=3)
    result.stdout.fnmatch_lines(["*toy-broken (variants:broken): driver raised an unexpected "
                                 "exception: KeyError: 'oops'*"])


# What the toy suite's cases read; everything else in a mode directory is a golden.
TOY_INPUTS = {"xml2argv": {"minimal.xml", "disk.xml", "noname.xml"},
              "xml2xml": {"canonical.xml", "defaults.xml"},
              "argv2xml": {"minimal.args", "unknown-option.args"}}


def test_goldens_are_optional(pytester: pytest.Pytester, variants: Path) -> None:
    for mode, inputs in TOY_INPUTS.items():
        for path in (variants / mode).iterdir():
            if path.name != "cases.toml" and path.name not in inputs:
                path.unlink()
    result = pytester.runpytest("--driver", "variants:ide", "--against", "toyvisor:driver")
    result.assert_outcomes(passed=11, failed=1)
    assert _failed(result) == {"suite::xml2argv/disk"}


def test_a_mode_the_reference_lacks_is_skipped(pytester: pytest.Pytester, variants: Path) -> None:
    result = pytester.runpytest("--against", "variants:xml_only", "-rs")
    result.assert_outcomes(passed=10, skipped=2)
    result.stdout.fnmatch_lines(["*driver 'toyvisor' (--against) does not support argv2xml*"])


def test_against_cannot_regen(pytester: pytest.Pytester, variants: Path) -> None:
    result = pytester.runpytest("--against", "toyvisor:driver", "--regen")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--against compares two drivers; it cannot --regen goldens"])


def test_an_against_driver_that_cannot_load(pytester: pytest.Pytester, variants: Path) -> None:
    result = pytester.runpytest("--against", "variants:nothing")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*driver 'variants:nothing' (--against): module 'variants' has "
                                 "no attribute 'nothing'*"])
