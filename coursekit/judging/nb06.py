"""Notebook 06's judges: cases, references and hints."""

import copy
import functools
import numbers

import numpy as np
import pandas as pd
from scipy.ndimage import center_of_mass, shift, zoom
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from ..checks import nb06 as specs
from ..checks.results import correct, wrong
from ..data import load_digits, stratified_split
from .base import Judge
from .plain_answers import as_float_array, describe_shape
from .questions import Question

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


# ---------------------------------------------------------------- the grid's table


#: How close a table's C must be to the argument given: float precision, nothing rounded.
C_RTOL = 1e-12


def penalty_name(l1_ratio):
    """How the notebook's tables name a penalty: "L1" for l1_ratio 1, "L2" for 0."""
    return {1.0: "L1", 0.0: "L2"}.get(float(l1_ratio), f"elastic net {float(l1_ratio):g}")


class GridTable(Judge, specs.GridTable):
    def cases(self, seed):
        rng = np.random.default_rng(seed)
        # Other values of C than the notebook's, the penalties in both orders and one
        # alone: an answer that ignores an argument (or zips the two) shows. Values of C
        # with every digit used: an answer that rounds them shows too.
        # The rows follow the order of the arguments, which need not be sorted: the
        # second case gives C in neither rising nor falling order, an answer that sorts
        # them shows.
        return [((1, 0), tuple(np.logspace(-2, 2, 5))),
                ((0, 1), tuple(np.sort(rng.uniform(0.1, 50, 3))[[1, 2, 0]])),
                ((1,), (2.0, 0.5)),
                ((0, 1), (7.0,))]
    def describe_case(self, case):
        l1_ratios, C_values = case
        return f"grid_table({tuple(l1_ratios)}, {len(C_values)} values of C)"

    def judge(self, payload, cases):
        for case, facts in zip(cases, payload["outputs"]):
            verdict = self._judge_case(case, facts)
            if verdict is not None:
                return verdict
        return correct("one row per pair of penalty and C, all values of C for each penalty "
                       "in turn, with the penalty's name next to its l1_ratio.")

    def _judge_case(self, case, facts):
        l1_ratios, C_values = case
        call = self.describe_case(case)
        if facts.get("type") != "DataFrame":
            return wrong(f"{call} returned a {facts.get('type')}, not a pandas DataFrame.",
                         "collect the rows in a list of dicts, then "
                         "`return pd.DataFrame(rows)`.")
        columns = list(facts.get("columns") or [])
        missing = [c for c in ("penalty", "l1_ratio", "C") if c not in columns]
        if missing:
            return wrong(f"{call}: the table has the columns {columns}, without "
                         f"{', '.join(repr(c) for c in missing)}.",
                         "name the columns exactly `penalty`, `l1_ratio` and `C`: the next "
                         "cells read them by name.")
        extra = [c for c in columns if c not in ("penalty", "l1_ratio", "C")]
        if extra:
            return wrong(f"{call}: the table has the columns {columns}; the exercise asks for "
                         f"three, `penalty`, `l1_ratio` and `C`, without "
                         f"{', '.join(repr(c) for c in extra)}.",
                         "leave out the other columns: the grid's cell adds the score columns "
                         "to this table itself, and the notebook shows the table as it is.")
        if facts.get("changed_input"):
            return wrong(f"{call} changed the lists it was given.",
                         "read `l1_ratios` and `C_values`; do not sort or extend them.")
        expected = [(float(r), float(c)) for r in l1_ratios for c in C_values]
        # plain() made an array of a column of numbers; text or a mix stays a list.
        ratios, Cs = (facts[name] for name in ("l1_ratio", "C"))
        if not all(isinstance(v, np.ndarray) and v.dtype.kind in "iuf" for v in (ratios, Cs)):
            return wrong(f"{call}: `l1_ratio` and `C` should hold numbers.",
                         "store the numbers themselves, not text such as '0.01'.")
        got = [(float(r), float(c)) for r, c in zip(ratios, Cs)]
        if len(got) == min(len(l1_ratios), len(C_values)) and len(got) < len(expected):
            return wrong(f"{call} has {len(got)} rows, not {len(expected)}: the values were "
                         "paired up one to one (as `zip` does), not every penalty with every C.",
                         "loop over both, one inside the other: `for l1_ratio in l1_ratios: "
                         "for C in C_values:` (or `itertools.product`).")
        rounded = _rounded_C(got, expected)
        if rounded is not None:
            return wrong(f"{call}: the `C` column holds {rounded[0]!r} where the argument was "
                         f"{rounded[1]!r}: the values of C were rounded or changed.",
                         "store each value of `C_values` exactly as given: no `round` and "
                         "no formatting; the search is fitted with these very numbers.")
        if len(got) != len(expected) or not np.allclose(
                sorted(got), sorted(expected), rtol=C_RTOL, atol=0):
            return wrong(f"{call} has {len(got)} rows; expected {len(expected)}, one for each "
                         f"of the {len(l1_ratios)} penalties with each of the "
                         f"{len(C_values)} values of C.",
                         "build the rows from the arguments `l1_ratios` and `C_values`, not "
                         "from the notebook's own values.")
        sorted_order = _sorted_argument(got, l1_ratios, C_values)
        if sorted_order is not None:
            return wrong(f"{call} has the right rows, but {sorted_order}: the rows follow "
                         "the order in which the arguments are given.",
                         "loop over `l1_ratios` and `C_values` as they come, without "
                         "`sorted(...)` or `np.sort`: the grid below fills in its scores in "
                         "the order of its own values.")
        if not np.allclose(got, expected, rtol=C_RTOL, atol=0):
            return wrong(f"{call} has the right rows in another order.",
                         "all values of C for the first l1_ratio, then all for the next: "
                         "the loop over the penalties outside, the one over C inside. The "
                         "notebook fills the scores in that order.")
        names = [penalty_name(r) for r, _ in expected]
        if list(facts.get("penalty") or []) != names:
            return wrong(f"{call}: the `penalty` column holds {list(facts['penalty'])[:4]}..., "
                         f"expected {names[:4]}....",
                         "name each row's penalty from its l1_ratio: \"L1\" for 1, \"L2\" "
                         "for 0.")
        return None


