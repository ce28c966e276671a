"""Exercise checks: one per exercise, shared by the notebooks and the grader.

This package is the kernel's side of every exercise (what a learner's or a
graded kernel may import): the check cells' :func:`check` and :func:`progress`,
the exercises' specs (``nb01`` ... ``nb07``), the verdicts (:mod:`.results`), the
wire format (:mod:`.wire`) and the grader's shim (:mod:`.shim`). The judges live
in :mod:`coursekit.judging`, which nothing here imports statically: the
:mod:`.registry` finds a notebook's judges when asked, and a graded kernel, which
cannot see them, prints that the grader judges the answer.

In a notebook, a check cell calls ``check("<exercise id>", answer)``. It prints
a confirmation when the answer is right, what is wrong and a hint when it is
not, and says so when the answer is not given yet. The last cell of each
notebook calls ``progress("<notebook>")``, which lists the notebook's
exercises that pass now. Neither ever raises, except ``check`` under nbgrader
(see :func:`check`).
"""

import difflib
import inspect
import os

from . import registry
from .results import CORRECT, ERROR, MISSING, WRONG, Result
from .spec import ExerciseSpec, collect_safely
from .wire import decode, encode


def __getattr__(name):
    # EXERCISES imports every notebook's specs: only built when asked for.
    if name == "EXERCISES":
        return registry.all_specs()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def get(exercise_id):
    """The :class:`ExerciseSpec` with this id; a clear KeyError lists the known ids.

    Examples
    --------
    >>> get("01-which-digit").heading
    'Exercise 2 (which digit do these scores name?)'
    """
    spec = registry.spec(exercise_id)
    if spec is None:
        raise KeyError(f"unknown exercise id {exercise_id!r}; known ids: "
                       f"{', '.join(registry.all_specs())}")
    return spec


def exercises_for(notebook):
    """The exercise specs of one notebook (its file stem, e.g. ``"01_random_baseline"``)."""
    return registry.specs(notebook)


def _close_matches(word, candidates):
    """Up to three of ``candidates`` that look like ``word`` (a typo), best first."""
    if not isinstance(word, str):
        return []
    close = difflib.get_close_matches(word, candidates, n=3, cutoff=0.6)
    # A prefix such as "03" or "03-back" names its notebook's ids even when it is short.
    close += [c for c in candidates if word and c.startswith(word) and c not in close]
    return close[:3]


def _unknown(kind, name, candidates, how):
    """Text for a name that is not one of ``candidates``, naming the closest ones."""
    close = _close_matches(name, candidates)
    text = f"⚠️ {name!r} is not {kind} of this course."
    if close:
        text += " Did you mean " + " or ".join(repr(c) for c in close) + "?"
    return text + f"\n   Hint: {how}"


def check(exercise_id, answer):
    """Judge ``answer`` to exercise ``exercise_id`` and print the verdict.

    Never raises: an unknown id (a typo in an edited check cell) prints the
    closest known ids instead.

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
    spec = registry.spec(exercise_id)
    if spec is None:
        _report(_unknown("an exercise id", exercise_id, list(registry.all_specs()),
                         "check cells are not meant to be edited: copy the cell's original "
                         "line back, e.g. from a fresh copy of the notebook."), passed=False)
        return
    try:
        exercise = registry.judge(exercise_id)
        if exercise is None:  # a graded kernel: the judges are out of its reach
            print(f"{spec.heading}: the grader judges this answer.")
            return
        result = exercise.evaluate(answer)
    except Exception as exc:  # a check must never stop a notebook, even on its own bug
        result = Result(ERROR, f"the check itself failed ({type(exc).__name__}: {exc}).",
                        "run the notebook from the top in a fresh kernel; if this stays, "
                        "tell your instructor, quoting this message.")
    message = result.describe(spec.heading)
    note = _previous_cell_note(spec.answer_name)
    _report(message + (f"\n⚠️ {note}" if note else ""), passed=result.passed)


def _previous_cell_note(answer_name):
    """What to say when the cell run before this check failed; None when it ran.

    A failed cell leaves the names it would have bound as they were, so a check
    run next judges the learner's previous answer (or an old one) without a
    word: IPython's result of the last cell says whether it failed.
    """
    error = _previous_cell_error()
    if error is None:
        return None
    if isinstance(error, NotImplementedError) and not str(error):
        return ("The cell run just before this check stopped at `raise NotImplementedError()`, "
                "the line that marks an exercise not done yet: once your answer is written "
                "above it, delete that line and run the cell again.")
    described = f"{type(error).__name__}: {error}"[:200]
    return (f"The cell run just before this check stopped with {described}. If that was "
            f"your answer cell, it may have stopped before setting `{answer_name}`, and the "
            "check judged what an earlier run left there: fix the error, run the answer "
            "cell again, then this check.")


def _previous_cell_error():
    """The exception the cell run before the current one stopped with; else None.

    None outside IPython too.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # the course installs IPython; a bare interpreter has none
        return None
    result = getattr(get_ipython(), "last_execution_result", None)
    if result is None or result.success:
        return None
    return result.error_before_exec or result.error_in_exec


