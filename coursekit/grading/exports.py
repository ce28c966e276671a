"""What the store's record becomes for others: the grades view and the LMS exports.

For each student and notebook one attempt counts: the one handed in last
(by its submission time, never by the order of grading), with the late
policy's deduction. An attempt whose folder, file name and metadata disagree
on what it answers counts for nothing until the instructor decides; an
attempt not graded yet does not count, and is said so.

Formats
-------
``plain``
    ``student`` then one column per notebook.
``canvas``
    Canvas's gradebook import: ``Student``, ``ID``, ``SIS User ID``,
    ``SIS Login ID``, ``Section``, then one column per notebook (a name ending
    in ``(assignment id)`` updates that assignment; another name makes a new
    one), and a second row ``Points Possible``. Canvas matches a row by its ID,
    SIS User ID or SIS Login ID, from the roster.
``moodle``
    Moodle's CSV grade import: ``First name``, ``Last name``, ``ID number``,
    ``Email address``, ``Username``, then one column per notebook; on import,
    map one identity column ("Map from") to the user field it holds ("Map to").
"""

import csv
import hashlib
import os
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from .deadlines import Deadlines, format_time
from .gradebook import FIXED_COLUMNS, escape_cell

#: The export formats :func:`export` writes.
FORMATS = ("plain", "canvas", "moodle")
#: What a notebook not handed in shows: an empty cell, or 0.
MISSING = ("blank", "zero")
# Flags that leave an attempt without a notebook to count for.
_UNCOUNTED_FLAGS = ("assignment mismatch", "notebook mismatch")


@dataclass(frozen=True)
class Counted:
    """The attempt that counts for one student and notebook, and its points."""

    student: str
    notebook: str
    attempt: object  # store.Attempt
    grading: object  # store.Grading
    late_by: timedelta
    deduction: float
    points: float

    @property
    def raw_points(self):
        return self.grading.total


def counted(store, deadlines=None):
    """The attempt that counts for each student and notebook.

    Parameters
    ----------
    store : coursekit.grading.store.Store
    deadlines : Deadlines, optional
        Due dates and late policy (none by default).

    Returns
    -------
    table : dict
        (student, notebook) -> :class:`Counted`.
    problems : list of str
        What the instructor should know: attempts counted for no one, later
        attempts not graded yet.
    """
    deadlines = deadlines or Deadlines()
    latest, problems = {}, []
    for attempt in store.attempts():  # in order of submission
        odd = [f for f in attempt.flags if f.startswith(_UNCOUNTED_FLAGS)]
        if not attempt.student or not attempt.notebook or odd:
            why = "; ".join(odd) or ("no student known (use a roster, or a documented "
                                     "layout)" if not attempt.student
                                     else "its notebook is not known")
            problems.append(f"{attempt.file}: counted for no one: {why}")
            continue
        latest.setdefault((attempt.student, attempt.notebook), []).append(attempt)
    table = {}
    for (student, notebook), attempts in latest.items():
        graded = [(a, store.current(a.id)) for a in attempts]
        done = [(a, g) for a, g in graded if g is not None]
        if not done:
            problems.append(f"{student} {notebook}: no attempt graded yet")
            continue
        attempt, grading = done[-1]
        waiting = [a for a, g in graded if g is None and _after(a, attempt)]
        if waiting:
            problems.append(f"{student} {notebook}: a later attempt ({waiting[-1].file}) is "
                            f"not graded yet; the one of {_when(attempt)} counts for now")
        late_by = deadlines.late_by(notebook, attempt.submitted_at)
        deduction = deadlines.policy.deduction(late_by)
        table[student, notebook] = Counted(student, notebook, attempt, grading, late_by,
                                           deduction,
                                           deadlines.policy.apply(grading.total, late_by))
    return table, problems


def _after(one, other):
    key = (lambda a: (a.submitted_at is not None, a.submitted_at
                      or datetime.min.replace(tzinfo=timezone.utc), a.id))
    return key(one) > key(other)


def _when(attempt):
    return format_time(attempt.submitted_at) if attempt.submitted_at else "an unknown time"


def label_of(file):
    """How grades.csv names a file the gradebook knows (its absolute path, already made safe):
    relative to the working directory when inside it, as
    :func:`~coursekit.grading.submissions.submission_label` does.

    Examples
    --------
    >>> import os
    >>> label_of(os.path.join(os.getcwd(), "class", "a.ipynb")) == os.path.join("class", "a.ipynb")
    True
    >>> label_of("/elsewhere/a.ipynb")
    '/elsewhere/a.ipynb'
    """
    here = str(Path.cwd().resolve()) + os.sep
    return file[len(here):] if file.startswith(here) else file


def number(value):
    """Points as a CSV cell: ``3``, ``2.5``, ``6.4``."""
    value = round(float(value), 2)
    return str(int(value)) if value.is_integer() else f"{value:g}"


