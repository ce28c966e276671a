"""Notebook 06's judges: cases, references and hints."""

import copy
import functools
import numbers

import numpy as np
import pandas as pd
from scipy.ndimage import center_of_mass, shift, zoom
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import get_scorer
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import StandardScaler

from ..checks import nb06 as specs
from ..checks.results import correct, wrong
from ..data import load_digits, stratified_split
from .base import Judge
from .plain_answers import as_float_array, describe_shape, not_an_array
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
              "the table's first rows say otherwise: L1 with C = 0.01 scores 0.5 on the "
              "test part, and C = 0.0215 only 0.945."),
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


# ---------------------------------------------------------------- the honest search


#: The search the notebook asks for: 3 stratified folds of the training part, scored by
#: the one-vs-rest ROC AUC (averaged without weights).
SEARCH_FOLDS = 3
SEARCH_SCORING = "roc_auc_ovr"
#: How close a learner's fold score must be to the judge's: the same fit on the same images
#: ends at the same numbers, up to the last bits of a matrix product. The scorers a learner
#: may use instead differ from it by about 1e-6 (one-vs-one, weighted).
SAME_SCORE_RTOL = 1e-7
#: How close the search's refitted weights must be to the judge's refit (relative to the
#: largest weight): far above the last bits that other threads or processors change, far
#: below the gap to a refit of the same setting on other images (6 % to 25 % on the digits).
SAME_REFIT_RTOL = 1e-4
#: Scorers that a learner may pick instead of the one asked, each with its words.
_OTHER_SCORERS = {
    "accuracy": "the accuracy (GridSearchCV's default without `scoring`, the model's own "
                "`score`)",
    "roc_auc_ovo": "the one-vs-one ROC AUC (`roc_auc_ovo`)",
    "roc_auc_ovr_weighted": "the one-vs-rest ROC AUC weighted by each digit's count "
                            "(`roc_auc_ovr_weighted`)",
    "neg_log_loss": "the log loss (`neg_log_loss`)",
}
_BUILD_SEARCH = ('`GridSearchCV(LogisticRegression(**SEARCH_SETTINGS), param_grid={"l1_ratio": '
                 '[0, 1], "C": np.logspace(-1, 2, 7)}, scoring="roc_auc_ovr", cv=3)`, then '
                 '`search.fit(X_train, y_train)`.')


def _parts():
    """The notebook's parts of the digits by name; "all" is both together."""
    X_train, X_test, y_train, y_test = _digits_split()
    # All images as loaded, and as the two parts put back together: saga visits the
    # images in an order drawn from their positions, so each order ends elsewhere.
    return {"train": (X_train, y_train), "test": (X_test, y_test), "all": load_digits(),
            "both parts": (np.concatenate([X_train, X_test]), np.concatenate([y_train, y_test]))}


@functools.lru_cache(maxsize=8)
def _refit_coef(l1_ratio, C, part):
    """The weights GridSearchCV's refit ends at when it searched ``part`` of the digits."""
    X_part, y_part = _parts()[part]
    model = LogisticRegression(l1_ratio=l1_ratio, C=C, **SEARCH_SETTINGS)
    return model.fit(X_part, y_part).coef_


@functools.lru_cache(maxsize=8)
def _fold_scores(l1_ratio, C, fold):
    """One candidate's model of one fold of the training part, scored every way a search may.

    Returns the scores by scorer name, and under "test part" the ROC AUC of the same
    model on the test part: what a scorer that reads the test images would give.
    """
    X_train, y_train = _parts()["train"]
    X_test, y_test = _parts()["test"]
    fit, held = list(StratifiedKFold(SEARCH_FOLDS).split(X_train, y_train))[fold]
    model = LogisticRegression(l1_ratio=l1_ratio, C=C, **SEARCH_SETTINGS)
    model.fit(X_train[fit], y_train[fit])
    scores = {name: float(get_scorer(name)(model, X_train[held], y_train[held]))
              for name in (SEARCH_SCORING, *_OTHER_SCORERS)}
    scores["test part"] = float(get_scorer(SEARCH_SCORING)(model, X_test, y_test))
    return scores


def _search_grid():
    """The grid's candidates as a sorted list of (l1_ratio, C)."""
    return sorted((float(r), float(c)) for r in SEARCH_GRID["l1_ratio"] for c in SEARCH_GRID["C"])


