"""Notebook 07, exercise 1: the slips behind losses that are not the expected ones.

Each takes a case, the call's description, the losses recorded and the expected
history (:func:`.histories.reference_history`), and returns a wrong() verdict naming
the slip when the losses are those it leads to, else None.
"""

import numpy as np

from ...checks.results import wrong
from .histories import CLOSE, reference_history, shuffled_losses
from .parts import notebook_parts

#: Decimals to which a learner might round the losses before returning them.
_ROUNDINGS = (1, 2, 3, 4)


def part_slip(case, call, out, expected):
    """Losses of the wrong part: swapped, one part twice, or one part right and one not."""
    loss = expected["loss"]
    if np.allclose(out, loss[::-1], **CLOSE):
        return wrong(f"{call}: the training and validation losses are swapped.",
                     "return the training losses first, then the validation losses.")
    for row, part in enumerate(("training", "validation")):
        if np.allclose(out, loss[[row, row]], **CLOSE):
            return wrong(f"{call} returned the {part} losses twice, as both lists.",
                         "measure each part with its own images and labels: the training "
                         "losses with `X_train, y_train`, the validation losses with "
                         "`X_valid, y_valid`.")
    for row, (part, other, names) in enumerate((
            ("training", "validation", "X_valid, y_valid"),
            ("validation", "training", "X_train, y_train"))):
        if np.allclose(out[row], loss[row], **CLOSE):
            return wrong(f"{call}: the {part} losses are right, the {other} losses are not.",
                         f"measure the {other} part with its own images and labels, "
                         f"`{names}`, the same way as the {part} part: "
                         "`log_loss(y, model.predict_proba(X), labels=np.arange(10))` (not "
                         "the model's own `loss_`, which is measured during the pass and "
                         "includes its penalty).")
    return None


def unit_slip(case, call, out, expected):
    """Another measure than the mean log loss: accuracy, another log, a sign, a sum, rounding."""
    spec, X_train, y_train, X_valid, y_valid, periods = case
    loss, accuracy = expected["loss"], expected["accuracy"]
    for scale, what in ((1, ""), (100, " in percent")):
        for measure, name in ((accuracy, "accuracy"), (1 - accuracy, "error rate")):
            if np.allclose(out, scale * measure):
                return wrong(f"{call} recorded the {name}{what}, not the log loss.",
                             "use `log_loss(y, model.predict_proba(X), labels=np.arange(10))`: "
                             "it also counts how confident the right and wrong answers are "
                             "(`labels` names every digit, even one missing from `y`).")
    for base, factor in (("log2", np.log(2)), ("log10", np.log(10))):
        if np.allclose(out, loss / factor, **CLOSE):
            return wrong(f"{call} recorded the log loss in another unit: with {base} "
                         "instead of the natural logarithm.",
                         "use scikit-learn's `log_loss`, or `-np.mean(np.log(p))` with the "
                         "natural logarithm `np.log`, as the curves in this course do.")
    if np.allclose(out, -loss, **CLOSE):
        return wrong(f"{call} recorded negative losses: the minus sign is missing.",
                     "the log loss is the mean of *minus* the log of the right digit's "
                     "probability; `log_loss` gives it as a positive number.")
    sizes = np.array([[len(y_train)], [len(y_valid)]])
    if np.allclose(out, loss * sizes, **CLOSE):
        return wrong(f"{call} recorded the sum of the images' losses, not their mean.",
                     "average over the images (`log_loss` does, unless given "
                     "`normalize=False`), so that parts of different sizes compare.")
    if np.allclose(out, expected["own"], **CLOSE):
        return wrong(f"{call} scored the probability of the model's own answer, the largest "
                     "one, not the probability of the true digit.",
                     "take each image's probability of its *true* digit, "
                     "`probabilities[np.arange(len(y)), y]`, or let `log_loss(y, ...)` pick it.")
    return None


def rounding_slip(case, call, out, expected):
    """Losses rounded: named before a part whose rounding the tolerance happens to forgive."""
    for decimals in _ROUNDINGS:
        if np.allclose(out, np.round(expected["loss"], decimals), rtol=0, atol=1e-9):
            return wrong(f"{call} recorded losses rounded to {decimals} decimal(s).",
                         "return the losses as `log_loss` gives them; round only when "
                         "printing, e.g. with `:.3f`.")
    return None


def dtype_slip(case, call, out, expected):
    """The model trained on images of another type than the part it was given."""
    dtype = expected.get("answer_dtype")
    if not isinstance(dtype, str) or dtype in ("", "float64"):
        return None
    return wrong(f"{call}: the model ended with {dtype} weights, so it was trained on images "
                 f"of another type than those given (float64), e.g. `X_train.astype(np."
                 f"{dtype})`: it computes in their precision, and its losses differ a little "
                 "from those of the images as they are.",
                 "pass the images to `partial_fit` as they were given, without "
                 "`.astype(...)`.")


def period_slip(case, call, out, expected):
    """The periods themselves: no accumulation, one period late, or drift after the first."""
    spec, X_train, y_train, X_valid, y_valid, periods = case
    loss = expected["loss"]
    if periods > 1 and np.allclose(out, out[:, :1]) and not np.allclose(loss, loss[:, :1]):
        return wrong(f"{call} recorded the same losses in every period.",
                     "call `model.partial_fit(...)` on the model passed in, each period: "
                     "`fit`, or a fresh model each period (`clone(model)`), starts "
                     "training again from scratch, so nothing accumulates.")
    longer = reference_history(spec, X_train, y_train, X_valid, y_valid, periods + 1)
    if np.allclose(out, longer["loss"][:, 1:], **CLOSE):
        return wrong(f"{call} recorded the losses one period late: the model had one "
                     "more `partial_fit` than the periods, e.g. one before the loop.",
                     "run exactly `periods` periods, each one `partial_fit` then both "
                     "losses, and no `partial_fit` before the loop.")
    return None


