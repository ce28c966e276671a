"""Notebook 06, exercise 7: a scaler before the model, fitted on the training part."""

import numbers

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from ...checks import nb06 as specs
from ...checks.results import correct, wrong
from .. import stored_references as stored
from ..base import Judge
from ..computed_once import computed_once
from ..plain_answers import as_float_array
from .parts import (
    MNIST_LIKE_MIN_ACCURACY, MNIST_LIKE_SIZE, MNIST_TEST_SIZE, MNIST_TRAIN_SIZE, digits_split,
    mnist_like_test,
)
from .notebook_state import PART_WORDS, changed_part, judge_best_model_kept, judge_search_kept
from .settings import DIGITS_CHOICE, FINAL_SETTINGS, judge_settings
from .stored_fits import stored_scaled_fit

#: A scaled logistic regression that is set up sensibly classifies at least
#: this share of the digits' test part correctly (the notebook's reaches about 0.97).
MIN_ACCURACY = 0.9

_BUILD_IT = "build it with `make_pipeline(StandardScaler(), LogisticRegression(...))`."
_OTHER_SCALERS = ("MinMaxScaler", "MaxAbsScaler", "RobustScaler", "Normalizer",
                  "QuantileTransformer", "PowerTransformer")


class ScaledPipeline(Judge, specs.ScaledPipeline):
    def cases(self, seed):
        # Images on which a fitted answer is asked for predictions: the digits' test
        # part, and for a model of MNIST's 784 pixels digits drawn the MNIST way.
        _, X_test, _, _ = digits_split()
        return [(X_test,), (mnist_like_test()[0],)]
    def judge(self, payload, cases):
        facts = payload["value"]
        if not isinstance(facts, dict) or "steps" not in facts:
            return wrong("the answer could not be read as a scikit-learn model.", _BUILD_IT)
        # In the order a learner builds it: the steps, the fit, then what each step learned.
        for step in (_judge_steps, _judge_copy, _judge_names_rebound, _judge_raw_model_reused,
                     _judge_search_refit_reused, _judge_later_cells_inputs, _judge_step_options,
                     _judge_scaler, judge_settings):
            verdict = step(facts)
            if verdict is not None:
                return verdict
        setting = f"C={facts['C']:.3g}, l1_ratio={facts['l1_ratio']:g}"
        if facts.get("n_features") == 784:
            return _judge_mnist_fit(facts, setting)
        return _judge_digits_fit(facts, setting)


def _judge_steps(facts):
    """Is the answer a fitted pipeline, a StandardScaler then a LogisticRegression?"""
    steps = list(facts["steps"])
    if not facts["is_pipeline"]:
        if steps == ["LogisticRegression"]:
            return wrong("scaled_model is a LogisticRegression on its own: nothing "
                         "standardizes the pixels.",
                         "wrap it: `make_pipeline(StandardScaler(), LogisticRegression(...))`.")
        return wrong(f"scaled_model is not a pipeline (it is of type {steps[0]}).", _BUILD_IT)
    if "StandardScaler" not in steps:
        other = [name for name in steps if name in _OTHER_SCALERS]
        if other:
            return wrong(f"the pipeline rescales with {other[0]}, not StandardScaler.",
                         "this exercise is about standardizing: each pixel minus its mean, "
                         "divided by its standard deviation. Use `StandardScaler()`.")
        return wrong(f"the pipeline's steps are {steps}: no StandardScaler.",
                     "put `StandardScaler()` first: `make_pipeline(StandardScaler(), "
                     "LogisticRegression(...))`.")
    if steps[-1] != "LogisticRegression":
        return wrong(f"the pipeline's last step is {steps[-1]}.",
                     "the model comes last, after the scaler: `make_pipeline("
                     "StandardScaler(), LogisticRegression(...))`.")
    if steps[0] != "StandardScaler":
        return wrong(f"the pipeline's steps are {steps}; the scaler should come first.",
                     "`make_pipeline(StandardScaler(), LogisticRegression(...))`.")
    if len(steps) > 2:
        # Caught before the fit is compared: the weights of a model fed by another step
        # say nothing about where it was fitted, and comparing them costs seconds.
        between = ", ".join(steps[1:-1])
        return wrong(f"the pipeline's steps are {steps}: {between} between the scaler and "
                     "the model changes what the model learns from, and the comparison "
                     "below would no longer be of standardized against raw pixels alone.",
                     "two steps, nothing between: `make_pipeline(StandardScaler(), "
                     "LogisticRegression(**best, **FINAL_SETTINGS))`.")
    if not facts["fitted"]:
        return wrong("scaled_model is built but not fitted yet.",
                     "fit it on the training part: `scaled_model.fit(X_train, y_train)`.")
    if facts.get("label_kind", "i") not in ("b", "i", "u", "f"):
        return wrong("scaled_model was fitted on labels that are not numbers: its classes "
                     "are text, such as '0' (`y_train.astype(str)`?), so it predicts text, "
                     "which the cells below compare with the numbers of `y_test`.",
                     "fit it on the labels as they are: `scaled_model.fit(X_train, y_train)`.")
    return None