class GridSearch(Judge, specs.GridSearch):
    def cases(self, seed):
        # Which candidates and folds the judge fits again to compare scores: chosen by
        # the seed, so a kernel cannot know which of its numbers are compared.
        rng = np.random.default_rng(seed)
        grid = _search_grid()
        picks = rng.choice(len(grid), size=2, replace=False)
        return [(*grid[pick], int(rng.integers(SEARCH_FOLDS))) for pick in picks]

    def judge(self, payload, cases):
        facts = payload["value"]
        if not isinstance(facts, dict):
            return wrong("the answer could not be read as a search.", _BUILD_SEARCH)
        # The leaks first: a search of other images also has other folds.
        for step in (_judge_search_type, _judge_inputs_kept, _judge_search_estimator,
                     _judge_search_fitted, _judge_grid, _judge_refit_and_scoring,
                     _judge_search_leak, _judge_folds, _judge_search_data):
            verdict = step(facts)
            if verdict is not None:
                return verdict
        verdict = _judge_scores(facts, cases)
        if verdict is not None:
            return verdict
        return correct("every setting of the grid scored by cross-validation on the training "
                       f"part alone ({SEARCH_FOLDS} stratified folds, one-vs-rest ROC AUC), "
                       "the chosen one refitted on the whole training part; the test part "
                       "is still untouched.")


def _judge_search_type(facts):
    if facts.get("type") == "RandomizedSearchCV":
        return wrong("search is a RandomizedSearchCV: it tries settings drawn at random, "
                     "not every setting of the grid.",
                     "use `GridSearchCV`, which fits every pair of l1_ratio and C: " + _BUILD_SEARCH)
    if not facts.get("is_grid"):
        return wrong(f"search is a {facts.get('type')}, not a GridSearchCV.",
                     "build it with " + _BUILD_SEARCH)
    if facts.get("estimator") != "LogisticRegression":
        what = facts.get("estimator")
        return wrong(f"the search tunes a {what}, not a LogisticRegression on its own.",
                     "search `LogisticRegression(**SEARCH_SETTINGS)` itself: the cells below "
                     "pass `search.best_params_` to `LogisticRegression(**best, ...)`, which "
                     "takes `l1_ratio` and `C`, not a pipeline step's names.")
    return None


def _judge_inputs_kept(facts):
    """Are ``X_train``, ``y_train`` and ``SEARCH_SETTINGS`` as the notebook made them?"""
    settings = facts.get("search_settings")
    if isinstance(settings, dict) and settings != SEARCH_SETTINGS:
        return wrong(f"`SEARCH_SETTINGS` is now {settings}, not the notebook's "
                     f"{SEARCH_SETTINGS}: the final model's settings are built from it.",
                     "leave `SEARCH_SETTINGS` as it is (no `SEARCH_SETTINGS[...] = ...` or "
                     "`.update`); rerun its cell, then pass it with `**SEARCH_SETTINGS`.")
    inputs = facts.get("inputs") if isinstance(facts.get("inputs"), dict) else {}
    X_facts = inputs.get("X_train") or {}
    if X_facts.get("shape") is None:
        return None  # outside a notebook there is no X_train to look at
    n_features = X_facts["shape"][-1]
    X_train, _, y_train, _ = _digits_split()
    expected = ({"X_train": specs.fingerprint(X_train), "y_train": specs.fingerprint(y_train)}
                if n_features == X_train.shape[1] else
                {"X_train": {"shape": [MNIST_TRAIN_SIZE, 784]},
                 "y_train": {"shape": [MNIST_TRAIN_SIZE]}})
    for name, want in expected.items():
        got = inputs.get(name) or {}
        same = all(_same_fact(got.get(key), value) for key, value in want.items())
        if not same:
            return wrong(f"`{name}` is not the training part the notebook split off any more "
                         f"(now of shape {tuple(got.get('shape') or ())}, or other values): "
                         "the cells below fit the final model on it.",
                         f"leave `{name}` as it is: pass it to `search.fit` without changing "
                         "it (no reassigning, no in-place scaling or shuffling). Rerun the "
                         "notebook from the split on.")
    return None


def _same_fact(got, expected):
    """Whether a fingerprint's entry (a sum, or a shape as a list) is the expected one."""
    if isinstance(expected, float):
        return isinstance(got, numbers.Real) and bool(np.isclose(got, expected, rtol=1e-9))
    try:
        return [int(n) for n in got] == list(expected)
    except (TypeError, ValueError):
        return False


