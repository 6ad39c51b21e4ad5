"""One self-contained HTML page for one or more conformance reports.

``hvharness report A.json [B.json ...] --html OUT.html`` writes it: the runs
and where they came from, a pass-rate matrix (suite and mode by report), the
comparison of the first report with the last when there are several, and the
failing cases grouped by mode, expectation and the first option or element
their diff touches, each diff folded in a ``<details>`` element.

The page loads nothing: its style is inline and it has no script, so it
opens from a CI artefact or a mail attachment as it is, and stays quick for
thousands of cases (folded diffs are not laid out until opened).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Any

from .report_compare import CaseChange, ReportComparison, compare_reports, iter_cases

__all__ = ["first_difference", "render_html"]

# Groups this small are shown open; larger ones fold to their headline.
_OPEN_GROUP_MAX = 10
_REASON_MAX = 160
_PLURAL = {"error": "errors"}

_STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:1.5em 2em;
color:#1d2329;background:#fff}
h1{font-size:1.5em;margin:0 0 .3em}h2{font-size:1.2em;margin:1.6em 0 .5em;
border-bottom:1px solid #d5dbe1;padding-bottom:.2em}h3{font-size:1.05em;margin:1.2em 0 .4em}
table{border-collapse:collapse;margin:.4em 0}th,td{padding:.25em .7em;border:1px solid #d5dbe1;
text-align:left;vertical-align:top}th{background:#f2f4f6;font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.rate{display:flex;align-items:center;gap:.5em;min-width:11em}
.bar{flex:1;height:.55em;background:#e6e9ec;border-radius:3px;overflow:hidden;min-width:4em}
.bar>span{display:block;height:100%}
.muted{color:#66707a}.small{font-size:.86em}code{font:.92em ui-monospace,Menlo,monospace}
details{margin:.15em 0}summary{cursor:pointer}
details.group{border:1px solid #d5dbe1;border-radius:4px;margin:.35em 0;padding:.2em .6em}
details.group>summary{font-weight:600}
details.case{margin-left:1em}details.case>summary{font-weight:normal}
pre{background:#f6f8fa;border:1px solid #e1e5e9;padding:.6em;overflow:auto;max-height:32em;
font:12.5px/1.35 ui-monospace,Menlo,monospace;margin:.3em 0 .6em}
.del{color:#b31d28;background:#ffeef0;display:block}.add{color:#22863a;background:#f0fff4;
display:block}.hunk{color:#6f42c1;display:block}
.tag{display:inline-block;padding:0 .45em;border-radius:3px;font-size:.85em;font-weight:600}
.failed{background:#ffe3e3;color:#a00}.error{background:#ffe9cc;color:#8a4b00}
.skipped{background:#eceff1;color:#555}.passed{background:#dcf5e3;color:#176b2c}
.regressed{background:#ffe3e3;color:#a00}.fixed{background:#dcf5e3;color:#176b2c}
.changed,.appeared,.vanished{background:#eceff1;color:#444}
"""


def render_html(reports: Sequence[tuple[str, Mapping[str, Any]]]) -> str:
    """The page for *reports*: ``(label, loaded report)`` pairs, oldest first."""
    title = "Conformance report" + (f": {reports[-1][0]}" if len(reports) == 1 else "s")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        *_runs(reports),
        *_matrix(reports),
    ]
    if len(reports) >= 2:
        (old_label, old), (new_label, new) = reports[0], reports[-1]
        parts += _comparison(compare_reports(old, new), old_label, new_label)
    for label, data in reports:
        parts += _failures(label if len(reports) > 1 else "", data)
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _runs(reports: Sequence[tuple[str, Mapping[str, Any]]]) -> list[str]:
    rows: list[tuple[str, Any]] = [
        ("driver", lambda d: d.get("driver")),
        ("driver version", lambda d: d.get("driver_version")),
        ("against", lambda d: d.get("against")),
        ("harness version", lambda d: d.get("harness_version")),
        ("date", lambda d: d.get("date")),
        ("suites", lambda d: ", ".join(
            f"{name} ({_short_hash((d.get('suite_hashes') or {}).get(name))})"
            for name in d["suites"])),
        ("report format", lambda d: d.get("format")),
    ]
    out = ["<table>", "<tr><th></th>" + "".join(f"<th>{escape(label)}</th>"
                                                for label, _ in reports) + "</tr>"]
    for name, get in rows:
        values = [get(data) for _, data in reports]
        if all(v is None for v in values):
            continue
        out.append(f"<tr><th>{name}</th>" + "".join(
            f"<td>{escape(str(v)) if v is not None else '<span class=muted>-</span>'}</td>"
            for v in values) + "</tr>")
    out.append("</table>")
    return out


def _short_hash(value: Any) -> str:
    if not isinstance(value, str):
        return "no hash"
    return value.split(":", 1)[-1][:12]