def _judge_copy(facts):
    """Does the scaler work on copies, as the notebook's arrays need? None when it does."""
    if facts.get("copy") is not False:
        return None
    return wrong("the StandardScaler has `copy=False`: it standardizes the very arrays it is "
                 "given, in place, so fitting the pipeline standardized `X_train` itself (and "
                 "each prediction standardizes `X_test`). The cells below, and the progress "
                 "cell, read them as the split made them.",
                 "use `StandardScaler()` with its defaults, then rerun the notebook from the "
                 "split on: `X_train` has changed.")


#: The names of the objects the cells after this exercise read again.
_KEPT_NAMES = ("best_model", "search")


def _judge_names_rebound(facts):
    """Is the pipeline also bound to ``best_model`` or ``search``? None when it is not."""
    names = [name for name in facts.get("pipeline_names") or () if name in _KEPT_NAMES]
    if not names:
        return None
    return wrong(f"`{names[0]}` now holds this pipeline too (`scaled_model = {names[0]} = "
                 "...`): the cells below read the notebook's own `best_model` (the model of "
                 "raw pixels, compared with this one) and `search` (checked again by the "
                 "progress cell).",
                 f"assign the pipeline to `scaled_model` alone; rerun the cells from the "
                 f"search on to get `{names[0]}` back, then this one.")


def _judge_search_refit_reused(facts):
    """Is one of the pipeline's steps the search's own refit? None when it is not."""
    if not facts.get("holds_search_refit"):
        return None
    return wrong("the pipeline's LogisticRegression is `search.best_estimator_` itself, the "
                 "search's own refit: fitting the pipeline refitted it on standardized pixels, "
                 "so the search no longer holds the model it chose (the progress cell checks "
                 "exercise 4 again).",
                 "give the pipeline a new LogisticRegression of its own: "
                 "`make_pipeline(StandardScaler(), LogisticRegression(**best, "
                 "**FINAL_SETTINGS))`, then rerun the cells from the search on.")


def _judge_later_cells_inputs(facts):
    """Are the split's parts, the search and ``best_model`` as the cells below need them?"""
    changed = changed_part(facts.get("parts"), mnist=facts.get("mnist_images"))
    if changed is not None:
        name, words = changed
        return wrong(f"`{name}`, the {PART_WORDS[name]} the notebook split off, {words}. The "
                     "cells below (the comparison of the two models) and the progress cell "
                     "read it as the split made it.",
                     "leave the notebook's arrays as they are: the pipeline standardizes "
                     "copies when it is fitted and when it predicts (no `X_train[:] = ...`, "
                     "no `X_train -= ...`, no `StandardScaler(copy=False)`, and no "
                     "`X_train = scaler.fit_transform(X_train)`, which gives the name a "
                     "rescaled copy). Rerun the notebook from the split on.")
    digits = facts.get("n_features") == 64
    for judge, name in ((judge_search_kept, "search"), (judge_best_model_kept, "best_model")):
        state = facts.get(name) if isinstance(facts.get(name), dict) else {}
        verdict = judge(state, digits)
        if verdict is not None:
            return verdict
    return None


def _judge_step_options(facts):
    """Does the scaler standardize, and does the model leave the deprecated `penalty` alone?"""
    if facts.get("with_mean") is False or facts.get("with_std") is False:
        missing = [text for flag, text in (("with_mean", "subtract each pixel's mean"),
                                           ("with_std", "divide by its standard deviation"))
                   if facts.get(flag) is False]
        return wrong(f"the StandardScaler does not {' and '.join(missing)}: "
                     "standardizing does both.",
                     "use `StandardScaler()` with its defaults, without `with_mean=False` "
                     "or `with_std=False`.")
    if facts.get("penalty") not in (None, "deprecated"):
        return wrong(f"the LogisticRegression sets `penalty={facts['penalty']!r}`, "
                     "which scikit-learn deprecated in version 1.8.",
                     "choose the penalty with `l1_ratio` (1 for L1, 0 for L2), as the "
                     "search did: `LogisticRegression(**best, **FINAL_SETTINGS)`.")
    return None


