"""The post-parse hook tables: every entry is a real defaults function."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import qemudrv.defaults
from qemudrv import postparse

TABLES = {
    "DEFAULT_DEVICE_HOOKS": postparse.DEFAULT_DEVICE_HOOKS,
    "DEVICE_HOOKS": postparse.DEVICE_HOOKS,
    "IMPLICIT_CONTROLLER_HOOKS": postparse.IMPLICIT_CONTROLLER_HOOKS,
    "ADDRESS_HOOKS": postparse.ADDRESS_HOOKS,
    "PREPARE_HOOKS": postparse.PREPARE_HOOKS,
    "MODERN_DEFAULT_DEVICE_HOOKS": postparse.MODERN_DEFAULT_DEVICE_HOOKS,
    "MODERN_DEVICE_HOOKS": postparse.MODERN_DEVICE_HOOKS,
}


@pytest.mark.parametrize("table", sorted(TABLES))
def test_registered_hooks_are_defaults_functions(table: str) -> None:
    hooks = TABLES[table]
    assert hooks, f"{table} is empty"
    for hook in hooks:
        assert inspect.isfunction(hook), f"{table}: {hook!r} is not a function"
        assert hook.__module__.startswith("qemudrv.defaults."), hook.__module__
        # Hooks are called as hook(dom, caps).
        inspect.signature(hook).bind(object(), object())


def _defaults_functions() -> dict[str, object]:
    found: dict[str, object] = {}
    for info in pkgutil.iter_modules(qemudrv.defaults.__path__):
        module = importlib.import_module(f"qemudrv.defaults.{info.name}")
        for name, func in inspect.getmembers(module, inspect.isfunction):
            if func.__module__ == module.__name__:
                found[f"{info.name}.{name}"] = func
    return found


def test_every_post_parse_function_is_registered() -> None:
    """A family's *_post_parse written but left out of the table would never run."""
    registered = set(postparse.DEVICE_HOOKS) | set(postparse.MODERN_DEVICE_HOOKS)
    unregistered = [
        name for name, func in _defaults_functions().items()
        if name.endswith("_post_parse") and func not in registered
    ]
    assert unregistered == []
