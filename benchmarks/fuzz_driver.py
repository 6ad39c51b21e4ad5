"""Fuzz the reference driver with mutations of real suite inputs.

Every run takes one input of a suite (a domain definition or a command
line, with its case's capability set), applies one to three random
mutations (byte flips, truncation, deleted or duplicated elements and
attributes, huge and negative numbers, long strings, deep nesting, option
values from other inputs or from a hostile pool) and converts the result.
A run must end in a conversion or a clean rejection (:class:`Rejection`),
within a time bound; anything else is counted as unexpected and printed
with the run number, which ``--replay`` re-runs alone.

    python benchmarks/fuzz_driver.py [--runs N] [--seed S] [--suite DIR ...]
                                     [--time-limit SECONDS] [--replay RUN]
                                     [--no-memory] [--save DIR]

Without ``--suite`` the project's own suite is used, plus the libvirt 1.3.1
corpus when ``../shared`` exists.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import functools
import random
import re
import shlex
import signal
import statistics
import sys
import threading
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from lxml import etree

from harness import CapsLibrary, Mode, Rejection, Suite, SuiteError, prepare
from harness.protocol import Capabilities, Driver
from harness.suite import StatusWrap

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared/corpus/libvirt-1.3.1"

HUGE_NUMBERS = (
    "0", "-1", "1", "-0", "+7", " 3 ", "077", "0x10", "0xffffffffffffffff", "1.5", "1e9",
    "2147483647", "2147483648", "-2147483649", "4294967295", "4294967296",
    "9223372036854775807", "9223372036854775808", "18446744073709551615",
    "18446744073709551616", "99999999999999999999999", "2000000000", "65535", "65536",
    "1023", "1024", "4096", "4097", "255", "256", "-99999999999999999999", "9" * 400,
)
HOSTILE_STRINGS = (
    "", " ", "\t", "a", "A" * 70_000, "é中\U0001f600", "../../../../etc/passwd", "a,b=c",
    "x,,y", "=", ",", "-", "^", "0-", "-0", "0-4294967295", "0-1023", "0-1023,^5",
    "1-4,8-20,525", "^0", "0,0,0", "0:0:0.0", "0x0:0x0:0x1f.0x7", "%s%n", "'\"", "\\",
    "none", "on", "off", "yes", "no", "default", "auto", "static",
)
HOSTILE_CHARS = "<>&'\"\x00\x01\n\t ,=:;-^0123456789aZé中\U0001f600\\/"
MAX_DUPLICATES = 300
# Values that look like numbers, number lists or ranges.
_NUMERIC = re.compile(r"\s*[+-]?(0x)?[0-9a-fA-F]*[0-9][0-9a-fA-F,^-]*\s*$")
MAX_NESTING = 200  # libxml2 refuses documents deeper than 256


class Hang(BaseException):
    """A run went over the time bound (a BaseException: the driver's own
    ``except Exception`` must not swallow it)."""


@dataclass(frozen=True)
class Seed:
    """One suite input, with what is needed to convert it."""

    label: str
    mode: Mode
    text: str
    caps: Capabilities
    active: bool = False
    status: StatusWrap | None = None


@dataclass
class Pools:
    """Material harvested from every input, to graft into others."""

    attr_values: dict[str, list[str]] = field(default_factory=dict)
    elements: dict[str, list[etree._Element]] = field(default_factory=dict)
    children: dict[str, list[etree._Element]] = field(default_factory=dict)  # by parent tag
    options: list[tuple[str, str | None]] = field(default_factory=list)
    option_fields: dict[str, list[str]] = field(default_factory=dict)

    def harvest_xml(self, root: etree._Element) -> None:
        for el in root.iter(etree.Element):  # elements only, no comments
            for name, value in el.attrib.items():
                self.attr_values.setdefault(str(name), []).append(str(value))
            if el is not root:
                self.elements.setdefault(str(el.tag), []).append(el)
            for sub in el.iterchildren(etree.Element):
                self.children.setdefault(str(el.tag), []).append(sub)

    def harvest_argv(self, words: Sequence[str]) -> None:
        for i, word in enumerate(words):
            if not word.startswith("-"):
                continue
            value = words[i + 1] if i + 1 < len(words) and not words[i + 1].startswith("-") \
                else None
            self.options.append((word, value))
            if value is not None:
                self.option_fields.setdefault(word, []).extend(value.split(","))


@dataclass
class Corpus:
    seeds: list[Seed]
    pools: Pools


def default_suites() -> list[Path]:
    suites = [REPO]
    if CORPUS.is_dir():
        suites.append(CORPUS)
    return suites


def load_corpus(suite_dirs: Sequence[Path]) -> Corpus:
    """Every convertible input of the suites, once per (input, caps, mode)."""
    seeds: list[Seed] = []
    pools = Pools()
    seen: set[tuple[object, ...]] = set()
    for root in suite_dirs:
        suite = Suite(root.resolve(), root.name)
        library = CapsLibrary(suite.caps_dir)
        for manifest in suite.manifests():
            for case in manifest.cases:
                key = (manifest.mode, case.input, case.caps, case.flags, case.unflags,
                       case.active, case.status is not None)
                if case.input is None or key in seen:
                    continue
                seen.add(key)
                try:
                    prepared = prepare(case, library)
                except SuiteError:
                    continue
                seeds.append(Seed(f"{suite.name}::{case.test_name}", manifest.mode,
                                  prepared.text, prepared.caps, case.active, case.status))
                _harvest(pools, manifest.mode, prepared.text)
    if not seeds:
        raise SystemExit("fuzz_driver: no inputs found in " + ", ".join(map(str, suite_dirs)))
    return Corpus(seeds, pools)


def _harvest(pools: Pools, mode: Mode, text: str) -> None:
    """Inputs that do not parse (rejection cases) give nothing to graft."""
    if mode is Mode.ARGV2XML:
        with contextlib.suppress(ValueError):
            pools.harvest_argv(shlex.split(text))
        return
    with contextlib.suppress(etree.XMLSyntaxError):
        pools.harvest_xml(etree.fromstring(text.encode()))


# --- mutations ---------------------------------------------------------------

def hostile_value(rng: random.Random, pools: Pools, name: str | None = None,
                  old: str | None = None) -> str:
    """A value likely to hurt: a huge or negative number, a long string, a
    value another input gives the same attribute, or the old one bent."""
    numeric = old is not None and _NUMERIC.match(old) is not None
    pick = rng.random()
    if pick < (0.6 if numeric else 0.25):
        return rng.choice(HUGE_NUMBERS)
    if pick < 0.7 and name is not None and pools.attr_values.get(name):
        return rng.choice(pools.attr_values[name])
    if pick < 0.8:
        return rng.choice(HOSTILE_STRINGS)
    if old and re.search(r"\d", old):
        return re.sub(r"\d+", lambda _: rng.choice(HUGE_NUMBERS).strip(), old, count=1)
    if old:
        return old * rng.choice((2, 50, 5000))
    return rng.choice(HUGE_NUMBERS + HOSTILE_STRINGS)


def _flip(rng: random.Random, text: str, _pools: Pools) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 4)):
        if chars:
            chars[rng.randrange(len(chars))] = rng.choice(HOSTILE_CHARS)
    return "".join(chars)


def _truncate(rng: random.Random, text: str, _pools: Pools) -> str:
    return text[: rng.randrange(len(text) + 1)]


def _splice(rng: random.Random, text: str, _pools: Pools) -> str:
    """Copy or cut a random span of the text."""
    a = rng.randrange(len(text) + 1)
    b = min(len(text), a + rng.randint(1, 200))
    if rng.random() < 0.5:
        return text[:a] + text[b:]
    at = rng.randrange(len(text) + 1)
    return text[:at] + text[a:b] * rng.randint(1, 3) + text[at:]


def _duplicate_attribute_text(rng: random.Random, text: str, _pools: Pools) -> str:
    found = list(re.finditer(r"""\s[\w:-]+=('[^']*'|"[^"]*")""", text))
    if not found:
        return text
    m = rng.choice(found)
    return text[: m.end()] + m.group(0) + text[m.end():]


