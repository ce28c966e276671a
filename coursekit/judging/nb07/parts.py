"""The notebook's parts of the digits or of MNIST's images as sent, and accuracies.

The judges of exercises 3 and 4 read a model as plain numbers (its weights, its
settings); here they are turned back into the accuracies the notebook measures, and
the training part a replay of its training runs on is found.
"""

import base64
import binascii
import functools
import zlib

import numpy as np

from ...checks.nb07 import MNIST_PART_LIMIT, mnist_pixels
from ...data import load_digits, stratified_split

_ACTIVATIONS = {"identity": lambda z: z, "relu": lambda z: np.maximum(z, 0),
                "logistic": lambda z: 1 / (1 + np.exp(-z)), "tanh": np.tanh}


@functools.lru_cache(maxsize=1)
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
    sent = facts.get("mnist_images")
    if not isinstance(sent, dict) or not isinstance(sent.get("pixels"), str):
        return None
    return _mnist_parts(sent["pixels"], sent.get("images"), _labels_key(sent.get("y")))


def training_part(facts):
    """The training part a model of ``facts`` was to be trained on, ``(X, y)``; None when
    unknown (:func:`parts_of`)."""
    parts = parts_of(facts)
    return None if parts is None else parts["train"]


def _labels_key(y):
    """The labels sent, as a hashable tuple of ints (None when they are not digits)."""
    try:
        labels = np.asarray(y, dtype=float)
    except (TypeError, ValueError):
        return None
    if labels.ndim != 1 or not np.all(np.isin(labels, np.arange(10))):
        return None
    return tuple(labels.astype(int).tolist())


@functools.lru_cache(maxsize=2)
def _mnist_parts(packed, images, labels):
    """MNIST's parts, split from the images the kernel sent; None when they are not images
    the notebook could have split."""
    if (labels is None or not isinstance(images, int) or isinstance(images, bool)
            or not MNIST_TEST_IMAGES + MNIST_VALID_IMAGES < images <= MNIST_PART_LIMIT
            or len(labels) != images):
        return None
    size = images * 784
    try:
        unpacker = zlib.decompressobj()
        raw = unpacker.decompress(base64.b64decode(packed, validate=True), size + 1)
    except (binascii.Error, ValueError, zlib.error):
        return None
    # Fewer bytes, or more than the images hold (a bomb stops there); a stream cut short
    # (its checksum unread) or with bytes after it is not one the kernel made.
    if len(raw) != size or not unpacker.eof or unpacker.unused_data:
        return None
    X = mnist_pixels(np.frombuffer(raw, dtype=np.uint8).reshape(images, 784))
    y = np.asarray(labels, dtype=np.int64)
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
