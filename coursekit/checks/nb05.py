"""Notebook 05's exercises as a kernel sees them: names, answers, how to collect them.

Their judges are in :mod:`coursekit.judging.nb05`.
"""

import numpy as np

# scikit-learn is imported inside the functions that run in a kernel (where it is
# imported already): a grader that only reads submissions needs none of it.

from . import spec as specs_module
from .spec import ExerciseSpec, QuestionSpec, array_facts, model_settings
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
        collected = {"changed_input": not np.array_equal(given, images),
                     "array": isinstance(output, np.ndarray), "type": type(output).__name__}
        try:
            collected["output"] = plain(output)
        except TypeError:  # not numbers: only its type can travel to the judge
            collected["output_type"] = type(output).__name__
        return collected


class WhyChance(QuestionSpec):
    id = "05-why-chance"
    notebook = NOTEBOOK
    number = 2
    title = "why the example's settings score like chance"
    points = 1
    answer_name = "why_chance"


#: The settings of the RBM that the judge reads (of the logistic step it reads them all).
RBM_PARAMS = ("n_components", "learning_rate", "batch_size", "n_iter", "random_state")
#: The notebook's models that cells below the exercise read as they were fitted: a
#: pipeline that refits one of them as its logistic step breaks those cells.
READ_LATER = ("raw_pixels",)


class RbmPipeline(ExerciseSpec):
    id = "05-rbm-pipeline"
    notebook = NOTEBOOK
    number = 3
    title = "RBM features, then logistic regression, in one pipeline"
    points = 2
    answer_name = "rbm_features"

    def collect(self, answer, cases):
        from sklearn.pipeline import Pipeline

        X_test, X_train, y_train = cases[0]
        facts = _describe_rbm_pipeline(answer, X_test)
        if "predictions" in facts:
            facts["optimality_gap"] = optimality_gap(answer, X_train, y_train)
        if isinstance(answer, Pipeline) and answer.steps:
            # Later cells read `rbm.components_` and `rbm.transform`: the pipeline must
            # train the notebook's own `rbm`, not a new one next to it.
            namespace = specs_module.user_namespace()
            if "rbm" in namespace:
                facts["rbm_is_notebooks"] = answer.steps[0][1] is namespace["rbm"]
            facts["logistic_is"] = [name for name in READ_LATER
                                    if namespace.get(name) is answer.steps[-1][1]]
        return {"value": plain(facts)}


def _describe_rbm_pipeline(model, X_test):
    """Plain facts about the learner's pipeline (runs next to the answer, may call it)."""
    from sklearn.exceptions import NotFittedError
    from sklearn.pipeline import Pipeline
    from sklearn.utils.validation import check_is_fitted

    is_pipeline = isinstance(model, Pipeline)
    parts = [step for _, step in model.steps] if is_pipeline else [model]
    # A step given as text ("passthrough") is named by its text, not as "str".
    facts = {"is_pipeline": is_pipeline,
             "steps": [part if isinstance(part, str) else type(part).__name__ for part in parts],
             "fitted": False}
    if not is_pipeline or facts["steps"] != ["BernoulliRBM", "LogisticRegression"]:
        # Other steps (a OneVsRestClassifier, a search, SGDClassifier) lack what the
        # facts below read: the judge names the steps from their names alone.
        return facts
    facts["rbm"] = model_settings(parts[0], RBM_PARAMS)
    facts["logistic"] = model_settings(parts[1])
    try:
        check_is_fitted(parts[0])
    except (NotFittedError, TypeError):
        facts["rbm_fitted"] = False
    else:
        # What the RBM learned tells which images it was trained on: the judge
        # compares it with an RBM of the same settings trained on the training part.
        facts["rbm_fitted"] = True
        facts["components"] = getattr(parts[0], "components_", None)
        # The features depend on the hidden units' intercepts too.
        facts["intercepts"] = {"hidden": getattr(parts[0], "intercept_hidden_", None),
                               "visible": getattr(parts[0], "intercept_visible_", None)}
        # The RBM computes in its images' precision: float32 ones give other components.
        facts["rbm_dtype"] = str(getattr(facts["components"], "dtype", ""))
        # Cells below index `rbm.transform(...)` by position: a DataFrame (a pipeline's
        # `set_output(transform="pandas")` reaches its steps) would break them.
        facts["rbm_output"] = _output_type(parts[0], X_test[:1])
    try:
        check_is_fitted(model)
    except NotFittedError:
        return facts
    facts["fitted"] = True
    if getattr(model, "n_features_in_", None) == X_test.shape[1]:
        predictions = np.asarray(model.predict(X_test))
        # Labels fitted as text predict text, which is no plain number to send.
        facts["predictions_kind"] = "numbers" if predictions.dtype.kind in "biuf" else "text"
        if facts["predictions_kind"] == "numbers":
            facts["predictions"] = predictions
    # The logistic step's weights tell the rows, labels and settings it was fitted with:
    # the judge fits the same step on the training part's features and compares.
    coef, intercept = getattr(parts[1], "coef_", None), getattr(parts[1], "intercept_", None)
    if coef is not None and intercept is not None:
        facts["logistic_weights"] = {"coef": coef, "intercept": intercept}
    return facts


