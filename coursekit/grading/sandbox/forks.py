"""Kernels forked into their sandboxes by a process that has made their imports once.

A kernel started fresh spends about two processor seconds importing what every
course notebook imports (ipykernel, scikit-learn, matplotlib, the grader's shim)
before the submission's first cell. :class:`ForkServer` starts one process, the
fork server (:mod:`.forkserver`), that makes those imports once; each kernel is
then a fork of it that enters a sandbox of its own, for a few hundredths of a
second.

The sandbox is bubblewrap's as before, with one change: its first process is
:data:`STUB` (``--as-pid-1``), which waits for the kernel and ends as it ends.
Once the stub runs (bubblewrap has built the whole sandbox), the grader opens a
pidfd of it and hands it to the fork server, which forks the kernel into all its
namespaces and its cgroup (:mod:`.forkserver` says how). The kernel is then the
sandbox's PID 3, the stub's child, and everything that ends a sandbox (the
launcher, the cgroup's kill, the grader's death) ends it as before.
"""

import asyncio
import json
import os
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from .bubblewrap import INTERPRETER, bwrap_command

#: The sandbox's first process: the kernel comes into its PID namespace as PID 3 from
#: the fork server (through PID 2, which ends at once) and is reparented to it; it ends
#: as the kernel ends (its exit code, or 128 + the signal that killed it, as bubblewrap's
#: own first process reports). With no handler of its own (Python's for SIGINT put back),
#: no process of the sandbox can signal it.
STUB = """\
import os, signal, time
signal.signal(signal.SIGINT, signal.SIG_DFL)
while True:
    try:
        pid, status = os.wait()
    except ChildProcessError:
        time.sleep(0.005)
        continue
    if pid == 3:
        code = os.waitstatus_to_exitcode(status)
        os._exit(code if code >= 0 else 128 - code)
"""
#: The stub's command; ``-I -S`` keeps the environment and site-packages out of it.
STUB_COMMAND = [INTERPRETER, "-I", "-S", "-c", STUB]
#: The fork server's program.
PROGRAM = Path(__file__).resolve().parent / "forkserver.py"
#: Seconds the fork server may take to import (a loaded machine's first imports).
START_TIMEOUT = 120
#: Seconds to wait for a sandbox's stub to run, and for a fork to be answered.
FORK_TIMEOUT = 60
_POLL = 0.005


class ForkServerError(RuntimeError):
    """The fork server did not start, or stopped."""


def _cmdline(pid):
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[:-1]
    except OSError:
        return None


def _find_stub(candidates):
    """The stub among the processes ``candidates()`` lists, once it runs; else None."""
    return next((pid for pid in candidates() if _is_stub(pid)), None)


def _is_stub(pid):
    """Whether ``pid`` is a sandbox's stub: its command, as PID 1 of a PID namespace."""
    command = _cmdline(pid)  # the kernel manager appends its arguments: the stub ignores them
    if command is None or command[:len(STUB_COMMAND)] != [os.fsencode(p) for p in STUB_COMMAND]:
        return False
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    spaces = next((line.split()[1:] for line in status.splitlines()
                   if line.startswith("NSpid:")), [])
    return len(spaces) == 2 and spaces[-1] == "1"


