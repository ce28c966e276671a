"""The OS sandbox every submission's kernel runs in: bubblewrap, and cgroups where allowed.

bubblewrap (``bwrap``, the sandbox Flatpak uses) gives each kernel its own
user, PID, IPC, UTS and network namespaces, drops every capability, and builds
its file system from read-only binds of the system and the Python environment,
a private tmpfs home, and the one folder (outside) where its connection file
and ZMQ ``ipc`` sockets live. It dies with its grader (``--die-with-parent``),
and everything it starts dies with it: they share its PID namespace.

Memory and process counts are capped for the whole sandbox by a cgroup when
the machine lets the grader create one (cgroup v1 ``memory`` and ``pids``
controllers, or v2); otherwise the kernel's own limits (``RLIMIT_AS``,
``RLIMIT_NPROC``) and a watch on the resident size of all its processes remain.

The kernel sees coursekit through :class:`KernelView`: all of it but the trusted
package, coursekit/judging (cases, references, judges), and, for the notebooks
whose exercises they answer, the reference modules; in their place it finds a
stand-in that says why. Nothing is rewritten: the view is bind mounts only.
"""

import functools
import os
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import coursekit

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

#: coursekit modules holding the reference answers of exercises, and the last
#: notebook whose kernel may not see them: notebook 03 builds ``nn`` itself.
REFERENCE_MODULES = {"nn": "03_mlp_from_scratch"}
#: The package a graded kernel never sees: every exercise's cases, references and judges.
TRUSTED_PACKAGE = "judging"
#: What a graded kernel finds instead of a module it may not see (shipped beside this one).
STAND_IN = Path(__file__).resolve().with_name("withheld.py")

# Files of /etc a Python kernel needs; the rest (shadow, the machine's secrets) stay out.
_ETC = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "alternatives", "fonts", "localtime",
        "timezone", "passwd", "group", "nsswitch.conf", "mime.types", "ssl", "matplotlibrc")
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


@functools.cache
def bwrap_problem():
    """Why bubblewrap cannot run a sandbox here; empty when it can."""
    path = shutil.which("bwrap")
    if path is None:
        return "the bwrap command is not installed"
    command = [path, *_namespace_arguments(), *_system_arguments(), "--", sys.executable,
               "-c", "pass"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"bwrap did not run ({exc})"
    if result.returncode != 0:
        return f"bwrap failed: {result.stderr.strip()[-300:] or result.returncode}"
    return ""


def _namespace_arguments():
    return ["--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-net",
            "--unshare-uts", "--unshare-cgroup-try", "--die-with-parent", "--new-session",
            "--cap-drop", "ALL"]


def _system_arguments():
    """Read-only binds of the system and the Python environment, at their own paths."""
    # The private /tmp first: a checkout (and its venv) under /tmp is bound on top of it,
    # not hidden by it.
    arguments = ["--proc", "/proc", "--dev", "/dev",
                 "--size", str(HOME_MEGABYTES * 2**20), "--tmpfs", "/tmp"]
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
                Path(sys.executable).resolve().parent.parent}
    for prefix in sorted(prefixes):
        if not str(prefix).startswith(("/usr/", "/bin/", "/lib")) and prefix.is_dir():
            arguments += ["--ro-bind", str(prefix), str(prefix)]
    if Path(sys.prefix) != Path(sys.prefix).resolve():  # a venv reached through a symlink
        arguments += ["--ro-bind", sys.prefix, sys.prefix]
    return arguments


# ---------------------------------------------------------------- what the kernel sees

def _package_dir():
    return Path(coursekit.__file__).resolve().parent


@functools.cache
def kernel_view():
    """This process's :class:`KernelView`."""
    return KernelView()


