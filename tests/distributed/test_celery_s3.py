"""`make test-distributed`: the nightly DAG on CeleryExecutor with two workers and an S3 data root (moto),
against the same DAG run locally; then a worker killed mid-run. Also: docker-compose.yaml validates."""

import os
import subprocess

import pandas as pd
import pytest
from ogi.pipeline import curated
from ogi.pipeline.config import PipelineConfig
from ogi.pipeline.run import run_all
from ogi.sources import sample_sources_path
from ogi.storage import Store

from tests.distributed.cluster import ROOT, Cluster, have_tools, wait_for

pytestmark = pytest.mark.distributed
COMPARED = ("reports", "documents", "cells", "t2", "t3", "t4", "violations", "not_assessable", "quality", "quarantine")
VOLATILE = {"run_id", "quarantined_at"}


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    missing = have_tools()
    if missing:
        pytest.fail(f"missing {', '.join(missing)}: run `make test-distributed` (it installs them)")
    cluster = Cluster(tmp_path_factory.mktemp("cluster"))
    try:
        yield cluster.start(workers=2)
    except Exception:
        for name in ("scheduler", "worker1", "worker2", "api-server", "dag-processor"):
            print(f"--- {name} ---\n{cluster.log(name)}")
        raise
    finally:
        cluster.stop()


def canonical(store: Store, dataset: str) -> pd.DataFrame:
    frame = curated.read_dataset(store, curated.current(store), dataset)
    frame = frame.drop(columns=[c for c in frame.columns if c in VOLATILE])
    frame = frame.map(lambda v: tuple(v) if hasattr(v, "__len__") and not isinstance(v, str) else v)
    return frame.sort_values(list(frame.columns[:4])).reset_index(drop=True)


@pytest.fixture(scope="module")
def local_run(tmp_path_factory):
    config = PipelineConfig(str(tmp_path_factory.mktemp("local") / "data"), sample_sources_path())
    run_all(config, "local")
    return config.store()


def remote_store(cluster) -> Store:
    return Store(
        cluster.env["OGI_DATA"],
        key="testing",
        secret="testing",
        client_kwargs={"endpoint_url": cluster.env["FSSPEC_S3_ENDPOINT_URL"]},
    )


def assert_same_curated(remote: Store, local: Store) -> None:
    for dataset in COMPARED:
        pd.testing.assert_frame_equal(
            canonical(remote, dataset), canonical(local, dataset), check_dtype=False, obj=dataset
        )


def test_celery_run_on_s3_equals_a_local_run(cluster, local_run):
    cluster.trigger("distributed-1")
    state = cluster.wait_run("distributed-1")
    assert state == "success", cluster.log("scheduler") + cluster.log("worker1") + cluster.log("worker2")
    remote = remote_store(cluster)
    assert remote.exists("curated/CURRENT.json") and not remote.local
    assert_same_curated(remote, local_run)
    # Delta tables in the bucket, read by deltalake alone at the versions the pointer names
    from deltalake import DeltaTable

    version = curated.current(remote)
    t3 = DeltaTable(remote.uri("curated/t3"), version=version.tables["t3"], storage_options=remote.delta_options())
    assert t3.to_pyarrow_table().num_rows == version.manifest["rows"]["t3"] > 0
    assert str(t3.to_pyarrow_table().schema.field("new_received").type) == "int64"
    executed = {name: cluster.log(name, whole=True).count("run_id=distributed-1/") for name in ("worker1", "worker2")}
    assert sum(executed.values()) >= 6, executed  # every task of the run went through a Celery worker


def test_a_worker_killed_mid_run_loses_nothing(cluster, local_run):
    remote = remote_store(cluster)
    before = curated.current(remote).number
    cluster.trigger("distributed-kill", {"force": True})
    # a task can finish between two looks: keep the look that saw it running, then kill at once
    wait_for("a task of the run to start", lambda: cluster.running_tasks("distributed-kill"), 300, 0.2)
    cluster.kill("worker1")
    assert cluster.run_state("distributed-kill") not in ("success", "failed")  # killed mid-run
    state = cluster.wait_run("distributed-kill", timeout=900)
    assert state == "success", cluster.log("scheduler")[-3000:] + cluster.log("worker2")
    after = curated.current(remote)
    assert after.number == before + 1  # published once
    assert_same_curated(remote, local_run)  # nothing lost, nothing twice


def test_delta_commits_on_this_s3_are_conditional(cluster):
    """delta-rs writes a commit with `If-None-Match: *`: a commit file another writer already made is never
    overwritten (the writer moves on to the next version), so the S3 data root needs no lock service for Delta's
    own atomicity. And the publish lock's conditional create holds there too."""
    import boto3
    import pyarrow as pa
    from deltalake import DeltaTable, write_deltalake
    from ogi.pipeline.lock import PublishLocked, publish_lock

    remote = remote_store(cluster)
    options = remote.delta_options()
    uri = remote.uri("scratch/conditional")
    write_deltalake(uri, pa.table({"x": [1]}), storage_options=options)
    s3 = boto3.client(
        "s3",
        endpoint_url=cluster.env["FSSPEC_S3_ENDPOINT_URL"],
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    rival = b'{"commitInfo":{"operation":"RIVAL"}}\n'
    key = "data/scratch/conditional/_delta_log/00000000000000000001.json"
    s3.put_object(Bucket="ogi-distributed", Key=key, Body=rival)
    write_deltalake(DeltaTable(uri, version=0, storage_options=options), pa.table({"x": [2]}), mode="append")
    assert s3.get_object(Bucket="ogi-distributed", Key=key)["Body"].read() == rival
    assert DeltaTable(uri, storage_options=options).version() == 2
    with publish_lock(remote, "holder"):
        with pytest.raises(PublishLocked, match="run holder is publishing to this data root"):
            with publish_lock(remote, "second"):
                pass
    assert not remote.exists("curated/_publish.lock")
    remote.delete("scratch")


def test_compose_file_validates(tmp_path):
    env = tmp_path / ".env"
    lines = (ROOT / ".env.example").read_text().splitlines()
    env.write_text("\n".join(f"{line}x" if line.endswith("=") else line for line in lines) + "\n")
    done = subprocess.run(
        ["docker-compose", "--env-file", str(env), "-f", str(ROOT / "docker-compose.yaml"), "config", "--services"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "COMPOSE_PROJECT_NAME": "ogi"},
    )
    assert done.returncode == 0, done.stderr
    assert set(done.stdout.split()) == {
        "postgres",
        "redis",
        "minio",
        "airflow-init",
        "airflow-api-server",
        "airflow-scheduler",
        "airflow-dag-processor",
        "airflow-triggerer",
        "airflow-worker",
    }
    unset = subprocess.run(
        ["docker-compose", "-f", str(ROOT / "docker-compose.yaml"), "config", "-q"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert unset.returncode != 0 and "set POSTGRES_PASSWORD in .env" in unset.stderr
