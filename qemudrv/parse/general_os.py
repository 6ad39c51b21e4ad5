"""<os>, <features>, <clock>, lifecycle actions, power management, security
labels, the QEMU namespace and <keywrap> (virDomainDefParseXML, libvirt 1.3.1)."""

from __future__ import annotations

import re

from ..caps import KNOWN_ARCHS
from ..errors import ConfigError, XMLError
from ..limits import LLONG_MAX, LLONG_MIN, ULLONG_MAX
from ..model.domain import Domain
from ..model.general import (
    HypervFeatures,
    Keywrap,
    Loader,
    QemuCommandline,
    QemuDeviceOverride,
    QemuOverrideProperty,
    SecLabel,
    Timer,
)
from ..xmlreader import (
    NO_CHILDREN,
    Element,
    child,
    child_text,
    children,
    children_by_tag,
    elements,
    indexed_text,
    text,
)
from .context import ParseContext
from .features import parse_features_modern
from .firmware import parse_acpi_options, parse_firmware_options, parse_loader_options
from .general_values import tristate_value, uint_value
from .memory import prop_enum
from .net import sanitize_path

QEMU_NS = "http://libvirt.org/schemas/domain/qemu/1.0"

OS_TYPES = ("hvm", "xen", "linux", "exe", "uml")
BOOT_DEVS = ("fd", "cdrom", "hd", "network")
LIFECYCLE = ("destroy", "restart", "rename-restart", "preserve")
CRASH = (*LIFECYCLE, "coredump-destroy", "coredump-restart")
LOCKFAILURE = ("default", "poweroff", "restart", "pause", "ignore")
TIMER_NAMES = ("platform", "pit", "rtc", "hpet", "tsc", "kvmclock", "hypervclock")
TIMER_NAMES_MODERN = (*TIMER_NAMES, "armvtimer")
TIMER_TRACKS = ("boot", "guest", "wall")
TIMER_TRACKS_MODERN = (*TIMER_TRACKS, "realtime")
CLOCK_OFFSETS = ("utc", "localtime", "variable", "timezone")
CLOCK_OFFSETS_MODERN = (*CLOCK_OFFSETS, "absolute")
FEATURES = (
    "acpi", "apic", "pae", "hap", "viridian", "privnet", "hyperv", "kvm",
    "pvspinlock", "capabilities", "pmu", "vmport", "gic",
)


def _parse_acpi_table(os_el: Element) -> str | None:
    """virDomainDefParseBootAcpiOptions: at most one table, a SLIC one.

    parse_acpi_options() has read and checked the table already; this second
    reading, which cleans the path as <interface> paths are cleaned (a
    leading '//' too), gives the value kept."""
    acpi = child(os_el, "acpi")
    tables = children(acpi, "table") if acpi is not None else []
    if len(tables) > 1:
        raise XMLError("Only one acpi table is supported")
    if not tables:
        return None
    kind = tables[0].get("type")
    if kind is None:
        raise XMLError("Missing acpi table type")
    if kind != "slic":
        raise XMLError(f"Unknown acpi table type: {kind}")
    return sanitize_path(text(tables[0]) or "")


