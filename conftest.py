"""Test configuration shared by the whole repository."""

from importlib.metadata import entry_points

pytest_plugins = ["pytester"]

# Running from a checkout that was never installed: load the plugin from the
# source tree (an installed one registers itself through its entry point).
_installed = {ep.value for ep in entry_points(group="pytest11")}
for _plugin in ("harness.plugin", "hvharness_qemu.plugin"):
    if _plugin not in _installed:
        pytest_plugins.append(_plugin)
