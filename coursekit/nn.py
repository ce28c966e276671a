"""A reference multilayer perceptron, written from scratch with numpy.

This is the network of notebook 03 in vectorized form. Notebook 03's checks
draw their random networks with it and take from it the reference sigmoid
and its derivative, the cost and the gradient steps of training (feed-forward
and backpropagation are judged against a reference of their own in
``coursekit/judging/nb03/``, which also reproduces the common slips).
Notebook 04 uses it to run weights copied out of scikit-learn, and
``benchmarks/train_nn.py`` times its training against scikit-learn's.

Conventions, the same as in the notebooks:

* a network is two lists, ``weights`` and ``biases``; layer ``l`` maps ``n_in``
  units to ``n_out`` units with ``weights[l]`` of shape ``(n_out, n_in)`` and
  ``biases[l]`` of shape ``(n_out,)``;
* every layer, the output layer included, applies the sigmoid;
* an image is a flat vector; a batch holds one image per row;
* the cost is the squared distance between the output and the one-hot target,
  averaged over images (no factor 1/2).
"""

import numpy as np
from scipy.special import expit

from .validation import (check_images_and_labels, check_positive_number, check_rows,
                         check_whole_number)

#: Ways :func:`init_network` can draw the starting weights and biases.
INITS = ("uniform", "normal")


def sigmoid(z):
    """The logistic function 1 / (1 + exp(-z)), element by element.

    Computed with :func:`scipy.special.expit`, which does not overflow for
    large negative ``z``.

    Parameters
    ----------
    z : array-like

    Returns
    -------
    ndarray of the same shape as ``z``
    """
    return expit(np.asarray(z, dtype=float))


def sigmoid_prime(z):
    """The derivative of the sigmoid, sigma(z) * (1 - sigma(z)).

    Parameters
    ----------
    z : array-like
        Weighted inputs (not activations).

    Returns
    -------
    ndarray of the same shape as ``z``
    """
    s = sigmoid(z)
    return s * (1 - s)


def init_network(sizes, *, init="normal", random_state=None):
    """Random weights and biases for a network with these layer sizes.

    Parameters
    ----------
    sizes : sequence of int
        Units per layer, input layer first, e.g. ``[64, 16, 10]``.
    init : {"normal", "uniform"}, default="normal"
        ``"normal"`` draws each layer's weights from a normal distribution
        with standard deviation ``1 / sqrt(n_in)``, so that a unit's weighted
        input starts out neither tiny nor deep in the sigmoid's flat tails,
        and the biases from a standard normal one: a good start for gradient
        descent. ``"uniform"`` draws everything from [0, 1), as the course's
        first random network does: every weight is positive, so every unit
        saturates near 1.
    random_state : int or numpy Generator, optional
        Seed of the draw.

    Returns
    -------
    weights : list of ndarray
        ``weights[l]`` has shape ``(sizes[l + 1], sizes[l])``.
    biases : list of ndarray
        ``biases[l]`` has shape ``(sizes[l + 1],)``.
    """
    sizes = _validate_sizes(sizes)
    if init not in INITS:
        raise ValueError(f"init must be one of {INITS}; got {init!r}.")
    rng = np.random.default_rng(random_state)
    weights, biases = [], []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        if init == "uniform":
            weights.append(rng.random((n_out, n_in)))
            biases.append(rng.random(n_out))
        else:
            weights.append(rng.normal(scale=1 / np.sqrt(n_in), size=(n_out, n_in)))
            biases.append(rng.standard_normal(n_out))
    return weights, biases


