"""Issue 22's table of wrong answers that passed, and its hints that named the wrong slip.

Each answer here was accepted (or answered with a hint about another slip) when the
course was tried as a new student would; each must now be rejected with a hint that
names it. The right answers next to them show that the stricter checks still accept
what the notebooks teach.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix, log_loss
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from coursekit import checks, judging
from coursekit.checks import spec
from coursekit.judging.nb06 import DIGITS_CHOICE, FINAL_SETTINGS, SEARCH_SETTINGS
from coursekit.data import load_digits, stratified_split
from nudges import by_slicing
from verdicts import assert_wrong, verdict

X, y = load_digits()
X_TRAIN, X_TEST, Y_TRAIN, Y_TEST = stratified_split(X, y, test_size=0.2, random_state=0)
AVERAGES = np.stack([X[1000:][y[1000:] == d].mean(axis=0) for d in range(10)])
TEN = np.arange(10)


# ---------------------------------------------------------------- 01 and 02: containers

def test_01_which_digit_a_float_is_not_a_digit():
    assert_wrong(verdict("01-which-digit", 4.0), "4.0", "whole number", "int(")
    assert_wrong(verdict("01-which-digit", np.float64(4.0)), "whole number")


def test_01_which_digit_a_list_is_named_as_a_list():
    result = verdict("01-which-digit", [4])
    assert_wrong(result, "a list", "one number")
    assert "array" not in result.message


@pytest.mark.parametrize("answer", [4, np.int64(4), np.argmax([0, 0, 0, 0, 1.0])])
def test_01_which_digit_whole_numbers_pass(answer):
    assert verdict("01-which-digit", answer).passed


def test_02_dot_classifier_a_list_is_not_an_array():
    assert_wrong(verdict("02-dot-classifier", lambda x: list(AVERAGES @ x)), "list",
                 "numpy array")
    assert_wrong(verdict("02-dot-classifier", lambda x: (AVERAGES @ x).tolist()), "list",
                 "numpy array")


def test_02_dot_classifier_a_tuple_is_named_a_tuple_not_a_list():
    result = verdict("02-dot-classifier", lambda x: tuple(AVERAGES @ x))
    assert_wrong(result, "is a tuple", "around your tuple", "numpy array")
    assert "list" not in result.message + result.hint


def test_01_to_vector_a_tuple_is_named_a_tuple():
    result = verdict("01-scale-pixels", lambda image: tuple(image.reshape(64) / 16))
    assert_wrong(result, "tuple")
    assert "list" not in result.message + result.hint


# ---------------------------------------------------------------- 05: nudge

def test_05_nudge_a_list_is_not_an_array():
    result = verdict("05-nudge", lambda images, d: by_slicing(images, d).tolist())
    assert_wrong(result, "list", "numpy array")
    # A student's find: the reason was the next cells' `.T` and `@`, which they never use
    # on it (nudge_dataset takes a list as well): the exercise asks for an array.
    assert "asks for a new array" in result.hint and "`@`" not in result.hint


def typo(images, direction):
    out = np.zeros_like(images)
    if direction == "left":
        out[:, :, :-1] = images[:, :, 1:]
    elif direction == "rigth":
        out[:, :, 1:] = images[:, :, :-1]
    elif direction == "up":
        out[:, :-1] = images[:, 1:]
    elif direction == "down":
        out[:, 1:] = images[:, :-1]
    return out


def one_wrong_direction(images, direction):
    if direction == "down":
        return by_slicing(images, "up")
    return by_slicing(images, direction)


@pytest.mark.parametrize("answer, words", [
    (typo, ("'right'", "all 0", "spelled")),
    (one_wrong_direction, ("'down'", "opposite way", "'left', 'right' and 'up' are right")),
    (lambda images, d: by_slicing(images, d).astype(int), ("whole numbers", "astype(int)")),
])
def test_05_nudge_hints_name_the_slip(answer, words):
    assert_wrong(verdict("05-nudge", answer), *words)


# ---------------------------------------------------------------- 06: best row

def sorted_in_place(table, column):
    table.sort_values(column, inplace=True)
    return table.iloc[-1]


def test_06_best_row_sorting_the_callers_table_is_caught():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas 3.1 deprecates inplace: a notebook only warns
        result = verdict("06-best-row", sorted_in_place)
    assert_wrong(result, "changed the table", "sorted or reordered", "inplace")


def test_06_best_row_table_max_is_named():
    assert_wrong(verdict("06-best-row", lambda table, column: table.max()),
                 "largest value of every column", "idxmax")


# ---------------------------------------------------------------- 06: scaled pipeline

def quick_fit(model, X_fit, y_fit):
    # The search's loose tolerance keeps the test quick; the final one is set back after.
    tol = model[-1].tol
    model[-1].set_params(tol=SEARCH_SETTINGS["tol"])
    model.fit(X_fit, y_fit)
    model[-1].set_params(tol=tol)
    return model


def test_06_scaled_pipeline_that_refits_best_model_is_caught(monkeypatch):
    best_model = LogisticRegression(**DIGITS_CHOICE, **FINAL_SETTINGS)
    best_model.set_params(tol=SEARCH_SETTINGS["tol"]).fit(X_TRAIN, Y_TRAIN)
    best_model.set_params(tol=FINAL_SETTINGS["tol"])
    scaled_model = quick_fit(make_pipeline(StandardScaler(), best_model), X_TRAIN, Y_TRAIN)
    monkeypatch.setattr(spec, "user_namespace",
                        lambda: {"best_model": best_model, "scaled_model": scaled_model})
    assert_wrong(verdict("06-scaled-pipeline", scaled_model), "`best_model`",
                 "new LogisticRegression")


def test_06_scaled_pipeline_with_its_own_model_passes_next_to_best_model(monkeypatch):
    # The notebook's final model, as the judge fits it too.
    best_model = LogisticRegression(**DIGITS_CHOICE, **FINAL_SETTINGS).fit(X_TRAIN, Y_TRAIN)
    # Fitted with the final settings themselves: the judge refits the model step and
    # compares the weights.
    scaled_model = make_pipeline(StandardScaler(), clone(best_model)).fit(X_TRAIN, Y_TRAIN)
    monkeypatch.setattr(spec, "user_namespace",
                        lambda: {"best_model": best_model, "scaled_model": scaled_model})
    assert verdict("06-scaled-pipeline", scaled_model).passed


def test_06_scaled_pipeline_without_dividing_by_the_spread_is_caught():
    model = LogisticRegression(**DIGITS_CHOICE, **FINAL_SETTINGS)
    scaled_model = quick_fit(make_pipeline(StandardScaler(with_std=False), model),
                             X_TRAIN, Y_TRAIN)
    assert_wrong(verdict("06-scaled-pipeline", scaled_model), "standard deviation",
                 "with_std")


def test_06_scaled_pipeline_the_deprecated_penalty_is_named():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scikit-learn >= 1.8 warns that penalty is deprecated
        model = LogisticRegression(penalty="l1", C=100.0, **FINAL_SETTINGS)
        scaled_model = quick_fit(make_pipeline(StandardScaler(), model), X_TRAIN, Y_TRAIN)
    assert_wrong(verdict("06-scaled-pipeline", scaled_model), "penalty", "l1_ratio")


# ---------------------------------------------------------------- 07: train in periods

def train_in_periods(model, X_train, y_train, X_valid, y_valid, periods):
    train, valid = [], []
    for _ in range(periods):
        model.partial_fit(X_train, y_train, classes=TEN)
        train.append(log_loss(y_train, model.predict_proba(X_train), labels=TEN))
        valid.append(log_loss(y_valid, model.predict_proba(X_valid), labels=TEN))
    return train, valid


def on_a_clone(model, *args):
    return train_in_periods(clone(model), *args)


def one_extra_fit(model, X_train, y_train, X_valid, y_valid, periods):
    model.partial_fit(X_train, y_train, classes=TEN)
    return train_in_periods(model, X_train, y_train, X_valid, y_valid, periods)


def classes_from_labels(model, X_train, y_train, X_valid, y_valid, periods):
    train, valid = [], []
    for _ in range(periods):
        model.partial_fit(X_train, y_train, classes=np.unique(y_train))
        train.append(log_loss(y_train, model.predict_proba(X_train), labels=TEN))
        valid.append(log_loss(y_valid, model.predict_proba(X_valid), labels=TEN))
    return train, valid


def in_bits(model, *args):
    return [list(np.array(part) / np.log(2)) for part in train_in_periods(model, *args)]


def rounded(model, *args):
    return [list(np.round(part, 2)) for part in train_in_periods(model, *args)]


@pytest.mark.parametrize("answer, words", [
    (on_a_clone, ("not trained", "the model it was given")),
    (one_extra_fit, ("one more", "exactly `periods`")),
    (classes_from_labels, ("np.unique", "np.arange(10)")),
    (in_bits, ("log2", "natural")),
    (rounded, ("rounded",)),
])
def test_07_train_in_periods_slips_are_named(answer, words):
    assert_wrong(verdict("07-train-in-periods", answer), *words)


def test_07_train_in_periods_without_labels_in_log_loss_gets_a_hint():
    def no_labels(model, X_train, y_train, X_valid, y_valid, periods):
        train, valid = [], []
        for _ in range(periods):
            model.partial_fit(X_train, y_train, classes=TEN)
            train.append(log_loss(y_train, model.predict_proba(X_train)))
            valid.append(log_loss(y_valid, model.predict_proba(X_valid)))
        return train, valid

    result = verdict("07-train-in-periods", no_labels)
    assert result.status == checks.ERROR, result
    assert "labels=np.arange(10)" in result.hint


def test_07_train_in_periods_with_a_global_names_it():
    def global_parts(model, X_train_, y_train_, X_valid_, y_valid_, periods):
        return train_in_periods(model, X_TRAIN, y_train_, X_valid_, y_valid_, periods)

    result = verdict("07-train-in-periods", global_parts)
    assert result.status == checks.ERROR, result
    assert "outside" in result.hint and "parameters" in result.hint


def test_07_the_right_answer_passes():
    assert verdict("07-train-in-periods", train_in_periods).passed


# ---------------------------------------------------------------- 07: confusion rates

def rates(y_true, y_pred):
    counts = confusion_matrix(y_true, y_pred, labels=range(10))
    with np.errstate(invalid="ignore"):
        return counts / counts.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("answer", [
    rates,
    lambda t, p: confusion_matrix(t, p, labels=range(10), normalize="true"),
    lambda t, p: np.nan_to_num(rates(t, p)),
])
def test_07_confusion_rates_right_answers_pass(answer):
    result = verdict("07-confusion-rates", answer)
    assert result.passed, result


def test_07_confusion_rates_without_labels_is_caught():
    def no_labels(y_true, y_pred):
        counts = confusion_matrix(y_true, y_pred)
        return counts / counts.sum(axis=1, keepdims=True)

    assert_wrong(verdict("07-confusion-rates", no_labels), "labels=range(10)")


def test_07_confusion_rates_a_list_is_not_an_array():
    assert_wrong(verdict("07-confusion-rates", lambda t, p: rates(t, p).tolist()), "list",
                 "numpy array")


def test_07_confusion_rates_swapped_arguments_are_named_with_a_nan_row():
    def swapped(y_true, y_pred):
        return rates(y_pred, y_true)

    assert_wrong(verdict("07-confusion-rates", swapped), "swapped", "y_true, y_pred")


# ---------------------------------------------------------------- 03 and 04: hints

def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_03_feedforward_storing_z_instead_of_the_activation_is_named():
    def stores_z(weights, biases, x):
        activations, a = [x], x
        for w, b in zip(weights, biases):
            z = w @ a + b
            activations.append(z)  # the slip: z kept, sigmoid(z) fed on
            a = sigmoid(z)
        return activations

    assert_wrong(verdict("03-feedforward", stores_z), "weighted input", "sigmoid(z)")


def test_04_copy_weights_generators_are_named():
    def generators(coefs, intercepts):
        return (c.T for c in coefs), (b for b in intercepts)

    assert_wrong(verdict("04-copy-weights", generators), "generator", "[c.T for c in coefs]")


def test_04_cost_with_the_notebooks_labels_names_the_global():
    _, y_first = load_digits()

    def global_labels(probabilities, y_):
        return np.mean(np.sum((probabilities - np.eye(10)[y_first[:1000]]) ** 2, axis=1))

    result = verdict("04-cost", global_labels)
    assert result.status == checks.ERROR, result
    assert "outside" in result.hint and "parameters" in result.hint


# ---------------------------------------------------------------- the rule, everywhere

def test_03_functions_that_return_arrays_reject_a_list():
    assert_wrong(verdict("03-sigmoid", lambda z: (1 / (1 + np.exp(-np.asarray(z)))).tolist()),
                 "list", "numpy array")
    assert_wrong(verdict("03-sigmoid-prime",
                         lambda z: list(sigmoid(z) * (1 - sigmoid(z)))), "list", "numpy array")

    def batch_as_lists(weights, biases, X):
        A = X
        for w, b in zip(weights, biases):
            A = sigmoid(A @ w.T + b)
        return A.tolist()

    assert_wrong(verdict("03-feedforward-batch", batch_as_lists), "list", "numpy array")


def test_03_sigmoid_of_one_number_may_be_a_plain_float():
    assert verdict("03-sigmoid", lambda z: 1 / (1 + np.exp(-z))).passed
    import math

    def with_math_for_numbers(z):
        if np.ndim(z) == 0:
            return 1 / (1 + math.exp(-z))
        return 1 / (1 + np.exp(-z))

    assert verdict("03-sigmoid", with_math_for_numbers).passed


# ---------------------------------------------------------------- 06: scaled pipeline, again
# The third student's table: the pipeline's model may have any name but `best_model`, a
# pipeline may be assembled from parts fitted by hand, and a scaler fitted on other images
# than the training part is named as the leak it is.

def fitted_logistic(X_fit, y_fit):
    # The search's loose tolerance keeps the test quick; the final one is set back after.
    model = LogisticRegression(**DIGITS_CHOICE, **SEARCH_SETTINGS).fit(X_fit, y_fit)
    return model.set_params(tol=FINAL_SETTINGS["tol"])


def by_hand(scaler_images, model_images=None, model_labels=None):
    """A pipeline assembled from a scaler and a model, each fitted beforehand.

    The model is fitted on ``model_images`` as they are, or by default on the training
    part as the scaler standardizes it, with the final settings themselves: the judge
    refits that model step and compares its weights.
    """
    scaler = StandardScaler().fit(scaler_images)
    if model_images is None:
        model = LogisticRegression(**DIGITS_CHOICE, **FINAL_SETTINGS)
        labels = Y_TRAIN if model_labels is None else model_labels
        return Pipeline([("scale", scaler), ("model", model.fit(scaler.transform(X_TRAIN),
                                                                labels))])
    labels = Y_TRAIN if model_labels is None else model_labels
    return Pipeline([("scale", scaler), ("model", fitted_logistic(model_images, labels))])


@pytest.fixture(scope="module")
def raw_best_model():
    # The final model itself: the judge compares `best_model` with its own fit of it.
    return LogisticRegression(**DIGITS_CHOICE, **FINAL_SETTINGS).fit(X_TRAIN, Y_TRAIN)


def in_notebook(monkeypatch, scaled_model, **names):
    # The names the notebook holds next to the answer, as the kernel's namespace has them.
    monkeypatch.setattr(spec, "user_namespace",
                        lambda: {"scaled_model": scaled_model, **names})


def test_06_scaled_pipeline_a_model_named_before_the_pipeline_passes(monkeypatch,
                                                                     raw_best_model):
    logreg = LogisticRegression(**DIGITS_CHOICE, **FINAL_SETTINGS)
    scaled_model = make_pipeline(StandardScaler(), logreg).fit(X_TRAIN, Y_TRAIN)
    in_notebook(monkeypatch, scaled_model, logreg=logreg, best_model=raw_best_model)
    result = verdict("06-scaled-pipeline", scaled_model)
    assert result.passed, result


def test_06_scaled_pipeline_assembled_from_parts_fitted_on_the_training_part_passes(
        monkeypatch, raw_best_model):
    scaled_model = by_hand(X_TRAIN)
    in_notebook(monkeypatch, scaled_model, sc=scaled_model[0], lr=scaled_model[-1],
                best_model=raw_best_model)
    result = verdict("06-scaled-pipeline", scaled_model)
    assert result.passed, result


def test_06_scaled_pipeline_best_model_under_another_name_is_still_best_model(monkeypatch,
                                                                              raw_best_model):
    lr = clone(raw_best_model)
    scaled_model = quick_fit(make_pipeline(StandardScaler(), lr), X_TRAIN, Y_TRAIN)
    in_notebook(monkeypatch, scaled_model, lr=lr, best_model=lr)
    assert_wrong(verdict("06-scaled-pipeline", scaled_model), "`best_model` itself",
                 "refitted `best_model`", "new LogisticRegression")


def test_06_scaled_pipeline_best_model_behind_a_fitted_scaler_is_named(monkeypatch,
                                                                       raw_best_model):
    scaled_model = Pipeline([("scale", StandardScaler().fit(X_TRAIN)),
                             ("model", raw_best_model)])
    in_notebook(monkeypatch, scaled_model, best_model=raw_best_model)
    assert_wrong(verdict("06-scaled-pipeline", scaled_model), "`best_model` itself",
                 "model of raw pixels", "new LogisticRegression")


@pytest.mark.parametrize("images, where", [
    (X, "all images"), (X_TEST, "the test part"),
])
def test_06_scaled_pipeline_a_scaler_fitted_by_hand_on_other_images_is_the_leak(
        monkeypatch, raw_best_model, images, where):
    scaled_model = by_hand(images)
    in_notebook(monkeypatch, scaled_model, sc2=scaled_model[0], lr2=scaled_model[-1],
                best_model=raw_best_model)
    result = verdict("06-scaled-pipeline", scaled_model)
    assert_wrong(result, f"fitted on {where}", "other images than the training part", "leak",
                 "StandardScaler().fit(X_train)")
    assert "lr2" not in result.message + result.hint


def test_06_scaled_pipeline_a_scaler_of_part_of_the_training_images_is_named():
    assert_wrong(verdict("06-scaled-pipeline", by_hand(X_TRAIN[:1000])),
                 "not those of the training images", "saw 1000 images")


def test_06_scaled_pipeline_the_spread_of_other_images_is_named():
    # Means of the training part, standard deviations of all images: both are compared.
    scaled_model = by_hand(X_TRAIN)
    scaled_model[0].scale_ = StandardScaler().fit(X).scale_
    assert_wrong(verdict("06-scaled-pipeline", scaled_model),
                 "standard deviations are not those of the training images")


def test_06_scaled_pipeline_a_model_of_raw_pixels_behind_the_scaler_is_named():
    result = verdict("06-scaled-pipeline", by_hand(X_TRAIN, model_images=X_TRAIN))
    assert_wrong(result, "fitted on raw pixels", "scaler.transform(X_train)")


def final_model_fitted(images, labels):
    return LogisticRegression(**DIGITS_CHOICE, **FINAL_SETTINGS).fit(images, labels)


def behind_training_scaler(images, labels):
    """The final model fitted on ``images`` standardized by the training part's scaler."""
    scaler = StandardScaler().fit(X_TRAIN)
    return make_pipeline(scaler, final_model_fitted(scaler.transform(images), labels))


