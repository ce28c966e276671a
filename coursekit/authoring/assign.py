"""Write the student notebooks (notebooks/) from the solutions (solutions/).

In a solution, the code of an exercise sits between nbgrader's markers::

    ### BEGIN SOLUTION
    answer = 42
    ### END SOLUTION

The student version replaces each such block with a placeholder, clears every
output and execution count, and drops metadata that changes from run to run,
so that assigning twice gives byte-identical files.

Every cell also carries nbgrader's cell metadata (schema 3, as nbgrader's
"Create Assignment" toolbar writes it), derived from the cells themselves by
:func:`nbgrader_metadata`, so that the solutions are an nbgrader source as they
are: a cell with a solution block is a solution cell; a check cell (one that
calls ``check("<exercise id>", ...)``) is an autograder test cell worth the
exercise's points; every other cell is read-only. :func:`assign` writes this
metadata into the solutions whenever it is out of date.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
CODE_PLACEHOLDER = ("# YOUR CODE HERE", "raise NotImplementedError()")
MARKDOWN_PLACEHOLDER = ("YOUR ANSWER HERE",)

_MARKER = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>### (?:BEGIN|END) SOLUTION)[ \t]*$")
# Cell metadata worth keeping in a student's copy; the rest (collapsed, scrolled,
# execution timings, widget state) either changes between runs or means nothing there.
_KEEP_CELL_METADATA = ("tags", "coursekit", "nbgrader", "editable", "deletable")
_KEEP_NOTEBOOK_METADATA = ("kernelspec", "coursekit")


#: The version of nbgrader's cell-metadata schema written (nbgrader 0.6 and later).
NBGRADER_SCHEMA_VERSION = 3

# A check cell calls check("<exercise id>", answer) at the start of a line.
_CHECK_CALL = re.compile(r"""^[ \t]*check\([ \t]*(["'])(?P<id>[^"'\n]*)\1""", re.MULTILINE)


class AssignError(ValueError):
    """A solution notebook cannot be turned into a student notebook."""


@dataclass(frozen=True)
class Outcome:
    """What assigning did (or, with ``check``, would do) for one solution notebook.

    Attributes
    ----------
    source, target : Path
        The solution and its student notebook.
    changed : bool
        The student notebook is (was) out of date.
    metadata_changed : bool
        The solution's nbgrader metadata is (was) out of date.
    """

    source: Path
    target: Path
    changed: bool
    metadata_changed: bool = False


def strip_solutions(source, *, markdown=False, where="cell"):
    """Replace every solution block of one cell's source with the placeholder.

    Parameters
    ----------
    source : str
    markdown : bool, default=False
        Use the markdown placeholder instead of the code one.
    where : str
        Names the cell in error messages.

    Returns
    -------
    str

    Raises
    ------
    AssignError
        On a BEGIN without END, an END without BEGIN, or nested blocks.
    """
    out = []
    inside = False
    for number, line in enumerate(source.split("\n"), start=1):
        match = _MARKER.match(line)
        if match is None:
            if not inside:
                out.append(line)
            continue
        if match["marker"] == BEGIN:
            if inside:
                raise AssignError(f"{where}: line {number} opens a solution block inside "
                                  f"another; blocks cannot be nested.")
            inside = True
            placeholder = MARKDOWN_PLACEHOLDER if markdown else CODE_PLACEHOLDER
            out.extend(match["indent"] + text for text in placeholder)
        else:
            if not inside:
                raise AssignError(f"{where}: line {number} has {END!r} with no "
                                  f"{BEGIN!r} before it.")
            inside = False
    if inside:
        raise AssignError(f"{where}: {BEGIN!r} is never closed by {END!r}.")
    return "\n".join(out)


def _has_solution(source):
    return any(_MARKER.match(line) for line in source.split("\n"))


def _cell_exercise(cell):
    coursekit = cell.metadata.get("coursekit")
    exercise = coursekit.get("exercise") if isinstance(coursekit, dict) else None
    return exercise if isinstance(exercise, str) else None


def _nbgrader(grade_id, *, solution=False, grade=False, points=None):
    metadata = {"grade": grade, "grade_id": grade_id, "locked": not solution,
                "schema_version": NBGRADER_SCHEMA_VERSION, "solution": solution, "task": False}
    if grade:
        metadata["points"] = points
    return metadata


def nbgrader_metadata(notebook, name="notebook", *, exercises=None):
    """The nbgrader metadata of every cell of a solution notebook, derived from its cells.

    - A code cell with a solution block is an autograded answer (``solution``),
      with grade id ``<exercise id>-answer`` (``-answer-2`` for a second cell of
      the same exercise), the exercise being the one in the cell's ``coursekit``
      metadata, else ``answer-<cell id>``.
    - A code cell that calls ``check("<exercise id>", ...)`` is an autograder
      test (``grade``, locked) with grade id ``<exercise id>`` and the
      exercise's points: under nbgrader, the check raises when the answer is
      not right, so the cell earns its points exactly when the check passes.
    - A markdown cell with a solution block is a manually graded answer worth
      0 points (the course's exercises are all checked code; neither nbgrader's
      autograder nor ``coursekit grade`` can score prose).
    - Every other cell is read-only (``locked``), grade id ``cell-<cell id>``.

    Parameters
    ----------
    notebook : NotebookNode
        A solution notebook.
    name : str
        Names the notebook in error messages (its path).
    exercises : dict, optional
        Exercise id -> :class:`coursekit.checks.ExerciseSpec`; default: the course's.

    Returns
    -------
    list of dict
        One ``nbgrader`` metadata dict per cell, in order.

    Raises
    ------
    AssignError
        When the cells do not make a consistent nbgrader assignment: a check of
        an unknown exercise or of another notebook's, an exercise checked twice
        or never, a check in a cell with a solution block, a check cell whose
        ``coursekit`` metadata names another exercise, malformed markers.
    """
    if exercises is None:
        from ..checks import EXERCISES as exercises
    stem = Path(name).stem
    coursekit = notebook.metadata.get("coursekit")
    if isinstance(coursekit, dict) and isinstance(coursekit.get("notebook"), str):
        stem = coursekit["notebook"]
    derived, checked, answers = [], {}, {}
    for index, cell in enumerate(notebook.cells):
        key = cell.get("id") or f"{index:03d}"
        where = f"{name}, cell {index}" + (f" (id {cell.get('id')})" if cell.get("id") else "")
        if cell.cell_type in ("code", "markdown"):
            # Refuses malformed markers with the cell named, as assigning would.
            strip_solutions(cell.source, markdown=cell.cell_type == "markdown", where=where)
        solution = cell.cell_type in ("code", "markdown") and _has_solution(cell.source)
        calls = ([match["id"] for match in _CHECK_CALL.finditer(cell.source)]
                 if cell.cell_type == "code" else [])
        if solution and calls:
            raise AssignError(f"{where}: calls check({calls[0]!r}, ...) in a cell with a "
                              f"solution block; put the check in a cell of its own, after "
                              f"the answer.")
        if calls:
            if len(set(calls)) > 1:
                raise AssignError(f"{where}: checks several exercises ({', '.join(calls)}); "
                                  f"give each check a cell of its own.")
            exercise_id = calls[0]
            exercise = exercises.get(exercise_id)
            if exercise is None:
                raise AssignError(f"{where}: check({exercise_id!r}, ...) names no exercise; "
                                  f"known ids: {', '.join(exercises)}.")
            if exercise.notebook != stem:
                raise AssignError(f"{where}: exercise {exercise_id!r} belongs to notebook "
                                  f"{exercise.notebook!r}, not {stem!r}.")
            if exercise_id in checked:
                raise AssignError(f"{where}: exercise {exercise_id!r} is already checked in "
                                  f"cell {checked[exercise_id]}; nbgrader needs one test "
                                  f"cell per exercise.")
            tagged = _cell_exercise(cell)
            if tagged is not None and tagged != exercise_id:
                raise AssignError(f"{where}: checks {exercise_id!r} but its coursekit "
                                  f"metadata says exercise {tagged!r}; make them agree.")
            checked[exercise_id] = index
            derived.append(_nbgrader(exercise_id, grade=True, points=exercise.points))
        elif solution:
            exercise_id = _cell_exercise(cell)
            base = f"{exercise_id}-answer" if exercise_id else f"answer-{key}"
            answers[base] = answers.get(base, 0) + 1
            grade_id = base if answers[base] == 1 else f"{base}-{answers[base]}"
            markdown = cell.cell_type == "markdown"
            derived.append(_nbgrader(grade_id, solution=True, grade=markdown,
                                     points=0 if markdown else None))
        else:
            derived.append(_nbgrader(f"cell-{key}"))
    unchecked = [e.id for e in exercises.values() if e.notebook == stem and e.id not in checked]
    if unchecked:
        raise AssignError(f"{name}: no check cell for exercise(s) {', '.join(unchecked)}; "
                          f"nbgrader would not grade them.")
    seen = {}
    for index, metadata in enumerate(derived):
        other = seen.setdefault(metadata["grade_id"], index)
        if other != index:
            raise AssignError(f"{name}: cells {other} and {index} would share the nbgrader "
                              f"grade id {metadata['grade_id']!r}; give one of them another "
                              f"cell id.")
    return derived


def with_nbgrader_metadata(notebook, name="notebook"):
    """A copy of ``notebook`` whose cells carry :func:`nbgrader_metadata`.

    Returns
    -------
    notebook : NotebookNode
    changed : bool
        Whether any cell's ``nbgrader`` metadata differed.
    """
    derived = nbgrader_metadata(notebook, name)
    result = nbformat.from_dict(notebook)
    changed = False
    for cell, metadata in zip(result.cells, derived):
        changed = changed or cell.metadata.get("nbgrader") != metadata
        cell.metadata["nbgrader"] = metadata
    return result, changed


def student_version(notebook, name="notebook"):
    """Return the student version of a solution notebook (a new NotebookNode)."""
    student = nbformat.from_dict(notebook)
    for index, cell in enumerate(student.cells):
        where = f"{name}, cell {index}" + (f" (id {cell.get('id')})" if cell.get("id") else "")
        if cell.cell_type in ("code", "markdown"):
            cell.source = strip_solutions(cell.source, markdown=cell.cell_type == "markdown",
                                          where=where)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata = {k: v for k, v in cell.metadata.items() if k in _KEEP_CELL_METADATA}
    metadata = {k: v for k, v in student.metadata.items() if k in _KEEP_NOTEBOOK_METADATA}
    language = student.metadata.get("language_info", {}).get("name")
    if language:
        metadata["language_info"] = {"name": language}
    student.metadata = metadata
    return student


def render(notebook):
    """The exact text a notebook is written as (nbformat's layout, final newline)."""
    text = nbformat.writes(notebook)
    return text if text.endswith("\n") else text + "\n"


def assign(solutions_dir="solutions", notebooks_dir="notebooks", *, check=False):
    """Write (or, with ``check``, compare) every student notebook.

    Solutions whose nbgrader metadata is out of date (see :func:`nbgrader_metadata`)
    get it rewritten in place; nothing else in them changes.

    Parameters
    ----------
    solutions_dir, notebooks_dir : path-like
    check : bool, default=False
        Write nothing; report which student notebooks and which solutions'
        nbgrader metadata are out of date.

    Returns
    -------
    list of Outcome
        One per solution notebook.

    Raises
    ------
    AssignError
        If any solution has malformed markers or inconsistent exercises (see
        :func:`nbgrader_metadata`). Nothing is written then.
    """
    solutions_dir, notebooks_dir = Path(solutions_dir), Path(notebooks_dir)
    sources = sorted(solutions_dir.glob("*.ipynb"))
    if not sources:
        raise AssignError(f"no solution notebooks (*.ipynb) in {solutions_dir}/")
    rendered, solutions = {}, {}
    for source in sources:
        try:
            notebook = nbformat.read(source, as_version=4)
        except Exception as exc:
            raise AssignError(f"{source}: not a readable notebook ({exc})") from exc
        notebook, metadata_changed = with_nbgrader_metadata(notebook, name=str(source))
        if metadata_changed:
            solutions[source] = render(notebook)
        rendered[source] = render(student_version(notebook, name=str(source)))

    outcomes = []
    for source, text in rendered.items():
        target = notebooks_dir / source.name
        changed = not target.exists() or target.read_text(encoding="utf-8") != text
        outcomes.append(Outcome(source, target, changed, source in solutions))

    if not check:
        for source, text in solutions.items():
            source.write_text(text, encoding="utf-8")
        notebooks_dir.mkdir(parents=True, exist_ok=True)
        for outcome in outcomes:
            if outcome.changed:
                outcome.target.write_text(rendered[outcome.source], encoding="utf-8")
    return outcomes
