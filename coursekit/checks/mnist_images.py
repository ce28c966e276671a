"""MNIST's images on their way to the judge: their 8-bit values, compressed.

The judge has no MNIST images of its own. Notebooks 06 and 07 send the images they
loaded, ``X`` and ``y``, and the judge splits them itself as their loading cells do,
so what the notebook's parts hold later (a part reassigned, cut, or joined with
another) does not decide what it judges against.
"""

import base64
import zlib

import numpy as np

from .wire import plain

#: MNIST's pixels as the course loads them: 8-bit values divided by 255 in float32
#: (:func:`coursekit.data.load_mnist`).
MNIST_SCALE = np.float32(255)

#: The most images sent (notebook 07 keeps 10,000 of MNIST, notebook 06 2,500).
MNIST_IMAGES_LIMIT = 10_000


def mnist_pixels(values, dtype=np.float64):
    """MNIST's pixels from their 8-bit ``values``, as the course has them in ``dtype``.

    Examples
    --------
    >>> mnist_pixels(np.array([0, 51, 255], dtype=np.uint8)).tolist()
    [0.0, 0.20000000298023224, 1.0]
    """
    return (values.astype(np.float32) / MNIST_SCALE).astype(dtype)


def pack_mnist_images(X, y):
    """``X, y`` as plain data for the judge; None unless they are MNIST's images as loaded.

    Only images of 784 pixels whose 8-bit values give ``X`` back exactly (in its own
    float type) travel, at most :data:`MNIST_IMAGES_LIMIT` of them, with a label each;
    otherwise (another scaling, the digits) None, and the judge says what it could not
    check.

    Examples
    --------
    >>> pack_mnist_images(np.zeros((3, 64)), np.zeros(3)) is None
    True
    >>> pack_mnist_images(np.zeros((3, 784), dtype=np.float32), np.arange(3))["images"]
    3
    """
    if not (isinstance(X, np.ndarray) and isinstance(y, np.ndarray) and X.ndim == 2
            and X.shape[1] == 784 and X.dtype in (np.float32, np.float64)
            and y.shape == X.shape[:1] and 0 < len(X) <= MNIST_IMAGES_LIMIT):
        return None
    values = np.rint(X * 255)
    if values.min(initial=0) < 0 or values.max(initial=0) > 255:
        return None
    values = values.astype(np.uint8)
    if not np.array_equal(mnist_pixels(values, X.dtype), X):
        return None
    packed = base64.b64encode(zlib.compress(values.tobytes(), 6)).decode("ascii")
    return {"pixels": packed, "images": len(X), "y": plain(y)}
