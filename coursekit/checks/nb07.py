"""Notebook 07's exercises as a kernel sees them: names, answers, how to collect them.

Their judges are in :mod:`coursekit.judging.nb07`.
"""

import numbers

import numpy as np

# scikit-learn is imported inside the functions that run in a kernel (where it is
# imported already): a grader that only reads submissions needs none of it.

from ..data import load_digits
from . import spec as specs_module
from .global_reads import global_reads
from .mnist_images import pack_mnist_images
from .spec import ExerciseSpec, QuestionSpec, array_facts
from .wire import plain, plain_or_name

NOTEBOOK = "07_weight_visualization"
CLASSES = np.arange(10)

#: The notebook's images, labels and answers: a function of exercises 1 and 2 that
#: reads one of them from outside itself is right on the notebook's parts only.
NOTEBOOK_DATA = ("X", "y", "X_rest", "y_rest", "X_train", "y_train", "X_valid", "y_valid",
                 "X_test", "y_test", "network_answers")


# ---------------------------------------------------------------- exercise 1


def build_model(spec):
    """A fresh, seeded model from a plain description (so cases travel as plain data).

    Parameters
    ----------
    spec : dict
        ``{"kind": "linear", "alpha": float, "random_state": int}`` for an
        :class:`~sklearn.linear_model.SGDClassifier` with log loss (at its default
        learning rate, or at a constant one with ``"eta0": float``, as the notebook's),
        or
        ``{"kind": "network", "hidden": int, "batch_size": int,
        "learning_rate_init": float, "random_state": int}`` for an
        :class:`~sklearn.neural_network.MLPClassifier`.
    """
    from sklearn.linear_model import SGDClassifier
    from sklearn.neural_network import MLPClassifier

    if spec.get("kind") == "linear":
        rate = {"learning_rate": "constant", "eta0": spec["eta0"]} if "eta0" in spec else {}
        return SGDClassifier(loss="log_loss", alpha=spec["alpha"], **rate,
                             random_state=spec["random_state"])
    if spec.get("kind") == "network":
        return MLPClassifier(hidden_layer_sizes=(spec["hidden"],), batch_size=spec["batch_size"],
                             learning_rate_init=spec["learning_rate_init"],
                             random_state=spec["random_state"])
    raise ValueError(f"spec['kind'] must be 'linear' or 'network'; got {spec.get('kind')!r}.")


def settings_of(model):
    """A model's settings (``get_params``) as text, to compare with the ones it was built with.

    Examples
    --------
    >>> settings_of(build_model({"kind": "linear", "alpha": 0.01, "random_state": 0}))["alpha"]
    '0.01'
    """
    try:
        return {name: repr(value) for name, value in model.get_params().items()}
    except Exception:  # replaced by something that is no estimator
        return None


class TrainInPeriods(ExerciseSpec):
    id = "07-train-in-periods"
    notebook = NOTEBOOK
    number = 1
    title = "train in periods, record the log loss"
    points = 2
    answer_name = "train_in_periods"
    kind = "function"
    def call(self, func, case):
        spec, *parts, periods = case
        model = build_model(spec)
        given = [part.copy() for part in parts]
        collected = {"outside": global_reads(func, NOTEBOOK_DATA)}
        try:
            collected["losses"] = plain_or_name(func(model, *given, periods))
        except NotImplementedError:
            raise
        except Exception as exc:  # judged with what the model learned, see judge()
            collected["raised"] = f"{type(exc).__name__}: {exc}"
        # The notebook's next cells use the model it passed in (`linear`, `network`):
        # what that model knows after the call is part of the answer, its settings too
        # (a learning rate halved per period trains another model than the one built).
        collected["settings"] = settings_of(model)
        classes = getattr(model, "classes_", None)
        collected["classes"] = None if classes is None else plain_or_name(classes)
        # How many images the model was shown tells rows added or left out from a
        # reordered training part (both models count them in `t_`).
        seen = getattr(model, "t_", None)
        collected["seen"] = float(seen) if isinstance(seen, numbers.Real) else None
        # Images of another type make weights of that type (float32 ones compute coarser).
        weights = getattr(model, "coef_", None)
        weights = getattr(model, "coefs_", [None])[0] if weights is None else weights
        collected["dtype"] = str(getattr(weights, "dtype", ""))
        try:
            collected["final"] = plain(model.predict_proba(parts[2]))
        except Exception:  # not fitted, or fitted on something else
            collected["final"] = None
        collected["changed_input"] = [
            name for name, part, kept in zip(("X_train", "y_train", "X_valid", "y_valid"),
                                             given, parts)
            if part.shape != kept.shape or not np.array_equal(part, kept)]
        return collected


