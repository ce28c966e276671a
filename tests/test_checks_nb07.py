"""The checks of notebook 07 accept a right answer and reject wrong ones with their own hint."""

import base64
import re
import warnings
import zlib

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.metrics import accuracy_score, confusion_matrix, log_loss

from coursekit import checks, judging
from verdicts import assert_wrong, verdict

CLASSES = np.arange(10)



def test_every_exercise_of_07_is_covered_in_order():
    assert [e.id for e in checks.exercises_for("07_weight_visualization")] == [
        "07-train-in-periods", "07-confusion-rates", "07-tune-linear", "07-better-network",
        "07-unit-weights", "07-what-tiles-show"]
    assert [e.number for e in checks.exercises_for("07_weight_visualization")] == [
        1, 2, 3, 4, 5, 6]


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
    return log_loss(y, model.predict_proba(X), labels=CLASSES)


def accuracy(model, X, y):
    return accuracy_score(y, model.predict(X))


def test_train_in_periods_right_answer_passes():
    result = verdict("07-train-in-periods", periods_loop(loss))
    assert result.passed, result


def test_train_in_periods_other_right_forms_pass():
    def by_hand(model, X_train, y_train, X_valid, y_valid, periods):
        # The log loss written out, with the natural logarithm, and one list of pairs
        # turned into two lists at the end.
        history = []
        for _ in range(periods):
            model.partial_fit(X_train, y_train, classes=list(range(10)))
            history.append([-np.mean(np.log(model.predict_proba(X)[np.arange(len(y)), y]))
                            for X, y in ((X_train, y_train), (X_valid, y_valid))])
        return np.array(history).T

    assert verdict("07-train-in-periods", by_hand).passed


def test_train_in_periods_float32_losses_and_validation_measured_first_pass():
    def float32_losses(model, X_train, y_train, X_valid, y_valid, periods):
        train, valid = [], []
        for _ in range(periods):
            model.partial_fit(X_train, y_train, classes=np.arange(10))
            valid.append(np.float32(loss(model, X_valid, y_valid)))
            train.append(np.float32(loss(model, X_train, y_train)))
        return tuple(train), tuple(valid)

    assert verdict("07-train-in-periods", float32_losses).passed


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


def one_part_twice(part):
    def answer(model, X_train, y_train, X_valid, y_valid, periods):
        train, valid = periods_loop(loss)(model, X_train, y_train, X_valid, y_valid, periods)
        return (train, train) if part == "training" else (valid, valid)
    return answer


def training_on(fit_part):
    """A loop that trains on ``fit_part(X_train, y_train, X_valid, y_valid)``'s images."""
    def answer(model, X_train, y_train, X_valid, y_valid, periods):
        X_fit, y_fit = fit_part(X_train, y_train, X_valid, y_valid)
        train, valid = [], []
        for _ in range(periods):
            model.partial_fit(X_fit, y_fit, classes=CLASSES)
            train.append(loss(model, X_train, y_train))
            valid.append(loss(model, X_valid, y_valid))
        return train, valid
    return answer


def trained_on(parts):
    """A loop that trains on the validation part, or on both parts, instead of the training part."""
    return training_on(lambda X_train, y_train, X_valid, y_valid: (
        (X_valid, y_valid) if parts == "validation" else
        (np.concatenate([X_train, X_valid]), np.concatenate([y_train, y_valid]))))


def one_period_too_many(model, X_train, y_train, X_valid, y_valid, periods):
    return periods_loop(loss)(model, X_train, y_train, X_valid, y_valid, periods + 1)


def validation_measured_on_training_images(model, X_train, y_train, X_valid, y_valid, periods):
    train, valid = [], []
    for _ in range(periods):
        model.partial_fit(X_train, y_train, classes=CLASSES)
        train.append(loss(model, X_train, y_train))
        valid.append(log_loss(y_valid, model.predict_proba(X_train[:len(y_valid)]),
                              labels=CLASSES))
    return train, valid


def own_answer_loss(model, X, y):
    return float(-np.mean(np.log(model.predict_proba(X).max(axis=1))))


TRAIN_WRONG = [
    (one_part_twice("training"), "training losses twice", "X_valid, y_valid"),
    (one_part_twice("validation"), "validation losses twice", "X_train, y_train"),
    (validation_measured_on_training_images, "validation losses are not", "X_valid, y_valid"),
    (trained_on("validation"), "on the validation part", "training part only"),
    (trained_on("both"), "training and validation parts together", "training part only"),
    (one_period_too_many, "one period too many", "range(periods)"),
    (periods_loop(lambda m, X, y: -loss(m, X, y)), "minus sign", "positive"),
    (periods_loop(lambda m, X, y: log_loss(y, m.predict_proba(X), labels=CLASSES,
                                           normalize=False)), "sum", "normalize=False"),
    (periods_loop(lambda m, X, y: 100 * accuracy(m, X, y)), "accuracy in percent", "log_loss"),
    (periods_loop(own_answer_loss), "model's own answer", "true"),
    (periods_loop(lambda m, X, y: loss(m, X, y) / np.log(10)), "log10", "natural"),
    (periods_loop(lambda m, X, y: round(loss(m, X, y), 3)), "rounded to 3", "round only"),
    (shuffled_each_period, "another order", "shuffle"),
    (half_the_training_part, "images fewer", "whole training part"),
    (swapped, "swapped", "training losses first"),
    (periods_loop(accuracy), "recorded the accuracy", "log_loss"),
    (periods_loop(error_rate), "recorded the error rate", "log_loss"),
    (pairs, "pairs, one per period", "two lists"),
    (one_period_short, "one period short", "range(1, periods)"),
    (periods_loop(squared_probability_error), "differ from the expected", "log_loss"),
]


@pytest.mark.parametrize("answer, phrase, hint", TRAIN_WRONG)
def test_train_in_periods_wrong_answers_fail_with_their_own_hint(answer, phrase, hint):
    result = verdict("07-train-in-periods", answer)
    assert result.status == checks.WRONG, result
    assert phrase in result.message, result
    assert hint in result.hint, result


@pytest.mark.parametrize("slip", [accuracy, error_rate])
def test_the_code_a_measure_slips_hint_gives_passes_as_given(slip):
    # A student's find: the hint once gave `log_loss(y, model.predict_proba(X))`, which
    # fails the check itself on a part where a digit is missing.
    hint = verdict("07-train-in-periods", periods_loop(slip)).hint
    code = re.search(r"`(log_loss\(y, model\.predict_proba\(X\)[^`]*)`", hint).group(1)

    def measure(model, X, y):
        return eval(code, {"log_loss": log_loss, "np": np, "model": model, "X": X, "y": y})

    assert verdict("07-train-in-periods", periods_loop(measure)).status == checks.CORRECT


@pytest.mark.parametrize("seed", [7, 2024, 99999])
def test_shuffling_before_each_period_is_named_whatever_the_seed(seed):
    def answer(*args):
        return shuffled_each_period(*args, seed=seed)

    result = verdict("07-train-in-periods", answer)
    assert result.status == checks.WRONG, result
    assert "another order" in result.message and "random_state" in result.hint


def fit_with_warm_start(model, X_train, y_train, X_valid, y_valid, periods):
    # The twelfth student's MH2: the hint asked whether part of the data was left out.
    model.set_params(max_iter=1, warm_start=True)
    train, valid = [], []
    for _ in range(periods):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # one pass is not convergence
            model.fit(X_train, y_train)
        train.append(loss(model, X_train, y_train))
        valid.append(loss(model, X_valid, y_valid))
    return train, valid


def stops_early(tolerance):
    """The nineteenth student's FP1: a loop that stops once validation stops improving."""
    def train_in_periods(model, X_train, y_train, X_valid, y_valid, periods):
        train, valid = [], []
        for _ in range(periods):
            model.partial_fit(X_train, y_train, classes=CLASSES)
            now = loss(model, X_valid, y_valid)
            if valid and valid[-1] - now < tolerance:
                break
            train.append(loss(model, X_train, y_train))
            valid.append(now)
        return train, valid
    return train_in_periods


@pytest.mark.parametrize("tolerance", [0, 1e-2], ids=["on-a-rise", "on-a-stall"])
def test_train_in_periods_that_stops_early_is_caught(tolerance):
    assert_wrong(verdict("07-train-in-periods", stops_early(tolerance)), "numbers per part",
                 "no `break`")


@pytest.mark.parametrize("seed", [0, 1, 2, 7, 2024, 99999])
def test_train_in_periods_cases_include_a_validation_loss_that_rises(seed):
    from coursekit.judging.nb07.histories import reference_history
    spec, X_train, y_train, X_valid, y_valid, periods = judging.get(
        "07-train-in-periods").cases(seed)[-1]
    valid = reference_history(spec, X_train, y_train, X_valid, y_valid, periods)["loss"][1]
    assert (np.diff(valid) > 0).any()


def changing(change):
    """The right train_in_periods, with ``change(model)`` made to the model in every period."""
    def train_in_periods(model, X_train, y_train, X_valid, y_valid, periods):
        train, valid = [], []
        for _ in range(periods):
            change(model)
            model.partial_fit(X_train, y_train, classes=CLASSES)
            train.append(log_loss(y_train, model.predict_proba(X_train), labels=CLASSES))
            valid.append(log_loss(y_valid, model.predict_proba(X_valid), labels=CLASSES))
        return train, valid
    return train_in_periods


def halve(name):
    def change(model):
        if hasattr(model, name):
            setattr(model, name, getattr(model, name) * 0.5)
    return change


@pytest.mark.parametrize("change, words", [
    # The twenty-second student's FP1 and FP4: the linear cases learn at scikit-learn's
    # 'optimal' rate, which ignores `eta0`, and `partial_fit` ignores `warm_start` and
    # `max_iter`: the losses were right, and the notebook's models then trained otherwise
    # (or failed the checks of exercises 3 and 4, which compare their settings).
    (halve("eta0"), ("`eta0` from 0.0",)),
    (lambda m: m.set_params(eta0=0.001) if hasattr(m, "eta0") else None,
     ("`eta0` from", "to 0.001")),
    (lambda m: m.set_params(warm_start=True), ("`warm_start` from False to True",)),
    (lambda m: m.set_params(max_iter=1), ("`max_iter` from",)),
    (lambda m: m.set_params(momentum=0.0) if hasattr(m, "momentum") else None,
     ("`momentum` from 0.9 to 0.0",)),
    (halve("learning_rate_init"), ("`learning_rate_init` from 0.01 to 0.00125",)),
], ids=["eta0 halved", "eta0 set", "warm_start", "max_iter", "momentum", "rate halved"])
def test_train_in_periods_that_changes_the_model_s_settings_is_named(change, words):
    result = verdict("07-train-in-periods", changing(change))
    assert_wrong(result, "changed the settings of the model it was given", *words,
                 "as it was built")


def measured_before_fitting(model, X_train, y_train, X_valid, y_valid, periods):
    train, valid = [], []
    for _ in range(periods):
        if hasattr(model, "classes_"):
            train.append(log_loss(y_train, model.predict_proba(X_train), labels=CLASSES))
            valid.append(log_loss(y_valid, model.predict_proba(X_valid), labels=CLASSES))
        model.partial_fit(X_train, y_train, classes=CLASSES)
    return train, valid


def by_hand(guard=0.0, clip=0.0):
    def measure(model, X, y):
        right = model.predict_proba(X)[np.arange(len(y)), y]
        return -np.mean(np.log(np.clip(right, clip, 1) + guard))
    return periods_loop(measure)


@pytest.mark.parametrize("answer", [
    by_hand(guard=1e-9), by_hand(clip=1e-7),
    periods_loop(lambda m, X, y: log_loss(y, m.predict_proba(X).astype(np.float32),
                                          labels=CLASSES)),
], ids=["guard", "clip", "float32"])
def test_losses_measured_otherwise_on_a_right_model_are_named(answer):
    # The twenty-fourth student's MH1: a loss written out with a guard against log(0) was
    # told to stop shuffling; the model ends right, so the measuring is what differs.
    assert_wrong(verdict("07-train-in-periods", answer), "trained the model right",
                 "measured losses that differ", "log_loss(y, model.predict_proba(X)")


