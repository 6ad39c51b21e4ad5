"""libvirt 9.0's checks of <os> firmware (virDomainDefOSValidate and
qemuValidateDomainDefBoot's secure boot part)."""

from __future__ import annotations

from ...errors import ConfigError
from ...model.domain import Domain
from ..general import is_q35


def _detail(message: str) -> ConfigError:
    # VIR_ERR_XML_DETAIL: libvirt prints the message without a prefix.
    return ConfigError(message, code="")


def validate_os(dom: Domain) -> None:
    os_ = dom.os
    loader = os_.loader
    if os_.firmware:
        if loader is not None:
            _check_autoselected_loader(dom)
    elif os_.firmware_features is not None:
        raise _detail("cannot use feature-based firmware autoselection when firmware "
                      "autoselection is disabled")
    elif loader is not None and not loader.path:
        raise _detail("no loader path specified and firmware auto selection disabled")
    if loader is None:
        return
    if loader.stateless is True:
        if loader.nvram_template is not None:
            raise _detail("NVRAM template is not permitted when loader is stateless")
        if loader.nvram is not None:
            raise _detail("NVRAM is not permitted when loader is stateless")
    elif loader.stateless is False:
        if not os_.firmware and loader.type != "pflash":
            raise _detail("Only pflash loader type permits NVRAM")
        if os_.firmware and os_.firmware != "efi":
            raise _detail("Only EFI firmware permits NVRAM")
    if loader.secure:
        if not is_q35(dom):
            raise ConfigError("Secure boot is supported with q35 machine types only")
        if os_.arch != "x86_64":
            raise ConfigError("Secure boot is supported for x86_64 architecture only")
        if not os_.firmware and not dom.features.flags.get("smm"):
            raise ConfigError("Secure boot requires SMM feature enabled")


def _check_autoselected_loader(dom: Domain) -> None:
    loader = dom.os.loader
    assert loader is not None
    for present, what in ((loader.readonly is not None, "loader attribute 'readonly'"),
                          (loader.type is not None, "loader attribute 'type'"),
                          (bool(loader.path), "loader path"),
                          (loader.nvram_template is not None, "nvram attribute 'template'"),
                          (loader.secure is False, "loader attribute 'secure'")):
        if present:
            raise _detail(f"{what} cannot be specified when firmware autoselection is enabled")
    if loader.nvram is not None and dom.os.firmware != "efi":
        raise _detail(f"firmware type '{dom.os.firmware}' does not support nvram")
