"""Notebook 06's judges: cases, references and hints."""

import numpy as np
import pandas as pd
from scipy.ndimage import center_of_mass, shift, zoom

from ..checks import nb06 as specs
from ..checks.results import correct, wrong
from ..data import load_digits, stratified_split
from .base import Judge
from .plain_answers import as_float_array, describe_shape

#: The notebook's split of the digits: 20 % test, stratified, seed 0.
DIGITS_TEST_SIZE = 0.2
SPLIT_SEED = 0
#: On MNIST the notebook trains on 1,500 images (and tests on 1,000).
MNIST_TRAIN_SIZE = 1500
MNIST_TEST_SIZE = 1000
#: A scaled logistic regression that is set up sensibly classifies at least
#: this share of the digits' test part correctly (the notebook's reaches about 0.97).
MIN_ACCURACY = 0.9
#: The notebook's solver settings: loose for the search, tighter for the final model.
SEARCH_SETTINGS = {"solver": "saga", "tol": 1e-2, "max_iter": 1000, "random_state": 0}
FINAL_SETTINGS = {**SEARCH_SETTINGS, "tol": 1e-3}
#: The grid GridSearchCV searches in the notebook.
SEARCH_GRID = {"l1_ratio": (0.0, 1.0), "C": tuple(np.logspace(-1, 2, 7))}
#: What that search chooses on the digits (the notebook's stored output shows it).
DIGITS_CHOICE = {"l1_ratio": 1.0, "C": 100.0}
#: On MNIST the judge has no MNIST images of its own: it asks for predictions on
#: the bundled digits drawn the MNIST way (20x20 in a 28x28 frame, centred on
#: their centre of mass). A model fitted on 1,500 real MNIST digits reads about
#: 58 % of them right, one fitted on noise about 9 %.
MNIST_LIKE_SIZE = 500
MNIST_LIKE_MIN_ACCURACY = 0.3

_BUILD_IT = "build it with `make_pipeline(StandardScaler(), LogisticRegression(...))`."
_OTHER_SCALERS = ("MinMaxScaler", "MaxAbsScaler", "RobustScaler", "Normalizer",
                  "QuantileTransformer", "PowerTransformer")


def _digits_split():
    X, y = load_digits()
    return stratified_split(X, y, test_size=DIGITS_TEST_SIZE, random_state=SPLIT_SEED)


def digits_as_mnist(images):
    """Draw 8x8 digits the way MNIST draws its own: 20x20, centred by mass in 28x28.

    Parameters
    ----------
    images : ndarray of shape (n, 64)
        Pixels in [0, 1].

    Returns
    -------
    ndarray of shape (n, 784), float32
    """
    out = np.zeros((len(images), 28, 28), dtype=np.float32)
    for index, image in enumerate(np.asarray(images, dtype=float).reshape(-1, 8, 8)):
        canvas = np.zeros((28, 28))
        canvas[4:24, 4:24] = np.clip(zoom(image, 20 / 8, order=1), 0, 1)
        row, col = center_of_mass(canvas)
        out[index] = np.clip(shift(canvas, (14 - row, 14 - col), order=1), 0, 1)
    return out.reshape(len(images), 784)


def _mnist_like_test():
    X, y = load_digits()
    rows = np.random.default_rng(SPLIT_SEED).choice(len(X), size=MNIST_LIKE_SIZE, replace=False)
    return digits_as_mnist(X[rows]), y[rows]


class BestRow(Judge, specs.BestRow):
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
            if kind == "frame":
                return wrong(f"{call} returned a DataFrame of {output.get('rows')} row(s), "
                             "not the row itself (a Series).",
                             "`table.loc[label]` gives the row; `table.loc[[label]]`, a filter "
                             "such as `table[table[column] == ...]` or `head(1)` give a *table* "
                             "of rows, in which `row['C']` is a column, not a number.")
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


