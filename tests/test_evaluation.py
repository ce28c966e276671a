import numpy as np
import pytest

from coursekit.data import load_digits
from coursekit.evaluation import accuracy, batch_accuracy


def test_accuracy_and_batch_accuracy_agree():
    X, y = load_digits()
    weights = np.random.default_rng(0).normal(size=(10, 64))
    loop = accuracy(lambda x: weights @ x, X[:300], y[:300])
    assert loop == batch_accuracy(X[:300] @ weights.T, y[:300])


def test_accuracy_of_a_perfect_classifier():
    X, y = load_digits()
    lookup = {x.tobytes(): label for x, label in zip(X[:50], y[:50])}
    assert accuracy(lambda x: np.eye(10)[lookup[x.tobytes()]], X[:50], y[:50]) == 1.0


def test_accuracy_names_wrong_score_shape():
    X, y = load_digits()
    with pytest.raises(ValueError, match=r"classifier must give 10 scores.*image 0.*\(3,\)"):
        accuracy(lambda x: np.zeros(3), X[:5], y[:5])


def test_accuracy_refuses_scores_that_cannot_be_ranked():
    # argmax would quietly take a NaN for the largest score.
    X, y = load_digits()
    answers = iter([np.zeros(10), np.zeros(10), np.full(10, np.nan), np.zeros(10)])
    with pytest.raises(ValueError, match="classifier must give 10 finite scores for image 2"):
        accuracy(lambda x: next(answers), X[:4], y[:4])


@pytest.mark.parametrize("scores, labels, message", [
    (np.zeros((4, 9)), np.zeros(4), r"scores must have shape \(n_images, 10\).*\(4, 9\)"),
    (np.zeros((4, 10)), np.zeros(3), r"one label per row of scores"),
    (np.zeros((0, 10)), np.zeros(0), "empty"),
])
def test_batch_accuracy_errors(scores, labels, message):
    with pytest.raises(ValueError, match=message):
        batch_accuracy(scores, labels)
