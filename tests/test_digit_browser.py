"""The digit browser of notebook 01, driven from the kernel side (no browser)."""

import base64

import matplotlib.pyplot as plt
import numpy as np
import pytest

from coursekit.data import load_digits
from coursekit.digit_browser import DigitBrowser, draw_answer
from coursekit.widgets import png_bytes

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def digits():
    return load_digits()


def always(digit):
    """A classifier whose answer is always ``digit``."""
    scores = np.zeros(10)
    scores[digit] = 1.0
    return lambda x: scores


def nearest_centroid(X, y):
    """A deterministic classifier that looks at the pixels (right most of the time)."""
    centroids = np.stack([X[y == digit].mean(axis=0) for digit in range(10)])
    return lambda x: -np.linalg.norm(centroids - x, axis=1)


class CountingClassifier:
    def __init__(self, classifier):
        self.classifier, self.calls = classifier, 0

    def __call__(self, x):
        self.calls += 1
        return self.classifier(x)


def test_the_first_view_shows_the_first_image_its_label_and_the_answer(digits):
    X, y = digits
    browser = DigitBrowser(X, y, always(3), name="three-guesser")
    assert (browser.index, browser.label, browser.answer) == (0, y[0], 3)
    assert bytes(browser.picture.value).startswith(PNG_SIGNATURE)
    assert browser.caption.value == (f"Image 0 of 1,797 shows a <b>{y[0]}</b>; "
                                     "the three-guesser answers <b>3</b>: wrong.")
    assert repr(browser) == f"DigitBrowser(image 0 of 1797, label {y[0]}: three-guesser answers 3)"


def test_moving_the_slider_shows_the_new_image_and_the_classifier_s_new_answer(digits):
    X, y = digits
    classify = nearest_centroid(X, y)
    browser = DigitBrowser(X, y, classify, name="nearest centroid")
    first_picture = bytes(browser.picture.value)
    target = int(np.flatnonzero(y == 7)[0])

    browser.slider.value = target

    assert (browser.index, browser.label) == (target, 7)
    assert browser.answer == int(np.argmax(classify(X[target]))) == 7
    np.testing.assert_array_equal(browser.scores, classify(X[target]))
    assert browser.caption.value.endswith("answers <b>7</b>: right.")
    assert f"Image {target} of 1,797 shows a <b>7</b>" in browser.caption.value
    assert bytes(browser.picture.value).startswith(PNG_SIGNATURE)
    assert bytes(browser.picture.value) != first_picture


def test_the_caption_says_wrong_when_the_answer_misses(digits):
    X, y = digits
    browser = DigitBrowser(X, y, always(3))
    browser.slider.value = int(np.flatnonzero(y == 3)[0])
    assert browser.caption.value.endswith("answers <b>3</b>: right.")
    browser.slider.value = int(np.flatnonzero(y == 5)[0])
    assert browser.caption.value.endswith("answers <b>3</b>: wrong.")


def test_the_classifier_is_called_once_per_view_and_never_to_display_it(digits):
    # A random classifier must draw exactly once per image shown, or browsing (and
    # displaying the browser) would shift the numbers a notebook prints.
    X, y = digits
    counting = CountingClassifier(always(0))
    browser = DigitBrowser(X, y, counting)
    assert counting.calls == 1
    browser._repr_mimebundle_()
    repr(browser)
    assert counting.calls == 1
    browser.slider.value = 5
    browser.slider.value = 5  # not a move: no new view
    assert counting.calls == 2


def test_a_random_classifier_with_its_own_generator_gives_the_same_first_view_every_time(digits):
    X, y = digits

    def first_view():
        rng = np.random.default_rng(1)
        browser = DigitBrowser(X, y, lambda x: rng.random(10), name="random classifier")
        return repr(browser), browser.scores

    (text_a, scores_a), (text_b, scores_b) = first_view(), first_view()
    assert text_a == text_b
    np.testing.assert_array_equal(scores_a, scores_b)


