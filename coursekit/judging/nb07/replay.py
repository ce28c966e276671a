"""Which images a trained model of exercises 3 and 4 saw, found by training it again."""

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from ...checks.nb07 import CLASSES
from ...checks.results import wrong
from .parts import notebook_parts

#: The most work a replay may cost, in weights times images shown: the notebook's
#: models need at most about 0.3 billion. A longer training is replayed over its first
#: passes only, at most :data:`PREFIX_PASSES` of them.
_REPLAY_BUDGET = 2e9
#: How many first passes of a long training the judge replays and compares by their
#: losses: the first pass alone already shows other images, another order or settings.
PREFIX_PASSES = 20
#: What one step of the solver costs beyond its sums, in the budget's weights times
#: images: about 0.1 ms of Python and numpy calls, which dominate for small batches (a
#: batch of 1 makes 1,149 steps a pass).
_STEP_COST = 2e5
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

    The first passes come first (at most :data:`PREFIX_PASSES`), compared by the loss
    of each pass (its ``loss_curve_``): every pass is made on every training image, so
    the first one already differs for other images, another order or other settings,
    and a wrong answer is told in a fraction of a second. They also tell which way it
    was trained, so that only that way is replayed whole. A training longer than
    :data:`_REPLAY_BUDGET` is judged by its first passes alone, and its later passes by
    their count of images.

    Returns
    -------
    str or None
        ``"periods"`` or ``"fit"`` when a replay ends with the model's weights;
        ``"prefix"`` when a replay of its first passes
        (``facts["replayed_passes"]``) gives their losses; ``"unknown"`` when it cannot
        be replayed, with the reason in ``facts["unreplayed"]``; None when no replay on
        the training part gives its weights (or losses).
    """
    reason = _unreplayable(facts)
    if reason is not None:
        facts["unreplayed"] = reason
        return "unknown"
    settings = dict(facts["settings"])
    # The work is bounded by the weights the model has, not by settings the kernel may
    # have changed after training (a `set_params` to a million units or passes).
    settings["hidden_layer_sizes"] = tuple(np.shape(w)[1] for w in facts["coefs"][:-1])
    X, y = notebook_parts()["train"]
    per_pass = len(X) * sum(np.size(w) for w in facts["coefs"]) + _STEP_COST * _steps_per_pass(
        settings, len(X))
    passes = facts["passes"]
    whole = passes * per_pass <= _REPLAY_BUDGET
    curve = facts.get("loss_curve")
    ways = ("periods", "fit")
    if isinstance(curve, list) and curve:
        # The first passes' losses first: cheap, and they already tell other images, another
        # order or other settings, and which way (periods or fit) the model was trained.
        prefix = max(1, min(len(curve), PREFIX_PASSES, int(_REPLAY_BUDGET // per_pass), passes))
        ways = _replay(settings, X, y, prefix, lambda model: _same_curve(model, facts, prefix),
                       ways)
        if ways == "unknown" or not ways or not whole:
            facts["replayed_passes"] = prefix
            return _replayed(facts, ways, "prefix")
    elif not whole:
        facts["unreplayed"] = (f"its {passes} {_steps(facts)} are more than the check "
                               "replays, and lbfgs keeps no loss per iteration to compare "
                               "its first ones with")
        return "unknown"
    ways = _replay(settings, X, y, passes, lambda model: _same_weights(model, facts, passes),
                   ways, first=True)
    return _replayed(facts, ways, None)


def _replayed(facts, ways, name):
    """What :func:`replay_training` returns for the ways a replay matched: ``name`` (or the
    first way when it is None), None for no way, "unknown" with its reason."""
    if ways == "unknown":
        facts["unreplayed"] = "its settings cannot be rebuilt by the check's scikit-learn"
        return "unknown"
    if not ways:
        return None
    return name or ways[0]


def _unreplayable(facts):
    """Why the model ``facts`` describe cannot be replayed, in words; None when it can."""
    settings = facts.get("settings") or {}
    if facts.get("pixels") != 64:
        return "the check has the digits only, not these images"
    seed = settings.get("random_state")
    if not isinstance(seed, int) or isinstance(seed, bool):
        return (f"that takes a fixed integer `random_state`, and it has "
                f"`random_state={seed}`")
    hidden = tuple(np.shape(w)[1] for w in facts.get("coefs", [])[:-1])
    if tuple(settings.get("hidden_layer_sizes") or ()) != hidden:
        return (f"its `hidden_layer_sizes` is {tuple(settings.get('hidden_layer_sizes') or ())}"
                f", but its weights are those of {hidden}: its settings changed after it "
                "was trained")
    return None


def _steps_per_pass(settings, images):
    """The solver's steps in one pass over ``images`` (lbfgs: one per iteration)."""
    batch = settings.get("batch_size")
    if settings.get("solver") == "lbfgs":
        return 1
    if not isinstance(batch, int) or isinstance(batch, bool):
        batch = min(200, images)  # "auto", or a setting the replay will refuse anyway
    return int(np.ceil(images / min(max(batch, 1), images)))


