"""Browse the digits with a slider: each image, its label and what a classifier answers.

Notebook 01 shows the browser with its random classifier; the browser takes any
function from one flat image to 10 scores.

It is an ipywidgets 8 widget drawn with matplotlib into a PNG, so it needs no
output capture: under headless execution (nbval, the grader) it draws its first
view once and stores nothing but the widget's reference, a one-line summary and
a picture of that first view for renderers that cannot run widgets.
"""

import html

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from .plots import show_digit
from .validation import (IMAGE_SHAPES, check_images_and_labels, check_scores,
                         check_whole_number)
from .widgets import png_bytes, with_still_picture

#: Size of the picture (inches) and its resolution: about 620 x 250 pixels.
FIGSIZE = (6.2, 2.5)
DPI = 100


def draw_answer(image, label, scores, *, name="classifier", title=None):
    """Draw one digit beside the 10 scores a classifier gave it.

    The bar of the answer (the largest score) is green when it matches the
    label and red when it does not; the other bars are grey.

    Parameters
    ----------
    image : array-like of 64 or 784 values, or of shape (8, 8) or (28, 28)
    label : int
        The digit the image shows.
    scores : array-like of shape (10,)
        Finite numbers.
    name : str, default="classifier"
        What the scores' title calls the classifier.
    title : str, optional
        Title of the digit's panel; ``"label <label>"`` when omitted.

    Returns
    -------
    matplotlib.figure.Figure
        A figure that pyplot does not track, so drawing many of them leaks nothing.

    Raises
    ------
    ValueError
        If ``scores`` does not hold 10 finite numbers, or ``label`` is not a digit.
    """
    scores = check_scores(scores, "scores")
    label = check_whole_number(label, "label", low=0, high=9)
    answer = int(np.argmax(scores))
    colours = ["tab:gray"] * 10
    colours[answer] = "tab:green" if answer == label else "tab:red"

    figure = Figure(figsize=FIGSIZE, dpi=DPI, layout="constrained")
    digit_ax, scores_ax = figure.subplots(1, 2, width_ratios=(1, 1.7))
    show_digit(image, ax=digit_ax, title=title or f"label {label}")
    scores_ax.bar(np.arange(10), scores, color=colours)
    scores_ax.set_xticks(np.arange(10))
    scores_ax.set_xlabel("digit")
    scores_ax.set_ylabel("score")
    scores_ax.set_title(f"{name} answers {answer}")
    return figure


class DigitBrowser(widgets.VBox):
    """A slider over the images that shows each one, its label and a classifier's answer.

    The classifier is called once per image shown (once when the browser is
    made, once per move of the slider) and never otherwise, so a classifier
    that draws random numbers draws exactly that many.

    Parameters
    ----------
    X : array-like of shape (n_images, 64) or (n_images, 784)
        One flat image per row, as the classifier reads them.
    y : array-like of shape (n_images,)
        The labels.
    classifier : callable
        Maps one row of ``X`` to 10 scores; its answer is the largest one's index.
    name : str, default="classifier"
        What the captions call the classifier, e.g. ``"random classifier"``.
    index : int, default=0
        The image shown first.

    Attributes
    ----------
    slider : ipywidgets.IntSlider
        Chooses the image. Setting its ``value`` from code moves the browser
        exactly as dragging it does.
    picture : ipywidgets.Image
        The image and its 10 scores (see :func:`draw_answer`), as a PNG.
    caption : ipywidgets.HTML
        One sentence: the label, the answer, and whether it is right.
    scores : ndarray of shape (10,)
        What the classifier returned for the image shown.

    Examples
    --------
    In a notebook, the browser is the last expression of a cell::

        DigitBrowser(X, y, random_classifier, name="random classifier")
    """

    def __init__(self, X, y, classifier, *, name="classifier", index=0):
        X, y = check_images_and_labels(X, y, widths=IMAGE_SHAPES, nonempty=True)
        if not callable(classifier):
            raise TypeError("classifier must be a function from one image to 10 scores; "
                            f"got {type(classifier).__name__}.")
        if not isinstance(name, str) or not name:
            raise ValueError(f"name must be a non-empty string; got {name!r}.")
        index = check_whole_number(index, "index", low=0, high=len(X) - 1)
        self.X, self.y, self.classifier, self.name = X, y, classifier, name
        self.slider = widgets.IntSlider(
            value=index, min=0, max=len(X) - 1, description="image",
            # Each view costs a drawing in the kernel; redraw when the slider is let go
            # (arrow keys still step one image at a time).
            continuous_update=False, layout=widgets.Layout(width="620px"),
        )
        self.picture = widgets.Image(format="png")
        self.caption = widgets.HTML()
        self.scores = None
        super().__init__([self.slider, self.picture, self.caption])
        self._show_image()
        self.slider.observe(self._show_image, names="value")

    @property
    def index(self):
        """The index of the image shown."""
        return self.slider.value

    @property
    def label(self):
        """The label of the image shown."""
        return int(self.y[self.index])

    @property
    def answer(self):
        """The classifier's answer for the image shown: the index of its largest score."""
        return int(np.argmax(self.scores))

    def _show_image(self, change=None):
        scores = check_scores(self.classifier(self.X[self.index]), "classifier",
                              where=f" for image {self.index}")
        self.scores = scores
        figure = draw_answer(self.X[self.index], self.label, scores, name=self.name,
                             title=f"image {self.index}, label {self.label}")
        self.picture.value = png_bytes(figure)
        verdict = "right" if self.answer == self.label else "wrong"
        self.caption.value = (
            f"Image {self.index} of {len(self.X):,} shows a <b>{self.label}</b>; "
            f"the {html.escape(self.name)} answers <b>{self.answer}</b>: {verdict}."
        )

    def __repr__(self):
        return (f"DigitBrowser(image {self.index} of {len(self.X)}, label {self.label}: "
                f"{self.name} answers {self.answer})")

    def _repr_mimebundle_(self, **kwargs):
        return with_still_picture(super()._repr_mimebundle_(**kwargs), self.picture.value)
