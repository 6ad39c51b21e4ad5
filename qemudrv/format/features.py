"""<features> as libvirt 9.0 writes it (virDomainDefFormatFeatures)."""

from __future__ import annotations

from ..model.domain import Domain
from ..model.general import Features, HypervFeatures
from ..parse.features import ENUM_FEATURES, FEATURES, HYPERV_FEATURES, KVM_FEATURES
from ..xmlwriter import XMLWriter

# virFormatIntPretty's units, smallest first.
_PRETTY_UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB")


def _onoff(value: bool) -> str:
    return "on" if value else "off"


def _pretty(value: int) -> tuple[int, str]:
    """virFormatIntPretty: the largest unit that divides ``value`` exactly."""
    unit = 0
    while value and value % 1024 == 0 and unit < len(_PRETTY_UNITS) - 1:
        value //= 1024
        unit += 1
    return value, _PRETTY_UNITS[unit]


def format_features_modern(w: XMLWriter, dom: Domain) -> None:
    f = dom.features
    body = w.child()
    for name in FEATURES:
        state = f.flags.get(name)
        if state is None:
            continue
        if name in ("acpi", "pae", "viridian", "privnet", "xen"):
            if state:
                body.empty(name)
        elif name in ("vmcoreinfo", "hap", "pmu", "pvspinlock", "vmport", "htm",
                      "nested-hv", "ccf-assist"):
            body.empty(name, ("state", _onoff(state)))
        elif name == "smm":
            _format_smm(body, f, state)
        elif name == "apic" and state:
            body.empty("apic", ("eoi", None if f.apic_eoi is None else _onoff(f.apic_eoi)))
        elif name == "hyperv" and state:
            _format_hyperv(body, f.hyperv)
        elif name == "kvm" and state:
            _format_kvm(body, f)
        elif name == "capabilities":
            caps = body.child()
            for cap, on in f.caps.items():
                caps.empty(cap, ("state", _onoff(on)))
            policy = f.capabilities_policy or "default"
            shown = policy if policy != "default" or caps else None
            body.wrap("capabilities", caps, ("policy", shown))
        elif name == "gic" and state:
            body.empty("gic", ("version", f.gic_version))
        elif name in ENUM_FEATURES and name in f.values:
            body.empty(name, (ENUM_FEATURES[name][0], f.values[name]))
        elif name == "hpt" and state:
            pages = body.child()
            if f.hpt_maxpagesize:
                pages.element("maxpagesize", f.hpt_maxpagesize, ("unit", "KiB"))
            body.wrap("hpt", pages, ("resizing", f.values.get("hpt")))
        elif name == "msrs" and state:
            body.empty("msrs", ("unknown", f.values.get("msrs")))
        elif name == "tcg" and state:
            cache = body.child()
            cache.element("tb-cache", f.tb_cache, ("unit", "KiB"))
            body.wrap("tcg", cache)
    w.wrap_if("features", body)


def _format_smm(w: XMLWriter, f: Features, state: bool) -> None:
    tseg = w.child()
    if state and f.tseg_size is not None:
        value, unit = _pretty(f.tseg_size)
        tseg.element("tseg", value, ("unit", unit))
    w.wrap("smm", tseg, ("state", _onoff(state)))


def _format_hyperv(w: XMLWriter, hv: HypervFeatures) -> None:
    # Written open and closed even without children, as libvirt does.
    w.start("hyperv", ("mode", hv.mode))
    for name in HYPERV_FEATURES:
        state = hv.states.get(name)
        if state is None:
            continue
        attrs: list[tuple[str, str | int | None]] = [("state", _onoff(state))]
        if name == "spinlocks" and state:
            attrs.append(("retries", hv.retries))
        elif name == "vendor_id" and state:
            attrs.append(("value", hv.vendor_id))
        if name == "stimer" and state and hv.stimer_direct:
            w.start(name, *attrs)
            w.empty("direct", ("state", "on"))
            w.end(name)
        else:
            w.empty(name, *attrs)
    w.end("hyperv")


def _format_kvm(w: XMLWriter, f: Features) -> None:
    w.start("kvm")
    for name in KVM_FEATURES:
        state = f.kvm.get(name)
        if state is None:
            continue
        size = f.dirty_ring_size if name == "dirty-ring" and f.dirty_ring_size else None
        w.empty(name, ("state", _onoff(state)), ("size", size))
    w.end("kvm")