def test_losses_as_text_are_named():
    # The twenty-second student's FP5: lists of str passed, where an array of them failed.
    def as_text(*args):
        train, valid = periods_loop(lambda m, X, y: log_loss(y, m.predict_proba(X),
                                                             labels=CLASSES))(*args)
        return [str(x) for x in train], [f"{x}" for x in valid]
    assert_wrong(verdict("07-train-in-periods", as_text), "as text", "not `str(...)`")
    # What is not plain data travels as its type's name: it is not called text.
    def as_zip(*args):
        return zip(*periods_loop(lambda m, X, y: log_loss(y, m.predict_proba(X),
                                                          labels=CLASSES))(*args))
    result = verdict("07-train-in-periods", as_zip)
    assert "zip" in result.message and "as text" not in result.message, result


def test_losses_measured_before_each_period_are_not_called_a_range_slip():
    # The twenty-second student's MH9: "`range(1, periods)` runs one time less", though
    # the loop ran every period and measured before training.
    result = verdict("07-train-in-periods", measured_before_fitting)
    assert_wrong(result, "measured before each period's", "*after* each period's")
    assert "range(1, periods)" not in result.hint


def test_fit_with_warm_start_instead_of_partial_fit_is_named():
    result = verdict("07-train-in-periods", fit_with_warm_start)
    assert_wrong(result, "counting one pass", "`fit`", "warm_start=True", "partial_fit")
    assert "left out" not in result.message


def test_fit_with_warm_start_on_the_network_case_is_not_called_another_order(monkeypatch):
    # The thirteenth student's MH2, network case: "another order" with the very expected
    # numbers quoted as "yours"; the network's count carries on, its optimiser does not.
    exercise = judging.get("07-train-in-periods")
    network_case = [case for case in exercise.cases(0) if case[0]["kind"] == "network"]
    monkeypatch.setattr(type(exercise), "cases", lambda self, seed: network_case)
    result = verdict("07-train-in-periods", fit_with_warm_start)
    assert_wrong(result, "right after the first period", "`fit`", "warm_start=True")
    assert "another order" not in result.message


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


@pytest.mark.parametrize("seed", [0, 1, 2024])
def test_train_in_periods_cases_travel_as_plain_data_and_lack_digits(seed):
    exercise = judging.get("07-train-in-periods")
    cases = exercise.cases(seed)
    lacking = []
    for spec, X_train, y_train, X_valid, y_valid, periods in checks.decode(checks.encode(cases)):
        lacking.append((set(CLASSES) - set(y_train), set(CLASSES) - set(y_valid)))
        assert spec["kind"] in ("linear", "network") and periods >= 2
    # The cases that make `classes=np.arange(10)` (and `labels=`) matter: a digit missing
    # from the training part only, and another missing from both parts.
    (train_only, valid_has_it), (both, also_valid) = lacking[2], lacking[3]
    assert len(train_only) == 1 and not valid_has_it
    assert len(both) == 1 and both == also_valid and both != train_only
    assert all(not train and not valid for train, valid in lacking[:2])


def _digits_of(which):
    """The digits a slip takes from the labels: of the validation part, or of both."""
    return {"valid": lambda y_train, y_valid: np.unique(y_valid),
            "both": lambda y_train, y_valid: np.unique(np.concatenate([y_train, y_valid])),
            "up to the largest": lambda y_train, y_valid: np.arange(y_train.max() + 1)}[which]


def classes_from(which):
    digits = _digits_of(which)

    def train_in_periods(model, X_train, y_train, X_valid, y_valid, periods):
        return periods_loop(loss, classes=digits(y_train, y_valid))(
            model, X_train, y_train, X_valid, y_valid, periods)
    return train_in_periods


def labels_from(which):
    digits = _digits_of(which)

    def train_in_periods(model, X_train, y_train, X_valid, y_valid, periods):
        labels = digits(y_train, y_valid)
        return periods_loop(lambda m, X, y: log_loss(y, m.predict_proba(X), labels=labels))(
            model, X_train, y_train, X_valid, y_valid, periods)
    return train_in_periods


@pytest.mark.parametrize("which", ["valid", "both", "up to the largest"])
def test_train_in_periods_digits_taken_from_the_validation_labels_are_named(which):
    # The tenth student's FP2 and FP3: only the training part lacked a digit, so
    # `np.unique(y_valid)` (or of both parts) filled the gap and passed. The twelfth
    # student's: `np.arange(y_train.max() + 1)` passed, as no part lacked a 9.
    result = verdict("07-train-in-periods", classes_from(which))
    assert_wrong(result, "knows the digits", "neither this training part nor this "
                 "validation part", "np.unique(y_valid)", "classes=np.arange(10)")
    result = verdict("07-train-in-periods", labels_from(which))
    assert result.status == checks.ERROR, result
    assert "neither this training part nor this validation part" in result.hint
    assert "labels=np.arange(10)" in result.hint


def test_train_in_periods_digits_the_model_knows_pass_as_labels():
    def by_model(model, X, y):
        return log_loss(y, model.predict_proba(X), labels=model.classes_)

    assert verdict("07-train-in-periods", periods_loop(by_model)).passed
    assert verdict("07-train-in-periods", periods_loop(loss, classes=range(10))).passed


# ---------------------------------------------------------------- exercise 2

