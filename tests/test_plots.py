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
    # True counts as 1 in Python; here it is a slip, refused before matplotlib sees it.
    ({"rows": True}, "rows must be a positive whole number"),
    ({"cols": True, "n": 3}, "cols must be a positive whole number"),
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


def test_show_digits_needs_at_least_one_image():
    with pytest.raises(ValueError, match=r"^images holds no digits \(shape \(0, 64\)\)"):
        plots.show_digits(np.zeros((0, 64)))


@pytest.mark.parametrize("index", [0, slice(0, 1)])
def test_show_digits_given_one_digit_points_to_show_digit(index):
    X, _ = load_digits()
    one = X[0] if index == 0 else X[0].reshape(8, 8)
    with pytest.raises(ValueError, match=r"^images must be several digits, one per row; got a "
                                         r"single digit of shape \((64,|8, 8)\).*"
                                         r"show_digit\(image\).*X\[:1\]"):
        plots.show_digits(one)
    assert plots.show_digits(X[:1])  # the slice the message suggests works


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
    with pytest.raises(ValueError, match=r"curves\['a'\] holds no losses"):
        plots.plot_loss_curves({"a": []})
    with pytest.raises(ValueError, match=r"curves\['a'\] must be a sequence of losses.*"
                                         r"shape \(2, 2\)"):
        plots.plot_loss_curves({"a": np.zeros((2, 2)), "b": [1, 2]})


def test_loss_curves_given_weights_say_which_output_to_pass():
    weights = [np.zeros((16, 64)), np.zeros((10, 16))]
    with pytest.raises(ValueError, match=r"^curves must be a sequence of losses.*list of 2 "
                                         r"arrays of shapes \[\(16, 64\), \(10, 16\)\].*"
                                         r"pass the third") as error:
        plots.plot_loss_curves(weights)
    assert "inhomogeneous" not in str(error.value)


def test_loss_curves_given_a_model_point_to_loss_curve_():
    from sklearn.neural_network import MLPClassifier

    with pytest.raises(ValueError, match=r"^curves must be a sequence of losses.*a model, "
                                         r"MLPClassifier.*`model.loss_curve_`"):
        plots.plot_loss_curves(MLPClassifier())


def _results():
    import pandas as pd
    return pd.DataFrame({"penalty": ["l1", "l2"], "C": [1.0, 1.0], "auc": ["high", "low"]})


# Every rejected input of every plotting helper: the error, and no figure left behind.
REJECTED = [
    (plots.show_digit, (np.zeros(10),), {}),
    (plots.show_digit, (None,), {}),
    (plots.show_digits, (np.zeros(64),), {}),
    (plots.show_digits, (np.zeros((0, 64)),), {}),
    (plots.show_digits, (np.zeros((5, 10)),), {}),
    (plots.show_digits, (np.zeros((3, 64)),), {"labels": [1]}),
    (plots.show_digits, (np.zeros((3, 64)),), {"n": 5}),
    (plots.show_digits, (np.zeros((3, 64)),), {"vmax": "dark"}),
    (plots.plot_label_histogram, ([],), {}),
    (plots.plot_loss_curves, ([np.zeros((16, 64)), np.zeros((10, 16))],), {}),
    (plots.plot_loss_curves, ([np.zeros((3, 3)), np.zeros((3, 3))],), {}),
    (plots.plot_loss_curves, ({"a": [1, 2], "b": []},), {}),
    (plots.plot_loss_curves, ("loss",), {}),
    (plots.plot_loss_curves, (3.0,), {}),
    (plots.plot_loss_curves, (None,), {}),
    (plots.plot_weight_tiles, (np.zeros((4, 10)),), {}),
    (plots.plot_weight_tiles, (np.zeros((4, 64)),), {"rows": 1, "cols": 1}),
    (plots.plot_confusion, ([], []), {}),
    (plots.plot_confusion, ([1, 2], [1]), {}),
    (plots.plot_grid_heatmap, (_results(),), {"index": "penalty", "columns": "C",
                                               "values": "auc"}),
    (plots.plot_grid_heatmap, (_results(),), {"index": "nope", "columns": "C",
                                               "values": "auc"}),
]


@pytest.mark.parametrize("helper, args, kwargs", REJECTED,
                         ids=[f"{h.__name__}-{i}" for i, (h, _, _) in enumerate(REJECTED)])
def test_a_rejected_input_leaves_no_figure(helper, args, kwargs):
    plt.close("all")
    with pytest.raises((ValueError, TypeError)):
        helper(*args, **kwargs)
    assert plt.get_fignums() == []


# ------------------------------------------------ weight tiles, confusion, grid heatmap

def _mosaic(fig):
    (ax,) = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    return ax.images[0]


def _grid_and_tiles(fig, side):
    """The grid shape of a weight mosaic and its tiles that hold weights."""
    mosaic = np.ma.filled(_mosaic(fig).get_array(), np.nan)
    rows, cols = (mosaic.shape[0] + 1) // (side + 1), (mosaic.shape[1] + 1) // (side + 1)
    assert mosaic.shape == (rows * (side + 1) - 1, cols * (side + 1) - 1)
    tiles = [mosaic[r * (side + 1):r * (side + 1) + side, c * (side + 1):c * (side + 1) + side]
             for r in range(rows) for c in range(cols)]
    return (rows, cols), [tile for tile in tiles if not np.isnan(tile).all()]


