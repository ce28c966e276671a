"""Step 2 of every exercise, the trusted one: cases, judges, and judging any payload.

:class:`Judge` is what the judge of an exercise adds to its spec
(:class:`coursekit.checks.spec.ExerciseSpec`): the cases a function answer is
called on (the grader draws them from a secret seed), the judge that compares
what was collected with a reference, and the words that explain an error.
:func:`judge_safely` judges whatever a kernel sent, well formed or not; it never
raises. A graded kernel cannot import this package (docs/grading-security.md).
"""

import copy
import dataclasses

import numpy as np

from ..checks.quoting import quote
from ..checks.results import ERROR, MISSING, WRONG, Result
from ..checks.spec import ExerciseSpec, collect_safely
from .learner_warnings import untrusted_verdict, well_formed_warned, with_warnings_named


class Judge:
    """The trusted half of an exercise; a judge class is ``class X(Judge, specs.X)``.

    Subclasses implement :meth:`judge`; those whose answer is a function also
    implement :meth:`cases`.

    Examples
    --------
    >>> from coursekit.checks.results import correct, wrong
    >>> class Double(Exercise):
    ...     id, number, title, answer_name, kind = "00-double", 1, "double", "double", "function"
    ...     def cases(self, seed):
    ...         return [(1,), (seed + 2,)]
    ...     def judge(self, payload, cases):
    ...         ok = all(out == 2 * x for (x,), out in zip(cases, payload["outputs"]))
    ...         return correct("doubled.") if ok else wrong("not doubled.")
    >>> Double().evaluate(lambda x: x + x).passed
    True
    >>> evaluate(Double(), lambda x: x + 1).message
    'not doubled.'
    """

    def cases(self, seed):
        """Inputs, as plain data, on which a function answer is called."""
        return []

    def judge(self, payload, cases):
        raise NotImplementedError

    def describe_case(self, case):
        """How a call on ``case`` reads in feedback, e.g. ``to_vector(array of shape (8, 8))``."""
        return f"{self.answer_name}({', '.join(_describe_argument(a) for a in case)})"

    def expected(self, case):
        """The reference's output on ``case`` (plain data), or None when there is no one
        right output to show (:func:`failing_case` then names the input and the output)."""
        return None

    def shown_output(self, output):
        """What of a collected output a failing case shows: its ``output`` or ``numbers``
        when it has one (the facts around it, such as its type, stay out), else all of it."""
        if isinstance(output, dict):
            for key in ("output", "numbers"):
                if key in output:
                    return output[key]
        return output

    def error_hint(self, case, error):
        """A hint for the error ``error`` (text) raised on ``case``; None for the general one."""
        return None

    def error_message(self, case, error):
        """What the error ``error`` raised on ``case`` means; None to quote it as it is."""
        return None

    def evaluate(self, answer, seed=0, *, detail=False):
        """Judge ``answer`` in this process: :func:`evaluate` on this exercise."""
        return evaluate(self, answer, seed, detail=detail)


class Exercise(Judge, ExerciseSpec):
    """An exercise with both halves in one class (tests, and exercises built on the fly)."""


def _describe_argument(value):
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape}"
    return quote(value)


def judge_safely(exercise, payload, cases, *, detail=False):
    """Run step 2 on whatever step 1 produced; never raises.

    With ``detail`` (the grader asks for it), a failing verdict on a function
    answer carries the case it fails on (:func:`failing_case`) as its
    ``detail``: a few more judgings, which a check cell, printing no detail,
    does not spend.
    """
    result = _judge_payload(exercise, payload, cases)
    if (not detail or result.passed or result.status == MISSING
            or not well_formed(exercise, payload, len(cases))):
        return result
    return dataclasses.replace(result, detail=failing_case(exercise, payload, cases))


