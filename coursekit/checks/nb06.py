"""Checks for notebook 06, logistic regression and a hyper-parameter grid search."""

import numbers

import numpy as np
import pandas as pd
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from ..data import load_digits, stratified_split
from .core import Exercise, as_float_array, correct, describe_shape, plain, wrong

NOTEBOOK = "06_logistic_grid_search"

#: The notebook's split of the digits: 20 % test, stratified, seed 0.
DIGITS_TEST_SIZE = 0.2
SPLIT_SEED = 0
#: On MNIST the notebook trains on 1,500 images (and tests on 1,000).
MNIST_TRAIN_SIZE = 1500
MNIST_TEST_SIZE = 1000
#: A scaled logistic regression that is set up sensibly classifies at least
#: this share of the digits' test part correctly (the notebook's reaches about 0.97).
MIN_ACCURACY = 0.9

_BUILD_IT = "build it with `make_pipeline(StandardScaler(), LogisticRegression(...))`."
_OTHER_SCALERS = ("MinMaxScaler", "MaxAbsScaler", "RobustScaler", "Normalizer",
                  "QuantileTransformer", "PowerTransformer")


def _digits_split():
    X, y = load_digits()
    return stratified_split(X, y, test_size=DIGITS_TEST_SIZE, random_state=SPLIT_SEED)


# ---------------------------------------------------------------- exercise 1

class BestRow(Exercise):
    id = "06-best-row"
    notebook = NOTEBOOK
    number = 1
    title = "the best row of the grid"
    points = 1
    answer_name = "best_row"
    kind = "function"

    def cases(self, seed):
        rng = np.random.default_rng(seed)
        cases = []
        for column, n_c in (("test_auc", 6), ("train_auc", 5), ("test_auc", 25)):
            C = np.logspace(-2, 2, n_c)
            table = {
                "penalty": ["L1"] * n_c + ["L2"] * n_c,
                "l1_ratio": np.repeat([1.0, 0.0], n_c),
                "C": np.tile(C, 2),
                # Distinct scores, so exactly one row is the best and one the worst.
                "train_auc": 0.5 + 0.5 * rng.permutation(2 * n_c) / (2 * n_c),
                "test_auc": 0.5 + 0.4 * rng.permutation(2 * n_c) / (2 * n_c),
            }
            # The best rows by the two columns differ, so using the wrong column shows.
            if np.argmax(table["train_auc"]) == np.argmax(table["test_auc"]):
                table["test_auc"] = np.roll(table["test_auc"], 1)
            # Row labels that are not positions, as after sorting or filtering a
            # table: they tell `loc` (labels) from `iloc` (positions).
            index = rng.permutation(2 * n_c) + 100
            cases.append((table, index, column))
        return cases

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

    def describe_case(self, case):
        _, index, column = case
        return f"best_row(table of {len(index)} rows, {column!r})"

    def judge(self, payload, cases):
        for (data, index, column), output in zip(cases, payload["outputs"]):
            table = pd.DataFrame(data, index=index)
            best = int(table[column].idxmax())
            call = f"best_row(table, {column!r})"
            kind = output.get("kind") if isinstance(output, dict) else None
            if kind == "no-such-label":
                return wrong(f"{call} asked `loc` for a row label the table does not have.",
                             "`argmax` gives a position, which goes with `iloc`; `idxmax` "
                             "gives a label, which goes with `loc`.")
            if kind == "no-such-position":
                return wrong(f"{call} asked `iloc` for a position past the end of the table.",
                             "`idxmax` gives a row *label*: look it up with `table.loc[...]`, "
                             "not `table.iloc[...]`.")
            if kind == "label":
                if output.get("value") == best:
                    return wrong(f"{call} returned the best row's label, {best}, not the row.",
                                 "look the row up with that label: `table.loc[label]`.")
                return wrong(f"{call} returned the number {output.get('value')!r}, not a row.",
                             "return the row itself: `table.loc[table[column].idxmax()]`.")
            if kind != "row":
                what = f"a {output.get('type')}" if kind == "other" else describe_shape(output)
                return wrong(f"{call} returned {what}, not one row of the table.",
                             "return a row (a pandas Series): `table.loc[...]`.")
            got = output.get("label")
            if got == best and np.isclose(output.get("C", np.nan), table.loc[best, "C"]):
                continue
            other = "train_auc" if column == "test_auc" else "test_auc"
            if got == int(table[column].idxmin()):
                return wrong(f"{call} returned the row with the *smallest* {column}.",
                             "a higher ROC AUC is better: use `idxmax`.")
            if got == int(table[other].idxmax()):
                return wrong(f"{call} picked the best row by {other!r}, not by {column!r}.",
                             "use the `column` argument: `table[column].idxmax()`.")
            return wrong(f"{call} returned the row labelled {got!r}; the largest {column} is "
                         f"in the row labelled {best}.",
                         "find the label of the largest value with `table[column].idxmax()`, "
                         "then return `table.loc[label]`.")
        return correct("the row with the largest value in the column asked for, found by label.")


def _describe_row(result):
    """Plain facts about what ``best_row`` returned (runs next to the answer)."""
    if isinstance(result, pd.DataFrame) and len(result) == 1:
        result = result.iloc[0]
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

