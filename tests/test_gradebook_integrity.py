"""Integrity flags: check cells edited, moved or removed, ``check`` or a helper redefined.

Read from the cells' source, no kernel: each attack the grading tests build is
flagged, and no notebook of the course (solution or student version) is.
"""

import doctest
from pathlib import Path

import pytest

from coursekit import checks
from coursekit.grading import integrity
from coursekit.grading.integrity import integrity_flags
from coursekit.grading.submissions import read_submission
from grading import submissions as build

ROOT = Path(__file__).resolve().parents[1]
NB01 = "01_random_baseline"


def test_the_examples_in_the_docstrings_run():
    assert doctest.testmod(integrity).failed == 0


def flags_of(notebook, tmp_path, name="sub.ipynb"):
    path = build.save(notebook, tmp_path / name)
    submission = read_submission(path)
    return integrity_flags(submission, checks.exercises_for(submission.notebook))


@pytest.mark.parametrize("path", sorted((ROOT / "solutions").glob("*.ipynb"))
                         + sorted((ROOT / "notebooks").glob("*.ipynb")),
                         ids=lambda path: f"{path.parent.name}/{path.stem}")
def test_no_notebook_of_the_course_is_flagged(path):
    submission = read_submission(path)
    assert integrity_flags(submission, checks.exercises_for(submission.notebook)) == ()


def test_patched_checks_numpy_and_builtins_are_flagged(tmp_path):
    notebook, _ = build.patching_attack()
    flags = flags_of(notebook, tmp_path)
    assert "check cell of 01-scale-pixels removed" in flags
    assert any(f.endswith("redefines `check`") for f in flags)
    assert any(f.endswith("changes `checks.check`") for f in flags)
    assert any("changes `np." in f for f in flags)


def test_faked_passes_and_moved_checks_are_flagged(tmp_path):
    notebook, _ = build.faking_attack()
    flags = flags_of(notebook, tmp_path)
    assert any(f.startswith("check cell of 01-scale-pixels edited") for f in flags)
    assert "check cell of 01-which-digit removed" in flags
    assert any(f.startswith("check cell of 01-evaluate-range moved above its answer")
               for f in flags)


def test_a_check_imported_from_elsewhere_or_a_helper_redefined_is_flagged(tmp_path):
    notebook = build.solution(NB01)
    build.insert(notebook, build.first_code_cell(notebook) + 1,
                 "from my_tricks import check\nload_digits = lambda: None")
    flags = flags_of(notebook, tmp_path)
    assert any(f.endswith("redefines `check`") for f in flags)
    assert any("redefines `load_digits` (imported from coursekit" in f for f in flags)


def test_an_answer_that_is_not_python_flags_nothing_and_breaks_nothing(tmp_path):
    notebook = build.solution(NB01)
    build.insert(notebook, build.first_code_cell(notebook) + 1, "%timeit 1 + 1\ndef (:")
    assert flags_of(notebook, tmp_path) == ()