def _judge_mnist_fit(facts, setting):
    """On MNIST, which the judge does not have: does it read digits drawn the MNIST way?"""
    _, y_like = mnist_like_test()
    predictions = as_float_array(facts.get("predictions"), shape=y_like.shape)
    if predictions is None:
        return wrong("the pipeline gave no predictions for 784-pixel images.",
                     _BUILD_IT)
    accuracy = float(np.mean(predictions == y_like))
    if accuracy < MNIST_LIKE_MIN_ACCURACY:
        return wrong(f"the pipeline is built with the right settings, but reads only "
                     f"{accuracy:.0%} of {MNIST_LIKE_SIZE} digits drawn the MNIST way "
                     "(a model of real MNIST digits reads more than half): it was "
                     "not fitted on MNIST's training images.",
                     "fit it on the notebook's training part: "
                     "`scaled_model.fit(X_train, y_train)`.")
    return correct(f"StandardScaler, then LogisticRegression ({setting}), fitted on "
                   f"{MNIST_TRAIN_SIZE:,} images, as many as the training part holds; it "
                   f"reads {accuracy:.0%} of the course's 8x8 digits redrawn in MNIST's style "
                   "(a test that it learned MNIST digits, not its accuracy on MNIST). On "
                   "MNIST the check has no images of its own to fit the pipeline again: it "
                   "compared the scaler's means with `X_train`'s pixels, not the model's "
                   "weights with a fit of its own (run the notebook on the digits for the "
                   "full check).")


def _judge_digits_fit(facts, setting):
    """On the digits: did the pipeline learn from the training part, standardized?"""
    _, _, _, y_test = digits_split()
    predictions = as_float_array(facts.get("predictions"), shape=y_test.shape)
    if predictions is None:
        return wrong("the pipeline gave no predictions for the test images.", _BUILD_IT)
    accuracy = float(np.mean(predictions == y_test))
    raw = _raw_pixel_accuracy(facts, y_test)
    settings = facts.get("settings") if isinstance(facts.get("settings"), dict) else {}
    if raw is not None and raw > accuracy and settings.get("warm_start") is True:
        return wrong(f"the pipeline's LogisticRegression reads the raw test images better "
                     f"({raw:.1%}) than the scaled ones ({accuracy:.1%}), and has "
                     "`warm_start=True`: it started from weights learned on raw pixels "
                     "(copied into it, or from an earlier fit), and saga stopped near them.",
                     "a new model of its own, without `warm_start` and without copied "
                     "weights: `make_pipeline(StandardScaler(), LogisticRegression(**best, "
                     "**FINAL_SETTINGS))`, fitted once with `scaled_model.fit(X_train, "
                     "y_train)`.")
    if raw is not None and raw > accuracy:
        return wrong(f"the pipeline's LogisticRegression was fitted on raw pixels: on its "
                     f"own, on the raw test images, it classifies {raw:.1%} right, after "
                     f"the scaler only {accuracy:.1%}. The scaler hands it standardized "
                     "pixels it never learned from.",
                     "fit the model on the standardized training images: fit the whole "
                     "pipeline, `scaled_model.fit(X_train, y_train)` (by hand, "
                     "`LogisticRegression(...).fit(scaler.transform(X_train), y_train)`).")
    if accuracy < MIN_ACCURACY:
        return wrong(f"the pipeline has the right steps and settings and saw the training "
                     f"images, but classifies only {accuracy:.1%} of the test images: it "
                     "learned from labels that do not go with them.",
                     "fit it on the training images and their own labels: "
                     "`scaled_model.fit(X_train, y_train)`.")
    verdict = _judge_model_step(facts)
    if verdict is not None:
        return verdict
    return correct(f"StandardScaler, then LogisticRegression ({setting}), fitted on the "
                   f"training part only; accuracy on the test part {accuracy:.3f}.")

#: How close the pipeline's learned weights must be to the judge's refit, relative to the
#: largest weight. saga is deterministic for one seed: thread counts change nothing, and
#: pixels changed in their last bits move the weights by about 1e-14. A fit that stopped
#: one pass earlier or later moves them by far less than this; a fit of other images (five
#: training images fewer, the test part, float32 pixels) moves them by 0.5 % to 50 %.
SCALED_MODEL_RTOL = 1e-3


