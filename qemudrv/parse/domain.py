"""The <domain> element: general sections, then the devices."""

from __future__ import annotations

from ..errors import XMLError
from ..model.domain import Domain
from ..xmlreader import Element, child, parse_document
from . import general, general_cpu, general_os, sysinfo
from .context import ParseContext
from .devices import parse_devices
from .launch_security import parse_launch_security


def parse_domain_xml(text: str, ctx: ParseContext) -> Domain:
    root = parse_document(text)
    if root.tag != "domain":
        raise XMLError(f"unexpected root element <{root.tag}>, expecting <domain>")
    return parse_domain(root, ctx)


def parse_domain(root: Element, ctx: ParseContext) -> Domain:
    """virDomainDefParseXML: the sections in libvirt's order."""
    dom = Domain(modern=ctx.modern)
    general.parse_header(root, dom, ctx)
    general.parse_memory(root, dom, ctx)
    general.parse_blkiotune(root, dom, ctx)
    general.parse_vcpus(root, dom, ctx)
    if ctx.modern:
        general.parse_vcpu_states(root, dom)
    general.parse_iothreads(root, dom, ctx)
    general_cpu.parse_cputune(root, dom, ctx)
    general_cpu.parse_cpu_numa(root, dom, ctx)
    general_cpu.parse_numatune(root, dom, ctx)
    general.parse_resource(root, dom, ctx)
    general.parse_idmap(root, dom, ctx)
    general_os.parse_features(root, dom, ctx)
    general_os.parse_lifecycle(root, dom, ctx)
    general_os.parse_pm(root, dom, ctx)
    general_os.parse_clock(root, dom, ctx)
    if ctx.modern:
        sysinfo.parse_sysinfos(root, dom)
    else:
        general.parse_sysinfo(root, dom, ctx)
    general_os.parse_os(root, dom, ctx)
    general_os.parse_seclabels(root, dom, ctx)
    parse_devices(child(root, "devices"), ctx, dom.devices)
    _check_boot_order(dom, ctx)
    general_os.parse_qemu_cmdline(root, dom, ctx)
    general_os.parse_keywrap(root, dom, ctx)
    parse_launch_security(root, dom, ctx)
    return dom


def _check_boot_order(dom: Domain, ctx: ParseContext) -> None:
    """Per-device <boot order> and <os><boot dev> exclude each other; with
    neither, an HVM guest boots from its first disk."""
    if dom.os.type != "hvm":
        return
    if ctx.boot_orders and dom.os.boot_devs:
        raise XMLError("per-device boot elements cannot be used together with os/boot elements",
                       code="unsupported configuration")
    if not ctx.boot_orders and not dom.os.boot_devs:
        dom.os.boot_devs = ["hd"]