def _judge_search_estimator(facts):
    settings = facts.get("settings") if isinstance(facts.get("settings"), dict) else {}
    if settings.get("penalty") is not None or any(
            "penalty" in params for params in facts.get("params") or ()):
        return wrong("the search sets `penalty`, which scikit-learn deprecated in version 1.8.",
                     'choose the penalty with `l1_ratio` in the grid: `"l1_ratio": [0, 1]` '
                     "(0 for L2, 1 for L1).")
    got = {name: settings.get(name) for name in ("solver", "tol", "random_state")}
    want = {name: SEARCH_SETTINGS[name] for name in got}
    if got != want:
        different = ", ".join(f"{name}={got[name]!r}" for name in got if got[name] != want[name])
        return wrong(f"the searched LogisticRegression's solver settings are not the "
                     f"notebook's: {different}.",
                     "build it with `LogisticRegression(**SEARCH_SETTINGS)`: only `saga` "
                     "fits L1 with ten digits, and the loose `tol` keeps the search quick.")
    return _judge_other_settings(settings, model="the search's LogisticRegression",
                                 build="LogisticRegression(**SEARCH_SETTINGS)")


def _judge_search_fitted(facts):
    if not facts.get("fitted"):
        return wrong("search is built but not fitted: GridSearchCV only tries the settings "
                     "when it is fitted.",
                     "fit it on the training part: `search.fit(X_train, y_train)`.")
    return None


def _judge_grid(facts):
    """Are the candidates both penalties with 7 values of C from 0.1 to 100 on a log scale?"""
    params = facts.get("params") or []
    keys = {key for candidate in params for key in candidate}
    missing = [key for key in ("l1_ratio", "C") if key not in keys]
    if missing:
        return wrong(f"the grid does not vary {' and '.join(f'`{k}`' for k in missing)}: "
                     "every candidate uses the LogisticRegression's own value.",
                     'search both: `param_grid={"l1_ratio": [0, 1], "C": np.logspace(-1, 2, 7)}`.')
    extra = sorted(keys - {"l1_ratio", "C"})
    if extra:
        return wrong(f"the grid also varies {', '.join(f'`{k}`' for k in extra)}.",
                     "search `l1_ratio` and `C` only: the other settings come from "
                     "`SEARCH_SETTINGS`.")
    got = [(float(p["l1_ratio"]), float(p["C"])) for p in params
           if all(isinstance(p[k], numbers.Real) for k in ("l1_ratio", "C"))]
    ratios = sorted({r for r, _ in got})
    asked = sorted(float(r) for r in SEARCH_GRID["l1_ratio"])
    if ratios != asked:
        absent = [penalty_name(r) for r in asked if r not in ratios]
        return wrong(f"the grid has l1_ratio {ratios}"
                     + (f": the {' and '.join(absent)} penalty is missing." if absent else "."),
                     'search both penalties and no mix: `"l1_ratio": [0, 1]`.')
    for ratio in ratios:
        verdict = _judge_C_values(sorted(c for r, c in got if r == ratio), penalty_name(ratio))
        if verdict is not None:
            return verdict
    if len(got) != len(set(got)):
        return wrong(f"the grid has {len(got)} candidates, some of them twice.",
                     "list each value once: 2 penalties times 7 values of C make 14.")
    return None


def _judge_C_values(Cs, penalty):
    asked = np.asarray(SEARCH_GRID["C"])
    if len(Cs) == len(asked) and np.allclose(Cs, asked, rtol=1e-9, atol=0):
        return None
    shown = (", ".join(f"{c:.3g}" for c in Cs) if len(Cs) <= len(asked) + 1 else
             f"{len(Cs)} values from {Cs[0]:.3g} to {Cs[-1]:.3g}")
    if len(Cs) == len(asked) and np.allclose(Cs, np.linspace(asked[0], asked[-1], len(asked))):
        return wrong(f"the values of C with {penalty} ({shown}) are evenly spaced, not on a "
                     "log scale: six of the seven are above 15.",
                     "space them evenly in their exponent: `np.logspace(-1, 2, 7)` gives "
                     "0.1, 0.316, 1, ... 100, the same step from each to the next.")
    if len(Cs) == len(asked) and np.all(np.asarray(Cs) > 0) and np.allclose(
            np.log10(Cs), np.linspace(asked[0], asked[-1], len(asked))):
        return wrong(f"the values of C with {penalty} run from {Cs[0]:.3g} to {Cs[-1]:.3g}: "
                     "`np.logspace` was given the values themselves.",
                     "`np.logspace` takes the exponents: `np.logspace(-1, 2, 7)` for 0.1 to "
                     "100.")
    if len(Cs) == len(asked) and np.allclose(Cs, asked, rtol=5e-2, atol=0):
        return wrong(f"the values of C with {penalty} are rounded ({shown}).",
                     "use the numbers themselves: `np.logspace(-1, 2, 7)`.")
    absent = [f"{c:.3g}" for c in asked if not np.isclose(Cs, c, rtol=1e-9).any()]
    return wrong(f"the grid tries C = {shown} with {penalty}, where 7 values from 0.1 to 100 "
                 "are asked"
                 + (f"; missing: {', '.join(absent)}." if absent else "."),
                 "seven values from 0.1 to 100 on a log scale: `np.logspace(-1, 2, 7)`.")