def parse_os(root: Element, dom: Domain, ctx: ParseContext) -> None:
    # The children of <domain> and of <os> are each read from their index
    # once, instead of a child() lookup per element asked for.
    root_kids = children_by_tag(root)
    found = root_kids.get("os")
    os_el = found[0] if found else None
    os_kids = children_by_tag(os_el) if os_el is not None else NO_CHILDREN
    os_ = dom.os
    found = os_kids.get("type")
    type_el = found[0] if found else None
    os_type = text(type_el)
    if os_type is None:
        raise XMLError("an os <type> must be specified")
    os_type = os_type.strip()
    if os_type not in OS_TYPES:
        raise XMLError(f"unknown OS type '{os_type}'")
    if os_type == "linux":
        os_type = "xen"
    os_.type = os_type
    assert type_el is not None
    os_.arch = type_el.get("arch")
    if os_.arch is not None and ctx.modern and os_.arch not in KNOWN_ARCHS:
        # virArchFromString: a name libvirt does not know is refused here,
        # before anything looks the architecture up.
        raise ConfigError(f"Unknown architecture {os_.arch}")
    os_.machine = type_el.get("machine")
    os_.bootloader = indexed_text(root_kids, "bootloader")
    os_.bootloader_args = indexed_text(root_kids, "bootloader_args")
    assert os_el is not None
    if os_type in ("exe",):
        os_.init = indexed_text(os_kids, "init")
        os_.initargs = [text(a) or "" for a in os_kids.get("initarg", ())]
    if os_type in ("xen", "hvm", "uml"):
        os_.kernel = indexed_text(os_kids, "kernel")
        os_.initrd = indexed_text(os_kids, "initrd")
        os_.cmdline = indexed_text(os_kids, "cmdline")
        os_.dtb = indexed_text(os_kids, "dtb")
        os_.root = indexed_text(os_kids, "root")
        if ctx.modern:
            if os_type == "hvm":
                parse_firmware_options(os_el, dom, ctx)
            parse_loader_options(os_el, dom)
            if os_type == "hvm":
                parse_acpi_options(os_el, dom)
        else:
            found = os_kids.get("loader")
            if found:
                loader_el = found[0]
                found = os_kids.get("nvram")
                nvram_el = found[0] if found else None
                loader = Loader()
                loader.readonly = tristate_value(loader_el.get("readonly"), "loader readonly")
                ltype = loader_el.get("type")
                if ltype is not None and ltype not in ("rom", "pflash"):
                    raise XMLError(f"unknown type value: {ltype}")
                loader.type = ltype
                loader.path = text(loader_el)
                if nvram_el is not None:
                    loader.nvram = text(nvram_el)
                    loader.nvram_template = nvram_el.get("template")
                os_.loader = loader
    if os_type == "hvm":
        if ctx.modern:
            os_.slic_table = _parse_acpi_table(os_el)
        _parse_boot(os_kids, dom, ctx)
        found = os_kids.get("smbios")
        if found:
            smbios = found[0]
            mode = smbios.get("mode")
            if mode is None:
                raise XMLError("missing mode for smbios")
            if mode not in ("emulate", "host", "sysinfo"):
                raise XMLError(f"unknown smbios mode '{mode}'")
            if mode == "sysinfo" and dom.sysinfo is None:
                raise XMLError("smbios mode 'sysinfo' requires sysinfo data")
            os_.smbios_mode = mode


def _parse_boot(os_kids: dict[str, list[Element]], dom: Domain, ctx: ParseContext) -> None:
    """<boot>, <bootmenu> and <bios> from the index of <os>'s children."""
    os_ = dom.os
    for b in os_kids.get("boot", ())[:4]:
        dev = b.get("dev")
        if dev is None:
            raise XMLError("missing boot device")
        if dev not in BOOT_DEVS:
            raise XMLError(f"unknown boot device '{dev}'")
        os_.boot_devs.append(dev)
    found = os_kids.get("bootmenu")
    if found:
        menu = found[0]
        enable = menu.get("enable")
        if enable is not None:
            os_.bootmenu = (
                tristate_value(enable, "bootmenu enable") if enable in ("yes", "no") else None
            )
        timeout = menu.get("timeout")
        if timeout is not None and os_.bootmenu:
            try:
                t = int(timeout, 10)
            except ValueError:
                t = -1
            if t < 0 or t > 65535:
                raise XMLError("invalid value for boot menu timeout, must be in range [0,65535]",
                               code="unsupported configuration")
            os_.bm_timeout = t
    found = os_kids.get("bios")
    if found:
        bios = found[0]
        us = bios.get("useserial")
        if us is not None:
            os_.bios_useserial = us == "yes"
        rt = bios.get("rebootTimeout")
        if rt is not None:
            try:
                v = int(rt, 10)
            except ValueError:
                v = -2
            if v < -1 or v > 65535:
                raise XMLError(
                    "invalid value for rebootTimeout, must be in range [-1,65535]"
                )
            os_.reboot_timeout = v
    if not os_.boot_devs and not ctx.boot_orders:
        # virDomainDefParseBootOptions: hd when neither <boot> nor per-device
        # boot order is given; per-device order is checked after devices.
        pass


