"""One exercise's answer: the cases sent to the kernel, and the verdict on what comes back."""

import binascii
import dataclasses
import json
import re
import secrets
from dataclasses import dataclass, field

from .. import judging
from ..checks import results as verdicts, wire
from ..checks.bounds import TooLarge
from .results import clean_text

#: The seed the notebooks' check cells use (``coursekit.judging.evaluate``'s default).
PUBLIC_SEED = 0

@dataclass
class Run:
    """What running one cell (or one collection) in the kernel gave."""

    kind: str  # "done", "timeout", "stuck", "dead", "broken"
    ename: str = ""
    detail: str = ""
    answers: list = field(default_factory=list)
    too_large: bool = False
    evalue: str = ""  # the exception's message, when the cell raised one
    line: int | None = None  # the cell's line that raised, when the traceback names it
    outputs: list = field(default_factory=list)  # (kind, text), bounded: .seen_outputs


class Request:
    """One exercise to collect: its public and secret cases, and how to ask for them.

    Parameters
    ----------
    exercise : Exercise
    seed : int, optional
        The seed of the secret cases: the one kept with the submission's attempt,
        so that a regrade judges the same inputs; a new one is drawn by default.
    """

    def __init__(self, exercise, seed=None):
        self.exercise = exercise
        seed = secrets.randbits(64) if seed is None else seed
        self.cases = [exercise.cases(PUBLIC_SEED), exercise.cases(seed)]
        try:
            self.texts = [wire.encode(cases) for cases in self.cases]
        except TypeError as exc:
            raise TypeError(f"the cases of exercise {exercise.id} are not plain data "
                            f"({exc}); fix its cases() in coursekit.judging") from None

    def source(self, folder):
        """The code that collects the answer, its cases written to a file in ``folder``.

        The cases go in a file the kernel reads (the sandbox shows ``folder``
        read-only), not in the code: a kernel parses, compiles and keeps the
        code it runs, and the cases of one exercise of notebook 05 are 12 MB of
        text (3 processor seconds of the kernel's, before its answer is read).

        Parameters
        ----------
        folder : pathlib.Path
            The kernel's cases folder (``Sandbox.cases``).
        """
        path = folder / f"{self.exercise.id}.json"
        path.write_text(json.dumps(self.texts), encoding="utf-8")
        return (f"__import__('coursekit.checks.shim', fromlist=['collect_file'])"
                f".collect_file({self.exercise.id!r}, {self.exercise.answer_name!r}, "
                f"{str(path)!r})")

    def verdict(self, run, timeout):
        """The Result to show for this exercise, and whether it earns its points."""
        name = f"`{self.exercise.answer_name}`"
        if run.kind in ("timeout", "stuck"):
            return verdicts.Result(verdicts.ERROR, f"{name} did not finish within {timeout} s when "
                                           f"the grader called it.",
                               "look for a loop that never ends, or work that need not be "
                               "repeated on every call."), False
        if run.kind != "done":
            return verdicts.Result(verdicts.ERROR, f"the notebook's kernel stopped while {name} "
                                           f"was being graded."), False
        if run.too_large:
            return verdicts.Result(verdicts.ERROR, f"{name} gave an answer too large to grade."), False
        try:
            runs = read_answers(run.answers[-1]) if run.answers else None
        except TooLarge as exc:
            return verdicts.Result(verdicts.ERROR, f"{name} gave an answer too large to grade "
                                                   f"({exc})."), False
        if runs is None or len(runs) != len(self.cases):
            return verdicts.Result(verdicts.ERROR, "no answer could be read back from the notebook.",
                               "run the notebook from the top in a fresh kernel and make "
                               "sure every cell works."), False
        public, secret = (self._judge(payload, cases) for payload, cases in zip(runs, self.cases))
        if not public.passed:
            return public, False
        if not secret.passed:
            # What failed on a secret case is the instructor's to see, never the learner's.
            detail = "\n".join(filter(None, [f"on a secret case: {secret.message}",
                                              secret.detail]))
            return verdicts.Result(verdicts.WRONG, "your answer passes the check in the notebook, but "
                                           "not the grader's tests on other inputs.",
                               "make sure it works for every input the exercise allows, not "
                               "only for the notebook's examples.", detail, True), False
        return public, True

    def _judge(self, payload, cases):
        if isinstance(payload, dict) and len(payload) == 1 and payload.get("undefined") is True:
            return verdicts.Result(verdicts.MISSING, f"`{self.exercise.answer_name}` is not defined "
                                             f"when this exercise is graded.",
                               "define it in the exercise's cell, and run the notebook from "
                               "the top to check that it works.")
        if isinstance(payload, dict) and isinstance(payload.get("error"), str):
            payload = {**payload, "error": clean_text(payload["error"])}
        return judging.judge_safely(self.exercise, payload, cases, detail=True)


def raised_verdict(result, passed, cell=None, run=None):
    """``result``, saying that the exercise's ``cell`` raised in ``run`` when it did not pass.

    An answer cell that raised leaves its answer undefined or unanswered; the
    learner is told the exception (type, message, the line), not "not answered".

    Returns
    -------
    (Result, bool)

    Examples
    --------
    >>> from coursekit.grading.submissions import CodeCell
    >>> cell = CodeCell(12, "x = 1\\ny = np.argmax(scorse)", "01-which-digit")
    >>> run = Run("done", ename="NameError", evalue="name 'scorse' is not defined", line=2)
    >>> result, _ = raised_verdict(verdicts.Result(verdicts.MISSING, "not answered yet."),
    ...                            False, cell, run)
    >>> print(result.message)
    cell 12 of this exercise raised NameError: name 'scorse' is not defined, at line 2: `y = np.argmax(scorse)`.
    """
    # The placeholder `raise NotImplementedError()` is no mistake: not answered yet.
    if passed or cell is None or run.ename == "NotImplementedError":
        return result, passed
    lines = cell.source.splitlines()
    where = (f", at line {run.line}: {code_span(clean_text(lines[run.line - 1].strip(), 200))}"
             if run.line and 0 < run.line <= len(lines) else "")
    said = f"cell {cell.number} of this exercise raised {run.ename}: {run.evalue}{where}."
    if result.status != verdicts.MISSING:
        said += f" Then: {result.message}"
    return dataclasses.replace(
        result, status=verdicts.ERROR, message=said,
        hint="fix that error first: run the cell to see its traceback, then run the "
             "exercise's check again."), False


def code_span(text):
    """``text`` as one Markdown code span, whatever backticks it holds.

    Examples
    --------
    >>> code_span("a`b")
    '``a`b``'
    """
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def read_answers(text):
    """Decode the kernel's answer text with ``wire.decode``; None for anything odd.

    The kernel is the learner's, so its reply may be anything; nothing past
    :data:`coursekit.checks.bounds.WIRE_BOUNDS` is built.

    Raises
    ------
    coursekit.checks.bounds.TooLarge
        If the text would decode to more than the bounds allow.
    """
    try:
        data = wire.decode(text)
    except TooLarge:
        raise
    except (ValueError, TypeError, RecursionError, binascii.Error):
        return None
    return data if isinstance(data, list) else None
