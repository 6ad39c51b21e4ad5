"""<features> in libvirt 9.0's dialect: parsing, formatting, validation and
the command line switches (virDomainFeaturesDefParse, qemuBuildCpuCommandLine,
qemuAppendDomainFeaturesMachineParam)."""

from __future__ import annotations

import re

import pytest
from qemudrv_helpers import domain_xml
from test_modern_cmdline import argv, modern_caps, option
from test_modern_xml import modern_caps as modern_xml_caps

from qemudrv.driver import QemuDriver
from qemudrv.errors import DefinitionRejected


def _with_features(features: str, machine: str = "pc") -> str:
    return domain_xml("", machine=machine, extra=f"<features>{features}</features>")


def _xml(features: str, machine: str = "pc") -> str:
    return QemuDriver().xml_to_xml(_with_features(features, machine), modern_xml_caps()).output


def _features_block(out: str) -> list[str]:
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if "<features>" in line)
    end = next(i for i, line in enumerate(lines) if "</features>" in line)
    return [line.strip() for line in lines[start + 1:end]]


def test_features_are_written_in_libvirts_order_with_their_values() -> None:
    out = _xml("<ioapic driver='qemu'/><vmcoreinfo/><smm><tseg unit='KiB'>49152</tseg></smm>"
               "<msrs unknown='ignore'/><pae/>")
    assert _features_block(out) == [
        "<pae/>", "<smm state='on'>", "<tseg unit='MiB'>48</tseg>", "</smm>",
        "<ioapic driver='qemu'/>", "<vmcoreinfo state='on'/>", "<msrs unknown='ignore'/>",
    ]


def test_every_hyperv_enlightenment_round_trips_in_enum_order() -> None:
    out = _xml("<hyperv mode='custom'><tlbflush state='on'/><stimer state='on'>"
               "<direct state='on'/></stimer><vendor_id state='on' value='KVM Hv'/>"
               "<relaxed state='off'/></hyperv>")
    assert _features_block(out) == [
        "<hyperv mode='custom'>", "<relaxed state='off'/>", "<stimer state='on'>",
        "<direct state='on'/>", "</stimer>", "<vendor_id state='on' value='KVM Hv'/>",
        "<tlbflush state='on'/>", "</hyperv>",
    ]


def test_hyperv_passthrough_keeps_an_open_and_closed_element() -> None:
    assert _features_block(_xml("<hyperv mode='passthrough'/>")) == [
        "<hyperv mode='passthrough'>", "</hyperv>"]


@pytest.mark.parametrize(("features", "message"), [
    ("<hyperv><foo state='on'/></hyperv>", "unsupported HyperV Enlightenment feature: foo"),
    ("<kvm><foo state='on'/></kvm>", "unsupported KVM feature: foo"),
    ("<kvm><dirty-ring state='on' size='1000'/></kvm>",
     "dirty ring must be power of 2 and ranges [1024, 65536]"),
    ("<htm/>", "Missing required attribute 'state' in element 'htm'"),
    ("<ioapic driver='none'/>", "Invalid value for attribute 'driver' in element 'ioapic': 'none'."),
    ("<bogus/>", "unexpected feature 'bogus'"),
])
def test_invalid_features_are_refused_with_libvirts_message(features: str, message: str) -> None:
    with pytest.raises(DefinitionRejected, match=re.escape(message)):
        _xml(features)


def test_hyperv_and_kvm_switches_follow_the_model() -> None:
    args = argv("", modern_caps(), extra="<features><hyperv><vpindex state='on'/>"
                "<spinlocks state='on' retries='8191'/><stimer state='on'><direct state='on'/>"
                "</stimer></hyperv><kvm><hidden state='on'/><pv-ipi state='off'/></kvm>"
                "</features>")
    assert option(args, "-cpu") == [
        "qemu64,hv-spinlocks=0x1fff,hv-vpindex=on,hv-stimer=on,hv-stimer-direct=on,"
        "kvm=off,kvm-pv-ipi=off"]


def test_machine_properties_of_features() -> None:
    args = argv("", modern_caps("machine-vmport-opt"),
                extra="<features><smm state='off'/><ioapic driver='kvm'/>"
                "<vmport state='on'/></features>")
    machine = option(args, "-machine")[0]
    assert machine.startswith("pc-i440fx-8.0,usb=off,vmport=on,smm=off,kernel_irqchip=on,dump-guest-core")


def test_tseg_is_a_global_and_needs_q35() -> None:
    # (A q35 guest's balloon sits on a PCIe root port.)
    caps = modern_caps("mch.extended-tseg-mbytes", "pcie-root-port",
                       "virtio-pci-non-transitional")
    tseg = "<features><smm state='on'><tseg unit='MiB'>48</tseg></smm></features>"
    args = argv("", caps, machine="q35", extra=tseg)
    assert "mch.extended-tseg-mbytes=48" in option(args, "-global")
    with pytest.raises(DefinitionRejected, match="only supported with q35"):
        argv("", caps, extra=tseg)


def test_tcg_translation_cache_is_an_accelerator_property() -> None:
    args = argv("", modern_caps(), extra="<features><tcg><tb-cache unit='MiB'>128</tb-cache>"
                "</tcg></features>")
    assert option(args, "-accel") == ["tcg,tb-size=128"]


def test_pseries_features_need_a_pseries_machine() -> None:
    message = "The 'htm' feature is not supported for architecture 'x86_64' or machine type "
    with pytest.raises(DefinitionRejected, match=re.escape(message + "'pc-i440fx-8.0'")):
        argv("", modern_caps(), extra="<features><htm state='on'/></features>")
