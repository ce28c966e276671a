"""Notebook 05's exercises as a kernel sees them: names, answers, how to collect them.

Their judges are in :mod:`coursekit.judging.nb05`.
"""

import numpy as np

from .spec import ExerciseSpec
from .wire import plain

NOTEBOOK = "05_rbm_features"


class Nudge(ExerciseSpec):
    id = "05-nudge"
    notebook = NOTEBOOK
    number = 1
    title = "nudge images by one pixel"
    points = 2
    answer_name = "nudge"
    kind = "function"

    def call(self, func, case):
        images, direction = case
        given = images.copy()
        output = func(given, direction)
        # A function that shifts the images in place would silently change the
        # learner's data set, so we note whether the copy handed in changed.
        collected = {"changed_input": not np.array_equal(given, images)}
        try:
            collected["output"] = plain(output)
        except TypeError:  # not numbers: only its type can travel to the judge
            collected["output_type"] = type(output).__name__
        return collected


EXERCISES = [Nudge()]
