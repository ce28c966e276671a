"""Notebook 06's exercises as a kernel sees them: names, answers, how to collect them.

Their judges are in :mod:`coursekit.judging.nb06`.
"""

import inspect
import numbers
import warnings

import numpy as np

# scikit-learn and pandas are imported inside the functions that run in a kernel (where
# they are imported already): a grader that only reads submissions needs neither.

from . import spec as specs_module
from .mnist_images import pack_mnist_images
from .spec import ExerciseSpec, QuestionSpec, array_facts, model_settings
from .wire import plain, plain_or_name

NOTEBOOK = "06_logistic_grid_search"


# ---------------------------------------------------------------- the grid's table


class GridTable(ExerciseSpec):
    id = "06-grid-table"
    notebook = NOTEBOOK
    number = 1
    title = "the grid's table, one row per setting"
    points = 1
    answer_name = "grid_table"
    kind = "function"

    def call(self, func, case):
        import pandas as pd

        l1_ratios, C_values = case
        # The arguments of the types the notebook passes, as the text says: the penalties
        # in a tuple, the values of C in a numpy array (on which `*` multiplies the values
        # where a list would repeat them, and `.tolist()` works).
        given = (tuple(l1_ratios), np.array(C_values, dtype=float))
        kept = given[1].copy()
        table = func(*given)
        facts = {"type": type(table).__name__,
                 "changed_input": not np.array_equal(given[1], kept)}
        if isinstance(table, pd.DataFrame):
            facts["columns"] = [str(c) for c in table.columns]
            # Columns moved into the index (`set_index`) are no longer read by name.
            facts["index_names"] = [str(name) for name in table.index.names if name is not None]
            # `best_row` looks rows up by label: `pd.concat` without `ignore_index`
            # repeats each part's labels, and `table.loc[label]` then gives a table.
            facts["index_unique"] = bool(table.index.is_unique)
            # Exercise 3's text says labels and positions agree in this table.
            facts["index_positions"] = bool(table.index.equals(pd.RangeIndex(len(table))))
            facts["index"] = [plain_or_name(label) for label in table.index[:12].tolist()]
            for column in ("penalty", "l1_ratio", "C"):
                if column in table.columns:
                    facts[column] = [plain_or_name(v) for v in table[column].tolist()]
        return facts


class UnderOver(QuestionSpec):
    id = "06-under-over"
    notebook = NOTEBOOK
    number = 2
    title = "under- and over-fitting in the grid"
    points = 1
    answer_name = "under_over"


# ---------------------------------------------------------------- the best row


class BestRow(ExerciseSpec):
    id = "06-best-row"
    notebook = NOTEBOOK
    number = 3
    title = "the best row of the grid"
    points = 1
    answer_name = "best_row"
    kind = "function"

    def call(self, func, case):
        import pandas as pd

        data, index, column = case
        table = pd.DataFrame(data, index=index)
        kept = table.copy()
        try:
            result = func(table, column)
        except KeyError as exc:  # `loc` given a position: a specific hint beats a traceback
            return {"kind": "no-such-label", "value": str(exc)}
        except IndexError as exc:  # `iloc` given a label
            return {"kind": "no-such-position", "value": str(exc)}
        if result is None:
            return None
        facts = _describe_row(result)
        # The notebook reads `results` again after this call (the heatmaps, the slider):
        # sorting or dropping rows in place would change it under them.
        facts["changed_input"] = not (table.equals(kept) and table.index.equals(kept.index))
        if facts["changed_input"]:
            facts["table_change"] = table_change(kept, table)
        return facts


def table_change(before, after):
    """How the table ``after`` differs from ``before``, in one word.

    ``"columns"`` (one added or removed), ``"rows"`` (rows dropped or added), ``"order"``
    (the same rows, reordered) or ``"values"`` (values filled or assigned).

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"a": [1.0, 2.0, np.nan]})
    >>> table_change(table, table.sort_values("a", ascending=False)), table_change(
    ...     table, table.dropna()), table_change(table, table.fillna(0))
    ('order', 'rows', 'values')
    """
    if set(map(str, before.columns)) != set(map(str, after.columns)):
        return "columns"
    if len(before) != len(after) or set(before.index) != set(after.index):
        return "rows"
    if not after.index.equals(before.index) and after.loc[before.index].equals(before):
        return "order"
    return "values"


