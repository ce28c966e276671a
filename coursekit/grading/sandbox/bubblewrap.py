"""bubblewrap: the sandbox each kernel runs in, and whether it works here.

bubblewrap (``bwrap``, the sandbox Flatpak uses) gives each kernel its own
user, PID, IPC, UTS and network namespaces, drops every capability, and builds
its file system from read-only binds of the system and the Python environment,
a private tmpfs home, and the one folder (outside) where its connection file
and ZMQ ``ipc`` sockets live. It dies with its grader (``--die-with-parent``),
and everything it starts dies with it: they share its PID namespace.
"""

import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

#: The choices of ``--sandbox``.
SANDBOXES = ("auto", "bwrap", "none")
#: Processes (threads count) one sandbox may hold at once.
DEFAULT_PROCESS_LIMIT = 256
#: The kernel's home and working directory inside the sandbox (a tmpfs).
HOME = "/home/learner"
WORK = f"{HOME}/work"
#: Megabytes of each of the sandbox's tmpfs, its home and /tmp (files a notebook
#: writes; counted in its memory).
HOME_MEGABYTES = 512

# Files of /etc a Python kernel needs; the rest (shadow, the machine's secrets) stay out.
_ETC = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "alternatives", "fonts", "localtime",
        "timezone", "passwd", "group", "nsswitch.conf", "mime.types", "ssl", "matplotlibrc")


#: What of /proc a sandbox sees read-only: the kernel's settings, and the rest of what
#: bubblewrap itself covers.
_PROC_COVERED = ("sys", "sysrq-trigger", "irq", "bus")


class SandboxError(RuntimeError):
    """The sandbox asked for cannot run here."""


def choose(sandbox):
    """The sandbox to use for ``--sandbox``: ``"bwrap"`` or ``"none"``.

    Raises
    ------
    ValueError
        If ``sandbox`` is not one of :data:`SANDBOXES`.
    SandboxError
        If bubblewrap is asked for (or ``auto``) and does not work here.
    """
    if sandbox not in SANDBOXES:
        raise ValueError(f"sandbox must be one of {', '.join(SANDBOXES)}; got {sandbox!r}")
    if sandbox == "none":
        return "none"
    problem = bwrap_problem()
    if not problem:
        return "bwrap"
    if sandbox == "bwrap":
        raise SandboxError(f"sandbox: bubblewrap does not work here: {problem}")
    raise SandboxError(
        f"sandbox: no working sandbox ({problem}). Install bubblewrap (Debian/Ubuntu: "
        f"apt-get install bubblewrap), or grade with --sandbox none, which lets every "
        f"submission reach this machine's files as your user.")


#: This interpreter as the sandbox reaches it: ``..`` taken out of the path it was started
#: by (``tests/../.venv/bin/python``: ``tests`` is not in the sandbox), its symlinks kept
#: (a venv's python is one, and finds its venv through it).
INTERPRETER = os.path.abspath(sys.executable)


@functools.cache
def bwrap_problem():
    """Why bubblewrap cannot run a sandbox here; empty when it can."""
    path = shutil.which("bwrap")
    if path is None:
        return "the bwrap command is not installed"
    command = [path, *namespace_arguments(), *system_arguments(), "--", INTERPRETER,
               "-c", "pass"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"bwrap did not run ({exc})"
    if result.returncode != 0:
        return f"bwrap failed: {result.stderr.strip()[-300:] or result.returncode}"
    return ""


def namespace_arguments():
    """Namespaces, capabilities and lifetime: what every sandbox of the grader's unshares."""
    return ["--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-net",
            "--unshare-uts", "--unshare-cgroup-try", "--die-with-parent", "--new-session",
            "--cap-drop", "ALL"]


def system_arguments():
    """Read-only binds of the system and the Python environment, at their own paths."""
    # The private /tmp first: a checkout (and its venv) under /tmp is bound on top of it,
    # not hidden by it.
    arguments = ["--proc", "/proc"]
    # Run by root, the sandbox's user is root outside it too: with no capability it still
    # passes the owner checks of the kernel's settings (/proc/sys: core_pattern would run
    # a program of the sandbox's as the machine's root). bubblewrap covers these only
    # where they look writable to it; here they are covered, read-only, always.
    for name in _PROC_COVERED:
        arguments += ["--ro-bind-try", f"/proc/{name}", f"/proc/{name}"]
    arguments += ["--dev", "/dev", "--size", str(HOME_MEGABYTES * 2**20), "--tmpfs", "/tmp"]
    for name in ("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = Path("/", name)
        if path.is_symlink():
            arguments += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            arguments += ["--ro-bind", str(path), str(path)]
    for name in _ETC:
        path = Path("/etc", name)
        if path.exists():
            arguments += ["--ro-bind", str(path), str(path)]
    prefixes = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(),
                Path(INTERPRETER).resolve().parent.parent}
    for prefix in sorted(prefixes):
        if not str(prefix).startswith(("/usr/", "/bin/", "/lib")) and prefix.is_dir():
            arguments += ["--ro-bind", str(prefix), str(prefix)]
    if Path(sys.prefix) != Path(sys.prefix).resolve():  # a venv reached through a symlink
        arguments += ["--ro-bind", sys.prefix, sys.prefix]
    return arguments



def bwrap_command(argv, *, ipc, view_arguments, cases=None, as_pid_1=False):
    """bwrap running ``argv`` with a private home, the folder ``ipc`` and ``view_arguments``.

    Parameters
    ----------
    argv : list of str
        The kernel's command.
    ipc : str
        The one folder of the grader's the kernel may write to (its sockets).
    view_arguments : list of str
        What the kernel sees of coursekit (:meth:`.view.KernelView.arguments`).
    cases : str, optional
        A folder of the grader's the kernel may read, not write: the cases it is
        asked to collect answers on.
    as_pid_1 : bool, default=False
        Run ``argv`` as the sandbox's first process (bubblewrap's ``--as-pid-1``),
        the one its orphans come to: the stub a forked kernel is reparented to
        (:mod:`.forks`).

    Examples
    --------
    >>> command = bwrap_command(["python"], ipc="/tmp/x/ipc", view_arguments=[])
    >>> command[-2:], "--unshare-net" in command
    (['--', 'python'], True)
    """
    return [shutil.which("bwrap") or "bwrap", *namespace_arguments(), *system_arguments(),
            "--size", str(HOME_MEGABYTES * 2**20), "--tmpfs", HOME,
            "--dir", WORK, "--dir", f"{HOME}/tmp", *view_arguments,
            "--bind", ipc, ipc, *(["--ro-bind", cases, cases] if cases else []),
            "--chdir", WORK, *(["--as-pid-1"] if as_pid_1 else []), "--", *argv]
