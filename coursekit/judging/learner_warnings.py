"""What the warnings a function answer raised mean for its verdict.

Step 1 notes the warnings a learner's function raises on the cases
(:func:`coursekit.checks.spec.noting_warnings`), and they travel with its outputs
as ``warned``. Most leave the result as it is (a ``RuntimeWarning`` for a 0/0
that is then thrown away, a ``FutureWarning`` of a library): a right answer
still passes, and its verdict names the warning, which the check would otherwise
have swallowed. A few say that the result is not to be trusted, whatever it
looks like on this run; the answer fails then, with the warning named.
"""

from ..checks.quoting import quote
from ..checks.results import CORRECT, WRONG, Result
from ..checks.spec import WARNING_CHARS, WARNINGS_KEPT


class UntrustedResult:
    """A warning that says the output cannot be trusted, and what to do instead.

    Attributes
    ----------
    category : str
        The warning's class name, e.g. ``"UserWarning"``.
    starts : str
        How its text starts.
    meaning : str
        What it means for the output, in a sentence.
    hint : str
    """

    def __init__(self, category, starts, meaning, hint):
        self.category, self.starts, self.meaning, self.hint = category, starts, meaning, hint

    def matches(self, entry):
        return entry["category"] == self.category and entry["message"].startswith(self.starts)


#: The warnings after which an output is judged untrustworthy, whatever it holds.
UNTRUSTED = (
    UntrustedResult(
        "UserWarning", "'where' used without 'out'",
        "it used `where=` without `out=`: where the condition is False, numpy writes "
        "nothing, so those entries hold whatever the memory held before. They may come "
        "out right on one run and wrong on the next.",
        "give the function an array to start from as well: `np.divide(a, b, "
        "out=np.zeros_like(a), where=b != 0)` keeps 0 wherever `b` is 0."),
)


def well_formed_warned(warned, n_outputs, n_cases):
    """Whether ``warned`` is what step 1 sends: at most :data:`WARNINGS_KEPT` entries,
    each naming a case that was called, a category and a bounded text.

    Examples
    --------
    >>> well_formed_warned([{"case": 0, "category": "UserWarning", "message": "x"}], 1, 2)
    True
    >>> well_formed_warned([{"case": 3, "category": "UserWarning", "message": "x"}], 1, 2)
    False
    """
    if not isinstance(warned, list) or not 0 < len(warned) <= WARNINGS_KEPT:
        return False
    return all(
        isinstance(entry, dict) and set(entry) == {"case", "category", "message"}
        and type(entry["case"]) is int and 0 <= entry["case"] <= n_outputs
        and entry["case"] < n_cases
        and isinstance(entry["category"], str) and 0 < len(entry["category"]) <= 80
        and isinstance(entry["message"], str) and len(entry["message"]) <= WARNING_CHARS
        for entry in warned)


def untrusted_verdict(exercise, warned, cases):
    """The failing verdict for the first warning of :data:`UNTRUSTED` in ``warned``;
    None when there is none."""
    for entry in warned or ():
        for untrusted in UNTRUSTED:
            if untrusted.matches(entry):
                call = exercise.describe_case(cases[entry["case"]])
                return Result(WRONG, f"{call} warned {_named(entry)}: {untrusted.meaning}",
                              untrusted.hint)
    return None


def with_warnings_named(result, exercise, warned, cases):
    """``result``, a passing one naming the first warning in ``warned``.

    Examples
    --------
    >>> from coursekit.judging import Exercise
    >>> class Half(Exercise):
    ...     answer_name, kind = "half", "function"
    >>> warned = [{"case": 0, "category": "RuntimeWarning", "message": "divide by zero"}]
    >>> result = with_warnings_named(Result(CORRECT, "halved."), Half(), warned, [(1,)])
    >>> result.passed, result.message[:75]
    (True, "halved. It warned, though: half(1) raised RuntimeWarning ('divide by zero')")
    """
    if result.status != CORRECT or not warned:
        return result
    entry = warned[0]
    call = exercise.describe_case(cases[entry["case"]])
    return Result(CORRECT, f"{result.message} It warned, though: {call} raised "
                           f"{_named(entry)}; the result is right all the same, but read "
                           "what the warning says.", result.hint, result.detail, result.secret)


def _named(entry):
    # The category and text come from the kernel: quoted, never trusted as markup.
    category = entry["category"] if entry["category"].isidentifier() else "a warning"
    return f"{category} ({quote(entry['message'])})"
