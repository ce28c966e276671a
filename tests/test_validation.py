"""The argument checks every coursekit module shares."""

import numpy as np
import pytest

from coursekit import validation


@pytest.mark.parametrize("value", [1, 7, np.int64(3), np.uint8(200)])
def test_whole_numbers_are_accepted_as_int(value):
    checked = validation.check_whole_number(value, "n")
    assert checked == value and type(checked) is int


@pytest.mark.parametrize("value, kwargs, message", [
    (True, {}, "n must be a positive whole number; got True"),
    (False, {"low": 0}, "n must be a whole number of at least 0; got False"),
    (2.0, {}, "n must be a positive whole number; got 2.0"),
    (0, {}, "n must be a positive whole number; got 0"),
    (10, {"low": 0, "high": 9}, "n must be a whole number from 0 to 9; got 10"),
    ("3", {}, "n must be a positive whole number; got '3'"),
])
def test_other_values_are_refused_by_name(value, kwargs, message):
    with pytest.raises(ValueError, match=f"^{message}"):
        validation.check_whole_number(value, "n", **kwargs)


@pytest.mark.parametrize("value", [True, 0, -1.0, np.inf, np.nan, "1"])
def test_positive_numbers_exclude_bools_and_infinities(value):
    with pytest.raises(ValueError, match="rate must be a positive number"):
        validation.check_positive_number(value, "rate")
    assert validation.check_positive_number(np.float32(0.5), "rate") == 0.5


def test_rows_name_the_shape_expected():
    with pytest.raises(ValueError, match=r"^w must have shape \(n_units, 64\) or \(n_units, 784\), "
                                         r"one row per unit, and must not be empty; got shape "
                                         r"\(0, 64\)\. Transpose it\.$"):
        validation.check_rows(np.zeros((0, 64)), "w", widths=validation.IMAGE_SHAPES,
                              unit="unit", nonempty=True, hint="Transpose it.")


def test_square_images_keep_their_dtype():
    images = np.zeros((2, 784), dtype=np.uint8)
    square = validation.check_square_images(images, "images")
    assert square.shape == (2, 28, 28) and square.dtype == np.uint8


def test_scores_must_be_ten_finite_numbers():
    np.testing.assert_array_equal(validation.check_scores(range(10), "scores"), np.arange(10))
    with pytest.raises(ValueError, match=r"f must give 10 scores, shape \(10,\) for image 4; "
                                         r"got shape \(2, 5\)"):
        validation.check_scores(np.zeros((2, 5)), "f", where=" for image 4")
    with pytest.raises(ValueError, match="f must give 10 finite scores; got"):
        validation.check_scores([np.nan] * 10, "f")
