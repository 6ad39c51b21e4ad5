"""The driver settings the test programs start from, as data.

``HOST_CONFIG`` is what ``qemuTestDriverInit`` (testutilsqemu.c) gives both
programs: ``virQEMUDriverConfigNew(false, NULL)`` (qemu_conf.c) with the lib
and channel directories moved to /tmp. ``PROGRAM_CONFIG`` is what each
program's ``mymain`` sets before its first test. ``None`` is a setting left
unset (NULL); it is written as ``unconfig``. Every key a later statement of
``mymain`` changes has its starting value here, so a case's ``config`` holds
exactly what differs from its program's start.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from typing import Any

from .programs import CONFIG_FIELDS

__all__ = ["HOST_CONFIG", "HOST_SET", "PROGRAM_CONFIG", "host_set_text", "program_baseline"]

HOST_SET = "libvirt-9.0.0-host"

# virGetUserConfigDirectory() and virGetUserRuntimeDirectory() (virutil.c)
# under the environment virTestMain sets.
_CONFIG_BASE_DIR = "/bad-test-used-env-home/.config/libvirt"
_RUNTIME_DIR = "/bad-test-used-env-xdg-runtime-dir/libvirt"

HOST_CONFIG: Mapping[str, Any] = {
    # testutilsqemu.c qemuTestDriverInit
    "lib_dir": "/tmp/lib",
    "channel_target_dir": "/tmp/channel",
    # qemu_conf.c virQEMUDriverConfigNew: SYSCONFDIR "/pki/qemu" (SYSCONFDIR
    # is /etc in Debian's build), and the loopback listen addresses
    "default_tls_x509_certdir": "/etc/pki/qemu",
    "vnc_listen": "127.0.0.1",
    "spice_listen": "127.0.0.1",
    # Everything else a test program touches starts off (false) or unset.
    **{key: (False if kind == "bool" else None)
       for key, kind in CONFIG_FIELDS.values()
       if key not in ("default_tls_x509_certdir",)},
    # The unprivileged directories of virQEMUDriverConfigNew: under the
    # user's configuration and runtime directories, which virTestMain
    # (testutils.c) points at HOME=/bad-test-used-env-home and
    # XDG_RUNTIME_DIR=/bad-test-used-env-xdg-runtime-dir for every program.
    # qemuTestDriverInit then moves the state directory to a temporary one,
    # but the D-Bus directory was made from the first. xml2argv sets its own
    # memory backing and NVRAM directories.
    "memory_backing_dir": f"{_CONFIG_BASE_DIR}/qemu/ram",
    "nvram_dir": f"{_CONFIG_BASE_DIR}/qemu/nvram",
    "dbus_state_dir": f"{_RUNTIME_DIR}/qemu/run/dbus",
    "hugetlbfs": [],
    "privileged": False,
}

PROGRAM_CONFIG: Mapping[str, Mapping[str, Any]] = {
    # qemuxml2argvtest.c mymain, before the first test
    "xml2argv": {
        "privileged": True,
        "default_tls_x509_certdir": "/etc/pki/qemu",
        "vnc_tls_x509_certdir": "/etc/pki/libvirt-vnc",
        "spice_tls_x509_certdir": "/etc/pki/libvirt-spice",
        "chardev_tls_x509_certdir": "/etc/pki/libvirt-chardev",
        "vxhs_tls_x509_certdir": "/etc/pki/libvirt-vxhs/dummy,path",
        "nbd_tls_x509_certdir": "/etc/pki/libvirt-nbd/dummy,path",
        "hugetlbfs": [
            {"mnt_dir": "/dev/hugepages2M", "size": 2048, "default": True},
            {"mnt_dir": "/dev/hugepages1G", "size": 1048576, "default": False},
        ],
        "spice_tls": True,
        "spice_password": "123456",
        "memory_backing_dir": "/var/lib/libvirt/qemu/ram",
        "nvram_dir": "/var/lib/libvirt/qemu/nvram",
        # the environment mymain sets for the command line's copied variables
        "environ": {"PATH": "/bin", "USER": "test", "LOGNAME": "test",
                    "HOME": "/home/test", "LC_ALL": "C"},
    },
    # qemuxml2xmltest.c mymain, before the first test
    "xml2xml": {
        "privileged": True,
        "environ": {"PATH": "/bin"},
    },
}


def program_baseline(program: str) -> dict[str, Any]:
    """The full starting state of a program: host settings, then its own."""
    return {**HOST_CONFIG, **PROGRAM_CONFIG[program]}


def host_set_text() -> str:
    """The hand-written part of the host capability set (comments included)."""
    return (resources.files(__package__) / "data" / f"{HOST_SET}.toml").read_text(
        encoding="utf-8")