def by_hand(y_true, y_pred):
    counts = np.zeros((10, 10))
    for t, p in zip(y_true, y_pred):
        counts[t, p] += 1
    return counts / counts.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("answer", [
    lambda t, p: confusion_matrix(t, p, labels=range(10), normalize="true"),
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
    (lambda t, p: confusion_matrix(t, p, labels=range(9), normalize="true"),
     "labels=range(9)` leaves out digit 9", "counts 0, 1, ..., 9"),
    (lambda t, p: confusion_matrix(t, p, labels=range(8), normalize="true"),
     "digits 8 to 9", "range(10)"),
    (lambda t, p: tuple(by_hand(t, p)), "is a tuple", "around your tuple"),
    # A table has `.T`, `.shape` and `@` too: what it lacks is reading by position.
    (lambda t, p: pd.DataFrame(by_hand(t, p)), "is a pandas DataFrame", "`.to_numpy()`"),
    (lambda t, p: by_hand(t, p) + 0.05, "differ", "normalize"),
    (lambda t, p: 100 * by_hand(t, p), "percentages", "between 0 and 1"),
    (lambda t, p: confusion_matrix(t, p, labels=range(10), normalize="true") * 100,
     "percentages", "`* 100`"),
    (lambda t, p: by_hand(t, p).round(2), "rounded", "unrounded"),
    # A student's find: integer division was told only that "the shares differ".
    (lambda t, p: (lambda c: c // c.sum(axis=1, keepdims=True))(
        confusion_matrix(t, p, labels=range(10))), "`//`", "divide with `/`"),
    # A student's find: a table of the digits present was "an array of shape (10, 9)".
    (lambda t, p: pd.crosstab(t, p, normalize="index").to_numpy(), "is never predicted: no column",
     "labels=range(10)"),
    (lambda t, p: pd.crosstab(pd.Series(t), pd.Series(p), normalize="index"),
     "a column for each digit among the predictions", "all ten digits"),
]


@pytest.mark.parametrize("answer, phrase, hint", CONFUSION_WRONG)
def test_confusion_rates_wrong_answers_fail_with_their_own_hint(answer, phrase, hint):
    result = verdict("07-confusion-rates", answer)
    assert result.status == checks.WRONG, result
    assert phrase in result.message, result
    assert hint in result.hint, result


def divided_by_counts(y_true, y_pred):
    # The eighth student's: counts of each digit that stop at the last one present.
    return confusion_matrix(y_true, y_pred, labels=range(10)) / np.bincount(y_true)[:, None]


def test_confusion_rates_divided_by_counts_without_minlength_fails():
    # Right while the missing digit is not the last; on a part without any 9 it raises.
    result = verdict("07-confusion-rates", divided_by_counts)
    assert not result.passed and "ValueError" in result.message, result


def test_confusion_rates_unanswered():
    assert verdict("07-confusion-rates", ...).status == checks.MISSING


def test_confusion_cases_hold_a_digit_never_predicted_and_one_never_seen():
    cases = judging.get("07-confusion-rates").cases(0)
    assert sum(set(y_true) == set(CLASSES) for y_true, _ in cases) == 2
    assert any(set(y_true) == set(CLASSES) and len(set(y_pred)) < 10 for y_true, y_pred in cases)
    # Without `labels=range(10)` this case gives a 9x9 matrix.
    assert any(len(set(y_true) | set(y_pred)) == 9 for y_true, y_pred in cases)


# ---------------------------------------------------------------- exercise 3

@pytest.mark.parametrize("answer", [
    lambda network: network.coefs_[0].T,
    lambda network: np.transpose(network.coefs_[0]).copy(),
    lambda network: np.array([network.coefs_[0][:, j] for j in range(network.coefs_[0].shape[1])]),
])
def test_unit_weights_right_answers_pass(answer):
    result = verdict("07-unit-weights", answer)
    assert result.passed, result


def transposes_in_place(network):
    network.coefs_[0] = network.coefs_[0].T
    return network.coefs_[0]


def scales_the_view(network):
    weights = network.coefs_[0].T
    weights /= np.abs(weights).max()  # writes through the view into the network
    return weights


def zeroes_through_the_view(network):
    weights = network.coefs_[0].T
    weights[0, 0] = 0.0
    return weights


def zeroes_the_biases(network):
    network.intercepts_[0][:] = 0
    return network.coefs_[0].T


def replaces_the_biases(network):
    network.intercepts_ = [np.zeros_like(b) for b in network.intercepts_]
    return network.coefs_[0].T


def sets_params(network):
    network.set_params(alpha=0.01)
    return network.coefs_[0].T


UNIT_WRONG = [
    (lambda network: network.coefs_[0], ("one row per *pixel*", ".T")),
    (lambda network: network.coefs_[0].reshape(network.coefs_[0].shape[::-1]),
     ("reshaped", "transpose")),
    (lambda network: network.coefs_[1].T, ("output* layer", "coefs_[0]")),
    (lambda network: network.intercepts_[0], ("biases", "coefs_[0]")),
    (lambda network: network.coefs_[0].T.reshape(-1, 8, 8), ("shape (5, 8, 8)",
                                                             "flat row per unit")),
    (lambda network: network.coefs_[0].T.tolist(), ("list", "numpy array")),
    (transposes_in_place, ("the network's weights", "assign nothing")),
    (scales_the_view, ("changed the network", "view", "copy")),
    (zeroes_through_the_view, ("changed the network", "view", "copy")),
    (lambda network: network.coefs_[0].T * 2, ("differs",)),
    (lambda network: tuple(network.coefs_[0].T), ("a tuple", "around your tuple")),
    # The sixteenth student's FP1 and FP2: the biases or the settings changed in passing.
    (zeroes_the_biases, ("changed the network's biases", "intercepts_[0].copy()")),
    (replaces_the_biases, ("changed the network's biases",)),
    (sets_params, ("changed the network's settings", "set_params")),
    # Right on the notebook's networks only: one hidden layer, 64 pixels.
    (lambda network: network.coefs_[-2].T.copy(), ("hidden layer 2", "coefs_[-2]",
                                                   "always `coefs_[0]`")),
    (lambda network: network.coefs_[0][:64].T, ("first 64 pixels", "have 128", "784")),
    # The eighth student's: right except on the notebook's own 32 units.
    (lambda network: (network.coefs_[0].reshape(32, -1) if network.coefs_[0].shape[1] == 32
                      else network.coefs_[0].T), ("32 hidden units",)),
    # The twenty-sixth student's MH5: cut by the notebook's HIDDEN, not the network's size.
    (lambda network: network.coefs_[0].T.reshape(32, -1), ("cut the weights into 32 rows",
                                                           "has 5 units", "`HIDDEN`",
                                                           "no reshape")),
]


def refits(how):
    """A unit_weights that trains the network it is given before reading its weights."""
    def unit_weights(network):
        from coursekit.data import load_digits
        X, y = load_digits()
        X = X[:100] if network.n_features_in_ == 64 else X[:100, ::4]
        if how == "fit":
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # fit's warning that it stopped early
                network.fit(X, y[:100])
        else:
            network.partial_fit(X, y[:100])
        return network.coefs_[0].T
    return unit_weights


@pytest.mark.parametrize("how", ["fit", "partial_fit"])
def test_unit_weights_a_refit_inside_is_named(how):
    assert_wrong(verdict("07-unit-weights", refits(how)), "trained the network",
                 "only read the weights")


@pytest.mark.parametrize("answer, words", UNIT_WRONG)
def test_unit_weights_slips_are_named(answer, words):
    assert_wrong(verdict("07-unit-weights", answer), *words)


def test_unit_weights_a_network_from_the_notebook_is_named():
    from coursekit.checks.nb07 import small_network

    notebook_network = small_network({"hidden": 32, "pixels": 64, "images": 100,
                                      "random_state": 0})
    assert_wrong(verdict("07-unit-weights", lambda network: notebook_network.coefs_[0].T),
                 "network it was given")


# ---------------------------------------------------------------- exercise 4

def test_what_tiles_show_accepts_the_right_letter_and_explains_each_wrong_one():
    for form in ("b", "B", "(b)"):
        assert verdict("07-what-tiles-show", form).passed
    for letter, words in {"a": "whole digit", "c": "differ clearly", "d": "more units than digits"}.items():
        assert_wrong(verdict("07-what-tiles-show", letter), words)
    assert_wrong(verdict("07-what-tiles-show", "blobs"), "not one of the options")


def test_unit_weights_judged_across_the_wire_as_the_grader_does():
    # The grader sends the cases to the kernel as encoded text; they come back as lists.
    exercise = judging.get("07-unit-weights")
    cases = [tuple(case) for case in checks.decode(checks.encode(exercise.cases(0)))]
    payload = checks.decode(checks.encode(checks.collect_safely(
        exercise, lambda network: network.coefs_[0].T, cases)))
    assert judging.judge_safely(exercise, payload, exercise.cases(0)).passed


# ---------------------------------------------------------------- exercises 3 and 4

from sklearn.neural_network import MLPClassifier  # noqa: E402

from coursekit.checks import spec  # noqa: E402
from coursekit.judging.nb07 import notebook_parts  # noqa: E402

PARTS = notebook_parts()
(X_TRAIN, Y_TRAIN), (X_VALID, Y_VALID), (X_TEST, Y_TEST) = (
    PARTS["train"], PARTS["valid"], PARTS["test"])


def make_linear(batch_size, learning_rate):
    return MLPClassifier(hidden_layer_sizes=(), solver="sgd", batch_size=batch_size,
                         learning_rate_init=learning_rate, random_state=0)


def make_network(hidden=(64,), **settings):
    settings = {"solver": "sgd", "batch_size": 32, "learning_rate_init": 0.1,
                "random_state": 0, **settings}
    return MLPClassifier(hidden_layer_sizes=hidden, **settings)


def trained(model, periods, X=X_TRAIN, y=Y_TRAIN):
    for _ in range(periods):
        model.partial_fit(X, y, classes=CLASSES)
    return model


def valid_accuracy(model, X=X_VALID, y=Y_VALID):
    return accuracy_score(y, model.predict(X))


def notebook(**names):
    """The notebook's namespace after its loading cell, plus ``names``."""
    return {"X_train": X_TRAIN, "y_train": Y_TRAIN, "X_valid": X_VALID, "y_valid": Y_VALID,
            "X_test": X_TEST, "y_test": Y_TEST, **names}


def judged(monkeypatch, exercise_id, answer, namespace):
    monkeypatch.setattr(spec, "user_namespace", lambda: namespace)
    return verdict(exercise_id, answer)


def tuned(batch_size=128, learning_rate=0.1, periods=20, **names):
    """A tuned linear model and the notebook that made it (the solution's knobs by default)."""
    model = trained(make_linear(batch_size, learning_rate), periods)
    return model, notebook(tuned_linear=model, LINEAR_PERIODS=periods,
                           linear_accuracy=valid_accuracy(model), **names)


@pytest.mark.parametrize("knobs, report", [
    ((128, 0.1, 20), valid_accuracy),
    ((32, 0.3, 10), valid_accuracy),
    ((32, 0.2, 15), lambda model: round(valid_accuracy(model), 3)),
    ((16, 0.2, 10), lambda model: np.float64(model.score(X_VALID, Y_VALID))),
])
def test_tune_linear_right_answers_pass(monkeypatch, knobs, report):
    model, names = tuned(*knobs)
    names["linear_accuracy"] = report(model)
    kept = [w.copy() for w in model.coefs_]
    result = judged(monkeypatch, "07-tune-linear", model, names)
    assert result.passed, result
    # The check reads the model and leaves it as the next cells need it.
    assert all(np.array_equal(a, b) for a, b in zip(kept, model.coefs_))


def refit_after_measuring(measure_after):
    model, names = tuned()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # fit's warning that it stopped early
        model.fit(X_TRAIN, Y_TRAIN)
    if measure_after:
        names["linear_accuracy"] = valid_accuracy(model)
    return model, names


def reported(part, scale=1):
    def make():
        model, names = tuned()
        X, y = {"test": (X_TEST, Y_TEST), "train": (X_TRAIN, Y_TRAIN)}.get(
            part, (X_VALID, Y_VALID))
        names["linear_accuracy"] = scale * valid_accuracy(model, X, y)
        return model, names
    return make


def trained_on(X, y, periods=10, *, extra=None):
    def make():
        model = trained(make_linear(32, 0.1), periods, X, y)
        if extra is not None:
            trained(model, 1, *extra)
        return model, notebook(LINEAR_PERIODS=periods + (extra is not None),
                               linear_accuracy=valid_accuracy(model))
    return make


def cut_by_hand(piece, periods):
    model = make_linear(32, 0.1)
    for _ in range(periods):
        for start in range(0, len(X_TRAIN), piece):
            model.partial_fit(X_TRAIN[start:start + piece], Y_TRAIN[start:start + piece],
                              classes=CLASSES)
    return model, notebook(LINEAR_PERIODS=periods, linear_accuracy=valid_accuracy(model))


def shuffled_labels_in_place():
    model, names = tuned()
    y_train = Y_TRAIN.copy()
    np.random.default_rng(0).shuffle(y_train)  # the images stay where they were
    names["y_train"] = y_train
    return model, names


TUNE_WRONG = {
    "measured on the test part": (reported("test"), ("test part", "untouched",
                                                     "y_valid")),
    "measured on the training part": (reported("train"), ("training part", "remembers",
                                                          "X_valid")),
    "in percent": (reported("valid", 100), ("percentage", "between 0 and 1")),
    "a small learning rate": (lambda: tuned(200, 0.001, 3), ("under the bar",
                                                             "raise the learning rate")),
    "a tinier learning rate": (lambda: tuned(32, 0.0005, 20), ("under the bar",
                                                               "raise the learning rate")),
    "too few steps": (lambda: tuned(1000, 0.1, 2), ("under the bar", "more steps",
                                                    "smaller batch")),
    "one period": (lambda: tuned(200, 0.1, 1), ("under the bar", "more periods")),
    "trained on the test part": (trained_on(X_TEST, Y_TEST), ("trained on the test part",
                                                              "training part only")),
    "trained on the validation part": (trained_on(X_VALID, Y_VALID), ("validation part",)),
    "trained on training and validation": (
        trained_on(np.concatenate([X_TRAIN, X_VALID]), np.concatenate([Y_TRAIN, Y_VALID])),
        ("training and validation parts together",)),
    "one pass more on the validation part": (
        trained_on(X_TRAIN, Y_TRAIN, extra=(X_VALID, Y_VALID)), ("1 of its 11 passes",)),
    # The nineteenth student's MH1 and MH2: both were told to keep the validation and
    # test parts out, which they had.
    "batches cut by hand": (lambda: cut_by_hand(383, 3), ("1,149 images 3 time(s)",
                                                          "in 9 calls", "by hand",
                                                          "whole training part")),
    "a slice of the training part": (trained_on(X_TRAIN[:1000], Y_TRAIN[:1000]),
                                     ("1,000 images in each of its 10 passes",
                                      "X_train[:1000]", "whole training part")),
    "refit after measuring": (lambda: refit_after_measuring(False), ("LINEAR_PERIODS",
                                                                     "fit")),
    "refit, then measured": (lambda: refit_after_measuring(True), ("LINEAR_PERIODS",)),
    "labels shuffled in place": (shuffled_labels_in_place, ("y_train", "changed",
                                                            "as they are")),
}


@pytest.mark.parametrize("slip", TUNE_WRONG)
def test_tune_linear_slips_are_named(monkeypatch, slip):
    make, words = TUNE_WRONG[slip]
    model, names = make()
    assert_wrong(judged(monkeypatch, "07-tune-linear", model, names), *words)


def test_tune_linear_reported_accuracy_that_no_longer_describes_the_model(monkeypatch):
    model, names = tuned()
    # Measured before more training: six validation images fewer right (a count of them,
    # as every accuracy measured is; a number that is none is named typed in).
    names["linear_accuracy"] = valid_accuracy(model) - 6 / len(Y_VALID)
    assert_wrong(judged(monkeypatch, "07-tune-linear", model, names), "scores",
                 "trained again")


@pytest.mark.parametrize("answer, words", [
    (..., None),
    (0.96, ("is a float", "make_linear")),
    (make_linear(32, 0.1), ("not trained",)),
    (trained(make_network((16,)), 3), ("hidden layers (16,)", "hidden_layer_sizes=()")),
])
def test_tune_linear_model_slips(monkeypatch, answer, words):
    names = notebook(LINEAR_PERIODS=3, linear_accuracy=0.96)
    result = judged(monkeypatch, "07-tune-linear", answer, names)
    if words is None:
        assert result.status == checks.MISSING, result
    else:
        assert_wrong(result, *words)


def test_tune_linear_without_its_accuracy_says_which_name(monkeypatch):
    model, names = tuned()
    names["linear_accuracy"] = ...
    assert_wrong(judged(monkeypatch, "07-tune-linear", model, names), "linear_accuracy",
                 "accuracy_score(y_valid")


def with_network(network, **names):
    linear, namespace = tuned()
    accuracy = valid_accuracy(network) if hasattr(network, "coefs_") else 0.97
    namespace.update({"better_network": network, "network_accuracy": accuracy, **names})
    return namespace


@pytest.mark.parametrize("network", [
    lambda: trained(make_network(), 20),
    lambda: trained(make_network((128,), solver="adam", learning_rate_init=0.003), 15),
    lambda: trained(make_network((32,), solver="adam", learning_rate_init=0.003), 20),
    lambda: make_network((64,), max_iter=300, early_stopping=True, solver="adam",
                         learning_rate_init=0.01).fit(X_TRAIN, Y_TRAIN),
], ids=["sgd-64", "adam-128", "the notebook's network", "fit-early-stopping"])
def test_better_network_right_answers_pass(monkeypatch, network):
    model = network()
    result = judged(monkeypatch, "07-better-network", model, with_network(model))
    assert result.passed, result


def test_better_network_that_only_matches_or_stays_under_is_named(monkeypatch):
    linear, _ = tuned()
    target = valid_accuracy(linear)
    for hidden, periods in (((64, 32), 20), ((8,), 3)):
        model = trained(make_network(hidden), periods)
        how = "only matches" if valid_accuracy(model) == target else "stays under"
        assert_wrong(judged(monkeypatch, "07-better-network", model, with_network(model)),
                     how, "more hidden units")


def test_better_network_without_a_bend_is_a_linear_model_in_disguise(monkeypatch):
    # The eighth student's FP7: it beat the tuned linear model (0.969 against 0.965), with
    # hidden layers that only multiply out into one weighted sum.
    identity = trained(make_network(solver="adam", learning_rate_init=0.003,
                                    activation="identity"), 40)
    assert valid_accuracy(identity) > valid_accuracy(tuned()[0])
    assert_wrong(judged(monkeypatch, "07-better-network", identity, with_network(identity)),
                 "activation=\"identity\"", "linear model in disguise", "\"relu\"")
    tanh = trained(make_network(activation="tanh"), 20)
    result = judged(monkeypatch, "07-better-network", tanh, with_network(tanh))
    assert result.passed, result


def better_network_slips():
    right = trained(make_network(), 20)
    return [
        (right, with_network(right, network_accuracy=valid_accuracy(right, X_TRAIN,
                                                                    Y_TRAIN)),
         ("training part", "X_valid")),
        (right, with_network(right, network_accuracy=valid_accuracy(right, X_TEST, Y_TEST)),
         ("test part",)),
        (trained(trained(make_network(), 20), 2, X_VALID, Y_VALID), None,
         ("validation part", "2 of its 22 passes")),
        (trained(make_network(), 20, X_TEST, Y_TEST), None, ("trained on the test part",)),
        (make_network().fit(np.concatenate([X_TRAIN, X_VALID]),
                            np.concatenate([Y_TRAIN, Y_VALID])), None,
         ("training and validation parts together",)),
        (trained(make_linear(32, 0.1), 10), None, ("no hidden layer",)),
        (make_network(), None, ("not trained",)),
        (right, with_network(right, tuned_linear=None), ("no trained `tuned_linear`",
                                                         "exercise 3")),
        (right, with_network(right, tuned_linear=trained(make_linear(200, 0.001), 3)),
         ("under the bar", "*tuned* model")),
    ]


def test_better_network_slips_are_named(monkeypatch):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # fit's warning that it stopped early
        cases = better_network_slips()
    for model, names, words in cases:
        names = names or with_network(model)
        assert_wrong(judged(monkeypatch, "07-better-network", model, names), *words)


def test_the_judges_split_is_the_notebooks():
    from coursekit.data import load_dataset, stratified_split

    X, y = load_dataset("digits")
    X_rest, X_test, y_rest, y_test = stratified_split(X, y, test_size=0.2, random_state=0)
    X_train, X_valid, _, _ = stratified_split(X_rest, y_rest, test_size=0.2, random_state=0)
    assert np.array_equal(X_train, X_TRAIN) and np.array_equal(X_valid, X_VALID)
    assert np.array_equal(X_test, X_TEST) and len(X_train) == 1149


def test_tune_linear_judged_across_the_wire_as_the_grader_does(monkeypatch):
    model, names = tuned()
    monkeypatch.setattr(spec, "user_namespace", lambda: names)
    exercise = judging.get("07-tune-linear")
    payload = checks.decode(checks.encode(checks.collect_safely(exercise, model, [])))
    assert judging.judge_safely(exercise, payload, []).passed


def test_tune_linear_without_linear_accuracy_says_it_is_not_set(monkeypatch):
    model, names = tuned()
    del names["linear_accuracy"]
    assert_wrong(judged(monkeypatch, "07-tune-linear", model, names), "is not set",
                 "linear_accuracy = accuracy_score")


def test_tune_linear_a_learning_rate_that_blows_up_is_named_without_a_warning(monkeypatch):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the learner's own training overflows
        model, names = tuned(32, 50.0, 5)
    assert_wrong(judged(monkeypatch, "07-tune-linear", model, names), "under the bar",
                 "lower the learning rate")


# ---------------------------------------------------------------- a third student pass

def _periods(record_training, batch=None, fresh=False, centre=False):
    """train_in_periods with one slip the third pass tried; the rest as the notebook asks."""
    def train_in_periods(model, X_train, y_train, X_valid, y_valid, periods):
        if centre:
            X_train -= X_train.mean(axis=0)
        train_losses, valid_losses = [], []
        for _ in range(periods):
            trained = clone(model) if fresh else model
            starts = range(0, len(X_train), batch) if batch else [0]
            for start in starts:
                stop = start + batch if batch else len(X_train)
                trained.partial_fit(X_train[start:stop], y_train[start:stop],
                                    classes=np.arange(10))
            train_losses.append(record_training(trained, X_train, y_train))
            valid_losses.append(log_loss(y_valid, trained.predict_proba(X_valid),
                                         labels=np.arange(10)))
        if fresh:
            model.partial_fit(X_train, y_train, classes=np.arange(10))
        return train_losses, valid_losses
    return train_in_periods


def _measured(model, X, y):
    return log_loss(y, model.predict_proba(X), labels=np.arange(10))


def _own_loss(model, X, y):
    return getattr(model, "loss_", None) or _measured(model, X, y)


@pytest.mark.parametrize("answer, words", [
    (_periods(_own_loss), ("training losses are not", "loss_")),
    (_periods(_measured, batch=32), ("another order", "batches of your own")),
    (_periods(_measured, fresh=True), ("same losses", "clone(model)")),
    (_periods(_measured, centre=True), ("changed X_train", "-=")),
], ids=["loss_-attribute", "own-batches", "clone-each-period", "centred-in-place"])
def test_train_in_periods_slips_of_the_third_pass_are_named(answer, words):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # batches of 32 make MLPClassifier clip its own
        result = verdict("07-train-in-periods", answer)
    assert_wrong(result, *words)


# ---------------------------------------------------------------- a fourth student pass

from copy import deepcopy  # noqa: E402

from coursekit.data import stratified_split  # noqa: E402


def resplit_training_part():
    """Another seed's split of X_rest: as many images, most of the validation part among them."""
    X_rest, y_rest = np.concatenate([X_TRAIN, X_VALID]), np.concatenate([Y_TRAIN, Y_VALID])
    X_fit, _, y_fit, _ = stratified_split(X_rest, y_rest, test_size=len(Y_VALID),
                                          random_state=1)
    assert len(y_fit) == len(Y_TRAIN)
    return X_fit, y_fit


def swapped_rows(count=40):
    """The training part with its last ``count`` rows swapped for validation rows."""
    return (np.vstack([X_TRAIN[:-count], X_VALID[:count]]),
            np.concatenate([Y_TRAIN[:-count], Y_VALID[:count]]))


def tuned_on(X, y, model=None, periods=20):
    model = trained(model if model is not None else make_linear(128, 0.1), periods, X, y)
    return model, notebook(tuned_linear=model, LINEAR_PERIODS=periods,
                           linear_accuracy=valid_accuracy(model))


@pytest.mark.parametrize("images", [resplit_training_part, swapped_rows],
                         ids=["another-split", "40-rows-swapped"])
def test_tune_linear_trained_on_validation_images_of_the_same_count_is_named(monkeypatch,
                                                                             images):
    model, names = tuned_on(*images())
    assert_wrong(judged(monkeypatch, "07-tune-linear", model, names), "as many images",
                 "other weights", "another split", "`X_train, y_train`")


def test_tune_linear_trained_on_training_and_test_names_the_test_part(monkeypatch):
    model, names = tuned_on(np.concatenate([X_TRAIN, X_TEST]),
                            np.concatenate([Y_TRAIN, Y_TEST]))
    assert_wrong(judged(monkeypatch, "07-tune-linear", model, names),
                 "training and test parts together")


def test_tune_linear_the_last_model_of_a_loop_of_tries_is_named(monkeypatch):
    # The twenty-seventh student's H3: the settings and the accuracy reported are the
    # best try's, `tuned_linear` the last one's; it was told it was trained before or
    # after its periods.
    best, last = trained(make_linear(32, 0.1), 20), trained(make_linear(1000, 0.001), 2)
    names = notebook(tuned_linear=last, LINEAR_PERIODS=20, BATCH_SIZE=32, LEARNING_RATE=0.1,
                     linear_accuracy=valid_accuracy(best))
    assert_wrong(judged(monkeypatch, "07-tune-linear", last, names),
                 "not the model your settings describe", "`BATCH_SIZE` is 32",
                 "it made 2 passes", "last model a loop of tries left",
                 "measure `linear_accuracy` on it")


def test_tune_linear_repeated_rows_or_a_piece_of_the_part_are_named(monkeypatch):
    # The twenty-sixth student's MH3 and MH4: both were told to keep the validation and
    # test parts out, which they had.
    model, names = tuned_on(np.concatenate([X_TRAIN, X_TRAIN]),
                            np.concatenate([Y_TRAIN, Y_TRAIN]), periods=10)
    assert_wrong(judged(monkeypatch, "07-tune-linear", model, names),
                 "2 times the training part in every pass", "np.concatenate",
                 "each image once per pass")
    model, names = tuned()
    low = Y_TRAIN < 5
    model.partial_fit(X_TRAIN[low], Y_TRAIN[low])
    result = judged(monkeypatch, "07-tune-linear", model, names)
    assert_wrong(result, "over a piece of it only", "the whole training part")
    assert "validation" not in result.hint


@pytest.mark.parametrize("model, words", [
    (MLPClassifier(hidden_layer_sizes=(), solver="adam", batch_size=32,
                   learning_rate_init=0.01, random_state=0), ("solver='adam'", "'sgd'")),
    (make_linear(128, 0.1).set_params(momentum=0.5, alpha=0.01),
     ("momentum=0.5", "alpha=0.01", "set_params")),
    (make_linear(128, 0.1).set_params(random_state=3), ("random_state=3",)),
], ids=["adam", "momentum-and-alpha", "another-seed"])
def test_tune_linear_settings_make_linear_does_not_give_are_named(monkeypatch, model, words):
    model, names = tuned_on(X_TRAIN, Y_TRAIN, model)
    assert_wrong(judged(monkeypatch, "07-tune-linear", model, names), "not built as",
                 *words)


def test_tune_linear_pass_claims_only_what_was_checked(monkeypatch):
    model, names = tuned()
    result = judged(monkeypatch, "07-tune-linear", model, names)
    assert result.passed, result
    assert "untouched" not in result.message and "replaying" in result.message


@pytest.mark.parametrize("images", [resplit_training_part, swapped_rows],
                         ids=["another-split", "40-rows-swapped"])
def test_better_network_trained_on_validation_images_of_the_same_count_is_named(
        monkeypatch, images):
    model = trained(make_network(), 20, *images())
    assert_wrong(judged(monkeypatch, "07-better-network", model, with_network(model)),
                 "as many images", "other weights")


def test_better_network_that_is_the_notebooks_network_is_named(monkeypatch):
    network = trained(make_network(), 20)
    better_network = trained(network, 20)  # `better_network = network`, trained further
    names = {**with_network(better_network), "network": network}
    assert_wrong(judged(monkeypatch, "07-better-network", better_network, names),
                 "notebook's own `network`", "final test", "deepcopy")


def test_better_network_copied_from_the_notebooks_and_trained_further_passes(monkeypatch):
    network = trained(make_network(), 20)
    better_network = trained(deepcopy(network), 20)
    result = judged(monkeypatch, "07-better-network", better_network,
                    {**with_network(better_network), "network": network})
    assert result.passed, result
    assert "replaying" in result.message


def test_better_network_without_a_fixed_seed_is_named(monkeypatch):
    # It passed, saying it could not be replayed: then validation rows swapped in passed
    # too. The text asks for a fixed seed, as make_network() has.
    for images in ((), swapped_rows()):
        model = trained(make_network(random_state=None), 20, *images)
        assert_wrong(judged(monkeypatch, "07-better-network", model, with_network(model)),
                     "random_state=None", "every run", "random_state=0")


def test_better_network_with_a_numpy_integer_seed_passes(monkeypatch):
    model = trained(make_network(random_state=np.int64(0)), 20)
    result = judged(monkeypatch, "07-better-network", model, with_network(model))
    assert result.passed, result
    assert "replaying" in result.message


def test_better_network_max_iter_changed_after_training_keeps_the_replay_bounded(
        monkeypatch):
    model = trained(make_network(), 20)
    # The judge's replay is bounded by the weights the model has, not by its settings.
    model.set_params(max_iter=10**9)
    result = judged(monkeypatch, "07-better-network", model, with_network(model))
    assert result.passed, result
    assert "its very weights" in result.message
    assert "random_state" not in result.message


@pytest.mark.parametrize("exercise", ["07-better-network", "07-tune-linear"])
def test_hidden_layers_set_after_training_are_named(monkeypatch, exercise):
    # The twelfth student's: after `set_params(hidden_layer_sizes=...)` the settings
    # describe another network, and the judge could not replay the training (a network
    # trained on validation images passed so).
    if exercise == "07-better-network":
        model = trained(make_network(), 20)
        names, hidden = with_network(model), (5,)
    else:
        model, names = tuned()
        hidden = (8,)
    model.set_params(hidden_layer_sizes=hidden)
    name = exercise.removeprefix("07-").replace("-", "_").replace("tune_linear", "tuned_linear")
    assert_wrong(judged(monkeypatch, exercise, model, names),
                 f"`{name}` says `hidden_layer_sizes={hidden}`", "changed after training",
                 "set_params", "choose every setting before training")


# ---------------------------------------------------------------- a fifth student pass

def test_tune_linear_knobs_that_are_not_the_models_are_named(monkeypatch):
    # The cell after the exercise prints BATCH_SIZE and LEARNING_RATE as the model's.
    for knobs, words in (({"BATCH_SIZE": 1000, "LEARNING_RATE": 0.001},
                          ("`BATCH_SIZE` is 1000", "`LEARNING_RATE` is 0.001")),
                         ({"BATCH_SIZE": 128, "LEARNING_RATE": 0.05},
                          ("`LEARNING_RATE` is 0.05", "the model's is 0.1"))):
        model, names = tuned(**knobs)
        assert_wrong(judged(monkeypatch, "07-tune-linear", model, names),
                     "not those of `tuned_linear`", *words,
                     "make_linear(BATCH_SIZE, LEARNING_RATE)")


def test_tune_linear_knobs_that_are_the_models_pass(monkeypatch):
    model, names = tuned(BATCH_SIZE=128, LEARNING_RATE=0.1)
    assert judged(monkeypatch, "07-tune-linear", model, names).passed


def lbfgs_network(hidden=(64,), X=X_TRAIN, y=Y_TRAIN, **settings):
    return MLPClassifier(hidden_layer_sizes=hidden, solver="lbfgs", max_iter=1000,
                         random_state=0, **settings).fit(X, y)


def test_better_network_trained_by_lbfgs_is_judged_not_crashed_on(monkeypatch):
    # lbfgs keeps no loss curve and counts no images: the replay alone tells its images.
    model = lbfgs_network()
    linear, namespace = tuned()  # the solution's knobs: 0.955, which it beats
    namespace.update(better_network=model, network_accuracy=valid_accuracy(model))
    assert valid_accuracy(model) > valid_accuracy(linear)
    result = judged(monkeypatch, "07-better-network", model, namespace)
    assert result.passed, result
    assert "replaying" in result.message
    leaked = lbfgs_network(X=np.concatenate([X_TRAIN, X_VALID]),
                           y=np.concatenate([Y_TRAIN, Y_VALID]))
    namespace.update(better_network=leaked, network_accuracy=valid_accuracy(leaked))
    assert_wrong(judged(monkeypatch, "07-better-network", leaked, namespace),
                 "was not trained on the training part", "validation")


def test_better_network_fit_then_more_partial_fit_passes(monkeypatch):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # fit's warning that it stopped at max_iter
        model = make_network((128,), solver="adam", learning_rate_init=0.001,
                             batch_size="auto", max_iter=50).fit(X_TRAIN, Y_TRAIN)
    for _ in range(20):
        model.partial_fit(X_TRAIN, Y_TRAIN)
    result = judged(monkeypatch, "07-better-network", model, with_network(model))
    assert result.passed, result
    assert "replaying" in result.message
    # The same with validation rows swapped in for its extra passes is still caught.
    X, y = swapped_rows(5)
    for _ in range(2):
        model.partial_fit(X, y)
    assert_wrong(judged(monkeypatch, "07-better-network", model, with_network(model)),
                 "other weights", "swapped in")


def test_better_network_fitted_on_a_reordered_training_part_says_so(monkeypatch):
    order = np.random.default_rng(1).permutation(len(Y_TRAIN))
    model = trained(make_network(), 20, X_TRAIN[order], Y_TRAIN[order])
    assert_wrong(judged(monkeypatch, "07-better-network", model, with_network(model)),
                 "rows reordered", "as they are", "shuffles them itself")


def _periods_on(X_extra, y_extra, swap=False):
    def train_in_periods(model, X_train, y_train, X_valid, y_valid, periods):
        X_fit = np.vstack([X_train[:-len(X_extra)] if swap else X_train, X_valid[X_extra]])
        y_fit = np.concatenate([y_train[:-len(y_extra)] if swap else y_train,
                                y_valid[y_extra]])
        train_losses, valid_losses = [], []
        for _ in range(periods):
            model.partial_fit(X_fit, y_fit, classes=np.arange(10))
            train_losses.append(_measured(model, X_train, y_train))
            valid_losses.append(_measured(model, X_valid, y_valid))
        return train_losses, valid_losses
    return train_in_periods


def test_train_in_periods_validation_rows_mixed_in_are_named_as_such():
    rows = np.arange(5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        added = verdict("07-train-in-periods", _periods_on(rows, rows))
        swapped = verdict("07-train-in-periods", _periods_on(rows[:1], rows[:1], swap=True))
    assert_wrong(added, "images more than", "validation part")
    assert "shuffle" not in added.hint
    assert_wrong(swapped, "swap in rows of the validation part")


def test_train_in_periods_two_partial_fits_a_period_are_not_called_added_rows():
    def twice(model, X_train, y_train, X_valid, y_valid, periods):
        train_losses, valid_losses = [], []
        for _ in range(periods):
            model.partial_fit(X_train, y_train, classes=np.arange(10))
            model.partial_fit(X_train, y_train, classes=np.arange(10))
            train_losses.append(_measured(model, X_train, y_train))
            valid_losses.append(_measured(model, X_valid, y_valid))
        return train_losses, valid_losses

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = verdict("07-train-in-periods", twice)
    assert_wrong(result, "8 passes", "in 4 periods", "once")
    assert "rows added" not in result.message


# ---------------------------------------------------------------- the eighth student's hints

def test_a_typed_in_accuracy_is_named_typed_in(monkeypatch):
    # MH2: "was it trained again after you measured it?" for a number typed in.
    model, names = tuned()
    names["linear_accuracy"] = 0.97
    assert_wrong(judged(monkeypatch, "07-tune-linear", model, names), "no count of its 288",
                 "typed in", "accuracy_score(y_valid")
    network = trained(make_network(), 20)
    assert_wrong(judged(monkeypatch, "07-better-network", network,
                        with_network(network, network_accuracy=0.99)), "typed in")
    # An accuracy of the validation part, of another model: not called typed in.
    model, names = tuned()
    names["linear_accuracy"] = valid_accuracy(trained(make_linear(128, 0.1), 5))
    result = judged(monkeypatch, "07-tune-linear", model, names)
    assert_wrong(result, "measured on another model")
    assert "no count of" not in result.message


def test_tune_linear_a_model_that_was_not_fresh_is_named_by_its_passes(monkeypatch):
    # MH3: trained 2 periods with other knobs, then set_params and the periods asked.
    model = trained(make_linear(1000, 0.001), 2)
    model.set_params(batch_size=32, learning_rate_init=0.1)
    trained(model, 30)
    names = notebook(tuned_linear=model, LINEAR_PERIODS=30, BATCH_SIZE=32, LEARNING_RATE=0.1,
                     linear_accuracy=valid_accuracy(model))
    result = judged(monkeypatch, "07-tune-linear", model, names)
    assert_wrong(result, "32 passes", "`LINEAR_PERIODS` is 30", "not a fresh model",
                 "fresh model for each setting")
    assert "rows reordered" not in result.message


def test_tune_linear_settings_changed_after_training_are_named_in_the_replay(monkeypatch):
    # MH3's sibling: the periods are right, the learning rate changed after them.
    model, names = tuned(batch_size=32, learning_rate=0.1, periods=30)
    model.set_params(learning_rate_init=0.05)
    names.update(LEARNING_RATE=0.05, BATCH_SIZE=32)
    assert_wrong(judged(monkeypatch, "07-tune-linear", model, names), "`set_params`",
                 "fresh model")


def test_tune_linear_trained_on_float32_images_is_named_by_its_dtype(monkeypatch):
    # MH4: it was blamed on reordered rows or changed labels.
    model = trained(make_linear(32, 0.1), 30, X=X_TRAIN.astype(np.float32))
    names = notebook(tuned_linear=model, LINEAR_PERIODS=30, linear_accuracy=valid_accuracy(model))
    result = judged(monkeypatch, "07-tune-linear", model, names)
    assert_wrong(result, "float32 weights", ".astype(")
    assert "reordered" not in result.message


# ---------------------------------------------------------------- the tenth student pass

from coursekit.judging.nb07 import replay  # noqa: E402


def long_fit(X=X_TRAIN, y=Y_TRAIN, **settings):
    """A network whose `fit` runs past what the judge replays whole (the tenth student's)."""
    settings = {"hidden_layer_sizes": (256,), "max_iter": 100, "tol": 0, "random_state": 0,
                **settings}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # fit's warning that it stopped at max_iter
        return MLPClassifier(**settings).fit(X, y)


def test_better_network_trained_long_is_replayed_whole(monkeypatch):
    # FP4 of the tenth student: beyond about 200 passes the judge only counted the images.
    # Its first passes come first, so a leak there is told by its first losses.
    right = long_fit()
    assert len(right.loss_curve_) == 100
    result = judged(monkeypatch, "07-better-network", right, with_network(right))
    assert result.passed, result
    assert "its very weights" in result.message
    assert "could not replay" not in result.message and "random_state" not in result.message
    leaked = long_fit(*resplit_training_part())
    assert_wrong(judged(monkeypatch, "07-better-network", leaked, with_network(leaked)),
                 "as many images", "other losses in its first 20 passes (of 100)",
                 "another split of `X_rest`")


@pytest.mark.parametrize("images", [
    lambda: swapped_rows(288),
    lambda: (np.vstack([X_TRAIN[:-360], X_TEST]), np.concatenate([Y_TRAIN[:-360], Y_TEST])),
    lambda: (X_TRAIN[np.random.default_rng(0).permutation(len(Y_TRAIN))],
             Y_TRAIN[np.random.default_rng(0).permutation(len(Y_TRAIN))]),
], ids=["validation-swapped-in", "test-swapped-in", "shuffled-by-the-learner"])
def test_better_network_long_trainings_on_other_rows_are_caught(monkeypatch, images):
    # The judge's budget made small, so that short trainings take the long ones' path:
    # their first passes are replayed first, and name the slip.
    monkeypatch.setattr(replay, "_REPLAY_BUDGET", 1e7)
    model = trained(make_network(), 20, *images())
    result = judged(monkeypatch, "07-better-network", model, with_network(model))
    assert_wrong(result, "as many images", "other losses in its first")


def pass_cost(model):
    """The judge's cost of one pass of ``model`` over the training part, in its budget."""
    return replay.pass_cost(model.get_params(), model.coefs_, len(Y_TRAIN))[0]


def late_leak(periods, clean=20, model=None):
    """``clean`` periods on the training part, then periods with validation rows swapped in."""
    model = trained(model if model is not None else make_network(), clean)
    return trained(model, periods - clean, *swapped_rows(288))


@pytest.mark.parametrize("make", [
    lambda: trained(make_network(), 40),
    lambda: late_leak(40),
    lambda: make_network((128,), solver="adam", learning_rate_init=0.003, max_iter=40,
                         tol=0).fit(X_TRAIN, Y_TRAIN),
], ids=["periods", "a-leak-after-its-first-20-passes", "fit"])
def test_better_network_trainings_longer_than_the_replay_do_not_pass(monkeypatch, make):
    # FP4 (the thirteenth student's FP3): past the budget, the first 20 passes were
    # replayed and the rest only counted, so validation rows swapped in after pass 20
    # passed. A training the check cannot replay in full no longer passes.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = make()
    batch = model.get_params()["batch_size"]
    monkeypatch.setattr(replay, "_REPLAY_BUDGET", 30.5 * pass_cost(model))  # 30 passes of 40
    result = judged(monkeypatch, "07-better-network", model, with_network(model))
    hidden = model.get_params()["hidden_layer_sizes"]
    assert_wrong(result, f"a network with hidden layers {hidden}",
                 f"trained for 40 passes over the training part in batches of {batch}".replace(
                     "auto", "200"), "replays at most 30 of them", "which images it learned from",
                 "cannot replay in full", "30 passes at most", "network smaller")


def test_tune_linear_longer_than_the_replay_does_not_pass(monkeypatch):
    # FP4's sibling in exercise 3: 20 clean periods, then the validation rows swapped in,
    # passed at LINEAR_PERIODS = 3000 (batches of 1000); here at 40, the budget cut to 30.
    model = late_leak(40, model=make_linear(1000, 0.5))
    names = notebook(tuned_linear=model, LINEAR_PERIODS=40, linear_accuracy=valid_accuracy(model))
    monkeypatch.setattr(replay, "_REPLAY_BUDGET", 30.5 * pass_cost(model))
    assert_wrong(judged(monkeypatch, "07-tune-linear", model, names), "a linear model, 640 "
                 "weights, trained for 40 passes", "replays at most 30 of them",
                 "30 periods at most (`LINEAR_PERIODS`)")
    # Small batches cost most in steps: larger ones are named too.
    model, names = tuned(4, 0.01, 12)
    monkeypatch.setattr(replay, "_REPLAY_BUDGET", 10.5 * pass_cost(model))
    assert_wrong(judged(monkeypatch, "07-tune-linear", model, names), "at most 10 of them",
                 "in larger batches")


def test_tune_linear_late_leak_within_the_replay_is_caught(monkeypatch):
    # The student's trials at 300 and 1000 periods: replayed whole, the leak is caught.
    model = late_leak(100, model=make_linear(1000, 0.5))
    names = notebook(tuned_linear=model, LINEAR_PERIODS=100,
                     linear_accuracy=valid_accuracy(model))
    assert_wrong(judged(monkeypatch, "07-tune-linear", model, names), "as many images",
                 "ends with other weights")


def test_better_network_lbfgs_longer_than_the_replay_does_not_pass(monkeypatch):
    # FP1: lbfgs keeps no loss per iteration, so past the budget it was not replayed at
    # all and passed, trained on the validation part alone. Now 400 iterations are
    # replayed whole, and a longer training does not pass.
    def lbfgs(X, y, max_iter=400):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # lbfgs stopping at max_iter
            return MLPClassifier((64,), solver="lbfgs", alpha=1.0, max_iter=max_iter,
                                 random_state=0).fit(X, y)

    leaked = lbfgs(X_VALID, Y_VALID)
    assert leaked.n_iter_ == 400 and valid_accuracy(leaked) == 1
    assert_wrong(judged(monkeypatch, "07-better-network", leaked, with_network(leaked)),
                 "was not trained on the training part")
    right = lbfgs(X_TRAIN, Y_TRAIN, 300)
    result = judged(monkeypatch, "07-better-network", right, with_network(right))
    assert result.passed and "its very weights" in result.message, result
    monkeypatch.setattr(replay, "_REPLAY_BUDGET", 250.5 * pass_cost(right))
    for model in (right, leaked):
        assert_wrong(judged(monkeypatch, "07-better-network", model, with_network(model)),
                     "hidden layers (64,), 4,736 weights", "lbfgs iterations",
                     "replays at most 250 of them", "`max_iter=250` at most", "smaller")
    monkeypatch.setattr(replay, "_REPLAY_BUDGET", 1e5)
    result = judged(monkeypatch, "07-better-network", right, with_network(right))
    assert_wrong(result, "not even one of them", "make the network smaller")
    assert "max_iter=0" not in result.hint


def test_the_replay_budget_covers_what_students_commonly_train():
    # A `fit` of MLPClassifier's defaults to its max_iter of 200; (256, 128) converges in
    # about 100 passes on the digits.
    from coursekit.checks.nb07 import trained_model_facts

    for hidden, passes in (((100,), 200), ((256, 128), 150)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = MLPClassifier(hidden, max_iter=1, random_state=0).fit(X_TRAIN, Y_TRAIN)
        found = replay.replay_training(trained_model_facts(model, notebook()))
        assert found.how is not None and found.limit >= passes, (hidden, found)


@pytest.mark.parametrize("make", [
    lambda: MLPClassifier((64,), max_iter=40, warm_start=True, random_state=0),
    lambda: MLPClassifier((32,), solver="sgd", batch_size=16, learning_rate_init=0.1,
                          max_iter=15, warm_start=True, random_state=0),
    lambda: MLPClassifier((64,), max_iter=40, random_state=0),
], ids=["adam-warm-start", "sgd-warm-start", "warm-start-set-after-the-first-fit"])
def test_better_network_fit_again_with_warm_start_passes(monkeypatch, make):
    # FF1: a second `fit` with warm_start goes on from the weights (with a fresh solver),
    # which the text allows; it was called reordered rows.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # fit's warning that it stopped at max_iter
        model = make().fit(X_TRAIN, Y_TRAIN)
        first = len(model.loss_curve_)
        model.set_params(warm_start=True)
        model.fit(X_TRAIN, Y_TRAIN)
    assert len(model.loss_curve_) > first
    result = judged(monkeypatch, "07-better-network", model, with_network(model))
    assert result.passed, result
    assert "its very weights" in result.message
    # Its second `fit` on validation rows swapped in is still caught.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(*swapped_rows(40))
    assert_wrong(judged(monkeypatch, "07-better-network", model, with_network(model)),
                 "other weights", "swapped in")


def test_better_network_rounded_accuracy_near_the_test_one_is_named_rounded(monkeypatch):
    # MH1: 0.96875 rounded to 0.97 lies within a rounding of the test part's 0.9694, and
    # was called the accuracy on the test part.
    network = trained(make_network(solver="adam", learning_rate_init=0.003), 40)
    assert valid_accuracy(network) == 0.96875
    assert abs(valid_accuracy(network, X_TEST, Y_TEST) - 0.97) < 6e-4
    names = with_network(network, network_accuracy=round(valid_accuracy(network), 2))
    result = judged(monkeypatch, "07-better-network", network, names)
    assert_wrong(result, "0.9688, rounded to 2 decimal(s)", "round only when printing")
    assert "test part" not in result.message
    # The test accuracy itself is named as such.
    names["network_accuracy"] = valid_accuracy(network, X_TEST, Y_TEST)
    assert_wrong(judged(monkeypatch, "07-better-network", network, names),
                 "accuracy on the test part")


@pytest.mark.parametrize("after, words", [
    (lambda linear: linear.partial_fit(X_VALID, Y_VALID), ("validation part",
                                                          "1 of its 21 passes")),
    (lambda linear: linear.partial_fit(X_TRAIN, Y_TRAIN), ("21 passes",
                                                          "`LINEAR_PERIODS` is 20")),
    (lambda linear: linear.set_params(learning_rate_init=0.3),
     ("`LEARNING_RATE` is 0.1, the model's is 0.3",)),
    (lambda linear: linear, None),
], ids=["trained-on-validation", "trained-further", "set-params", "unchanged"])
def test_better_network_against_a_tuned_linear_changed_since_its_check(monkeypatch, after,
                                                                        words):
    # MH5: `tuned_linear` trained further after its check set an inflated bar, and the
    # network was told to do better; the bar is exercise 3's model as it passed.
    network = trained(make_network(solver="adam", learning_rate_init=0.003), 40)
    names = with_network(network, BATCH_SIZE=128, LEARNING_RATE=0.1)
    after(names["tuned_linear"])
    result = judged(monkeypatch, "07-better-network", network, names)
    if words is None:  # unchanged: the network beats it
        assert result.passed, result
        return
    assert_wrong(result, "`tuned_linear` is no longer a model exercise 3 passes", *words,
                 "run exercise 3's cell again")
    assert "more hidden units" not in result.hint


@pytest.mark.parametrize("knobs", [
    (np.int64(32), 0.3, 10), (32, np.float64(0.2), np.int64(15)),
    (np.array([16, 32])[1], np.linspace(0.1, 0.3, 3)[2], 10),
], ids=["int64-batch", "float64-rate-int64-periods", "from-numpy-grids"])
def test_tune_linear_numpy_knobs_pass_across_the_wire(monkeypatch, knobs):
    # FF6: `BATCH_SIZE = np.int64(50)` was "50, the model's is 'np.int64(50)'".
    batch, rate, periods = knobs
    model, names = tuned(batch, rate, periods, BATCH_SIZE=batch, LEARNING_RATE=rate)
    names["LINEAR_PERIODS"] = periods
    monkeypatch.setattr(spec, "user_namespace", lambda: names)
    exercise = judging.get("07-tune-linear")
    payload = checks.decode(checks.encode(checks.collect_safely(exercise, model, [])))
    result = judging.judge_safely(exercise, payload, [])
    assert result.passed, result
    # A knob that is not the model's is still named, in numbers.
    names["BATCH_SIZE"] = np.int64(64)
    payload = checks.decode(checks.encode(checks.collect_safely(exercise, model, [])))
    assert_wrong(judging.judge_safely(exercise, payload, []), "`BATCH_SIZE` is 64, the "
                 f"model's is {int(batch)}")


def test_the_texts_of_exercises_3_and_4_state_the_replay_rules():
    # FF5 and the replay budget: the rules the checks hold are the text's.
    import json
    from pathlib import Path

    cells = json.loads((Path(__file__).parents[1] / "solutions" /
                        "07_weight_visualization.ipynb").read_text())["cells"]
    text = {number: "".join(cell["source"]) for cell in cells for number in (3, 4)
            if "".join(cell["source"]).startswith(f"### Exercise {number}:")}
    for number in (3, 4):
        assert "cannot replay in full does not pass" in text[number], number
    assert "`set_params`" in text[4] and "settings it is built with" in text[4]


def _rounded(decimals, parts=("train", "valid")):
    def measure_train(model, X, y):
        return round(_measured(model, X, y), decimals) if "train" in parts else _measured(
            model, X, y)

    def train_in_periods(model, X_train, y_train, X_valid, y_valid, periods):
        train_losses, valid_losses = [], []
        for _ in range(periods):
            model.partial_fit(X_train, y_train, classes=CLASSES)
            train_losses.append(measure_train(model, X_train, y_train))
            valid_losses.append(round(_measured(model, X_valid, y_valid), decimals))
        return train_losses, valid_losses
    return train_in_periods


def test_train_in_periods_losses_rounded_to_four_decimals_are_named_rounded():
    # MH2: the tolerance forgave the rounding of the larger validation losses, so the
    # verdict blamed the training losses on a wrong measurement.
    result = verdict("07-train-in-periods", _rounded(4))
    assert_wrong(result, "rounded to 4 decimal(s)", "round only when printing")
    assert "training losses are not" not in result.message


def test_train_in_periods_float32_images_are_named_by_their_type():
    # MH3: the float32 training was called one "in another order".
    def as_float32(model, X_train, y_train, X_valid, y_valid, periods):
        return periods_loop(loss)(model, X_train.astype(np.float32), y_train, X_valid,
                                  y_valid, periods)

    result = verdict("07-train-in-periods", as_float32)
    assert_wrong(result, "float32 weights", ".astype(")
    assert "another order" not in result.message


def test_train_in_periods_the_notebooks_own_training_part_is_named():
    # MH4: a function that trains on the notebook's `X_train` (a global) was asked whether
    # validation rows were added.
    X_notebook, y_notebook = notebook_parts()["train"]
    global_parts = training_on(lambda *parts: (X_notebook, y_notebook))
    result = verdict("07-train-in-periods", global_parts)
    assert_wrong(result, "1,149 images in each of its", "notebook's `X_train`",
                 "own parameters")
    assert "validation part" not in result.message


def test_tune_linear_batch_size_changed_after_training_is_named_as_the_reported_knob(
        monkeypatch):
    # MH5: after `set_params(batch_size=64)` the replay blamed the rows first.
    model, names = tuned(batch_size=32, learning_rate=0.1, periods=30)
    model.set_params(batch_size=64)
    names.update(BATCH_SIZE=32, LEARNING_RATE=0.1)
    result = judged(monkeypatch, "07-tune-linear", model, names)
    assert_wrong(result, "`BATCH_SIZE` is 32, the model's is 64", "`set_params` after",
                 "change nothing after")
    assert "reordered" not in result.message


def test_tune_linear_under_the_bar_is_named_first_beside_a_typed_in_number(monkeypatch):
    # MH6: the start values and `linear_accuracy = 0.96` typed in were asked "was it
    # trained again?"; the model under the bar is the slip to fix.
    model, names = tuned(batch_size=1000, learning_rate=0.001, periods=2)
    names.update(linear_accuracy=0.96, BATCH_SIZE=1000, LEARNING_RATE=0.001)
    result = judged(monkeypatch, "07-tune-linear", model, names)
    assert_wrong(result, "under the bar of 0.95", "typed in", "raise the learning rate")
    assert "trained again" not in result.message


def test_accuracies_rounded_or_of_the_other_model_are_named_so(monkeypatch):
    # MH6: `round(accuracy, 2)` and `network_accuracy = linear_accuracy` were called typed in.
    model, names = tuned(32, 0.1, 30, BATCH_SIZE=32, LEARNING_RATE=0.1)  # 0.965; test 0.961
    names["linear_accuracy"] = round(valid_accuracy(model), 2)
    assert_wrong(judged(monkeypatch, "07-tune-linear", model, names),
                 "0.9653, rounded to 2 decimal(s)", "round only when printing")
    network = trained(make_network(), 20)
    namespace = with_network(network)
    namespace["network_accuracy"] = namespace["linear_accuracy"]
    result = judged(monkeypatch, "07-better-network", network, namespace)
    assert_wrong(result, "the validation accuracy of `tuned_linear`", "measure `better_network`")
    # Measured on the model itself, rounded to 3 decimals, it passes.
    namespace["network_accuracy"] = round(valid_accuracy(network), 3)
    assert judged(monkeypatch, "07-better-network", network, namespace).passed


def test_an_error_rate_or_a_count_reported_as_accuracy_is_named(monkeypatch):
    # The twenty-fourth student's MH6: both were called "typed in, another model, or
    # trained again".
    model, names = tuned()
    names["linear_accuracy"] = 1 - valid_accuracy(model)
    assert_wrong(judged(monkeypatch, "07-tune-linear", model, names), "error rate",
                 "the share it gets right")
    names["linear_accuracy"] = accuracy_score(Y_VALID, model.predict(X_VALID), normalize=False)
    assert_wrong(judged(monkeypatch, "07-tune-linear", model, names),
                 "number of validation images", "not `normalize=False`")


@pytest.mark.parametrize("fill", [0.1, 1.0])
def test_confusion_rates_with_a_filled_empty_row_are_named(fill):
    # The twenty-fourth and twenty-sixth students' MH: the row of a digit without images,
    # filled with 0.1 (or 1 on the diagonal), got "count, then divide each row".
    def filled(y_true, y_pred):
        rates = confusion_matrix(y_true, y_pred, labels=range(10), normalize="true")
        for digit in range(10):
            if not (np.asarray(y_true) == digit).any():
                rates[digit] = 0.1 if fill == 0.1 else np.eye(10)[digit]
        return rates
    assert_wrong(verdict("07-confusion-rates", filled), "which has no image here",
                 "leave the row of a digit without images at 0")


def test_unit_weights_squeezed_loses_the_row_of_a_one_unit_network():
    # The twenty-sixth student's FP1: no case had one unit, where `(1, 64)` squeezes to
    # `(64,)` and `plot_weight_tiles` fails.
    result = verdict("07-unit-weights", lambda network: np.squeeze(network.coefs_[0].T))
    assert_wrong(result, "1 hidden units", "(64,)")


def test_unit_weights_that_clips_the_network_s_own_weights_is_named():
    # The twenty-fourth student's FP1 and FP2: the cases' weights stayed within ±0.5, so a
    # clip at ±1 written into the network's weights passed; so did a changed output
    # activation. A case with weights up to about ±2 shows the first.
    def clipped(network):
        weights = network.coefs_[0].T
        np.clip(weights, -1, 1, out=weights)
        return weights

    def other_activation(network):
        network.out_activation_ = "logistic"
        return network.coefs_[0].T

    assert_wrong(verdict("07-unit-weights", clipped), "changed the network's own weights",
                 "copy it first")
    assert_wrong(verdict("07-unit-weights", other_activation), "`out_activation_`",
                 "leave the network")


def test_unit_weights_that_replace_the_network_s_weights_are_not_told_of_a_view():
    # A student's find: replacing `coefs_[0]` by its transpose was told it wrote into a
    # view (`W /= ...`), which it did not.
    result = verdict("07-unit-weights", transposes_in_place)
    assert_wrong(result, "arrays of other shapes", "assign nothing to `network.coefs_`")
    assert "view" not in result.message


def test_unit_weights_with_the_biases_appended_are_named():
    # MH7: "use the network it was given", though it did.
    def with_biases(network):
        return np.hstack([network.coefs_[0].T, network.intercepts_[0][:, None]])

    result = verdict("07-unit-weights", with_biases)
    assert_wrong(result, "a last column", "intercepts_[0]", "weights alone")
    assert "network it was given" not in result.hint


def test_train_in_periods_log_loss_without_labels_is_named_in_the_hint():
    # The hint named `np.unique(y_train)` for a `log_loss` given no `labels=` at all.
    result = verdict("07-train-in-periods",
                     periods_loop(lambda m, X, y: log_loss(y, m.predict_proba(X))))
    assert result.status == checks.ERROR, result
    assert "`log_loss` without `labels=`" in result.hint and "labels=np.arange(10)" in (
        result.hint)


def test_tune_linear_rounded_to_the_test_part_s_exact_accuracy_names_the_rounding(
        monkeypatch):
    # The sixteenth student's MH1: with these knobs the validation accuracy rounded to 2
    # decimals, 0.95, is exactly the test accuracy (342 of 360): "the test part" was named.
    model, names = tuned(10, 0.01, 20)
    assert round(valid_accuracy(model), 2) == accuracy_score(Y_TEST, model.predict(X_TEST))
    names["linear_accuracy"] = round(valid_accuracy(model), 2)
    assert_wrong(judged(monkeypatch, "07-tune-linear", model, names), "rounded to 2",
                 "also exactly its accuracy on the test part", "round only when printing")


def test_a_training_accuracy_of_one_is_named_as_such_not_as_a_rounding(monkeypatch):
    # The nineteenth student's MH: a network's training accuracy, 1.0, was called its
    # validation accuracy (0.965) "rounded to 1 decimal(s)". Two decimals still name both.
    network = trained(make_network(), 40)
    assert accuracy_score(Y_TRAIN, network.predict(X_TRAIN)) == 1.0
    assert round(valid_accuracy(network), 1) == 1.0
    namespace = with_network(network)
    namespace["network_accuracy"] = 1.0
    result = judged(monkeypatch, "07-better-network", network, namespace)
    assert_wrong(result, "is the accuracy on", "training", "measure on the validation part")
    assert "rounded" not in result.message


@pytest.mark.parametrize("model", [
    lambda: SGDClassifier(loss="log_loss", random_state=0).fit(X_TRAIN, Y_TRAIN),
    lambda: LogisticRegression(random_state=0).fit(X_TRAIN, Y_TRAIN),
], ids=["sgd", "logistic"])
def test_better_network_of_another_kind_is_not_asked_for_a_seed(monkeypatch, model):
    # The sixteenth student's MH2: "has random_state=None" for models with a seed, or none.
    answer = model()
    result = judged(monkeypatch, "07-better-network", answer, with_network(answer))
    assert result.status == checks.WRONG and "random_state" not in result.message, result
    assert "MLPClassifier" in result.message + result.hint


# ---------------------------------------------------------------- on MNIST

def mnist_like_parts():
    """The digits drawn as MNIST draws its images (784 pixels of 8-bit values), with their
    mirror images for more of them, split as notebook 07 splits MNIST: the judge has no
    such images but what the kernel sends."""
    from coursekit.checks.mnist_images import mnist_pixels
    from coursekit.data import load_digits, stratified_split
    from coursekit.judging.nb06.parts import digits_as_mnist
    from coursekit.judging.nb07.parts import MNIST_TEST_IMAGES, MNIST_VALID_IMAGES

    X, y = load_digits()
    X = np.vstack([X, X.reshape(-1, 8, 8)[:, :, ::-1].reshape(-1, 64)])
    X = mnist_pixels(np.rint(digits_as_mnist(X) * 255).astype(np.uint8))
    y = np.concatenate([y, y])
    X_rest, X_test, y_rest, y_test = stratified_split(X, y, test_size=MNIST_TEST_IMAGES,
                                                      random_state=0)
    X_train, X_valid, y_train, y_valid = stratified_split(X_rest, y_rest,
                                                          test_size=MNIST_VALID_IMAGES,
                                                          random_state=0)
    return {"X": X, "y": y, "X_train": X_train, "y_train": y_train, "X_valid": X_valid,
            "y_valid": y_valid, "X_test": X_test, "y_test": y_test}


@pytest.fixture(scope="module")
def mnist_like():
    return mnist_like_parts()


def tuned_on_mnist(parts, X=None, y=None, periods=10):
    model = trained(make_linear(128, 0.1), periods,
                    parts["X_train"] if X is None else X, parts["y_train"] if y is None else y)
    return model, {**parts, "tuned_linear": model, "LINEAR_PERIODS": periods,
                   "BATCH_SIZE": 128, "LEARNING_RATE": 0.1,
                   "linear_accuracy": valid_accuracy(model, parts["X_valid"], parts["y_valid"])}


def test_on_mnist_the_training_is_replayed_on_the_part_the_kernel_sends(monkeypatch, mnist_like):
    # The twenty-second student's FP2 and FP3: on MNIST the judge only counted images, so a
    # model trained on validation images (tiled to the training part's size, or swapped
    # in) passed. The kernel now sends the training part (compressed 8-bit values).
    model, names = tuned_on_mnist(mnist_like)
    result = judged(monkeypatch, "07-tune-linear", model, names)
    assert result.passed and "gives its very weights" in result.message, result
    tiled = {name: np.resize(mnist_like[f"{name}_valid"], mnist_like[f"{name}_train"].shape)
             for name in ("X", "y")}
    swapped = {name: mnist_like[f"{name}_train"].copy() for name in ("X", "y")}
    for name in ("X", "y"):
        swapped[name][:50] = mnist_like[f"{name}_valid"][:50]
    for leak in (tiled, swapped):
        model, names = tuned_on_mnist(mnist_like, leak["X"], leak["y"])
        assert_wrong(judged(monkeypatch, "07-tune-linear", model, names),
                     "not the training part as it is", "validation or test part")
    # A network of exercise 4 too, with the tuned linear model beside it.
    linear, names = tuned_on_mnist(mnist_like)
    network = trained(make_network((16,)), 5, *leak.values())
    names.update(better_network=network, network_accuracy=valid_accuracy(
        network, mnist_like["X_valid"], mnist_like["y_valid"]))
    assert_wrong(judged(monkeypatch, "07-better-network", network, names),
                 "not the training part as it is")


def test_on_mnist_a_leak_after_the_first_passes_or_weights_changed_after_are_caught(
        monkeypatch, mnist_like):
    # The twenty-seventh student's FP1 to FP5: on MNIST the judge compared the first 20
    # passes' losses only, so validation rows after them, or weights edited after the
    # training, passed. It now replays the whole training and compares the weights, as on
    # the digits.
    mixed = {name: mnist_like[f"{name}_train"].copy() for name in ("X", "y")}
    for name in ("X", "y"):
        mixed[name][:200] = mnist_like[f"{name}_valid"][:200]
    model, names = tuned_on_mnist(mnist_like, periods=22)
    for _ in range(3):
        model.partial_fit(mixed["X"], mixed["y"])
    names["LINEAR_PERIODS"] = 25
    names["linear_accuracy"] = valid_accuracy(model, mnist_like["X_valid"],
                                              mnist_like["y_valid"])
    assert_wrong(judged(monkeypatch, "07-tune-linear", model, names),
                 "not the training part as it is")
    model, names = tuned_on_mnist(mnist_like)
    model.intercepts_[-1] += 0.5
    names["linear_accuracy"] = valid_accuracy(model, mnist_like["X_valid"],
                                              mnist_like["y_valid"])
    assert_wrong(judged(monkeypatch, "07-tune-linear", model, names),
                 "ends with other weights")


def test_on_mnist_images_that_are_not_mnist_s_pixels_are_not_sent_and_not_replayed(
        monkeypatch, mnist_like):
    from coursekit.checks.nb07 import mnist_images

    assert mnist_images(mnist_like)["images"] == len(mnist_like["y"])
    for X in (mnist_like["X"].astype(np.float32), mnist_like["X"] * 0.5,
              mnist_like["X"] + 1e-9):
        assert mnist_images({**mnist_like, "X": X}) is None
    model, names = tuned_on_mnist(mnist_like)
    names["X"] = names["X"] * 0.5
    result = judged(monkeypatch, "07-tune-linear", model, names)
    assert result.passed and "could not replay" in result.message, result


@pytest.mark.parametrize("tamper", [
    lambda sent: {**sent, "pixels": sent["pixels"][:-8]},
    lambda sent: {**sent, "images": sent["images"] + 1},
    lambda sent: {**sent, "pixels": base64.b64encode(zlib.compress(b"\0" * 10**8)).decode()},
    lambda sent: {**sent, "y": [11] * sent["images"]},
    lambda sent: {**sent, "pixels": "not base64!"},
], ids=["cut", "count", "bomb", "labels", "text"])
def test_on_mnist_images_sent_otherwise_are_refused_not_trusted(tamper, mnist_like):
    from coursekit.checks.nb07 import mnist_images
    from coursekit.judging.nb07.parts import parts_of

    sent = mnist_images(mnist_like)
    parts = parts_of({"pixels": 784, "mnist_images": sent})
    for part in ("train", "valid", "test"):
        for got, expected in zip(parts[part], (mnist_like[f"X_{part}"], mnist_like[f"y_{part}"])):
            np.testing.assert_array_equal(got, expected)
    assert parts_of({"pixels": 784, "mnist_images": tamper(sent)}) is None
    # Too few images for the notebook's test and validation parts: no split is the notebook's.
    few = mnist_images({"X": mnist_like["X"][:2000], "y": mnist_like["y"][:2000]})
    assert few is not None and parts_of({"pixels": 784, "mnist_images": few}) is None


def _resplit(parts):
    from coursekit.data import stratified_split
    from coursekit.judging.nb07.parts import MNIST_VALID_IMAGES

    rest = [np.concatenate([parts[f"{name}_train"], parts[f"{name}_valid"]])
            for name in ("X", "y")]
    X_train, X_valid, y_train, y_valid = stratified_split(*rest, test_size=MNIST_VALID_IMAGES,
                                                          random_state=1)
    return {"X_train": X_train, "y_train": y_train, "X_valid": X_valid, "y_valid": y_valid}


def _shuffled(parts):
    order = np.random.default_rng(1).permutation(len(parts["y_train"]))
    return {"X_train": parts["X_train"][order], "y_train": parts["y_train"][order]}


@pytest.mark.parametrize("change", [
    lambda parts: {"X_valid": parts["X_test"], "y_valid": parts["y_test"]},
    lambda parts: {"X_valid": parts["X_train"], "y_valid": parts["y_train"]},
    lambda parts: {"X_valid": parts["X_valid"][::2], "y_valid": parts["y_valid"][::2]},
    lambda parts: {"X_train": np.concatenate([parts["X_train"], parts["X_test"]]),
                   "y_train": np.concatenate([parts["y_train"], parts["y_test"]])},
    lambda parts: {"X_train": parts["X_train"] * 1.5, "X_valid": parts["X_valid"] * 1.5},
    _resplit, _shuffled,
], ids=["valid-is-test", "valid-is-train", "valid-cut", "train-and-test", "scaled",
        "another-split", "shuffled"])
def test_on_mnist_parts_changed_after_the_loading_cell_fail(monkeypatch, mnist_like, change):
    # The twenty-eighth student's FP2 to FP7: each passed on MNIST, none on the digits.
    changed = {**mnist_like, **change(mnist_like)}
    model, names = tuned_on_mnist(changed)
    assert judged(monkeypatch, "07-tune-linear", model, names).status == checks.WRONG


def test_on_mnist_training_on_parts_changed_after_the_loading_cell_is_named(
        monkeypatch, mnist_like):
    # The twenty-eighth student's FP1: `X_train` rebound to the training and validation
    # parts together passed on MNIST, where the judge replayed on `X_train` as it was
    # then (on the digits it uses its own parts). It now splits the notebook's `X` itself.
    parts = {name: np.concatenate([mnist_like[f"{name}_train"], mnist_like[f"{name}_valid"]])
             for name in ("X", "y")}
    model, names = tuned_on_mnist(mnist_like, parts["X"], parts["y"])
    names.update(X_train=parts["X"], y_train=parts["y"])
    assert_wrong(judged(monkeypatch, "07-tune-linear", model, names),
                 "training and validation parts together")


def notebook_function(source, name):
    """A function defined as a notebook cell defines it: the notebook's names are its
    globals (the digits' labels, all ten digits, as `y` and `y_valid`)."""
    labels = np.arange(10).repeat(3)
    namespace = {"np": np, "log_loss": log_loss, "confusion_matrix": confusion_matrix,
                 "y": labels, "y_valid": labels, "y_rest": labels}
    exec(source, namespace)
    return namespace[name]


@pytest.mark.parametrize("digits", ["np.unique(y)", "np.unique(y_rest)", "sorted(set(y))"])
def test_train_in_periods_that_reads_the_notebook_s_labels_is_named(digits):
    # The twenty-sixth student's FP2: the notebook's labels hold every digit, so the
    # check's parts without one could not show the slip.
    answer = notebook_function(f"""
def train_in_periods(model, X_train, y_train, X_valid, y_valid, periods):
    train, valid = [], []
    for _ in range(periods):
        model.partial_fit(X_train, y_train, classes={digits})
        train.append(log_loss(y_train, model.predict_proba(X_train), labels=np.arange(10)))
        valid.append(log_loss(y_valid, model.predict_proba(X_valid), labels=np.arange(10)))
    return train, valid
""", "train_in_periods")
    result = verdict("07-train-in-periods", answer)
    assert_wrong(result, "reads the notebook's", "from outside the function",
                 "`np.arange(10)`")
    assert f"`{digits[digits.index('(y') + 1:].split(')')[0]}`" in result.message


def test_train_in_periods_with_the_parameters_named_as_the_notebook_s_passes():
    # The parameters shadow the notebook's names: `y_valid` here is the function's own.
    answer = notebook_function("""
def train_in_periods(model, X_train, y_train, X_valid, y_valid, periods):
    history = []
    for _ in range(periods):
        model.partial_fit(X_train, y_train, classes=np.arange(10))
        history.append([log_loss(y, model.predict_proba(X), labels=np.arange(10))
                        for X, y in ((X_train, y_train), (X_valid, y_valid))])
    return [pair[0] for pair in history], [pair[1] for pair in history]
""", "train_in_periods")
    result = verdict("07-train-in-periods", answer)
    assert result.passed, result


@pytest.mark.parametrize("labels, read", [("np.unique(y_valid)", "`y_valid`"),
                                          ("np.unique(y)", "`y`")])
def test_confusion_rates_that_read_the_notebook_s_labels_are_named(labels, read):
    # The twenty-sixth student's FP2b.
    answer = notebook_function(f"""
def row_normalized_confusion(y_true, y_pred):
    return confusion_matrix(y_true, y_pred, labels={labels}, normalize="true")
""", "row_normalized_confusion")
    result = verdict("07-confusion-rates", answer)
    assert_wrong(result, f"reads the notebook's {read}", "`labels=range(10)`")
    right = notebook_function("""
def row_normalized_confusion(y_true, y_pred):
    return confusion_matrix(y_true, y_pred, labels=range(10), normalize="true")
""", "row_normalized_confusion")
    assert verdict("07-confusion-rates", right).passed


def test_on_mnist_both_models_are_judged_across_the_wire_as_the_grader_does(monkeypatch,
                                                                             mnist_like):
    # MNIST's images and a network's weights cross the wire within its bounds, and the
    # judge replays both trainings from them.
    linear, names = tuned_on_mnist(mnist_like)
    network = trained(make_network((32,)), 15, mnist_like["X_train"], mnist_like["y_train"])
    names.update(better_network=network, network_accuracy=valid_accuracy(
        network, mnist_like["X_valid"], mnist_like["y_valid"]))
    assert names["network_accuracy"] > names["linear_accuracy"]
    monkeypatch.setattr(spec, "user_namespace", lambda: names)
    for exercise_id, answer in (("07-tune-linear", linear), ("07-better-network", network)):
        exercise = judging.get(exercise_id)
        text = checks.encode(checks.collect_safely(exercise, answer, []))
        result = judging.judge_safely(exercise, checks.decode(text), [])
        assert result.passed and "gives its very weights" in result.message, result


def test_on_mnist_the_replay_covers_twice_the_notebook_s_network_as_the_text_says():
    # The twenty-eighth student's FF1: on MNIST the replay stopped at 15 passes of the
    # notebook's own network, under its 20 periods, so "more periods" could not pass.
    import json
    import re
    from pathlib import Path

    from coursekit.judging.nb07 import replay
    from coursekit.judging.nb07.period_slips import MNIST_TRAINING_SIZE

    hidden = 4 * 28  # the notebook's HIDDEN on MNIST
    coefs = [np.zeros((784, hidden)), np.zeros((hidden, 10))]
    settings = {"solver": "adam", "batch_size": 32, "hidden_layer_sizes": (hidden,)}
    cost, _ = replay.pass_cost(settings, coefs, MNIST_TRAINING_SIZE)
    limit = int(replay._MNIST_REPLAY_BUDGET // cost)
    assert limit >= 2 * 20
    solution = Path(__file__).resolve().parents[1] / "solutions" / "07_weight_visualization.ipynb"
    notebook = json.loads(solution.read_text())
    text = " ".join("".join(cell["source"]) for cell in notebook["cells"])
    (said,) = re.findall(r"that\s+is (\d+) passes of a network of `make_network\(\)`'s size",
                         text)
    assert int(said) == limit


@pytest.mark.parametrize("size", [32, 112, 128])
def test_unit_weights_cut_at_a_size_of_the_notebook_s_is_named(size):
    # The twenty-eighth student's FP9: `coefs_[0].T[:HIDDEN]` passed on MNIST (HIDDEN is
    # 112 there), as no case had more units than 64.
    assert_wrong(verdict("07-unit-weights", lambda network: network.coefs_[0].T[:size]),
                 "one row per hidden unit", "use the network it was given")


def test_train_in_periods_both_losses_in_one_list_is_named():
    # The twenty-eighth student's MH5: told to "return two lists", which it did.
    def one_list(model, X_train, y_train, X_valid, y_valid, periods):
        train, valid = periods_loop(loss)(model, X_train, y_train, X_valid, y_valid, periods)
        return [value for pair in zip(train, valid) for value in pair], []
    assert_wrong(verdict("07-train-in-periods", one_list), "two lists of 8 and 0 numbers",
                 "one per period, 4", "to the second")


def test_confusion_rates_divided_by_a_flat_row_of_totals_is_named():
    # The twenty-seventh and twenty-ninth students' vague hint: `cm / cm.sum(axis=1)` got
    # "divide each row by its total", which the student believed was done.
    def flat_totals(y_true, y_pred):
        counts = confusion_matrix(y_true, y_pred, labels=range(10)).astype(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            return counts / counts.sum(axis=1)
    assert_wrong(verdict("07-confusion-rates", flat_totals), "column j is divided by row j",
                 "keepdims=True")


# ---------------------------------------------------------------- replays kept

def test_a_training_replayed_once_is_kept_for_the_next_learner(monkeypatch):
    # Every learner who trains the notebook's network alike is replayed alike: the judge
    # keeps the replay (seconds of a processor) instead of training it again.
    from coursekit.checks.nb07 import trained_model_facts

    replay._trained.cache_clear()
    model = trained(make_network(), 20)
    first = replay.replay_training(trained_model_facts(model, notebook()))
    trainings = []
    monkeypatch.setattr(replay, "_periods", lambda *args: trainings.append(args))
    again = replay.replay_training(trained_model_facts(trained(make_network(), 20), notebook()))
    assert first.how == again.how == "periods" and trainings == []
    # Another training is replayed anew, and told apart as before.
    other = trained(make_network(), 20, *swapped_rows(288))
    monkeypatch.undo()
    assert replay.replay_training(trained_model_facts(other, notebook())).how is None


def test_a_kept_replay_keeps_none_of_the_images_and_tells_settings_of_other_types_apart():
    import gc
    import weakref

    X, y = X_TRAIN[:40].copy(), Y_TRAIN[:40].copy()
    held = weakref.ref(X)
    settings = make_network((4,)).get_params()
    replay._trained.cache_clear()
    assert replay._replay(settings, X, y, 2, lambda model: True, ["periods"]) == ["periods"]
    assert replay._trained.cache_info().currsize == 1
    del X
    gc.collect()
    assert held() is None  # the kept replay knows the images by their digest only
    # `True` and `1`, `20` and `20.0` are kept apart: scikit-learn refuses one of each.
    assert replay._frozen({"warm_start": True}) != replay._frozen({"warm_start": 1})
    assert replay._frozen({"max_iter": 20}) != replay._frozen({"max_iter": 20.0})
    assert replay._thawed(replay._frozen(settings)) == settings
    weights = np.array([[0.5, 1.0]])  # a list of numbers comes as an array
    assert np.array_equal(replay._thawed(replay._frozen({"w": weights}))["w"], weights)
    assert replay._replay({**settings, "shuffle": 1}, X_TRAIN[:40], y, 2,
                          lambda model: True, ["periods"]) == "unknown"
