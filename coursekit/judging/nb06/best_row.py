"""Notebook 06, exercise 3: the best row of the grid's table, found by label."""

import numpy as np
import pandas as pd

from ...checks import nb06 as specs
from ...checks.results import correct, wrong
from ..base import Judge
from ..plain_answers import describe_shape


#: How far below the largest score a near tie lies: far below any difference the notebook's
#: table shows (its best test scores differ in the sixth decimal), far above float64's
#: last bits. A check that rounds, or compares with a tolerance, takes the row before it.
NEAR_TIE = 3e-10


def _auc_table(rng, n_c):
    """A grid's table of 2 * ``n_c`` rows with distinct scores, best by each column apart."""
    table = {
        "penalty": ["L1"] * n_c + ["L2"] * n_c,
        "l1_ratio": np.repeat([1.0, 0.0], n_c),
        "C": np.tile(np.logspace(-2, 2, n_c), 2),
        "train_auc": 0.5 + 0.5 * rng.permutation(2 * n_c) / (2 * n_c),
        "test_auc": 0.5 + 0.4 * rng.permutation(2 * n_c) / (2 * n_c),
    }
    # The best rows by the two columns differ, so using the wrong column shows.
    if np.argmax(table["train_auc"]) == np.argmax(table["test_auc"]):
        table["test_auc"] = np.roll(table["test_auc"], 1)
    return table


def _move_best(table, column, position):
    """Swap ``column``'s largest score into ``position``, the other column's best elsewhere."""
    values = table[column]
    best = int(np.nanargmax(values))
    values[[best, position]] = values[[position, best]]
    other = "train_auc" if column == "test_auc" else "test_auc"
    if int(np.argmax(table[other])) == position:
        table[other] = np.roll(table[other], 1)


class BestRow(Judge, specs.BestRow):
    def cases(self, seed):
        rng = np.random.default_rng(seed)
        # Row labels that are not positions, as after sorting or filtering a table:
        # they tell `loc` (labels) from `iloc` (positions).
        def labelled(table, column):
            return table, rng.permutation(len(table["C"])) + 100, column

        cases = [labelled(_auc_table(rng, 6), "test_auc")]
        # The best row first, and last: a loop or slice that skips either shows.
        first, last = _auc_table(rng, 5), _auc_table(rng, 25)
        _move_best(first, "train_auc", 0)
        _move_best(last, "test_auc", len(last["C"]) - 1)
        cases += [labelled(first, "train_auc"), labelled(last, "test_auc")]
        cases.append(labelled(*_with_missing_scores(rng)))
        cases.append(labelled(*_with_near_tie(rng)))
        # Two rows share the largest score: either is the row asked for, a table of
        # both is not.
        tie = _auc_table(rng, 5)
        tie["train_auc"][3] = tie["train_auc"][7] = 1.0
        if int(np.argmax(tie["test_auc"])) in (3, 7):
            tie["test_auc"] = np.roll(tie["test_auc"], 2)
        cases.append(labelled(tie, "train_auc"))
        cases += [labelled(*_with_other_scores(rng, name)) for name in ("n_iter", "neg_log_loss")]
        # The best row missing another score: only the column asked for may skip a row.
        # Log losses all above 1: filling NaN with -1 (not only 0) makes it the best.
        cases += [labelled(*_with_missing_other_score(rng)),
                  labelled(*_with_other_scores(rng, "neg_log_loss", above_one=True))]
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
            if verdict is None:
                verdict = _judge_label(call, output, table, column)
            if verdict is not None:
                return verdict
        return correct("the row with the largest value in the column asked for, found by label.")


def _with_missing_scores(rng):
    """A table with scores that could not be computed (NaN), the first row's among them.

    `idxmax` skips them; `sort_values` puts them last, where `.iloc[-1]` would pick one,
    and `max(rows, key=...)` keeps a NaN it starts with (every comparison is False).
    """
    table = _auc_table(rng, 6)
    for name in ("train_auc", "test_auc"):
        table[name][rng.choice(np.arange(1, 12), size=2, replace=False)] = np.nan
    table["test_auc"][0] = np.nan
    if np.nanargmax(table["train_auc"]) == np.nanargmax(table["test_auc"]):
        table["train_auc"] = table["train_auc"][::-1].copy()
    return table, "test_auc"


