"""Grading one submission: its cells run in its own kernel, its answers judged here."""

import asyncio
import dataclasses
import importlib
import math
import time
from dataclasses import dataclass

from .. import judging
from ..checks import results as verdicts
from . import sandbox as sandboxes
from .answers import Request, raised_verdict
from .kernel import IPC_FOLDER_BYTES
from .kernel_messages import return_freed_messages
from .pool import pool_for
from .results import (
    CRASHED, ERROR, INVALID, MAX_TEXT, MEMORY, OK, SEVERITY, TIMEOUT, ExerciseGrade, Grade,
    clean_text, ungraded,
)
from .seen_outputs import NotebookOutputs
from .settings import GradeSettings
from .submissions import collection_points

# Collecting calls an answer on the public and the secret cases: twice what the
# check cell does, so twice the time.
_COLLECT_TIME_FACTOR = 2
#: Modules the grader would otherwise import lazily, while kernels run.
_LAZY_IMPORTS = ("zmq.utils.garbage", "jupyter_client.provisioning.local_provisioner",
                 "jupyter_client.asynchronous.client", "nbclient.util", "binascii", "hashlib",
                 "encodings.idna", "numpy.lib.format")


def preload(progress=False):
    """Import now what grading would import later, and touch every exercise's cases.

    Called before any kernel starts, so that no import (and no first use of an
    exercise's cases) competes with the kernels for the machine later; and so
    that every kernel's messages are allocated apart, their memory returned once
    dropped (:func:`.kernel_messages.return_freed_messages`).

    Parameters
    ----------
    progress : bool, default=False
        Also import tqdm (the progress bar on a terminal).
    """
    return_freed_messages()
    for name in _LAZY_IMPORTS + (("tqdm",) if progress else ()):
        importlib.import_module(name)
    from jupyter_client.provisioning import KernelProvisionerFactory

    for entry_point in KernelProvisionerFactory.instance().provisioners.values():
        entry_point.load()
    for exercise in judging.EXERCISES.values():
        exercise.cases(0)


class _Events:
    """What went wrong while running a submission, for its status and reason; what its
    cells showed, and the first exception each exercise's cells raised."""

    def __init__(self):
        self.status = OK
        self.notes = []
        self.seen = NotebookOutputs()
        self.raised = {}  # exercise id -> (CodeCell, Run)

    def ran(self, cell, run):
        """Keep what ``cell`` showed, and the exception it raised in its exercise."""
        self.seen.add(cell.number, run.outputs)
        if run.kind == "done" and run.ename and cell.exercise:
            self.raised.setdefault(cell.exercise, (cell, run))

    def add(self, status, note):
        if SEVERITY[status] > SEVERITY[self.status]:
            self.status = status
        self.notes.append(note)

    def reason(self):
        return clean_text("; ".join(self.notes), 2 * MAX_TEXT)


@dataclass
class _Clock:
    """A notebook's limits, and when its time in all runs out (the grader's waits apart)."""

    settings: GradeSettings
    deadline: float

    def stopped(self, seconds):
        """The notebook's time did not run for ``seconds`` (its kernel waited for the grader)."""
        self.deadline += seconds

    def limit(self, seconds):
        """``seconds``, cut to what is left of the notebook's time (at least 1 s)."""
        left = self.deadline - time.monotonic()
        return max(1, min(seconds, math.ceil(left)))

    def expired(self):
        return time.monotonic() >= self.deadline


async def grade_submission(submission, settings=None, *, pool=None, view=None,
                           kernel_done=None):
    """Grade one submission in a fresh kernel in its own sandbox; never raises on a bad one.

    Parameters
    ----------
    submission : Submission
    settings : GradeSettings, optional
        The limits; by default ``pool``'s, else the defaults.
    pool : coursekit.grading.pool.KernelPool, optional
        Where the submission's kernel comes from: started ahead of it, used by
        it alone, destroyed after (its settings then stand for the kernel's
        sandbox and limits). Without one, a kernel is started here, in the
        sandbox ``settings`` asks for, and stopped before the grade is returned.
    view : coursekit.grading.sandbox.KernelView, optional
        Without a pool, what the sandboxed kernel sees of coursekit; by default
        this process's own (:func:`coursekit.grading.sandbox.kernel_view`).
    kernel_done : async callable, optional
        Awaited once the submission's kernel is done with (its cells run, its
        answers collected, the kernel given back), before the verdict on its
        last answers is waited for: a batch starts the next kernel then.

    Returns
    -------
    Grade

    Raises
    ------
    coursekit.grading.sandbox.SandboxError
        If, without a pool, the sandbox asked for does not work here.
    """
    settings = settings or (pool.settings if pool is not None else GradeSettings())
    if submission.problem:
        return ungraded(submission, INVALID, submission.problem)
    if pool is not None:
        return await _grade_in(pool, submission, settings, kernel_done)
    pool = pool_for(_own_pool_settings(settings), view)
    try:
        return await _grade_in(pool, submission, settings, kernel_done)
    finally:
        await pool.close()


