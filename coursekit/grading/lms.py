"""The gradebook export for an LMS: one row per student, one column per notebook total."""

import csv
import os
from pathlib import Path

from .. import checks
from .gradebook import GradesFile, escape_cell
from .results import ERROR
from .submissions import known_notebooks


def lms_table(grades_file):
    """Students' totals per notebook from a grades file.

    A student with two graded submissions of one notebook keeps the later row
    (the file's order is the order of grading). Rows with status ``error``
    (not graded yet) and rows with no student are left out.

    Parameters
    ----------
    grades_file : GradesFile

    Returns
    -------
    notebooks : list of str
        The notebooks some student handed in, in course order.
    totals : dict
        Student id -> {notebook: total}, students in order of first appearance.
    problems : list of str
        What was left out or replaced, one sentence each.
    """
    order = known_notebooks()
    notebooks, totals, problems = set(), {}, []
    for row in grades_file.rows:
        notebook = _notebook_of(row, order)
        if row.get("status") == ERROR or notebook is None:
            continue
        student = (row.get("student") or "").strip()
        if not student:
            problems.append(f"{row['submission']}: no student known (use a roster, or one "
                            f"folder per student); left out")
            continue
        marks = totals.setdefault(student, {})
        if notebook in marks:
            problems.append(f"{student} handed in {notebook} more than once; "
                            f"{row['submission']}, graded last, counts")
        marks[notebook] = row.get("total", "")
        notebooks.add(notebook)
    return [n for n in order if n in notebooks], totals, problems


def _notebook_of(row, order):
    if row.get("notebook") in order:
        return row["notebook"]
    # Rows written before grades files named the notebook: its exercises' columns say.
    filled = {checks.EXERCISES[key].notebook for key, value in row.items()
              if key in checks.EXERCISES and value not in ("", None)}
    return filled.pop() if len(filled) == 1 else None


def export_lms(grades, path):
    """Write ``path``: ``student`` then one column per notebook, each cell that notebook's total.

    The plain CSV Canvas and Moodle import (student id first, one column per
    assignment). A notebook a student did not hand in is an empty cell.

    Parameters
    ----------
    grades : path-like
        The grades CSV.
    path : path-like
        The export to write (replaced).

    Returns
    -------
    list of str
        What was left out or replaced (:func:`lms_table`).
    """
    grades = Path(grades)
    if not grades.exists():
        raise ValueError(f"export: no grades file {grades} to export")
    notebooks, totals, problems = lms_table(GradesFile(grades))
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["student", *notebooks])
        for student, marks in totals.items():
            writer.writerow([escape_cell(student), *(marks.get(n, "") for n in notebooks)])
    os.replace(partial, path)
    return problems