@pytest.mark.parametrize("n_units, n_pixels, grid", [
    (100, 64, (10, 10)), (10, 784, (3, 4)), (16, 64, (4, 4)), (1, 64, (1, 1)), (7, 64, (3, 3)),
])
def test_weight_tiles_one_tile_per_unit_near_square(n_units, n_pixels, grid):
    weights = np.random.default_rng(0).normal(size=(n_units, n_pixels))
    fig = plots.plot_weight_tiles(weights, title="weights")
    assert isinstance(fig, plt.Figure)
    side = int(np.sqrt(n_pixels))
    found_grid, tiles = _grid_and_tiles(fig, side)
    assert found_grid == grid and len(tiles) == n_units
    for tile, unit in zip(tiles, weights):  # row by row, unit by unit
        np.testing.assert_array_equal(tile, unit.reshape(side, side))
    assert fig.get_suptitle() == "weights"


def test_weight_tiles_share_a_scale_centred_on_zero_with_one_colorbar():
    weights = np.zeros((4, 64))
    weights[0, 0], weights[1, 1] = 3.0, -0.5
    fig = plots.plot_weight_tiles(weights, cmap="RdBu_r")
    image = _mosaic(fig)
    assert image.get_clim() == (-3.0, 3.0)
    assert image.get_cmap().name.startswith("RdBu_r")
    assert sum(ax.get_label() == "<colorbar>" for ax in fig.axes) == 1


def test_weight_tiles_all_zero_weights_still_draw():
    fig = plots.plot_weight_tiles(np.zeros((3, 64)))
    low, high = _mosaic(fig).get_clim()
    assert low < 0 < high


@pytest.mark.parametrize("rows, cols, grid", [
    (2, None, (2, 5)), (None, 2, (5, 2)), (1, 10, (1, 10)),
])
def test_weight_tiles_given_rows_or_cols(rows, cols, grid):
    fig = plots.plot_weight_tiles(np.ones((10, 64)), rows=rows, cols=cols)
    found_grid, tiles = _grid_and_tiles(fig, 8)
    assert found_grid == grid and len(tiles) == 10


@pytest.mark.parametrize("shape", [(64, 10), (784, 3), (10,), (0, 64), (2, 8, 8), (3, 65)])
def test_weight_tiles_refuse_other_shapes(shape):
    with pytest.raises(ValueError, match=r"weights must have shape \(n_units, 64\)"):
        plots.plot_weight_tiles(np.zeros(shape))


@pytest.mark.parametrize("kwargs, message", [
    ({"rows": 0}, "rows must be a positive whole number"),
    ({"cols": 2.5}, "cols must be a positive whole number"),
    ({"rows": True}, "rows must be a positive whole number"),
    ({"rows": 2, "cols": 2}, "A 2x2 grid cannot hold 10 tiles"),
])
def test_weight_tiles_refuse_bad_grids(kwargs, message):
    with pytest.raises(ValueError, match=message):
        plots.plot_weight_tiles(np.zeros((10, 64)), **kwargs)


# ---------------------------------------------------------------- plot_confusion

def _cell_texts(ax):
    return {(round(t.get_position()[1]), round(t.get_position()[0])): t.get_text()
            for t in ax.texts}


def test_confusion_counts():
    y_true = [0, 0, 1, 1, 1, 2]
    y_pred = [0, 1, 1, 1, 2, 2]
    ax = plots.plot_confusion(y_true, y_pred)
    np.testing.assert_array_equal(ax.images[0].get_array(), [[1, 1, 0], [0, 2, 1], [0, 0, 1]])
    texts = _cell_texts(ax)
    assert texts[(1, 1)] == "2" and texts[(0, 2)] == "0" and len(texts) == 9
    assert ax.get_xlabel() == "predicted digit" and ax.get_ylabel() == "true digit"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "1", "2"]
    assert ax.get_title() == "Confusion matrix"


def test_confusion_normalized_rows_sum_to_one():
    y_true = [0, 0, 0, 0, 1, 1]
    y_pred = [0, 0, 0, 1, 1, 1]
    ax = plots.plot_confusion(y_true, y_pred, normalize=True, title="shares")
    table = np.asarray(ax.images[0].get_array())
    np.testing.assert_allclose(table, [[0.75, 0.25], [0.0, 1.0]])
    assert _cell_texts(ax)[(0, 0)] == "0.75"
    assert ax.get_title() == "shares"


def test_confusion_a_label_only_predicted_gets_a_row_of_zeros():
    ax = plots.plot_confusion([0, 0, 1], [0, 2, 1], normalize=True)
    table = np.asarray(ax.images[0].get_array())
    assert table.shape == (3, 3)
    np.testing.assert_allclose(table[2], 0)
    np.testing.assert_allclose(table[:2].sum(axis=1), 1)


