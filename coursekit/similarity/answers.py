"""A submission's own code: its code cells, less what the student version gave.

The student version (``notebooks/``) hands every student the same code: the
imports, the cells that load and plot, the check cells, and in each exercise
cell the ``def`` line, the docstring and ``raise NotImplementedError()``. Two
honest students share all of it, so it is left out before anything is compared:
a code cell the student version has unchanged is dropped whole, and in the
cells that remain (answers, edited cells, cells the student added) a line the
student version has, white space aside, is dropped.
"""

from dataclasses import dataclass

#: The most characters of a student's own code compared. A course answer is a few
#: thousand; a submission padded with megabytes of code would otherwise hold up
#: the tokenizer (seconds per 100,000 characters) for the whole class.
MAX_CHARACTERS = 100_000


@dataclass(frozen=True)
class GivenCode:
    """What the student version of one notebook gives every student.

    Attributes
    ----------
    cells : frozenset of str
        Its code cells, stripped of leading and trailing white space.
    lines : frozenset of str
        Every line of its code cells, stripped, except empty ones.
    """

    cells: frozenset = frozenset()
    lines: frozenset = frozenset()


@dataclass(frozen=True)
class AnswerCode:
    """One student's own code in one notebook.

    Attributes
    ----------
    text : str
        The kept cells, in notebook order, each headed by a ``# cell N``
        comment (comments are not compared, so the headings match nothing).
    cells : tuple of int
        The numbers of the kept cells, counted from 1 among all cells.
    cut : bool
        Whether the code was longer than :data:`MAX_CHARACTERS` and cut there.
    """

    text: str
    cells: tuple = ()
    cut: bool = False


def given_code(cells):
    """What a student version gives: its code cells and their lines.

    Parameters
    ----------
    cells : iterable of str
        The sources of the student version's code cells.

    Returns
    -------
    GivenCode

    Examples
    --------
    >>> given = given_code(["import numpy as np", "def f(x):\\n    raise NotImplementedError()"])
    >>> sorted(given.lines)
    ['def f(x):', 'import numpy as np', 'raise NotImplementedError()']
    """
    sources = [source for source in cells if isinstance(source, str)]
    return GivenCode(
        cells=frozenset(source.strip() for source in sources),
        lines=frozenset(line.strip() for source in sources for line in source.splitlines()
                        if line.strip()))


def answer_code(cells, given=GivenCode(), limit=MAX_CHARACTERS):
    """A student's own code: ``cells`` without what ``given`` already has.

    Parameters
    ----------
    cells : iterable of (int, str)
        Each code cell's number and source, in notebook order.
    given : GivenCode, optional
        The student version's code; nothing is left out without it.
    limit : int, default=MAX_CHARACTERS
        The most characters kept.

    Returns
    -------
    AnswerCode

    Examples
    --------
    >>> given = given_code(["def f(x):\\n    # YOUR CODE HERE\\n    raise NotImplementedError()",
    ...                     "check('f', f)"])
    >>> code = answer_code([(1, "def f(x):\\n    return 2 * x"), (2, "check('f', f)")], given)
    >>> print(code.text)
    # cell 1
        return 2 * x
    >>> code.cells
    (1,)
    """
    parts, kept = [], []
    for number, source in cells:
        if source.strip() in given.cells:
            continue
        lines = [line for line in source.splitlines()
                 if line.strip() and line.strip() not in given.lines]
        if lines:
            kept.append(number)
            parts.append("\n".join([f"# cell {number}", *lines]))
    text = "\n".join(parts)
    return AnswerCode(text[:limit], tuple(kept), len(text) > limit)
