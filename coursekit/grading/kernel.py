"""A submission's kernel: started fresh for it, run cell by cell, stopped with all it started."""

import asyncio
import logging
import os
import re
import secrets
import signal
import subprocess
import time
from pathlib import Path
from queue import Empty

import nbformat
import zmq
import zmq.asyncio
from jupyter_client import AsyncKernelManager
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError
from traitlets import Type, default

from ..checks import shim as kernel_shim
from ..threads import thread_environment
from .answers import Run
from .kernel_messages import MAX_ANSWER_CHARS, MAX_MESSAGE_BYTES, RECEIVE_QUEUE, BoundedSession
from .results import clean_text
from .sandbox import INTERPRETER, MATPLOTLIB_FOLDER
from .seen_outputs import CellOutputs

_INTERRUPT_GRACE = 5  # seconds a kernel has to come back after an interrupt
_IOPUB_WAIT = 10  # seconds to wait for a cell's last outputs after its reply
STARTUP_TIMEOUT = 120
_MEMORY_WATCH_INTERVAL = 0.5
#: Bytes (on disk) and entries the kernel's socket folder may hold: a few sockets
#: and the connection file. It is the one folder of the grader's the kernel may
#: write to, on the grader's own disk, outside the sandbox's tmpfs and cgroup.
IPC_FOLDER_BYTES = 16 * 2**20
_IPC_FOLDER_ENTRIES = 64

#: Address space a kernel must have left after running out of memory to be used on:
#: room for the largest message the grader takes from it, twice over (the message
#: and its serialized copy), which also holds a new thread's stack.
HEADROOM_BYTES = 2 * MAX_MESSAGE_BYTES
_KERNEL_NAME = "coursekit-grader"
_CELL_LINE = re.compile(r"Cell In\[\d*\], line (\d{1,6})")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# Figures are rendered only when the grader shows them (GradeSettings.figures).
_INSTALL_SOURCE = ("__import__('coursekit.checks.shim', fromlist=['install'])"
                   ".install(figures={figures!r})")
_WARM_SOURCE = "__import__('coursekit.checks.shim', fromlist=['warm']).warm()"
#: Seconds a kernel that waited in the pool has to answer before it is handed out.
ALIVE_WAIT = 10
# Passed on to the kernels; everything else in the grader's environment (tokens,
# credentials) stays out of the submissions' reach.
_PASSED_VARIABLES = ("PATH", "PYTHONPATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ",
                     "LD_LIBRARY_PATH", "SCIKIT_LEARN_DATA", "SSL_CERT_FILE")

# nbclient reports every timeout and dead kernel as an error; here they are
# expected, and recorded in grades.csv instead.
_kernel_log = logging.getLogger("coursekit.grading.kernels")
_kernel_log.addHandler(logging.NullHandler())
_kernel_log.propagate = False


class _GraderKernelSpecs(KernelSpecManager):
    """Knows one kernel: this interpreter, through kernel_shim's limits, in ``sandbox``."""

    def __init__(self, sandbox, **kwargs):
        super().__init__(**kwargs)
        self.sandbox = sandbox

    def get_kernel_spec(self, kernel_name):
        argv = [INTERPRETER, "-m", "coursekit.checks.shim", "-f",
                "{connection_file}"]
        # A signal cannot cross into the sandbox's PID namespace; ipykernel
        # interrupts itself when asked over its control channel.
        mode = "signal" if self.sandbox.kind == "none" else "message"
        return KernelSpec(argv=self.sandbox.command(argv), display_name="coursekit grader",
                          language="python", interrupt_mode=mode)


class _ReadyKernelClient(AsyncKernelClient):
    """A kernel client that is ready once its kernel has answered on both channels.

    jupyter_client's own wait goes on reading IOPub until it has been quiet for 0.2 s:
    a fifth of a second of every kernel's start, for messages that answer none of the
    grader's requests (nbclient skips them anyway). The kernel is this interpreter's
    ipykernel, which speaks the client's protocol: no version to adapt to.
    """

    async def wait_for_ready(self, timeout=None):
        timeout = STARTUP_TIMEOUT if timeout is None else timeout
        deadline = time.monotonic() + timeout
        while True:
            self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                reply = None
            if reply is not None and reply["msg_type"] == "kernel_info_reply":
                try:  # IOPub is connected once a message has come through it
                    await self.iopub_channel.get_msg(timeout=0.2)
                    return
                except Empty:
                    pass
            if not await self.is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")


