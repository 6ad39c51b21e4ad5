"""The guest CPU an x86 host can give (libvirt 1.3.1's cpuGuestData and
cpuDecode for x86).

A CPU is a set of CPUID features. The guest's set is computed from the host
CPU and the requested model and feature policies; it is then described as
the closest CPU model the emulator offers plus the features to add or
remove. libvirt keeps its feature and model lists as prepended linked lists,
so both are searched in reverse map order, which decides ties and the order
of the features on the command line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .cpumap_x86 import (
    FEATURES,
    MODELS,
    MSR_FEATURES,
    NOT_MIGRATABLE_FEATURES,
    REMOVED_FEATURES,
    VENDOR_IDS,
)
from .errors import UnsupportedError
from .model.general import CPU, CPUFeature

_MODEL_ORDER = tuple(MODELS)
_KNOWN = frozenset(FEATURES)
# CPUID position of each feature: decode() lists features in reverse map
# order by sorting the few that differ instead of scanning the whole map.
_POSITION = {name: i for i, name in enumerate(FEATURES)}


def _in_reverse_map_order(names: frozenset[str]) -> list[str]:
    return sorted((n for n in names if n in _POSITION), key=_POSITION.__getitem__, reverse=True)


@dataclass
class GuestData:
    features: frozenset[str]
    vendor: str | None


def knows(model: str | None) -> bool:
    return model is not None and model in MODELS


def _model(name: str) -> frozenset[str]:
    entry = MODELS.get(name)
    if entry is None:
        raise UnsupportedError(f"Unknown CPU model {name}")
    return entry[1]


def _features(names: Iterable[str]) -> frozenset[str]:
    out = set()
    for n in names:
        if n not in _KNOWN:
            raise UnsupportedError(f"Unknown CPU feature {n}")
        out.add(n)
    return frozenset(out)


def _host_features(host: Mapping[str, object]) -> list[str]:
    """The feature names of a host CPU from the capabilities file."""
    names = host.get("features") or ()
    if not isinstance(names, (list, tuple)):
        raise UnsupportedError(f"host CPU features must be a list, not {names!r}")
    return [str(name) for name in names]


def host_model_update(cpu: CPU, host: Mapping[str, object]) -> CPU:
    """cpuUpdate for mode='host-model': the host CPU, with the guest's own
    feature policies applied over the host's features."""
    features = [CPUFeature(name, "require") for name in _host_features(host)]
    for f in cpu.features:
        for i, hf in enumerate(features):
            if hf.name == f.name:
                features[i] = CPUFeature(f.name, f.policy)
                break
        else:
            features.append(CPUFeature(f.name, f.policy))
    return CPU(
        mode=cpu.mode,
        match="exact",
        model=str(host.get("model")),
        fallback=cpu.fallback,
        vendor_id=cpu.vendor_id,
        vendor=str(host.get("vendor")) if host.get("vendor") else None,
        features=features,
    )


def guest_data(host: Mapping[str, object], cpu: CPU) -> GuestData:
    """x86Compute with a guest: the features the guest CPU gets."""
    host_vendor = host.get("vendor")
    if cpu.vendor and cpu.vendor != host_vendor:
        raise UnsupportedError(
            f"guest and host CPU are not compatible: host CPU vendor does not "
            f"match required CPU vendor {cpu.vendor}"
        )
    host_set = _model(str(host.get("model"))) | _features(_host_features(host))

    def policy(p: str) -> frozenset[str]:
        return _features(f.name for f in cpu.features if f.policy == p)

    force, optional, disable, forbid = (
        policy(p) for p in ("force", "optional", "disable", "forbid")
    )
    require = (_model(cpu.model) if cpu.model else frozenset()) | policy("require")
    if forbid & host_set:
        raise UnsupportedError(
            "guest and host CPU are not compatible: Host CPU provides forbidden features"
        )
    require = require - force - optional - disable
    if not require <= host_set:
        raise UnsupportedError(
            "guest and host CPU are not compatible: Host CPU does not provide required features"
        )
    diff = host_set - optional - require - disable - force
    if diff and cpu.match == "strict":
        raise UnsupportedError(
            "guest and host CPU are not compatible: "
            "Host CPU does not strictly match guest CPU: Extra features"
        )
    guest = set(host_set)
    if cpu.match == "exact":
        guest -= diff
    guest |= force
    guest -= disable
    return GuestData(frozenset(guest), str(host_vendor) if cpu.vendor and host_vendor else None)


def _bits(names: Iterable[str], position: Mapping[str, int]) -> int:
    """A set of features as an integer, a bit at each one's map position;
    features the map lacks are left out (they are never listed). Candidate
    models are compared by counting the bits where they differ."""
    bits = 0
    for name in names:
        at = position.get(name)
        if at is not None:
            bits |= 1 << at
    return bits


_MODEL_BITS = {name: _bits(entry[1], _POSITION) for name, entry in MODELS.items()}


def _difference(data: frozenset[str], model: frozenset[str]) -> list[CPUFeature]:
    """The features to add to and remove from a model to get the data."""
    feats = [CPUFeature(f, "require") for f in _in_reverse_map_order(data - model)]
    feats += [CPUFeature(f, "disable") for f in _in_reverse_map_order(model - data)]
    return feats


