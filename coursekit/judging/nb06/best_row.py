"""Notebook 06, exercise 3: the best row of the grid's table, found by label."""

import copy

import numpy as np
import pandas as pd

from ...checks import nb06 as specs
from ...checks.results import correct, wrong
from ..base import Judge
from ..plain_answers import describe_shape


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
            verdict = _judge_kind(call, output, best)
            if verdict is not None:
                return verdict
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


def _judge_kind(call, output, best):
    """Is the answer one row of the table (a Series)? None when it is."""
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
    return None
