"""The judges of notebook 06, logistic regression tuned by an honest grid search.

One module per exercise or pair of exercises: the grid's table and what its scores
say (:mod:`.table`), the best row (:mod:`.best_row`), the search and its refit
(:mod:`.search`, with the judge's own fits of it in :mod:`.search_fits`), the weights
as images (:mod:`.weight_images`) and the scaled pipeline (:mod:`.scaled_pipeline`).
What they share: the notebook's parts of the digits (:mod:`.parts`) and its model
settings (:mod:`.settings`).
"""

import functools

from .best_row import BestRow
from .notebook_state import final_coef
from .parts import MNIST_TEST_SIZE, MNIST_TRAIN_SIZE, digits_as_mnist
from .scaled_pipeline import ScaledPipeline, scaled_final_fit
from .search import GridSearch, RefitMatches
from .settings import DIGITS_CHOICE, FINAL_SETTINGS, SEARCH_GRID, SEARCH_SETTINGS
from .table import GridTable, UnderOver
from .weight_images import WeightImages

EXERCISES = [GridTable(), UnderOver(), BestRow(), GridSearch(), RefitMatches(), WeightImages(),
             ScaledPipeline()]

#: What the judges compare every right answer with, whatever the answer: the final
#: model's fits, with and without the scaler (two processor seconds), computed once per
#: grading process (:func:`coursekit.judging.shared_references`).
SHARED_REFERENCES = (final_coef, functools.partial(scaled_final_fit, "train"))

__all__ = ["DIGITS_CHOICE", "EXERCISES", "FINAL_SETTINGS", "MNIST_TEST_SIZE", "MNIST_TRAIN_SIZE",
           "SEARCH_GRID", "SEARCH_SETTINGS", "digits_as_mnist"]
