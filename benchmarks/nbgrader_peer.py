"""The same class graded by real nbgrader and by ``coursekit grade``, in turns.

One nbgrader course is built as an instructor would (``coursekit export nbgrader``,
then ``nbgrader generate_assignment``); ``STUDENTS`` students hand in every notebook
of ``STEMS``: half of them the solutions (full marks), half the release versions
untouched (no marks). Then, ``ROUNDS`` times, in turns (A B A B), a fresh copy of
the course is autograded by ``nbgrader autograde`` and the same submitted files by
``coursekit grade --jobs 2`` (sandboxed, secret cases). Both must give every
student the same total, or the benchmark fails. Each side's best round counts;
the load average is printed with every round, since it moves both.

Variables: ``COURSEKIT_BENCH_PEER_ROUNDS`` (default 2), ``COURSEKIT_BENCH_PEER_STUDENTS``
(default 4).
"""

import csv
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

from coursekit.threads import kernel_environment

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
#: The notebooks of the class: the ones without a long fit (05 and 06 take 20 s each).
STEMS = ("01_random_baseline", "02_average_image", "03_mlp_from_scratch",
         "04_mlp_scikit_learn", "07_weight_visualization")
ROUNDS = int(os.environ.get("COURSEKIT_BENCH_PEER_ROUNDS", "2"))
STUDENTS = int(os.environ.get("COURSEKIT_BENCH_PEER_STUDENTS", "4"))
TARGET = 3.0


def environment(scratch):
    # nbgrader runs alembic from PATH; no user configuration may change what it does.
    return {**kernel_environment(), "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "JUPYTER_CONFIG_DIR": str(scratch / "jupyter-config")}


def run_command(command, cwd, env):
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, command[:3]))} failed:\n"
                           f"{(result.stdout + result.stderr)[-3000:]}")
    return seconds


def build_course(scratch, env):
    """The course folder with every student's submissions; returns its path."""
    course = scratch / "course"
    (scratch / "jupyter-config").mkdir()
    run_command([BIN / "coursekit", "export", "nbgrader", course,
                 "--solutions", ROOT / "solutions"], scratch, env)
    for stem in os.listdir(course / "source"):
        if stem not in STEMS:
            shutil.rmtree(course / "source" / stem)
    run_command([BIN / "nbgrader", "generate_assignment", "*"], course, env)
    for number in range(STUDENTS):
        folder = "source" if number % 2 == 0 else "release"
        for stem in STEMS:
            target = course / "submitted" / f"student{number:02d}" / stem
            target.mkdir(parents=True)
            shutil.copy(course / folder / stem / f"{stem}.ipynb", target)
    return course


def nbgrader_totals(course):
    from nbgrader.api import Gradebook

    totals = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for number in range(STUDENTS):
            student = f"student{number:02d}"
            totals[student] = sum(gradebook.find_submission(stem, student).score
                                  for stem in STEMS)
    return totals


def coursekit_totals(grades):
    totals = {}
    with grades.open(encoding="utf-8", newline="") as stream:
        for row in csv.DictReader(stream):
            if row["status"] != "ok":
                raise RuntimeError(f"coursekit grade: {row['submission']} is {row['status']}")
            student = Path(row["submission"]).parts[-3]
            totals[student] = totals.get(student, 0) + float(row["total"])
    return totals


def one_round(scratch, course, number, env):
    """Seconds of nbgrader autograde and of coursekit grade on fresh copies."""
    theirs = scratch / f"nbgrader-{number}"
    shutil.copytree(course, theirs)
    load = os.getloadavg()[0]
    nbgrader_seconds = run_command([BIN / "nbgrader", "autograde", "*"], theirs, env)
    grades = scratch / f"grades-{number}.csv"
    coursekit_seconds = run_command(
        [BIN / "coursekit", "grade", course / "submitted", "--out", grades, "--jobs", "2"],
        scratch, env)
    expected, got = nbgrader_totals(theirs), coursekit_totals(grades)
    if got != expected:
        raise RuntimeError(f"the two graders disagree: nbgrader {expected}, coursekit {got}")
    print(f"  round {number + 1}: nbgrader autograde {nbgrader_seconds:6.1f} s, "
          f"coursekit grade --jobs 2 {coursekit_seconds:6.1f} s "
          f"(load {load:.1f} before, {os.getloadavg()[0]:.1f} after)", flush=True)
    return nbgrader_seconds, coursekit_seconds


def run():
    notebooks = STUDENTS * len(STEMS)
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        env = environment(scratch)
        course = build_course(scratch, env)
        rounds = [one_round(scratch, course, number, env) for number in range(ROUNDS)]
    nbgrader_best = min(theirs for theirs, _ in rounds)
    coursekit_best = min(ours for _, ours in rounds)
    ratio = nbgrader_best / coursekit_best
    return [
        entry(f"nbgrader autograde, {notebooks} notebooks (best of {ROUNDS})",
              round(nbgrader_best, 1), "-", "s", True),
        entry(f"coursekit grade --jobs 2, the same {notebooks} notebooks (best of {ROUNDS})",
              round(coursekit_best, 1), "-", "s", True),
        entry("coursekit grade's speed over nbgrader autograde (nbgrader / coursekit)",
              round(ratio, 2), f">= {TARGET}", "x", ratio >= TARGET),
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
