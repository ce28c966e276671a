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


# ---------------------------------------------------------------- nudge_dataset

def _unmoved(images, direction):
    return images.copy()


def test_nudge_dataset_is_five_fold_in_order_with_the_nudge_given():
    X, y = data.load_digits()
    X, y = X[:7], y[:7]
    calls = []

    def nudge(images, direction):
        calls.append((images.shape, direction))
        return images[:, ::-1] + data.DIRECTIONS.index(direction)

    X5, y5 = data.nudge_dataset(X, y, nudge)
    assert X5.shape == (35, 64) and y5.shape == (35,)
    assert calls == [((7, 8, 8), direction) for direction in data.DIRECTIONS]
    np.testing.assert_array_equal(X5[:7], X)
    for block, direction in enumerate(data.DIRECTIONS, start=1):
        expected = X.reshape(7, 8, 8)[:, ::-1].reshape(7, 64) + block - 1
        np.testing.assert_array_equal(X5[7 * block:7 * (block + 1)], expected)
    np.testing.assert_array_equal(y5, np.tile(y, 5))


def test_nudge_dataset_takes_mnist_sizes_and_keeps_the_data_safe_from_the_nudge():
    X = np.random.default_rng(0).random((2, 784))
    before = X.copy()

    def in_place(images, direction):  # a nudge that changes what it is given
        assert images.shape == (2, 28, 28)
        images[:] = 0
        return images

    X5, _ = data.nudge_dataset(X, np.arange(2), in_place)
    np.testing.assert_array_equal(X, before)
    np.testing.assert_array_equal(X5[:2], before)
    assert X5.shape == (10, 784) and not X5[2:].any()


def test_nudge_dataset_names_a_nudge_that_is_not_a_function_or_returns_another_shape():
    X, y = np.zeros((4, 64)), np.zeros(4)
    with pytest.raises(ValueError, match="nudge must be a function"):
        data.nudge_dataset(X, y, "left")
    with pytest.raises(ValueError, match=r"nudge\(images, 'left'\) returned shape \(4, 64\); "
                                          r"expected \(4, 8, 8\)"):
        data.nudge_dataset(X, y, lambda images, direction: images.reshape(4, 64))


def test_nudge_dataset_validates_its_pair():
    with pytest.raises(ValueError, match="y must hold one label per row"):
        data.nudge_dataset(np.zeros((4, 64)), np.zeros(3), _unmoved)
    with pytest.raises(ValueError, match="X must have shape"):
        data.nudge_dataset(np.zeros((4, 8, 8)), np.zeros(4), _unmoved)


def test_coursekit_ships_no_nudge_a_graded_notebook_could_hand_in():
    # The reference answer of 05-nudge lives in coursekit.judging, which the sandbox hides.
    assert not hasattr(data, "nudge")


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
