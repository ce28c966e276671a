"""The checks of notebook 07 accept a right answer and reject wrong ones with their own hint."""

import warnings

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, confusion_matrix, log_loss

from coursekit import checks, judging
from verdicts import assert_wrong, verdict

CLASSES = np.arange(10)



def test_every_exercise_of_07_is_covered_in_order():
    assert [e.id for e in checks.exercises_for("07_weight_visualization")] == [
        "07-train-in-periods", "07-confusion-rates", "07-unit-weights", "07-what-tiles-show"]


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


def trained_on(parts):
    """A loop that trains on the validation part, or on both parts, instead of the training part."""
    def answer(model, X_train, y_train, X_valid, y_valid, periods):
        X_fit, y_fit = ((X_valid, y_valid) if parts == "validation" else
                        (np.concatenate([X_train, X_valid]), np.concatenate([y_train, y_valid])))
        train, valid = [], []
        for _ in range(periods):
            model.partial_fit(X_fit, y_fit, classes=CLASSES)
            train.append(loss(model, X_train, y_train))
            valid.append(loss(model, X_valid, y_valid))
        return train, valid
    return answer


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
    (half_the_training_part, "expected", "whole training part"),
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


def test_train_in_periods_cases_travel_as_plain_data_and_one_lacks_a_digit():
    exercise = judging.get("07-train-in-periods")
    cases = exercise.cases(0)
    lacking = 0
    for spec, X_train, y_train, X_valid, y_valid, periods in checks.decode(checks.encode(cases)):
        assert set(y_valid) == set(CLASSES)
        lacking += len(set(CLASSES) - set(y_train)) == 1
        assert spec["kind"] in ("linear", "network") and periods >= 2
    # The case that makes `classes=np.arange(10)` (and `labels=`) matter.
    assert lacking == 1


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


UNIT_WRONG = [
    (lambda network: network.coefs_[0], ("one row per *pixel*", ".T")),
    (lambda network: network.coefs_[0].reshape(network.coefs_[0].shape[::-1]),
     ("reshaped", "transpose")),
    (lambda network: network.coefs_[1].T, ("output* layer", "coefs_[0]")),
    (lambda network: network.intercepts_[0], ("biases", "coefs_[0]")),
    (lambda network: network.coefs_[0].T.reshape(-1, 8, 8), ("shape (5, 8, 8)",
                                                             "flat row per unit")),
    (lambda network: network.coefs_[0].T.tolist(), ("list", "numpy array")),
    (transposes_in_place, ("changed the network", "without assigning")),
    (lambda network: network.coefs_[0].T * 2, ("differs",)),
    (lambda network: tuple(network.coefs_[0].T), ("a tuple", "around your tuple")),
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