def parse_features(root: Element, dom: Domain, ctx: ParseContext) -> None:
    el = child(root, "features")
    if el is None:
        return
    if ctx.modern:
        parse_features_modern(el, dom)
        return
    f = dom.features
    for node in elements(el):
        name = str(node.tag)
        if name not in FEATURES:
            raise XMLError(f"unexpected feature '{name}'")
        if name in ("acpi", "pae", "hap", "viridian", "privnet"):
            f.flags[name] = True
        elif name == "apic":
            f.flags[name] = True
            eoi = node.get("eoi")
            if eoi is not None:
                f.apic_eoi = tristate_value(eoi, "apic eoi", "on", "off")
        elif name in ("pvspinlock", "pmu", "vmport"):
            state = node.get("state")
            if state is None:
                f.flags[name] = True
            else:
                v = tristate_value(state, f"{name} state", "on", "off")
                assert v is not None
                f.flags[name] = v
        elif name == "hyperv":
            f.flags[name] = True
            _parse_hyperv(node, f.hyperv)
        elif name == "kvm":
            f.flags[name] = True
            for k in elements(node):
                if k.tag != "hidden":
                    raise XMLError(f"unsupported KVM feature: {k.tag}")
                state = k.get("state")
                if state is None:
                    raise XMLError(f"missing 'state' attribute for KVM feature '{k.tag}'")
                f.kvm_hidden = tristate_value(state, "kvm hidden state", "on", "off")
        elif name == "capabilities":
            f.flags[name] = True
            policy = node.get("policy", "default")
            if policy not in ("default", "allow", "deny"):
                raise XMLError(f"unknown policy attribute '{policy}' of feature capabilities")
            f.capabilities_policy = policy
            for c in elements(node):
                state = c.get("state")
                f.caps[str(c.tag)] = state != "off"
        elif name == "gic":
            f.flags[name] = True
            ver = node.get("version")
            if ver is not None:
                try:
                    if int(ver) <= 0:
                        raise ValueError
                except ValueError:
                    raise XMLError(f"malformed gic version: {ver}") from None
                f.gic_version = ver


def _parse_hyperv(node: Element, hv: HypervFeatures) -> None:
    for h in elements(node):
        name = str(h.tag)
        if name not in ("relaxed", "vapic", "spinlocks"):
            raise XMLError(f"unsupported HyperV Enlightenment feature: {name}")
        state = h.get("state")
        if state is None:
            raise XMLError(f"missing 'state' attribute for HyperV Enlightenment feature '{name}'")
        value = tristate_value(state, f"HyperV Enlightenment feature '{name}'", "on", "off")
        setattr(hv, name, value)
        if name == "spinlocks" and value:
            retries = h.get("retries")
            if retries is None:
                raise XMLError("missing HyperV spinlock retry count")
            n = uint_value(retries, "HyperV spinlock retry count")
            assert n is not None
            if n < 0xFFF:
                raise XMLError("HyperV spinlock retry count must be at least 4095")
            hv.retries = n


def _adjustment(value: str) -> int:
    """A clock adjustment in seconds: a long long (virStrToLong_ll)."""
    try:
        number = int(value, 10)
    except ValueError:
        raise XMLError(f"unknown clock adjustment '{value}'") from None
    if not LLONG_MIN <= number <= LLONG_MAX:
        raise XMLError(f"unknown clock adjustment '{value}'")
    return number


