"""Figures for the course: digits, label histograms, loss curves, weights, result tables.

Every helper draws with matplotlib and returns what it drew on (an Axes for a
single panel, the Figure for a grid), so a learner can keep styling it.
Digits are drawn with ``gray_r``: ink dark on white paper.
"""

import functools
import math
import numbers
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.metrics import confusion_matrix

from .validation import (IMAGE_SHAPES, check_square_images, check_weight_rows,
                         check_whole_number)

DIGIT_CMAP = "gray_r"


def _no_figure_left_on_error(helper):
    """Close every figure ``helper`` opened when it raises, so that bad input leaves none.

    The helpers check their input before drawing; this catches what only shows while
    drawing, so that a notebook never displays an empty or half-drawn figure below the
    error.
    """
    @functools.wraps(helper)
    def guarded(*args, **kwargs):
        before = set(plt.get_fignums())
        try:
            return helper(*args, **kwargs)
        except Exception:
            for number in set(plt.get_fignums()) - before:
                plt.close(number)
            raise

    return guarded


def as_image(vector, name="image"):
    """Reshape a flat digit (64 or 784 values) into its square image.

    Parameters
    ----------
    vector : array-like
        A flat vector of 64 or 784 values, or an image already of shape
        (8, 8) or (28, 28).
    name : str, default="image"
        The argument's name, used in the error message.

    Returns
    -------
    ndarray of shape (8, 8) or (28, 28)

    Raises
    ------
    ValueError
        If the input has any other shape; the message names the argument and
        the shapes accepted.
    """
    _refuse_unanswered(vector, name)
    array = np.asarray(vector, dtype=float)
    if array.ndim == 1 and array.size in IMAGE_SHAPES:
        return array.reshape(IMAGE_SHAPES[array.size])
    if array.ndim == 2 and array.shape in IMAGE_SHAPES.values():
        return array
    raise ValueError(
        f"{name} must be one digit: a flat vector of 64 or 784 values, or an image "
        f"of shape (8, 8) or (28, 28); got shape {array.shape}."
    )


def _refuse_unanswered(value, name):
    # A learner who skipped an exercise passes its placeholder on; say so plainly.
    if value is None or value is Ellipsis:
        raise ValueError(
            f"{name} is {'...' if value is Ellipsis else 'None'}: the exercise that computes "
            f"it is not done yet. Complete it, run its cell, then run this one again."
        )


@_no_figure_left_on_error
def show_digit(image, *, label=None, values=False, ax=None, title=None):
    """Draw one digit, optionally with each pixel's value written on it.

    Parameters
    ----------
    image : array-like of 64 or 784 values, or of shape (8, 8) or (28, 28)
    label : int, optional
        Shown in the title when ``title`` is not given.
    values : bool, default=False
        Write each pixel's value on it (readable for 8x8 digits).
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when omitted.
    title : str, optional

    Returns
    -------
    ax : matplotlib Axes
    """
    pixels = as_image(image)
    if ax is None:
        size = 4.5 if values else 3
        _, ax = plt.subplots(figsize=(size, size))
    ax.imshow(pixels, cmap=DIGIT_CMAP, vmin=0, vmax=max(pixels.max(), 1e-12))
    if title is None and label is not None:
        title = f"Label: {label}"
    if title is not None:
        ax.set_title(title)
    if values:
        threshold = pixels.max() / 2
        for (row, col), value in np.ndenumerate(pixels):
            ax.text(
                col, row, f"{value:.2g}", ha="center", va="center", fontsize=7,
                color="white" if value > threshold else "black",
            )
    ax.set_xlabel("column")
    ax.set_ylabel("row")
    ax.set_xticks([])
    ax.set_yticks([])
    return ax


