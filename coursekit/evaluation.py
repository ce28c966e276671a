"""Measuring classifiers: the share of images they label correctly.

A classifier, in this course, maps one flat image to 10 scores; its answer is
the index of the largest score.
"""

import numpy as np

from .validation import check_images_and_labels, check_scores


def accuracy(classifier, X, y):
    """Share of the images in ``X`` that ``classifier`` labels correctly, one image at a time.

    Parameters
    ----------
    classifier : callable
        Maps one flat image (a row of ``X``) to 10 finite scores.
    X : array-like of shape (n_images, n_pixels)
    y : array-like of shape (n_images,)

    Returns
    -------
    float
    """
    X, y = check_images_and_labels(X, y, nonempty=True)
    correct = 0
    for index, (image, label) in enumerate(zip(X, y)):
        scores = check_scores(classifier(image), "classifier", where=f" for image {index}")
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
    scores, y = check_images_and_labels(scores, y, name="scores", widths=(10,), nonempty=True)
    return np.count_nonzero(np.argmax(scores, axis=1) == y) / len(y)
