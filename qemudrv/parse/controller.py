"""Parsing of <controller> (virDomainControllerDefParseXML of libvirt 1.3.1)."""

from __future__ import annotations

from ..errors import XMLError
from ..limits import CONTROLLERS_MAX, UINT_MAX
from ..model.controller import (
    CONTROLLER_TYPES,
    PCI_MODEL_NAMES,
    PCI_MODEL_NAMES_MODERN,
    Controller,
    models_for,
)
from ..xmlreader import Element, child, children_by_tag, scale
from .context import ParseContext
from .device_info import parse_device_info
from .general_values import uint_or_none
from .prop_errors import invalid_value
from .virtio_options import parse_virtio_options

# Default master start port of the ICH9 UHCI companions.
_COMPANION_START = {"ich9-uhci1": 0, "ich9-uhci2": 2, "ich9-uhci3": 4}


def _check_index(index: str) -> None:
    """9.0 reads the index with virXMLPropInt(VIR_XML_PROP_NONNEGATIVE)."""
    try:
        number = int(index, 10)
    except ValueError:
        raise invalid_value("index", "controller", index, "integer") from None
    if number < 0:
        raise invalid_value("index", "controller", index, "non-negative")


def _int_any_base(value: str | None, what: str) -> int | None:
    if value is None:
        return None
    try:
        return int(value, 0)
    except ValueError:
        raise XMLError(f"Invalid {what} '{value}' in PCI controller") from None


def parse_controller(el: Element, ctx: ParseContext) -> Controller:
    cont = Controller()
    type_ = el.get("type")
    if type_ is not None:
        if type_ not in CONTROLLER_TYPES:
            raise XMLError(f"Unknown controller type '{type_}'")
        cont.type = type_
    index = el.get("index")
    if index is None and ctx.modern:
        cont.index = -1  # libvirt 9.0 picks one after parsing
    if index is not None and ctx.modern:
        _check_index(index)
    if index is not None:
        cont.index = uint_or_none(index, "Cannot parse controller index %s", 2**31 - 1) or 0
        if cont.index >= CONTROLLERS_MAX:
            raise XMLError(
                f"controller index {cont.index} is above the limit of {CONTROLLERS_MAX - 1}"
            )
    model = el.get("model")
    if model is not None:
        allowed = models_for(cont.type, ctx.modern)
        if not allowed or model not in allowed:
            raise XMLError(f"Unknown model type '{model}'")
        cont.model = model

    # The last <driver>, <model> and <target> count.
    kids = children_by_tag(el)
    found = kids.get("driver")
    driver = found[-1] if found else None
    found = kids.get("model")
    model_el = found[-1] if found else None
    found = kids.get("target")
    target = found[-1] if found else None
    if driver is not None:
        cont.queues = uint_or_none(driver.get("queues"), "Malformed 'queues' value '%s'",
                                   UINT_MAX)
        cont.cmd_per_lun = uint_or_none(driver.get("cmd_per_lun"),
                                        "Malformed 'cmd_per_lun' value '%s'", UINT_MAX)
        cont.max_sectors = uint_or_none(driver.get("max_sectors"),
                                        "Malformed 'max_sectors' value '%s'", UINT_MAX)
        ioeventfd = driver.get("ioeventfd")
        if ioeventfd is not None:
            if ioeventfd not in ("on", "off"):
                raise XMLError(f"Malformed 'ioeventfd' value '{ioeventfd}'")
            cont.ioeventfd = ioeventfd == "on"
        cont.iothread = uint_or_none(
            driver.get("iothread"), "Invalid iothread attribute in controller driver: '%s'",
            UINT_MAX)
        if ctx.modern:
            cont.virtio = parse_virtio_options(driver)
    if model_el is not None:
        name = model_el.get("name")
        names = PCI_MODEL_NAMES_MODERN if ctx.modern else PCI_MODEL_NAMES
        if name is not None and name not in names:
            raise XMLError(f"Unknown PCI controller model name '{name}'")
        cont.model_name = name
    if target is not None:
        cont.chassis_nr = _int_any_base(target.get("chassisNr"), "chassisNr")
        cont.chassis = _int_any_base(target.get("chassis"), "chassis")
        cont.port = _int_any_base(target.get("port"), "port")
        if ctx.modern:
            _parse_modern_target(target, cont)

    # The address of a 'none' USB controller is ignored.
    if cont.type != "usb" or cont.model != "none":
        parse_device_info(el, ctx, cont.info)

    if cont.type == "virtio-serial":
        cont.ports = uint_or_none(el.get("ports"), "Invalid ports: %s", 2**31 - 1)
        cont.vectors = uint_or_none(el.get("vectors"), "Invalid vectors: %s", 2**31 - 1)
    elif cont.type == "usb":
        if ctx.modern:
            cont.ports = uint_or_none(el.get("ports"), "Invalid ports: %s", 2**31 - 1)
        start = _COMPANION_START.get(cont.model or "")
        if start is not None and cont.info.usb_master_startport is None:
            cont.info.usb_master_startport = start
    elif cont.type == "pci":
        _parse_pci(el, cont, ctx.modern)
    return cont


