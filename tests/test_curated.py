"""The curated Delta tables through the library: time travel, retention, schema enforcement, the migration from
the earlier hand-made layout, and one publisher at a time. The tables are read back with `deltalake` alone."""

import io
import json
import subprocess
import sys
import textwrap

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from deltalake import DeltaTable, write_deltalake
from ogi.cli import main
from ogi.pipeline import curated
from ogi.pipeline.catalog import build_catalog
from ogi.pipeline.config import PipelineConfig
from ogi.pipeline.lock import LOCK, PublishLocked, publish_lock
from ogi.pipeline.migrate import migrate
from ogi.pipeline.schemas import SCHEMA_VERSION, SCHEMAS, storage_schema
from ogi.sources import sample_sources_path
from ogi.storage import Store


def frame(dataset: str, **columns) -> pd.DataFrame:
    rows = len(next(iter(columns.values())))
    out = pd.DataFrame({name: [None] * rows for name in SCHEMAS[dataset].names})
    for name, values in columns.items():
        out[name] = values
    return out


def reports(ids: list[str], year, run: str) -> pd.DataFrame:
    return frame("reports", report_id=ids, report_year=[year] * len(ids), run_id=[run] * len(ids), status="ok")


def t3(ids: list[str], year, received: list) -> pd.DataFrame:
    return frame("t3", report_id=ids, report_year=[year] * len(ids), col="total", new_received=received)


def publish(store: Store, run: str, changes: dict) -> curated.Version:
    with curated.publishing(store, run) as publisher:
        return publisher.commit(changes)


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(tmp_path / "data")


def test_time_travel_reads_every_table_as_it_was(store, tmp_path):
    publish(
        store,
        "one",
        {"reports": (reports(["a", "b"], 2022, "one"), set()), "t3": (t3(["a", "b"], 2022, [5, 7]), set())},
    )
    publish(store, "two", {"reports": (reports(["a"], 2023, "two"), {"a"}), "t3": (t3(["a"], 2023, [9]), {"a"})})
    publish(store, "three", {"reports": (None, {"b"}), "t3": (None, {"b"})})
    first, now = curated.at(store, 1), curated.current(store)
    assert now.number == 3 and now.manifest["previous"] == 2
    old = curated.read_dataset(store, first, "t3").set_index("report_id")["new_received"].to_dict()
    assert old == {"a": 5, "b": 7}
    assert curated.read_dataset(store, now, "t3").set_index("report_id")["new_received"].to_dict() == {"a": 9}
    assert list(curated.read_dataset(store, curated.at(store, 2), "reports").sort_values("report_id")["run_id"]) == [
        "two",
        "one",
    ]
    # DuckDB views at version 1, with counts as integers
    config = PipelineConfig(store.url, sample_sources_path())
    path = build_catalog(config, first, tmp_path / "v1.duckdb")
    with duckdb.connect(path, read_only=True) as db:
        assert db.sql("select version from ogi_version").fetchall() == [(1,)]
        assert sorted(db.sql("select report_id, report_year, new_received from t3").fetchall()) == [
            ("a", 2022, 5),
            ("b", 2022, 7),
        ]
        types = dict(db.sql("select column_name, column_type from (describe t3)").fetchall())
    assert types["new_received"] == "BIGINT" and types["report_year"] == "INTEGER"
    with pytest.raises(curated.VersionNotFound, match="no version 9 .versions 1–3 are kept"):
        curated.at(store, 9)


def test_status_and_catalog_as_of_a_version(store, tmp_path, capsys):
    publish(store, "one", {"t3": (t3(["a"], 2022, [5]), set())})
    publish(store, "two", {"t3": (t3(["a"], 2022, [6]), set())})
    assert main(["status", "--data", store.url, "--as-of", "1"]) == 0
    out = capsys.readouterr().out
    assert "version 1, published" in out and "by run one" in out and "(current)" not in out
    assert main(["catalog", "--data", store.url, "--as-of", "1", "--out", str(tmp_path / "one.duckdb")]) == 0
    with duckdb.connect(str(tmp_path / "one.duckdb"), read_only=True) as db:
        assert db.sql("select new_received from t3").fetchall() == [(5,)]
    assert main(["status", "--data", store.url, "--as-of", "7"]) == 1
    assert "no version 7" in capsys.readouterr().err


