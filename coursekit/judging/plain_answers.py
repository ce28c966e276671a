"""How judges read the plain data a kernel collected: numbers, shapes, and common slips."""

import numpy as np

from ..checks.quoting import quote
from ..checks.results import wrong



def as_float_array(value, shape=None):
    """``value`` as a float array, or None when it is not numbers (of ``shape``)."""
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None
    if shape is not None and array.shape != tuple(shape):
        return None
    return array


def as_float_arrays(value, count):
    """``value`` as a list of ``count`` float arrays (e.g. one per layer), or None.

    :func:`plain` turns a list of equal-shaped arrays into one stacked array and a
    ragged one into a list; both are accepted.
    """
    if isinstance(value, np.ndarray) and value.ndim >= 2 and len(value) == count:
        return [np.asarray(part, dtype=float) for part in value]
    if isinstance(value, list) and len(value) == count:
        parts = [as_float_array(part) for part in value]
        return None if any(part is None for part in parts) else parts
    return None


def percentages(got, expected):
    """A wrong() verdict when ``got`` is ``expected`` (shares in [0, 1]) in percent, else None.

    Shared by every check whose answer is a share, an accuracy or a rate, so that the
    slip gets the same words everywhere.
    """
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    if got.shape == expected.shape and np.any(expected) and np.allclose(got, 100 * expected):
        return wrong("these are percentages.",
                     "give shares between 0 and 1, as `model.score` and `np.mean` return "
                     "them: 0.95, not 95.")
    return None


def object_arrays(parts, name):
    """A wrong() verdict when ``name`` returned arrays of objects for its two lists, else None.

    ``parts`` is what :func:`coursekit.checks.spec.part_types` said of the result.
    """
    if not isinstance(parts, list) or "object array" not in parts:
        return None
    return wrong(f"`{name}` returned numpy arrays of dtype object, not two lists: "
                 "`np.array(...)` cannot make one array of numbers from matrices of "
                 "different shapes, and with `dtype=object` it only boxes them.",
                 "return the lists themselves, `return weights, biases`, without "
                 "`np.array(...)` around them: the network functions (`coursekit.nn` too) "
                 "take a list of matrices and a list of vectors.")


#: What ``[0]`` reads of a pandas table, which an array reads as its first row.
_LABELLED_0 = {"DataFrame": "the column labelled 0", "Series": "the value labelled 0"}


def not_an_array(value, name, shape, why=None):
    """A wrong() verdict when an array-or-not value is not a numpy array, else None.

    ``value`` is what :func:`coursekit.checks.spec.collect_array` or
    :func:`coursekit.checks.spec.array_facts` collected. This is the course's one rule
    for containers (notebook 01 states it): where an exercise asks for an array, a list
    of the right numbers is not yet the answer, because the next cells use array
    operations on it. ``why`` replaces that reason in the hint where no later cell
    reads the answer.
    """
    if value["array"] is True:
        return None
    kind = str(value["type"])
    if kind in ("DataFrame", "Series"):
        # A table has `.T`, `.shape` and `@`; what differs is that it is read by labels.
        return wrong(f"`{name}` is a pandas {kind}, not a numpy array.",
                     f"return a numpy array of shape {shape} (`.to_numpy()` gives the "
                     f"{kind}'s numbers as one): "
                     + (why or "the next cells read it as an array, by position, where "
                        f"`[0]` on a {kind} is {_LABELLED_0[kind]}, not the first row."))
    undo = {"list": "leave out `.tolist()` or `list(...)`, or ",
            "tuple": "leave out `tuple(...)` and the commas that make one, or "}.get(kind, "")
    return wrong(f"`{name}` is {_article(kind)} {kind}, not a numpy array.",
                 f"make it a numpy array of shape {shape}: {undo}put `np.array(...)` around "
                 f"your {kind}: "
                 + (why or "the next cells use array operations such as `.T`, `.shape` and "
                    "`@` on it."))


def _article(word):
    return "an" if word[:1].lower() in "aeiou" else "a"


def describe_shape(value):
    if isinstance(value, str) and value.startswith("<a ") and value.endswith(">"):
        return value[1:-1]  # what plain_or_name made of an object that is not numbers
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, list):
        # The wire carries tuples as lists: only the kernel knew which one it was.
        return f"a list or tuple of {len(value)} items"
    return f"{type(value).__name__} {quote(value)}"
