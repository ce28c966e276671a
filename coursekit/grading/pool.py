"""Fresh sandboxed kernels started ahead of the submissions that will use them.

A submission's fixed cost (its sandbox and cgroup, a kernel started, the
grader's shim and the course's common modules imported, the kernel stopped
afterwards) is the same for every submission and none of its own work. The
pool pays it off the critical path: while one submission runs, the kernel of
the next one is already starting, each in a sandbox of its own, and a finished
kernel is stopped in the background.

What the pool never does is share: every kernel it starts is handed to exactly
one submission, then destroyed. A kernel waiting in the pool has run nothing
but the grader's own start-up (:meth:`.KernelSession.start` with ``warm``);
the submission's time limits start when it is handed the kernel. A kernel
that died while waiting (or stopped answering) is replaced, never handed out.

Each kernel is forked into its sandbox by the pool's fork server, which made
the kernels' imports once (:mod:`.sandbox.forks`), unless the settings say
otherwise or forking does not work here (then each starts afresh, and the
grader says why once). Why a fork shares nothing either: docs/grading-security.md
("Kernels forked from a process with the imports done").
"""

import asyncio
import os
import shutil
import tempfile
from collections import Counter, deque
from pathlib import Path

from . import sandbox as sandboxes
from .kernel import KernelSession
from .kernel_forks import KernelForks
from .sandbox import Sandbox
from .submissions import known_notebooks

#: The longest path a Unix socket may have (``sun_path`` is 108 bytes with its NUL).
_SOCKET_PATH_LIMIT = 107
#: What the kernel's sockets add to the private folder: ``/ipc/kernel-NN``.
_SOCKET_SUFFIX = len("/ipc/kernel-99")
#: Every kernel's private folder is named ``<FOLDER_PREFIX><grader's pid>-<random>``.
FOLDER_PREFIX = "coursekit-grade-"
#: Kernels tried for one submission before giving up (each one died while waiting).
_ATTEMPTS = 3
def private_folder(purpose=""):
    """A new private folder for one submission's kernel, in the temporary directory.

    The kernel's sockets live in it (ZMQ's ``ipc`` transport), and a Unix socket's
    path may not pass 107 bytes: under a long ``TMPDIR`` every kernel would fail to
    start with "File name too long". The folder then goes to ``/tmp`` instead.
    Its name carries the grader's pid (``coursekit-grade-<pid>-<purpose>...``), as
    its cgroup's does: :func:`remove_stale_folders` removes those of graders gone.
    """
    parent, prefix = tempfile.gettempdir(), f"{FOLDER_PREFIX}{os.getpid()}-{purpose}"
    if len(parent) + len(f"/{prefix}xxxxxxxx") + _SOCKET_SUFFIX > _SOCKET_PATH_LIMIT:
        parent = "/tmp"
    return Path(tempfile.mkdtemp(prefix=prefix, dir=parent))


def remove_stale_folders():
    """Remove the kernels' private folders of graders that are gone (SIGKILLed).

    A grader removes each kernel's folder when done with it; one killed cannot.
    """
    for parent in {tempfile.gettempdir(), "/tmp"}:
        for folder in Path(parent).glob(f"{FOLDER_PREFIX}*"):
            owner, named, _ = folder.name[len(FOLDER_PREFIX):].partition("-")
            if not (named and owner.isdigit()):
                continue  # not named for its grader: whose it is cannot be told
            try:
                os.kill(int(owner), 0)
            except ProcessLookupError:
                shutil.rmtree(folder, ignore_errors=True)
            except (PermissionError, OverflowError):  # someone else's process lives
                continue


async def destroy(session):
    """Stop ``session``'s kernel, everything in its sandbox, and remove its folder."""
    try:
        await session.stop()
    finally:
        shutil.rmtree(session.private, ignore_errors=True)


class _Slot:
    """One kernel of the pool: its session and the task starting it."""

    def __init__(self, session, variant, starting):
        self.session, self.variant = session, variant
        self.task = asyncio.ensure_future(starting)