def parse_clock(root: Element, dom: Domain, ctx: ParseContext) -> None:
    el = child(root, "clock")
    clock = dom.clock  # the new domain's, still at its defaults
    if el is None:
        return
    offset = el.get("offset", "utc")
    if offset not in (CLOCK_OFFSETS_MODERN if ctx.modern else CLOCK_OFFSETS):
        raise XMLError(f"unknown clock offset '{offset}'")
    clock.offset = offset
    adj = el.get("adjustment")
    if offset in ("utc", "localtime"):
        if adj is not None:
            if adj == "reset":
                clock.adjustment_set = True
            else:
                clock.adjustment = _adjustment(adj)
                # A numeric adjustment turns the clock into a variable one.
                clock.basis = "utc" if offset == "utc" else "localtime"
                clock.offset = "variable"
    elif offset == "variable":
        if adj is None:
            clock.adjustment = 0
        else:
            clock.adjustment = _adjustment(adj)
        basis = el.get("basis", "utc")
        if basis not in ("utc", "localtime"):
            raise XMLError(f"unknown clock basis '{basis}'")
        clock.basis = basis
    elif offset == "timezone":
        tz = el.get("timezone")
        if tz is None:
            raise XMLError("missing 'timezone' attribute for clock with offset='timezone'")
        clock.timezone = tz
    elif offset == "absolute":
        start = el.get("start")
        if start is None or not start.strip().isdigit():
            raise XMLError("missing 'start' attribute for clock with offset='absolute'",
                           code="internal error")
        clock.start = int(start)
    for t in children(el, "timer"):
        clock.timers.append(_parse_timer(t, ctx.modern))


def _parse_timer(el: Element, modern: bool) -> Timer:
    name = el.get("name")
    if name is None:
        raise XMLError("missing timer name")
    if name not in (TIMER_NAMES_MODERN if modern else TIMER_NAMES):
        raise XMLError(f"unknown timer name '{name}'")
    t = Timer(name)
    present = el.get("present")
    if present is not None:
        t.present = tristate_value(present, "timer present")
    tp = el.get("tickpolicy")
    if tp is not None:
        if tp not in ("delay", "catchup", "merge", "discard"):
            raise XMLError(f"unknown timer tickpolicy '{tp}'")
        t.tickpolicy = tp
    track = el.get("track")
    if track is not None:
        if track not in (TIMER_TRACKS_MODERN if modern else TIMER_TRACKS):
            raise XMLError(f"unknown timer track '{track}'")
        t.track = track
    freq = el.get("frequency")
    if freq is not None:
        try:
            t.frequency = int(freq, 10)
        except ValueError:
            raise XMLError("invalid timer frequency") from None
    mode = el.get("mode")
    if mode is not None:
        if mode not in ("auto", "native", "emulate", "paravirt", "smpsafe"):
            raise XMLError(f"unknown timer mode '{mode}'")
        t.mode = mode
    cu = child(el, "catchup")
    if cu is not None:
        for attr in ("threshold", "slew", "limit"):
            v = cu.get(attr)
            if v is not None:
                n = uint_value(v, f"timer catchup {attr}")
                setattr(t, f"catchup_{attr}", n)
    return t


def parse_lifecycle(root: Element, dom: Domain, ctx: ParseContext) -> None:
    lc = dom.lifecycle
    kids = children_by_tag(root)  # read once for the four actions
    lc.on_reboot = _action(kids, "on_reboot", LIFECYCLE, "restart")
    lc.on_poweroff = _action(kids, "on_poweroff", LIFECYCLE, "destroy")
    lc.on_crash = _action(kids, "on_crash", CRASH, "destroy")
    lf = indexed_text(kids, "on_lockfailure")
    if lf is not None:
        if lf not in LOCKFAILURE:
            raise XMLError(f"unknown on_lockfailure action: {lf}")
        lc.on_lockfailure = lf