def layer_sizes(weights, biases):
    """The number of units in each layer, input first; validates the network.

    Parameters
    ----------
    weights, biases : lists of ndarray
        See the module's conventions.

    Returns
    -------
    list of int

    Raises
    ------
    ValueError
        Naming ``weights`` or ``biases`` and the layer whose shape is wrong.
    """
    if not isinstance(weights, (list, tuple)) or not weights:
        raise ValueError("weights must be a non-empty list with one matrix per layer; "
                         f"got {type(weights).__name__}.")
    if not isinstance(biases, (list, tuple)) or len(biases) != len(weights):
        count = len(biases) if isinstance(biases, (list, tuple)) else type(biases).__name__
        raise ValueError(f"biases must be a list with one vector per layer ({len(weights)}); "
                         f"got {count}.")
    sizes = []
    for index, (w, b) in enumerate(zip(weights, biases)):
        w, b = np.shape(w), np.shape(b)
        if len(w) != 2:
            raise ValueError(f"weights[{index}] must be a 2-D matrix (n_out, n_in); got shape {w}.")
        # The biases say how many units the layer has; weights whose *columns* match
        # that are (n_in, n_out), scikit-learn's coefs_ layout, not ours.
        if w[0] != w[1] and b == (w[1],) and (not sizes or w[0] == sizes[-1]):
            raise ValueError(
                f"weights[{index}] has shape {w}, which is (n_in, n_out): its layer has "
                f"{w[1]} units (biases[{index}] has {w[1]} values), and this network wants "
                f"(n_out, n_in) = {(w[1], w[0])}. scikit-learn's coefs_ are stored that way: "
                f"transpose each matrix first, `[c.T for c in model.coefs_]`."
            )
        if not sizes:
            sizes.append(w[1])
        elif w[1] != sizes[-1]:
            raise ValueError(
                f"weights[{index}] has shape {w}, but the layer before it has {sizes[-1]} "
                f"units; expected shape ({w[0]}, {sizes[-1]}) as weights are (n_out, n_in)."
            )
        if b != (w[0],):
            raise ValueError(f"biases[{index}] must have shape ({w[0]},), one per unit of "
                             f"the layer; got shape {b}.")
        sizes.append(w[0])
    return sizes


def feed_forward(weights, biases, x):
    """Every layer's activations, input first, for one image or a batch.

    Parameters
    ----------
    weights, biases : lists of ndarray
    x : array-like of shape (n_inputs,) or (n_images, n_inputs)

    Returns
    -------
    list of ndarray
        ``len(weights) + 1`` arrays: ``x`` itself, then each layer's
        activations, 1-D for one image, one row per image for a batch.
    """
    sizes = layer_sizes(weights, biases)
    x = _validate_inputs(x, sizes[0])
    activations = [x]
    for w, b in zip(weights, biases):
        # Row-per-image batches multiply by W transposed: (n, n_in) @ (n_in, n_out).
        activations.append(sigmoid(activations[-1] @ np.asarray(w, dtype=float).T + b))
    return activations


def evaluate(weights, biases, x):
    """The output layer's activations: ten scores per image for a digit classifier.

    Parameters
    ----------
    weights, biases : lists of ndarray
    x : array-like of shape (n_inputs,) or (n_images, n_inputs)

    Returns
    -------
    ndarray of shape (n_outputs,) or (n_images, n_outputs)
    """
    return feed_forward(weights, biases, x)[-1]


def predict(weights, biases, X):
    """The index of the largest output for each image: the network's answers.

    Parameters
    ----------
    weights, biases : lists of ndarray
    X : array-like of shape (n_images, n_inputs)

    Returns
    -------
    ndarray of int, shape (n_images,)
    """
    return np.argmax(evaluate(weights, biases, check_rows(X, "X", dtype=float)), axis=1)


def accuracy(weights, biases, X, y):
    """The share of images in ``X`` whose prediction equals the label in ``y``.

    Parameters
    ----------
    weights, biases : lists of ndarray
    X : array-like of shape (n_images, n_inputs)
    y : array-like of int, shape (n_images,)

    Returns
    -------
    float
    """
    X, y = check_images_and_labels(X, y, nonempty=True, dtype=float)
    return float(np.mean(predict(weights, biases, X) == y))


def one_hot(y, n_classes=10):
    """Targets as rows of zeros with a one at the label's position.

    Parameters
    ----------
    y : array-like of int, shape (n_images,)
    n_classes : int, default=10

    Returns
    -------
    ndarray of shape (n_images, n_classes)
    """
    y = np.asarray(y)
    if y.ndim != 1 or (y.size and (y.dtype.kind not in "iu" or y.min() < 0
                                   or y.max() >= n_classes)):
        raise ValueError(f"y must be a 1-D array of whole-number labels in 0..{n_classes - 1}; "
                         f"got shape {y.shape} and dtype {y.dtype}.")
    return np.eye(n_classes)[y]


