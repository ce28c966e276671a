"""The fork server: one process with the kernels' imports done, forking each into its sandbox.

Run by :class:`.forks.ForkServer` as a script (``python forkserver.py MODULE ...``),
never imported by a kernel: it imports the standard library, then the modules
named (what every kernel imports before the submission's first cell: ipykernel,
the grader's shim, the course's common modules), and waits for requests on a
Unix socket shared with the grader alone (its descriptor is the first argument).
For each request (a pidfd of a sandbox's first process, the files that put a
process in the sandbox's cgroup, and the kernel's arguments and environment):

- the *entrant* joins the cgroup, closes every file it inherited, enters all the
  sandbox's namespaces at once (``setns`` on the pidfd: user, mount, PID, IPC,
  UTS, network, cgroup), and forks a process in the sandbox's PID namespace (its
  PID 2), which forks the kernel (PID 3); both end at once;
- the *kernel* is reparented to the sandbox's first process, which waits for it
  (:data:`.forks.STUB`). Before anything else it drops every capability (the
  bounding and ambient sets too) and sets ``no_new_privs``, as bubblewrap does
  for the processes it starts, and checks that none is left; then it leaves the
  server's session, reopens its standard streams on the sandbox's ``/dev/null``,
  takes the environment it was sent, draws fresh random seeds, and becomes an
  IPython kernel, as ``python -m coursekit.checks.shim`` would have.

The server runs no code of a submission's and receives nothing from a kernel:
what it holds in memory is what every kernel imports anyway. Why this is as
isolated as a kernel started fresh in the sandbox: docs/grading-security.md
("Kernels forked from a process with the imports done").
"""

import ctypes
import gc
import json
import os
import signal
import socket
import sys

# The script's own folder (the grader's sandbox package) is no kernel's business.
if sys.path and os.path.dirname(os.path.abspath(__file__)) == os.path.abspath(sys.path[0]):
    del sys.path[0]

#: Exit codes of the entrant, by the step that failed.
ENTRANT_FAILED = {10: "joining the sandbox's cgroup", 11: "entering the sandbox's namespaces",
                  12: "forking the kernel"}
#: The kernel's exit code when its capabilities could not all be dropped.
CAPABILITIES_LEFT = 70

_CLONE_NAMESPACES = (0x10000000 | 0x00020000 | 0x20000000 | 0x08000000 | 0x04000000
                     | 0x40000000 | 0x02000000)  # user, mount, PID, IPC, UTS, network, cgroup
_PR_CAPBSET_DROP, _PR_SET_NO_NEW_PRIVS, _PR_CAP_AMBIENT = 24, 38, 47
_PR_CAP_AMBIENT_CLEAR_ALL, _PR_SET_PDEATHSIG = 4, 1
_CAPABILITY_VERSION_3 = 0x20080522
_libc = ctypes.CDLL(None, use_errno=True)
#: The server's environment before its imports.
_STARTED_WITH = {}


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


def _call(result):
    if result != 0:
        number = ctypes.get_errno()
        raise OSError(number, os.strerror(number))


def drop_capabilities():
    """Drop every capability this process has, can get back, or can pass on; then check."""
    last = int(open("/proc/sys/kernel/cap_last_cap").read())
    _call(_libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
    _call(_libc.prctl(_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0))
    for number in range(last + 1):
        _call(_libc.prctl(_PR_CAPBSET_DROP, number, 0, 0, 0))
    _call(_libc.capset(ctypes.byref(_CapHeader(_CAPABILITY_VERSION_3, 0)), (_CapData * 2)()))
    with open("/proc/self/status") as status:
        fields = dict(line.split(":", 1) for line in status if ":" in line)
    for name in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"):
        if int(fields[name], 16):
            raise OSError(f"{name} is not empty")
    if int(fields["NoNewPrivs"]) != 1:
        raise OSError("no_new_privs is not set")


def _enter(request, pidfd):
    """In the entrant: join the sandbox; return in the kernel, exit in the entrant."""
    step = 10
    try:
        for procs in request["join"]:
            with open(procs, "w") as file:
                file.write(str(os.getpid()))
        step = 11
        os.closerange(0, pidfd)
        os.closerange(pidfd + 1, os.sysconf("SC_OPEN_MAX"))
        _call(_libc.setns(pidfd, _CLONE_NAMESPACES))
        os.close(pidfd)
        step = 12
        # The kernel's parent must be in the sandbox's PID namespace for the kernel to be
        # reparented to the sandbox's first process, not to this one's reaper: a process
        # forked here (the sandbox's PID 2) forks the kernel (its PID 3), and ends.
        middle = os.fork()
        if middle == 0:
            if os.fork() == 0:
                return request
            os._exit(0)
        os._exit(0 if os.waitstatus_to_exitcode(os.waitpid(middle, 0)[1]) == 0 else step)
    except BaseException:
        os._exit(step)


def serve(server):
    """Answer the grader's requests until it closes the socket; return in a kernel only."""
    while True:
        try:
            data, fds, _, _ = socket.recv_fds(server, 2**20, 1)
        except ConnectionError:
            return None
        if not data:
            return None
        request = json.loads(data)
        if len(fds) != 1:
            for fd in fds:
                os.close(fd)
            server.sendall(b"no sandbox was sent\n")
            continue
        pid = os.fork()
        if pid == 0:
            server.detach()  # its descriptor is closed with the rest, never by this object
            return _enter(request, fds[0])
        os.close(fds[0])
        code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        server.sendall((ENTRANT_FAILED.get(code, f"exit code {code}") if code else "").encode()
                       + b"\n")


def become_kernel(request):
    """In the kernel: drop everything the server had, then run as the sandbox's kernel."""
    try:
        drop_capabilities()
    except BaseException:
        os._exit(CAPABILITIES_LEFT)
    if request.get("probe"):
        os._exit(0)  # the server's probe: entered, and every capability dropped
    os.setsid()
    null = os.open("/dev/null", os.O_RDWR)  # descriptor 0: the entrant closed them all
    for fd in (0, 1, 2):
        if fd != null:
            os.dup2(null, fd)
    # The environment sent, with what the server's imports added to theirs (scikit-learn's
    # KMP_ variables), and the working folder's PWD, as bubblewrap gives a fresh kernel.
    added = {name: value for name, value in os.environ.items() if name not in _STARTED_WITH}
    os.environ.clear()
    os.environ.update({**request["env"], **added, "PWD": request["cwd"]})
    os.chdir(request["cwd"])
    import random

    import numpy

    random.seed()  # drawn afresh, as a fresh interpreter does: no two kernels alike
    numpy.random.seed()
    from coursekit.checks import shim

    shim.run_in_process(request["arguments"])


def main(fd, modules):
    """Import ``modules``, check that nothing runs beside the server, then serve on ``fd``."""
    _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    _STARTED_WITH.update(os.environ)
    import importlib

    for name in modules:
        importlib.import_module(name)
    if len(os.listdir("/proc/self/task")) != 1:
        raise SystemExit("fork server: a module started a thread; forking would copy it half")
    # What was imported stays out of every kernel's garbage collections: they would walk
    # it all, and copy every page of it they touch.
    gc.collect()
    gc.freeze()
    server = socket.socket(fileno=fd)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)  # the grader reads errors only until the server is ready
    os.close(null)
    server.sendall(b"ready\n")
    request = serve(server)
    if request is None:
        return
    become_kernel(request)


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2:])