class ForkServer:
    """The grader's fork server: kernels forked into their sandboxes with the imports done.

    Parameters
    ----------
    environment : dict of str to str
        What the server imports with (the kernels' environment: their thread
        counts, matplotlib's backend and folder: one outside the kernels' home,
        which the server, outside every sandbox, would make); each kernel is
        sent its own.
    modules : sequence of str
        What to import once for all the kernels.

    Raises
    ------
    ForkServerError
        If the server's process does not start.

    Notes
    -----
    The server ends when the thread that made this object ends
    (``PR_SET_PDEATHSIG``, which follows the thread, not the process): make it in
    a thread that lives as long as the server is needed. :meth:`ready`, which
    waits for its imports, may be called in another.
    """

    def __init__(self, environment, modules):
        grader_end, server_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._socket = grader_end
        try:
            self._process = subprocess.Popen(
                [INTERPRETER, str(PROGRAM), str(server_end.fileno()), *modules],
                env=environment, pass_fds=(server_end.fileno(),), cwd="/",
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE)
        except OSError as exc:
            grader_end.close()
            raise ForkServerError(f"the fork server did not start ({exc})") from None
        finally:
            server_end.close()
        self._lock = asyncio.Lock()

    def ready(self):
        """Wait until the server has made its imports, and probe it.

        Raises
        ------
        ForkServerError
            If the server stopped, a module it imports started a thread, or a
            kernel forked into a sandbox with nothing in it did not come back out
            with every capability dropped (the probe each new server makes). The
            server is stopped then.
        """
        self._socket.settimeout(START_TIMEOUT)
        try:
            ready = self._socket.recv(64)
        except OSError as exc:
            self.close()
            self._process.stderr.close()
            raise ForkServerError(f"the fork server did not answer ({exc})") from None
        if ready != b"ready\n":
            self.close()
            with self._process.stderr:
                error = self._process.stderr.read().decode(errors="replace").strip()[-500:]
            raise ForkServerError(f"the fork server did not start: {error or 'no reason given'}")
        self._process.stderr.close()
        self._socket.settimeout(FORK_TIMEOUT)
        with tempfile.TemporaryDirectory(prefix="coursekit-fork-probe-") as folder:
            problem = self._probe(folder)
        if problem:
            self.close()
            raise ForkServerError(f"kernels cannot be forked into sandboxes here: {problem}")

    async def fork_kernel(self, launcher, candidates, *, join, arguments, environment, cwd):
        """Fork a kernel into the sandbox that ``launcher`` started; return a problem or "".

        Parameters
        ----------
        launcher : int
            The process id of the sandbox's launcher (the kernel manager's process).
        candidates : callable
            Lists the processes that may be the sandbox's stub (its cgroup's, or
            the launcher's descendants).
        join : sequence of path-like
            The ``cgroup.procs`` files of the sandbox's cgroup.
        arguments : list of str
            The kernel's arguments (``-f CONNECTION_FILE`` ...).
        environment : dict of str to str
            The kernel's environment.
        cwd : str
            Its working folder, inside the sandbox.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + FORK_TIMEOUT
        while (stub := _find_stub(candidates)) is None:
            if loop.time() > deadline or not Path(f"/proc/{launcher}").exists():
                return "its sandbox did not start"
            await asyncio.sleep(_POLL)
        request = {"join": [str(path) for path in join], "arguments": list(arguments),
                   "env": dict(environment), "cwd": cwd}
        async with self._lock:
            return await loop.run_in_executor(None, self._fork, stub, request)

    def _probe(self, folder):
        """Fork into a sandbox with nothing in it and back out: whether forking works here."""
        from . import tree_pids

        command = bwrap_command(STUB_COMMAND, ipc=str(folder), view_arguments=[], as_pid_1=True)
        box = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + FORK_TIMEOUT
            while (stub := _find_stub(lambda: tree_pids(box.pid)[1:])) is None:
                if time.monotonic() > deadline or box.poll() is not None:
                    return "a sandbox for it did not start"
                time.sleep(_POLL)
            problem = self._fork(stub, {"join": [], "arguments": [], "env": {}, "cwd": "/",
                                        "probe": True})
            if problem:
                return problem
            code = box.wait(timeout=FORK_TIMEOUT)
        except subprocess.TimeoutExpired:
            return "a kernel forked into a sandbox did not end"
        finally:
            if box.poll() is None:
                box.kill()
                box.wait()
        return "" if code == 0 else f"a kernel forked into a sandbox ended with code {code}"

    def _fork(self, stub, request):
        try:
            pidfd = os.pidfd_open(stub)
        except OSError:
            return "its sandbox ended before the kernel came"
        try:
            # Checked again once the pidfd holds it: the process id cannot be another's now.
            if not _is_stub(stub):
                return "its sandbox ended before the kernel came"
            socket.send_fds(self._socket, [json.dumps(request).encode()], [pidfd])
            reply = self._socket.recv(4096)
        except OSError as exc:
            return f"the fork server did not answer ({exc})"
        finally:
            os.close(pidfd)
        if not reply:
            return "the fork server stopped"
        return reply.decode(errors="replace").strip()

    @property
    def pid(self):
        """The server's process id."""
        return self._process.pid

    def alive(self):
        """Whether the server still runs."""
        return self._process.poll() is None

    def kill(self):
        """Kill the server now, even while it imports: :meth:`ready`, if waiting, then
        raises :class:`ForkServerError`; :meth:`close` still cleans up."""
        self._process.kill()

    def close(self):
        """Stop the server (closing its socket ends it)."""
        self._socket.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