TextMutation = Callable[[random.Random, str, Pools], str]
TreeMutation = Callable[[random.Random, etree._Element, Pools], None]


def _random_element(rng: random.Random, root: etree._Element,
                    keep_root: bool = True) -> etree._Element | None:
    nodes = [el for el in root.iter(etree.Element) if el is not root]
    if not nodes:
        return None if keep_root else root
    return rng.choice(nodes)


def _delete_element(rng: random.Random, root: etree._Element, _pools: Pools) -> None:
    el = _random_element(rng, root)
    if el is not None and el.getparent() is not None:
        el.getparent().remove(el)  # type: ignore[union-attr]


def _duplicate_element(rng: random.Random, root: etree._Element, _pools: Pools) -> None:
    el = _random_element(rng, root)
    if el is None or el.getparent() is None:
        return
    count = rng.choice((1, 1, 2, 5, MAX_DUPLICATES))
    for _ in range(count):
        el.addnext(copy.deepcopy(el))


def _graft_element(rng: random.Random, root: etree._Element, pools: Pools) -> None:
    """Put an element of another input beside one of the same tag, or in
    place of it."""
    el = _random_element(rng, root)
    if el is None or el.getparent() is None or not pools.elements.get(str(el.tag)):
        return
    other = copy.deepcopy(rng.choice(pools.elements[str(el.tag)]))
    if rng.random() < 0.5:
        el.getparent().replace(el, other)  # type: ignore[union-attr]
    else:
        el.addnext(other)


