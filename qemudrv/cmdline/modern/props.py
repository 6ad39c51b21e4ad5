"""The property builders: -device, -object, -blockdev, -netdev, -audiodev.

libvirt 9.0 builds these options as JSON objects (virJSONValue) and writes
them compactly, keys in the order they were added, when QEMU takes JSON there
(the 'device.json+hotplug', 'object.qapified' and 'netdev.json' capabilities;
-blockdev and -audiodev always); otherwise as QemuOpts, the first property's
value leading (virQEMUBuildCommandLineJSON). Everything that builds such an
option goes through here so the forms stay in one place.
"""

from __future__ import annotations

import json
import json.encoder as json_encoder
from typing import Any

from ...bitmap import format_bitmap
from ...caps import QemuCaps
from ..command import CommandLine

Props = dict[str, Any]


# virJSONValueToString without pretty-printing: no spaces, raw UTF-8. One
# encoder for every option (json.dumps with options builds one a call).
# The properties are trees built here, never cyclic: no cycle bookkeeping.
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False)

# JSONEncoder.encode makes a new C encoder on every call; the C encoder it
# makes, with the settings above, is made here once and called directly.
_C_ENCODE = getattr(json_encoder, "c_make_encoder", None)
if _C_ENCODE is not None:
    _C_ENCODE = _C_ENCODE(
        None, _ENCODER.default, json_encoder.encode_basestring, None,
        _ENCODER.key_separator, _ENCODER.item_separator, False, False, True)


def to_json(props: Props) -> str:
    if _C_ENCODE is not None:
        return "".join(_C_ENCODE(props, 0))
    return _ENCODER.encode(props)


def _opt_value(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    return escape_comma(str(value))


def to_qemu_opts(props: Props) -> str:
    """virQEMUBuildCommandLineJSON: the first value alone, then key=value."""
    items = iter(props.items())
    _, lead = next(items)
    parts = [_opt_value(lead)]
    for key, value in items:
        if isinstance(value, list) and all(isinstance(v, int) for v in value):
            # virQEMUBuildCommandLineJSONArrayBitmap: one key per range.
            parts.extend(f"{key}={r}" for r in format_bitmap(frozenset(value)).split(","))
        elif isinstance(value, list) and all(isinstance(v, dict) for v in value):
            # virQEMUBuildCommandLineJSONArrayObjectsStr: one key per {"str"}.
            parts.extend(f"{key}={v['str']}" for v in value)
        elif isinstance(value, dict):
            parts.extend(f"{key}.{k}={_opt_value(v)}" for k, v in value.items())
        else:
            parts.append(f"{key}={_opt_value(value)}")
    return ",".join(parts)


def add_device(cmd: CommandLine, props: Props, caps: QemuCaps) -> None:
    overrides = cmd.device_overrides.get(props.get("id", "")) if cmd.device_overrides else None
    if overrides:
        # qemuBuildDeviceCommandlineHandleOverrides: each property removed,
        # then set again (last) unless the override removes it.
        props = dict(props)
        for name, value in overrides:
            props.pop(name, None)
            if value is not None:
                props[name] = value
    text = to_json(props) if caps.has("device.json+hotplug") else to_qemu_opts(props)
    cmd.add("-device", text)


def add_object(cmd: CommandLine, qom_type: str, object_id: str, props: Props,
               caps: QemuCaps) -> None:
    full = {"qom-type": qom_type, "id": object_id, **props}
    cmd.add("-object", to_json(full) if caps.has("object.qapified") else to_qemu_opts(full))


def add_blockdev(cmd: CommandLine, props: Props) -> None:
    cmd.add("-blockdev", to_json(props))


def add_netdev(cmd: CommandLine, props: Props, caps: QemuCaps) -> None:
    cmd.add("-netdev", to_json(props) if caps.has("netdev.json") else to_qemu_opts(props))


def add_audiodev(cmd: CommandLine, props: Props) -> None:
    cmd.add("-audiodev", to_json(props))


def escape_comma(value: str) -> str:
    """virQEMUBuildBufferEscapeComma: a comma in a QemuOpts value is doubled."""
    return value.replace(",", ",,")
