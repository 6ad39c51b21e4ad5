"""libvirt 9.0's defaults and checks of <shmem> made after parsing
(qemuDomainShmemDefPostParse)."""

from __future__ import annotations

from typing import Any

from ..errors import ConfigError
from ..model.domain import Domain

# The size QEMU's ivshmem always defaulted to, in bytes.
_DEFAULT_SIZE = 4 << 20


def shmem_post_parse(dom: Domain, caps: Any) -> None:
    for shm in dom.devices.shmems:
        if shm.model != "ivshmem-doorbell" and not shm.size:
            shm.size = _DEFAULT_SIZE
        if shm.model == "ivshmem":
            continue
        if not shm.server:
            if shm.model == "ivshmem-doorbell":
                raise ConfigError(f"shmem model '{shm.model}' is supported only with "
                                  "server option enabled")
            continue
        if shm.model == "ivshmem-plain":
            raise ConfigError(f"shmem model '{shm.model}' is supported only with "
                              "server option disabled")
        if shm.size:
            raise ConfigError(f"shmem model '{shm.model}' does not support size setting")
        shm.msi = True
        if shm.msi_ioeventfd is None:
            shm.msi_ioeventfd = True
