"""A small URI reader for network disk sources (libvirt's virURIParse).

Only what the drive strings need: ``scheme://[user@]server[:port][/path][?query]``,
with an IPv6 server in brackets. Case is kept as written.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

from ..errors import ArgvError


@dataclass
class URI:
    scheme: str
    user: str | None = None
    server: str | None = None
    port: int | None = None
    path: str | None = None
    query: str | None = None


def parse_uri(text: str) -> URI:
    scheme, sep, rest = text.partition("://")
    if not sep or not scheme:
        raise ArgvError(f"cannot parse URI '{text}'")
    query = None
    if "?" in rest:
        rest, query = rest.split("?", 1)
    slash = rest.find("/")
    authority, path = (rest, None) if slash < 0 else (rest[:slash], rest[slash:])
    user = None
    if "@" in authority:
        user, authority = authority.rsplit("@", 1)
        user = unquote(user)
    port: int | None = None
    if authority.startswith("["):
        end = authority.find("]")
        if end < 0:
            raise ArgvError(f"cannot parse URI '{text}': unterminated IPv6 address")
        server, tail = authority[1:end], authority[end + 1:]
        if tail:
            if not tail.startswith(":"):
                raise ArgvError(f"cannot parse URI '{text}'")
            port = _port(tail[1:], text)
    else:
        server, colon, port_text = authority.partition(":")
        if colon:
            port = _port(port_text, text)
    return URI(
        scheme=scheme,
        user=user,
        server=server or None,
        port=port,
        path=unquote(path) if path else None,
        query=query,
    )


def _port(text: str, uri: str) -> int | None:
    if text == "":
        return None
    if not text.isdigit():
        raise ArgvError(f"cannot parse port '{text}' in URI '{uri}'")
    return int(text)