def _with_near_tie(rng):
    """A table whose two best scores differ by NEAR_TIE, the lower one first."""
    table = _auc_table(rng, 6)
    values = table["test_auc"]
    order = np.argsort(values)
    low, high = sorted(order[-2:])
    values[high] = values[order[-1]]
    values[low] = values[high] - NEAR_TIE
    return table, "test_auc"


def _with_missing_other_score(rng):
    """A table whose best ``test_auc`` row has no ``train_auc`` (NaN).

    `dropna()` without `subset` drops that row, and returns the runner-up; the
    runner-up is not the best by ``train_auc``, so that slip is told from this one.
    """
    table = _auc_table(rng, 6)
    order = np.argsort(table["test_auc"])
    best, runner_up = int(order[-1]), int(order[-2])
    train = table["train_auc"]
    train[best] = np.nan
    if int(np.nanargmax(train)) == runner_up:
        other = next(i for i in range(len(train)) if i not in (best, runner_up))
        train[[runner_up, other]] = train[[other, runner_up]]
    return table, "test_auc"


def _with_other_scores(rng, name, above_one=False):
    """A table with a column of negative scores (and a NaN), or of counts of 10 and more.

    A log loss is negative: taking absolute values, or filling NaN with 0, picks
    the wrong row; with ``above_one`` every loss is above 1, and filling with -1 does
    too. Counts of passes compared as text put "93" above "130".
    """
    table = _auc_table(rng, 5)
    if name == "neg_log_loss" and above_one:
        values = -np.array([1.7, 1.2, 2.5, 3.1, 1.05, 4.0, 1.4, 2.2, 1.9, np.nan])
    elif name == "neg_log_loss":
        values = -np.array([0.05, 0.3, 0.12, 2.5, 0.8, 0.07, 1.4, 0.6, 0.25, np.nan])
    else:
        values = np.array([7, 12, 35, 48, 61, 88, 93, 104, 130, 9])
    table[name] = rng.permutation(values)
    return table, name


def _judge_label(call, output, table, column):
    """Is the returned row one with the largest value in ``column``? None when it is."""
    got, best = output.get("label"), int(table[column].idxmax())
    if got is None and _judge_row_content(call, output, table.loc[best]) is None:
        return wrong(f"{call} returned the best row's values, but without its label (the "
                     "Series' `name`, which `table.loc[label]` keeps): the notebook's next "
                     "cell prints it.",
                     "return the table's own row, as `table.loc[table[column].idxmax()]` "
                     "gives it, without renaming it.")
    added = None if got is not None else _only_added_fields(output, table.loc[best])
    if added:
        return wrong(f"{call} returned the best row with the extra field(s) {added[:8]}, "
                     "and without its label: a Series put together from the row and "
                     "something more (`pd.concat`) is a new one, with no name.",
                     "return the table's own row as it is, nothing added: "
                     "`table.loc[table[column].idxmax()]`.")
    if got is None and _judge_row_content(call, output, table.max()) is not None:
        return wrong(f"{call} returned a Series with no row label, which is not one row "
                     "of the table as it is.",
                     "return the table's own row: `table.loc[table[column].idxmax()]`.")
    if got is None:
        return wrong(f"{call} returned a Series with no row label: the largest value "
                     "of every column, each taken from its own row (`table.max()` "
                     "does that), not one row of the table.",
                     "find the label of the best row with `table[column].idxmax()`, "
                     "then return `table.loc[label]`.")
    largest = table[column].max()
    if got in table.index and table.loc[got, column] == largest:
        # The right label: is it the row as the table holds it?
        verdict = _judge_row_content(call, output, table.loc[got])
        if verdict is not None:
            return verdict
    if got in table.index and table.loc[got, column] == largest and np.isclose(
            output.get("C", np.nan), table.loc[got, "C"]):
        if output.get("changed_input"):
            how = _TABLE_CHANGES.get(output.get("table_change"), _TABLE_CHANGES["order"])
            return wrong(f"{call} returned the right row, but changed the table it was "
                         f"given: {how}. The notebook reads `results` again after this "
                         "cell.",
                         "leave `table` as it is: no `inplace=True`, and no assigning "
                         "into it (`table[column] = ...`). `table[column].idxmax()` needs "
                         "no sorting, and skips NaN by itself.")
        return None
    return _name_the_wrong_row(call, got, best, table, column)


