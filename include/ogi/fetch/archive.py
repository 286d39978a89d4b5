"""The raw archive: every fetched byte string once, by its sha256, never changed; per URL the versions seen
and the validators for a conditional GET; a fetch log per run."""

from __future__ import annotations

import hashlib
import json

from ogi.storage import Store

RAW = "raw/sha256"
URLS = "urls"
LOG = "fetch_log"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def url_key(url: str) -> str:
    digest = sha256(url.encode("utf-8"))
    return f"{URLS}/{digest[:2]}/{digest}.json"


class Archive:
    def __init__(self, store: Store):
        self.store = store

    def raw_key(self, digest: str) -> str:
        return f"{RAW}/{digest[:2]}/{digest}"

    def put(self, data: bytes) -> str:
        digest = sha256(data)
        key = self.raw_key(digest)
        if not self.store.exists(key):  # content-addressed: the same bytes are the same file
            self.store.put_atomic(key, data)
        return digest

    def get(self, digest: str) -> bytes:
        return self.store.read_bytes(self.raw_key(digest))

    def url_state(self, url: str) -> dict:
        key = url_key(url)
        return self.store.read_json(key) if self.store.exists(key) else {"url": url, "versions": []}

    def record_version(
        self,
        url: str,
        digest: str,
        fetched_at: str,
        etag: str | None,
        last_modified: str | None,
        content_type: str | None,
    ) -> bool:
        """Remember what `url` served; True when it is new content (a new version; the old ones are kept)."""
        state = self.url_state(url)
        latest = state["versions"][-1]["sha256"] if state["versions"] else None
        changed = digest != latest
        if changed:
            state["versions"].append({"sha256": digest, "first_seen": fetched_at, "content_type": content_type})
        state.update(etag=etag, last_modified=last_modified, last_checked=fetched_at)
        self.store.write_json(url_key(url), state, atomic=True)
        return changed

    def write_log(self, run_id: str, batch: str, records: list[dict]) -> str:
        key = f"{LOG}/{run_id}/{batch}.jsonl"
        lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        self.store.write_bytes(key, lines.encode("utf-8"))
        return key
