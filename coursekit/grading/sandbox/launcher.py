"""The first process of every sandbox: it starts bubblewrap, and ends all of it with the grader.

bubblewrap's ``--die-with-parent`` asks Linux to kill the sandbox when its
parent dies (``PR_SET_PDEATHSIG``), but it asks late twice over: the outer
bubblewrap only once it runs, and its sandbox side (the first process in the
new PID namespace, which takes the whole sandbox with it when it dies) only
once the sandbox is set up. jupyter_client starts every kernel in a session of
its own, out of the grader's process group, so a grader killed in either gap
left a sandbox running for good (``tests/test_gradebook_kill.py`` kills the
grader's process group 0 to 1.5 s after its first sandbox appears, and found one
in 4 of 15 kills in the first 0.15 s).

The launcher does not depend on either request. A few lines of Python's
standard library, run in an isolated interpreter, it makes itself the
*subreaper* of what it starts, asks for a catchable signal when the grader dies,
checks that the grader is still its parent (a request made after the parent
died names its successor instead), and only then starts bubblewrap as its child,
in the cgroup. When the grader goes, or asks it to end with ``SIGTERM``, it
kills bubblewrap and then every process that comes to it (the sandbox side
bubblewrap left behind is reparented to its subreaper, not to init), until it
has no child left. When bubblewrap ends by itself, the launcher ends the same
way: its exit code or signal is bubblewrap's. It stays outside the cgroup, so
the sandbox's memory and process caps count the sandbox alone.
"""

import os

from .bubblewrap import INTERPRETER

#: The launcher's program: ``-I -S`` keeps the environment and site-packages out of it.
#: Arguments: the grader's pid, the ``cgroup.procs`` files to join, ``--``, the command.
SOURCE = """\
import ctypes, os, signal, sys
grader, *rest = sys.argv[1:]
split = rest.index("--")
joins, argv = rest[:split], rest[split + 1:]
prctl = ctypes.CDLL(None, use_errno=True).prctl
PR_SET_PDEATHSIG, PR_SET_CHILD_SUBREAPER = 1, 36
ENDS = (signal.SIGTERM, signal.SIGHUP)

class Gone(Exception):
    pass

def gone(signum, frame):
    raise Gone

def children():
    me, found = os.getpid(), []
    for name in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{name}/stat") as file:
                stat = file.read()
        except OSError:  # not a process, or gone meanwhile
            continue
        if int(stat[stat.rfind(")") + 2:].split()[1]) == me:
            found.append(int(name))
    return found

def end_all():
    for number in ENDS:
        signal.signal(number, signal.SIG_IGN)
    while True:  # orphans of bubblewrap's come to the subreaper as bubblewrap dies
        for pid in children():
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return

def end_as(code):
    if code < 0:
        if -code != signal.SIGKILL:  # the one signal with no handler to reset
            signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    os._exit(code if code >= 0 else 128 - code)

for number in ENDS:
    signal.signal(number, gone)
signal.signal(signal.SIGINT, signal.SIG_IGN)  # the kernel's process group gets it too
try:
    prctl(PR_SET_CHILD_SUBREAPER, 1)
    prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != int(grader):
        os._exit(1)  # the grader died before the request: start nothing
    launcher = os.getpid()
    pid = os.fork()
    if pid == 0:
        try:
            for number in (*ENDS, signal.SIGINT):
                signal.signal(number, signal.SIG_DFL)
            for procs in joins:
                with open(procs, "w") as file:
                    file.write(str(os.getpid()))
            prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # a launcher killed outright
            if os.getppid() == launcher:
                os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    end_all()
    end_as(code)
except Gone:
    end_all()
    end_as(-signal.SIGTERM)
"""


def launch_command(argv, join=()):
    """``argv`` run by the launcher, as a child of this process, after joining ``join``.

    Parameters
    ----------
    argv : sequence of str
        The command, bubblewrap's for a kernel.
    join : sequence of path-like
        The ``cgroup.procs`` files of the cgroup the command is to run in.

    Examples
    --------
    >>> command = launch_command(["true"])
    >>> command[1:3], command[-2:]
    (['-I', '-S'], ['--', 'true'])
    """
    return [INTERPRETER, "-I", "-S", "-c", SOURCE, str(os.getpid()),
            *map(str, join), "--", *argv]
