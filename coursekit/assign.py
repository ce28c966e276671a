"""Write the student notebooks (notebooks/) from the solutions (solutions/).

In a solution, the code of an exercise sits between nbgrader's markers::

    ### BEGIN SOLUTION
    answer = 42
    ### END SOLUTION

The student version replaces each such block with a placeholder, clears every
output and execution count, and drops metadata that changes from run to run,
so that assigning twice gives byte-identical files.
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
_KEEP_CELL_METADATA = ("tags", "coursekit", "editable", "deletable")
_KEEP_NOTEBOOK_METADATA = ("kernelspec", "coursekit")


class AssignError(ValueError):
    """A solution notebook cannot be turned into a student notebook."""


@dataclass(frozen=True)
class Outcome:
    """What assigning did (or, with ``check``, would do) to one student notebook."""

    source: Path
    target: Path
    changed: bool


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

    Parameters
    ----------
    solutions_dir, notebooks_dir : path-like
    check : bool, default=False
        Write nothing; report which student notebooks are out of date.

    Returns
    -------
    list of Outcome
        One per solution notebook.

    Raises
    ------
    AssignError
        If any solution has malformed markers. Nothing is written then.
    """
    solutions_dir, notebooks_dir = Path(solutions_dir), Path(notebooks_dir)
    sources = sorted(solutions_dir.glob("*.ipynb"))
    if not sources:
        raise AssignError(f"no solution notebooks (*.ipynb) in {solutions_dir}/")
    rendered = {}
    for source in sources:
        try:
            notebook = nbformat.read(source, as_version=4)
        except Exception as exc:
            raise AssignError(f"{source}: not a readable notebook ({exc})") from exc
        rendered[source] = render(student_version(notebook, name=str(source)))

    outcomes = []
    for source, text in rendered.items():
        target = notebooks_dir / source.name
        changed = not target.exists() or target.read_text(encoding="utf-8") != text
        outcomes.append(Outcome(source, target, changed))

    if not check:
        notebooks_dir.mkdir(parents=True, exist_ok=True)
        for outcome in outcomes:
            if outcome.changed:
                outcome.target.write_text(rendered[outcome.source], encoding="utf-8")
    return outcomes
