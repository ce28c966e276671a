"""Who handed in what, for which assignment, and when.

A file's student is read from one of two documented layouts, at its
documented depth below a folder given to grade, or from a roster:

* nbgrader's: ``submitted/<student>/<assignment>/<notebook>.ipynb`` (the
  folder given is the course, or its ``submitted`` folder), with nbgrader's
  ``timestamp.txt`` beside the notebook;
* one folder per student: ``<student>/<notebook>.ipynb``.

A file given on its own, or straight inside a folder given, is graded for no
one (its grade is kept; no export counts it). A file at any other depth is
not graded, and is listed with the reason: a
student cannot hand in a ``submitted/alice/...`` tree inside their own folder
and be graded as alice. A roster that lists files decides for every file (a
file it does not list is not graded); a roster of students only keeps the
files of the students it lists.
"""

import csv
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .deadlines import NBGRADER_TIMESTAMP, file_time, parse_time, read_nbgrader_timestamp
from .names import safe_name
from .submissions import find_submissions, submission_label

#: The folder nbgrader collects into: ``submitted/<student>/<assignment>/<notebook>.ipynb``.
NBGRADER_FOLDER = "submitted"

#: Where a submission's time comes from, most trusted first.
TIME_SOURCES = ("roster", "nbgrader timestamp.txt", "file time")

# Roster columns: the names each may have (lower case, spaces as underscores).
_COLUMNS = {
    "student": ("student", "student_id", "username", "id", "login"),
    "file": ("file", "path", "submission"),
    "submitted_at": ("submitted_at", "submitted", "timestamp", "time"),
    "name": ("name", "full_name"),
    "first_name": ("first_name", "given_name"),
    "last_name": ("last_name", "surname", "family_name"),
    "canvas_id": ("canvas_id",),
    "sis_user_id": ("sis_user_id",),
    "sis_login_id": ("sis_login_id",),
    "section": ("section",),
    "email": ("email", "email_address"),
    "id_number": ("id_number", "idnumber"),
}
# A Canvas gradebook export, used as it is: its identity columns.
_CANVAS_EXPORT = ("student", "id", "sis_user_id", "sis_login_id", "section")


@dataclass(frozen=True)
class Person:
    """A student as the LMS knows them (every field but ``student`` may be empty)."""

    student: str
    name: str = ""
    first_name: str = ""
    last_name: str = ""
    canvas_id: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""
    section: str = ""
    email: str = ""
    id_number: str = ""


@dataclass(frozen=True)
class Roster:
    """A roster CSV, read.

    Attributes
    ----------
    path : Path
    people : dict
        Student id -> :class:`Person`, in the roster's order.
    files : dict
        File label -> student id (empty when the roster lists no files).
    times : dict
        File label -> the time it was handed in (aware, UTC), when the roster says.
    """

    path: Path
    people: dict
    files: dict = field(default_factory=dict)
    times: dict = field(default_factory=dict)


def _header(row):
    return [cell.strip().lower().replace(" ", "_").replace("-", "_") for cell in row]


def read_roster(path):
    """Read a roster CSV.

    One row per student, or per file: a ``student`` column (or ``student id``,
    ``username``, ``id``), and any of ``file``, ``submitted_at``, ``name``,
    ``first name``, ``last name``, ``canvas id``, ``sis user id``,
    ``sis login id``, ``section``, ``email``, ``id number`` (any case). A
    gradebook exported from Canvas is a roster as it is: its ``SIS Login ID``
    is the student's id (the name of their folder), and its ``Points
    Possible`` row is skipped. A file without a header is ``student,file``
    rows. A spreadsheet's byte-order mark and line ends are read.

    Returns
    -------
    Roster

    Raises
    ------
    ValueError
        Naming ``roster``, the file and the line.
    """
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            rows = [row for row in csv.reader(stream) if any(cell.strip() for cell in row)]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ValueError(f"roster: cannot read {path} ({exc})") from None
    if not rows:
        raise ValueError(f"roster: {path} is empty; give a CSV with a student column")
    header = _header(rows[0])
    if all(name in header for name in _CANVAS_EXPORT) and "file" not in header:
        columns = {"name": header.index("student"), "canvas_id": header.index("id"),
                   "sis_user_id": header.index("sis_user_id"),
                   "sis_login_id": header.index("sis_login_id"),
                   "section": header.index("section")}
        columns["student"] = columns["sis_login_id"]
        rows, first = rows[1:], 2
    elif any(name in header for name in _COLUMNS["student"]):
        columns = {key: next(header.index(n) for n in names if n in header)
                   for key, names in _COLUMNS.items() if any(n in header for n in names)}
        rows, first = rows[1:], 2
    else:
        columns, first = {"student": 0, "file": 1}, 1
        short = next((line for line, row in enumerate(rows, start=1) if len(row) < 2), None)
        if short is not None:
            raise ValueError(f"roster: {path} line {short} has no header naming a student "
                             f"column, and no student and file columns; expected "
                             f"`student,file` rows or a header")
    return _roster_rows(path, rows, columns, first)