@_no_figure_left_on_error
def show_digits(images, labels=None, *, n=None, rows=None, cols=None,
                random_state=None, predictions=None, title=None, vmin=None, vmax=None):
    """Draw a grid of digits, each titled with its label.

    Parameters
    ----------
    images : array-like of shape (n_images, 64 or 784) or (n_images, h, w)
    labels : array-like of shape (n_images,), optional
    n : int, optional
        How many digits to show. Defaults to ``rows * cols`` when both are
        given, else to all of them (at most 50).
    rows, cols : int, optional
        Grid shape; whichever is missing is computed from ``n``.
    random_state : int or numpy Generator, optional
        When given, show a random choice of ``n`` digits drawn with this seed;
        otherwise the first ``n``.
    predictions : array-like of shape (n_images,), optional
        A classifier's answers; wrong ones are titled in red.
    title : str, optional
        Title of the whole figure.
    vmin, vmax : float, optional
        The values drawn as white and as black, shared by every tile so that more
        ink looks darker. Default: 0 and the largest value among the digits shown.

    Returns
    -------
    fig : matplotlib Figure
    """
    _refuse_unanswered(images, "images")
    shape = np.shape(images)
    if shape in IMAGE_SHAPES.values() or (len(shape) == 1 and shape[0] in IMAGE_SHAPES):
        raise ValueError(
            f"images must be several digits, one per row; got a single digit of shape "
            f"{shape}. To draw one digit use show_digit(image); to keep a grid, pass a "
            f"slice such as X[:1] (shape (1, {int(np.prod(shape))}))."
        )
    if len(shape) >= 1 and shape[0] == 0:
        raise ValueError(f"images holds no digits (shape {shape}); pass at least one.")
    pixels = check_square_images(images, "images", nonempty=True, dtype=float)
    total = len(pixels)
    labels = _optional_per_image(labels, total, "labels")
    predictions = _optional_per_image(predictions, total, "predictions")
    rows, cols, n = (None if value is None else check_whole_number(value, arg)
                     for arg, value in (("rows", rows), ("cols", cols), ("n", n)))
    if n is None:
        n = rows * cols if rows and cols else min(total, 50)
    if n > total:
        raise ValueError(f"n={n} is more than the {total} images given.")
    if rows and cols and rows * cols < n:
        raise ValueError(f"A {rows}x{cols} grid cannot hold n={n} digits.")
    if random_state is None:
        chosen = np.arange(n)
    else:
        chosen = np.sort(np.random.default_rng(random_state).choice(total, n, replace=False))
    if cols is None:
        cols = math.ceil(n / rows) if rows else min(n, 10)
    if rows is None:
        rows = math.ceil(n / cols)

    vmin = 0.0 if vmin is None else vmin
    vmax = max(float(pixels[chosen].max()), vmin + 1e-12) if vmax is None else vmax

    fig, axes = plt.subplots(rows, cols, figsize=(1.1 * cols, 1.3 * rows), squeeze=False)
    for ax in axes.flat:
        ax.set_axis_off()
    for ax, index in zip(axes.flat, chosen):
        ax.imshow(pixels[index], cmap=DIGIT_CMAP, vmin=vmin, vmax=vmax)
        if labels is not None:
            text, color = f"{labels[index]}", "black"
            if predictions is not None:
                text = f"{labels[index]} → {predictions[index]}"
                color = "black" if predictions[index] == labels[index] else "tab:red"
            ax.set_title(text, fontsize=9, color=color)
    if title is not None:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


@_no_figure_left_on_error
def plot_label_histogram(labels, *, ax=None, title="How many images of each digit"):
    """Bar chart of how many images carry each label.

    Parameters
    ----------
    labels : array-like of shape (n_images,)
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    ax : matplotlib Axes
    """
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.size == 0:
        raise ValueError(
            f"labels must be a non-empty 1-D array of digit labels; got shape {labels.shape}."
        )
    values, counts = np.unique(labels, return_counts=True)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    ax.bar([str(v) for v in values], counts, color="tab:blue")
    ax.axhline(counts.mean(), color="black", linestyle="--", linewidth=1,
               label=f"mean {counts.mean():.0f}")
    ax.set_xlabel("digit")
    ax.set_ylabel("number of images")
    ax.set_title(title)
    ax.set_ylim(0, counts.max() * 1.2)  # room for the legend above the bars
    ax.legend(loc="upper right")
    return ax


