"""The guest IOMMU on libvirt 9.0's command line (qemuBuildIOMMUCommandLine,
the -machine iommu property) and its checks (qemuValidateDomainDeviceDefIOMMU,
virDomainIOMMUDefValidate)."""

from __future__ import annotations

from ...caps import QemuCaps
from ...errors import ConfigError
from ...model.address import PCIAddress
from ...model.domain import Domain
from ...model.iommu import IOMMU
from ..command import CommandLine
from ..general import is_q35
from .address import address_props
from .props import Props, add_device

# The driver switches, their capability and the message without it.
_SWITCH_CAPS = (
    ("intremap", "intel-iommu.intremap", "interrupt remapping"),
    ("caching_mode", "intel-iommu.caching-mode", "caching mode"),
    ("eim", "intel-iommu.eim", "eim"),
    ("iotlb", "intel-iommu.device-iotlb", "device IOTLB"),
)


def _is_arm_virt(dom: Domain) -> bool:
    machine = dom.machine
    return dom.os.arch in ("armv7l", "aarch64") and (machine == "virt"
                                                     or machine.startswith("virt-"))


def machine_iommu_params(dom: Domain) -> list[str]:
    """SMMUv3 has no -device: it is a property of the ARM virt machine."""
    iommu = dom.devices.iommu
    return ["iommu=smmuv3"] if iommu is not None and iommu.model == "smmuv3" else []


def _on_off_auto(value: bool | None) -> str | None:
    return None if value is None else ("on" if value else "off")


def build_iommu(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    iommu = dom.devices.iommu
    if iommu is None or iommu.model == "smmuv3":
        return
    props: Props
    if iommu.model == "intel":
        props = {"driver": "intel-iommu", "id": iommu.info.alias}
        for key, value in (("intremap", _on_off_auto(iommu.intremap)),
                           ("caching-mode", iommu.caching_mode),
                           ("eim", _on_off_auto(iommu.eim)),
                           ("device-iotlb", iommu.iotlb),
                           ("aw-bits", iommu.aw_bits or None)):
            if value is not None:
                props[key] = value
    else:
        props = {"driver": "virtio-iommu", "id": iommu.info.alias}
        props.update(address_props(dom, iommu.info, caps))
    add_device(cmd, props, caps)


def _check_definition(iommu: IOMMU) -> None:
    """virDomainIOMMUDefValidate."""
    if iommu.model in ("smmuv3", "virtio") and (
            any(getattr(iommu, name) is not None for name, _, _ in _SWITCH_CAPS)
            or iommu.aw_bits):
        raise ConfigError(f"iommu model '{iommu.model}' doesn't support additional attributes",
                          code="XML error")
    if iommu.model in ("smmuv3", "intel") and iommu.info.address is not None:
        raise ConfigError(f"iommu model '{iommu.model}' can't have address", code="XML error")


def validate_iommu(dom: Domain, caps: QemuCaps) -> None:
    """qemuValidateDomainDeviceDefIOMMU after virDomainIOMMUDefValidate."""
    iommu = dom.devices.iommu
    if iommu is None:
        return
    _check_definition(iommu)
    model = iommu.model
    if model == "intel":
        if not is_q35(dom):
            raise ConfigError(f"IOMMU device: '{model}' is only supported with Q35 machines")
        supported = caps.has("intel-iommu")
    elif model == "smmuv3":
        if not _is_arm_virt(dom):
            raise ConfigError(f"IOMMU device: '{model}' is only supported with "
                              "ARM Virt machines")
        supported = caps.has("machine.virt.iommu")
    else:
        if not _is_arm_virt(dom) and not is_q35(dom):
            raise ConfigError(f"IOMMU device: '{model}' is only supported with "
                              "Q35 and ARM Virt machines")
        supported = caps.has("virtio-iommu-pci") and caps.has("virtio-iommu.boot-bypass")
    if not supported:
        raise ConfigError(f"IOMMU device: '{model}' is not supported with this QEMU binary")
    if model == "virtio":
        if not dom.features.on("acpi"):
            raise ConfigError(f"IOMMU device: '{model}' requires ACPI")
        if iommu.info.address is not None and not isinstance(iommu.info.address, PCIAddress):
            raise ConfigError(f"IOMMU device: '{model}' needs a PCI address")
    for name, flag, what in _SWITCH_CAPS:
        if getattr(iommu, name) is not None and not caps.has(flag):
            raise ConfigError(f"iommu: {what} is not supported with this QEMU binary")
    if iommu.aw_bits and not caps.has("intel-iommu.aw-bits"):
        raise ConfigError("iommu: aw_bits is not supported with this QEMU binary")
    # virDomainDefIOMMUValidate, after every device.
    if iommu.intremap and dom.features.values.get("ioapic") != "qemu":
        raise ConfigError("IOMMU interrupt remapping requires split I/O APIC "
                          "(ioapic driver='qemu')")
    if iommu.eim and not iommu.intremap:
        raise ConfigError("IOMMU eim requires interrupt remapping to be enabled")
