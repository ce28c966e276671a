"""References stored with the package: what a judge fits, as the pinned versions fit it.

Some judges compare a right answer with a model of their own, fitted on the notebook's
data (seconds of a processor, in the student's check cell as in the grader). The
arrays those fits end at are stored in ``references/<notebook>.npz``: an answer is
compared with the stored array first, and one that matches it is judged without a
fit. Any other answer is compared with the judge's own fit too, so a machine whose
arithmetic ends elsewhere is judged on its own references, only more slowly. A test
per notebook keeps its file equal to what the judge computes.
"""

import pathlib

import numpy as np

FOLDER = pathlib.Path(__file__).with_name("references")


def read(path):
    """The arrays stored in ``path`` by name; empty when the file is missing or unreadable."""
    try:
        with np.load(path, allow_pickle=False) as stored:
            return {name: stored[name] for name in stored.files}
    except (OSError, ValueError):
        return {}


def write(path, arrays):
    """Store ``arrays`` (by name) in ``path``, making its folder if needed."""
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, **arrays)


def reference(stored, compute, matches):
    """``stored`` when ``matches(stored)``, else ``compute()``, the judge's own.

    Parameters
    ----------
    stored : ndarray or None
        The stored reference; None where there is none.
    compute : callable
        Computes the reference (fits, when the judge must).
    matches : callable
        Whether the answer is the stored reference.

    Examples
    --------
    >>> fits = []
    >>> def fit():
    ...     fits.append(1)
    ...     return np.array([1.0, 2.0])
    >>> stored = np.array([1.0, 2.0])
    >>> reference(stored, fit, lambda ref: np.allclose(ref, [1.0, 2.0])), fits
    (array([1., 2.]), [])
    >>> reference(stored, fit, lambda ref: np.allclose(ref, [1.0, 3.0])), fits
    (array([1., 2.]), [1])
    """
    if stored is not None and matches(stored):
        return stored
    return compute()
