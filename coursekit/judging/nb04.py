"""Notebook 04's judges: cases, references and hints.

The judges fit the notebook's ``MLPClassifier`` themselves (well under a
second, cached). Exercise 1 is judged on the learner's model itself, not on
figures read off it: its settings, which name the usual slips (the default
activation, the default learning rate, another solver), and the accuracies
its fitted weights give, computed by the judge and compared with the
reference's."""

import threading
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import log_loss
from sklearn.neural_network import MLPClassifier

from .. import nn
from ..checks import nb04 as specs
from ..checks.results import correct, wrong
from ..checks.wire import plain_or_name
from ..data import first_split, load_digits
from .base import Judge
from .computed_once import computed_once
from .plain_answers import as_float_array, as_float_arrays, describe_shape, object_arrays

#: The notebook's model: one hidden layer of 16 logistic units, as in the source.
MODEL_SETTINGS = {"hidden_layer_sizes": (16,), "activation": "logistic",
                  "learning_rate_init": 0.1, "random_state": 1, "max_iter": 100}


def _split():
    X, y = load_digits()
    return first_split(X, y)


_FIT_LOCK = threading.Lock()


@computed_once(maxsize=8)
def fitted_model(**changes):
    """The notebook's MLPClassifier fitted on the first 1,000 images.

    Parameters
    ----------
    **changes
        Settings that replace those of :data:`MODEL_SETTINGS` (to rebuild a
        learner's slip).

    Returns
    -------
    MLPClassifier
    """
    X_train, y_train, _, _ = _split()
    model = MLPClassifier(**{**MODEL_SETTINGS, **changes})
    # catch_warnings swaps the process's warning filters, which is not thread-safe: the
    # grader judges submissions in several threads, so one fit at a time.
    with _FIT_LOCK, warnings.catch_warnings():
        # The slips rebuilt here may stop at max_iter before converging; only their
        # figures matter to the judge.
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X_train, y_train)


def _accuracies(model):
    X_train, y_train, X_held_out, y_held_out = _split()
    return model.score(X_train, y_train), model.score(X_held_out, y_held_out)


def squared_distance_cost(probabilities, y):
    """Mean over images of the squared distance between probabilities and one-hot targets."""
    return float(np.mean(nn.squared_distances(probabilities, y)))


#: The settings the check compares, each with what a slip there means and how to fix it;
#: every other setting must keep scikit-learn's default.
_SETTING_SLIPS = {
    "activation": ("the hidden units are {got}, not sigmoids.",
                   'pass `activation="logistic"` for sigmoid units (the default is ReLU).'),
    "learning_rate_init": ("the learning rate is {got}.", "pass `learning_rate_init=0.1`."),
    "solver": ("the solver is {got}.",
               "keep scikit-learn's default solver, adam, which the figures of this notebook "
               "use (leave `solver` out)."),
    "hidden_layer_sizes": ("the hidden layers are {got}.", "pass `hidden_layer_sizes=(16,)`: "
                           "one hidden layer of 16 units."),
    "random_state": ("the model was seeded with random_state={got}.",
                     "pass `random_state=1`: this notebook's figures come from it, and without "
                     "it every run starts from other weights."),
    "max_iter": ("max_iter is {got}.", "pass `max_iter=100`."),
}


def _reference_settings():
    return {name: plain_or_name(value) for name, value in
            MLPClassifier(**MODEL_SETTINGS).get_params().items()}


def _same_setting(got, expected):
    if isinstance(expected, str) or expected is None or isinstance(got, str) or got is None:
        return got == expected
    try:
        return bool(np.array_equal(np.atleast_1d(got), np.atleast_1d(expected)))
    except (TypeError, ValueError):
        return False


def _shown(value):
    if isinstance(value, np.ndarray):
        return repr(tuple(value.tolist()))
    return repr(value)


def _predict(coefs, intercepts, X):
    """What a logistic MLPClassifier with these weights predicts (the largest output)."""
    a = X
    for index, (w, b) in enumerate(zip(coefs, intercepts)):
        z = a @ w + b
        a = nn.sigmoid(z) if index < len(coefs) - 1 else z
    return np.argmax(a, axis=1)