def _action(kids: dict[str, list[Element]], name: str, choices: tuple[str, ...],
            default: str) -> str:
    value = indexed_text(kids, name)
    if value is None:
        return default
    if value not in choices:
        raise XMLError(f"unknown {name} action: {value}")
    return value


def parse_pm(root: Element, dom: Domain, ctx: ParseContext) -> None:
    el = child(root, "pm")
    if el is None:
        return
    for tagname, attr in (("suspend-to-mem", "s3"), ("suspend-to-disk", "s4")):
        node = child(el, tagname)
        if node is None:
            continue
        enabled = node.get("enabled")
        if enabled is None:
            continue
        v = tristate_value(enabled, f"{tagname} enabled")
        setattr(dom.pm, attr, v)


def parse_seclabels(root: Element, dom: Domain, ctx: ParseContext) -> None:
    nodes = children(root, "seclabel")
    labels: list[SecLabel] = []
    if not nodes:  # the usual case: nothing to check either
        dom.seclabels = labels
        return
    for node in nodes:
        labels.append(_parse_seclabel(node, ctx))
    models = [s.model for s in labels if s.model]
    if len(models) != len(set(models)):
        dup = next(m for m in models if models.count(m) > 1)
        raise XMLError(f"seclabel for model {dup} is already provided", code="")
    if len(labels) > 1 and any(s.model is None for s in labels):
        raise XMLError("missing security model when using multiple labels")
    secmodels = ctx.caps.host.get("secmodels", ())
    if len(labels) == 1 and labels[0].model is None and secmodels:
        s = labels[0]
        if s.type == "none" or (s.type == "dynamic" and s.baselabel is None and ctx.inactive):
            s.model = str(secmodels[0].get("model"))
            if s.model == "none" and ctx.inactive:
                s.type = "none"
                s.relabel = False
        else:
            raise XMLError("missing security model in domain seclabel")
    dom.seclabels = labels


def _parse_seclabel(el: Element, ctx: ParseContext) -> SecLabel:
    s = SecLabel()
    stype = el.get("type")
    if stype is None:
        stype = "dynamic"
    if stype not in ("dynamic", "static", "none"):
        raise XMLError(f"invalid security type '{stype}'")
    s.type = stype
    if stype in ("static", "none"):
        s.relabel = False
    relabel = el.get("relabel")
    if relabel is not None:
        v = tristate_value(relabel, "security relabel")
        assert v is not None
        s.relabel = v
        s.relabel_set = True
        if s.type == "dynamic" and not v:
            raise XMLError("dynamic label type must use resource relabeling")
        if s.type == "none" and v:
            raise XMLError("resource relabeling is not compatible with 'none' label type")
    s.model = el.get("model")
    # Live-only labels of dynamic seclabels are ignored in inactive documents.
    if s.type == "static" or (s.type == "dynamic" and not ctx.inactive):
        label = child_text(el, "label")
        if label is None and s.type == "static":
            raise XMLError("security label is missing")
        s.label = label
    # The image label is live state: read only from a live document that relabels.
    if s.relabel and not ctx.inactive and s.type != "none":
        s.imagelabel = child_text(el, "imagelabel")
        if s.imagelabel is None:
            raise XMLError("security imagelabel is missing")
    if s.type == "dynamic":
        s.baselabel = child_text(el, "baselabel")
    return s


def parse_qemu_cmdline(root: Element, dom: Domain, ctx: ParseContext) -> None:
    nodes = children(root, f"{{{QEMU_NS}}}commandline")
    if not nodes and not ctx.modern:
        return
    cl = QemuCommandline()
    for node in nodes[:1]:
        for a in node:
            if a.tag == f"{{{QEMU_NS}}}arg":
                value = a.get("value")
                if value is None:
                    raise XMLError("No qemu command-line argument specified")
                cl.args.append(value)
        for e in node:
            if e.tag == f"{{{QEMU_NS}}}env":
                name = e.get("name")
                if name is None:
                    raise XMLError("No qemu environment name specified")
                if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
                    raise XMLError(
                        "Invalid environment name, it must begin with a letter or underscore"
                    )
                cl.env.append((name, e.get("value")))
    if ctx.modern:
        _parse_qemu_namespace_modern(root, cl)
    if not cl.empty():
        dom.qemu_cmdline = cl


