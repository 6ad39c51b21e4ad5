"""The JSON property builders: -device, -object, -blockdev, -netdev, -audiodev.

libvirt 9.0 hands QEMU these options as JSON objects (virJSONValue) written
compactly, keys in the order they were added; everything that builds such an
object goes through here so the form stays in one place.
"""

from __future__ import annotations

import json
from typing import Any

from ..command import CommandLine

Props = dict[str, Any]


def to_json(props: Props) -> str:
    # virJSONValueToString without pretty-printing: no spaces, raw UTF-8.
    return json.dumps(props, separators=(",", ":"), ensure_ascii=False)


def add_device(cmd: CommandLine, props: Props) -> None:
    cmd.add("-device", to_json(props))


def add_object(cmd: CommandLine, qom_type: str, object_id: str, props: Props) -> None:
    cmd.add("-object", to_json({"qom-type": qom_type, "id": object_id, **props}))


def add_blockdev(cmd: CommandLine, props: Props) -> None:
    cmd.add("-blockdev", to_json(props))


def add_netdev(cmd: CommandLine, props: Props) -> None:
    cmd.add("-netdev", to_json(props))


def add_audiodev(cmd: CommandLine, props: Props) -> None:
    cmd.add("-audiodev", to_json(props))


def escape_comma(value: str) -> str:
    """virQEMUBuildBufferEscapeComma: a comma in a QemuOpts value is doubled."""
    return value.replace(",", ",,")
