"""Finding the driver under test: ``MODULE:ATTR`` or an entry-point name."""

from __future__ import annotations

import difflib
import importlib
import traceback
from collections.abc import Collection
from importlib.metadata import entry_points
from pathlib import Path

from .errors import DriverLoadError
from .protocol import Driver, Mode
from .timeout import CaseTimedOut

__all__ = [
    "CONVERTERS",
    "ENTRY_POINT_GROUP",
    "load_driver",
    "registered_drivers",
    "validate_driver",
]

ENTRY_POINT_GROUP = "hvharness.drivers"
CONVERTERS = {
    Mode.XML2ARGV: "xml_to_argv",
    Mode.XML2XML: "xml_to_xml",
    Mode.ARGV2XML: "argv_to_xml",
}
# Not a failure to load: Ctrl-C, and the time limit the caller set.
_PASS_THROUGH = (KeyboardInterrupt, CaseTimedOut)


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
            except _PASS_THROUGH:
                raise
            except BaseException as exc:
                raise DriverLoadError(
                    f"entry point {spec!r} ({ep.value}) failed to load: {_brief(exc)}"
                ) from exc
            return validate_driver(loaded, f"{spec} ({ep.value})")
        module_name, attr = spec, "driver"
    else:
        module_name, _, attr = spec.partition(":")
    try:
        module = importlib.import_module(module_name)
    except _PASS_THROUGH:
        raise
    # A module that calls sys.exit() on import cannot load either.
    except BaseException as exc:
        raise DriverLoadError(f"cannot import {module_name!r}: {_brief(exc)}") from exc
    obj: object = module
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise DriverLoadError(
                f"module {module_name!r} has no attribute {attr!r}{_suggestion(obj, part)}"
            ) from None
    return validate_driver(obj, spec)


def registered_drivers() -> list[str]:
    """``NAME (MODULE:ATTR)`` for every entry point of the drivers group."""
    found = entry_points(group=ENTRY_POINT_GROUP)
    return sorted({f"{ep.name} ({ep.value})" for ep in found})


def _suggestion(obj: object, missing: str) -> str:
    public = [name for name in dir(obj) if not name.startswith("_")]
    close = difflib.get_close_matches(missing, public, n=3)
    return f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""


def validate_driver(obj: object, origin: str) -> Driver:
    """Check that ``obj`` has what the harness calls; a clear error if not."""
    missing = [a for a in ("name", "modes") if not hasattr(obj, a)]
    if missing:
        raise DriverLoadError(f"{origin} is not a driver: it has no {', '.join(missing)!s}")
    declared = getattr(obj, "modes")  # noqa: B009
    # Asked once per case: an iterator would be empty from the second case on.
    if not isinstance(declared, Collection) or isinstance(declared, str):
        raise DriverLoadError(
            f"{origin}: 'modes' must be a set of modes, not {type(declared).__name__}")
    try:
        modes = {Mode(m) for m in declared}
    except Exception as exc:
        raise DriverLoadError(f"{origin}: 'modes' must be a set of modes: {exc}") from None
    for mode in sorted(modes):
        if not callable(getattr(obj, CONVERTERS[mode], None)):
            raise DriverLoadError(
                f"{origin} declares mode {mode} but has no {CONVERTERS[mode]}() method"
            )
    return obj  # type: ignore[return-value]


def _brief(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    # Only the driver's frames say where it broke; not ours, nor the import machinery's.
    tb = [f for f in traceback.extract_tb(exc.__traceback__)
          if not f.filename.startswith("<") and f.filename != __file__
          and "importlib" not in Path(f.filename).parts]
    if tb:
        last = tb[-1]
        text += f" ({last.filename}:{last.lineno})"
    return text
