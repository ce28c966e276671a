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
import concurrent.futures
import functools
import shutil
import sys
import threading

from ..checks import shim
from .kernel import kernel_environment
from .sandbox import HOME, ForkServer, ForkServerError

#: What the fork server imports once for every kernel: what a kernel started ahead has
#: imported before its submission's first cell (ipykernel, the shim and all it installs,
#: the course's common modules); then what a kernel's start imports beside
#: them (its debugger, debugpy, with IPython's pdb, its shell's history and extensions):
#: left to each kernel, they took 0.07 processor seconds of every kernel's start.
FORKED_IMPORTS = ("ipykernel.kernelapp", "IPython.display", "coursekit.checks.shim",
                  "coursekit.checks", "coursekit.checks.spec", "coursekit.checks.wire",
                  *shim.WARM_MODULES,
                  "ipykernel.debugger", "IPython.core.debugger", "IPython.core.completerlib",
                  "IPython.core.logger", "IPython.core.oinspect", "IPython.extensions.storemagic",
                  "sqlite3", "tornado.platform.asyncio", "tornado.queues")
#: The backend ipykernel gives matplotlib in every kernel, before the course imports it.
_INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


@functools.cache
def warn_no_fork(problem):
    """Say once per run why kernels start afresh instead of being forked."""
    print(f"coursekit grade: kernels start afresh, each importing the course's modules "
          f"(about two processor seconds more per submission): {problem}", file=sys.stderr,
          flush=True)


class KernelForks:
    """A fork server for the kernels of ``view``: started in the background when first
    asked for, replaced if it dies, or None where forking does not work here (then
    kernels start afresh).

    Parameters
    ----------
    view : coursekit.grading.sandbox.KernelView
        What the sandboxed kernels see of coursekit (its font list is the server's).
    folder : callable
        Makes a private folder for the server's matplotlib files, where the view
        has no font list (:func:`coursekit.grading.pool.private_folder`).

    Notes
    -----
    :meth:`start` may be called before any event loop runs (a batch starts the
    server once it has found files to grade, so that the server's imports run
    beside the grader's own); :meth:`server` inside one. :meth:`close` ends it,
    killing a server still importing.
    """

    def __init__(self, view, folder):
        self.view, self._make_folder = view, folder
        self._starting = None  # the future of the server, once one is asked for
        self._thread = None
        self._server = None  # the server being started (its imports, its probe)
        self._closing = False
        self._folder = None  # its matplotlib folder, where the view has no font list
        #: Why kernels start afresh though forking was asked for ("" if they do not).
        self.problem = ""

    def start(self):
        """Start the server, unless one is starting or running; its imports and probe are
        waited for in a thread of their own.

        The server dies with the calling thread (:class:`~.sandbox.ForkServer`): call
        this from one that lives as long as the kernels are forked (a grader's main
        thread, which runs its event loop).
        """
        if self._starting is not None and self._starting.done():
            server = self._starting.result()
            if server is not None and not server.alive():  # killed (out of memory?): anew
                server.close()
                self._starting = None
        if self._starting is None:
            self._starting = concurrent.futures.Future()
            try:
                server = ForkServer(self._environment(), FORKED_IMPORTS)
            except ForkServerError as exc:
                self._refused(exc)
                return
            self._server = server
            self._thread = threading.Thread(target=self._wait_ready, args=(server,),
                                            name="coursekit-fork-server", daemon=True)
            self._thread.start()

    async def server(self):
        """The fork server, started now if none is; None where kernels start afresh."""
        self.start()
        return await asyncio.shield(asyncio.wrap_future(self._starting))

    @property
    def pid(self):
        """The running server's process id, or None (none started, started afresh, or dead)."""
        if (self._starting is None or not self._starting.done()
                or self._starting.exception() is not None):
            return None
        server = self._starting.result()
        return server.pid if server is not None and server.alive() else None

    @property
    def folder(self):
        """The server's own matplotlib folder, or None (it uses the view's font list)."""
        return self._folder

    def close(self):
        """Stop the server, once started, and remove its folder (blocks while it stops).

        A server still importing is killed rather than waited for: a batch starts
        one before it knows whether it has anything to grade.
        """
        if self._thread is not None:
            if self._thread.is_alive():
                self._closing = True  # not a server that failed: nothing to warn of
                self._server.kill()
            self._thread.join()
        if self._starting is not None and self._starting.exception() is None:
            server = self._starting.result()
            if server is not None:
                server.close()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)

    def _environment(self):
        environment = kernel_environment(HOME, 0)
        environment["MPLBACKEND"] = _INLINE_BACKEND
        # debugpy's note on the interpreter's frozen modules, printed when it is imported,
        # would end every message of a server that failed (kernels are told nothing).
        environment["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
        # The server is outside every sandbox: matplotlib's folder there is the one of the
        # font list every kernel is shown, else one of its own (removed by close()).
        if self.view.font_list is not None:
            environment["MPLCONFIGDIR"] = str(self.view.font_list.parent)
        else:
            if self._folder is None:
                self._folder = self._make_folder("fork-")
            environment["MPLCONFIGDIR"] = str(self._folder)
        return environment

    def _wait_ready(self, server):
        try:
            server.ready()
        except ForkServerError as exc:
            self._refused(exc)
        except BaseException as exc:  # a bug: whoever waits for the server hears of it
            server.close()
            self._starting.set_exception(exc)
        else:
            self._starting.set_result(server)

    def _refused(self, exc):
        self.problem = str(exc)
        if not self._closing:
            warn_no_fork(self.problem)
        self._starting.set_result(None)
