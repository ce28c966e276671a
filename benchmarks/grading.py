"""Grading the solutions as students' files, sandbox on, against plain execution.

Side by side in one run, on fresh copies of the same ``COUNT`` files, with the
same one-BLAS-thread kernels (``coursekit.threads.kernel_environment``):
``jupyter nbconvert --execute``, ``coursekit grade --jobs 1`` in bubblewrap (the
default: one kernel started ahead in the pool), the same without the pool
(``--pool 0``), the same with ``--sandbox none``, and ``--jobs 2`` in bubblewrap
(right after ``--jobs 1``, so that the two see the same machine). Every graded
row must be ``ok`` with full marks. ``COURSEKIT_BENCH_GRADING_COUNT`` sets
``COUNT`` (default 14: each solution twice).

Beside each run's wall time, its processor time (the grader, its sandboxes and
kernels: every process it started and waited for) and the load average before
it. ``--jobs 1`` already uses the second core (the pool forks the next kernel
there, and the grader judges there while the kernel runs on), which bounds
``--jobs 2`` over ``--jobs 1``; so does the machine: plain ``nbconvert
--execute`` of the same files as two streams side by side (longest first),
against one stream, says what two cores give the notebooks' own work here. How
busy ``--jobs 2`` keeps the processors (its processor time over its wall time
times the processors) says whether both cores grade to the end.
"""

import csv
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

try:
    from common import entry, run_counted
except ImportError:
    from .common import entry, run_counted

from coursekit.grading.schedule import expected_seconds
from coursekit.threads import kernel_environment

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
COUNT = int(os.environ.get("COURSEKIT_BENCH_GRADING_COUNT", "14"))
OVERHEAD_TARGET = 1.0
SPEEDUP_TARGET = 1.8
BUSY_TARGET = 0.9


def make_submissions(folder, count=COUNT):
    """``count`` copies of the solutions, round robin, as students' files."""
    folder.mkdir(parents=True)
    solutions = sorted((ROOT / "solutions").glob("*.ipynb"))
    for number, source in zip(range(count), itertools.cycle(solutions)):
        shutil.copy(source, folder / f"student{number:02d}_{source.name}")
    return folder


#: Processor seconds (None where no cgroup counts them) and load average before each
#: command :func:`timed` ran, by its name.
CPU, LOAD = {}, {}


def timed(command, cwd, name=None):
    """Wall seconds of ``command``; its processor time goes to :data:`CPU` under ``name``."""
    LOAD[name] = os.getloadavg()[0]
    seconds, CPU[name] = run_counted(command, cwd, kernel_environment())
    return seconds


def _seconds(cpu):
    return "   n/a" if cpu is None else f"{cpu:6.1f}"


def _grade(scratch, name, *options):
    submissions = make_submissions(scratch / name)
    out = scratch / f"{name}.csv"
    seconds = timed([str(BIN / "coursekit"), "grade", str(submissions), "--out", str(out),
                     *options], cwd=scratch, name=name)
    with out.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    full = sum(row["status"] == "ok" and row["total"] == row["max_total"] for row in rows)
    if full != COUNT:
        raise RuntimeError(f"{name}: only {full} of {COUNT} rows are ok with full marks")
    return seconds


