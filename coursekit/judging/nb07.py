"""Notebook 07's judges: cases, references and hints."""

import numpy as np
from sklearn.metrics import accuracy_score, log_loss

from ..checks import nb07 as specs
from ..checks.nb07 import build_model
from ..checks.results import correct, wrong
from ..data import load_digits, stratified_split
from .base import Judge
from .plain_answers import as_float_array, describe_shape
CLASSES = np.arange(10)


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


def reference_history(spec, X_train, y_train, X_valid, y_valid, periods):
    """What a right ``train_in_periods`` records, plus what common slips record instead.

    Returns
    -------
    dict of str to ndarray of shape (2, periods)
        ``"loss"``: log loss on the training and validation parts after each
        period; ``"accuracy"``: the same for accuracy.
    """
    model = build_model(spec)
    history = {"loss": [[], []], "accuracy": [[], []]}
    for _ in range(periods):
        model.partial_fit(X_train, y_train, classes=CLASSES)
        for row, (X, y) in enumerate(((X_train, y_train), (X_valid, y_valid))):
            history["loss"][row].append(log_loss(y, model.predict_proba(X), labels=CLASSES))
            history["accuracy"][row].append(accuracy_score(y, model.predict(X)))
    return {key: np.array(value) for key, value in history.items()}


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
        ]
        return [(spec, X_train, y_train, X_valid, y_valid, periods)
                for spec, periods in zip(specs, (4, 3))]

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
        return None

    def judge(self, payload, cases):
        for case, output in zip(cases, payload["outputs"]):
            spec, X_train, y_train, X_valid, y_valid, periods = case
            call = self.describe_case(case)
            out = as_float_array(output)
            if out is None or out.ndim != 2 or out.shape[0] != 2:
                if out is not None and out.shape == (periods, 2):
                    return wrong(f"{call} returned {periods} pairs, one per period.",
                                 "return two lists, `train_losses, valid_losses`, each with "
                                 "one number per period.")
                return wrong(f"{call} returned {describe_shape(output)}.",
                             "return two lists of numbers: `return train_losses, valid_losses`.")
            if out.shape[1] != periods:
                return wrong(f"{call} recorded {out.shape[1]} numbers per part, not {periods}.",
                             "record both losses once at the end of every period, and run "
                             "exactly `periods` periods.")
            expected = reference_history(spec, X_train, y_train, X_valid, y_valid, periods)
            loss, accuracy = expected["loss"], expected["accuracy"]
            if np.allclose(out, loss, rtol=1e-4, atol=1e-6):
                continue
            if np.allclose(out, loss[::-1], rtol=1e-4, atol=1e-6):
                return wrong(f"{call}: the training and validation losses are swapped.",
                             "return the training losses first, then the validation losses.")
            if np.allclose(out, accuracy) or np.allclose(out, 1 - accuracy):
                what = "accuracy" if np.allclose(out, accuracy) else "error rate"
                return wrong(f"{call} recorded the {what}, not the log loss.",
                             "use `log_loss(y, model.predict_proba(X))`: it also counts "
                             "how confident the right and wrong answers are.")
            if periods > 1 and np.allclose(out, out[:, :1]) and not np.allclose(loss, loss[:, :1]):
                return wrong(f"{call} recorded the same losses in every period.",
                             "call `model.partial_fit(...)` each period: `fit` starts "
                             "training again from scratch, so nothing accumulates.")
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
            if np.allclose(out[:, 0], loss[:, 0], rtol=1e-4, atol=1e-6):
                return wrong(f"{call} is right after the first period but not after later ones.",
                             "each period is exactly one `partial_fit` on the whole training "
                             "part, then both losses; nothing else changes the model.")
            return wrong(f"{call} recorded losses that differ from the expected ones "
                         f"(first period: training {loss[0, 0]:.3f}, validation {loss[1, 0]:.3f}).",
                         "in each period call `model.partial_fit(X_train, y_train, "
                         "classes=np.arange(10))` once, on the whole training part, then "
                         "append `log_loss(y, model.predict_proba(X))` for each part.")
        return correct("one partial_fit per period and both log losses after it, for the "
                       "linear model and the network.")


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
        return cases

    def judge(self, payload, cases):
        for (y_true, y_pred), output in zip(cases, payload["outputs"]):
            out = as_float_array(output)
            if out is None or out.shape != (10, 10):
                return wrong(f"the function returned {describe_shape(output)}; expected a "
                             f"10x10 array.",
                             "one row per true digit, one column per predicted digit.")
            counts = np.zeros((10, 10))
            np.add.at(counts, (y_true, y_pred), 1)
            expected = counts / counts.sum(axis=1, keepdims=True)
            if np.allclose(out, expected):
                continue
            with np.errstate(invalid="ignore", divide="ignore"):
                by_column = counts / counts.sum(axis=0, keepdims=True)
            if np.allclose(out, 100 * expected):
                return wrong("these are percentages: each row sums to 100.",
                             "give shares between 0 and 1, each row summing to 1: leave out "
                             "the `* 100` (format a share as a percentage only when printing "
                             "it, with `:.0%`).")
            if np.allclose(out, expected, atol=0.01):
                return wrong("the shares are close to the right ones but rounded.",
                             "return the shares unrounded; round only when printing them.")
            if np.allclose(out, counts):
                return wrong("these are counts, not shares.",
                             "divide each row by its total: `counts / counts.sum(axis=1, "
                             "keepdims=True)`.")
            if np.allclose(out, counts / counts.sum()):
                return wrong("every cell is divided by the number of all images.",
                             "divide each row by its own total, so each row sums to 1.")
            if np.allclose(out, by_column, equal_nan=True) or np.allclose(
                out, np.nan_to_num(by_column)
            ):
                return wrong("each column sums to 1: you divided by the column totals.",
                             "divide by the row totals, `sum(axis=1, keepdims=True)`: a row "
                             "says where the images of one true digit went.")
            if np.allclose(out, expected.T):
                return wrong("the matrix is transposed: the columns sum to 1.",
                             "rows are the true digits, columns the predictions: "
                             "`confusion_matrix(y_true, y_pred)` in that order.")
            if np.allclose(out, np.nan_to_num(by_column.T)):
                return wrong("rows and columns are swapped: the rows hold the predicted digits.",
                             "pass the labels first: `confusion_matrix(y_true, y_pred, ...)`.")
            return wrong("the shares differ from those of the true digits' images.",
                         "count with `confusion_matrix(y_true, y_pred, labels=range(10))`, then "
                         "divide each row by its total (or pass `normalize=\"true\"`).")
        return correct("each row gives where the images of one true digit went, summing to 1.")


EXERCISES = [TrainInPeriods(), RowNormalizedConfusion()]