class ScaledPipeline(Judge, specs.ScaledPipeline):
    def cases(self, seed):
        # Images on which a fitted answer is asked for predictions: the digits' test
        # part, and for a model of MNIST's 784 pixels digits drawn the MNIST way.
        _, X_test, _, _ = _digits_split()
        return [(X_test,), (_mnist_like_test()[0],)]

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
        verdict = _judge_settings(facts)
        if verdict is not None:
            return verdict
        setting = f"C={facts['C']:.3g}, l1_ratio={facts['l1_ratio']:g}"
        if facts.get("n_features") == 784:
            _, y_like = _mnist_like_test()
            predictions = as_float_array(facts.get("predictions"), shape=y_like.shape)
            if predictions is None:
                return wrong("the pipeline gave no predictions for 784-pixel images.",
                             _BUILD_IT)
            accuracy = float(np.mean(predictions == y_like))
            if accuracy < MNIST_LIKE_MIN_ACCURACY:
                return wrong(f"the pipeline is built with the right settings, but reads only "
                             f"{accuracy:.0%} of {MNIST_LIKE_SIZE} digits drawn the MNIST way "
                             "(a model of real MNIST digits reads more than half): it was "
                             "not fitted on MNIST's training images.",
                             "fit it on the notebook's training part: "
                             "`scaled_model.fit(X_train, y_train)`.")
            return correct(f"StandardScaler, then LogisticRegression ({setting}), fitted on the "
                           f"{MNIST_TRAIN_SIZE:,} training images; it reads {accuracy:.0%} of "
                           "digits drawn the MNIST way that it never saw.")
        _, _, _, y_test = _digits_split()
        predictions = as_float_array(facts.get("predictions"), shape=y_test.shape)
        if predictions is None:
            return wrong("the pipeline gave no predictions for the test images.", _BUILD_IT)
        accuracy = float(np.mean(predictions == y_test))
        if accuracy < MIN_ACCURACY:
            return wrong(f"the pipeline has the right steps and settings and saw the training "
                         f"images, but classifies only {accuracy:.1%} of the test images: it "
                         "learned from labels that do not go with them.",
                         "fit it on the training images and their own labels: "
                         "`scaled_model.fit(X_train, y_train)`.")
        return correct(f"StandardScaler, then LogisticRegression ({setting}), fitted on the "
                       f"training part only; accuracy on the test part {accuracy:.3f}.")


def _judge_settings(facts):
    """Are the model's settings the chosen ones with FINAL_SETTINGS? None when they are."""
    # max_iter only caps a solver that converges before it: it is not compared.
    compared = ("solver", "tol", "random_state")
    got = {name: facts.get(name) for name in compared}
    if got["solver"] == "lbfgs" and facts.get("C") == 1.0 and got["tol"] == 1e-4:
        return wrong("the LogisticRegression has scikit-learn's default settings (solver "
                     "'lbfgs', C=1, tol=1e-4), not the ones the search chose.",
                     "build it with the chosen setting and the final solver settings: "
                     "`LogisticRegression(**best, **FINAL_SETTINGS)`.")
    if got == {name: SEARCH_SETTINGS[name] for name in compared}:
        return wrong(f"the LogisticRegression has the search's loose tolerance "
                     f"(tol={SEARCH_SETTINGS['tol']:g}), not the final model's.",
                     "the final model gets a tighter one: "
                     "`LogisticRegression(**best, **FINAL_SETTINGS)`.")
    different = [f"{name}={got[name]!r}" for name in compared
                 if got[name] != FINAL_SETTINGS[name]]
    if different:
        expected = ", ".join(f"{name}={value!r}" for name, value in FINAL_SETTINGS.items())
        return wrong(f"the LogisticRegression's solver settings differ from the final "
                     f"model's: {', '.join(different)}.",
                     f"pass `**FINAL_SETTINGS` ({expected}): "
                     "`LogisticRegression(**best, **FINAL_SETTINGS)`.")
    C, l1_ratio = facts.get("C"), facts.get("l1_ratio")
    if facts.get("n_features") == 784:
        chosen = (l1_ratio in SEARCH_GRID["l1_ratio"]
                  and np.isclose(SEARCH_GRID["C"], C, rtol=1e-9).any())
        hint_where = "one of the grid's settings"
    else:
        chosen = (l1_ratio == DIGITS_CHOICE["l1_ratio"]
                  and np.isclose(C, DIGITS_CHOICE["C"], rtol=1e-9))
        hint_where = "the setting the search chose"
    if not chosen:
        return wrong(f"the LogisticRegression has C={C:.3g}, l1_ratio={l1_ratio:g}, not "
                     f"{hint_where}: the text below compares it with the final model.",
                     "take the search's choice: `LogisticRegression(**best, "
                     "**FINAL_SETTINGS)`, where `best = search.best_params_`.")
    return None


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


EXERCISES = [BestRow(), ScaledPipeline()]