def _describe_row(result):
    """Plain facts about what ``best_row`` returned (runs next to the answer)."""
    import pandas as pd

    if isinstance(result, pd.DataFrame):
        return {"kind": "frame", "rows": len(result)}
    if isinstance(result, pd.Series):
        facts = {"kind": "row", "label": plain_or_name(result.name)}
        for key in ("C", "l1_ratio"):
            if key in result.index:
                facts[key] = float(result[key])
        # The whole row, which the notebook prints: the judge compares it with the table's.
        facts["fields"] = [plain_or_name(key) for key in result.index[:20].tolist()]
        facts["values"] = [plain_or_name(value) for value in result.iloc[:20].tolist()]
        return facts
    if isinstance(result, (int, float, np.integer, np.floating)) and not isinstance(result, bool):
        return {"kind": "label", "value": plain(result)}
    return {"kind": "other", "type": type(result).__name__}


# ---------------------------------------------------------------- the honest search


#: The notebook's arrays the search must leave as they were: the final model is fitted on them.
SEARCH_INPUTS = ("X_train", "y_train")
#: The arrays the cells after the last exercise read again (the comparison of the two models).
NOTEBOOK_PARTS = ("X_train", "y_train", "X_test", "y_test")


def fingerprint(array):
    """Plain facts that tell an array from a changed one: shape, sum, a weighted sum.

    The weights grow along the flattened array, so moved values change the second sum
    even when the first stays.

    Examples
    --------
    >>> fingerprint(np.array([[1.0, 2.0]]))["weighted"]
    5.0
    """
    if not isinstance(array, np.ndarray) or array.dtype.kind not in "biuf":
        return {"type": type(array).__name__}
    flat = array.astype(float).ravel()
    return {"shape": list(array.shape), "sum": float(flat.sum()),
            "weighted": float(flat @ np.arange(1, flat.size + 1)),
            "dtype": str(array.dtype),
            "min": float(flat.min()) if flat.size else 0.0,
            "max": float(flat.max()) if flat.size else 0.0}


def mnist_images(namespace):
    """The notebook's MNIST images ``X, y``, compressed, as plain data; None for the digits.

    The judge has no MNIST images of its own: it splits these as the notebook's loading
    cell does and fits the search's choice again on the training part, whatever the
    notebook's ``X_train`` holds now. Only float32 images travel, as the course loads
    MNIST (:func:`.mnist_images.pack_mnist_images`).

    Examples
    --------
    >>> mnist_images({"X": np.zeros((3, 64)), "y": np.zeros(3)}) is None
    True
    """
    X = namespace.get("X")
    if not isinstance(X, np.ndarray) or X.dtype != np.float32:
        return None
    return pack_mnist_images(X, namespace.get("y"))


def notebook_parts(names=NOTEBOOK_PARTS):
    """The fingerprints of the notebook's arrays ``names``, read from its namespace.

    Examples
    --------
    >>> notebook_parts(("X_train",))  # outside a notebook there is none
    {'X_train': {'type': 'NoneType'}}
    """
    namespace = specs_module.user_namespace()
    return {name: fingerprint(namespace.get(name)) for name in names}


def _setting(value):
    """A search's setting as plain data: numbers, text, bools and None as they are."""
    if value is None or isinstance(value, (str, bool, numbers.Real)):
        return plain(value)
    return f"<a {type(value).__name__}>"


