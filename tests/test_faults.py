"""Injected faults: the data root's store times out, answers 500 or cuts writes short during fetch, staging and
publish; the disk fills while staging; the publish task is killed at each of its steps. Each task is retried as
Airflow retries it, and in the end nothing is lost, nothing is published twice, and the run summary's counts
add up to what a run without faults gives."""

import dataclasses
import hashlib
import json
import shutil
from datetime import UTC
from pathlib import Path

import pandas as pd
import pytest
from ogi.pipeline import curated
from ogi.pipeline.audit_step import AuditError, audit
from ogi.pipeline.cleanup_step import cleanup
from ogi.pipeline.config import PipelineConfig
from ogi.pipeline.extract_step import extract_batch
from ogi.pipeline.fetch_step import fetch_batch
from ogi.pipeline.lock import LOCK
from ogi.pipeline.plan import discover
from ogi.pipeline.publish_step import publish
from ogi.storage import Store

from tests.faults import DISK_FULL, HTTP_500, PARTIAL, READS, TIMEOUT, Fault, FaultyFileSystem, kill_at, was_killed
from tests.portal import make_portal
from tests.test_pipeline import MAX_BYTES, write_sources

COUNTS = ("documents", "extracted", "quarantined", "container", "unchanged", "out_of_scope", "newly_quarantined")
VOLATILE = {"run_id", "quarantined_at"}


@dataclasses.dataclass(frozen=True)
class FaultyConfig(PipelineConfig):
    faults: tuple[Fault, ...] = ()

    def store(self) -> Store:
        plain = Store(self.data_root)
        return Store(self.data_root, fs=FaultyFileSystem(plain.fs, list(self.faults)))


def retried(step, *args, tries: int = 3):
    """A task as Airflow runs it with retries=2: the same call again after a failure."""
    for attempt in range(tries):
        try:
            return step(*args)
        except (OSError, TimeoutError):
            if attempt == tries - 1:
                raise


def dag_run(config: PipelineConfig, run_id: str) -> dict:
    try:
        plan = retried(discover, config, run_id, None, None)
        staged = [retried(extract_batch, config, retried(fetch_batch, config, batch)) for batch in plan["batches"]]
        return retried(publish, config, run_id, staged, retried(audit, config, run_id, staged))
    finally:
        cleanup(config, run_id)  # trigger_rule="all_done"


@pytest.fixture(scope="module")
def portal():
    portal = make_portal(MAX_BYTES).start()
    yield portal
    portal.stop()


def config_in(root: Path, portal, **fields) -> PipelineConfig:
    root.mkdir(parents=True, exist_ok=True)
    write_sources(root / "sources.yaml", portal)
    cls = FaultyConfig if "faults" in fields else PipelineConfig
    return cls(str(root / "data"), root / "sources.yaml", batch_size=3, max_batches=4, **fields)


def curated_rows(store: Store) -> dict[str, pd.DataFrame]:
    version = curated.current(store)
    out = {}
    for dataset in ("reports", "cells", "t3", "quarantine", "quality"):
        frame = curated.read_dataset(store, version, dataset)
        frame = frame.drop(columns=[c for c in frame.columns if c in VOLATILE]).astype(str)
        out[dataset] = frame.sort_values(list(frame.columns[:5])).reset_index(drop=True)
    return out


@pytest.fixture(scope="module")
def reference(tmp_path_factory, portal):
    config = config_in(tmp_path_factory.mktemp("reference"), portal)
    summary = dag_run(config, "run")
    return summary, curated_rows(config.store())


