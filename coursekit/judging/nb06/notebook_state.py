"""What the later cells of notebook 06 read again, as the judges expect to find it.

The four parts of the split, the final model ``best_model`` and the search's refit
``search.best_estimator_`` are read by cells after the exercise that might change
them, and by the progress cell that checks every exercise again. Each judge that
runs after such a change names it first, so that a learner is sent to the cell that
made it rather than to an exercise whose code is right.
"""

import numbers

import numpy as np
from sklearn.linear_model import LogisticRegression

from ...checks import nb06 as specs
from ...checks.results import wrong
from .. import stored_references as stored
from ..computed_once import computed_once
from ..plain_answers import as_float_array
from .parts import MNIST_TEST_SIZE, MNIST_TRAIN_SIZE, digits_split, mnist_split
from .search_fits import refit_of_training_part, same_refit
from .settings import DIGITS_CHOICE, FINAL_SETTINGS, SEARCH_SETTINGS
from .stored_fits import stored_final_coef


@computed_once(maxsize=1)
def fitted_final_coef():
    """The notebook's final model's weights on the digits, as the judge fits them: the
    chosen setting, tol=1e-3."""
    X_train, _, y_train, _ = digits_split()
    model = LogisticRegression(**DIGITS_CHOICE, **FINAL_SETTINGS)
    return model.fit(X_train, y_train).coef_


def final_coef(like):
    """The notebook's final model's weights on the digits: the stored ones when ``like``
    (an answer's weights, or None) is the same weights, else the judge's fit."""
    return stored.reference(stored_final_coef(), fitted_final_coef,
                            lambda reference: like is not None and same_weights(like, reference))


def same_weights(got, want):
    """Whether two arrays of weights are the same numbers (float32 rounding allowed).

    Examples
    --------
    >>> weights = np.array([[0.5, -2.0]])
    >>> same_weights(weights.astype(np.float32).astype(float), weights)
    True
    >>> same_weights(weights * 1.001, weights)
    False
    """
    want = np.asarray(want, dtype=float)
    return got.shape == want.shape and np.allclose(
        got, want, rtol=1e-5, atol=1e-6 * max(np.abs(want).max(), 1e-12))


#: How the notebook names its parts in a message.
PART_WORDS = {"X_train": "training images", "y_train": "training labels",
              "X_test": "test images", "y_test": "test labels"}


def _expected_parts(n_features, mnist=None):
    """The fingerprints the split gives on the digits, or on MNIST of the images the kernel
    sent (``mnist``, :func:`.parts.mnist_split`), or without them the shapes only."""
    split = digits_split() if n_features == 64 else mnist_split(mnist)
    if split is not None:
        X_train, X_test, y_train, y_test = split
        return {name: specs.fingerprint(array) for name, array in
                (("X_train", X_train), ("y_train", y_train), ("X_test", X_test),
                 ("y_test", y_test))}
    return {"X_train": {"shape": [MNIST_TRAIN_SIZE, n_features], "min": 0.0, "max": 1.0},
            "y_train": {"shape": [MNIST_TRAIN_SIZE]},
            "X_test": {"shape": [MNIST_TEST_SIZE, n_features], "min": 0.0, "max": 1.0},
            "y_test": {"shape": [MNIST_TEST_SIZE]}}


def _shape(value):
    try:
        return [int(n) for n in value]
    except (TypeError, ValueError):
        return None


def _number(value):
    return float(value) if isinstance(value, numbers.Real) else float("nan")


def _what_changed(got, want, name):
    """How the fingerprint ``got`` differs from ``want`` (words), or None when it does not."""
    shape = _shape(got.get("shape"))
    if shape != want["shape"]:
        what = "no array" if shape is None else f"of shape {tuple(shape)}"
        return f"is now {what}, not the split's {tuple(want['shape'])}"
    if "dtype" in want and got.get("dtype") != want["dtype"]:
        return f"is now of dtype {got.get('dtype')}, not the split's {want['dtype']}"
    low, high = _number(got.get("min")), _number(got.get("max"))
    if name.startswith("X") and not (low >= 0 and high <= 1):
        method = "fit_transform" if name == "X_train" else "transform"
        return (f"holds pixels from {low:.3g} to {high:.3g}, no longer in [0, 1]: it was "
                "standardized or rescaled, in place or by giving the name a rescaled copy "
                f"(`{name} = scaler.{method}({name})`)")
    for key in ("sum", "weighted"):
        if key in want and not np.isclose(_number(got.get(key)), want[key], rtol=1e-9):
            return "holds other values (shuffled, sorted, rescaled or overwritten in place)"
    return None


