"""Documents read in worker processes, each under a budget of time and memory.

A document that takes longer than its time budget has its worker killed (with whatever that worker started,
LibreOffice included) and comes back with status `timeout`; one that needs more address space than its memory
budget comes back with status `memory`; one that kills its worker (a crash in a C library) comes back with
status `error`. The pool starts a new worker in place of each one lost, so the batch goes on.

Each worker (`python -m ogi.workers`) imports the readers once and reads many documents: a process started per
document would cost more than reading a text report. Jobs and reports pass through pipes, pickled.
"""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path

from ogi.extract import Report
from ogi.sources import ExtractOptions

TIMEOUT, MEMORY = "timeout", "memory"  # statuses of a document over its budget
_START_S = 120  # for a worker process to import the readers
_PIPE_ROOM = 48 * 1024  # a job this small waits in the pipe's buffer (64 KiB on Linux) without blocking its sender


@dataclass(frozen=True)
class Job:
    """One document to read: its bytes, or a file to read them from."""

    source: str
    data: bytes | None = None
    path: str | None = None
    content_type: str | None = None
    ocr: bool = True  # a scanned PDF read by OCR (False: it comes back needs_ocr)


def _read(job: Job) -> Report:
    from ogi.extract import extract_bytes, extract_path

    if job.path is not None:
        return extract_path(job.path, ocr=job.ocr)
    return extract_bytes(job.data, job.source, job.content_type, ocr=job.ocr)


def _serve(jobs: Connection, answers: Connection, memory_bytes: int) -> None:
    """A worker: reads the jobs it is sent, one at a time, until told to stop."""
    import logging
    import resource

    import ogi.readers.html
    import ogi.readers.pdf
    import ogi.readers.text
    import ogi.readers.word  # noqa: F401  (every reader imported before the first job, not during it)

    progress = logging.getLogger("ogi.ocr")  # a scanned report's pages as OCR reads them, on stderr (the task's log)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("ogi: %(message)s"))
    progress.addHandler(handler)
    progress.setLevel(logging.INFO)
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, hard))
    answers.send(("ready", None))
    while True:
        try:
            job = jobs.recv()  # a job larger than the budget runs out of memory here already
            if job is None:
                return
            answer = ("report", _read(job))
        except EOFError:
            return
        except MemoryError:
            answer = None
        if answer is None:  # over the budget: say so, and leave the pool to start a fresh worker
            answers.send((MEMORY, None))
            return
        answers.send(answer)


