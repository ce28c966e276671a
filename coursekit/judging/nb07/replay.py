"""Which images a trained model of exercises 3 and 4 saw, found by training it again."""

import copy
import dataclasses
import hashlib
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from ...checks.nb07 import CLASSES
from ...checks.results import wrong
from ..computed_once import computed_once
from .parts import training_part

#: The most work a replay may cost, in weights times images shown (see :func:`pass_cost`):
#: about 0.3 to 0.6 s a billion on a busy 2-core machine, so a whole replay takes about 5
#: s at most. That covers the notebook's models (at most about 0.7 billion), a `fit` of
#: MLPClassifier's defaults, (100,), to its 200 passes, 180 passes of a (256, 128)
#: network in batches of 200, and 1,000 lbfgs iterations of (100,). A longer training is
#: not replayed, and so does not pass: the text of exercises 3 and 4 says so.
_REPLAY_BUDGET = 1.25e10
#: The same on MNIST, whose passes cost 280 times the digits' for the notebook's network:
#: about 15 s at most, 42 passes of `make_network()`'s network (112 units in batches of
#: 32), twice the notebook's 20 periods, which the text of exercise 4 asks to go beyond.
_MNIST_REPLAY_BUDGET = 3.5e10
#: How many first passes the judge replays first and compares by their losses: the first
#: pass alone already shows other images, another order or settings, and the way
#: (periods, ``fit``) the model was trained, so only that way is replayed whole.
PREFIX_PASSES = 20
#: What one step of the solver costs beyond its sums, in the budget's weights times
#: images: about 0.2 to 0.3 ms of Python and numpy calls, which dominate for small
#: batches (a batch of 1 makes 1,149 steps a pass).
_STEP_COST = 6e5
#: What one pass of a stochastic solver costs beyond its steps: a `partial_fit` call
#: checks its data and settings anew, about 3 ms (lbfgs's iterations cost steps only).
_PASS_COST = 7e6
_REPLAY_CLOSE = {"rtol": 1e-6, "atol": 1e-9}


@dataclasses.dataclass
class Replay:
    """What replaying a model's training found (see :func:`replay_training`).

    ``how`` is ``"periods"``, ``"fit"`` or ``"fits"`` (the way that ends with the
    model's weights), ``"too long"``, ``"unknown"`` or None; ``prefix`` the first passes
    compared by their losses when they differ; ``reason`` why it cannot be replayed;
    ``limit`` the passes (lbfgs: iterations) a whole replay may make for this model;
    ``step_share`` the share of a pass's cost that is its solver steps.
    """

    how: object = None
    prefix: object = None
    reason: str = ""
    limit: int = 0
    step_share: float = 0.0


#: Where a replay is kept in a model's facts: not a text, so that no kernel can send it.
_KEPT = object()


def replayed_training(facts):
    """The memoised :func:`replay_training` of ``facts`` (a verdict may ask twice)."""
    if _KEPT not in facts:
        facts[_KEPT] = replay_training(facts)
    return facts[_KEPT]