def _adopt_element(rng: random.Random, root: etree._Element, pools: Pools) -> None:
    """Give an element a child another input has under the same tag (a
    device, a tuning block...), bringing in parts this input lacks."""
    nodes = [el for el in root.iter(etree.Element) if pools.children.get(str(el.tag))]
    if nodes:
        el = rng.choice(nodes)
        el.append(copy.deepcopy(rng.choice(pools.children[str(el.tag)])))


def _delete_attribute(rng: random.Random, root: etree._Element, _pools: Pools) -> None:
    nodes = [el for el in root.iter(etree.Element) if el.attrib]
    if nodes:
        el = rng.choice(nodes)
        del el.attrib[rng.choice(list(el.attrib))]


def _set_attribute(rng: random.Random, root: etree._Element, pools: Pools) -> None:
    """Give an attribute a hostile value; numbers (which size loops and
    tables) are picked more often than other values."""
    pairs = [(el, str(name)) for el in root.iter(etree.Element)
             for name in el.attrib]
    numeric = [(el, name) for el, name in pairs if _NUMERIC.match(el.get(name) or "")]
    if numeric and rng.random() < 0.6:
        el, name = rng.choice(numeric)
    elif pairs and rng.random() < 0.8:
        el, name = rng.choice(pairs)
    else:
        chosen = _random_element(rng, root, keep_root=False)
        if chosen is None or not pools.attr_values:
            return
        el, name = chosen, rng.choice(sorted(pools.attr_values))
    el.set(name, _xml_safe(hostile_value(rng, pools, name, el.get(name))))


def _set_text(rng: random.Random, root: etree._Element, pools: Pools) -> None:
    leaves = [el for el in root.iter(etree.Element) if len(el) == 0]
    numeric = [el for el in leaves if _NUMERIC.match(el.text or "")]
    if numeric and rng.random() < 0.6:
        el = rng.choice(numeric)
    elif leaves:
        el = rng.choice(leaves)
    else:
        return
    el.text = _xml_safe(hostile_value(rng, pools, None, el.text))


def _nest(rng: random.Random, root: etree._Element, _pools: Pools) -> None:
    """Wrap an element in many copies of its own tag, or hang a deep chain
    of elements under it."""
    el = _random_element(rng, root)
    if el is None or el.getparent() is None:
        return
    depth = rng.choice((2, 10, 100, MAX_NESTING))
    if rng.random() < 0.5:
        inner = el
        for _ in range(depth):
            wrapper = etree.Element(el.tag, {str(k): str(v) for k, v in el.attrib.items()})
            inner.getparent().replace(inner, wrapper)  # type: ignore[union-attr]
            wrapper.append(inner)
            inner = wrapper
    else:
        tip = el
        for _ in range(depth):
            tip = etree.SubElement(tip, el.tag)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")


