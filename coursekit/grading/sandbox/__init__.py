"""The OS sandbox every submission's kernel runs in: bubblewrap, and cgroups where allowed.

bubblewrap      the sandbox itself, and whether it works here (:func:`choose`)
cgroups         memory and process caps for the whole sandbox, and a kill
forks           kernels forked into their sandboxes by a process with the imports done
launcher        the sandbox's first process: starts bubblewrap, ends all of it with the grader
view            what the kernel sees of coursekit (:class:`KernelView`)

:class:`Sandbox` puts the three together for one submission's kernel.
"""

import os
from pathlib import Path

from .bubblewrap import (
    DEFAULT_PROCESS_LIMIT, HOME, HOME_MEGABYTES, INTERPRETER, SANDBOXES, WORK, SandboxError,
    bwrap_command, bwrap_problem, choose, namespace_arguments, system_arguments,
)
from .cgroups import DEFAULT_CPU_LIMIT, Cgroup, remove_stale_cgroups, warn_no_cpu_cap
from .fonts import MATPLOTLIB_FOLDER
from .forks import STUB_COMMAND, ForkServer, ForkServerError
from .launcher import launch_command
from .view import REFERENCE_MODULES, STAND_IN, TRUSTED_PACKAGE, KernelView, kernel_view

__all__ = ["DEFAULT_CPU_LIMIT", "DEFAULT_PROCESS_LIMIT", "HOME", "HOME_MEGABYTES", "INTERPRETER",
           "STUB_COMMAND", "ForkServer", "ForkServerError",
           "MATPLOTLIB_FOLDER", "REFERENCE_MODULES", "SANDBOXES", "STAND_IN", "TRUSTED_PACKAGE",
           "WORK", "Cgroup", "KernelView", "Sandbox", "SandboxError", "bwrap_command",
           "bwrap_problem", "choose", "kernel_view", "namespace_arguments", "remove_stale_cgroups",
           "system_arguments", "tree_pids"]


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
    settings : coursekit.grading.settings.GradeSettings
        Its ``sandbox`` (``"bwrap"`` or ``"none"``, as chosen here), and its
        ``memory_limit`` (megabytes), ``process_limit`` and ``cpu_limit``
        (processors' worth of time) for the whole sandbox, 0 for none.
    private : Path
        The grader's folder for this submission; only ``private / "ipc"`` and,
        read-only, ``private / "cases"`` are seen by the kernel (at the same paths).
    notebook : str
        The notebook the submission answers (which reference modules to hide).
    view : KernelView or None
        Needed for ``"bwrap"``.
    order : sequence of str
        The course's notebooks in order (which reference modules each may see).

    Attributes
    ----------
    forks : ForkServer or None
        For ``"bwrap"``, set by the pool before the kernel starts: the server
        that forks the kernel into the sandbox (:mod:`.forks`); while None, the
        kernel starts afresh in it.
    """

    forks = None

    def __init__(self, settings, private, notebook, view, order=()):
        self.kind, self.private, self.notebook = settings.sandbox, Path(private), notebook
        self.view, self.memory_limit = view, settings.memory_limit
        self.process_limit = settings.process_limit
        self.order = list(order)
        self.ipc = self.private / "ipc"
        self.ipc.mkdir(mode=0o700)
        #: Where the grader writes the cases it asks the kernel to collect answers on
        #: (:meth:`coursekit.grading.answers.Request.source`); read-only to the kernel.
        self.cases = self.private / "cases"
        self.cases.mkdir(mode=0o700)
        self.cgroup = None
        if self.kind == "bwrap":
            self.cgroup = Cgroup.create(self.memory_limit * 2**20, self.process_limit,
                                        settings.cpu_limit)
            if settings.cpu_limit and not (self.cgroup and self.cgroup.cpu_limited):
                warn_no_cpu_cap()

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
        if self.forks is not None:  # the kernel comes from the fork server, with argv's arguments
            argv = STUB_COMMAND
        command = bwrap_command(argv, ipc=str(self.ipc), cases=str(self.cases),
                                view_arguments=self.view.arguments(self.notebook, self.order),
                                as_pid_1=self.forks is not None)
        return self.cgroup.join_command(command) if self.cgroup else launch_command(command)

    async def fork_kernel(self, launcher, arguments, environment):
        """Have the fork server fork the kernel into this sandbox; return a problem or ""."""
        join = [folder / "cgroup.procs" for folder in self.cgroup.folders] if self.cgroup else []
        return await self.forks.fork_kernel(launcher, lambda: self.processes(launcher),
                                            join=join, arguments=arguments,
                                            environment=environment, cwd=WORK)

    def processes(self, root):
        """Every process of the sandbox whose outer process is ``root``."""
        if self.cgroup is not None:
            return self.cgroup.processes()
        pids = tree_pids(root)
        return pids[1:] if self.kind == "bwrap" else pids  # the launcher is not the sandbox

    def out_of_memory(self):
        return self.cgroup is not None and self.cgroup.out_of_memory()

    def close(self):
        """Kill whatever is left in the sandbox, and remove its cgroup."""
        if self.cgroup is not None:
            self.cgroup.close()
            self.cgroup = None