# ---------------------------------------------------------------- exercise 2


class RowNormalizedConfusion(ExerciseSpec):
    id = "07-confusion-rates"
    notebook = NOTEBOOK
    number = 2
    title = "the row-normalized confusion matrix"
    points = 1
    answer_name = "row_normalized_confusion"
    kind = "function"
    def call(self, func, case):
        # A right answer divides 0 by 0 in the row of a digit without images: the NaN
        # that gives is accepted, and numpy's warning about it would only distract.
        with np.errstate(divide="ignore", invalid="ignore"):
            facts = array_facts(func(*case))
        facts["outside"] = global_reads(func, NOTEBOOK_DATA)
        return facts


# ---------------------------------------------------------------- exercise 3


def small_network(spec):
    """A network trained for one pass on a few digits, rebuilt alike on both sides.

    Parameters
    ----------
    spec : dict
        ``{"hidden": int or tuple of int, "pixels": 64, 16 or 128, "images": int,
        "random_state": int}``, and optionally ``"scale"``, a factor for the first
        layer's weights; 16 pixels are every fourth pixel of the digits, so
        that an answer that assumes 8x8 images shows, and 128 the digits side by side
        with themselves, so that one that assumes 64 pixels shows. A tuple of hidden
        sizes makes several hidden layers, where the first is not ``coefs_[-2]``.
    """
    from sklearn.neural_network import MLPClassifier

    X, y = load_digits()
    X, y = X[: spec["images"]], y[: spec["images"]]
    if spec["pixels"] == 16:
        X = X[:, ::4]
    elif spec["pixels"] == 128:
        X = np.hstack([X, X[:, ::-1]])
    network = MLPClassifier(hidden_layer_sizes=tuple(np.atleast_1d(spec["hidden"]).tolist()),
                            random_state=spec["random_state"])
    network.partial_fit(X, y, classes=CLASSES)
    # Weights well beyond ±1, as a trained network's grow: a clip that writes into the
    # network's own weights (`np.clip(W, -1, 1, out=W)`) shows.
    network.coefs_[0] *= spec.get("scale", 1)
    return network


class UnitWeights(ExerciseSpec):
    id = "07-unit-weights"
    notebook = NOTEBOOK
    number = 5
    title = "one row of weights per hidden unit"
    points = 1
    answer_name = "unit_weights"
    kind = "function"
    def call(self, func, case):
        (spec,) = case
        network = small_network(spec)
        # Weights and biases both: either changed makes the network predict otherwise.
        kept = {name: [w.copy() for w in getattr(network, name)]
                for name in ("coefs_", "intercepts_")}
        activation = network.out_activation_
        settings = repr(network.get_params())
        seen = (network.t_, network.n_iter_)
        facts = array_facts(func(network))
        facts["changed_network"] = [name for name, arrays in kept.items()
                                    if not _same_arrays(arrays, getattr(network, name, None))]
        if getattr(network, "out_activation_", None) != activation:
            facts["changed_network"].append("out_activation_")
        # Arrays of other shapes were put in the network (`coefs_[0] = coefs_[0].T`), not
        # written into: it can no longer predict at all.
        facts["reshaped_network"] = [name for name, arrays in kept.items()
                                     if not _same_shapes(arrays, getattr(network, name, None))]
        facts["changed_settings"] = repr(network.get_params()) != settings
        # A `fit` or `partial_fit` inside the function trains the notebook's network on:
        # the images it has seen and its passes over them tell that from an assignment.
        facts["trained"] = (getattr(network, "t_", None), getattr(network, "n_iter_", None)) != seen
        return facts


def _same_shapes(kept, now):
    """Whether ``now`` is a list of arrays of the shapes of those ``kept`` holds."""
    return isinstance(now, list) and len(now) == len(kept) and all(
        isinstance(b, np.ndarray) and a.shape == b.shape for a, b in zip(kept, now))


