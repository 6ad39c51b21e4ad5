"""Model of <tpm> (virDomainTPMDef): the guest's TPM front end and the host
back end it talks to."""

from __future__ import annotations

from dataclasses import dataclass, field

from .address import DeviceInfo
from .chardev import ChrSource

# libvirt 1.3.1 knew one model and one back end.
TPM_MODELS_LEGACY = ("tpm-tis",)
TPM_BACKENDS_LEGACY = ("passthrough",)
# virDomainTPMModel, virDomainTPMBackend, virDomainTPMVersion and
# virDomainTPMPcrBank of libvirt 9.0 ("default": not given).
TPM_MODELS = ("default", "tpm-tis", "tpm-crb", "tpm-spapr", "spapr-tpm-proxy")
TPM_BACKENDS = ("passthrough", "emulator", "external")
TPM_VERSIONS = ("default", "1.2", "2.0")
TPM_PCR_BANKS = ("sha1", "sha256", "sha384", "sha512")
TPM_DEFAULT_DEVICE = "/dev/tpm0"


@dataclass(slots=True)
class TPM:
    model: str = "tpm-tis"
    backend: str = "passthrough"
    # passthrough: the host's TPM device
    path: str = TPM_DEFAULT_DEVICE
    # emulator (swtpm)
    version: str = "default"
    persistent_state: bool = False
    secret_uuid: str | None = None
    active_pcr_banks: list[str] | None = None  # None: not given
    # external: the socket of an swtpm libvirt does not run
    source: ChrSource | None = None
    info: DeviceInfo = field(default_factory=DeviceInfo)
