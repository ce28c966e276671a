import matplotlib.pyplot as plt
import numpy as np
import pytest

from coursekit import plots
from coursekit.data import load_digits


@pytest.mark.parametrize("shape, expected", [
    ((64,), (8, 8)), ((784,), (28, 28)), ((8, 8), (8, 8)), ((28, 28), (28, 28)),
])
def test_as_image_reshapes_known_sizes(shape, expected):
    assert plots.as_image(np.zeros(shape)).shape == expected


def test_as_image_reads_rows_in_order():
    np.testing.assert_array_equal(plots.as_image(np.arange(64))[1], np.arange(8, 16))


@pytest.mark.parametrize("shape", [(63,), (10, 10), (2, 64), ()])
def test_as_image_rejects_other_shapes_naming_argument_and_accepted_shapes(shape):
    with pytest.raises(ValueError) as info:
        plots.as_image(np.zeros(shape), name="image")
    message = str(info.value)
    assert message.startswith("image must be")
    assert "64 or 784" in message and "(8, 8) or (28, 28)" in message
    assert str(shape) in message


def test_show_digit_returns_axes_with_title_and_gray_r():
    X, y = load_digits()
    ax = plots.show_digit(X[0], label=y[0])
    assert isinstance(ax, plt.Axes)
    assert ax.get_title() == "Label: 0"
    assert ax.images[0].get_cmap().name == "gray_r"
    assert not ax.texts


def test_show_digit_can_write_every_pixel_value():
    X, _ = load_digits()
    ax = plots.show_digit(X[0], values=True)
    assert len(ax.texts) == 64


def test_show_digit_draws_on_given_axes():
    _, ax = plt.subplots()
    assert plots.show_digit(np.zeros(784), ax=ax, title="blank") is ax
    assert ax.get_title() == "blank"


def test_show_digit_bad_shape_names_the_argument():
    with pytest.raises(ValueError, match="^image must be"):
        plots.show_digit(np.zeros(65))


def test_show_digits_first_n_with_labels():
    X, y = load_digits()
    fig = plots.show_digits(X, y, n=12, cols=6)
    titled = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titled == [str(label) for label in y[:12]]
    assert len(fig.axes) == 12


def test_show_digits_random_choice_is_seeded():
    X, y = load_digits()
    titles = [
        [ax.get_title() for ax in plots.show_digits(X, y, rows=2, cols=5, random_state=3).axes]
        for _ in range(2)
    ]
    assert titles[0] == titles[1]
    first = [ax.get_title() for ax in plots.show_digits(X, y, rows=2, cols=5).axes]
    assert titles[0] != first


def test_show_digits_marks_wrong_predictions():
    X, y = load_digits()
    predictions = y[:4].copy()
    predictions[1] = (predictions[1] + 1) % 10
    fig = plots.show_digits(X[:4], y[:4], predictions=predictions)
    colors = [ax.title.get_color() for ax in fig.axes]
    assert colors[1] == "tab:red" and colors[0] == "black"


def test_show_digits_accepts_28x28_images():
    fig = plots.show_digits(np.zeros((3, 784)))
    assert fig.axes[0].images[0].get_array().shape == (28, 28)


@pytest.mark.parametrize("kwargs, message", [
    ({"n": 0}, "n must be a positive whole number"),
    ({"n": 2000}, "n=2000 is more than the 1797 images"),
    ({"rows": 2, "cols": 2, "n": 5}, "cannot hold n=5"),
    ({"labels": np.zeros(3)}, r"labels must hold one entry per image, shape \(1797,\)"),
])
def test_show_digits_errors(kwargs, message):
    X, _ = load_digits()
    with pytest.raises(ValueError, match=message):
        plots.show_digits(X, **kwargs)


def test_show_digits_bad_shape_names_images():
    with pytest.raises(ValueError, match=r"^images must be several digits.*\(5, 10\)"):
        plots.show_digits(np.zeros((5, 10)))


def test_label_histogram_counts_each_label():
    _, y = load_digits()
    ax = plots.plot_label_histogram(y)
    heights = [patch.get_height() for patch in ax.patches]
    np.testing.assert_array_equal(heights, np.bincount(y))
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()


def test_label_histogram_rejects_empty():
    with pytest.raises(ValueError, match="labels must be a non-empty 1-D array"):
        plots.plot_label_histogram([])


def test_loss_curves_one_line_per_model():
    ax = plots.plot_loss_curves({"a": [3, 2, 1], "b": [4, 3]})
    assert [line.get_label() for line in ax.lines] == ["a", "b"]
    np.testing.assert_array_equal(ax.lines[1].get_xdata(), [1, 2])


def test_loss_curves_errors():
    with pytest.raises(ValueError, match="at least one curve"):
        plots.plot_loss_curves({})
    with pytest.raises(ValueError, match=r"curves\['a'\] must be a non-empty 1-D"):
        plots.plot_loss_curves({"a": []})
