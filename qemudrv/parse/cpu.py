"""<cpu> as libvirt 9.0 reads it (virCPUDefParseXML for a guest CPU).

9.0 adds the maximum mode, check and migratable, dies in the topology,
<cache> and <maxphysaddr>, and reads its attributes with virXMLProp*.
The <numa> cells are read by ``general_cpu`` for both dialects.
"""

from __future__ import annotations

from ..errors import XMLError
from ..model.general import CPU, CPUFeature
from ..xmlreader import Element, child, child_text, children, text
from .xmlprop import enum_attr, int_attr, switch_attr, uint_attr

CPU_MODES = ("custom", "host-model", "host-passthrough", "maximum")
_PASSTHROUGH_MODES = ("host-passthrough", "maximum")
_POLICIES = ("force", "require", "optional", "disable", "forbid")
_VENDOR_ID_LENGTH = 12


def parse_cpu_modern(el: Element) -> CPU:
    cpu = CPU()
    mode = el.get("mode")
    if mode is not None:
        if mode not in CPU_MODES:
            raise XMLError(f"Invalid mode attribute '{mode}'", code="unsupported configuration")
        cpu.mode = mode
    migratable = switch_attr(el, "migratable")
    if migratable is not None:
        if cpu.mode not in _PASSTHROUGH_MODES:
            raise XMLError("Attribute migratable is only allowed for 'host-passthrough' / "
                           "'maximum' CPU mode", code="unsupported configuration")
        cpu.migratable = "on" if migratable else "off"
    cpu.match = enum_attr(el, "match", ("exact", "minimum", "strict")) or "exact"
    check = enum_attr(el, "check", ("default", "none", "partial", "full"))
    cpu.check = None if check == "default" else check
    model_el = child(el, "model")
    if model_el is not None:
        # string(./model[1]): an empty model is no model.
        cpu.model = text(model_el) or None
        if cpu.mode not in _PASSTHROUGH_MODES:
            _parse_model_attrs(model_el, cpu)
    if cpu.fallback is None:
        cpu.fallback = "allow"
    cpu.vendor = child_text(el, "vendor") or None
    if cpu.vendor and not cpu.model:
        raise XMLError("CPU vendor specified without CPU model")
    topology = child(el, "topology")
    if topology is not None:
        cpu.sockets = uint_attr(topology, "sockets", required=True, nonzero=True) or 0
        cpu.dies = uint_attr(topology, "dies", nonzero=True) or 1
        cpu.cores = uint_attr(topology, "cores", required=True, nonzero=True) or 0
        cpu.threads = uint_attr(topology, "threads", required=True, nonzero=True) or 0
    _parse_features(el, cpu)
    caches = children(el, "cache")
    if len(caches) > 1:
        raise XMLError("at most one CPU cache element may be specified")
    if caches:
        cpu.cache_level = int_attr(caches[0], "level", nonnegative=True)
        if cpu.cache_level is not None and not 1 <= cpu.cache_level <= 3:
            raise XMLError("invalid CPU cache level, must be in range [1,3]")
        cpu.cache_mode = enum_attr(caches[0], "mode", ("emulate", "passthrough", "disable"),
                                   required=True)
    addr = child(el, "maxphysaddr")
    if addr is not None:
        cpu.maxphysaddr_mode = enum_attr(addr, "mode", ("emulate", "passthrough"),
                                         required=True)
        cpu.maxphysaddr_bits = int_attr(addr, "bits", nonnegative=True)
    return cpu


def _parse_model_attrs(model_el: Element, cpu: CPU) -> None:
    fallback = model_el.get("fallback")
    if fallback is not None:
        if fallback not in ("allow", "forbid"):
            raise XMLError("Invalid fallback attribute", code="unsupported configuration")
        cpu.fallback = fallback
        cpu.fallback_set = True
    vendor_id = model_el.get("vendor_id")
    if vendor_id is not None:
        if len(vendor_id) != _VENDOR_ID_LENGTH:
            raise XMLError(f"vendor_id must be exactly {_VENDOR_ID_LENGTH} characters long")
        if "," in vendor_id:
            raise XMLError("vendor id is invalid")
        cpu.vendor_id = vendor_id


def _parse_features(el: Element, cpu: CPU) -> None:
    nodes = children(el, "feature")
    if nodes and not cpu.model and cpu.mode == "custom":
        raise XMLError("Non-empty feature list specified without CPU model")
    seen: set[str] = set()
    for node in nodes:
        policy = node.get("policy", "require")
        if policy not in _POLICIES:
            raise XMLError("Invalid CPU feature policy", code="unsupported configuration")
        name = node.get("name")
        if not name:
            raise XMLError("Invalid CPU feature name")
        if name in seen:
            raise XMLError(f"CPU feature '{name}' specified more than once")
        seen.add(name)
        cpu.features.append(CPUFeature(name, policy))
