"""One URL over HTTP: timeouts, retries with backoff on 5xx and timeouts (never on 4xx), conditional GET,
a size cap, redirects checked hop by hop. Every attempt is recorded for the fetch log.

Bounded whatever the server does: each attempt ends by its deadline (a server that trickles bytes or never ends
its chunked body), the size cap counts bytes as decoded, decoded a piece at a time (a gzip bomb stops at the cap,
not in memory), a declared Content-Length over the cap is refused before the body, and redirects stop after
`MAX_REDIRECTS`; the client (`transport.client()`) checks the address each connection reaches."""

from __future__ import annotations

import time
import zlib
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

import httpx

from ogi.fetch.safety import Refused, check_address, check_url, private_allowed
from ogi.fetch.transport import limits
from ogi.sources import FetchOptions

MAX_REDIRECTS = 5
# Fetch outcomes.
FETCHED, NOT_MODIFIED, FAILED, REFUSED, TOO_LARGE = "fetched", "not_modified", "failed", "refused", "too_large"


@dataclass
class Attempt:
    at: str
    url: str
    http_status: int | None
    error: str | None
    seconds: float


@dataclass
class Fetched:
    url: str
    outcome: str
    final_url: str | None = None
    http_status: int | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    reason: str | None = None
    attempts: list[Attempt] = field(default_factory=list)
    data: bytes = b""

    def log_record(self) -> dict:
        record = asdict(self)
        del record["data"]
        return record


class _TooLarge(Exception):
    pass


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class _Undecodable(Exception):
    pass


def _decoder(response: httpx.Response):
    """A zlib decompressor for the response's Content-Encoding, or None when it is sent as it is."""
    encoding = response.headers.get("content-encoding", "").strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj()
    raise _Undecodable(f"Content-Encoding {encoding!r}, which was not asked for")


def _read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise _TooLarge(f"Content-Length {declared} exceeds the cap of {max_bytes} bytes")
    decoder = _decoder(response)
    chunks, size = [], 0
    for raw in response.iter_raw():
        pending = raw
        while pending:
            if decoder is None:
                chunk, pending = pending, b""
            else:  # never more than the cap allows out of one piece: a small bomb expands a thousandfold
                try:
                    chunk = decoder.decompress(pending, max_bytes - size + 1)
                except zlib.error as exc:
                    raise _Undecodable(f"corrupt {response.headers['content-encoding']} body: {exc}") from None
                pending = decoder.unconsumed_tail
            size += len(chunk)
            if size > max_bytes:
                raise _TooLarge(f"more than the cap of {max_bytes} bytes" + (" once decoded" if decoder else ""))
            chunks.append(chunk)
    return b"".join(chunks)


def _connected_check(url: str, allow_private: bool, referrer: str | None):
    """What the client checks of the address it connects to for `url` (None: any address will do)."""
    if private_allowed(url, allow_private, referrer):
        return None

    def check(host: str, address: str) -> None:
        check_address(url, host, address, allow_private)

    return check


def _once(
    client: httpx.Client,
    url: str,
    headers: dict,
    options: FetchOptions,
    allow_private: bool,
    referrer: str | None,
    result: Fetched,
):
    """One attempt, following redirects; returns the final response's status and body, or raises."""
    current, deadline = url, time.monotonic() + options.deadline_s
    for _ in range(MAX_REDIRECTS + 1):
        check_url(current, allow_private, referrer)
        connected = _connected_check(current, allow_private, referrer)
        with (
            limits(deadline - time.monotonic(), connected),
            client.stream("GET", current, headers=headers, timeout=options.timeout_s) as response,
        ):
            if response.is_redirect and "location" in response.headers:
                referrer, current = current, str(response.url.join(response.headers["location"]))
                continue
            body = _read_capped(response, options.max_bytes) if response.status_code == 200 else b""
            result.final_url = str(response.url)
            result.content_type = response.headers.get("content-type")
            result.etag = response.headers.get("etag")
            result.last_modified = response.headers.get("last-modified")
            return response.status_code, body
    raise Refused(f"{url}: more than {MAX_REDIRECTS} redirects (a loop?); stopped at {current}")


def fetch_url(
    client: httpx.Client,
    url: str,
    options: FetchOptions,
    allow_private: bool = False,
    etag: str | None = None,
    last_modified: str | None = None,
    referrer: str | None = None,
) -> Fetched:
    """`referrer`: the page that linked to `url`, when the sources file does not name it itself."""
    result = Fetched(url, FAILED)
    headers = {"User-Agent": options.user_agent, "Accept-Encoding": "gzip, deflate"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    for attempt in range(options.retries + 1):
        if attempt:
            time.sleep(options.backoff_s * 2 ** (attempt - 1))
        started, status, error = time.monotonic(), None, None
        try:
            status, body = _once(client, url, headers, options, allow_private, referrer, result)
        except Refused as exc:
            result.outcome, result.reason = REFUSED, str(exc)
            result.attempts.append(Attempt(_now(), url, None, str(exc), 0.0))
            return result
        except _TooLarge as exc:
            result.outcome, result.reason = TOO_LARGE, f"{url}: {exc}"
            result.attempts.append(Attempt(_now(), url, 200, str(exc), round(time.monotonic() - started, 3)))
            return result
        except _Undecodable as exc:
            result.outcome, result.reason = FAILED, f"{url}: {exc}"
            result.attempts.append(Attempt(_now(), url, 200, str(exc), round(time.monotonic() - started, 3)))
            return result
        except httpx.TimeoutException:
            seconds = time.monotonic() - started
            if seconds >= 0.99 * options.deadline_s:  # not retried: a server this slow is no faster next time
                error = f"not done within the deadline of {options.deadline_s:g} s (a server sending too slowly)"
                result.reason = f"{url}: {error}"
                result.attempts.append(Attempt(_now(), url, None, error, round(seconds, 3)))
                return result
            error = f"timed out after {options.timeout_s} s"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
        result.attempts.append(Attempt(_now(), url, status, error, round(time.monotonic() - started, 3)))
        result.http_status = status
        if error is None and status == 200:
            result.outcome, result.data, result.reason = FETCHED, body, None
            return result
        if error is None and status == 304:
            result.outcome, result.reason = NOT_MODIFIED, None
            return result
        if error is None and status is not None and 400 <= status < 500:
            result.reason = f"{url}: HTTP {status}"
            return result
        result.reason = f"{url}: {error or f'HTTP {status}'} (attempt {attempt + 1} of {options.retries + 1})"
    return result
