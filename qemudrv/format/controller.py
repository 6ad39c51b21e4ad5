"""Formatting of <controller> (virDomainControllerDefFormat of libvirt 1.3.1)."""

from __future__ import annotations

from ..model.controller import Controller
from ..model.domain import Domain
from ..xmlwriter import Attr, XMLWriter
from .context import FormatContext
from .device_info import format_device_info
from .virtio_options import virtio_options_attrs


def format_controller(w: XMLWriter, cont: Controller, ctx: FormatContext) -> None:
    head: list[Attr] = [("type", cont.type), ("index", cont.index), ("model", cont.model)]
    if cont.type == "virtio-serial":
        head += [("ports", cont.ports), ("vectors", cont.vectors)]
    elif cont.type == "usb" and ctx.modern:
        head.append(("ports", cont.ports))
    body = w.child()
    if cont.type == "pci":
        if cont.model_name:
            body.empty("model", ("name", cont.model_name))
        port = None if cont.port is None else f"0x{cont.port:x}"
        target: list[Attr] = [
            ("chassisNr", cont.chassis_nr), ("chassis", cont.chassis), ("port", port),
        ]
        if ctx.modern:
            target += [("busNr", cont.bus_nr), ("index", cont.target_index),
                       ("hotplug", cont.hotplug)]
        node = w.child().child()
        node.element("node", cont.numa_node)
        if node:
            body.wrap("target", node, *target)
        elif any(value is not None for _, value in target):
            body.empty("target", *target)
    virtio = virtio_options_attrs(cont.virtio)
    if (
        cont.queues or cont.cmd_per_lun or cont.max_sectors
        or cont.ioeventfd is not None or cont.iothread
        or any(value is not None for _, value in virtio)
    ):
        ioeventfd = None if cont.ioeventfd is None else ("on" if cont.ioeventfd else "off")
        body.empty(
            "driver",
            ("queues", cont.queues or None),
            ("cmd_per_lun", cont.cmd_per_lun or None),
            ("max_sectors", cont.max_sectors or None),
            ("ioeventfd", ioeventfd),
            ("iothread", cont.iothread or None),
            *virtio,
        )
    format_device_info(body, cont.info, ctx)
    if cont.type == "pci" and cont.pcihole64_set:
        body.element("pcihole64", cont.pcihole64 or 0, ("unit", "KiB"))
    w.wrap("controller", body, *head)


def format_controllers(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    for cont in dom.devices.controllers:
        format_controller(w, cont, ctx)
