"""What grading one submission gives: its status, and the points of each exercise."""

import re
from dataclasses import dataclass

from .. import judging
from ..checks import results as verdicts

# Statuses of a submission, from a clean run to no run at all.
OK, TIMEOUT, MEMORY, CRASHED, INVALID, ERROR = (
    "ok", "timeout", "memory", "crashed", "invalid", "error")
SEVERITY = {OK: 0, TIMEOUT: 1, MEMORY: 2, CRASHED: 3}

#: Characters of learner-controlled text kept in a message.
MAX_TEXT = 300


def clean_text(text, limit=MAX_TEXT):
    """Learner-controlled text made safe for one line of a CSV or a message."""
    text = re.sub(r"[\x00-\x1f\x7f]+", " ", str(text)).strip()
    return text if len(text) <= limit else text[: limit - 3] + "..."


@dataclass(frozen=True)
class ExerciseGrade:
    """The grade of one exercise: the verdict the learner is shown, and the points."""

    exercise: judging.Exercise
    result: verdicts.Result
    points: int


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
    """

    submission: str
    notebook: str | None
    exercises: tuple
    status: str
    reason: str = ""
    sha256: str = ""

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


def ungraded(submission, status, reason):
    exercises = ()
    if submission.notebook:
        note = verdicts.Result(verdicts.ERROR, f"not graded: {reason}.")
        exercises = tuple(ExerciseGrade(e, note, 0)
                          for e in judging.exercises_for(submission.notebook))
    return Grade(submission.label, submission.notebook, exercises, status, clean_text(reason),
                 submission.sha256)


