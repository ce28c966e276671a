"""Measuring classifiers: the share of images they label correctly.

A classifier, in this course, maps one flat image to 10 scores; its answer is
the index of the largest score.
"""

import numpy as np


def accuracy(classifier, X, y):
    """Share of the images in ``X`` that ``classifier`` labels correctly, one image at a time.

    Parameters
    ----------
    classifier : callable
        Maps one flat image (a row of ``X``) to 10 scores.
    X : array-like of shape (n_images, n_pixels)
    y : array-like of shape (n_images,)

    Returns
    -------
    float
    """
    X, y = _check_images_and_labels(X, y)
    correct = 0
    for index, (image, label) in enumerate(zip(X, y)):
        scores = np.asarray(classifier(image))
        if scores.shape != (10,):
            raise ValueError(
                f"classifier must return 10 scores for one image, shape (10,); for image "
                f"{index} it returned shape {scores.shape}."
            )
        correct += int(np.argmax(scores) == label)
    return correct / len(y)


def batch_accuracy(scores, y):
    """Share of rows of ``scores`` whose largest entry sits at the label's index.

    The vectorized counterpart of :func:`accuracy`, for classifiers that score a
    whole batch at once.

    Parameters
    ----------
    scores : array-like of shape (n_images, 10)
    y : array-like of shape (n_images,)

    Returns
    -------
    float
    """
    scores, y = _check_images_and_labels(scores, y, name="scores")
    if scores.shape[1] != 10:
        raise ValueError(
            f"scores must hold 10 scores per image, shape (n_images, 10); got {scores.shape}."
        )
    return np.count_nonzero(np.argmax(scores, axis=1) == y) / len(y)


def _check_images_and_labels(X, y, name="X"):
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim != 2:
        raise ValueError(f"{name} must be 2-D, one row per image; got shape {X.shape}.")
    if y.shape != (len(X),):
        raise ValueError(
            f"y must hold one label per row of {name}, shape ({len(X)},); got {y.shape}."
        )
    if len(y) == 0:
        raise ValueError(f"{name} and y are empty; there is nothing to evaluate.")
    return X, y
