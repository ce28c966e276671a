"""Every check of notebooks 01 and 02 accepts a right answer and rejects wrong ones."""

import numpy as np
import pytest

from coursekit import checks, judging
from coursekit.data import load_digits
from verdicts import assert_wrong, verdict

X, y = load_digits()
AVERAGES = np.stack([X[1000:][y[1000:] == d].mean(axis=0) for d in range(10)])



def evaluate_right(classifier, start=0, count=1000):
    hits = [np.argmax(classifier(X[i])) == y[i] for i in range(start, start + count)]
    return sum(hits) / count


RIGHT = {
    "01-scale-pixels": lambda image: np.asarray(image).reshape(64) / 16,
    "01-which-digit": 4,
    "01-evaluate-range": evaluate_right,
    "02-average-nine": AVERAGES[9],
    "02-averages": AVERAGES,
    "02-dot-classifier": lambda x: AVERAGES @ x,
}


@pytest.mark.parametrize("exercise_id", sorted(RIGHT))
def test_right_answer_passes(exercise_id):
    result = verdict(exercise_id, RIGHT[exercise_id])
    assert result.passed, result


def test_every_exercise_of_01_and_02_is_covered():
    ids = {e.id for e in checks.EXERCISES.values() if e.notebook[:2] in ("01", "02")}
    assert ids == set(RIGHT)


WRONG = [
    ("01-scale-pixels", lambda image: np.asarray(image).reshape(64) / 15, "15"),
    ("01-scale-pixels", lambda image: np.asarray(image) / 16, "(8, 8)"),
    ("01-scale-pixels", lambda image: np.asarray(image).reshape(64), "not scaled"),
    ("01-scale-pixels", lambda image: np.asarray(image).T.reshape(64) / 16, "column by column"),
    ("01-scale-pixels", lambda image: np.asarray(image).reshape(64) / image.max(), "own maximum"),
    ("01-which-digit", 0.998, "largest score itself"),
    ("01-which-digit", 5, "counted positions from 1"),
    ("01-which-digit", 7, "not the digit"),
    ("01-which-digit", [4], "one number"),
    ("01-evaluate-range", lambda c, start=0, count=1000: evaluate_right(c, 0, count),
     "ignoring `start`"),
    ("01-evaluate-range",
     lambda c, start=0, count=1000: sum(np.argmax(c(X[i])) == y[i]
                                        for i in range(start, start + count)),
     "number of images"),
    ("01-evaluate-range",
     lambda c, start=0, count=1000: sum(np.argmax(c(X[i])) == y[i]
                                        for i in range(start, start + count)) // count,
     "`//`"),
    ("01-evaluate-range",
     lambda c, start=0, count=1000: sum(np.argmax(c(X[i])) == y[i]
                                        for i in range(start, count)) / count,
     "end index"),
    ("01-evaluate-range",
     lambda c, start=0, count=1000: sum(np.argmax(c(X[i])) == y[i]
                                        for i in range(start, start + count - 1)) / count,
     "off by one"),
    ("02-average-nine", X[y == 9].mean(axis=0), "all images"),
    ("02-average-nine", X[:1000][y[:1000] == 9].mean(axis=0), "first 1,000"),
    ("02-average-nine", AVERAGES[9] * 16, "0-16 scale"),
    ("02-average-nine", AVERAGES[8], "differs"),
    ("02-average-nine", np.zeros(10), "64 numbers"),
    ("02-averages", AVERAGES.T, "(64, 10)"),
    ("02-averages", AVERAGES[::-1], "not in digit order"),
    ("02-averages", AVERAGES[:9], "only nine averages"),
    ("02-averages", AVERAGES[:8], "(8, 64)"),
    ("02-averages", np.stack([X[y == d].mean(axis=0) for d in range(10)]), "all images"),
    ("02-dot-classifier", lambda x: -np.linalg.norm(AVERAGES - x, axis=1), "distances"),
    ("02-dot-classifier", lambda x: AVERAGES @ x + 1, "differ"),
    ("02-dot-classifier",
     lambda x: np.stack([X[y == d].mean(axis=0) for d in range(10)]) @ x, "not the one"),
    ("02-averages", AVERAGES.reshape(10, 8, 8), "flat rows"),
    ("02-average-nine", np.full(64, np.nan), "NaN"),
    ("02-dot-classifier", lambda x: (AVERAGES @ x)[:9], "returned"),
]