def test_retention_keeps_the_last_versions_and_their_files_only(store):
    for number in range(1, 6):
        publish(store, f"run{number}", {"t3": (t3(["a", "b"], 2022, [number, 10 * number]), {"a", "b"})})
        curated.expire(store, keep=2)
    assert curated.numbers(store) == [4, 5]
    with pytest.raises(curated.VersionNotFound, match="versions 4–5 are kept"):
        curated.at(store, 3)
    assert curated.read_dataset(store, curated.at(store, 4), "t3")["new_received"].sort_values().tolist() == [4, 40]
    table = DeltaTable(store.uri("curated/t3"))
    on_disk = [k for k in store.list("curated/t3") if k.endswith(".parquet")]
    referenced = set(DeltaTable(store.uri("curated/t3"), version=curated.at(store, 4).tables["t3"]).file_uris())
    referenced |= set(table.file_uris())
    assert len(on_disk) == len(referenced) == 2  # versions 1-3's files are gone
    assert table.vacuum(retention_hours=0, enforce_retention_duration=False, dry_run=True, keep_versions=[]) != []


def test_curated_tables_read_without_ogi(store):
    """What `deltalake` alone reads is what ogi published: the same rows, counts as integers. (Its SQL, not
    `to_pyarrow_table`: with pyarrow 26 that aborts the process at exit about one time in two.)"""
    publish(
        store, "one", {"t3": (t3(["a", "b"], 2022, [5, None]), set()), "reports": (reports(["a"], None, "one"), set())}
    )
    code = f"""
        import json, sys
        import pyarrow
        from deltalake import DeltaTable, QueryBuilder
        query = QueryBuilder().register("t3", DeltaTable({store.uri("curated/t3")!r}))
        query = query.register("reports", DeltaTable({store.uri("curated/reports")!r}))
        t3 = pyarrow.table(query.execute("select * from t3").read_all())
        reports = pyarrow.table(query.execute("select * from reports").read_all())
        print(json.dumps({{"ogi": any(m == "ogi" or m.startswith("ogi.") for m in sys.modules),
                          "type": str(t3.schema.field("new_received").type),
                          "t3": sorted(zip(t3["report_id"].to_pylist(), t3["new_received"].to_pylist())),
                          "years": reports["report_year"].to_pylist()}}))
    """
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen == {"ogi": False, "type": "int64", "t3": [["a", 5], ["b", None]], "years": [None]}


def test_schema_is_enforced_on_write(store):
    with pytest.raises((pa.ArrowInvalid, pa.ArrowTypeError)):  # 2.5 is no count
        publish(store, "bad", {"t3": (t3(["a"], 2022, [2.5]), set())})
    assert curated.current(store) is None
    publish(store, "good", {"t3": (t3(["a"], 2022, [2]), set())})
    # a column added by hand, not through ogi, is rolled back by the next publish (no version names it)...
    data = pa.table({**{f.name: pa.nulls(1, f.type) for f in storage_schema("t3")}, "extra": pa.array([1])})
    write_deltalake(store.uri("curated/t3"), data, mode="append", schema_mode="merge")
    publish(store, "next", {"t3": (t3(["a"], 2022, [3]), {"a"})})
    assert "extra" not in curated.read_dataset(store, curated.current(store), "t3")
    # ...and a version whose table has another schema is not written over: that takes a migration
    write_deltalake(store.uri("curated/t3"), data, mode="append", schema_mode="merge")
    pointer = store.read_json(curated.CURRENT)
    pointer["tables"]["t3"] = DeltaTable(store.uri("curated/t3")).version()
    store.write_json(curated.CURRENT, pointer)
    with pytest.raises(
        curated.SchemaMismatch,
        match=r"curated/t3: stored with another schema \(extra int64 not in this ogi.s schema\); a schema change",
    ):
        publish(store, "after", {"t3": (t3(["a"], 2022, [4]), {"a"})})


