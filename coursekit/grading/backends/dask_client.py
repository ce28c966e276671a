"""The Dask client's side: each submission a task on the workers of a running scheduler.

The client (``coursekit grade --scheduler tcp://HOST:PORT``) finds and reads
the submissions, as a local batch does, and sends each one to the cluster as
one task (:func:`.dask_worker.grade_task`). Only the client writes grades.csv
and the feedback, one row as each result arrives, so an interrupted client
resumes as a local batch does.

A worker that dies mid-task: the scheduler runs the task again on another
worker, and the client, which writes a row per finished task, writes it once.
A submission whose task kills worker after worker is given up on by the
scheduler after ``distributed.scheduler.allowed-failures`` deaths (3 by
default), and its row is ``crashed``.
"""

import contextlib
import signal
import uuid

from ..results import CRASHED, ERROR, INVALID, Grade, clean_text, ungraded
from ..schedule import expected_seconds, longest_first
from .base import Backend
from .dask_worker import expect_batch, grade_task

#: Seconds the client waits for the scheduler to answer.
CONNECT_TIMEOUT = 30


class DaskClient(Backend):
    """Grades every submission as a task on the cluster of ``scheduler``.

    Parameters
    ----------
    settings : coursekit.grading.settings.GradeSettings
        With the sandbox as asked: each worker chooses its own.
    scheduler : str
        ``tcp://HOST:PORT`` of a running Dask scheduler.
    """

    def __init__(self, settings, scheduler):
        super().__init__(settings)
        self.scheduler = scheduler

    def run(self, submissions, on_result):
        """See :meth:`.Backend.run`.

        Raises
        ------
        ValueError
            If Dask is not installed or the scheduler cannot be reached.
        """
        client_class = _dask_client_class()
        for submission in submissions:  # nothing to run: no need for a worker
            if submission.problem:
                on_result(ungraded(submission, INVALID, submission.problem))
        remote = [s for s in submissions if not s.problem]
        if not remote:
            return False
        client = self._connect(client_class)
        futures = {}
        try:
            with _terminate_as_interrupt():
                self._expect(client, remote)
                self._submit(client, remote, futures)
                self._collect(client, futures, on_result)
        except KeyboardInterrupt:
            client.cancel(list(futures), force=True)
            return True
        finally:
            client.close()
        return False

    def _connect(self, client_class):
        try:
            return client_class(self.scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ValueError(f"scheduler: cannot reach the Dask scheduler at "
                             f"{self.scheduler!r} ({exc}); give tcp://HOST:PORT of a running "
                             f"`dask scheduler`") from None

    def _expect(self, client, submissions):
        """Tell the workers what the batch's first submissions answer: each warm grading
        process starts their kernel while the batch is being submitted."""
        first = longest_first(submissions)[0].notebook
        try:
            client.run(expect_batch, self.settings.to_data(), first)
        except Exception:  # only a head start: a worker that misses it grades all the same
            pass

    def _submit(self, client, submissions, futures):
        batch = uuid.uuid4().hex[:8]
        settings = self.settings.to_data()
        # The longest first (coursekit.grading.schedule): the scheduler runs the
        # highest priority first.
        for submission in longest_first(submissions):
            future = client.submit(grade_task, submission.to_data(), settings,
                                   key=f"coursekit-grade-{batch}-{len(futures)}", pure=False,
                                   priority=expected_seconds(submission.notebook))
            futures[future] = submission

    @staticmethod
    def _collect(client, futures, on_result):
        from distributed import as_completed
        from distributed.scheduler import KilledWorker

        for future in as_completed(futures, loop=client.loop):
            submission = futures.pop(future)
            try:
                grade = Grade.from_data(future.result(), submission)
            except KilledWorker as exc:
                grade = ungraded(submission, CRASHED,
                                 f"every cluster worker that graded it died ({clean_text(exc)})")
            except Exception as exc:  # a grader or cluster failure: a rerun retries it
                grade = ungraded(submission, ERROR,
                                 f"the cluster could not grade it ({type(exc).__name__}: {exc})")
            on_result(grade)


def _dask_client_class():
    try:
        from distributed import Client
    except ImportError:
        raise ValueError("scheduler: grading on a cluster needs Dask: "
                         "pip install 'coursekit[cluster]'") from None
    return Client


@contextlib.contextmanager
def _terminate_as_interrupt():
    """SIGTERM raises KeyboardInterrupt while inside (in the main thread)."""

    def terminate(signum, frame):
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, terminate)
    except ValueError:  # not the main thread
        previous = None
    try:
        yield
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
