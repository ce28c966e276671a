"""The gradebook through nbgrader's real exchange: release, fetch, submit, collect, resubmit.

Two students fetch notebook 01 from the exchange and submit it; ann submits a
half-done notebook on time, then all of it after the due time. Each round is
collected by nbgrader and graded by ``coursekit grade`` into one gradebook: it
must hold both of ann's attempts, count the late one with its penalty, write
Canvas's import with the right points for the right students, and a regrade of
ann's first attempt (its file long replaced by nbgrader's collect) must give its
verdict again and change nothing in the export. Skipped without nbgrader,
except under CI.
"""

import csv
import subprocess
import time
from datetime import timedelta

import nbformat
import pytest

from coursekit import checks
from coursekit.grading.deadlines import read_nbgrader_timestamp
from coursekit.grading.store import Store
from test_nbgrader import (
    BATCH_TIMEOUT, BIN, ROOT, STUDENTS, nbgrader, nbgrader_course, require_nbgrader, run_environment,
    submission,
)

STEM = "01_random_baseline"
COURSE = "digits"
ROSTER = ("Student,ID,SIS User ID,SIS Login ID,Section\n"
          '"Lee, Ann",1001,S-1,ann,Mon\n"Roe, Bob",1002,S-2,bob,Tue\n"Doe, Cy",1003,S-3,cy,Tue\n')


def exchange_options(root):
    return [f"--Exchange.root={root / 'exchange'}", f"--CourseDirectory.course_id={COURSE}"]


def as_student(root, user, *args):
    home = root / "home" / user
    home.mkdir(parents=True, exist_ok=True)
    env = {**run_environment(root), "USER": user, "LOGNAME": user, "HOME": str(home)}
    done = subprocess.run([str(BIN / "nbgrader"), *args, *exchange_options(root)], cwd=home,
                          env=env, capture_output=True, text=True, timeout=BATCH_TIMEOUT)
    assert done.returncode == 0, done.stdout + done.stderr
    return home


def hand_in(root, user, answers):
    """Fetch (once), answer, and submit notebook 01 as ``user``."""
    home = root / "home" / user
    if not (home / STEM).exists():
        as_student(root, user, "fetch_assignment", STEM)
    path = home / STEM / f"{STEM}.ipynb"
    release = nbformat.read(root / "course" / "release" / STEM / f"{STEM}.ipynb", as_version=4)
    source = nbformat.read(root / "course" / "source" / STEM / f"{STEM}.ipynb", as_version=4)
    nbformat.write(submission(STEM, answers, release, source), path)
    # On a hub nbgrader names the student by their account; here every student is root.
    as_student(root, user, "submit", STEM, f"--CourseDirectory.student_id={user}")


def instructor(root, *args):
    done = nbgrader(root, *args, *exchange_options(root))
    assert done.returncode == 0, done.stdout + done.stderr


def coursekit(root, *args):
    return subprocess.run([str(BIN / "coursekit"), *args], cwd=root, env=run_environment(root),
                          capture_output=True, text=True, timeout=BATCH_TIMEOUT)


def grade(root):
    done = coursekit(root, "grade", "course", "--out", "grades.csv", "--due-dates", "due.toml",
                     "--roster", "roster.csv", "--export", "canvas.csv", "--export-format",
                     "canvas", "--missing", "zero", "--jobs", "2")
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as stream:
        return list(csv.reader(stream))