def _own_pool_settings(settings):
    """``settings`` for a pool of no kernel started ahead, in the sandbox chosen here.

    Its one kernel starts afresh: a fork server would make the same imports for it alone.
    """
    return dataclasses.replace(settings, pool=0, sandbox=sandboxes.choose(settings.sandbox),
                               fork=False)


async def _grade_in(pool, submission, settings, kernel_done=None):
    """Grade ``submission`` with a kernel of ``pool``, given back to it once its cells ran;
    the verdicts come while it runs on (:class:`_Judging`), the last one after it."""
    exercises = judging.exercises_for(submission.notebook)
    try:
        requests = {exercise.id: Request(exercise, submission.seed) for exercise in exercises}
    except TypeError as exc:
        return ungraded(submission, ERROR, str(exc))
    events = _Events()
    session, problem = await pool.take(submission.notebook)
    if problem:
        return ungraded(submission, ERROR, problem)
    # The notebook's time starts now, not when its kernel started.
    clock = _Clock(settings, time.monotonic() + settings.notebook_timeout)
    verdicts_due = _Judging(clock)
    try:
        try:
            results = await _run_and_collect(session, submission, requests, clock, events,
                                             verdicts_due)
        finally:
            await pool.give_back(session)
        if kernel_done is not None:
            await kernel_done()
        results = await verdicts_due.into(results)
    except BaseException:
        verdicts_due.abandon()
        raise
    return _assemble(submission, exercises, results, events)


class _Judging:
    """The verdict being made on the answers last collected, in a thread of the grader.

    The kernel goes on with the next cells meanwhile, and its core with them: on
    a busy machine a kernel waiting for its verdict idles. One verdict at a time
    per submission: the answers of the next collection wait for it, so that no
    more than two collections' answers are held at once. The verdict is the
    same whenever it is made (the answers are plain data; what the exercise's
    cells raised is taken when they were collected), and the grader's time on
    it never counts against the notebook's time in all: a wait for it stops the
    notebook's clock.
    """

    def __init__(self, clock):
        self.clock = clock
        self.exercise_id, self.task = None, None

    async def start(self, results, request, run, limit, raised):
        waited = time.monotonic()
        await self.into(results)
        self.clock.stopped(time.monotonic() - waited)
        self.exercise_id = request.exercise.id
        self.task = asyncio.ensure_future(_judge(request, run, limit, raised))

    async def into(self, results):
        """``results`` with the verdict being made added, once it is made."""
        if self.task is not None:
            results[self.exercise_id] = await self.task
            self.exercise_id, self.task = None, None
        return results

    def abandon(self):
        if self.task is not None:
            self.task.cancel()


async def _judge(request, run, limit, raised):
    return raised_verdict(*await asyncio.to_thread(request.verdict, run, limit), *raised)


async def _run_and_collect(session, submission, requests, clock, events, verdicts_due):
    cells, settings = submission.cells, clock.settings
    points = collection_points(cells, list(r.exercise for r in requests.values()))
    timed_out, results = set(), {}

    def out_of_time(where):
        if not clock.expired():
            return False
        events.add(TIMEOUT, f"the notebook ran past its {settings.notebook_timeout} s limit "
                            f"in all before {where}, which did not run")
        return True

    for index in range(len(cells) + 1):
        if index < len(cells):
            cell = cells[index]
            if out_of_time(cell.describe()):
                return results
            limit = clock.limit(settings.timeout)
            run = await session.run(cell.source, timeout=limit)
            events.ran(cell, run)
            if run.kind in ("timeout", "stuck") and cell.exercise:
                timed_out.add(cell.exercise)
            if await _ended(session, run, cell.describe(), limit, settings, events):
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
            limit = clock.limit(_COLLECT_TIME_FACTOR * settings.timeout)
            source = requests[exercise.id].source(session.sandbox.cases)
            run = await session.run(source, store_history=False, timeout=limit)
            await verdicts_due.start(results, requests[exercise.id], run, limit,
                                     events.raised.get(exercise.id, (None, None)))
            if await _ended(session, run, f"grading {exercise.heading}", limit, settings,
                            events):
                return results
    return results


async def _ended(session, run, where, limit, settings, events):
    """Record what went wrong in ``run``; return True when the kernel is gone (or stopped).

    A kernel whose cell ran out of memory and kept it is stopped: at its limit,
    its own machinery fails at random (libzmq aborts, a message goes out torn
    and fails its signature), and what it did next would decide its status.
    """
    if _note(run, where, limit, settings, events):
        return True
    if not run.ename.endswith("MemoryError") or not session.held_on_to_memory():
        return False
    events.add(MEMORY, "the kernel held on to that memory, too near its limit to go on, "
                       "and was stopped")
    await session.stop()
    return True


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
                 events.reason(), submission.sha256, events.seen.outputs())


