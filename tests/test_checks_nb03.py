"""Every check of notebook 03 accepts a right answer, names each classic mistake, and
says when nothing is answered yet.

The right answers are written the way the notebook's solution writes them (one
image at a time); each wrong one is that answer with one mistake put in.
"""

import math

import numpy as np
import pytest
import sympy as sp

from coursekit import checks, judging
from coursekit.checks import CORRECT, ERROR, MISSING
from verdicts import assert_wrong, verdict

# ---------------------------------------------------------------- right answers


def random_network(sizes, seed):
    rng = np.random.default_rng(seed)
    weights, biases = [], []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        weights.append(rng.random((n_out, n_in)))
        biases.append(rng.random(n_out))
    return weights, biases


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def sigmoid_prime(z):
    s = sigmoid(z)
    return s * (1 - s)


def feed_forward(weights, biases, x):
    activations = [x]
    for w, b in zip(weights, biases):
        activations.append(sigmoid(w @ activations[-1] + b))
    return activations


def cost(weights, biases, X, y):
    total = 0.0
    for x, label in zip(X, y):
        total += np.sum((feed_forward(weights, biases, x)[-1] - np.eye(10)[label]) ** 2)
    return total / len(X)


def make_backprop(*, factor=1.0, prime_of_activation=False, mean=True, transpose=False):
    """The notebook's backprop, with one mistake switched on."""

    def backprop(weights, biases, X, y):
        grad_w = [np.zeros_like(w) for w in weights]
        grad_b = [np.zeros_like(b) for b in biases]
        for x, label in zip(X, y):
            activations, zs = [x], []
            for w, b in zip(weights, biases):
                zs.append(w @ activations[-1] + b)
                activations.append(sigmoid(zs[-1]))

            def prime(layer):
                if prime_of_activation:
                    return sigmoid_prime(activations[layer + 1])
                return sigmoid_prime(zs[layer])

            last = len(weights) - 1
            delta = factor * 2 * (activations[-1] - np.eye(10)[label]) * prime(last)
            for layer in range(last, -1, -1):
                outer = np.outer(delta, activations[layer])
                grad_w[layer] += outer.T if transpose else outer
                grad_b[layer] += delta
                if layer:
                    delta = (weights[layer].T @ delta) * prime(layer - 1)
        n = len(X) if mean else 1
        return [g / n for g in grad_w], [g / n for g in grad_b]

    return backprop


def make_train(*, sign=1.0, drop_last=False, update=True, update_biases=True,
               shuffle="seeded"):
    """The notebook's train, with one mistake switched on.

    ``shuffle`` is "seeded" (right), "choice" (right: another seeded draw),
    "unseeded", "restarted" (generator made anew each epoch) or "unused" (the
    order is drawn but the batches are read in the images' own order).
    """
    backprop = make_backprop()

    def train(weights, biases, X, y, epochs, batch_size, learning_rate, seed):
        rng = np.random.default_rng(None if shuffle == "unseeded" else seed)
        losses = []
        for _ in range(epochs):
            if shuffle == "restarted":
                rng = np.random.default_rng(seed)
            if shuffle == "choice":
                order = rng.choice(len(X), size=len(X), replace=False)
            else:
                order = rng.permutation(len(X))
            if shuffle == "unused":
                order = np.arange(len(X))
            stop = len(X) - len(X) % batch_size if drop_last else len(X)
            for start in range(0, stop, batch_size):
                rows = order[start:start + batch_size]
                grad_w, grad_b = backprop(weights, biases, X[rows], y[rows])
                if update:
                    weights = [w - sign * learning_rate * g for w, g in zip(weights, grad_w)]
                    if update_biases:
                        biases = [b - sign * learning_rate * g for b, g in zip(biases, grad_b)]
            losses.append(cost(weights, biases, X, y))
        return weights, biases, losses

    return train


def evaluate_batch(weights, biases, X):
    A = X
    for w, b in zip(weights, biases):
        A = sigmoid(A @ w.T + b)
    return A




# ---------------------------------------------------------------- every check


@pytest.mark.parametrize("exercise_id, answer", [
    ("03-network", random_network),
    ("03-sigmoid", sigmoid),
    ("03-feedforward", feed_forward),
    ("03-cost", cost),
    ("03-sigmoid-prime", sigmoid_prime),
    ("03-backprop", make_backprop()),
    ("03-train", make_train()),
    ("03-feedforward-batch", evaluate_batch),
])
def test_right_answer_passes(exercise_id, answer):
    result = verdict(exercise_id, answer)
    assert result.status == CORRECT, result


def _not_yet(*args):
    raise NotImplementedError()


