"""Notebook 01's exercises as a kernel sees them: names, answers, how to collect them.

Their judges are in :mod:`coursekit.judging.nb01`.
"""

import numpy as np

from ..data import load_digits
from .spec import ExerciseSpec
from .wire import plain_or_name

NOTEBOOK = "01_random_baseline"


class ScalePixels(ExerciseSpec):
    id = "01-scale-pixels"
    notebook = NOTEBOOK
    number = 1
    title = "flatten and scale an image"
    points = 1
    answer_name = "to_vector"
    kind = "function"

    def call(self, func, case):
        (image,) = case
        given = image.copy()
        returned = func(given)
        output = plain_or_name(returned)
        return {"output": output, "changed_input": not np.array_equal(given, image),
                "array": isinstance(returned, np.ndarray), "type": type(returned).__name__}


class WhichDigit(ExerciseSpec):
    id = "01-which-digit"
    notebook = NOTEBOOK
    number = 2
    title = "which digit do these scores name?"
    points = 1
    answer_name = "predicted_digit"

    def collect(self, answer, cases):
        # plain() turns a list into an array and keeps 4.0 a float: the judge needs the
        # type itself to apply the course's rule (a digit is a whole number).
        return {"value": {"number": plain_or_name(answer), "type": type(answer).__name__}}


class EvaluateRange(ExerciseSpec):
    id = "01-evaluate-range"
    notebook = NOTEBOOK
    number = 3
    title = "evaluate any range of images"
    points = 2
    answer_name = "evaluate"
    kind = "function"

    def call(self, func, case):
        weights, start, count = case
        X, _ = load_digits()
        rows = {row.tobytes(): index for index, row in enumerate(X)}
        seen = []

        def classifier(x):
            flat = np.ravel(np.asarray(x, dtype=float))
            seen.append(rows.get(flat.tobytes(), -1))  # which image it was shown
            return weights @ flat

        output = plain_or_name(func(classifier, start, count))
        return {"output": output, "seen": seen}


EXERCISES = [ScalePixels(), WhichDigit(), EvaluateRange()]
