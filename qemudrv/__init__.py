"""qemudrv: the reference QEMU driver of hvharness.

``driver`` is the object the harness loads (``qemudrv:driver``).
"""

from .driver import QemuDriver

__all__ = ["QemuDriver", "driver"]

driver = QemuDriver()
