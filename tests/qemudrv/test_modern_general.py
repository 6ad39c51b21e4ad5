"""libvirt 9.0's general sections: <genid>, the absolute clock, hvf domains."""

from __future__ import annotations

import shlex
from types import MappingProxyType

from qemudrv_helpers import domain_xml
from test_modern_cmdline import argv, modern_caps, option
from test_modern_xml import modern_caps as modern_xml_caps

from harness.protocol import Capabilities
from qemudrv.driver import QemuDriver


def test_an_empty_genid_is_generated_from_libvirts_mocked_random_bytes() -> None:
    base = modern_caps("vmgenid", mocks=["virrandom"])
    caps = Capabilities(base.name, base.flags, base.config, MappingProxyType(
        {**base.tables, "random": MappingProxyType({"bytes": "index"})}))
    xml = domain_xml("").replace("<memory", "<genid/>\n  <memory")
    args = shlex.split(QemuDriver().xml_to_argv(xml, caps).output)
    assert '{"driver":"vmgenid","guid":"00010203-0405-4607-8809-0a0b0c0d0e0f",' \
        '"id":"vmgenid0"}' in option(args, "-device")


def test_an_absolute_clock_starts_at_its_time() -> None:
    args = argv("", modern_caps(), extra="<clock offset='absolute' start='1234567890'>"
                "<timer name='rtc' track='realtime'/></clock>")
    assert option(args, "-rtc") == ["base=2009-02-13T23:31:30,clock=rt"]


def test_hvf_domains_are_read() -> None:
    xml = domain_xml("").replace("type='qemu'", "type='hvf'")
    out = QemuDriver().xml_to_xml(xml, modern_xml_caps()).output
    assert out.startswith("<domain type='hvf'>")


def test_sev_launch_security_round_trips_and_becomes_an_object() -> None:
    sev = ("<launchSecurity type='sev' kernelHashes='yes'><policy>0x0003</policy>"
           "<dhCert>CERT</dhCert></launchSecurity>")
    xml = domain_xml("").replace("</domain>", sev + "\n</domain>")
    out = QemuDriver().xml_to_xml(xml, modern_xml_caps()).output
    assert "<launchSecurity type='sev' kernelHashes='yes'>\n    <policy>0x0003</policy>\n" \
        "    <dhCert>CERT</dhCert>\n  </launchSecurity>" in out
    base = modern_caps("sev-guest", "sev-guest-kernel-hashes", "confidential-guest-support")
    caps = Capabilities(base.name, base.flags, base.config, MappingProxyType(
        {**base.tables, "qemu": MappingProxyType({**base.tables["qemu"], "sev": (
            MappingProxyType({"cbitpos": 47, "reducedPhysBits": 1}),)})}))
    args = shlex.split(QemuDriver().xml_to_argv(xml, caps).output)
    assert option(args, "-machine")[0].endswith(",confidential-guest-support=lsec0")
    assert '{"qom-type":"sev-guest","id":"lsec0","cbitpos":47,"reduced-phys-bits":1,' \
        '"policy":3,"dh-cert-file":"/tmp/lib/domain--1-t/dh_cert.base64",' \
        '"kernel-hashes":true}' in option(args, "-object")


def test_cputune_keeps_global_bandwidth_and_one_scheduler_per_vcpu() -> None:
    tune = ("<cputune><global_period>1000000</global_period><global_quota>-1</global_quota>"
            "<vcpusched vcpus='0-1' scheduler='fifo' priority='1'/></cputune>")
    xml = domain_xml("", extra=tune).replace("<vcpu>1</vcpu>", "<vcpu>2</vcpu>")
    out = QemuDriver().xml_to_xml(xml, modern_xml_caps()).output
    assert "<global_period>1000000</global_period>\n    <global_quota>-1</global_quota>\n" \
        "    <vcpusched vcpus='0' scheduler='fifo' priority='1'/>\n" \
        "    <vcpusched vcpus='1' scheduler='fifo' priority='1'/>\n" in out
