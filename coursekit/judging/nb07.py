"""Notebook 07's judges: cases, references and hints."""

import functools
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, log_loss
from sklearn.neural_network import MLPClassifier

from ..checks import nb07 as specs
from ..checks.nb07 import CLASSES, build_model, small_network
from ..checks.results import ERROR, Result, correct, wrong
from ..data import load_digits, stratified_split
from .base import Judge
from .plain_answers import as_float_array, describe_shape, not_an_array
from .questions import Question


# ---------------------------------------------------------------- exercise 1


def shuffled_losses(spec, X_train, y_train, X_valid, y_valid, periods, *, runs=16):
    """The losses of ``runs`` trainings that shuffle the training part before each period.

    Returns
    -------
    ndarray of shape (runs, 2, periods)
        What an answer that shuffles the images itself records, for several shuffles:
        the judge recognises that slip by its losses falling within their range.
    """
    rng = np.random.default_rng(0)
    histories = []
    for _ in range(runs):
        model = build_model(spec)
        history = [[], []]
        for _ in range(periods):
            order = rng.permutation(len(X_train))
            model.partial_fit(X_train[order], y_train[order], classes=CLASSES)
            for row, (X, y) in enumerate(((X_train, y_train), (X_valid, y_valid))):
                history[row].append(log_loss(y, model.predict_proba(X), labels=CLASSES))
        histories.append(history)
    return np.array(histories)


def reference_history(spec, X_train, y_train, X_valid, y_valid, periods, *, fit_on=None):
    """What a right ``train_in_periods`` records, plus what common slips record instead.

    Parameters
    ----------
    fit_on : (X, y), optional
        Images to train on instead of the training part: the history of an answer that
        trains on the wrong part, measured on the right ones.

    Returns
    -------
    dict of str to ndarray
        ``"loss"``: log loss on the training and validation parts after each period,
        shape (2, periods); ``"accuracy"``: the same for accuracy; ``"own"``: the log
        loss of the model's own answer (its largest probability) instead of the true
        digit's; ``"final"``: the trained model's probabilities for the validation
        images, what the notebook's next cells see of the model.
    """
    model = build_model(spec)
    X_fit, y_fit = (X_train, y_train) if fit_on is None else fit_on
    history = {"loss": [[], []], "accuracy": [[], []], "own": [[], []]}
    for _ in range(periods):
        model.partial_fit(X_fit, y_fit, classes=CLASSES)
        for row, (X, y) in enumerate(((X_train, y_train), (X_valid, y_valid))):
            probabilities = model.predict_proba(X)
            history["loss"][row].append(log_loss(y, probabilities, labels=CLASSES))
            history["accuracy"][row].append(accuracy_score(y, model.predict(X)))
            history["own"][row].append(-np.mean(np.log(probabilities.max(axis=1))))
    history = {key: np.array(value) for key, value in history.items()}
    history["final"] = model.predict_proba(X_valid)
    return history


#: Decimals to which a learner might round the losses before returning them.
_ROUNDINGS = (1, 2, 3, 4)
_CLOSE = {"rtol": 1e-4, "atol": 1e-6}


