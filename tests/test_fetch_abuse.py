"""Fetching from a hostile portal on 127.0.0.1 (tests/abuse.py): every abuse bounded in time and bytes, each a
clear fetch-log entry, and the run goes on."""

import json
import socket
import textwrap
import time
import tracemalloc

import pytest
from ogi.fetch.http import FAILED, FETCHED, REFUSED, TOO_LARGE, fetch_url
from ogi.fetch.transport import client as http_client
from ogi.pipeline import curated
from ogi.pipeline.config import PipelineConfig
from ogi.pipeline.run import run_all
from ogi.sources import FetchOptions

from tests.abuse import AGENCY, AbusivePortal

OPTIONS = FetchOptions(timeout_s=1.0, deadline_s=2.0, retries=2, backoff_s=0.05, max_bytes=2_000_000)


@pytest.fixture(scope="module")
def portal():
    portal = AbusivePortal().start()
    yield portal
    portal.stop()


@pytest.fixture
def client():
    with http_client() as client:
        yield client


def fetch(client, portal, path, **kwargs):
    started = time.monotonic()
    result = fetch_url(client, portal.base + path, OPTIONS, allow_private=True, **kwargs)
    return result, time.monotonic() - started


@pytest.mark.parametrize("path", ["/r/trickle.html", "/r/trickle-headers.html", "/r/endless-slow.html"])
def test_a_server_sending_too_slowly_is_stopped_at_the_deadline_and_not_retried(portal, client, path):
    result, seconds = fetch(client, portal, path)
    assert result.outcome == FAILED and result.data == b""
    assert "deadline of 2 s" in result.reason and path in result.reason
    assert len(result.attempts) == 1 and seconds < OPTIONS.deadline_s + OPTIONS.timeout_s


def test_a_chunked_body_that_never_ends_stops_at_the_cap(portal, client):
    result, _ = fetch(client, portal, "/r/endless-fast.html")
    assert result.outcome == TOO_LARGE and "more than the cap of 2000000 bytes" in result.reason


def test_a_redirect_loop_is_refused(portal, client):
    result, _ = fetch(client, portal, "/r/loop.html")
    assert result.outcome == REFUSED and "more than 5 redirects" in result.reason
    assert result.attempts[0].error == result.reason


def test_a_content_length_of_5_gb_is_refused_before_the_body(portal, client):
    result, seconds = fetch(client, portal, "/r/huge.pdf")
    assert result.outcome == TOO_LARGE and "Content-Length 5000000000 exceeds the cap" in result.reason
    assert seconds < OPTIONS.deadline_s  # the server's 30 s of silence was not waited for


def test_a_gzip_bomb_stops_at_the_cap_once_decoded_without_holding_the_bomb(portal, client):
    tracemalloc.start()
    try:
        result, _ = fetch(client, portal, "/r/bomb.html")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.outcome == TOO_LARGE and "once decoded" in result.reason
    assert peak < 4 * OPTIONS.max_bytes  # 200 MB decoded, never held


def test_a_gzip_body_within_the_cap_is_decoded(portal, client):
    small = AbusivePortal(bomb_mb=1)
    small.start()
    try:
        with http_client() as fresh:
            result = fetch_url(fresh, small.base + "/r/bomb.html", OPTIONS, allow_private=True)
    finally:
        small.stop()
    assert result.outcome == FETCHED and result.data == bytes(2**20)


def test_links_to_private_addresses_are_refused_even_for_a_private_portal(portal, client):
    listing = portal.base + "/list.html"
    for url in ("http://10.1.2.3/r.html", "http://169.254.169.254/latest/meta-data/", "http://localhost:1/r.html"):
        result = fetch_url(client, url, OPTIONS, allow_private=True, referrer=listing)
        assert result.outcome == REFUSED and "loopback/private" in result.reason, url
        assert "only the hosts the sources file names" in result.reason
    same_host = fetch_url(client, portal.base + "/r/good.html", OPTIONS, allow_private=True, referrer=listing)
    assert same_host.outcome == FETCHED


def test_a_name_that_resolves_to_a_private_address_when_connecting_is_refused(portal, client, monkeypatch):
    """DNS rebinding: public when checked, loopback when connected."""
    real = socket.getaddrinfo
    answers = iter(["93.184.216.34"])

    def rebinding(host, *args, **kwargs):
        if host == "rebind.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers, "127.0.0.1"), args[0] or 0))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    port = portal.server.server_address[1]
    result = fetch_url(client, f"http://rebind.example:{port}/r/good.html", OPTIONS)
    assert result.outcome == REFUSED and "127.0.0.1" in result.reason and "loopback/private" in result.reason


def test_the_pipeline_over_a_hostile_portal_logs_each_abuse_and_publishes_the_good_report(portal, tmp_path):
    (tmp_path / "sources.yaml").write_text(
        textwrap.dedent(f"""\
        fetch: {{timeout_s: 1.0, deadline_s: 2.0, retries: 1, backoff_s: 0.05, max_bytes: 2000000}}
        agencies:
          - name: {AGENCY}
            listings: ['{portal.base}/list.html']
            allow_private: true
        """),
        encoding="utf-8",
    )
    config = PipelineConfig(str(tmp_path / "data"), tmp_path / "sources.yaml", batch_size=20, max_batches=2)
    started = time.monotonic()
    summary = run_all(config, "abuse")
    assert time.monotonic() - started < 120
    assert summary["published"] and summary["extracted"] == 1 and summary["quarantined"] == 11
    store = config.store()
    records = {
        record["url"]: record
        for key in store.list("fetch_log/abuse")
        for line in store.read_bytes(key).decode("utf-8").splitlines()
        if (record := json.loads(line))["stage"] == "fetch"
    }
    port = portal.server.server_address[1]
    expected = {
        "/r/trickle.html": (FAILED, "deadline of 2 s"),
        "/r/trickle-headers.html": (FAILED, "deadline of 2 s"),
        "/r/endless-slow.html": (FAILED, "deadline of 2 s"),
        "/r/endless-fast.html": (TOO_LARGE, "cap of 2000000 bytes"),
        "/r/loop.html": (REFUSED, "more than 5 redirects"),
        "/r/huge.pdf": (TOO_LARGE, "Content-Length 5000000000"),
        "/r/bomb.html": (TOO_LARGE, "once decoded"),
    }
    urls = {portal.base + path: want for path, want in expected.items()}
    urls["file:///etc/passwd"] = (REFUSED, "only http(s)")
    urls["http://10.1.2.3/r.html"] = (REFUSED, "only the hosts the sources file names")
    urls["http://169.254.169.254/latest/meta-data/"] = (REFUSED, "only the hosts the sources file names")
    urls[f"http://localhost:{port}/r/good.html"] = (REFUSED, "only the hosts the sources file names")
    for url, (outcome, words) in urls.items():
        record = records[url]
        assert (record["outcome"], words in record["reason"]) == (outcome, True), (url, record["reason"])
        assert record["reason"].startswith(url) and record["attempts"]
    quarantine = curated.read_dataset(store, curated.current(store), "quarantine").set_index("source")
    assert set(quarantine.index) == set(urls) and set(quarantine["stage"]) == {"fetch"}
    reports = curated.read_dataset(store, curated.current(store), "reports")
    assert list(reports["source"]) == [portal.base + "/r/good.html"] and list(reports["status"]) == ["ok"]
