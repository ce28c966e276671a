"""Notebook 06, exercise 6: the final model's weights drawn as images."""

import numbers

import numpy as np

from ...checks import nb06 as specs
from ...checks.results import correct, wrong
from ..base import Judge
from ..plain_answers import as_float_array, describe_shape, not_an_array
from .notebook_state import (
    PART_WORDS, changed_part, final_coef, judge_choice_kept, other_choice,
)
from .parts import mnist_coef, mnist_part
from .settings import FINAL_SETTINGS


def _weight_rows(value):
    """``value`` as a 2-d float array (a model's ``coef_``), or None."""
    array = as_float_array(value) if isinstance(value, np.ndarray) else None
    return array if array is not None and array.ndim == 2 else None


def _close(got, want):
    """Whether two arrays of weights are the same numbers (float32 rounding allowed)."""
    want = np.asarray(want, dtype=float)
    return got.shape == want.shape and np.allclose(
        got, want, rtol=1e-5, atol=1e-6 * max(np.abs(want).max(), 1e-12))


class WeightImages(Judge, specs.WeightImages):
    def judge(self, payload, cases):
        facts = payload["value"]
        model = facts.get("model") if isinstance(facts.get("model"), dict) else {}
        coef = as_float_array(model.get("coef")) if isinstance(model.get("coef"),
                                                                np.ndarray) else None
        digits = coef is None or coef.ndim != 2 or coef.shape[-1] == 64
        checked = digits
        if digits:
            reference = final_coef(like=coef)
        elif coef.ndim == 2 and coef.shape[0] == 10:
            # MNIST: the final model fitted again on the notebook's training part, when the
            # kernel sent it with the search's choice; else the kernel's own model.
            reference = _mnist_final_coef(facts) if coef.shape[1] == 784 else None
            checked = reference is not None
            reference = coef if reference is None else reference
        else:
            reference = None
        answer = as_float_array(facts.get("numbers"))
        verdict = _judge_model_kept(coef, reference, answer, facts.get("inputs"),
                                    facts.get("search_choice") if digits else None,
                                    facts.get("search_recorded"), facts.get("mnist_images"))
        if verdict is not None:
            return verdict
        if answer is None:
            return wrong(f"weight_images is {describe_shape(facts.get('numbers'))}, not "
                         "numbers.", "`best_model.coef_.reshape(10, side, side)`.")
        verdict = not_an_array(facts, "weight_images", "(10, side, side)",
                               why="the exercise asks for one array of the ten images, "
                                   "which has a `.shape` and one largest weight for the "
                                   "colour limits, `np.abs(weight_images).max()`.")
        if verdict is not None:
            return verdict
        side = int(round(np.sqrt(reference.shape[1])))
        shape = (10, side, side)
        verdict = _judge_image_shape(answer, shape)
        if verdict is None:
            verdict = _judge_image_values(answer, reference, model, facts.get("search_coef"))
        return verdict or correct(
            f"the final model's {reference.shape[1]} weights of each digit as an image of "
            f"{side}x{side} pixels, digits 0 to 9 in order: ready for a colour map centred "
            "on 0." + ("" if digits or checked else " " + _MNIST_MODEL_UNCHECKED))


def _mnist_final_coef(facts):
    """The final model's weights fitted on the MNIST training part the kernel sent, with
    the search's choice; None when either is missing."""
    part = mnist_part(facts.get("mnist_images"))
    choice = facts.get("search_choice")
    if part is None or not isinstance(choice, dict) or not all(
            isinstance(choice.get(name), numbers.Real) for name in ("l1_ratio", "C")):
        return None
    setting = {"l1_ratio": float(choice["l1_ratio"]), "C": float(choice["C"])}
    return mnist_coef({**setting, **FINAL_SETTINGS}, part)


#: On MNIST without the training part, the judge has no final model to compare with.
_MNIST_MODEL_UNCHECKED = ("On MNIST the check has no images of its own to fit the final model "
                          "again, so it compared the images with `best_model` as it is now, "
                          "not with the model the search chose: leave `best_model` as it was "
                          "fitted (run the notebook on the digits for the full check).")


