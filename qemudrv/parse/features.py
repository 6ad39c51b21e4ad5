"""<features> as libvirt 9.0 reads it (virDomainFeaturesDefParse).

9.0 knows many more features than 1.3.1 (smm, ioapic, hpt, vmcoreinfo, the
pSeries capabilities, msrs, tcg) and every Hyper-V and KVM enlightenment; its
attributes are read with virXMLProp*, whose messages differ from 1.3.1's.
"""

from __future__ import annotations

from ..errors import XMLError
from ..model.domain import Domain
from ..model.general import Features, HypervFeatures
from ..xmlreader import Element, child, elements, text
from .xmlprop import enum_attr, switch_attr, uint_attr

# virDomainFeature, in its order (the formatter's order too).
FEATURES = (
    "acpi", "apic", "pae", "hap", "viridian", "privnet", "hyperv", "kvm",
    "pvspinlock", "capabilities", "pmu", "vmport", "gic", "smm", "ioapic", "hpt",
    "vmcoreinfo", "htm", "nested-hv", "msrs", "ccf-assist", "xen", "cfpc", "sbbc",
    "ibs", "tcg",
)
# virDomainHyperv and virDomainKVM, in their order.
HYPERV_FEATURES = (
    "relaxed", "vapic", "spinlocks", "vpindex", "runtime", "synic", "stimer", "reset",
    "vendor_id", "frequencies", "reenlightenment", "tlbflush", "ipi", "evmcs", "avic",
)
KVM_FEATURES = ("hidden", "hint-dedicated", "poll-control", "pv-ipi", "dirty-ring")
_PROCESS_CAPS = (
    "audit_control", "audit_write", "block_suspend", "chown", "dac_override",
    "dac_read_search", "fowner", "fsetid", "ipc_lock", "ipc_owner", "kill", "lease",
    "linux_immutable", "mac_admin", "mac_override", "mknod", "net_admin",
    "net_bind_service", "net_broadcast", "net_raw", "setgid", "setfcap", "setpcap",
    "setuid", "sys_admin", "sys_boot", "sys_chroot", "sys_module", "sys_nice",
    "sys_pacct", "sys_ptrace", "sys_rawio", "sys_resource", "sys_time",
    "sys_tty_config", "syslog", "wake_alarm",
)
# Enum-valued features: the attribute and its values (the first is "none",
# which the document may not name).
ENUM_FEATURES = {
    "ioapic": ("driver", ("none", "qemu", "kvm")),
    "cfpc": ("value", ("none", "broken", "workaround", "fixed")),
    "sbbc": ("value", ("none", "broken", "workaround", "fixed")),
    "ibs": ("value", ("none", "broken", "workaround", "fixed-ibs", "fixed-ccd", "fixed-na")),
}
_HPT_RESIZING = ("none", "enabled", "disabled", "required")
_GIC_VERSIONS = ("none", "host", "2", "3")
_HYPERV_VENDOR_ID_MAX = 12
# virScaleInteger's binary and decimal units.
_UNITS = {
    "b": 1, "bytes": 1,
    "k": 1024, "kib": 1024, "kb": 1000,
    "m": 1024**2, "mib": 1024**2, "mb": 1000**2,
    "g": 1024**3, "gib": 1024**3, "gb": 1000**3,
    "t": 1024**4, "tib": 1024**4, "tb": 1000**4,
    "p": 1024**5, "pib": 1024**5, "pb": 1000**5,
    "e": 1024**6, "eib": 1024**6, "eb": 1000**6,
}


def _scaled(el: Element | None, default_scale: int) -> int | None:
    """virParseScaledValue: an element's number times its unit, None when absent."""
    if el is None:
        return None
    raw = text(el) or ""
    try:
        value = int(raw, 10)
    except ValueError:
        raise XMLError(f"Invalid value '{raw}' for element or attribute "
                       f"'./features/{el.getparent().tag}/{el.tag}'") from None  # type: ignore[union-attr]
    unit = el.get("unit")
    if not unit:
        return value * default_scale
    factor = _UNITS.get(unit.lower())
    if factor is None:
        raise XMLError(f"unknown suffix '{unit}'", code="invalid argument")
    return value * factor