@pytest.fixture(scope="module")
def term(tmp_path_factory):
    require_nbgrader()
    root = tmp_path_factory.mktemp("exchange")
    (root / "jupyter-config").mkdir()
    (root / "exchange").mkdir()
    (root / "roster.csv").write_text(ROSTER, encoding="utf-8")
    nbgrader_course(root / "course", ROOT / "solutions")
    instructor(root, "generate_assignment", STEM)
    instructor(root, "release_assignment", STEM)

    halfway, everything = STUDENTS["halfway"][STEM], STUDENTS["solver"][STEM]
    hand_in(root, "ann", halfway)
    hand_in(root, "bob", everything)
    instructor(root, "collect", STEM)
    due = max(read_nbgrader_timestamp(root / "course" / "submitted" / user / STEM /
                                      "timestamp.txt") for user in ("ann", "bob"))
    due += timedelta(seconds=1)  # both on time; ann's second submission comes after
    (root / "due.toml").write_text(f'[due]\n{STEM} = {due.isoformat()}\n'
                                   f'[late]\npolicy = "10%/hour"\n', encoding="utf-8")
    first = grade(root)
    first_export = (root / "canvas.csv").read_bytes()

    time.sleep(1.5)
    hand_in(root, "ann", everything)
    instructor(root, "collect", "--update", STEM)
    second = grade(root)
    return {"root": root, "due": due, "first": first, "first_export": first_export,
            "second": second}


def test_the_gradebook_keeps_both_of_ann_s_attempts_with_nbgrader_s_times(term):
    with Store(term["root"] / "grades.db") as store:
        ann = store.attempts(student="ann")
        assert len(ann) == 2 and len(store.attempts(student="bob")) == 1
        early, late = ann
        assert early.file == late.file  # nbgrader's collect replaced the file in place
        assert early.time_source == late.time_source == "nbgrader timestamp.txt"
        assert early.submitted_at < term["due"] < late.submitted_at
        assert early.assignment == STEM and early.notebook == STEM
        assert store.current(early.id).total == 3 and store.current(late.id).total == 4


def test_canvas_s_import_has_the_late_attempt_with_its_penalty_for_the_right_students(term):
    possible = sum(e.points for e in checks.exercises_for(STEM))
    assert read_csv(term["root"] / "canvas.csv") == [
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", STEM],
        ["Points Possible", "", "", "", "", str(possible)],
        ["Lee, Ann", "1001", "S-1", "ann", "Mon", "3.6"],  # 4 points, an hour begun late
        ["Roe, Bob", "1002", "S-2", "bob", "Tue", "4"],
        ["Doe, Cy", "1003", "S-3", "cy", "Tue", "0"],     # nothing handed in: --missing zero
    ]
    first = list(csv.reader(term["first_export"].decode().splitlines()))
    assert first[2][-1] == "3"  # before the resubmission, the on-time attempt counted


def test_grades_csv_lists_every_attempt_and_which_counts(term):
    with open(term["root"] / "grades.csv", newline="", encoding="utf-8") as stream:
        rows = [row for row in csv.DictReader(stream) if row["student"] == "ann"]
    assert [(row["total"], row["counts"], row["late_deduction"]) for row in rows] == [
        ("3", "", ""), ("4", "yes", "10")]
    assert "1 submissions already in grades.csv, unchanged, were skipped" in \
        term["second"].stdout


def test_a_regrade_of_the_first_attempt_reproduces_its_verdict_and_changes_no_export(term):
    root = term["root"]
    with Store(root / "grades.db") as store:
        early = store.attempts(student="ann")[0]
        before = store.current(early.id)
    done = coursekit(root, "regrade", str(early.id), "--attempt", "--out", "grades.csv")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "the same verdicts as before" in done.stdout
    with Store(root / "grades.db") as store:
        first, again = store.gradings(early.id)
        assert again.regrade and again.seed == first.seed == early.seed
        assert again.verdicts == first.verdicts == before.verdicts
    export = (root / "canvas.csv").read_bytes()
    grade(root)  # the export written again, from the gradebook
    assert (root / "canvas.csv").read_bytes() == export
    history = coursekit(root, "grades", "ann", "--out", "grades.csv", "--due-dates", "due.toml")
    assert history.returncode == 0 and history.stdout.count("    attempt ") == 2
    assert "the same verdicts as the first grading" in history.stdout
    assert "10% off; COUNTS: 3.6" in history.stdout
