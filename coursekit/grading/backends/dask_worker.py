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
``--die-with-parent``).
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from ..results import CRASHED, Grade, ungraded
from ..settings import GradeSettings
from ..submissions import Submission
from .base import Backend

#: The module each grading process runs (``python -m``).
GRADING_PROCESS_MODULE = "coursekit.grading.backends.grading_process"

# Each worker thread keeps one grading process: Python and the grader's imports
# (seconds: nbformat's JSON-schema formats alone compile a grammar) are paid
# once per thread, not once per submission. It grades one submission at a time,
# each in a fresh kernel and sandbox, as a local batch does (the next one's
# already starting: :mod:`coursekit.grading.pool`); after a crash the next
# submission gets a new one.
_PROCESSES = {}


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


def _grading_process(thread):
    process = _PROCESSES.get(thread)
    if process is None or process.poll() is not None:
        process = subprocess.Popen(
            [sys.executable, "-m", GRADING_PROCESS_MODULE, str(os.getpid())],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            start_new_session=True)
        _PROCESSES[thread] = process
    return process


def _death(process, thread):
    """Kill ``thread``'s grading process (if it lives on), forget it; say how it ended."""
    process.kill()
    code = process.wait()
    _PROCESSES.pop(thread, None)
    if code < 0 and -code in signal.valid_signals():
        return f"signal {signal.Signals(-code).name}"
    return f"exit code {code}"