def replay_training(facts):
    """How the model ``facts`` describe was trained on the training part, found by replaying it.

    Counting the images a model was shown cannot tell the training part from a
    same-sized set that holds validation images (another split of ``X_rest``, rows
    swapped in). Its weights can: a seeded MLPClassifier trained on the same images
    with the same settings ends with the same weights, and with other images with
    others. So the judge trains a model with the learner's settings on its own copy of
    the training part, the ways the notebook trains (one ``partial_fit`` per period, or
    ``fit``, perhaps followed by periods, or repeated with ``warm_start``), and compares
    the weights. This is exact, and cheap: the notebook's models take well under a
    second each.

    The first passes come first (at most :data:`PREFIX_PASSES`), compared by the loss
    of each pass (its ``loss_curve_``): every pass is made on every training image, so
    the first one already differs for other images, another order or other settings,
    and a wrong answer is told in a fraction of a second. They also tell which way it
    was trained, so that only that way is replayed whole. A training longer than
    :data:`_REPLAY_BUDGET` (on MNIST :data:`_MNIST_REPLAY_BUDGET`) allows is not replayed
    whole: it is ``"too long"``.

    Returns
    -------
    Replay
        Its ``how`` is the way a replay ends with the model's weights; None when no
        replay on the training part gives its weights (or its first losses, then
        compared over ``prefix`` passes); ``"too long"`` when its first losses are
        right but the whole training is more than a replay may cost (``limit``);
        ``"unknown"`` when it cannot be replayed, with the ``reason``.
    """
    reason = _unreplayable(facts)
    if reason is not None:
        return Replay("unknown", reason=reason)
    if "coefs" not in facts:  # a network on MNIST too large to send, or to replay
        return Replay("too long")
    settings = dict(facts["settings"])
    # The work is bounded by the weights the model has, not by settings the kernel may
    # have changed after training (a `set_params` to a million units or passes).
    coefs = facts.get("coefs") or _layer_shapes(facts)
    settings["hidden_layer_sizes"] = tuple(np.shape(w)[1] for w in coefs[:-1])
    X, y = training_part(facts)
    cost, steps = pass_cost(settings, coefs, len(X))
    budget = _MNIST_REPLAY_BUDGET if facts["pixels"] == 784 else _REPLAY_BUDGET
    found = Replay(limit=int(budget // cost), step_share=steps / cost)
    passes, curve, ways = facts["passes"], facts.get("loss_curve"), _ways(settings)
    if isinstance(curve, list) and curve:
        # The first passes' losses first: cheap, and they already tell other images, another
        # order or other settings, and which way the model was trained.
        prefix = max(1, min(len(curve), PREFIX_PASSES, found.limit, passes))
        whole = prefix == passes <= found.limit  # then one replay tells its weights too
        curves = []

        def same(model):
            curves.append(_same_curve(model, facts, prefix))
            return curves[-1] and (not whole or _same_weights(model, facts, passes))

        matched = _replay(settings, X, y, prefix, same, ways, first=True)
        if whole or matched == "unknown" or not matched:
            return _replayed(found, matched, None if any(curves) else prefix)
        # A `fit` that ends within the first passes goes on the same whichever way follows.
        ways = [how for how in ways if how == matched[0] or {how, matched[0]} == {"fit", "fits"}]
    if passes > found.limit:
        found.how = "too long"
        return found
    ways = _replay(settings, X, y, passes, lambda model: _same_weights(model, facts, passes),
                   ways, first=True)
    return _replayed(found, ways, None)


def _replayed(found, ways, prefix):
    """``found`` with the first of the ``ways`` a replay matched (of ``prefix`` passes)."""
    if ways == "unknown":
        found.how, found.reason = "unknown", ("its settings cannot be rebuilt by the check's "
                                              "scikit-learn")
    else:
        found.how, found.prefix = (ways[0] if ways else None), prefix
    return found


def _ways(settings):
    """The ways the notebook's trainings with ``settings`` may have gone, in the order tried.

    lbfgs has no ``partial_fit`` and counts the iterations of its last ``fit`` only;
    ``partial_fit`` makes no use of early stopping. A second ``fit`` with ``warm_start``
    goes on from the weights (with a fresh solver): the way "fits".
    """
    if settings.get("solver") == "lbfgs":
        return ("fit",)
    ways = ("fit",) if settings.get("early_stopping") else ("periods", "fit")
    return ways + ("fits",) if settings.get("warm_start") is True else ways


def _layer_shapes(facts):
    """The shapes of a model's weights, as arrays that hold none (MNIST's are not sent)."""
    sizes = [int(facts.get("pixels") or 0), *map(int, facts.get("layers") or []),
             len(CLASSES)]
    return [np.broadcast_to(0.0, shape) for shape in zip(sizes[:-1], sizes[1:])]


def _unreplayable(facts):
    """Why the model ``facts`` describe cannot be replayed, in words; None when it can."""
    settings = facts.get("settings") or {}
    if facts.get("pixels") not in (64, 784):
        return "the check has the digits' and MNIST's training parts only, not these images"
    if training_part(facts) is None:
        return ("the notebook's MNIST images did not reach the check, as they do when "
                "`X` holds MNIST's pixels as the notebook's loading cell leaves them")
    seed = settings.get("random_state")
    if not isinstance(seed, int) or isinstance(seed, bool):
        return (f"that takes a fixed integer `random_state`, and it has "
                f"`random_state={seed}`")
    hidden = (tuple(np.shape(w)[1] for w in facts["coefs"][:-1]) if "coefs" in facts
              else tuple(facts.get("layers") or ()))
    if tuple(settings.get("hidden_layer_sizes") or ()) != hidden:
        return (f"its `hidden_layer_sizes` is {tuple(settings.get('hidden_layer_sizes') or ())}"
                f", but its weights are those of {hidden}: its settings changed after it "
                "was trained")
    return None


def pass_cost(settings, coefs, images):
    """What one pass of a replay costs, in :data:`_REPLAY_BUDGET`'s weights times images.

    Parameters
    ----------
    settings : dict
        The model's settings (``get_params()``).
    coefs : list of array-like
        Its weights, layer by layer (``coefs_``).
    images : int
        The images of a pass.

    Returns
    -------
    tuple of float
        The cost of a pass, and the part of it that is the solver's steps.

    Examples
    --------
    >>> pass_cost({"solver": "lbfgs"}, [np.zeros((64, 10))], 1000)
    (1240000.0, 600000.0)
    """
    steps = _STEP_COST * _steps_per_pass(settings, images)
    calls = 0 if settings.get("solver") == "lbfgs" else _PASS_COST
    return images * sum(np.size(w) for w in coefs) + calls + steps, steps


def _steps_per_pass(settings, images):
    """The solver's steps in one pass over ``images`` (lbfgs: one per iteration)."""
    if settings.get("solver") == "lbfgs":
        return 1
    return int(np.ceil(images / _batch(settings, images)))


def _batch(settings, images):
    """The images in each of the solver's batches, as scikit-learn makes them."""
    batch = settings.get("batch_size")
    if not isinstance(batch, int) or isinstance(batch, bool):
        return min(200, images)  # "auto", or a setting the replay will refuse anyway
    return min(max(batch, 1), images)


def _replay(settings, X, y, passes, same, ways, *, first=False):
    """Train ``passes`` passes each of ``ways`` the notebook trains ("periods", "fit", "fits").

    Returns the ways whose model ``same`` accepts, in order (only the first when
    ``first``); ``"unknown"`` when this scikit-learn refuses the settings.
    """
    matched, images, frozen = [], _Images(X, y), _frozen(settings)
    try:
        for how in ways:
            try:
                model = _trained(how, frozen, images, passes)
            except (TypeError, ValueError):  # settings the learner's sklearn took, ours not
                return "unknown"
            with np.errstate(all="ignore"):  # a learner's weights may overflow the comparison
                accepted = same(model)
            if accepted:
                matched.append(how)
                if first:
                    break
    finally:
        images.release()
    return matched


class _Images:
    """A training part, known by its bytes: the key under which its replays are kept.

    The arrays are held only while a replay is being computed (:meth:`release`), so
    that a kept replay does not keep a copy of each learner's images.
    """

    def __init__(self, X, y):
        digest = hashlib.sha256()
        for array in (np.ascontiguousarray(X), np.ascontiguousarray(y)):
            digest.update(f"{array.dtype.str}{array.shape}".encode())
            digest.update(array.tobytes())
        self.digest, self.arrays = digest.hexdigest(), (X, y)

    def release(self):
        self.arrays = None

    def __hash__(self):
        return hash(self.digest)

    def __eq__(self, other):
        return isinstance(other, _Images) and other.digest == self.digest


def _frozen(value):
    """``value`` (plain data: the model's settings) as a key, each item with its type, so
    that settings scikit-learn tells apart (``True`` and ``1``, ``200`` and ``200.0``)
    are kept apart."""
    if isinstance(value, dict):
        return ("dict", tuple(sorted((str(k), _frozen(v)) for k, v in value.items())))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(_frozen(v) for v in value))
    if isinstance(value, np.ndarray):  # a list of numbers, as the wire sends one
        return ("ndarray", (value.dtype.str, value.shape, tuple(value.ravel().tolist())))
    return (type(value).__name__, value)


def _thawed(key):
    """The value :func:`_frozen` made ``key`` of."""
    kind, value = key
    if kind == "dict":
        return {k: _thawed(v) for k, v in value}
    if kind in ("list", "tuple"):
        return (list if kind == "list" else tuple)(_thawed(v) for v in value)
    if kind == "ndarray":
        dtype, shape, items = value
        return np.array(items, dtype=dtype).reshape(shape)
    return value


@computed_once(maxsize=16)
def _trained(how, settings, images, passes):
    """An MLPClassifier with ``settings`` trained ``how`` for ``passes`` passes on ``images``.

    Kept: every learner who trains the notebook's model as the text says is replayed
    alike, seconds of a processor each time. Never changed by its callers.
    """
    settings = _thawed(settings)
    X, y = images.arrays
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        # The learner's own training met these warnings already (fit stopping at
        # max_iter, an overflowing learning rate); here they would only be noise.
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        if how == "periods":
            return _periods(MLPClassifier(**settings), X, y, passes)
        if how == "first fit":
            return _first_fit(settings, X, y, passes)
        # "fit" and "fits" begin alike: their first `fit` is made once.
        fitted = _trained("first fit", _frozen(settings), images, passes)
        return _go_on(copy.deepcopy(fitted), how, X, y, passes,
                      int(settings.get("max_iter") or 1))


def _periods(model, X, y, passes):
    """``model`` trained one ``partial_fit`` a period, ``passes`` periods."""
    for _ in range(passes):
        model.partial_fit(X, y, classes=CLASSES)
    return model


def _first_fit(settings, X, y, passes):
    """A model with ``settings`` after one ``fit``, which ends at ``passes`` at the latest."""
    return MLPClassifier(**{**settings, "max_iter": min(int(settings.get("max_iter") or 1),
                                                        passes)}).fit(X, y)


def _go_on(model, how, X, y, passes, max_iter):
    """A ``fit`` ``model`` trained on as ``how`` says, until it has made ``passes`` passes.

    The notebook allows either way of training, and both after each other: "fit" goes
    on with one ``partial_fit`` a pass (the solver keeps its state); "fits" with more
    calls of ``fit`` of up to ``max_iter`` passes each, as ``warm_start=True`` makes
    them (each starts a fresh solver from the weights, and adds to the loss curve).
    """
    if model.solver == "lbfgs" or (how == "fit" and model.early_stopping):
        return model
    if how == "fit":
        for _ in range(passes - len(model.loss_curve_)):
            model.partial_fit(X, y)
        return model
    model.set_params(warm_start=True)
    while len(model.loss_curve_) < passes:  # every `fit` makes one pass at least
        model.set_params(max_iter=min(max_iter, passes - len(model.loss_curve_)))
        model.fit(X, y)
    return model


def _same_curve(model, facts, passes):
    """Whether a replayed ``model``'s first ``passes`` losses are those ``facts`` hold."""
    ours = getattr(model, "loss_curve_", None)
    theirs = facts.get("loss_curve") or []
    return ours is not None and len(ours) >= passes and len(theirs) >= passes and np.allclose(
        ours[:passes], np.asarray(theirs[:passes], dtype=float), **_REPLAY_CLOSE)


def _same_weights(model, facts, passes):
    """Whether a replayed ``model`` ends with the weights and biases ``facts`` hold."""
    if not hasattr(model, "coefs_") or passes_made(model) != passes:
        return False
    ours = list(model.coefs_) + list(model.intercepts_)
    theirs = [np.asarray(w, dtype=float) for w in facts["coefs"] + facts["intercepts"]]
    return len(ours) == len(theirs) and all(
        a.shape == b.shape and np.allclose(a, b, **_REPLAY_CLOSE) for a, b in zip(ours, theirs))


def passes_made(model):
    """The passes a fitted MLPClassifier made over its images (lbfgs: its iterations).

    ``loss_curve_`` has one loss per pass of the stochastic solvers since the model was
    (re)initialised; lbfgs keeps none, and its ``n_iter_`` counts its iterations.
    """
    curve = getattr(model, "loss_curve_", None)
    return len(curve) if curve is not None else int(model.n_iter_)


def replay_slip(facts, name):
    """A wrong() verdict when replaying the training on the training part misses, else None."""
    found = replayed_training(facts)
    if found.how == "too long":
        return _too_long_slip(facts, name, found)
    if found.how is not None:
        return None
    count = ("saw as many images as the training part holds, but not" if
             facts.get("solver") != "lbfgs" else "was not trained on")
    replayed = found.prefix
    differs = ("ends with other weights" if replayed is None else
               "makes other losses pass by pass, so it ends with other weights too"
               if replayed == facts["passes"] else
               f"makes other losses in its first {replayed} passes (of "
               f"{facts['passes']}), so it ends with other weights too")
    return wrong(f"`{name}` {count} the training part as it is: trained again on "
                 f"`X_train, y_train` with its settings, the same model {differs}. Were "
                 "its rows reordered (shuffled or sorted by you), its labels or weights "
                 "changed, or was it another split of `X_rest`, or rows of the "
                 "validation or test part swapped in? Or did its settings change between "
                 "or after its periods (`set_params`, or a model trained before with other "
                 "settings instead of a fresh one)?",
                 "train it on the notebook's own `X_train, y_train`, as they are: the "
                 "solver shuffles them itself in every pass, from the model's "
                 "`random_state`, which is how the check can replay it; the validation "
                 "part judges the choices, and a model that has seen it is judged on its "
                 "own homework. Each setting tried gets a fresh model, trained with the "
                 "settings it keeps.")


def _too_long_slip(facts, name, found):
    """The wrong() verdict for a training longer than the check replays (``found.limit``)."""
    lbfgs = facts.get("solver") == "lbfgs"
    coefs = facts.get("coefs") or _layer_shapes(facts)
    hidden = tuple(np.shape(w)[1] for w in coefs[:-1])
    weights = sum(np.size(w) for w in coefs)
    kind = f"a network with hidden layers {hidden}" if hidden else "a linear model"
    unit = "lbfgs iterations" if lbfgs else "passes over the training part"
    images = len(training_part(facts)[1])
    batch = "" if lbfgs else f" in batches of {_batch(facts['settings'], images)}"
    can = f"at most {found.limit:,} of them" if found.limit else "not even one of them"
    changes = ([] if not found.limit else [f"stop it sooner (`max_iter={found.limit}` at most)"]
               if lbfgs else [f"train it for {found.limit:,} passes at most (fewer periods, "
                              "or a smaller `max_iter`)"] if hidden else
               [f"train it for {found.limit:,} periods at most (`LINEAR_PERIODS`)"])
    if found.step_share > 0.25 and not lbfgs:  # small batches: most of the cost is steps
        changes.append("in larger batches (fewer steps a pass)")
    if hidden:
        changes.append("make the network smaller")
    return wrong(f"`{name}` is {kind}, {weights:,} weights, trained for {facts['passes']:,} "
                 f"{unit}{batch}; for a model of this size the check replays {can}. It "
                 "trains the model again on the training part, the whole training, to see "
                 "which images it learned from, so a training it cannot replay in full "
                 "does not pass.",
                 f"{', or '.join(changes)}; then run the cell again.")


def trained_on_words(facts):
    """What the checks established about the images the model was trained on."""
    found = replayed_training(facts)
    if found.how == "unknown":
        shown = ("it was shown as many images as the training part holds (which ones"
                 if facts.get("solver") != "lbfgs" else "it is trained (on which images")
        return f"{shown}, the check could not replay: {found.reason})"
    return "replaying its training on the training part gives its very weights"