def _judge_refit_and_scoring(facts):
    if facts.get("refit") is False or not facts.get("has_best_estimator"):
        return wrong("the search has no `best_estimator_`: with `refit=False` it chooses a "
                     "setting but fits no model with it.",
                     "leave `refit` at its default, True: the search then refits the chosen "
                     "setting on the whole training part, and the cells below read it.")
    if "mean" not in facts:
        return wrong("the search scored several metrics: its `cv_results_` has no "
                     "`mean_test_score`, which the next cells read.",
                     f'give one scorer: `scoring="{SEARCH_SCORING}"`.')
    if facts.get("refit") is not True:
        refit = facts.get("refit")
        shown = "a function" if refit == "<a function>" else f"`{refit!r}`"
        return wrong(f"the search sets `refit` to {shown}: it may choose another setting "
                     "than the best mean score, and without the default it keeps no "
                     "`best_score_`, which the next cells read.",
                     "leave `refit` at its default, True: the search then refits the best "
                     "setting on the whole training part.")
    scoring = facts.get("scoring")
    if scoring is None:
        return wrong(f"the search has no `scoring`: it compares the settings by "
                     f"{_OTHER_SCORERS['accuracy']}.",
                     f'score by the one-vs-rest ROC AUC: `scoring="{SEARCH_SCORING}"`.')
    if isinstance(scoring, str) and not scoring.startswith("<") and scoring != SEARCH_SCORING:
        words = _OTHER_SCORERS.get(scoring, f"`{scoring}`")
        return wrong(f"the search compares the settings by {words}, not the one-vs-rest "
                     "ROC AUC of the table above.",
                     f'`scoring="{SEARCH_SCORING}"`: one digit against the rest, the ten '
                     "numbers averaged without weights.")
    return None


def _refit_part(facts):
    """Which part of the digits the search's refit saw ("train", "all", ...), or None.

    Also None on MNIST, where the judge has no images to fit: the settings were checked.
    """
    coef = as_float_array(facts.get("refit_coef"))
    best = facts.get("best_params") or {}
    if coef is None or coef.shape != (10, 64) or not {"l1_ratio", "C"} <= set(best):
        return None
    setting = (float(best["l1_ratio"]), float(best["C"]))
    for part in ("train", "all", "both parts", "test"):
        reference = _refit_coef(*setting, part)
        if np.allclose(coef, reference, rtol=SAME_REFIT_RTOL,
                       atol=SAME_REFIT_RTOL * np.abs(reference).max()):
            return part
    return "other"


def _judge_search_leak(facts):
    """Did the search see the test part? Judged on the digits only."""
    where = {"all": "all images, the test part included",
             "both parts": "all images, the test part included",
             "test": "the test part"}.get(_refit_part(facts))
    if where is None:
        return None
    return wrong(f"the search was fitted on {where}: the test images then help choose "
                 "the setting, the leak this section is about.",
                 "fit it on the training part only: `search.fit(X_train, y_train)`; "
                 "the test part is used once, by the final model.")


def _judge_search_data(facts):
    """Was the refit (hence the search) on the raw training part? Digits only."""
    if _refit_part(facts) != "other":
        return None
    return wrong("the search's refitted model is not what a search of the training part "
                 "ends at with the setting it chose: it saw other images, or images changed "
                 "beforehand.",
                 "fit it on the raw training part: `search.fit(X_train, y_train)`.")