def _judge_model_kept(coef, reference, answer, inputs=None, search_choice=None,
                      search_recorded=None, mnist=None):
    """Is ``best_model`` as its fit left it? Its weights feed the comparison below."""
    if coef is None or reference is None:
        return None
    if coef.shape != reference.shape:
        return wrong(f"`best_model.coef_` now has the shape {coef.shape}: the model's own "
                     "weights were reshaped (or replaced), and `best_model.predict` in the "
                     "cells below fails.",
                     "reshape a copy into a new name, `weight_images = best_model.coef_"
                     ".reshape(...)`, and never assign to `best_model.coef_`; rerun the cell "
                     "that fits `best_model`.")
    if _close(coef, reference):
        return None
    if answer is not None and answer.size == coef.size and _changed_through_view(
            answer.reshape(coef.shape), coef, reference):
        return wrong("`best_model`'s weights changed after its fit, and weight_images holds "
                     "the changed ones: `reshape` gives a view of the same numbers, so "
                     "changing weight_images in place (`/=`, `*=`, `[...] =`) changed the "
                     "model too.",
                     "leave the numbers as they are and scale the colours instead "
                     "(`vmin=-m, vmax=m`); rerun the cell that fits `best_model`, then this one.")
    verdict = judge_choice_kept(search_choice, search_recorded)
    if verdict is not None:
        return wrong(f"`best_model` is not the final model the notebook fits: "
                     f"{verdict.message[0].lower()}{verdict.message[1:]}", verdict.hint)
    choice = other_choice(search_choice)
    if choice is not None:
        return wrong(f"`best_model` is not the final model the notebook fits: {choice}, and "
                     "`best_model` takes its setting.",
                     "fix exercise 4 first (its check cell says what is wrong), then rerun "
                     "the cells after it.")
    changed = changed_part(inputs, specs.SEARCH_INPUTS, mnist)
    if changed is not None:
        name, words = changed
        return wrong(f"`best_model` is not the final model the notebook fits: `{name}`, the "
                     f"{PART_WORDS[name]} it is fitted on, {words}.",
                     f"leave `{name}` as the split made it (no reassigning, no in-place "
                     "changes), then rerun the notebook from the split on.")
    return wrong("`best_model` is not the final model the notebook fits (the chosen setting "
                 "with `FINAL_SETTINGS`, on `X_train`): its weights differ.",
                 "rerun the cells from the search on, in order, and leave `best_model` as its "
                 "fit left it.")


def _changed_through_view(answer, coef, reference):
    """Whether the answer *is* the model's weights, changed after the fit in place.

    Rescaled (`/=`), or partly changed (zeros made NaN, large weights clipped): the
    model's weights are then proportional to the fit's, or mostly still equal to them.
    A model fitted with another setting differs almost everywhere.
    """
    if not np.allclose(answer, coef, rtol=1e-5, atol=0, equal_nan=True):
        return False
    finite = np.where(np.isfinite(coef), coef, 0)
    factor = float(np.sum(finite * reference) / np.sum(reference * reference))
    scale = max(np.abs(reference).max(), 1e-12)
    kept = np.isclose(coef, reference, rtol=1e-5, atol=1e-6 * scale)
    return _close(finite, factor * reference) or kept.mean() > 0.5


def _judge_image_shape(answer, shape):
    if answer.shape == shape:
        return None
    n_pixels = shape[1] * shape[2]
    if answer.shape == (shape[0], n_pixels):
        return wrong(f"weight_images has the shape {answer.shape} of `coef_` itself: one row "
                     "per digit, not yet an image.",
                     f"reshape each row into {shape[1]}x{shape[2]} pixels: "
                     f"`best_model.coef_.reshape{shape}`.")
    if answer.shape == (shape[1], shape[2], shape[0]) or answer.shape == (n_pixels, shape[0]):
        return wrong(f"weight_images has the shape {answer.shape}: the digits run along the "
                     "last axis.",
                     f"one image per digit, first: `best_model.coef_.reshape{shape}` (no `.T`).")
    if answer.shape[1:] == shape[1:]:
        return wrong(f"weight_images holds {answer.shape[0]} images, not one per digit (10).",
                     f"`best_model.coef_.reshape{shape}`: `coef_` has one row per digit.")
    return wrong(f"weight_images has the shape {answer.shape}, not {shape}.",
                 f"`best_model.coef_.reshape{shape}`.")


def _judge_image_values(answer, reference, model, search_coef):
    shape = answer.shape
    images = np.asarray(reference, dtype=float).reshape(shape)
    if _close(answer, images):
        return None
    slips = [
        # `order="F"` on the whole (10, n) array transposes each image, nothing more.
        (images.transpose(0, 2, 1), "each image is transposed, rows and columns swapped "
         "(as `.T` on each image or `reshape(..., order=\"F\")` do).",
         "reshape in the default order, without transposing: `best_model.coef_.reshape(...)`."),
        (np.asarray(reference, dtype=float).T.reshape(shape),
         "`coef_.T` was reshaped: each image holds pixels of several digits.",
         "reshape `coef_` itself, one row per digit: `best_model.coef_.reshape(...)`."),
        (np.abs(images), "these are the weights' absolute values: the sign is lost.",
         "keep the sign: the diverging colour map shows it, red for ink that speaks for the "
         "digit, blue against."),
    ]
    intercept = as_float_array(model.get("intercept"), shape=(shape[0],))
    if intercept is not None:
        slips.append((images + intercept[:, None, None],
                      "each image has its digit's intercept added to every pixel.",
                      "the intercept is no pixel's weight: leave `intercept_` out."))
    search = _weight_rows(search_coef)
    if search is not None and search.size == answer.size:
        slips.append((search.reshape(shape),
                      "these are the weights of the search's own refit "
                      "(`search.best_estimator_`, fitted with the loose `tol=0.01`), not the "
                      "final model's.",
                      "take them from `best_model`, the final model the text draws."))
    for expected, message, hint in slips:
        if _close(answer, expected):
            return wrong(f"weight_images: {message}", hint)
    return _judge_image_order_and_scale(answer, images)


