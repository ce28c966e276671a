"""Tests of the reference network, coursekit.nn."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from coursekit import nn
from coursekit.data import first_split, load_digits


@pytest.fixture(scope="module")
def split():
    X, y = load_digits()
    return first_split(X, y)


@pytest.fixture
def network():
    return nn.init_network([6, 5, 4, 10], random_state=0)


@pytest.fixture
def batch():
    rng = np.random.default_rng(1)
    return rng.random((7, 6)), rng.integers(0, 10, 7)


# ---------------------------------------------------------------- shapes


@pytest.mark.parametrize("init", nn.INITS)
def test_init_shapes_are_n_out_by_n_in(init):
    weights, biases = nn.init_network([64, 16, 10], init=init, random_state=0)
    assert [w.shape for w in weights] == [(16, 64), (10, 16)]
    assert [b.shape for b in biases] == [(16,), (10,)]
    assert nn.layer_sizes(weights, biases) == [64, 16, 10]


def test_init_is_seeded_and_uniform_stays_in_unit_interval():
    first = nn.init_network([5, 3, 10], init="uniform", random_state=3)
    second = nn.init_network([5, 3, 10], init="uniform", random_state=3)
    for a, b in zip(first[0] + first[1], second[0] + second[1]):
        np.testing.assert_array_equal(a, b)
    values = np.concatenate([p.ravel() for p in first[0] + first[1]])
    assert values.min() >= 0 and values.max() < 1


def test_feed_forward_shapes_for_one_image_and_a_batch(network, batch):
    weights, biases = network
    X, _ = batch
    one = nn.feed_forward(weights, biases, X[0])
    many = nn.feed_forward(weights, biases, X)
    assert [a.shape for a in one] == [(6,), (5,), (4,), (10,)]
    assert [a.shape for a in many] == [(7, 6), (7, 5), (7, 4), (7, 10)]
    for layer in range(4):
        np.testing.assert_allclose(many[layer][0], one[layer])


def test_feed_forward_is_sigmoid_of_weights_times_input_plus_bias(network, batch):
    weights, biases = network
    x = batch[0][0]
    a = x
    for w, b in zip(weights, biases):
        a = 1 / (1 + np.exp(-(w @ a + b)))
    np.testing.assert_allclose(nn.evaluate(weights, biases, x), a)


def test_sigmoid_and_its_derivative():
    z = np.array([-1000.0, -2.0, 0.0, 2.0, 1000.0])
    s = nn.sigmoid(z)  # no overflow warning, even at -1000 (warnings are errors here)
    np.testing.assert_allclose(s, [0, 1 / (1 + np.exp(2)), 0.5, 1 / (1 + np.exp(-2)), 1])
    np.testing.assert_allclose(nn.sigmoid_prime(0.0), 0.25)
    h = 1e-6
    np.testing.assert_allclose(nn.sigmoid_prime(z[1:4]),
                               (nn.sigmoid(z[1:4] + h) - nn.sigmoid(z[1:4] - h)) / (2 * h),
                               rtol=1e-6)


def test_gradient_shapes_match_the_network(network, batch):
    grad_w, grad_b = nn.gradients(*network, *batch)
    assert [g.shape for g in grad_w] == [w.shape for w in network[0]]
    assert [g.shape for g in grad_b] == [b.shape for b in network[1]]


# ---------------------------------------------------------------- the figures


def test_random_uniform_network_costs_about_nine_and_guesses(split):
    X_train, y_train, X_held_out, y_held_out = split
    weights, biases = nn.init_network([64, 16, 10], init="uniform", random_state=0)
    assert nn.cost(weights, biases, X_train, y_train) == pytest.approx(8.99, abs=0.01)
    assert 0.05 < nn.accuracy(weights, biases, X_held_out, y_held_out) < 0.15


def test_cost_is_mean_squared_distance_to_one_hot(network, batch):
    X, y = batch
    outputs = nn.evaluate(*network, X)
    expected = np.mean([np.sum((o - np.eye(10)[t]) ** 2) for o, t in zip(outputs, y)])
    assert nn.cost(*network, X, y) == pytest.approx(expected)


def test_gradients_equal_finite_differences(network, batch):
    analytic = nn.gradients(*network, *batch)
    numeric = nn.numerical_gradients(*network, *batch)
    assert nn.relative_error(analytic[0] + analytic[1], numeric[0] + numeric[1]) < 1e-8


def test_relative_error():
    assert nn.relative_error([np.zeros(3)], [np.zeros(3)]) == 0.0
    assert nn.relative_error(np.ones(4), np.ones(4)) == 0.0
    assert nn.relative_error(np.ones(4), -np.ones(4)) == pytest.approx(1.0)


def test_training_reaches_ninety_percent_held_out_and_is_seeded(split):
    X_train, y_train, X_held_out, y_held_out = split
    start = nn.init_network([64, 16, 10], random_state=0)
    weights, biases, losses = nn.train(*start, X_train, y_train, epochs=10, random_state=0)
    assert nn.accuracy(weights, biases, X_held_out, y_held_out) >= 0.90
    assert losses.shape == (10,) and losses[-1] < losses[0]
    again = nn.train(*start, X_train, y_train, epochs=10, random_state=0)
    for a, b in zip(weights + biases, again[0] + again[1]):
        np.testing.assert_array_equal(a, b)


def test_training_records_the_cost_after_each_epoch(split):
    # As notebook 03's loop does: losses[k] is the cost of the network after epoch k + 1.
    X_train, y_train, _, _ = split
    start = nn.init_network([64, 16, 10], random_state=0)
    one_epoch = nn.train(*start, X_train, y_train, epochs=1, random_state=3)
    weights, biases, losses = nn.train(*start, X_train, y_train, epochs=2, random_state=3)
    assert losses[0] == pytest.approx(nn.cost(one_epoch[0], one_epoch[1], X_train, y_train))
    assert losses[1] == pytest.approx(nn.cost(weights, biases, X_train, y_train))


def test_training_leaves_the_starting_network_alone(network, batch):
    before = [p.copy() for p in network[0] + network[1]]
    nn.train(*network, *batch, epochs=2, batch_size=3)
    for a, b in zip(before, network[0] + network[1]):
        np.testing.assert_array_equal(a, b)


def test_one_full_batch_epoch_is_one_gradient_step(network, batch):
    X, y = batch
    weights, biases, _ = nn.train(*network, X, y, epochs=1, batch_size=len(X),
                                  learning_rate=0.5)
    grad_w, grad_b = nn.gradients(*network, X, y)
    for new, old, grad in zip(weights + biases, network[0] + network[1], grad_w + grad_b):
        np.testing.assert_allclose(new, old - 0.5 * grad)


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize("sizes", [[64], [64, 0, 10], [64, 16.5, 10], "64-16-10", 64,
                                   [64, True, 10]])
def test_init_rejects_bad_sizes(sizes):
    with pytest.raises(ValueError, match="sizes"):
        nn.init_network(sizes)


def test_init_rejects_unknown_init():
    with pytest.raises(ValueError, match="init"):
        nn.init_network([3, 2], init="zeros")


def test_transposed_weights_are_named(network):
    weights, biases = network
    with pytest.raises(ValueError, match=r"weights\[1\].*\(n_out, n_in\)"):
        nn.layer_sizes([weights[0], weights[1].T, weights[2]], biases)


def test_scikit_learn_coefs_untransposed_blame_the_weights_not_the_biases():
    # Issue 12: nn.predict(model.coefs_, model.intercepts_, X) named the biases.
    from sklearn.neural_network import MLPClassifier

    X_train, y_train, X_held_out, _ = first_split(*load_digits())
    model = MLPClassifier(hidden_layer_sizes=(16,), activation="logistic", max_iter=5,
                          random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X_train[:200], y_train[:200])
    with pytest.raises(ValueError, match=r"^weights\[0\] has shape \(64, 16\), which is "
                                         r"\(n_in, n_out\).*\(16, 64\).*c.T for c in") as error:
        nn.predict(model.coefs_, model.intercepts_, X_held_out)
    assert "biases[0] must" not in str(error.value)
    weights = [c.T for c in model.coefs_]  # what the message says to do
    np.testing.assert_array_equal(nn.predict(weights, list(model.intercepts_), X_held_out),
                                  model.predict(X_held_out))


def test_a_later_layer_transposed_is_named_too():
    weights = [np.zeros((16, 64)), np.zeros((16, 10))]
    with pytest.raises(ValueError, match=r"^weights\[1\] has shape \(16, 10\), which is "
                                         r"\(n_in, n_out\)"):
        nn.layer_sizes(weights, [np.zeros(16), np.zeros(10)])


def test_wrong_biases_are_named(network):
    weights, biases = network
    with pytest.raises(ValueError, match=r"biases\[0\]"):
        nn.layer_sizes(weights, [biases[0][:, None]] + biases[1:])
    with pytest.raises(ValueError, match="biases must be a list"):
        nn.layer_sizes(weights, biases[:2])


def test_inputs_of_the_wrong_width_are_named(network):
    with pytest.raises(ValueError, match=r"x must have shape \(6,\)"):
        nn.feed_forward(*network, np.zeros(7))
    with pytest.raises(ValueError, match="X must have shape"):
        nn.predict(*network, np.zeros(6))


def test_labels_are_checked(network, batch):
    X, y = batch
    with pytest.raises(ValueError, match="y must hold one label per row"):
        nn.cost(*network, X, y[:-1])
    with pytest.raises(ValueError, match="y must be a 1-D array of whole-number labels"):
        nn.gradients(*network, X, y + 10)


@pytest.mark.parametrize("argument, value", [("epochs", 0), ("batch_size", 2.5),
                                             ("learning_rate", -1.0), ("epochs", True),
                                             ("learning_rate", True), ("batch_size", True),
                                             ("learning_rate", np.inf)])
def test_training_settings_are_checked(network, batch, argument, value):
    with pytest.raises(ValueError, match=argument):
        nn.train(*network, *batch, **{argument: value})


def test_numerical_gradients_rejects_a_bad_step(network, batch):
    for epsilon in (0, True):
        with pytest.raises(ValueError, match="epsilon must be a positive number"):
            nn.numerical_gradients(*network, *batch, epsilon=epsilon)


def test_no_images_is_refused_naming_X(network):
    with pytest.raises(ValueError, match=r"X must have shape \(n_images, 6\).*not be empty"):
        nn.train(*network, np.zeros((0, 6)), np.zeros(0, dtype=int))
    with pytest.raises(ValueError, match="X must have shape.*not be empty"):
        nn.cost(*network, np.zeros((0, 6)), np.zeros(0, dtype=int))


def test_relative_error_needs_matching_sizes():
    with pytest.raises(ValueError, match="same number of values"):
        nn.relative_error(np.ones(3), np.ones(4))


def test_squared_distances_per_image_and_shape_error():
    outputs = np.array([[1.0, 0.0, 0.0], [0.5, 0.5, 0.0]])
    np.testing.assert_allclose(nn.squared_distances(outputs, [0, 2]), [0.0, 1.5])
    with pytest.raises(ValueError, match=r"outputs must have shape \(n_images, n_classes\)"):
        nn.squared_distances(np.zeros(3), [0])
