"""Notebook 04's exercises as a kernel sees them: names, answers, how to collect them.

Their judges are in :mod:`coursekit.judging.nb04`.
"""

import types

import numpy as np

from .spec import ExerciseSpec, part_types
from .wire import plain, plain_or_name

NOTEBOOK = "04_mlp_scikit_learn"


class Fit(ExerciseSpec):
    id = "04-fit"
    notebook = NOTEBOOK
    number = 1
    title = "train MLPClassifier"
    points = 1
    answer_name = "model"

    # The check judges the model itself, not figures typed from it: its settings, and
    # the accuracies of its fitted weights, which the judge computes on the images.
    def collect(self, answer, cases):
        if isinstance(answer, type):
            return {"value": {"type": "class", "name": answer.__name__}}
        value = {"type": type(answer).__name__}
        if hasattr(answer, "get_params") and callable(answer.get_params):
            value["settings"] = {str(name): plain_or_name(setting)
                                 for name, setting in answer.get_params().items()}
        if hasattr(answer, "coefs_") and hasattr(answer, "intercepts_"):
            value["coefs"] = [plain(c) for c in answer.coefs_]
            value["intercepts"] = [plain(i) for i in answer.intercepts_]
        return {"value": value}


class TrainedCost(ExerciseSpec):
    id = "04-cost"
    notebook = NOTEBOOK
    number = 2
    title = "the squared-distance cost of probabilities"
    points = 1
    answer_name = "squared_cost"
    kind = "function"


class CopyWeights(ExerciseSpec):
    id = "04-copy-weights"
    notebook = NOTEBOOK
    number = 3
    title = "scikit-learn's weights in our network"
    points = 2
    answer_name = "to_network"
    kind = "function"

    def call(self, func, case):
        coefs, intercepts = case
        given = [c.copy() for c in coefs], [i.copy() for i in intercepts]
        returned = func(*given)
        # A generator, `(c.T for c in coefs)`, is not numbers: name it before plain() does.
        parts = returned if isinstance(returned, (tuple, list)) else ()
        generators = [part for part in parts if isinstance(part, types.GeneratorType)]
        output = plain_or_name(returned)
        # A learner who writes `coefs[i] = coefs[i].T` changes the model's own coefs_.
        changed = [name for name, part, kept in zip(("coefs", "intercepts"), given, case)
                   if len(part) != len(kept) or any(
                       not isinstance(p, np.ndarray) or p.shape != k.shape
                       or not np.array_equal(p, k) for p, k in zip(part, kept))]
        return {"output": output, "changed": changed, "generators": bool(generators),
                "parts": part_types(returned)}


EXERCISES = [Fit(), TrainedCost(), CopyWeights()]
