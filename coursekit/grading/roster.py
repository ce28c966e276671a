"""Who handed in what: the student of each submission, from its folders or a roster CSV."""

import csv
import os
from pathlib import Path

from .names import safe_name
from .submissions import submission_label

#: The folder nbgrader collects into: ``submitted/<student>/<assignment>/<notebook>.ipynb``.
NBGRADER_FOLDER = "submitted"


def student_from_path(path, given=()):
    """The student a submission's folders name, or ``""``.

    nbgrader's layout (``.../submitted/<student>/<assignment>/<file>``, at that
    depth, with no other ``submitted`` folder in the path) names the folder
    after ``submitted``; a path with a ``submitted`` folder otherwise names no
    one. Elsewhere, under a directory given to grade, the first folder below
    it names the student (one folder per student). A file given on its own, or
    straight inside a directory given, names no one.

    Parameters
    ----------
    path : path-like
        The submission.
    given : iterable of path-like
        The paths given to grade.
    """
    real = Path(os.path.realpath(Path(path).parent)) / Path(path).name
    parts = real.parts
    if NBGRADER_FOLDER in parts[:-1]:
        # nbgrader's layout at its depth, and only one `submitted` in the path: a
        # student who hands in `submitted/alice/<assignment>/<file>` inside their
        # own folder would otherwise be graded as alice. Anything else names no one.
        if parts.count(NBGRADER_FOLDER) == 1 and parts[-4:-3] == (NBGRADER_FOLDER,):
            return safe_name(parts[-3])
        return ""
    for folder in given:
        folder = Path(os.path.realpath(folder))
        try:
            inside = real.relative_to(folder)
        except ValueError:
            continue
        if len(inside.parts) >= 2:
            return safe_name(inside.parts[0])
    return ""


def read_roster(path):
    """Read a roster CSV: one row per file, ``student`` and ``file`` columns.

    The header names the two columns (``student``/``student id``/``id``/``username`` and
    ``file``/``path``/``submission``, any case); without a header the first
    column is the student, the second the file. Relative files are read from
    the roster's folder.

    Returns
    -------
    dict
        Submission label (:func:`~coursekit.grading.submissions.submission_label`)
        -> student id.

    Raises
    ------
    ValueError
        Naming ``roster`` and the line, for a file given twice, an empty
        student or file, or a file that does not exist.
    """
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            rows = [row for row in csv.reader(stream) if any(cell.strip() for cell in row)]
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"roster: cannot read {path} ({exc})") from None
    if not rows:
        raise ValueError(f"roster: {path} is empty; give a CSV with student and file columns")
    header = [cell.strip().lower().replace(" ", "_") for cell in rows[0]]
    student_col = next((header.index(n) for n in ("student", "student_id", "id", "username")
                        if n in header), None)
    file_col = next((header.index(n) for n in ("file", "path", "submission") if n in header),
                    None)
    if student_col is not None and file_col is not None:
        rows, first_line = rows[1:], 2
    else:
        student_col, file_col, first_line = 0, 1, 1
    students = {}
    for line, row in enumerate(rows, start=first_line):
        if len(row) <= max(student_col, file_col):
            raise ValueError(f"roster: {path} line {line} has no student and file columns; "
                             f"expected `student,file`")
        student, file = row[student_col].strip(), row[file_col].strip()
        if not student or not file:
            raise ValueError(f"roster: {path} line {line}: the student and the file must "
                             f"both be given")
        file = Path(file) if Path(file).is_absolute() else path.parent / file
        if not file.exists() and not file.is_symlink():
            raise ValueError(f"roster: {path} line {line}: no such file: {file}")
        label = submission_label(file)
        if students.get(label, student) != student:
            raise ValueError(f"roster: {path} line {line}: {file} is already the file of "
                             f"{students[label]!r}")
        students[label] = student
    return students


def students_of(files, roster=None, given=()):
    """The student of each file found: label -> student id (``""`` when unknown).

    Parameters
    ----------
    files : list of (Path, str)
        Files and labels, as :class:`~coursekit.grading.submissions.Found` lists them.
    roster : path-like, optional
        A roster CSV (:func:`read_roster`); it decides for the files it lists.
    given : iterable of path-like
        The paths given to grade, for the one-folder-per-student layout.
    """
    listed = read_roster(roster) if roster is not None else {}
    return {label: listed.get(label) or student_from_path(path, given)
            for path, label in files}
