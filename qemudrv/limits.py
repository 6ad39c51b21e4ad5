"""Upper bounds on the numbers that size the driver's work.

Every integer of a definition or a command line that drives a loop or an
allocation (controller indexes that imply controllers, vCPU counts, NUMA
cells, CPU sets, memory sizes, drive indexes) is checked against a bound
here before it is used, so any input is converted or refused in bounded
time and memory. The bounds are libvirt's where libvirt has one.
"""

from __future__ import annotations

from .errors import ConfigError

# The controllers of one type a domain can have (indexes 0..1023). libvirt
# accepts any int but adds every implicit controller below the highest
# index used; no machine QEMU emulates holds more controllers than this.
CONTROLLERS_MAX = 1024

# QEMU_GUEST_VCPU_MAX_ID: the largest vCPU count libvirt gives QEMU.
VCPUS_MAX = 4096

# VIR_DOMAIN_CPUMASK_LEN bounds CPU numbers; host NUMA node numbers are
# bounded the same way (libvirt's node bitmaps are as wide).
CPUMASK_LEN = 1024
# libvirt 9.0 widened it to 16384 CPUs.
CPUMASK_LEN_9_0 = 16384

# virDomainParseMemory: a size in bytes must fit a signed 64-bit off_t;
# sizes are kept in KiB.
MEMORY_MAX_KIB = (2**63 - 1) // 1024

# I/O threads of a domain (libvirt bounds them by UINT_MAX; each one is a
# -object on the command line, so a smaller bound keeps that bounded).
IOTHREADS_MAX = 4096

# What Linux's exec() takes: ARG_MAX (2 MiB with the default stack limit)
# for the whole command line, MAX_ARG_STRLEN (32 pages) for one word. A
# command line given to argv2xml cannot have been run if it is longer.
COMMAND_LINE_MAX = 2 * 1024 * 1024
WORD_MAX = 128 * 1024

# The C types libvirt reads numbers into (virStrToLong_i, _ui, _ull, _ll).
INT_MAX = 2**31 - 1
UINT_MAX = 2**32 - 1
ULLONG_MAX = 2**64 - 1
LLONG_MIN, LLONG_MAX = -(2**63), 2**63 - 1


def check_controller_index(kind: str, index: int, why: str) -> None:
    """Refuse a ``kind`` controller index above the bound; ``why`` says
    where the index comes from, for the message."""
    if index >= CONTROLLERS_MAX:
        raise ConfigError(
            f"{why} needs {kind} controller index {index}, above the limit of "
            f"{CONTROLLERS_MAX - 1}"
        )