def _qemu_children(parents: list[Element], name: str) -> list[Element]:
    """The ``qemu:NAME`` children of each of ``parents``, in order."""
    return [c for p in parents for c in children(p, f"{{{QEMU_NS}}}{name}")]


def _parse_qemu_namespace_modern(root: Element, cl: QemuCommandline) -> None:
    """qemuDomainDefNamespaceParse's parts libvirt 1.3.1 did not have, in its order."""
    for device in _qemu_children(_qemu_children([root], "override"), "device"):
        alias = device.get("alias")
        if alias is None:
            raise XMLError("missing 'alias' attribute for qemu:device")
        props = _qemu_children(_qemu_children([device], "frontend"), "property")
        cl.overrides.append(QemuDeviceOverride(alias, [_override_property(p) for p in props]))
    capabilities = _qemu_children([root], "capabilities")
    for kind, names in (("add", cl.caps_add), ("del", cl.caps_del)):
        for node in _qemu_children(capabilities, kind):
            name = node.get("capability")
            if name is None:
                raise XMLError("missing capability name", code="internal error")
            names.append(name)
    deprecation = _qemu_children([root], "deprecation")
    cl.deprecation = (deprecation[0].get("behavior") or None) if deprecation else None


_OVERRIDE_TYPES = ("string", "signed", "unsigned", "bool", "remove")


def _override_property(node: Element) -> QemuOverrideProperty:
    """qemuDomainDefNamespaceParseOverrideProperties."""
    name = node.get("name")
    if name is None:
        raise XMLError("missing 'name' attribute for qemu:property")
    if name == "id":
        raise XMLError("property with name 'id' can't be overridden")
    kind = prop_enum(node, "type", _OVERRIDE_TYPES)
    if kind is None:
        raise XMLError("Missing required attribute 'type' in element 'property'")
    value = node.get("value")
    if value is None:
        if kind != "remove":
            raise XMLError("missing 'value' attribute for 'qemu:property'")
        return QemuOverrideProperty(name, kind, None, None)
    invalid = XMLError(f"invalid value '{value}' of 'value' attribute of 'qemu:property'")
    json: str | int | bool
    if kind == "string":
        json = value
    elif kind in ("signed", "unsigned"):
        # virStrToLong_ll / virStrToLong_ullp: the whole text, base 10
        if not re.fullmatch(r"\s*[+-]?[0-9]+", value):
            raise invalid
        json = int(value)
        low, high = (LLONG_MIN, LLONG_MAX) if kind == "signed" else (0, ULLONG_MAX)
        if not low <= json <= high:
            raise invalid
    elif kind == "bool":
        if value not in ("true", "false"):
            raise invalid
        json = value == "true"
    else:
        raise XMLError("setting 'value' attribute of 'qemu:property' doesn't make sense "
                       "with 'remove' type")
    return QemuOverrideProperty(name, kind, value, json)


def parse_keywrap(root: Element, dom: Domain, ctx: ParseContext) -> None:
    el = child(root, "keywrap")
    if el is None:
        return
    kw = Keywrap()
    for c in children(el, "cipher"):
        name = c.get("name")
        if name is None:
            raise XMLError("missing name for cipher")
        if name not in ("aes", "dea"):
            raise XMLError(f"{name} is not a supported cipher")
        state = c.get("state")
        if state is None:
            raise XMLError(f"missing state for cipher named {name}")
        v = tristate_value(state, f"cipher {name} state", "on", "off")
        if getattr(kw, name) is not None:
            raise XMLError(
                f"A domain definition can have no more than one cipher node with name {name}"
            )
        setattr(kw, name, v)
    dom.keywrap = kw
