"""Discover: every report URL and local file the sources name (listing pages expanded), in bounded batches."""

from __future__ import annotations

import math
from collections import defaultdict
from urllib.parse import urlsplit

from ogi.fetch.archive import Archive
from ogi.fetch.discover import report_links
from ogi.fetch.http import FETCHED, fetch_url
from ogi.fetch.transport import client as http_client
from ogi.pipeline.config import PipelineConfig, run_key
from ogi.pipeline.records import AgencyRecord, Batch, BatchItem, ItemKind, Plan
from ogi.readers.decode import charset_from_content_type, decode
from ogi.sources import Agency, load_sources


def _agency(agency: Agency) -> AgencyRecord:
    return {
        "name": agency.name,
        "region": agency.region,
        "level": agency.level,
        "parent": agency.parent,
        "allow_private": agency.allow_private,
    }


def _item(agency: Agency, kind: ItemKind, location: str, found_on: str | None = None) -> BatchItem:
    return {"agency": _agency(agency), "kind": kind, "location": location, "found_on": found_on}


def discover(config: PipelineConfig, run_id: str, agencies: list[str] | None = None, year: int | None = None) -> Plan:
    """Write the run's batches (Batch records); returns the Plan."""
    sources = load_sources(config.sources)
    store = config.store()
    archive = Archive(store)
    items: list[BatchItem] = []
    log: list[dict] = []
    problems: list[str] = []
    with http_client() as client:
        for agency in sources.select(agencies):
            items += [_item(agency, ItemKind.PATH, str(path)) for path in agency.paths]
            items += [_item(agency, ItemKind.URL, url) for url in agency.reports]
            for listing in agency.listings:
                page = fetch_url(client, listing, sources.fetch, agency.allow_private)
                log.append({"stage": "discover", "agency": agency.name, **page.log_record()})
                if page.outcome != FETCHED:
                    problems.append(page.reason or f"{listing}: {page.outcome}")
                    continue
                html, _, _ = decode(page.data, charset_from_content_type(page.content_type))
                for link in report_links(html, page.final_url or listing, year):
                    items.append(_item(agency, ItemKind.URL, link.url, found_on=listing))
    seen, unique = set(), []
    for item in items:
        if item["location"] not in seen:
            seen.add(item["location"])
            unique.append(item)
    key = run_key(run_id)
    archive.write_log(key, "discover", log)
    batches = _batches(unique, config.batch_size, config.max_batches)
    keys = []
    for number, batch in enumerate(batches):
        batch_key = f"runs/{key}/batches/{number:04d}.json"
        record: Batch = {
            "run_id": run_id,
            "batch": f"{number:04d}",
            "year": year,
            "items": batch,
            "fetch": sources.fetch.model_dump(),
            "extract": sources.extract.model_dump(),
        }
        store.write_json(batch_key, record)
        keys.append(batch_key)
    return {"batches": keys, "items": len(unique), "listing_problems": problems}


def _host(item: BatchItem) -> str:
    if item["kind"] != ItemKind.URL:
        return "local"
    return urlsplit(item["location"]).hostname or ""


def _batches(items: list[BatchItem], size: int, most: int) -> list[list[BatchItem]]:
    """Items of one host kept together (one mapped task per host slice, so the fetch pool bounds what a host
    sees); at most `most` batches, however many items."""
    if not items:
        return []
    size = max(size, math.ceil(len(items) / most))
    by_host: dict[str, list[BatchItem]] = defaultdict(list)
    for item in items:
        by_host[_host(item)].append(item)
    batches: list[list[BatchItem]] = []
    for host in sorted(by_host):
        group = by_host[host]
        batches += [group[i : i + size] for i in range(0, len(group), size)]
    while len(batches) > most:  # many small hosts: pack the two smallest batches together
        batches.sort(key=len)
        batches = [batches[0] + batches[1], *batches[2:]]
    return batches