class Fit(Judge, specs.Fit):
    def judge(self, payload, cases):
        value = payload["value"]
        if value.get("type") == "class":
            return wrong(f"`model` is the class {value.get('name')} itself, not a model made "
                         f"from it.",
                         "call the class to create the model, `model = MLPClassifier(...)` "
                         "with the settings above, then `model.fit(X_train, y_train)`.")
        if value.get("type") != "MLPClassifier" or "settings" not in value:
            return wrong(f"`model` should be the fitted MLPClassifier; got this type: "
                         f"{value.get('type')}.",
                         "set `model = MLPClassifier(...)` with the settings above, then "
                         "`model.fit(X_train, y_train)`.")
        settings, reference = value["settings"], _reference_settings()
        for name, (message, hint) in _SETTING_SLIPS.items():
            got = settings.get(name)
            if not _same_setting(got, reference[name]):
                return wrong(message.format(got=_shown(got)), hint)
        for name, expected in reference.items():
            if not _same_setting(settings.get(name), expected):
                return wrong(f"`{name}` is {_shown(settings.get(name))}; the exercise leaves "
                             f"it at scikit-learn's default, {_shown(expected)}.",
                             f"create the model with exactly the settings given, without "
                             f"`{name}`.")
        if "coefs" not in value:
            return wrong("the settings are right, but `model` is not fitted yet.",
                         "fit it: `model.fit(X_train, y_train)`.")
        coefs, intercepts = as_float_arrays(value["coefs"], 2), as_float_arrays(
            value["intercepts"], 2)
        shapes = [(64, 16), (16, 10)]
        if (coefs is None or intercepts is None
                or [c.shape for c in coefs] != shapes
                or [i.shape for i in intercepts] != [(16,), (10,)]):
            return wrong("`model` was fitted on other data: its weights do not take the 64 "
                         "pixels of a digit to the 10 digits.",
                         "fit it on `X_train, y_train`, the first 1,000 images.")
        X_train, y_train, X_held_out, y_held_out = _split()
        got = np.array([np.mean(_predict(coefs, intercepts, X_train) == y_train),
                        np.mean(_predict(coefs, intercepts, X_held_out) == y_held_out)])
        expected = np.array(_accuracies(fitted_model()))
        if np.allclose(got, expected, rtol=0, atol=1e-12):
            return correct(f"the notebook's model, fitted on the first 1,000 images: "
                           f"{expected[0]:.3f} on them, {expected[1]:.3f} on images 1000-1499.")
        return wrong(f"the settings are right, but the fitted model scores "
                     f"({got[0]:.3f}, {got[1]:.3f}) where the notebook's scores "
                     f"({expected[0]:.3f}, {expected[1]:.3f}).",
                     "fit it once, from a fresh `MLPClassifier(...)`, on `X_train, y_train` "
                     "(the first 1,000 images, scaled as loaded), not on other images and "
                     "not with `partial_fit`.")