def _optional_per_image(values, total, name):
    if values is None:
        return None
    values = np.asarray(values)
    if values.shape != (total,):
        raise ValueError(
            f"{name} must hold one entry per image, shape ({total},); got shape {values.shape}."
        )
    return values


@_no_figure_left_on_error
def plot_loss_curves(curves, *, ax=None, xlabel="epoch", ylabel="loss", title="Loss during training",
                     log_y=False):
    """Draw one or more loss curves on shared axes.

    Parameters
    ----------
    curves : dict of str to sequence of float, or one sequence
        Each curve by the name shown in the legend.
    ax : matplotlib Axes, optional
    xlabel, ylabel, title : str
    log_y : bool, default=False
        Use a logarithmic y axis (useful when the loss falls by orders of magnitude).

    Returns
    -------
    ax : matplotlib Axes
    """
    _refuse_unanswered(curves, "curves")
    if not isinstance(curves, dict):
        curves = {"loss": curves}
    if not curves:
        raise ValueError("curves must hold at least one curve; got an empty dict.")
    checked = {name: _as_losses(values, "curves" if len(curves) == 1 and name == "loss"
                                else f"curves[{name!r}]")
               for name, values in curves.items()}
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    for name, values in checked.items():
        ax.plot(np.arange(1, values.size + 1), values, label=name)
    ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))  # epochs are whole numbers
    if log_y:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    if len(curves) > 1:
        ax.legend()
    return ax


def _as_losses(values, name):
    """``values`` as a 1-D float array of losses, or a ValueError a beginner can act on."""
    if hasattr(values, "loss_curve_") or hasattr(values, "fit"):
        raise ValueError(f"{name} must be a sequence of losses, one number per epoch; got a "
                         f"model, {type(values).__name__}. A fitted MLPClassifier keeps its "
                         f"losses in `loss_curve_`: pass `model.loss_curve_`.")
    if isinstance(values, (str, bytes)) or isinstance(values, numbers.Number):
        raise ValueError(f"{name} must be a sequence of losses, one number per epoch; got "
                         f"{type(values).__name__} {values!r}.")
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        array = None
    if array is None or array.ndim != 1:
        parts = list(values) if isinstance(values, (list, tuple)) else None
        if parts and all(np.ndim(part) >= 1 for part in parts):
            shapes = [np.shape(part) for part in parts]
            raise ValueError(
                f"{name} must be a sequence of losses, one number per epoch; got a list of "
                f"{len(parts)} arrays of shapes {shapes}, which looks like a network's "
                f"weights. `train` returns `weights, biases, losses`: pass the third."
            )
        what = (f"shape {array.shape}" if array is not None
                else f"a {type(values).__name__} that is not numbers")
        raise ValueError(f"{name} must be a sequence of losses, one number per epoch; "
                         f"got {what}.")
    if array.size == 0:
        raise ValueError(f"{name} holds no losses; train for at least one epoch first.")
    return array


WEIGHT_CMAP = "RdBu_r"