def _roster_rows(path, rows, columns, first_line):
    people, files, times = {}, {}, {}
    for line, row in enumerate(rows, start=first_line):
        values = {key: row[index].strip() if index < len(row) else ""
                  for key, index in columns.items()}
        if values.get("name", "").lower() == "points possible":
            continue  # the second row of a Canvas export
        student = values.get("student") or values.get("sis_user_id") or values.get("canvas_id")
        if not student:
            raise ValueError(f"roster: {path} line {line} names no student")
        known = people.get(student, Person(student))
        people[student] = Person(**{key: getattr(known, key) or values.get(key, "")
                                    for key in Person.__dataclass_fields__
                                    if key != "student"}, student=student)
        if "file" in columns:
            _roster_file(path, line, student, values, files, times)
    return Roster(path, people, files, times)


def _roster_file(path, line, student, values, files, times):
    text = values.get("file", "")
    if not text:
        if values.get("submitted_at"):
            raise ValueError(f"roster: {path} line {line} gives a time but no file")
        return
    file = Path(text) if Path(text).is_absolute() else path.parent / text
    if not file.exists() and not file.is_symlink():
        raise ValueError(f"roster: {path} line {line}: no such file: {file}")
    label = submission_label(file)
    if files.get(label, student) != student:
        raise ValueError(f"roster: {path} line {line}: {file} is already the file of "
                         f"{files[label]!r}")
    files[label] = student
    if values.get("submitted_at"):
        times[label] = parse_time(values["submitted_at"], f"roster: {path} line {line}")


@dataclass(frozen=True)
class HandedIn:
    """One file to grade, with who handed it in, for what, and when.

    Attributes
    ----------
    path : Path
    label : str
    student : str
        ``""`` for a file given on its own that no roster names.
    assignment : str
        The nbgrader assignment folder (``""`` outside nbgrader's layout).
    submitted_at : datetime
    time_source : str
        One of :data:`TIME_SOURCES` (with what went wrong, if a better source
        could not be read).
    flags : tuple of str
        What the instructor should look at.
    """

    path: Path
    label: str
    student: str
    assignment: str
    submitted_at: datetime
    time_source: str
    flags: tuple = ()


@dataclass
class Discovered:
    """What :func:`discover` found: files to grade, and every other file met, with why not."""

    files: list = field(default_factory=list)
    ignored: list = field(default_factory=list)


def layout_of(path, folders):
    """The student and assignment the layout gives ``path``, or why it gives none.

    Parameters
    ----------
    path : path-like
        A file found (its folders resolved).
    folders : list of Path
        The folders given to grade, resolved.

    Returns
    -------
    student, assignment, problem : str
        ``problem`` is empty when the file is where a layout puts one; all three
        are empty for a file given on its own or straight inside a folder given.

    Examples
    --------
    >>> layout_of("/c/submitted/ann/nb01/nb01.ipynb", [Path("/c")])
    ('ann', 'nb01', '')
    >>> layout_of("/c/submitted/ann/nb01/nb01.ipynb", [Path("/c/submitted")])
    ('ann', 'nb01', '')
    >>> layout_of("/c/ann/nb01.ipynb", [Path("/c")])
    ('ann', '', '')
    >>> layout_of("/c/submitted/bob/nb01/submitted/ann/nb01/nb01.ipynb", [Path("/c")])[2]
    'at depth 7 below /c: a file is graded only at submitted/<student>/<assignment>/<notebook>.ipynb (nbgrader) or <student>/<notebook>.ipynb (one folder per student)'
    """
    real = Path(os.path.realpath(Path(path).parent)) / Path(path).name
    inside = [(folder, real.relative_to(folder).parts) for folder in folders
              if real.is_relative_to(folder)]
    if not inside:
        return "", "", ""
    folder, parts = max(inside, key=lambda item: len(item[0].parts))  # the nearest
    # Folder names are any bytes: kept and shown as safe_name writes them.
    if folder.name == NBGRADER_FOLDER and len(parts) == 3:
        return safe_name(parts[0]), safe_name(parts[1]), ""
    if parts[0] == NBGRADER_FOLDER and len(parts) == 4:
        return safe_name(parts[1]), safe_name(parts[2]), ""
    if len(parts) == 2 and parts[0] != NBGRADER_FOLDER:
        return safe_name(parts[0]), "", ""
    if len(parts) == 1:
        return "", "", ""  # straight inside a folder given: graded, counted for no one
    where = safe_name(str(folder))
    return "", "", (f"at depth {len(parts)} below {where}: a file is graded only at "
                    f"{NBGRADER_FOLDER}/<student>/<assignment>/<notebook>.ipynb (nbgrader) or "
                    f"<student>/<notebook>.ipynb (one folder per student)")