def assert_whole(config: PipelineConfig, summary: dict, reference) -> None:
    expected_summary, expected_rows = reference
    assert {k: summary[k] for k in COUNTS} == {k: expected_summary[k] for k in COUNTS}
    assert summary["documents"] == sum(
        summary[k] for k in ("extracted", "quarantined", "container", "unchanged", "out_of_scope")
    )
    store = Store(config.data_root)
    assert summary["published"] and summary["version"] == 1 and curated.numbers(store) == [1]  # published once
    for dataset, rows in curated_rows(store).items():
        pd.testing.assert_frame_equal(rows, expected_rows[dataset], obj=dataset)
    for key in store.list("raw"):  # no archived file holds anything but the bytes its name hashes
        assert hashlib.sha256(store.read_bytes(key)).hexdigest() == key.rsplit("/", 1)[-1], key
    assert not store.exists(LOCK)
    assert not [k for k in store.list("runs/run") if "/staging/" in k or "/settled/" in k]


FAULTS = {
    "fetch: the archive times out": Fault(TIMEOUT, r"/raw/sha256/", times=2),
    "fetch: 500 on a URL's state": Fault(HTTP_500, r"/urls/"),
    "fetch: the fetched list cut short": Fault(PARTIAL, r"/runs/run/fetched/"),
    "fetch: the archive unreadable for a moment": Fault(TIMEOUT, r"/raw/sha256/", operations=("cat_file",)),
    "staging: the cells cut short": Fault(PARTIAL, r"/staging/.*/cells\.parquet"),
    "staging: disk full": Fault(DISK_FULL, r"/staging/", times=2),
    "staging: 500 reading it back": Fault(HTTP_500, r"/staging/.*/documents\.parquet", operations=READS),
    "publish: the lock times out": Fault(TIMEOUT, r"_publish\.lock"),
    "publish: the version file cut short": Fault(PARTIAL, r"/curated/versions/"),
    "publish: 500 on the pointer": Fault(HTTP_500, r"/curated/\.CURRENT\.json"),
    "publish: the summary cut short": Fault(PARTIAL, r"/runs/run/summary\.json"),
    "publish: the lock not released": Fault(HTTP_500, r"_publish\.lock", operations=("rm",)),
}


@pytest.mark.parametrize("name", list(FAULTS))
def test_a_fault_in_the_store_loses_nothing(name, tmp_path, portal, reference):
    fault = dataclasses.replace(FAULTS[name], fired=[])
    config = config_in(tmp_path, portal, faults=(fault,))
    summary = dag_run(config, "run")
    assert fault.fired, f"{name}: the fault never fired"
    assert_whole(config, summary, reference)


def test_a_disk_that_stays_full_fails_the_run_and_publishes_nothing(tmp_path, portal, reference):
    full = Fault(DISK_FULL, r"/staging/", times=1000)
    config = config_in(tmp_path, portal, faults=(full,))
    with pytest.raises(OSError, match="No space left on device"):
        dag_run(config, "full")
    assert curated.current(Store(config.data_root)) is None
    # kept for a retry of the failed task; no batch cut short is marked staged (its summary is written last)
    staging = Store(config.data_root).list("runs/full/staging")
    assert staging and not [key for key in staging if key.endswith("/summary.json")]
    # space again: the next run publishes everything, once
    assert_whole(config, dag_run(dataclasses.replace(config, faults=()), "run"), reference)


def test_a_staging_file_cut_short_and_not_retried_stops_the_audit(tmp_path, portal):
    """Without a retry, a cut-short staging file is not read as fewer rows: the audit fails and nothing is
    published."""
    config = config_in(tmp_path, portal)
    plan = discover(config, "run", None, None)
    staged = [extract_batch(config, fetch_batch(config, batch)) for batch in plan["batches"]]
    store = config.store()
    key = f"{staged[0]}/cells.parquet"
    store.write_bytes(key, store.read_bytes(key)[:100])
    with pytest.raises((AuditError, OSError, ValueError)):
        audit(config, "run", staged)
    assert curated.current(store) is None


STEPS = [
    "publish lock taken",
    "committed cells",
    "committed t4",
    "committed quarantine",
    "wrote version file",
    r"version \d+ is current",
    "DuckDB catalog built",
    "run summary written",
]


