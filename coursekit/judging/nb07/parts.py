"""The notebook's parts of the digits or of MNIST's images as sent, and accuracies.

The judges of exercises 3 and 4 read a model as plain numbers (its weights, its
settings); here they are turned back into the accuracies the notebook measures, and
the training part a replay of its training runs on is found.
"""


import numpy as np

from ...checks.mnist_images import mnist_pixels
from ...data import load_digits, stratified_split
from ..computed_once import computed_once
from ..mnist_images import sent_key, unpack_mnist_images

_ACTIVATIONS = {"identity": lambda z: z, "relu": lambda z: np.maximum(z, 0),
                "logistic": lambda z: 1 / (1 + np.exp(-z)), "tanh": np.tanh}


@computed_once(maxsize=1)
def notebook_parts():
    """The notebook's training, validation and test parts of the digits, split as it does."""
    X, y = load_digits()
    X_rest, X_test, y_rest, y_test = stratified_split(X, y, test_size=0.2, random_state=0)
    X_train, X_valid, y_train, y_valid = stratified_split(X_rest, y_rest, test_size=0.2,
                                                          random_state=0)
    return {"train": (X_train, y_train), "valid": (X_valid, y_valid), "test": (X_test, y_test)}


#: How notebook 07 splits MNIST's images: test images first, then validation images
#: of the rest, stratified, seed 0 (its loading cell; 7,500 training images of 10,000).
MNIST_TEST_IMAGES, MNIST_VALID_IMAGES = 1500, 1000


def parts_of(facts):
    """The notebook's parts, ``{"train": (X, y), "valid": ..., "test": ...}``, of the model
    ``facts`` describe; None when unknown.

    The digits' are the judge's own copy; MNIST's are split here, as the notebook's
    loading cell splits them, from the images the kernel sent
    (:func:`coursekit.checks.nb07.mnist_images`), when it did: what the notebook's
    ``X_train`` or ``X_valid`` hold later does not change them.
    """
    if facts.get("pixels") == 64:
        return notebook_parts()
    if facts.get("pixels") != 784:
        return None
    return _mnist_parts(sent_key(facts.get("mnist_images")))


def training_part(facts):
    """The training part a model of ``facts`` was to be trained on, ``(X, y)``; None when
    unknown (:func:`parts_of`)."""
    parts = parts_of(facts)
    return None if parts is None else parts["train"]


@computed_once(maxsize=2)
def _mnist_parts(key):
    """MNIST's parts, split from the images the kernel sent (:func:`..mnist_images.sent_key`);
    None when they are not images the notebook could have split."""
    unpacked = unpack_mnist_images(key)
    if unpacked is None or len(unpacked[1]) <= MNIST_TEST_IMAGES + MNIST_VALID_IMAGES:
        return None
    values, y = unpacked
    X = mnist_pixels(values)
    try:
        X_rest, X_test, y_rest, y_test = stratified_split(X, y, test_size=MNIST_TEST_IMAGES,
                                                          random_state=0)
        X_train, X_valid, y_train, y_valid = stratified_split(
            X_rest, y_rest, test_size=MNIST_VALID_IMAGES, random_state=0)
    except ValueError:  # labels no stratified split can share out (a digit seen once)
        return None
    return {"train": (X_train, y_train), "valid": (X_valid, y_valid), "test": (X_test, y_test)}


def part_accuracies(facts):
    """Part -> (images, accuracy) of the model ``facts`` describe (:func:`trained_model_facts`).

    The judge recomputes each accuracy from the model's weights on the notebook's parts
    as it split them (:func:`parts_of`); without them (MNIST's images not sent) or the
    weights (a network too large to send), it reads what the kernel measured on the
    notebook's parts as they are.
    """
    parts = parts_of(facts)
    if parts is None or "coefs" not in facts:
        return {part: (int(value["size"]), float(value["accuracy"]))
                for part, value in (facts.get("parts") or {}).items()}
    activation = _ACTIVATIONS[facts["activation"]]
    classes = np.asarray(facts["classes"])
    out = {}
    layers = list(zip(facts["coefs"], facts["intercepts"]))
    for part, (X, y) in parts.items():
        scores = X
        # Weights blown up by too large a learning rate overflow; they score badly anyway.
        with np.errstate(all="ignore"):
            for depth, (weights, biases) in enumerate(layers):
                scores = scores @ np.asarray(weights, dtype=float) + np.asarray(biases,
                                                                                dtype=float)
                if depth < len(layers) - 1:
                    scores = activation(scores)
        out[part] = (len(y), float(np.mean(classes[np.argmax(scores, axis=1)] == y)))
    return out