#: What changed in the table a `best_row` was given, by the kernel's word for it.
_TABLE_CHANGES = {
    "order": "its rows sorted or reordered in place",
    "rows": "rows dropped (or added) in place, as `dropna(..., inplace=True)` does",
    "values": "values in it filled or assigned (`table[column] = ...`, `fillna(..., "
              "inplace=True)`)",
    "columns": "a column added to it or removed from it",
}


def _judge_row_content(call, output, row):
    """Is the returned row the table's ``row`` as it is, every field? None when it is.

    The notebook prints the best row's penalty, C and score: a row with a field left
    out, a value changed or rounded, or every value made text, breaks that cell or
    prints another number.
    """
    fields = _fields(output)
    want = [str(name) for name in row.index]
    if fields is None:
        return None  # nothing to compare with (an answer collected by an older kernel)
    # Fields are read by name (the notebook's next cell does): their order is free.
    if sorted(fields) != sorted(want):
        missing = [name for name in want if name not in fields]
        extra = [name for name in fields if name not in want]
        said = (f"without its {', '.join(map(repr, missing))} field" if missing else
                f"with the extra field(s) {extra[:8]}" if extra else
                f"with the fields {fields[:8]}, not the table's columns {want}")
        kept = "every column kept" if missing else "its columns and nothing more"
        return wrong(f"{call} returned the best row {said}.",
                     f"return the table's own row, {kept}: "
                     "`table.loc[table[column].idxmax()]`.")
    given = dict(zip(fields, _values(output)))
    for name, expected in zip(want, row.tolist()):
        value = given[name]
        if _same_value(value, expected):
            continue
        if isinstance(value, str) and not isinstance(expected, str):
            return wrong(f"{call} returned the best row with its values as text ({name} is "
                         f"{value!r}; in the table it is the number {expected!r}).",
                         "return the row as the table holds it, without `astype(str)`: "
                         "`table.loc[table[column].idxmax()]`.")
        return wrong(f"{call} returned the best row with another {name} ({value!r}) than "
                     f"the table holds ({expected!r}): a value rounded or changed.",
                     "return the table's own row, unchanged: "
                     "`table.loc[table[column].idxmax()]`.")
    return None


def _fields(output):
    """The names of a returned row's fields, as text; None when they did not travel."""
    fields, values = _as_list(output.get("fields")), _values(output)
    if not isinstance(fields, list) or not isinstance(values, list):
        return None
    return [str(name) for name in fields]


def _values(output):
    return _as_list(output.get("values"))


def _as_list(value):
    # The wire brings a list of numbers back as an array.
    return value.tolist() if isinstance(value, np.ndarray) else value


def _only_added_fields(output, row):
    """The fields a returned row has on top of ``row``'s, which it holds unchanged;
    None when it lacks or changes one of them, or adds none."""
    fields = _fields(output)
    want = [str(name) for name in row.index]
    if fields is None or len(set(fields)) != len(fields):
        return None
    given = dict(zip(fields, _values(output)))
    extra = [name for name in fields if name not in want]
    if not extra or any(name not in given or not _same_value(given[name], expected)
                        for name, expected in zip(want, row.tolist())):
        return None
    return extra


def _same_value(value, expected):
    """Whether a returned field holds the table's value exactly (NaN for NaN)."""
    if isinstance(expected, str) or isinstance(value, str):
        return value == expected
    try:
        value, expected = float(value), float(expected)
    except (TypeError, ValueError):
        return False
    return value == expected or (np.isnan(value) and np.isnan(expected))


