"""The judges of notebook 06, logistic regression tuned by an honest grid search.

One module per exercise or pair of exercises: the grid's table and what its scores
say (:mod:`.table`), the best row (:mod:`.best_row`), the search and its refit
(:mod:`.search`, with the judge's own fits of it in :mod:`.search_fits`), the weights
as images (:mod:`.weight_images`) and the scaled pipeline (:mod:`.scaled_pipeline`).
What they share: the notebook's parts of the digits (:mod:`.parts`) and its model
settings (:mod:`.settings`).
"""

import numpy as np

from .. import stored_references as stored
from .best_row import BestRow
from .notebook_state import fitted_final_coef
from .parts import MNIST_TEST_SIZE, MNIST_TRAIN_SIZE, digits_as_mnist
from .scaled_pipeline import ScaledPipeline, scaled_final_fit
from .search import GridSearch, RefitMatches
from .search_fits import SEARCH_FOLDS, SEARCH_SCORING, fold_scores, refit_coef
from .settings import DIGITS_CHOICE, FINAL_SETTINGS, SEARCH_GRID, SEARCH_SETTINGS
from .stored_fits import STORED_REFERENCES, stored_references
from .table import GridTable, UnderOver
from .weight_images import WeightImages

EXERCISES = [GridTable(), UnderOver(), BestRow(), GridSearch(), RefitMatches(), WeightImages(),
             ScaledPipeline()]


def computed_references():
    """What :data:`STORED_REFERENCES` holds, as the judges fit it here (about 8 processor
    seconds): the final model's weights, with and without the scaler, the search's refit
    with the digits' choice, and every candidate's score on every fold."""
    scaled_coef, scaled_intercept = scaled_final_fit("train")
    scores = [[[fold_scores(l1_ratio, C, fold)[SEARCH_SCORING] for fold in range(SEARCH_FOLDS)]
               for C in SEARCH_GRID["C"]] for l1_ratio in SEARCH_GRID["l1_ratio"]]
    return {"final_coef": fitted_final_coef(), "scaled_coef": scaled_coef,
            "scaled_intercept": scaled_intercept,
            "refit_coef": refit_coef(DIGITS_CHOICE["l1_ratio"], DIGITS_CHOICE["C"], "train"),
            "fold_scores": np.array(scores)}


def save_references(path=STORED_REFERENCES):
    """Write the judges' own references (:data:`STORED_REFERENCES`) to ``path``."""
    stored.write(path, computed_references())


__all__ = ["DIGITS_CHOICE", "EXERCISES", "FINAL_SETTINGS", "MNIST_TEST_SIZE", "MNIST_TRAIN_SIZE",
           "SEARCH_GRID", "SEARCH_SETTINGS", "computed_references", "digits_as_mnist",
           "save_references", "stored_references"]