def _people(table, roster):
    """Students in export order: the roster's, then anyone else who handed in work."""
    from .identity import Person

    people = dict(roster.people) if roster is not None else {}
    for student in sorted({student for student, _ in table} - set(people)):
        people[student] = Person(student)
    return people


def _marks(people, notebooks, table, missing):
    if missing not in MISSING:
        raise ValueError(f"missing must be one of {', '.join(MISSING)}; got {missing!r}")
    empty = "0" if missing == "zero" else ""
    return {student: [number(table[student, n].points) if (student, n) in table else empty
                      for n in notebooks] for student in people}


def export(store, path, fmt="plain", *, deadlines=None, roster=None, missing="blank",
           notebooks=None, points_possible=None):
    """Write an LMS export of the attempts that count, late penalties applied.

    Parameters
    ----------
    store : coursekit.grading.store.Store
    path : path-like
        The CSV to write (replaced whole, never half-written).
    fmt : {"plain", "canvas", "moodle"}, default="plain"
    deadlines : Deadlines, optional
        Due dates, the late policy and the LMS column names of notebooks.
    roster : coursekit.grading.identity.Roster, optional
        The students (every one gets a row, in the roster's order) and their
        LMS identities.
    missing : {"blank", "zero"}, default="blank"
        What a notebook a student did not hand in shows.
    notebooks : list of str, optional
        The columns, in order; by default every notebook someone handed in,
        sorted.
    points_possible : dict, optional
        Notebook -> its points (Canvas's Points Possible row); by default the
        most a grading of it could earn.

    Returns
    -------
    list of str
        What the instructor should know (:func:`counted`, students the LMS
        cannot match).

    Raises
    ------
    ValueError
        Naming ``fmt`` or ``missing`` when not one of theirs.
    """
    if fmt not in FORMATS:
        raise ValueError(f"export format must be one of {', '.join(FORMATS)}; got {fmt!r}")
    deadlines = deadlines or Deadlines()
    table, problems = counted(store, deadlines)
    if notebooks is None:
        notebooks = sorted({notebook for _, notebook in table} | set(deadlines.due))
    people = _people(table, roster)
    marks = _marks(people, notebooks, table, missing)
    titles = [deadlines.columns.get(n, n) for n in notebooks]
    if fmt == "plain":
        rows = [["student", *titles]]
        rows += [[escape_cell(s), *marks[s]] for s in people]
    elif fmt == "canvas":
        rows = _canvas_rows(people, notebooks, titles, marks, table, points_possible, problems)
    else:
        rows = _moodle_rows(people, titles, marks, problems)
    _write_rows(path, rows)
    return problems


def _canvas_rows(people, notebooks, titles, marks, table, points_possible, problems):
    possible = dict(points_possible or {})
    for (_, notebook), item in table.items():
        possible.setdefault(notebook, 0)
        if points_possible is None or notebook not in points_possible:
            possible[notebook] = max(possible[notebook], item.grading.max_total)
    rows = [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *titles],
            ["Points Possible", "", "", "", "", *(number(possible[n]) if n in possible else ""
                                                  for n in notebooks)]]
    for student, person in people.items():
        login = person.sis_login_id
        if not (person.canvas_id or person.sis_user_id or login):
            login = student
            problems.append(f"{student}: the roster gives no Canvas ID, SIS User ID or SIS "
                            f"Login ID; the SIS Login ID column holds the folder's name")
        rows.append([escape_cell(person.name or student), escape_cell(person.canvas_id),
                     escape_cell(person.sis_user_id), escape_cell(login),
                     escape_cell(person.section), *marks[student]])
    return rows


def _moodle_rows(people, titles, marks, problems):
    rows = [["First name", "Last name", "ID number", "Email address", "Username", *titles]]
    for student, person in people.items():
        first, last = person.first_name, person.last_name
        if not (first or last):
            first, last = split_name(person.name)
        rows.append([escape_cell(first), escape_cell(last), escape_cell(person.id_number),
                     escape_cell(person.email), escape_cell(student), *marks[student]])
    return rows


def split_name(name):
    """A full name as (first, last): ``Lee, Ann`` (Canvas's order) or ``Ann Lee``.

    Examples
    --------
    >>> split_name("Lee, Ann"), split_name("Ann Marie Lee"), split_name("")
    (('Ann', 'Lee'), ('Ann Marie', 'Lee'), ('', ''))
    """
    if ", " in name:
        last, _, first = name.partition(", ")
    else:
        first, _, last = name.rpartition(" ")
    return first.strip(), last.strip()


def _write_rows(path, rows):
    path = Path(path)
    partial = _write_partial(path, rows)
    try:
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


