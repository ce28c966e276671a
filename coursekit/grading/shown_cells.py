"""What of a submission its report page shows: its cells as the grader read them, bounded.

The page is built from the bytes grading read
(:func:`~coursekit.grading.submissions.read_submission`), never from a second
open of the path: between the two, the path could have become a link to a
classmate's notebook or to the instructor's solutions. A file refused before
it was read shows nothing of its content, only its reason.
"""

from coursekit.checks.quoting import shorten

#: Characters of one cell's source shown.
CELL_CHARS = 20_000
#: Characters of all the cells of one notebook shown.
NOTEBOOK_CHARS = 400_000


def shown_cells(raw_cells):
    """(number, kind, source) of every cell of a parsed notebook, cut to the limits above.

    Parameters
    ----------
    raw_cells : list
        The notebook's ``cells``, as parsed (anything a learner wrote).

    Returns
    -------
    tuple of (int, str, str)
        ``kind`` is ``"code"`` or ``"markdown"``; past :data:`NOTEBOOK_CHARS`
        the last entry is a markdown note saying how many cells are not shown.

    Examples
    --------
    >>> shown_cells([{"cell_type": "code", "source": ["x = ", "1"]}, "odd"])
    ((1, 'code', 'x = 1'),)
    """
    cells, left = [], NOTEBOOK_CHARS
    for number, cell in enumerate(raw_cells, start=1):
        if not isinstance(cell, dict):
            continue
        if left <= 0:
            cells.append((number, "markdown", f"(cells {number} to {len(raw_cells)} are not "
                                              f"shown: the page shows {NOTEBOOK_CHARS:,} "
                                              f"characters of a notebook at most)"))
            break
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(part for part in source if isinstance(part, str))
        source = shorten(source if isinstance(source, str) else "", min(CELL_CHARS, left))
        left -= len(source)
        cells.append((number, "code" if cell.get("cell_type") == "code" else "markdown", source))
    return tuple(cells)
