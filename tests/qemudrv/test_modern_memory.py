"""libvirt 9.0's guest memory, NUMA, I/O thread pools and IOMMU: the
behaviour no imported golden pins on its own."""

from __future__ import annotations

import json
import shlex

import pytest
from qemudrv_helpers import domain_xml
from test_modern_cmdline import argv, modern_caps, option

from qemudrv.driver import QemuDriver
from qemudrv.errors import ConfigError

_HUGETLBFS = [{"mnt_dir": "/dev/hp2M", "size": 2048, "default": True}]


def _objects(args: list[str]) -> list[dict[str, object]]:
    return [json.loads(o) for o in option(args, "-object") if o.startswith("{")]


def _xml2xml(extra: str, devices: str = "") -> str:
    return QemuDriver().xml_to_xml(domain_xml(devices, extra=extra), modern_caps()).output


def test_memfd_ram_on_huge_pages_names_the_page_size() -> None:
    extra = ("<memoryBacking><hugepages/><source type='memfd'/><access mode='shared'/>"
             "</memoryBacking>")
    caps = modern_caps("memory-backend-memfd", "memory-backend-memfd.hugetlb",
                       hugetlbfs=_HUGETLBFS)
    ram = _objects(argv("", caps, extra=extra))[-1]
    assert ram == {"qom-type": "memory-backend-memfd", "id": "pc.ram", "hugetlb": True,
                   "hugetlbsize": 2048 * 1024, "share": True, "prealloc": True,
                   "size": 214 * 1024 * 1024}


def test_file_source_puts_each_backend_under_the_memory_backing_dir() -> None:
    extra = ("<memoryBacking><source type='file'/><discard/></memoryBacking>"
             "<cpu><numa><cell id='0' cpus='0' memory='219136' unit='KiB'/></numa></cpu>")
    node = _objects(argv("", modern_caps(), extra=extra))[-1]
    assert node["qom-type"] == "memory-backend-file"
    assert node["mem-path"] == "/var/lib/libvirt/qemu/ram/-1-t/ram-node0"
    assert node["discard-data"] is True


def test_numa_distances_given_one_way_hold_both_ways() -> None:
    extra = ("<cpu><numa>"
             "<cell id='0' cpus='0' memory='109568' unit='KiB'>"
             "<distances><sibling id='0' value='10'/><sibling id='1' value='21'/></distances>"
             "</cell><cell id='1' cpus='1' memory='109568' unit='KiB'/></numa></cpu>")
    text = domain_xml("", extra=extra).replace("<vcpu>1</vcpu>", "<vcpu>2</vcpu>")
    args = shlex.split(QemuDriver().xml_to_argv(text, modern_caps()).output)
    assert [d for d in option(args, "-numa") if d.startswith("dist")] == [
        "dist,src=0,dst=0,val=10", "dist,src=0,dst=1,val=21",
        "dist,src=1,dst=0,val=21", "dist,src=1,dst=1,val=10"]
    out = QemuDriver().xml_to_xml(text, modern_caps()).output
    assert "<sibling id='0' value='21'/>" in out


def test_a_cell_without_vcpus_takes_the_lowest_latency_initiator() -> None:
    extra = ("<cpu><numa>"
             "<cell id='0' cpus='0' memory='109568' unit='KiB'/>"
             "<cell id='1' memory='109568' unit='KiB'/>"
             "<interconnects><latency initiator='0' target='1' type='access' value='5'/>"
             "</interconnects></numa></cpu>")
    args = argv("", modern_caps("numa.hmat"), extra=extra)
    assert "hmat=on" in option(args, "-machine")[0].split(",")
    assert "node,nodeid=1,initiator=0,memdev=ram-node1" in option(args, "-numa")
    assert ("hmat-lb,initiator=0,target=1,hierarchy=memory,data-type=access-latency,"
            "latency=5") in option(args, "-numa")


