"""Sliders that move through precomputed states of a model and redraw its picture.

A :class:`FigureSlider` pairs a slider with a picture. Every state is computed
before the slider is built (fitting a model while the learner drags would make
the picture lag), and each picture is drawn the first time it is asked for and
kept, so going back is instant.

The picture is an :class:`ipywidgets.Image` holding PNG bytes rather than an
``Output`` widget capturing a live figure. Drawing then sends no display
message at all, so a headless run (nbval, ``coursekit execute``, the grader)
stores for the widget one stable line of text and a still picture of its first
view (for viewers that cannot run widgets), nothing that goes stale.
:func:`png_bytes` and :func:`with_still_picture` serve
:class:`coursekit.digit_browser.DigitBrowser` too.
"""

import base64
import io

import ipywidgets as widgets
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from .plots import plot_weight_tiles
from .validation import check_weight_rows, is_whole_number


def png_bytes(figure, *, crop=False):
    """The figure as PNG bytes.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
    crop : bool, default=False
        Trim the blank margin (``bbox_inches="tight"``). Left off where every
        picture of a widget must keep the same size, so the view does not jump.

    Returns
    -------
    bytes
    """
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight" if crop else None)
    return buffer.getvalue()


def with_still_picture(bundle, png):
    """Add a PNG of a widget's current view to its display data.

    JupyterLab shows the live widget. GitHub, nbviewer and a notebook opened
    without its kernel cannot run widgets; they show this picture instead.

    Parameters
    ----------
    bundle : dict
        What the widget's ``_repr_mimebundle_`` returns, by MIME type.
    png : bytes
        The picture the widget shows now.

    Returns
    -------
    dict
        ``bundle``, with the picture under ``"image/png"``.
    """
    bundle["image/png"] = base64.b64encode(bytes(png)).decode("ascii")
    return bundle


class FigureSlider(widgets.VBox):
    """A slider over labelled states and the figure of the selected one.

    Parameters
    ----------
    states : dict of str to object
        The states, by the label the slider shows, in slider order.
    draw : callable
        ``draw(label, state)`` returns a matplotlib Figure, or an Axes on one
        (as the single-panel helpers of :mod:`coursekit.plots` do); the slider
        saves the figure as PNG and closes it.
    description : str
        Text in front of the slider, e.g. ``"C"``.
    value : str, optional
        The label shown first; defaults to the first one.

    Attributes
    ----------
    slider : ipywidgets.SelectionSlider
    image : ipywidgets.Image
        Holds the PNG bytes of the figure of ``slider.value``.
    """

    def __init__(self, states, draw, *, description, value=None):
        if not isinstance(states, dict) or not states:
            raise ValueError(f"states must be a non-empty dict of label to state; got "
                             f"{type(states).__name__} {states!r:.80}.")
        labels = list(states)
        if not all(isinstance(label, str) for label in labels):
            raise ValueError(f"states' labels must be strings, as the slider shows them; "
                             f"got {labels!r:.80}.")
        if not callable(draw):
            raise ValueError(f"draw must be a function of (label, state) returning a Figure; "
                             f"got {type(draw).__name__}.")
        if value is None:
            value = labels[0]
        if value not in states:
            raise ValueError(f"value must be one of the labels {labels!r:.200}; got {value!r}.")
        self.slider = widgets.SelectionSlider(
            options=labels, value=value, description=description,
            # Draw on release only: a drag over unseen states would queue a figure each.
            continuous_update=False, layout=widgets.Layout(width="90%"),
        )
        self.image = widgets.Image(format="png")
        super().__init__(children=[self.slider, self.image])
        self._states = dict(states)
        self._draw = draw
        self._pictures = {}
        self.slider.observe(self._on_change, names="value")
        self._show(value)

    def picture(self, label):
        """The PNG bytes of the figure for ``label`` (drawn once, then kept).

        Raises
        ------
        ValueError
            If ``label`` is not one of the states', or ``draw`` returned
            neither a Figure nor an Axes.
        """
        if label not in self._states:
            raise ValueError(f"label must be one of {list(self._states)!r:.200}; got {label!r}.")
        if label not in self._pictures:
            drawn = self._draw(label, self._states[label])
            figure = getattr(drawn, "figure", drawn)  # an Axes knows its Figure
            try:
                if not isinstance(figure, Figure):
                    raise ValueError(f"draw must return a matplotlib Figure or Axes; for "
                                     f"{label!r} it returned {type(drawn).__name__}.")
                self._pictures[label] = png_bytes(figure, crop=True)
            finally:
                # Closed even when saving fails, or the inline backend would show it
                # under the cell.
                if isinstance(figure, Figure):
                    plt.close(figure)
        return self._pictures[label]

    def _show(self, label):
        self.image.value = self.picture(label)

    def _on_change(self, change):
        self._show(change["new"])

    def __repr__(self):
        # The text a notebook stores for the widget: stable from run to run.
        labels = list(self._states)
        return (f"{type(self).__name__}: {self.slider.description} over {len(labels)} "
                f"values from {labels[0]} to {labels[-1]}, showing {self.slider.value} "
                f"(move it in JupyterLab)")

    def _repr_mimebundle_(self, **kwargs):
        return with_still_picture(super()._repr_mimebundle_(**kwargs), self.image.value)


def weight_slider(weights, *, description, title="{description} = {label}", rows=None,
                  cols=None, value=None):
    """A slider that shows one set of weight images per position.

    Parameters
    ----------
    weights : dict of str or int to array-like of shape (n_units, 64) or (n_units, 784)
        For each slider label, one row of pixel weights per unit: a linear
        model's ``coef_``, or the transpose of a network's ``coefs_[0]``.
        Whole-number labels, such as the step counts of
        :func:`coursekit.training.first_layer_snapshots`, are shown as text.
    description : str
        Text in front of the slider, e.g. ``"C"`` or ``"steps"``.
    title : str, default="{description} = {label}"
        Title of each figure; ``{description}`` and ``{label}`` are filled in.
    rows, cols : int, optional
        Grid of tiles, passed to :func:`coursekit.plots.plot_weight_tiles`.
    value : str or int, optional
        The label shown first; defaults to the first one.

    Returns
    -------
    FigureSlider
        Each figure has its own colour scale centred on 0 (white), so a
        state with small weights is as readable as one with large weights;
        the colour bar tells the size.
    """
    if not isinstance(weights, dict) or not weights:
        raise ValueError(f"weights must be a non-empty dict of label to weight array; got "
                         f"{type(weights).__name__}.")
    arrays = {}
    for label, array in weights.items():
        text = _label_text(label, "each label of weights")
        if text in arrays:
            raise ValueError(f"weights must not hold two labels that read the same; "
                             f"{label!r} and another both read {text!r}.")
        arrays[text] = check_weight_rows(array, f"weights[{label!r}]")
    if value is not None:
        value = _label_text(value, "value")

    def draw(label, array):
        return plot_weight_tiles(array, rows=rows, cols=cols,
                                 title=title.format(description=description, label=label))

    return FigureSlider(arrays, draw, description=description, value=value)


def _label_text(label, name):
    # The slider shows text; whole numbers (steps, epochs) are turned into it.
    if isinstance(label, str):
        return label
    if is_whole_number(label):
        return str(int(label))
    raise ValueError(f"{name} must be a string or a whole number, which the slider shows "
                     f"as text; got {label!r} ({type(label).__name__}).")