@pytest.mark.parametrize("exercise_id, answer, phrase", WRONG)
def test_wrong_answer_fails_with_its_own_hint(exercise_id, answer, phrase):
    result = verdict(exercise_id, answer)
    assert result.status == checks.WRONG, result
    assert phrase in result.message, result
    assert result.hint


def test_a_forgotten_return_is_named():
    result = verdict("01-evaluate-range", lambda c, start=0, count=1000: None)
    assert result.status == checks.WRONG and "returned None" in result.message
    assert "forget `return`" in result.hint
    result = verdict("01-scale-pixels", lambda image: None)
    assert "returned None" in result.message


def test_an_error_names_the_call_and_gives_its_own_hint():
    def past_the_end(classifier, start=0, count=1000):
        hits = [np.argmax(classifier(X[i])) == y[i] for i in range(start, start + count + 1)]
        return sum(hits) / count

    result = verdict("01-evaluate-range", past_the_end)
    # The earlier ranges already show the off-by-one before the last one crashes.
    assert result.status == checks.WRONG and "off by one" in result.message

    def crashing(classifier, start=0, count=1000):
        return np.mean([np.argmax(classifier(X[i])) == y[i] for i in range(start, start + 100)])

    result = verdict("01-evaluate-range", crashing)
    assert result.status == checks.WRONG

    def swapped(classifier, count=1000, start=0):
        return sum(np.argmax(classifier(X[i])) == y[i] for i in range(start, start + count)) / start

    result = verdict("01-evaluate-range", swapped)
    assert result.status in (checks.ERROR, checks.WRONG)


def test_index_error_hint_names_the_valid_images():
    exercise = judging.get("01-evaluate-range")
    cases = exercise.cases(0)
    right = [exercise.call(evaluate_right, case) for case in cases[:3]]
    payload = {"outputs": right, "error": "IndexError: index 1797 is out of bounds", "case": 3}
    result = judging.judge_safely(exercise, payload, cases)
    assert result.status == checks.ERROR
    assert result.message.startswith("evaluate(classifier, 1700, 97) raised IndexError")
    assert "numbered 0 to 1796" in result.hint


def test_dividing_the_image_in_place_is_caught():
    def in_place(image):
        image /= 16
        return image.reshape(64)

    result = verdict("01-scale-pixels", in_place)
    assert result.status == checks.WRONG and "changed the image" in result.message


@pytest.mark.parametrize("answer, words", [
    (lambda x: 16 * (AVERAGES @ x), ("16 times", "0-16 scale")),
    (lambda x: np.mean(AVERAGES * x, axis=1), ("1/64 times", "np.mean")),
    (lambda x: AVERAGES @ x / np.linalg.norm(x), ("1/‖x‖ times", "length")),
    (lambda x: 1e-12 * (AVERAGES @ x), ("1e-12 times", "no factor")),
])
def test_a_rescaled_dot_classifier_names_the_factor(answer, words):
    # The same digits, but not the dot products the exercise asks for.
    assert_wrong(verdict("02-dot-classifier", answer), *words)


@pytest.mark.parametrize("answer", [
    lambda x: np.full(10, 1e-12),
    lambda x: np.zeros(10),
    lambda x: 1e-12 * AVERAGES.sum(axis=1),
    lambda x: np.full(10, 1e-12) + 1e-15 * (AVERAGES @ x),
])
def test_tiny_or_constant_scores_fail(answer):
    result = verdict("02-dot-classifier", answer)
    assert result.status == checks.WRONG, result
    assert "dot product with a digit" not in result.message


@pytest.mark.parametrize("answer", [
    lambda x: x @ AVERAGES,
    lambda x: np.dot(x, AVERAGES),
    lambda x: AVERAGES.T @ x,
])
def test_a_product_in_the_wrong_order_is_explained(answer):
    result = verdict("02-dot-classifier", answer)
    assert result.status == checks.ERROR, result
    assert "do not fit together" in result.message and "signature" not in result.message
    assert "`averages @ x`" in result.hint and "(10, 64)" in result.hint


