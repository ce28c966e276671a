"""Grading one submission: its cells run in its own kernel, its answers judged here."""

import asyncio
import math
import time
from dataclasses import dataclass
from pathlib import Path

from .. import judging
from ..checks import results as verdicts
from . import sandbox as sandboxes
from .answers import Request
from .kernel import IPC_FOLDER_BYTES
from .pool import pool_for
from .results import (
    CRASHED, ERROR, INVALID, MAX_TEXT, MEMORY, OK, SEVERITY, TIMEOUT, ExerciseGrade, Grade,
    clean_text, ungraded,
)
from .sandbox import DEFAULT_PROCESS_LIMIT
from .submissions import collection_points, known_notebooks

#: Seconds a cell (or a call of an answer on the grader's cases) may run.
DEFAULT_TIMEOUT = 120
#: Megabytes a submission's kernel and everything it starts may use (0: no limit).
DEFAULT_MEMORY_LIMIT = 4096
#: Seconds a whole notebook may run (all its cells and the grader's calls together).
DEFAULT_NOTEBOOK_TIMEOUT = 1200
# Collecting calls an answer on the public and the secret cases: twice what the
# check cell does, so twice the time.
_COLLECT_TIME_FACTOR = 2


class _Events:
    """What went wrong while running a submission, for its status and reason."""

    def __init__(self):
        self.status = OK
        self.notes = []

    def add(self, status, note):
        if SEVERITY[status] > SEVERITY[self.status]:
            self.status = status
        self.notes.append(note)

    def reason(self):
        return clean_text("; ".join(self.notes), 2 * MAX_TEXT)


@dataclass(frozen=True)
class _Settings:
    timeout: int
    memory_limit: int
    notebook_timeout: int
    deadline: float = 0.0

    def limit(self, seconds):
        """``seconds``, cut to what is left of the notebook's time (at least 1 s)."""
        left = self.deadline - time.monotonic()
        return max(1, min(seconds, math.ceil(left)))

    def expired(self):
        return time.monotonic() >= self.deadline


async def grade_submission(submission, timeout=DEFAULT_TIMEOUT,
                           memory_limit=DEFAULT_MEMORY_LIMIT, *,
                           notebook_timeout=DEFAULT_NOTEBOOK_TIMEOUT, sandbox="auto",
                           process_limit=DEFAULT_PROCESS_LIMIT, view=None, pool=None):
    """Grade one submission in a fresh kernel in its own sandbox; never raises on a bad one.

    Parameters
    ----------
    submission : Submission
    timeout : int
        Seconds per cell.
    memory_limit : int
        Megabytes for the kernel and everything it starts; 0 for no limit.
    notebook_timeout : int
        Seconds all the notebook's cells (and the grader's calls) may take together.
    sandbox : {"auto", "bwrap", "none"}
        See :func:`coursekit.grading.sandbox.choose`.
    process_limit : int
        Processes (threads included) the sandbox may hold; 0 for no limit.
    view : coursekit.grading.sandbox.KernelView, optional
        What the sandboxed kernel sees of coursekit; by default this process's
        own (:func:`coursekit.grading.sandbox.kernel_view`).
    pool : coursekit.grading.pool.KernelPool, optional
        Where the submission's kernel comes from: started ahead of it, used by
        it alone, destroyed after. The pool's own settings (sandbox, limits)
        then stand for ``timeout``, ``memory_limit``, ``sandbox``,
        ``process_limit`` and ``view``. Without one, the kernel is started
        here and stopped before the grade is returned.

    Returns
    -------
    Grade

    Raises
    ------
    coursekit.grading.sandbox.SandboxError
        If the sandbox asked for does not work here.
    """
    if submission.problem:
        return ungraded(submission, INVALID, submission.problem)
    own_pool = pool is None
    if own_pool:
        kind = sandboxes.choose(sandbox)
        pool = pool_for(0, kind=kind, view=view, timeout=timeout, memory_limit=memory_limit,
                        process_limit=process_limit)
    exercises = judging.exercises_for(submission.notebook)
    try:
        requests = {exercise.id: Request(exercise) for exercise in exercises}
    except TypeError as exc:
        return ungraded(submission, ERROR, str(exc))
    events = _Events()
    session = None
    try:
        session, problem = await pool.take(submission.notebook)
        if problem:
            return ungraded(submission, ERROR, problem)
        # The notebook's time starts now, not when its kernel started.
        settings = _Settings(pool.timeout, pool.memory_limit, notebook_timeout,
                             time.monotonic() + notebook_timeout)
        results = await _run_cells(session, submission, requests, settings, events)
    finally:
        try:
            if session is not None:
                await pool.give_back(session)
        finally:
            if own_pool:
                await pool.close()
    return _assemble(submission, exercises, results, events)