def cost(weights, biases, X, y):
    """Squared distance between outputs and one-hot targets, averaged over images.

    Parameters
    ----------
    weights, biases : lists of ndarray
    X : array-like of shape (n_images, n_inputs)
    y : array-like of int, shape (n_images,)

    Returns
    -------
    float
    """
    X, y = check_images_and_labels(X, y, nonempty=True, dtype=float)
    return float(np.mean(squared_distances(evaluate(weights, biases, X), y)))


def squared_distances(outputs, y):
    """Each image's squared distance between its outputs and its one-hot target.

    Parameters
    ----------
    outputs : ndarray of shape (n_images, n_classes)
        A network's outputs, or a model's probabilities.
    y : array-like of int, shape (n_images,)

    Returns
    -------
    ndarray of shape (n_images,)
    """
    outputs = np.asarray(outputs, dtype=float)
    if outputs.ndim != 2:
        raise ValueError(f"outputs must have shape (n_images, n_classes); got {outputs.shape}.")
    return np.sum((outputs - one_hot(y, outputs.shape[1])) ** 2, axis=1)


def gradients(weights, biases, X, y):
    """Gradients of :func:`cost` with respect to every weight and bias (backpropagation).

    Parameters
    ----------
    weights, biases : lists of ndarray
    X : array-like of shape (n_images, n_inputs)
    y : array-like of int, shape (n_images,)

    Returns
    -------
    grad_weights, grad_biases : lists of ndarray
        Shaped like ``weights`` and ``biases``.
    """
    X, y = check_images_and_labels(X, y, nonempty=True, dtype=float)
    activations = feed_forward(weights, biases, X)
    targets = one_hot(y, activations[-1].shape[1])
    return _backward(weights, activations, activations[-1] - targets)


def _backward(weights, activations, error):
    # `error` is output minus target. d(mean of squared distances)/d(output) is
    # 2 error / n; the sigmoid's derivative at z is a (1 - a), read off the
    # activation already computed.
    output = activations[-1]
    delta = error * (output * (1 - output)) * (2 / len(error))
    grad_w, grad_b = [None] * len(weights), [None] * len(weights)
    for layer in range(len(weights) - 1, -1, -1):
        grad_w[layer] = delta.T @ activations[layer]
        grad_b[layer] = delta.sum(axis=0)
        if layer:
            a = activations[layer]
            delta = (delta @ weights[layer]) * a * (1 - a)
    return grad_w, grad_b


def numerical_gradients(weights, biases, X, y, *, epsilon=1e-5):
    """Gradients of :func:`cost` by central finite differences (slow; for checking).

    Parameters
    ----------
    weights, biases : lists of ndarray
    X, y : the images and labels the cost is taken over
    epsilon : float, default=1e-5
        The step each parameter is moved by, in both directions.

    Returns
    -------
    grad_weights, grad_biases : lists of ndarray
    """
    layer_sizes(weights, biases)
    epsilon = check_positive_number(epsilon, "epsilon")
    weights = [np.array(w, dtype=float) for w in weights]
    biases = [np.array(b, dtype=float) for b in biases]
    grads = []
    for parameter in weights + biases:
        grad = np.zeros_like(parameter)
        for index in np.ndindex(parameter.shape):
            kept = parameter[index]
            parameter[index] = kept + epsilon
            above = cost(weights, biases, X, y)
            parameter[index] = kept - epsilon
            below = cost(weights, biases, X, y)
            parameter[index] = kept
            grad[index] = (above - below) / (2 * epsilon)
        grads.append(grad)
    return grads[:len(weights)], grads[len(weights):]


def relative_error(first, second):
    """``|first - second| / (|first| + |second|)`` over all arrays of two gradients.

    Parameters
    ----------
    first, second : ndarray or list of ndarray
        E.g. ``grad_weights + grad_biases`` from two ways of computing them.

    Returns
    -------
    float
        0 when both are zero.
    """
    a = np.concatenate([np.ravel(part) for part in _as_parts(first, "first")])
    b = np.concatenate([np.ravel(part) for part in _as_parts(second, "second")])
    if a.shape != b.shape:
        raise ValueError(f"first and second must hold the same number of values; "
                         f"got {a.size} and {b.size}.")
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if scale == 0 else float(np.linalg.norm(a - b) / scale)


