"""Training a scikit-learn network one mini-batch at a time, to watch it learn.

``partial_fit`` lets us stop a model between updates, look at it, and carry
on. :func:`first_layer_snapshots` uses that to keep copies of a network's
first-layer weights after chosen numbers of steps.
"""

import numpy as np
from sklearn.neural_network import MLPClassifier

from .validation import check_images_and_labels, check_whole_number


def minibatches(n_samples, batch_size, *, random_state=0):
    """Endless mini-batches of row indices: each epoch a fresh shuffle, cut in equal parts.

    Parameters
    ----------
    n_samples : int
        How many rows the data has.
    batch_size : int
        Rows per batch, at most ``n_samples``. The last ``n_samples % batch_size``
        rows of each shuffle are left out, so every step sees as many images.
    random_state : int or numpy Generator, default=0
        Seed of the shuffles.

    Returns
    -------
    generator of ndarray of shape (batch_size,)
        Row indices of one batch per ``next``.

    Raises
    ------
    ValueError
        At once, on the call, if a size is not a positive whole number or
        ``batch_size`` exceeds ``n_samples``.
    """
    n_samples = check_whole_number(n_samples, "n_samples")
    batch_size = check_whole_number(batch_size, "batch_size")
    if batch_size > n_samples:
        raise ValueError(f"batch_size must be at most n_samples ({n_samples}); "
                         f"got {batch_size}.")
    # A generator function would check nothing until the first next(); this one
    # checks on the call and hands the loop to a generator.
    return _endless_batches(n_samples, batch_size, np.random.default_rng(random_state))


def _endless_batches(n_samples, batch_size, rng):
    while True:
        order = rng.permutation(n_samples)
        for start in range(0, n_samples - batch_size + 1, batch_size):
            yield order[start:start + batch_size]


def first_layer_snapshots(model, X, y, *, steps, batch_size=32, classes=None, random_state=0):
    """Train a network step by step and copy its first-layer weights at chosen steps.

    One step is one call of ``model.partial_fit`` on one mini-batch, which
    for :class:`~sklearn.neural_network.MLPClassifier` is exactly one update
    of the weights.

    Parameters
    ----------
    model : MLPClassifier
        The network to train, in place, with ``partial_fit``; its first layer
        is ``coefs_[0]``. Its own ``batch_size`` must be ``"auto"`` or at
        least ``batch_size``, so one call makes one update.
    X : array-like of shape (n_samples, n_pixels)
    y : array-like of shape (n_samples,)
    steps : sequence of int
        Increasing step counts after which to copy the weights, e.g. (10, 100, 1000).
    batch_size : int, default=32
    classes : array-like, optional
        Every label the model will ever see (``partial_fit`` needs them on the
        first call); defaults to the labels in ``y``.
    random_state : int, default=0
        Seed of the order in which the images are visited.

    Returns
    -------
    dict of int to ndarray of shape (n_hidden, n_pixels)
        For each step, the first layer's weights with one row per hidden unit
        (the transpose of ``coefs_[0]``), ready for
        :func:`coursekit.plots.plot_weight_tiles`.

    Raises
    ------
    ValueError
        Before any training, if ``model`` is not an MLPClassifier (or takes
        smaller batches), ``steps`` is not an increasing sequence of positive
        whole numbers, or ``X`` and ``y`` do not fit together.
    """
    if not isinstance(model, MLPClassifier):
        # Checked before any training: a linear model such as SGDClassifier has
        # partial_fit too, but no coefs_ to copy.
        raise ValueError(
            f"model must be an MLPClassifier, a network trained with partial_fit whose first "
            f"layer is coefs_[0]; got {type(model).__name__}. A linear model's weights are its "
            f"coef_, one row per class: fit it and pass coef_ to plot_weight_tiles."
        )
    batch_size = check_whole_number(batch_size, "batch_size")
    own_batch = model.batch_size
    if own_batch != "auto" and own_batch < batch_size:
        raise ValueError(
            f"model.batch_size is {own_batch}, smaller than batch_size={batch_size}, so one "
            f"partial_fit call would make several updates; set it to 'auto' or >= {batch_size}."
        )
    try:
        steps = list(steps)
    except TypeError:
        raise ValueError(f"steps must be a sequence of step counts, e.g. (10, 100, 1000), or "
                         f"({steps!r},) for a single one; got {steps!r}.") from None
    steps = [check_whole_number(step, f"steps[{index}]") for index, step in enumerate(steps)]
    if not steps or any(b <= a for a, b in zip(steps, steps[1:])):
        raise ValueError(f"steps must be a non-empty increasing sequence of step counts; "
                         f"got {steps}.")
    X, y = check_images_and_labels(X, y)
    classes = np.unique(y) if classes is None else np.asarray(classes)

    wanted = set(steps)
    batches = minibatches(len(X), batch_size, random_state=random_state)
    snapshots = {}
    for step in range(1, steps[-1] + 1):
        rows = next(batches)
        model.partial_fit(X[rows], y[rows], classes=classes)
        if step in wanted:
            snapshots[step] = model.coefs_[0].T.copy()
    return snapshots