def _describe_cv(cv):
    from sklearn.model_selection import StratifiedKFold

    if cv is None or isinstance(cv, numbers.Integral):
        return _setting(cv)
    facts = {"type": type(cv).__name__}
    for name in ("n_splits", "shuffle", "random_state"):
        facts[name] = _setting(getattr(cv, name, None))
    if isinstance(cv, (list, tuple)):
        # Folds spelled out, e.g. `list(StratifiedKFold(3).split(X_train, y_train))`:
        # which images each fold holds out tells them from other splits.
        facts["folds"] = [fold_fingerprint(fold) for fold in cv[:20]]
        namespace = specs_module.user_namespace()
        labels = namespace.get("y_train")
        if isinstance(labels, np.ndarray) and len(cv) > 1:
            # The stratified folds of the notebook's own labels: on MNIST the judge has
            # none of its own to compare with.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # a digit rarer than folds: no folds
                try:
                    stratified = list(StratifiedKFold(len(cv)).split(
                        np.zeros(len(labels)), labels))
                except ValueError:
                    stratified = []
            facts["stratified"] = [fold_fingerprint(fold) for fold in stratified]
    return facts


def fold_fingerprint(fold):
    """The held-out positions of one (train, test) pair of a `cv` list, fingerprinted.

    Examples
    --------
    >>> fold_fingerprint((np.array([0, 1]), np.array([2, 3])))["weighted"]
    8.0
    """
    try:
        _, held_out = fold
        return fingerprint(np.asarray(held_out))
    except (TypeError, ValueError):
        return {"type": type(fold).__name__}


def _search_scores(search):
    """The cross-validated scores: each candidate's setting, mean and split scores."""
    results = search.cv_results_
    facts = {"n_splits": int(search.n_splits_), "multimetric": bool(search.multimetric_),
             "columns": sorted(str(key) for key in results)}
    facts["params"] = [{str(k): plain_or_name(v) for k, v in params.items()}
                       for params in results["params"]]
    if "mean_test_score" in results:
        facts["mean"] = plain(results["mean_test_score"])
        facts["splits"] = plain([results[f"split{i}_test_score"]
                                 for i in range(search.n_splits_)])
    return facts


def recorded_choice(search):
    """The chosen setting as the search recorded it when fitted, or None before a fit.

    ``best_params_`` is one of the dicts of ``cv_results_["params"]``, so
    ``best = search.best_params_; best["C"] = ...`` in a later cell changes both; the
    ``param_*`` columns keep the values the search tried. Only the settings the grid
    varies are there. ``"in_results"`` says whether ``best_params_`` is still that
    dict (a later ``search.best_params_ = {...}`` replaces it).

    Examples
    --------
    >>> recorded_choice(None) is None
    True
    """
    results = getattr(search, "cv_results_", None)
    index = getattr(search, "best_index_", None)
    if not isinstance(results, dict) or not isinstance(index, numbers.Integral):
        return None
    choice = {}
    for key, column in results.items():
        if (isinstance(key, str) and key.startswith("param_")
                and isinstance(column, np.ndarray) and 0 <= index < len(column)
                and not np.ma.getmaskarray(column)[index] and len(choice) < 20):
            choice[key[len("param_"):]] = plain_or_name(column[index])
    params = results.get("params")
    shared = (isinstance(params, list) and 0 <= index < len(params)
              and getattr(search, "best_params_", None) is params[index])
    return {"setting": choice, "in_results": bool(shared)}


def _penalty_if_set(model):
    """``model``'s ``penalty`` when set, None at its default.

    Its default is "l2" before scikit-learn 1.8 and "deprecated" since: the judge must
    not depend on the installed version.
    """
    penalty = inspect.signature(type(model)).parameters.get("penalty")
    value = getattr(model, "penalty", None)
    if penalty is None or value == penalty.default or not isinstance(value, str):
        return None
    return value