def test_confusion_of_a_single_digit_draws_without_a_warning():
    ax = plots.plot_confusion([3, 3], [3, 3], normalize=True)
    np.testing.assert_allclose(ax.images[0].get_array(), [[1.0]])


def test_confusion_draws_on_the_given_axes():
    _, ax = plt.subplots()
    assert plots.plot_confusion([1, 2], [1, 2], ax=ax) is ax


@pytest.mark.parametrize("y_true, y_pred, message", [
    ([], [], "y_true must be a non-empty 1-D"),
    ([[0, 1]], [[0, 1]], "y_true must be a non-empty 1-D"),
    ([0, 1, 2], [0, 1], "y_pred must hold one answer per label"),
])
def test_confusion_refuses_bad_input(y_true, y_pred, message):
    with pytest.raises(ValueError, match=message):
        plots.plot_confusion(y_true, y_pred)


# ---------------------------------------------------------------- plot_grid_heatmap

@pytest.fixture
def results():
    import pandas as pd

    rows = [{"penalty": penalty, "C": c, "auc": auc, "fit": "ok"}
            for penalty, scale in (("l1", 0.5), ("l2", 0.25))
            for c, auc in zip((0.01, 1.0, 100.0), np.array([1, 2, 3]) * scale)]
    return pd.DataFrame(rows)


def test_grid_heatmap_pivots_and_labels(results):
    ax = plots.plot_grid_heatmap(results, index="penalty", columns="C", values="auc",
                                 fmt=".3f", cmap="magma")
    np.testing.assert_allclose(ax.images[0].get_array(), [[0.5, 1.0, 1.5], [0.25, 0.5, 0.75]])
    assert ax.images[0].get_cmap().name == "magma"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0.01", "1", "100"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["l1", "l2"]
    assert ax.get_xlabel() == "C" and ax.get_ylabel() == "penalty" and ax.get_title() == "auc"
    assert _cell_texts(ax)[(1, 2)] == "0.750"


def test_grid_heatmap_leaves_missing_combinations_blank(results):
    ax = plots.plot_grid_heatmap(results.drop(index=5), index="penalty", columns="C",
                                 values="auc", title="AUC")
    assert len(ax.texts) == 5 and ax.get_title() == "AUC"


def test_grid_heatmap_colour_scale_and_annotations_can_be_chosen(results):
    ax = plots.plot_grid_heatmap(results, index="penalty", columns="C", values="auc",
                                 vmin=0.5, annotate=False)
    assert ax.images[0].norm.vmin == 0.5 and ax.images[0].norm.vmax == 1.5
    assert len(ax.texts) == 0
    assert ax.figure.axes[-1].get_ylabel() == "auc"  # the colour bar
    assert ax.images[0].colorbar.extend == "min"  # 0.25 lies below the scale
    ax = plots.plot_grid_heatmap(results, index="penalty", columns="C", values="auc")
    assert ax.images[0].colorbar.extend == "neither" and len(ax.texts) == 6


def test_loss_curves_have_whole_epoch_ticks():
    ax = plots.plot_loss_curves([3.0, 2.5, 2.2, 2.0])
    ax.figure.canvas.draw()
    assert all(float(tick).is_integer() for tick in ax.get_xticks())


def test_grid_heatmap_draws_on_the_given_axes(results):
    _, ax = plt.subplots()
    assert plots.plot_grid_heatmap(results, index="C", columns="penalty", values="auc",
                                   ax=ax) is ax


@pytest.mark.parametrize("kwargs, message", [
    ({"index": "alpha"}, "index='alpha' is not a column of table"),
    ({"values": "accuracy"}, "values='accuracy' is not a column of table"),
])
def test_grid_heatmap_names_a_missing_column(results, kwargs, message):
    arguments = {"index": "penalty", "columns": "C", "values": "auc"} | kwargs
    with pytest.raises(ValueError, match=message):
        plots.plot_grid_heatmap(results, **arguments)


def test_grid_heatmap_refuses_duplicate_cells(results):
    with pytest.raises(ValueError, match="several rows for the same"):
        plots.plot_grid_heatmap(results.loc[list(results.index) * 2], index="penalty",
                                columns="C", values="auc")


def test_grid_heatmap_needs_a_dataframe(results):
    with pytest.raises(ValueError, match="table must be a pandas DataFrame"):
        plots.plot_grid_heatmap(results.to_dict(), index="penalty", columns="C", values="auc")


@pytest.mark.parametrize("placeholder", [..., None])
def test_a_skipped_exercise_gets_a_plain_message(placeholder):
    with pytest.raises(ValueError, match="the exercise that computes it is not done yet"):
        plots.show_digit(placeholder)
    with pytest.raises(ValueError, match=r"^images is"):
        plots.show_digits(placeholder)


def test_show_digits_shares_one_colour_scale():
    images = np.zeros((2, 64))
    images[0, 0], images[1, 0] = 1.0, 0.25
    fig = plots.show_digits(images)
    assert [ax.images[0].get_clim() for ax in fig.axes] == [(0.0, 1.0), (0.0, 1.0)]
