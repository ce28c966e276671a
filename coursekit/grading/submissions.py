"""Finding the files to grade and reading each one, without running it."""

import hashlib
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .. import checks
from .names import safe_name
from .results import clean_text
from .shown_cells import shown_cells

_MAX_SUBMISSION_BYTES = 50 * 2**20

@dataclass(frozen=True)
class CodeCell:
    """A code cell of a submission, as the grader runs it.

    Attributes
    ----------
    number : int
        Position among all the notebook's cells, counted from 1.
    source : str
    exercise : str or None
        The exercise id in the cell's ``coursekit`` metadata, if any.
    """

    number: int
    source: str
    exercise: str | None = None

    def describe(self):
        lines = [line.strip() for line in self.source.splitlines() if line.strip()]
        # The first line that does something names the cell best.
        line = clean_text(next((line for line in lines if not line.startswith(
            ("import ", "from ", "#"))), lines[0] if lines else ""))
        if len(line) > 40:
            line = line[:37] + "..."
        return f"cell {self.number} (`{line}`)"


@dataclass(frozen=True)
class Submission:
    """One file to grade.

    Attributes
    ----------
    path : Path
    label : str
        How grades.csv names it (:func:`submission_label`).
    notebook : str or None
        The notebook it answers, when known.
    cells : tuple of CodeCell
    problem : str
        Why it cannot be graded; empty when it can.
    sha256 : str
        The hash of the bytes read (empty when none could be), so that a
        changed file is graded again.
    shown : tuple of (int, str, str)
        What its report page shows of it (:func:`.shown_cells`), from the
        bytes read here; empty when it was refused.
    seed : int or None
        The seed of its secret cases, kept with its attempt in the gradebook
        (:mod:`coursekit.grading.store`) so that a regrade draws the same
        inputs; None draws a new one.
    """

    path: Path
    label: str
    notebook: str | None
    cells: tuple = ()
    problem: str = ""
    sha256: str = ""
    shown: tuple = ()
    seed: int | None = None

    def to_data(self):
        """This submission as JSON-ready plain data (for a cluster's worker).

        Examples
        --------
        >>> submission = Submission(Path("a.ipynb"), "a.ipynb", None, (CodeCell(1, "x = 1"),),
        ...                         seed=2**64 - 1)
        >>> Submission.from_data(submission.to_data()) == submission
        True
        """
        return {"path": str(self.path), "label": self.label, "notebook": self.notebook,
                "problem": self.problem, "sha256": self.sha256,
                # A string: JSON readers may round integers past 2**53.
                "seed": None if self.seed is None else str(self.seed),
                "cells": [[cell.number, cell.source, cell.exercise] for cell in self.cells],
                "shown": [list(cell) for cell in self.shown]}

    @classmethod
    def from_data(cls, data):
        """The submission :meth:`to_data` gave."""
        return cls(Path(data["path"]), data["label"], data["notebook"],
                   tuple(CodeCell(number, source, exercise)
                         for number, source, exercise in data["cells"]),
                   data["problem"], data["sha256"],
                   tuple((number, kind, source) for number, kind, source in data["shown"]),
                   None if data.get("seed") is None else int(data["seed"]))


def known_notebooks():
    """Notebooks (file stems) that have exercises, in course order."""
    return list(dict.fromkeys(exercise.notebook for exercise in checks.EXERCISES.values()))


def submission_label(path):
    """How grades.csv names ``path``: one name however the path is spelt.

    The folders are resolved (``./subs``, ``subs`` and ``/abs/subs`` are one),
    the file itself is not (a symbolic link keeps its own name). The label is
    relative to the working directory when the file is inside it, and written
    with :func:`~coursekit.grading.names.safe_name` (any bytes, one line of UTF-8):
    it is for people to read. The gradebook knows a file by :func:`absolute_path`.
    """
    real = absolute_path(path)
    try:
        return safe_name(str(real.relative_to(Path.cwd().resolve())))
    except ValueError:
        return safe_name(str(real))


