"""Where a graded notebook's processor time goes, phase by phase, in CPU seconds.

Each solution notebook is graded once as a student's file, sandbox on, by one
:class:`~coursekit.grading.pool.KernelPool` of one for them all, as a batch
grades them: each kernel is started ahead and timed on its own. Twice: with
kernels forked into their sandboxes, and started afresh (``--no-fork``).
Processor time (user and system, from /proc) is counted for the kernel's
processes and for this grading process, per phase:

- ``start``: a kernel started ahead (sandbox, Python, the grader's shim, the
  course's common modules), in its sandbox; the fork server's own time (its
  imports, once per grading process) is printed apart;
- ``set-up cell``: the notebook's first code cell (its imports), in the kernel;
- ``cells``: every other cell of the notebook, in the kernel;
- ``collect``: the grader's calls of each answer on the cases, in the kernel;
- ``grader``: this process from the kernel handed out to the grade (sending
  cells, reading every message the kernel sends, judging the answers, and
  starting the next kernel's sandbox);
- ``stop``: the kernel stopped and its sandbox removed, this process.

Processor time is less sensitive than wall time to a machine shared with
other work, so this is what the closing notes of issue 24 compare.
``python benchmarks/grading_profile.py`` prints the table.
"""

import asyncio
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

try:
    from common import entry
except ImportError:
    from .common import entry

from coursekit.grading.api import (
    GradeSettings, KernelView, choose_sandbox, grade_submission, pool_for, preload,
    private_folder, read_submission,
)

ROOT = Path(__file__).resolve().parents[1]
TICK = os.sysconf("SC_CLK_TCK")
PHASES = ("start", "set-up cell", "cells", "collect", "grader", "stop")


def _own_cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _kernel_cpu(session):
    """Processor seconds used so far by the processes of ``session``'s sandbox."""
    total = 0
    if session.km.provisioner is None:
        return 0.0
    for pid in session.sandbox.processes(session.km.provisioner.pid):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICK


def _metered(session, phases):
    """Add each cell's and each collection's processor time in ``session``'s kernel to
    ``phases``, and the stop's in this process."""
    run, stop = session.run, session.stop
    first = [True]

    async def metered_run(source, **options):
        kernel = _kernel_cpu(session)
        result = await run(source, **options)
        phase = ("collect" if "coursekit.checks.shim" in source
                 else "set-up cell" if first[0] else "cells")
        first[0] = first[0] and phase == "collect"
        phases[phase] += _kernel_cpu(session) - kernel
        return result

    async def metered_stop():
        own = _own_cpu()
        await stop()
        phases["stop"] += _own_cpu() - own

    session.run, session.stop = metered_run, metered_stop


def _server_cpu(pool):
    """Processor seconds of ``pool``'s fork server and what it forked outside the sandboxes."""
    pid = None if pool.forks is None else pool.forks.pid
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(value) for value in fields[11:15]) / TICK  # its own, and its children's


async def _profile_one(pool, path):
    """The phases of grading ``path`` with a kernel of ``pool`` (processor seconds)."""
    phases = dict.fromkeys(PHASES, 0.0)
    submission = read_submission(path)
    [(session, problem)] = await pool.ahead()
    if problem:
        raise RuntimeError(f"{path.name}: {problem}")
    phases["start"] = _kernel_cpu(session)
    _metered(session, phases)
    start, own = time.perf_counter(), _own_cpu()
    grade = await grade_submission(submission, pool=pool)
    phases["wall"] = time.perf_counter() - start
    phases["grader"] = _own_cpu() - own
    if grade.status != "ok" or grade.total != grade.max_total:
        raise RuntimeError(f"{path.name}: {grade.status} {grade.total}/{grade.max_total}")
    return phases


def profile(paths, fork=True):
    """Processor seconds per phase of each notebook in ``paths``, its wall time, and the
    fork server's processor seconds (0 with ``fork=False``)."""
    kind = choose_sandbox("auto")
    view = KernelView.create(private_folder()) if kind == "bwrap" else None
    preload()

    async def all_of_them():
        # One pool for all, as a batch has: each kernel starts ahead (on its own
        # processor time), while the submission before it is graded.
        pool = pool_for(GradeSettings(pool=1, sandbox=kind, figures=False, fork=fork), view)
        pool.expect([read_submission(path).notebook for path in paths])
        try:
            table = {path.stem: await _profile_one(pool, path) for path in paths}
            return table, _server_cpu(pool)
        finally:
            await pool.close()

    try:
        return asyncio.run(all_of_them())
    finally:
        if view is not None:
            view.remove()


def _print(title, table, server):
    print(f"  {title}")
    print(f"  {'notebook':<26}" + "".join(f"{phase:>12}" for phase in (*PHASES, "wall")))
    for name, phases in table.items():
        print(f"  {name:<26}" + "".join(f"{phases[phase]:12.2f}" for phase in
                                         (*PHASES, "wall")))
    sums = {phase: sum(row[phase] for row in table.values()) for phase in (*PHASES, "wall")}
    print(f"  {'all':<26}" + "".join(f"{sums[phase]:12.2f}" for phase in (*PHASES, "wall")))
    print(f"  the fork server, once per grading process: {server:.2f}")
    return sums


def run():
    load = os.getloadavg()[0]
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        paths = []
        for source in sorted((ROOT / "solutions").glob("*.ipynb")):
            paths.append(Path(scratch) / source.name)
            shutil.copy(source, paths[-1])
        # 06's judges refit the search's models once per grading process: paid here, so
        # that neither table below pays it.
        profile([path for path in paths if path.stem.startswith("06")], fork=False)
        for fork, title in ((True, "kernels forked into their sandboxes"),
                            (False, "kernels started afresh (--no-fork)")):
            sums = _print(title, *profile(paths, fork))
            label = "forked" if fork else "afresh"
            results += [entry(f"grading profile, all solutions, {label}: {phase} (CPU s)",
                              round(sums[phase], 2), None, "s", True) for phase in PHASES]
    print(f"  processor seconds, except wall; load average {load:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after")
    return results


if __name__ == "__main__":
    run()
