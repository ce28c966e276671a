"""The verdict on one answer, shared by the kernel's check cells and the grader.

Four statuses: ``correct``, ``wrong``, ``missing`` (not answered yet) and
``error`` (the answer, or reading it, raised).
"""

from dataclasses import dataclass

from .quoting import MESSAGE_CHARS, shorten

CORRECT = "correct"
WRONG = "wrong"
MISSING = "missing"
ERROR = "error"

_SYMBOLS = {CORRECT: "✅", WRONG: "❌", MISSING: "✏️", ERROR: "⚠️"}


@dataclass(frozen=True)
class Result:
    """The verdict on one answer.

    Attributes
    ----------
    status : {"correct", "wrong", "missing", "error"}
    message : str
        What is right or wrong, in a sentence.
    hint : str
        How to make progress (empty when correct).
    detail : str
        The case that failed, when one did: its input, the expected and the
        given output (:func:`coursekit.judging.base.failing_case`); the check
        cell does not print it, the grader keeps it for the instructor.
    secret : bool
        Whether ``detail`` is a case of the grader's secret ones: the learner's
        feedback never shows it.

    Examples
    --------
    >>> print(Result(WRONG, "off by one.", "count from 0.").describe("Exercise 1 (a loop)"))
    ❌ Exercise 1 (a loop): off by one.
       Hint: count from 0.
    """

    status: str
    message: str
    hint: str = ""
    detail: str = ""
    secret: bool = False

    def __post_init__(self):
        # Verdicts quote learners' values; whatever a judge quoted, a verdict stays
        # small in feedback, reports and every copy of them.
        object.__setattr__(self, "message", shorten(str(self.message), MESSAGE_CHARS))
        object.__setattr__(self, "hint", shorten(str(self.hint), MESSAGE_CHARS))
        object.__setattr__(self, "detail", shorten(str(self.detail), MESSAGE_CHARS))

    @property
    def passed(self):
        return self.status == CORRECT

    @property
    def symbol(self):
        """The sign a verdict starts with: ✅, ❌, ✏️ (not answered) or ⚠️ (an error)."""
        return _SYMBOLS[self.status]

    def describe(self, title):
        text = f"{self.symbol} {title}: {self.message}"
        if self.hint:
            text += f"\n   Hint: {self.hint}"
        return text


def correct(message):
    """A passing :class:`Result` saying why.

    Examples
    --------
    >>> correct("right on every case.").passed
    True
    """
    return Result(CORRECT, message)


def wrong(message, hint=""):
    """A failing :class:`Result`: what is wrong, and how to make progress.

    Examples
    --------
    >>> wrong("off by one.", "count from 0.").status
    'wrong'
    """
    return Result(WRONG, message, hint)