async def _run_cells(session, submission, requests, settings, events):
    cells = submission.cells
    points = collection_points(cells, list(r.exercise for r in requests.values()))
    timed_out, results = set(), {}

    def out_of_time(where):
        if not settings.expired():
            return False
        events.add(TIMEOUT, f"the notebook ran past its {settings.notebook_timeout} s limit "
                            f"in all before {where}, which did not run")
        return True

    for index in range(len(cells) + 1):
        if index < len(cells):
            cell = cells[index]
            if out_of_time(cell.describe()):
                return results
            limit = settings.limit(settings.timeout)
            run = await session.run(cell.source, timeout=limit)
            if run.kind in ("timeout", "stuck") and cell.exercise:
                timed_out.add(cell.exercise)
            if _note(run, cell.describe(), limit, settings, events):
                return results
        for exercise in points.get(index, []):
            if exercise.id in timed_out:
                results[exercise.id] = (verdicts.Result(
                    verdicts.ERROR, f"a cell of this exercise ran past the {settings.timeout} s "
                                f"limit and was stopped, so it cannot count.",
                    "look for a loop that never ends, or work that takes too long."), False)
                continue
            if out_of_time(f"grading {exercise.heading}"):
                return results
            limit = settings.limit(_COLLECT_TIME_FACTOR * settings.timeout)
            run = await session.run(requests[exercise.id].source, store_history=False,
                                    timeout=limit)
            results[exercise.id] = await asyncio.to_thread(
                requests[exercise.id].verdict, run, limit)
            if _note(run, f"grading {exercise.heading}", limit, settings, events):
                return results
    return results


def _note(run, where, limit, settings, events):
    """Record what went wrong in ``run``; return True when the kernel is gone."""
    if run.kind == "timeout":
        events.add(TIMEOUT, f"{where} ran past the {limit} s limit and was interrupted")
    elif run.kind == "stuck":
        events.add(TIMEOUT, f"{where} ran past the {limit} s limit and ignored the "
                            f"interrupt, so the kernel was stopped")
    elif run.kind == "dead" and run.detail == "memory":
        events.add(MEMORY, f"the kernel used more than {settings.memory_limit} MB in {where} "
                           f"and was stopped")
    elif run.kind == "dead" and run.detail == "disk":
        events.add(CRASHED, f"the kernel wrote more than {IPC_FOLDER_BYTES // 2**20} MB into "
                            f"the grader's socket folder in {where} and was stopped")
    elif run.kind == "dead":
        events.add(CRASHED, f"the kernel died ({run.detail}) in {where}")
    elif run.kind == "broken":
        events.add(CRASHED, f"the kernel misbehaved ({run.detail}) in {where} and was stopped")
    elif run.ename.endswith("MemoryError"):  # numpy raises a subclass
        limit = f" (limit {settings.memory_limit} MB)" if settings.memory_limit else ""
        events.add(MEMORY, f"{where} ran out of memory{limit}")
    return run.kind in ("stuck", "dead", "broken")


def _assemble(submission, exercises, results, events):
    graded = []
    missing = 0
    for exercise in exercises:
        if exercise.id in results:
            result, passed = results[exercise.id]
        else:
            missing += 1
            result, passed = verdicts.Result(
                verdicts.ERROR, "not graded: the notebook's kernel stopped before this answer "
                            "could be read.",
                "make sure the notebook runs from top to bottom in a fresh kernel."), False
        graded.append(ExerciseGrade(exercise, result, exercise.points if passed else 0))
    if missing:
        events.notes.append(f"{missing} exercise{'s' if missing > 1 else ''} not graded")
    return Grade(submission.label, submission.notebook, tuple(graded), events.status,
                 events.reason(), submission.sha256)


