import numpy as np
import pytest

from coursekit import data


def test_load_digits_is_flat_and_scaled():
    X, y = data.load_digits()
    assert X.shape == (1797, 64) and y.shape == (1797,)
    assert X.min() == 0.0 and X.max() == 1.0
    assert set(np.unique(y)) == set(range(10))


def test_load_digits_returns_fresh_copies():
    X, y = data.load_digits()
    X[:] = 5
    y[:] = -1
    X2, y2 = data.load_digits()
    assert X2.max() == 1.0 and y2.min() == 0


def test_first_split_is_the_course_split():
    X, y = data.load_digits()
    X_train, y_train, X_held, y_held = data.first_split(X, y)
    assert X_train.shape == (1000, 64) and y_train.shape == (1000,)
    assert X_held.shape == (500, 64) and y_held.shape == (500,)
    np.testing.assert_array_equal(X_held[0], X[1000])


def test_first_split_needs_1500_rows():
    X, y = data.load_digits()
    with pytest.raises(ValueError, match="at least 1500 rows"):
        data.first_split(X[:1200], y[:1200])


@pytest.mark.parametrize("bad_X, bad_y, message", [
    (np.zeros(64), np.zeros(1), r"X must have shape \(n_images, n_pixels\)"),
    (np.zeros((10, 64)), np.zeros(9), r"y must hold one label per row of X, shape \(10,\)"),
])
def test_split_errors_name_the_argument(bad_X, bad_y, message):
    with pytest.raises(ValueError, match=message):
        data.stratified_split(bad_X, bad_y)


def test_stratified_split_is_seeded_and_stratified():
    X, y = data.load_digits()
    first = data.stratified_split(X, y, test_size=0.2, random_state=0)
    again = data.stratified_split(X, y, test_size=0.2, random_state=0)
    other = data.stratified_split(X, y, test_size=0.2, random_state=1)
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], other[0])
    _, _, y_train, y_test = first
    assert len(y_test) == 360
    share_train = np.bincount(y_train) / len(y_train)
    share_test = np.bincount(y_test) / len(y_test)
    assert np.abs(share_train - share_test).max() < 0.01


# ---------------------------------------------------------------- nudge

@pytest.fixture
def square_images():
    return np.random.default_rng(0).random((5, 8, 8))


_ALL = slice(None)


@pytest.mark.parametrize("direction, source, target, vacated", [
    ("left", (_ALL, _ALL, slice(1, None)), (_ALL, _ALL, slice(None, -1)), (_ALL, _ALL, -1)),
    ("right", (_ALL, _ALL, slice(None, -1)), (_ALL, _ALL, slice(1, None)), (_ALL, _ALL, 0)),
    ("up", (_ALL, slice(1, None), _ALL), (_ALL, slice(None, -1), _ALL), (_ALL, -1, _ALL)),
    ("down", (_ALL, slice(None, -1), _ALL), (_ALL, slice(1, None), _ALL), (_ALL, 0, _ALL)),
])
def test_nudge_moves_ink_one_pixel_and_fills_with_zero(square_images, direction, source,
                                                       target, vacated):
    shifted = data.nudge(square_images, direction)
    assert shifted.shape == square_images.shape
    np.testing.assert_array_equal(shifted[target], square_images[source])
    np.testing.assert_array_equal(shifted[vacated], 0)


def test_nudge_a_single_dot_lands_where_expected():
    image = np.zeros((1, 8, 8))
    image[0, 3, 4] = 1.0
    expected = {"left": (3, 3), "right": (3, 5), "up": (2, 4), "down": (4, 4)}
    for direction, spot in expected.items():
        shifted = data.nudge(image, direction)[0]
        assert shifted[spot] == 1.0 and shifted.sum() == 1.0, direction