@pytest.fixture(scope="module")
def audited(tmp_path_factory, portal):
    """A data root where run `run` is fetched, staged and audited, not yet published."""
    config = config_in(tmp_path_factory.mktemp("audited"), portal)
    plan = discover(config, "run", None, None)
    staged = [extract_batch(config, fetch_batch(config, batch)) for batch in plan["batches"]]
    return config, staged, audit(config, "run", staged)


@pytest.mark.parametrize("step", STEPS)
def test_the_publish_task_killed_at_each_step_and_retried(step, audited, tmp_path, reference):
    config, staged, validated = audited
    root = tmp_path / "root"
    shutil.copytree(Path(config.data_root).parent, root)
    mine = dataclasses.replace(config, data_root=str(root / "data"), sources=root / "sources.yaml")
    done = kill_at(
        f"""
        from pathlib import Path
        from ogi.pipeline.config import PipelineConfig
        from ogi.pipeline.publish_step import publish
        config = PipelineConfig({mine.data_root!r}, Path({str(mine.sources)!r}))
        publish(config, "run", {json.dumps(staged)}, {validated!r})
        """,
        step=step,
    )
    assert was_killed(done), f"never reached {step!r}:\n" + done.stdout[-2000:] + done.stderr[-3000:]
    summary = publish(mine, "run", staged, validated)  # Airflow's retry
    cleanup(mine, "run")
    assert_whole(mine, summary, reference)
    stored = json.loads((root / "data" / "runs" / "run" / "summary.json").read_text())
    assert {k: stored[k] for k in COUNTS} == {k: summary[k] for k in COUNTS}


def test_a_publish_after_another_run_published_is_refused_and_the_run_can_be_retried(tmp_path, portal):
    """Run `a` is audited against no curated data; run `b` publishes meanwhile. Publishing `a` as audited would
    overwrite `b`'s reports and validation with results computed without them: refused, and `a`'s files are
    kept, so that clearing its audit task settles it against `b`'s version and publishes it."""
    from ogi.pipeline.publish_step import StaleAudit

    config = config_in(tmp_path, portal)
    plan = discover(config, "a", None, None)
    staged = [extract_batch(config, fetch_batch(config, batch)) for batch in plan["batches"]]
    validated = audit(config, "a", staged)
    assert dag_run(config, "b")["published"]
    store = config.store()
    with pytest.raises(StaleAudit, match="audited against curated version None, but version 1 is current"):
        publish(config, "a", staged, validated)
    assert cleanup(config, "a") == [] and store.list("runs/a/staging") and store.list("runs/a/settled")
    assert curated.current(store).number == 1
    summary = publish(config, "a", staged, audit(config, "a", staged))  # the audit task cleared, and run again
    assert summary["published"] and summary["version"] == 2
    assert set(cleanup(config, "a")) >= {"runs/a/staging", "runs/a/settled", "runs/a/validation"}
    assert not store.list("runs/a/staging") and store.exists("runs/a/summary.json")


def test_a_run_that_never_published_keeps_its_files_a_week(tmp_path):
    import os
    from datetime import datetime, timedelta

    from ogi.pipeline.cleanup_step import KEEP_FAILED

    config = PipelineConfig(str(tmp_path / "data"), tmp_path / "sources.yaml")
    store = config.store()
    now = datetime(2026, 11, 30, tzinfo=UTC)
    for run, age in (("old", KEEP_FAILED + timedelta(hours=1)), ("recent", KEEP_FAILED - timedelta(hours=1))):
        store.write_bytes(f"runs/{run}/staging/0000/cells.parquet", b"x")
        store.write_bytes(f"runs/{run}/fetch_log.json", b"{}")
        stamp = (now - age).timestamp()
        os.utime(store.path(f"runs/{run}/staging/0000/cells.parquet"), (stamp, stamp))
    store.write_bytes("runs/this/staging/0000/cells.parquet", b"x")
    assert cleanup(config, "this", now) == ["runs/old/staging"]
    assert store.exists("runs/old/fetch_log.json") and store.exists("runs/recent/staging/0000/cells.parquet")
    assert store.exists("runs/this/staging/0000/cells.parquet")  # not published: kept for its retry