def _xml_safe(value: str) -> str:
    """lxml refuses control characters in attributes and text."""
    return _CONTROL.sub("", value)


TEXT_MUTATIONS: tuple[TextMutation, ...] = (_flip, _truncate, _splice, _duplicate_attribute_text)
TREE_MUTATIONS: tuple[TreeMutation, ...] = (
    _delete_element, _duplicate_element, _graft_element, _adopt_element, _adopt_element,
    _delete_attribute,
    _set_attribute, _set_attribute, _set_text, _set_text, _nest,
)


def mutate_xml(rng: random.Random, text: str, pools: Pools) -> tuple[str, list[str]]:
    """Mostly changes to the tree (a document that still parses reaches
    the driver's checks); sometimes a change to the raw text."""
    if rng.random() < 0.15:
        text_mutation = rng.choice(TEXT_MUTATIONS)
        return text_mutation(rng, text, pools), [text_mutation.__name__.lstrip("_")]
    try:
        root = etree.fromstring(text.encode())
    except (etree.XMLSyntaxError, ValueError):
        return _flip(rng, text, pools), ["flip"]
    steps: list[str] = []
    for _ in range(rng.randint(1, 3)):
        tree_mutation = rng.choice(TREE_MUTATIONS)
        tree_mutation(rng, root, pools)
        steps.append(tree_mutation.__name__.lstrip("_"))
    return etree.tostring(root, encoding="unicode"), steps


def _option_spans(words: list[str]) -> list[tuple[int, int]]:
    """(start, end) of each option with its value, if it has one."""
    spans = []
    for i, word in enumerate(words):
        if word.startswith("-"):
            end = i + 2 if i + 1 < len(words) and not words[i + 1].startswith("-") else i + 1
            spans.append((i, end))
    return spans


def _mutate_field(rng: random.Random, option: str, value: str, pools: Pools) -> str:
    parts = value.split(",")
    i = rng.randrange(len(parts))
    pick = rng.random()
    if pick < 0.15:
        del parts[i]
    elif pick < 0.3:
        parts.insert(i, parts[i])
    elif pick < 0.45 and pools.option_fields.get(option):
        parts.insert(i, rng.choice(pools.option_fields[option]))
    else:
        key, eq, old = parts[i].partition("=")
        if eq:
            parts[i] = f"{key}={hostile_value(rng, pools, key, old)}"
        else:
            parts[i] = hostile_value(rng, pools, None, key)
    return ",".join(parts)


@functools.lru_cache(maxsize=4096)
def _split(text: str) -> tuple[str, ...]:
    """Shell words of a command line (none if its quoting is broken);
    cached, as the same inputs come back run after run."""
    try:
        return tuple(shlex.split(text))
    except ValueError:
        return ()


def mutate_argv(rng: random.Random, text: str, pools: Pools) -> tuple[str, list[str]]:
    steps: list[str] = []
    for _ in range(rng.randint(1, 3)):
        words = list(_split(text))
        spans = _option_spans(words)
        pick = rng.random()
        if not spans or pick < 0.15:
            text_mutation = rng.choice(TEXT_MUTATIONS)
            text = text_mutation(rng, text, pools)
            steps.append(text_mutation.__name__.lstrip("_"))
            continue
        start, end = rng.choice(spans)
        if pick < 0.25:
            del words[start:end]
            steps.append("delete_option")
        elif pick < 0.35:
            words[end:end] = words[start:end] * rng.choice((1, 2, 50))
            steps.append("duplicate_option")
        elif pick < 0.7 and end - start == 2:
            words[start + 1] = _mutate_field(rng, words[start], words[start + 1], pools)
            steps.append("mutate_value")
        elif pools.options:
            option, value = rng.choice(pools.options)
            added = [option] if value is None else [option, value]
            if value is not None and rng.random() < 0.5:
                added[1] = _mutate_field(rng, option, value, pools)
            words[start:start] = added
            steps.append("insert_option")
        text = shlex.join(words)
    return text, steps