def _two_streams(plain, scratch):
    """Wall seconds of ``nbconvert --execute`` on the files as two streams side by side,
    longest first, each file to the stream with less expected work: what two cores give
    plain execution of the same notebooks, with no grader (the ceiling of ``--jobs 2``
    over one stream)."""
    streams, expected = ([], []), [0, 0]
    files = sorted(plain.iterdir(), key=lambda path: -expected_seconds(_notebook(path)))
    for path in files:
        lighter = expected.index(min(expected))
        streams[lighter].append(path)
        expected[lighter] += expected_seconds(_notebook(path))
    LOAD["nbconvert x2"] = os.getloadavg()[0]
    start = time.perf_counter()
    processes = [subprocess.Popen(
        [str(BIN / "jupyter"), "nbconvert", "--to", "notebook", "--execute", "--output-dir",
         str(scratch / f"executed{number}"), *map(str, stream)], cwd=scratch,
        env=kernel_environment(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for number, stream in enumerate(streams)]
    if any(process.wait() for process in processes):
        raise RuntimeError("nbconvert --execute failed on a solution")
    CPU["nbconvert x2"] = None
    return time.perf_counter() - start


def _notebook(path):
    return path.stem.split("_", 1)[1]


def run():
    print(f"  load average before: {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        times = {}
        plain = make_submissions(scratch / "plain")
        times["nbconvert"] = timed(
            [str(BIN / "jupyter"), "nbconvert", "--to", "notebook", "--execute",
             "--output-dir", str(scratch / "executed"), *map(str, sorted(plain.iterdir()))],
            cwd=scratch, name="nbconvert")
        times["nbconvert x2"] = _two_streams(plain, scratch)
        times["jobs1"] = _grade(scratch, "jobs1", "--jobs", "1")
        times["jobs2"] = _grade(scratch, "jobs2", "--jobs", "2")
        times["jobs1-nopool"] = _grade(scratch, "jobs1-nopool", "--jobs", "1", "--pool", "0")
        times["jobs1-none"] = _grade(scratch, "jobs1-none", "--jobs", "1", "--sandbox", "none")
    for name, seconds in times.items():
        print(f"  {name:<12} {seconds:6.1f} s for {COUNT} submissions, "
              f"{seconds / COUNT:5.2f} s each; {_seconds(CPU[name])} processor s; "
              f"load average {LOAD[name]:.1f} before")
    print(f"  load average after: {os.getloadavg()[0]:.1f}")
    overhead = times["jobs1"] / times["nbconvert"]
    sandbox = times["jobs1"] / times["jobs1-none"]  # both with their pool
    speedup = times["jobs1"] / times["jobs2"]
    processors = len(os.sched_getaffinity(0))
    busy = CPU["jobs2"] / (times["jobs2"] * processors) if CPU["jobs2"] else 0
    ceiling = times["nbconvert"] / times["nbconvert x2"]
    print(f"  plain execution, two streams vs one: {ceiling:.2f}x ({times['nbconvert x2']:.1f} s "
          f"vs {times['nbconvert']:.1f} s): what two cores give the same notebooks here")
    print(f"  --jobs 2 vs --jobs 1: {speedup:.2f}x ({times['jobs2']:.1f} s vs "
          f"{times['jobs1']:.1f} s); vs --jobs 1 --pool 0: "
          f"{times['jobs1-nopool'] / times['jobs2']:.2f}x; --jobs 2 kept the {processors} "
          f"processors {busy:.0%} busy" + ("" if CPU["jobs2"] else " (not counted here)"))
    return [
        entry(f"grading {COUNT} submissions, --jobs 1, bubblewrap", round(times["jobs1"], 1),
              "-", "s", True),
        entry("seconds per submission, --jobs 1, bubblewrap, pool / no pool",
              f"{times['jobs1'] / COUNT:.2f} / {times['jobs1-nopool'] / COUNT:.2f}", "-", "s",
              True),
        entry("seconds per submission, nbconvert --execute",
              round(times["nbconvert"] / COUNT, 2), "-", "s", True),
        entry("grading without the pool (--pool 0 / nbconvert --execute)",
              round(times["jobs1-nopool"] / times["nbconvert"], 2), "-", "x", True),
        entry("grading overhead (--jobs 1 in bubblewrap / nbconvert --execute)",
              round(overhead, 2), f"<= {OVERHEAD_TARGET}", "x", overhead <= OVERHEAD_TARGET),
        entry("cost of the sandbox (bubblewrap / --sandbox none, --jobs 1)", round(sandbox, 2),
              "-", "x", True),
        entry("plain execution, two streams vs one (nbconvert --execute, same files)",
              round(ceiling, 2), "-", "x", True),
        entry("grading speed-up (--jobs 2 vs --jobs 1, bubblewrap)", round(speedup, 2),
              f">= {SPEEDUP_TARGET}", "x", speedup >= SPEEDUP_TARGET),
        entry("grading speed-up (--jobs 2 vs --jobs 1 --pool 0: one kernel at a time)",
              round(times["jobs1-nopool"] / times["jobs2"], 2), "-", "x", True),
        entry(f"processors kept busy by --jobs 2 (processor time / wall time x {processors})",
              f"{busy:.0%}", ">= 90%", "", busy >= BUSY_TARGET),
    ]


if __name__ == "__main__":
    print(f"{os.cpu_count()} cores")
    for row in run():
        print(row)
