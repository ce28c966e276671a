"""Write the course as an nbgrader course directory: ``coursekit export nbgrader DIR``.

The directory holds what nbgrader reads from an instructor's course folder::

    DIR/nbgrader_config.py
    DIR/source/<assignment>/<notebook>.ipynb

The source notebooks are the solutions with their nbgrader cell metadata
(:func:`coursekit.authoring.assign.nbgrader_metadata`, derived afresh, so the export is
consistent even where solutions/ was not re-assigned). By default each notebook
is an assignment of its own, named after it; ``assignment`` puts all of them in
one. ``nbgrader generate_assignment`` then writes release versions whose cells
match the student notebooks of notebooks/.
"""

import json
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .assign import (
    CODE_PLACEHOLDER, MARKDOWN_PLACEHOLDER, AssignError, render, with_nbgrader_metadata,
)

#: Names nbgrader accepts for an assignment and that are safe as a folder name anywhere.
_ASSIGNMENT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")

#: Seconds a cell may run when nbgrader autogrades. nbgrader's default, 30, is less
#: than the slowest cells (grid search, training) take on a busy hub.
CELL_TIMEOUT = 600

CONFIG = f'''\
# nbgrader configuration for the course "Classifying handwritten digits, from a coin
# toss to a neural network", written by `coursekit export nbgrader`. Run nbgrader from
# this folder, in an environment where coursekit is installed (the kernels import it).
c = get_config()

# The id your JupyterHub's exchange knows the course by; change it to yours.
c.CourseDirectory.course_id = "digits"

# The course's own placeholders (nbgrader's defaults today), so that the release
# versions nbgrader writes match the student notebooks of notebooks/ cell for cell.
c.ClearSolutions.code_stub = {{"python": {json.dumps(chr(10).join(CODE_PLACEHOLDER))}}}
c.ClearSolutions.text_stub = {json.dumps(chr(10).join(MARKDOWN_PLACEHOLDER))}

# Seconds each cell may run when autograding (nbgrader's default, 30, is less than a
# grid search or a training run can take on a busy machine).
c.Execute.timeout = {CELL_TIMEOUT}
'''


class ExportError(ValueError):
    """The course cannot be exported as asked; nothing was written."""


@dataclass(frozen=True)
class Written:
    """One file of the export and whether it was written (False: already identical)."""

    path: Path
    changed: bool


def nbgrader_course(course_dir, solutions_dir="solutions", *, assignment=None, force=False):
    """Write (or bring up to date) an nbgrader course directory for the course.

    Parameters
    ----------
    course_dir : path-like
        The course directory to write; created if missing.
    solutions_dir : path-like, default="solutions"
        Where the solution notebooks are.
    assignment : str, optional
        Put every notebook in this one assignment. Default: each notebook is
        an assignment named after it (``source/01_random_baseline/...``).
    force : bool, default=False
        Overwrite files that exist with other content (a ``nbgrader_config.py``
        you edited, a source notebook changed by hand). Without it such files
        stop the export before anything is written.

    Returns
    -------
    list of Written
        Every file of the export, ``nbgrader_config.py`` first.

    Raises
    ------
    ExportError
        For an invalid assignment name, a solution that cannot be read or
        assigned, or (without ``force``) files that would be overwritten.
    """
    course_dir, solutions_dir = Path(course_dir), Path(solutions_dir)
    if course_dir.exists() and not course_dir.is_dir():
        raise ExportError(f"course_dir must be a directory; {course_dir} is a file")
    above = next(p for p in (course_dir, *course_dir.parents) if p.exists())
    if not above.is_dir():  # checked before anything is written
        raise ExportError(f"course_dir must be a directory; {above} is a file, so "
                          f"{course_dir} cannot be made")
    if assignment is not None and not (isinstance(assignment, str)
                                       and _ASSIGNMENT_NAME.match(assignment)):
        raise ExportError(f"assignment must be a name of letters, digits, '-' and '_', "
                          f"starting with a letter or digit; got {assignment!r}")
    sources = sorted(solutions_dir.glob("*.ipynb"))
    if not sources:
        raise ExportError(f"no solution notebooks (*.ipynb) in {solutions_dir}/")
    files = {course_dir / "nbgrader_config.py": CONFIG}
    for source in sources:
        try:
            notebook = nbformat.read(source, as_version=4)
            notebook, _ = with_nbgrader_metadata(notebook, name=str(source))
        except AssignError as exc:
            raise ExportError(str(exc)) from exc
        except Exception as exc:
            raise ExportError(f"{source}: not a readable notebook ({exc})") from exc
        folder = assignment or source.stem
        files[course_dir / "source" / folder / source.name] = render(notebook)

    written = [Written(path, not path.exists() or path.read_text(encoding="utf-8") != text)
               for path, text in files.items()]
    clashes = [w.path for w in written if w.changed and w.path.exists()]
    if clashes and not force:
        raise ExportError("these files exist with other content (force=True, or "
                          "--force, overwrites them): " + ", ".join(map(str, clashes)))
    for item in written:
        if item.changed:
            item.path.parent.mkdir(parents=True, exist_ok=True)
            item.path.write_text(files[item.path], encoding="utf-8")
    return written
