"""TLS settings of the servers and clients qemu.conf configures (vnc, spice,
chardev)."""

from __future__ import annotations

from ...caps import QemuCaps
from ..command import CommandLine
from .props import Props, add_object
from .secret import add_secret, secret_value


def tls_certdir(caps: QemuCaps, user: str) -> str:
    """qemu.conf's <user>_tls_x509_cert_dir, defaulting to default_tls_x509_cert_dir
    (virQEMUDriverConfigSetDefaults)."""
    return str(caps.conf(f"{user}_tls_x509_certdir") or caps.conf("default_tls_x509_certdir"))


def add_tls_creds(cmd: CommandLine, caps: QemuCaps, user: str, alias: str, *, listen: bool,
                  verify: bool, secret_alias: str) -> None:
    """qemuBuildTLSx509CommandLine: the x509 credentials of ``user`` (a
    client always verifies its peer), after the AES secret of the key's
    password where qemu.conf's <user>_tls_x509_secret_uuid names one."""
    props: Props = {"dir": tls_certdir(caps, user),
                    "endpoint": "server" if listen else "client",
                    "verify-peer": verify if listen else True}
    if caps.conf(f"{user}_tls_x509_secret_uuid"):
        add_secret(cmd, caps, secret_alias, secret_value(caps))
        props["passwordid"] = secret_alias
    add_object(cmd, "tls-creds-x509", alias, props, caps)