def decode(
    data: GuestData, allowed: Sequence[str], preferred: str | None, fallback: str | None
) -> tuple[str, list[CPUFeature]]:
    """x86Decode: the allowed model needing the fewest extra features (the
    preferred one when allowed), and those features."""
    allowed_names = set(allowed)
    data_bits = _bits(data.features, _POSITION)
    # Candidates are compared by how many features they need (the known
    # features in exactly one of the data and the model); the feature list
    # is built for the winner alone.
    best: str | None = None
    best_count = 0
    for name in reversed(_MODEL_ORDER):
        vendor = MODELS[name][0]
        if name not in allowed_names:
            if name == preferred and fallback != "allow":
                raise UnsupportedError(f"CPU model {name} is not supported by hypervisor")
            continue
        if data.vendor and vendor and data.vendor != vendor:
            continue
        if name == preferred:
            return name, _difference(data.features, MODELS[name][1])
        count = (data_bits ^ _MODEL_BITS[name]).bit_count()
        if best is None or best_count > count:
            best, best_count = name, count
    if best is None:
        raise UnsupportedError("Cannot find suitable CPU model for given data")
    return best, _difference(data.features, MODELS[best][1])


# -- libvirt 9.0 (virCPUx86Update, virCPUx86Translate, x86Decode) -------------


def model_features_modern(name: str) -> frozenset[str]:
    """A model's features in libvirt 9.0's map: its removed ones are not part of it."""
    return _model(name) - frozenset(REMOVED_FEATURES.get(name, ()))


# libvirt 9.0's map also knows the MSR features, listed after the CPUID ones.
_KNOWN_MODERN = _KNOWN | frozenset(MSR_FEATURES)
_POSITION_MODERN = {name: i for i, name in enumerate((*FEATURES, *MSR_FEATURES))}


def removed_features(name: str) -> tuple[str, ...]:
    return REMOVED_FEATURES.get(name, ())


def cpu_data(cpu: CPU) -> tuple[str | None, frozenset[str]]:
    """x86ModelFromCPU with every policy: the model's vendor and its features
    with the required ones added and the disabled ones taken away."""
    vendor = MODELS[cpu.model][0] if cpu.model in MODELS else None
    data = set(model_features_modern(cpu.model)) if cpu.model else set()
    for f in cpu.features:
        if f.name not in _KNOWN_MODERN:
            raise UnsupportedError(f"unknown CPU feature {f.name}", code="internal error")
        if f.policy in ("force", "require"):
            data.add(f.name)
        elif f.policy in ("disable", "forbid"):
            data.discard(f.name)
    return vendor, frozenset(data)


def _in_map_order(names: frozenset[str]) -> list[str]:
    return sorted((n for n in names if n in _POSITION_MODERN), key=_POSITION_MODERN.__getitem__)


def host_model_from_expansion(props: Mapping[str, object],
                              allowed: Sequence[str]) -> tuple[str, list[CPUFeature]] | None:
    """virQEMUCapsInitCPUModelX86 and x86Decode of the migratable host model:
    the enabled feature properties QEMU's expansion reports (in libvirt's
    names), as the closest allowed model plus features."""
    data = frozenset(name for name, value in props.items()
                     if value is True and name in _KNOWN_MODERN
                     and name not in NOT_MIGRATABLE_FEATURES)
    if not data:
        return None
    vendor = VENDOR_IDS.get(str(props.get("vendor", "")))
    return decode_modern(vendor, data, allowed)


# virCPUx86CompareCandidateFeatureList: the first disabled feature costs
# this much, each further one one more.
_BASE_PENALTY = 2


def _candidate_cost(enabled: int, disabled_count: int) -> tuple[int, int]:
    """(total cost, cost of the disabled features) of a candidate that adds
    `enabled` features and disables `disabled_count`."""
    # _BASE_PENALTY + (_BASE_PENALTY + 1) + ... for each disabled feature
    disabled = disabled_count * _BASE_PENALTY + disabled_count * (disabled_count - 1) // 2
    return enabled + disabled, disabled


# Each model's libvirt 9.0 features, and their bits (see _bits).
_MODERN_MODEL_FEATURES = {name: model_features_modern(name) for name in MODELS}
_MODERN_MODEL_BITS = {
    name: _bits(features, _POSITION_MODERN) for name, features in _MODERN_MODEL_FEATURES.items()
}


def _modern_difference(name: str, data: frozenset[str]) -> list[CPUFeature]:
    """The features to add to and disable in a model to get the data."""
    model = _MODERN_MODEL_FEATURES[name]
    feats = [CPUFeature(f, "require") for f in _in_map_order(data - model)]
    feats += [CPUFeature(f, "disable") for f in _in_map_order(model - data)]
    feats += [CPUFeature(f, "disable") for f in removed_features(name)
              if f not in data]
    return feats


def decode_modern(vendor: str | None, data: frozenset[str],
                  allowed: Sequence[str]) -> tuple[str, list[CPUFeature]]:
    """x86Decode: of the allowed models of the data's vendor, newest first,
    the one whose added and (costlier) disabled features cost least."""
    allowed_names = set(allowed)
    data_bits = _bits(data, _POSITION_MODERN)
    # Candidates are compared by the counts of the features they would add
    # and disable; the feature list is built for the winner alone.
    best: str | None = None
    best_cost = (0, 0)
    for name in reversed(_MODEL_ORDER):
        model_vendor = MODELS[name][0]
        if name not in allowed_names or (vendor and model_vendor and vendor != model_vendor):
            continue
        model_bits = _MODERN_MODEL_BITS[name]
        removed = 0
        for f in removed_features(name):  # few models have any
            if f not in data:
                removed += 1
        cost = _candidate_cost((data_bits & ~model_bits).bit_count(),
                               (model_bits & ~data_bits).bit_count() + removed)
        if best is None or cost[0] < best_cost[0] or \
                (cost[0] == best_cost[0] and cost[1] < best_cost[1]):
            best, best_cost = name, cost
    if best is None:
        raise UnsupportedError("Cannot find suitable CPU model for given data",
                               code="internal error")
    return best, _modern_difference(best, data)