class TrainInPeriods(Judge, specs.TrainInPeriods):
    def cases(self, seed):
        rng = np.random.default_rng(seed)
        X, y = load_digits()
        # A small stratified sample keeps the check fast and still holds every digit.
        rows = rng.choice(len(X), size=500, replace=False)
        X_train, X_valid, y_train, y_valid = stratified_split(
            X[rows], y[rows], test_size=0.3, random_state=int(rng.integers(1000)))
        specs = [
            {"kind": "linear", "alpha": 1e-3, "random_state": int(rng.integers(1000))},
            {"kind": "network", "hidden": 8, "batch_size": 32, "learning_rate_init": 0.01,
             "random_state": int(rng.integers(1000))},
            {"kind": "linear", "alpha": 1e-2, "random_state": int(rng.integers(1000))},
        ]
        # The last training part has no image of one digit, as a small or unlucky one
        # may not: only `classes=np.arange(10)` then still knows all ten digits.
        missing = int(rng.integers(10))
        kept = y_train != missing
        parts = [(X_train, y_train), (X_train, y_train), (X_train[kept], y_train[kept])]
        return [(spec, X_part, y_part, X_valid, y_valid, periods)
                for spec, (X_part, y_part), periods in zip(specs, parts, (4, 3, 2))]

    def describe_case(self, case):
        spec, *_, periods = case
        model = "SGDClassifier" if spec["kind"] == "linear" else "MLPClassifier"
        return f"train_in_periods({model}(...), X_train, y_train, X_valid, y_valid, {periods})"

    def error_hint(self, case, error):
        if "classes must be passed" in error:
            return ("the first `partial_fit` must know every digit the model will ever see: "
                    "`model.partial_fit(X_train, y_train, classes=np.arange(10))`.")
        if "NotFittedError" in error:
            return ("measure the losses *after* the period's `partial_fit`: before the first "
                    "one the model has not learned anything it could predict with.")
        if "different number of classes" in error or "classes in labels" in error:
            return ("this check's training part has no image of one digit, as a small part "
                    "may not: tell `log_loss` all ten digits too, "
                    "`log_loss(y, model.predict_proba(X), labels=np.arange(10))`.")
        if "inconsistent numbers of samples" in error:
            return ("the images and labels it was given do not go together: does the "
                    "function use a name from outside it, such as the notebook's `X_train` "
                    "or `y_valid`? Use its own parameters, so that it works on whatever it "
                    "is given (this check passes parts of its own).")
        return None

    def judge(self, payload, cases):
        for case, output in zip(cases, payload["outputs"]):
            verdict = self._judge_case(case, output)
            if verdict is not None:
                return verdict
        return correct("one partial_fit per period and both log losses after it, for the "
                       "linear model and the network, also on a training part that lacks "
                       "a digit; the model passed in is the one trained.")

    def _judge_case(self, case, output):
        spec, X_train, y_train, X_valid, y_valid, periods = case
        call = self.describe_case(case)
        classes = output.get("classes")
        classes = None if classes is None else as_float_array(classes)
        if classes is not None and (classes.shape != CLASSES.shape
                                    or not np.array_equal(classes, CLASSES)):
            absent = sorted(int(d) for d in set(CLASSES) - set(np.unique(y_train)))
            return wrong(f"{call}: the model knows the digits {classes.astype(int).tolist()} "
                         f"only; this training part has no image of {absent}, so "
                         "`np.unique(y_train)` leaves that digit out.",
                         "pass all ten digits, whatever the part holds: "
                         "`classes=np.arange(10)`.")
        if "raised" in output:
            error = str(output["raised"])
            hint = self.error_hint(case, error) or (
                "read the error, fix the cell with your answer, run it, then run this one "
                "again.")
            return Result(ERROR, f"{call} raised {error}", hint)
        changed = output.get("changed_input") or []
        if changed:
            # Named first: the losses of changed parts differ for that reason alone.
            return wrong(f"{call} changed {', '.join(map(str, changed))}, which it was given.",
                         "leave the parts as they are (no `np.random.shuffle`, `-=` or "
                         "assignment into them): the notebook uses them again for the next "
                         "model.")
        losses = output.get("losses")
        if losses is None:
            return wrong(f"{call} returned None.",
                         "did you forget `return train_losses, valid_losses`?")
        out = as_float_array(losses)
        if out is None or out.ndim != 2 or out.shape[0] != 2:
            if out is not None and out.shape == (periods, 2):
                return wrong(f"{call} returned {periods} pairs, one per period.",
                             "return two lists, `train_losses, valid_losses`, each with "
                             "one number per period.")
            return wrong(f"{call} returned {describe_shape(losses)}.",
                         "return two lists of numbers: `return train_losses, valid_losses`.")
        if out.shape[1] != periods:
            return _count_slip(call, out.shape[1], periods)
        expected = reference_history(spec, X_train, y_train, X_valid, y_valid, periods)
        loss = expected["loss"]
        if np.allclose(out, loss, **_CLOSE):
            return self._judge_model(call, output, expected)
        return self._diagnose(case, call, out, expected)

    @staticmethod
    def _judge_model(call, output, expected):
        """The losses are right: is the model passed in left as the next cells need it?"""
        final = output.get("final")
        final = None if final is None else as_float_array(final)
        if final is None:
            return wrong(f"{call} recorded the right losses, but the model it was given is "
                         "not trained after the call: did it train a copy (`clone(model)`, "
                         "a new model)?",
                         "train the model passed in, `model.partial_fit(...)`: the next "
                         "cells use `linear` and `network` themselves.")
        if final.shape != expected["final"].shape or not np.allclose(
                final, expected["final"], **_CLOSE):
            return wrong(f"{call} recorded the right losses, but the model it was given is "
                         "not the model those losses describe: it was trained further, or "
                         "another model was trained.",
                         "train the model passed in, one `partial_fit` per period and "
                         "nothing after the loop: the next cells use it as it is.")
        return None

    def _diagnose(self, case, call, out, expected):
        """Name the slip behind losses that are not the expected ones."""
        for slip in (_part_slip, _unit_slip, _period_slip, _data_slip):
            verdict = slip(case, call, out, expected)
            if verdict is not None:
                return verdict
        loss = expected["loss"]
        return wrong(f"{call} recorded losses that differ from the expected ones "
                     f"(first period: training {loss[0, 0]:.3f}, validation {loss[1, 0]:.3f}).",
                     "in each period call `model.partial_fit(X_train, y_train, "
                     "classes=np.arange(10))` once, on the whole training part, then "
                     "append `log_loss(y, model.predict_proba(X), labels=np.arange(10))` "
                     "for each part.")


def _count_slip(call, recorded, periods):
    """Too many or too few numbers per part: name the loop that gives them."""
    if recorded == periods + 1:
        return wrong(f"{call} recorded {recorded} numbers per part, one period too many.",
                     "run exactly `periods` periods, `for _ in range(periods):`, and record "
                     "only after each period's `partial_fit` (not once more before the loop).")
    if recorded == periods - 1:
        return wrong(f"{call} recorded {recorded} numbers per part, one period short.",
                     "`range(periods)` runs `periods` times; `range(1, periods)` runs one "
                     "time less. Record both losses in every period.")
    return wrong(f"{call} recorded {recorded} numbers per part, not {periods}.",
                 "record both losses once at the end of every period, and run "
                 "exactly `periods` periods.")


def _part_slip(case, call, out, expected):
    """Losses of the wrong part: swapped, one part twice, or one part right and one not."""
    loss = expected["loss"]
    if np.allclose(out, loss[::-1], **_CLOSE):
        return wrong(f"{call}: the training and validation losses are swapped.",
                     "return the training losses first, then the validation losses.")
    for row, part in enumerate(("training", "validation")):
        if np.allclose(out, loss[[row, row]], **_CLOSE):
            return wrong(f"{call} returned the {part} losses twice, as both lists.",
                         "measure each part with its own images and labels: the training "
                         "losses with `X_train, y_train`, the validation losses with "
                         "`X_valid, y_valid`.")
    for row, (part, other, names) in enumerate((
            ("training", "validation", "X_valid, y_valid"),
            ("validation", "training", "X_train, y_train"))):
        if np.allclose(out[row], loss[row], **_CLOSE):
            return wrong(f"{call}: the {part} losses are right, the {other} losses are not.",
                         f"measure the {other} part with its own images and labels, "
                         f"`{names}`, the same way as the {part} part: "
                         "`log_loss(y, model.predict_proba(X), labels=np.arange(10))` (not "
                         "the model's own `loss_`, which is measured during the pass and "
                         "includes its penalty).")
    return None


