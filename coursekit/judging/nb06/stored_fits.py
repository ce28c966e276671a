"""The judges' own fits of notebook 06 on the digits, as stored with the package.

A right answer's final model, scaled pipeline, search refit and fold scores are these
numbers, and are judged without the judges' fits (2.5 processor seconds for one
notebook, in the student's check cells as in the grader); any other answer is compared
with the judges' fits too (:mod:`..stored_references`). ``coursekit.judging.nb06``'s
``save_references`` rewrites the file.
"""

import numbers

import numpy as np

from .. import stored_references as stored
from ..computed_once import computed_once
from .settings import DIGITS_CHOICE, SEARCH_GRID

STORED_REFERENCES = stored.FOLDER / "nb06.npz"


@computed_once(maxsize=1)
def stored_references():
    """The arrays in :data:`STORED_REFERENCES` by name; empty when the file is unreadable."""
    return stored.read(STORED_REFERENCES)


def stored_final_coef():
    """The stored weights of the notebook's final model; None without a file."""
    return stored_references().get("final_coef")


def stored_refit_coef(l1_ratio, C):
    """The stored weights a search of the training part refits with the setting it chose,
    for the digits' choice (:data:`.settings.DIGITS_CHOICE`); None for another setting."""
    if (l1_ratio, C) != (DIGITS_CHOICE["l1_ratio"], DIGITS_CHOICE["C"]):
        return None
    return stored_references().get("refit_coef")


def stored_scaled_fit(part):
    """The stored ``coef_`` and ``intercept_`` of the final model behind a scaler, fitted on
    the training part; None for another ``part``."""
    arrays = stored_references()
    if part != "train" or not {"scaled_coef", "scaled_intercept"} <= set(arrays):
        return None
    return arrays["scaled_coef"], arrays["scaled_intercept"]


def stored_fold_score(l1_ratio, C, fold):
    """The stored ROC AUC of one candidate of the grid on one of the search's folds; None
    for a candidate off the grid or a fold it does not have."""
    scores = stored_references().get("fold_scores")
    rows = [i for i, value in enumerate(SEARCH_GRID["l1_ratio"]) if value == l1_ratio]
    columns = [i for i, value in enumerate(SEARCH_GRID["C"]) if np.isclose(value, C, rtol=1e-9)]
    if (scores is None or len(rows) != 1 or len(columns) != 1
            or not isinstance(fold, numbers.Integral) or not 0 <= fold < scores.shape[-1]):
        return None
    return float(scores[rows[0], columns[0], fold])