class ScaledPipeline(Exercise):
    id = "06-scaled-pipeline"
    notebook = NOTEBOOK
    number = 2
    title = "standardize inside a pipeline"
    points = 2
    answer_name = "scaled_model"

    def cases(self, seed):
        # The digits' test images, on which a fitted answer is asked for predictions.
        _, X_test, _, _ = _digits_split()
        return [(X_test,)]

    def collect(self, answer, cases):
        return {"value": _describe_pipeline(answer, cases[0][0] if cases else None)}

    def judge(self, payload, cases):
        facts = payload["value"]
        if not isinstance(facts, dict) or "steps" not in facts:
            return wrong("the answer could not be read as a scikit-learn model.", _BUILD_IT)
        steps = list(facts["steps"])
        if not facts["is_pipeline"]:
            if steps == ["LogisticRegression"]:
                return wrong("scaled_model is a LogisticRegression on its own: nothing "
                             "standardizes the pixels.",
                             "wrap it: `make_pipeline(StandardScaler(), LogisticRegression(...))`.")
            return wrong(f"scaled_model is not a pipeline (it is of type {steps[0]}).", _BUILD_IT)
        if "StandardScaler" not in steps:
            other = [name for name in steps if name in _OTHER_SCALERS]
            if other:
                return wrong(f"the pipeline rescales with {other[0]}, not StandardScaler.",
                             "this exercise is about standardizing: each pixel minus its mean, "
                             "divided by its standard deviation. Use `StandardScaler()`.")
            return wrong(f"the pipeline's steps are {steps}: no StandardScaler.",
                         "put `StandardScaler()` first: `make_pipeline(StandardScaler(), "
                         "LogisticRegression(...))`.")
        if steps[-1] != "LogisticRegression":
            return wrong(f"the pipeline's last step is {steps[-1]}.",
                         "the model comes last, after the scaler: `make_pipeline("
                         "StandardScaler(), LogisticRegression(...))`.")
        if steps[0] != "StandardScaler":
            return wrong(f"the pipeline's steps are {steps}; the scaler should come first.",
                         "`make_pipeline(StandardScaler(), LogisticRegression(...))`.")
        if not facts["fitted"]:
            return wrong("scaled_model is built but not fitted yet.",
                         "fit it on the training part: `scaled_model.fit(X_train, y_train)`.")
        verdict = _judge_scaler(facts)
        if verdict is not None:
            return verdict
        setting = f"C={facts['C']:.3g}, l1_ratio={facts['l1_ratio']:g}"
        if facts.get("predictions") is None:  # MNIST: the judge has no test images of that size
            return correct(f"StandardScaler, then LogisticRegression ({setting}), fitted on the "
                           f"{MNIST_TRAIN_SIZE:,} training images.")
        _, _, _, y_test = _digits_split()
        predictions = as_float_array(facts["predictions"], shape=y_test.shape)
        accuracy = float(np.mean(predictions == y_test))
        if accuracy < MIN_ACCURACY:
            return wrong(f"the pipeline is built and fitted correctly, but classifies only "
                         f"{accuracy:.1%} of the test images ({setting}).",
                         "give LogisticRegression the settings the grid search chose: "
                         "`LogisticRegression(**search.best_params_, ...)`.")
        return correct(f"StandardScaler, then LogisticRegression ({setting}), fitted on the "
                       f"training part only; accuracy on the test part {accuracy:.3f}.")


def _judge_scaler(facts):
    """Was the scaler fitted on the training part, on raw pixels? None when it was."""
    mean = as_float_array(facts.get("mean"))
    seen = facts.get("n_seen")
    if mean is not None and mean.size and np.all(np.abs(mean) < 1e-6) and np.allclose(
        as_float_array(facts.get("scale")), 1, atol=1e-3
    ):
        return wrong("the scaler saw pixels that were standardized already (mean 0, "
                     "standard deviation 1).",
                     "never rescale the images themselves: reload the raw `X_train` and let "
                     "the pipeline do the scaling when it is fitted.")
    if facts.get("n_features") == 784:
        sizes = {MNIST_TRAIN_SIZE: None, MNIST_TEST_SIZE: "the test part",
                 MNIST_TRAIN_SIZE + MNIST_TEST_SIZE: "all images, the test part included"}
        if seen == MNIST_TRAIN_SIZE:
            return None
        where = sizes.get(seen, f"{seen} images")
        return wrong(f"the pipeline was fitted on {where}, not the {MNIST_TRAIN_SIZE:,} "
                     "training images.",
                     "fit it with `scaled_model.fit(X_train, y_train)`: the test part stays "
                     "untouched until the final score.")
    if facts.get("n_features") != 64:
        return wrong(f"the pipeline was fitted on images of {facts.get('n_features')} pixels.",
                     "fit it on the notebook's `X_train`.")
    X_train, X_test, _, _ = _digits_split()
    if mean is not None and mean.shape == (64,) and np.allclose(mean, X_train.mean(axis=0)):
        return None
    for part, where in ((X_test, "the test part"),
                        (np.concatenate([X_train, X_test]), "all images, the test part included")):
        if mean is not None and mean.shape == (64,) and np.allclose(mean, part.mean(axis=0)):
            return wrong(f"the scaler was fitted on {where}: the test images leak into the model.",
                         "fit the whole pipeline on the training part only: "
                         "`scaled_model.fit(X_train, y_train)`.")
    return wrong(f"the scaler's pixel means are not those of the training images (it saw "
                 f"{seen} images): it was fitted on other images, or on images changed beforehand.",
                 "fit the whole pipeline on the raw training part: "
                 "`scaled_model.fit(X_train, y_train)`.")


def _describe_pipeline(model, X_test):
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
    for name in ("C", "l1_ratio"):
        value = last.get_params().get(name) if hasattr(last, "get_params") else None
        facts[name] = float(value) if isinstance(value, numbers.Real) else float("nan")
    if X_test is not None and facts["n_features"] == X_test.shape[1]:
        facts["predictions"] = model.predict(X_test)
    return plain(facts)


EXERCISES = [BestRow(), ScaledPipeline()]
