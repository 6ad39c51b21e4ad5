"""<iothreads>, <iothreadids> and <defaultiothread> as libvirt 9.0 writes
them (virDomainDefIOThreadsFormat)."""

from __future__ import annotations

from ..model.domain import Domain
from ..xmlwriter import XMLWriter


def _pool(pool_min: int, pool_max: int) -> list[tuple[str, int | None]]:
    return [("thread_pool_min", pool_min if pool_min >= 0 else None),
            ("thread_pool_max", pool_max if pool_max >= 0 else None)]


def format_iothreads_modern(w: XMLWriter, dom: Domain) -> None:
    """Once one thread was given or has a pool, every thread is listed,
    the filled-in ones too."""
    threads = dom.iothreads
    if threads:
        w.element("iothreads", len(threads))
    if any(not t.autofill or t.pool_min >= 0 or t.pool_max >= 0 for t in threads):
        w.start("iothreadids")
        for t in threads:
            w.empty("iothread", ("id", t.id), *_pool(t.pool_min, t.pool_max))
        w.end("iothreadids")
    pool = dom.default_iothread
    if pool is not None:
        w.empty("defaultiothread", *_pool(pool.pool_min, pool.pool_max))