def changed_part(parts, names=tuple(PART_WORDS), mnist=None):
    """The first of the notebook's arrays ``names`` that changed since the split.

    Parameters
    ----------
    parts : dict
        Fingerprints by name, as :func:`coursekit.checks.nb06.notebook_parts` makes them.
    names : tuple of str
        The arrays to look at, in order.
    mnist : dict, optional
        MNIST's images as the kernel sent them: on MNIST the parts are compared with the
        split of these, not only by their shapes.

    Returns
    -------
    tuple of (str, str), or None
        The name and how it changed, in words; None when every one is as the split
        made it, or outside a notebook (no ``X_train`` to look at).

    Examples
    --------
    >>> X_train, X_test, y_train, y_test = digits_split()
    >>> parts = {"X_train": specs.fingerprint(X_train - 0.5),
    ...          "y_train": specs.fingerprint(y_train)}
    >>> changed_part(parts, ("X_train", "y_train"))[1][:72]
    'holds pixels from -0.5 to 0.5, no longer in [0, 1]: it was standardized '
    >>> changed_part({"X_train": specs.fingerprint(X_train),
    ...               "y_train": specs.fingerprint(y_train)}, ("X_train", "y_train")) is None
    True
    """
    parts = parts if isinstance(parts, dict) else {}
    X_facts = parts.get("X_train") if isinstance(parts.get("X_train"), dict) else {}
    shape = _shape(X_facts.get("shape"))
    if not shape or len(shape) != 2:
        return None if X_facts.get("type") in (None, "NoneType") else (
            "X_train", "is no longer an array of images")
    if shape[1] not in (64, 784):
        return "X_train", f"is now of shape {tuple(shape)}: images of 64 or 784 pixels each"
    expected = _expected_parts(shape[1], mnist)
    for name in names:
        got = parts.get(name) if isinstance(parts.get(name), dict) else {}
        words = _what_changed(got, expected[name], name)
        if words is not None:
            return name, words
    return None


def judge_search_kept(search, digits):
    """Is ``search`` the fitted search of exercise 4, its refit as the search left it?

    ``search`` holds the facts :func:`coursekit.checks.nb06._describe_model` gives of
    ``search.best_estimator_``, with the search's type and ``best_params_``. On the
    digits the choice and the refit's weights are compared with the judge's own.
    """
    kind = search.get("type")
    if kind in (None, "NoneType", "ellipsis"):
        return None  # no search yet: exercise 4's check says so
    rerun = ("rerun the search's cell, then the cells after it; where another model is "
             "needed, build a new one: `LogisticRegression(**best, **FINAL_SETTINGS)`.")
    if kind != "GridSearchCV":
        return wrong(f"`search` is now a {kind}, not the grid search of exercise 4: the "
                     "progress cell checks that exercise again on it.", rerun)
    best = search.get("best_params") if isinstance(search.get("best_params"), dict) else {}
    extra = sorted(set(best) - {"l1_ratio", "C"})
    if extra:
        return wrong(f"`search.best_params_` now holds {', '.join(f'`{k}`' for k in extra)} "
                     "too: `best = search.best_params_` is the search's own dict, not a copy, "
                     "so `best.update(...)` or `best[...] = ...` changed the search.",
                     "leave `best` as it is and pass the other settings beside it: "
                     "`LogisticRegression(**best, **FINAL_SETTINGS)`. Rerun the search's cell, "
                     "then the cells after it.")
    verdict = judge_choice_kept(best, search.get("recorded_choice"))
    if verdict is not None:
        return verdict
    chosen = {name: float(best[name]) for name in ("l1_ratio", "C")
              if isinstance(best.get(name), numbers.Real)}
    choice = other_choice(best) if digits else None
    if choice is not None:
        return wrong(f"{choice}: this exercise takes `best` from it.",
                     "fix exercise 4 first (its check cell says what is wrong), then rerun the "
                     "cells after it.")
    settings = search.get("settings") if isinstance(search.get("settings"), dict) else {}
    expected = {"solver": SEARCH_SETTINGS["solver"], "tol": SEARCH_SETTINGS["tol"], **best}
    changed = [f"{name}={settings.get(name)!r}" for name, value in expected.items()
               if name in settings and settings.get(name) != value]
    coef = _weights(search.get("coef"))
    refitted = False
    if digits and len(chosen) == 2 and coef is not None:
        refitted = not same_refit(
            coef, refit_of_training_part(chosen["l1_ratio"], chosen["C"], like=coef))
    if changed or refitted:
        what = (f"it now has {', '.join(changed)}" if changed else
                "its weights are no longer those the search ended at")
        return wrong(f"`search.best_estimator_` was changed after the search: {what} (a "
                     "`set_params` or a fit in a later cell).", rerun)
    return None