def _output_type(rbm, images):
    """The type name of what ``rbm.transform`` gives; None when it cannot transform them."""
    try:
        return type(rbm.transform(images)).__name__
    except (ValueError, TypeError, AttributeError):
        return None


def optimality_gap(model, X_train, y_train):
    """How far the logistic step is from its minimum on the RBM's features *as they are now*.

    A logistic regression fitted to convergence has a gradient of (almost) 0 on the
    features it was fitted on. If the RBM was trained further after the pipeline's
    fit (``rbm.partial_fit``), its features moved and the gradient is far from 0.
    The gradient of the mean cross-entropy plus ``||coef||^2 / (2 C n)`` is returned as
    its largest absolute entry; None for a model this cannot be computed for.
    """
    # As numbers: a step set to give DataFrames (`set_output`) gives them here too.
    features = np.asarray(model[0].transform(X_train), dtype=float)
    logistic = model[-1]
    coef = np.asarray(logistic.coef_, dtype=float)
    classes = np.asarray(logistic.classes_)
    if coef.shape != (len(classes), features.shape[1]) or len(classes) < 3:
        return None
    scores = features @ coef.T + np.asarray(logistic.intercept_, dtype=float)
    probabilities = np.exp(scores - scores.max(axis=1, keepdims=True))
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    residual = probabilities - (np.asarray(y_train)[:, None] == classes)
    n = len(features)
    gradient = residual.T @ features / n + coef / (float(logistic.C) * n)
    return float(max(np.abs(gradient).max(), np.abs(residual.mean(axis=0)).max()))


class OwnScale(ExerciseSpec):
    id = "05-own-scale"
    notebook = NOTEBOOK
    number = 4
    title = "each component on its own colour scale"
    points = 1
    answer_name = "own_scale"
    kind = "function"

    def call(self, func, case):
        (weights,) = case
        given = weights.copy()
        output = func(given)
        facts = array_facts(output)
        facts["changed_input"] = not np.array_equal(given, weights)
        # The text asks for a new array: one that shares the weights' memory (the array
        # itself, a slice, a view) changes the RBM's components when changed.
        facts["shares_input"] = isinstance(output, np.ndarray) and np.shares_memory(output, given)
        # The answer's cell may store the result back into the RBM (`rbm.components_ =
        # own_scale(...)`): its features, exercise 3 and the cells below change with it.
        facts["rbm_rescaled"] = rescaled(getattr(specs_module.user_namespace().get("rbm"),
                                                 "components_", None))
        return facts


def rescaled(components):
    """Whether every row of ``components`` that is not all 0 has a largest size of 1.

    No training leaves an RBM so: it is what dividing each row by its largest
    size makes.

    Examples
    --------
    >>> rescaled(np.array([[0.5, -1.0], [0.0, 0.0], [1.0, 0.25]]))
    True
    >>> rescaled(np.array([[0.5, -2.0]])), rescaled(None)
    (False, False)
    """
    if not isinstance(components, np.ndarray) or components.ndim != 2 or not components.size:
        return False
    with np.errstate(invalid="ignore"):
        size = np.abs(components).max(axis=1)
    size = size[size > 0]
    return bool(size.size) and bool(np.allclose(size, 1, rtol=0, atol=1e-6))


EXERCISES = [Nudge(), WhyChance(), RbmPipeline(), OwnScale()]
