"""What the later cells of notebook 06 read again, as the judges expect to find it.

The four parts of the split, the final model ``best_model`` and the search's refit
``search.best_estimator_`` are read by cells after the exercise that might change
them, and by the progress cell that checks every exercise again. Each judge that
runs after such a change names it first, so that a learner is sent to the cell that
made it rather than to an exercise whose code is right.
"""

import numbers

import numpy as np

from ...checks import nb06 as specs
from .parts import MNIST_TEST_SIZE, MNIST_TRAIN_SIZE, digits_split

#: How the notebook names its parts in a message.
PART_WORDS = {"X_train": "training images", "y_train": "training labels",
              "X_test": "test images", "y_test": "test labels"}


def _expected_parts(n_features):
    """The fingerprints the split gives on the digits, or on MNIST the shapes only."""
    X_train, X_test, y_train, y_test = digits_split()
    if n_features == X_train.shape[1]:
        return {name: specs.fingerprint(array) for name, array in
                (("X_train", X_train), ("y_train", y_train), ("X_test", X_test),
                 ("y_test", y_test))}
    return {"X_train": {"shape": [MNIST_TRAIN_SIZE, n_features], "min": 0.0, "max": 1.0},
            "y_train": {"shape": [MNIST_TRAIN_SIZE]},
            "X_test": {"shape": [MNIST_TEST_SIZE, n_features], "min": 0.0, "max": 1.0},
            "y_test": {"shape": [MNIST_TEST_SIZE]}}


def _shape(value):
    try:
        return [int(n) for n in value]
    except (TypeError, ValueError):
        return None


def _number(value):
    return float(value) if isinstance(value, numbers.Real) else float("nan")


def _what_changed(got, want, name):
    """How the fingerprint ``got`` differs from ``want`` (words), or None when it does not."""
    shape = _shape(got.get("shape"))
    if shape != want["shape"]:
        what = "no array" if shape is None else f"of shape {tuple(shape)}"
        return f"is now {what}, not the split's {tuple(want['shape'])}"
    if "dtype" in want and got.get("dtype") != want["dtype"]:
        return f"is now of dtype {got.get('dtype')}, not the split's {want['dtype']}"
    low, high = _number(got.get("min")), _number(got.get("max"))
    if name.startswith("X") and not (low >= 0 and high <= 1):
        return (f"holds pixels from {low:.3g} to {high:.3g}, no longer in [0, 1]: it was "
                "standardized or rescaled in place")
    for key in ("sum", "weighted"):
        if key in want and not np.isclose(_number(got.get(key)), want[key], rtol=1e-9):
            return "holds other values (shuffled, sorted, rescaled or overwritten in place)"
    return None


def changed_part(parts, names=tuple(PART_WORDS)):
    """The first of the notebook's arrays ``names`` that changed since the split.

    Parameters
    ----------
    parts : dict
        Fingerprints by name, as :func:`coursekit.checks.nb06.notebook_parts` makes them.
    names : tuple of str
        The arrays to look at, in order.

    Returns
    -------
    tuple of (str, str), or None
        The name and how it changed, in words; None when every one is as the split
        made it, or outside a notebook (no ``X_train`` to look at).
    """
    parts = parts if isinstance(parts, dict) else {}
    X_facts = parts.get("X_train") if isinstance(parts.get("X_train"), dict) else {}
    shape = _shape(X_facts.get("shape"))
    if not shape or len(shape) != 2:
        return None if X_facts.get("type") in (None, "NoneType") else (
            "X_train", "is no longer an array of images")
    expected = _expected_parts(shape[1])
    for name in names:
        got = parts.get(name) if isinstance(parts.get(name), dict) else {}
        words = _what_changed(got, expected[name], name)
        if words is not None:
            return name, words
    return None
