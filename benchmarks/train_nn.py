"""Benchmark: train the reference network and scikit-learn's MLPClassifier side by side.

Both get the same task: a 64-16-10 network of logistic units, trained for the
same number of epochs with the same batch size on the course's first 1,000
digits, then scored on images 1000-1499. Each keeps its own optimizer (plain
mini-batch gradient descent on the squared-distance cost for ``coursekit.nn``;
scikit-learn's default SGD with momentum on the log-loss), so the comparison is
of what each does in one run, not of identical arithmetic.

Targets: the reference takes at most half of scikit-learn's time, and its
held-out accuracy is at most one point below scikit-learn's.

Run ``python benchmarks/train_nn.py`` for a table; ``run()`` returns the rows
that ``benchmarks/run.py`` collects.
"""

import warnings

from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_limits

from coursekit import nn
from coursekit.data import first_split, load_digits

try:
    from common import best_times, entry
except ImportError:  # imported as benchmarks.train_nn
    from .common import best_times, entry

HIDDEN = 16
EPOCHS = 30
BATCH_SIZE = 10
SEED = 0

TIME_RATIO_TARGET = 0.5
ACCURACY_GAP_TARGET = 1.0  # percentage points


def train_reference(X_train, y_train):
    """Train ``coursekit.nn``'s network; return a function giving accuracy on (X, y)."""
    weights, biases = nn.init_network([X_train.shape[1], HIDDEN, 10], random_state=SEED)
    weights, biases, _ = nn.train(weights, biases, X_train, y_train, epochs=EPOCHS,
                                  batch_size=BATCH_SIZE, learning_rate=3.0,
                                  random_state=SEED)
    return lambda X, y: nn.accuracy(weights, biases, X, y)


def train_sklearn(X_train, y_train):
    """Train MLPClassifier for exactly ``EPOCHS`` epochs; return its ``score``."""
    model = MLPClassifier(
        hidden_layer_sizes=(HIDDEN,), activation="logistic", solver="sgd",
        learning_rate_init=0.1, batch_size=BATCH_SIZE, max_iter=EPOCHS,
        # tol=0 with a patience longer than the run: stop after EPOCHS epochs, not before.
        tol=0.0, n_iter_no_change=EPOCHS + 1, random_state=SEED,
    )
    with warnings.catch_warnings():
        # Stopping at max_iter is what we ask for here; the warning says only that.
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X_train, y_train)
    return model.score


def run(repeat=3):
    """Time both trainings side by side and score both networks.

    Parameters
    ----------
    repeat : int, default=3
        Rounds of timing; each side's best round counts.

    Returns
    -------
    list of dict
        One row per figure, with keys ``name``, ``value``, ``target``
        (``"-"`` for a figure that is only reported), ``unit`` and ``met``.
    """
    X, y = load_digits()
    X_train, y_train, X_held_out, y_held_out = first_split(X, y)
    # Both trainings are seeded, so the networks timed are the networks scored.
    ours_accuracy = 100 * train_reference(X_train, y_train)(X_held_out, y_held_out)
    theirs_accuracy = 100 * train_sklearn(X_train, y_train)(X_held_out, y_held_out)
    # Batches of 10 images are far too small to share between BLAS threads; on a
    # busy 2-core machine the hand-over alone would swamp both timings.
    with threadpool_limits(limits=1, user_api="blas"):
        times = best_times({"ours": lambda: train_reference(X_train, y_train),
                            "theirs": lambda: train_sklearn(X_train, y_train)},
                           repeat=repeat)
    ratio = times["ours"] / times["theirs"]
    floor = theirs_accuracy - ACCURACY_GAP_TARGET  # being better than scikit-learn is fine
    task = f"64-{HIDDEN}-10, {EPOCHS} epochs, batches of {BATCH_SIZE}"
    return [
        entry(f"training {task}: coursekit.nn", round(times["ours"], 3), "-", "s", True),
        entry(f"training {task}: MLPClassifier", round(times["theirs"], 3), "-", "s", True),
        entry("training time ratio, coursekit.nn / MLPClassifier", round(ratio, 2),
              f"<= {TIME_RATIO_TARGET:g}", "x", ratio <= TIME_RATIO_TARGET),
        entry("held-out accuracy (images 1000-1499), MLPClassifier",
              round(theirs_accuracy, 1), "-", "%", True),
        entry("held-out accuracy (images 1000-1499), coursekit.nn",
              round(ours_accuracy, 1), f">= {floor:.1f}", "%", ours_accuracy >= floor),
    ]


def format_table(rows):
    """The rows of :func:`run` as a text table."""
    width = max(len(row["name"]) for row in rows)
    lines = [f"{'figure':<{width}}  {'value':>8}  {'unit':<4}  {'target':<8}  met"]
    for row in rows:
        lines.append(f"{row['name']:<{width}}  {row['value']:>8}  {row['unit']:<4}  "
                     f"{row['target']:<8}  {'yes' if row['met'] else 'NO'}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(format_table(run()))
