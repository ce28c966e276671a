"""Students made of independently written answers, and copies of some, as notebooks.

An honest student picks one of the answers of :mod:`.answers_nb03` for each
exercise, independently of everyone else; a copy is an honest student's
notebook put through :mod:`.transforms`. :func:`make_class` returns both with
the truth (who copied whom, how); :func:`write_class` writes them in nbgrader's
``submitted/<student>/<assignment>/`` layout.
"""

import copy
import json
import random
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from . import answers_nb03

ROOT = Path(__file__).resolve().parents[2]
STUDENT_VERSION = ROOT / "notebooks" / f"{answers_nb03.NOTEBOOK}.ipynb"
_PLACEHOLDER = {"# YOUR CODE HERE", "raise NotImplementedError()"}


@dataclass(frozen=True)
class Student:
    """One student's notebook 03: each answer cell's source, and code cells added at the end.

    Attributes
    ----------
    answers : dict of str to str
        Exercise id -> the whole answer cell (function line, docstring, body);
        an exercise missing keeps the student version's cell.
    appended : tuple of str
        Code cells added after the last cell.
    """

    answers: dict
    appended: tuple = ()

    def cells(self):
        """Every cell of the student's own, keyed by exercise id or ``appended-N``."""
        yield from self.answers.items()
        for number, source in enumerate(self.appended):
            yield f"appended-{number}", source

    def with_cells(self, new):
        """A Student with the cells :meth:`cells` names replaced by ``new``'s."""
        return Student({key: new.get(key, source) for key, source in self.answers.items()},
                       tuple(new.get(f"appended-{n}", source)
                             for n, source in enumerate(self.appended)))


@dataclass
class BenchmarkClass:
    """A generated class and its truth.

    Attributes
    ----------
    students : dict of str to Student
    copies : list of (str, str, str)
        ``(copy, source, transformation)`` for every copy.
    """

    students: dict = field(default_factory=dict)
    copies: list = field(default_factory=list)


def student_version():
    """The student version of notebook 03, as JSON."""
    return json.loads(STUDENT_VERSION.read_text(encoding="utf-8"))


def _answer_cells(notebook):
    cells = {}
    for cell in notebook["cells"]:
        exercise = cell.get("metadata", {}).get("coursekit", {}).get("exercise")
        nbgrader = cell.get("metadata", {}).get("nbgrader", {})
        if cell["cell_type"] == "code" and exercise and nbgrader.get("solution"):
            cells[exercise] = "".join(cell["source"])
    return cells


def answer_cell(given, body):
    """The student version's answer cell ``given`` with ``body`` written in."""
    head = [line for line in given.splitlines() if line.strip() not in _PLACEHOLDER]
    return "\n".join(head) + "\n" + textwrap.indent(textwrap.dedent(body).strip(), "    ")


def honest_student(rng, given):
    """A student who picked one right answer per exercise at random."""
    cells = {}
    for exercise, options in answers_nb03.ANSWERS.items():
        template = rng.choice(options)
        picks = [rng.randrange(count) for count in answers_nb03.choices(template)]
        cells[exercise] = answer_cell(given[exercise], answers_nb03.resolve(template, picks))
    return Student(cells)


def make_class(honest, copies_per_kind, seed=0):
    """``honest`` students, and ``copies_per_kind`` copies by each transformation.

    The kinds are each transformation of :data:`.transforms.TRANSFORMS` alone
    and ``combined`` (three of them). Each copy is of a different honest
    student while there are enough, and changes its source's own code (a
    transformation with nothing to change in a student's code is tried on
    another student).

    Returns
    -------
    BenchmarkClass
    """
    from . import transforms

    rng = random.Random(seed)
    given = _answer_cells(student_version())
    klass = BenchmarkClass()
    names = [f"student{n:03d}" for n in range(honest + copies_per_kind * 7)]
    rng.shuffle(names)  # copies are not told apart by their names
    for name in names[:honest]:
        klass.students[name] = honest_student(rng, given)
    sources = list(names[:honest])
    rng.shuffle(sources)
    kinds = [(name, function) for name, function in transforms.TRANSFORMS.items()]
    kinds.append(("combined", transforms.combined))
    spare = iter(names[honest:])
    for kind, function in kinds:
        for _ in range(copies_per_kind):
            for _attempt in range(20):
                source = sources.pop() if sources else rng.choice(names[:honest])
                made = function(klass.students[source], rng)
                if made != klass.students[source]:
                    break
            name = next(spare)
            klass.students[name] = made
            klass.copies.append((name, source, kind))
    return klass


def notebook_of(student, version=None):
    """``student``'s notebook as JSON: the student version with their cells written in."""
    notebook = copy.deepcopy(version or student_version())
    for cell in notebook["cells"]:
        exercise = cell.get("metadata", {}).get("coursekit", {}).get("exercise")
        if (cell["cell_type"] == "code" and exercise in student.answers
                and cell["metadata"].get("nbgrader", {}).get("solution")):
            cell["source"] = student.answers[exercise]
    for source in student.appended:
        notebook["cells"].append({"cell_type": "code", "execution_count": None,
                                  "metadata": {}, "outputs": [], "source": source})
    return notebook


def write_class(klass, folder):
    """Write every student's notebook in nbgrader's layout under ``folder/submitted``.

    Returns
    -------
    Path
        ``folder/submitted``.
    """
    version = student_version()
    submitted = Path(folder) / "submitted"
    for name, student in klass.students.items():
        target = submitted / name / answers_nb03.NOTEBOOK
        target.mkdir(parents=True, exist_ok=True)
        (target / f"{answers_nb03.NOTEBOOK}.ipynb").write_text(
            json.dumps(notebook_of(student, version)), encoding="utf-8")
    return submitted


def measure(report, klass):
    """Recall per kind of copy and the false-positive rate among independent pairs.

    A copy counts as found when the pair (copy, source) is flagged. Independent
    pairs are those of two students with no source in common.

    Returns
    -------
    dict
        ``recall``: kind -> fraction found; ``false_positive_rate``;
        ``independent_pairs``; ``flagged_independent``.
    """
    origin = {name: name for name in klass.students}
    for name, source, _ in klass.copies:
        origin[name] = source
    flagged = {(pair.student_a, pair.student_b) for pair in report.pairs if pair.flagged}
    found = {}
    for name, source, kind in klass.copies:
        key = tuple(sorted((name, source)))
        found.setdefault(kind, []).append(key in flagged)
    independent = [pair for pair in report.pairs
                   if origin[pair.student_a] != origin[pair.student_b]]
    flagged_independent = [pair for pair in independent if pair.flagged]
    return {"recall": {kind: sum(hits) / len(hits) for kind, hits in found.items()},
            "false_positive_rate": len(flagged_independent) / max(len(independent), 1),
            "independent_pairs": len(independent),
            "flagged_independent": len(flagged_independent)}
