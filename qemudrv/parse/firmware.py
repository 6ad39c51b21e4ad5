"""<os> firmware, <loader> and <nvram> as libvirt 9.0 reads them
(virDomainDefParseBootFirmwareOptions, virDomainLoaderDefParseXML)."""

from __future__ import annotations

from ..errors import XMLError
from ..model.domain import Domain
from ..model.general import Loader
from ..xmlreader import Element, child, children, text
from .context import ParseContext
from .xmlprop import enum_attr

FIRMWARE_FEATURES = ("enrolled-keys", "secure-boot")
_YES_NO = ("absent", "yes", "no")
# The storage types an NVRAM <source> may have, and the attribute naming it.
_NVRAM_SOURCE_ATTRS = {"file": "file", "block": "dev"}


def _yes_no(el: Element, name: str, *, required: bool = False) -> bool | None:
    """virXMLPropTristateBool."""
    raw = enum_attr(el, name, _YES_NO, required=required, nonzero=True)
    return None if raw is None else raw == "yes"


def parse_firmware_options(os_el: Element, dom: Domain, ctx: ParseContext) -> None:
    """The firmware attribute and the features autoselection should look for."""
    firmware = os_el.get("firmware")
    features_el = child(os_el, "firmware")
    nodes = children(features_el, "feature") if features_el is not None else []
    # Features without autoselection came from older libvirt's migratable
    # XML: ignored, except for a new definition (ABI update).
    if nodes and not firmware and "abi-update" not in (ctx.caps.conf("parse_flags") or ()):
        return
    if nodes:
        features: dict[str, bool] = {}
        for node in nodes:
            name = str(enum_attr(node, "name", FIRMWARE_FEATURES, required=True))
            features[name] = bool(_yes_no(node, "enabled", required=True))
        dom.os.firmware_features = {n: features[n] for n in FIRMWARE_FEATURES if n in features}
    if firmware is None:
        return
    if firmware not in ("bios", "efi"):
        raise XMLError(f"unknown firmware value {firmware}")
    dom.os.firmware = firmware


def parse_loader_options(os_el: Element, dom: Domain) -> None:
    loader_el = child(os_el, "loader")
    nvram_el = child(os_el, "nvram")
    if loader_el is None and nvram_el is None:
        return
    loader = Loader()
    if nvram_el is not None:
        _parse_nvram(nvram_el, loader)
    if loader_el is not None:
        loader.readonly = _yes_no(loader_el, "readonly")
        loader.type = enum_attr(loader_el, "type", ("none", "rom", "pflash"), nonzero=True)
        loader.path = text(loader_el)
        loader.secure = _yes_no(loader_el, "secure")
        loader.stateless = _yes_no(loader_el, "stateless")
    dom.os.loader = loader


def _parse_nvram(el: Element, loader: Loader) -> None:
    loader.nvram_template = el.get("template")
    nvram_type = el.get("type")
    if nvram_type is None:
        loader.nvram = text(el)
        return
    attr = _NVRAM_SOURCE_ATTRS.get(nvram_type)
    if attr is None:
        # Network NVRAM (a storage source with hosts and auth) is not read yet.
        raise XMLError(f"NVRAM of type '{nvram_type}' is not supported by this driver",
                       code="unsupported configuration")
    source = child(el, "source")
    if source is None:
        raise XMLError("missing source for NVRAM", code="internal error")
    loader.nvram_type = nvram_type
    loader.nvram = source.get(attr)


def parse_acpi_options(os_el: Element, dom: Domain) -> None:
    """virDomainDefParseBootAcpiOptions: one SLIC table at most."""
    acpi = child(os_el, "acpi")
    tables = children(acpi, "table") if acpi is not None else []
    if len(tables) > 1:
        raise XMLError("Only one acpi table is supported")
    if not tables:
        return
    table_type = tables[0].get("type")
    if table_type is None:
        raise XMLError("Missing acpi table type")
    if table_type != "slic":
        raise XMLError(f"Unknown acpi table type: {table_type}")
    dom.os.slic_table = sanitize_path(text(tables[0]) or "")


def sanitize_path(path: str) -> str:
    """virFileSanitizePath: no repeated slashes and no trailing one (a
    leading double slash is kept, as POSIX allows)."""
    lead = "//" if path.startswith("//") and not path.startswith("///") else ""
    parts = [p for p in path.split("/") if p]
    body = "/".join(parts)
    if lead:
        return lead + body
    return "/" + body if path.startswith("/") else body
