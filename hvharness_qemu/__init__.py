"""hvharness-qemu: check generated command lines against a real QEMU.

A pytest plugin (``hvharness_qemu.plugin``, entry point ``hvharness-qemu``)
between the harness and :mod:`qemudrv.validate`. With ``--qemu-validate``,
every xml2argv case whose command line matched its golden, and whose
capability set was probed from the same emulator (``caps/qemu-VERSION-ARCH``
with its ``[emulator]`` table), is started paused under that emulator;
QEMU's refusal fails the case.
"""

from .checker import CHECKER, Identity, QemuChecker, identify

__all__ = ["CHECKER", "Identity", "QemuChecker", "identify"]
