"""Notebook 07, exercises 1 and 2: a function that reads the notebook's data from outside.

The kernel lists the notebook's names the function's code reads as globals
(:func:`coursekit.checks.global_reads.global_reads`); only names of
:data:`coursekit.checks.nb07.NOTEBOOK_DATA` count, whatever else the kernel sends.
"""

from ...checks.nb07 import NOTEBOOK_DATA
from ...checks.results import wrong


def outside_slip(function, facts, hint):
    """A wrong() verdict when ``function`` read the notebook's data from outside, else None.

    Parameters
    ----------
    function : str
        The function's name, as the learner wrote it.
    facts : dict
        One call's collected facts; ``"outside"`` lists the names read.
    hint : str
        What to use instead, in the exercise's own words.

    Examples
    --------
    >>> outside_slip("f", {"outside": ["y"]}, "use its parameters.").message[:30]
    "`f` reads the notebook's `y` f"
    >>> outside_slip("f", {"outside": ["np", "print"]}, "") is None
    True
    """
    outside = facts.get("outside")
    if not isinstance(outside, list):
        return None
    names = [name for name in NOTEBOOK_DATA if name in outside]
    if not names:
        return None
    listed = " and ".join(f"`{name}`" for name in names)
    return wrong(f"`{function}` reads the notebook's {listed} from outside the function, "
                 "not only what it is given: on the notebook's own parts its numbers come out "
                 "right, but given any others (a part without some digit) it would still "
                 "read these.",
                 hint)
