"""The checks of notebook 07 accept a right answer and reject wrong ones with their own hint."""

import warnings

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, confusion_matrix, log_loss

from coursekit import checks, judging
from verdicts import verdict

CLASSES = np.arange(10)



def test_every_exercise_of_07_is_covered():
    assert {e.id for e in checks.exercises_for("07_weight_visualization")} == {
        "07-train-in-periods", "07-confusion-rates"}


# ---------------------------------------------------------------- exercise 1

def periods_loop(measure, *, fit="partial", record_before=False, classes=CLASSES):
    """A train_in_periods built from parts, so each slip can be made on purpose."""
    def train_in_periods(model, X_train, y_train, X_valid, y_valid, periods):
        train, valid = [], []
        for _ in range(periods):
            if record_before:
                train.append(measure(model, X_train, y_train))
                valid.append(measure(model, X_valid, y_valid))
            if fit == "partial":
                model.partial_fit(X_train, y_train, classes=classes)
            else:
                model.fit(X_train, y_train)
            if not record_before:
                train.append(measure(model, X_train, y_train))
                valid.append(measure(model, X_valid, y_valid))
        return train, valid
    return train_in_periods


def loss(model, X, y):
    return log_loss(y, model.predict_proba(X))


def accuracy(model, X, y):
    return accuracy_score(y, model.predict(X))


def test_train_in_periods_right_answer_passes():
    result = verdict("07-train-in-periods", periods_loop(loss))
    assert result.passed, result


def test_train_in_periods_classes_from_the_labels_pass_too():
    # Every digit is in the cases' training part, so np.unique(y_train) is np.arange(10).
    def right(model, X_train, y_train, X_valid, y_valid, periods):
        return periods_loop(loss, classes=np.unique(y_train))(
            model, X_train, y_train, X_valid, y_valid, periods)

    assert verdict("07-train-in-periods", right).passed


def swapped(model, X_train, y_train, X_valid, y_valid, periods):
    train, valid = periods_loop(loss)(model, X_train, y_train, X_valid, y_valid, periods)
    return valid, train


def pairs(model, X_train, y_train, X_valid, y_valid, periods):
    return list(zip(*periods_loop(loss)(model, X_train, y_train, X_valid, y_valid, periods)))


def one_period_short(model, X_train, y_train, X_valid, y_valid, periods):
    return periods_loop(loss)(model, X_train, y_train, X_valid, y_valid, periods - 1)


def error_rate(model, X, y):
    return 1 - accuracy(model, X, y)


def squared_probability_error(model, X, y):
    return float(np.mean((model.predict_proba(X) - np.eye(10)[y]) ** 2))


def shuffled_each_period(model, X_train, y_train, X_valid, y_valid, periods, seed=123):
    rng = np.random.default_rng(seed)
    train, valid = [], []
    for _ in range(periods):
        order = rng.permutation(len(X_train))
        model.partial_fit(X_train[order], y_train[order], classes=CLASSES)
        train.append(loss(model, X_train, y_train))
        valid.append(loss(model, X_valid, y_valid))
    return train, valid