class _Worker:
    """One worker process and the jobs sent to it, the first of which it is reading."""

    def __init__(self, memory_bytes: int):
        job_read, job_write = os.pipe()
        answer_read, answer_write = os.pipe()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ogi.workers", str(job_read), str(answer_write), str(memory_bytes)],
            pass_fds=(job_read, answer_write),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,  # stdout may be the command line's output: a reader never writes there
            start_new_session=True,  # its own process group, so that killing it kills what it started
        )
        os.close(job_read)
        os.close(answer_write)
        self.jobs = Connection(job_write, readable=False)
        self.answers = Connection(answer_read, writable=False)
        # A document's time starts when a worker can read it, not while Python starts and imports the readers.
        try:
            ready = self.answers.poll(_START_S) and self.answers.recv() == ("ready", None)
        except EOFError:  # it exited at once
            ready = False
        if not ready:
            self.kill()
            raise RuntimeError(
                f"a reader process did not start within {_START_S} s (exit status {self.process.poll()})"
            )
        self.sent: deque[tuple[int, Job]] = deque()
        self.answered = 0
        self.deadline = 0.0  # of the job it is reading

    def give(self, index: int, job: Job, pickled: bytes, time_s: float) -> None:
        if not self.sent:
            self.deadline = time.monotonic() + time_s
        self.sent.append((index, job))
        try:
            self.jobs.send_bytes(pickled)
        except OSError:  # it died: its answer pipe says so
            pass

    def answer(self, time_s: float) -> int:
        """The index of the job it answered; the clock starts on the next."""
        self.answered += 1
        self.deadline = time.monotonic() + time_s
        return self.sent.popleft()[0]

    def kill(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        self.jobs.close()
        self.answers.close()

    def stop(self) -> None:
        try:
            self.jobs.send(None)
            self.process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.kill()


class ReaderPool:
    """Reads jobs in worker processes under `options` (time and memory per document), `workers` at once,
    yielding their reports in the order of the jobs.

    A worker is sent its next job while it reads one, when that job is small enough to wait in the pipe's buffer
    (a text or HTML report): it never waits for the pool between two jobs. A larger job waits for the worker to
    be free, as sending it would block the pool, which must keep the time."""

    def __init__(self, options: ExtractOptions | None = None, workers: int = 1, jobs_per_worker: int = 500):
        self.options = options or ExtractOptions()
        self.workers = max(1, workers)
        self.jobs_per_worker = jobs_per_worker  # a worker is replaced after this many, so nothing grows for ever
        self._live: list[_Worker] = []

    def __enter__(self) -> ReaderPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        while self._live:
            self._live.pop().stop()

    def read(self, job: Job) -> Report:
        return next(self.map([job]))

    def map(self, jobs: Iterable[Job]) -> Iterator[Report]:
        jobs = enumerate(jobs)
        waiting: deque[tuple[int, Job, bytes]] = deque()  # to send; jobs a lost worker had not begun come first
        done: dict[int, Report] = {}
        yielded = 0
        try:
            while True:
                while True:
                    if not waiting:
                        item = next(jobs, None)
                        if item is None:
                            break
                        waiting.append((*item, pickle.dumps(item[1], protocol=pickle.HIGHEST_PROTOCOL)))
                    worker = self._free_worker(len(waiting[0][2]))
                    if worker is None:
                        break
                    worker.give(*waiting.popleft(), self.options.timeout_s)
                while yielded in done:
                    yield done.pop(yielded)
                    yielded += 1
                if not any(w.sent for w in self._live):
                    return
                self._collect(done, waiting)
        finally:  # the caller stopped early: what the workers are reading is abandoned with them
            for worker in [w for w in self._live if w.sent]:
                self._live.remove(worker)
                worker.kill()

    def _free_worker(self, size: int) -> _Worker | None:
        """A worker to send a job of `size` pickled bytes to now, or None."""
        for worker in list(self._live):
            if not worker.sent and (worker.answered >= self.jobs_per_worker or worker.process.poll() is not None):
                self._live.remove(worker)  # done its share, or died idle (the OOM killer): not given a job to lose
                worker.stop()
        idle = [w for w in self._live if not w.sent]
        if idle:
            return idle[0]
        if len(self._live) < self.workers:
            self._live.append(_Worker(self.options.memory_mb * 2**20))
            return self._live[-1]
        if size <= _PIPE_ROOM:
            room = [w for w in self._live if len(w.sent) == 1 and w.answered + 1 < self.jobs_per_worker]
            return room[0] if room else None
        return None

    def _collect(self, done: dict[int, Report], waiting: deque) -> None:
        """Wait for the first answer, death or running out of time among the workers; record what became of the
        jobs concerned."""
        busy = [w for w in self._live if w.sent]
        timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic())
        ready = set(wait([w.answers for w in busy], timeout))
        for worker in busy:
            if worker.answers in ready:
                try:
                    kind, report = worker.answers.recv()
                except (EOFError, OSError):  # its pipe closed without an answer: it died
                    kind, report = None, None
                if kind == "report":
                    done[worker.answer(self.options.timeout_s)] = report
                    continue
                if kind != MEMORY:
                    worker.process.wait()
            elif time.monotonic() < worker.deadline:
                continue
            index, job = worker.sent.popleft()
            if worker.answers not in ready:
                done[index] = self._over(job, TIMEOUT)
            elif kind == MEMORY:
                done[index] = self._over(job, MEMORY)
            else:
                done[index] = self._died(job, worker.process.returncode)
            waiting.extendleft(
                (i, j, pickle.dumps(j, protocol=pickle.HIGHEST_PROTOCOL)) for i, j in reversed(worker.sent)
            )
            self._live.remove(worker)
            worker.kill()

    def _over(self, job: Job, status: str) -> Report:
        if status == TIMEOUT:
            reason = f"not read within the time budget of {self.options.timeout_s:g} s; stopped"
        else:
            reason = f"needs more than the memory budget of {self.options.memory_mb:,} MB; stopped"
        return Report(job.source, status, errors=[reason])

    def _died(self, job: Job, exitcode: int | None) -> Report:
        if exitcode is not None and exitcode < 0:
            how = f"killed by {signal.Signals(-exitcode).name}"
        else:
            how = f"exit status {exitcode}"
        return Report(job.source, "error", errors=[f"the reader crashed on this file ({how})"])


def path_job(path: str | Path, ocr: bool = True) -> Job:
    return Job(str(path), path=str(path), ocr=ocr)


if __name__ == "__main__":
    job_fd, answer_fd, memory = map(int, sys.argv[1:4])
    _serve(Connection(job_fd, writable=False), Connection(answer_fd, readable=False), memory)