def _same_arrays(kept, now):
    """Whether ``now`` is a list of the arrays ``kept`` holds, value for value."""
    return isinstance(now, list) and len(now) == len(kept) and all(
        isinstance(b, np.ndarray) and a.shape == b.shape and np.array_equal(a, b)
        for a, b in zip(kept, now))


# ---------------------------------------------------------------- exercises 3 and 4

#: The notebook's three parts, by the names its cells give them.
PARTS = {"train": ("X_train", "y_train"), "valid": ("X_valid", "y_valid"),
         "test": ("X_test", "y_test")}


#: The most weights of a network on MNIST sent to the judge (3.2 MB): one of 400 hidden
#: units; a replay of a larger one's pass over 7,500 images costs more than the judge
#: replays of any training but the shortest.
MNIST_WEIGHTS_SENT = 320_000

#: The first passes of a model's loss curve that travel to the judge: as many as it
#: may replay of a long training, bounded whatever the model ran.
LOSS_CURVE_KEPT = 20


def trained_model_facts(model, namespace):
    """Plain facts about a trained :class:`~sklearn.neural_network.MLPClassifier`.

    Its settings, what it has seen (``t_``, the images shown to the solver, and
    its passes over them), its weights (all of them on the digits, up to
    :data:`MNIST_WEIGHTS_SENT` on MNIST), so that the judge can replay the training
    and compare, and its accuracy on each of the notebook's parts in ``namespace`` as
    they are now, which the judge compares with its own on the parts as split.

    Examples
    --------
    >>> trained_model_facts("not a model", {})
    {'type': 'str'}
    """
    from sklearn.neural_network import MLPClassifier

    facts = {"type": type(model).__name__}
    if not isinstance(model, MLPClassifier):
        return facts
    settings = model.get_params(deep=False)
    hidden = settings["hidden_layer_sizes"]
    facts["hidden"] = [int(size) for size in np.atleast_1d(hidden)]
    for name in ("batch_size", "learning_rate_init", "solver", "activation", "early_stopping",
                 "validation_fraction"):
        value = settings[name]
        facts[name] = plain(value) if value is None or isinstance(value, (str, numbers.Real)) \
            else repr(value)
    # Every setting, so that the judge can name a changed one and replay the training
    # (a setting that is not plain data, such as a RandomState, travels as its repr).
    facts["settings"] = {
        name: [int(size) for size in np.atleast_1d(value)] if name == "hidden_layer_sizes"
        else plain(value) if value is None or isinstance(value, (str, numbers.Real))
        else repr(value)
        for name, value in settings.items()}
    facts["fitted"] = hasattr(model, "coefs_")
    if not facts["fitted"]:
        return facts
    # `n_iter_` counts the passes of the last call only; `loss_curve_` has one loss per
    # pass since the model was (re)initialised, by `fit` or the first `partial_fit`.
    # lbfgs keeps no loss curve and counts no images (`t_` stays 0): its iterations.
    curve = getattr(model, "loss_curve_", None)
    facts.update(seen=int(getattr(model, "t_", 0)),
                 passes=len(curve) if curve is not None else int(model.n_iter_),
                 pixels=int(model.n_features_in_), classes=plain(model.classes_),
                 # The network computes in its images' precision: float32 ones make
                 # float32 weights, which a replay on the notebook's float64 misses.
                 dtype=str(model.coefs_[0].dtype),
                 # The hidden layers the weights have, which `set_params` after training
                 # does not change: the settings then describe another network.
                 layers=[int(w.shape[1]) for w in model.coefs_[:-1]])
    if curve is not None:
        # The loss of each pass tells the images it was made on: a training longer than
        # the judge replays is compared pass by pass over its first passes.
        facts["loss_curve"] = [float(loss) for loss in curve[:LOSS_CURVE_KEPT]]
    # The weights, so that the judge compares a replay's with them: on MNIST only up to
    # MNIST_WEIGHTS_SENT (a larger network costs more than a replay may anyway).
    if facts["pixels"] == 64 or sum(w.size for w in model.coefs_) <= MNIST_WEIGHTS_SENT:
        facts["coefs"] = [plain(w) for w in model.coefs_]
        facts["intercepts"] = [plain(b) for b in model.intercepts_]
    facts["parts"] = {}
    for part, (X_name, y_name) in PARTS.items():
        X, y = namespace.get(X_name), namespace.get(y_name)
        if getattr(X, "shape", (0, 0))[1:] == (facts["pixels"],) and len(X) == len(y):
            facts["parts"][part] = {"size": len(y), "accuracy": float(model.score(X, y))}
    return facts


