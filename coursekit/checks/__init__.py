"""Exercise checks: one per exercise, shared by the notebooks and the grader.

In a notebook, a check cell calls ``check("<exercise id>", answer)``. It prints
a confirmation when the answer is right, what is wrong and a hint when it is
not, and says so when the answer is not given yet. It never raises on a wrong
answer, except under nbgrader (see :func:`check`).
"""

import os

from . import nb01, nb02, nb03, nb04, nb05, nb06, nb07
from .core import (
    CORRECT, ERROR, MISSING, WRONG, Exercise, Result, collect_safely, decode, encode,
    evaluate, judge_safely,
)

_MODULES = (nb01, nb02, nb03, nb04, nb05, nb06, nb07)

#: Every exercise of the course, by id, in course order.
EXERCISES = {exercise.id: exercise for module in _MODULES for exercise in module.EXERCISES}


def get(exercise_id):
    """Return the :class:`Exercise` with this id; a clear KeyError lists the known ids."""
    try:
        return EXERCISES[exercise_id]
    except KeyError:
        raise KeyError(
            f"unknown exercise id {exercise_id!r}; known ids: {', '.join(EXERCISES)}"
        ) from None


def exercises_for(notebook):
    """The exercises of one notebook (its file stem, e.g. ``"01_random_baseline"``)."""
    return [exercise for exercise in EXERCISES.values() if exercise.notebook == notebook]


def check(exercise_id, answer):
    """Judge ``answer`` to exercise ``exercise_id`` and print the verdict.

    Parameters
    ----------
    exercise_id : str
        The exercise's id, as written in the notebook's check cell.
    answer : object
        The value or function the exercise asks for.

    Raises
    ------
    AssertionError
        With the verdict as its message, when the answer is not right and the
        notebook runs under nbgrader (which sets ``NBGRADER_EXECUTION`` when it
        autogrades or validates): an autograder test cell earns its points
        exactly when it raises nothing.
    """
    exercise = get(exercise_id)
    verdict = evaluate(exercise, answer)
    if os.environ.get("NBGRADER_EXECUTION") and not verdict.passed:
        raise AssertionError(verdict.describe(exercise.heading))
    print(verdict.describe(exercise.heading))


__all__ = [
    "CORRECT", "ERROR", "EXERCISES", "Exercise", "MISSING", "Result", "WRONG", "check",
    "collect_safely", "decode", "encode", "evaluate", "exercises_for", "get", "judge_safely",
]