def _sorted_argument(got, l1_ratios, C_values):
    """How the rows ``got`` sorted an argument (text), or None when they did not."""
    given = [(float(r), float(c)) for r in l1_ratios for c in C_values]
    for ratios, Cs, what in (
            (l1_ratios, sorted(C_values), "the values of C were sorted"),
            (l1_ratios, sorted(C_values, reverse=True), "the values of C were sorted"),
            (sorted(l1_ratios), C_values, "the l1_ratios were sorted"),
            (sorted(l1_ratios, reverse=True), C_values, "the l1_ratios were sorted")):
        order = [(float(r), float(c)) for r in ratios for c in Cs]
        if order != given and len(got) == len(order) and np.allclose(
                got, order, rtol=C_RTOL, atol=0):
            return what
    return None


def _rounded_C(got, expected):
    """(C in the table, C given) for the first C near its argument but not it, else None."""
    if len(got) != len(expected):
        return None
    for (got_ratio, got_C), (ratio, C) in zip(sorted(got), sorted(expected)):
        if got_ratio != ratio or not np.isclose(got_C, C, rtol=1e-2, atol=0):
            return None  # another table altogether, not the same one rounded
    for (_, got_C), (_, C) in zip(sorted(got), sorted(expected)):
        if not np.isclose(got_C, C, rtol=C_RTOL, atol=0):
            return got_C, C
    return None


class UnderOver(Question, specs.UnderOver):
    options = {
        "a": ("Under-fitting at the smallest values of C, where both parts score low; "
              "over-fitting at the largest, where the training score keeps rising and the "
              "test score no longer follows.",
              "a strong penalty leaves the model too simple for either part; a weak one lets "
              "it learn details of the training images that do not carry over."),
        "b": ("Under-fitting at the largest values of C, over-fitting at the smallest.",
              "the other way round: a small C is a strong penalty, and L1 with C = 0.01 "
              "scores 0.5 on both parts, a coin toss: too simple, not too flexible."),
        "c": ("Over-fitting at the smallest values of C, since there the training and test "
              "scores are equal.",
              "equal scores on both parts are not over-fitting; equal *low* scores mean the "
              "model learned too little: under-fitting."),
        "d": ("Neither: every setting scores above 0.99 on the test part.",
              "the table's first rows say otherwise: L1 with C = 0.01 scores 0.5, and up to "
              "C = 0.02 it stays below 0.95."),
    }
    right = "a"