class KernelView:
    """The coursekit a submission's kernel sees: all of it but the trusted code.

    The package is bound read-only. Over coursekit/judging goes an empty
    read-only folder holding one file, :data:`STAND_IN` as its ``__init__.py``:
    the judges cannot be listed or read (their compiled copies went with the
    folder), and importing the package or any module of it fails with a reason
    (an empty folder alone would import, as an empty namespace package). For
    the notebooks up to the one :data:`REFERENCE_MODULES` names, the stand-in
    is bound over the reference module too, and ``/dev/null`` over its compiled
    copies. Nothing is written or rewritten, so a new exercise, judge or
    notebook needs no change here: its judge is in coursekit/judging.

    Parameters
    ----------
    package : path-like, optional
        The coursekit package folder to show; by default the one imported.

    Examples
    --------
    >>> view = KernelView()
    >>> "--remount-ro" in view.arguments("01_random_baseline", ["01_random_baseline"])
    True
    """

    def __init__(self, package=None):
        self.package = Path(package) if package is not None else _package_dir()

    @classmethod
    def create(cls):
        """The view of the imported package (what the grader's callers ask for)."""
        return cls()

    def remove(self):
        """Nothing to remove: the view is bind mounts only; kept for callers that own one."""

    def arguments(self, notebook, order):
        """bwrap arguments that give the kernel this view for ``notebook``.

        ``order`` is the course's notebooks in order: a reference module is
        hidden from the notebooks up to the last one it answers.
        """
        package = str(self.package)
        trusted = f"{package}/{TRUSTED_PACKAGE}"
        arguments = ["--ro-bind", package, package,
                     "--tmpfs", trusted, "--ro-bind", str(STAND_IN), f"{trusted}/__init__.py",
                     "--remount-ro", trusted]
        for module, last in REFERENCE_MODULES.items():
            position = order.index(last) if last in order else -1
            if notebook in order and order.index(notebook) <= position:
                arguments += ["--ro-bind", str(STAND_IN), f"{package}/{module}.py"]
                # A compiled copy of the real module would bring it back.
                for compiled in sorted(self.package.glob(f"__pycache__/{module}.*")):
                    arguments += ["--ro-bind", "/dev/null", str(compiled)]
        return arguments


# ---------------------------------------------------------------- cgroups

class Cgroup:
    """A cgroup holding every process of one sandbox: memory and process caps, and a kill."""

    def __init__(self, folders, version):
        self.folders, self.version = folders, version

    @classmethod
    def create(cls, memory_bytes, processes):
        """A fresh cgroup with these caps (0: none), or None where the machine allows none."""
        # Named for the grader's process, so that whatever outlives it can be told apart.
        name = f"coursekit-grade-{os.getpid()}-{secrets.token_hex(6)}"
        root = Path("/sys/fs/cgroup")
        try:
            if (root / "cgroup.controllers").exists():
                return cls._create_v2(root, name, memory_bytes, processes)
            return cls._create_v1(root, name, memory_bytes, processes)
        except OSError:
            return None

    @classmethod
    def _create_v1(cls, root, name, memory_bytes, processes):
        memory, pids = root / "memory" / name, root / "pids" / name
        if not (os.access(root / "memory", os.W_OK) and os.access(root / "pids", os.W_OK)):
            return None
        memory.mkdir()
        group = cls([memory], 1)
        try:
            pids.mkdir()
            group.folders.append(pids)
            if memory_bytes:
                (memory / "memory.limit_in_bytes").write_text(str(memory_bytes))
            (pids / "pids.max").write_text(str(processes) if processes else "max")
        except OSError:
            group.close()
            raise
        return group

    @classmethod
    def _create_v2(cls, root, name, memory_bytes, processes):
        line = next((line for line in Path("/proc/self/cgroup").read_text().splitlines()
                     if line.startswith("0::")), None)
        if line is None:
            return None
        parent = root / line[3:].lstrip("/")
        if not os.access(parent, os.W_OK):
            return None
        folder = parent / name
        folder.mkdir()
        group = cls([folder], 2)
        try:
            if memory_bytes:
                (folder / "memory.max").write_text(str(memory_bytes))
            (folder / "pids.max").write_text(str(processes) if processes else "max")
            if (folder / "memory.swap.max").exists():
                (folder / "memory.swap.max").write_text("0")
        except OSError:
            group.close()
            raise
        return group

    def join_command(self, argv):
        """``argv`` run by a shell that first moves itself into this cgroup."""
        joins = " && ".join(f"echo $$ > {shlex.quote(str(folder / 'cgroup.procs'))}"
                            for folder in self.folders)
        return ["/bin/sh", "-c", f'{joins} && exec "$@"', "sh", *argv]

    def processes(self):
        try:
            text = (self.folders[0] / "cgroup.procs").read_text()
        except OSError:
            return []
        return [int(pid) for pid in text.split()]

    def out_of_memory(self):
        """Whether the kernel's OOM killer acted in this cgroup."""
        name = "memory.oom_control" if self.version == 1 else "memory.events"
        try:
            text = (self.folders[0] / name).read_text()
        except OSError:
            return False
        counts = dict(line.split()[:2] for line in text.splitlines() if len(line.split()) >= 2)
        return counts.get("oom_kill", "0") != "0"

    def kill(self):
        """SIGKILL every process in the cgroup, until none is left (a few seconds at most)."""
        deadline = time.monotonic() + 5
        while (pids := self.processes()) and time.monotonic() < deadline:
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.05)

    def close(self):
        self.kill()
        for folder in reversed(self.folders):
            for _ in range(50):
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:  # the last processes are still being reaped
                    time.sleep(0.1)


