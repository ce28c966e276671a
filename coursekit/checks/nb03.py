"""Notebook 03's exercises as a kernel sees them: names, answers, how to collect them.

Their judges are in :mod:`coursekit.judging.nb03`.
"""

import numpy as np

from .spec import ExerciseSpec, array_facts, part_types
from .wire import plain_or_name

NOTEBOOK = "03_mlp_from_scratch"


class NetworkExercise(ExerciseSpec):
    """A function exercise whose cases start with a network (weights, biases, ...).

    Its judge is :class:`coursekit.judging.nb03.networks.NetworkJudge`.
    """

    kind = "function"


class RandomNetwork(ExerciseSpec):
    id = "03-network"
    notebook = NOTEBOOK
    number = 1
    title = "a random network"
    points = 1
    answer_name = "random_network"
    kind = "function"

    def call(self, func, case):
        sizes, seed = case
        network = func(list(sizes), int(seed))
        if network is None:
            return None
        return {"output": plain_or_name(network), "parts": part_types(network)}


# ---------------------------------------------------------------- exercise 2

class Sigmoid(ExerciseSpec):
    id = "03-sigmoid"
    notebook = NOTEBOOK
    number = 2
    title = "the sigmoid"
    points = 1
    answer_name = "sigmoid"
    kind = "function"

    def call(self, func, case):
        return array_facts(func(*case))


# ---------------------------------------------------------------- exercise 3

class FeedForward(NetworkExercise):
    id = "03-feedforward"
    notebook = NOTEBOOK
    number = 3
    title = "feed-forward"
    points = 2
    answer_name = "feed_forward"


# ---------------------------------------------------------------- exercise 4

class Cost(NetworkExercise):
    id = "03-cost"
    notebook = NOTEBOOK
    number = 4
    title = "the squared-distance cost"
    points = 1
    answer_name = "cost"


# ---------------------------------------------------------------- exercise 5

class SigmoidPrime(ExerciseSpec):
    id = "03-sigmoid-prime"
    notebook = NOTEBOOK
    number = 5
    title = "the sigmoid's derivative"
    points = 1
    answer_name = "sigmoid_prime"
    kind = "function"

    def call(self, func, case):
        return array_facts(func(*case))


class Backprop(NetworkExercise):
    id = "03-backprop"
    notebook = NOTEBOOK
    number = 6
    title = "backpropagation"
    points = 3
    answer_name = "backprop"


def _changed(given, kept):
    """Whether a list of arrays passed to the learner (``given``) differs from ``kept``."""
    if not isinstance(given, list) or len(given) != len(kept):
        return True
    return any(not isinstance(g, np.ndarray) or g.shape != k.shape
               or not np.array_equal(g, k) for g, k in zip(given, kept))


class Train(NetworkExercise):
    id = "03-train"
    notebook = NOTEBOOK
    number = 7
    title = "mini-batch gradient descent"
    points = 2
    answer_name = "train"

    def call(self, func, case):
        weights, biases, X, y, epochs, batch_size, learning_rate, seed = case
        # Copies: a learner's in-place update must not change the case being judged;
        # comparing them afterwards shows whether it happened.
        given = ([w.copy() for w in weights], [b.copy() for b in biases], X.copy(), y.copy())
        output = plain_or_name(func(*given, epochs, batch_size, learning_rate, seed))
        changed = [name for name, part, kept in zip(("weights", "biases"), given,
                                                     (weights, biases)) if _changed(part, kept)]
        changed += [name for name, part, kept in zip(("X", "y"), given[2:], (X, y))
                    if part.shape != kept.shape or not np.array_equal(part, kept)]
        return {"output": output, "changed": changed}


# ---------------------------------------------------------------- exercise 8

class _WatchedImages(np.ndarray):
    """The images of a case, counting how many single rows the learner's code reads.

    A loop over the images, ``for x in X``, a comprehension, ``map``, ``X[i]`` or
    ``np.apply_along_axis`` reads them one row at a time; a matrix product reads none.
    Arrays computed from these images (views, ``A @ W.T``) share the count, so a loop
    over a layer's rows counts too.
    """

    def __array_finalize__(self, obj):
        self._rows = getattr(obj, "_rows", None)

    @classmethod
    def watch(cls, X):
        images = np.array(X, dtype=float).view(cls)
        images._rows = set()
        return images

    def rows_read(self):
        return len(self._rows) if self._rows is not None else 0

    def _note(self, index):
        if self._rows is not None and self.ndim >= 1:
            self._rows.add(index % max(len(self), 1))

    def __iter__(self):
        for index in range(len(self) if self.ndim else 0):
            self._note(index)
            yield np.ndarray.__getitem__(self, index)

    def __getitem__(self, key):
        first = key[0] if isinstance(key, tuple) and key else key
        if isinstance(first, (int, np.integer)) and not isinstance(first, bool):
            self._note(int(first))
        return super().__getitem__(key)


class EvaluateBatch(NetworkExercise):
    id = "03-feedforward-batch"
    notebook = NOTEBOOK
    number = 8
    title = "a whole batch at once"
    points = 2
    answer_name = "evaluate_batch"

    def call(self, func, case):
        weights, biases, X = case
        images = _WatchedImages.watch(X)
        returned = func([w.copy() for w in weights], [b.copy() for b in biases], images)
        return {"output": plain_or_name(returned), "rows_read": images.rows_read(),
                "array": isinstance(returned, np.ndarray), "type": type(returned).__name__}


EXERCISES = [RandomNetwork(), Sigmoid(), FeedForward(), Cost(), SigmoidPrime(), Backprop(),
             Train(), EvaluateBatch()]