def half_the_training_part(model, X_train, y_train, X_valid, y_valid, periods):
    train, valid = [], []
    for period in range(periods):
        rows = slice(0, len(X_train) // 2) if period % 2 == 0 else slice(len(X_train) // 2, None)
        model.partial_fit(X_train[rows], y_train[rows], classes=CLASSES)
        train.append(loss(model, X_train, y_train))
        valid.append(loss(model, X_valid, y_valid))
    return train, valid


TRAIN_WRONG = [
    (shuffled_each_period, "another order", "shuffle"),
    (half_the_training_part, "expected", "whole training part"),
    (swapped, "swapped", "training losses first"),
    (periods_loop(accuracy), "recorded the accuracy", "log_loss"),
    (periods_loop(error_rate), "recorded the error rate", "log_loss"),
    (pairs, "pairs, one per period", "two lists"),
    (one_period_short, "numbers per part", "exactly `periods` periods"),
    (periods_loop(squared_probability_error), "differ from the expected", "log_loss"),
]


@pytest.mark.parametrize("answer, phrase, hint", TRAIN_WRONG)
def test_train_in_periods_wrong_answers_fail_with_their_own_hint(answer, phrase, hint):
    result = verdict("07-train-in-periods", answer)
    assert result.status == checks.WRONG, result
    assert phrase in result.message, result
    assert hint in result.hint, result


@pytest.mark.parametrize("seed", [7, 2024, 99999])
def test_shuffling_before_each_period_is_named_whatever_the_seed(seed):
    def answer(*args):
        return shuffled_each_period(*args, seed=seed)

    result = verdict("07-train-in-periods", answer)
    assert result.status == checks.WRONG, result
    assert "another order" in result.message and "random_state" in result.hint


def test_fit_instead_of_partial_fit_is_named():
    # In a notebook the network's `fit` also warns that it stopped early; that is beside the point.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = verdict("07-train-in-periods", periods_loop(loss, fit="full"))
    assert result.status == checks.WRONG, result
    assert "same losses in every period" in result.message
    assert "partial_fit" in result.hint


@pytest.mark.parametrize("answer, hint", [
    (periods_loop(loss, record_before=True), "*after* the period's `partial_fit`"),
    (periods_loop(loss, classes=None), "classes=np.arange(10)"),
])
def test_train_in_periods_errors_get_a_specific_hint(answer, hint):
    result = verdict("07-train-in-periods", answer)
    assert result.status == checks.ERROR, result
    assert result.message.startswith("train_in_periods(SGDClassifier(...)")
    assert hint in result.hint


def test_train_in_periods_unanswered_and_forgotten_return():
    assert verdict("07-train-in-periods", None).status == checks.MISSING
    result = verdict("07-train-in-periods", lambda *args: None)
    assert result.status == checks.WRONG and "returned None" in result.message


def test_train_in_periods_cases_hold_every_digit_and_travel_as_plain_data():
    exercise = judging.get("07-train-in-periods")
    cases = exercise.cases(0)
    for spec, X_train, y_train, X_valid, y_valid, periods in checks.decode(checks.encode(cases)):
        assert set(y_train) == set(y_valid) == set(CLASSES)
        assert spec["kind"] in ("linear", "network") and periods >= 2


# ---------------------------------------------------------------- exercise 2

def by_hand(y_true, y_pred):
    counts = np.zeros((10, 10))
    for t, p in zip(y_true, y_pred):
        counts[t, p] += 1
    return counts / counts.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("answer", [
    lambda t, p: confusion_matrix(t, p, labels=range(10), normalize="true"),
    lambda t, p: confusion_matrix(t, p, normalize="true"),
    by_hand,
])
def test_confusion_rates_right_answers_pass(answer):
    result = verdict("07-confusion-rates", answer)
    assert result.passed, result


CONFUSION_WRONG = [
    (lambda t, p: confusion_matrix(t, p), "counts", "divide each row"),
    (lambda t, p: confusion_matrix(t, p, normalize="pred"), "column totals", "row totals"),
    (lambda t, p: confusion_matrix(t, p, normalize="all"), "number of all images", "own total"),
    (lambda t, p: confusion_matrix(p, t, normalize="true"), "rows hold the predicted",
     "labels first"),
    (lambda t, p: by_hand(t, p).T, "transposed", "rows are the true digits"),
    (lambda t, p: by_hand(t, p)[:9], "10x10", "one row per true digit"),
    (lambda t, p: by_hand(t, p) + 0.05, "differ", "normalize"),
    (lambda t, p: 100 * by_hand(t, p), "percentages", "between 0 and 1"),
    (lambda t, p: confusion_matrix(t, p, labels=range(10), normalize="true") * 100,
     "percentages", "`* 100`"),
    (lambda t, p: by_hand(t, p).round(2), "rounded", "unrounded"),
]


@pytest.mark.parametrize("answer, phrase, hint", CONFUSION_WRONG)
def test_confusion_rates_wrong_answers_fail_with_their_own_hint(answer, phrase, hint):
    result = verdict("07-confusion-rates", answer)
    assert result.status == checks.WRONG, result
    assert phrase in result.message, result
    assert hint in result.hint, result


def test_confusion_rates_unanswered():
    assert verdict("07-confusion-rates", ...).status == checks.MISSING


def test_confusion_cases_hold_every_digit_and_a_digit_never_predicted():
    cases = judging.get("07-confusion-rates").cases(0)
    assert all(set(y_true) == set(CLASSES) for y_true, _ in cases)
    assert any(len(set(y_pred)) < 10 for _, y_pred in cases)
