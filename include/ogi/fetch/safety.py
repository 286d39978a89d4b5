"""Which URLs the fetcher may follow: http(s) only, and no loopback/private/link-local address unless the
agency's source config allows it (a listing page must not point the fetcher at file:// or the intranet)."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit


class Refused(Exception):
    """A URL the fetcher will not follow, with the reason."""


def _addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise Refused(f"cannot resolve host {host!r}: {exc.strerror}") from None
    return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]


def check_url(url: str, allow_private: bool = False) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise Refused(f"{url}: only http(s) is followed, not {parts.scheme or 'a bare path'!r}")
    if not parts.hostname:
        raise Refused(f"{url}: no host")
    if allow_private:
        return
    for address in _addresses(parts.hostname):
        if (
            address.is_loopback
            or address.is_private
            or address.is_link_local
            or address.is_reserved
            or address.is_multicast
            or address.is_unspecified
        ):
            raise Refused(
                f"{url}: {parts.hostname} is a loopback/private address ({address}); "
                "set allow_private for this source to fetch it"
            )
