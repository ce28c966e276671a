"""Sliders that move through precomputed states of a model and redraw its picture.

A :class:`FigureSlider` pairs a slider with a picture. Every state is computed
before the slider is built (fitting a model while the learner drags would make
the picture lag), and each picture is drawn the first time it is asked for and
kept, so going back is instant.

The picture is an :class:`ipywidgets.Image` holding PNG bytes rather than an
``Output`` widget capturing a live figure. Drawing then sends no display
message at all, so a headless run (nbval, ``coursekit execute``, the grader)
stores one stable line of text for the widget and nothing that goes stale.
"""

import io

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from .plots import IMAGE_SHAPES, plot_weight_tiles


class FigureSlider(widgets.VBox):
    """A slider over labelled states and the figure of the selected one.

    Parameters
    ----------
    states : dict of str to object
        The states, by the label the slider shows, in slider order.
    draw : callable
        ``draw(label, state)`` returns a matplotlib Figure; the slider saves
        it as PNG and closes it.
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
        """The PNG bytes of the figure for ``label`` (drawn once, then kept)."""
        if label not in self._states:
            raise ValueError(f"label must be one of {list(self._states)!r:.200}; got {label!r}.")
        if label not in self._pictures:
            figure = self._draw(label, self._states[label])
            buffer = io.BytesIO()
            figure.savefig(buffer, format="png", bbox_inches="tight")
            # Closed at once, or the inline backend would also show it under the cell.
            plt.close(figure)
            self._pictures[label] = buffer.getvalue()
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


def weight_slider(weights, *, description, title="{description} = {label}", rows=None,
                  cols=None, value=None):
    """A slider that shows one set of weight images per position.

    Parameters
    ----------
    weights : dict of str to array-like of shape (n_units, 64) or (n_units, 784)
        For each slider label, one row of pixel weights per unit: a linear
        model's ``coef_``, or the transpose of a network's ``coefs_[0]``.
    description : str
        Text in front of the slider, e.g. ``"C"`` or ``"steps"``.
    title : str, default="{description} = {label}"
        Title of each figure; ``{description}`` and ``{label}`` are filled in.
    rows, cols : int, optional
        Grid of tiles, passed to :func:`coursekit.plots.plot_weight_tiles`.
    value : str, optional
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
        array = np.asarray(array, dtype=float)
        if array.ndim != 2 or array.shape[1] not in IMAGE_SHAPES or len(array) == 0:
            raise ValueError(
                f"weights[{label!r}] must have shape (n_units, 64) or (n_units, 784); got "
                f"shape {array.shape}. For a network's coefs_[0] pass its transpose."
            )
        arrays[label] = array

    def draw(label, array):
        return plot_weight_tiles(array, rows=rows, cols=cols,
                                 title=title.format(description=description, label=label))

    return FigureSlider(arrays, draw, description=description, value=value)