def _parse_modern_target(target: Element, cont: Controller) -> None:
    """virDomainControllerDefParseXML (libvirt 9.0): busNr, index, hotplug
    and the NUMA node of PCI controllers."""
    cont.bus_nr = _int_any_base(target.get("busNr"), "busNr")
    if cont.bus_nr is not None and not 1 <= cont.bus_nr <= 254:
        raise XMLError(f"PCI controller busNr '{cont.bus_nr}' out of range - must be 1-254")
    cont.target_index = _int_any_base(target.get("index"), "index")
    if cont.target_index is not None and not 0 <= cont.target_index <= 31:
        raise XMLError(f"PCI controller target index '{cont.target_index}' out of range "
                       "- must be 0-31")
    hotplug = target.get("hotplug")
    if hotplug is not None:
        if hotplug not in ("on", "off"):
            raise XMLError(f"Invalid target hotplug value '{hotplug}'")
        cont.hotplug = hotplug
    node = child(target, "node")
    if node is not None:
        value = (node.text or "").strip()
        if not value.isdigit():
            raise XMLError(f"Invalid NUMA node in target, '{value}'")
        cont.numa_node = int(value)


def _parse_pci(el: Element, cont: Controller, modern: bool) -> None:
    # libvirt 9.0 checks the roots later: in the controller post-parse
    # (pSeries has more than one) and validation.
    if cont.model in ("pci-root", "pcie-root") and not modern:
        if cont.info.address is not None:
            raise XMLError("pci-root and pcie-root controllers should not have an address",
                           code="unsupported configuration")
        if cont.index > 0:  # (-1: libvirt 9.0 assigns one later)
            raise XMLError("pci-root and pcie-root controllers should have index 0")
    hole = child(el, "pcihole64")
    if hole is not None:
        raw = (hole.text or "").strip()
        try:
            number = int(raw, 10)
            if number < 0:
                raise ValueError(raw)
        except ValueError:
            raise XMLError(f"Cannot parse pcihole64 size '{raw}'") from None
        size = scale(number, hole.get("unit"), 1024, "pcihole64")
        cont.pcihole64 = -(-size // 1024)
        cont.pcihole64_set = True
    if cont.chassis_nr is not None and not 1 <= cont.chassis_nr <= 255:
        raise XMLError(
            f"PCI controller chassisNr '{cont.chassis_nr}' out of range - must be 1-255"
        )
    if cont.chassis is not None and not 0 <= cont.chassis <= 255:
        raise XMLError(f"PCI controller chassis '{cont.chassis}' out of range - must be 0-255")
    if cont.port is not None and not 0 <= cont.port <= 255:
        raise XMLError(f"PCI controller port '{cont.port}' out of range - must be 0-255")
