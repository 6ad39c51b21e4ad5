"""A derived capability set as TOML text (written by hand: no extra dependency).

The layout is fixed and every list is sorted, so the same replies always
give the same bytes.
"""

from __future__ import annotations

import json

from .derive import Derived, Machine

__all__ = ["DEFAULT_EXTENDS", "render"]

# The project's fake host: fixed clock, paths and configuration, so command
# lines built with the set stay deterministic.
DEFAULT_EXTENDS = "hvh-host"

_WORDSIZE = {"aarch64": 64, "armv7l": 32, "arm": 32, "i386": 32, "i686": 32, "ppc": 32,
             "ppc64": 64, "ppc64le": 64, "riscv32": 32, "riscv64": 64, "s390x": 64,
             "x86_64": 64}  # fmt: skip
# libvirt names 32-bit x86 'i686' where QEMU says 'i386'.
_LIBVIRT_ARCH = {"i386": "i686", "arm": "armv7l"}


def _str(value: str) -> str:
    # A JSON string of printable text is a valid TOML basic string.
    return json.dumps(value, ensure_ascii=False)


def _machine(m: Machine) -> str:
    parts = [f"name = {_str(m.name)}"]
    if m.canonical:
        parts.append(f"canonical = {_str(m.canonical)}")
    parts.append(f"max_cpus = {m.max_cpus}")
    if m.deprecated:
        parts.append("deprecated = true")
    return "{ " + ", ".join(parts) + " }"


def render(derived: Derived, *, extends: str | None = DEFAULT_EXTENDS, replies_name: str) -> str:
    arch = _LIBVIRT_ARCH.get(derived.arch, derived.arch)
    width = max((len(_str(f)) for f, _ in derived.flags), default=0) + 1
    out: list[str] = [
        f"# QEMU {derived.version} ({derived.package or 'no package string'}), "
        f"target {derived.arch}, as its QMP monitor",
        "# describes itself. Written by `qemudrv-probe-caps`; do not edit by hand:",
        f"# re-derive with `qemudrv-probe-caps --from-replies caps/{replies_name}`.",
        "# Each flag's comment names the evidence (rules in qemudrv/probe/derive.py).",
    ]
    if extends:
        out += [
            f"# Host, driver configuration, environment and monitor come from {extends}.",
            f"extends = {_str(extends)}",
        ]
    out += ["", "flags = ["]
    for flag, why in derived.flags:
        out.append(f"  {(_str(flag) + ',').ljust(width)}  # {why}")
    out.append("]")
    if derived.absent:
        out += ["", "# Flags the driver knows that this emulator does not offer:"]
        out += [f"#   {flag}: {why}" for flag, why in derived.absent]
    if derived.unprobeable:
        out += ["", "# Unprobeable: asking about these cost the emulator its life (or got no"]
        out += ["# reply), so no rule saw their properties:"]
        out += [f"#   {what}: {why}" for what, why in derived.unprobeable]
    out += [
        "",
        "[emulator]",
        "# Where the set came from; the driver does not read this table.",
        f"version = {_str(derived.version)}",
        f"package = {_str(derived.package)}",
        f"arch = {_str(derived.arch)}",
        f"kvm = {'true' if derived.kvm else 'false'}",
        "",
        "[[guests]]",
        'os_type = "hvm"',
        f"arch = {_str(arch)}",
        f"wordsize = {_WORDSIZE.get(arch, 64)}",
        f"emulator = {_str('/usr/bin/qemu-system-' + derived.arch)}",
        "# The default machine first: the driver picks the first one.",
        "machines = [",
        *(f"  {_machine(m)}," for m in derived.machines),
        "]",
        'features = [{ name = "cpuselection", default_on = true, toggle = false }]',
        'domains = [{ type = "qemu" }' + (', { type = "kvm" }]' if derived.kvm else "]"),
        "",
        "[cpu]",
        "models = [",
        *(f"  {_str(m)}," for m in derived.cpu_models),
        "]",
    ]
    return "\n".join(out) + "\n"