def test_06_scaled_pipeline_a_model_step_of_training_and_test_images_is_the_leak():
    # The scaler is the training part's; only the model step's weights show the leak.
    scaled_model = behind_training_scaler(np.vstack([X_TRAIN, X_TEST]),
                                          np.concatenate([Y_TRAIN, Y_TEST]))
    assert_wrong(verdict("06-scaled-pipeline", scaled_model),
                 "learned from the training and the test part together", "leak",
                 "scaled_model.fit(X_train, y_train)")


def test_06_scaled_pipeline_a_model_step_refitted_on_the_test_part_is_named():
    scaled_model = make_pipeline(StandardScaler(), LogisticRegression(
        **DIGITS_CHOICE, **FINAL_SETTINGS)).fit(X_TRAIN, Y_TRAIN)
    scaled_model[-1].fit(scaled_model[0].transform(X_TEST), Y_TEST)
    assert_wrong(verdict("06-scaled-pipeline", scaled_model), "learned from the test part",
                 "refitted after the pipeline's fit", "leave it so")


def test_06_scaled_pipeline_a_model_step_of_part_of_the_training_part_is_named():
    scaled_model = behind_training_scaler(X_TRAIN[:1000], Y_TRAIN[:1000])
    assert_wrong(verdict("06-scaled-pipeline", scaled_model),
                 "scaler is the training part's", "part of the training part",
                 "scaled_model.fit(X_train, y_train)")