def mnist_images(namespace):
    """The notebook's MNIST images ``X, y``, compressed, as plain data; None for the digits.

    The judge has no MNIST images of its own: it splits these as the notebook's loading
    cell does, and replays a training on the training part and measures a model on
    every part, as it does on its own digits, whatever the notebook's parts now hold.
    Only float64 images travel, as the loading cell leaves them
    (:func:`.mnist_images.pack_mnist_images`).

    Examples
    --------
    >>> mnist_images({"X": np.zeros((3, 64)), "y": np.zeros(3)}) is None
    True
    """
    X = namespace.get("X")
    if not isinstance(X, np.ndarray) or X.dtype != np.float64:
        return None
    return pack_mnist_images(X, namespace.get("y"))


def reported_number(namespace, name):
    """The notebook's variable ``name`` as a float; its type's name when not a number.

    None when the notebook has no such name.
    """
    if name not in namespace:
        return None
    value = namespace[name]
    if isinstance(value, (numbers.Real, np.generic)) and not isinstance(value, bool):
        return float(value)
    return f"<a {type(value).__name__}>"


def tuned_linear_facts(model, namespace):
    """:func:`trained_model_facts` of exercise 3's model, with the knobs that built it.

    Exercise 4 reads them too: its bar is that model as exercise 3 passed it.

    Examples
    --------
    >>> tuned_linear_facts(None, {"LINEAR_PERIODS": 20, "BATCH_SIZE": 128})
    {'type': 'NoneType', 'periods': 20.0, 'knobs': {'BATCH_SIZE': 128.0, 'LEARNING_RATE': None}}
    """
    facts = trained_model_facts(model, namespace)
    facts["periods"] = reported_number(namespace, "LINEAR_PERIODS")
    # The cell after the exercise prints these as the model's settings.
    facts["knobs"] = {name: reported_number(namespace, name)
                      for name in ("BATCH_SIZE", "LEARNING_RATE")}
    return facts


class TuneLinear(ExerciseSpec):
    id = "07-tune-linear"
    notebook = NOTEBOOK
    number = 3
    title = "tune the linear model to the bar"
    points = 2
    answer_name = "tuned_linear"

    def collect(self, answer, cases):
        namespace = specs_module.user_namespace()
        facts = tuned_linear_facts(answer, namespace)
        facts["reported"] = reported_number(namespace, "linear_accuracy")
        if facts.get("pixels") == 784:
            facts["mnist_images"] = mnist_images(namespace)
        return {"value": facts}


class BetterNetwork(ExerciseSpec):
    id = "07-better-network"
    notebook = NOTEBOOK
    number = 4
    title = "a network that beats the tuned linear model"
    points = 2
    answer_name = "better_network"

    def collect(self, answer, cases):
        from sklearn.neural_network import MLPClassifier

        namespace = specs_module.user_namespace()
        facts = trained_model_facts(answer, namespace)
        facts["reported"] = reported_number(namespace, "network_accuracy")
        # `better_network = network` trains the notebook's own network further: the cells
        # below (its tiles, the final test) would then read the changed model.
        facts["also_named"] = specs_module.names_bound_to(
            answer, namespace, besides=("better_network",)) if isinstance(answer, MLPClassifier) else []
        # The bar is the tuned linear model of the exercise before, as it is now.
        facts["linear"] = tuned_linear_facts(namespace.get("tuned_linear"), namespace)
        if 784 in (facts.get("pixels"), facts["linear"].get("pixels")):
            facts["mnist_images"] = mnist_images(namespace)  # for both models
        return {"value": facts}


class WhatTilesShow(QuestionSpec):
    id = "07-what-tiles-show"
    notebook = NOTEBOOK
    number = 6
    title = "what the first layer's tiles show"
    points = 1
    answer_name = "what_tiles_show"


EXERCISES = [TrainInPeriods(), RowNormalizedConfusion(), TuneLinear(), BetterNetwork(),
             UnitWeights(), WhatTilesShow()]
