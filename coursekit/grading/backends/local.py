"""Local jobs: the batch graded here, ``jobs`` submissions at a time, in one event loop.

The fork server the kernels are forked from is started with the backend
(:meth:`LocalJobs.start`), as soon as the batch has files to grade: its
imports, about two processor seconds, run beside the grader's own (reading the
files, the judges, the outputs) instead of before the first kernel.
"""

import asyncio
import contextlib
import signal
import sys
import traceback

from .. import sandbox as sandboxes
from ..kernel_forks import KernelForks
from ..pool import pool_for, private_folder, remove_stale_folders
from ..results import ERROR, ungraded
from ..runner import grade_submission
from ..schedule import longest_first
from .base import Backend


class LocalJobs(Backend):
    """Grades ``settings.jobs`` submissions at a time, each in a kernel of its own here.

    Parameters
    ----------
    settings : coursekit.grading.settings.GradeSettings
        With the sandbox chosen here (``"bwrap"`` or ``"none"``).

    Examples
    --------
    >>> from coursekit.grading.settings import GradeSettings
    >>> LocalJobs(GradeSettings(sandbox="none")).run([], print)
    False
    """

    def __init__(self, settings):
        super().__init__(settings)
        self.view = None  # what the sandboxed kernels see of coursekit, once started
        self.forks = None  # their fork server, once started
        self._started = False

    def start(self):
        """Remove what killed graders left; make the sandbox's view of coursekit and start
        the fork server, whose imports then run beside what the grader does next."""
        self._prepare()
        if self.forks is not None:
            self.forks.start()

    def _prepare(self):
        if self._started:
            return
        self._started = True
        # What graders killed before (SIGKILL) could not remove: their sandboxes'
        # cgroups and their kernels' folders.
        sandboxes.remove_stale_cgroups()
        remove_stale_folders()
        if self.settings.sandbox == "bwrap":
            self.view = sandboxes.KernelView.create(private_folder())
            if self.settings.fork:  # started by start(), else at the first kernel
                self.forks = KernelForks(self.view, private_folder)

    def stop(self):
        """Stop the fork server and remove the view :meth:`start` made."""
        if self.forks is not None:
            self.forks.close()
            self.forks = None
        if self.view is not None:
            self.view.remove()
            self.view = None
        self._started = False

    def run(self, submissions, on_result):
        started_here = not self._started
        self._prepare()
        try:
            return asyncio.run(self._grade_all(submissions, on_result))
        finally:
            if started_here:
                self.stop()

    async def _grade_all(self, submissions, on_result):
        """Grade ``submissions``; return True if SIGINT or SIGTERM stopped it.

        Once interrupted, no more grades are handed on: a grade finished while
        its kernel was being stopped would not be the submission's.
        """
        kernel_turns = asyncio.Semaphore(self.settings.jobs)
        verdict_turns = asyncio.Semaphore(self.settings.jobs)
        stopped = []
        kernels = pool_for(self.settings, self.view, self.forks)
        submissions = longest_first(submissions)
        try:
            # The turns let submissions in in the order they are listed.
            kernels.expect([s.notebook for s in submissions if not s.problem])
        except BaseException:  # a kernel's folder could not be made: none may be left
            await kernels.close()
            raise

        async def one(submission):
            async with _Turn(kernel_turns, verdict_turns) as turn:
                grade = await self._grade_one(submission, kernels, turn.kernel_done)
            if not stopped:
                on_result(grade)

        everything = asyncio.gather(*(one(submission) for submission in submissions))

        def interrupt():
            stopped.append(True)
            everything.cancel()  # each submission's kernel is stopped on the way out

        with _on_signals(interrupt):
            try:
                await everything
            except asyncio.CancelledError:
                if not stopped:
                    raise
            finally:
                # Kernels still starting, waiting, or being stopped: none outlives the batch.
                await kernels.close()
        return bool(stopped)

    async def _grade_one(self, submission, kernels, kernel_done):
        try:
            return await grade_submission(submission, self.settings, pool=kernels,
                                          kernel_done=kernel_done)
        except Exception as exc:  # a grader bug must not stop the batch
            print(f"coursekit grade: grading {submission.label} failed:", file=sys.stderr)
            traceback.print_exc()
            return ungraded(submission, ERROR, f"the grader failed ({type(exc).__name__}: {exc})")


class _Turn:
    """A submission's turn: one of ``jobs`` kernels running, then, once its kernel is done,
    one of ``jobs`` submissions waiting for the verdict on their last answers.

    So the next submission's kernel starts while the grader judges the last
    answers of the one before, and no more than ``jobs`` submissions' last
    answers wait in memory. Both semaphores let submissions in in the order
    they ask.
    """

    def __init__(self, kernels, verdicts):
        self.kernels, self.verdicts = kernels, verdicts
        self.held = None

    async def __aenter__(self):
        await self.kernels.acquire()
        self.held = self.kernels
        return self

    async def kernel_done(self):
        await self.verdicts.acquire()
        self.kernels.release()
        self.held = self.verdicts

    async def __aexit__(self, *exc):
        self.held.release()


@contextlib.contextmanager
def _on_signals(callback):
    """Call ``callback`` on SIGINT and SIGTERM while inside; the old handlers after.

    Outside the main thread (where no handler can be set) it sets none.
    """
    loop = asyncio.get_running_loop()
    previous = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            handler = signal.getsignal(signum)
            loop.add_signal_handler(signum, callback)
        except (ValueError, RuntimeError, NotImplementedError):  # not the main thread
            continue
        previous[signum] = handler
    try:
        yield
    finally:
        for signum, handler in previous.items():
            loop.remove_signal_handler(signum)
            signal.signal(signum, handler)