# --- running -----------------------------------------------------------------

@dataclass(frozen=True)
class RunResult:
    run: int
    seed: str
    mode: Mode
    steps: tuple[str, ...]
    outcome: str  # "converted", a rejection class name, or "unexpected"
    seconds: float
    cpu_seconds: float  # unlike ``seconds``, not stretched by a busy machine
    peak_bytes: int
    text: str
    error: str = ""


def _on_alarm(_signum: int, _frame: FrameType | None) -> None:
    raise Hang


def _innermost(exc: BaseException) -> str:
    frames = [f for f in _frames(exc) if "/qemudrv/" in f[0]] or _frames(exc)
    if not frames:
        return ""
    filename, line, name = frames[-1]
    return f" at {Path(filename).name}:{line} in {name}"


def _frames(exc: BaseException) -> list[tuple[str, int, str]]:
    out = []
    tb = exc.__traceback__
    while tb is not None:
        out.append((tb.tb_frame.f_code.co_filename, tb.tb_lineno, tb.tb_frame.f_code.co_name))
        tb = tb.tb_next
    return out


def convert(driver: Driver, seed: Seed, mode: Mode, text: str, status: bool) -> None:
    if mode is Mode.ARGV2XML:
        driver.argv_to_xml(text, seed.caps)
    elif mode is Mode.XML2ARGV:
        driver.xml_to_argv(text, seed.caps)
    elif status and seed.status is not None:
        driver.xml_to_xml(seed.status.apply(text), seed.caps, active=True, status=True)
    else:
        driver.xml_to_xml(text, seed.caps, active=seed.active)


def fuzz_one(driver: Driver, corpus: Corpus, seed_value: int, run: int,
             time_limit: float, memory: bool) -> RunResult:
    """Run number ``run`` of the fuzz with ``seed_value``: deterministic, so
    a failing run can be replayed alone."""
    rng = random.Random(seed_value * 1_000_003 + run)
    seed = rng.choice(corpus.seeds)
    mode = seed.mode
    if mode is not Mode.ARGV2XML and rng.random() < 0.3:
        mode = Mode.XML2XML if mode is Mode.XML2ARGV else Mode.XML2ARGV
    status = seed.status is not None and rng.random() < 0.3
    if mode is Mode.ARGV2XML:
        text, steps = mutate_argv(rng, seed.text, corpus.pools)
    else:
        text, steps = mutate_xml(rng, seed.text, corpus.pools)
    # Signals reach the main thread only; elsewhere a hang is not cut off.
    use_alarm = (hasattr(signal, "setitimer") and time_limit > 0
                 and threading.current_thread() is threading.main_thread())
    if use_alarm:
        previous = signal.signal(signal.SIGALRM, _on_alarm)
    if memory:
        tracemalloc.reset_peak()
    error = ""
    start, cpu_start = time.perf_counter(), time.process_time()
    try:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, time_limit)
        convert(driver, seed, mode, text, status)
        outcome = "converted"
    except Rejection as exc:
        outcome = type(exc).__name__
    except Hang:
        outcome, error = "unexpected", f"no answer within {time_limit} s"
    except RecursionError as exc:  # an Exception, but never a clean answer
        outcome, error = "unexpected", f"RecursionError: {exc}{_innermost(exc)}"
    except Exception as exc:
        outcome = "unexpected"
        error = f"{type(exc).__name__}: {str(exc)[:200]}{_innermost(exc)}"
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    peak = tracemalloc.get_traced_memory()[1] if memory else 0
    return RunResult(run, seed.label, mode, tuple(steps), outcome, seconds, cpu_seconds, peak,
                     text, error)


def fuzz(driver: Driver, corpus: Corpus, runs: int, seed_value: int, *,
         time_limit: float = 5.0, memory: bool = True,
         first: int = 0) -> Iterator[RunResult]:
    if memory:
        tracemalloc.start()
    try:
        for run in range(first, first + runs):
            yield fuzz_one(driver, corpus, seed_value, run, time_limit, memory)
    finally:
        if memory:
            tracemalloc.stop()


