"""A cluster worker's grading process: ``python -m coursekit.grading.backends.grading_process``.

It grades the submissions its worker thread hands it (:mod:`.dask_worker`),
one request a line on stdin, answering ``done`` on its own stdout once the
grade is written. One event loop for the process's life: the kernel pool's
next kernel starts while it waits for its next request.
"""

import asyncio
import ctypes
import json
import os
import signal
import sys
from pathlib import Path

from .. import sandbox as sandboxes
from ..pool import pool_for, private_folder, remove_stale_folders
from ..results import ERROR, ungraded
from ..runner import grade_submission, preload
from ..sandbox.cgroups import remove_stale_cgroups
from ..settings import GradeSettings
from ..submissions import Submission

_PR_SET_PDEATHSIG = 1


def serve(parent):
    """Grade the requests named on stdin until it closes; die with ``parent``."""
    _die_with(parent)
    protocol = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # anything else printed goes to stderr, never into the protocol
    preload()
    remove_stale_cgroups()
    remove_stale_folders()
    asyncio.run(_Server(protocol).serve())


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
        self.pool = None

    async def serve(self):
        try:
            while line := await asyncio.to_thread(sys.stdin.readline):
                request, answer = line.rstrip("\n").split("\t")
                data = json.loads(Path(request).read_text(encoding="utf-8"))
                grade = await self.grade(Submission.from_data(data["submission"]),
                                         GradeSettings.from_data(data["settings"]))
                partial = Path(answer + ".partial")
                partial.write_text(json.dumps(grade.to_data()), encoding="utf-8")
                os.replace(partial, answer)
                self.protocol.write("done\n")
                self.protocol.flush()
        finally:
            if self.pool is not None:
                await self.pool.close()
            for view in self.views.values():
                view.remove()

    async def grade(self, submission, settings):
        try:
            settings = settings.in_sandbox(sandboxes.choose(settings.sandbox))
        except sandboxes.SandboxError as exc:
            return ungraded(submission, ERROR, f"on worker {os.uname().nodename}: {exc}")
        if settings.sandbox == "bwrap" and "bwrap" not in self.views:
            self.views["bwrap"] = sandboxes.KernelView.create(private_folder())
        # Another batch's settings: the kernels started ahead would not do.
        if self.pool is None or not self.pool.settings.same_kernels(settings):
            if self.pool is not None:
                await self.pool.close()
            self.pool = pool_for(settings, self.views.get(settings.sandbox))
        return await grade_submission(submission, settings, pool=self.pool)


if __name__ == "__main__":
    serve(int(sys.argv[1]))