def _steps(facts):
    return "iterations" if facts.get("solver") == "lbfgs" else "passes"


def _replay(settings, X, y, passes, same, ways, *, first=False):
    """Train ``passes`` passes each of ``ways`` the notebook trains ("periods", "fit").

    Returns the ways whose model ``same`` accepts, in order (only the first when
    ``first``); ``"unknown"`` when this scikit-learn refuses the settings.
    """
    try:
        models = {"periods": MLPClassifier(**settings),
                  # `fit` ends where the learner's did at the latest: its passes.
                  "fit": MLPClassifier(**{**settings, "max_iter": min(
                      int(settings.get("max_iter") or 1), passes)})}
    except (TypeError, ValueError):  # not a setting of this scikit-learn, or not a number
        return "unknown"
    matched = []
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        # The learner's own training met these warnings already (fit stopping at
        # max_iter, an overflowing learning rate); here they would only be noise.
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        for how in ways:
            model = models[how]
            try:
                if how == "fit":
                    _fit_then_periods(model, X, y, passes)
                elif not settings.get("early_stopping") and settings.get("solver") != "lbfgs":
                    for _ in range(passes):
                        model.partial_fit(X, y, classes=CLASSES)
            except (ValueError, TypeError):  # settings the learner's sklearn took, ours not
                return "unknown"
            if same(model):
                matched.append(how)
                if first:
                    break
    return matched


def _fit_then_periods(model, X, y, passes):
    """``fit``, then as many ``partial_fit`` passes as the learner's model made beyond it.

    The notebook allows either way of training; a ``fit`` followed by more passes of
    ``partial_fit`` on the same training part is both, and is replayed as such.
    """
    model.fit(X, y)
    if model.solver != "lbfgs" and not model.early_stopping:
        for _ in range(passes - len(model.loss_curve_)):
            model.partial_fit(X, y)


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
    if replayed_training(facts) is not None:
        return None
    count = ("saw as many images as the training part holds, but not" if
             facts.get("solver") != "lbfgs" else "was not trained on")
    replayed = facts.get("replayed_passes")
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


def trained_on_words(facts):
    """What the checks established about the images the model was trained on."""
    how = replayed_training(facts)
    if how == "unknown":
        shown = ("it was shown as many images as the training part holds (which ones"
                 if facts.get("solver") != "lbfgs" else "it is trained (on which images")
        return f"{shown}, the check could not replay: {facts['unreplayed']})"
    if how == "prefix":
        replayed = facts["replayed_passes"]
        return (f"replaying the first {replayed} of its {facts['passes']} passes on the "
                "training part gives their very losses, and every pass was shown as many "
                "images as the training part holds")
    return "replaying its training on the training part gives its very weights"