@_no_figure_left_on_error
def plot_weight_tiles(weights, *, rows=None, cols=None, title=None, cmap=WEIGHT_CMAP):
    """Draw each unit's weights as a small image, all on one colour scale centred on 0.

    Parameters
    ----------
    weights : array-like of shape (n_units, 64) or (n_units, 784)
        One row per unit (a hidden unit, a class, an RBM component), holding
        one weight per pixel. Pass the transpose of a scikit-learn
        ``coefs_[0]``, whose shape is (n_pixels, n_units).
    rows, cols : int, optional
        Grid shape. With neither, the grid is near square: ``ceil(sqrt(n_units))``
        columns and as many rows as needed. With one, the other is the
        smallest that holds every tile.
    title : str, optional
        Title of the whole figure.
    cmap : str, default="RdBu_r"
        Colour map. The scale runs from ``-m`` to ``m``, ``m`` the largest
        absolute weight, so with a diverging map white means 0 in every tile.

    Returns
    -------
    fig : matplotlib Figure
        One image holding a tile per unit (row by row, separated by thin white
        lines), and one colour bar for all of them.
    """
    array = check_weight_rows(weights, "weights")
    n = len(array)
    rows, cols = (None if value is None else check_whole_number(value, arg)
                  for arg, value in (("rows", rows), ("cols", cols)))
    if rows is None and cols is None:
        cols = math.ceil(math.sqrt(n))
    if cols is None:
        cols = math.ceil(n / rows)
    if rows is None:
        rows = math.ceil(n / cols)
    if rows * cols < n:
        raise ValueError(f"A {rows}x{cols} grid cannot hold {n} tiles.")
    limit = max(np.abs(array).max(), 1e-12)
    height, width = IMAGE_SHAPES[array.shape[1]]
    # All tiles go into one image, separated by a line of NaN (drawn white): one
    # imshow is many times faster to lay out and render than a hundred Axes.
    mosaic = np.full((rows * (height + 1) - 1, cols * (width + 1) - 1), np.nan)
    for index, tile in enumerate(array.reshape(n, height, width)):
        row, col = divmod(index, cols)
        mosaic[row * (height + 1):row * (height + 1) + height,
               col * (width + 1):col * (width + 1) + width] = tile

    side = min(1.0, 9 / max(rows, cols))
    fig, ax = plt.subplots(figsize=(side * cols + 1.4, side * rows + 0.5), layout="constrained")
    image = ax.imshow(mosaic, cmap=plt.get_cmap(cmap).with_extremes(bad="white"),
                      vmin=-limit, vmax=limit)
    ax.set_axis_off()
    fig.colorbar(image, ax=ax, shrink=0.8, label="weight")
    if title is not None:
        fig.suptitle(title)
    return fig


@_no_figure_left_on_error
def plot_confusion(y_true, y_pred, *, normalize=False, ax=None, title=None):
    """Heatmap of how often each true digit received each prediction, written on every cell.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_images,)
        The labels and a classifier's answers.
    normalize : bool, default=False
        Show each row as shares of that true digit's images (rows sum to 1)
        instead of counts.
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    ax : matplotlib Axes
    """
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    if y_true.ndim != 1 or y_true.size == 0:
        raise ValueError(f"y_true must be a non-empty 1-D array of labels; got shape "
                         f"{y_true.shape}.")
    if y_pred.shape != y_true.shape:
        raise ValueError(f"y_pred must hold one answer per label, shape {y_true.shape}; "
                         f"got shape {y_pred.shape}.")
    labels = np.union1d(y_true, y_pred)
    with warnings.catch_warnings():
        # With one label scikit-learn warns that the table may lack rows; ours come
        # from `labels`, which holds every label there is.
        warnings.filterwarnings("ignore", message="A single label was found",
                                category=UserWarning)
        # normalize="true" divides each row by its total; a digit that is only ever
        # predicted has no true images, and scikit-learn leaves its row at 0.
        table = confusion_matrix(y_true, y_pred, labels=labels,
                                 normalize="true" if normalize else None)
    if normalize:
        fmt, bar_label = ".2f", "share of the true digit's images"
    else:
        fmt, bar_label = "d", "number of images"
    if title is None:
        title = "Confusion matrix" + (" (each row sums to 1)" if normalize else "")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 5))
    names = [str(label) for label in labels]
    _annotated_heatmap(ax, table, names, names, fmt=fmt, cmap="Blues", bar_label=bar_label)
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    ax.set_title(title)
    return ax