class TrainedCost(Judge, specs.TrainedCost):
    # A function of the probabilities, not a number: it is judged on inputs of its own,
    # so whatever model the learner fitted (and whatever its name), a right cost passes.
    def cases(self, seed):
        rng = np.random.default_rng(seed)
        cases = []
        for count, sharpness in ((7, 1.0), (3, 4.0), (1, 2.0), (40, 8.0)):
            z = sharpness * rng.normal(size=(count, 10))
            probabilities = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
            cases.append((probabilities, _labels(rng, count)))
        # The notebook's own probabilities: tiny costs, where a tolerance must be relative.
        X_train, y_train, _, _ = _split()
        cases.append((fitted_model().predict_proba(X_train[:50]), y_train[:50]))
        return cases

    def describe_case(self, case):
        probabilities, y = case
        return f"squared_cost(probabilities of shape {probabilities.shape}, y)"

    def error_hint(self, case, error):
        probabilities, _ = case
        if "broadcast" in error and str(len(probabilities)) in error:
            return (f"this check passes probabilities and labels of its own, here for "
                    f"{len(probabilities)} images, and something in the function has another "
                    "number of rows: does it use a name from outside it, such as the "
                    "notebook's `y_train` or `model`? Use its own parameters, "
                    "`probabilities` and `y`, so that it works on whatever it is given.")
        return None

    def judge(self, payload, cases):
        for (probabilities, y), output in zip(cases, payload["outputs"]):
            verdict = self._judge_case(probabilities, y, output)
            if verdict is not None:
                return verdict
        return correct("the squared distance to the one-hot targets, averaged over the "
                       "images, on probabilities of its own and on your model's.")

    def _judge_case(self, probabilities, y, output):
        where = f"on {len(y)} images"
        got = as_float_array(output)
        if got is None or got.size != 1:
            return wrong(f"{where} `squared_cost` returned {describe_shape(output)}.",
                         "average the images' squared distances into a single number.")
        got = float(got.reshape(()))
        targets = nn.one_hot(y)
        distances = nn.squared_distances(probabilities, y)
        expected = float(distances.mean())
        if _equal(got, expected):
            return None
        slips = [
            (expected * len(y), "the images' costs were added up, not averaged.",
             "divide by the number of images, or use `np.mean` over them."),
            (expected / 10, "the squared differences were averaged over the 10 outputs too.",
             "add up each image's 10 squared differences (`axis=1`), then average over "
             "the images."),
            (expected / 2, "that is half the cost.", "this course's cost has no factor 1/2."),
            (float(np.sqrt(distances).mean()), "the distances were not squared.",
             "square the differences: `(probabilities - targets) ** 2`, with no square root."),
            (squared_distance_cost(nn.one_hot(probabilities.argmax(axis=1)), y),
             "this cost compares the predicted labels, not the probabilities.",
             "use the probabilities themselves, all ten per image."),
            (float(np.mean(np.sum((probabilities - y[:, None]) ** 2, axis=1))),
             "the label itself was subtracted from the probabilities, not its one-hot "
             "target.", "compare with `np.eye(10)[y]`, one row of ten 0s and 1s per image."),
            (float(np.mean(np.sum(np.abs(probabilities - targets), axis=1))),
             "the differences were not squared: that is their absolute size.",
             "square them: `(probabilities - targets) ** 2`."),
            (log_loss(y, probabilities, labels=np.arange(10)),
             "that is the log-loss, the cost scikit-learn minimises, not notebook 03's "
             "squared distance.", _SQUARED_DISTANCE),
        ]
        for value, message, hint in slips:
            if _equal(got, value):
                return wrong(f"{where}: {message}", hint)
        return wrong(f"{where} the cost is {got:.6g}; expected {expected:.6g}.",
                     _SQUARED_DISTANCE)


def _equal(got, expected):
    # Relative only: the trained model's cost is about 1e-5, below any absolute slack.
    return bool(np.isclose(got, expected, rtol=1e-6, atol=0.0))


def _labels(rng, count):
    return rng.permutation(10)[:count] if count <= 10 else rng.integers(0, 10, count)


_SQUARED_DISTANCE = ("subtract the one-hot targets `np.eye(10)[y]` from `probabilities`, "
                     "square, add up along each row (`axis=1`), average over the rows.")


