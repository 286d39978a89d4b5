"""Fetch one batch: bytes into the archive, one fetch-log record per attempt, and per document whether it is
new or changed (to extract) or the same bytes already published (skipped unless forced)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from ogi.fetch.archive import Archive, sha256
from ogi.fetch.discover import attachments
from ogi.fetch.http import FETCHED, NOT_MODIFIED, fetch_url
from ogi.fetch.transport import client as http_client
from ogi.pipeline import curated
from ogi.pipeline.config import PipelineConfig, run_key
from ogi.pipeline.records import Batch, ItemKind
from ogi.readers import html_text
from ogi.sources import FetchOptions

LOCAL = "local"


def published_index(store) -> set[tuple[str, str]]:
    """(source, sha256) of every document the current curated version holds, read or quarantined."""
    version = curated.current(store)
    reports = curated.read_dataset(store, version, "documents", ["source", "sha256"])
    quarantine = curated.read_dataset(store, version, "quarantine", ["source", "sha256"])
    return set(zip(reports["source"], reports["sha256"])) | set(zip(quarantine["source"], quarantine["sha256"]))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _document(item: dict, source: str, **fields) -> dict:
    return {
        "source": source,
        "agency": item["agency"],
        "found_on": item.get("found_on"),
        "sha256": None,
        "content_type": None,
        "outcome": None,
        "reason": None,
        "attachments": 0,
        **fields,
    }


def fetch_batch(config: PipelineConfig, batch_key: str, force: bool = False) -> str:
    store = config.store()
    archive = Archive(store)
    batch: Batch = store.read_json(batch_key)
    options = FetchOptions(**batch["fetch"])
    published = published_index(store)
    documents: list[dict] = []
    log: list[dict] = []
    seen: set[str] = set()

    def keep(document: dict, data: bytes | None, etag=None, last_modified=None) -> None:
        if data is not None:
            document["sha256"] = archive.put(data)
            archive.record_version(
                document["source"], document["sha256"], _now(), etag, last_modified, document["content_type"]
            )
        document["process"] = document["sha256"] is not None and (
            force or (document["source"], document["sha256"]) not in published
        )
        documents.append(document)

    with http_client() as client:
        for item in batch["items"]:
            if item["kind"] == ItemKind.PATH:
                path = Path(item["location"])
                source = path.as_uri()
                try:
                    data = path.read_bytes()
                except OSError as exc:
                    keep(_document(item, source, outcome="failed", reason=f"{path}: {exc.strerror}"), None)
                    continue
                log.append({"stage": "fetch", "url": source, "outcome": LOCAL, "at": _now(), "bytes": len(data)})
                keep(_document(item, source, outcome=LOCAL), data)
                continue
            pending = [(item["location"], item)]
            while pending:
                url, origin = pending.pop(0)
                if url in seen:  # an attachment linked from two pages is one document
                    continue
                seen.add(url)
                state = archive.url_state(url)
                conditional = {} if force else {"etag": state.get("etag"), "last_modified": state.get("last_modified")}
                allow_private, referrer = item["agency"]["allow_private"], origin.get("found_on")
                result = fetch_url(client, url, options, allow_private, referrer=referrer, **conditional)
                log.append({"stage": "fetch", "agency": item["agency"]["name"], **result.log_record(), "sha256": None})
                document = _document(
                    origin, url, outcome=result.outcome, reason=result.reason, content_type=result.content_type
                )
                data = None
                if result.outcome == NOT_MODIFIED and state["versions"]:
                    document["sha256"] = state["versions"][-1]["sha256"]
                    document["content_type"] = state["versions"][-1]["content_type"]
                    data = archive.get(document["sha256"])
                elif result.outcome == FETCHED:
                    log[-1]["sha256"] = sha256(result.data)
                    data = result.data
                html = html_text(data, document["content_type"]) if data is not None else None
                if html is not None:  # a report page may carry its report as attachments
                    linked = attachments(html, result.final_url or url)
                    document["attachments"] = len(linked)
                    pending += [(link.url, {**origin, "found_on": url}) for link in linked]
                fresh = result.data if result.outcome == FETCHED else None  # archived bytes are not stored again
                keep(document, fresh, result.etag, result.last_modified)
    key = run_key(batch["run_id"])
    archive.write_log(key, f"fetch-{batch['batch']}", log)
    out = f"runs/{key}/fetched/{batch['batch']}.json"
    store.write_json(
        out,
        {
            "run_id": batch["run_id"],
            "batch": batch["batch"],
            "year": batch["year"],
            "extract": batch.get("extract"),
            "documents": documents,
        },
    )
    return out
