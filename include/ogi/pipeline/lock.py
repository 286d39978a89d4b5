"""One publisher at a time on a data root: a lock file created only if absent (O_EXCL on disk, a conditional PUT
on S3), naming its holder. A second publisher stops with a message that says who holds it and since when.
The same run, retried after it died holding the lock, takes it back; so does anyone when the holder's process
is gone from this host, or the lock is older than `stale_after_s` (a publish takes minutes, not hours)."""

from __future__ import annotations

import json
import logging
import os
import socket
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from ogi.storage import Store

LOCK = "curated/_publish.lock"
STALE_AFTER_S = float(os.environ.get("OGI_PUBLISH_LOCK_STALE_S", 6 * 3600))
log = logging.getLogger("ogi.publish")


class PublishLocked(RuntimeError):
    """Another publisher holds the data root."""


@contextmanager
def publish_lock(store: Store, run_id: str, stale_after_s: float = STALE_AFTER_S) -> Iterator[dict]:
    mine = {
        "run_id": run_id,
        "token": uuid.uuid4().hex,
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "since": datetime.now(UTC).isoformat(timespec="seconds"),
        "at": time.time(),
    }
    data = json.dumps(mine, ensure_ascii=False).encode("utf-8")
    try:
        store.create(LOCK, data)
    except FileExistsError:
        held = _holder(store)
        if held is None:  # released between our attempt and our read: try once more
            store.create(LOCK, data)
        elif held.get("run_id") == run_id or _dead(held) or time.time() - held.get("at", 0) > stale_after_s:
            log.warning("taking over the publish lock held by run %s since %s", held.get("run_id"), held.get("since"))
            store.put_atomic(LOCK, data)
        else:
            raise PublishLocked(
                f"{store.uri(LOCK)}: run {held.get('run_id')} is publishing to this data root (since "
                f"{held.get('since')}, pid {held.get('pid')} on {held.get('host')}); run {run_id} stops without "
                "publishing. If that publisher is dead, delete the lock file and run again."
            ) from None
    log.info("publish lock taken by run %s", run_id)
    try:
        yield mine
    finally:
        held = _holder(store)
        if held is not None and held.get("token") == mine["token"]:
            store.delete(LOCK)


def _dead(held: dict) -> bool:
    """The holder ran on this host and its process is gone."""
    if held.get("host") != socket.gethostname() or not isinstance(held.get("pid"), int):
        return False
    try:
        os.kill(held["pid"], 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, someone else's
        return False
    return False


def _holder(store: Store) -> dict | None:
    try:
        return json.loads(store.read_bytes(LOCK))
    except FileNotFoundError:
        return None
    except ValueError:  # a lock file cut short by a crash while it was written: held by nobody we can name
        return {"run_id": None, "at": 0}