class CopyWeights(Judge, specs.CopyWeights):
    def cases(self, seed):
        rng = np.random.default_rng(seed)
        cases = []
        # A square network first, where forgetting the transpose still runs.
        for sizes in ([10, 10, 10], [64, 16, 10], [6, 5, 4, 10]):
            coefs = [rng.normal(size=(n_in, n_out)) for n_in, n_out in zip(sizes, sizes[1:])]
            intercepts = [rng.normal(size=n_out) for n_out in sizes[1:]]
            cases.append((coefs, intercepts))
        return cases

    def error_hint(self, case, error):
        if "inhomogeneous" in error or "no attribute 'T'" in error:
            return ("`coefs` is a list of matrices of different shapes, one per layer, and "
                    "a list cannot be transposed as a whole: transpose each matrix, "
                    "`[c.T for c in coefs]`.")
        return None

    def describe_case(self, case):
        return f"`to_network` on coefs of shapes {[c.shape for c in case[0]]}"

    def judge(self, payload, cases):
        for (coefs, intercepts), result in zip(cases, payload["outputs"]):
            if result["output"] is None:
                return wrong("`to_network` returned None.",
                             "did you forget `return weights, biases`?")
            if result.get("generators"):
                return wrong("`to_network` returned generators, `( ... for ...)`, not lists: "
                             "a generator hands out its items once, on demand, and has no "
                             "length or index.",
                             "use square brackets for a list: `weights = [c.T for c in coefs]` "
                             "and `biases = [b for b in intercepts]` (or `list(intercepts)`).")
            verdict = object_arrays(result.get("parts"), "to_network") or self._judge_case(
                coefs, intercepts, result["output"])
            if verdict is not None:
                return verdict
        changed = sorted({name for result in payload["outputs"] for name in result["changed"]})
        if changed:
            return wrong(f"the weights are right, but `to_network` changed the "
                         f"{' and '.join(changed)} list it was given: called with "
                         f"`model.coefs_`, it would leave the model itself with transposed "
                         f"matrices, and the model could no longer predict.",
                         "build new lists and leave the arguments alone: "
                         "`weights = [c.T for c in coefs]`, `biases = list(intercepts)`.")
        return correct("each weight matrix is scikit-learn's transposed to (n_out, n_in); "
                       "the biases are its intercepts.")

    @staticmethod
    def _judge_case(coefs, intercepts, output):
        layers = len(coefs)
        if isinstance(output, list) and len(output) == layers and all(
                isinstance(pair, list) and len(pair) == 2 for pair in output):
            first = [as_float_array(part) for part in output[0]]
            if (all(part is not None for part in first)
                    and first[0].shape == coefs[0].T.shape and np.allclose(first[0], coefs[0].T)
                    and first[1].size == intercepts[0].size
                    and np.allclose(first[1].ravel(), intercepts[0])):
                return wrong("`to_network` returned one (weights, bias) pair per layer, not "
                             "two lists.",
                             "return a list of all the weight matrices and a list of all the "
                             "bias vectors, `return weights, biases` with `weights = [c.T for "
                             "c in coefs]` and `biases = list(intercepts)`: `zip` pairs them "
                             "up, which is not what our network takes.")
        if not isinstance(output, list) or len(output) != 2:
            return wrong(f"`to_network` returned {describe_shape(output)}.",
                         "return two lists: `return weights, biases`.")
        whole = np.transpose(np.stack(coefs)) if len({c.shape for c in coefs}) == 1 else None
        first = output[0]
        if (whole is not None and isinstance(first, np.ndarray)
                and first.shape == whole.shape and np.allclose(first, whole)):
            return wrong("the whole list of matrices was transposed as one 3-D array "
                         f"(shape {whole.shape}), not each matrix on its own.",
                         "transpose each matrix: `[c.T for c in coefs]`; "
                         "`np.transpose(coefs)` also swaps the layers with the rows.")
        weights, biases = (as_float_arrays(part, layers) for part in output)
        fewer = as_float_arrays(output[0], 2)
        if weights is None and layers > 2 and fewer is not None and all(
                w.shape == c.T.shape and np.allclose(w, c.T) for w, c in zip(fewer, coefs)):
            return wrong(f"for a network of {layers} layers `to_network` returned the first "
                         f"2 weight matrices only: it handles 2 layers, not any number.",
                         "loop over the layers instead of writing one line per layer: "
                         "`[c.T for c in coefs]`.")
        if weights is None or biases is None:
            return wrong(f"for a network of {layers} layers expected {layers} weight "
                         f"matrices and {layers} bias vectors.",
                         "make one entry per layer in each list.")
        if all(w.ndim == 1 for w in weights) and all(b.ndim == 2 for b in biases):
            return wrong("weights and biases are swapped.", "return `weights, biases`, "
                                                            "in that order.")
        for index, (w, c) in enumerate(zip(weights, coefs)):
            if w.shape == c.shape and np.allclose(w, c) and not np.allclose(w, c.T):
                return wrong(f"weights[{index}] is `coefs_[{index}]` as it is, of shape "
                             f"(n_in, n_out).",
                             "our network wants (n_out, n_in): transpose with `.T`.")
            if w.shape != c.T.shape:
                return wrong(f"weights[{index}] has shape {w.shape}, but `coefs[{index}]` "
                             f"has shape {c.shape}; expected {c.T.shape}.",
                             f"build the lists from the arguments, `coefs[{index}].T`, not "
                             f"from `model` or another variable outside the function.")
            if not np.allclose(w, c.T):
                return wrong(f"weights[{index}] holds other values than `coefs_[{index}].T`.",
                             "copy the matrices in order, first layer first.")
        for index, (b, i) in enumerate(zip(biases, intercepts)):
            if b.size != i.size or not np.allclose(b.ravel(), i):
                return wrong(f"biases[{index}] differs from `intercepts_[{index}]`.",
                             "the biases are the intercepts, unchanged and in order.")
            if b.shape != i.shape:
                return wrong(f"biases[{index}] has the right values but shape {b.shape}; "
                             f"our network's biases are flat, shape {i.shape}.",
                             "use the intercepts as they are, without reshaping them.")
        return None


EXERCISES = [Fit(), TrainedCost(), CopyWeights()]