def test_06_scaled_pipeline_model_step_reference_is_the_right_answer():
    # The same right answer, assembled by hand: the weights the judge refits.
    result = verdict("06-scaled-pipeline", behind_training_scaler(X_TRAIN, Y_TRAIN))
    assert result.passed, result


# ---------------------------------------------------------------- 06: what the cells after 7 read
# The fifth student's table: exercise 7's code may change the arrays, `best_model` or
# `search` that later cells (and the progress cell, which checks 4 and 6 again) read.
# Exercise 7's own check names it first.


@pytest.fixture(scope="module")
def notebook_search():
    # A search of one setting, the notebook's choice: its refit is the one the judge makes.
    search = GridSearchCV(LogisticRegression(**SEARCH_SETTINGS),
                          {"l1_ratio": [1], "C": [100.0]}, scoring="roc_auc_ovr", cv=3)
    return search.fit(X_TRAIN, Y_TRAIN)


def notebook_names(best_model, search, **changes):
    """The names the notebook holds when exercise 7's check runs, with ``changes``."""
    return {"X_train": X_TRAIN, "y_train": Y_TRAIN, "X_test": X_TEST, "y_test": Y_TEST,
            "best_model": best_model, "search": search, **changes}


def quick_scaled(X_fit=X_TRAIN, scaler=None):
    model = LogisticRegression(**DIGITS_CHOICE, **FINAL_SETTINGS)
    return quick_fit(make_pipeline(scaler or StandardScaler(), model), X_fit, Y_TRAIN)


