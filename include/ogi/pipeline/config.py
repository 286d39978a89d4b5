"""Pipeline settings, from the environment: where data lives, which sources, how work is batched."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from ogi.sources import sample_sources_path
from ogi.storage import Store


@dataclass(frozen=True)
class PipelineConfig:
    data_root: str  # a directory or an fsspec URL (s3://bucket/prefix)
    sources: Path
    batch_size: int = 200  # reports per mapped task
    max_batches: int = 32  # bound on mapped tasks per run, however many reports there are

    @classmethod
    def from_env(cls) -> PipelineConfig:
        return cls(
            data_root=os.environ.get("OGI_DATA", str(Path.cwd() / "data")),
            sources=Path(os.environ.get("OGI_SOURCES") or sample_sources_path()),
            batch_size=int(os.environ.get("OGI_BATCH_SIZE", 200)),
            max_batches=int(os.environ.get("OGI_MAX_BATCHES", 32)),
        )

    def store(self) -> Store:
        return Store(self.data_root)


def run_key(run_id: str) -> str:
    """An Airflow run id as a path segment (manual__2026-01-01T00:00:00+00:00 → manual__2026-01-01T00_00_00_00_00)."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", run_id)