def test_the_display_bundle_holds_the_widget_a_summary_and_a_picture_of_the_view(digits):
    X, y = digits
    browser = DigitBrowser(X, y, always(4), index=10)
    bundle = browser._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "image/png", "application/vnd.jupyter.widget-view+json"}
    assert bundle["text/plain"] == repr(browser)
    assert base64.b64decode(bundle["image/png"]) == browser.picture.value
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == browser.model_id


def test_the_slider_covers_every_image_and_starts_where_asked(digits):
    X, y = digits
    browser = DigitBrowser(X[:50], y[:50], always(1), index=49)
    assert (browser.slider.min, browser.slider.max, browser.index) == (0, 49, 49)
    assert browser.children == (browser.slider, browser.picture, browser.caption)


def test_drawing_leaves_no_pyplot_figure_open(digits):
    X, y = digits
    plt.close("all")
    browser = DigitBrowser(X, y, always(2))
    for index in range(1, 4):
        browser.slider.value = index
    assert plt.get_fignums() == []


def test_draw_answer_colours_the_answer_by_whether_it_is_right(digits):
    X, y = digits
    scores = np.arange(10.0)  # answers 9
    right = draw_answer(X[0], 9, scores).axes[1]
    wrong = draw_answer(X[0], 0, scores).axes[1]
    bar_colour = lambda ax, i: ax.patches[i].get_facecolor()  # noqa: E731
    assert bar_colour(right, 9) != bar_colour(wrong, 9)
    assert bar_colour(right, 0) == bar_colour(wrong, 0)
    assert right.get_title() == "classifier answers 9"
    assert right.get_xlabel() == "digit" and right.get_ylabel() == "score"
    assert png_bytes(right.figure).startswith(PNG_SIGNATURE)


@pytest.mark.parametrize("kwargs, message", [
    ({"X": np.zeros((5, 10))}, r"X must have shape \(n_images, 64\) or \(n_images, 784\)"),
    ({"X": np.zeros((0, 64)), "y": np.zeros(0)}, "must not be empty"),
    ({"y": np.zeros(4)}, "y must hold one label per row of X"),
    ({"index": 5}, "index must be a whole number from 0 to 4"),
    ({"index": -1}, "index must be a whole number from 0 to 4"),
    ({"index": 1.0}, "index must be a whole number"),
    ({"index": True}, "index must be a whole number"),
    ({"name": ""}, "name must be a non-empty string"),
    ({"classifier": lambda x: np.zeros(9)}, r"classifier must give 10 scores, shape \(10,\) "
                                            r"for image 0; got shape \(9,\)"),
    ({"classifier": lambda x: "seven"}, "classifier must give 10 scores"),
    # Bars of infinite or NaN height cannot be drawn (matplotlib would warn).
    ({"classifier": lambda x: np.full(10, np.nan)}, "classifier must give 10 finite scores "
                                                    "for image 0"),
    ({"classifier": lambda x: np.r_[np.inf, np.zeros(9)]}, "10 finite scores"),
])
def test_bad_input_gets_a_value_error_naming_the_argument(kwargs, message):
    arguments = {"X": np.zeros((5, 64)), "y": np.zeros(5, dtype=int), "classifier": always(0)}
    arguments.update(kwargs)
    X, y, classifier = arguments.pop("X"), arguments.pop("y"), arguments.pop("classifier")
    with pytest.raises(ValueError, match=message):
        DigitBrowser(X, y, classifier, **arguments)


def test_a_classifier_that_is_not_a_function_is_a_type_error():
    with pytest.raises(TypeError, match="classifier must be a function"):
        DigitBrowser(np.zeros((5, 64)), np.zeros(5, dtype=int), np.zeros(10))


def test_draw_answer_rejects_a_label_that_is_not_a_digit(digits):
    X, _ = digits
    with pytest.raises(ValueError, match="label must be a whole number from 0 to 9"):
        draw_answer(X[0], 10, np.zeros(10))
    with pytest.raises(ValueError, match="label must be a whole number from 0 to 9"):
        draw_answer(X[0], True, np.zeros(10))
    with pytest.raises(ValueError, match="scores must give 10 scores"):
        draw_answer(X[0], 1, np.zeros(3))
    with pytest.raises(ValueError, match="scores must give 10 finite scores"):
        draw_answer(X[0], 1, np.r_[-np.inf, np.zeros(9)])
