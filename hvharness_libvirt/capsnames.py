"""libvirt's names of QEMU capability flags.

``src/qemu/qemu_capabilities.h`` lists the flags (``QEMU_CAPS_*``, retired
ones as ``X_QEMU_CAPS_*``) in an enum; ``VIR_ENUM_IMPL(virQEMUCaps, ...)`` in
``qemu_capabilities.c`` gives their names in the same order. The names are
what capability XML files and suites use (``QEMU_CAPS_KVM`` is ``kvm``).
"""

from __future__ import annotations

from pathlib import Path

from .csource import CSourceError, split_args, string_value, tokenize

__all__ = ["read_capability_names"]


def _enum_members(header: Path) -> list[str]:
    text = header.read_text(encoding="utf-8")
    tokens = tokenize(text, header)
    for i, tok in enumerate(tokens):
        if tok.text != "virQEMUCapsFlags" or i == 0 or tokens[i - 1].text != "}":
            continue
        depth, j = 0, i - 1
        while j >= 0:
            if tokens[j].text == "}":
                depth += 1
            elif tokens[j].text == "{":
                depth -= 1
                if depth == 0:
                    break
            j -= 1
        body = tokens[j + 1:i - 1]
        members: list[str] = []
        expect_name = True
        for t in body:
            if expect_name and t.kind == "ident":
                members.append(t.text)
                expect_name = False
            elif t.text == ",":
                expect_name = True
            elif t.text == "=":
                raise CSourceError(header, t.line, "an enum value with an explicit number")
        return members
    raise CSourceError(header, 1, "no 'typedef enum { ... } virQEMUCapsFlags'")


def _enum_strings(source: Path) -> list[str]:
    tokens = tokenize(source.read_text(encoding="utf-8"), source)
    for i, tok in enumerate(tokens):
        if (tok.text == "VIR_ENUM_IMPL" and i + 2 < len(tokens)
                and tokens[i + 2].text == "virQEMUCaps"):
            args, _ = split_args(tokens, i + 1, source)
            names: list[str] = []
            for arg in args[2:]:
                if not arg:  # a trailing comma
                    continue
                value = string_value(arg)
                if value is None:
                    raise CSourceError(source, arg[0].line if arg else tok.line,
                                       "VIR_ENUM_IMPL(virQEMUCaps, ...) holds a non-string")
                names.append(value)
            return names
    raise CSourceError(source, 1, "no VIR_ENUM_IMPL(virQEMUCaps, ...)")


def read_capability_names(source_root: Path) -> dict[str, str]:
    """``{"QEMU_CAPS_KVM": "kvm", ...}`` for every flag, retired ones included."""
    header = source_root / "src" / "qemu" / "qemu_capabilities.h"
    impl = source_root / "src" / "qemu" / "qemu_capabilities.c"
    members = _enum_members(header)
    if not members or members[-1] != "QEMU_CAPS_LAST":
        raise CSourceError(header, 1, "virQEMUCapsFlags does not end with QEMU_CAPS_LAST")
    members = members[:-1]
    names = _enum_strings(impl)
    if len(names) != len(members):
        raise CSourceError(impl, 1, f"VIR_ENUM_IMPL(virQEMUCaps) has {len(names)} names for "
                           f"{len(members)} flags in {header.name}")
    return dict(zip(members, names, strict=True))