def test_iothread_pools_reach_the_iothread_and_main_loop_objects() -> None:
    extra = ("<iothreads>2</iothreads><iothreadids>"
             "<iothread id='2' thread_pool_min='1' thread_pool_max='4'/></iothreadids>"
             "<defaultiothread thread_pool_max='8'/>")
    objects = _objects(argv("", modern_caps("iothread", "iothread.thread-pool-max"), extra=extra))
    assert {"qom-type": "iothread", "id": "iothread2", "thread-pool-min": 1,
            "thread-pool-max": 4} in objects
    assert {"qom-type": "iothread", "id": "iothread1"} in objects
    assert {"qom-type": "main-loop", "id": "main-loop", "thread-pool-max": 8} in objects
    out = _xml2xml(extra)
    assert "<iothread id='1'/>" in out and "<defaultiothread thread_pool_max='8'/>" in out


def test_a_pool_minimum_without_a_maximum_is_refused() -> None:
    extra = "<iothreads>1</iothreads><iothreadids><iothread id='1' thread_pool_min='2'/>" \
            "</iothreadids>"
    with pytest.raises(ConfigError, match="thread_pool_min must be smaller or equal"):
        argv("", modern_caps("iothread", "iothread.thread-pool-max"), extra=extra)


def test_intel_iommu_switches_are_device_properties() -> None:
    devices = "<iommu model='intel'><driver caching_mode='on' aw_bits='48'/></iommu>"
    args = argv(devices, modern_caps("intel-iommu", "intel-iommu.caching-mode",
                                     "intel-iommu.aw-bits", "pcie-root-port",
                                     "virtio-pci-non-transitional"), machine="q35")
    iommu = [json.loads(d) for d in option(args, "-device") if "intel-iommu" in d]
    assert iommu == [{"driver": "intel-iommu", "id": "iommu0", "caching-mode": True,
                      "aw-bits": 48}]


def test_intel_iommu_needs_a_q35_machine() -> None:
    with pytest.raises(ConfigError, match="only supported with Q35 machines"):
        argv("<iommu model='intel'/>", modern_caps("intel-iommu"))


def test_diag288_watchdog_is_for_s390_only() -> None:
    with pytest.raises(ConfigError, match="allowed for s390 and s390x only"):
        argv("<watchdog model='diag288' action='reset'/>", modern_caps())


def test_plain_shared_memory_is_a_shared_file_backend() -> None:
    devices = "<shmem name='shm0' role='peer'><model type='ivshmem-plain'/></shmem>"
    args = argv(devices, modern_caps("ivshmem-plain"))
    assert {"qom-type": "memory-backend-file", "id": "shmmem-shmem0",
            "mem-path": "/dev/shm/shm0", "size": 4 << 20, "share": True} in _objects(args)
    shmem = [json.loads(d) for d in option(args, "-device") if "ivshmem" in d]
    assert shmem[0]["memdev"] == "shmmem-shmem0" and shmem[0]["master"] == "off"


def test_a_doorbell_without_a_server_is_refused() -> None:
    with pytest.raises(ConfigError, match="only with server option enabled"):
        argv("<shmem name='shm0'><model type='ivshmem-doorbell'/></shmem>",
             modern_caps("ivshmem-doorbell"))


def test_virtio_pmem_is_shared_and_a_pseries_nvdimm_gets_a_uuid() -> None:
    pmem = ("<memory model='virtio-pmem'><source><path>/tmp/pmem</path></source>"
            "<target><size unit='KiB'>524288</size></target></memory>")
    extra = "<maxMemory slots='4' unit='KiB'>2097152</maxMemory>" \
            "<cpu><numa><cell id='0' cpus='0' memory='219136' unit='KiB'/></numa></cpu>"
    assert "<memory model='virtio-pmem' access='shared'>" in _xml2xml(extra, pmem)
    nvdimm = ("<memory model='nvdimm'><source><path>/tmp/nvdimm</path></source>"
              "<target><size unit='KiB'>524288</size><label><size unit='KiB'>128</size>"
              "</label></target></memory>")
    text = domain_xml(nvdimm, arch="ppc64", machine="pseries", extra=extra)
    out = QemuDriver().xml_to_xml(text, modern_caps()).output
    assert "<uuid>00010203-0405-4607-8809-0a0b0c0d0e0f</uuid>" in out