class _BoundedKernelManager(AsyncKernelManager):
    """A kernel manager whose clients share its zmq context (and its size limits), read
    messages through a :class:`.BoundedSession`, and are ready without waiting for IOPub
    to fall quiet (:class:`_ReadyKernelClient`)."""

    client_factory = Type(klass=_ReadyKernelClient)

    @default("session")
    def _bounded_session(self):
        return BoundedSession(parent=self)

    def client(self, **kwargs):
        return super().client(context=self.context, **kwargs)


class GradingClient(NotebookClient):
    """An nbclient that keeps cell replies, the shim's answers, and bounded outputs
    (:class:`~coursekit.grading.seen_outputs.CellOutputs`), never nbformat's."""

    def begin_cell(self):
        self.reply = None
        self.answers = []
        self.answer_chars = 0
        self.seen = CellOutputs()

    def remember_reply(self, cell, cell_index, execute_reply):
        self.reply = execute_reply

    def output(self, outs, msg, display_id, cell_index):
        # Learners' outputs (possibly huge) are dropped as they arrive.
        content = msg.get("content")
        data = content.get("data") if isinstance(content, dict) else None
        text = data.get(kernel_shim.ANSWER_MIME) if isinstance(data, dict) else None
        if msg.get("msg_type") == "display_data" and isinstance(text, str):
            self.answer_chars += len(text)
            too_large = (self.answer_chars > MAX_ANSWER_CHARS
                         or text == kernel_shim.ANSWER_TOO_LARGE)
            self.answers.append(None if too_large else text)
        else:
            self.seen.add(msg.get("msg_type"), content)
        return None

    def clear_output(self, outs, msg, cell_index):
        self.seen.clear()
        return None

    def handle_comm_msg(self, outs, msg, cell_index):
        return None  # widgets need no front end here


def kernel_environment(home, memory_limit, process_limit=0):
    """The environment of a submission's kernel.

    Configuration directories point into ``home`` (a directory of this
    submission's own), so nothing one submission writes there reaches the next.
    """
    home = Path(home)
    env = {key: value for key, value in os.environ.items()
           if key in _PASSED_VARIABLES or key.startswith("LC_")}
    env.update(
        HOME=str(home), TMPDIR=str(home / "tmp"), IPYTHONDIR=str(home / "ipython"),
        JUPYTER_CONFIG_DIR=str(home / "jupyter"), JUPYTER_DATA_DIR=str(home / "jupyter"),
        MPLCONFIGDIR=str(home / MATPLOTLIB_FOLDER), PYTHONNOUSERSITE="1",
        MALLOC_ARENA_MAX="2", PYDEVD_DISABLE_FILE_VALIDATION="1",
    )
    # One BLAS thread each, as when the solutions were executed: N kernels share the
    # machine fairly, and threads' reserved address space stays out of the memory limit.
    env.update(thread_environment())
    if memory_limit:
        env[kernel_shim.MEMORY_VARIABLE] = str(memory_limit)
    if process_limit:
        env[kernel_shim.PROCESS_VARIABLE] = str(process_limit)
    return env


def within_limits(folder, most_bytes, most_entries):
    """Whether ``folder`` holds at most ``most_entries`` entries and ``most_bytes`` on disk.

    Counted at any depth, in blocks on disk (a sparse file counts what it
    holds); a folder removed meanwhile holds nothing.

    Examples
    --------
    >>> within_limits("/no/such/folder", 0, 0)
    True
    """
    entries, used, todo = 0, 0, [folder]
    while todo:
        try:
            with os.scandir(todo.pop()) as listing:
                for entry in listing:
                    entries += 1
                    info = entry.stat(follow_symlinks=False)
                    used += info.st_blocks * 512
                    if entries > most_entries or used > most_bytes:
                        return False
                    if entry.is_dir(follow_symlinks=False):
                        todo.append(entry.path)
        except OSError:  # removed meanwhile: nothing there to count
            continue
    return True