@pytest.mark.parametrize("exercise_id", [
    "03-network", "03-sigmoid", "03-feedforward", "03-cost", "03-sigmoid-prime",
    "03-backprop", "03-train", "03-feedforward-batch",
])
@pytest.mark.parametrize("answer", [None, ..., _not_yet])
def test_unanswered_says_so(exercise_id, answer):
    assert verdict(exercise_id, answer).status == MISSING


def test_a_value_where_a_function_belongs_is_an_error():
    assert verdict("03-feedforward", [1, 2, 3]).status == ERROR


# ---------------------------------------------------------------- 03-network


def test_network_transposed_weights():
    def transposed(sizes, seed):
        rng = np.random.default_rng(seed)
        return ([rng.random((n_in, n_out)) for n_in, n_out in zip(sizes, sizes[1:])],
                [rng.random(n) for n in sizes[1:]])

    assert_wrong(verdict("03-network", transposed), "(n_out, n_in)")


def test_network_normal_values_and_fixed_generator():
    def normal(sizes, seed):
        rng = np.random.default_rng(seed)
        return ([rng.standard_normal((m, n)) for n, m in zip(sizes, sizes[1:])],
                [rng.standard_normal(m) for m in sizes[1:]])

    assert_wrong(verdict("03-network", normal), "[0, 1)")
    rng = np.random.default_rng(0)

    def ignores_seed(sizes, seed):
        return ([rng.random((m, n)) for n, m in zip(sizes, sizes[1:])],
                [rng.random(m) for m in sizes[1:]])

    assert_wrong(verdict("03-network", ignores_seed), "same seed")


# ---------------------------------------------------------------- 03-sigmoid


def test_sigmoid_mistakes():
    assert_wrong(verdict("03-sigmoid", lambda z: 1 / (1 + np.exp(z))), "np.exp(-z)")
    assert_wrong(verdict("03-sigmoid", np.tanh), "tanh")
    assert_wrong(verdict("03-sigmoid", lambda z: 1 / 1 + np.exp(-z)), "parentheses")


def test_sigmoid_with_math_exp_is_told_to_use_numpy():
    result = verdict("03-sigmoid", lambda z: 1 / (1 + math.exp(-z)))
    assert result.status == ERROR, result
    assert "np.exp" in result.hint


def test_sigmoid_prime_returning_a_sympy_expression():
    z = sp.symbols("z")
    derivative = sp.diff(1 / (1 + sp.exp(-z)), z)
    assert_wrong(verdict("03-sigmoid-prime", lambda x: derivative), "SymPy", "not numbers")
    assert verdict("03-sigmoid-prime", sp.lambdify(z, derivative)).status == CORRECT


# ---------------------------------------------------------------- 03-feedforward


def test_feedforward_transposed_weights():
    def transposed(weights, biases, x):
        activations = [x]
        for w, b in zip(weights, biases):
            activations.append(sigmoid(activations[-1] @ w + b))
        return activations

    assert_wrong(verdict("03-feedforward", transposed), "transposed", "weights[l - 1] @ a")


def test_feedforward_missing_bias():
    def no_bias(weights, biases, x):
        activations = [x]
        for w in weights:
            activations.append(sigmoid(w @ activations[-1]))
        return activations

    assert_wrong(verdict("03-feedforward", no_bias), "biases are missing")


def test_feedforward_shape_error_names_the_network_and_the_shape_rule():
    def appends_a_one(weights, biases, x):
        # Fails on every network, the square one included.
        activations = [x]
        for w in weights:
            activations.append(sigmoid(np.dot(np.append(activations[-1], 1), w)))
        return activations

    result = verdict("03-feedforward", appends_a_one)
    assert result.status == ERROR, result
    assert "on a 10-10-10 network raised" in result.message
    assert "(n_out, n_in)" in result.hint


def test_feedforward_return_inside_the_loop():
    def returns_early(weights, biases, x):
        activations = [x]
        for w, b in zip(weights, biases):
            activations.append(sigmoid(w @ activations[-1] + b))
            return activations

    assert_wrong(verdict("03-feedforward", returns_early), "stops after the first layer", "inside the loop")


def test_feedforward_list_mistakes():
    assert_wrong(verdict("03-feedforward", lambda w, b, x: feed_forward(w, b, x)[-1]),
                 "one array, not a list")
    assert_wrong(verdict("03-feedforward", lambda w, b, x: feed_forward(w, b, x)[1:]),
                 "one too few")

    def no_last_sigmoid(weights, biases, x):
        activations = feed_forward(weights[:-1], biases[:-1], x)
        return activations + [weights[-1] @ activations[-1] + biases[-1]]

    assert_wrong(verdict("03-feedforward", no_last_sigmoid), "output layer is missing")


# ---------------------------------------------------------------- 03-cost