# ---------------------------------------------------------------- the best row


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
        # A table with scores that could not be computed (NaN): `idxmax` skips them,
        # while `sort_values` puts them last, where `.iloc[-1]` would pick one.
        table, index, column = copy.deepcopy(cases[0])
        for name in ("train_auc", "test_auc"):
            table[name][rng.choice(len(index), size=2, replace=False)] = np.nan
        if np.isnan(table[column]).all() or np.nanargmax(table["train_auc"]) == np.nanargmax(
                table["test_auc"]):
            table["train_auc"] = table["train_auc"][::-1].copy()
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
            if got is None:
                return wrong(f"{call} returned a Series with no row label: the largest value "
                             "of every column, each taken from its own row (`table.max()` "
                             "does that), not one row of the table.",
                             "find the label of the best row with `table[column].idxmax()`, "
                             "then return `table.loc[label]`.")
            if got == best and np.isclose(output.get("C", np.nan), table.loc[best, "C"]):
                if output.get("changed_input"):
                    return wrong(f"{call} returned the right row, but changed the table it was "
                                 "given (sorted or reordered it in place).",
                                 "leave `table` as it is: no `inplace=True`, and no assigning "
                                 "into it. `sort_values` without `inplace` returns a sorted "
                                 "copy; `table[column].idxmax()` needs no sorting at all.")
                continue
            other = "train_auc" if column == "test_auc" else "test_auc"
            if got in table.index and np.isnan(table.loc[got, column]):
                return wrong(f"{call} returned a row whose {column} is NaN (a score that "
                             f"could not be computed); the largest {column} is in the row "
                             f"labelled {best}.",
                             "`sort_values` puts NaN last, so `.iloc[-1]` of a sorted table "
                             "may be such a row, and `np.argmax` stops at a NaN. "
                             "`table[column].idxmax()` skips NaN: return "
                             "`table.loc[table[column].idxmax()]`.")
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


class RefitMatches(Question, specs.RefitMatches):
    options = {
        "a": ("Exactly: the same training images and the same setting give the same model.",
              "the setting is the same, but not the way it was fitted: the grid stopped at "
              "`tol=0.01`, starting from the weights of the C before it."),
        "b": ("Closely but not exactly: the grid's fit started from the previous C's weights "
              "and stopped at `tol=0.01`, the final fit started from zeros and went on to "
              "`tol=1e-3`, so the weights differ a little and so do the scores.",
              "the same setting reached by two roads: on a flat optimum the two stop at "
              "slightly different weights that score almost alike."),
        "c": ("No: the final model was trained on more images than the grid's models.",
              "both were fitted on the same `X_train`; only the test part scored them."),
        "d": ("No: cross-validation chose it, so its score comes from other images.",
              "cross-validation chose the setting, but both scores here are measured on the "
              "same test part."),
    }
    right = "b"


# ---------------------------------------------------------------- the scaler


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
        verdict = _judge_raw_model_reused(facts)
        if verdict is not None:
            return verdict
        if facts.get("with_mean") is False or facts.get("with_std") is False:
            missing = [text for flag, text in (("with_mean", "subtract each pixel's mean"),
                                               ("with_std", "divide by its standard deviation"))
                       if facts.get(flag) is False]
            return wrong(f"the StandardScaler does not {' and '.join(missing)}: "
                         "standardizing does both.",
                         "use `StandardScaler()` with its defaults, without `with_mean=False` "
                         "or `with_std=False`.")
        if facts.get("penalty") not in (None, "deprecated"):
            return wrong(f"the LogisticRegression sets `penalty={facts['penalty']!r}`, "
                         "which scikit-learn deprecated in version 1.8.",
                         "choose the penalty with `l1_ratio` (1 for L1, 0 for L2), as the "
                         "search did: `LogisticRegression(**best, **FINAL_SETTINGS)`.")
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
        raw = _raw_pixel_accuracy(facts, y_test)
        if raw is not None and raw > accuracy:
            return wrong(f"the pipeline's LogisticRegression was fitted on raw pixels: on its "
                         f"own, on the raw test images, it classifies {raw:.1%} right, after "
                         f"the scaler only {accuracy:.1%}. The scaler hands it standardized "
                         "pixels it never learned from.",
                         "fit the model on the standardized training images: fit the whole "
                         "pipeline, `scaled_model.fit(X_train, y_train)` (by hand, "
                         "`LogisticRegression(...).fit(scaler.transform(X_train), y_train)`).")
        if accuracy < MIN_ACCURACY:
            return wrong(f"the pipeline has the right steps and settings and saw the training "
                         f"images, but classifies only {accuracy:.1%} of the test images: it "
                         "learned from labels that do not go with them.",
                         "fit it on the training images and their own labels: "
                         "`scaled_model.fit(X_train, y_train)`.")
        return correct(f"StandardScaler, then LogisticRegression ({setting}), fitted on the "
                       f"training part only; accuracy on the test part {accuracy:.3f}.")


#: The raw-pixel model the notebook's later cells read (the comparison, the weight images).
RAW_MODEL_NAME = "best_model"