def _matrix(reports: Sequence[tuple[str, Mapping[str, Any]]]) -> list[str]:
    keys: list[tuple[str, str]] = []
    for _, data in reports:
        for suite, entry in data["suites"].items():
            keys += [(suite, mode) for mode in entry["modes"] if (suite, mode) not in keys]
    out = ["<h2>Pass rates</h2>", "<table>",
           "<tr><th>suite</th><th>mode</th>"
           + "".join(f"<th>{escape(label)}</th>" for label, _ in reports) + "</tr>"]
    for suite, mode in keys:
        cells = []
        for _, data in reports:
            m = data["suites"].get(suite, {}).get("modes", {}).get(mode)
            cells.append(_rate_cell(m) if m is not None
                         else "<td class=muted>not run</td>")
        out.append(f"<tr><td>{escape(suite)}</td><td>{escape(mode)}</td>{''.join(cells)}</tr>")
    out.append("</table>")
    return out


def _rate_cell(m: Mapping[str, Any]) -> str:
    cases = m.get("cases", [])
    total = len(cases)
    passed = sum(1 for c in cases if c["outcome"] == "passed")
    if not total:
        return "<td class=muted>no case ran</td>"
    pct = 100.0 * passed / total
    # Red at 0 %, green at 100 %.
    colour = f"hsl({round(pct * 1.2)},62%,45%)"
    counts = {o: sum(1 for c in cases if c["outcome"] == o) for o in ("failed", "error", "skipped")}
    extra = ", ".join(f"{n} {_PLURAL.get(o, o) if n > 1 else o}" for o, n in counts.items() if n)
    declared = m.get("declared", total)
    of = f" (of {declared} declared)" if isinstance(declared, int) and declared != total else ""
    return (f'<td><div class=rate><span class=num><b>{pct:.1f}%</b> {passed}/{total}{of}</span>'
            f'<span class=bar><span style="width:{pct:.1f}%;background:{colour}"></span></span>'
            f"</div>" + (f'<div class="small muted">{escape(extra)}</div>' if extra else "")
            + "</td>")


def _comparison(result: ReportComparison, old_label: str, new_label: str) -> list[str]:
    out = [f"<h2>Changes from {escape(old_label)} to {escape(new_label)}</h2>"]
    counts = " ".join(f'<span class="tag {k}">{len(result.of(k))} {k}</span>'
                      for k in ReportComparison.KINDS)
    out.append(f"<p>{counts}</p>")
    for suite in result.suites_changed:
        out.append(f"<p class=muted>Suite {escape(suite)} differs between the two runs "
                   "(its content hash): the changes may come from the suite, not the driver.</p>")
    grouped = result.by_suite_mode()
    if not grouped:
        out.append("<p>No case changed.</p>")
    for (suite, mode), per in grouped.items():
        out.append(f"<h3>{escape(suite)} · {escape(mode)}</h3>")
        for kind in ReportComparison.KINDS:
            if per[kind]:
                out += _change_group(kind, per[kind])
    return out


def _change_group(kind: str, changes: list[CaseChange]) -> list[str]:
    opened = " open" if kind == "regressed" or len(changes) <= _OPEN_GROUP_MAX else ""
    out = [f'<details class=group{opened}><summary><span class="tag {kind}">{kind}</span> '
           f"{len(changes)} case{'s' if len(changes) != 1 else ''}</summary><ul>"]
    for change in changes:
        reason = f' <span class="small muted">{escape(_cut(change.reason))}</span>' \
            if change.reason and change.new != "passed" else ""
        out.append(f"<li><code>{escape(change.case)}</code> {change.old or '-'} → "
                   f"{change.new or '-'}{reason}</li>")
    out.append("</ul></details>")
    return out


def _failures(label: str, data: Mapping[str, Any]) -> list[str]:
    failing = [(s, m, c) for s, m, c in iter_cases(data) if c["outcome"] != "passed"]
    heading = "Cases that did not pass" + (f" in {label}" if label else "")
    out = [f"<h2>{escape(heading)} ({len(failing)})</h2>"]
    if not failing:
        return [*out, "<p>Every case passed.</p>"]
    groups: dict[tuple[str, str, str, str], list[Mapping[str, Any]]] = {}
    for suite, mode, case in failing:
        key = (suite, mode, str(case.get("expect", "?")), _group_key(case))
        groups.setdefault(key, []).append(case)
    by_suite_mode: dict[tuple[str, str], list[tuple[str, str, list[Mapping[str, Any]]]]] = {}
    for (suite, mode, expect, where), cases in groups.items():
        by_suite_mode.setdefault((suite, mode), []).append((expect, where, cases))
    for (suite, mode), entries in by_suite_mode.items():
        total = sum(len(cases) for _, _, cases in entries)
        out.append(f"<h3>{escape(suite)} · {escape(mode)} ({total})</h3>")
        for expect, where, cases in sorted(entries, key=lambda e: (-len(e[2]), e[0], e[1])):
            opened = " open" if len(cases) <= _OPEN_GROUP_MAX else ""
            out.append(f"<details class=group{opened}><summary>expect {escape(expect)} · "
                       f"{escape(where)} <span class=muted>({len(cases)} "
                       f"case{'s' if len(cases) != 1 else ''})</span></summary>")
            # An open group shows its first diff: the shape of the problem at a glance.
            out += [_case(c, opened=bool(opened) and i == 0) for i, c in enumerate(cases)]
            out.append("</details>")
    return out


