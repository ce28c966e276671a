"""The course's data: scikit-learn's bundled digits, flattened and scaled to [0, 1].

The bundled set ships with scikit-learn, so everything here works offline.
"""

from functools import lru_cache

import numpy as np
from sklearn.datasets import load_digits as _sklearn_load_digits
from sklearn.model_selection import train_test_split

#: The largest pixel value in the bundled digits (values run from 0 to 16).
DIGITS_MAX = 16.0

#: Slices of the course's fixed split: the first 1,000 images train,
#: images 1000-1499 are held out.
TRAIN_SLICE = slice(0, 1000)
HELD_OUT_SLICE = slice(1000, 1500)


@lru_cache(maxsize=1)
def _digits_arrays():
    bunch = _sklearn_load_digits()
    X = bunch.data.astype(np.float64) / DIGITS_MAX
    y = bunch.target.astype(np.int64)
    X.flags.writeable = False
    y.flags.writeable = False
    return X, y


def load_digits():
    """Return the 1,797 digits as flat vectors scaled to [0, 1], and their labels.

    Returns
    -------
    X : ndarray of shape (1797, 64)
        One row per image, the 8x8 pixels read row by row, divided by 16
        (the largest value in the data) so every value lies in [0, 1].
    y : ndarray of shape (1797,)
        The digit each image shows, 0-9.

    Notes
    -----
    Each call returns fresh, writable copies, so a learner who modifies
    them cannot corrupt later calls.
    """
    X, y = _digits_arrays()
    return X.copy(), y.copy()


def first_split(X, y):
    """Split into the course's fixed parts: first 1,000 images, then images 1000-1499.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Images, one per row; at least 1,500 rows.
    y : array-like of shape (n_samples,)
        Labels.

    Returns
    -------
    X_train, y_train : the first 1,000 images and labels
    X_held_out, y_held_out : images 1000-1499 and their labels
    """
    X, y = _validate_pair(X, y)
    if len(X) < HELD_OUT_SLICE.stop:
        raise ValueError(
            f"X needs at least {HELD_OUT_SLICE.stop} rows for the course's split; "
            f"got {len(X)}."
        )
    return X[TRAIN_SLICE], y[TRAIN_SLICE], X[HELD_OUT_SLICE], y[HELD_OUT_SLICE]


def stratified_split(X, y, *, test_size=0.2, random_state=0):
    """Stratified train/test split with a fixed seed.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    test_size : float in (0, 1) or int, default=0.2
        Share (or number) of images that go to the test part.
    random_state : int, default=0
        Seed of the shuffle, so every run gives the same split.

    Returns
    -------
    X_train, X_test, y_train, y_test : ndarrays
        In the order of :func:`sklearn.model_selection.train_test_split`.
    """
    X, y = _validate_pair(X, y)
    return train_test_split(
        X, y, test_size=test_size, random_state=random_state, stratify=y
    )


def _validate_pair(X, y):
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim != 2:
        raise ValueError(
            f"X must be 2-D, one flat image per row, shape (n_samples, n_pixels); "
            f"got shape {X.shape}."
        )
    if y.ndim != 1 or len(y) != len(X):
        raise ValueError(
            f"y must be 1-D with one label per row of X ({len(X)} labels); "
            f"got shape {y.shape}."
        )
    return X, y