def test_dot_classifier_other_right_forms_pass():
    for answer in (lambda x: x @ AVERAGES.T, lambda x: np.sum(AVERAGES * x, axis=1),
                   lambda x: np.array([a @ x for a in AVERAGES]),
                   lambda x: (AVERAGES.astype(np.float32) @ x.astype(np.float32))):
        assert verdict("02-dot-classifier", answer).passed


@pytest.mark.parametrize("digits, words", [
    (range(1, 11), ("from 1 to 10", "range(10)")),
    (range(9), ("digits 0 to 8", "range(10)")),
    (range(1, 10), ("digit 0 is missing", "range(10)")),
])
def test_averages_over_the_wrong_range_of_digits(digits, words):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the mean of no rows, as a learner's
        answer = np.stack([X[1000:][y[1000:] == d].mean(axis=0) for d in digits])
    result = verdict("02-averages", answer)
    assert_wrong(result, *words)
    assert "'9'" not in result.hint


def test_averages_selected_with_text_labels():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        answer = np.stack([X[1000:][y[1000:] == d].mean(axis=0) for d in (0, 1, 2, 3, 4, 5,
                                                                         6, 7, 8, 99)])
    assert_wrong(verdict("02-averages", answer), "[9]", "NaN")


def test_evaluate_with_max_instead_of_argmax_is_named():
    def with_max(classifier, start=0, count=1000):
        hits = [np.max(classifier(X[i])) == y[i] for i in range(start, start + count)]
        return sum(hits) / count

    result = verdict("01-evaluate-range", with_max)
    assert_wrong(result, "np.argmax", "np.max")
    assert "`//`" not in result.hint and "inside it" not in result.hint


def test_evaluate_with_return_inside_the_loop_is_named():
    def returns_early(classifier, start=0, count=1000):
        correct = 0
        for i in range(start, start + count):
            if np.argmax(classifier(X[i])) == y[i]:
                correct += 1
            return correct / count

    assert_wrong(verdict("01-evaluate-range", returns_early), "single image", "inside the loop")


def test_evaluate_comparing_all_scores_with_the_label_is_explained():
    def compares_scores(classifier, start=0, count=1000):
        correct = 0
        for i in range(start, start + count):
            if classifier(X[i]) == y[i]:
                correct += 1
        return correct / count

    result = verdict("01-evaluate-range", compares_scores)
    assert result.status == checks.ERROR and "np.argmax(classifier(x))" in result.hint


def test_an_answer_that_is_not_numbers_is_named_by_its_type():
    result = verdict("01-scale-pixels", lambda image: {1, 2, 3})
    assert result.status == checks.WRONG and "returned a set" in result.message


# ---------------------------------------------------------------- issue 12, second pass


def test_scale_pixels_must_return_a_numpy_array():
    assert_wrong(verdict("01-scale-pixels", lambda image: list(image.reshape(64) / 16)),
                 "list", "numpy array")
    assert_wrong(verdict("01-scale-pixels", lambda image: (image.reshape(64) / 16).tolist()),
                 "list", "numpy array")


def test_average_nine_must_be_a_vector_of_64():
    assert_wrong(verdict("02-average-nine", AVERAGES[9].reshape(8, 8)), "(8, 8)", "vector of 64")
    assert_wrong(verdict("02-average-nine", list(AVERAGES[9])), "list", "numpy array")


def test_averages_must_be_a_numpy_array():
    assert_wrong(verdict("02-averages", list(AVERAGES)), "list", "numpy array", "(10, 64)")
    assert_wrong(verdict("02-averages", [list(row) for row in AVERAGES]), "list", "numpy array")
    assert verdict("02-averages", AVERAGES.astype(np.float32)).passed


@pytest.mark.parametrize("answer, wrote", [
    (lambda x: AVERAGES.T @ x, "`averages.T @ x`"),
    (lambda x: x @ AVERAGES, "`x @ averages`"),
    (lambda x: np.dot(x, AVERAGES), "`x @ averages`"),
])
def test_a_product_in_the_wrong_order_names_the_code_written(answer, wrote):
    result = verdict("02-dot-classifier", answer)
    assert wrote in result.hint, result
    if wrote != "`x @ averages`":
        assert "not `x @ averages`" not in result.hint