def test_06_scaled_pipeline_right_next_to_the_notebook_s_names_passes(
        monkeypatch, raw_best_model, notebook_search):
    scaled_model = make_pipeline(StandardScaler(), LogisticRegression(
        **DIGITS_CHOICE, **FINAL_SETTINGS)).fit(X_TRAIN, Y_TRAIN)
    in_notebook(monkeypatch, scaled_model, **notebook_names(raw_best_model, notebook_search))
    result = verdict("06-scaled-pipeline", scaled_model)
    assert result.passed, result


def test_06_scaled_pipeline_with_copy_false_is_named(monkeypatch, raw_best_model,
                                                     notebook_search):
    X_train = X_TRAIN.copy()
    scaled_model = quick_scaled(X_train, StandardScaler(copy=False))
    assert abs(X_train.mean()) < 1e-9  # standardized in place: what later cells would meet
    in_notebook(monkeypatch, scaled_model,
                **notebook_names(raw_best_model, notebook_search, X_train=X_train))
    assert_wrong(verdict("06-scaled-pipeline", scaled_model), "copy=False", "in place",
                 "StandardScaler()` with its defaults")


def standardized(images):
    return StandardScaler().fit(X_TRAIN).transform(images)


@pytest.mark.parametrize("name, change, words", [
    ("X_train[:] = transform", {"X_train": standardized(X_TRAIN)},
     ("`X_train`", "standardized or rescaled, in place", "X_train[:] = ...")),
    # The ninth student's MH8: the name given a standardized copy, not changed in place.
    ("X_train = fit_transform", {"X_train": standardized(X_TRAIN)},
     ("`X_train = scaler.fit_transform(X_train)`", "gives the name a rescaled copy")),
    ("X_test = transform", {"X_test": standardized(X_TEST)},
     ("`X_test = scaler.transform(X_test)`",)),
    ("X_train -= its mean", {"X_train": X_TRAIN - X_TRAIN.mean(axis=0)},
     ("`X_train`", "no longer in [0, 1]")),
    ("X_train divided by 16", {"X_train": X_TRAIN / 16}, ("`X_train`", "other values")),
    ("X_train shuffled in place", {"X_train": X_TRAIN[::-1]}, ("`X_train`", "shuffled")),
    ("X_train made float32", {"X_train": X_TRAIN.astype(np.float32)},
     ("`X_train`", "dtype float32")),
    ("X_train reassigned", {"X_train": X}, ("`X_train`", "shape (1797, 64)")),
    ("y_train changed", {"y_train": Y_TRAIN[::-1]}, ("`y_train`", "other values")),
    ("X_test standardized", {"X_test": standardized(X_TEST)}, ("`X_test`", "in place")),
    ("y_test changed", {"y_test": np.sort(Y_TEST)}, ("`y_test`",)),
])
def test_06_scaled_pipeline_changed_parts_of_the_split_are_named(
        monkeypatch, raw_best_model, notebook_search, name, change, words):
    scaled_model = quick_scaled()
    in_notebook(monkeypatch, scaled_model,
                **notebook_names(raw_best_model, notebook_search, **change))
    assert_wrong(verdict("06-scaled-pipeline", scaled_model), *words, "rerun the notebook")


