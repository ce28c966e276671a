"""Grading on a Dask cluster: each submission a task on the workers of a running scheduler.

The client (``coursekit grade --scheduler tcp://HOST:PORT``) finds and reads
the submissions, as a local batch does, and sends each one to the cluster as
one task. On the worker, the task hands the submission to a grading process
of the worker's (``python -m coursekit.grading.cluster``, one per worker
thread, started once), which does exactly what a local job does: a fresh
kernel in its own sandbox, its answers judged in that process. The task returns the grade as plain data; only the client writes
grades.csv and the feedback, one row as each result arrives, so an
interrupted client resumes as a local batch does.

Why a process of its own, not the worker itself: whatever a submission
does to the process grading it (memory, a crash of the grader), the worker
lives on, reports it as ``crashed`` and starts another. That process dies with its worker
(``PR_SET_PDEATHSIG``), and its kernel with it (bubblewrap's
``--die-with-parent``).

A worker that dies mid-task: the scheduler runs the task again on another
worker, and the client, which writes a row per finished task, writes it once.
A submission whose task kills worker after worker is given up on by the
scheduler after ``distributed.scheduler.allowed-failures`` deaths (3 by
default), and its row is ``crashed``.
"""

import ctypes
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import uuid
from pathlib import Path

from .. import judging
from ..checks import results as verdicts
from .results import CRASHED, ERROR, ExerciseGrade, Grade, clean_text, ungraded
from .submissions import CodeCell, Submission

#: Seconds the client waits for the scheduler to answer.
CONNECT_TIMEOUT = 30
_PR_SET_PDEATHSIG = 1
_STATUSES = (verdicts.CORRECT, verdicts.WRONG, verdicts.MISSING, verdicts.ERROR)


# ---------------------------------------------------------------- plain data

def submission_to_data(submission):
    """``submission`` as JSON-ready plain data."""
    return {"path": str(submission.path), "label": submission.label,
            "notebook": submission.notebook, "problem": submission.problem,
            "sha256": submission.sha256,
            "cells": [[cell.number, cell.source, cell.exercise] for cell in submission.cells]}


def submission_from_data(data):
    """The :class:`Submission` :func:`submission_to_data` gave."""
    return Submission(Path(data["path"]), data["label"], data["notebook"],
                      tuple(CodeCell(number, source, exercise)
                            for number, source, exercise in data["cells"]),
                      data["problem"], data["sha256"])


def grade_to_data(grade):
    """``grade`` as JSON-ready plain data (exercises by id)."""
    return {"submission": grade.submission, "notebook": grade.notebook,
            "status": grade.status, "reason": grade.reason, "sha256": grade.sha256,
            "exercises": [[item.exercise.id, item.result.status, item.result.message,
                           item.result.hint, item.points] for item in grade.exercises]}


def grade_from_data(data, submission):
    """The :class:`Grade` of ``submission`` that a worker sent as ``data``.

    The client checks it against its own list of the notebook's exercises:
    the same exercises in the same order, points within each one's maximum.

    Raises
    ------
    ValueError
        If ``data`` is not a grade of ``submission``.
    """
    exercises = judging.exercises_for(data["notebook"]) if data["notebook"] else []
    items = data["exercises"]
    if (data["submission"] != submission.label or data["notebook"] != submission.notebook
            or [item[0] for item in items] != [e.id for e in exercises]):
        raise ValueError(f"a worker sent a grade that is not {submission.label}'s")
    graded = []
    for exercise, (_, status, message, hint, points) in zip(exercises, items):
        if status not in _STATUSES or not 0 <= int(points) <= exercise.points:
            raise ValueError(f"a worker sent a malformed grade for {exercise.id}")
        graded.append(ExerciseGrade(exercise, verdicts.Result(status, message, hint), int(points)))
    return Grade(submission.label, submission.notebook, tuple(graded), data["status"],
                 data["reason"], data["sha256"])


# ---------------------------------------------------------------- on the worker

# Each worker thread keeps one grading process: Python and the grader's imports
# (seconds: nbformat's JSON-schema formats alone compile a grammar) are paid
# once per thread, not once per submission. It grades one submission at a time,
# each in a fresh kernel and sandbox, as a local batch does (the next one's
# already starting: :mod:`.pool`); after a crash the next submission gets a new one.
_SERVERS = {}


def _server(thread):
    process = _SERVERS.get(thread)
    if process is None or process.poll() is not None:
        process = subprocess.Popen(
            [sys.executable, "-m", "coursekit.grading.cluster", str(os.getpid())],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            start_new_session=True)
        _SERVERS[thread] = process
    return process


def grade_on_worker(submission_data, settings):
    """The task each submission is: grade it in this thread's grading process; return
    plain data.

    Never raises on a bad submission: a grading process that dies gives a
    ``crashed`` grade, one that cannot grade (no sandbox here) an ``error`` one.
    """
    thread = threading.get_ident()
    with tempfile.TemporaryDirectory(prefix="coursekit-task-") as folder:
        request, answer = Path(folder, "request.json"), Path(folder, "grade.json")
        request.write_text(json.dumps({"submission": submission_data, "settings": settings}),
                           encoding="utf-8")
        process = _server(thread)
        try:
            process.stdin.write(f"{request}\t{answer}\n")
            process.stdin.flush()
            line = process.stdout.readline()
        except OSError:
            line = ""
        if line == "done\n" and answer.exists():
            return json.loads(answer.read_text(encoding="utf-8"))
    process.kill()
    code = process.wait()
    _SERVERS.pop(thread, None)
    how = (f"signal {signal.Signals(-code).name}" if code < 0 and -code in
           signal.valid_signals() else f"exit code {code}")
    return grade_to_data(ungraded(submission_from_data(submission_data), CRASHED,
                                  f"the process grading it on a cluster worker died ({how})"))


