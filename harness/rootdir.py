"""Keep ``--suite DIR`` from moving pytest's rootdir.

pytest picks the rootdir and ini file before it loads plugins, so the DIR
of ``--suite DIR`` (unlike ``--suite=DIR``) is taken for a test path: the
rootdir becomes the common ancestor of the checkout and the suite, and the
project's ini file, driver setting and cache directory are lost. Once the
option is known, this redoes pytest's choice without the suite paths.

No public pytest API can change the rootdir once chosen (and none lets a
plugin's option be known that early), so this uses pytest internals; the
pytest versions it was tested with are pinned in pyproject.toml. Should
they change, the run goes on with a warning, and ``--suite=DIR`` (one
argument) needs none of this.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import pytest

__all__ = ["redetermine_rootdir"]


def redetermine_rootdir(config: pytest.Config, args: list[str]) -> bool:
    """Redo the rootdir/ini choice if ``--suite`` values skewed it.

    Returns whether anything changed. Relies on pytest internals; if they
    differ, nothing happens and ``--suite=DIR`` still works.
    """
    ns: argparse.Namespace = config.known_args_namespace
    if not getattr(ns, "suite", None) or ns.rootdir or ns.inifilename:
        return False
    try:
        from _pytest.config.findpaths import determine_setup

        found: tuple[Any, ...] = determine_setup(
            inifile=None,
            override_ini=ns.override_ini,
            args=list(ns.file_or_dir),
            rootdir_cmd_arg=None,
            invocation_dir=config.invocation_params.dir,
        )
        rootpath, inipath, inicfg = found[0], found[1], found[2]
        if rootpath == config.rootpath and inipath == config.inipath:
            return False
        old_cut = str(config.inipath.parent if config.inipath else config.rootpath)
        config._rootpath = rootpath
        config._inipath = inipath
        config._inicfg = inicfg
        if len(found) > 3:
            config._ignored_config_files = found[3]
        config._inicache.clear()
        config._parser.extra_info["rootdir"] = str(rootpath)
        config._parser.extra_info["inifile"] = str(inipath)
        if ns.confcutdir == old_cut:
            ns.confcutdir = str(Path(inipath).parent if inipath else rootpath)
        # The ini file's addopts and pythonpath were read from the wrong
        # place; apply them now.
        args[:0] = config.getini("addopts")
        extra = [str(p) for p in config.getini("pythonpath")]
        sys.path[:0] = extra
        config.add_cleanup(lambda: _drop(extra))
    except Exception as exc:  # pragma: no cover - pytest internals changed
        config.issue_config_time_warning(pytest.PytestConfigWarning(
            f"hvharness cannot keep '--suite DIR' from moving the rootdir with this pytest "
            f"({type(exc).__name__}: {exc}); write --suite=DIR instead"), stacklevel=2)
        return False
    return True


def _drop(paths: list[str]) -> None:
    for path in paths:
        if path in sys.path:
            sys.path.remove(path)