@dataclass
class Summary:
    runs: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    unexpected: list[RunResult] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    slowest: RunResult | None = None
    most_cpu: RunResult | None = None
    peak: RunResult | None = None

    def add(self, result: RunResult) -> None:
        self.runs += 1
        self.outcomes[result.outcome] += 1
        self.times.append(result.seconds)
        if result.outcome == "unexpected":
            self.unexpected.append(result)
        if self.slowest is None or result.seconds > self.slowest.seconds:
            self.slowest = result
        if self.most_cpu is None or result.cpu_seconds > self.most_cpu.cpu_seconds:
            self.most_cpu = result
        if self.peak is None or result.peak_bytes > self.peak.peak_bytes:
            self.peak = result

    def report(self) -> str:
        rejections = sum(n for k, n in self.outcomes.items()
                         if k not in ("converted", "unexpected"))
        lines = [
            f"runs: {self.runs}",
            f"conversions: {self.outcomes['converted']}",
            f"rejections: {rejections} ("
            + ", ".join(f"{k} {n}" for k, n in sorted(self.outcomes.items())
                        if k not in ("converted", "unexpected")) + ")",
            f"unexpected exceptions: {len(self.unexpected)}",
        ]
        if self.times:
            lines.append(f"median time: {statistics.median(self.times) * 1e3:.2f} ms")
        if self.slowest is not None:
            s = self.slowest
            lines.append(f"slowest run: {s.seconds * 1e3:.1f} ms (run {s.run}, {s.seed}, "
                         f"{s.mode}, {'+'.join(s.steps)})")
        if self.most_cpu is not None:
            c = self.most_cpu
            lines.append(f"most CPU time in a run: {c.cpu_seconds * 1e3:.1f} ms (run {c.run}, "
                         f"{c.seed}, {c.mode}, {'+'.join(c.steps)})")
        if self.peak is not None and self.peak.peak_bytes:
            p = self.peak
            lines.append(f"peak memory: {p.peak_bytes / 2**20:.1f} MiB (run {p.run}, {p.seed})")
        groups: dict[str, list[RunResult]] = {}
        for result in self.unexpected:
            groups.setdefault(result.error, []).append(result)
        for error, results in sorted(groups.items(), key=lambda kv: -len(kv[1])):
            first = results[0]
            lines.append(f"  {len(results)}x {error} (e.g. run {first.run}, {first.seed}, "
                         f"{first.mode}, {'+'.join(first.steps)})")
        return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--suite", type=Path, action="append",
                        help="suite directory (repeatable); default: own suite and corpus")
    parser.add_argument("--time-limit", type=float, default=5.0,
                        help="seconds before a run counts as hung")
    parser.add_argument("--no-memory", dest="memory", action="store_false",
                        help="do not trace allocations (faster; no peak memory)")
    parser.add_argument("--replay", type=int, metavar="RUN",
                        help="re-run one run and print its input and outcome")
    parser.add_argument("--save", type=Path, metavar="DIR",
                        help="write the input of every unexpected run into DIR")
    args = parser.parse_args(argv)
    from qemudrv import driver

    corpus = load_corpus(args.suite or default_suites())
    if args.replay is not None:
        for result in fuzz(driver, corpus, 1, args.seed, time_limit=args.time_limit,
                           memory=args.memory, first=args.replay):
            print(result.text)
            print(f"--- run {result.run}: {result.seed} {result.mode} "
                  f"{'+'.join(result.steps)}: {result.outcome} {result.error}", file=sys.stderr)
        return 0
    print(f"{len(corpus.seeds)} inputs; seed {args.seed}", file=sys.stderr)
    summary = Summary()
    for result in fuzz(driver, corpus, args.runs, args.seed, time_limit=args.time_limit,
                       memory=args.memory):
        summary.add(result)
        if result.outcome == "unexpected" and args.save is not None:
            args.save.mkdir(parents=True, exist_ok=True)
            suffix = ".args" if result.mode is Mode.ARGV2XML else ".xml"
            (args.save / f"run-{result.run}{suffix}").write_text(result.text)
    print(summary.report())
    return 1 if summary.unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
