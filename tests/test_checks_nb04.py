"""Every check of notebook 04 accepts a right answer, names the usual slips, and says
when nothing is answered yet."""

import numpy as np
import pytest
from sklearn.metrics import log_loss

from coursekit import nn
from coursekit.checks import CORRECT, MISSING
from coursekit.checks.nb04 import fitted_model, squared_distance_cost
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




def test_the_reference_model_reaches_the_notebook_figures(model, split):
    X_train, y_train, X_held_out, y_held_out = split
    assert model.score(X_train, y_train) == 1.0
    assert model.score(X_held_out, y_held_out) >= 0.95
    assert squared_distance_cost(model.predict_proba(X_train), y_train) < 1e-4


# ---------------------------------------------------------------- right answers


def test_right_answers_pass(model, split):
    X_train, y_train, X_held_out, y_held_out = split
    accuracies = (model.score(X_train, y_train), model.score(X_held_out, y_held_out))
    assert verdict("04-fit", accuracies).status == CORRECT
    cost = np.mean(np.sum((model.predict_proba(X_train) - np.eye(10)[y_train]) ** 2, axis=1))
    assert verdict("04-cost", cost).status == CORRECT
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


def test_fit_slips(model, split):
    X_train, y_train, X_held_out, y_held_out = split
    right = np.array([model.score(X_train, y_train), model.score(X_held_out, y_held_out)])
    assert_wrong(verdict("04-fit", right * 100), "percentages")
    assert_wrong(verdict("04-fit", right[::-1]), "swapped")
    relu = fitted_model(activation="relu")
    assert_wrong(verdict("04-fit", (relu.score(X_train, y_train),
                                    relu.score(X_held_out, y_held_out))), "logistic")
    assert_wrong(verdict("04-fit", 0.958), "two numbers")
    assert_wrong(verdict("04-fit", (0.9, 0.8)), "expected about", "random_state=1")
    seed_0 = fitted_model(random_state=0)
    assert_wrong(verdict("04-fit", (seed_0.score(X_train, y_train),
                                    seed_0.score(X_held_out, y_held_out))), "random_state=1")


# ---------------------------------------------------------------- 04-cost


def test_cost_slips(model, split):
    X_train, y_train, X_held_out, y_held_out = split
    targets = np.eye(10)[y_train]
    per_image = np.sum((model.predict_proba(X_train) - targets) ** 2, axis=1)
    assert_wrong(verdict("04-cost", per_image.sum()), "added up")
    assert_wrong(verdict("04-cost", np.mean((model.predict_proba(X_train) - targets) ** 2)),
                 "10 outputs")
    held_out = squared_distance_cost(model.predict_proba(X_held_out), y_held_out)
    assert_wrong(verdict("04-cost", held_out), "1000-1499")
    labels = squared_distance_cost(nn.one_hot(model.predict(X_train)), y_train)
    assert_wrong(verdict("04-cost", labels), "predict_proba")
    assert_wrong(verdict("04-cost", per_image), "one number")
    assert_wrong(verdict("04-cost", log_loss(y_train, model.predict_proba(X_train))),
                 "log-loss", "squared distance")
    assert_wrong(verdict("04-cost", model.loss_curve_[-1]), "loss_curve_")


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


def test_copied_network_predicts_like_scikit_learn(model, split):
    _, _, X_held_out, _ = split
    weights, biases = to_network(model.coefs_, model.intercepts_)
    assert np.array_equal(nn.predict(weights, biases, X_held_out), model.predict(X_held_out))