def parse_features_modern(el: Element, dom: Domain) -> None:
    f = dom.features
    for node in elements(el):
        name = str(node.tag)
        if name not in FEATURES:
            raise XMLError(f"unexpected feature '{name}'", code="unsupported configuration")
        if name in ("acpi", "pae", "viridian", "privnet"):
            f.flags[name] = True
        elif name == "apic":
            f.apic_eoi = switch_attr(node, "eoi")
            f.flags[name] = True
        elif name == "msrs":
            f.values[name] = str(enum_attr(node, "unknown", ("ignore", "fault"), required=True))
            f.flags[name] = True
        elif name == "hyperv":
            _parse_hyperv(node, f)
        elif name == "kvm":
            _parse_kvm(node, f)
        elif name == "xen":
            # Xen's own features mean nothing to QEMU; only the switch is kept.
            f.flags[name] = True
        elif name == "capabilities":
            _parse_capabilities(node, f)
        elif name in ("vmcoreinfo", "hap", "pmu", "pvspinlock", "vmport"):
            state = switch_attr(node)
            f.flags[name] = True if state is None else state
        elif name == "smm":
            _parse_smm(node, f)
        elif name == "gic":
            f.gic_version = enum_attr(node, "version", _GIC_VERSIONS, nonzero=True)
            f.flags[name] = True
        elif name in ENUM_FEATURES:
            attr, values = ENUM_FEATURES[name]
            value = enum_attr(node, attr, values, nonzero=True)
            if value is not None:
                f.values[name] = value
                f.flags[name] = True
        elif name == "hpt":
            _parse_hpt(node, f)
        elif name in ("htm", "nested-hv", "ccf-assist"):
            f.flags[name] = bool(switch_attr(node, required=True))
        elif name == "tcg":
            cache = _scaled(child(node, "tb-cache"), 1024)
            if cache:
                # virDomainParseMemory: KiB, rounded up.
                f.tb_cache = (cache + 1023) // 1024
                f.flags[name] = True


def _parse_hyperv(node: Element, f: Features) -> None:
    hv: HypervFeatures = f.hyperv
    hv.mode = enum_attr(node, "mode", ("none", "custom", "passthrough"),
                         nonzero=True) or "custom"
    f.flags["hyperv"] = True
    for h in elements(node):
        name = str(h.tag)
        if name not in HYPERV_FEATURES:
            raise XMLError(f"unsupported HyperV Enlightenment feature: {name}",
                           code="unsupported configuration")
        value = bool(switch_attr(h, required=True))
        hv.states[name] = value
        if not value:
            continue
        if name == "stimer":
            for d in elements(h):
                if d.tag != "direct":
                    raise XMLError(f"unsupported Hyper-V stimer feature: {d.tag}",
                                   code="unsupported configuration")
                hv.stimer_direct = switch_attr(d, required=True)
        elif name == "spinlocks":
            hv.retries = uint_attr(h, "retries", required=True) or 0
            if hv.retries < 0xFFF:
                raise XMLError("HyperV spinlock retry count must be at least 4095")
        elif name == "vendor_id":
            vendor = h.get("value")
            if vendor is None:
                raise XMLError("missing 'value' attribute for HyperV feature 'vendor_id'")
            if len(vendor) > _HYPERV_VENDOR_ID_MAX:
                raise XMLError("HyperV vendor_id value must not be more than "
                               f"{_HYPERV_VENDOR_ID_MAX} characters.")
            if "," in vendor:
                raise XMLError("HyperV vendor_id value is invalid")
            hv.vendor_id = vendor


def _parse_kvm(node: Element, f: Features) -> None:
    for k in elements(node):
        name = str(k.tag)
        if name not in KVM_FEATURES:
            raise XMLError(f"unsupported KVM feature: {name}", code="unsupported configuration")
        value = bool(switch_attr(k, required=True))
        f.kvm[name] = value
        if name == "dirty-ring" and value:
            size = uint_attr(k, "size", required=True) or 0
            if size & (size - 1) or not 1024 <= size <= 65536:
                raise XMLError("dirty ring must be power of 2 and ranges [1024, 65536]")
            f.dirty_ring_size = size
    f.flags["kvm"] = True


def _parse_capabilities(node: Element, f: Features) -> None:
    f.capabilities_policy = enum_attr(node, "policy", ("default", "allow", "deny")) or "default"
    f.flags["capabilities"] = True
    for c in elements(node):
        if c.tag not in _PROCESS_CAPS:
            raise XMLError(f"unexpected capability feature '{c.tag}'",
                           code="unsupported configuration")
        state = switch_attr(c)
        f.caps[str(c.tag)] = True if state is None else state


def _parse_smm(node: Element, f: Features) -> None:
    state = switch_attr(node)
    on = True if state is None else state
    f.flags["smm"] = on
    if on:
        # virParseScaledValue with mebibytes as the default unit.
        f.tseg_size = _scaled(child(node, "tseg"), 1024 * 1024)


def _parse_hpt(node: Element, f: Features) -> None:
    resizing = enum_attr(node, "resizing", _HPT_RESIZING, nonzero=True)
    try:
        size = _scaled(child(node, "maxpagesize"), 1024) or 0
    except XMLError:
        raise XMLError("Unable to parse HPT maxpagesize setting",
                       code="unsupported configuration") from None
    f.hpt_maxpagesize = (size + 1023) // 1024
    if resizing is not None:
        f.values["hpt"] = resizing
    if resizing is not None or f.hpt_maxpagesize:
        f.flags["hpt"] = True