def test_06_scaled_pipeline_with_the_search_s_refit_as_its_model_is_named(
        monkeypatch, raw_best_model):
    search = GridSearchCV(LogisticRegression(**SEARCH_SETTINGS),
                          {"l1_ratio": [1], "C": [100.0]}, cv=3).fit(X_TRAIN, Y_TRAIN)
    scaled_model = make_pipeline(StandardScaler(),
                                 search.best_estimator_.set_params(**FINAL_SETTINGS))
    quick_fit(scaled_model, X_TRAIN, Y_TRAIN)
    in_notebook(monkeypatch, scaled_model, **notebook_names(raw_best_model, search))
    assert_wrong(verdict("06-scaled-pipeline", scaled_model), "`search.best_estimator_` itself",
                 "new LogisticRegression")


def test_06_scaled_pipeline_after_the_search_s_refit_was_refitted_is_named(
        monkeypatch, raw_best_model):
    search = GridSearchCV(LogisticRegression(**SEARCH_SETTINGS),
                          {"l1_ratio": [1], "C": [100.0]}, cv=3).fit(X_TRAIN, Y_TRAIN)
    scaled_model = quick_scaled()
    search.best_estimator_.fit(scaled_model[0].transform(X_TRAIN), Y_TRAIN)
    in_notebook(monkeypatch, scaled_model, **notebook_names(raw_best_model, search))
    assert_wrong(verdict("06-scaled-pipeline", scaled_model), "changed after the search",
                 "no longer those the search ended at", "rerun the search's cell")
    search.best_estimator_.set_params(tol=FINAL_SETTINGS["tol"])
    assert_wrong(verdict("06-scaled-pipeline", scaled_model), "changed after the search",
                 "tol=0.001")


@pytest.mark.parametrize("name", ["best_model", "search"])
def test_06_scaled_pipeline_bound_to_best_model_or_search_too_is_named(
        monkeypatch, raw_best_model, notebook_search, name):
    scaled_model = quick_scaled()
    names = {**notebook_names(raw_best_model, notebook_search), name: scaled_model}
    in_notebook(monkeypatch, scaled_model, **names)
    assert_wrong(verdict("06-scaled-pipeline", scaled_model), f"`{name}` now holds this pipeline",
                 "to `scaled_model` alone")


@pytest.mark.parametrize("name, best_model, words", [
    ("a pipeline of its own", lambda: quick_scaled(), ("`best_model` is now a pipeline",)),
    ("refitted on standardized pixels",
     lambda: LogisticRegression(**DIGITS_CHOICE, **SEARCH_SETTINGS).fit(standardized(X_TRAIN),
                                                                       Y_TRAIN),
     ("no longer the final model", "weights changed since its fit")),
    ("a new model, not fitted", lambda: LogisticRegression(**DIGITS_CHOICE, **FINAL_SETTINGS),
     ("not fitted any more",)),
])
def test_06_scaled_pipeline_with_best_model_changed_is_named(monkeypatch, notebook_search, name,
                                                             best_model, words):
    scaled_model = quick_scaled()
    in_notebook(monkeypatch, scaled_model, **notebook_names(best_model(), notebook_search))
    assert_wrong(verdict("06-scaled-pipeline", scaled_model), *words,
                 "rerun the cell that fits `best_model`")


