"""Helpers for the harness's tests: the example project and file snapshots."""

from __future__ import annotations

from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "toyvisor"
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "libvirt-1.3.1"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".pytest_cache" not in p.parts and "__pycache__" not in p.parts}