def _report(message, *, passed):
    # nbgrader gives an autograder test cell its points exactly when it raises nothing.
    if os.environ.get("NBGRADER_EXECUTION") and not passed:
        raise AssertionError(message)
    print(message)


#: How :func:`progress` groups the verdicts, in the order it lists them.
_GROUPS = (("passed", (CORRECT,)), ("not yet", (WRONG, ERROR)), ("not attempted", (MISSING,)))


def progress(notebook, namespace=None):
    """Print which of ``notebook``'s exercises pass now: passed, not yet, not attempted.

    The last cell of each notebook calls it, e.g. ``progress("01_random_baseline")``.

    It judges each exercise afresh, on what the exercise's answer name (say
    ``to_vector``) holds *now* in the notebook, with the same inputs as the
    check cells. Remembering the last verdict of each check cell instead would
    go stale: an answer edited after its check ran, a check cell skipped, or a
    restarted kernel would all be reported wrongly. Judging the names as they
    are now is also what the grader does with a submission (it reads each answer
    after the exercise's cells), so this list is the best forecast of a grade.

    Never raises: an unknown notebook name prints the closest known ones, and an
    answer that crashes counts as "not yet".

    Parameters
    ----------
    notebook : str
        The notebook's file stem, e.g. ``"01_random_baseline"``.
    namespace : mapping, optional
        Where to read the answers. By default the IPython user namespace when
        running under IPython (a notebook), else the caller's global variables.
    """
    try:
        if isinstance(notebook, str) and notebook.endswith(".ipynb"):
            notebook = notebook[: -len(".ipynb")]  # the file's name is meant
        exercises = registry.judges(notebook)
        if exercises is None:  # a graded kernel: the judges are out of its reach
            print(f"{notebook}: the grader judges these answers.")
            return
        if not exercises:
            notebooks = sorted({spec.notebook for spec in registry.all_specs().values()})
            print(_unknown("a notebook", notebook, notebooks,
                           "pass the notebook's file name without `.ipynb`, e.g. "
                           "`progress(\"01_random_baseline\")`."))
            return
        if namespace is None:
            namespace = _user_namespace(inspect.currentframe().f_back)
        verdicts = [(exercise, _verdict_now(exercise, namespace)) for exercise in exercises]
        print(_progress_text(verdicts))
    except Exception as exc:  # progress is feedback: it must never stop a notebook
        print(f"⚠️ progress could not judge the answers ({type(exc).__name__}: {exc}). "
              "Each exercise's check cell still gives its own verdict.")


def _user_namespace(caller):
    try:
        from IPython import get_ipython
    except ImportError:  # not installed: plain Python
        get_ipython = None
    shell = get_ipython() if get_ipython is not None else None
    if shell is not None:
        return shell.user_ns
    return caller.f_globals if caller is not None else {}


def _verdict_now(exercise, namespace):
    if exercise.answer_name not in namespace:
        return Result(MISSING, "not answered yet.")
    return exercise.evaluate(namespace[exercise.answer_name])


def _progress_text(verdicts):
    passed = sum(result.passed for _, result in verdicts)
    points = sum(exercise.points for exercise, result in verdicts if result.passed)
    total = sum(exercise.points for exercise, _ in verdicts)
    lines = [f"{passed} of {len(verdicts)} exercises pass now ({points} of {total} points)."]
    for word, statuses in _GROUPS:
        group = [(e, r) for e, r in verdicts if r.status in statuses]
        if group:
            lines.append(f"{word}:")
            lines += [f"  {result.symbol} {exercise.heading}" for exercise, result in group]
    if passed < len(verdicts):
        lines.append("For what is missing and a hint, run that exercise's check cell again "
                     "after your answer's cell; then run this cell once more.")
    else:
        lines.append("Every exercise of this notebook passes. Well done!")
    return "\n".join(lines)


__all__ = [
    "CORRECT", "ERROR", "EXERCISES", "ExerciseSpec", "MISSING", "Result", "WRONG", "check",
    "collect_safely", "decode", "encode", "exercises_for", "get", "progress",
]
