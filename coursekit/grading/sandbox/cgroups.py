"""cgroups: one per sandbox, capping its memory and processes, and killing all of them.

Memory and process counts are capped for the whole sandbox by a cgroup when
the machine lets the grader create one (cgroup v1 ``memory`` and ``pids``
controllers, or v2); otherwise the kernel's own limits (``RLIMIT_AS``,
``RLIMIT_NPROC``) and a watch on the resident size of all its processes remain.
"""

import os
import secrets
import shlex
import signal
import time
from pathlib import Path

#: Where the machine's cgroups are.
ROOT = Path("/sys/fs/cgroup")
#: Every sandbox's cgroup is named ``<PREFIX><grader's pid>-<random>``.
PREFIX = "coursekit-grade-"


class Cgroup:
    """A cgroup holding every process of one sandbox: memory and process caps, and a kill."""

    def __init__(self, folders, version):
        self.folders, self.version = folders, version

    @classmethod
    def create(cls, memory_bytes, processes):
        """A fresh cgroup with these caps (0: none), or None where the machine allows none."""
        # Named for the grader's process, so that whatever outlives it can be told apart.
        name = f"{PREFIX}{os.getpid()}-{secrets.token_hex(6)}"
        root = ROOT
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


def remove_stale_cgroups():
    """Remove the empty cgroups of graders that are gone (killed with their worker).

    A grader removes its sandbox's cgroup when done; one killed (SIGKILL, with
    its worker) cannot. Its name carries its grader's pid
    (``coursekit-grade-<pid>-...``): the ones of dead graders are removed here
    when empty (a cgroup with a process in it cannot be removed).
    """
    for folder in [*ROOT.glob(f"{PREFIX}*"), *ROOT.glob(f"*/{PREFIX}*")]:
        try:
            owner = int(folder.name.split("-")[2])
            os.kill(owner, 0)
        except ProcessLookupError:
            try:
                folder.rmdir()
            except OSError:
                pass
        except (ValueError, IndexError, PermissionError):
            continue