def test_cost_mistakes():
    def summed(weights, biases, X, y):
        return cost(weights, biases, X, y) * len(X)

    def mean_of_everything(weights, biases, X, y):
        outputs = np.array([feed_forward(weights, biases, x)[-1] for x in X])
        return np.mean((outputs - np.eye(10)[y]) ** 2)

    def halved(weights, biases, X, y):
        return cost(weights, biases, X, y) / 2

    def not_squared(weights, biases, X, y):
        return np.mean([np.linalg.norm(feed_forward(weights, biases, x)[-1] - np.eye(10)[t])
                        for x, t in zip(X, y)])

    assert_wrong(verdict("03-cost", summed), "added up, not averaged")
    assert_wrong(verdict("03-cost", mean_of_everything), "10 outputs")
    assert_wrong(verdict("03-cost", halved), "1/2")
    assert_wrong(verdict("03-cost", not_squared), "not squared")
    assert_wrong(verdict("03-cost", lambda w, b, X, y: [cost(w, b, X, y)] * 2), "one number")


# ---------------------------------------------------------------- 03-sigmoid-prime


def test_sigmoid_prime_mistakes():
    assert_wrong(verdict("03-sigmoid-prime", lambda z: z * (1 - z)), "z (1 - z)")
    assert_wrong(verdict("03-sigmoid-prime", lambda z: sigmoid_prime(sigmoid(z))),
                 "at sigmoid(z)")
    assert_wrong(verdict("03-sigmoid-prime", sigmoid), "sigmoid itself")


# ---------------------------------------------------------------- 03-backprop


def test_backprop_derivative_of_the_activation():
    assert_wrong(verdict("03-backprop", make_backprop(prime_of_activation=True)),
                 "taken at the activation", "sigmoid_prime(z)")


def test_backprop_missing_two():
    assert_wrong(verdict("03-backprop", make_backprop(factor=0.5)), "the 2 of the squared cost")


def test_backprop_summed_not_averaged():
    assert_wrong(verdict("03-backprop", make_backprop(mean=False)),
                 "3 times too large", "summed", "averaged")


def test_backprop_summed_and_missing_two():
    assert_wrong(verdict("03-backprop", make_backprop(mean=False, factor=0.5)),
                 "1.5 times too large")


def test_backprop_sign():
    assert_wrong(verdict("03-backprop", make_backprop(factor=-1)), "sign")


def test_backprop_transposed_gradients():
    assert_wrong(verdict("03-backprop", make_backprop(transpose=True)), "transposed")


def test_backprop_wrong_hidden_layer():
    def forgets_hidden_prime(weights, biases, X, y):
        grad_w, grad_b = make_backprop()(weights, biases, X, y)
        grad_w[0] = grad_w[0] * 1.1
        grad_b[0] = grad_b[0] * 1.1
        return grad_w, grad_b

    assert_wrong(verdict("03-backprop", forgets_hidden_prime), "output layer's gradients are right")


def test_backprop_untransposed_weights_going_back():
    def carried_through_w(weights, biases, X, y):
        grad_w = [np.zeros_like(w) for w in weights]
        grad_b = [np.zeros_like(b) for b in biases]
        for x, label in zip(X, y):
            activations, zs = [x], []
            for w, b in zip(weights, biases):
                zs.append(w @ activations[-1] + b)
                activations.append(sigmoid(zs[-1]))
            delta = 2 * (activations[-1] - np.eye(10)[label]) * sigmoid_prime(zs[-1])
            for layer in range(len(weights) - 1, -1, -1):
                grad_w[layer] += np.outer(delta, activations[layer])
                grad_b[layer] += delta
                if layer:
                    delta = (weights[layer] @ delta) * sigmoid_prime(zs[layer - 1])
        return [g / len(X) for g in grad_w], [g / len(X) for g in grad_b]

    assert_wrong(verdict("03-backprop", carried_through_w), "not its transpose", ".T @ delta")


def test_backprop_keeps_only_one_image():
    right = make_backprop()

    def first_only(weights, biases, X, y):
        return right(weights, biases, X[:1], y[:1])

    def last_only(weights, biases, X, y):
        grad_w, grad_b = right(weights, biases, X[-1:], y[-1:])
        return [g / len(X) for g in grad_w], [g / len(X) for g in grad_b]

    assert_wrong(verdict("03-backprop", first_only), "only the first image", "return")
    assert_wrong(verdict("03-backprop", last_only), "only the last image", "+=")


def test_backprop_all_zero_gradients():
    def zeros(weights, biases, X, y):
        return [np.zeros_like(w) for w in weights], [np.zeros_like(b) for b in biases]

    assert_wrong(verdict("03-backprop", zeros), "every gradient is 0")