def _judge_folds(facts):
    n_splits, cv = facts.get("n_splits"), facts.get("cv")
    if n_splits != SEARCH_FOLDS:
        return wrong(f"the search used {n_splits} split(s) of the images, not {SEARCH_FOLDS} "
                     "folds.",
                     f"`cv={SEARCH_FOLDS}`: each setting is fitted {SEARCH_FOLDS} times, on "
                     "two folds, and scored on the third.")
    if isinstance(cv, dict) and cv.get("type") not in ("StratifiedKFold",):
        return wrong(f"the folds come from a {cv.get('type')}, not stratified folds: other "
                     "splits than the text's.",
                     f"`cv={SEARCH_FOLDS}` (for a classifier, stratified folds in order) or "
                     f"`StratifiedKFold({SEARCH_FOLDS})`.")
    if isinstance(cv, dict) and cv.get("shuffle") is True:
        return wrong("the folds are shuffled: other splits than the text's, so other scores.",
                     f"`cv={SEARCH_FOLDS}` or `StratifiedKFold({SEARCH_FOLDS})` without "
                     "`shuffle`.")
    return None


def _judge_scores(facts, cases):
    """Do the learner's fold scores match the judge's fits? Judged on the digits only."""
    coef = as_float_array(facts.get("refit_coef"))
    if coef is None or coef.shape != (10, 64):
        return None
    params = facts["params"]
    splits = as_float_array(facts.get("splits"))
    for l1_ratio, C, fold in cases:
        (index,) = [i for i, p in enumerate(params)
                    if float(p["l1_ratio"]) == l1_ratio and np.isclose(p["C"], C, rtol=1e-9)]
        got = float(splits[fold][index])
        scores = _fold_scores(l1_ratio, C, fold)
        if np.isclose(got, scores[SEARCH_SCORING], rtol=SAME_SCORE_RTOL, atol=1e-12):
            continue
        setting = f"{penalty_name(l1_ratio)}, C = {C:.3g}, fold {fold}"
        if np.isclose(got, scores["test part"], rtol=SAME_SCORE_RTOL, atol=1e-12):
            return wrong(f"the search's score for {setting} is that fold's model scored on the "
                         "test part: the scorer reads the test images, so they choose the "
                         "setting after all.",
                         f'score each fold on its own held-out images: `scoring="'
                         f'{SEARCH_SCORING}"`, and no `X_test` anywhere in the search.')
        for name, words in _OTHER_SCORERS.items():
            if np.isclose(got, scores[name], rtol=SAME_SCORE_RTOL, atol=1e-12):
                return wrong(f"the search's score for {setting} is {words}, not the "
                             "one-vs-rest ROC AUC.",
                             f'`scoring="{SEARCH_SCORING}"`.')
        return wrong(f"the search scores {setting} at {got:.5f}; that fold's model scores "
                     f"{scores[SEARCH_SCORING]:.5f} by the one-vs-rest ROC AUC.",
                     f'score with `scoring="{SEARCH_SCORING}"` on `cv={SEARCH_FOLDS}` of '
                     "`X_train, y_train`.")
    return None


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


# ---------------------------------------------------------------- the weights as images


@functools.lru_cache(maxsize=1)
def final_coef():
    """The notebook's final model's weights on the digits: the chosen setting, tol=1e-3."""
    X_train, _, y_train, _ = _digits_split()
    model = LogisticRegression(**DIGITS_CHOICE, **FINAL_SETTINGS)
    return model.fit(X_train, y_train).coef_


def _weight_rows(value):
    """``value`` as a 2-d float array (a model's ``coef_``), or None."""
    array = as_float_array(value) if isinstance(value, np.ndarray) else None
    return array if array is not None and array.ndim == 2 else None


def _close(got, want):
    """Whether two arrays of weights are the same numbers (float32 rounding allowed)."""
    want = np.asarray(want, dtype=float)
    return got.shape == want.shape and np.allclose(
        got, want, rtol=1e-5, atol=1e-6 * max(np.abs(want).max(), 1e-12))


