"""Test configuration shared by the whole repository."""

from importlib.metadata import entry_points

pytest_plugins = ["pytester"]

# Running from a checkout that was never installed: load the plugin from the
# source tree (an installed one registers itself through its entry point).
if not any(ep.value == "harness.plugin" for ep in entry_points(group="pytest11")):
    pytest_plugins.append("harness.plugin")
