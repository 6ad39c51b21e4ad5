"""qemu_domain.c's machine and architecture predicates, as validation uses them."""

from __future__ import annotations

from ..model.domain import Domain


def is_x86(dom: Domain) -> bool:
    return dom.arch in ("i686", "x86_64")


def is_s390(dom: Domain) -> bool:
    return dom.arch in ("s390", "s390x")


def is_q35(dom: Domain) -> bool:
    return is_x86(dom) and (dom.machine == "q35" or dom.machine.startswith("pc-q35"))


def is_i440fx(dom: Domain) -> bool:
    m = dom.machine
    return is_x86(dom) and (m == "pc" or m.startswith(("pc-0.", "pc-1.", "pc-i440", "rhel")))


def is_pseries(dom: Domain) -> bool:
    return dom.arch in ("ppc64", "ppc64le") and dom.machine.startswith("pseries")


def is_arm_virt(dom: Domain) -> bool:
    return dom.arch in ("armv6l", "armv7l", "aarch64") and (
        dom.machine == "virt" or dom.machine.startswith("virt-"))


def is_riscv_virt(dom: Domain) -> bool:
    return dom.arch in ("riscv32", "riscv64") and dom.machine == "virt"