class WeightImages(Judge, specs.WeightImages):
    def judge(self, payload, cases):
        facts = payload["value"]
        model = facts.get("model") if isinstance(facts.get("model"), dict) else {}
        coef = as_float_array(model.get("coef")) if isinstance(model.get("coef"),
                                                                np.ndarray) else None
        digits = coef is None or coef.ndim != 2 or coef.shape[-1] == 64
        if digits:
            reference = final_coef()
        elif coef.ndim == 2 and coef.shape[0] == 10:
            reference = coef  # MNIST: the judge has no MNIST images; the kernel's model
        else:
            reference = None
        answer = as_float_array(facts.get("numbers"))
        verdict = _judge_model_kept(coef, reference, answer)
        if verdict is not None:
            return verdict
        if answer is None:
            return wrong(f"weight_images is {describe_shape(facts.get('numbers'))}, not "
                         "numbers.", "`best_model.coef_.reshape(10, side, side)`.")
        verdict = not_an_array(facts, "weight_images", "(10, side, side)",
                               why="the exercise asks for one array of the ten images, "
                                   "which has a `.shape` and one largest weight for the "
                                   "colour limits, `np.abs(weight_images).max()`.")
        if verdict is not None:
            return verdict
        side = int(round(np.sqrt(reference.shape[1])))
        shape = (10, side, side)
        verdict = _judge_image_shape(answer, shape)
        if verdict is None:
            verdict = _judge_image_values(answer, reference, model, facts.get("search_coef"))
        return verdict or correct(
            f"the final model's {reference.shape[1]} weights of each digit as an image of "
            f"{side}x{side} pixels, digits 0 to 9 in order: ready for a colour map centred "
            "on 0.")


def _judge_model_kept(coef, reference, answer):
    """Is ``best_model`` as its fit left it? Its weights feed the comparison below."""
    if coef is None or reference is None:
        return None
    if coef.shape != reference.shape:
        return wrong(f"`best_model.coef_` now has the shape {coef.shape}: the model's own "
                     "weights were reshaped (or replaced), and `best_model.predict` in the "
                     "cells below fails.",
                     "reshape a copy into a new name, `weight_images = best_model.coef_"
                     ".reshape(...)`, and never assign to `best_model.coef_`; rerun the cell "
                     "that fits `best_model`.")
    if _close(coef, reference):
        return None
    if answer is not None and answer.size == coef.size and _changed_through_view(
            answer.reshape(coef.shape), coef, reference):
        return wrong("`best_model`'s weights changed after its fit, and weight_images holds "
                     "the changed ones: `reshape` gives a view of the same numbers, so "
                     "changing weight_images in place (`/=`, `*=`, `[...] =`) changed the "
                     "model too.",
                     "leave the numbers as they are and scale the colours instead "
                     "(`vmin=-m, vmax=m`); rerun the cell that fits `best_model`, then this one.")
    return wrong("`best_model` is not the final model the notebook fits (the chosen setting "
                 "with `FINAL_SETTINGS`, on `X_train`): its weights differ.",
                 "rerun the cells from the search on, in order, and leave `best_model` as its "
                 "fit left it.")


def _changed_through_view(answer, coef, reference):
    """Whether the answer *is* the model's weights, changed after the fit in place.

    Rescaled (`/=`), or partly changed (zeros made NaN, large weights clipped): the
    model's weights are then proportional to the fit's, or mostly still equal to them.
    A model fitted with another setting differs almost everywhere.
    """
    if not np.allclose(answer, coef, rtol=1e-5, atol=0, equal_nan=True):
        return False
    finite = np.where(np.isfinite(coef), coef, 0)
    factor = float(np.sum(finite * reference) / np.sum(reference * reference))
    scale = max(np.abs(reference).max(), 1e-12)
    kept = np.isclose(coef, reference, rtol=1e-5, atol=1e-6 * scale)
    return _close(finite, factor * reference) or kept.mean() > 0.5


def _judge_image_shape(answer, shape):
    if answer.shape == shape:
        return None
    n_pixels = shape[1] * shape[2]
    if answer.shape == (shape[0], n_pixels):
        return wrong(f"weight_images has the shape {answer.shape} of `coef_` itself: one row "
                     "per digit, not yet an image.",
                     f"reshape each row into {shape[1]}x{shape[2]} pixels: "
                     f"`best_model.coef_.reshape{shape}`.")
    if answer.shape == (shape[1], shape[2], shape[0]) or answer.shape == (n_pixels, shape[0]):
        return wrong(f"weight_images has the shape {answer.shape}: the digits run along the "
                     "last axis.",
                     f"one image per digit, first: `best_model.coef_.reshape{shape}` (no `.T`).")
    if answer.shape[1:] == shape[1:]:
        return wrong(f"weight_images holds {answer.shape[0]} images, not one per digit (10).",
                     f"`best_model.coef_.reshape{shape}`: `coef_` has one row per digit.")
    return wrong(f"weight_images has the shape {answer.shape}, not {shape}.",
                 f"`best_model.coef_.reshape{shape}`.")


