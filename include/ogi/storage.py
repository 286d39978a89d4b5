"""The data root behind one interface: a local directory by default, any fsspec URL (s3://…) in a deployment.

Every path the pipeline hands between tasks is a key under the root, so no task assumes it shares a disk with
another. Writes that readers depend on (`put_atomic`) are all-or-nothing: a local file is written aside and
renamed; an object store PUT is atomic by itself. `create` writes only if nothing is there (a hard link on disk, a
conditional PUT `If-None-Match: *` on S3), the primitive locks are made of. The curated Delta tables are read and
written by delta-rs, which gets the same location and credentials from `delta_options`.
"""

from __future__ import annotations

import json
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path

import fsspec


class Store:
    def __init__(self, root: str | Path, fs: fsspec.AbstractFileSystem | None = None, **storage_options):
        root = str(root)
        if "://" not in root:
            root = Path(root).resolve().as_uri()
        self.url = root.rstrip("/")
        self.fs, self._root = fsspec.core.url_to_fs(self.url, **storage_options)
        if fs is not None:  # the same root through another filesystem object (tests inject faults this way)
            self.fs = fs
        protocols = (self.fs.protocol,) if isinstance(self.fs.protocol, str) else self.fs.protocol
        self.local = "file" in protocols

    def path(self, key: str) -> str:
        """The filesystem path of a key, for fsspec-aware readers (pyarrow, pandas)."""
        return f"{self._root}/{key.lstrip('/')}"

    def uri(self, key: str) -> str:
        """The full URL of a key, for readers that take URLs (DuckDB)."""
        return f"{self.url}/{key.lstrip('/')}"

    def exists(self, key: str) -> bool:
        return self.fs.exists(self.path(key))

    def read_bytes(self, key: str) -> bytes:
        return self.fs.cat_file(self.path(key))

    def write_bytes(self, key: str, data: bytes) -> None:
        path = self.path(key)
        if self.local:
            self.fs.makedirs(os.path.dirname(path), exist_ok=True)
        self.fs.pipe_file(path, data)

    def put_atomic(self, key: str, data: bytes) -> None:
        """Readers see the old content or the new, never a part."""
        if not self.local:
            self.write_bytes(key, data)
            return
        path = Path(self.path(key))
        path.parent.mkdir(parents=True, exist_ok=True)
        aside = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        try:
            self.fs.pipe_file(str(aside), data)  # through the filesystem: a full disk shows here, not at the rename
            descriptor = os.open(aside, os.O_RDONLY)
            try:
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
            os.replace(aside, path)
        except BaseException:
            aside.unlink(missing_ok=True)
            raise

    def create(self, key: str, data: bytes) -> None:
        """Write `key` only if it does not exist; FileExistsError if it does (another writer got there first)."""
        if not self.local:
            self.fs.pipe_file(self.path(key), data, mode="create")
            return
        # Written aside and hard-linked into place: the link fails if the key exists, and a reader never sees
        # the file before its content (an O_EXCL open is visible, empty, until the write lands).
        path = Path(self.path(key))
        path.parent.mkdir(parents=True, exist_ok=True)
        aside = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        try:
            self.fs.pipe_file(str(aside), data)
            os.link(aside, path)
        finally:
            aside.unlink(missing_ok=True)

    def delta_options(self) -> dict[str, str]:
        """Storage options for delta-rs: the endpoint and credentials this store's filesystem uses."""
        if self.local:
            return {}
        options = {"AWS_REGION": os.environ.get("AWS_DEFAULT_REGION", os.environ.get("AWS_REGION", "us-east-1"))}
        endpoint = getattr(self.fs, "endpoint_url", None) or getattr(self.fs, "client_kwargs", {}).get("endpoint_url")
        endpoint = endpoint or os.environ.get("FSSPEC_S3_ENDPOINT_URL") or os.environ.get("AWS_ENDPOINT_URL")
        if endpoint:
            options["AWS_ENDPOINT_URL"] = endpoint
            options["AWS_ALLOW_HTTP"] = str(endpoint.startswith("http://")).lower()
        for option, attribute in (("AWS_ACCESS_KEY_ID", "key"), ("AWS_SECRET_ACCESS_KEY", "secret")):
            value = getattr(self.fs, attribute, None) or os.environ.get(option)
            if value:
                options[option] = value
        return options

    def read_json(self, key: str):
        return json.loads(self.read_bytes(key))

    def write_json(self, key: str, value, atomic: bool = False) -> None:
        data = json.dumps(value, ensure_ascii=False, indent=1, default=str).encode("utf-8")
        (self.put_atomic if atomic else self.write_bytes)(key, data)

    def list(self, prefix: str) -> list[str]:
        """Keys under `prefix` (recursively), relative to the root."""
        base = self.path(prefix)
        if not self.fs.exists(base):
            return []
        root = self._root.rstrip("/") + "/"
        return sorted(p[len(root) :] if p.startswith(root) else p for p in self.fs.find(base))

    def modified(self, key: str) -> datetime:
        """When the file at `key` was last written (UTC)."""
        when = self.fs.modified(self.path(key))
        return when if when.tzinfo else when.replace(tzinfo=UTC)

    def delete(self, key: str) -> None:
        if self.fs.exists(self.path(key)):
            self.fs.rm(self.path(key), recursive=True)
