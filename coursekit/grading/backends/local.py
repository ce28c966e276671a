"""Local jobs: the batch graded here, ``jobs`` submissions at a time, in one event loop."""

import asyncio
import contextlib
import signal
import sys
import traceback

from .. import sandbox as sandboxes
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

    def run(self, submissions, on_result):
        # What graders killed before (SIGKILL) could not remove: their sandboxes'
        # cgroups and their kernels' folders.
        sandboxes.remove_stale_cgroups()
        remove_stale_folders()
        view = None
        if self.settings.sandbox == "bwrap":
            view = sandboxes.KernelView.create(private_folder())
        try:
            return asyncio.run(self._grade_all(submissions, on_result, view))
        finally:
            if view is not None:
                view.remove()

    async def _grade_all(self, submissions, on_result, view):
        """Grade ``submissions``; return True if SIGINT or SIGTERM stopped it.

        Once interrupted, no more grades are handed on: a grade finished while
        its kernel was being stopped would not be the submission's.
        """
        slots = asyncio.Semaphore(self.settings.jobs)
        stopped = []
        kernels = pool_for(self.settings, view)
        submissions = longest_first(submissions)
        try:
            # The semaphore lets submissions in in the order they are listed.
            kernels.expect([s.notebook for s in submissions if not s.problem])
        except BaseException:  # a kernel's folder could not be made: none may be left
            await kernels.close()
            raise

        async def one(submission):
            async with slots:
                grade = await self._grade_one(submission, kernels)
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

    async def _grade_one(self, submission, kernels):
        try:
            return await grade_submission(submission, self.settings, pool=kernels)
        except Exception as exc:  # a grader bug must not stop the batch
            print(f"coursekit grade: grading {submission.label} failed:", file=sys.stderr)
            traceback.print_exc()
            return ungraded(submission, ERROR, f"the grader failed ({type(exc).__name__}: {exc})")


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