def count_slip(call, seen, expected, periods, size):
    """Shown more or fewer images than ``periods`` passes over the training part show."""
    if not isinstance(seen, float) or seen == expected["seen"]:
        return None
    extra = int(round(seen - expected["seen"]))
    notebook = _notebook_training_size(extra, periods, size)
    if notebook is not None:
        return wrong(f"{call} showed the model {notebook:,} images in each of its {periods} "
                     f"periods, as many as the notebook's own training part holds, not the "
                     f"{size} it was given: does it train on the notebook's `X_train` "
                     "(a name from outside the function) instead of its parameter?",
                     "use the function's own parameters, `model.partial_fit(X_train, y_train, "
                     "...)` with the `X_train` it was given: this check passes parts of its "
                     "own.")
    if extra > 0 and extra % size == 0:  # whole passes more: never a few added rows
        passes = periods + extra // size
        return wrong(f"{call} made {passes} passes over the training part in {periods} "
                     "periods: one `partial_fit` per period, no more and no fewer.",
                     "in each period call `model.partial_fit(X_train, y_train, "
                     "classes=np.arange(10))` once, then record both losses.")
    if extra > 0:
        return wrong(f"{call} showed the model {extra:,} images more than {periods} passes "
                     f"over the training part ({size} images each) show: were rows added, "
                     "such as some of the validation part?",
                     "train on the training part alone, `model.partial_fit(X_train, "
                     "y_train, ...)`: the validation part only watches, so that its loss "
                     "tells how the model does on images it never learned from.")
    if periods + extra // size == 1 and extra % size == 0:
        # What `fit` leaves, even with warm_start=True and max_iter=1: its count restarts.
        return wrong(f"{call} left the model counting one pass over the training part after "
                     f"{periods} periods: was it trained with `fit`, which starts its count "
                     "(and its learning rate's schedule) again at every call, even with "
                     "`warm_start=True` and `max_iter=1`? Or on a share of the part only?",
                     "in each period call `model.partial_fit(X_train, y_train, "
                     "classes=np.arange(10))` once, on the whole training part: it carries "
                     "on where the last call stopped.")
    return wrong(f"{call} showed the model {-extra:,} images fewer than {periods} passes over "
                 f"the training part ({size} images each) show: was part of it left out, "
                 "or a sample of it taken?",
                 "pass the whole training part to `partial_fit` once per period, as it is.")


#: The training part the notebook makes of MNIST (its loading cell keeps 7,500 images).
MNIST_TRAINING_SIZE = 7500


def _notebook_training_size(extra, periods, size):
    """The notebook's training size when ``periods`` passes over it instead of over the
    ``size`` images given show ``extra`` images more, else None."""
    for notebook in (len(notebook_parts()["train"][1]), MNIST_TRAINING_SIZE):
        if notebook != size and extra == periods * (notebook - size):
            return notebook
    return None


def data_slip(case, call, out, expected):
    """Trained on other images: the validation part, both parts, or a reshuffled part."""
    spec, X_train, y_train, X_valid, y_valid, periods = case
    loss = expected["loss"]
    both = (np.concatenate([X_train, X_valid]), np.concatenate([y_train, y_valid]))
    for fit_on, what in (((X_valid, y_valid), "the validation part"),
                         (both, "the training and validation parts together")):
        history = reference_history(spec, X_train, y_train, X_valid, y_valid, periods,
                                    fit_on=fit_on)
        if np.allclose(out, history["loss"], **CLOSE):
            return wrong(f"{call} trained the model on {what}.",
                         "train on the training part only, `model.partial_fit(X_train, "
                         "y_train, ...)`: the validation part only watches, so that its "
                         "loss tells how the model does on images it never learned from.")
    verdict = count_slip(call, expected.get("answer_seen"), expected, periods, len(y_train))
    if verdict is not None:
        return verdict
    if np.allclose(out[:, 0], loss[:, 0], **CLOSE):
        # Before the test of another order: the first period's very losses rule it out.
        return wrong(f"{call} is right after the first period but not after later ones.",
                     "each period is exactly one `partial_fit` on the whole training "
                     "part, then both losses; nothing else changes the model (a `fit`, "
                     "even with `warm_start=True` and `max_iter=1`, starts its optimiser "
                     "and its learning rate's schedule again).")
    shuffled = shuffled_losses(spec, X_train, y_train, X_valid, y_valid, periods)
    if np.all((out >= 0.8 * shuffled.min(axis=0)) & (out <= 1.25 * shuffled.max(axis=0))):
        return wrong(f"{call} recorded losses like those of a training that visits the "
                     "images in another order, with some of them swapped for others, or "
                     "weighted (`sample_weight`) (first period: training "
                     f"{loss[0, 0]:.3f}, validation {loss[1, 0]:.3f} expected; yours "
                     f"{out[0, 0]:.3f}, {out[1, 0]:.3f}).",
                     "pass the whole training part to `partial_fit`, once per period and "
                     "as it is, without `sample_weight`: did you shuffle or sample it, cut "
                     "it into batches of your own, weight its images, or swap in rows of the "
                     "validation part? `partial_fit` already "
                     "visits the "
                     "images in a shuffled order, drawn from the model's "
                     "`random_state`, so runs repeat exactly and can be compared.")
    return None
