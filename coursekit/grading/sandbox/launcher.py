"""The first process of every sandbox: it joins the cgroup, ties its life to the grader, execs.

bubblewrap's ``--die-with-parent`` asks Linux to kill the sandbox when its
parent, the grader, dies (``PR_SET_PDEATHSIG``); but bubblewrap asks only once
it runs, and jupyter_client starts every kernel in a session of its own, out of
the grader's process group. A grader killed in between (its process group
killed 0.02 s after its first sandbox appeared, in tests/test_gradebook_kill.py)
left that sandbox running for good, its parent gone before the request.

The launcher closes the gap: a few lines of Python's standard library, run in
an isolated interpreter, that join the cgroup, make the request themselves,
then check that the grader is still their parent (a request made after the
parent died names its successor instead) and only then exec bubblewrap: the
request holds across ``exec``, for bubblewrap and for what bubblewrap runs.
"""

import os

from .bubblewrap import INTERPRETER

#: The launcher's program: ``-I -S`` keeps the environment and site-packages out of it.
#: Arguments: the grader's pid, the ``cgroup.procs`` files to join, ``--``, the command.
SOURCE = """\
import ctypes, os, signal, sys
grader, *rest = sys.argv[1:]
split = rest.index("--")
for procs in rest[:split]:
    with open(procs, "w") as file:
        file.write(str(os.getpid()))
try:
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
except (OSError, AttributeError):
    pass
if os.getppid() != int(grader):
    os._exit(1)  # the grader died before the request: start nothing
os.execvp(rest[split + 1], rest[split + 1:])
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
