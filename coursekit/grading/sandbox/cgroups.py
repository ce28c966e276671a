"""cgroups: one per sandbox, capping its memory, processes and CPU, and killing all of them.

Memory and process counts are capped for the whole sandbox by a cgroup when
the machine lets the grader create one (cgroup v1 ``memory`` and ``pids``
controllers, or v2); otherwise the kernel's own limits (``RLIMIT_AS``,
``RLIMIT_NPROC``) and a watch on the resident size of all its processes remain.
Its CPU time is capped too where a CPU controller is available (v1 ``cpu``, or
``cpu`` delegated in v2); where none is, the grader says so once per run.
"""

import functools
import os
import secrets
import signal
import sys
import time
from pathlib import Path

from .launcher import launch_command

#: Where the machine's cgroups are.
ROOT = Path("/sys/fs/cgroup")
#: Every sandbox's cgroup is named ``<PREFIX><grader's pid>-<random>``.
PREFIX = "coursekit-grade-"
#: Processors' worth of time one sandbox may use at once, however many processes it runs.
DEFAULT_CPU_LIMIT = 1.0
#: The period (microseconds) over which the CPU cap is counted.
CPU_PERIOD_US = 100_000


class Cgroup:
    """A cgroup holding every process of one sandbox: memory, process and CPU caps, and a kill.

    Attributes
    ----------
    cpu_limited : bool
        Whether the CPU cap holds: the machine has a CPU controller the grader
        may use (cgroup v1 ``cpu``, or ``cpu`` enabled for the grader's cgroup
        in v2). Without one, the sandbox's processes compete for the processors
        like any others: a submission running many busy processes slows its
        classmates (the grader says so on stderr, once per run).
    """

    def __init__(self, folders, version):
        self.folders, self.version = folders, version
        self.cpu_limited = False

    @classmethod
    def create(cls, memory_bytes, processes, cpus=0):
        """A fresh cgroup with these caps (0: none), or None where the machine allows none.

        ``cpus`` is the processors' worth of time its processes may use together
        (``1.5``: one and a half), whatever their number, threads or sessions.
        """
        # Named for the grader's process, so that whatever outlives it can be told apart.
        name = f"{PREFIX}{os.getpid()}-{secrets.token_hex(6)}"
        root = ROOT
        try:
            if (root / "cgroup.controllers").exists():
                group = cls._create_v2(root, name, memory_bytes, processes)
            else:
                group = cls._create_v1(root, name, memory_bytes, processes)
        except OSError:
            return None
        if group is not None and cpus:
            group._limit_cpu(root, name, cpus)
        return group

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

    def _limit_cpu(self, root, name, cpus):
        quota = max(1000, round(cpus * CPU_PERIOD_US))
        try:
            if self.version == 1:
                if not os.access(root / "cpu", os.W_OK):
                    return
                folder = root / "cpu" / name
                folder.mkdir()
                self.folders.append(folder)
                (folder / "cpu.cfs_period_us").write_text(str(CPU_PERIOD_US))
                (folder / "cpu.cfs_quota_us").write_text(str(quota))
            elif "cpu" in (self.folders[0] / "cgroup.controllers").read_text().split():
                (self.folders[0] / "cpu.max").write_text(f"{quota} {CPU_PERIOD_US}")
            else:
                return
        except OSError:
            return
        self.cpu_limited = True

    def join_command(self, argv):
        """``argv`` run in this cgroup, and killed with the grader (:mod:`.launcher`)."""
        return launch_command(argv, join=[folder / "cgroup.procs" for folder in self.folders])

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


@functools.cache
def warn_no_cpu_cap():
    """Say once per run that kernels are not held to their CPU share here."""
    print("coursekit grade: WARNING: no CPU controller this grader may use (cgroup v1 `cpu`, "
          "or `cpu` delegated in v2): kernels are not held to --cpu-limit, and a submission "
          "running many busy processes slows the ones graded beside it. Grade with --jobs 1 "
          "there, or give the grader a cgroup with the cpu controller.", file=sys.stderr,
          flush=True)


def remove_stale_cgroups():
    """Remove the cgroups of graders that are gone (killed), with whatever still runs in them.

    A grader removes its sandbox's cgroup when done; one killed (SIGKILL, with
    its worker) cannot. Its name carries its grader's pid
    (``coursekit-grade-<pid>-...``): the ones of dead graders are removed here.
    A sandbox whose launcher was killed with its grader (the launcher ends its
    sandbox when the grader dies, but nothing can when both die at once) can
    outlive them: only sandboxes are ever put in these cgroups, so what is left
    in one is killed first.
    """
    stale = {}
    for folder in [*ROOT.glob(f"{PREFIX}*"), *ROOT.glob(f"*/{PREFIX}*")]:
        try:
            owner = int(folder.name.split("-")[2])
            os.kill(owner, 0)
        except ProcessLookupError:
            stale.setdefault(folder.name, []).append(folder)
        except (ValueError, IndexError, PermissionError):
            continue
    version = 2 if (ROOT / "cgroup.controllers").exists() else 1
    for folders in stale.values():
        Cgroup(folders, version).close()