def _judge_image_order_and_scale(answer, images):
    blank = np.isnan(answer)
    if blank.any() and _close(np.where(blank, images, answer), images):
        return wrong(f"weight_images has NaN in {int(blank.sum())} places where the weights "
                     "are numbers (0, for the weights the L1 penalty switched off).",
                     "keep the weights as numbers: a diverging colour map centred on 0 draws "
                     "the zeros white by itself.")
    order = [next((j for j in range(len(images)) if _close(image, images[j])), None)
             for image in answer]
    if None not in order:
        return wrong(f"the images are the right ones in another order: image 0 is digit "
                     f"{order[0]}'s, ..., image 9 digit {order[-1]}'s.",
                     "keep the rows of `coef_` in their order, which is `best_model.classes_`:"
                     " digit 0 first.")
    factor = float(np.sum(answer * images) / np.sum(images * images))
    if factor > 0 and _close(answer, factor * images):
        return wrong(f"weight_images holds the weights times {_factor_words(factor)}: "
                     "rescaled for the picture.",
                     "leave the numbers as they are and centre the colours instead: "
                     "`imshow(..., cmap=\"RdBu_r\", vmin=-m, vmax=m)` with `m` the largest "
                     "absolute weight.")
    verdict = _judge_images_rescaled_or_mixed(answer, images)
    if verdict is not None:
        return verdict
    return wrong("weight_images does not hold the final model's weights: another model's, or "
                 "numbers changed on the way.",
                 "`best_model.coef_.reshape(10, side, side)`: the model fitted with the chosen "
                 "setting and `FINAL_SETTINGS`.")


def _factor_words(factor):
    """``factor`` with as few digits as show it is not 1 (1.001, not 1).

    Examples
    --------
    >>> _factor_words(1.001), _factor_words(0.5), _factor_words(1 + 1e-9)
    ('1.001', '0.5', '1.000000001')
    """
    for digits in range(3, 16):
        shown = f"{factor:.{digits}g}"
        if float(shown) != 1.0:
            return shown
    return repr(factor)


def _judge_images_rescaled_or_mixed(answer, images):
    """Each image rescaled by a factor of its own, or the right numbers in a wrong order."""
    if answer.shape != images.shape:
        return None
    factors = [float(np.sum(a * i) / max(np.sum(i * i), 1e-300)) for a, i in zip(answer, images)]
    if all(f > 0 and _close(a, f * i) for f, a, i in zip(factors, answer, images)):
        return wrong("weight_images holds each digit's weights rescaled by a factor of its "
                     f"own ({min(factors):.3g} to {max(factors):.3g}): normalised image by "
                     "image, the ten pictures can no longer be compared.",
                     "leave the numbers as they are and give every image the same colour "
                     "limits instead: `vmin=-m, vmax=m` with `m` the largest absolute weight "
                     "of all ten.")
    moved = _moved_within_each_image(answer, images)
    if moved is not None:
        return wrong(f"weight_images holds each digit's own weights, but {moved}: the pixels "
                     "no longer sit where they are in the digit's image.",
                     "reshape the rows of `coef_` as they are, without flipping, rotating or "
                     "sorting: `best_model.coef_.reshape(10, side, side)`.")
    if _close(np.sort(answer, axis=None), np.sort(images, axis=None)):
        return wrong("weight_images holds the final model's weights, but not one digit's per "
                     "image: each image mixes the weights of several digits (a reshape or "
                     "`moveaxis` in another order than the rows of `coef_`).",
                     "keep each row of `coef_` (one digit) together: "
                     "`best_model.coef_.reshape(10, side, side)`.")
    return None


def _moved_within_each_image(answer, images):
    """How each image's own pixels were moved (words), or None when they were not so."""
    moves = [(images[:, ::-1, :], "each image is upside down (its rows reversed)"),
             (images[:, :, ::-1], "each image is mirrored (its columns reversed)")]
    moves += [(np.rot90(images, turns, axes=(1, 2)), f"each image is rotated by "
               f"{90 * turns} degrees") for turns in (1, 2, 3)]
    for expected, words in moves:
        if expected.shape == answer.shape and _close(answer, expected):
            return words
    if all(_close(np.sort(a, axis=None), np.sort(i, axis=None)) for a, i in zip(answer, images)):
        return "its pixels are in another order within the image (sorted or shuffled)"
    return None