@computed_once(maxsize=3)
def scaled_final_fit(part):
    """The final model's ``coef_`` and ``intercept_`` behind a scaler of the training part.

    ``part`` names the images the model step is fitted on: "train", "test" or
    "both parts" (the training part, then the test part).
    """
    X_train, X_test, y_train, y_test = digits_split()
    images, labels = {"train": (X_train, y_train), "test": (X_test, y_test),
                      "both parts": (np.concatenate([X_train, X_test]),
                                     np.concatenate([y_train, y_test]))}[part]
    scaler = StandardScaler().fit(X_train)
    model = LogisticRegression(**DIGITS_CHOICE, **FINAL_SETTINGS)
    model.fit(scaler.transform(images), labels)
    return model.coef_, model.intercept_


def _learned_like(facts, part):
    """Whether the pipeline's model step learned what a fit on ``part`` learns (the stored
    fit first, for the training part)."""
    def learned(fit):
        coef, intercept = fit
        got_coef = as_float_array(facts.get("coef"), shape=coef.shape)
        got_intercept = as_float_array(facts.get("intercept"), shape=intercept.shape)
        if got_coef is None or got_intercept is None:
            return False
        atol = SCALED_MODEL_RTOL * np.abs(coef).max()
        return bool(np.allclose(got_coef, coef, rtol=0, atol=atol)
                    and np.allclose(got_intercept, intercept, rtol=0, atol=atol))

    return learned(stored.reference(stored_scaled_fit(part), lambda: scaled_final_fit(part),
                                    learned))


def _judge_model_step(facts):
    """Did the model step learn from the standardized training part? Digits only.

    The scaler's statistics say what the scaler saw; only the model's weights say what
    the model saw: it may be fitted by hand on other images, or refitted after the
    pipeline's fit. None when it learned what the judge's refit learns.
    """
    if facts.get("n_features") != 64 or _learned_like(facts, "train"):
        return None
    fit_it = ("fit the whole pipeline once, on the training part, and leave it so: "
              "`scaled_model.fit(X_train, y_train)`.")
    if getattr(facts.get("coef"), "dtype", None) == np.float32:
        return wrong("the pipeline's LogisticRegression has float32 weights: the pipeline was "
                     "fitted on float32 pixels (`X_train.astype(np.float32)`), and saga then "
                     "ends at other weights than on the notebook's X_train (float64). The "
                     "comparison below would tell it from the raw-pixel model by more than "
                     "the scaler.",
                     "fit it on the training part as it is, as the text asks: "
                     "`scaled_model.fit(X_train, y_train)`, no `astype`.")
    if _learned_like(facts, "test"):
        return wrong("the pipeline's LogisticRegression learned from the test part: its "
                     "weights are those of a fit on the standardized test images, as when "
                     "it is refitted after the pipeline's fit (`scaled_model[-1].fit(..., "
                     "y_test)`). Its score on the test part then measures nothing.", fit_it)
    if _learned_like(facts, "both parts"):
        return wrong("the pipeline's LogisticRegression learned from the training and the "
                     "test part together: the test images leak into the model.", fit_it)
    return wrong("the scaler is the training part's, but the pipeline's LogisticRegression "
                 "learned other weights than a fit on the whole standardized training part: "
                 "it was fitted on part of the training part, or on other images, or "
                 "refitted after the pipeline's fit.", fit_it)


#: The raw-pixel model the notebook's later cells read (the comparison, the weight images).
RAW_MODEL_NAME = "best_model"


def _judge_raw_model_reused(facts):
    """Is the pipeline's model the notebook's ``best_model`` itself? None when it is not.

    Any other name may hold the pipeline's model (``logreg = LogisticRegression(...)``
    before ``make_pipeline(StandardScaler(), logreg)``): only ``best_model`` must stay
    as it was, for the cells below that compare the two models.
    """
    shared = [name for name in facts.get("shared_with") or () if isinstance(name, str)]
    if RAW_MODEL_NAME not in shared:
        return None
    _, _, _, y_test = digits_split()
    raw = _raw_pixel_accuracy(facts, y_test)
    if raw is not None and raw >= MIN_ACCURACY:
        what = (f"`{RAW_MODEL_NAME}` itself, still the model of raw pixels: the scaler hands "
                "it standardized pixels it never learned from")
    else:
        what = (f"`{RAW_MODEL_NAME}` itself, not a new model: fitting the pipeline refitted "
                f"`{RAW_MODEL_NAME}` on standardized pixels, and the cells below that use it "
                "(the comparison with the raw-pixel model, its weight images) now see "
                "another model")
    return wrong(f"the pipeline's LogisticRegression is {what}.",
                 "give the pipeline a new LogisticRegression of its own: "
                 "`make_pipeline(StandardScaler(), LogisticRegression(**best, "
                 "**FINAL_SETTINGS))`, then run the cell that fits "
                 f"`{RAW_MODEL_NAME}` again.")