def submission_time(path, assignment, roster_time=None):
    """When ``path`` was handed in, and where that time comes from.

    The roster's time first, then nbgrader's ``timestamp.txt`` beside a file
    in nbgrader's layout, then the file's own modification time.
    """
    if roster_time is not None:
        return roster_time, "roster"
    note = ""
    if assignment:
        stamp = Path(path).parent / NBGRADER_TIMESTAMP
        if stamp.is_file():
            try:
                return read_nbgrader_timestamp(stamp), "nbgrader timestamp.txt"
            except ValueError as exc:
                note = f" ({NBGRADER_TIMESTAMP} unreadable: {exc})"
        else:
            note = f" (no {NBGRADER_TIMESTAMP})"
    return file_time(path), "file time" + note


def discover(paths, roster=None):
    """Find the files to grade and who handed each in, for what, and when.

    Parameters
    ----------
    paths : iterable of path-like
        Files, and folders walked for ``*.ipynb`` files.
    roster : Roster, optional

    Returns
    -------
    Discovered
        nbgrader's ``timestamp.txt`` files are read, not listed as ignored.

    Raises
    ------
    ValueError
        If ``paths`` is empty or names something that does not exist.
    """
    paths = list(paths)
    found = find_submissions(paths)
    folders = [Path(os.path.realpath(p)) for p in paths if Path(p).is_dir()]
    result, timed = Discovered(), set()
    for path, label in found.files:
        student, assignment, problem = layout_of(path, folders)
        flags, reason = [], ""
        if roster is not None and roster.files:
            listed = roster.files.get(label)
            if listed is None:
                reason = "not in the roster, which lists every file to grade"
            elif student and student != listed:
                flags.append(f"in the folder of {student!r}, graded as {listed!r} (the "
                             f"roster's)")
            student, problem = listed or student, ""
        elif problem:
            reason = problem
        elif roster is not None and student and student not in roster.people:
            reason = f"{student!r} is not on the roster {roster.path}"
        if reason:
            result.ignored.append((label, reason))
            continue
        when, source = submission_time(path, assignment,
                                       roster.times.get(label) if roster else None)
        if source == "nbgrader timestamp.txt":
            timed.add(str(Path(os.path.realpath(Path(path).parent)) / NBGRADER_TIMESTAMP))
        result.files.append(HandedIn(Path(path), label, student, assignment, when, source,
                                     tuple(flags)))
    for label, reason in found.ignored:
        real = Path(os.path.realpath(Path(label).parent)) / Path(label).name
        if str(real) not in timed:
            result.ignored.append((label, reason))
    return result


def assignment_flags(handed, notebook, file_notebook, assignments=None):
    """Flags for a file whose folder, name and metadata disagree on what it answers.

    Parameters
    ----------
    handed : HandedIn
    notebook : str or None
        The notebook its metadata says it answers.
    file_notebook : str or None
        The notebook its file name names.
    assignments : dict, optional
        Assignment -> notebooks it may hold
        (:attr:`coursekit.grading.deadlines.Deadlines.assignments`); an
        assignment not listed holds the notebook of its own name.

    Returns
    -------
    tuple of str
        Empty when they agree. A flagged attempt counts for no notebook in the
        exports until the instructor decides.
    """
    flags = []
    if handed.assignment and notebook:
        held = (assignments or {}).get(handed.assignment, (handed.assignment,))
        if notebook not in held:
            flags.append(f"assignment mismatch: handed in as assignment "
                         f"{handed.assignment!r}, but the notebook says it answers "
                         f"{notebook!r}")
    if notebook and file_notebook and notebook != file_notebook:
        flags.append(f"notebook mismatch: the file is named for {file_notebook!r}, its "
                     f"metadata says {notebook!r}")
    return tuple(flags)
