"""The Dask worker's side: each submission a task, graded in a grading process of its thread's.

The client (:mod:`.dask_client`) sends each submission to the cluster as one
task, :func:`grade_task`. On the worker, the task hands the submission to a
grading process of the worker's (:mod:`.grading_process`, one per worker
thread, started once), which does exactly what a local job does: a fresh
kernel in its own sandbox, its answers judged in that process. The task
returns the grade as plain data.

Why a process of its own, not the worker itself: whatever a submission does
to the process grading it (memory, a crash of the grader), the worker lives
on, reports it as ``crashed`` and starts another. That process dies with its
worker (``PR_SET_PDEATHSIG``), and its kernel with it (bubblewrap's
``--die-with-parent``). A worker started with ``--preload
coursekit.grading.backends.dask_preload`` starts them with itself, warm,
before it joins the cluster: a batch then pays none of their start.
"""

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from ...checks import registry
from ..results import CRASHED, Grade, ungraded
from ..settings import GradeSettings
from ..submissions import Submission, known_notebooks
from .base import Backend
from .grading_process import EXPECT

#: The module each grading process runs (``python -m``).
GRADING_PROCESS_MODULE = "coursekit.grading.backends.grading_process"

# Each worker thread keeps one grading process: Python and the grader's imports
# (seconds: nbformat's JSON-schema formats alone compile a grammar) are paid
# once per thread, not once per submission. It grades one submission at a time,
# each in a fresh kernel and sandbox, as a local batch does (the next one's
# already starting: :mod:`coursekit.grading.pool`); after a crash the next
# submission gets a new one.
_PROCESSES = {}
# Grading processes started with the worker (:mod:`.dask_preload`), warm and not yet
# any thread's: a thread's first task takes one instead of starting its own.
_READY = []
_READY_LOCK = threading.Lock()


def grade_task(submission_data, settings_data):
    """The task each submission is on the cluster: its grade, as plain data.

    Never raises on a bad submission: a grading process that dies gives a
    ``crashed`` grade, one that cannot grade (no sandbox here) an ``error`` one.

    Parameters
    ----------
    submission_data : dict
        :meth:`Submission.to_data <coursekit.grading.submissions.Submission.to_data>`.
    settings_data : dict
        :meth:`GradeSettings.to_data <coursekit.grading.settings.GradeSettings.to_data>`.
    """
    grades = []
    DaskWorker(GradeSettings.from_data(settings_data)).run(
        [Submission.from_data(submission_data)], grades.append)
    return grades[0].to_data()


class DaskWorker(Backend):
    """Grades submissions in this worker thread's grading process, one at a time."""

    def run(self, submissions, on_result):
        for submission in submissions:
            on_result(self._grade(submission))
        return False

    def _grade(self, submission):
        thread = threading.get_ident()
        with tempfile.TemporaryDirectory(prefix="coursekit-task-") as folder:
            request, answer = Path(folder, "request.json"), Path(folder, "grade.json")
            request.write_text(json.dumps({"submission": submission.to_data(),
                                           "settings": self.settings.to_data()}),
                               encoding="utf-8")
            process = _grading_process(thread)
            try:
                process.stdin.write(f"{request}\t{answer}\n")
                process.stdin.flush()
                line = process.stdout.readline()
            except OSError:
                line = ""
            if line == "done\n" and answer.exists():
                return Grade.from_data(json.loads(answer.read_text(encoding="utf-8")),
                                       submission)
        return ungraded(submission, CRASHED, f"the process grading it on a cluster worker "
                                             f"died ({_death(process, thread)})")


def start_grading_process(warm=False):
    """A new grading process of this worker's; with ``warm``, it says ``ready`` once its
    fork server has started (:func:`.grading_process.serve`).

    It dies when the thread that called this ends (``PR_SET_PDEATHSIG``).
    """
    return subprocess.Popen(
        [sys.executable, "-m", GRADING_PROCESS_MODULE, str(os.getpid()),
         *(["--warm"] if warm else [])],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, start_new_session=True)


def prepare():
    """Import here what reading a grade back needs: every notebook's exercise specs,
    against which :meth:`Grade.from_data <coursekit.grading.results.Grade.from_data>`
    checks it (the judges, and scikit-learn, stay in the grading processes)."""
    for notebook in known_notebooks():
        registry.specs(notebook)


def expect_batch(settings_data, notebook):
    """Tell this worker's warm grading processes, not yet any thread's, that a batch
    whose first submissions answer ``notebook`` is coming: each starts a kernel for
    them (:meth:`.grading_process._Server.expect`). Run on every worker by the client
    (``Client.run``) before it submits the batch."""
    line = f"{EXPECT}\t{json.dumps({'settings': settings_data, 'notebook': notebook})}\n"
    with _READY_LOCK:  # no thread writes to a process while it is ready, but not yet taken
        for process in _READY:
            with contextlib.suppress(OSError):
                process.stdin.write(line)
                process.stdin.flush()


def keep_ready(process):
    """Keep ``process`` (warm, said ``ready``) for the first worker thread without one."""
    with _READY_LOCK:
        _READY.append(process)


def stop_grading_processes():
    """End every grading process of this worker: each stops its kernels and fork server."""
    with _READY_LOCK:
        processes = [*_READY, *_PROCESSES.values()]
        _READY.clear()
    _PROCESSES.clear()
    for process in processes:
        with contextlib.suppress(OSError):
            process.stdin.close()  # the end of its requests: it cleans up and ends
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _grading_process(thread):
    process = _PROCESSES.get(thread)
    if process is None or process.poll() is not None:
        process = _ready_process() or start_grading_process()
        _PROCESSES[thread] = process
    return process


def _ready_process():
    """A warm grading process started with the worker that still runs, or None."""
    with _READY_LOCK:
        while _READY:
            process = _READY.pop(0)
            if process.poll() is None:
                return process
    return None


def _death(process, thread):
    """Kill ``thread``'s grading process (if it lives on), forget it; say how it ended."""
    process.kill()
    code = process.wait()
    _PROCESSES.pop(thread, None)
    if code < 0 and -code in signal.valid_signals():
        return f"signal {signal.Signals(-code).name}"
    return f"exit code {code}"