#: The columns of the grades view after the exercises' (the first are grades.csv's own).
VIEW_COLUMNS = (*FIXED_COLUMNS, "assignment", "submitted_at", "time_source", "late_hours",
                "late_deduction", "counted_total", "counts", "gradings", "flags", "attempt")


def view_rows(store, deadlines=None, exercise_order=()):
    """The grades view: one row per attempt graded (every one kept), as dicts of strings.

    The ``submission`` column is the file's label (relative to the working
    directory when inside it); the gradebook knows the file by its absolute path.

    Parameters
    ----------
    store : coursekit.grading.store.Store
    deadlines : Deadlines, optional
    exercise_order : sequence of str
        Exercise ids in course order (others follow, sorted).

    Returns
    -------
    columns : list of str
    rows : list of dict
    """
    table, _ = counted(store, deadlines)
    counting = {item.attempt.id for item in table.values()}
    deadlines = deadlines or Deadlines()
    rows, exercises = [], set()
    everyone = store.attempts()
    for attempt in everyone:
        gradings = store.gradings(attempt.id)
        if not gradings:
            continue  # found, not graded yet
        grading = store.current(attempt.id) or gradings[-1]
        late = deadlines.late_by(attempt.notebook, attempt.submitted_at)
        row = {"submission": label_of(attempt.file), "sha256": attempt.sha256, "student": attempt.student,
               "notebook": attempt.notebook, "assignment": attempt.assignment,
               "submitted_at": _when(attempt) if attempt.submitted_at else "",
               "time_source": attempt.time_source,
               "late_hours": number(late / timedelta(hours=1)) if late else "",
               "counts": "yes" if attempt.id in counting else "", "attempt": str(attempt.id),
               "gradings": str(len(gradings))}
        deduction = deadlines.policy.deduction(late)
        row.update(total=number(grading.total),
                   max_total=number(grading.max_total) if attempt.notebook else "",
                   status=grading.status, reason=grading.reason,
                   late_deduction=number(deduction) if deduction else "",
                   counted_total=number(deadlines.policy.apply(grading.total, late)))
        for verdict in grading.verdicts:
            row[verdict.exercise] = number(verdict.points)
            exercises.add(verdict.exercise)
        shared = sorted({other.student for other in everyone if other.sha256 == attempt.sha256
                         and other.sha256 and other.student != attempt.student})
        flags = [*attempt.flags, *grading.flags]
        if shared:
            flags.append(f"the same file as {', '.join(map(repr, shared))} handed in")
        row["flags"] = "; ".join(dict.fromkeys(flags))
        rows.append(row)
    order = {e: i for i, e in enumerate(exercise_order)}
    ids = sorted(exercises, key=lambda e: (order.get(e, len(order)), e))
    return ["submission", *ids, *VIEW_COLUMNS], rows


def write_view(store, path, deadlines=None, exercise_order=()):
    """Write grades.csv from the store, under the store's write lock.

    A grades file changed since the store last wrote it (edited in a
    spreadsheet) is kept beside it, renamed ``<name>.edited-<time>.csv``,
    never overwritten. The new file's digest is committed before it replaces
    the old one: a grader killed between the two leaves a file the store
    knows, either one, never one it takes for edited.

    Returns
    -------
    Path or None
        Where an edited grades file was kept, if one was.
    """
    path = Path(path)
    key = f"view:{Path(os.path.realpath(path.parent)) / path.name}"
    _remove_stale_partials(path)
    with store.snapshot():
        columns, rows = view_rows(store, deadlines, exercise_order)
        kept = None
        if path.exists() and _digest(path) not in (store.meta(key), store.meta(f"{key}:next")):
            stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
            kept = path.with_name(f"{path.stem}.edited-{stamp}{path.suffix}")
            shutil.copy2(path, kept)
        table = [columns] + [[escape_cell(row.get(c, "")) for c in columns] for row in rows]
        partial = _write_partial(path, table)
        digest = store.meta(f"{key}:next", _digest(partial))
    try:
        with store.snapshot():
            if store.meta(f"{key}:next") == digest:  # else another grader's, newer, follows
                os.replace(partial, path)
                store.meta(key, digest)
    finally:
        partial.unlink(missing_ok=True)
    return kept


def _write_partial(path, rows):
    """``rows`` written (and synced) beside ``path``, under a name of this process's."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        with partial.open("w", encoding="utf-8", newline="") as stream:
            csv.writer(stream).writerows(rows)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return partial


def _remove_stale_partials(path):
    """Remove the half-written copies of ``path`` of writers that are gone (SIGKILLed)."""
    for partial in path.parent.glob(f".{path.name}.*.partial"):
        owner = partial.name[len(path.name) + 2:-len(".partial")]
        try:
            os.kill(int(owner), 0)
        except ProcessLookupError:
            partial.unlink(missing_ok=True)
        except (ValueError, OverflowError, PermissionError):  # not ours, or alive
            continue


def _digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
