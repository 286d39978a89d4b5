"""Fetching against a real HTTP server on 127.0.0.1: retries, conditional GET, caps, refusals, discovery."""

import pytest
from ogi.fetch.archive import Archive
from ogi.fetch.discover import attachments, report_links
from ogi.fetch.http import FAILED, FETCHED, NOT_MODIFIED, REFUSED, TOO_LARGE, fetch_url
from ogi.fetch.safety import Refused, check_url
from ogi.fetch.transport import client as http_client
from ogi.sources import FetchOptions
from ogi.storage import Store

from tests.portal import make_portal

OPTIONS = FetchOptions(timeout_s=1.0, retries=2, backoff_s=0.05, max_bytes=2_000_000)


@pytest.fixture(scope="module")
def portal():
    portal = make_portal(OPTIONS.max_bytes).start()
    yield portal
    portal.stop()


@pytest.fixture
def client():
    with http_client() as client:
        yield client


def test_a_500_is_retried_and_then_succeeds(portal, client):
    result = fetch_url(client, portal.base + "/r/2020.html", OPTIONS, allow_private=True)
    assert result.outcome == FETCHED
    assert [a.http_status for a in result.attempts] == [500, 200]
    assert result.data == portal.routes["/r/2020.html"].body


def test_a_404_is_not_retried(portal, client):
    result = fetch_url(client, portal.base + "/nothing-here", OPTIONS, allow_private=True)
    assert result.outcome == FAILED and len(result.attempts) == 1
    assert "HTTP 404" in result.reason and "/nothing-here" in result.reason


def test_a_timeout_is_retried_then_given_up(portal, client):
    result = fetch_url(client, portal.base + "/r/2019-slow.html", OPTIONS, allow_private=True)
    assert result.outcome == FAILED
    assert len(result.attempts) == OPTIONS.retries + 1
    assert all("timed out" in a.error for a in result.attempts)


def test_the_size_cap(portal, client):
    result = fetch_url(client, portal.base + "/a/2021-huge.pdf", OPTIONS, allow_private=True)
    assert result.outcome == TOO_LARGE and result.data == b""
    assert "exceeds the cap" in result.reason


def test_conditional_get(portal, client):
    first = fetch_url(client, portal.base + "/r/2022.html", OPTIONS, allow_private=True)
    again = fetch_url(client, portal.base + "/r/2022.html", OPTIONS, allow_private=True, etag=first.etag)
    assert first.outcome == FETCHED and first.etag
    assert again.outcome == NOT_MODIFIED and again.data == b""


def test_loopback_needs_permission(portal, client):
    result = fetch_url(client, portal.base + "/r/2022.html", OPTIONS)
    assert result.outcome == REFUSED and "loopback/private" in result.reason
    for url in ("file:///etc/passwd", "ftp://example.org/x", "http://10.1.2.3/x", "http://169.254.169.254/latest"):
        with pytest.raises(Refused):
            check_url(url)
    check_url("http://127.0.0.1:1/x", allow_private=True)


def test_listing_and_attachment_discovery(portal):
    listing = portal.routes["/list.html"].body.decode("utf-8")
    links = report_links(listing, portal.base + "/list.html")
    assert [link.year for link in links] == [2022, 2023, 2024, 2020, 2019, 2021, 2018, 2017]
    assert links[0].url == portal.base + "/r/2022.html" and links[-1].url == "file:///etc/passwd"
    assert [link.url for link in report_links(listing, portal.base + "/list.html", year=2023)] == [
        portal.base + "/r/2023-gbk.html"
    ]
    page = portal.routes["/r/2024.html"].body.decode("utf-8")
    assert [a.url for a in attachments(page, portal.base + "/r/2024.html")] == [
        portal.base + "/a/2024.pdf",
        portal.base + "/a/2024.docx",
    ]


def test_archive_is_content_addressed_and_keeps_versions(tmp_path):
    archive = Archive(Store(tmp_path))
    first = archive.put(b"version one")
    assert archive.put(b"version one") == first
    assert archive.record_version("http://x/r.html", first, "t1", '"a"', None, "text/html")
    assert not archive.record_version("http://x/r.html", first, "t2", '"a"', None, "text/html")
    second = archive.put(b"version two")
    assert archive.record_version("http://x/r.html", second, "t3", '"b"', None, "text/html")
    state = archive.url_state("http://x/r.html")
    assert [v["sha256"] for v in state["versions"]] == [first, second]
    assert archive.get(first) == b"version one" and archive.get(second) == b"version two"
