"""Faults on demand: a filesystem that fails the way object stores and disks fail, and a child process that is
killed at a chosen step of its work.

`FaultyFileSystem` wraps the data root's real fsspec filesystem (what `ogi.storage.Store` uses) and fails the
operations a `Fault` matches: a timeout, a 500 from the store, a write cut short after half its bytes reached
the disk (what a dropped connection or a crash leaves on a local root), or a full disk (ENOSPC, also after half
the bytes). Each fault fires a set number of times and is then spent, as a transient failure is.

`kill_at` runs Python in a child process that SIGKILLs itself when a log record of the `ogi` loggers matches a
pattern: the kill lands exactly at that step, as a lost worker or an OOM kill would.
"""

from __future__ import annotations

import errno
import re
import signal
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field

from fsspec import AbstractFileSystem

TIMEOUT, HTTP_500, PARTIAL, DISK_FULL = "timeout", "500", "partial", "disk_full"
WRITES = ("pipe_file",)
READS = ("cat_file", "exists", "find")


@dataclass
class Fault:
    kind: str
    path: str  # a regex searched in the path
    operations: tuple[str, ...] = WRITES
    times: int = 1  # how many matching calls fail before the store recovers
    skip: int = 0  # matching calls let through first
    fired: list[str] = field(default_factory=list)

    def matches(self, operation: str, path: str) -> bool:
        if operation not in self.operations or not re.search(self.path, path):
            return False
        if self.skip:
            self.skip -= 1
            return False
        return len(self.fired) < self.times


class FaultyFileSystem(AbstractFileSystem):
    """The operations `Store` uses, passed to `inner` unless a fault matches."""

    def __init__(self, inner: AbstractFileSystem, faults: list[Fault]):
        super().__init__()
        self.inner, self.faults = inner, faults
        self.protocol = inner.protocol

    def _fault(self, operation: str, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.matches(operation, path):
                fault.fired.append(f"{operation} {path}")
                return fault
        return None

    def _fail(self, fault: Fault, path: str, data: bytes | None = None, mode: str = "overwrite"):
        if fault.kind == TIMEOUT:
            raise TimeoutError(f"{path}: the object store did not answer in time (injected)")
        if fault.kind == HTTP_500:
            raise OSError(errno.EIO, f"{path}: 500 Internal Server Error (injected)")
        if data is not None:  # what reached the disk before the failure
            self.inner.pipe_file(path, data[: len(data) // 2], mode=mode)
        if fault.kind == DISK_FULL:
            raise OSError(errno.ENOSPC, f"No space left on device (injected): {path}")
        raise ConnectionResetError(f"{path}: connection reset after {len(data or b'') // 2} bytes (injected)")

    def exists(self, path, **kwargs):
        if fault := self._fault("exists", path):
            self._fail(fault, path)
        return self.inner.exists(path, **kwargs)

    def cat_file(self, path, *args, **kwargs):
        if fault := self._fault("cat_file", path):
            self._fail(fault, path)
        return self.inner.cat_file(path, *args, **kwargs)

    def pipe_file(self, path, value, mode="overwrite", **kwargs):
        if fault := self._fault("pipe_file", path):
            self._fail(fault, path, value, mode)
        return self.inner.pipe_file(path, value, mode=mode, **kwargs)

    def find(self, path, *args, **kwargs):
        if fault := self._fault("find", path):
            self._fail(fault, path)
        return self.inner.find(path, *args, **kwargs)

    def modified(self, path):
        if fault := self._fault("modified", path):
            self._fail(fault, path)
        return self.inner.modified(path)

    def makedirs(self, path, exist_ok=False):
        return self.inner.makedirs(path, exist_ok=exist_ok)

    def rm(self, path, recursive=False, **kwargs):
        if fault := self._fault("rm", path):
            self._fail(fault, path)
        return self.inner.rm(path, recursive=recursive, **kwargs)


def kill_at(code: str, step: str, nth: int = 1, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run `code` in a child that SIGKILLs itself at the `nth` `ogi` log record matching the regex `step`.
    Returns the finished child (killed, or done when the step never came)."""
    preamble = textwrap.dedent(f"""
        import logging, os, re, signal
        class _KillAt(logging.Handler):
            seen = 0
            def emit(self, record):
                message = record.getMessage()
                print("step:", message, flush=True)
                if re.search({step!r}, message):
                    _KillAt.seen += 1
                    if _KillAt.seen == {nth}:
                        os.kill(os.getpid(), signal.SIGKILL)
        logging.getLogger("ogi").addHandler(_KillAt())
        logging.getLogger("ogi").setLevel(logging.INFO)
    """)
    return subprocess.run(
        [sys.executable, "-c", preamble + textwrap.dedent(code)], capture_output=True, text=True, timeout=timeout
    )


def was_killed(done: subprocess.CompletedProcess) -> bool:
    return done.returncode == -signal.SIGKILL