def _judge_raw_model_reused(facts):
    """Is the pipeline's model the notebook's ``best_model`` itself? None when it is not.

    Any other name may hold the pipeline's model (``logreg = LogisticRegression(...)``
    before ``make_pipeline(StandardScaler(), logreg)``): only ``best_model`` must stay
    as it was, for the cells below that compare the two models.
    """
    shared = [name for name in facts.get("shared_with") or () if isinstance(name, str)]
    if RAW_MODEL_NAME not in shared:
        return None
    _, _, _, y_test = _digits_split()
    raw = _raw_pixel_accuracy(facts, y_test)
    if raw is not None and raw >= MIN_ACCURACY:
        what = (f"`{RAW_MODEL_NAME}` itself, still the model of raw pixels: the scaler hands "
                "it standardized pixels it never learned from")
    else:
        what = (f"`{RAW_MODEL_NAME}` itself, not a new model: fitting the pipeline refitted "
                f"`{RAW_MODEL_NAME}` on standardized pixels, and the cells below that use it "
                "(the comparison with the raw-pixel model, its weight images) now see "
                "another model")
    return wrong(f"the pipeline's LogisticRegression is {what}.",
                 "give the pipeline a new LogisticRegression of its own: "
                 "`make_pipeline(StandardScaler(), LogisticRegression(**best, "
                 "**FINAL_SETTINGS))`, then run the cell that fits "
                 f"`{RAW_MODEL_NAME}` again.")


def _raw_pixel_accuracy(facts, y_test):
    """The pipeline's model alone on the raw test images; None when it was not asked."""
    if facts.get("n_features") != 64:
        return None
    raw = as_float_array(facts.get("raw_predictions"), shape=y_test.shape)
    return None if raw is None else float(np.mean(raw == y_test))


def _judge_settings(facts):
    """Are the model's settings the chosen ones with FINAL_SETTINGS? None when they are."""
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
    verdict = _judge_other_settings(facts.get("settings"))
    if verdict is not None:
        return verdict
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


#: Read one by one above (C, l1_ratio, penalty, solver, tol, random_state), or without
#: effect on the model the final fit ends at (n_jobs, verbose, warm_start on a new model).
_NOT_COMPARED = ("C", "l1_ratio", "penalty", "solver", "tol", "random_state", "n_jobs",
                 "verbose", "warm_start")


@functools.lru_cache(maxsize=1)
def final_model_params():
    """Every parameter of ``LogisticRegression(**FINAL_SETTINGS)``, defaults included."""
    return LogisticRegression(**FINAL_SETTINGS).get_params(deep=False)


def _judge_other_settings(settings):
    """Name the first other parameter that differs from the final model's; None if none."""
    settings = settings if isinstance(settings, dict) else {}
    for name, expected in final_model_params().items():
        if name in _NOT_COMPARED:
            continue
        got = settings.get(name)
        whole = isinstance(got, numbers.Integral) and not isinstance(got, bool)
        if name == "max_iter" and whole and got < expected:
            return wrong(f"the LogisticRegression has `max_iter={got}`: saga stops after {got} "
                         f"passes, before it converges (the ConvergenceWarning says so).",
                         f"the final settings give it {expected}: "
                         "`LogisticRegression(**best, **FINAL_SETTINGS)`.")
        if name == "max_iter" and whole:
            continue  # more passes than saga needs change nothing
        if not _same_value(got, expected):
            return wrong(f"the LogisticRegression sets `{name}={got!r}`; the final model "
                         f"leaves it at {expected!r}.",
                         f"drop `{name}=...`: `LogisticRegression(**best, **FINAL_SETTINGS)` "
                         "and nothing else.")
    return None


def _same_value(got, expected):
    if isinstance(expected, (str, bool)) or expected is None:
        return type(got) is type(expected) and got == expected
    return isinstance(got, numbers.Real) and not isinstance(got, bool) and bool(
        np.isclose(got, expected, rtol=1e-9, atol=0))


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
    if _statistics_of(facts, X_train):
        return None
    for part, where in ((X_test, "the test part"),
                        (np.concatenate([X_train, X_test]), "all images, the test part included")):
        if _statistics_of(facts, part):
            return wrong(f"the scaler was fitted on {where}: its means and standard deviations "
                         "come from other images than the training part, so the test images "
                         "leak into the model.",
                         "fit the whole pipeline on the training part only: "
                         "`scaled_model.fit(X_train, y_train)`; a scaler fitted by hand must "
                         "be fitted on the training images too, `StandardScaler().fit(X_train)`.")
    return wrong(f"the scaler's pixel means and standard deviations are not those of the "
                 f"training images (it saw {seen} images): it was fitted on other images, or on "
                 "images changed beforehand.",
                 "fit the whole pipeline on the raw training part: "
                 "`scaled_model.fit(X_train, y_train)`.")


def _statistics_of(facts, images):
    """Whether the scaler's ``mean_`` and ``scale_`` are those of ``images``."""
    mean, scale = as_float_array(facts.get("mean")), as_float_array(facts.get("scale"))
    if mean is None or scale is None or mean.shape != (64,) or scale.shape != (64,):
        return False
    reference = StandardScaler().fit(images)
    return bool(np.allclose(mean, reference.mean_) and np.allclose(scale, reference.scale_))


EXERCISES = [GridTable(), UnderOver(), BestRow(), RefitMatches(), ScaledPipeline()]
