"""Background batch-screening jobs: ``POST /v1/screen/batch`` queues, ``GET`` polls.

Jobs run one at a time on a worker thread (screening is CPU-bound; a second thread would
only compete with the request handlers for the GIL). They live in memory: a restart forgets
them, and the oldest finished jobs are dropped once ``max_jobs`` are kept. For a whole
customer book use ``prosper screen --file``, which resumes after an interruption.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from prosper.errors import NotFoundError, ProsperError

ScreenOne = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass
class Job:
    """One batch job (mutable: its worker updates it under the manager's lock)."""

    id: str
    owner: str
    total: int
    status: str = "queued"
    completed: int = 0
    created_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())
    finished_at: str | None = None
    error: str | None = None
    results: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self, *, with_results: bool = True) -> dict[str, Any]:
        """The job in the ``BatchJob`` response shape; results only once done."""
        return {
            "job_id": self.id,
            "status": self.status,
            "total": self.total,
            "completed": self.completed,
            "created_at": self.created_at,
            "finished_at": self.finished_at,
            "error": self.error,
            "results": list(self.results) if with_results and self.status == "done" else None,
        }


class JobQueueFullError(ProsperError):
    """Every kept job is still queued or running: try again later."""

    http_status = 429


class JobManager:
    """Queues, runs and remembers batch jobs."""

    def __init__(self, max_jobs: int = 100) -> None:
        """Keep at most ``max_jobs`` jobs (finished ones are forgotten first)."""
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._max_jobs = max_jobs
        self._pool: ThreadPoolExecutor | None = None

    def submit(self, owner: str, queries: list[dict[str, Any]], screen_one: ScreenOne) -> Job:
        """Queue ``queries`` for ``owner``; ``screen_one`` screens one query."""
        job = Job(id=secrets.token_hex(8), owner=owner, total=len(queries))
        with self._lock:
            self._forget_old()
            if len(self._jobs) >= self._max_jobs:
                raise JobQueueFullError(f"{self._max_jobs} batch jobs are still queued or running")
            self._jobs[job.id] = job
            if self._pool is None:  # first job, or the first after a shutdown
                self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="prosper-batch")
            pool = self._pool
        pool.submit(self._run, job, queries, screen_one)
        return job

    def get(self, job_id: str, *, owner: str | None) -> Job:
        """The job ``job_id``; owned by ``owner`` unless ``owner`` is None (an admin)."""
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None or (owner is not None and job.owner != owner):
            raise NotFoundError(f"no batch job {job_id!r}", field="job_id")
        return job

    def snapshot(self, job: Job) -> dict[str, Any]:
        """A consistent copy of ``job`` as its response shape."""
        with self._lock:
            return job.to_dict()

    def counts(self) -> dict[str, int]:
        """How many jobs are kept, by status."""
        out = {"queued": 0, "running": 0, "done": 0, "failed": 0}
        with self._lock:
            for job in self._jobs.values():
                out[job.status] = out.get(job.status, 0) + 1
        return out

    def shutdown(self) -> None:
        """Stop the worker (queued jobs are cancelled); a later submit starts a new one."""
        with self._lock:
            pool, self._pool = self._pool, None
            for job in self._jobs.values():
                if job.status == "queued":
                    job.status = "failed"
                    job.error = "the server stopped before the job ran"
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    def _forget_old(self) -> None:
        while len(self._jobs) >= self._max_jobs:
            finished = [j for j in self._jobs.values() if j.status in ("done", "failed")]
            if not finished:
                break
            del self._jobs[finished[0].id]

    def _run(self, job: Job, queries: list[dict[str, Any]], screen_one: ScreenOne) -> None:
        with self._lock:
            job.status = "running"
        try:
            for query in queries:
                result = screen_one(query)
                with self._lock:
                    job.results.append(result)
                    job.completed += 1
        except ProsperError as exc:
            self._finish(job, "failed", str(exc))
        except Exception as exc:  # a bug must not kill the worker thread silently
            self._finish(job, "failed", f"internal error: {type(exc).__name__}")
        else:
            self._finish(job, "done", None)

    def _finish(self, job: Job, status: str, error: str | None) -> None:
        with self._lock:
            job.status = status
            job.error = error
            job.finished_at = datetime.now(UTC).isoformat()