@_no_figure_left_on_error
def plot_grid_heatmap(table, *, index, columns, values, ax=None, title=None, fmt=".2f",
                      cmap="viridis", vmin=None, vmax=None, annotate=True):
    """Pivot a table of results (one row per setting) and draw it as an annotated heatmap.

    Parameters
    ----------
    table : pandas DataFrame
        For example one row per grid-search combination.
    index, columns : str
        The columns of ``table`` that become the heatmap's rows and columns.
    values : str
        The column of ``table`` written in the cells and coloured.
    ax : matplotlib Axes, optional
    title : str, optional
        Defaults to ``values``.
    fmt : str, default=".2f"
        Format of the numbers written in the cells.
    cmap : str, default="viridis"
    vmin, vmax : float, optional
        The ends of the colour scale (default: the smallest and largest value).
        Values beyond them take the end colours, and the colour bar's arrow says so:
        a ``vmin`` just below the good scores spreads their small differences.
    annotate : bool, default=True
        Write each value in its cell; with many columns the colours alone read better.

    Returns
    -------
    ax : matplotlib Axes
    """
    if not isinstance(table, pd.DataFrame):
        raise ValueError(f"table must be a pandas DataFrame; got {type(table).__name__}.")
    for arg, name in (("index", index), ("columns", columns), ("values", values)):
        if name not in table.columns:
            raise ValueError(f"{arg}={name!r} is not a column of table; its columns are "
                             f"{list(table.columns)}.")
    if table.duplicated([index, columns]).any():
        raise ValueError(f"table has several rows for the same ({index}, {columns}) pair, "
                         f"so they cannot share one cell; filter it first.")
    grid = table.pivot(index=index, columns=columns, values=values)
    if ax is None:
        width = min(max(4.0, 0.5 * grid.shape[1] + 2.5), 16.0)
        _, ax = plt.subplots(figsize=(width, max(3.0, 0.5 * grid.shape[0] + 2.0)),
                             layout="constrained")
    _annotated_heatmap(ax, grid.to_numpy(dtype=float), [_tick(c) for c in grid.columns],
                       [_tick(i) for i in grid.index], fmt=fmt, cmap=cmap, bar_label=values,
                       vmin=vmin, vmax=vmax, annotate=annotate)
    ax.set_xlabel(columns)
    ax.set_ylabel(index)
    ax.set_title(values if title is None else title)
    return ax


def _tick(value):
    return f"{value:.3g}" if isinstance(value, (float, np.floating)) else str(value)


def _annotated_heatmap(ax, table, xticks, yticks, *, fmt, cmap, bar_label, vmin=None,
                       vmax=None, annotate=True):
    image = ax.imshow(table, cmap=cmap, aspect="auto", vmin=vmin, vmax=vmax)
    low, high = image.norm.vmin, image.norm.vmax
    below, above = np.nanmin(table) < low, np.nanmax(table) > high
    extend = {(True, True): "both", (True, False): "min", (False, True): "max"}.get(
        (bool(below), bool(above)), "neither")
    ax.figure.colorbar(image, ax=ax, label=bar_label, extend=extend)
    ax.set_xticks(range(len(xticks)), xticks, rotation=90 if len(xticks) > 12 else 0)
    ax.set_yticks(range(len(yticks)), yticks)
    if not annotate:
        return
    fontsize = 8 if table.shape[1] <= 12 else 6
    for (row, col), value in np.ndenumerate(table):
        if not np.isfinite(value):
            continue  # a combination that was not run stays blank
        # White text where the cell's colour is dark, black where it is light.
        red, green, blue, _ = image.cmap(image.norm(value))
        dark = 0.299 * red + 0.587 * green + 0.114 * blue < 0.5
        ax.text(col, row, format(value, fmt), ha="center", va="center", fontsize=fontsize,
                color="white" if dark else "black")
