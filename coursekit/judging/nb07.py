"""Notebook 07's judges: cases, references and hints."""

import numpy as np
from sklearn.metrics import accuracy_score, log_loss

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
        changed = output.get("changed_input") or []
        if changed:
            return wrong(f"{call} changed {', '.join(map(str, changed))}, which it was given.",
                         "leave the parts as they are (no `np.random.shuffle` or assignment "
                         "into them): the notebook uses them again for the next model.")
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
                         f"`{names}`, the same way as the {part} part.")
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
                     "call `model.partial_fit(...)` each period: `fit` starts "
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
                     "pass the whole training part to `partial_fit`, as it is: did you "
                     "shuffle or sample it first? `partial_fit` already visits the "
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


class UnitWeights(Judge, specs.UnitWeights):
    def cases(self, seed):
        rng = np.random.default_rng(seed)
        # Fewer units than pixels first, where a reshape and a transpose differ in shape
        # or order; 64 units on 64 pixels, where a forgotten transpose keeps the shape;
        # 16-pixel images, where an answer that assumes 8x8 shows.
        return [({"hidden": hidden, "pixels": pixels, "images": 200,
                  "random_state": int(rng.integers(1000))},)
                for hidden, pixels in ((5, 64), (64, 64), (12, 16))]

    def describe_case(self, case):
        (spec,) = case
        return (f"unit_weights(a network of {spec['hidden']} hidden units on "
                f"{spec['pixels']}-pixel images)")

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
        first, second = network.coefs_
        expected = first.T
        out = as_float_array(output)
        if out is None:
            return wrong(f"{call} returned {describe_shape(output)}.",
                         "return a numpy array with one row per hidden unit.")
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
        if out.shape != expected.shape:
            return wrong(f"{call} returned {describe_shape(output)}; expected "
                         f"{expected.shape}, one row per hidden unit.",
                         "use the network it was given, `network.coefs_[0].T`, not a size "
                         "or a network from the notebook.")
        if not np.allclose(out, expected):
            return wrong(f"{call} differs from the first layer's weights, one row per unit.",
                         "return `network.coefs_[0].T`.")
        if facts.get("changed_network"):
            return wrong(f"{call} changed the network's own weights.",
                         "read `coefs_[0]` without assigning to it: `network.coefs_[0].T` "
                         "is a new view, and the network keeps predicting as before.")
        return not_an_array(facts, call, str(expected.shape))


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


EXERCISES = [TrainInPeriods(), RowNormalizedConfusion(), UnitWeights(), WhatTilesShow()]
