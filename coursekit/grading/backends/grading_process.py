"""A cluster worker's grading process: ``python -m coursekit.grading.backends.grading_process``.

It grades the submissions its worker thread hands it (:mod:`.dask_worker`),
one request a line on stdin, answering ``done`` on its own stdout once the
grade is written. One event loop for the process's life: the kernel pool's
next kernel starts while it waits for its next request, and one fork server
(:mod:`coursekit.grading.kernel_forks`) serves the pools of every batch it is
sent. Started with ``--warm`` (by :mod:`.dask_preload`, as its worker starts),
it makes the sandbox's view of coursekit and starts the fork server before
any request, then says ``ready``; told what a batch's first submissions
answer (:data:`EXPECT`) before its first request, it starts their kernel.
"""

import asyncio
import ctypes
import json
import os
import signal
import sys
from pathlib import Path

from .. import sandbox as sandboxes
from ..kernel_forks import KernelForks
from ..pool import pool_for, private_folder, remove_stale_folders
from ..results import ERROR, ungraded
from ..runner import grade_submission, preload
from ..sandbox.cgroups import remove_stale_cgroups
from ..settings import GradeSettings
from ..submissions import Submission

_PR_SET_PDEATHSIG = 1
#: A line ``expect<TAB>{"settings": ..., "notebook": ...}``: a batch is coming
#: (:meth:`_Server.expect`); no answer is written.
EXPECT = "expect"


def serve(parent, warm=False):
    """Grade the requests named on stdin until it closes; die with ``parent``.

    With ``warm``, first make what every batch's kernels need, and say ``ready``.
    """
    _die_with(parent)
    protocol = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # anything else printed goes to stderr, never into the protocol
    preload()
    remove_stale_cgroups()
    remove_stale_folders()
    asyncio.run(_Server(protocol).serve(warm))


def _die_with(parent):
    """Be killed when the worker thread that started this process ends (Linux)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # it died before the call
        os._exit(1)


class _Server:
    """The requests of one grading process, and the kernels it keeps for the next."""

    def __init__(self, protocol):
        self.protocol = protocol
        self.views = {}
        self.forks = None  # the fork server of every batch's pool, once a view is made
        self.pool = None

    async def serve(self, warm):
        try:
            if warm:
                await self.warm()
                self._say("ready")
            while line := await asyncio.to_thread(sys.stdin.readline):
                request, answer = line.rstrip("\n").split("\t")
                if request == EXPECT:
                    await self.expect(json.loads(answer))
                    continue
                data = json.loads(Path(request).read_text(encoding="utf-8"))
                grade = await self.grade(Submission.from_data(data["submission"]),
                                         GradeSettings.from_data(data["settings"]))
                partial = Path(answer + ".partial")
                partial.write_text(json.dumps(grade.to_data()), encoding="utf-8")
                os.replace(partial, answer)
                self._say("done")
        finally:
            if self.pool is not None:
                await self.pool.close()
            if self.forks is not None:
                await asyncio.to_thread(self.forks.close)
            for view in self.views.values():
                view.remove()

    def _say(self, word):
        self.protocol.write(f"{word}\n")
        self.protocol.flush()

    async def warm(self):
        """The sandbox's view of coursekit and the fork server, made before any request.

        Where no sandbox works, nothing: each request's grade then says why.
        """
        try:
            kind = sandboxes.choose("auto")
        except sandboxes.SandboxError:
            return
        if kind == "bwrap":
            await self._forks().server()

    def _view(self, kind):
        if kind == "bwrap" and "bwrap" not in self.views:
            self.views["bwrap"] = sandboxes.KernelView.create(private_folder())
        return self.views.get(kind)

    def _forks(self):
        if self.forks is None:
            self.forks = KernelForks(self._view("bwrap"), private_folder)
        return self.forks

    async def expect(self, batch):
        """Start the first kernel of a batch whose first submissions answer
        ``batch["notebook"]``, before its first request; once a request has come, or
        where the settings cannot be used, nothing (its request says why)."""
        notebook = batch.get("notebook")
        if self.pool is not None or not isinstance(notebook, str):
            return
        try:
            settings = GradeSettings.from_data(batch["settings"])
            settings = settings.in_sandbox(sandboxes.choose(settings.sandbox))
        except (sandboxes.SandboxError, KeyError, TypeError, ValueError):
            return
        (await self._pool(settings)).prime(notebook)

    async def grade(self, submission, settings):
        try:
            settings = settings.in_sandbox(sandboxes.choose(settings.sandbox))
        except sandboxes.SandboxError as exc:
            return ungraded(submission, ERROR, f"on worker {os.uname().nodename}: {exc}")
        return await grade_submission(submission, settings, pool=await self._pool(settings))

    async def _pool(self, settings):
        """The pool for ``settings`` (sandbox chosen): this batch's, or a new one."""
        # Another batch's settings: the kernels started ahead would not do (the fork
        # server would: it depends on none of them).
        if self.pool is None or not self.pool.settings.same_kernels(settings):
            if self.pool is not None:
                await self.pool.close()
            forks = self._forks() if settings.sandbox == "bwrap" else None
            self.pool = pool_for(settings, self._view(settings.sandbox), forks)
        return self.pool


if __name__ == "__main__":
    serve(int(sys.argv[1]), warm="--warm" in sys.argv[2:])
