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
import sys
import tempfile
from pathlib import Path

try:
    from common import entry, run_counted
except ImportError:
    from .common import entry, run_counted

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
    """Wall seconds of ``command`` (its processor seconds: :func:`common.run_counted`)."""
    return run_counted(command, cwd, env)[0]


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
    """Wall and processor seconds of nbgrader autograde and of coursekit grade, fresh copies."""
    theirs = scratch / f"nbgrader-{number}"
    shutil.copytree(course, theirs)
    load = os.getloadavg()[0]
    nbgrader = run_counted([BIN / "nbgrader", "autograde", "*"], theirs, env)
    grades = scratch / f"grades-{number}.csv"
    coursekit = run_counted(
        [BIN / "coursekit", "grade", course / "submitted", "--out", grades, "--jobs", "2"],
        scratch, env)
    expected, got = nbgrader_totals(theirs), coursekit_totals(grades)
    if got != expected:
        raise RuntimeError(f"the two graders disagree: nbgrader {expected}, coursekit {got}")
    print(f"  round {number + 1}: nbgrader autograde {_both(nbgrader)}, "
          f"coursekit grade --jobs 2 {_both(coursekit)} "
          f"(load {load:.1f} before, {os.getloadavg()[0]:.1f} after)", flush=True)
    return nbgrader, coursekit


def _both(seconds):
    wall, cpu = seconds
    return f"{wall:6.1f} s" + ("" if cpu is None else f" ({cpu:.1f} processor s)")


def run():
    notebooks = STUDENTS * len(STEMS)
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        env = environment(scratch)
        course = build_course(scratch, env)
        rounds = [one_round(scratch, course, number, env) for number in range(ROUNDS)]
    nbgrader_best = min(theirs[0] for theirs, _ in rounds)
    coursekit_best = min(ours[0] for _, ours in rounds)
    ratio = nbgrader_best / coursekit_best
    rows = [
        entry(f"nbgrader autograde, {notebooks} notebooks (best of {ROUNDS})",
              round(nbgrader_best, 1), "-", "s", True),
        entry(f"coursekit grade --jobs 2, the same {notebooks} notebooks (best of {ROUNDS})",
              round(coursekit_best, 1), "-", "s", True),
        entry("coursekit grade's speed over nbgrader autograde (nbgrader / coursekit)",
              round(ratio, 2), f">= {TARGET}", "x", ratio >= TARGET),
    ]
    if all(cpu is not None for pair in rounds for _, cpu in pair):
        # The work each does, which a busy machine inflates least (least of the rounds).
        work = (min(theirs[1] for theirs, _ in rounds) / min(ours[1] for _, ours in rounds))
        rows.append(entry("processor time, nbgrader autograde / coursekit grade",
                          round(work, 2), "-", "x", True))
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
