"""Where a submission's fixed cost goes, and the cluster's throughput with 1 and 2 workers.

Fixed cost, each the best of ``REPEAT`` runs in turn, sandbox on:

- ``process``: a cluster task's grading process up to its first kernel
  (Python, the grader's imports, :func:`~coursekit.grading.runner.preload`,
  the sandbox's view of coursekit);
- ``empty``: grading a notebook of one ``pass`` cell (sandbox and cgroup set
  up, kernel started, one cell, kernel stopped);
- ``imports``: the same with notebook 01's set-up cell (numpy, matplotlib,
  scikit-learn, coursekit), which every course notebook starts with;
- ``pool empty``, ``pool imports``: the same two, their kernel taken from a
  :class:`~coursekit.grading.pool.KernelPool` where it was started ahead (and
  imported the course's common modules) while nothing was timed: what a
  submission pays on the critical path when the submission before it gave
  its kernel time to start.

Cluster: ``COURSEKIT_BENCH_CLUSTER_COUNT`` copies of solution 01 (default 24)
graded with ``--scheduler`` on a local ``dask scheduler`` with one, then two,
``dask worker`` processes (one thread each), each worker pinned with
``taskset`` to a processor of its own, with everything it starts (its grading
process, the kernels, the pool's next kernel): machines of one core each, as
a cluster's workers are. The workers are started as docs/instructors.md says,
with coursekit's preload, which starts each one's grading process and fork
server before it joins (the seconds that takes are printed apart). Measured:
the wall clock of the whole ``coursekit grade`` run (the client's start and
each worker's first kernel included), and the steady rate once every worker
is warm, from Dask's task stream. Needs two processors and ``taskset``.
"""

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

import psutil

try:
    from common import entry, run_counted
except ImportError:
    from .common import entry, run_counted

from coursekit.threads import kernel_environment
from coursekit.grading.api import (
    GradeSettings, KernelView, choose_sandbox, grade_submission, pool_for, preload,
    private_folder, read_submission,
)

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
REPEAT = 3
COUNT = int(os.environ.get("COURSEKIT_BENCH_CLUSTER_COUNT", "24"))
SPEEDUP_TARGET = 1.8
STEM = "01_random_baseline"
PRELOAD = "coursekit.grading.backends.dask_preload"


def _setup_cell():
    notebook = nbformat.read(ROOT / "solutions" / f"{STEM}.ipynb", as_version=4)
    return next(cell.source for cell in notebook.cells if cell.cell_type == "code")


def _notebook(folder, name, source):
    notebook = nbformat.v4.new_notebook(metadata={"coursekit": {"notebook": STEM}},
                                        cells=[nbformat.v4.new_code_cell(source)])
    path = folder / f"{name}_{STEM}.ipynb"
    nbformat.write(notebook, path)
    return read_submission(path)


async def _pooled(submission, kind, view):
    """Seconds to grade ``submission`` with a kernel that was started ahead for it."""
    pool = pool_for(GradeSettings(pool=1, sandbox=kind), view)
    pool.expect([submission.notebook])
    try:
        await pool.ahead()  # started ahead, untimed: the submission before ran meanwhile
        start = time.perf_counter()
        grade = await grade_submission(submission, pool=pool)
        return time.perf_counter() - start, grade
    finally:
        await pool.close()


def fixed_costs(folder):
    kind = choose_sandbox("auto")
    view = KernelView.create(private_folder()) if kind == "bwrap" else None
    preload()
    submissions = {"empty": _notebook(folder, "empty", "pass"),
                   "imports": _notebook(folder, "imports", _setup_cell())}
    best = {name: float("inf") for name in ("process", *submissions,
                                             *(f"pool {name}" for name in submissions))}
    probe = ("import time; start = time.perf_counter(); "
             "from coursekit.grading import api; api.preload(); "
             "view = api.KernelView.create(api.private_folder()); view.remove()")
    try:
        for _ in range(REPEAT):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", probe], check=True, env=kernel_environment())
            best["process"] = min(best["process"], time.perf_counter() - start)
            for name, submission in submissions.items():
                start = time.perf_counter()
                grade = asyncio.run(grade_submission(submission, GradeSettings(sandbox=kind),
                                                     view=view))
                best[name] = min(best[name], time.perf_counter() - start)
                if grade.status != "ok":
                    raise RuntimeError(f"{name}: {grade.status} ({grade.reason})")
                seconds, grade = asyncio.run(_pooled(submission, kind, view))
                best[f"pool {name}"] = min(best[f"pool {name}"], seconds)
                if grade.status != "ok":
                    raise RuntimeError(f"pool {name}: {grade.status} ({grade.reason})")
    finally:
        if view is not None:
            view.remove()
    return best


def _start(command, log):
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log,
                            start_new_session=True)


def steady_rate(tasks):
    """Submissions per second once every worker is warm: each worker's tasks after its
    first (which pays its grading process's start and a cold kernel), summed."""
    by_worker = {}
    for task in tasks:
        by_worker.setdefault(task["worker"], []).append(task["startstops"][0]["stop"])
    rate = 0.0
    for stops in by_worker.values():
        stops.sort()
        if len(stops) > 1:
            rate += (len(stops) - 1) / (stops[-1] - stops[0])
    return rate


