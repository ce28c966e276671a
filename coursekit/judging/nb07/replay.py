"""Which images a trained model of exercises 3 and 4 saw, found by training it again."""

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from ...checks.nb07 import CLASSES
from ...checks.results import wrong
from .parts import notebook_parts

#: The most work a replay may cost, in weights times images shown: the notebook's
#: models need at most about 0.3 billion; more is replayed by no one's right answer.
_REPLAY_BUDGET = 2e9
_REPLAY_CLOSE = {"rtol": 1e-6, "atol": 1e-9}


def replayed_training(facts):
    """The memoised :func:`replay_training` of ``facts`` (a verdict may ask twice)."""
    if "replayed" not in facts:
        facts["replayed"] = replay_training(facts)
    return facts["replayed"]


def replay_training(facts):
    """How the model ``facts`` describe was trained on the training part, found by replaying it.

    Counting the images a model was shown cannot tell the training part from a
    same-sized set that holds validation images (another split of ``X_rest``, rows
    swapped in). Its weights can: a seeded MLPClassifier trained on the same images
    with the same settings ends with the same weights, and with other images with
    others. So the judge trains a model with the learner's settings on its own copy of
    the training part, the two ways the notebook trains (one ``partial_fit`` per
    period, or ``fit``), and compares the weights. This is exact, and cheap: the
    notebook's models take well under a second each.

    Returns
    -------
    str or None
        ``"periods"`` or ``"fit"`` when a replay ends with the model's weights;
        ``"unknown"`` when it cannot be replayed (no fixed integer ``random_state``,
        images the judge does not have, settings it cannot rebuild, or more work than
        the budget); None when no replay on the training part gives its weights.
    """
    settings = dict(facts.get("settings") or {})
    if facts.get("pixels") != 64 or not isinstance(settings.get("random_state"), int) \
            or isinstance(settings.get("random_state"), bool):
        return "unknown"
    # The work is bounded by the weights the model has, not by settings the kernel may
    # have changed after training (a `set_params` to a million units or passes).
    hidden = tuple(np.shape(w)[1] for w in facts["coefs"][:-1])
    if tuple(settings.get("hidden_layer_sizes") or ()) != hidden:
        return "unknown"
    settings["hidden_layer_sizes"] = hidden
    weights = sum(np.size(w) for w in facts["coefs"])
    X, y = notebook_parts()["train"]
    if facts["passes"] * len(X) * weights > _REPLAY_BUDGET:
        return "unknown"
    try:
        models = {"periods": MLPClassifier(**settings),
                  # `fit` ends where the learner's did at the latest: its passes.
                  "fit": MLPClassifier(**{**settings, "max_iter": min(
                      int(settings.get("max_iter") or 1), facts["passes"])})}
    except (TypeError, ValueError):  # not a setting of this scikit-learn, or not a number
        return "unknown"
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        # The learner's own training met these warnings already (fit stopping at
        # max_iter, an overflowing learning rate); here they would only be noise.
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        for how, model in models.items():
            try:
                if how == "fit":
                    _fit_then_periods(model, X, y, facts["passes"])
                elif not settings.get("early_stopping") and settings.get("solver") != "lbfgs":
                    for _ in range(facts["passes"]):
                        model.partial_fit(X, y, classes=CLASSES)
            except (ValueError, TypeError):  # settings the learner's sklearn took, ours not
                return "unknown"
            if _same_weights(model, facts):
                return how
    return None


def _fit_then_periods(model, X, y, passes):
    """``fit``, then as many ``partial_fit`` passes as the learner's model made beyond it.

    The notebook allows either way of training; a ``fit`` followed by more passes of
    ``partial_fit`` on the same training part is both, and is replayed as such.
    """
    model.fit(X, y)
    if model.solver != "lbfgs" and not model.early_stopping:
        for _ in range(passes - len(model.loss_curve_)):
            model.partial_fit(X, y)


def _same_weights(model, facts):
    """Whether a replayed ``model`` ends with the weights and biases ``facts`` hold."""
    if not hasattr(model, "coefs_") or passes_made(model) != facts["passes"]:
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
    if replayed_training(facts) is not None:
        return None
    count = ("saw as many images as the training part holds, but not" if
             facts.get("solver") != "lbfgs" else "was not trained on")
    return wrong(f"`{name}` {count} the training part as it is: trained again on "
                 "`X_train, y_train` with its settings, the same model ends with other "
                 "weights. Were its rows reordered (shuffled or sorted by you), its labels "
                 "or weights changed, or was it another split of `X_rest`, or rows of the "
                 "validation or test part swapped in? Or did its settings change between "
                 "or after its periods (`set_params`, or a model trained before with other "
                 "settings instead of a fresh one)?",
                 "train it on the notebook's own `X_train, y_train`, as they are: the "
                 "solver shuffles them itself in every pass, from the model's "
                 "`random_state`, which is how the check can replay it; the validation "
                 "part judges the choices, and a model that has seen it is judged on its "
                 "own homework. Each setting tried gets a fresh model, trained with the "
                 "settings it keeps.")


def trained_on_words(facts):
    """What the checks established about the images the model was trained on."""
    if replayed_training(facts) == "unknown":
        shown = ("it was shown as many images as the training part holds (which ones"
                 if facts.get("solver") != "lbfgs" else "it is trained (on which images")
        return (f"{shown}, the check could not replay: that takes the digits, the settings "
                "the model was trained with and a fixed integer `random_state`)")
    return "replaying its training on the training part gives its very weights"
