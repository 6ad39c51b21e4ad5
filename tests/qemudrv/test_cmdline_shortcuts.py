"""The shortcuts that keep the command line fast give the same answers as
the straightforward code they replace."""

from __future__ import annotations

import dataclasses
import json
from types import MappingProxyType
from typing import Any

from harness.protocol import Capabilities
from qemudrv.caps import RETIRED_BY_9_0, QemuCaps
from qemudrv.cmdline.command import CommandLine
from qemudrv.cmdline.modern.cpu import _copy_cpu
from qemudrv.cmdline.modern.props import to_json
from qemudrv.cmdline.quoting import env_assignment, shell_quote
from qemudrv.model.general import CPU, CPUFeature


def test_to_json_matches_a_compact_json_dumps() -> None:
    values: list[dict[str, Any]] = [
        {},
        {"driver": "virtio-blk-pci", "bus": "pci.0", "addr": "0x4", "bootindex": 1},
        {"a": True, "b": False, "c": None, "d": 1.5, "e": -3, "f": 2**70},
        {"nested": {"list": [1, "two", {"three": [None]}], "empty": []}},
        {"text": "quote \" backslash \\ tab \t newline \n nul \x00 é ✓ 😀"},
        {"float": 1e300, "small": 5e-324, "zero": 0.0},
    ]
    for props in values:
        assert to_json(props) == json.dumps(props, separators=(",", ":"), ensure_ascii=False)


def test_to_shell_quotes_like_shell_quote() -> None:
    args = ["", "plain", "-device", "with space", "it's", '{"json":1}', "a'b'c", "tab\t",
            "~home", "x=y,z", "ünïcode"]
    cmd = CommandLine(program="/usr/bin/qemu system")
    for i, arg in enumerate(args):
        cmd.setenv(f"V{i}", arg)
    cmd.add(*args)
    expected = [env_assignment(f"V{i}", arg) for i, arg in enumerate(args)]
    expected += [shell_quote(cmd.program), *(shell_quote(arg) for arg in args)]
    assert cmd.to_shell() == " ".join(expected)


def _caps(version: str, *flags: str) -> Capabilities:
    tables = {"libvirt": MappingProxyType({"version": version})}
    return Capabilities("t", frozenset(flags), MappingProxyType({}), MappingProxyType(tables))


def test_flags_are_copied_only_for_the_conversion_that_adds_one() -> None:
    raw = _caps("9.0.0", "a")
    first = QemuCaps(raw)
    assert first.has("a") and first.has("balloon") and not first.has("new")
    first.flags.add("new")
    assert first.has("new") and first.flags >= RETIRED_BY_9_0 | {"a", "new"}
    # the next conversion of the same set does not see it
    second = QemuCaps(raw)
    assert not second.has("new") and "new" not in second.flags
    assert raw.flags == frozenset({"a"})


def test_a_1_3_1_set_keeps_its_own_flags() -> None:
    caps = QemuCaps(_caps("1.3.1", "a"))
    assert caps.libvirt_version == (1, 3, 1)
    assert caps.flags == {"a"} and not caps.has("balloon")
    caps.flags.discard("a")
    assert not caps.has("a")


def test_copy_cpu_matches_dataclasses_replace() -> None:
    # _copy_cpu rebuilds each feature from these fields
    assert [f.name for f in dataclasses.fields(CPUFeature)] == ["name", "policy"]
    cpu = CPU(mode="custom", model="Haswell", vendor_id="v", sockets=2,
              features=[CPUFeature("vmx", "require"), CPUFeature("avx", "disable")])
    copied = _copy_cpu(cpu)
    assert copied == dataclasses.replace(cpu, features=[dataclasses.replace(f)
                                                        for f in cpu.features])
    assert copied is not cpu and copied.features is not cpu.features
    assert all(a is not b for a, b in zip(copied.features, cpu.features, strict=True))
    copied.features[0].policy = "disable"
    assert cpu.features[0].policy == "require"


def test_setenv_replaces_the_first_assignment_in_place() -> None:
    cmd = CommandLine(env=[("A", "1"), ("B", "2"), ("A", "3")])
    cmd.setenv("C", "4")
    cmd.setenv("A", "5")
    cmd.setenv("B", "6")
    cmd.setenv("C", "7")
    assert cmd.env == [("A", "5"), ("B", "6"), ("A", "3"), ("C", "7")]


