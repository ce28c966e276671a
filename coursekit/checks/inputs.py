"""Whether a function answer changed the data it was given (runs next to the answer).

The notebooks pass their own arrays and tables to the learner's functions and read them
again in later cells, so a function that sorts, scales or fills its argument in place
changes what those cells see. Every function exercise is called on cases whose arrays,
tables and lists are compared before and after the call; models and other objects are
left alone (some exercises train the model they are given).
"""

import inspect
import sys

import numpy as np


def _tables():
    """pandas' DataFrame and Series; none before pandas is imported, when no table exists.

    Read from ``sys.modules`` rather than imported: a grader that only reads
    submissions then never imports pandas (a fifth of a second).
    """
    pandas = sys.modules.get("pandas")
    return (pandas.DataFrame, pandas.Series) if pandas is not None else ()


def snapshot(value):
    """A copy of the parts of ``value`` a call could change in place; None for the rest.

    Examples
    --------
    >>> data = np.arange(3)
    >>> kept = snapshot(data)
    >>> data[0] = 7
    >>> unchanged(kept, data)
    False
    """
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, _tables()):
        return value.copy(deep=True)
    if isinstance(value, list):
        return [snapshot(item) for item in value]
    if isinstance(value, tuple):
        return tuple(snapshot(item) for item in value)
    if isinstance(value, dict):
        return {key: snapshot(item) for key, item in value.items()}
    return None


def unchanged(kept, value):
    """Whether ``value`` still equals the :func:`snapshot` ``kept`` taken before the call."""
    if isinstance(kept, np.ndarray):
        return (isinstance(value, np.ndarray) and kept.shape == value.shape
                and kept.dtype == value.dtype
                and np.array_equal(kept, value, equal_nan=kept.dtype.kind in "fc"))
    if isinstance(kept, _tables()):
        return kept.equals(value) and kept.index.equals(value.index)
    if isinstance(kept, (list, tuple)):
        return (type(value) is type(kept) and len(value) == len(kept)
                and all(unchanged(a, b) for a, b in zip(kept, value)))
    if isinstance(kept, dict):
        return (isinstance(value, dict) and kept.keys() == value.keys()
                and all(unchanged(kept[key], value[key]) for key in kept))
    return True


def changed_arguments(func, kept, case):
    """The names of ``func``'s arguments that differ from ``kept`` after ``func(*case)``.

    Examples
    --------
    >>> def scale(images, factor):
    ...     images *= factor
    >>> case = (np.ones(2), 2)
    >>> kept = snapshot(case)
    >>> scale(*case)
    >>> changed_arguments(scale, kept, case)
    ['images']
    """
    if not isinstance(case, tuple):
        return [] if unchanged(kept, case) else [_parameter_names(func, 1)[0]]
    names = _parameter_names(func, len(case))
    return [name for name, before, after in zip(names, kept, case) if not unchanged(before, after)]


def _parameter_names(func, count):
    try:
        names = [p.name for p in inspect.signature(func).parameters.values()
                 if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):  # a builtin or a callable object without a signature
        names = []
    return (names + [f"argument {i + 1}" for i in range(len(names), count)])[:count]
