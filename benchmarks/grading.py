"""Grading 20 submissions built from the solutions: `coursekit grade --jobs 1` and
`--jobs 2`, against plain `jupyter nbconvert --execute` of the same 20 files.

All three run one after another in this one run, on fresh copies, with the same
one-BLAS-thread kernels (`coursekit.execute.KERNEL_ENV`).
"""

import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

try:
    from common import entry
except ImportError:
    from .common import entry

from coursekit.execute import kernel_environment

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
COUNT = 20
OVERHEAD_TARGET = 1.3
SPEEDUP_TARGET = 1.6


def make_submissions(folder, count=COUNT):
    """``count`` copies of the solutions, round robin, as students' files."""
    folder.mkdir(parents=True)
    solutions = sorted((ROOT / "solutions").glob("*.ipynb"))
    for number, source in zip(range(count), itertools.cycle(solutions)):
        shutil.copy(source, folder / f"student{number:02d}_{source.name}")
    return folder


def timed(command, cwd):
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=kernel_environment(),
                            capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"{command[:3]} failed:\n{result.stderr[-2000:]}")
    return seconds


def run():
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        times = {}
        plain = make_submissions(scratch / "plain")
        times["nbconvert"] = timed(
            [str(BIN / "jupyter"), "nbconvert", "--to", "notebook", "--execute",
             "--output-dir", str(scratch / "executed"), *map(str, sorted(plain.iterdir()))],
            cwd=scratch)
        for jobs in (1, 2):
            submissions = make_submissions(scratch / f"jobs{jobs}")
            out = scratch / f"grades{jobs}.csv"
            times[f"jobs{jobs}"] = timed(
                [str(BIN / "coursekit"), "grade", str(submissions), "--out", str(out),
                 "--jobs", str(jobs)], cwd=scratch)
            graded = out.read_text().splitlines()[1:]
            full = sum(row.count(",ok,") for row in graded)
            if full != COUNT:
                raise RuntimeError(f"--jobs {jobs}: only {full} of {COUNT} rows are ok")
    for name, seconds in times.items():
        print(f"  {name:<10} {seconds:6.1f} s for {COUNT} submissions")
    overhead = times["jobs1"] / times["nbconvert"]
    speedup = times["jobs1"] / times["jobs2"]
    return [
        entry(f"grading {COUNT} submissions, --jobs 1", round(times["jobs1"], 1), "-", "s", True),
        entry("grading overhead (--jobs 1 / nbconvert --execute)", round(overhead, 2),
              f"<= {OVERHEAD_TARGET}", "x", overhead <= OVERHEAD_TARGET),
        entry("grading speed-up (--jobs 2 vs --jobs 1)", round(speedup, 2),
              f">= {SPEEDUP_TARGET}", "x", speedup >= SPEEDUP_TARGET),
    ]


if __name__ == "__main__":
    print(f"{os.cpu_count()} cores")
    for row in run():
        print(row)
