"""MNIST's images as a kernel sent them (:mod:`coursekit.checks.mnist_images`), read back.

Nothing sent is trusted: a stream cut short, inflated (a decompression bomb), miscounted
or mislabelled is refused, and the judge says what it could not check.
"""

import base64
import binascii
import zlib

import numpy as np

from ..checks.mnist_images import MNIST_IMAGES_LIMIT
from .computed_once import computed_once


def sent_key(sent):
    """What the kernel sent as MNIST's images, as a hashable key; None when it is not that.

    Judges cache what they make of the images by this key (a split, a fit), as a check
    cell and the progress cell judge the same images again.
    """
    if not isinstance(sent, dict) or not isinstance(sent.get("pixels"), str):
        return None
    images, labels = sent.get("images"), _labels_key(sent.get("y"))
    if labels is None or not isinstance(images, int) or isinstance(images, bool):
        return None
    return sent["pixels"], images, labels


def _labels_key(y):
    """The labels sent, as a hashable tuple of ints (None when they are not digits)."""
    try:
        labels = np.asarray(y, dtype=float)
    except (TypeError, ValueError):
        return None
    if labels.ndim != 1 or not np.all(np.isin(labels, np.arange(10))):
        return None
    return tuple(labels.astype(int).tolist())


@computed_once(maxsize=2)
def unpack_mnist_images(key):
    """The 8-bit values and labels sent, ``(values, y)``; None when they are not images.

    ``key`` is :func:`sent_key`'s. ``values`` has shape (images, 784), dtype uint8;
    ``y`` holds digits 0 to 9.
    """
    if key is None:
        return None
    packed, images, labels = key
    if not 0 < images <= MNIST_IMAGES_LIMIT or len(labels) != images:
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
    values = np.frombuffer(raw, dtype=np.uint8).reshape(images, 784)
    return values, np.asarray(labels, dtype=np.int64)
