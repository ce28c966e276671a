"""Notebook 07, exercise 2: the confusion matrix, each row shared out to 1."""

import numpy as np

from ...checks import nb07 as specs
from ...checks.nb07 import CLASSES
from ...checks.results import correct, wrong
from ..base import Judge
from ..plain_answers import as_float_array, describe_shape, not_an_array
from .outside_reads import outside_slip


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
        # The same for the last digit, 9: counts of each digit that stop at the last one
        # present (`np.bincount(y_true)` without `minlength`) come up one short.
        y_true, y_pred = cases[1]
        absent = y_true != 9
        cases.append((y_true[absent], np.where(y_pred[absent] == 9, 4, y_pred[absent])))
        return cases

    def judge(self, payload, cases):
        for (y_true, y_pred), facts in zip(cases, payload["outputs"]):
            verdict = self._judge_case(y_true, y_pred, facts)
            if verdict is not None:
                return verdict
        verdict = outside_slip("row_normalized_confusion", payload["outputs"][0],
                               "use only the function's own `y_true, y_pred`, and "
                               "`labels=range(10)` for the digits, whatever the labels hold.")
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
        short = _short_labels(out, y_true, y_pred) or _present_labels(out, y_true, y_pred)
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
        if _same_rates(out, expected):
            return not_an_array(facts, "row_normalized_confusion(y_true, y_pred)", "(10, 10)")
        return _division_slip(out, counts, expected) or _empty_row_slip(
            out, counts, expected) or wrong(
            "the shares differ from those of the true digits' images.",
            "count with `confusion_matrix(y_true, y_pred, labels=range(10))`, then divide "
            "each row by its total (or pass `normalize=\"true\"`).")


def _division_slip(out, counts, expected):
    """A wrong() verdict when ``out`` is the counts divided otherwise than by their row
    totals (percentages, rounded, by all images, by columns, transposed), else None."""
    with np.errstate(invalid="ignore", divide="ignore"):
        by_column = counts / counts.sum(axis=0, keepdims=True)
        # `counts / counts.sum(axis=1)`: the totals, a flat row, divide column j by
        # row j's total.
        across = counts / counts.sum(axis=1)
    if _same_rates(out, 100 * expected):
        return wrong("these are percentages: each row sums to 100.",
                     "give shares between 0 and 1, each row summing to 1: leave out "
                     "the `* 100` (format a share as a percentage only when printing "
                     "it, with `:.0%`).")
    if _same_rates(out, expected, atol=0.01):
        return wrong("the shares are close to the right ones but rounded.",
                     "return the shares unrounded; round only when printing them.")
    with np.errstate(invalid="ignore", divide="ignore"):
        # `counts // totals`: whole shares only, 0 but for a row of one prediction.
        floored = np.floor_divide(counts, counts.sum(axis=1, keepdims=True))
    if _same_rates(out, floored) and not _same_rates(floored, expected):
        return wrong("every share is a whole number, 0 or 1: `//` divides and rounds down.",
                     "divide with `/`, which keeps the fractions: "
                     "`counts / counts.sum(axis=1, keepdims=True)`.")
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
    if _same_rates(out, across) and not _same_rates(across, expected):
        return wrong("column j is divided by row j's total: `counts.sum(axis=1)` is a "
                     "flat row of ten totals, which numpy lines up with the columns.",
                     "keep the totals a column, so that each row is divided by its own: "
                     "`counts / counts.sum(axis=1, keepdims=True)` (or "
                     "`counts.sum(axis=1)[:, None]`).")
    if _same_rates(out, expected.T):
        return wrong("the matrix is transposed: the columns sum to 1.",
                     "rows are the true digits, columns the predictions: "
                     "`confusion_matrix(y_true, y_pred)` in that order.")
    if _same_rates(out, by_column.T):
        return wrong("rows and columns are swapped: the rows hold the predicted digits "
                     "(a digit that is never predicted gets an empty row).",
                     "pass the true labels first: `confusion_matrix(y_true, y_pred, "
                     "labels=range(10))`.")
    return None


def _empty_row_slip(out, counts, expected):
    """A wrong() verdict when only the rows of digits without images are off, else None."""
    empty = counts.sum(axis=1) == 0
    if not empty.any() or not _same_rates(out[~empty], expected[~empty]):
        return None
    digit = int(np.flatnonzero(empty)[0])
    return wrong(f"every row is right but that of digit {digit}, which has no image here: it "
                 f"holds {np.round(out[digit], 3).tolist()}, shares of no image at all.",
                 "leave the row of a digit without images at 0 (as `normalize=\"true\"` "
                 "does) or NaN (0 divided by 0): there is nothing to share out.")


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


def _present_labels(out, y_true, y_pred):
    """A wrong() verdict when ``out`` has a row per true digit present and a column per
    predicted digit present, short of ten (``pd.crosstab``, ``np.unique``), else None."""
    rows, columns = np.unique(y_true), np.unique(y_pred)
    if out is None or out.shape != (rows.size, columns.size) or out.shape == (10, 10):
        return None
    gaps = [f"digit {d} is never predicted: no column" for d in np.setdiff1d(CLASSES, columns)]
    gaps += [f"digit {d} has no image: no row" for d in np.setdiff1d(CLASSES, rows)]
    return wrong(f"the function returned a {rows.size}x{columns.size} array: a row for each "
                 "digit among the true labels and a column for each digit among the "
                 f"predictions, and here {'; '.join(gaps)}.",
                 "count over all ten digits, whatever the part holds: "
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