def legacy_root(store: Store) -> None:
    """Curated data as ogi wrote it before Delta: Parquet per version and partition, counts as DOUBLE."""

    def legacy_type(field: pa.Field) -> pa.DataType:
        if pa.types.is_dictionary(field.type):
            return field.type.value_type
        return pa.float64() if field.type == pa.int64() else field.type

    def write(dataset: str, rows: pd.DataFrame, partition: str) -> str:
        schema = pa.schema([(f.name, legacy_type(f)) for f in SCHEMAS[dataset]])
        sink = io.BytesIO()
        pq.write_table(pa.Table.from_pandas(rows[schema.names], schema=schema, preserve_index=False), sink)
        key = f"curated/v000003/{dataset}/report_year={partition}/part.parquet"
        store.write_bytes(key, sink.getvalue())
        return key

    files = {
        "reports": {"2022": write("reports", reports(["a", "b"], 2022, "old").assign(status="ok"), "2022")},
        "t3": {"2022": write("t3", t3(["a", "b"], 2022, [5.0, 2.5]), "2022")},
    }
    manifest = {
        "version": 3,
        "created": "2026-01-01T00:00:00+00:00",
        "run_id": "old",
        "previous": 2,
        "datasets": {name: {"files": f, "rows": {"2022": 2}} for name, f in files.items()},
    }
    store.write_json("curated/v000003/manifest.json", manifest)
    store.write_json(curated.CURRENT, {"version": 3, "manifest": "curated/v000003/manifest.json"})


def test_migration_from_the_hand_made_layout(store, capsys):
    legacy_root(store)
    with pytest.raises(curated.NeedsMigration, match="run `ogi migrate`"):
        curated.current(store)
    assert main(["status", "--data", store.url]) == 1 and "ogi migrate" in capsys.readouterr().err
    assert main(["migrate", "--data", store.url]) == 0
    assert "version 3 (hand-made Parquet layout) → version 4" in capsys.readouterr().out
    version = curated.current(store)
    assert version.number == 4 and version.manifest["schema"] == SCHEMA_VERSION
    migrated = curated.read_dataset(store, version, "t3").set_index("report_id")["new_received"]
    assert str(migrated.dtype) == "Int64" and migrated["a"] == 5 and pd.isna(migrated["b"])  # 2.5 was no count
    assert sorted(curated.read_dataset(store, version, "reports")["report_id"]) == ["a", "b"]
    assert migrate(store) == []  # done once
    publish(store, "after", {"t3": (t3(["b"], 2022, [3]), {"b"})})
    assert curated.current(store).number == 5


def test_a_second_publisher_stops_with_a_clear_message(store):
    publish(store, "first", {"t3": (t3(["a"], 2022, [1]), set())})
    with publish_lock(store, "run-A"):
        with pytest.raises(PublishLocked, match=r"run run-A is publishing to this data root .* run run-B stops"):
            publish(store, "run-B", {"t3": (t3(["a"], 2022, [2]), {"a"})})
        assert store.exists(LOCK)
    assert not store.exists(LOCK)
    version = curated.current(store)
    assert version.number == 1 and curated.read_dataset(store, version, "t3")["new_received"].tolist() == [1]
    assert DeltaTable(store.uri("curated/t3")).version() == version.tables["t3"]  # B wrote no table