def _judge_image_values(answer, reference, model, search_coef):
    shape = answer.shape
    images = np.asarray(reference, dtype=float).reshape(shape)
    if _close(answer, images):
        return None
    slips = [
        # `order="F"` on the whole (10, n) array transposes each image, nothing more.
        (images.transpose(0, 2, 1), "each image is transposed, rows and columns swapped "
         "(as `.T` on each image or `reshape(..., order=\"F\")` do).",
         "reshape in the default order, without transposing: `best_model.coef_.reshape(...)`."),
        (np.asarray(reference, dtype=float).T.reshape(shape),
         "`coef_.T` was reshaped: each image holds pixels of several digits.",
         "reshape `coef_` itself, one row per digit: `best_model.coef_.reshape(...)`."),
        (np.abs(images), "these are the weights' absolute values: the sign is lost.",
         "keep the sign: the diverging colour map shows it, red for ink that speaks for the "
         "digit, blue against."),
    ]
    intercept = as_float_array(model.get("intercept"), shape=(shape[0],))
    if intercept is not None:
        slips.append((images + intercept[:, None, None],
                      "each image has its digit's intercept added to every pixel.",
                      "the intercept is no pixel's weight: leave `intercept_` out."))
    search = _weight_rows(search_coef)
    if search is not None and search.size == answer.size:
        slips.append((search.reshape(shape),
                      "these are the weights of the search's own refit "
                      "(`search.best_estimator_`, fitted with the loose `tol=0.01`), not the "
                      "final model's.",
                      "take them from `best_model`, the final model the text draws."))
    for expected, message, hint in slips:
        if _close(answer, expected):
            return wrong(f"weight_images: {message}", hint)
    return _judge_image_order_and_scale(answer, images)


def _judge_image_order_and_scale(answer, images):
    blank = np.isnan(answer)
    if blank.any() and _close(np.where(blank, images, answer), images):
        return wrong(f"weight_images has NaN in {int(blank.sum())} places where the weights "
                     "are numbers (0, for the weights the L1 penalty switched off).",
                     "keep the weights as numbers: a diverging colour map centred on 0 draws "
                     "the zeros white by itself.")
    order = [next((j for j in range(len(images)) if _close(image, images[j])), None)
             for image in answer]
    if None not in order:
        return wrong(f"the images are the right ones in another order: image 0 is digit "
                     f"{order[0]}'s, ..., image 9 digit {order[-1]}'s.",
                     "keep the rows of `coef_` in their order, which is `best_model.classes_`:"
                     " digit 0 first.")
    factor = float(np.sum(answer * images) / np.sum(images * images))
    if factor > 0 and _close(answer, factor * images):
        return wrong(f"weight_images holds the weights times {factor:.3g}: rescaled for the "
                     "picture.",
                     "leave the numbers as they are and centre the colours instead: "
                     "`imshow(..., cmap=\"RdBu_r\", vmin=-m, vmax=m)` with `m` the largest "
                     "absolute weight.")
    verdict = _judge_images_rescaled_or_mixed(answer, images)
    if verdict is not None:
        return verdict
    return wrong("weight_images does not hold the final model's weights: another model's, or "
                 "numbers changed on the way.",
                 "`best_model.coef_.reshape(10, side, side)`: the model fitted with the chosen "
                 "setting and `FINAL_SETTINGS`.")


def _judge_images_rescaled_or_mixed(answer, images):
    """Each image rescaled by a factor of its own, or the right numbers in a wrong order."""
    if answer.shape != images.shape:
        return None
    factors = [float(np.sum(a * i) / max(np.sum(i * i), 1e-300)) for a, i in zip(answer, images)]
    if all(f > 0 and _close(a, f * i) for f, a, i in zip(factors, answer, images)):
        return wrong("weight_images holds each digit's weights rescaled by a factor of its "
                     f"own ({min(factors):.3g} to {max(factors):.3g}): normalised image by "
                     "image, the ten pictures can no longer be compared.",
                     "leave the numbers as they are and give every image the same colour "
                     "limits instead: `vmin=-m, vmax=m` with `m` the largest absolute weight "
                     "of all ten.")
    if _close(np.sort(answer, axis=None), np.sort(images, axis=None)):
        return wrong("weight_images holds the final model's weights, but not one digit's per "
                     "image: each image mixes the weights of several digits (a reshape or "
                     "`moveaxis` in another order than the rows of `coef_`).",
                     "keep each row of `coef_` (one digit) together: "
                     "`best_model.coef_.reshape(10, side, side)`.")
    return None


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
        verdict = _judge_model_step(facts)
        if verdict is not None:
            return verdict
        return correct(f"StandardScaler, then LogisticRegression ({setting}), fitted on the "
                       f"training part only; accuracy on the test part {accuracy:.3f}.")


