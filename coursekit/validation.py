"""Argument checks shared by coursekit's modules.

Each check returns the argument converted to what the caller works with, or
raises a :class:`ValueError` that names the argument and says what it should
be, so a learner reads what to fix instead of a traceback from deep inside
numpy or matplotlib.
"""

import numbers
import os
from pathlib import Path

import numpy as np

#: Flat lengths of the course's digits and the square images they stand for:
#: the bundled 8x8 digits and MNIST's 28x28 ones.
IMAGE_SHAPES = {64: (8, 8), 784: (28, 28)}


def is_whole_number(value):
    """Whether ``value`` is an int or a numpy integer, and not a bool.

    Python counts ``True`` and ``False`` as the integers 1 and 0, but passing
    one where a count or an index is expected is always a slip.
    """
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_whole_number(value, name, *, low=1, high=None):
    """``value`` as an int, if it is a whole number from ``low`` to ``high``.

    Parameters
    ----------
    value : object
        An int or numpy integer; a bool is refused (see :func:`is_whole_number`).
    name : str
        The argument's name, for the error message.
    low : int, default=1
        The smallest value allowed.
    high : int, optional
        The largest value allowed; no limit when omitted.

    Returns
    -------
    int

    Raises
    ------
    ValueError
        If ``value`` is not a whole number in the range.
    """
    if is_whole_number(value) and value >= low and (high is None or value <= high):
        return int(value)
    if high is not None:
        wanted = f"a whole number from {low} to {high}"
    elif low == 1:
        wanted = "a positive whole number"
    else:
        wanted = f"a whole number of at least {low}"
    raise ValueError(f"{name} must be {wanted}; got {value!r}.")


def check_positive_number(value, name):
    """``value`` as a float, if it is a finite number above 0 (and not a bool).

    Parameters
    ----------
    value : object
    name : str
        The argument's name, for the error message.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If ``value`` is a bool, not a real number, not finite, or not above 0.
    """
    if (isinstance(value, numbers.Real) and not isinstance(value, bool)
            and np.isfinite(value) and value > 0):
        return float(value)
    raise ValueError(f"{name} must be a positive number; got {value!r}.")


def check_rows(array, name, *, widths=None, unit="image", nonempty=False, dtype=None,
               hint=""):
    """``array`` as a 2-D ndarray with one row per image (or unit), of an accepted width.

    Parameters
    ----------
    array : array-like
    name : str
        The argument's name, for the error message.
    widths : sequence of int, optional
        The numbers of columns accepted, e.g. ``IMAGE_SHAPES`` for flat digits
        or ``(10,)`` for scores; any width when omitted.
    unit : str, default="image"
        What one row stands for, as the message calls it (``"unit"`` for a
        layer of weights).
    nonempty : bool, default=False
        Refuse an array without rows.
    dtype : data-type, optional
        Convert to this type (``float`` for arithmetic); kept as it is when omitted.
    hint : str, optional
        A sentence added to the message, e.g. how to fix a common slip.

    Returns
    -------
    ndarray of shape (n_rows, width)

    Raises
    ------
    ValueError
        Naming ``name``, the shape expected and the shape given.
    """
    array = np.asarray(array, dtype=dtype)
    if (array.ndim == 2 and (widths is None or array.shape[1] in widths)
            and not (nonempty and len(array) == 0)):
        return array
    columns = ["n_pixels"] if widths is None else list(widths)
    shape = " or ".join(f"(n_{unit}s, {width})" for width in columns)
    empty = ", and must not be empty" if nonempty else ""
    raise ValueError(f"{name} must have shape {shape}, one row per {unit}{empty}; got shape "
                     f"{array.shape}.{' ' + hint if hint else ''}")


def check_weight_rows(weights, name):
    """``weights`` as floats, one row of pixel weights per unit; else a ValueError naming ``name``.

    Parameters
    ----------
    weights : array-like of shape (n_units, 64) or (n_units, 784)
    name : str
        The argument's name, for the error message.

    Returns
    -------
    ndarray of shape (n_units, 64) or (n_units, 784)
    """
    return check_rows(weights, name, widths=IMAGE_SHAPES, unit="unit", nonempty=True,
                      dtype=float, hint="For scikit-learn's coefs_[0], of shape "
                                        "(n_pixels, n_units), pass its transpose.")


def check_images_and_labels(X, y, *, name="X", widths=None, nonempty=False, dtype=None):
    """``X`` as a 2-D array, one image per row, and ``y`` as one label per row of ``X``.

    Parameters
    ----------
    X : array-like of shape (n_images, width)
        Flat images (or anything else held one row per image, such as scores).
    y : array-like of shape (n_images,)
        The labels.
    name : str, default="X"
        The name of ``X`` in the messages (e.g. ``"scores"``).
    widths, nonempty, dtype
        As in :func:`check_rows`; ``dtype`` applies to ``X`` only.

    Returns
    -------
    X : ndarray of shape (n_images, width)
    y : ndarray of shape (n_images,)

    Raises
    ------
    ValueError
        Naming ``X`` (or ``name``) or ``y`` and the shape expected.
    """
    X = check_rows(X, name, widths=widths, nonempty=nonempty, dtype=dtype)
    y = np.asarray(y)
    if y.shape != (len(X),):
        raise ValueError(f"y must hold one label per row of {name}, shape ({len(X)},); "
                         f"got shape {y.shape}.")
    return X, y


