"""Notebook 06's exercises as a kernel sees them: names, answers, how to collect them.

Their judges are in :mod:`coursekit.judging.nb06`.
"""

import numbers

import numpy as np
import pandas as pd
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from .spec import ExerciseSpec
from .wire import plain

NOTEBOOK = "06_logistic_grid_search"


# ---------------------------------------------------------------- exercise 1

class BestRow(ExerciseSpec):
    id = "06-best-row"
    notebook = NOTEBOOK
    number = 1
    title = "the best row of the grid"
    points = 1
    answer_name = "best_row"
    kind = "function"

    def call(self, func, case):
        data, index, column = case
        table = pd.DataFrame(data, index=index)
        try:
            result = func(table, column)
        except KeyError as exc:  # `loc` given a position: a specific hint beats a traceback
            return {"kind": "no-such-label", "value": str(exc)}
        except IndexError as exc:  # `iloc` given a label
            return {"kind": "no-such-position", "value": str(exc)}
        return None if result is None else _describe_row(result)


def _describe_row(result):
    """Plain facts about what ``best_row`` returned (runs next to the answer)."""
    if isinstance(result, pd.DataFrame):
        return {"kind": "frame", "rows": len(result)}
    if isinstance(result, pd.Series):
        facts = {"kind": "row", "label": plain(result.name)}
        for key in ("C", "l1_ratio"):
            if key in result.index:
                facts[key] = float(result[key])
        return facts
    if isinstance(result, (int, float, np.integer, np.floating)) and not isinstance(result, bool):
        return {"kind": "label", "value": plain(result)}
    return {"kind": "other", "type": type(result).__name__}


# ---------------------------------------------------------------- exercise 2

class ScaledPipeline(ExerciseSpec):
    id = "06-scaled-pipeline"
    notebook = NOTEBOOK
    number = 2
    title = "standardize inside a pipeline"
    points = 2
    answer_name = "scaled_model"

    def collect(self, answer, cases):
        return {"value": _describe_pipeline(answer, [case[0] for case in cases])}


def _describe_pipeline(model, test_images):
    """Plain facts about the learner's model (runs next to the answer, may call it)."""
    is_pipeline = isinstance(model, Pipeline)
    parts = [step for _, step in model.steps] if is_pipeline else [model]
    facts = {"is_pipeline": is_pipeline, "steps": [type(part).__name__ for part in parts],
             "fitted": False}
    if not hasattr(model, "fit"):
        return facts
    try:
        check_is_fitted(model)
    except NotFittedError:
        return facts
    facts["fitted"] = True
    facts["n_features"] = int(getattr(model, "n_features_in_", -1))
    first, last = parts[0], parts[-1]
    if type(first).__name__ == "StandardScaler":
        facts["mean"] = getattr(first, "mean_", None)
        facts["scale"] = getattr(first, "scale_", None)
        facts["n_seen"] = int(np.max(first.n_samples_seen_))
    params = last.get_params() if hasattr(last, "get_params") else {}
    for name in ("C", "l1_ratio", "tol"):
        value = params.get(name)
        facts[name] = float(value) if isinstance(value, numbers.Real) else float("nan")
    for name in ("solver", "random_state"):
        value = params.get(name)
        facts[name] = value if value is None or (
            isinstance(value, (str, int)) and not isinstance(value, bool)) else repr(value)
    for images in test_images or ():
        if facts["n_features"] == images.shape[1]:
            facts["predictions"] = model.predict(images)
    return plain(facts)


EXERCISES = [BestRow(), ScaledPipeline()]
