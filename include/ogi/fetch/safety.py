"""Which URLs the fetcher may follow: http(s) only, and no loopback/private/link-local address unless the
agency's source config allows it (a listing page must not point the fetcher at file:// or the intranet).

`allow_private` lets the fetcher reach the private hosts the sources file names, and links from their pages to
those same hosts; never another private host, whatever a page links or redirects to.
"""

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


def _private(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_reserved
        or address.is_multicast
        or address.is_unspecified
    )


def _origin(url: str) -> tuple[str | None, int | None]:
    parts = urlsplit(url)
    return parts.hostname, parts.port or {"http": 80, "https": 443}.get(parts.scheme)


def private_allowed(url: str, allow_private: bool, referrer: str | None) -> bool:
    """Whether `url` may lie on a private address: its source allows it, and the URL is the one the sources
    file names (no referrer) or on the same host and port as the page that led to it."""
    return allow_private and (referrer is None or _origin(url) == _origin(referrer))


def check_url(url: str, allow_private: bool = False, referrer: str | None = None) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise Refused(f"{url}: only http(s) is followed, not {parts.scheme or 'a bare path'!r}")
    if not parts.hostname:
        raise Refused(f"{url}: no host")
    if private_allowed(url, allow_private, referrer):
        return
    for address in _addresses(parts.hostname):
        check_address(url, parts.hostname, str(address), allow_private)


def check_address(url: str, host: str, address: str, allow_private: bool = False) -> None:
    """Refuse `address`, which `host` of `url` resolved to, when it is loopback/private."""
    if not _private(ipaddress.ip_address(address)):
        return
    if allow_private:
        raise Refused(
            f"{url}: {host} is a loopback/private address ({address}) on another host than the page that links "
            "to it; allow_private covers only the hosts the sources file names"
        )
    raise Refused(
        f"{url}: {host} is a loopback/private address ({address}); set allow_private for this source to fetch it"
    )