def processors():
    """The processors the workers are pinned to, one each (this process's own)."""
    return sorted(os.sched_getaffinity(0))


def cluster_seconds(folder, workers, *options):
    """Seconds to grade ``COUNT`` copies of solution 01 on ``workers`` local workers, each
    pinned to a processor of its own; the steady rate (:func:`steady_rate`); the
    seconds from the workers' start to their joining, grading processes ready; and the
    processor seconds the client and the scheduler used meanwhile, on the same
    processors (a cluster's client runs elsewhere)."""
    name = f"{workers}{''.join(options).replace(' ', '').replace('-', '')}"
    subs = folder / f"subs{name}"
    subs.mkdir()
    for number in range(COUNT):
        shutil.copy(ROOT / "solutions" / f"{STEM}.ipynb", subs / f"s{number:02d}_{STEM}.ipynb")
    scheduler_file = folder / f"scheduler{name}.json"
    common = ["--no-dashboard", "--scheduler-file", str(scheduler_file)]
    log = (folder / f"cluster{name}.log").open("w")
    processes = [_start([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0",
                         *common], log)]
    try:
        while not scheduler_file.exists():
            time.sleep(0.2)
        address = json.loads(scheduler_file.read_text())["address"]
        from distributed import Client, get_task_stream

        with Client(address, timeout=60) as client:
            started = time.perf_counter()
            processes += [_start(["taskset", "--cpu-list", str(cpu), str(BIN / "dask"),
                                  "worker", "--nthreads", "1", "--host", "127.0.0.1",
                                  "--preload", PRELOAD, *common], log)
                          for cpu in processors()[:workers]]
            client.wait_for_workers(workers, timeout=300)
            joined = time.perf_counter() - started
            out = folder / f"cluster{name}.csv"
            scheduler = psutil.Process(processes[0].pid)
            before = sum(scheduler.cpu_times()[:2])
            with get_task_stream(client) as stream:
                seconds, client_cpu = run_counted(
                    [str(BIN / "coursekit"), "grade", str(subs), "--out", str(out),
                     "--scheduler", address, *options], folder, kernel_environment())
            beside = (client_cpu or 0) + sum(scheduler.cpu_times()[:2]) - before
        return seconds, steady_rate(stream.data), joined, beside
    finally:
        for process in reversed(processes):
            os.killpg(process.pid, signal.SIGTERM)
        for process in reversed(processes):
            process.wait(timeout=60)
        log.close()


def run():
    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        costs = fixed_costs(scratch)
        for name, seconds in costs.items():
            print(f"  fixed cost {name:<12} {seconds:5.2f} s", flush=True)
        rows = [
            entry("grading: cluster task's process before its kernel (s)",
                  round(costs["process"], 2), None, "s", True),
            entry("grading: one-cell notebook, sandbox + kernel start/stop, no pool (s)",
                  round(costs["empty"], 2), None, "s", True),
            entry("grading: the course's set-up cell (imports) on top, no pool (s)",
                  round(costs["imports"] - costs["empty"], 2), None, "s", True),
            entry("grading: one-cell notebook, kernel started ahead in the pool (s)",
                  round(costs["pool empty"], 2), None, "s", True),
            entry("grading: the course's set-up cell on top, pool (modules imported ahead) (s)",
                  round(costs["pool imports"] - costs["pool empty"], 2), None, "s", True),
        ]
        if len(processors()) < 2 or shutil.which("taskset") is None:
            print("  cluster: skipped (two processors and taskset needed to pin two workers)")
            return rows
        print(f"  load average before the cluster runs: {os.getloadavg()[0]:.1f}", flush=True)
        (one, rate1, joined1, beside1), (two, rate2, joined2, beside2) = (
            cluster_seconds(scratch, 1), cluster_seconds(scratch, 2))
    print(f"  cluster, workers started with the preload: joined after {joined1:.1f} s (1) and "
          f"{joined2:.1f} s (2), grading processes and fork servers ready")
    print(f"  cluster, the client and the scheduler on the same two processors: "
          f"{beside1:.1f} and {beside2:.1f} processor s during the runs on 1 and 2 workers")
    print(f"  cluster, workers pinned to a processor each: {COUNT} submissions in {one:.1f} s "
          f"on 1 worker, {two:.1f} s on 2: {one / two:.2f}x")
    print(f"  cluster, warm: {rate1:.2f} and {rate2:.2f} submissions/s on 1 and 2 workers: "
          f"{rate2 / rate1:.2f}x")
    print(f"  load average before: {load[0]:.1f}, after: {os.getloadavg()[0]:.1f}")
    return rows + [
        entry(f"grading: cluster, 2 pinned workers vs 1, {COUNT} submissions (whole runs)",
              round(one / two, 2), f">= {SPEEDUP_TARGET}", "x", one / two >= SPEEDUP_TARGET),
        entry("grading: cluster, 2 pinned workers vs 1 (warm workers)",
              round(rate2 / rate1, 2), None, "x", True),
    ]