def _name_the_wrong_row(call, got, best, table, column):
    """The slip that picks the row labelled ``got`` instead of ``best``, in words."""
    scores = table[column]
    value = table.loc[got, column] if got in table.index else None
    fix = ("find the label of the largest value with `table[column].idxmax()`, then return "
           "`table.loc[label]`.")
    if value is not None and np.isnan(value):
        return wrong(f"{call} returned a row whose {column} is NaN (a score that could not "
                     f"be computed); the largest {column} is in the row labelled {best}.",
                     "`sort_values` puts NaN last, so `.iloc[-1]` of a sorted table may be "
                     "such a row; `np.argmax` stops at a NaN; `max(..., key=...)` keeps a NaN "
                     "it starts with; `fillna(0)` or `fillna(-1)` makes one the best of "
                     "scores below the value filled in. "
                     "`table[column].idxmax()` skips NaN: return "
                     "`table.loc[table[column].idxmax()]`.")
    if value is not None and 0 < scores.max() - value <= 1e-6 * max(1.0, abs(scores.max())):
        return wrong(f"{call} returned the row labelled {got} ({column} {value!r}), not the "
                     f"one labelled {best} ({scores.max()!r}): the two differ only past the "
                     "sixth decimal, so the scores were rounded or compared with a tolerance "
                     "(`round`, `np.isclose`, `> best + 1e-3`) before choosing.",
                     "compare the scores exactly as they are, " + fix[0].lower() + fix[1:])
    named = [
        (int(scores.abs().idxmax()), f"returned the row with the largest {column} in "
         "absolute value: with negative scores (a log loss) that is the worst one.",
         "compare the scores themselves, without `abs`: " + fix),
        (int(scores.idxmin()), f"returned the row with the *smallest* {column}.",
         "a larger score is better: use `idxmax`."),
        (_best_of_others(scores, 0), "skipped the table's first row, which holds the "
         f"largest {column}.", "look at every row, the first and the last too: " + fix),
        (_best_of_others(scores, -1), "skipped the table's last row, which holds the "
         f"largest {column} (a `range` or slice that stops one row early).",
         "look at every row, the first and the last too: " + fix),
        (int(scores.astype(str).idxmax()), f"compared the {column} values as text, where "
         "'93' comes after '130'.", "compare them as numbers: " + fix),
    ]
    other = "train_auc" if column == "test_auc" else "test_auc"
    complete = table.dropna()
    if table.loc[best].isna().any() and len(complete) and complete[column].notna().any():
        named.insert(0, (int(complete[column].idxmax()), "dropped every row with a missing "
                         "value in any column (`dropna()` without `subset`): the row with "
                         f"the largest {column} has no {_missing_fields(table.loc[best])}, "
                         "and went with them.",
                         f"only a missing {column} may skip a row, and `idxmax` skips those "
                         "by itself: `table.loc[table[column].idxmax()]` (or, if you drop "
                         "rows, `table.dropna(subset=[column])`)."))
    named.insert(1, (int(table[other].idxmax()), f"picked the best row by {other!r}, not by "
                     f"{column!r}.", "use the `column` argument: `table[column].idxmax()`."))
    for label, message, hint in named:
        if label is not None and got == label and label != best:
            return wrong(f"{call} {message}", hint)
    return wrong(f"{call} returned the row labelled {got!r}; the largest {column} is "
                 f"in the row labelled {best}.", fix)


def _missing_fields(row):
    return " and no ".join(str(name) for name in row.index[row.isna()][:3])


def _best_of_others(scores, position):
    """The label of the largest score without the row at ``position``, when that row holds
    the largest; None otherwise."""
    if scores.index[position] != scores.idxmax():
        return None
    return int(scores.drop(scores.index[position]).idxmax())


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
    if kind == "frame" and isinstance(output.get("rows"), int) and output["rows"] > 1:
        return wrong(f"{call} returned a DataFrame of {output['rows']} rows, not one row (a "
                     "Series): in this table several rows share the largest value, and a "
                     "filter such as `table[table[column] == table[column].max()]` keeps "
                     "them all (`.squeeze()` makes a Series of one row only).",
                     "return one row: `table.loc[table[column].idxmax()]` gives the first "
                     "of the rows with the largest value.")
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