def test_a_lock_being_written_is_never_seen_empty(store, tmp_path):
    """The lock appears with its holder written in it: a rival that reads it mid-write must not find it empty
    (an empty lock names nobody and would be taken over as a crashed one)."""
    seen = []
    inner = store.fs

    class Watching(type(inner)):
        def open(self, path, mode="rb", **kwargs):
            opened = super().open(path, mode, **kwargs)
            if "r" not in mode:  # the file is there, its bytes not yet: what a rival can read now
                seen.append(store.exists(LOCK) and store.read_bytes(LOCK))
            return opened

    watched = Store(store.url, fs=Watching())
    with publish_lock(watched, "run-A"), pytest.raises(PublishLocked, match="run run-A is publishing"):
        with publish_lock(watched, "run-B"):
            pass
    assert seen and not any(content == b"" for content in seen)


def test_two_publishers_in_separate_processes_one_wins(store, tmp_path):
    """Two processes publish to one root at the same moment: exactly one publishes, the other stops with the
    lock's message, and what is current is the winner's version whole."""
    publish(store, "seed", {"t3": (t3(["a"], 2022, [1]), set())})
    code = """
        import sys, time
        import pandas as pd
        from ogi.pipeline import curated
        from ogi.pipeline.lock import PublishLocked
        from ogi.pipeline.schemas import SCHEMAS
        from ogi.storage import Store
        root, run, start = sys.argv[1], sys.argv[2], float(sys.argv[3])
        store = Store(root)
        def frame(dataset, **columns):
            out = pd.DataFrame({name: [None] for name in SCHEMAS[dataset].names})
            for name, value in columns.items():
                out[name] = [value]
            return out
        time.sleep(max(0.0, start - time.time()))
        try:
            with curated.publishing(store, run) as publisher:
                time.sleep(1.0)  # hold the lock long enough for the other to arrive
                publisher.commit({"t3": (frame("t3", report_id="a", report_year=2022, col="total",
                                               new_received=len(run)), {"a"}),
                                  "reports": (frame("reports", report_id="a", report_year=2022, run_id=run,
                                                    status="ok"), {"a"})})
            print("published", run)
        except PublishLocked as exc:
            print("stopped", exc)
    """
    import time

    start = time.time() + 3
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(code), store.url, run, str(start)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for run in ("run-x", "run-yy")
    ]
    outputs = [p.communicate(timeout=120) for p in processes]
    said = [out.strip() for out, _ in outputs]
    assert all(p.returncode == 0 for p in processes), [err for _, err in outputs]
    assert sorted(s.split()[0] for s in said) == ["published", "stopped"], said
    winner = next(s.split()[1] for s in said if s.startswith("published"))
    loser = next(s for s in said if s.startswith("stopped"))
    assert f"run {winner} is publishing to this data root" in loser
    version = curated.current(store)
    assert version.number == 2 and version.run_id == winner
    assert curated.read_dataset(store, version, "t3")["new_received"].tolist() == [len(winner)]
    assert curated.read_dataset(store, version, "reports")["run_id"].tolist() == [winner]
    assert not store.exists(LOCK)


def test_schema_2_data_gets_the_cells_confidence_column(store, monkeypatch):
    """Schema 3 added `cells.confidence` (a reading's probability, for cells read by OCR): curated data of schema
    2 is migrated by `ogi migrate`, its cells' confidence NULL."""
    from ogi.pipeline import migrate as migrations

    cells = frame("cells", report_id=["a"], report_year=[2022], table="t3", row="granted", col="total", value=[1.0])
    with monkeypatch.context() as before:
        before.setitem(SCHEMAS, "cells", SCHEMAS["cells"].remove(SCHEMAS["cells"].get_field_index("confidence")))
        for module in (curated, migrations):
            before.setattr(module, "SCHEMA_VERSION", 2)
        publish(store, "one", {"cells": (cells.drop(columns="confidence"), set())})
    with pytest.raises(curated.NeedsMigration, match="schema 2, this ogi writes schema 3; run `ogi migrate`"):
        publish(store, "two", {"cells": (cells.assign(report_id="b", confidence=0.97), set())})
    assert migrate(store) == ["schema 2 → 3 (version 2): added cells.confidence"]
    publish(store, "three", {"cells": (cells.assign(report_id="b", confidence=0.97), set())})
    now = curated.read_dataset(store, curated.current(store), "cells").set_index("report_id")["confidence"]
    assert pd.isna(now["a"]) and now["b"] == pytest.approx(0.97)


