"""The notebook's parts of the digits, MNIST's training part as sent, and accuracies.

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


def training_part(facts):
    """The training part a model of ``facts`` was trained on, ``(X, y)``; None when unknown.

    The digits' is the judge's own copy; MNIST's is the one the kernel sent
    (:func:`coursekit.checks.nb07.mnist_training_part`), when it did.
    """
    if facts.get("pixels") == 64:
        return notebook_parts()["train"]
    if facts.get("pixels") != 784:
        return None
    sent = facts.get("mnist_train")
    if not isinstance(sent, dict) or not isinstance(sent.get("pixels"), str):
        return None
    return _mnist_part(sent["pixels"], sent.get("images"), _labels_key(sent.get("y")))


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
def _mnist_part(packed, images, labels):
    """MNIST's training part from what the kernel sent; None when it is not one."""
    if (labels is None or not isinstance(images, int) or isinstance(images, bool)
            or not 0 < images <= MNIST_PART_LIMIT or len(labels) != images):
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
    return X, np.asarray(labels, dtype=np.int64)


def part_accuracies(facts):
    """Part -> (images, accuracy) of the model ``facts`` describe (:func:`trained_model_facts`).

    On the digits the judge recomputes each accuracy from the model's weights on its
    own copy of the notebook's parts; on MNIST, which it does not have, it reads what
    the kernel measured on the notebook's parts.
    """
    if facts.get("pixels") != 64:
        return {part: (int(value["size"]), float(value["accuracy"]))
                for part, value in (facts.get("parts") or {}).items()}
    activation = _ACTIVATIONS[facts["activation"]]
    classes = np.asarray(facts["classes"])
    out = {}
    layers = list(zip(facts["coefs"], facts["intercepts"]))
    for part, (X, y) in notebook_parts().items():
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