def test_float32_answers_pass():
    def in_float32(function):
        """The same answer, computing in single precision throughout."""
        def answer(weights, biases, X, *labels):
            return function([w.astype(np.float32) for w in weights],
                            [b.astype(np.float32) for b in biases], X.astype(np.float32),
                            *labels)
        return answer

    assert verdict("03-feedforward", in_float32(feed_forward)).status == CORRECT
    assert verdict("03-backprop", in_float32(make_backprop())).status == CORRECT
    assert verdict("03-feedforward-batch", in_float32(evaluate_batch)).status == CORRECT


def test_backprop_returns_one_list():
    assert_wrong(verdict("03-backprop", lambda w, b, X, y: make_backprop()(w, b, X, y)[0]),
                 "grad_w, grad_b")


# ---------------------------------------------------------------- 03-train


def test_train_goes_up_the_gradient():
    assert_wrong(verdict("03-train", make_train(sign=-1)), "up the gradient")


def test_train_forgets_to_update():
    assert_wrong(verdict("03-train", make_train(update=False)), "unchanged")


def test_train_drops_the_last_batch():
    assert_wrong(verdict("03-train", make_train(drop_last=True)), "last, smaller batch")


def test_train_losses_must_follow_the_cost():
    def no_losses(*args):
        weights, biases, _ = make_train()(*args)
        return weights, biases, []

    assert_wrong(verdict("03-train", no_losses), "one per epoch")


def test_train_another_seeded_shuffle_passes():
    assert verdict("03-train", make_train(shuffle="choice")).status == CORRECT


def test_train_shuffle_not_from_the_seed():
    assert_wrong(verdict("03-train", make_train(shuffle="unseeded")),
                 "two different networks", "default_rng(seed)")


def test_train_generator_made_in_every_epoch():
    assert_wrong(verdict("03-train", make_train(shuffle="restarted")),
                 "same order", "before the loop")


def test_train_order_drawn_but_not_used():
    assert_wrong(verdict("03-train", make_train(shuffle="unused")),
                 "unshuffled", "order[start:start + batch_size]")


def test_train_biases_never_updated():
    assert_wrong(verdict("03-train", make_train(update_biases=False)), "biases did not")


def test_train_one_step_per_epoch():
    backprop = make_backprop()

    def full_batch(weights, biases, X, y, epochs, batch_size, learning_rate, seed):
        for _ in range(epochs):
            grad_w, grad_b = backprop(weights, biases, X, y)
            weights = [w - learning_rate * g for w, g in zip(weights, grad_w)]
            biases = [b - learning_rate * g for b, g in zip(biases, grad_b)]
        return weights, biases, [cost(weights, biases, X, y)] * epochs

    assert_wrong(verdict("03-train", full_batch), "one step on all the images")


# ---------------------------------------------------------------- 03-feedforward-batch


def test_batch_mistakes():
    assert_wrong(verdict("03-feedforward-batch", lambda w, b, X: evaluate_batch(w, b, X).T),
                 "one column per image")

    def transposed_weights(weights, biases, X):
        A = X
        for w, b in zip(weights, biases):
            A = sigmoid(A @ w + b)
        return A

    def bias_by_image(weights, biases, X):
        A = X.T
        for w, b in zip(weights, biases):
            A = sigmoid(w @ A + b)
        return A.T

    def no_bias(weights, biases, X):
        A = X
        for w in weights:
            A = sigmoid(A @ w.T)
        return A

    assert_wrong(verdict("03-feedforward-batch", transposed_weights), "transposed")
    assert_wrong(verdict("03-feedforward-batch", bias_by_image), "instead of to a unit")
    assert_wrong(verdict("03-feedforward-batch", no_bias), "biases are missing")


# ---------------------------------------------------------------- siblings (issue 12)


