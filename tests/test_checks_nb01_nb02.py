"""Every check of notebooks 01 and 02 accepts a right answer and rejects wrong ones."""

import numpy as np
import pytest

from coursekit import checks
from coursekit.data import load_digits
from verdicts import verdict

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
     "not a single image"),
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
    ("02-averages", AVERAGES[:9], "(9, 64)"),
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
    exercise = checks.get("01-evaluate-range")
    cases = exercise.cases(0)
    right = [exercise.call(evaluate_right, case) for case in cases[:3]]
    payload = {"outputs": right, "error": "IndexError: index 1797 is out of bounds", "case": 3}
    result = checks.judge_safely(exercise, payload, cases)
    assert result.status == checks.ERROR
    assert result.message.startswith("evaluate(classifier, 1700, 97) raised IndexError")
    assert "numbered 0 to 1796" in result.hint


def test_dividing_the_image_in_place_is_caught():
    def in_place(image):
        image /= 16
        return image.reshape(64)

    result = verdict("01-scale-pixels", in_place)
    assert result.status == checks.WRONG and "changed the image" in result.message


def test_a_rescaled_dot_classifier_is_accepted():
    # Multiplying every score by the same positive number names the same digits.
    assert verdict("02-dot-classifier", lambda x: 16 * (AVERAGES @ x)).passed


def test_float_digit_equal_to_the_answer_is_accepted():
    assert verdict("01-which-digit", 4.0).passed


def test_an_answer_that_is_not_numbers_is_named_by_its_type():
    result = verdict("01-scale-pixels", lambda image: {1, 2, 3})
    assert result.status == checks.WRONG and "returned a set" in result.message
