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
    (np.zeros(64), np.zeros(1), "X must be 2-D"),
    (np.zeros((10, 64)), np.zeros(9), "y must be 1-D with one label per row"),
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
