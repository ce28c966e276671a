"""What grading one submission gives: its status, and the points of each exercise."""

import re
from dataclasses import dataclass

from ..checks import registry
from ..checks import results as verdicts
from ..checks.quoting import encodable, shorten
from . import seen_outputs

# Statuses of a submission, from a clean run to no run at all.
OK, TIMEOUT, MEMORY, CRASHED, INVALID, ERROR = (
    "ok", "timeout", "memory", "crashed", "invalid", "error")
STATUSES = (OK, TIMEOUT, MEMORY, CRASHED, INVALID, ERROR)
SEVERITY = {OK: 0, TIMEOUT: 1, MEMORY: 2, CRASHED: 3}
# What an exercise's verdict may be.
_VERDICTS = (verdicts.CORRECT, verdicts.WRONG, verdicts.MISSING, verdicts.ERROR)

#: Characters of learner-controlled text kept in a message.
MAX_TEXT = 300


def clean_text(text, limit=MAX_TEXT):
    """Learner-controlled text made safe for one line of a CSV or a message.

    Cut to ``limit`` characters, saying how long it was when cut.

    Examples
    --------
    >>> clean_text("two\\nlines")
    'two lines'
    >>> clean_text("e" * 1000, 40)
    'eeeeeeee… (cut: 1,000 characters in all)'
    """
    text = str(text)
    length = len(text)
    # A huge text is cut before it is cleaned, not copied whole.
    text = re.sub(r"[\x00-\x1f\x7f]+", " ", text[: 4 * limit]).strip()
    if length <= 4 * limit:
        return shorten(text, limit)
    note = f"… (cut: {length:,} characters in all)"
    return encodable(text[: max(0, limit - len(note))] + note)


@dataclass(frozen=True, eq=False)
class ExerciseGrade:
    """The grade of one exercise: the verdict the learner is shown, and the points.

    ``exercise`` is the exercise's spec, or its judge where it was judged (a judge
    is its spec with the trusted half added). Two grades are equal when they give
    the same exercise (by id) the same verdict and points, whichever of the two
    each holds: a grade read back from a worker holds the spec.
    """

    exercise: object
    result: verdicts.Result
    points: int

    def _key(self):
        return self.exercise.id, self.result, self.points

    def __eq__(self, other):
        if not isinstance(other, ExerciseGrade):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self):
        return hash(self._key())


@dataclass(frozen=True)
class Grade:
    """The grade of one submission.

    Attributes
    ----------
    submission : str
        Its label.
    notebook : str or None
    exercises : tuple of ExerciseGrade
        Every exercise of ``notebook``, in order (empty when it is unknown).
    status : {"ok", "timeout", "memory", "crashed", "invalid", "error"}
        ``error`` means the grader could not grade it (not the submission's
        fault); a rerun grades it again.
    reason : str
        What happened, when the status is not ``ok``.
    sha256 : str
        The hash of the file graded (empty when it could not be read).
    outputs : tuple of (int, str, str)
        What the grader saw each cell show, bounded (:mod:`.seen_outputs`):
        the cell's number, the kind of output, its text.
    """

    submission: str
    notebook: str | None
    exercises: tuple
    status: str
    reason: str = ""
    sha256: str = ""
    outputs: tuple = ()

    @property
    def total(self):
        return sum(item.points for item in self.exercises)

    @property
    def max_total(self):
        return sum(item.exercise.points for item in self.exercises) if self.notebook else None

    def row(self):
        """The grades.csv row, as a dict of strings."""
        row = {"submission": self.submission}
        for item in self.exercises:
            row[item.exercise.id] = str(item.points)
        max_total = self.max_total
        row.update(total=str(self.total), max_total="" if max_total is None else str(max_total),
                   status=self.status, reason=self.reason, sha256=self.sha256)
        return row

    def to_data(self):
        """This grade as JSON-ready plain data (exercises by id).

        Examples
        --------
        >>> Grade("a.ipynb", None, (), INVALID, "not a notebook").to_data()["status"]
        'invalid'
        """
        return {"submission": self.submission, "notebook": self.notebook,
                "status": self.status, "reason": self.reason, "sha256": self.sha256,
                "exercises": [[item.exercise.id, item.result.status, item.result.message,
                               item.result.hint, item.points, item.result.detail,
                               item.result.secret] for item in self.exercises],
                "outputs": [list(output) for output in self.outputs]}

    @classmethod
    def from_data(cls, data, submission):
        """The grade of ``submission`` that :meth:`to_data` gave (on a cluster's worker).

        It is checked against this process's own list of the notebook's
        exercises (their specs: reading a grade back judges nothing, so it
        imports no judge): the same exercises in the same order, points within
        each one's maximum, a known status.

        Raises
        ------
        ValueError
            If ``data`` is not a grade of ``submission``.

        Examples
        --------
        >>> grade = Grade("a.ipynb", None, (), INVALID, "not a notebook")
        >>> class Submission:
        ...     label, notebook = "a.ipynb", None
        >>> Grade.from_data(grade.to_data(), Submission) == grade
        True
        """
        exercises = registry.specs(data["notebook"]) if data["notebook"] else []
        items = data["exercises"]
        if (data["submission"] != submission.label or data["notebook"] != submission.notebook
                or [item[0] for item in items] != [e.id for e in exercises]):
            raise ValueError(f"a worker sent a grade that is not {submission.label}'s")
        graded = []
        for exercise, (_, status, message, hint, points, detail, secret) in zip(exercises,
                                                                               items):
            if status not in _VERDICTS or not 0 <= int(points) <= exercise.points:
                raise ValueError(f"a worker sent a malformed grade for {exercise.id}")
            graded.append(ExerciseGrade(exercise, verdicts.Result(status, message, hint, detail,
                                                                  bool(secret)), int(points)))
        if data["status"] not in STATUSES:
            raise ValueError(f"a worker sent a grade of unknown status for {submission.label}")
        return cls(submission.label, submission.notebook, tuple(graded), data["status"],
                   data["reason"], data["sha256"], seen_outputs.checked(data.get("outputs", [])))


def ungraded(submission, status, reason):
    """The grade of a ``submission`` whose answers were not judged: every exercise 0."""
    exercises = ()
    if submission.notebook:
        note = verdicts.Result(verdicts.ERROR, f"not graded: {reason}.")
        exercises = tuple(ExerciseGrade(e, note, 0)
                          for e in registry.specs(submission.notebook))
    return Grade(submission.label, submission.notebook, exercises, status, clean_text(reason),
                 submission.sha256)