class KernelPool:
    """Kernels started ahead of their submissions; each handed out once, then destroyed.

    Parameters
    ----------
    settings : coursekit.grading.settings.GradeSettings
        Its ``pool`` is the number of kernels kept starting or waiting for the
        submissions to come; 0 starts each kernel when its submission asks for
        it and stops it before the grade is returned (the grader without a
        pool). Its ``sandbox`` is the one chosen here (``"bwrap"`` or
        ``"none"``: :meth:`~coursekit.grading.settings.GradeSettings.in_sandbox`),
        and its limits are each kernel's.
    view : coursekit.grading.sandbox.KernelView or None
        What a sandboxed kernel sees of coursekit; needed for ``"bwrap"``.
    order : sequence of str
        The course's notebooks in order (which reference modules each may see).
    forks : coursekit.grading.kernel_forks.KernelForks, optional
        The fork server to fork the kernels from, kept by whoever made the pool
        for the pools to come (a grading process): :meth:`close` leaves it
        running. By default the pool starts one of its own at its first kernel
        and stops it at :meth:`close`.

    Notes
    -----
    Use it inside one event loop, and :meth:`close` it there: whatever is still
    starting, waiting or being stopped is stopped then.
    """

    def __init__(self, settings, *, view, order=(), forks=None):
        if settings.sandbox not in ("bwrap", "none"):
            raise ValueError(f"settings: the sandbox must be chosen (bwrap or none) before "
                             f"kernels start; got {settings.sandbox!r}")
        if settings.sandbox == "bwrap" and view is None:
            raise ValueError("view: a bubblewrap sandbox needs the kernel's view of coursekit")
        self.settings, self.view = settings, view
        self.size, self.kind = settings.pool, settings.sandbox
        self.order = list(order)
        self._waiting = []  # slots started ahead, oldest first
        self._unclaimed = set()  # every slot not yet handed out: close() stops them
        self._stopping = set()
        self._upcoming = None  # (variant, notebook) of the submissions to come, if known
        self._last = None
        self._closed = False
        self._own_forks = forks is None and self.kind == "bwrap" and settings.fork
        if self._own_forks:
            forks = KernelForks(view, private_folder)
        #: Where the kernels are forked from (None: each starts afresh).
        self.forks = forks if self.kind == "bwrap" and settings.fork else None
        #: Kernels found dead (or silent) when their submission came, and replaced.
        self.replaced = 0
        #: Kernels handed out.
        self.handed_out = 0

    def variant(self, notebook):
        """What a kernel for ``notebook`` must be started with: kernels differ only by it."""
        if self.kind != "bwrap":
            return ()
        return tuple(self.view.arguments(notebook, self.order))

    async def ahead(self):
        """The kernels started ahead and waiting, once each has started.

        Returns
        -------
        list of (KernelSession, str)
            Each waiting kernel's session and why it could not start ("" when
            it did), oldest first. They stay in the pool, for the submissions to come.
        """
        return [(slot.session, await asyncio.shield(slot.task)) for slot in list(self._waiting)]

    def prime(self, notebook):
        """Start kernels for submissions answering ``notebook`` before any asks for one.

        A cluster's grading process is told what its batch's first submissions
        answer before the first comes (:func:`.backends.dask_worker.expect_batch`),
        so that the first is handed a kernel started ahead as the others are.
        Nothing happens once a submission has asked, or for an unknown notebook.
        """
        if self._upcoming is None and self._last is None and notebook in self.order:
            self._last = (self.variant(notebook), notebook)
            self._refill()

    def expect(self, notebooks):
        """The notebooks the submissions to come answer, in the order they will ask.

        Without it (a cluster's grading process, which is sent one submission
        at a time), the pool starts kernels like the last one asked for.
        """
        self._upcoming = deque((self.variant(nb), nb) for nb in notebooks if nb)
        self._refill()

    async def take(self, notebook):
        """A started kernel for a submission answering ``notebook``; never one used before.

        Returns
        -------
        session : KernelSession or None
            The submission's kernel, ready for its first cell; None if none could start.
        problem : str
            Why none could start, else "".
        """
        variant = self.variant(notebook)
        if self._upcoming is not None:
            try:
                self._upcoming.remove((variant, notebook))
            except ValueError:
                pass
        self._last = (variant, notebook)
        problem = ""
        for _ in range(_ATTEMPTS):
            slot = next((s for s in self._waiting if s.variant == variant), None)
            if slot is not None:
                self._waiting.remove(slot)
                pooled = True
            else:
                slot = self._start(variant, notebook)
                pooled = False
            self._refill()
            # The start goes on whatever happens to this submission: close()
            # stops it, never a cancellation halfway through launching.
            problem = await asyncio.shield(slot.task)
            if not problem and (not pooled or await slot.session.alive()):
                self._unclaimed.discard(slot)
                self.handed_out += 1
                return slot.session, ""
            self._unclaimed.discard(slot)
            self._stop_later(slot.session)
            if problem and not pooled:
                break  # started for this submission and failed: as without a pool
            # Died while starting or waiting: another, fresh, in its place.
            self.replaced += 1
        return None, problem or "no kernel stayed alive long enough to be handed out"

    async def give_back(self, session):
        """Destroy the kernel a submission has finished with.

        With a pool, in the background (:meth:`close` waits for it); without
        one, before returning, as the grader always did.
        """
        if self.size and not self._closed:
            self._stop_later(session)
        else:
            await destroy(session)

    async def close(self):
        """Stop every kernel still starting, waiting, or being stopped; start no more."""
        self._closed = True
        unclaimed, self._unclaimed, self._waiting = list(self._unclaimed), set(), []
        for slot in unclaimed:
            slot.task.cancel()
        for slot in unclaimed:
            try:
                await slot.task
            except BaseException:  # cancelled or failed: stopped below all the same
                pass
        for slot in unclaimed:
            self._stop_later(slot.session)
        while self._stopping:
            await asyncio.gather(*self._stopping, return_exceptions=True)
        if self._own_forks:
            await asyncio.to_thread(self.forks.close)

    @property
    def fork_problem(self):
        """Why kernels start afresh though forking was asked for ("" if they do not)."""
        return self.forks.problem if self.forks is not None else ""

    async def _launch(self, session, warm):
        if session.sandbox.kind == "bwrap":
            session.sandbox.forks = None if self.forks is None else await self.forks.server()
        return await session.start(warm=warm)

    def _start(self, variant, notebook):
        private = private_folder()
        try:
            box = Sandbox(self.settings, private, notebook, self.view, self.order)
            session = KernelSession(box, self.settings)
        except BaseException:
            shutil.rmtree(private, ignore_errors=True)
            raise
        # Only a kernel that waits imports ahead (a forked one has, all but the shim's own).
        slot = _Slot(session, variant, self._launch(session, warm=bool(self.size)))
        self._unclaimed.add(slot)
        return slot

    def _refill(self):
        """Start kernels for the next ``size`` submissions; stop those none will use."""
        if self._closed or not self.size:
            return
        if self._upcoming is not None:
            wanted = Counter(variant for variant, _ in list(self._upcoming)[:self.size])
            notebooks = dict(self._upcoming)
        elif self._last is not None:
            wanted = Counter({self._last[0]: self.size})
            notebooks = dict([self._last])
        else:
            return
        have = Counter(slot.variant for slot in self._waiting)
        for slot in list(self._waiting):
            if have[slot.variant] > wanted[slot.variant]:
                have[slot.variant] -= 1
                self._waiting.remove(slot)
                self._unclaimed.discard(slot)
                self._stop_later(slot.session, after=slot.task)
        for variant, count in wanted.items():
            for _ in range(count - have[variant]):
                self._waiting.append(self._start(variant, notebooks[variant]))

    def _stop_later(self, session, after=None):
        async def stop():
            if after is not None:
                try:
                    await after
                except BaseException:
                    pass
            await destroy(session)

        task = asyncio.ensure_future(stop())
        self._stopping.add(task)
        task.add_done_callback(self._stopping.discard)


def pool_for(settings, view=None, forks=None):
    """A :class:`KernelPool` for the course's notebooks (their order from the checks).

    Parameters
    ----------
    settings : coursekit.grading.settings.GradeSettings
        With the sandbox chosen here.
    view : coursekit.grading.sandbox.KernelView, optional
        For ``"bwrap"``; by default this process's own
        (:func:`coursekit.grading.sandbox.kernel_view`).
    forks : coursekit.grading.kernel_forks.KernelForks, optional
        A fork server kept for the pools to come; by default the pool's own.
    """
    if settings.sandbox == "bwrap" and view is None:
        view = sandboxes.kernel_view()
    return KernelPool(settings, view=view, order=known_notebooks(), forks=forks)