def test_network_draws_in_another_order_are_named():
    def weights_first(sizes, seed):
        rng = np.random.default_rng(seed)
        weights = [rng.random((n_out, n_in)) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
        return weights, [rng.random(n_out) for n_out in sizes[1:]]

    assert_wrong(verdict("03-network", weights_first), "another order", "layer by layer")


def test_network_transposed_draws_are_named():
    def drawn_transposed(sizes, seed):
        rng = np.random.default_rng(seed)
        weights, biases = [], []
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            weights.append(rng.random((n_in, n_out)).T)
            biases.append(rng.random(n_out))
        return weights, biases

    assert_wrong(verdict("03-network", drawn_transposed), "transposed", "(n_out, n_in)")


def test_network_from_the_legacy_generator():
    def legacy(sizes, seed):
        np.random.seed(seed)
        weights, biases = [], []
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            weights.append(np.random.rand(n_out, n_in))
            biases.append(np.random.rand(n_out))
        return weights, biases

    assert_wrong(verdict("03-network", legacy), "legacy", "default_rng(seed)")


@pytest.mark.parametrize("pattern", [
    lambda shape, seed: (np.arange(np.prod(shape)).reshape(shape) * 0.618 + seed / 7) % 1,
    lambda shape, seed: np.linspace(0, 0.99, int(np.prod(shape))).reshape(shape) ** (seed + 1),
])
def test_network_with_a_fixed_pattern_fails(pattern):
    def fixed(sizes, seed):
        return ([pattern((n_out, n_in), seed) for n_in, n_out in zip(sizes[:-1], sizes[1:])],
                [pattern((n_out,), seed) for n_out in sizes[1:]])

    assert_wrong(verdict("03-network", fixed), "default_rng(seed)", "rng.random")


def test_train_stopping_one_batch_early_on_mini_batches():
    train = _train_cut(lambda order, size, n: [order[s:s + size]
                                               for s in range(0, n - size, size)])
    exercise = judging.get("03-train")
    cases = exercise.cases(0)[1:2]  # 4 images in batches of 2: one of the two is skipped
    payload = exercise.collect(train, cases)
    assert_wrong(exercise.judge(payload, cases), "stops one batch early")


def test_network_ignoring_the_seed():
    def fixed_seed(sizes, seed):
        return random_network(sizes, 42)

    assert_wrong(verdict("03-network", fixed_seed), "seed is not used")


def test_network_uniform_draws_pass():
    def uniform(sizes, seed):
        rng = np.random.default_rng(seed)
        weights, biases = [], []
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            weights.append(rng.uniform(0, 1, size=(n_out, n_in)))
            biases.append(rng.uniform(size=n_out))
        return weights, biases

    assert verdict("03-network", uniform).status == CORRECT


def test_feedforward_with_two_hard_coded_layers():
    def two_layers(weights, biases, x):
        a1 = sigmoid(weights[0] @ x + biases[0])
        a2 = sigmoid(weights[1] @ a1 + biases[1])
        return [x, a1, a2]

    result = verdict("03-feedforward", two_layers)
    assert_wrong(result, "2 layers only", "for w, b in zip(weights, biases)")
    assert "inside the loop" not in result.hint


def _train_with(update):
    """The notebook's train, with its update step replaced by ``update``."""
    backprop = make_backprop()

    def train(weights, biases, X, y, epochs, batch_size, learning_rate, seed):
        rng = np.random.default_rng(seed)
        losses = []
        for _ in range(epochs):
            order = rng.permutation(len(X))
            for start in range(0, len(X), batch_size):
                rows = order[start:start + batch_size]
                grad_w, grad_b = backprop(weights, biases, X[rows], y[rows])
                weights, biases = update(weights, biases, grad_w, grad_b, learning_rate)
            losses.append(cost(weights, biases, X, y))
        return weights, biases, losses

    return train


def _in_place(weights, biases, grad_w, grad_b, learning_rate):
    for i in range(len(weights)):
        weights[i] -= learning_rate * grad_w[i]
        biases[i] -= learning_rate * grad_b[i]
    return weights, biases


def _in_place_loop(weights, biases, grad_w, grad_b, learning_rate):
    for w, b, gw, gb in zip(weights, biases, grad_w, grad_b):
        w -= learning_rate * gw
        b -= learning_rate * gb
    return weights, biases


def _items_replaced(weights, biases, grad_w, grad_b, learning_rate):
    for i in range(len(weights)):
        weights[i] = weights[i] - learning_rate * grad_w[i]
        biases[i] = biases[i] - learning_rate * grad_b[i]
    return weights, biases


def _biases_in_place(weights, biases, grad_w, grad_b, learning_rate):
    weights = [w - learning_rate * g for w, g in zip(weights, grad_w)]
    for b, g in zip(biases, grad_b):
        b -= learning_rate * g
    return weights, biases


@pytest.mark.parametrize("update", [_in_place, _in_place_loop, _items_replaced,
                                    _biases_in_place])
def test_train_updating_the_callers_network_fails(update):
    result = verdict("03-train", _train_with(update))
    assert_wrong(result, "starting network is lost", "build new arrays")
    assert "-=" not in result.hint.split("`w -= ...`")[0]  # never recommended


def test_train_shuffling_the_data_in_place_fails():
    backprop = make_backprop()

    def shuffles_X(weights, biases, X, y, epochs, batch_size, learning_rate, seed):
        rng = np.random.default_rng(seed)
        losses = []
        for _ in range(epochs):
            order = rng.permutation(len(X))
            X[:], y[:] = X[order], y[order]  # the caller's images, reordered
            for start in range(0, len(X), batch_size):
                rows = np.arange(start, min(start + batch_size, len(X)))
                grad_w, grad_b = backprop(weights, biases, X[rows], y[rows])
                weights = [w - learning_rate * g for w, g in zip(weights, grad_w)]
                biases = [b - learning_rate * g for b, g in zip(biases, grad_b)]
            losses.append(cost(weights, biases, X, y))
        return weights, biases, losses

    assert_wrong(verdict("03-train", shuffles_X), "changed the X and y", "rng.permutation")


def test_train_rebinding_the_loop_variable_changes_nothing():
    def rebinds(weights, biases, grad_w, grad_b, learning_rate):
        for w, g in zip(weights, grad_w):
            w = w - learning_rate * g  # noqa: F841, the mistake under test
        for b, g in zip(biases, grad_b):
            b = b - learning_rate * g  # noqa: F841
        return weights, biases

    assert_wrong(verdict("03-train", _train_with(rebinds)), "unchanged", "only renames")


def _train_cut(cut):
    """The notebook's train with the batches cut by ``cut(order, start, batch_size, n)``."""
    backprop = make_backprop()

    def train(weights, biases, X, y, epochs, batch_size, learning_rate, seed):
        rng = np.random.default_rng(seed)
        losses = []
        for _ in range(epochs):
            order = rng.permutation(len(X))
            for rows in cut(order, batch_size, len(X)):
                grad_w, grad_b = backprop(weights, biases, X[rows], y[rows])
                weights = [w - learning_rate * g for w, g in zip(weights, grad_w)]
                biases = [b - learning_rate * g for b, g in zip(biases, grad_b)]
            losses.append(cost(weights, biases, X, y))
        return weights, biases, losses

    return train


@pytest.mark.parametrize("cut, words", [
    (lambda order, size, n: [order[s:s + size - 1] for s in range(0, n, size)],
     ("one image too few", "no `- 1`")),
    (lambda order, size, n: [order[s:s + size + 1] for s in range(0, n, size)],
     ("one image too many", "no `+ 1`")),
    (lambda order, size, n: [order[s:s + size] for s in range(0, n - size, size)],
     ("no step was taken", "range(0, len(X), batch_size)")),
])
def test_train_batch_slices_off_by_one_are_named(cut, words):
    result = verdict("03-train", _train_cut(cut))
    assert_wrong(result, *words)
    assert "learning rate" not in result.message + result.hint


def test_train_forgetting_the_learning_rate():
    def no_rate(weights, biases, grad_w, grad_b, learning_rate):
        return ([w - g for w, g in zip(weights, grad_w)],
                [b - g for b, g in zip(biases, grad_b)])

    assert_wrong(verdict("03-train", _train_with(no_rate)), "ignore the learning rate")


def test_train_ignoring_its_seed():
    train = make_train()

    def fixed_seed(weights, biases, X, y, epochs, batch_size, learning_rate, seed):
        return train(weights, biases, X, y, epochs, batch_size, learning_rate, 42)

    assert_wrong(verdict("03-train", fixed_seed), "ignores `seed`")


def _one_image(weights, biases, x):
    a = x
    for w, b in zip(weights, biases):
        a = sigmoid(w @ a + b)
    return a


@pytest.mark.parametrize("looped", [
    lambda w, b, X: np.array([_one_image(w, b, x) for x in X]),
    lambda w, b, X: np.array([_one_image(w, b, X[i]) for i in range(len(X))]),
    lambda w, b, X: np.array(list(map(lambda x: _one_image(w, b, x), X))),
    lambda w, b, X: np.apply_along_axis(lambda x: _one_image(w, b, x), 1, X),
    lambda w, b, X: np.vstack([_one_image(w, b, x) for x in X]),
])
def test_batch_with_a_loop_over_the_images_fails(looped):
    assert_wrong(verdict("03-feedforward-batch", looped), "one at a time", "A @ w.T")


@pytest.mark.parametrize("vectorized", [
    lambda w, b, X: evaluate_batch(w, b, np.asarray(X)),
    lambda w, b, X: _columns(w, b, X),
    lambda w, b, X: _einsum(w, b, X),
])
def test_batch_other_vectorized_forms_pass(vectorized):
    assert verdict("03-feedforward-batch", vectorized).status == CORRECT


def _columns(weights, biases, X):
    A = X.T
    for w, b in zip(weights, biases):
        A = sigmoid(w @ A + b[:, None])
    return A.T


def _einsum(weights, biases, X):
    A = X
    for w, b in zip(weights, biases):
        A = sigmoid(np.einsum("oi,ni->no", w, A) + b)
    return A


def test_one_layer_convention_in_hints_text_and_solution():
    # Issue 12: layer l's weights are `weights[l - 1]` in the text, every hint and the
    # solution alike; no hint may count the layers another way.
    import inspect
    import json
    import re
    from pathlib import Path

    from coursekit.checks import nb03

    other_ways = re.compile(r"(weights|biases|grad_w|grad_b)\[l( \+ 1)?\]")
    assert not other_ways.search(inspect.getsource(nb03))
    notebook = Path(__file__).resolve().parents[1] / "solutions" / "03_mlp_from_scratch.ipynb"
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    text = "\n".join("".join(cell["source"]) for cell in cells)
    assert not other_ways.search(text)
    assert "`weights[l - 1]` and `biases[l - 1]`" in text
    assert "delta = (weights[l - 1].T @ delta) * sigmoid_prime(zs[l - 2])" in text


def test_hints_for_going_back_use_the_notebooks_convention():
    def untransposed_back(weights, biases, X, y):
        grad_w = [np.zeros_like(w) for w in weights]
        grad_b = [np.zeros_like(b) for b in biases]
        for x, label in zip(X, y):
            activations, zs = [x], []
            for w, b in zip(weights, biases):
                zs.append(w @ activations[-1] + b)
                activations.append(sigmoid(zs[-1]))
            delta = 2 * (activations[-1] - np.eye(10)[label]) * sigmoid_prime(zs[-1])
            for l in range(len(weights), 0, -1):
                grad_w[l - 1] += np.outer(delta, activations[l - 1])
                grad_b[l - 1] += delta
                if l > 1:
                    delta = (weights[l - 1] @ delta) * sigmoid_prime(zs[l - 2])
        return [g / len(X) for g in grad_w], [g / len(X) for g in grad_b]

    exercise = judging.get("03-backprop")
    cases = exercise.cases(0)[:1]  # the square network, where the mistake still runs
    result = exercise.judge(exercise.collect(untransposed_back, cases), cases)
    assert_wrong(result, "`weights[l - 1]` itself", "weights[l - 1].T @ delta")


def test_backprop_with_two_hard_coded_layers():
    def two_layers(weights, biases, X, y):
        grad_w = [np.zeros_like(weights[0]), np.zeros_like(weights[1])]
        grad_b = [np.zeros_like(biases[0]), np.zeros_like(biases[1])]
        for x, label in zip(X, y):
            z1 = weights[0] @ x + biases[0]
            a1 = sigmoid(z1)
            z2 = weights[1] @ a1 + biases[1]
            delta2 = 2 * (sigmoid(z2) - np.eye(10)[label]) * sigmoid_prime(z2)
            delta1 = (weights[1].T @ delta2) * sigmoid_prime(z1)
            grad_w[1] += np.outer(delta2, a1)
            grad_b[1] += delta2
            grad_w[0] += np.outer(delta1, x)
            grad_b[0] += delta1
        return [g / len(X) for g in grad_w], [g / len(X) for g in grad_b]

    result = verdict("03-backprop", two_layers)  # breaks on the 3-layer network
    assert result.status == ERROR and "6-5-4-10 network raised" in result.message, result
    assert "by hand" in result.hint and "Loop over the layers" in result.hint

    def two_layers_padded(weights, biases, X, y):
        # Runs on every network, but returns two gradients whatever its depth.
        small = [w for w in weights[:2]], [b for b in biases[:2]]
        if len(weights) > 2:
            return [np.zeros_like(w) for w in small[0]], [np.zeros_like(b) for b in small[1]]
        return two_layers(weights, biases, X, y)

    assert_wrong(verdict("03-backprop", two_layers_padded), "2 layers only",
                 "range(len(weights), 0, -1)")


def test_batch_with_two_hard_coded_layers():
    def two_layers(weights, biases, X):
        A1 = sigmoid(X @ weights[0].T + biases[0])
        return sigmoid(A1 @ weights[1].T + biases[1])

    assert_wrong(verdict("03-feedforward-batch", two_layers), "handles 2 layer(s)",
                 "zip(weights, biases)")


# ---------------------------------------------------------------- issue 12, second pass


def test_network_generator_made_inside_the_layer_loop():
    def reseeded(sizes, seed):
        weights, biases = [], []
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            rng = np.random.default_rng(seed)  # afresh for every layer
            weights.append(rng.random((n_out, n_in)))
            biases.append(rng.random(n_out))
        return weights, biases

    assert_wrong(verdict("03-network", reseeded), "once", "before the loop")


def test_sigmoid_must_work_on_a_single_number():
    def elementwise(z):
        return np.array([1 / (1 + np.exp(-v)) for v in z])

    result = verdict("03-sigmoid", elementwise)
    assert result.status in (checks.WRONG, ERROR), result
    text = (result.message + " " + result.hint).lower()
    assert "single number" in text and "sigmoid(0.0)" in text, result


def test_sigmoid_returning_an_array_for_a_number_passes():
    assert verdict("03-sigmoid", lambda z: 1 / (1 + np.exp(-np.asarray(z)))).passed


def test_feedforward_bias_outside_the_sigmoid():
    def bias_outside(weights, biases, x):
        activations = [x]
        for w, b in zip(weights, biases):
            activations.append(sigmoid(w @ activations[-1]) + b)
        return activations

    assert_wrong(verdict("03-feedforward", bias_outside), "bias", "inside")


def _backprop_variant(*, outer_reversed=False, output_prime=True):
    """The notebook's backprop with the output layer's outer product reversed, or its σ′ left out."""

    def backprop(weights, biases, X, y):
        grad_w = [np.zeros_like(w) for w in weights]
        grad_b = [np.zeros_like(b) for b in biases]
        L = len(weights)
        for x, label in zip(X, y):
            activations, zs = [x], []
            for w, b in zip(weights, biases):
                zs.append(w @ activations[-1] + b)
                activations.append(sigmoid(zs[-1]))
            delta = 2 * (activations[-1] - np.eye(10)[label])
            if output_prime:
                delta = delta * sigmoid_prime(zs[-1])
            for l in range(L, 0, -1):
                if outer_reversed and l == L:
                    grad_w[l - 1] += np.outer(activations[l - 1], delta)
                else:
                    grad_w[l - 1] += np.outer(delta, activations[l - 1])
                grad_b[l - 1] += delta
                if l > 1:
                    delta = (weights[l - 1].T @ delta) * sigmoid_prime(zs[l - 2])
        return [g / len(X) for g in grad_w], [g / len(X) for g in grad_b]

    return backprop


def test_backprop_reversed_outer_product_is_named():
    result = verdict("03-backprop", _backprop_variant(outer_reversed=True))
    assert result.status in (checks.WRONG, ERROR), result
    text = (result.message + " " + result.hint).lower()
    assert "np.outer(delta, activations[" in text and "transpose" in text, result
    assert "finite differences" not in text, result


def test_backprop_without_the_output_sigmoid_prime_is_named():
    result = verdict("03-backprop", _backprop_variant(output_prime=False))
    assert_wrong(result, "output", "sigmoid_prime")
    assert "finite differences" not in result.hint


def test_train_using_the_notebooks_globals_is_named():
    train = make_train()
    X_train, y_train = np.random.default_rng(0).random((20, 64)), np.arange(20) % 10

    def uses_globals(weights, biases, X, y, epochs, batch_size, learning_rate, seed):
        weights, biases, _ = train(weights, biases, X, y, epochs, batch_size,
                                   learning_rate, seed)
        return weights, biases, [cost(weights, biases, X_train, y_train)]

    result = verdict("03-train", uses_globals)
    assert "X_train" in result.hint and "`X`" in result.hint, result


def test_train_with_array_split_batches_is_named():
    backprop = make_backprop()

    def split(weights, biases, X, y, epochs, batch_size, learning_rate, seed):
        rng = np.random.default_rng(seed)
        losses = []
        for _ in range(epochs):
            order = rng.permutation(len(X))
            for rows in np.array_split(order, math.ceil(len(X) / batch_size)):
                grad_w, grad_b = backprop(weights, biases, X[rows], y[rows])
                weights = [w - learning_rate * g for w, g in zip(weights, grad_w)]
                biases = [b - learning_rate * g for b, g in zip(biases, grad_b)]
            losses.append(cost(weights, biases, X, y))
        return weights, biases, losses

    assert_wrong(verdict("03-train", split), "array_split", "batch_size")


def test_cost_and_backprop_using_the_notebooks_globals_are_named():
    from coursekit.data import first_split, load_digits
    X_train, y_train, _, _ = first_split(*load_digits())

    def cost_of_globals(weights, biases, X, y):
        return cost(weights, biases, X_train, y_train)

    assert_wrong(verdict("03-cost", cost_of_globals), "X_train", "`X` and `y`")
    backprop = make_backprop()

    def backprop_of_globals(weights, biases, X, y):
        return backprop(weights, biases, X_train[:len(X)], y_train[:len(y)])

    result = verdict("03-backprop", backprop_of_globals)
    assert "X_train" in result.hint and "`X` and `y`" in result.hint, result


def test_network_returning_one_pair_per_layer_is_named():
    def pairs(sizes, seed):
        weights, biases = random_network(sizes, seed)
        return list(zip(weights, biases))

    assert_wrong(verdict("03-network", pairs), "pair per layer", "two lists")


def test_feedforward_batch_bias_outside_the_sigmoid():
    def bias_outside(weights, biases, X):
        A = X
        for w, b in zip(weights, biases):
            A = sigmoid(A @ w.T) + b
        return A

    assert_wrong(verdict("03-feedforward-batch", bias_outside), "bias", "inside")