# ---------------------------------------------------------------- one sandbox

def tree_pids(root):
    """``root`` and every process descended from it (read from /proc)."""
    children = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rfind(")") + 2:].split()
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


class Sandbox:
    """Where one submission's kernel runs.

    Parameters
    ----------
    kind : {"bwrap", "none"}
    private : Path
        The grader's folder for this submission; only ``private / "ipc"`` is
        seen by the kernel (at the same path).
    notebook : str
        The notebook the submission answers (which reference modules to hide).
    view : KernelView or None
        Needed for ``"bwrap"``.
    memory_limit : int
        Megabytes for the whole sandbox, 0 for none.
    process_limit : int
        Processes for the whole sandbox, 0 for none.
    """

    def __init__(self, kind, private, notebook, view, memory_limit, process_limit,
                 order=()):
        self.kind, self.private, self.notebook = kind, Path(private), notebook
        self.view, self.memory_limit, self.process_limit = view, memory_limit, process_limit
        self.order = list(order)
        self.ipc = self.private / "ipc"
        self.ipc.mkdir(mode=0o700)
        self.cgroup = None
        if kind == "bwrap":
            self.cgroup = Cgroup.create(memory_limit * 2**20, process_limit)

    @property
    def home(self):
        return Path(HOME) if self.kind == "bwrap" else self.private

    @property
    def work(self):
        return Path(WORK) if self.kind == "bwrap" else self.private / "work"

    def command(self, argv):
        """The command that runs ``argv`` (the kernel) in this sandbox."""
        if self.kind != "bwrap":
            return list(argv)
        ipc = str(self.ipc)
        command = [shutil.which("bwrap"), *_namespace_arguments(), *_system_arguments(),
                   "--size", str(HOME_MEGABYTES * 2**20), "--tmpfs", HOME,
                   "--dir", WORK, "--dir", f"{HOME}/tmp", *self.view.arguments(self.notebook, self.order),
                   "--bind", ipc, ipc, "--chdir", WORK, "--", *argv]
        return self.cgroup.join_command(command) if self.cgroup else command

    def processes(self, root):
        """Every process of the sandbox whose outer process is ``root``."""
        if self.cgroup is not None:
            return self.cgroup.processes()
        return tree_pids(root)

    def out_of_memory(self):
        return self.cgroup is not None and self.cgroup.out_of_memory()

    def close(self):
        """Kill whatever is left in the sandbox, and remove its cgroup."""
        if self.cgroup is not None:
            self.cgroup.close()
            self.cgroup = None
