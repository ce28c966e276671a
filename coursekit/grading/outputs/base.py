"""What every output is, and a batch's outputs composed as one."""

import dataclasses
import sys

from ..results import ERROR, clean_text


def describe_error(exc):
    """``exc`` in a few words for a message: an OSError's own, else its type and text."""
    if isinstance(exc, OSError):
        return str(exc.strerror or exc)
    return f"{type(exc).__name__}: {exc}"


class Output:
    """Something a batch makes of each grade: a file, a line, a page.

    Subclasses override :meth:`on_result` and, if they write at the end,
    :meth:`close`; :meth:`failed` says what an error in :meth:`on_result`
    means for that submission's row.
    """

    #: What it is, in "its ... could not be written".
    what = "output"

    def on_result(self, grade, submission):
        """Take one submission's ``grade`` (``submission`` is the file graded)."""

    def failed(self, grade, error):
        """The grade to record when :meth:`on_result` raised ``error`` for it.

        By default the row says so with status ``error``: the grade stands, but
        a rerun grades the submission again and writes the output then.
        """
        note = f"its {self.what} could not be written ({describe_error(error)})"
        return dataclasses.replace(
            grade, status=ERROR, reason=clean_text("; ".join(filter(None, [grade.reason, note]))))

    def close(self, finished):
        """End the batch: ``finished`` is False when it was interrupted or failed.

        Returns
        -------
        str
            What could not be done, or "".
        """
        return ""


class Outputs:
    """A batch's outputs, in order: each grade goes through every one of them.

    An error in one output, for one grade, is that grade's problem
    (:meth:`Output.failed`), never the batch's: the outputs after it still
    get the grade, as that output left it.

    Parameters
    ----------
    outputs : list of Output
        In the order they take each grade; those that change the row (the
        feedback: status ``error`` when it could not be written) come before
        the grades file.

    Examples
    --------
    >>> class Broken(Output):
    ...     what = "page"
    ...     def on_result(self, grade, submission):
    ...         raise OSError(28, "No space left on device")
    >>> class Seen(Output):
    ...     def on_result(self, grade, submission):
    ...         print(grade.status, grade.reason)
    >>> from coursekit.grading.results import Grade
    >>> Outputs([Broken(), Seen()]).on_result(Grade("a.ipynb", None, (), "ok"), None).status
    error its page could not be written (No space left on device)
    'error'
    """

    def __init__(self, outputs):
        self.outputs = list(outputs)

    def on_result(self, grade, submission):
        """Hand ``grade`` to every output in turn; return it as the last one got it."""
        for output in self.outputs:
            try:
                output.on_result(grade, submission)
            except Exception as exc:  # that row's problem, never the batch's
                grade = output.failed(grade, exc)
        return grade

    def close(self, finished):
        """Close every output, even when one fails; return what could not be done."""
        problems = []
        for output in self.outputs:
            try:
                problem = output.close(finished)
            except Exception as exc:  # the others still close; its message names it
                problem = str(exc)
            if problem:
                problems.append(problem)
        return problems


def warn(message):
    """``message`` on stderr, as ``coursekit grade`` says what it could not do."""
    print(f"coursekit grade: {message}", file=sys.stderr, flush=True)
