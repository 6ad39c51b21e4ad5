"""The host side of a character device as libvirt 9.0 reads it
(virDomainChrSourceDefParseXML): only the first <source> counts (two for
udp), then <log> and <protocol>. Missing paths, hosts and channels are
validation's to report (virDomainChrSourceDefValidate)."""

from __future__ import annotations

from ..errors import ConfigError, XMLError
from ..model.chardev import TCP_PROTOCOLS, ChrDevice, ChrSource
from ..model.graphics import SPICE_MOUSE_MODES
from ..xmlreader import Element, elements
from .context import ParseContext
from .seclabel import parse_device_seclabels

_MODES = ("connect", "bind")


def _tristate(el: Element, name: str, choices: tuple[str, str]) -> bool | None:
    value = el.get(name)
    if value is None:
        return None
    if value not in choices:
        raise XMLError(f"Invalid value for attribute '{name}' in element '{el.tag}': "
                       f"'{value}'. Expected one of '{choices[0]}', '{choices[1]}'")
    return value == choices[0]


def _mode(source: Element) -> str:
    mode = source.get("mode") or "connect"
    if mode not in _MODES:
        raise XMLError(f"Invalid value for attribute 'mode' in element 'source': '{mode}'.")
    return mode


def _reconnect(src: ChrSource, source: Element) -> None:
    """virDomainChrSourceReconnectDefParseXML."""
    cur = next(elements(source, "reconnect"), None)
    if cur is None:
        return
    src.reconnect = _tristate(cur, "enabled", ("yes", "no"))
    if src.reconnect:
        timeout = cur.get("timeout")
        if timeout is None:
            raise XMLError("Missing required attribute 'timeout' in element 'reconnect'")
        if not timeout.isdigit():
            raise XMLError(f"Invalid value for attribute 'timeout' in element 'reconnect': "
                           f"'{timeout}'. Expected non-negative integer value")
        src.reconnect_timeout = int(timeout)


def _source(src: ChrSource, sources: list[Element], ctx: ParseContext) -> None:
    first = sources[0]
    t = src.type
    if t == "file":
        src.path = first.get("path")
        src.append = _tristate(first, "append", ("on", "off"))
    elif t == "pty":
        # a pty's path is live state
        if not ctx.inactive:
            src.path = first.get("path")
    elif t in ("dev", "pipe"):
        src.path = first.get("path")
    elif t == "unix":
        src.listen = _mode(first) == "bind"
        src.path = first.get("path")
        _reconnect(src, first)
    elif t == "udp":
        for source in sources:
            if _mode(source) == "connect":
                if src.connect_host is None and src.connect_service is None:
                    src.connect_host = source.get("host")
                    src.connect_service = source.get("service")
            elif src.bind_host is None and src.bind_service is None:
                src.bind_host = source.get("host")
                src.bind_service = source.get("service")
    elif t == "tcp":
        src.listen = _mode(first) == "bind"
        src.host = first.get("host")
        src.service = first.get("service")
        src.tls = _tristate(first, "tls", ("yes", "no"))
        if ctx.status:
            src.tls_from_config = (first.get("tlsFromConfig") or "0") not in ("0", "")
        _reconnect(src, first)
    elif t in ("spiceport", "dbus"):
        src.channel = first.get("channel")
    elif t == "nmdm":
        src.master, src.slave = first.get("master"), first.get("slave")
    elif t == "qemu-vdagent":
        clipboard = next(elements(first, "clipboard"), None)
        if clipboard is not None:
            if clipboard.get("copypaste") is None:
                raise XMLError("Missing required attribute 'copypaste' in element "
                               "'clipboard'")
            src.clipboard = _tristate(clipboard, "copypaste", ("yes", "no"))
        mouse = next(elements(first, "mouse"), None)
        if mouse is not None:
            mode = mouse.get("mode")
            if mode is None:
                raise XMLError("Missing required attribute 'mode' in element 'mouse'")
            if mode not in SPICE_MOUSE_MODES[1:]:
                raise XMLError(f"Invalid value for attribute 'mode' in element 'mouse': "
                               f"'{mode}'.")
            src.mouse = mode


def parse_modern_chr_source(el: Element, ctx: ParseContext, src: ChrSource,
                            chr_dev: ChrDevice | None) -> ChrSource:
    sources = list(elements(el, "source"))
    if sources:
        if len(sources) > 1 and src.type != "udp":
            raise XMLError("only one source element is allowed for character device")
        if len(sources) > 2:
            raise XMLError("only two source elements are allowed for character device")
        _source(src, sources, ctx)
        if chr_dev is not None:
            src.seclabels.extend(parse_device_seclabels(sources[0], ctx))
    logs = list(elements(el, "log"))
    if len(logs) > 1:
        raise XMLError("only one log element is allowed for character device")
    if logs:
        src.log_file = logs[0].get("file")
        src.log_append = _tristate(logs[0], "append", ("on", "off"))
    protocols = list(elements(el, "protocol"))
    if len(protocols) > 1:
        raise XMLError("only one protocol element is allowed for character device")
    if protocols and src.type == "tcp":
        protocol = protocols[0].get("type")
        if protocol is not None:
            if protocol not in TCP_PROTOCOLS:
                raise ConfigError(f"Unknown protocol '{protocol}'")
            src.protocol = protocol
    return src