def check_square_images(images, name, *, nonempty=False, dtype=None):
    """Several digits, flat or square, as an array of square images.

    Parameters
    ----------
    images : array-like of shape (n, 64), (n, 784), (n, 8, 8) or (n, 28, 28)
    name : str
        The argument's name, for the error message.
    nonempty : bool, default=False
        Refuse an array without images.
    dtype : data-type, optional
        Convert to this type; kept as it is when omitted.

    Returns
    -------
    ndarray of shape (n, 8, 8) or (n, 28, 28)

    Raises
    ------
    ValueError
        Naming ``name``, the shapes accepted and the shape given.
    """
    array = np.asarray(images, dtype=dtype)
    if array.ndim == 2 and array.shape[1] in IMAGE_SHAPES:
        square = array.reshape((len(array),) + IMAGE_SHAPES[array.shape[1]])
    elif array.ndim == 3 and array.shape[1:] in IMAGE_SHAPES.values():
        square = array
    else:
        square = None
    if square is None or (nonempty and len(square) == 0):
        at_least = " and at least one of them" if nonempty else ""
        raise ValueError(
            f"{name} must be several digits{at_least}: shape (n, 64) or (n, 784) for flat "
            f"vectors, or (n, 8, 8) or (n, 28, 28) for images; got shape {array.shape}."
        )
    return square


def check_scores(scores, name, *, where=""):
    """One image's 10 scores as finite floats.

    Parameters
    ----------
    scores : array-like of shape (10,)
    name : str
        What gave the scores, for the message: the argument holding them
        (``"scores"``) or the function that returned them (``"classifier"``).
    where : str, optional
        Which image they are for, e.g. ``" for image 3"``.

    Returns
    -------
    ndarray of shape (10,)

    Raises
    ------
    ValueError
        If ``scores`` is not 10 numbers, or one of them is infinite or NaN
        (neither can be drawn as a bar, and NaN has no place in a ranking).
    """
    try:
        array = np.asarray(scores, dtype=float)
    except (TypeError, ValueError):
        array = None
    if array is None or array.shape != (10,):
        shape = "no numbers" if array is None else f"shape {array.shape}"
        raise ValueError(f"{name} must give 10 scores, shape (10,){where}; got {shape}.")
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must give 10 finite scores{where}; got "
                         f"{np.array2string(array, precision=3)}.")
    return array


def check_output_file(path, name):
    """``path`` as a Path, if a file can be written there: in a folder that exists, not a folder.

    The folder is not made: a mistyped path would otherwise start a new
    record (a new gradebook, a new grades file) beside the one meant.

    Parameters
    ----------
    path : path-like
    name : str
        The argument's name, for the error message.

    Returns
    -------
    Path

    Raises
    ------
    ValueError
        Naming ``name``, if ``path`` is a folder, or its folder is missing, not
        a folder, or not writable.

    Examples
    --------
    >>> check_output_file("no_such_dir/grades.csv", "out")
    Traceback (most recent call last):
    ...
    ValueError: out: no such folder: no_such_dir (for no_such_dir/grades.csv); make it ...
    """
    path = Path(path)
    if path.is_dir():
        raise ValueError(f"{name}: {path} is a folder; give the file to write.")
    folder = path.parent
    if not folder.exists():
        problem = "no such folder"
    elif not folder.is_dir():
        problem = "not a folder"
    elif not os.access(folder, os.W_OK | os.X_OK):
        problem = "cannot write in the folder"
    else:
        return path
    raise ValueError(f"{name}: {problem}: {folder} (for {path}); make it first, or give "
                     f"another path.")


def check_input_file(path, name, what="file"):
    """``path`` as a Path, if it is a file that exists.

    Parameters
    ----------
    path : path-like
    name : str
        The argument's name, for the error message.
    what : str, default="file"
        What the file should be, for the message (``"gradebook"``).

    Returns
    -------
    Path

    Raises
    ------
    ValueError
        Naming ``name``, if there is no such file or it is a folder.

    Examples
    --------
    >>> check_input_file("typo.db", "store", "gradebook")
    Traceback (most recent call last):
    ...
    ValueError: store: no such gradebook: typo.db.
    """
    path = Path(path)
    if path.is_dir():
        raise ValueError(f"{name}: {path} is a folder; give the {what}.")
    if not path.is_file():
        raise ValueError(f"{name}: no such {what}: {path}.")
    return path


def output_folder(path, name):
    """``path`` as a Path, a folder made (with the folders above it) if it is missing.

    Parameters
    ----------
    path : path-like
    name : str
        The argument's name, for the error message.

    Returns
    -------
    Path

    Raises
    ------
    ValueError
        Naming ``name``, if ``path`` is a file, or cannot be made.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> output_folder(folder / "feedback" / "nb01", "feedback").is_dir()
    True
    >>> _ = (folder / "notes.txt").write_text("")
    >>> output_folder(folder / "notes.txt" / "fb", "feedback")
    Traceback (most recent call last):
    ...
    ValueError: feedback: cannot make the folder .../notes.txt/fb (Not a directory).
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise ValueError(f"{name}: {path} exists and is not a folder.")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValueError(f"{name}: cannot make the folder {path} "
                         f"({exc.strerror or exc}).") from None
    return path