def test_a_version_made_by_someone_else_stops_the_publisher(store):
    """Even past the lock (a stale lock taken over by two at once), a version is made once: its file is created
    only if absent, and the publisher that finds it made stops."""
    publish(store, "seed", {"t3": (t3(["a"], 2022, [1]), set())})
    with curated.publishing(store, "late") as publisher:
        store.create("curated/versions/000002.json", b"{}")  # the other publisher's, a moment earlier
        with pytest.raises(curated.ConcurrentPublish, match="another publisher made version 2 first"):
            publisher.commit({"t3": (t3(["a"], 2022, [2]), {"a"})})
    assert curated.current(store).number == 1


def test_a_new_column_is_a_migration(store, monkeypatch):
    """The next schema adds a column to t3: publishing stops until `ogi migrate` adds it; rows written before
    read it as NULL, time travel to the versions of the schema before still works."""
    from ogi.pipeline import migrate as migrations
    from ogi.pipeline import schemas

    publish(store, "one", {"t3": (t3(["a"], 2022, [5]), set())})
    monkeypatch.setitem(schemas.SCHEMAS, "t3", SCHEMAS["t3"].append(pa.field("note", pa.string())))
    schema, next_ = SCHEMA_VERSION, SCHEMA_VERSION + 1
    for module in (curated, migrations):
        monkeypatch.setattr(module, "SCHEMA_VERSION", next_)
    monkeypatch.setitem(migrations.MIGRATIONS, schema, migrations.add_new_columns)
    with pytest.raises(
        curated.NeedsMigration, match=f"schema {schema}, this ogi writes schema {next_}; run `ogi migrate`"
    ):
        publish(store, "two", {"t3": (t3(["b"], 2022, [6]), set())})
    assert migrate(store) == [f"schema {schema} → {next_} (version 2): added t3.note"]
    publish(store, "three", {"t3": (t3(["b"], 2022, [6]).assign(note="printed twice"), set())})
    now = curated.read_dataset(store, curated.current(store), "t3").set_index("report_id")
    assert now.loc["b", "note"] == "printed twice" and pd.isna(now.loc["a", "note"])
    before = curated.read_dataset(store, curated.at(store, 1), "t3")
    assert before["new_received"].tolist() == [5] and before["note"].isna().all()


def test_a_copy_read_again_in_another_year_leaves_no_rows_in_the_old_one(store):
    """A copy is a document but not a report: its rows' old partition is found through `documents`, so that
    replacing it deletes them there (else its cells stood in 2023 and 2024 at once)."""

    def cells(ids, years):
        n = len(ids)
        return frame(
            "cells",
            report_id=ids,
            report_year=years,
            table=["t3"] * n,
            row=["r"] * n,
            col=["c"] * n,
            kind=["number"] * n,
            value=[1.0] * n,
        )

    publish(
        store,
        "one",
        {
            "cells": (cells(["C", "A", "B"], [2023, 2023, 2024]), set()),
            "reports": (
                frame("reports", report_id=["C", "B"], report_year=[2023, 2024], run_id="one", status="ok"),
                set(),
            ),
            "documents": (
                frame(
                    "documents", report_id=["C", "A", "B"], report_year=[2023, 2023, 2024], run_id="one", status="ok"
                ),
                set(),
            ),
        },
    )
    version = publish(store, "two", {"cells": (cells(["A", "B"], [2024, 2024]), {"A", "B"})})
    now = curated.read_dataset(store, version, "cells", ["report_id", "report_year"])
    assert sorted(zip(now["report_id"], now["report_year"].astype(int))) == [("A", 2024), ("B", 2024), ("C", 2023)]