class GridSearch(ExerciseSpec):
    id = "06-grid-search"
    notebook = NOTEBOOK
    number = 4
    title = "the honest search, on the training part only"
    points = 2
    answer_name = "search"

    def collect(self, answer, cases):
        from sklearn.base import BaseEstimator
        from sklearn.model_selection import GridSearchCV
        from sklearn.pipeline import Pipeline

        namespace = specs_module.user_namespace()
        facts = {"type": type(answer).__name__, "is_grid": isinstance(answer, GridSearchCV),
                 "inputs": {name: fingerprint(namespace.get(name)) for name in SEARCH_INPUTS},
                 "search_settings": plain_or_name(namespace.get("SEARCH_SETTINGS"))}
        if not isinstance(answer, BaseEstimator) or not hasattr(answer, "estimator"):
            return {"value": facts}
        estimator = answer.estimator
        facts["estimator"] = type(estimator).__name__
        facts["settings"] = model_settings(estimator)
        facts["settings"]["penalty"] = _penalty_if_set(estimator)
        facts["scoring"] = _setting(answer.scoring)
        facts["refit"] = _setting(answer.refit)
        facts["cv"] = _describe_cv(answer.cv)
        facts["fitted"] = hasattr(answer, "cv_results_")
        if facts["fitted"]:
            facts.update(_search_scores(answer))
            facts["best_params"] = ({str(k): plain_or_name(v)
                                     for k, v in answer.best_params_.items()}
                                    if hasattr(answer, "best_params_") else None)
            facts["recorded_choice"] = recorded_choice(answer)
        refit = getattr(answer, "best_estimator_", None)
        facts["has_best_estimator"] = refit is not None
        facts["mnist_images"] = mnist_images(namespace)
        if refit is not None and hasattr(refit, "coef_"):
            # Kept in its own dtype: float32 weights say the search saw float32 pixels.
            facts["refit_coef"] = plain(refit.coef_)
            # The refit's own settings, and the pipelines that hold it as a step: a later
            # cell may have changed and refitted it.
            facts["refit_settings"] = model_settings(refit)
            facts["refit_in_pipelines"] = sorted(
                name for name, value in namespace.items()
                if isinstance(value, Pipeline) and not name.startswith("_")
                and any(step is refit for _, step in value.steps))
        return {"value": facts}


class RefitMatches(QuestionSpec):
    id = "06-refit-matches"
    notebook = NOTEBOOK
    number = 5
    title = "does the final model score what the table says?"
    points = 1
    answer_name = "refit_matches"


# ---------------------------------------------------------------- the weights as images


def _coef(model, name="coef_"):
    coef = getattr(model, name, None)
    return plain(coef) if isinstance(coef, np.ndarray) and coef.dtype.kind in "f" else None


class WeightImages(ExerciseSpec):
    id = "06-weight-images"
    notebook = NOTEBOOK
    number = 6
    title = "the weights as ten images"
    points = 1
    answer_name = "weight_images"

    def collect(self, answer, cases):
        namespace = specs_module.user_namespace()
        facts = array_facts(answer)
        # The final model itself, which the cells below use again: its weights must be
        # as the fit left them. Other models' weights only name a slip.
        model = namespace.get("best_model")
        facts["model"] = {"coef": _coef(model),
                          "intercept": plain_or_name(getattr(model, "intercept_", None)),
                          "classes": plain_or_name(getattr(model, "classes_", None))}
        search = namespace.get("search")
        facts["search_coef"] = _coef(getattr(search, "best_estimator_", None))
        facts["search_choice"] = plain_or_name(getattr(search, "best_params_", None))
        facts["search_recorded"] = recorded_choice(search)
        # The final model is fitted on X_train: an earlier cell that changed it explains
        # other weights better than this exercise can.
        facts["inputs"] = notebook_parts(SEARCH_INPUTS)
        facts["mnist_images"] = mnist_images(namespace)
        return {"value": facts}


# ---------------------------------------------------------------- the scaler