def test_06_scaled_pipeline_after_best_changed_in_place_names_best(monkeypatch,
                                                                     raw_best_model):
    # The ninth student's MH1: `best["C"] = 1.0` in this exercise's cell, to try another
    # C, changed the search's own dict; the check sent the learner to exercise 4.
    search = GridSearchCV(LogisticRegression(**SEARCH_SETTINGS),
                          {"l1_ratio": [1], "C": [100.0]}, scoring="roc_auc_ovr",
                          cv=3).fit(X_TRAIN, Y_TRAIN)
    best = search.best_params_
    best["C"] = 1.0
    scaled_model = quick_fit(make_pipeline(StandardScaler(), LogisticRegression(
        **best, **FINAL_SETTINGS)), X_TRAIN, Y_TRAIN)
    in_notebook(monkeypatch, scaled_model, **notebook_names(raw_best_model, search))
    result = verdict("06-scaled-pipeline", scaled_model)
    assert_wrong(result, "now holds C=1", "tried and chose C=100", "`best[...] = ...`",
                 '{**best, "C": 1.0}')
    assert "fix exercise 4" not in result.hint


def test_06_scaled_pipeline_after_a_wrong_search_sends_to_exercise_4(monkeypatch):
    # The search chose another setting (exercise 4's slip), and the pipeline takes it,
    # as the text says: the hint must not ask for the search's choice it already took.
    C = float(np.logspace(-1, 2, 7)[3])
    search = GridSearchCV(LogisticRegression(**SEARCH_SETTINGS),
                          {"l1_ratio": [1], "C": [C]}, cv=3).fit(X_TRAIN, Y_TRAIN)
    model = LogisticRegression(l1_ratio=1, C=C, **SEARCH_SETTINGS).fit(X_TRAIN, Y_TRAIN)
    scaled_model = quick_fit(make_pipeline(StandardScaler(), LogisticRegression(
        l1_ratio=1, C=C, **FINAL_SETTINGS)), X_TRAIN, Y_TRAIN)
    in_notebook(monkeypatch, scaled_model, **notebook_names(model, search))
    result = verdict("06-scaled-pipeline", scaled_model)
    assert_wrong(result, "search of exercise 4 chose C=3.16", "fix exercise 4 first")
    assert "take the search's choice" not in result.hint


def test_06_scaled_pipeline_with_a_step_between_is_named_by_its_steps():
    # The ninth student's MH3: blamed on "part of the training part" after 9 s of fits.
    import time

    from sklearn.decomposition import PCA

    scaled_model = quick_fit(make_pipeline(StandardScaler(), PCA(40, random_state=0),
                                           LogisticRegression(**DIGITS_CHOICE,
                                                              **FINAL_SETTINGS)),
                             X_TRAIN, Y_TRAIN)
    start = time.perf_counter()
    result = verdict("06-scaled-pipeline", scaled_model)
    assert time.perf_counter() - start < 2
    assert_wrong(result, "['StandardScaler', 'PCA', 'LogisticRegression']", "PCA between",
                 "nothing between")
    assert "part of the training part" not in result.message


def test_06_scaled_pipeline_started_from_the_raw_model_s_weights_is_named(raw_best_model):
    # The ninth student's MH9: warm_start from the raw-pixel weights was called "fitted on
    # raw pixels".
    model = LogisticRegression(**DIGITS_CHOICE, **FINAL_SETTINGS, warm_start=True)
    model.coef_ = raw_best_model.coef_.copy()
    model.intercept_ = raw_best_model.intercept_.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # saga may stop at max_iter from there
        scaled_model = make_pipeline(StandardScaler(), model).fit(X_TRAIN, Y_TRAIN)
    assert_wrong(verdict("06-scaled-pipeline", scaled_model), "`warm_start=True`",
                 "started from weights learned on raw pixels", "without `warm_start`")


def notebook_text(stem):
    """The markdown of a solution notebook, its lines joined by spaces."""
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "solutions" / f"{stem}.ipynb"
    cells = json.loads(path.read_text())["cells"]
    return " ".join("".join(cell["source"]).replace("\n", " ") for cell in cells
                    if cell["cell_type"] == "markdown")


def test_06_scaled_pipeline_fitted_on_float32_pixels_is_named_by_its_dtype():
    scaled_model = make_pipeline(StandardScaler(), LogisticRegression(
        **DIGITS_CHOICE, **FINAL_SETTINGS)).fit(X_TRAIN.astype(np.float32), Y_TRAIN)
    result = verdict("06-scaled-pipeline", scaled_model)
    assert_wrong(result, "float32", "scaled_model.fit(X_train, y_train)", "as the text asks")
    assert "other images" not in result.message
    # The ninth student's FF2: the text now says why (the comparison below), and asks for
    # the training part without conversions; the check's hint quotes it.
    text = notebook_text("06_logistic_grid_search")
    assert "without conversions (no `astype`)" in text and "by the scaler alone" in text


# ---------------------------------------------------------------- 01 and 02, again

def evaluate_rounded(decimals, scale=1.0):
    def evaluate(classifier, start=0, count=1000):
        hits = sum(int(np.argmax(classifier(X[i])) == y[i]) for i in range(start, start + count))
        return round(scale * hits / count, decimals)
    return evaluate


def evaluate_right(classifier, start=0, count=1000):
    return float(np.mean([np.argmax(classifier(X[i])) == y[i]
                          for i in range(start, start + count)]))


