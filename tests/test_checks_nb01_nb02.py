"""Every check of notebooks 01 and 02 accepts a right answer and rejects wrong ones."""

import numpy as np
import pytest

from coursekit import checks
from coursekit.data import load_digits

X, y = load_digits()
AVERAGES = np.stack([X[1000:][y[1000:] == d].mean(axis=0) for d in range(10)])


def verdict(exercise_id, answer):
    return checks.evaluate(checks.get(exercise_id), answer)


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
    ("02-dot-classifier", lambda x: (AVERAGES @ x)[:9], "returned"),
]


@pytest.mark.parametrize("exercise_id, answer, phrase", WRONG)
def test_wrong_answer_fails_with_its_own_hint(exercise_id, answer, phrase):
    result = verdict(exercise_id, answer)
    assert result.status == checks.WRONG, result
    assert phrase in result.message, result
    assert result.hint


def test_a_rescaled_dot_classifier_is_accepted():
    # Multiplying every score by the same positive number names the same digits.
    assert verdict("02-dot-classifier", lambda x: 16 * (AVERAGES @ x)).passed


def test_float_digit_equal_to_the_answer_is_accepted():
    assert verdict("01-which-digit", 4.0).passed
