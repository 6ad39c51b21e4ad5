"""libvirt 9.0's post-parse of <os> firmware (virDomainDefPostParseOs)."""

from __future__ import annotations

from ..caps import QemuCaps
from ..errors import ConfigError
from ..model.domain import Domain


def os_post_parse(dom: Domain, caps: QemuCaps) -> None:
    """Enrolled keys imply secure boot; a loader with a path is a ROM by default."""
    features = dom.os.firmware_features
    if features is not None and features.get("enrolled-keys"):
        if features.get("secure-boot") is False:
            raise ConfigError("firmware feature 'enrolled-keys' cannot be enabled when "
                              "firmware feature 'secure-boot' is disabled", code="")
        features["secure-boot"] = True
        dom.os.firmware_features = {n: features[n] for n in ("enrolled-keys", "secure-boot")}
    loader = dom.os.loader
    if loader is not None and loader.path and loader.type is None:
        loader.type = "rom"