def failing_case(exercise, payload, cases):
    """The case a function answer fails on: its call, the expected output, the given one.

    Judges pair outputs with cases in order and stop at the first wrong one,
    so the case to blame is the last of the shortest prefix of cases the
    judge rejects (found by bisection: a few more judgings, only on a failure).
    An answer that raised names the case it raised on.

    Returns
    -------
    str
        Lines ``input``, ``expected`` (when the judge knows one right output:
        :meth:`Judge.expected`) and ``given``, each quote bounded
        (:func:`coursekit.checks.quoting.quote`); ``""`` for a value answer, or
        when no single case is to blame.

    Examples
    --------
    >>> class Double(Exercise):
    ...     id, number, title, answer_name, kind = "00-double", 1, "double", "double", "function"
    ...     def cases(self, seed):
    ...         return [(1,), (2,), (3,)]
    ...     def expected(self, case):
    ...         return 2 * case[0]
    ...     def judge(self, payload, cases):
    ...         ok = all(out == 2 * x for (x,), out in zip(cases, payload["outputs"]))
    ...         return correct("doubled.") if ok else wrong("not doubled.")
    >>> from coursekit.checks.results import correct, wrong
    >>> Double().evaluate(lambda x: 2 * x, detail=True).detail
    ''
    >>> print(Double().evaluate(lambda x: 5 if x == 2 else 2 * x, detail=True).detail)
    input:    double(2)
    expected: 4
    given:    5
    """
    if exercise.kind != "function" or not isinstance(payload, dict):
        return ""
    outputs = payload.get("outputs")
    if "error" in payload:
        index = payload.get("case")
        if not isinstance(index, int) or not 0 <= index < len(cases):
            return ""
        given = f"raised {payload['error']}"
    elif isinstance(outputs, list) and len(outputs) == len(cases) and cases:
        index = _first_failing(exercise, outputs, cases)
        if index is None:
            return ""
        given = quote(exercise.shown_output(outputs[index]))
    else:
        return ""
    lines = [f"input:    {exercise.describe_case(cases[index])}"]
    try:
        expected = exercise.expected(cases[index])
    except Exception:  # a reference that cannot take this case: no expected output shown
        expected = None
    if expected is not None:
        lines.append(f"expected: {_one_line(quote(expected))}")
    return "\n".join(lines + [f"given:    {_one_line(given)}"])


def _one_line(text):
    # numpy's repr breaks long arrays over lines; a detail keeps one line per item.
    return " ".join(text.split())


def _first_failing(exercise, outputs, cases):
    """The index of the last case of the shortest prefix the judge rejects, or None."""
    low, high = 1, len(cases)  # the judge rejects all ``high`` cases; find the fewest
    while low < high:
        middle = (low + high) // 2
        if _judge(exercise, {"outputs": outputs[:middle]}, cases[:middle]).passed:
            low = middle + 1
        else:
            high = middle
    if high < len(cases) or not _judge(exercise, {"outputs": outputs[:high]},
                                       cases[:high]).passed:
        return high - 1
    return None


def _judge_payload(exercise, payload, cases):
    if not well_formed(exercise, payload, len(cases)):
        return Result(ERROR, "the answer could not be read.",
                      "run the notebook from the top in a fresh kernel and make sure every "
                      "cell works.")
    if payload.get("unanswered"):
        return Result(
            MISSING,
            "not answered yet.",
            "replace `...` or the `raise NotImplementedError()` line with your answer and run "
            "that cell, then this one. If that cell showed an error, fix it first: this check "
            "sees only what last ran without error.",
        )
    changed = _changed_inputs(exercise, payload.get("changed"), cases)
    if changed is not None:
        return changed
    if "overwritten" in payload:
        return Result(
            WRONG,
            f"{exercise.describe_case(cases[payload['overwritten']])} returned an array that a "
            "later call changed: the function hands out the same memory every time (an array "
            "kept between calls, or a slice of one), so each result it gave turns into the "
            "next one.",
            "make a new array inside the function on every call (`np.zeros_like(...)`, "
            "`np.empty(...)`, `x.copy()`) and return that one.",
        )
    warned = payload.get("warned")
    untrusted = untrusted_verdict(exercise, warned, cases)
    if untrusted is not None:
        return untrusted
    outputs = payload.get("outputs")
    if "error" in payload:
        if outputs:
            # What worked before the failure may already show the mistake more clearly.
            partial = _judge(exercise, {"outputs": outputs}, cases[: len(outputs)])
            if not partial.passed:
                return partial
        index = payload.get("case")
        case = cases[index] if isinstance(index, int) and 0 <= index < len(cases) else None
        where = f"{exercise.describe_case(case)} raised" if case is not None else "your code raised"
        hint = (case is not None and exercise.error_hint(case, str(payload["error"]))) or (
            "read the error, fix the cell with your answer, run it, then run this one again."
        )
        message = case is not None and exercise.error_message(case, str(payload["error"]))
        return Result(ERROR, message or f"{where} {payload['error']}", hint)
    if exercise.kind == "function" and isinstance(outputs, list):
        for case, output in zip(cases, outputs):
            if output is None:
                return Result(
                    WRONG,
                    f"{exercise.describe_case(case)} returned None.",
                    "did you forget `return` (or use `print` instead)? A function hands its "
                    "result back with `return`.",
                )
    return with_warnings_named(_judge(exercise, payload, cases), exercise, warned, cases)


