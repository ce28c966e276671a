"""Step-by-step training: mini-batches and first-layer snapshots."""

import numpy as np
import pytest
from sklearn.linear_model import SGDClassifier
from sklearn.neural_network import MLPClassifier

from coursekit.data import load_digits
from coursekit.training import first_layer_snapshots, minibatches


def test_minibatches_cover_each_epoch_once_in_a_fresh_order():
    batches = minibatches(10, 3, random_state=0)
    first_epoch = [next(batches) for _ in range(3)]
    second_epoch = [next(batches) for _ in range(3)]
    for epoch in (first_epoch, second_epoch):
        rows = np.concatenate(epoch)
        assert all(len(batch) == 3 for batch in epoch)
        assert len(set(rows)) == 9  # one of the 10 rows waits for a later epoch
    assert not np.array_equal(np.concatenate(first_epoch), np.concatenate(second_epoch))


def test_minibatches_are_seeded():
    a, b = minibatches(50, 8, random_state=3), minibatches(50, 8, random_state=3)
    assert all(np.array_equal(next(a), next(b)) for _ in range(20))


@pytest.mark.parametrize("n_samples, batch_size, message", [
    (10, 11, "batch_size must be at most n_samples"),
    (0, 1, "n_samples must be a positive whole number"),
    (10, 2.5, "batch_size must be a positive whole number"),
    (10, True, "batch_size must be a positive whole number"),
])
def test_minibatches_refuse_bad_sizes(n_samples, batch_size, message):
    # On the call itself, not at the first next() as a generator function would.
    with pytest.raises(ValueError, match=message):
        minibatches(n_samples, batch_size)


def network(**kwargs):
    return MLPClassifier(hidden_layer_sizes=(6,), learning_rate_init=0.01, random_state=0,
                         **kwargs)


def test_snapshots_hold_one_row_per_hidden_unit_at_each_step():
    X, y = load_digits()
    snapshots = first_layer_snapshots(network(), X[:300], y[:300], steps=(1, 5, 20),
                                      classes=np.arange(10))
    assert list(snapshots) == [1, 5, 20]
    for weights in snapshots.values():
        assert weights.shape == (6, 64)
    # Training moves the weights, and each snapshot is a copy, not a view of the live model.
    assert not np.allclose(snapshots[1], snapshots[20])


def test_one_step_is_one_partial_fit_on_one_batch():
    X, y = load_digits()
    X, y = X[:200], y[:200]
    snapshots = first_layer_snapshots(network(), X, y, steps=(3,), batch_size=16,
                                      classes=np.arange(10), random_state=1)
    by_hand = network()
    batches = minibatches(len(X), 16, random_state=1)
    for _ in range(3):
        rows = next(batches)
        by_hand.partial_fit(X[rows], y[rows], classes=np.arange(10))
        assert by_hand.n_iter_ >= 1
    assert np.allclose(snapshots[3], by_hand.coefs_[0].T)


def test_snapshots_are_reproducible():
    X, y = load_digits()
    a = first_layer_snapshots(network(), X[:200], y[:200], steps=(10,), classes=np.arange(10))
    b = first_layer_snapshots(network(), X[:200], y[:200], steps=(10,), classes=np.arange(10))
    assert np.array_equal(a[10], b[10])


@pytest.mark.parametrize("kwargs, message", [
    ({"steps": (10, 5)}, "increasing"),
    ({"steps": ()}, "non-empty"),
    ({"steps": (0, 3)}, "positive whole number"),
    ({"steps": (1, True)}, r"steps\[1\] must be a positive whole number"),
    ({"steps": 1000}, r"steps must be a sequence of step counts.*\(1000,\)"),
    ({"steps": (5,), "batch_size": True}, "batch_size must be a positive whole number"),
])
def test_bad_steps_are_refused(kwargs, message):
    X, y = load_digits()
    with pytest.raises(ValueError, match=message):
        first_layer_snapshots(network(), X[:100], y[:100], **kwargs)


def test_a_model_that_would_make_several_updates_per_call_is_refused():
    X, y = load_digits()
    with pytest.raises(ValueError, match="model.batch_size is 8"):
        first_layer_snapshots(network(batch_size=8), X[:100], y[:100], steps=(1,),
                              batch_size=32)


def test_a_model_without_partial_fit_is_refused():
    X, y = load_digits()
    with pytest.raises(ValueError, match="partial_fit"):
        first_layer_snapshots(object(), X[:100], y[:100], steps=(1,))


def test_a_linear_model_is_refused_before_any_training():
    # SGDClassifier has partial_fit but no coefs_: say so at once, not after a step.
    X, y = load_digits()
    linear = SGDClassifier(random_state=0)
    with pytest.raises(ValueError, match="model must be an MLPClassifier.*got SGDClassifier"):
        first_layer_snapshots(linear, X[:100], y[:100], steps=(1,))
    assert not hasattr(linear, "coef_")  # untouched


def test_mismatched_data_is_refused():
    X, y = load_digits()
    with pytest.raises(ValueError, match=r"y must hold one label per row of X, shape \(100,\)"):
        first_layer_snapshots(network(), X[:100], y[:99], steps=(1,))
    with pytest.raises(ValueError, match="X must have shape"):
        first_layer_snapshots(network(), X[0], y[:1], steps=(1,))
