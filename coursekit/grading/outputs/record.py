"""The gradebook as an output: each grade recorded in the store, grades.csv a view of it."""

import time

from ..exports import write_view
from ..store import Verdict
from .base import Output, describe_error, warn

#: A rewrite of grades.csv reads the whole gradebook (about a second for 1,400 attempts):
#: while a batch runs, the next waits this many times as long as the last took, so that
#: a small class's file is current after every grade and a large one's costs little.
VIEW_SPACING = 10


def verdicts_of(grade):
    """A :class:`~coursekit.grading.results.Grade`'s exercises as the store's verdicts."""
    return [Verdict(item.exercise.id, item.points, item.exercise.points, item.result.status,
                    item.result.message, item.result.hint, item.result.detail)
            for item in grade.exercises]


class GradebookRecord(Output):
    """Records each grade as a grading of its attempt, in one transaction.

    Parameters
    ----------
    store : coursekit.grading.store.Store
    attempts : dict
        Submission label -> the :class:`~coursekit.grading.store.Attempt` it is.
    regrades : set of int
        Attempts graded again (their gradings are kept beside the first).
    view : path-like or None
        grades.csv, rewritten from the store now and then and at the end
        (:func:`coursekit.grading.exports.write_view`); None writes none.
    deadlines : coursekit.grading.deadlines.Deadlines
    exercise_order : sequence of str
        The exercise ids in course order, for the view's columns.
    """

    what = "gradebook record"

    def __init__(self, store, attempts, regrades, view, deadlines, exercise_order=()):
        self.store, self.attempts, self.regrades = store, attempts, set(regrades)
        self.view, self.deadlines, self.order = view, deadlines, tuple(exercise_order)
        self.recorded, self.kept = set(), []
        self.next_view = time.monotonic()

    def on_result(self, grade, submission):
        attempt = self.attempts[grade.submission]
        self.store.finish(attempt.id, status=grade.status, reason=grade.reason,
                          verdicts=verdicts_of(grade), regrade=attempt.id in self.regrades)
        self.recorded.add(attempt.id)
        if time.monotonic() >= self.next_view:
            self._write_view()

    def failed(self, grade, error):
        # Not recorded: its claim is given back at the end, so a rerun grades it.
        warn(f"the grade of {grade.submission} could not be recorded in "
             f"{self.store.path} ({describe_error(error)}); a rerun grades it again")
        return grade

    def _write_view(self):
        if self.view is None:
            return
        start = time.monotonic()
        kept = write_view(self.store, self.view, self.deadlines, self.order)
        if kept is not None:
            self.kept.append(kept)
            warn(f"{self.view} had been edited since it was written; that copy is kept "
                 f"as {kept}")
        now = time.monotonic()
        self.next_view = now + VIEW_SPACING * (now - start)

    def close(self, finished):
        for attempt in self.attempts.values():
            if attempt.id not in self.recorded and attempt.id not in self.regrades:
                self.store.release(attempt.id)  # claimed, not graded: pending again
        try:
            self._write_view()
        except OSError as exc:
            return f"{self.view} could not be written ({describe_error(exc)})"
        return ""