def _changed_inputs(exercise, changed, cases):
    """The verdict on a function that changed its arguments in place; None if it did not."""
    if changed is None:
        return None
    names = ", ".join(_argument_name(name) for name in changed["names"])
    return Result(
        WRONG,
        f"{exercise.describe_case(cases[changed['case']])} changed {names} in place. The "
        "notebook passes its own data to this function and reads it again in the cells "
        "below, so they would see other values.",
        "work on a copy, or build a new result: `x / n` instead of `x /= n`, `np.sort(y)` "
        "instead of `y.sort()`, `x.copy()` before filling or shifting.",
    )


def _argument_name(name):
    # The names come from the kernel: only a short identifier is quoted as it is.
    if name.isidentifier() and len(name) <= 40:
        return f"`{name}`"
    return name if name in _NUMBERED else "an argument"


_NUMBERED = {f"argument {i}" for i in range(1, 17)}


def _judge(exercise, payload, cases):
    try:
        return exercise.judge(payload, cases)
    except Exception as exc:  # an answer of an unexpected form, e.g. a ragged list
        return Result(
            WRONG,
            f"the answer has a form this check did not expect ({type(exc).__name__}: {exc}).",
            "compare the type and shape of your answer with what the exercise asks for.",
        )


def evaluate(exercise, answer, seed=0, *, detail=False):
    """Judge ``answer`` in this process (what a notebook's check cell does); ``detail`` as
    :func:`judge_safely` has it."""
    cases = exercise.cases(seed)
    # The answer gets copies, as in the grader, where the cases travel to the kernel:
    # a function that changes its arguments in place must not change what it is judged
    # against (the judge's own references, e.g. a log-loss, would meet its values).
    payload = collect_safely(exercise, answer, copy.deepcopy(cases))
    return judge_safely(exercise, payload, cases, detail=detail)


def well_formed(exercise, payload, n_cases):
    """Whether ``payload`` has a shape step 1 can produce for ``n_cases`` cases.

    Judges pair outputs with cases, so a payload with fewer outputs than cases
    would otherwise be judged on fewer cases; one from elsewhere (a patched
    kernel) may hold anything.
    """
    if not isinstance(payload, dict):
        return False
    keys = set(payload)
    if keys == {"unanswered"}:
        return payload["unanswered"] is True
    if keys == {"error"}:
        return isinstance(payload["error"], str)
    if exercise.kind != "function":
        return keys == {"value"}
    outputs = payload.get("outputs")
    if not isinstance(outputs, list):
        return False
    if keys == {"outputs"}:
        return len(outputs) == n_cases
    if "warned" in keys:
        if not well_formed_warned(payload["warned"], len(outputs), n_cases):
            return False
        keys = keys - {"warned"}
    if "changed" in keys:
        if not _well_formed_changed(payload["changed"], len(outputs)):
            return False
        keys = keys - {"changed"}
    if "overwritten" in keys:
        overwritten = payload["overwritten"]
        if not (type(overwritten) is int and 0 <= overwritten < len(outputs) - 1):
            return False
        keys = keys - {"overwritten"}
    if keys == {"outputs"}:
        return len(outputs) == n_cases
    case = payload.get("case")
    return (keys == {"outputs", "error", "case"} and isinstance(payload["error"], str)
            and type(case) is int and case == len(outputs) < n_cases)


def _well_formed_changed(changed, n_outputs):
    """Whether ``changed`` names a case that returned and at least one argument by name."""
    if not isinstance(changed, dict) or set(changed) != {"case", "names"}:
        return False
    case, names = changed["case"], changed["names"]
    return (type(case) is int and 0 <= case < n_outputs and isinstance(names, list)
            and 0 < len(names) <= 16 and all(isinstance(name, str) for name in names))