@pytest.mark.parametrize("decimals", [1, 2, 3, 5])
def test_01_evaluate_a_rounded_accuracy_is_named_as_rounded(decimals):
    result = verdict("01-evaluate-range", evaluate_rounded(decimals))
    assert_wrong(result, f"rounded to {decimals} decimal(s)", "without `round`")


def test_01_evaluate_np_round_and_formatting_are_rounding_too():
    def formatted(classifier, start=0, count=1000):
        return float(f"{evaluate_right(classifier, start, count):.3f}")

    def numpy_rounded(classifier, start=0, count=1000):
        return np.round(evaluate_right(classifier, start, count), 2)

    assert_wrong(verdict("01-evaluate-range", formatted), "rounded to 3 decimal(s)")
    assert_wrong(verdict("01-evaluate-range", numpy_rounded), "rounded to 2 decimal(s)")


def test_01_evaluate_a_percentage_is_named():
    assert_wrong(verdict("01-evaluate-range", evaluate_rounded(12, scale=100)), "percentages")


def test_01_evaluate_another_accuracy_is_shown_with_digits_that_differ():
    def one_more_hit(classifier, start=0, count=1000):
        return evaluate_right(classifier, start, count) + 1 / (3 * count)

    result = verdict("01-evaluate-range", one_more_hit)
    assert result.status == checks.WRONG, result
    shown, right = result.message.split(" gave ")[1].split("; the right accuracy is ")
    assert shown != right.rstrip(".")


def test_01_evaluate_exact_shares_pass():
    assert verdict("01-evaluate-range", evaluate_right).passed


@pytest.mark.parametrize("shape", [(1, 10), (10, 1)])
def test_02_dot_classifier_a_score_vector_of_another_shape_is_named(shape):
    result = verdict("02-dot-classifier", lambda x: (AVERAGES @ x).reshape(shape))
    assert_wrong(result, "the right scores", f"shape {shape}", "(10,)", "accuracy")


def test_02_dot_classifier_the_next_cell_refuses_a_row_of_scores():
    from coursekit.evaluation import accuracy

    with pytest.raises(ValueError, match="shape"):
        accuracy(lambda x: (AVERAGES @ x)[None, :], X[:5], y[:5])


def test_02_dot_classifier_a_batch_style_product_is_named_by_its_shape():
    assert_wrong(verdict("02-dot-classifier", lambda x: x[None, :] @ AVERAGES.T),
                 "shape (1, 10)", "(10,)")


# ---------------------------------------------------------------- 03 and 04: containers

def random_network_as(container):
    def random_network(sizes, seed):
        rng = np.random.default_rng(seed)
        weights, biases = [], []
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            weights.append(rng.random((n_out, n_in)))
            biases.append(rng.random(n_out))
        return container(weights), container(biases)
    return random_network


def boxed(parts):
    return np.array(parts, dtype=object)


def test_03_network_arrays_of_objects_are_named_not_the_tuple():
    result = verdict("03-network", random_network_as(boxed))
    assert_wrong(result, "dtype object", "without `np.array(...)`")
    assert "returned a tuple" not in result.message


def test_04_copy_weights_arrays_of_objects_are_named():
    result = verdict("04-copy-weights", lambda coefs, intercepts: (
        boxed([c.T for c in coefs]), boxed(list(intercepts))))
    assert_wrong(result, "dtype object", "without `np.array(...)`")


def test_the_network_functions_refuse_arrays_of_objects():
    from coursekit import nn

    weights, biases = random_network_as(boxed)([4, 3, 10], 0)
    with pytest.raises(ValueError, match="weights must be"):
        nn.predict(weights, biases, np.ones((2, 4)))


# A tuple of matrices does all that the cells after these exercises do with the lists
# (index, loop, hand to coursekit.nn), so 03 and 04 accept it alike.
@pytest.mark.parametrize("exercise_id, answer", [
    ("03-network", random_network_as(tuple)),
    ("03-network", random_network_as(list)),
    ("04-copy-weights", lambda coefs, intercepts: (tuple(c.T for c in coefs),
                                                   tuple(intercepts))),
    ("04-copy-weights", lambda coefs, intercepts: ([c.T for c in coefs], list(intercepts))),
])
def test_03_and_04_tuples_of_matrices_pass_like_lists(exercise_id, answer):
    result = verdict(exercise_id, answer)
    assert result.passed, result


def test_tuples_of_matrices_work_where_the_notebooks_use_the_lists():
    from coursekit import nn

    weights, biases = random_network_as(tuple)([4, 3, 10], 0)
    images = np.random.default_rng(0).random((5, 4))
    as_lists = nn.predict(list(weights), list(biases), images)
    assert np.array_equal(nn.predict(weights, biases, images), as_lists)
    hidden = nn.sigmoid(images @ weights[0].T + biases[0])  # 04's cell after the check
    assert hidden.shape == (5, 3)


# ---------------------------------------------------------------- 04: cost in place

def cost_in_place(probabilities, y):
    probabilities -= np.eye(10)[y]
    return np.mean(np.sum(probabilities ** 2, axis=1))


def cost_squared_in_place(probabilities, y):
    np.subtract(probabilities, np.eye(10)[y], out=probabilities)
    probabilities **= 2
    return probabilities.sum(axis=1).mean()


def cost_target_in_place(probabilities, y):
    probabilities[np.arange(len(y)), y] -= 1
    return np.mean(np.sum(probabilities ** 2, axis=1))


@pytest.mark.parametrize("answer", [cost_in_place, cost_squared_in_place,
                                    cost_target_in_place])
def test_04_cost_changing_the_probabilities_in_place_is_named(answer):
    result = verdict("04-cost", answer)
    assert_wrong(result, "changed `probabilities` in place", "x.copy()")
    assert "did not expect" not in result.message and "y_prob" not in result.message