def judge_choice_kept(best, recorded):
    """Does ``best_params_`` still hold the setting the search recorded? None when it does.

    ``recorded`` is :func:`coursekit.checks.nb06.recorded_choice`: the chosen setting
    as the search's ``param_*`` columns keep it, and whether ``best_params_`` is still
    the search's own dict. A value changed in that dict was assigned through ``best``:
    the grid and the search are right. (A dict assigned in its place is another slip,
    named by exercise 4's check.)

    Examples
    --------
    >>> recorded = {"setting": {"l1_ratio": 1, "C": 100.0}, "in_results": True}
    >>> judge_choice_kept({"l1_ratio": 1, "C": 1.0}, recorded).message[:40]
    '`search.best_params_` now holds C=1, whe'
    >>> judge_choice_kept({"l1_ratio": 1, "C": 100.0}, recorded) is None
    True
    """
    if not isinstance(best, dict) or not isinstance(recorded, dict) or not (
            recorded.get("in_results") is True and isinstance(recorded.get("setting"), dict)):
        return None
    recorded = recorded["setting"]
    changes = []
    for name, was in recorded.items():
        now = best.get(name)
        same = (now == was if not (isinstance(now, numbers.Real)
                                   and isinstance(was, numbers.Real))
                else np.isclose(float(now), float(was), rtol=1e-12, atol=0))
        if not same:
            changes.append((name, now, was))
    if not changes:
        return None
    now = ", ".join(f"{name}={_setting_words(value)}" if name in best else f"no {name}"
                    for name, value, _ in changes)
    was = ", ".join(f"{name}={_setting_words(value)}" for name, _, value in changes)
    return wrong(f"`search.best_params_` now holds {now}, where the search tried and chose "
                 f"{was}: `best = search.best_params_` is the search's own dict, kept in its "
                 "`cv_results_[\"params\"]` too, so `best[...] = ...` in a later cell changed "
                 "the search's choice after the search made it.",
                 "leave `best` as it is; for another model, build a new dict: "
                 "`LogisticRegression(**{**best, \"C\": 1.0}, **FINAL_SETTINGS)`. Rerun the "
                 "search's cell, then the cells after it.")


def _setting_words(value):
    return f"{float(value):.3g}" if isinstance(value, numbers.Real) else repr(value)


def other_choice(best):
    """Words for a search of the digits that chose another setting than the notebook's.

    None when ``best`` (a search's ``best_params_``) is the notebook's choice, or not
    a setting at all.

    Examples
    --------
    >>> other_choice({"l1_ratio": 1, "C": 10.0})[:40]
    'the search of exercise 4 chose C=10, l1_'
    >>> other_choice({"l1_ratio": 1, "C": 100.0}) is None
    True
    """
    best = best if isinstance(best, dict) else {}
    if not all(isinstance(best.get(name), numbers.Real) for name in ("l1_ratio", "C")):
        return None
    l1_ratio, C = float(best["l1_ratio"]), float(best["C"])
    if l1_ratio == DIGITS_CHOICE["l1_ratio"] and np.isclose(C, DIGITS_CHOICE["C"], rtol=1e-9):
        return None
    return (f"the search of exercise 4 chose C={C:.3g}, l1_ratio={l1_ratio:g}, where a search "
            f"of the training part chooses C={DIGITS_CHOICE['C']:g}, "
            f"l1_ratio={DIGITS_CHOICE['l1_ratio']:g}")


def judge_best_model_kept(model, digits):
    """Is ``best_model`` still the final model of raw pixels? None when it is.

    ``model`` holds the facts :func:`coursekit.checks.nb06._describe_model` gives; on
    the digits its weights are compared with the judge's own fit of the final model.

    Examples
    --------
    >>> judge_best_model_kept({"type": "Pipeline"}, digits=False).message[:33]
    '`best_model` is now a Pipeline, n'
    """
    kind = model.get("type")
    if kind in (None, "NoneType", "ellipsis"):
        return None
    rerun = ("rerun the cell that fits `best_model`, then this one; give every new model a "
             "name of its own.")
    if kind != "LogisticRegression":
        return wrong(f"`best_model` is now a {kind}, not the final model of raw pixels: the "
                     "comparison below reads its `n_iter_` and its predictions.", rerun)
    coef = _weights(model.get("coef"))
    if coef is None:
        return wrong("`best_model` is not fitted any more (a new LogisticRegression under its "
                     "name?): the comparison below reads its `n_iter_` and its predictions.",
                     rerun)
    if digits and not same_weights(coef, final_coef(like=coef)):
        return wrong("`best_model` is no longer the final model the notebook fits: its "
                     "weights changed since its fit (refitted, on standardized pixels or "
                     "others, or changed in place).", rerun)
    return None


def _weights(value):
    """A model's weights as a 2-d float array, or None when it has none (not fitted)."""
    array = as_float_array(value) if isinstance(value, np.ndarray) else None
    return array if array is not None and array.ndim == 2 else None
