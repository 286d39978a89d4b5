"""The data root behind one interface: a local directory by default, any fsspec URL (s3://…) in a deployment.

Every path the pipeline hands between tasks is a key under the root, so no task assumes it shares a disk with
another. Writes that readers depend on (`put_atomic`) are all-or-nothing: a local file is written aside and
renamed; an object store PUT is atomic by itself.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import fsspec


class Store:
    def __init__(self, root: str | Path, **storage_options):
        root = str(root)
        if "://" not in root:
            root = Path(root).resolve().as_uri()
        self.url = root.rstrip("/")
        self.fs, self._root = fsspec.core.url_to_fs(self.url, **storage_options)
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
        with open(aside, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(aside, path)

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

    def delete(self, key: str) -> None:
        if self.fs.exists(self.path(key)):
            self.fs.rm(self.path(key), recursive=True)
