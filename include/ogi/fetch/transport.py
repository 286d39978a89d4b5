"""The fetcher's HTTP client: a deadline on each fetch and a check of the address actually connected to.

httpx's timeouts bound each read, so a server that trickles a byte a second, in its headers or its body, never
times out; the deadline bounds the whole fetch, connecting and TLS included. And a host name checked against the
fetch rules (`safety.check_url`) is resolved again when connecting, where it may now name a private address (DNS
rebinding): the address connected to is checked too. Both hold for the fetch started under `limits(...)` in this
thread.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import httpcore
import httpx

from ogi.fetch.safety import Refused

# (deadline on time.monotonic(), a check of a connected address) of the fetch under way.
_LIMITS: ContextVar[tuple[float, Callable[[str, str], None] | None] | None] = ContextVar(
    "ogi_fetch_limits", default=None
)


class DeadlinePassed(httpcore.TimeoutException):
    """The fetch's deadline passed (raised where a read, write or connect would have waited on)."""


@contextmanager
def limits(deadline_s: float, check_address: Callable[[str, str], None] | None) -> Iterator[None]:
    """Within the block, every connection, read and write of this thread's fetch ends by `deadline_s` from now,
    and `check_address(host, address)`, if given, is called on every address connected to (raising `Refused`)."""
    token = _LIMITS.set((time.monotonic() + deadline_s, check_address))
    try:
        yield
    finally:
        _LIMITS.reset(token)


def _within(timeout: float | None) -> float | None:
    current = _LIMITS.get()
    if current is None:
        return timeout
    left = current[0] - time.monotonic()
    if left <= 0:
        raise DeadlinePassed("the fetch's deadline passed")
    return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream):
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _within(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _within(timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname: str | None = None, timeout: float | None = None):
        return _Stream(self._stream.start_tls(ssl_context, server_hostname, _within(timeout)))

    def get_extra_info(self, info: str):
        return self._stream.get_extra_info(info)


class _Backend(httpcore.SyncBackend):
    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address=None, socket_options=None):
        stream = super().connect_tcp(host, port, _within(timeout), local_address, socket_options)
        current = _LIMITS.get()
        if current is not None and current[1] is not None:
            peer = stream.get_extra_info("server_addr")
            address = str(ipaddress.ip_address(peer[0].split("%")[0])) if peer else ""
            try:
                current[1](host, address)
            except Refused:
                stream.close()
                raise
        return _Stream(stream)


class _Transport(httpx.HTTPTransport):
    def __init__(self) -> None:
        super().__init__()
        # httpx takes no network backend of its own: the pool it made is made again with ours.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=httpx.Limits().max_connections,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=_Backend(),
        )


def client() -> httpx.Client:
    """The client every fetch goes through (a proxy from the environment takes its place for what it serves)."""
    return httpx.Client(transport=_Transport())
