"""Finding the driver under test: ``MODULE:ATTR`` or an entry-point name."""

from __future__ import annotations

import importlib
import traceback
from importlib.metadata import entry_points
from pathlib import Path

from .errors import DriverLoadError
from .protocol import Driver, Mode

__all__ = ["ENTRY_POINT_GROUP", "load_driver", "validate_driver"]

ENTRY_POINT_GROUP = "hvharness.drivers"
_CONVERTERS = {
    Mode.XML2ARGV: "xml_to_argv",
    Mode.XML2XML: "xml_to_xml",
    Mode.ARGV2XML: "argv_to_xml",
}


def load_driver(spec: str, *, cwd: Path | None = None, exec_timeout: float | None = None
                ) -> Driver:
    """Load a driver from ``MODULE:ATTR``, the name of an entry point, or ``exec:COMMAND``.

    A bare name that is not a registered entry point is imported as a
    module whose ``driver`` attribute is the driver, so a project's own
    driver works from a checkout that was never installed. ``exec:``
    starts a driver process in ``cwd`` (see :mod:`harness.exec_driver`).
    """
    spec = spec.strip()
    if spec.startswith("exec:"):
        from .exec_driver import DEFAULT_TIMEOUT, ExecDriver
        return ExecDriver(spec.removeprefix("exec:"), cwd=cwd,
                          timeout=exec_timeout if exec_timeout is not None else DEFAULT_TIMEOUT)
    if not spec:
        raise DriverLoadError("the driver name is empty")
    if ":" not in spec:
        found = entry_points(group=ENTRY_POINT_GROUP, name=spec)
        if found:
            (ep,) = tuple(found)[:1]
            try:
                loaded = ep.load()
            except Exception as exc:
                raise DriverLoadError(
                    f"entry point {spec!r} ({ep.value}) failed to load: {_brief(exc)}"
                ) from exc
            return validate_driver(loaded, f"{spec} ({ep.value})")
        module_name, attr = spec, "driver"
    else:
        module_name, _, attr = spec.partition(":")
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:
        raise DriverLoadError(f"cannot import {module_name!r}: {_brief(exc)}") from exc
    obj: object = module
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise DriverLoadError(f"module {module_name!r} has no attribute {attr!r}") from None
    return validate_driver(obj, spec)


def validate_driver(obj: object, origin: str) -> Driver:
    """Check that ``obj`` has what the harness calls; a clear error if not."""
    missing = [a for a in ("name", "modes") if not hasattr(obj, a)]
    if missing:
        raise DriverLoadError(f"{origin} is not a driver: it has no {', '.join(missing)!s}")
    try:
        modes = {Mode(m) for m in getattr(obj, "modes")}  # noqa: B009
    except (TypeError, ValueError) as exc:
        raise DriverLoadError(f"{origin}: 'modes' must be a set of modes: {exc}") from None
    for mode in sorted(modes):
        if not callable(getattr(obj, _CONVERTERS[mode], None)):
            raise DriverLoadError(
                f"{origin} declares mode {mode} but has no {_CONVERTERS[mode]}() method"
            )
    return obj  # type: ignore[return-value]


def _brief(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    tb = [f for f in traceback.extract_tb(exc.__traceback__) if not f.filename.startswith("<")]
    if tb:
        last = tb[-1]
        text += f" ({last.filename}:{last.lineno})"
    return text