class ScaledPipeline(ExerciseSpec):
    id = "06-scaled-pipeline"
    notebook = NOTEBOOK
    number = 7
    title = "standardize inside a pipeline"
    points = 2
    answer_name = "scaled_model"

    def collect(self, answer, cases):
        from sklearn.pipeline import Pipeline

        facts = _describe_pipeline(answer, [case[0] for case in cases])
        namespace = specs_module.user_namespace()
        search = namespace.get("search")
        if isinstance(answer, Pipeline) and answer.steps:
            # `make_pipeline(StandardScaler(), best_model)` refits the notebook's
            # `best_model` in place; only the objects' identity tells it apart.
            facts["shared_with"] = specs_module.names_bound_to(
                answer.steps[-1][1], namespace, besides=(self.answer_name,))
            # `scaled_model = best_model = make_pipeline(...)` rebinds `best_model`.
            facts["pipeline_names"] = specs_module.names_bound_to(
                answer, namespace, besides=(self.answer_name,))
            refit = getattr(search, "best_estimator_", None)
            facts["holds_search_refit"] = refit is not None and any(
                step is refit for _, step in answer.steps)
        # What the cells below read again: the four parts, `best_model` and `search`
        # (the progress cell checks exercises 4 and 6 again). This exercise's code is
        # the last that could have changed them.
        facts["parts"] = notebook_parts()
        facts["mnist_images"] = mnist_images(namespace)
        facts["best_model"] = _describe_model(namespace.get("best_model"))
        facts["search"] = _describe_model(getattr(search, "best_estimator_", None))
        facts["search"]["type"] = type(search).__name__
        facts["search"]["best_params"] = plain_or_name(getattr(search, "best_params_", None))
        facts["search"]["recorded_choice"] = recorded_choice(search)
        return {"value": facts}


def _describe_model(model):
    """A model the notebook fitted earlier: its type, settings and weights, as plain data."""
    from sklearn.base import BaseEstimator

    return {"type": type(model).__name__, "coef": _coef(model),
            "intercept": _coef(model, "intercept_"),
            "settings": model_settings(model) if isinstance(model, BaseEstimator) else None}


def _describe_pipeline(model, test_images):
    """Plain facts about the learner's model (runs next to the answer, may call it)."""
    from sklearn.exceptions import NotFittedError
    from sklearn.pipeline import Pipeline
    from sklearn.utils.validation import check_is_fitted

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
        settings = first.get_params()
        for name in ("with_mean", "with_std", "copy"):
            facts[name] = settings.get(name) if isinstance(settings.get(name), bool) else None
        facts["n_seen"] = int(np.max(first.n_samples_seen_))
    params = last.get_params() if hasattr(last, "get_params") else {}
    for name in ("C", "l1_ratio", "tol"):
        value = params.get(name)
        facts[name] = float(value) if isinstance(value, numbers.Real) else float("nan")
    for name in ("solver", "random_state", "penalty"):
        value = params.get(name)
        facts[name] = value if value is None or (
            isinstance(value, (str, int)) and not isinstance(value, bool)) else repr(value)
    # `penalty` counts only when set: its default is "l2" before scikit-learn 1.8 and
    # "deprecated" since, and the judge must not depend on the installed version.
    # Every parameter, for the ones the judge does not read one by one (max_iter...).
    facts["settings"] = model_settings(last)
    # What the model step learned, whatever it was fitted on: the judge refits it.
    facts["coef"], facts["intercept"] = _coef(last), _coef(last, "intercept_")
    penalty = inspect.signature(type(last)).parameters.get("penalty")
    if penalty is not None and params.get("penalty") == penalty.default:
        facts["penalty"] = None
    # Labels given as text (`y_train.astype(str)`) make text predictions, which travel
    # as their kind only: the judge names them.
    facts["label_kind"] = np.asarray(getattr(last, "classes_", [])).dtype.kind
    if facts["label_kind"] not in "biuf":
        return plain(facts)
    for images in test_images or ():
        if facts["n_features"] == images.shape[1]:
            facts["predictions"] = model.predict(images)
            if is_pipeline and getattr(last, "n_features_in_", None) == images.shape[1]:
                # The model alone on raw pixels: one fitted on raw pixels and put after
                # a scaler by hand reads them better than the pipeline does.
                facts["raw_predictions"] = last.predict(images)
    return plain(facts)


EXERCISES = [GridTable(), UnderOver(), BestRow(), GridSearch(), RefitMatches(), WeightImages(),
             ScaledPipeline()]