def _case(case: Mapping[str, Any], *, opened: bool = False) -> str:
    outcome = str(case["outcome"])
    caps = case.get("caps")
    check = case.get("check")
    meta = [f"caps <code>{escape(str(caps))}</code>"] if caps else []
    if isinstance(check, Mapping):
        checker, status = escape(str(check.get("checker"))), escape(str(check.get("status")))
        meta.append(f"check {checker}: {status}")
    body = str(case.get("details") or case.get("reason") or "")
    return (f'<details class=case{" open" if opened else ""}>'
            f'<summary><code>{escape(str(case["case"]))}</code> '
            f'<span class="tag {escape(outcome)}">{escape(outcome)}</span> '
            f'<span class="small muted">{escape(_cut(str(case.get("reason", ""))))}</span>'
            f"</summary>"
            + (f'<div class="small muted">{" · ".join(meta)}</div>' if meta else "")
            + f"<pre>{_diff_html(body)}</pre></details>")


def _diff_html(text: str) -> str:
    lines = []
    for line in text.splitlines():
        if line.startswith(("+++ ", "--- ")):
            lines.append(escape(line))
        elif line.startswith("@@"):
            lines.append(f"<span class=hunk>{escape(line)}</span>")
        elif line.startswith("-"):
            lines.append(f"<span class=del>{escape(line)}</span>")
        elif line.startswith("+"):
            lines.append(f"<span class=add>{escape(line)}</span>")
        else:
            lines.append(escape(line))
    # The del/add spans are blocks: they end their own line.
    return "".join(s if s.startswith("<span class=") else s + "\n" for s in lines)


def _cut(text: str) -> str:
    return text if len(text) <= _REASON_MAX else text[:_REASON_MAX - 1] + "…"


def _group_key(case: Mapping[str, Any]) -> str:
    where = first_difference(str(case.get("details") or ""))
    if where is not None:
        return where
    reason = str(case.get("reason") or case["outcome"])
    raised = re.search(r"raised (?:an unexpected exception: )?([A-Za-z_][\w.]*)", reason)
    if raised:
        return f"raised {raised.group(1)}"
    # The kind of problem, without the file names that make every case unique.
    head = reason.split(":", 1)[0]
    return re.sub(r"\S*/\S*", "…", head)[:80]


def first_difference(details: str) -> str | None:
    """The first option (``-device``) or element (``<disk>``) a diff changes.

    A line that is only re-terminated (the wrapped command line's trailing
    backslash moves when its last option goes) does not count, and a changed
    continuation line counts for the option or element it continues.
    """
    for hunk in _hunks(details):
        gone = {_normalise(text) for side, text in hunk if side == "-"}
        came = {_normalise(text) for side, text in hunk if side == "+"}
        for i, (side, text) in enumerate(hunk):
            norm = _normalise(text)
            if side == " " or not norm or (norm in gone) == (norm in came):
                continue
            # The lines this one's side of the diff shows before it.
            before = [_normalise(t) for s, t in hunk[:i] if s in (" ", side)]
            for line in [norm, *reversed(before)]:
                if line.startswith(("-", "<")):
                    return _name_of(line)
            return _name_of(norm)
    return None


def _hunks(details: str) -> Iterable[list[tuple[str, str]]]:
    """Each hunk of the unified diffs in *details*: ``(" "|"-"|"+", text)`` lines."""
    hunk: list[tuple[str, str]] = []
    in_hunk = False
    for line in details.splitlines():
        if line.startswith("@@"):
            if hunk:
                yield hunk
            hunk, in_hunk = [], True
        elif in_hunk and line[:1] in (" ", "-", "+"):
            hunk.append((line[0], line[1:]))
        else:
            in_hunk = False  # the diff's text is over
    if hunk:
        yield hunk


def _normalise(line: str) -> str:
    return line.strip().removesuffix("\\").rstrip()


def _name_of(line: str) -> str:
    element = re.match(r"</?([A-Za-z_][\w:.-]*)", line)
    if element:
        return f"<{element.group(1)}>"
    return line.split(None, 1)[0][:40]