def test_nudge_flat_images_match_square_ones(square_images):
    flat = square_images.reshape(5, 64)
    for direction in data.DIRECTIONS:
        out = data.nudge(flat, direction)
        assert out.shape == (5, 64)
        np.testing.assert_array_equal(out.reshape(5, 8, 8), data.nudge(square_images, direction))


def test_nudge_handles_mnist_sizes_and_keeps_dtype():
    images = np.arange(2 * 784, dtype=np.uint8).reshape(2, 784)
    out = data.nudge(images, "down")
    assert out.shape == (2, 784) and out.dtype == np.uint8
    np.testing.assert_array_equal(out.reshape(2, 28, 28)[:, 1:],
                                  images.reshape(2, 28, 28)[:, :-1])
    assert data.nudge(images.reshape(2, 28, 28), "up").shape == (2, 28, 28)


def test_nudge_does_not_wrap_around():
    image = np.zeros((1, 8, 8))
    image[0, :, 0] = 1.0  # ink in the first column only
    assert data.nudge(image, "left").sum() == 0  # pushed out, not rolled to the last column


def test_nudge_leaves_its_input_alone(square_images):
    before = square_images.copy()
    data.nudge(square_images, "right")
    np.testing.assert_array_equal(square_images, before)


@pytest.mark.parametrize("direction", ["Left", "north", "", None, 1])
def test_nudge_rejects_unknown_directions(square_images, direction):
    with pytest.raises(ValueError, match="direction must be one of"):
        data.nudge(square_images, direction)


@pytest.mark.parametrize("shape", [(64,), (8, 8), (3, 63), (3, 7, 7), (2, 8, 8, 1)])
def test_nudge_rejects_other_shapes(shape):
    with pytest.raises(ValueError, match=r"images must be several digits.*got shape"):
        data.nudge(np.zeros(shape), "left")


def test_nudge_dataset_is_five_fold_in_order():
    X, y = data.load_digits()
    X, y = X[:7], y[:7]
    X5, y5 = data.nudge_dataset(X, y)
    assert X5.shape == (35, 64) and y5.shape == (35,)
    np.testing.assert_array_equal(X5[:7], X)
    for block, direction in enumerate(data.DIRECTIONS, start=1):
        np.testing.assert_array_equal(X5[7 * block:7 * (block + 1)], data.nudge(X, direction))
    np.testing.assert_array_equal(y5, np.tile(y, 5))


def test_nudge_dataset_validates_its_pair():
    with pytest.raises(ValueError, match="y must hold one label per row"):
        data.nudge_dataset(np.zeros((4, 64)), np.zeros(3))
    with pytest.raises(ValueError, match="X must have shape"):
        data.nudge_dataset(np.zeros((4, 8, 8)), np.zeros(4))


# ---------------------------------------------------------------- load_dataset

def test_load_dataset_digits_is_load_digits():
    X, y = data.load_dataset()
    X_ref, y_ref = data.load_digits()
    np.testing.assert_array_equal(X, X_ref)
    np.testing.assert_array_equal(y, y_ref)


def test_load_dataset_mnist_reads_a_local_copy(tmp_path):
    rng = np.random.default_rng(0)
    file = tmp_path / "mnist.npz"
    np.savez(file, X=rng.integers(0, 256, size=(6, 784), dtype=np.uint8),
             y=np.arange(6, dtype=np.uint8))
    X, y = data.load_dataset("mnist", path=file)
    assert X.shape == (6, 784) and 0 <= X.min() and X.max() <= 1
    np.testing.assert_array_equal(y, np.arange(6))


@pytest.mark.parametrize("name", ["MNIST", "fashion", "", None])
def test_load_dataset_rejects_unknown_names(name):
    with pytest.raises(ValueError, match=rf"name must be 'digits' or 'mnist'; got {name!r}"):
        data.load_dataset(name)


def test_load_dataset_digits_takes_no_path(tmp_path):
    with pytest.raises(ValueError, match="path is only used with name='mnist'"):
        data.load_dataset("digits", path=tmp_path)
