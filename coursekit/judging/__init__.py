"""The trusted side of every exercise: cases, references, judges, hints, mistake simulators.

``nbNN`` holds the judges of notebook NN's exercises, each a subclass of its
spec in :mod:`coursekit.checks` (``class ScalePixels(Judge, specs.ScalePixels)``),
and :mod:`.base` the machinery every judge shares. The grader imports this
package; a graded kernel cannot (the sandbox hides it), and nothing in
:mod:`coursekit.checks` imports it statically. A notebook's judges are imported
when one of its exercises is asked for.
"""

from ..checks import registry
from .base import Exercise, Judge, evaluate, judge_safely, well_formed


def __getattr__(name):
    # EXERCISES imports every notebook's judges: only built when asked for.
    if name == "EXERCISES":
        return {spec_id: registry.judge(spec_id) for spec_id in registry.all_specs()}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def get(exercise_id):
    """The judged exercise with this id; a clear KeyError lists the known ids.

    Examples
    --------
    >>> get("01-which-digit").evaluate(4).passed
    True
    """
    try:
        return registry.judge(exercise_id)
    except KeyError:
        raise KeyError(f"unknown exercise id {exercise_id!r}; known ids: "
                       f"{', '.join(registry.all_specs())}") from None


def exercises_for(notebook):
    """The judged exercises of one notebook (its file stem), in order; [] for an unknown one."""
    return registry.judges(notebook)


__all__ = ["EXERCISES", "Exercise", "Judge", "evaluate", "exercises_for", "get",
           "judge_safely", "well_formed"]