def test_04_cost_the_judge_keeps_its_own_cases(monkeypatch):
    # In a notebook the answer runs in the judge's process: it gets copies of the cases,
    # as in the grader, so the judge's own references never meet the changed values.
    from coursekit import judging

    exercise = judging.get("04-cost")
    cases = exercise.cases(0)
    kept = [p.copy() for p, _ in cases]
    monkeypatch.setattr(type(exercise), "cases", lambda self, seed: cases)
    assert_wrong(judging.evaluate(exercise, cost_in_place), "in place")
    assert all(np.array_equal(p, k) for (p, _), k in zip(cases, kept))


def test_04_cost_right_answers_still_pass():
    def copied(probabilities, y):
        diff = probabilities.copy()
        diff -= np.eye(10)[y]
        return np.mean(np.sum(diff ** 2, axis=1))

    assert verdict("04-cost", copied).passed


def test_06_scaled_pipeline_after_best_update_is_named(monkeypatch, raw_best_model):
    search = GridSearchCV(LogisticRegression(**SEARCH_SETTINGS),
                          {"l1_ratio": [1], "C": [100.0]}, cv=3).fit(X_TRAIN, Y_TRAIN)
    best = search.best_params_
    best.update(FINAL_SETTINGS)
    scaled_model = quick_fit(make_pipeline(StandardScaler(), LogisticRegression(**best)),
                             X_TRAIN, Y_TRAIN)
    in_notebook(monkeypatch, scaled_model, **notebook_names(raw_best_model, search))
    assert_wrong(verdict("06-scaled-pipeline", scaled_model), "search.best_params_",
                 "not a copy", "**FINAL_SETTINGS")


def test_06_scaled_pipeline_passes_next_to_a_search_without_refit(monkeypatch, raw_best_model):
    # nbgrader's halfway student: exercise 4 without refit, 6 and 7 right.
    search = GridSearchCV(LogisticRegression(**SEARCH_SETTINGS), {"l1_ratio": [1], "C": [100.0]},
                          scoring="roc_auc_ovr", cv=3, refit=False).fit(X_TRAIN, Y_TRAIN)
    scaled_model = make_pipeline(StandardScaler(), LogisticRegression(
        **search.best_params_, **FINAL_SETTINGS)).fit(X_TRAIN, Y_TRAIN)
    in_notebook(monkeypatch, scaled_model, **notebook_names(raw_best_model, search))
    result = verdict("06-scaled-pipeline", scaled_model)
    assert result.passed, result


# ---------------------------------------------------------------- 05 and 07: warnings

def divide_where_without_out(weights):
    size = np.abs(weights).max(axis=1, keepdims=True)
    return np.divide(weights, size, where=size != 0)


def rates_where_without_out(y_true, y_pred):
    counts = confusion_matrix(y_true, y_pred, labels=range(10))
    totals = counts.sum(axis=1, keepdims=True)
    return np.divide(counts, totals, where=totals > 0)


@pytest.mark.parametrize("exercise_id, answer", [
    ("05-own-scale", divide_where_without_out),
    ("07-confusion-rates", rates_where_without_out),
])
def test_where_without_out_is_named_whatever_the_memory_held(exercise_id, answer):
    # The eighth student's FP4: the zero rows held whatever numpy's memory held, 0 on
    # their runs, so the answer passed by luck. numpy warns; the verdict now rests on that.
    assert_wrong(verdict(exercise_id, answer), "UserWarning", "`where=` without `out=`",
                 "out=np.zeros_like(a)")
    with warnings.catch_warnings(record=True) as shown:
        # Shown once in the learner's own cell (Python's default): the check still sees it.
        warnings.simplefilter("default")
        answer(*judging.get(exercise_id).cases(0)[0])
        assert len(shown) == 1
        assert_wrong(verdict(exercise_id, answer), "`where=` without `out=`")


@pytest.mark.parametrize("exercise_id, answer", [
    ("05-own-scale", lambda w: np.divide(w, np.abs(w).max(axis=1, keepdims=True),
                                         out=np.zeros_like(w),
                                         where=np.abs(w).max(axis=1, keepdims=True) != 0)),
    ("07-confusion-rates", lambda t, p: np.divide(
        confusion_matrix(t, p, labels=range(10)),
        confusion_matrix(t, p, labels=range(10)).sum(axis=1, keepdims=True),
        out=np.zeros((10, 10)),
        where=confusion_matrix(t, p, labels=range(10)).sum(axis=1, keepdims=True) > 0)),
])
def test_where_with_out_passes_without_a_word_on_warnings(exercise_id, answer):
    result = verdict(exercise_id, answer)
    assert result.passed and "warned" not in result.message, result


def test_a_right_answer_that_warns_passes_and_the_warning_is_named():
    def zero_by_zero_thrown_away(weights):
        size = np.abs(weights).max(axis=1, keepdims=True)
        return np.where(size > 0, weights / size, 0.0)

    result = verdict("05-own-scale", zero_by_zero_thrown_away)
    assert result.passed, result
    assert "RuntimeWarning ('invalid value encountered in divide')" in result.message
    assert "right all the same" in result.message


def test_07_train_in_periods_with_sample_weight_names_it():
    # The eighth student's MH5: weighted images were called reordered or swapped.
    def weighted(model, X_train, y_train, X_valid, y_valid, periods):
        train, valid = [], []
        for _ in range(periods):
            model.partial_fit(X_train, y_train, classes=TEN,
                              sample_weight=np.full(len(y_train), 2.0))
            train.append(log_loss(y_train, model.predict_proba(X_train), labels=TEN))
            valid.append(log_loss(y_valid, model.predict_proba(X_valid), labels=TEN))
        return train, valid

    assert_wrong(verdict("07-train-in-periods", weighted), "sample_weight")