def _die_with(parent):
    """Be killed when the worker thread that started this process ends (Linux)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # it died before the call
        os._exit(1)


def remove_stale_cgroups():
    """Remove the empty cgroups of graders that are gone (killed with their worker).

    A grader removes its sandbox's cgroup when done; one killed (SIGKILL, with
    its worker) cannot. Its name carries its grader's pid
    (``coursekit-grade-<pid>-...``): the ones of dead graders are removed here
    when empty (a cgroup with a process in it cannot be removed).
    """
    root = Path("/sys/fs/cgroup")
    for folder in [*root.glob("coursekit-grade-*"), *root.glob("*/coursekit-grade-*")]:
        try:
            owner = int(folder.name.split("-")[2])
            os.kill(owner, 0)
        except ProcessLookupError:
            try:
                folder.rmdir()
            except OSError:
                pass
        except (ValueError, IndexError, PermissionError):
            continue


def _serve(parent):
    """Grade the requests named on stdin, one a line; answer ``done`` on the first stdout."""
    _die_with(parent)
    protocol = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # anything else printed goes to stderr, never into the protocol
    import asyncio

    from .batch import preload

    preload()
    remove_stale_cgroups()
    # One event loop for the process's life: the kernel pool's next kernel
    # starts while this one waits for its next request.
    asyncio.run(_serve_requests(protocol))


async def _serve_requests(protocol):
    import asyncio

    from . import sandbox as sandboxes
    from .pool import pool_for
    from .runner import grade_submission

    views, pool, pool_key = {}, None, None
    try:
        while line := await asyncio.to_thread(sys.stdin.readline):
            request, answer = line.rstrip("\n").split("\t")
            data = json.loads(Path(request).read_text(encoding="utf-8"))
            submission = submission_from_data(data["submission"])
            settings = data["settings"]
            size = settings.pop("pool", 1)
            try:
                kind = sandboxes.choose(settings.pop("sandbox"))
            except sandboxes.SandboxError as exc:
                grade = ungraded(submission, ERROR, f"on worker {os.uname().nodename}: {exc}")
            else:
                if kind == "bwrap" and kind not in views:
                    views[kind] = sandboxes.KernelView.create()
                key = (kind, size, settings["timeout"], settings["memory_limit"],
                       settings["process_limit"])
                if key != pool_key:  # another batch's settings: its kernels would not do
                    if pool is not None:
                        await pool.close()
                    pool, pool_key = pool_for(
                        size, kind=kind, view=views.get(kind), timeout=settings["timeout"],
                        memory_limit=settings["memory_limit"],
                        process_limit=settings["process_limit"]), key
                grade = await grade_submission(submission, pool=pool,
                                               notebook_timeout=settings["notebook_timeout"])
            partial = Path(answer + ".partial")
            partial.write_text(json.dumps(grade_to_data(grade)), encoding="utf-8")
            os.replace(partial, answer)
            protocol.write("done\n")
            protocol.flush()
    finally:
        if pool is not None:
            await pool.close()
        for view in views.values():
            view.remove()


# ---------------------------------------------------------------- on the client

def grade_on_cluster(submissions, scheduler, settings, finished):
    """Grade ``submissions`` on the cluster of ``scheduler``, calling ``finished(grade)``
    as each result arrives.

    Returns
    -------
    bool
        True if SIGINT or SIGTERM stopped it (no row is written after that).

    Raises
    ------
    ValueError
        If Dask is not installed or the scheduler cannot be reached.
    """
    try:
        from distributed import Client, as_completed
        from distributed.scheduler import KilledWorker
    except ImportError:
        raise ValueError("scheduler: grading on a cluster needs Dask: "
                         "pip install 'coursekit[cluster]'") from None
    local = [s for s in submissions if s.problem]
    remote = [s for s in submissions if not s.problem]
    for submission in local:  # nothing to run: no need for a worker
        finished(ungraded(submission, "invalid", submission.problem))
    if not remote:
        return False
    try:
        client = Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ValueError(f"scheduler: cannot reach the Dask scheduler at {scheduler!r} "
                         f"({exc}); give tcp://HOST:PORT of a running `dask scheduler`") \
            from None
    previous = signal.getsignal(signal.SIGTERM)

    def terminate(signum, frame):
        raise KeyboardInterrupt

    try:
        signal.signal(signal.SIGTERM, terminate)
    except ValueError:  # not the main thread
        previous = None
    futures = {}
    try:
        batch = uuid.uuid4().hex[:8]
        for submission in remote:
            future = client.submit(grade_on_worker, submission_to_data(submission), settings,
                                   key=f"coursekit-grade-{batch}-{len(futures)}", pure=False)
            futures[future] = submission
        for future in as_completed(futures, loop=client.loop):
            submission = futures.pop(future)
            try:
                grade = grade_from_data(future.result(), submission)
            except KilledWorker as exc:
                grade = ungraded(submission, CRASHED,
                                 f"every cluster worker that graded it died ({clean_text(exc)})")
            except Exception as exc:  # a grader or cluster failure: a rerun retries it
                grade = ungraded(submission, ERROR,
                                 f"the cluster could not grade it ({type(exc).__name__}: {exc})")
            finished(grade)
    except KeyboardInterrupt:
        client.cancel(list(futures), force=True)
        return True
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        client.close()
    return False


if __name__ == "__main__":
    _serve(int(sys.argv[1]))
