"""hvharness-qemu: check generated command lines against a real QEMU.

A pytest plugin (``hvharness_qemu.plugin``, entry point ``hvharness-qemu``)
between the harness and :mod:`qemudrv.validate`. With ``--qemu-validate``,
every xml2argv case whose command line matched its golden, and whose
capability set was probed from the same emulator (``caps/qemu-VERSION-ARCH``
with its ``[emulator]`` table), is started paused under that emulator;
QEMU's refusal fails the case.

Importing this package imports nothing else: pytest loads the plugin into
every session once the package is installed, and the reference driver (with
lxml) is loaded only when ``--qemu-validate`` asks for it. The checker lives
in :mod:`hvharness_qemu.checker`.
"""