def train(weights, biases, X, y, *, epochs=30, batch_size=10, learning_rate=3.0,
          random_state=None):
    """Mini-batch gradient descent on :func:`cost`.

    Each epoch shuffles the images, cuts them into batches of ``batch_size``
    (the last one may be smaller) and takes one step down the gradient of
    each batch's cost; then it records the cost on all of ``X``, as
    notebook 03's training loop does.

    Parameters
    ----------
    weights, biases : lists of ndarray
        The starting network; it is not modified.
    X : array-like of shape (n_images, n_inputs)
    y : array-like of int, shape (n_images,)
    epochs : int, default=30
    batch_size : int, default=10
    learning_rate : float, default=3.0
    random_state : int or numpy Generator, optional
        Seed of the shuffles.

    Returns
    -------
    weights, biases : lists of ndarray
        The trained network.
    losses : ndarray of shape (epochs,)
        :func:`cost` on ``X`` of the network at the end of each epoch, so
        ``losses[-1]`` is the cost of the network returned. (scikit-learn's
        ``loss_curve_`` differs: it averages the batches' losses as they were
        met during the epoch.)
    """
    sizes = layer_sizes(weights, biases)
    X, y = check_images_and_labels(X, y, widths=(sizes[0],), nonempty=True, dtype=float)
    epochs = check_whole_number(epochs, "epochs")
    batch_size = check_whole_number(batch_size, "batch_size")
    learning_rate = check_positive_number(learning_rate, "learning_rate")
    rng = np.random.default_rng(random_state)
    weights = [np.array(w, dtype=float) for w in weights]
    biases = [np.array(b, dtype=float) for b in biases]
    targets = one_hot(y, sizes[-1])
    losses = np.empty(epochs)
    for epoch in range(epochs):
        order = rng.permutation(len(X))
        # Shuffle once per epoch so that every batch is a cheap slice, not a gather.
        X_epoch, targets_epoch = X[order], targets[order]
        for start in range(0, len(X), batch_size):
            batch = X_epoch[start:start + batch_size]
            batch_targets = targets_epoch[start:start + batch_size]
            activations = [batch]
            for w, b in zip(weights, biases):
                activations.append(expit(activations[-1] @ w.T + b))
            error = activations[-1] - batch_targets
            grad_w, grad_b = _backward(weights, activations, error)
            for w, b, gw, gb in zip(weights, biases, grad_w, grad_b):
                w -= learning_rate * gw
                b -= learning_rate * gb
        # The cost of the network as the epoch leaves it, as notebook 03 records it:
        # one forward pass over X, cheap beside the epoch's batches.
        outputs = X
        for w, b in zip(weights, biases):
            outputs = expit(outputs @ w.T + b)
        error = outputs - targets
        losses[epoch] = np.vdot(error, error) / len(X)
    return weights, biases, losses


# ---------------------------------------------------------------- validation

def _validate_sizes(sizes):
    message = (f"sizes must list at least two positive whole numbers, input layer first, "
               f"e.g. [64, 16, 10]; got {sizes!r}.")
    try:
        checked = [check_whole_number(n, "sizes") for n in sizes]
    except (TypeError, ValueError):  # not iterable, or one size is not a positive int
        raise ValueError(message) from None
    if len(checked) < 2:
        raise ValueError(message)
    return checked


def _validate_inputs(x, n_inputs):
    # One image (1-D) or a batch (2-D): feed_forward takes both.
    x = np.asarray(x, dtype=float)
    if x.ndim not in (1, 2) or x.shape[-1] != n_inputs:
        raise ValueError(f"x must have shape ({n_inputs},) or (n_images, {n_inputs}); "
                         f"got shape {x.shape}.")
    return x


def _as_parts(value, name):
    parts = value if isinstance(value, (list, tuple)) else [value]
    if not parts:
        raise ValueError(f"{name} must hold at least one array; got an empty list.")
    return [np.asarray(part, dtype=float) for part in parts]