def absolute_path(path):
    """``path`` with its folders resolved (not the file: a link keeps its name), absolute.

    How the gradebook knows a file, whatever the working directory.
    """
    path = Path(path)
    return Path(os.path.realpath(path.parent)) / path.name


@dataclass
class Found:
    """What :func:`find_submissions` found.

    Attributes
    ----------
    files : list of (Path, str)
        Each file to grade with its label, in the order given.
    ignored : list of (str, str)
        Each file or folder met and not graded, with the reason.
    """

    files: list = field(default_factory=list)
    ignored: list = field(default_factory=list)


def find_submissions(paths):
    """List the files to grade: each file given, and every ``*.ipynb`` in each directory.

    ``*.ipynb`` in any case (``.IPYNB``). Inside a directory, hidden files and
    folders (``.ipynb_checkpoints``), other file names and symbolic links to
    folders are not graded, and listed with the reason. A file reached by two
    routes or spellings appears once. Symbolic links to files are listed to
    grade: :func:`read_submission` refuses them, so they get a row saying why.

    Parameters
    ----------
    paths : iterable of path-like

    Returns
    -------
    Found

    Raises
    ------
    ValueError
        If ``paths`` is empty or names something that does not exist.
    """
    paths = [Path(p) for p in paths]
    if not paths:
        raise ValueError("paths: give at least one submission or directory of submissions")
    found, seen = Found(), set()

    def add(file):
        label = submission_label(file)
        if label not in seen:
            seen.add(label)
            found.files.append((file, label))

    for path in paths:
        if path.is_dir():  # named by the instructor: walked even through a link
            _walk(path, add, found.ignored)
        elif path.exists() or path.is_symlink():
            add(path)
        else:
            raise ValueError(f"paths: no such file or directory: {path}")
    return found


def _walk(folder, add, ignored):
    for root, folders, files in os.walk(folder):  # never into linked folders
        root = Path(root)
        for name in sorted(folders):
            if name.startswith("."):
                ignored.append((submission_label(root / name), "a hidden folder"))
            elif (root / name).is_symlink():
                ignored.append((submission_label(root / name),
                                "a symbolic link to a folder, not followed"))
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        for name in sorted(files):
            file = root / name
            if name.startswith("."):
                ignored.append((submission_label(file), "a hidden file"))
            elif not name.lower().endswith(".ipynb"):
                ignored.append((submission_label(file), "not a notebook (*.ipynb) file name"))
            else:
                add(file)


def read_submission(path, label=None, content=None):
    """Read a submission without running it; never raises on a bad file.

    Parameters
    ----------
    path : path-like
    label : str, optional
        Defaults to ``path`` as a string.
    content : bytes, optional
        The file's bytes, already read (:func:`read_regular_file`), or kept in
        the gradebook for a regrade; by default the file is read.

    Returns
    -------
    Submission
        With ``problem`` set when the file cannot be graded.
    """
    path = Path(path)
    label = submission_label(path) if label is None else label
    by_name = notebook_from_name(path.name)
    digest = ""

    def invalid(problem, notebook=by_name):
        return Submission(path, label, notebook, problem=problem, sha256=digest)

    try:
        raw = read_regular_file(path) if content is None else content
    except NotRegularFile as exc:
        return invalid(str(exc))
    except OSError as exc:
        return invalid(f"the file cannot be read ({exc.strerror or exc})")
    digest = hashlib.sha256(raw).hexdigest()
    if len(raw) > _MAX_SUBMISSION_BYTES:
        return invalid(f"the file is over {_MAX_SUBMISSION_BYTES // 2**20} MB, the most a "
                       f"notebook to grade may have")
    if not raw.strip():
        return invalid("not a notebook: the file is empty")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return invalid("not a notebook: the file is not text")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return invalid(_json_problem(text, exc))
    except RecursionError:
        return invalid("not a notebook: the JSON is nested too deeply")
    except ValueError as exc:  # e.g. an integer longer than Python converts
        return invalid(f"not a notebook: the JSON cannot be read ({clean_text(exc)})")
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        return invalid("not a notebook: the JSON has no list of cells")
    if data.get("nbformat") != 4:
        return invalid(f"not a notebook of format 4 (nbformat {data.get('nbformat')!r}); "
                       f"open and save it in a current Jupyter")
    notebook, problem = _notebook_answered(data, by_name)
    if problem:
        return invalid(problem, notebook)
    cells, problem = _code_cells(data["cells"])
    if problem:
        return invalid(problem, notebook)
    return Submission(path, label, notebook, cells, sha256=digest,
                      shown=shown_cells(data["cells"]))


