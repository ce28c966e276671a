"""Every check of notebook 04 accepts a right answer, names the usual slips, and says
when nothing is answered yet."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import log_loss
from sklearn.neural_network import MLPClassifier

from coursekit import nn
from coursekit.checks import CORRECT, MISSING
from coursekit.judging.nb04 import fitted_model, squared_distance_cost
from coursekit.data import first_split, load_digits
from verdicts import assert_wrong, verdict


@pytest.fixture(scope="module")
def split():
    X, y = load_digits()
    return first_split(X, y)


@pytest.fixture(scope="module")
def model():
    return fitted_model()


def to_network(coefs, intercepts):
    return [c.T for c in coefs], list(intercepts)


def squared_cost(probabilities, y):
    return np.mean(np.sum((probabilities - np.eye(10)[y]) ** 2, axis=1))




def test_the_reference_model_reaches_the_notebook_figures(model, split):
    X_train, y_train, X_held_out, y_held_out = split
    assert model.score(X_train, y_train) == 1.0
    assert model.score(X_held_out, y_held_out) >= 0.95
    assert squared_distance_cost(model.predict_proba(X_train), y_train) < 1e-4


# ---------------------------------------------------------------- right answers


def test_right_answers_pass(model, split):
    X_train, y_train, X_held_out, y_held_out = split
    assert verdict("04-fit", model).status == CORRECT
    assert verdict("04-cost", squared_cost).status == CORRECT
    assert verdict("04-copy-weights", to_network).status == CORRECT


@pytest.mark.parametrize("exercise_id", ["04-fit", "04-cost", "04-copy-weights"])
@pytest.mark.parametrize("answer", [None, ...])
def test_unanswered_says_so(exercise_id, answer):
    assert verdict(exercise_id, answer).status == MISSING


def test_unanswered_function_says_so():
    def to_network_todo(coefs, intercepts):
        raise NotImplementedError()

    assert verdict("04-copy-weights", to_network_todo).status == MISSING


# ---------------------------------------------------------------- 04-fit


def _fit(**settings):
    X_train, y_train, _, _ = first_split(*load_digits())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return MLPClassifier(**settings).fit(X_train, y_train)


SETTINGS = dict(hidden_layer_sizes=(16,), activation="logistic", learning_rate_init=0.1,
                random_state=1, max_iter=100)


def test_fit_a_model_of_its_own_fitted_alike_passes():
    # Not the judge's cached object: the learner's own, fitted in the notebook.
    assert verdict("04-fit", _fit(**SETTINGS)).status == CORRECT
    assert verdict("04-fit", _fit(**{**SETTINGS, "hidden_layer_sizes": [16]})).status == CORRECT


def test_fit_judges_the_model_not_typed_figures():
    # Issue 12, second pass: hard-coded accuracies next to a default model passed.
    assert_wrong(verdict("04-fit", (1.0, 0.958)), "fitted MLPClassifier", "tuple")
    assert_wrong(verdict("04-fit", _fit(random_state=1)), "logistic")


@pytest.mark.parametrize("change, words", [
    ({"activation": "relu"}, ("'relu'", 'activation="logistic"')),
    ({"learning_rate_init": 0.001}, ("0.001", "learning_rate_init=0.1")),
    ({"solver": "sgd"}, ("'sgd'", "adam")),
    ({"hidden_layer_sizes": (100,)}, ("(100,)", "hidden_layer_sizes=(16,)")),
    ({"random_state": 0}, ("random_state=0", "random_state=1")),
    ({"random_state": None}, ("random_state=None", "every run")),
    ({"max_iter": 200}, ("200", "max_iter=100")),
    ({"batch_size": 10}, ("`batch_size` is 10", "default, 'auto'")),
])
def test_fit_setting_slips(change, words):
    assert_wrong(verdict("04-fit", MLPClassifier(**{**SETTINGS, **change})), *words)


def test_fit_unfitted_or_fitted_on_other_images():
    assert_wrong(verdict("04-fit", MLPClassifier(**SETTINGS)), "not fitted", "model.fit")
    X, y = load_digits()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        on_held_out = MLPClassifier(**SETTINGS).fit(X[1000:1500], y[1000:1500])
        unscaled = MLPClassifier(**SETTINGS).fit(X[:1000] * 16, y[:1000])
    assert_wrong(verdict("04-fit", on_held_out), "X_train, y_train")
    assert_wrong(verdict("04-fit", unscaled), "X_train, y_train")


# ---------------------------------------------------------------- 04-cost


@pytest.mark.parametrize("answer", [
    lambda P, y: sum(np.sum((p - np.eye(10)[label]) ** 2) for p, label in zip(P, y)) / len(y),
    lambda P, y: nn.squared_distances(P, y).mean(),
    lambda P, y: np.mean(np.linalg.norm(P - np.eye(10)[y], axis=1) ** 2),
    lambda P, y: np.float32(squared_cost(P, y)),
])
def test_other_right_costs_pass(answer):
    assert verdict("04-cost", answer).status == CORRECT


def test_the_cost_of_another_model_is_judged_on_that_model(split):
    # Issue 12: a model named `clf`, or fitted a little differently, has its own cost;
    # the function that computes it is right all the same.
    X_train, y_train, _, _ = split
    clf = fitted_model(random_state=0)
    assert squared_cost(clf.predict_proba(X_train), y_train) != squared_cost(
        fitted_model().predict_proba(X_train), y_train)
    assert verdict("04-cost", squared_cost).status == CORRECT


@pytest.mark.parametrize("answer, words", [
    (lambda P, y: np.sum((P - np.eye(10)[y]) ** 2), ("added up",)),
    (lambda P, y: np.mean((P - np.eye(10)[y]) ** 2), ("10 outputs", "axis=1")),
    (lambda P, y: squared_cost(P, y) / 2, ("half",)),
    (lambda P, y: np.mean(np.linalg.norm(P - np.eye(10)[y], axis=1)), ("not squared",)),
    (lambda P, y: squared_cost(np.eye(10)[P.argmax(axis=1)], y), ("predicted labels",)),
    (lambda P, y: np.mean(np.sum((P - y[:, None]) ** 2, axis=1)), ("one-hot",)),
    (lambda P, y: np.mean(np.sum(np.abs(P - np.eye(10)[y]), axis=1)), ("absolute",)),
    (lambda P, y: log_loss(y, P, labels=np.arange(10)), ("log-loss", "squared distance")),
    (lambda P, y: np.sum((P - np.eye(10)[y]) ** 2, axis=1), ("single number",)),
    (lambda P, y: 4.45e-05, ("expected",)),
])
def test_cost_slips(answer, words):
    assert_wrong(verdict("04-cost", answer), *words)


# ---------------------------------------------------------------- 04-copy-weights


def test_copy_weights_without_transpose():
    assert_wrong(verdict("04-copy-weights", lambda c, i: (list(c), list(i))), "transpose")


def test_copy_weights_swapped():
    assert_wrong(verdict("04-copy-weights", lambda c, i: to_network(c, i)[::-1]), "swapped")


def test_copy_weights_biases_not_copied():
    assert_wrong(verdict("04-copy-weights",
                         lambda c, i: ([w.T for w in c], [np.zeros_like(b) for b in i])),
                 "intercepts_")


def test_copy_weights_from_the_model_not_the_arguments(model):
    def from_model(coefs, intercepts):
        return [c.T for c in model.coefs_], list(model.intercepts_)

    assert_wrong(verdict("04-copy-weights", from_model), "arguments", "coefs[0].T")


def test_copy_weights_biases_must_stay_flat():
    def columns(coefs, intercepts):
        return [c.T for c in coefs], [i.reshape(-1, 1) for i in intercepts]

    assert_wrong(verdict("04-copy-weights", columns), "flat")


@pytest.mark.parametrize("answer", [
    lambda c, i: (np.transpose(c), list(i)),
    lambda c, i: (np.array(c).T, list(i)),
    lambda c, i: (c.T, list(i)),
])
def test_copy_weights_transposing_the_whole_list_is_named(answer):
    result = verdict("04-copy-weights", answer)
    assert result.status in ("wrong", "error"), result
    assert "[c.T for c in coefs]" in result.hint and "one entry per layer" not in result.hint


def test_copy_weights_changing_the_models_lists_fails():
    def in_place(coefs, intercepts):
        for index in range(len(coefs)):
            coefs[index] = coefs[index].T
        return coefs, intercepts

    assert_wrong(verdict("04-copy-weights", in_place), "changed the coefs", "new lists")


def test_copied_network_predicts_like_scikit_learn(model, split):
    _, _, X_held_out, _ = split
    weights, biases = to_network(model.coefs_, model.intercepts_)
    assert np.array_equal(nn.predict(weights, biases, X_held_out), model.predict(X_held_out))


def test_copy_weights_with_two_hard_coded_layers():
    def two_layers(coefs, intercepts):
        return [coefs[0].T, coefs[1].T], [intercepts[0], intercepts[1]]

    assert_wrong(verdict("04-copy-weights", two_layers), "first 2 weight matrices only",
                 "[c.T for c in coefs]")


def test_percentages_are_named_by_the_shared_helper():
    from coursekit.judging.plain_answers import percentages

    assert_wrong(percentages([95.8, 100.0], [0.958, 1.0]), "percentages", "0.95")
    assert percentages([0.958, 1.0], [0.958, 1.0]) is None
    assert percentages([0.0], [0.0]) is None  # 0 is 0 in any unit


def test_copy_weights_returning_pairs_is_named():
    # Issue 12, second pass: one (weights, bias) pair per layer got a hint about `model`.
    def pairs(coefs, intercepts):
        return [(c.T, b) for c, b in zip(coefs, intercepts)]

    assert_wrong(verdict("04-copy-weights", pairs), "pair", "two lists")

    def zipped(coefs, intercepts):
        return list(zip([c.T for c in coefs], intercepts))

    assert_wrong(verdict("04-copy-weights", zipped), "pair", "two lists")


@pytest.mark.parametrize("answer, words", [
    (MLPClassifier, ("the class MLPClassifier itself", "MLPClassifier(...)")),
    ("model", ("fitted MLPClassifier", "str")),
    (MLPClassifier, ("model.fit",)),
])
def test_fit_answers_that_are_not_a_model(answer, words):
    assert_wrong(verdict("04-fit", answer), *words)
