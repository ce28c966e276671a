"""Finding the files to grade and reading each one, without running it."""

import json
import os
from dataclasses import dataclass
from pathlib import Path

from .. import checks
from .results import clean_text

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
        How grades.csv names it: the path as given, or found in a directory given.
    notebook : str or None
        The notebook it answers, when known.
    cells : tuple of CodeCell
    problem : str
        Why it cannot be graded; empty when it can.
    """

    path: Path
    label: str
    notebook: str | None
    cells: tuple = ()
    problem: str = ""


def known_notebooks():
    """Notebooks (file stems) that have exercises, in course order."""
    return list(dict.fromkeys(exercise.notebook for exercise in checks.EXERCISES.values()))


def find_submissions(paths):
    """List the files to grade: each file given, and every ``*.ipynb`` in each directory.

    Hidden files and folders (``.ipynb_checkpoints``) are skipped. A file listed
    twice (by two routes) appears once.

    Parameters
    ----------
    paths : iterable of path-like

    Returns
    -------
    list of (Path, str)
        Each file with its label, in the order given.

    Raises
    ------
    ValueError
        If ``paths`` is empty or names something that does not exist.
    """
    paths = [Path(p) for p in paths]
    if not paths:
        raise ValueError("paths: give at least one submission or directory of submissions")
    found, seen = [], set()
    for path in paths:
        if path.is_dir():
            files = sorted(p for p in path.rglob("*.ipynb")
                           if p.is_file() and not any(part.startswith(".")
                                                      for part in p.relative_to(path).parts))
        elif path.exists():
            files = [path]
        else:
            raise ValueError(f"paths: no such file or directory: {path}")
        for file in files:
            key = file.resolve()
            if key not in seen:
                seen.add(key)
                found.append((file, os.path.normpath(file)))
    return found


def read_submission(path, label=None):
    """Read a submission without running it; never raises on a bad file.

    Parameters
    ----------
    path : path-like
    label : str, optional
        Defaults to ``path`` as a string.

    Returns
    -------
    Submission
        With ``problem`` set when the file cannot be graded.
    """
    path = Path(path)
    label = os.path.normpath(path) if label is None else label
    by_name = _notebook_from_name(path.name)

    def invalid(problem, notebook=by_name):
        return Submission(path, label, notebook, problem=problem)

    try:
        size = path.stat().st_size
        if size > _MAX_SUBMISSION_BYTES:
            return invalid(f"the file is {size / 2**20:.0f} MB; a notebook to grade may "
                           f"have at most {_MAX_SUBMISSION_BYTES // 2**20} MB")
        raw = path.read_bytes()
    except OSError as exc:
        return invalid(f"the file cannot be read ({exc.strerror or exc})")
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
    return Submission(path, label, notebook, cells)


def _json_problem(text, error):
    if not text.lstrip().startswith(("{", "[")):
        return "not a notebook: the file is not JSON"
    if error.pos >= len(text.rstrip()):
        return (f"not a notebook: the JSON breaks off at line {error.lineno} "
                f"(was the file cut short?)")
    return (f"not a notebook: its JSON breaks off or is malformed at line {error.lineno}, "
            f"column {error.colno} (was the file cut short?)")


def _notebook_from_name(name):
    stem = name.rsplit(".", 1)[0] if name.endswith(".ipynb") else name
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