def _unit_slip(case, call, out, expected):
    """Another measure than the mean log loss: accuracy, another log, a sign, a sum, rounding."""
    spec, X_train, y_train, X_valid, y_valid, periods = case
    loss, accuracy = expected["loss"], expected["accuracy"]
    for scale, what in ((1, ""), (100, " in percent")):
        for measure, name in ((accuracy, "accuracy"), (1 - accuracy, "error rate")):
            if np.allclose(out, scale * measure):
                return wrong(f"{call} recorded the {name}{what}, not the log loss.",
                             "use `log_loss(y, model.predict_proba(X))`: it also counts "
                             "how confident the right and wrong answers are.")
    for base, factor in (("log2", np.log(2)), ("log10", np.log(10))):
        if np.allclose(out, loss / factor, **_CLOSE):
            return wrong(f"{call} recorded the log loss in another unit: with {base} "
                         "instead of the natural logarithm.",
                         "use scikit-learn's `log_loss`, or `-np.mean(np.log(p))` with the "
                         "natural logarithm `np.log`, as the curves in this course do.")
    if np.allclose(out, -loss, **_CLOSE):
        return wrong(f"{call} recorded negative losses: the minus sign is missing.",
                     "the log loss is the mean of *minus* the log of the right digit's "
                     "probability; `log_loss` gives it as a positive number.")
    sizes = np.array([[len(y_train)], [len(y_valid)]])
    if np.allclose(out, loss * sizes, **_CLOSE):
        return wrong(f"{call} recorded the sum of the images' losses, not their mean.",
                     "average over the images (`log_loss` does, unless given "
                     "`normalize=False`), so that parts of different sizes compare.")
    if np.allclose(out, expected["own"], **_CLOSE):
        return wrong(f"{call} scored the probability of the model's own answer, the largest "
                     "one, not the probability of the true digit.",
                     "take each image's probability of its *true* digit, "
                     "`probabilities[np.arange(len(y)), y]`, or let `log_loss(y, ...)` pick it.")
    for decimals in _ROUNDINGS:
        if np.allclose(out, np.round(loss, decimals), rtol=0, atol=1e-9):
            return wrong(f"{call} recorded losses rounded to {decimals} decimal(s).",
                         "return the losses as `log_loss` gives them; round only when "
                         "printing, e.g. with `:.3f`.")
    return None


def _period_slip(case, call, out, expected):
    """The periods themselves: no accumulation, one period late, or drift after the first."""
    spec, X_train, y_train, X_valid, y_valid, periods = case
    loss = expected["loss"]
    if periods > 1 and np.allclose(out, out[:, :1]) and not np.allclose(loss, loss[:, :1]):
        return wrong(f"{call} recorded the same losses in every period.",
                     "call `model.partial_fit(...)` on the model passed in, each period: "
                     "`fit`, or a fresh model each period (`clone(model)`), starts "
                     "training again from scratch, so nothing accumulates.")
    longer = reference_history(spec, X_train, y_train, X_valid, y_valid, periods + 1)
    if np.allclose(out, longer["loss"][:, 1:], **_CLOSE):
        return wrong(f"{call} recorded the losses one period late: the model had one "
                     "more `partial_fit` than the periods, e.g. one before the loop.",
                     "run exactly `periods` periods, each one `partial_fit` then both "
                     "losses, and no `partial_fit` before the loop.")
    return None


def _data_slip(case, call, out, expected):
    """Trained on other images: the validation part, both parts, or a reshuffled part."""
    spec, X_train, y_train, X_valid, y_valid, periods = case
    loss = expected["loss"]
    both = (np.concatenate([X_train, X_valid]), np.concatenate([y_train, y_valid]))
    for fit_on, what in (((X_valid, y_valid), "the validation part"),
                         (both, "the training and validation parts together")):
        history = reference_history(spec, X_train, y_train, X_valid, y_valid, periods,
                                    fit_on=fit_on)
        if np.allclose(out, history["loss"], **_CLOSE):
            return wrong(f"{call} trained the model on {what}.",
                         "train on the training part only, `model.partial_fit(X_train, "
                         "y_train, ...)`: the validation part only watches, so that its "
                         "loss tells how the model does on images it never learned from.")
    shuffled = shuffled_losses(spec, X_train, y_train, X_valid, y_valid, periods)
    if np.all((out >= 0.8 * shuffled.min(axis=0)) & (out <= 1.25 * shuffled.max(axis=0))):
        return wrong(f"{call} recorded losses like those of a training that visits the "
                     "images in another order (first period: training "
                     f"{loss[0, 0]:.3f}, validation {loss[1, 0]:.3f} expected; yours "
                     f"{out[0, 0]:.3f}, {out[1, 0]:.3f}).",
                     "pass the whole training part to `partial_fit`, once per period and "
                     "as it is: did you shuffle or sample it, or cut it into batches of "
                     "your own? `partial_fit` already visits the "
                     "images in a shuffled order, drawn from the model's "
                     "`random_state`, so runs repeat exactly and can be compared.")
    if np.allclose(out[:, 0], loss[:, 0], **_CLOSE):
        return wrong(f"{call} is right after the first period but not after later ones.",
                     "each period is exactly one `partial_fit` on the whole training "
                     "part, then both losses; nothing else changes the model.")
    return None


# ---------------------------------------------------------------- exercise 2