def _raw_pixel_accuracy(facts, y_test):
    """The pipeline's model alone on the raw test images; None when it was not asked."""
    if facts.get("n_features") != 64:
        return None
    raw = as_float_array(facts.get("raw_predictions"), shape=y_test.shape)
    return None if raw is None else float(np.mean(raw == y_test))


def _judge_mnist_scaler_rows(mean, seen, facts):
    """On MNIST: are the scaler's means those of the notebook's `X_train`? None when they are.

    The judge has no MNIST images, but the kernel sends the sum of `X_train`'s pixels: a
    scaler fitted on it has means that add up to that sum over its rows.
    """
    train = (facts.get("parts") or {}).get("X_train") or {}
    total = train.get("sum")
    if mean is None or not isinstance(total, numbers.Real) or np.isclose(
            float(mean.sum()) * seen, total, rtol=1e-9, atol=1e-6):
        return None
    return wrong(f"the pipeline was fitted on {seen:,} images, as many as the training part "
                 "holds, but not on `X_train`: its scaler's means are not those of the "
                 "training part's pixels (were rows of the test part swapped in, or other "
                 "rows taken?).",
                 "fit it with `scaled_model.fit(X_train, y_train)`: the test part stays "
                 "untouched until the final score.")


def _judge_scaler(facts):
    """Was the scaler fitted on the training part, on raw pixels? None when it was."""
    mean = as_float_array(facts.get("mean"))
    seen = facts.get("n_seen")
    if mean is not None and mean.size and np.all(np.abs(mean) < 1e-6) and np.allclose(
        as_float_array(facts.get("scale")), 1, atol=1e-3
    ):
        return wrong("the scaler saw pixels that were standardized already (mean 0, "
                     "standard deviation 1).",
                     "never rescale the images themselves: reload the raw `X_train` and let "
                     "the pipeline do the scaling when it is fitted.")
    if facts.get("n_features") == 784:
        # Counts only: the test part's count is also that of a slice of the training part.
        sizes = {MNIST_TRAIN_SIZE: None,
                 MNIST_TEST_SIZE: f"{MNIST_TEST_SIZE:,} images (the test part, or a slice of "
                                  "the training part?)",
                 MNIST_TRAIN_SIZE + MNIST_TEST_SIZE: "all images, the test part included"}
        if seen == MNIST_TRAIN_SIZE:
            return _judge_mnist_scaler_rows(mean, seen, facts)
        where = sizes.get(seen, f"{seen} images")
        return wrong(f"the pipeline was fitted on {where}, not the {MNIST_TRAIN_SIZE:,} "
                     "training images.",
                     "fit it with `scaled_model.fit(X_train, y_train)`: the test part stays "
                     "untouched until the final score.")
    if facts.get("n_features") != 64:
        return wrong(f"the pipeline was fitted on images of {facts.get('n_features')} pixels.",
                     "fit it on the notebook's `X_train`.")
    X_train, X_test, _, _ = digits_split()
    if _statistics_of(facts, X_train):
        return None
    for part, where in ((X_test, "the test part"),
                        (np.concatenate([X_train, X_test]), "all images, the test part included")):
        if _statistics_of(facts, part):
            return wrong(f"the scaler was fitted on {where}: its means and standard deviations "
                         "come from other images than the training part, so the test images "
                         "leak into the model.",
                         "fit the whole pipeline on the training part only: "
                         "`scaled_model.fit(X_train, y_train)`; a scaler fitted by hand must "
                         "be fitted on the training images too, `StandardScaler().fit(X_train)`.")
    return wrong(f"the scaler's pixel means and standard deviations are not those of the "
                 f"training images (it saw {seen} images): it was fitted on other images, or on "
                 "images changed beforehand.",
                 "fit the whole pipeline on the raw training part: "
                 "`scaled_model.fit(X_train, y_train)`.")


def _statistics_of(facts, images):
    """Whether the scaler's ``mean_`` and ``scale_`` are those of ``images``."""
    mean, scale = as_float_array(facts.get("mean")), as_float_array(facts.get("scale"))
    if mean is None or scale is None or mean.shape != (64,) or scale.shape != (64,):
        return False
    reference = StandardScaler().fit(images)
    return bool(np.allclose(mean, reference.mean_) and np.allclose(scale, reference.scale_))