class NotRegularFile(Exception):
    """The path is not a regular file: a link, a pipe, a device."""


def read_regular_file(path):
    """The bytes of ``path`` (at most one more than the size limit), refusing anything odd.

    The file is opened without following a symbolic link and without blocking
    on a pipe, and checked after opening, so it cannot be swapped in between.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
                             | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        if os.path.islink(path):
            raise NotRegularFile("a symbolic link, not a notebook file; hand in the file "
                              "itself") from None
        raise exc
    with os.fdopen(descriptor, "rb") as stream:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise NotRegularFile("not a regular file (a pipe, a device or a folder)")
        return stream.read(_MAX_SUBMISSION_BYTES + 1)


def _json_problem(text, error):
    if not text.lstrip().startswith(("{", "[")):
        return "not a notebook: the file is not JSON"
    if error.pos >= len(text.rstrip()):
        return (f"not a notebook: the JSON breaks off at line {error.lineno} "
                f"(was the file cut short?)")
    return (f"not a notebook: its JSON breaks off or is malformed at line {error.lineno}, "
            f"column {error.colno} (was the file cut short?)")


def notebook_from_name(name):
    """The notebook a file name names (the longest the course has in it), or None.

    Examples
    --------
    >>> notebook_from_name("carol_02_average_image.ipynb")
    '02_average_image'
    """
    stem = name[: -len(".ipynb")] if name.lower().endswith(".ipynb") else name
    matches = [notebook for notebook in known_notebooks() if notebook in stem]
    return max(matches, key=len) if matches else None


def _notebook_answered(data, by_name):
    metadata = data.get("metadata")
    coursekit = metadata.get("coursekit") if isinstance(metadata, dict) else None
    named = coursekit.get("notebook") if isinstance(coursekit, dict) else None
    known = known_notebooks()
    if isinstance(named, str):
        if named in known:
            return named, ""
        return None, (f"its metadata names notebook {clean_text(named)!r}, which is not one of "
                      f"this course's: {', '.join(known)}")
    if by_name:
        return by_name, ""
    return None, ("cannot tell which notebook this answers: it has no coursekit metadata "
                  f"and its file name names none of {', '.join(known)} (a notebook of "
                  f"another course?)")


def _code_cells(raw_cells):
    cells = []
    for number, cell in enumerate(raw_cells, start=1):
        if not isinstance(cell, dict):
            return (), f"not a notebook: cell {number} is not a JSON object"
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(part, str) for part in source):
            source = "".join(source)
        if not isinstance(source, str):
            return (), f"not a notebook: the source of cell {number} is not text"
        metadata = cell.get("metadata")
        coursekit = metadata.get("coursekit") if isinstance(metadata, dict) else None
        exercise = coursekit.get("exercise") if isinstance(coursekit, dict) else None
        cells.append(CodeCell(number, source, exercise if isinstance(exercise, str) else None))
    return tuple(cells), ""


def collection_points(cells, exercises):
    """Where each exercise's answer is read: after the last cell carrying its id.

    That cell is normally the exercise's check cell, so the grader reads the
    answer when the learner's check reads it. An exercise none of whose cells
    is left is read after the last cell.

    Returns
    -------
    dict
        Index into ``cells`` (``len(cells)`` for "at the end") -> list of exercises.
    """
    last = {}
    for index, cell in enumerate(cells):
        if cell.exercise is not None:
            last[cell.exercise] = index
    points = {}
    for exercise in exercises:
        points.setdefault(last.get(exercise.id, len(cells)), []).append(exercise)
    return points


