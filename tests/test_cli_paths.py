"""Every path option of the commands: a bad path is a clear error naming it, before any work.

One test per kind of mistake, each through ``coursekit.cli.main`` as typed:
a file to write in a folder that does not exist; a file to write that is a
folder; a folder to make under a file; a file to read that is not there. Each
exits 2 with ``coursekit <command>: <argument>: ...`` on stderr, no traceback,
and nothing graded, compared or written (no gradebook made by a typo).
"""

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from coursekit.cli import main
from coursekit.grading.store import Store

ROOT = Path(__file__).resolve().parents[1]
NB01 = "01_random_baseline.ipynb"


@pytest.fixture
def course(tmp_path, monkeypatch):
    (tmp_path / "class" / "alice").mkdir(parents=True)
    shutil.copy(ROOT / "notebooks" / NB01, tmp_path / "class" / "alice" / NB01)
    (tmp_path / "afile").write_text("", encoding="utf-8")
    with Store(tmp_path / "empty.db"):
        pass
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _refused(course, capsys, argv, argument, words):
    before = sorted(p.relative_to(course) for p in course.rglob("*"))
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    last = err.splitlines()[-1]  # after --sandbox none's warning, if any
    assert last.startswith(f"coursekit {argv[0]}: {argument}: ") and words in last, err
    # Nothing was graded, compared or written: not even a gradebook.
    assert sorted(p.relative_to(course) for p in course.rglob("*")) == before


GRADE = ["grade", "class", "--sandbox", "none"]
SIMILARITY = ["similarity", "class", "--student-version", str(ROOT / "notebooks")]


@pytest.mark.parametrize("argv, argument", [
    (GRADE + ["--out", "no_such_dir/g.csv"], "out"),
    (GRADE + ["--out", "g.csv", "--store", "no_such_dir/g.db"], "store"),
    (GRADE + ["--out", "g.csv", "--export", "no_such_dir/lms.csv"], "export"),
    (SIMILARITY + ["--out", "no_such_dir/similar.html"], "out"),
    (SIMILARITY + ["--out", "similar.html", "--csv", "no_such_dir/pairs.csv"], "csv"),
    (["regrade", "alice", "--store", "empty.db", "--out", "no_such_dir/g.csv"], "out"),
])
def test_a_file_to_write_in_a_missing_folder(course, capsys, argv, argument):
    _refused(course, capsys, argv, argument, "no such folder: no_such_dir")


@pytest.mark.parametrize("argv, argument", [
    (GRADE + ["--out", "class"], "out"),
    (GRADE + ["--out", "g.csv", "--store", "class"], "store"),
    (GRADE + ["--out", "g.csv", "--export", "class"], "export"),
    (SIMILARITY + ["--out", "class"], "out"),
])
def test_a_file_to_write_that_is_a_folder(course, capsys, argv, argument):
    _refused(course, capsys, argv, argument, "class is a")


@pytest.mark.parametrize("argv, argument, words", [
    (GRADE + ["--out", "g.csv", "--feedback", "afile/feedback"], "feedback",
     "cannot make the folder afile/feedback"),
    (GRADE + ["--out", "g.csv", "--report", "afile/report"], "report",
     "cannot make the folder afile/report"),
    (GRADE + ["--out", "g.csv", "--report", "afile"], "report", "is not a directory"),
    (GRADE + ["--out", "g.csv", "--feedback", "afile"], "feedback", "is not a directory"),
])
def test_a_folder_to_write_that_cannot_be_made(course, capsys, argv, argument, words):
    _refused(course, capsys, argv, argument, words)


@pytest.mark.parametrize("argv, argument, words", [
    (GRADE + ["--out", "g.csv", "--roster", "roster.csv"], "roster", "roster.csv"),
    (GRADE + ["--out", "g.csv", "--due-dates", "due.toml"], "due-dates", "due.toml"),
    (["grades", "alice", "--store", "typo.db"], "store", "no such gradebook: typo.db"),
    (["grades", "alice", "--out", "typo/g.csv"], "out", "no such gradebook beside it"),
    (["regrade", "alice", "--store", "typo.db"], "store", "no such gradebook: typo.db"),
    (SIMILARITY + ["--out", "x.html", "--roster", "roster.csv"], "roster", "roster.csv"),
])
def test_a_file_to_read_that_is_not_there(course, capsys, argv, argument, words):
    _refused(course, capsys, argv, argument, words)


def test_an_export_folder_under_a_file(course, capsys):
    argv = ["export", "nbgrader", "afile/course", "--solutions", str(ROOT / "solutions")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("coursekit export nbgrader: course_dir must be a directory; afile "
                          "is a file, so afile/course cannot be made"), err
    assert "Traceback" not in err and (course / "afile").is_file()


@pytest.mark.skipif(shutil.which("bwrap") is None, reason="needs bubblewrap")
def test_a_grader_started_through_a_path_with_dots_still_sandboxes(course):
    # Typed as `tests/../.venv/bin/python`, Python keeps the `..` in sys.executable,
    # through a folder the sandbox does not have: the kernel must be started by the
    # interpreter's plain path, not the one typed.
    typed = Path("class", os.path.relpath(sys.executable, course / "class"))
    assert ".." in typed.parts and (course / typed).exists()
    run = subprocess.run([str(typed), "-m", "coursekit.cli", "grade", "class", "--out",
                          "grades.csv", "--sandbox", "bwrap", "--pool", "0"],
                         cwd=course, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    with open(course / "grades.csv", newline="", encoding="utf-8") as rows:
        (row,) = csv.DictReader(rows)
    assert row["status"] == "ok", row
