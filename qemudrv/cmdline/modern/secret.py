"""`-object secret` with AES-encrypted data, as libvirt 9.0 passes secrets.

qemuDomainSecretAESSetup: the secret's value is encrypted with AES-256-CBC
under the domain's master key (masterKey0, 32 random bytes) and a fresh
16-byte IV, both from virRandomBytes; QEMU gets both base64 encoded.
The fake host's [random] table says what the random bytes are and its
[secrets] table what every secret holds.
"""

from __future__ import annotations

import base64

from ...aes import encrypt_cbc
from ...caps import QemuCaps
from ...errors import ConfigError
from ..command import CommandLine
from .props import add_object

MASTER_KEY_ALIAS = "masterKey0"
_MASTER_KEY_LEN = 32
_IV_LEN = 16


def random_bytes(caps: QemuCaps, count: int) -> bytes:
    """virRandomBytes as the host set mocks it ('index': byte i is i)."""
    mode = caps.table("random").get("bytes", "index")
    if mode != "index":
        raise ConfigError(f"unsupported random byte source '{mode}'", code="internal error")
    return bytes(i % 256 for i in range(count))


def secret_value(caps: QemuCaps, usage: str | None = None) -> bytes:
    """The fake secret driver's value; a usage lookup checks the usage."""
    secrets = caps.secrets
    if usage is not None:
        prefix = secrets.get("volume_usage_prefix")
        known = secrets.get("usage_ids", ())
        if not ((prefix and usage.startswith(prefix)) or usage in known):
            raise ConfigError(f"test provided incorrect usage '{usage}'",
                              code="internal error")
    return str(secrets.get("value", "")).encode()


def encrypted_secret_props(caps: QemuCaps, plaintext: bytes) -> dict[str, str]:
    """qemuBuildSecretInfoProps for an AES secret."""
    key = random_bytes(caps, _MASTER_KEY_LEN)
    iv = random_bytes(caps, _IV_LEN)
    return {
        "data": base64.b64encode(encrypt_cbc(key, iv, plaintext)).decode(),
        "keyid": MASTER_KEY_ALIAS,
        "iv": base64.b64encode(iv).decode(),
        "format": "base64",
    }


def add_secret(cmd: CommandLine, caps: QemuCaps, alias: str, plaintext: bytes) -> None:
    add_object(cmd, "secret", alias, encrypted_secret_props(caps, plaintext), caps)