#: How close the pipeline's learned weights must be to the judge's refit, relative to the
#: largest weight. saga is deterministic for one seed: thread counts change nothing, and
#: pixels changed in their last bits move the weights by about 1e-14. A fit that stopped
#: one pass earlier or later moves them by far less than this; a fit of other images (five
#: training images fewer, the test part, float32 pixels) moves them by 0.5 % to 50 %.
SCALED_MODEL_RTOL = 1e-3


@functools.lru_cache(maxsize=3)
def scaled_final_fit(part):
    """The final model's ``coef_`` and ``intercept_`` behind a scaler of the training part.

    ``part`` names the images the model step is fitted on: "train", "test" or
    "both parts" (the training part, then the test part).
    """
    X_train, X_test, y_train, y_test = _digits_split()
    images, labels = {"train": (X_train, y_train), "test": (X_test, y_test),
                      "both parts": (np.concatenate([X_train, X_test]),
                                     np.concatenate([y_train, y_test]))}[part]
    scaler = StandardScaler().fit(X_train)
    model = LogisticRegression(**DIGITS_CHOICE, **FINAL_SETTINGS)
    model.fit(scaler.transform(images), labels)
    return model.coef_, model.intercept_


def _learned_like(facts, part):
    """Whether the pipeline's model step learned what a fit on ``part`` learns."""
    coef, intercept = scaled_final_fit(part)
    got_coef = as_float_array(facts.get("coef"), shape=coef.shape)
    got_intercept = as_float_array(facts.get("intercept"), shape=intercept.shape)
    if got_coef is None or got_intercept is None:
        return False
    atol = SCALED_MODEL_RTOL * np.abs(coef).max()
    return bool(np.allclose(got_coef, coef, rtol=0, atol=atol)
                and np.allclose(got_intercept, intercept, rtol=0, atol=atol))


def _judge_model_step(facts):
    """Did the model step learn from the standardized training part? Digits only.

    The scaler's statistics say what the scaler saw; only the model's weights say what
    the model saw: it may be fitted by hand on other images, or refitted after the
    pipeline's fit. None when it learned what the judge's refit learns.
    """
    if facts.get("n_features") != 64 or _learned_like(facts, "train"):
        return None
    fit_it = ("fit the whole pipeline once, on the training part, and leave it so: "
              "`scaled_model.fit(X_train, y_train)`.")
    if _learned_like(facts, "test"):
        return wrong("the pipeline's LogisticRegression learned from the test part: its "
                     "weights are those of a fit on the standardized test images, as when "
                     "it is refitted after the pipeline's fit (`scaled_model[-1].fit(..., "
                     "y_test)`). Its score on the test part then measures nothing.", fit_it)
    if _learned_like(facts, "both parts"):
        return wrong("the pipeline's LogisticRegression learned from the training and the "
                     "test part together: the test images leak into the model.", fit_it)
    return wrong("the scaler is the training part's, but the pipeline's LogisticRegression "
                 "learned other weights than a fit on the whole standardized training part: "
                 "it was fitted on part of the training part, or on other images, or "
                 "refitted after the pipeline's fit.", fit_it)


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


def _judge_other_settings(settings, model="the LogisticRegression",
                          build="LogisticRegression(**best, **FINAL_SETTINGS)"):
    """Name the first other parameter that differs from the final model's; None if none."""
    settings = settings if isinstance(settings, dict) else {}
    for name, expected in final_model_params().items():
        if name in _NOT_COMPARED:
            continue
        got = settings.get(name)
        whole = isinstance(got, numbers.Integral) and not isinstance(got, bool)
        if name == "max_iter" and whole and got < expected:
            return wrong(f"{model} has `max_iter={got}`: saga stops after {got} "
                         f"passes, before it converges (the ConvergenceWarning says so).",
                         f"the notebook's settings give it {expected}: `{build}`.")
        if name == "max_iter" and whole:
            continue  # more passes than saga needs change nothing
        if not _same_value(got, expected):
            return wrong(f"{model} sets `{name}={got!r}`; the notebook's model "
                         f"leaves it at {expected!r}.",
                         f"drop `{name}=...`: `{build}` and nothing else.")
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


EXERCISES = [GridTable(), UnderOver(), BestRow(), GridSearch(), RefitMatches(), WeightImages(),
             ScaledPipeline()]
