"""libvirt 9.0's checks of the I/O thread pools (qemuValidateDomainDefIOThreads,
virDomainDefValidateIOThreads)."""

from __future__ import annotations

from ...caps import QemuCaps
from ...errors import ConfigError
from ...model.domain import Domain


def _check_pool(pool_min: int, pool_max: int) -> None:
    if pool_max == 0:
        raise ConfigError("thread_pool_max must be a positive integer")
    if pool_min > pool_max:
        raise ConfigError("thread_pool_min must be smaller or equal to thread_pool_max")


def validate_iothreads(dom: Domain, caps: QemuCaps) -> None:
    pools = [(t.pool_min, t.pool_max) for t in dom.iothreads]
    if dom.default_iothread is not None:
        pools.append((dom.default_iothread.pool_min, dom.default_iothread.pool_max))
    if any(p != (-1, -1) for p in pools) and not caps.has("iothread.thread-pool-max"):
        raise ConfigError("thread_pool_min and thread_pool_max is not supported by this "
                          "QEMU binary")
    for pool_min, pool_max in pools:
        _check_pool(pool_min, pool_max)
