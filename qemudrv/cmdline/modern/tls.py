"""TLS settings of the servers and clients qemu.conf configures (vnc, spice,
chardev)."""

from __future__ import annotations

from ...caps import QemuCaps


def tls_certdir(caps: QemuCaps, user: str) -> str:
    """qemu.conf's <user>_tls_x509_cert_dir, defaulting to default_tls_x509_cert_dir
    (virQEMUDriverConfigSetDefaults)."""
    return str(caps.conf(f"{user}_tls_x509_certdir") or caps.conf("default_tls_x509_certdir"))