class RowNormalizedConfusion(Judge, specs.RowNormalizedConfusion):
    def cases(self, seed):
        rng = np.random.default_rng(seed)
        cases = []
        for n, error_rate in ((300, 0.2), (120, 0.5), (500, 0.05)):
            # Every digit appears, in unequal numbers, so that dividing by the row
            # totals, the column totals or the grand total give different answers.
            y_true = np.concatenate([CLASSES, rng.choice(CLASSES, size=n - 10,
                                                         p=rng.dirichlet(np.ones(10) * 3))])
            y_pred = y_true.copy()
            wrong_rows = rng.random(n) < error_rate
            y_pred[wrong_rows] = rng.choice(CLASSES, size=int(wrong_rows.sum()))
            # A one-way confusion, so that swapping rows and columns shows.
            threes = np.flatnonzero(y_true == 3)
            y_pred[threes[: len(threes) // 2]] = 8
            cases.append((y_true, y_pred))
        # A digit that is never predicted: its column is all zeros.
        y_true, y_pred = cases[0]
        cases[0] = (y_true, np.where(y_pred == 7, 1, y_pred))
        # A part without any image of one digit, never predicted either: only
        # `labels=range(10)` keeps its row and column. Its row has nothing to share out.
        y_true, y_pred = cases[2]
        absent = y_true != 5
        cases[2] = (y_true[absent], np.where(y_pred[absent] == 5, 6, y_pred[absent]))
        return cases

    def judge(self, payload, cases):
        for (y_true, y_pred), facts in zip(cases, payload["outputs"]):
            verdict = self._judge_case(y_true, y_pred, facts)
            if verdict is not None:
                return verdict
        return correct("each row gives where the images of one true digit went, summing to 1, "
                       "also for a digit that is never predicted or never appears.")

    @staticmethod
    def _judge_case(y_true, y_pred, facts):
        output = facts["numbers"]
        if output is None:
            return wrong("`row_normalized_confusion` returned None.",
                         "did you forget `return` (or use `print` instead)?")
        out = as_float_array(output)
        present = np.union1d(y_true, y_pred).size
        if out is not None and out.shape == (present, present) and present < 10:
            absent = sorted(set(CLASSES) - set(y_true) - set(y_pred))
            return wrong(f"on a part where digit {absent[0]} has no image and is never "
                         f"predicted, the function returned a {present}x{present} array: "
                         "that digit's row and column are missing.",
                         "tell `confusion_matrix` all ten digits, whatever the part holds: "
                         "`confusion_matrix(y_true, y_pred, labels=range(10))`.")
        short = _short_labels(out, y_true, y_pred)
        if short is not None:
            return short
        if out is None or out.shape != (10, 10):
            return wrong(f"the function returned {describe_shape(output)}; expected a "
                         f"10x10 array.",
                         "one row per true digit, one column per predicted digit.")
        counts = np.zeros((10, 10))
        np.add.at(counts, (y_true, y_pred), 1)
        with np.errstate(invalid="ignore", divide="ignore"):
            expected = counts / counts.sum(axis=1, keepdims=True)
            by_column = counts / counts.sum(axis=0, keepdims=True)
        if _same_rates(out, expected):
            return not_an_array(facts, "row_normalized_confusion(y_true, y_pred)", "(10, 10)")
        if _same_rates(out, 100 * expected):
            return wrong("these are percentages: each row sums to 100.",
                         "give shares between 0 and 1, each row summing to 1: leave out "
                         "the `* 100` (format a share as a percentage only when printing "
                         "it, with `:.0%`).")
        if _same_rates(out, expected, atol=0.01):
            return wrong("the shares are close to the right ones but rounded.",
                         "return the shares unrounded; round only when printing them.")
        if np.allclose(out, counts):
            return wrong("these are counts, not shares.",
                         "divide each row by its total: `counts / counts.sum(axis=1, "
                         "keepdims=True)`.")
        if np.allclose(out, counts / counts.sum()):
            return wrong("every cell is divided by the number of all images.",
                         "divide each row by its own total, so each row sums to 1.")
        if _same_rates(out, by_column):
            return wrong("each column sums to 1: you divided by the column totals.",
                         "divide by the row totals, `sum(axis=1, keepdims=True)`: a row "
                         "says where the images of one true digit went.")
        if _same_rates(out, expected.T):
            return wrong("the matrix is transposed: the columns sum to 1.",
                         "rows are the true digits, columns the predictions: "
                         "`confusion_matrix(y_true, y_pred)` in that order.")
        if _same_rates(out, by_column.T):
            return wrong("rows and columns are swapped: the rows hold the predicted digits "
                         "(a digit that is never predicted gets an empty row).",
                         "pass the true labels first: `confusion_matrix(y_true, y_pred, "
                         "labels=range(10))`.")
        return wrong("the shares differ from those of the true digits' images.",
                     "count with `confusion_matrix(y_true, y_pred, labels=range(10))`, then "
                     "divide each row by its total (or pass `normalize=\"true\"`).")


def _short_labels(out, y_true, y_pred):
    """A wrong() verdict when ``out`` is the matrix of ``labels=range(k)``, k < 10, else None."""
    if out is None or out.ndim != 2 or out.shape[0] != out.shape[1] or not 0 < len(out) < 10:
        return None
    k = len(out)
    counts = np.zeros((k, k))
    kept = (y_true < k) & (y_pred < k)
    np.add.at(counts, (y_true[kept], y_pred[kept]), 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = counts / counts.sum(axis=1, keepdims=True)
        totals = np.bincount(y_true, minlength=10)[:k]
        of_all = counts / np.where(totals > 0, totals, np.nan)[:, None]
    if not (_same_rates(out, shares) or _same_rates(out, of_all)):
        return None
    left_out = "digit 9" if k == 9 else f"digits {k} to 9"
    return wrong(f"the function returned a {k}x{k} array: `labels=range({k})` leaves out "
                 f"{left_out}.",
                 "`range(10)` counts 0, 1, ..., 9, all ten digits: "
                 "`confusion_matrix(y_true, y_pred, labels=range(10))`.")


def _same_rates(got, expected, atol=1e-8):
    """Equal shares; where ``expected`` divides 0 by 0 (NaN), ``got`` may hold 0 or NaN.

    scikit-learn's ``normalize=`` writes 0 there, dividing by hand gives NaN: both say
    that there was nothing to share out.
    """
    missing = np.isnan(expected)
    if np.any(np.isnan(got) & ~missing):
        return False
    return bool(np.allclose(np.nan_to_num(got), np.nan_to_num(expected), atol=atol))


# ---------------------------------------------------------------- exercise 3


def _layer_slip(call, network, out):
    """Weights that are the first layer's only on the notebook's one-layer 8x8 networks."""
    if len(network.coefs_) > 2:
        for depth, weights in enumerate(network.coefs_[1:-1], start=1):
            if out.shape == weights.T.shape and np.allclose(out, weights.T):
                return wrong(f"{call} returned the weights of hidden layer {depth + 1}, "
                             f"`coefs_[{depth}]` (`coefs_[-2]` is the first layer only when "
                             "there is one hidden layer).",
                             "the first layer, from the pixels, is always `coefs_[0]`: "
                             "`network.coefs_[0].T`.")
    first = network.coefs_[0]
    pixels = first.shape[0]
    if out.ndim == 2 and out.shape[0] == first.shape[1] and out.shape[1] < pixels and \
            np.allclose(out, first[: out.shape[1]].T):
        return wrong(f"{call} returned the weights of the first {out.shape[1]} pixels only; "
                     f"these images have {pixels}.",
                     "take every pixel's weights, `network.coefs_[0].T`, without a fixed "
                     "count: MNIST's images have 784 pixels.")
    return None


class UnitWeights(Judge, specs.UnitWeights):
    def cases(self, seed):
        rng = np.random.default_rng(seed)
        # Fewer units than pixels first, where a reshape and a transpose differ in shape
        # or order; 64 units on 64 pixels, where a forgotten transpose keeps the shape;
        # 16-pixel images, where an answer that assumes 8x8 shows; two hidden layers,
        # where `coefs_[-2]` is not the first; 128 pixels, where `coefs_[0][:64]` cuts.
        return [({"hidden": hidden, "pixels": pixels, "images": 200,
                  "random_state": int(rng.integers(1000))},)
                for hidden, pixels in ((5, 64), (64, 64), (12, 16), ([10, 6], 64), (7, 128))]

    def describe_case(self, case):
        (spec,) = case
        hidden = np.atleast_1d(spec["hidden"]).tolist()
        units = (f"{hidden[0]} hidden units" if len(hidden) == 1 else
                 f"hidden layers of {' and '.join(map(str, hidden))} units")
        return f"unit_weights(a network of {units} on {spec['pixels']}-pixel images)"

    def judge(self, payload, cases):
        for case, facts in zip(cases, payload["outputs"]):
            verdict = self._judge_case(case, facts)
            if verdict is not None:
                return verdict
        return correct("one row per hidden unit, one weight per pixel: `coefs_[0].T`; the "
                       "network is left as it was.")

    def _judge_case(self, case, facts):
        call = self.describe_case(case)
        output = facts["numbers"]
        if output is None:
            return wrong(f"{call} returned None.",
                         "did you forget `return` (or use `print` instead)?")
        network = small_network(case[0])
        first, second = network.coefs_[0], network.coefs_[-1]
        expected = first.T
        out = as_float_array(output)
        if out is None:
            return wrong(f"{call} returned {describe_shape(output)}.",
                         "return a numpy array with one row per hidden unit.")
        verdict = _layer_slip(call, network, out)
        if verdict is not None:
            return verdict
        if out.shape == second.T.shape and np.allclose(out, second.T) or (
                out.shape == second.shape and np.allclose(out, second)):
            return wrong(f"{call} returned the weights of the *output* layer, `coefs_[1]`.",
                         "the first layer's weights, from the pixels to the hidden units, "
                         "are `coefs_[0]`.")
        if out.shape == network.intercepts_[0].shape and np.allclose(out, network.intercepts_[0]):
            return wrong(f"{call} returned the first layer's biases, `intercepts_[0]`.",
                         "the weights are in `coefs_[0]`, one column per hidden unit.")
        if out.size == expected.size and out.shape != expected.shape and np.allclose(
                out.reshape(expected.shape), expected):
            return wrong(f"{call} returned the right weights in shape {out.shape}.",
                         f"keep one flat row per unit, shape {expected.shape}: "
                         "`plot_weight_tiles` draws each row as an image itself.")
        if out.shape == first.shape and np.allclose(out, first):
            return wrong(f"{call} returned `coefs_[0]` as it is: one row per *pixel*, one "
                         "column per unit.",
                         "transpose it, `network.coefs_[0].T`, to get one row per unit.")
        if out.shape == expected.shape and np.allclose(out, first.reshape(expected.shape)):
            return wrong(f"{call} reshaped `coefs_[0]` to one row per unit: that keeps the "
                         "numbers in their order and cuts them into rows, mixing the units' "
                         "weights.",
                         "transpose instead: `network.coefs_[0].T` turns columns (units) "
                         "into rows.")
        if facts.get("trained"):
            return wrong(f"{call} trained the network it was given (`fit` or `partial_fit`) "
                         "before reading its weights: the notebook's network changes, and "
                         "the weights returned are those of the retrained network.",
                         "only read the weights, `network.coefs_[0].T`: the network is "
                         "fitted already, and the cells below draw it as it is.")
        if facts.get("changed_network"):
            # Before comparing values: scaling or zeroing `coefs_[0].T` in place changes the
            # weights returned and the network's own, since a transpose is a view.
            return wrong(f"{call} changed the network's own weights: `network.coefs_[0].T` "
                         "is a view of them, so writing into it (`W /= ...`, `W[0] = 0`) "
                         "changes what the network predicts and what the cells below draw.",
                         "return `network.coefs_[0].T` as it is; to scale or edit it, copy "
                         "it first (`network.coefs_[0].T.copy()`) or build a new array "
                         "(`W / scale`).")
        if out.shape != expected.shape:
            return wrong(f"{call} returned {describe_shape(output)}; expected "
                         f"{expected.shape}, one row per hidden unit.",
                         "use the network it was given, `network.coefs_[0].T`, not a size "
                         "or a network from the notebook.")
        if not np.allclose(out, expected):
            return wrong(f"{call} differs from the first layer's weights, one row per unit.",
                         "return `network.coefs_[0].T`.")
        return not_an_array(facts, call, str(expected.shape))


# ---------------------------------------------------------------- exercises 3 and 4

#: The validation accuracy the tuned linear model must reach, by the images' pixels:
#: the digits, and MNIST (the Crash Course exercise's figure for its linear model).
LINEAR_BAR = {64: 0.95, 784: 0.90}
#: How close a reported accuracy must be to the recomputed one (rounded to 3 decimals
#: passes; one image of the digits' validation part is 0.0035).
_REPORTED_TOLERANCE = 6e-4
_ACTIVATIONS = {"identity": lambda z: z, "relu": lambda z: np.maximum(z, 0),
                "logistic": lambda z: 1 / (1 + np.exp(-z)), "tanh": np.tanh}


@functools.lru_cache(maxsize=1)
def notebook_parts():
    """The notebook's training, validation and test parts of the digits, split as it does."""
    X, y = load_digits()
    X_rest, X_test, y_rest, y_test = stratified_split(X, y, test_size=0.2, random_state=0)
    X_train, X_valid, y_train, y_valid = stratified_split(X_rest, y_rest, test_size=0.2,
                                                          random_state=0)
    return {"train": (X_train, y_train), "valid": (X_valid, y_valid), "test": (X_test, y_test)}


def part_accuracies(facts):
    """Part -> (images, accuracy) of the model ``facts`` describe (:func:`trained_model_facts`).

    On the digits the judge recomputes each accuracy from the model's weights on its
    own copy of the notebook's parts; on MNIST, which it does not have, it reads what
    the kernel measured on the notebook's parts.
    """
    if facts.get("pixels") != 64:
        return {part: (int(value["size"]), float(value["accuracy"]))
                for part, value in (facts.get("parts") or {}).items()}
    activation = _ACTIVATIONS[facts["activation"]]
    classes = np.asarray(facts["classes"])
    out = {}
    layers = list(zip(facts["coefs"], facts["intercepts"]))
    for part, (X, y) in notebook_parts().items():
        scores = X
        # Weights blown up by too large a learning rate overflow; they score badly anyway.
        with np.errstate(all="ignore"):
            for depth, (weights, biases) in enumerate(layers):
                scores = scores @ np.asarray(weights, dtype=float) + np.asarray(biases,
                                                                                dtype=float)
                if depth < len(layers) - 1:
                    scores = activation(scores)
        out[part] = (len(y), float(np.mean(classes[np.argmax(scores, axis=1)] == y)))
    return out


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
                    model.fit(X, y)
                elif not settings.get("early_stopping"):
                    for _ in range(facts["passes"]):
                        model.partial_fit(X, y, classes=CLASSES)
            except (ValueError, TypeError):  # settings the learner's sklearn took, ours not
                return "unknown"
            if _same_weights(model, facts):
                return how
    return None


def _same_weights(model, facts):
    """Whether a replayed ``model`` ends with the weights and biases ``facts`` hold."""
    if not hasattr(model, "coefs_") or len(model.loss_curve_) != facts["passes"]:
        return False
    ours = list(model.coefs_) + list(model.intercepts_)
    theirs = [np.asarray(w, dtype=float) for w in facts["coefs"] + facts["intercepts"]]
    return len(ours) == len(theirs) and all(
        a.shape == b.shape and np.allclose(a, b, **_REPLAY_CLOSE) for a, b in zip(ours, theirs))


def replay_slip(facts, name):
    """A wrong() verdict when replaying the training on the training part misses, else None."""
    if replayed_training(facts) is not None:
        return None
    return wrong(f"`{name}` saw as many images as the training part holds, but not the "
                 "training part's: trained again on `X_train, y_train` with its settings, the "
                 "same model ends with other weights. Was it trained on another split of "
                 "`X_rest`, or with rows of the validation or test part swapped in?",
                 "train it on the notebook's own `X_train, y_train`, as they are (the solver "
                 "shuffles them itself in every pass): the validation part judges the "
                 "choices, and a model that has seen it is judged on its own homework.")


#: The settings of `make_linear`; the exercise's knobs are the batch size, the learning
#: rate and the periods, so any other setting changed is named.
_LINEAR_SETTINGS = {
    name: [int(v) for v in np.atleast_1d(value)] if name == "hidden_layer_sizes" else value
    for name, value in MLPClassifier(hidden_layer_sizes=(), solver="sgd",
                                     random_state=0).get_params().items()}
_KNOBS = ("batch_size", "learning_rate_init")


def settings_slip(facts):
    """A wrong() verdict when `tuned_linear` has settings `make_linear` does not give, else None."""
    settings = facts.get("settings") or {}
    changed = [f"`{name}={settings[name]!r}` (make_linear's: {value!r})"
               for name, value in _LINEAR_SETTINGS.items()
               if name not in _KNOBS and name in settings and settings[name] != value]
    if not changed:
        return None
    return wrong(f"`tuned_linear` was not built as `make_linear` builds it: "
                 f"{', '.join(changed)}.",
                 "build it with `make_linear(BATCH_SIZE, LEARNING_RATE)` and nothing more "
                 "(no `set_params`): the exercise's knobs are the batch size, the learning rate "
                 "and the number of periods.")


def model_slip(facts, name, *, linear):
    """A wrong() verdict for a model of the wrong kind, untrained, or trained on other data."""
    kind = "linear model" if linear else "network"
    build = ("`make_linear(BATCH_SIZE, LEARNING_RATE)`" if linear else
             "`MLPClassifier(hidden_layer_sizes=(64,), ...)`")
    if facts.get("type") != "MLPClassifier":
        return wrong(f"`{name}` is {_a(facts.get('type'))}, not an MLPClassifier.",
                     f"build the {kind} with {build}, then train it.")
    if linear and facts["hidden"]:
        return wrong(f"`{name}` has hidden layers {tuple(facts['hidden'])}: that is a network.",
                     "the linear model has none: `make_linear(...)` builds it with "
                     "`hidden_layer_sizes=()`.")
    if not linear and not facts["hidden"]:
        return wrong(f"`{name}` has no hidden layer: it is a linear model again.",
                     "give it at least one hidden layer, e.g. `hidden_layer_sizes=(64,)`.")
    if not facts["fitted"]:
        return wrong(f"`{name}` is not trained yet.",
                     "train it on the training part, e.g. with `train_in_periods(...)`.")
    if not np.array_equal(np.asarray(facts["classes"]), CLASSES):
        return wrong(f"`{name}` knows the digits {np.asarray(facts['classes']).tolist()}.",
                     "train it with `classes=np.arange(10)`.")
    return (seen_slip(facts, name) or parts_slip(facts, name)
            or (linear and settings_slip(facts)) or replay_slip(facts, name))


def parts_slip(facts, name):
    """A wrong() verdict when the notebook's parts are no longer those it split, else None.

    On the digits the kernel measured the model on the notebook's parts as they are
    now, the judge on the parts as the notebook made them: a part shuffled, sorted or
    cut in place (its images no longer beside their labels) shows as a difference.
    """
    if facts.get("pixels") != 64:
        return None
    ours = part_accuracies(facts)
    for part, theirs in (facts.get("parts") or {}).items():
        size, accuracy = ours[part]
        if int(theirs["size"]) != size or abs(float(theirs["accuracy"]) - accuracy) > 1e-9:
            names = " and ".join(specs.PARTS[part])
            return wrong(f"on the notebook's {names} as they are now, `{name}` scores "
                         f"{float(theirs['accuracy']):.3f} ({int(theirs['size'])} images); on "
                         f"the parts as the notebook split them, {accuracy:.3f} ({size} "
                         "images): were they changed (shuffled or sorted in place, cut, or "
                         "assigned anew)?",
                         "leave the parts as the loading cell made them, and train on "
                         "`X_train, y_train` as they are (the solver shuffles them itself in "
                         "each pass). Then run the notebook again from the top.")
    return None


def seen_slip(facts, name):
    """A wrong() verdict when the model saw other images than the training part's, else None.

    ``seen`` counts the images the solver was shown, ``passes`` its passes: training on
    the training part alone shows the same number of images in every pass.
    """
    sizes = {part: size for part, (size, _) in part_accuracies(facts).items()}
    if "train" not in sizes:
        return None  # a notebook without its parts: nothing to compare with
    n_fit = sizes["train"]
    if facts.get("early_stopping") is True:  # `fit` keeps a share of the part aside
        n_fit -= int(np.ceil(float(facts["validation_fraction"]) * n_fit))
    seen, passes = facts["seen"], facts["passes"]
    if seen == passes * n_fit:
        return None
    others = {"the validation part": sizes.get("valid"), "the test part": sizes.get("test"),
              "the training and validation parts together":
                  sizes["train"] + sizes.get("valid", 0),
              "the training and test parts together":
                  sizes["train"] + sizes.get("test", 0),
              "all three parts": sum(sizes.values())}
    hint = ("train on the training part only, `X_train, y_train`: the validation part "
            "judges the choices, the test part stays untouched until the very end.")
    for where, size in others.items():
        if size and size != n_fit and (seen - passes * n_fit) % (size - n_fit) == 0:
            count = (seen - passes * n_fit) // (size - n_fit)
            if 0 < count <= passes:
                share = "every pass" if count == passes else f"{count} of its {passes} passes"
                return wrong(f"`{name}` was trained on {where} ({share}): it saw {seen:,} "
                             f"images in {passes} passes.", hint)
    return wrong(f"`{name}` saw {seen:,} images in {passes} passes; {passes} passes over the "
                 f"training part show {passes * n_fit:,}.", hint)


def reported_slip(facts, name, accuracies, model):
    """A wrong() verdict when the reported accuracy is not the validation accuracy, else None."""
    reported = facts.get("reported")
    if not isinstance(reported, float):
        what = ("not set" if reported is None else
                f"{_a(str(reported).strip('<>').removeprefix('a '))}, not a number")
        return wrong(f"`{name}` is {what}.",
                     f"set `{name} = accuracy_score(y_valid, {model}.predict(X_valid))`.")
    valid = accuracies["valid"][1]
    if abs(reported - valid) <= _REPORTED_TOLERANCE:
        return None
    if abs(reported - 100 * valid) <= 100 * _REPORTED_TOLERANCE:
        return wrong(f"`{name}` = {reported:g} is a percentage.",
                     "give a share between 0 and 1, as `accuracy_score` returns it.")
    for part, words in (("test", "the test part: it stays untouched until the final check, or "
                                 "it stops being an honest verdict"),
                        ("train", "the training part, the images the model learned from: it "
                                  "says how well it remembers them, not how it does on new "
                                  "ones")):
        if part in accuracies and abs(reported - accuracies[part][1]) <= _REPORTED_TOLERANCE:
            return wrong(f"`{name}` = {reported:.3f} is the accuracy on {words}.",
                         f"measure on the validation part: `accuracy_score(y_valid, "
                         f"{model}.predict(X_valid))`.")
    return wrong(f"`{name}` = {reported:.3f}, but `{model}` scores {valid:.3f} on the validation "
                 "part now: was it trained again (a `fit` from scratch, more periods) after "
                 "you measured it?",
                 f"train `{model}` once, then measure it: the cells below use it as it is.")


def trained_on_words(facts):
    """What the checks established about the images the model was trained on."""
    if replayed_training(facts) == "unknown":
        return ("it was shown as many images as the training part holds (which ones, the "
                "check could not replay: that takes the digits, the settings the model was "
                "trained with and a fixed integer `random_state`)")
    return "replaying its training on the training part gives its very weights"


def knob_hint(facts, sizes):
    """Which of the three knobs to turn when the linear model stays under the bar."""
    n_fit, passes = sizes["train"], facts["passes"]
    batch = facts["batch_size"]
    batch = min(200, n_fit) if batch in (None, "auto") else int(batch)
    steps = passes * int(np.ceil(n_fit / batch))
    rate = float(facts["learning_rate_init"])
    if rate < 0.01:
        return (f"raise the learning rate: steps of {rate:g} move the weights too little; "
                "try ten times larger.")
    if rate > 1:
        return f"lower the learning rate: steps of {rate:g} overshoot, try 0.1."
    if steps < 1000:
        return (f"more steps: {passes} period(s) of {int(np.ceil(n_fit / batch))} batches of "
                f"{batch} images make only {steps} steps; use more periods or a smaller "
                "batch size.")
    return ("try another learning rate (between 0.01 and 0.5) with a batch size between 16 "
            "and 128 and 10 to 30 periods.")


def _a(word):
    word = str(word)
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


class TuneLinear(Judge, specs.TuneLinear):
    def judge(self, payload, cases):
        facts = payload["value"]
        verdict = model_slip(facts, "tuned_linear", linear=True)
        if verdict is not None:
            return verdict
        periods = facts.get("periods")
        if isinstance(periods, float) and periods != facts["passes"]:
            return wrong(f"`tuned_linear` made {facts['passes']} passes over the training part, "
                         f"but `LINEAR_PERIODS` is {periods:g}: was it trained again (a `fit` "
                         "from scratch) or further after the periods?",
                         "train it in exactly `LINEAR_PERIODS` periods, "
                         "`train_in_periods(tuned_linear, ..., LINEAR_PERIODS)`, and nothing "
                         "after.")
        accuracies = part_accuracies(facts)
        verdict = reported_slip(facts, "linear_accuracy", accuracies, "tuned_linear")
        if verdict is not None:
            return verdict
        valid = accuracies["valid"][1]
        bar = LINEAR_BAR.get(facts["pixels"], LINEAR_BAR[784])
        if valid < bar:
            return wrong(f"`tuned_linear` scores {valid:.3f} on the validation part, under the "
                         f"bar of {bar}.", knob_hint(facts, {p: s for p, (s, _) in
                                                            accuracies.items()}))
        return correct(f"{valid:.3f} on the validation part, over the bar of {bar}; "
                       f"{trained_on_words(facts)} (whether the test part guided your "
                       "choices, no check can see: that stays your part).")


class BetterNetwork(Judge, specs.BetterNetwork):
    def judge(self, payload, cases):
        facts = payload["value"]
        linear = facts.get("linear") or {}
        if linear.get("type") != "MLPClassifier" or not linear.get("fitted"):
            return wrong("there is no trained `tuned_linear` to beat.",
                         "do exercise 3 first, and run its cell: the network must beat it.")
        shared = [str(n) for n in facts.get("also_named") or []]
        if "network" in shared:
            return wrong("`better_network` is the notebook's own `network`, not a new model: "
                         "training it further changes `network` too, and the cells below "
                         "(its tiles, the final test) then read the changed model.",
                         "build a new model, e.g. `better_network = make_network()` or "
                         "`copy.deepcopy(network)`, and train that one.")
        verdict = model_slip(facts, "better_network", linear=False)
        if verdict is not None:
            return verdict
        accuracies = part_accuracies(facts)
        verdict = reported_slip(facts, "network_accuracy", accuracies, "better_network")
        if verdict is not None:
            return verdict
        network, target = accuracies["valid"][1], part_accuracies(linear)["valid"][1]
        bar = LINEAR_BAR.get(linear["pixels"], LINEAR_BAR[784])
        if target < bar:
            return wrong(f"`tuned_linear` scores {target:.3f} on the validation part now, under "
                         f"the bar of {bar}: the network must beat the *tuned* model.",
                         "run exercise 3's cell again as it passed, then this exercise.")
        if network <= target:
            how = "only matches" if network == target else "stays under"
            return wrong(f"`better_network` scores {network:.3f} on the validation part: it "
                         f"{how} the tuned linear model's {target:.3f}.",
                         "give it more to work with: more hidden units, more periods, or "
                         "another learning rate; compare on the validation part only.")
        return correct(f"{network:.3f} on the validation part against the linear model's "
                       f"{target:.3f}; {trained_on_words(facts)}.")


class WhatTilesShow(Question, specs.WhatTilesShow):
    options = {
        "a": ("Each unit has become a picture of one whole digit, which it recognises.",
              "no tile looks like a whole digit: each unit weighs ink in some places against "
              "ink in others, and the output layer combines the units."),
        "b": ("Blurry blobs that sharpen into parts of strokes, ink here weighed against ink "
              "there; a few units stay close to their random start.",
              "the units respond to parts of digits, not whole ones, and units that never "
              "fire (dead units) keep their random pattern."),
        "c": ("Only noise: the first layer keeps its random start and the output layer does "
              "all the learning.",
              "the tiles after 1,000 steps differ clearly from those after 10: the first "
              "layer learned, and the output layer builds on what it found."),
        "d": ("The average image of each digit, as in notebook 02.",
              "there are more units than digits (32 here, 112 on MNIST), and the tiles are "
              "red and blue patterns, not averages of ink."),
    }
    right = "b"


EXERCISES = [TrainInPeriods(), RowNormalizedConfusion(), TuneLinear(), BetterNetwork(),
             UnitWeights(), WhatTilesShow()]
