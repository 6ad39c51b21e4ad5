"""Shared helpers of the network, host device, filesystem and misc tests:
a minimal x86_64/s390x/ppc64 capability set and domain documents."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from harness.protocol import Capabilities
from qemudrv.driver import QemuDriver

_GUESTS = tuple(
    MappingProxyType({
        "os_type": "hvm", "arch": arch, "wordsize": 64, "emulator": emulator,
        "machines": tuple(MappingProxyType({"name": m}) for m in machines),
        "domains": (MappingProxyType({"type": "qemu"}), MappingProxyType({"type": "kvm"})),
    })
    for arch, emulator, machines in (
        ("x86_64", "/usr/bin/qemu-system-x86_64", ("pc",)),
        ("s390x", "/usr/bin/qemu-system-s390x", ("s390-ccw-virtio",)),
        ("ppc64", "/usr/bin/qemu-system-ppc64", ("pseries",)),
        ("aarch64", "/usr/bin/qemu-system-aarch64", ("virt",)),
    )
)


def caps(*flags: str, **config: Any) -> Capabilities:
    tables = {
        "guests": _GUESTS,
        "host": MappingProxyType({
            "arch": "x86_64", "page_size": 4096, "numa_max_node": 7,
            "tpm_cancel_path": "/sys/class/misc/tpm0/device/cancel", "scsi_sg_name": "sg0",
        }),
        "monitor": MappingProxyType({"type": "unix", "path": "/tmp/mon", "listen": True}),
        "secrets": MappingProxyType({"value": "s3cret", "usage_id": "myusage"}),
    }
    return Capabilities("test", frozenset(flags), MappingProxyType(dict(config)),
                        MappingProxyType(tables))


def domain(devices: str, arch: str = "x86_64", machine: str = "pc", extra: str = "") -> str:
    return f"""<domain type='qemu'>
  <name>t</name>
  <uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>
  <memory unit='KiB'>219136</memory>
  <vcpu>1</vcpu>
  <os><type arch='{arch}' machine='{machine}'>hvm</type></os>
  {extra}
  <devices>
{devices}
  </devices>
</domain>
"""


def argv(xml: str, *flags: str, **config: Any) -> str:
    return QemuDriver().xml_to_argv(xml, caps(*flags, **config)).output


def xml(text: str, *, active: bool = False) -> str:
    return QemuDriver().xml_to_xml(text, caps(), active=active).output
