"""The fork server a grading process keeps for its kernels, whatever batches it grades.

A fork server (:mod:`.sandbox.forks`) makes the kernels' imports once, which
takes about two processor seconds; every kernel after is a fork of it. A
server depends on nothing a batch sets (its limits, figures or pool size go
to each kernel, not to the server), only on what the kernels see of coursekit
(the :class:`~.sandbox.KernelView`). So one server serves every pool a
grading process makes: a local batch's, and each batch a cluster worker's
grading process is sent, started with the worker (:mod:`.backends.dask_preload`)
before any batch comes.
"""

import asyncio
import functools
import shutil
import sys

from ..checks import shim
from .kernel import kernel_environment
from .sandbox import HOME, ForkServer, ForkServerError

#: What the fork server imports once for every kernel: what a kernel started ahead has
#: imported before its submission's first cell (ipykernel, the shim and all it installs,
#: the course's common modules).
FORKED_IMPORTS = ("ipykernel.kernelapp", "IPython.display", "coursekit.checks.shim",
                  "coursekit.checks", "coursekit.checks.spec", "coursekit.checks.wire",
                  *shim.WARM_MODULES)
#: The backend ipykernel gives matplotlib in every kernel, before the course imports it.
_INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


@functools.cache
def warn_no_fork(problem):
    """Say once per run why kernels start afresh instead of being forked."""
    print(f"coursekit grade: kernels start afresh, each importing the course's modules "
          f"(about two processor seconds more per submission): {problem}", file=sys.stderr,
          flush=True)


class KernelForks:
    """A fork server for the kernels of ``view``: started when first asked for, replaced
    if it dies, or None where forking does not work here (then kernels start afresh).

    Parameters
    ----------
    view : coursekit.grading.sandbox.KernelView
        What the sandboxed kernels see of coursekit (its font list is the server's).
    folder : callable
        Makes a private folder for the server's matplotlib files, where the view
        has no font list (:func:`coursekit.grading.pool.private_folder`).

    Notes
    -----
    Use it inside one event loop, and :meth:`close` it there.
    """

    def __init__(self, view, folder):
        self.view, self._make_folder = view, folder
        self._task = None  # the task starting the server, once one is asked for
        self._folder = None  # its matplotlib folder, where the view has no font list
        #: Why kernels start afresh though forking was asked for ("" if they do not).
        self.problem = ""

    async def server(self):
        """The fork server, started now if none is; None where kernels start afresh."""
        if self._task is not None and self._task.done():
            server = self._task.result()
            if server is not None and not server.alive():  # killed (out of memory?): anew
                server.close()
                self._task = None
        if self._task is None:
            loop = asyncio.get_running_loop()
            self._task = asyncio.ensure_future(loop.run_in_executor(None, self._new_server))
        return await asyncio.shield(self._task)

    @property
    def pid(self):
        """The running server's process id, or None (none started, started afresh, or dead)."""
        if self._task is None or not self._task.done() or self._task.result() is None:
            return None
        server = self._task.result()
        return server.pid if server.alive() else None

    @property
    def folder(self):
        """The server's own matplotlib folder, or None (it uses the view's font list)."""
        return self._folder

    async def close(self):
        """Stop the server, if one was started, and remove its folder."""
        if self._task is not None:
            server = await self._task
            if server is not None:
                await asyncio.get_running_loop().run_in_executor(None, server.close)
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)

    def _new_server(self):
        environment = kernel_environment(HOME, 0)
        environment["MPLBACKEND"] = _INLINE_BACKEND
        # The server is outside every sandbox: matplotlib's folder there is the one of the
        # font list every kernel is shown, else one of its own (removed by close()).
        if self.view.font_list is not None:
            environment["MPLCONFIGDIR"] = str(self.view.font_list.parent)
        else:
            if self._folder is None:
                self._folder = self._make_folder("fork-")
            environment["MPLCONFIGDIR"] = str(self._folder)
        try:
            return ForkServer(environment, FORKED_IMPORTS)
        except ForkServerError as exc:
            self.problem = str(exc)
            warn_no_fork(self.problem)
            return None