def _decode_reference(data: Any, allowed: Any, preferred: Any, fallback: Any) -> Any:
    """cpu_x86.decode as it was: every candidate's feature list built and compared."""
    from qemudrv import cpu_x86, cpumap_x86
    from qemudrv.errors import UnsupportedError

    best = None
    for name in reversed(tuple(cpumap_x86.MODELS)):
        vendor, model = cpumap_x86.MODELS[name]
        if name not in allowed:
            if name == preferred and fallback != "allow":
                raise UnsupportedError(f"CPU model {name} is not supported by hypervisor")
            continue
        if data.vendor and vendor and data.vendor != vendor:
            continue
        feats = [CPUFeature(f, "require")
                 for f in cpu_x86._in_reverse_map_order(data.features - model)]
        feats += [CPUFeature(f, "disable")
                  for f in cpu_x86._in_reverse_map_order(model - data.features)]
        if name == preferred:
            return name, feats
        if best is None or len(best[1]) > len(feats):
            best = (name, feats)
    if best is None:
        raise UnsupportedError("Cannot find suitable CPU model for given data")
    return best


def _decode_modern_reference(vendor: Any, data: Any, allowed: Any) -> Any:
    """cpu_x86.decode_modern as it was: every candidate's list built and costed."""
    from qemudrv import cpu_x86, cpumap_x86
    from qemudrv.errors import UnsupportedError

    best = None
    best_cost = (0, 0)
    for name in reversed(tuple(cpumap_x86.MODELS)):
        model_vendor = cpumap_x86.MODELS[name][0]
        if name not in allowed or (vendor and model_vendor and vendor != model_vendor):
            continue
        model = cpu_x86.model_features_modern(name)
        feats = [CPUFeature(f, "require") for f in cpu_x86._in_map_order(data - model)]
        feats += [CPUFeature(f, "disable") for f in cpu_x86._in_map_order(model - data)]
        feats += [CPUFeature(f, "disable") for f in cpu_x86.removed_features(name)
                  if f not in data]
        enabled = sum(1 for f in feats if f.policy != "disable")
        disabled = sum(2 + i for i in range(len(feats) - enabled))
        cost = (enabled + disabled, disabled)
        if best is None or cost < best_cost:
            best, best_cost = (name, feats), cost
    if best is None:
        raise UnsupportedError("Cannot find suitable CPU model for given data")
    return best


def _decoded(func: Any, *args: Any) -> Any:
    from qemudrv.errors import UnsupportedError

    try:
        name, feats = func(*args)
    except UnsupportedError as exc:
        return str(exc)
    return name, [(f.name, f.policy) for f in feats]


def test_cpu_decoding_picks_what_comparing_every_feature_list_picks() -> None:
    import random

    from qemudrv import cpu_x86, cpumap_x86

    rnd = random.Random(7)
    models = list(cpumap_x86.MODELS)
    features = [*cpumap_x86.FEATURES, *cpumap_x86.MSR_FEATURES, "not-in-the-map"]
    for _ in range(300):
        data = set(cpumap_x86.MODELS[rnd.choice(models)][1])
        for _ in range(rnd.randint(0, 12)):
            name = rnd.choice(features)
            if rnd.random() < 0.5:
                data.add(name)
            else:
                data.discard(name)
        frozen = frozenset(data)
        allowed = tuple(rnd.sample(models, rnd.randint(1, len(models))))
        vendor = rnd.choice([None, "Intel", "AMD"])
        preferred = rnd.choice([*models, None])
        fallback = rnd.choice(["allow", "forbid"])
        guest = cpu_x86.GuestData(frozen, vendor)
        assert _decoded(cpu_x86.decode, guest, allowed, preferred, fallback) == \
            _decoded(_decode_reference, guest, allowed, preferred, fallback)
        assert _decoded(cpu_x86.decode_modern, vendor, frozen, allowed) == \
            _decoded(_decode_modern_reference, vendor, frozen, allowed)


def test_aes_inverses_from_the_generator_match_a_search() -> None:
    from qemudrv import aes

    def times(a: int, b: int) -> int:
        result = 0
        while b:
            if b & 1:
                result ^= a
            a = aes._xtime(a)
            b >>= 1
        return result

    inverses = aes._inverses()
    assert inverses[0] == 0
    for x in range(1, 256):
        assert times(x, inverses[x]) == 1