def error_line(traceback):
    """The line of the cell run that raised, from IPython's traceback (None if not named).

    The first frame is the cell itself: ``Cell In[3], line 2`` (a SyntaxError
    names its line the same way).

    Examples
    --------
    >>> error_line(["\x1b[0;31mNameError\x1b[0m", "Cell \x1b[0;32mIn[3], line 2\x1b[0m ..."])
    2
    >>> error_line("anything") is None
    True
    """
    if not isinstance(traceback, list):
        return None
    for part in traceback[:3]:
        if isinstance(part, str):
            match = _CELL_LINE.search(_ANSI.sub("", part[:2000]))
            if match:
                return int(match.group(1))
    return None


class KernelSession:
    """A fresh kernel for one submission, in its sandbox.

    Parameters
    ----------
    sandbox : coursekit.grading.sandbox.Sandbox
    settings : coursekit.grading.settings.GradeSettings
        Its ``timeout`` (seconds per cell, unless :meth:`run` is told
        otherwise) and ``memory_limit`` (megabytes for the kernel and all it
        starts; 0 for none).
    """

    def __init__(self, sandbox, settings):
        self.sandbox = sandbox
        self.private = sandbox.private
        self.timeout = settings.timeout
        self.memory_limit = settings.memory_limit
        self.figures = settings.figures
        if sandbox.kind == "none":
            for folder in ("work", "tmp", "ipython", "jupyter", "matplotlib"):
                (self.private / folder).mkdir()
        # Every message the kernel sends is read whole before it can be dropped:
        # a cap on its size (the peer is disconnected beyond it) and on the queue
        # keeps the grader's memory bounded whatever a submission prints.
        self.context = zmq.asyncio.Context()
        self.context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
        self.context.setsockopt(zmq.RCVHWM, RECEIVE_QUEUE)
        self.km = _BoundedKernelManager(kernel_name=_KERNEL_NAME, context=self.context,
                                     kernel_spec_manager=_GraderKernelSpecs(sandbox),
                                     transport="ipc", ip=str(sandbox.ipc / "kernel"),
                                     connection_file=str(sandbox.ipc / "kernel.json"))
        # A cell past its limit ends in the error nbclient makes up, never in one the
        # kernel sent: its name holds a secret the kernel never sees, so that a cell
        # raising an exception of the same name is not taken for a timeout.
        self._timeout_ename = f"CoursekitGraderTimeout_{secrets.token_hex(16)}"
        # nbclient writes each executed cell back into its notebook: one slot.
        self.client = GradingClient(
            nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell()]), km=self.km,
            timeout=self.timeout, interrupt_on_timeout=True,
            error_on_timeout={"ename": self._timeout_ename, "evalue": "", "traceback": []},
            allow_errors=True, record_timing=False, store_widget_state=False,
            iopub_timeout=_IOPUB_WAIT, startup_timeout=STARTUP_TIMEOUT,
            extra_arguments=["--HistoryManager.hist_file=:memory:"], log=_kernel_log,
        )
        self.client.on_cell_executed = self.client.remember_reply
        self.watch = None
        self.over_memory = False
        self.over_disk = False
        #: Whether the watch last saw the kernel without :data:`HEADROOM_BYTES` to go on.
        self.near_limit = False
        self.mapped_at_start = 0

    async def start(self, warm=False):
        """Start the kernel and install the shim; return a problem, or "" when ready.

        Parameters
        ----------
        warm : bool, default=False
            Also import the modules every course notebook's set-up cell imports
            (:data:`coursekit.checks.shim.WARM_MODULES`), as a kernel
            started ahead of its submission (:mod:`.pool`) does.
        """
        # Outside the sandbox the kernel starts in its own folder; inside, bwrap
        # changes to the sandbox's working directory itself.
        cwd = self.private / "work" if self.sandbox.kind == "none" else self.private
        env = kernel_environment(self.sandbox.home, self.memory_limit,
                                 self.sandbox.process_limit)
        try:
            await self.client.async_start_new_kernel(
                cwd=str(cwd), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if self.sandbox.forks is not None:
                problem = await self.sandbox.fork_kernel(
                    self.km.provisioner.pid, self._kernel_arguments(), env)
                if problem:
                    return f"the kernel did not start ({problem})"
            await self.client.async_start_new_kernel_client()
        except Exception as exc:  # the kernel would not start: not the submission's fault
            return f"the kernel did not start ({type(exc).__name__}: {clean_text(exc)})"
        if Path("/proc").is_dir():
            self.watch = asyncio.ensure_future(self._watch())
        # The shim imports coursekit (and scikit-learn): not the submission's time.
        run = await self.run(_INSTALL_SOURCE.format(figures=self.figures), store_history=False,
                             timeout=STARTUP_TIMEOUT)
        if run.kind != "done" or run.ename:
            return f"the grader's shim did not load in the kernel ({run.ename or run.kind})"
        if warm:
            run = await self.run(_WARM_SOURCE, store_history=False, timeout=STARTUP_TIMEOUT)
            if run.kind != "done" or run.ename:
                return f"the course's modules did not import in the kernel " \
                       f"({run.ename or run.kind})"
        return ""

    def _kernel_arguments(self):
        """The arguments a kernel started afresh is given (its connection file, and more)."""
        return ["-f", self.km.connection_file, *self.client.extra_arguments]

    async def alive(self, wait=ALIVE_WAIT):
        """Whether the kernel is still running and answers within ``wait`` seconds."""
        if (self.client.kc is None or self.over_memory or self.over_disk
                or not await self.km.is_alive()):
            return False
        try:
            return await self.responds(wait)
        except Exception:  # its channels are gone with it
            return False

    async def run(self, source, *, store_history=True, timeout=None):
        """Run ``source`` as one cell (``timeout`` seconds, default the session's).

        Returns a report of how it ended; never raises.
        """
        cell = nbformat.v4.new_code_cell(source)
        self.client.nb.cells[0] = cell
        self.client.begin_cell()
        self.client.timeout = timeout or self.timeout
        self.mapped_at_start = self.largest_mapped()
        try:
            await self.client.async_execute_cell(cell, 0, store_history=store_history)
        except DeadKernelError:
            return Run("dead", detail=await self._death())
        except Exception as exc:  # a kernel that sends what no kernel should
            # At its memory limit, a kernel's own sends fail halfway: a torn message.
            at_limit = not self.has_headroom()
            await self.stop()
            if at_limit:
                return Run("dead", detail="memory")
            return Run("broken", detail=f"{type(exc).__name__}: {clean_text(exc)}")
        reply = self.client.reply
        content = reply.get("content") if isinstance(reply, dict) else None
        content = content if isinstance(content, dict) else {}
        if content.get("ename") == self._timeout_ename:
            if await self.responds(_INTERRUPT_GRACE):
                return Run("timeout")
            if not await self.km.is_alive():
                return Run("dead", detail=await self._death())
            await self.stop()
            return Run("stuck")
        error = content if content.get("status") == "error" else {}
        answers = self.client.answers
        return Run("done", ename=clean_text(error.get("ename") or "", 60),
                   evalue=clean_text(error.get("evalue") or ""),
                   line=error_line(error.get("traceback")),
                   answers=[text for text in answers if text is not None],
                   too_large=None in answers, outputs=self.client.seen.outputs())

    def held_on_to_memory(self):
        """Whether the cell that just ran out of memory left the kernel holding it.

        It did when the cell grew the kernel by a quarter of its limit or more (a
        loop that filled memory and kept it), or left it without
        :data:`HEADROOM_BYTES` to go on. The growth decides the common case alone:
        how close to the limit a filled kernel stops depends on the size of its last
        failed allocation and on everything mapped before the cell (the figures
        rendered, the libraries loaded), and that must not decide a grade.
        """
        if not self.memory_limit:
            return False
        grown = self.largest_mapped() - self.mapped_at_start
        return grown * 4 >= self.memory_limit * 2**20 or not self.has_headroom()

    def largest_mapped(self):
        """The most any one of the kernel's processes maps now, in bytes (0 when unknown)."""
        if self.km.provisioner is None:
            return 0
        page, largest = os.sysconf("SC_PAGE_SIZE"), 0
        for pid in self.sandbox.processes(self.km.provisioner.pid):
            try:
                mapped = int(Path(f"/proc/{pid}/statm").read_text().split()[0]) * page
            except (OSError, ValueError, IndexError):  # gone meanwhile
                continue
            largest = max(largest, mapped)
        return largest

    def has_headroom(self):
        """Whether each of the kernel's processes may still map :data:`HEADROOM_BYTES`.

        Read from /proc, not asked of the kernel: a kernel at its limit may not
        answer truly (a freed heap lets it allocate, where a new thread or a
        mapped file would fail).
        """
        if not self.memory_limit or self.km.provisioner is None:
            return True
        return self.largest_mapped() + HEADROOM_BYTES <= self.memory_limit * 2**20

    async def responds(self, wait):
        """Whether the kernel answers a ``kernel_info`` request within ``wait`` seconds."""
        # Shell requests queue behind a running cell: a reply means it has stopped.
        msg_id = self.client.kc.kernel_info()
        deadline = time.monotonic() + wait
        while (left := deadline - time.monotonic()) > 0:
            try:
                msg = await self.client.kc.shell_channel.get_msg(timeout=left)
            except Empty:
                return False
            if msg.get("parent_header", {}).get("msg_id") == msg_id:
                return True
        return False

    async def _death(self):
        # Near its limit, a kernel dies of it: an allocation its own machinery
        # cannot do without fails (libzmq aborts, a thread cannot start).
        if self.over_memory or self.near_limit or self.sandbox.out_of_memory():
            return "memory"
        if self.over_disk:
            return "disk"
        try:
            code = await self.km.provisioner.poll()
        except Exception:  # the provisioner is gone: the cause is unknown
            code = None
        if code is None:
            return "it stopped answering"
        if code > 128 and self.sandbox.kind != "none":
            code = 128 - code  # bwrap passes on a signal's death as 128 + its number
        if code < 0:
            try:
                return f"killed by {signal.Signals(-code).name}"
            except ValueError:
                return f"killed by signal {-code}"
        return f"exit code {code}"

    async def _watch(self):
        # The cgroup (where there is one) and RLIMIT_AS are the first lines; a
        # submission that raises its own RLIMIT_AS or spreads over processes is
        # caught here, by the resident size of all the sandbox's processes. And
        # the socket folder, bound from the grader's disk, is kept to its sockets:
        # it must not fill the disk the grader, its classmates and the next
        # kernels write to.
        root = self.km.provisioner.pid
        page = os.sysconf("SC_PAGE_SIZE")
        while True:
            await asyncio.sleep(_MEMORY_WATCH_INTERVAL)
            if not within_limits(self.sandbox.ipc, IPC_FOLDER_BYTES, _IPC_FOLDER_ENTRIES):
                self.over_disk = True
                break
            if not self.memory_limit:
                continue
            self.near_limit = not self.has_headroom()
            resident = 0
            for pid in self.sandbox.processes(root):
                try:
                    resident += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * page
                except (OSError, ValueError, IndexError):
                    continue
            if resident > self.memory_limit * 2**20:
                self.over_memory = True
                break
        await self.km.signal_kernel(signal.SIGKILL)
        await asyncio.to_thread(self.sandbox.close)

    async def stop(self):
        """Stop the kernel and everything in its sandbox."""
        if self.watch is not None:
            self.watch.cancel()
            self.watch = None
        if self.client.kc is not None:
            self.client.kc.stop_channels()
            self.client.kc = None
        if self.km.has_kernel:
            try:
                await self.km.shutdown_kernel(now=True)
            except Exception as exc:  # already gone; nothing left to stop
                _kernel_log.debug("stopping a kernel: %s", exc)
        # Whatever the kernel started (setsid, double forks) goes with it.
        await asyncio.to_thread(self.sandbox.close)
        self.context.destroy(linger=0)


